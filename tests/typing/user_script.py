"""A user's script, type-checked and never run: the public surface must type-check under
``mypy --strict`` with no ``Any`` leaking into the user's own code.

Checked by ``.venv/bin/mypy --strict tests/typing`` (see README.md here); pytest does not collect
it. Each ``assert_type`` pins what a user's type checker sees, so a return type that regresses
(to ``Any``, or to another shape) fails the check.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from types import ModuleType
from typing import Any

import pycolonies_fast as pycolonies
from pycolonies_fast import AsyncColonies, Colonies, Crypto, FuncSpec, Process, colonies_client, compat, func_spec
from pycolonies_fast.aio.executor import AsyncExecutor
from pycolonies_fast.executor import Executor, RunStats
from pycolonies_fast.replies import (
    ColonyDict,
    EmptyDict,
    ExecutorDict,
    FunctionDict,
    LogDict,
    ProcessDict,
    StatisticsDict,
    VersionDict,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def submit_and_run(colonies: Colonies, colonyname: str, prvkey: str) -> list[str]:
    """Submit a function spec, take it as an executor, close it; the names of the executors."""
    spec = func_spec(func="echo", args=["hello"], colonyname=colonyname, executortype="cli")
    assert_type(spec, FuncSpec)
    submitted = colonies.submit_func_spec(spec, prvkey)
    assert_type(submitted, Process)
    process = colonies.assign(colonyname, 10, prvkey)
    assert_type(process, Process)
    assert_type(process.processid, str)
    assert_type(colonies.close(process.processid, ["hello"], prvkey), EmptyDict)
    assert_type(colonies.fail(submitted.processid, ["no"], prvkey), EmptyDict)

    colony = colonies.get_colony(colonyname, prvkey)
    assert_type(colony, ColonyDict)
    assert_type(colony["colonyid"], str)

    executors = colonies.list_executors(colonyname, prvkey)
    assert_type(executors, list[ExecutorDict] | None)
    names = [executor["executorname"] for executor in executors or []]
    approved = [e for e in executors or [] if e["state"] == 1 and e.get("locationname", "") == ""]
    assert_type(approved, list[ExecutorDict])
    for executor in executors or []:
        for hardware in executor["capabilities"]["hardware"] or []:
            assert_type(hardware["gpu"]["count"], int)

    raw = colonies.assign_raw(colonyname, 10, prvkey)
    assert_type(raw, ProcessDict)
    assert_type(raw["in"], list[Any] | None)  # the process's input: any JSON values
    assert_type(raw["spec"]["conditions"]["executortype"], str)
    assert_type(Process(**raw), Process)

    logs = colonies.get_process_log(colonyname, raw["processid"], 100, 0, prvkey)
    assert_type(logs, list[LogDict] | None)
    functions = colonies.get_functions_by_colony(colonyname, prvkey)
    assert_type(functions, list[FunctionDict] | None)
    return names


def server_side(colonies: Colonies, server_prvkey: str) -> int:
    assert_type(colonies.version(), VersionDict)
    statistics = colonies.get_statistics(server_prvkey)
    assert_type(statistics, StatisticsDict)
    return statistics["waitingprocesses"] + statistics["runningprocesses"]


def from_environment() -> tuple[Colonies, str]:
    """``colonies_client()`` reads the COLONIES_* environment, as upstream's does."""
    colonies, colonyname, colony_prvkey, executorname, prvkey = colonies_client()
    assert_type(colonies, Colonies)
    assert_type(colonyname, str | None)
    if colonyname is None or prvkey is None:
        raise SystemExit("set COLONIES_COLONY_NAME and COLONIES_PRVKEY")
    return colonies, colonyname


def keys() -> tuple[str, str, str]:
    crypto = Crypto()
    prvkey = crypto.prvkey()
    assert_type(prvkey, str)
    signature = crypto.sign("message", prvkey)
    assert_type(crypto.verify("message", signature, crypto.id(prvkey)), bool)
    return prvkey, crypto.id(prvkey), signature


def threaded_executor(colonies: Colonies, colonyname: str, colony_prvkey: str) -> RunStats:
    executor = Executor(colonies, colonyname, "mytype", colony_prvkey=colony_prvkey, workers=4)

    @executor.function
    def add(a: int, b: int) -> int:
        return a + b

    @executor.function("multiply")
    def mul(a: int, b: int) -> int:
        return a * b

    assert_type(add(1, 2), int)  # the decorated function keeps its type
    assert_type(mul(2, 3), int)
    return executor.run(max_processes=2)


async def async_executor(colony_prvkey: str) -> RunStats:
    async with AsyncColonies.from_endpoints([("localhost", 50080)]) as client:
        assert_type(client, AsyncColonies)
        colony = await client.get_colony("dev", colony_prvkey)
        assert_type(colony, ColonyDict)
        pending = client.list_executors("dev", colony_prvkey)
        assert_type(pending, Awaitable[list[ExecutorDict] | None])
        assert_type(await pending, list[ExecutorDict] | None)
        process = await client.assign("dev", 5, colony_prvkey)
        assert_type(process, Process)
        assert_type(await client.close(process.processid, [], colony_prvkey), EmptyDict)

        executor = AsyncExecutor(client, "dev", "mytype", colony_prvkey=colony_prvkey, concurrency=8)

        @executor.function
        async def add(a: int, b: int) -> int:
            return a + b

        @executor.function
        def blocking_add(a: int, b: int) -> int:
            return a + b

        @executor.function(cpu_bound=True)
        def square(x: int) -> int:
            return x * x

        assert_type(await add(1, 2), int)
        assert_type(blocking_add(1, 2), int)
        assert_type(square(3), int)
        return await executor.run(max_seconds=1.0)


def drop_in() -> dict[str, ModuleType]:
    """Upstream's module names (``crypto``, ``model``, ``cfs``) for code that must stay unchanged."""
    added = compat.install()
    assert_type(pycolonies.Colonies, type[Colonies])
    return added


if __name__ == "__main__":
    colonies, colonyname = from_environment()
    print(submit_and_run(colonies, colonyname, keys()[0]))
    asyncio.run(async_executor(keys()[0]))
