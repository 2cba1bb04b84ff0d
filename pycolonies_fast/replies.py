"""The shapes of the server's replies that the clients return as plain dicts, as ``TypedDict``\\ s.

Upstream pycolonies returns most replies as the decoded JSON object (``list_executors``,
``get_colony``, ``add_cron``, ...); so do ``Colonies`` and ``AsyncColonies``. These classes only
tell a type checker what is in those dicts: at run time the replies are the same plain ``dict``\\ s
(a ``TypedDict`` is a ``dict``), nothing is converted or checked. Annotate with them::

    from pycolonies_fast.replies import ExecutorDict

    executors: list[ExecutorDict] = client.list_executors(colonyname, prvkey) or []

The fields are the JSON tags of the Colonies server's structs (v1.9.12, ``pkg/core``), checked
against live replies. Conventions:

* a field the server leaves out when it is empty or zero (Go ``omitempty``) is ``NotRequired``;
* ``X | None`` where the server sends ``null`` for an empty list or map (a Go nil slice or map);
  process and process-graph dicts follow the ``Process`` and ``ProcessGraph`` models here;
* times are the server's RFC 3339 strings (``"0001-01-01T00:00:00Z"`` when unset), log
  timestamps Unix nanoseconds;
* values the user supplied (process arguments and output, blueprint ``spec`` and ``status``)
  are ``Any``.

``EmptyDict`` is the ``{}`` of the calls that return nothing (close, remove, approve, ...).
"""

from typing import Any

# typing_extensions (a dependency of pydantic) rather than typing: NotRequired is in typing from
# Python 3.11 only, and pydantic validates a TypedDict only from typing_extensions before 3.12.
from typing_extensions import NotRequired, TypedDict

__all__ = [
    "AllocationsDict",
    "AttributeDict",
    "BackendDict",
    "BlueprintDefinitionDict",
    "BlueprintDefinitionNamesDict",
    "BlueprintDefinitionSpecDict",
    "BlueprintDict",
    "BlueprintHandlerDict",
    "BlueprintHistoryDict",
    "BlueprintMetadataDict",
    "CapabilitiesDict",
    "ChangeColonyIdDict",
    "ChangeExecutorIdDict",
    "ChangeServerIdDict",
    "ChangeUserIdDict",
    "ChannelEntryDict",
    "ClusterDict",
    "ClusterNodeDict",
    "ColonyDict",
    "ConditionsDict",
    "ConflictResolutionDict",
    "CronDict",
    "EmptyDict",
    "ExecutorDict",
    "FileDataDict",
    "FileDict",
    "FsDict",
    "FuncSpecDict",
    "FunctionArgDict",
    "FunctionDict",
    "GeneratorDict",
    "GpuDict",
    "GraphEdgeDict",
    "GraphNodeDataDict",
    "GraphNodeDict",
    "GraphNodePositionDict",
    "GraphNodeStyleDict",
    "HardwareDict",
    "KeepLocalDict",
    "LabelDict",
    "LocationDict",
    "LogDict",
    "PauseStatusDict",
    "ProcessDict",
    "ProcessGraphDict",
    "ProjectDict",
    "ReferenceDict",
    "S3ObjectDict",
    "SchemaPropertyDict",
    "ServerInfoDict",
    "SnapshotDict",
    "SnapshotMountDict",
    "SoftwareDict",
    "StatisticsDict",
    "SyncDirMountDict",
    "UserDict",
    "ValidationSchemaDict",
    "VersionDict",
]


class EmptyDict(TypedDict):
    """``{}``: what the calls that return nothing return (close, fail, remove_*, approve_executor, ...)."""


# --- colonies, users, locations -------------------------------------------------------------


class ColonyDict(TypedDict):
    """A colony (``add_colony``, ``get_colony``, ``list_colonies``)."""

    colonyid: str
    name: str


class UserDict(TypedDict):
    """A user of a colony (``add_user``, ``get_user``, ``get_users``)."""

    colonyname: str
    userid: str
    name: str
    email: str
    phone: str


class LocationDict(TypedDict):
    """A location (``add_location``, ``get_location``, ``get_locations``)."""

    locationid: str
    name: str
    colonyname: str
    description: str
    long: float
    lat: float


class PauseStatusDict(TypedDict):
    """``get_pause_status``: whether assignments are paused in a colony."""

    msgtype: str
    colonyname: str
    ispaused: bool


