"""Pydantic v2 models of the Colonies API, field for field the same as upstream pycolonies' `model`.

Field order is the wire order of `model_dump(by_alias=True)`; unknown keys in server replies are
ignored; Go RFC 3339 times (nanoseconds, zero time) parse into aware datetimes. No validators beyond
the two upstream has (Process in/out renaming, File label normalisation): a Process is parsed on
every assign, so it must stay lean. For the same reason mutable defaults (`[]`, `{}`, `Gpu()`, the
empty `Fs`) are default factories: pydantic would deep-copy a literal default through
`copy.deepcopy` each time (a reply's spec has no `channels`, so every parse paid for one). The
values are the same, and so is the JSON schema (`_fresh` writes the default into it); only
`model_fields[name].default` differs (the factory is in `default_factory`).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from pydantic_core import to_jsonable_python

__all__ = [
    "Gpu",
    "Conditions",
    "Fs",
    "FuncSpec",
    "Attribute",
    "Process",
    "Workflow",
    "Position",
    "ProcessNode",
    "ProcessEdge",
    "ProcessGraph",
    "S3Object",
    "Reference",
    "File",
]


def _fresh(factory: Callable[[], Any]) -> Any:
    """A field whose default is made anew by ``factory`` for each instance, shown in the JSON
    schema as a literal default would be."""
    return Field(default_factory=factory, json_schema_extra={"default": to_jsonable_python(factory())})


class Gpu(BaseModel):
    """GPU requirements of a function spec."""

    name: str = ""
    mem: str = ""
    count: int = 0
    nodecount: int = 0


class Conditions(BaseModel):
    """Where a process may run: colony, executor type/names, dependencies and resources."""

    colonyname: str = ""
    executornames: list[str] | None = None
    executortype: str
    dependencies: list[str] = _fresh(list)
    nodes: int = 0
    cpu: str = ""
    processes: int = 0
    processespernode: int = 0
    mem: str = ""
    storage: str = ""
    gpu: Gpu | None = _fresh(Gpu)
    walltime: int = 0


class Fs(BaseModel):
    """ColonyFS mount of a function spec (upstream types snapshots/dirs as lists of strings)."""

    mount: str
    snapshots: list[str] | None
    dirs: list[str] | None


class FuncSpec(BaseModel):
    """A function specification: what to run, with which arguments, under which conditions."""

    nodename: str = ""
    funcname: str = ""
    args: list[str | int] = _fresh(list)
    kwargs: dict[str, str | list[str]] | None = _fresh(dict)
    priority: int = 0
    maxwaittime: int = 0
    maxexectime: int = 0
    maxretries: int = 0
    conditions: Conditions
    label: str = ""
    fs: Fs | None = _fresh(lambda: Fs(mount="", snapshots=None, dirs=None))
    env: dict[str, str] = _fresh(dict)
    channels: list[str] = _fresh(list)


class Attribute(BaseModel):
    """A key/value attribute attached to a process."""

    key: str
    value: str
    targetid: str
    attributetype: int


class Process(BaseModel):
    """A process as the server returns it; `input`/`output` travel as `in`/`out` on the wire."""

    processid: str
    initiatorid: str
    initiatorname: str
    assignedexecutorid: str
    isassigned: bool
    state: int
    prioritytime: int
    submissiontime: datetime
    starttime: datetime
    endtime: datetime
    waitdeadline: datetime
    execdeadline: datetime
    retries: int
    attributes: list[Attribute] | None
    spec: FuncSpec
    waitforparents: bool = False
    parents: list[str]
    children: list[str]
    processgraphid: str
    input: list[str | int | float] | None = Field(alias="in")
    output: list[str | int | float] | None = Field(alias="out")
    errors: list[str]

    def __init__(self, **data: Any) -> None:
        """Accept `input=`/`output=` as well as the wire names `in`/`out`."""
        if "input" in data:
            data["in"] = data.pop("input")
        if "output" in data:
            data["out"] = data.pop("output")
        super().__init__(**data)


class Workflow(BaseModel):
    """A set of function specs submitted together as a process graph."""

    colonyname: str
    functionspecs: list[FuncSpec] = _fresh(list)


class Position(BaseModel):
    """Layout position of a process-graph node."""

    x: int
    y: int


class ProcessNode(BaseModel):
    """A node of a process graph, as drawn by the Colonies dashboard."""

    id: str
    data: dict[str, str] = _fresh(dict)
    position: Position
    type: str
    style: dict[str, str] = _fresh(dict)


class ProcessEdge(BaseModel):
    """An edge of a process graph."""

    id: str
    source: str
    target: str
    animated: bool


class ProcessGraph(BaseModel):
    """A submitted workflow: its processes and their graph."""

    processgraphid: str
    initiatorid: str
    initiatorname: str
    colonyname: str
    rootprocessids: list[str]
    state: int
    submissiontime: datetime
    starttime: datetime
    endtime: datetime
    processids: list[str]
    nodes: list[ProcessNode]
    edges: list[ProcessEdge]


class S3Object(BaseModel):
    """Where a ColonyFS file's bytes live in S3."""

    server: str
    port: int
    tls: bool
    accesskey: str = Field(alias="accesskey")
    secretkey: str = Field(alias="secretkey")
    region: str = Field(alias="region")
    encryptionkey: str = Field(alias="encryptionkey")
    encryptionalg: str = Field(alias="encryptionalg")
    object: str = Field(alias="object")
    bucket: str = Field(alias="bucket")


class Reference(BaseModel):
    """Storage reference of a file (protocol `s3`)."""

    protocol: str
    s3object: S3Object = Field(alias="s3object")


class File(BaseModel):
    """ColonyFS file metadata; `label` is normalised to exactly one leading `/`."""

    fileid: str = Field(alias="fileid")
    colonyname: str = Field(alias="colonyname")
    label: str = Field(alias="label")
    name: str = Field(alias="name")
    size: int = Field(alias="size")
    sequencenr: int = Field(alias="sequencenr")
    checksum: str = Field(alias="checksum")
    checksumalg: str = Field(alias="checksumalg")
    ref: Reference = Field(alias="ref")
    added: datetime | None = Field(default=None, alias="added")

    @field_validator("label")
    @classmethod
    def ensure_single_slash(cls, label: str) -> str:
        """`a/b/` -> `/a/b`, `///x` -> `/x`, `` -> `/` (upstream's rule, under upstream's name)."""
        return "/" + label.strip("/")
