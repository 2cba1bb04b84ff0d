"""Offline tests of the executor's pieces: output shaping, backoff, functions and options.

The CLI's function discovery and help: tests/cli/test_executor.py."""

from __future__ import annotations

import types

import pytest

from pycolonies_fast.aio.executor import AsyncExecutor
from pycolonies_fast.executor import Executor
from pycolonies_fast.executor.dispatch import Function, ProcessContext, to_output
from pycolonies_fast.executor.report import Backoff
from tests.support import tasks

SECRET = "ab" * 32


@pytest.mark.parametrize(
    ("result", "output"),
    [(None, []), (3, [3]), ("a", ["a"]), ((1, "b"), [1, "b"]), ([1, 2], [1, 2]), ((), []), ({"k": 1}, [{"k": 1}])],
)
def test_result_becomes_output_list(result, output):
    assert to_output(result) == output


def test_backoff_grows_with_jitter_and_is_capped():
    backoff = Backoff(base=0.1, cap=1.0)
    delays = [backoff.next() for _ in range(20)]
    assert all(0.0 <= d <= 1.0 for d in delays)
    assert max(delays[:1]) <= 0.1 and len(set(delays)) > 10
    backoff.reset()
    assert backoff.next() <= 0.1


def test_function_with_ctx_parameter_gets_a_context():
    def with_ctx(x, ctx=None):
        return x

    assert Function.of("f", with_ctx).wants_ctx
    assert not Function.of("g", tasks.square).wants_ctx
    with pytest.raises(ValueError, match="cannot take a ctx"):
        Function.of("h", with_ctx, cpu_bound=True)


def test_function_knows_once_whether_it_is_awaited():
    """The async runner awaits ``async def`` functions (a partial of one too) and runs the others in a thread."""
    import functools

    async def later(x):
        return x

    assert Function.of("a", later, async_runner=True).is_coroutine
    assert Function.of("p", functools.partial(later, 1), async_runner=True).is_coroutine
    plain = Function.of("s", tasks.square, async_runner=True)
    assert not plain.is_coroutine
    assert plain == Function.of("s", tasks.square, async_runner=True)  # the cached answer is no field


def test_decorator_forms_register_functions():
    executor = Executor(object(), "colony", executorname="e", prvkey=SECRET)

    @executor.function
    def plain():
        return 1

    @executor.function("renamed")
    def other():
        return 2

    @executor.function(cpu_bound=True)
    def heavy():
        return 3

    assert plain() == 1 and other() == 2  # the decorator returns the function itself
    assert set(executor.functions) == {"plain", "renamed", "heavy"}
    assert executor.functions["heavy"].cpu_bound


def test_reprs_never_show_private_keys():
    executor = Executor(object(), "colony", executorname="e", prvkey=SECRET)
    process = types.SimpleNamespace(processid="p1")
    ctx = ProcessContext(process, object(), "colony", "e", "id", SECRET)  # type: ignore[arg-type]
    assert SECRET not in repr(executor) and SECRET not in repr(ctx)
    assert ctx["executor_prvkey"] == SECRET and ctx["process"] is process


def test_the_context_is_the_mapping_upstreams_executors_passed():
    process = types.SimpleNamespace(processid="p1")
    ctx = ProcessContext(process, object(), "colony", "e", "id", SECRET)  # type: ignore[arg-type]
    expected = {"process": process, "colonyname": "colony", "executorid": "id", "executor_prvkey": SECRET}
    assert dict(ctx) == expected and dict(**ctx) == expected and len(ctx) == 4
    assert "process" in ctx and "client" not in ctx and ctx.get("nope", 7) == 7
    with pytest.raises(KeyError):
        ctx["client"]  # an attribute, not one of upstream's keys
    assert SECRET not in repr(ctx)


def test_the_threaded_runner_refuses_functions_it_could_never_run():
    async def awaited():
        return 1

    def generated():
        yield 1

    executor = Executor(object(), "colony", executorname="e", prvkey=SECRET)
    with pytest.raises(ValueError, match="'awaited' is async: run it with AsyncExecutor"):
        executor.function(awaited)
    with pytest.raises(ValueError, match="'generated' is a generator function"):
        executor.function(generated)
    with pytest.raises(ValueError, match="is async"):
        Executor(object(), "colony", executorname="e", prvkey=SECRET, functions={"a": awaited})
    assert AsyncExecutor(object(), "colony", executorname="e", prvkey=SECRET, functions={"a": awaited}).functions
    with pytest.raises(ValueError, match="generator function"):
        AsyncExecutor(object(), "colony", executorname="e", prvkey=SECRET, functions={"g": generated})


@pytest.mark.parametrize("poll_timeout", [1.5, "2", True])
def test_poll_timeout_is_whole_seconds(poll_timeout):
    """The server refuses anything else on every assign ("invalid JSON"): the run would back off forever."""
    with pytest.raises(TypeError, match="whole number of seconds"):
        Executor(object(), "colony", executorname="e", prvkey=SECRET, poll_timeout=poll_timeout)


def test_identity_is_required():
    with pytest.raises(ValueError, match="colony_prvkey"):
        Executor(object(), "colony", "type")
    with pytest.raises(ValueError, match="executortype"):
        Executor(object(), "colony", colony_prvkey=SECRET)


@pytest.mark.parametrize(("option", "value"), [("available_cpu", "4"), ("available_cpu", "4 cores"),
                                             ("available_memory", "8"), ("available_memory", "8gi")])
def test_resources_the_server_would_misread_are_refused(option, value):
    """The server reads a CPU value without ``m`` as 0 CPUs and refuses malformed values on every assign."""
    with pytest.raises(ValueError, match=option):
        Executor(None, "c", "t", colony_prvkey="11" * 32, **{option: value})
    Executor(None, "c", "t", colony_prvkey="11" * 32, available_cpu="4000m", available_memory="8Gi")