class StatisticsDict(TypedDict):
    """Counts of executors, processes and workflows (``stats`` of a colony, ``get_statistics`` of the server)."""

    colonies: int
    executors: int
    activeexecutors: int
    unregisteredexecutors: int
    waitingprocesses: int
    runningprocesses: int
    successfulprocesses: int
    failedprocesses: int
    cancelledprocesses: int
    waitingworkflows: int
    runningworkflows: int
    successfulworkflows: int
    failedworkflows: int
    cancelledworkflows: int


# --- executors and functions ----------------------------------------------------------------


class GpuDict(TypedDict):
    """GPU of an executor's hardware or of a function spec's conditions."""

    name: str
    mem: str
    count: int
    nodecount: int


class HardwareDict(TypedDict):
    """One hardware entry of an executor's capabilities."""

    model: str
    nodes: int
    cpu: str
    cores: int
    mem: str
    storage: str
    gpu: GpuDict
    platform: str
    architecture: str
    network: list[str] | None


class SoftwareDict(TypedDict):
    """One software entry of an executor's capabilities."""

    name: str
    type: str
    version: str


class CapabilitiesDict(TypedDict):
    """What an executor offers (``update_executor`` sets it)."""

    hardware: list[HardwareDict] | None
    software: list[SoftwareDict] | None


class ProjectDict(TypedDict):
    """Resource use of one project (``report_allocations`` sets it)."""

    allocatedcpu: int
    usedcpu: int
    allocatedgpu: int
    usedgpu: int
    allocatedstorage: int
    usedstorage: int


class AllocationsDict(TypedDict):
    """An executor's resource allocations per project."""

    projects: dict[str, ProjectDict] | None


class ExecutorDict(TypedDict):
    """An executor (``add_executor``, ``get_executor``, ``list_executors``).

    ``state``: 0 pending, 1 approved, 2 rejected.
    """

    executorid: str
    executortype: str
    executorname: str
    colonyname: str
    state: int
    requirefuncreg: bool
    commissiontime: str
    lastheardfromtime: str
    locationname: NotRequired[str]
    capabilities: CapabilitiesDict
    allocations: AllocationsDict
    blueprintid: NotRequired[str]
    blueprintgen: NotRequired[int]


class FunctionArgDict(TypedDict):
    """A described argument of a registered function."""

    name: str
    type: str
    description: NotRequired[str]
    required: NotRequired[bool]
    enum: NotRequired[list[str]]


class FunctionDict(TypedDict):
    """A registered function and its run statistics in seconds (``add_function``, ``get_functions_by_*``)."""

    functionid: str
    executorname: str
    executortype: str
    colonyname: str
    funcname: str
    description: NotRequired[str]
    args: NotRequired[list[FunctionArgDict]]
    counter: int
    minwaittime: float
    maxwaittime: float
    minexectime: float
    maxexectime: float
    avgwaittime: float
    avgexectime: float
    locationname: NotRequired[str]


# --- processes and workflows ----------------------------------------------------------------


class AttributeDict(TypedDict):
    """A process attribute (``add_attribute``, ``get_attribute``; ``attributes`` of a process)."""

    attributeid: str
    targetid: str
    targetcolonyname: str
    targetprocessgraphid: str
    state: int
    attributetype: int
    key: str
    value: str


class ConditionsDict(TypedDict):
    """Where a process may run."""

    colonyname: str
    executornames: list[str] | None
    executortype: str
    locationname: NotRequired[str]
    dependencies: list[str]
    nodes: int
    cpu: str
    processes: int
    processespernode: int
    mem: str
    storage: str
    gpu: GpuDict
    walltime: int


class SnapshotMountDict(TypedDict):
    """A snapshot mounted into a process's filesystem."""

    snapshotid: str
    label: str
    dir: str
    keepfiles: bool
    keepsnapshot: bool


class KeepLocalDict(TypedDict):
    keeplocal: bool


class ConflictResolutionDict(TypedDict):
    """Which side wins when a synced folder differs, at start and at close."""

    onstart: KeepLocalDict
    onclose: KeepLocalDict


class SyncDirMountDict(TypedDict):
    """A ColonyFS label synced with a folder of a process's filesystem."""

    label: str
    dir: str
    keepfiles: bool
    onconflicts: ConflictResolutionDict


class FsDict(TypedDict):
    """The filesystem of a function spec."""

    mount: str
    snapshots: list[SnapshotMountDict] | None
    dirs: list[SyncDirMountDict] | None


class FuncSpecDict(TypedDict):
    """A process's function spec (``spec`` of a process dict)."""

    nodename: str
    funcname: str
    args: list[Any]
    kwargs: dict[str, Any] | None
    priority: int
    maxwaittime: int
    maxexectime: int
    maxretries: int
    conditions: ConditionsDict
    label: str
    fs: FsDict
    env: dict[str, str]
    channels: NotRequired[list[str]]


