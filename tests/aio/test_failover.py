"""Several endpoints for one asyncio client: failover, and repeating only idempotent calls after a
drop, against scripted servers (the blocking client: tests/client/test_failover.py)."""

from __future__ import annotations

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import TransportError
from tests.support.servers import COLONY_REPLY, RawServer, free_port

KEY = Crypto().prvkey()


def test_async_client_fails_over_the_same_way(run):
    dropping, good = RawServer(["close", "close"]), RawServer([COLONY_REPLY, COLONY_REPLY])

    async def scenario():
        refused = ("127.0.0.1", free_port())
        async with AsyncColonies.from_endpoints([refused, ("127.0.0.1", good.port)]) as c:
            assert await c.get_colony("dev", KEY) == {"name": "dev"}
            assert c.port == good.port
        async with AsyncColonies.from_endpoints([("127.0.0.1", dropping.port), ("127.0.0.1", good.port)]) as c:
            with pytest.raises(TransportError):
                await c.add_colony({"colonyid": "x", "name": "y"}, KEY)
            assert len(good.requests) == 1
            assert await c.get_colony("dev", KEY) == {"name": "dev"}
        # the dropped get_colony went again to the same endpoint (retries=2, as the blocking transport
        # does) before failover moved it on: 1 + 3 requests reached the dropping server
        assert len(good.requests) == 2 and len(dropping.requests) == 4

    run(scenario())
    dropping.close()
    good.close()


def test_async_client_repeats_only_idempotent_calls_after_a_drop_on_one_endpoint(run):
    server = RawServer(["close", COLONY_REPLY, "close", COLONY_REPLY])

    async def scenario():
        async with AsyncColonies("127.0.0.1", server.port) as c:
            assert await c.get_colony("dev", KEY) == {"name": "dev"}  # dropped once, sent again
            assert len(server.requests) == 2
            with pytest.raises(TransportError):
                await c.add_colony({"colonyid": "x", "name": "y"}, KEY)  # may have arrived: never again
            assert len(server.requests) == 3
            assert await c.add_colony({"colonyid": "x", "name": "y"}, KEY) == {"name": "dev"}

    run(scenario())
    assert len(server.requests) == 4
    server.close()


def test_async_client_gives_up_after_its_retries(run):
    server = RawServer(["close"] * 5)

    async def scenario():
        async with AsyncColonies("127.0.0.1", server.port, retries=1) as c:
            with pytest.raises(TransportError):
                await c.get_colony("dev", KEY)

    run(scenario())
    assert len(server.requests) == 2
    server.close()
