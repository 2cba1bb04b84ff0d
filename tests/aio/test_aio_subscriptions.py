"""AsyncColonies websocket methods against the dev server: wait, subscribe_channel_iter, subscribe_channel."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.errors import ColoniesError, TransportError
from pycolonies_fast.errors.websocket import WaitTimeoutError
from pycolonies_fast.funcspec import func_spec


def test_wait_wakes_on_success_and_failure(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            for close in (True, False):
                process = await c.submit_func_spec(func_spec("w", [], executor.colony, executor.type), executor.prvkey)
                waiter = asyncio.create_task(c.wait(process, 20, executor.prvkey))
                await asyncio.sleep(0.2)
                assigned = await c.assign(executor.colony, 5, executor.prvkey)
                started = time.monotonic()
                if close:
                    await c.close(assigned.processid, ["done"], executor.prvkey)
                else:
                    await c.fail(assigned.processid, ["bad"], executor.prvkey)
                finished = await waiter
                assert time.monotonic() - started < 2  # woken by the push, not the 5 s safety net
                assert finished.state == (2 if close else 3)

    run(scenario())


def test_more_waits_than_pooled_connections(run, aclient, executor):
    async def scenario():
        async with aclient(pool_size=2) as c:
            spec = func_spec("w", [], executor.colony, executor.type)
            processes = [await c.submit_func_spec(spec, executor.prvkey) for _ in range(4)]
            waiters = [asyncio.create_task(c.wait(p, 20, executor.prvkey)) for p in processes]
            await asyncio.sleep(0.3)  # four subscriptions open: the RPCs below still get connections
            for _ in processes:
                assigned = await c.assign(executor.colony, 5, executor.prvkey)
                await c.close(assigned.processid, [], executor.prvkey)
            assert [p.state for p in await asyncio.wait_for(asyncio.gather(*waiters), 15)] == [2] * 4

    run(scenario())


def test_wait_times_out_with_the_typed_error(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            process = await c.submit_func_spec(func_spec("w", [], executor.colony, executor.type), executor.prvkey)
            with pytest.raises(WaitTimeoutError):
                await c.wait(process, 1, executor.prvkey)
            await c.remove_process(process.processid, executor.prvkey)

    run(scenario())



def test_subscribe_channel_iter_gets_existing_and_new_entries(run, aclient, executor, channel_process):
    pid = channel_process.processid

    async def scenario():
        async with aclient() as c:
            await c.channel_append(pid, "chat", 1, "first", executor.prvkey)
            received: list[bytes] = []
            async for entries in c.subscribe_channel_iter(pid, "chat", executor.prvkey, timeout=5):
                received += [entry["payload"] for entry in entries]
                if len(received) == 1:
                    await c.channel_append(pid, "chat", 2, b"second", executor.prvkey)
                if len(received) == 2:
                    break
            assert received == [b"first", b"second"]
            read = await c.channel_read(pid, "chat", 0, 0, executor.prvkey)
            assert [entry["payload"] for entry in read] == [b"first", b"second"]

    run(scenario())


def test_subscribe_channel_with_an_async_callback_and_without(run, aclient, executor, channel_process):
    pid = channel_process.processid

    async def scenario():
        async with aclient() as c:
            await c.channel_append(pid, "chat", 1, "one", executor.prvkey)
            await c.channel_append(pid, "chat", 2, "two", executor.prvkey)
            seen = []

            async def callback(entries):
                seen.extend(entry["payload"] for entry in entries)
                return len(seen) < 2

            assert await c.subscribe_channel(pid, "chat", executor.prvkey, timeout=5, callback=callback) is None
            assert seen == [b"one", b"two"]
            collected = await c.subscribe_channel(pid, "chat", executor.prvkey, after_seq=1, timeout=1)
            assert [entry["payload"] for entry in collected] == [b"two"]

    run(scenario())


def test_big_frames_early_stops_and_negative_timeouts(run, aclient, executor, channel_process):
    pid, big = channel_process.processid, os.urandom(5 * 2**20)  # over aiohttp's default 4 MiB frame limit

    async def scenario():
        async with aclient() as c:
            await c.channel_append(pid, "chat", 1, big, executor.prvkey)
            start = time.monotonic()
            stop = await c.subscribe_channel(pid, "chat", executor.prvkey, timeout=20, callback=lambda e: False)
            stopped = time.monotonic() - start
            start = time.monotonic()
            entries = await c.subscribe_channel(pid, "chat", executor.prvkey, timeout=-1)
            return stop, stopped, entries, time.monotonic() - start

    stop, stopped, entries, answered = run(scenario())
    assert stop is None and [entry["payload"] for entry in entries] == [big]
    assert stopped < 3 and answered < 3  # were 10 s (aiohttp's close timeout) and 30 s (-1 sent as 0)

def test_a_timeout_of_none_is_the_servers_default(run, aclient, executor, channel_process):
    pid = channel_process.processid

    async def scenario():
        async with aclient() as c:
            await c.channel_append(pid, "chat", 1, "only", executor.prvkey)
            received = []
            stop = await c.subscribe_channel(pid, "chat", executor.prvkey, timeout=None,
                                             callback=lambda entries: received.extend(entries) or False)
            return stop, received

    stop, received = run(scenario())
    assert stop is None and [entry["payload"] for entry in received] == [b"only"]


def test_subscribe_channel_errors(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            with pytest.raises(ColoniesError):
                await c.subscribe_channel("0" * 64, "chat", executor.prvkey, timeout=2)
        dev = (aclient().host, aclient().port)
        async with AsyncColonies.from_endpoints([("127.0.0.1", 1), dev]) as c:  # port 1: connection refused
            with pytest.raises(ColoniesError):  # fell back to the dev server, which answers with an error frame
                await c.subscribe_channel("0" * 64, "chat", executor.prvkey, timeout=2)
        async with AsyncColonies("127.0.0.1", 1) as c:
            with pytest.raises(TransportError):
                await c.subscribe_channel("0" * 64, "chat", executor.prvkey, timeout=2)

    run(scenario())


# ---- subscribe_processes (the same steps as the blocking client's: core.pubsub.processes_steps) -------------------


def test_subscribe_processes_with_an_async_callback_stops_when_it_says_so(run, aclient, executor):
    async def scenario():
        seen = []

        async def on_process(process):
            seen.append(process)
            return False  # one is enough

        async with aclient() as c:
            async def submit_soon():
                await asyncio.sleep(0.5)
                await c.submit_func_spec(func_spec("pushed", [], executor.colony, executor.type), executor.prvkey)

            submitter = asyncio.create_task(submit_soon())
            started = time.monotonic()
            result = await c.subscribe_processes(executor.colony, executor.type, 0, executor.prvkey, timeout=20,
                                                 callback=on_process)
            await submitter
        assert result is None and time.monotonic() - started < 10
        assert [p.spec.funcname for p in seen] == ["pushed"] and seen[0].state == 0

    run(scenario())


def test_subscribe_processes_collects_until_timeout_and_takes_a_plain_callback(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            async def submit_later(funcname):
                await asyncio.sleep(0.5)
                await c.submit_func_spec(func_spec(funcname, [], executor.colony, executor.type), executor.prvkey)

            submitter = asyncio.create_task(submit_later("late"))
            started = time.monotonic()
            processes = await c.subscribe_processes(executor.colony, executor.type, 0, executor.prvkey, timeout=2)
            await submitter
            assert 1.5 < time.monotonic() - started < 10
            assert [p.spec.funcname for p in processes] == ["late"]

            seen = []
            submitter = asyncio.create_task(submit_later("plain"))
            result = await c.subscribe_processes(executor.colony, executor.type, 0, executor.prvkey, timeout=2,
                                                 callback=seen.append)  # returns None: keeps going to the timeout
            await submitter
            assert result is None and [p.spec.funcname for p in seen] == ["plain"]

    run(scenario())


def test_subscribe_processes_needs_an_executor(run, aclient, colony):
    async def scenario():
        async with aclient() as c:
            with pytest.raises(ColoniesError, match="not found"):
                await c.subscribe_processes(colony.name, "any", 0, colony.prvkey, timeout=2)

    run(scenario())
