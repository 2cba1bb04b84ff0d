"""Offline tests of the pydantic models: fields, defaults, aliases, parsing quirks (contract §e)."""

import json
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from pycolonies_fast import models
from pycolonies_fast.models import (
    Attribute,
    Conditions,
    File,
    Fs,
    FuncSpec,
    Gpu,
    Position,
    Process,
    ProcessEdge,
    ProcessGraph,
    ProcessNode,
    Reference,
    S3Object,
    Workflow,
)
from tests.support.paths import VECTORS
from tests.support.processes import ZERO_TIME, process_reply


def test_process_parses_server_reply_and_ignores_extra_keys():
    p = Process(**process_reply())
    assert p.processid == "a" * 64
    assert p.input == ["x", 2, 1.5]
    assert p.output == []
    assert p.attributes[0].key == "k" and p.attributes[0].value == "v"
    assert not hasattr(p, "retention")
    assert p.spec.conditions.executortype == "cli"


def test_times_parse_nanoseconds_offsets_and_go_zero_time():
    p = Process(**process_reply())
    assert p.submissiontime == datetime(2024, 5, 1, 10, 11, 12, 123456, tzinfo=timezone.utc)
    assert p.starttime.utcoffset().total_seconds() == 7200
    assert p.starttime.microsecond == 500000
    assert p.endtime == datetime(1, 1, 1, tzinfo=timezone.utc)


def test_process_input_output_aliases():
    p = Process(**process_reply(**{"in": ["a"], "out": ["b"]}))
    assert (p.input, p.output) == (["a"], ["b"])
    reply = process_reply()
    del reply["in"], reply["out"]
    p = Process(**reply, input=[1], output=["z"])
    assert (p.input, p.output) == ([1], ["z"])
    dumped = p.model_dump()
    assert "input" in dumped and "output" in dumped and "in" not in dumped
    by_alias = p.model_dump(by_alias=True)
    assert by_alias["in"] == [1] and by_alias["out"] == ["z"]
    assert list(by_alias)[-4:] == ["processgraphid", "in", "out", "errors"]
    assert Process.model_validate(process_reply()).input == ["x", 2, 1.5]


def test_process_booleans_in_output_become_ints():
    p = Process(**process_reply(out=[True, False, "s", 3]))
    assert p.output == [1, 0, "s", 3]
    assert type(p.output[0]) is int


@pytest.mark.parametrize(
    "overrides",
    [
        {"out": [{"a": 1}]},
        {"out": [[1]]},
        {"out": [None]},
        {"in": [{"a": 1}]},
        {"parents": None},
        {"children": None},
        {"errors": None},
    ],
)
def test_process_parse_failures(overrides):
    with pytest.raises(ValidationError):
        Process(**process_reply(**overrides))


@pytest.mark.parametrize(
    "spec_overrides",
    [
        {"args": [1.5]},
        {"args": [{"a": 1}]},
        {"args": [[1]]},
        {"args": [None]},
        {"kwargs": {"force": True}},
        {"kwargs": {"n": 1}},
        {"fs": {"mount": "/m", "snapshots": [{"snapshotid": "x"}], "dirs": None}},
        {"fs": {"mount": "/m", "snapshots": None, "dirs": [{"label": "/l", "dir": "d"}]}},
    ],
)
def test_spec_parse_failures(spec_overrides):
    reply = process_reply()
    reply["spec"].update(spec_overrides)
    with pytest.raises(ValidationError):
        Process(**reply)


def test_integral_floats_and_bools_in_args_become_ints():
    reply = process_reply()
    reply["spec"]["args"] = [2.0, True, "s"]
    assert Process(**reply).spec.args == [2, 1, "s"]


def test_null_payload_raises_type_error():
    with pytest.raises(TypeError):
        Process(**None)


def test_missing_required_field_raises():
    reply = process_reply()
    del reply["spec"]
    with pytest.raises(ValidationError):
        Process(**reply)


def test_funcspec_defaults_and_key_order():
    spec = FuncSpec(conditions=Conditions(executortype="cli"))
    assert spec.model_dump(by_alias=True) == {
        "nodename": "",
        "funcname": "",
        "args": [],
        "kwargs": {},
        "priority": 0,
        "maxwaittime": 0,
        "maxexectime": 0,
        "maxretries": 0,
        "conditions": {
            "colonyname": "",
            "executornames": None,
            "executortype": "cli",
            "dependencies": [],
            "nodes": 0,
            "cpu": "",
            "processes": 0,
            "processespernode": 0,
            "mem": "",
            "storage": "",
            "gpu": {"name": "", "mem": "", "count": 0, "nodecount": 0},
            "walltime": 0,
        },
        "label": "",
        "fs": {"mount": "", "snapshots": None, "dirs": None},
        "env": {},
        "channels": [],
    }
    assert list(spec.model_dump(by_alias=True)) == list(FuncSpec.model_fields)