#: A process's input and output, ``in`` and ``out`` on the wire: keywords, so not class-syntax fields.
_ProcessInOut = TypedDict("_ProcessInOut", {"in": list[Any] | None, "out": list[Any] | None})


class ProcessDict(_ProcessInOut):
    """A process as a dict (``list_processes``, ``assign_raw``, ``add_child``, ...).

    ``in`` and ``out`` are its input and output; ``Process(**d)`` makes the model that
    ``get_process`` and ``assign`` return.
    """

    processid: str
    initiatorid: str
    initiatorname: str
    assignedexecutorid: str
    isassigned: bool
    state: int
    prioritytime: int
    submissiontime: str
    starttime: str
    endtime: str
    waitdeadline: str
    execdeadline: str
    retries: int
    attributes: list[AttributeDict] | None
    spec: FuncSpecDict
    waitforparents: bool
    parents: list[str]
    children: list[str]
    processgraphid: str
    errors: list[str]


class GraphNodeDataDict(TypedDict):
    label: str


class GraphNodePositionDict(TypedDict):
    x: int
    y: int


class GraphNodeStyleDict(TypedDict):
    color: str
    background: str


class GraphNodeDict(TypedDict):
    """A node of a process graph, as the Colonies dashboard draws it."""

    id: str
    data: GraphNodeDataDict
    position: GraphNodePositionDict
    type: str
    style: GraphNodeStyleDict


class GraphEdgeDict(TypedDict):
    """An edge of a process graph."""

    id: str
    source: str
    target: str
    animated: bool


class ProcessGraphDict(TypedDict):
    """A process graph (workflow) as a dict (``get_processgraphs``)."""

    processgraphid: str
    initiatorid: str
    initiatorname: str
    colonyname: str
    rootprocessids: list[str]
    state: int
    submissiontime: str
    starttime: str
    endtime: str
    processids: list[str]
    nodes: list[GraphNodeDict]
    edges: list[GraphEdgeDict]


class LogDict(TypedDict):
    """A log line (``get_process_log``, ``get_executor_log``, ``search_logs``); ``timestamp`` in Unix ns."""

    processid: str
    colonyname: str
    executorname: str
    message: str
    timestamp: int


class ChannelEntryDict(TypedDict):
    """A channel entry (``channel_read``): ``payload`` as bytes, an empty one as the server sent it (``""``/None)."""

    sequence: int
    inreplyto: NotRequired[int]
    timestamp: str
    senderid: str
    payload: bytes | str | None
    type: NotRequired[str]
    error: NotRequired[str]


# --- crons and generators -------------------------------------------------------------------


class CronDict(TypedDict):
    """A cron (``add_cron``, ``get_cron``, ``get_crons``, ``run_cron``); ``workflowspec`` is JSON text."""

    cronid: str
    initiatorid: str
    initiatorname: str
    colonyname: str
    name: str
    cronexpression: str
    interval: int
    random: bool
    nextrun: str
    lastrun: str
    workflowspec: str
    prevprocessgraphid: str
    waitforprevprocessgraph: bool
    checkerperiod: int


class GeneratorDict(TypedDict):
    """A generator (``add_generator``, ``get_generator``, ``get_generators``); ``workflowspec`` is JSON text."""

    generatorid: str
    initiatorid: str
    initiatorname: str
    colonyname: str
    name: str
    workflowspec: str
    trigger: int
    timeout: int
    firstpack: str
    lastrun: str
    queuesize: int
    checkerperiod: int


# --- ColonyFS -------------------------------------------------------------------------------


class S3ObjectDict(TypedDict):
    """Where a file's bytes are in S3."""

    server: str
    port: int
    tls: bool
    accesskey: str
    secretkey: str
    region: str
    encryptionkey: str
    encryptionalg: str
    object: str
    bucket: str


class ReferenceDict(TypedDict):
    protocol: str
    s3object: S3ObjectDict


class FileDict(TypedDict):
    """A file record (``get_file``, ``upload_file``, ``upload_data``)."""

    fileid: str
    colonyname: str
    label: str
    name: str
    size: int
    sequencenr: int
    checksum: str
    checksumalg: str
    ref: ReferenceDict
    added: str


class FileDataDict(TypedDict):
    """The latest version of a file under a label (``get_files``)."""

    name: str
    checksum: str
    size: int
    s3filename: str


