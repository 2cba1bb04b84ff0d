"""Offline tests of func_spec() (contract §b.2 and the upstream func_spec test facts of §j)."""

import base64
import inspect
import json

import pytest
from pydantic import ValidationError

from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Fs, FuncSpec
from tests.support.paths import VECTORS


def sum_nums(n1, n2, ctx={}):  # noqa: B006 - the upstream executor convention, shipped as source
    return n1 + n2


def varargs(a, *rest, key=1, **kw):
    return a


EXPECTED_ECHO = (
    '{"nodename": "echo", "funcname": "echo", "args": ["a", 1], "kwargs": null, "priority": 1, '
    '"maxwaittime": -1, "maxexectime": -1, "maxretries": -1, '
    '"conditions": {"colonyname": "dev", "executornames": null, "executortype": "cli", "dependencies": [], '
    '"nodes": 0, "cpu": "", "processes": 0, "processespernode": 0, "mem": "", "storage": "", '
    '"gpu": {"name": "", "mem": "", "count": 0, "nodecount": 0}, "walltime": 0}, '
    '"label": "", "fs": null, "env": {}, "channels": []}'
)


def test_exact_serialisation_of_name_branch():
    spec = func_spec("echo", ["a", 1], "dev", "cli")
    assert isinstance(spec, FuncSpec)
    assert json.dumps(spec.model_dump(by_alias=True)) == EXPECTED_ECHO


def test_matches_upstream_submit_envelope_vector():
    vector = next(e for e in json.loads(VECTORS.read_text())["envelopes"] if e["msg"]["msgtype"] == "submitfuncspecmsg")
    spec = func_spec(
        "echo", ["helloworld"], "dev", "echo-executor", priority=200, maxexectime=100, maxretries=3, maxwaittime=100
    )
    msg = {"msgtype": "submitfuncspecmsg", "spec": spec.model_dump(by_alias=True)}
    assert json.dumps(msg) == vector["msg_json_text"]


def test_upstream_func_spec_test_facts():
    kwargs = {"one": "1", "two": "2", "three": ["3", "4"]}
    spec = func_spec(
        func="sum_nums",
        args=["helloworld"],
        colonyname="colonyname",
        executortype="echo_executor",
        executorname="exec_name",
        priority=0,
        maxexectime=10,
        maxretries=3,
        maxwaittime=100,
        kwargs=kwargs,
    )
    assert spec.nodename == spec.funcname == "sum_nums"
    assert spec.args == ["helloworld"]
    assert spec.conditions.colonyname == "colonyname"
    assert spec.conditions.executortype == "echo_executor"
    assert spec.conditions.executornames[0] == "exec_name"
    assert (spec.priority, spec.maxexectime, spec.maxretries, spec.maxwaittime) == (0, 10, 3, 100)
    assert spec.kwargs == kwargs


def test_name_branch_code_and_fs():
    spec = func_spec("f", [], "dev", "cli", code="print(1)\n", fs=Fs(mount="/m", snapshots=None, dirs=None))
    assert spec.env == {"code": base64.b64encode(b"print(1)\n").decode()}
    assert spec.fs.mount == "/m"
    with pytest.raises(UnicodeEncodeError):
        func_spec("f", [], "dev", "cli", code="print('å')")


def test_callable_branch():
    spec = func_spec(sum_nums, [1, 2], "dev", "cli", code="ignored", fs=Fs(mount="/m", snapshots=None, dirs=None))
    assert spec.nodename == spec.funcname == "sum_nums"
    assert list(spec.env) == ["args_spec", "code"]
    assert spec.env["args_spec"] == "n1,n2,ctx"
    assert base64.b64decode(spec.env["code"]).decode() == inspect.getsource(sum_nums)
    assert spec.fs == Fs(mount="", snapshots=None, dirs=None)
    assert spec.kwargs is None
    assert spec.conditions.executornames is None


def test_callable_args_spec_skips_varargs_and_keyword_only():
    assert func_spec(varargs, [], "dev", "cli").env["args_spec"] == "a"


def test_callable_without_source_raises_oserror():
    namespace = {}
    exec("def nosrc(x):\n    return x\n", namespace)
    with pytest.raises(OSError):
        func_spec(namespace["nosrc"], [], "dev", "cli")


def test_a_callable_without_source_fails_before_the_conditions_are_checked():
    """As upstream: the source is read first, so a builtin is a TypeError even with bad conditions."""
    with pytest.raises(TypeError):
        func_spec(len, [], None, "cli")
    with pytest.raises(ValidationError):
        func_spec("f", [], None, "cli")


def test_validation_of_args_and_kwargs():
    with pytest.raises(ValidationError):
        func_spec("f", [1.5], "dev", "cli")
    with pytest.raises(ValidationError):
        func_spec("f", [], "dev", "cli", kwargs={"n": 1})
    assert func_spec("f", [True, 2.0], "dev", "cli").args == [1, 2]
