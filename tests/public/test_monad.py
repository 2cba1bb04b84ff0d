"""Function / ColoniesMonad (contract §h.1): offline binding rules, and end to end with a real executor."""

from __future__ import annotations

import pytest

from pycolonies_fast.monad import ColoniesMonad, Function, WorkflowStepFailed
from tests.support.executors import PythonExecutor


def gen_data(ctx={}):  # noqa: B006 - the python-executor convention passes ctx by keyword
    return 1, 2


def process_data(*nums, ctx={}):  # noqa: B006
    total = 0
    for n in nums:
        total += n
    return total


def broken(ctx={}):  # noqa: B006
    raise RuntimeError("broken on purpose")


def test_function_ships_source_or_name():
    step = Function(gen_data, "colony", "python")
    assert step.name == "gen_data" and step.func_spec.funcname == "gen_data"
    assert step.func_spec.env["args_spec"] == "ctx" and step.func_spec.env["code"]
    assert (step.func_spec.maxexectime, step.func_spec.maxretries, step.func_spec.priority) == (200, 3, 0)
    named = Function("echo", "colony", "cli")
    assert named.name == "echo" and named.func_spec.env == {}


def test_binding_builds_a_linear_pipeline():
    first, second = Function(gen_data, "c", "python"), Function(process_data, "c", "python")
    m = ColoniesMonad(None, "c", "key")  # type: ignore[arg-type]  # no client needed to bind
    assert (m >> first >> second) is m
    assert [s.nodename for s in m.wf.functionspecs] == ["gen_data", "process_data"]
    assert [s.conditions.dependencies for s in m.wf.functionspecs] == [[], ["gen_data"]]
    assert first.func_spec.conditions.dependencies == [] and second.func_spec.conditions.dependencies == []
    assert m.prev_func == "process_data" and "key" not in repr(m)


def test_unwrap_without_steps():
    with pytest.raises(ValueError, match="no Function"):
        ColoniesMonad(None, "c", "key").unwrap()  # type: ignore[arg-type]


@pytest.fixture
def python_executor(client, executor):
    worker = PythonExecutor(client, executor.colony, executor.prvkey)
    worker.start()
    yield worker
    worker.stop()


def test_monad_end_to_end(client, executor, python_executor):
    m = ColoniesMonad(client, executor.colony, executor.prvkey)
    gen = Function(gen_data, executor.colony, executor.type)
    process = Function(process_data, executor.colony, executor.type)
    assert (m >> gen >> process).unwrap() == 3
    assert python_executor.ran == ["gen_data", "process_data"]


def test_monad_failed_step_raises(client, executor, python_executor):
    m = ColoniesMonad(client, executor.colony, executor.prvkey)
    step = Function(broken, executor.colony, executor.type, maxretries=0)
    with pytest.raises(WorkflowStepFailed, match="broken on purpose"):
        (m >> step).unwrap(timeout=30)