class LabelDict(TypedDict):
    """A ColonyFS label and how many files it holds (``get_file_labels``)."""

    name: str
    files: int


class SnapshotDict(TypedDict):
    """A snapshot (``create_snapshot``, ``get_snapshot_by_*``, ``get_snapshots``)."""

    snapshotid: str
    colonyname: str
    label: str
    name: str
    fileids: list[str] | None
    added: str


# --- blueprints -----------------------------------------------------------------------------


class BlueprintMetadataDict(TypedDict):
    """``metadata`` of a blueprint or blueprint definition."""

    name: str
    colonyname: str
    locationname: NotRequired[str]
    labels: NotRequired[dict[str, str]]
    annotations: NotRequired[dict[str, str]]
    generation: NotRequired[int]
    createdAt: str
    updatedAt: str
    lastReconciliationProcess: NotRequired[str]
    lastReconciliationTime: str


class SchemaPropertyDict(TypedDict, total=False):
    """One property of a blueprint definition's schema (every field may be absent)."""

    type: str
    description: str
    enum: list[Any]
    default: Any
    properties: dict[str, "SchemaPropertyDict"]
    items: "SchemaPropertyDict"


class ValidationSchemaDict(TypedDict, total=False):
    """The schema blueprints of a kind are validated against (every field may be absent)."""

    type: str
    properties: dict[str, SchemaPropertyDict]
    required: list[str]


class BlueprintDefinitionNamesDict(TypedDict):
    kind: str
    listKind: str
    singular: str
    plural: str
    shortNames: NotRequired[list[str]]


class BlueprintHandlerDict(TypedDict):
    """Which executor type and function reconcile blueprints of a kind."""

    executorType: str
    functionName: str
    reconcileInterval: NotRequired[int]


class BlueprintDefinitionSpecDict(TypedDict):
    group: str
    version: str
    names: BlueprintDefinitionNamesDict
    scope: str
    schema: NotRequired[ValidationSchemaDict]
    handler: BlueprintHandlerDict


class BlueprintDefinitionDict(TypedDict):
    """A blueprint definition, a kind (``add_blueprint_definition``, ``get_blueprint_definition(s)``)."""

    blueprintdefinitionid: str
    kind: str
    metadata: BlueprintMetadataDict
    spec: BlueprintDefinitionSpecDict


class BlueprintDict(TypedDict):
    """A blueprint (``add_blueprint``, ``get_blueprint``, ``get_blueprints``, ``update_blueprint``)."""

    blueprintid: str
    kind: str
    metadata: BlueprintMetadataDict
    spec: dict[str, Any] | None
    status: NotRequired[dict[str, Any]]


class BlueprintHistoryDict(TypedDict):
    """One change of a blueprint (``get_blueprint_history``); ``namespace`` is the colony."""

    historyid: str
    blueprintid: str
    kind: str
    namespace: str
    name: str
    generation: int
    spec: dict[str, Any] | None
    status: NotRequired[dict[str, Any]]
    timestamp: str
    changedby: str
    changetype: str


# --- server and keys ------------------------------------------------------------------------


class VersionDict(TypedDict):
    """``version``: the server's build (empty strings on a server built without them)."""

    buildversion: str
    buildtime: str
    msgtype: str


class BackendDict(TypedDict):
    """One API backend of the server (``server_info``)."""

    type: str
    port: int
    host: NotRequired[str]
    tls: NotRequired[bool]
    insecure: NotRequired[bool]


class ServerInfoDict(TypedDict):
    """``server_info``: build and backends."""

    buildversion: str
    buildtime: str
    backends: list[BackendDict]


class ClusterNodeDict(TypedDict):
    """A server of the cluster; ``port`` and ``peerport`` are its etcd ports."""

    name: str
    host: str
    port: int
    peerport: int
    relayport: int
    apiport: int


class ClusterDict(TypedDict):
    """``get_cluster``: the cluster's servers and its leader."""

    nodes: list[ClusterNodeDict]
    leader: ClusterNodeDict


class ChangeServerIdDict(TypedDict):
    """``change_server_id``: the request, echoed."""

    msgtype: str
    serverid: str


class ChangeColonyIdDict(TypedDict):
    """``change_colony_id``: the request, echoed."""

    msgtype: str
    colonyname: str
    colonyid: str


class ChangeExecutorIdDict(TypedDict):
    """``change_executor_id``: the request, echoed."""

    msgtype: str
    colonyname: str
    executorid: str


class ChangeUserIdDict(TypedDict):
    """``change_user_id``: the request, echoed."""

    msgtype: str
    colonyname: str
    userid: str
