"""The added RPC methods are sans-IO steps too: composed into an asyncio client they work as coroutines."""

from __future__ import annotations

import asyncio

import pytest

from pycolonies_fast.errors import ServerError

aio = pytest.importorskip("pycolonies_fast.aio.client", reason="the asyncio client needs aiohttp")


AsyncWithAdded = aio.AsyncColonies  # composes the mixins of the methods upstream lacks


def test_added_methods_as_coroutines(dev_server, colony, executor, user):
    async def scenario():
        async with AsyncWithAdded(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
            assert (await c.server_info())["backends"]
            assert (await c.get_pause_status(colony.name, executor.prvkey))["ispaused"] is False
            assert (await c.get_user(colony.name, user.name, executor.prvkey))["userid"] == user.id
            assert await c.list_processes_by(colony.name, 10, 0, executor.prvkey, label="none") is None
            with pytest.raises(ValueError):
                await c.list_processes_by(colony.name, 10, 0, executor.prvkey, label="a", executortype="b")
            with pytest.raises(ServerError, match="no reply"):
                await c.get_process_history(colony.name, 60, 2, "0" * 63 + "2")

    asyncio.run(scenario())
