"""Several endpoints for one client: the blocking client (and the asyncio one beside it where a test
compares them) against scripted servers and the dev server, and the acceptance test: the server in
use is killed during 500 assign/close cycles. The policy itself: tests/core/test_failover.py."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.aio.executor import AsyncExecutor
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ConnectError, TransportError
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.support.paths import REPO
from tests.support.servers import COLONY_REPLY, RawServer, free_port

KEY = Crypto().prvkey()


# ---- against scripted servers and the dev server ----------------------------------------------------------------


def test_from_endpoints_and_fallbacks():
    client = Colonies.from_endpoints([("h1", 1), ("h2", 2)], True, timeout=5)
    assert client.endpoints == [("h1", 1), ("h2", 2)] and (client.host, client.port, client.tls) == ("h1", 1, True)
    assert Colonies("h1", 1, fallbacks=[("h2", 2)]).endpoints == client.endpoints
    with pytest.raises(ValueError):
        AsyncColonies.from_endpoints([])


def test_sync_client_skips_a_refusing_endpoint_and_stays_on_the_good_one():
    good = RawServer([COLONY_REPLY, COLONY_REPLY])
    client = Colonies.from_endpoints([("127.0.0.1", free_port()), ("127.0.0.1", good.port)])
    assert client.get_colony("dev", KEY) == {"name": "dev"}
    assert client.port == good.port and client.url.endswith(f":{good.port}/api")
    assert client.add_colony({"colonyid": "x", "name": "y"}, KEY) == {"name": "dev"}  # not idempotent, unsent: fine
    assert len(good.requests) == 2
    good.close()


def test_a_request_moves_only_to_an_endpoint_that_answers_its_health_check(run):
    """A server that accepts connections but cannot serve (503 on /health) never gets the request."""
    for asynchronous in (False, True):
        unhealthy, good = RawServer([COLONY_REPLY], healthy=False), RawServer([COLONY_REPLY])
        endpoints = [("127.0.0.1", free_port()), ("127.0.0.1", unhealthy.port), ("127.0.0.1", good.port)]
        client = (AsyncColonies if asynchronous else Colonies).from_endpoints(endpoints, retries=0)
        added = client.add_colony({"colonyid": "x", "name": "y"}, KEY)  # not idempotent: sent only once
        assert (run(added) if asynchronous else added) == {"name": "dev"}
        assert (unhealthy.health_checks, len(unhealthy.requests), len(good.requests)) == (1, 0, 1)
        assert client.port == good.port
        unhealthy.close()
        good.close()


def test_sync_client_never_repeats_a_call_that_may_have_arrived():
    dropping, good = RawServer(["close"]), RawServer([COLONY_REPLY])
    client = Colonies.from_endpoints([("127.0.0.1", dropping.port), ("127.0.0.1", good.port)])
    with pytest.raises(TransportError):
        client.add_colony({"colonyid": "x", "name": "y"}, KEY)
    assert (len(dropping.requests), len(good.requests)) == (1, 0)
    assert client.get_colony("dev", KEY) == {"name": "dev"}  # idempotent: moved on to the good one
    assert len(good.requests) == 1
    dropping.close()
    good.close()


def test_a_request_that_failed_while_another_thread_failed_over_goes_to_the_working_endpoint(run):
    good = RawServer([COLONY_REPLY, COLONY_REPLY])
    endpoints = [("127.0.0.1", free_port()), ("127.0.0.1", good.port)]
    blocking = Colonies.from_endpoints(endpoints, retries=0)
    dead = blocking._transports[0]

    def refused_meanwhile(*args, **kwargs):
        blocking._failover.current = 1  # what another thread's failover did while this attempt failed
        raise ConnectError("refused")

    dead.post = refused_meanwhile
    assert blocking.add_log("0" * 64, "line", KEY) == {"name": "dev"}  # not back to the dead one, and no error

    async def scenario():
        async with AsyncColonies.from_endpoints(endpoints, retries=0) as c:
            post = c._transport.post

            async def refused_at_zero(endpoint, *args):
                if endpoint == 0:
                    c._failover.current = 1
                    raise ConnectError("refused")
                return await post(endpoint, *args)

            c._transport.post = refused_at_zero
            return await c.add_log("0" * 64, "line", KEY)

    assert run(scenario()) == {"name": "dev"}
    assert len(good.requests) == 2
    good.close()


def test_version_and_server_info_through_the_live_endpoint(run, dev_server):
    live = (dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    endpoints = [("127.0.0.1", free_port()), live]
    client = Colonies.from_endpoints(endpoints)
    assert client.version()["msgtype"] == "versionmsg" and client.port == live[1]
    assert client.server_info()["backends"]

    async def scenario():
        async with AsyncColonies.from_endpoints(endpoints) as c:
            assert (await c.version())["msgtype"] == "versionmsg" and c.port == live[1]
            assert (await c.server_info())["backends"]

    run(scenario())


def test_websockets_fail_over_too(run, dev_server, client, executor):
    live = (dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    endpoints = [("127.0.0.1", free_port()), live]
    done = []
    for _ in range(2):
        process = client.submit_func_spec(func_spec("w", [], executor.colony, executor.type), executor.prvkey)
        assigned = client.assign(executor.colony, 5, executor.prvkey)
        client.close(assigned.processid, [], executor.prvkey)
        done.append(process)
    # A fresh client's endpoint in use is the refusing one: the websocket moves on by itself.
    assert Colonies.from_endpoints(endpoints).wait(done[0], 10, executor.prvkey).state == 2

    async def scenario():
        async with AsyncColonies.from_endpoints(endpoints) as c:
            assert (await c.wait(done[1], 10, executor.prvkey)).state == 2

    run(scenario())


# ---- acceptance: kill the server in use during 500 assign/close cycles -----------------------------------------


def dev_server_command(command: str) -> None:
    done = subprocess.run([str(REPO / "scripts" / "dev-server"), command], cwd=REPO, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        pytest.fail(f"scripts/dev-server {command} failed:\n{done.stdout}{done.stderr}", pytrace=False)


@pytest.fixture
def second_server(dev_server):
    """The dev server's opt-in second instance (same database, port 50081); stopped afterwards."""
    dev_server_command("start-second")
    yield ("127.0.0.1", 50081)
    dev_server_command("stop-second")