def test_mutable_defaults_are_not_shared():
    a = FuncSpec(conditions=Conditions(executortype="x"))
    b = FuncSpec(conditions=Conditions(executortype="x"))
    a.env["k"] = "v"
    a.args.append("x")
    a.channels.append("c")
    a.conditions.dependencies.append("d")
    a.conditions.gpu.count = 3
    a.fs.mount = "/m"
    assert b.env == {} and b.args == [] and b.channels == []
    assert b.conditions.dependencies == [] and b.conditions.gpu.count == 0 and b.fs.mount == ""
    assert Gpu().count == 0


def test_no_assignment_validation_and_unknown_kwargs_dropped():
    spec = FuncSpec(conditions=Conditions(executortype="x", processes_per_node=4))
    spec.nodename = 123
    assert spec.nodename == 123
    assert spec.conditions.processespernode == 0


def test_required_fields():
    with pytest.raises(ValidationError):
        Conditions()
    with pytest.raises(ValidationError):
        FuncSpec()
    with pytest.raises(ValidationError):
        Fs(mount="")
    with pytest.raises(ValidationError):
        Workflow()
    assert Fs(mount="", snapshots=None, dirs=None).snapshots is None


def test_workflow_serialisation_matches_upstream_cron_vector():
    vector = next(e for e in json.loads(VECTORS.read_text())["envelopes"] if e["msg"]["msgtype"] == "addcronmsg")
    node1 = FuncSpec(nodename="node1", conditions=Conditions(colonyname="dev", executortype="cli"))
    node2_conditions = Conditions(colonyname="dev", executortype="cli", dependencies=["node1"])
    node2 = FuncSpec(nodename="node2", conditions=node2_conditions)
    workflow = Workflow(colonyname="dev", functionspecs=[node1, node2])
    assert json.dumps(workflow.model_dump(by_alias=True)) == vector["msg"]["cron"]["workflowspec"]


def test_processgraph_parses():
    graph = ProcessGraph(
        processgraphid="g",
        initiatorid="i",
        initiatorname="n",
        colonyname="dev",
        rootprocessids=["p1"],
        state=0,
        submissiontime="2024-01-01T00:00:00.999999999Z",
        starttime=ZERO_TIME,
        endtime=ZERO_TIME,
        processids=["p1", "p2"],
        nodes=[
            {"id": "p1", "data": {"label": "x"}, "position": {"x": 1, "y": 2}, "type": "t", "style": {"color": "c"}}
        ],
        edges=[{"id": "e", "source": "p1", "target": "p2", "animated": False}],
    )
    assert isinstance(graph.nodes[0], ProcessNode) and graph.nodes[0].position == Position(x=1, y=2)
    assert isinstance(graph.edges[0], ProcessEdge)
    assert graph.submissiontime.microsecond == 999999


def test_attribute_requires_all_fields():
    assert Attribute(key="k", value="v", targetid="t", attributetype=1).attributetype == 1
    with pytest.raises(ValidationError):
        Attribute(key="k", value="v", targetid="t")


def make_file(label):
    s3 = S3Object(
        server="localhost",
        port=9000,
        tls=False,
        accesskey="",
        secretkey="",
        region="",
        encryptionkey="",
        encryptionalg="",
        object="obj",
        bucket="b",
    )
    return File(
        fileid="",
        colonyname="dev",
        label=label,
        name="f.txt",
        size=3,
        sequencenr=1,
        checksum="c",
        checksumalg="SHA256",
        ref=Reference(protocol="s3", s3object=s3),
    )


@pytest.mark.parametrize(
    "label, expected",
    [
        ("", "/"),
        ("a", "/a"),
        ("/a", "/a"),
        ("a/b/", "/a/b"),
        ("filelabel", "/filelabel"),
        ("///filelabel", "/filelabel"),
        ("//a//b//", "/a//b"),
    ],
)
def test_file_label_normalisation(label, expected):
    assert make_file(label).label == expected


def test_file_label_none_rejected():
    with pytest.raises(ValidationError):
        make_file(None)


def test_file_dump_order_and_added_null():
    dumped = make_file("x").model_dump(by_alias=True)
    assert list(dumped) == [
        "fileid",
        "colonyname",
        "label",
        "name",
        "size",
        "sequencenr",
        "checksum",
        "checksumalg",
        "ref",
        "added",
    ]
    assert dumped["added"] is None
    assert list(dumped["ref"]) == ["protocol", "s3object"]
    assert list(dumped["ref"]["s3object"])[:3] == ["server", "port", "tls"]


def test_file_parses_server_reply_with_added_time():
    reply = make_file("/x").model_dump(by_alias=True)
    reply["added"] = "2024-05-01T10:11:12.123456789Z"
    reply["fileid"] = "f" * 64
    parsed = File(**reply)
    assert parsed.added.year == 2024 and parsed.fileid == "f" * 64


@pytest.mark.parametrize("name", models.__all__)
def test_the_json_schema_shows_every_default_a_factory_makes(name):
    """Mutable defaults are factories (a parse must not deep-copy them); schema consumers (FastAPI,
    OpenAPI) still see the default, as upstream's literal defaults showed it."""
    model = getattr(models, name)
    properties = model.model_json_schema()["properties"]
    for field_name, field in model.model_fields.items():
        if field.default_factory is not None:
            expected = to_jsonable_python(field.get_default(call_default_factory=True))
            assert properties[field.alias or field_name]["default"] == expected, field_name