def kill_second_server() -> None:
    os.kill(int((REPO / ".devserver" / "colonies2.pid").read_text()), signal.SIGKILL)


N = 500


@pytest.mark.parametrize("kind", ["async", "threaded"])
def test_kill_the_endpoint_in_use_during_500_cycles(kind, run, client, own_colony, new_executor, dev_server,
                                                    second_server):
    executor = new_executor(in_colony=own_colony)
    # maxexectime: a process whose assign reply died with the server is released by the server and
    # assigned again (retries), so it too is closed, once.
    submitted = [
        client.submit_func_spec(func_spec("echo", [i], own_colony.name, executor.type, maxexectime=15, maxretries=5),
                                executor.prvkey)
        for i in range(N)
    ]
    endpoints = [second_server, (dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))]
    options = {"executorname": executor.name, "prvkey": executor.prvkey, "functions": {"echo": lambda *a: list(a)}}

    def kill_when(closed):
        while closed() < N // 5:
            time.sleep(0.005)
        kill_second_server()

    if kind == "async":
        async def scenario():
            async with AsyncColonies.from_endpoints(endpoints) as c:
                runner = AsyncExecutor(c, own_colony.name, executor.type, concurrency=8, **options)
                killer = asyncio.create_task(asyncio.to_thread(kill_when, lambda: runner.stats.closed))
                stats = await runner.run(max_processes=N, max_seconds=120, handle_signals=False)
                await killer
                return stats, c.port

        stats, port_in_use = run(scenario())
    else:
        c = Colonies.from_endpoints(endpoints)
        runner = Executor(c, own_colony.name, executor.type, workers=4, **options)
        killer = threading.Thread(target=kill_when, args=(lambda: runner.stats.closed,))
        killer.start()
        stats = runner.run(max_processes=N, max_seconds=120, handle_signals=False)
        killer.join()
        port_in_use = c.port

    assert port_in_use == endpoints[1][1]  # moved on to the live server
    assert (stats.closed, stats.failed, stats.lost, stats.unreported) == (N, 0, 0, 0)
    counts = client.stats(own_colony.name, executor.prvkey)
    assert (counts["successfulprocesses"], counts["failedprocesses"]) == (N, 0)
    assert (counts["waitingprocesses"], counts["runningprocesses"]) == (0, 0)
    for i, process in enumerate(submitted):
        done = client.get_process(process.processid, executor.prvkey)
        assert (done.state, done.output) == (2, [i]), f"process {i}"
