"""AsyncColonies: the same methods and signatures as Colonies, as coroutines; a live test per area."""

from __future__ import annotations

import asyncio
import inspect
import json
import time

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import RequestTimeoutError, ServerError, TransportError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow
from tests.support.identities import unique
from tests.support.servers import RawServer, free_port, reply
from tests.support.signatures import METHODS, params

# ---- offline ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(METHODS))
def test_same_signature_as_coroutine(name):
    method = getattr(AsyncColonies, name)
    assert inspect.iscoroutinefunction(method), name
    assert params(method, skip_self=True) == METHODS[name]


SYNC_ONLY = {"from_endpoints"}  # a classmethod


def test_every_method_of_colonies_is_a_coroutine_with_the_same_signature():
    public = {name for name in dir(Colonies) if not name.startswith("_") and callable(getattr(Colonies, name))}
    assert set(METHODS) < public
    for name in sorted(public - SYNC_ONLY):
        method = getattr(AsyncColonies, name)
        assert inspect.iscoroutinefunction(method), name
        assert inspect.signature(method) == inspect.signature(getattr(Colonies, name)), name
    assert inspect.isasyncgenfunction(AsyncColonies.subscribe_channel_iter)


def test_same_docstrings_and_sync_methods_stay_sync():
    assert AsyncColonies.get_process.__doc__ == Colonies.get_process.__doc__
    assert not inspect.iscoroutinefunction(Colonies.get_process)
    assert str(inspect.signature(AsyncColonies.assign)) == str(inspect.signature(Colonies.assign))


def test_constructor_and_attributes_as_colonies():
    client = AsyncColonies("example.com", 8443, True)
    assert (client.host, client.port, client.tls, client.url) == ("example.com", 8443, True, "https://example.com:8443/api")
    assert repr(client) == "AsyncColonies(url='https://example.com:8443/api')"
    assert params(AsyncColonies.__init__, skip_self=True) == params(Colonies.__init__, skip_self=True)


def test_errors_before_io_are_raised_by_the_coroutine(run):
    async def scenario():
        client = AsyncColonies("127.0.0.1", 1, retries=0)
        with pytest.raises(ValueError):
            await client.get_colony("dev", "zz" * 32)
        with pytest.raises(ValueError, match="Both 'fileid' and 'filename'"):
            await client.download_data("dev", Crypto().prvkey(), fileid="1", filename="f")
        with pytest.raises(TransportError):
            await client.get_colony("dev", Crypto().prvkey())
        await client.close_connections()

    run(scenario())


# ---- against the dev server -----------------------------------------------------------------------------------


def test_colonies_and_stats(run, aclient, keys, executor):
    async def scenario():
        async with aclient() as c:
            prvkey = Crypto().prvkey()
            name = unique("aio")
            assert (await c.add_colony({"colonyid": Crypto().id(prvkey), "name": name}, keys.server))["name"] == name
            assert name in [colony["name"] for colony in await c.list_colonies(keys.server)]
            assert await c.del_colony(name, keys.server) == {}
            assert (await c.get_colony(executor.colony, executor.prvkey))["name"] == executor.colony
            assert "waitingprocesses" in await c.stats(executor.colony, executor.prvkey)

    run(scenario())


def test_executors(run, aclient, own_colony):
    async def scenario():
        async with aclient() as c:
            key = Crypto().prvkey()
            name = unique("exec")
            executor = {"executorname": name, "executorid": Crypto().id(key), "colonyname": own_colony.name,
                        "executortype": "aio"}
            assert (await c.add_executor(executor, own_colony.prvkey))["executorname"] == name
            await c.approve_executor(own_colony.name, name, own_colony.prvkey)
            assert (await c.get_executor(own_colony.name, name, key))["state"] == 1
            assert [e["executorname"] for e in await c.list_executors(own_colony.name, key)] == [name]
            await c.reject_executor(own_colony.name, name, own_colony.prvkey)
            assert await c.remove_executor(own_colony.name, name, own_colony.prvkey) == {}

    run(scenario())


def test_process_life_cycle(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            spec = func_spec("echo", ["a", 1], executor.colony, executor.type)
            submitted = await c.submit_func_spec(spec, executor.prvkey)
            assert submitted.state == Colonies.WAITING
            assigned = await c.assign(executor.colony, 5, executor.prvkey)
            assert assigned.processid == submitted.processid
            await c.set_output(assigned.processid, ["partial"], executor.prvkey)
            assert await c.close(assigned.processid, ["a", 1], executor.prvkey) == {}
            done = await c.get_process(submitted.processid, executor.prvkey)
            assert (done.state, done.output) == (Colonies.SUCCESSFUL, ["a", 1])
            found = await c.find_process(submitted.spec.nodename, [submitted.processid], executor.prvkey)
            assert found.processid == submitted.processid
            listed = await c.list_processes(executor.colony, 100, Colonies.SUCCESSFUL, executor.prvkey)
            assert submitted.processid in [p["processid"] for p in listed]
            await c.submit_func_spec(func_spec("boom", [], executor.colony, executor.type), executor.prvkey)
            failing = await c.assign(executor.colony, 5, executor.prvkey)
            await c.fail(failing.processid, ["bad"], executor.prvkey)
            assert (await c.get_process(failing.processid, executor.prvkey)).errors == ["bad"]
            assert await c.remove_process(failing.processid, executor.prvkey) == {}
            with pytest.raises(ServerError, match="No process available"):
                await c.assign(executor.colony, 1, executor.prvkey)

    run(scenario())


def test_workflows(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            first = func_spec("first", [], executor.colony, executor.type)
            second = func_spec("second", [], executor.colony, executor.type)
            second.conditions.dependencies = ["first"]
            graph = await c.submit_workflow(Workflow(colonyname=executor.colony, functionspecs=[first, second]),
                                            executor.prvkey)
            assert len(graph.processids) == 2
            got = await c.get_processgraph(graph.processgraphid, executor.prvkey)
            assert got.processgraphid == graph.processgraphid
            graphs = await c.get_processgraphs(executor.colony, 10, executor.prvkey, state=0)
            assert graph.processgraphid in [g["processgraphid"] for g in graphs]
            processes = await c.get_processes_for_workflow(graph.processgraphid, executor.colony, executor.prvkey)
            assert {p["processid"] for p in processes} == set(graph.processids)
            assert await c.remove_processgraph(graph.processgraphid, executor.prvkey) == {}

    run(scenario())


def test_functions_attributes_and_logs(run, aclient, executor):
    async def scenario():
        async with aclient() as c:
            await c.add_function(executor.colony, executor.name, "echo", executor.prvkey)
            by_executor = await c.get_functions_by_executor(executor.colony, executor.name, executor.prvkey)
            assert [f["funcname"] for f in by_executor] == ["echo"]
            assert "echo" in [f["funcname"] for f in await c.get_functions_by_colony(executor.colony, executor.prvkey)]
            await c.submit_func_spec(func_spec("echo", [], executor.colony, executor.type), executor.prvkey)
            process = await c.assign(executor.colony, 5, executor.prvkey)
            attribute = await c.add_attribute(process.processid, "k", "v", executor.prvkey)
            assert (await c.get_attribute(attribute["attributeid"], executor.prvkey))["value"] == "v"
            await c.add_log(process.processid, "a log line", executor.prvkey)
            logs = await c.get_process_log(executor.colony, process.processid, 10, -1, executor.prvkey)
            assert [entry["message"] for entry in logs] == ["a log line"]
            by_name = await c.get_executor_log(executor.colony, executor.name, 10, -1, executor.prvkey)
            assert "a log line" in [entry["message"] for entry in by_name]
            await c.close(process.processid, [], executor.prvkey)

    run(scenario())


def test_snapshots_crons_generators_users(run, aclient, own_colony, new_executor):
    member = new_executor(in_colony=own_colony)

    async def scenario():
        async with aclient() as c:
            name = unique("snap")
            snapshot = await c.create_snapshot(own_colony.name, "/snaplabel", name, member.prvkey)
            assert (await c.get_snapshot_by_id(own_colony.name, snapshot["snapshotid"], member.prvkey))["name"] == name
            assert [s["name"] for s in await c.get_snapshots(own_colony.name, member.prvkey)] == [name]

            workflow = Workflow(colonyname=own_colony.name, functionspecs=[func_spec("tick", [], own_colony.name, "x")])
            cron = await c.add_cron(unique("cron"), "0 0 0 1 1 *", False, workflow, own_colony.name, member.prvkey)
            assert (await c.get_cron(cron["cronid"], member.prvkey))["name"] == cron["name"]
            assert await c.del_cron(cron["cronid"], member.prvkey) == {}

            generator = {"colonyname": own_colony.name, "name": unique("gen"), "trigger": 10, "timeout": 60,
                         "workflowspec": json.dumps(workflow.model_dump(by_alias=True))}
            added = await c.add_generator(generator, member.prvkey)
            assert (await c.get_generator(added["generatorid"], member.prvkey))["name"] == generator["name"]
            assert await c.remove_generator(added["generatorid"], member.prvkey) == {}

            userkey = Crypto().prvkey()
            user = {"colonyname": own_colony.name, "userid": Crypto().id(userkey), "name": unique("user"),
                    "email": "a@b.c", "phone": "1"}
            await c.add_user(user, own_colony.prvkey)
            assert user["name"] in [u["name"] for u in await c.get_users(own_colony.name, member.prvkey)]
            assert await c.remove_user(own_colony.name, user["name"], own_colony.prvkey) == {}

    run(scenario())


def test_blueprints(run, aclient, own_colony):
    definition = {
        "kind": "BlueprintDefinition",
        "metadata": {"name": "gadgets.example.com", "colonyname": own_colony.name},
        "spec": {"group": "example.com", "version": "v1", "scope": "Namespaced",
                 "names": {"kind": "Gadget", "listKind": "GadgetList", "singular": "gadget", "plural": "gadgets"}},
    }
    blueprint = {"kind": "Gadget", "metadata": {"name": "g1", "colonyname": own_colony.name}, "spec": {"size": 1}}

    async def scenario():
        async with aclient() as c:
            key = own_colony.prvkey
            await c.add_blueprint_definition(definition, key)
            assert (await c.get_blueprint_definition(own_colony.name, "gadgets.example.com", key))["kind"]
            await c.add_blueprint(blueprint, key)
            assert (await c.get_blueprint(own_colony.name, "g1", key))["spec"] == {"size": 1}
            listed = await c.get_blueprints(own_colony.name, key, kind="Gadget")
            assert [b["metadata"]["name"] for b in listed] == ["g1"]
            await c.remove_blueprint(own_colony.name, "g1", key)
            assert await c.remove_blueprint_definition(own_colony.name, "gadgets.example.com", key) == {}

    run(scenario())


def test_files_run_their_s3_work_in_a_thread(run, aclient, own_colony, new_executor):
    member = new_executor(in_colony=own_colony)

    async def scenario():
        async with aclient() as c:
            stored = await c.upload_data(own_colony.name, member.prvkey, filename="hello.txt", data=b"hello",
                                         label="/aio")
            assert stored["name"] == "hello.txt"
            assert await c.download_data(own_colony.name, member.prvkey, label="/aio", filename="hello.txt") == b"hello"
            records = await c.get_file(own_colony.name, member.prvkey, label="/aio", filename="hello.txt")
            assert [r["name"] for r in records] == ["hello.txt"]
            assert [f["name"] for f in await c.get_files("/aio", own_colony.name, member.prvkey)] == ["hello.txt"]
            await c.delete_file(own_colony.name, member.prvkey, label="/aio", filename="hello.txt")
            assert await c.get_files("/aio", own_colony.name, member.prvkey) in (None, [])

    run(scenario())


def test_private_rpc_helper_and_reconnect(run, aclient, colony, executor):
    async def scenario():
        c = aclient()
        msg = {"msgtype": "getexecutorbyidmsg", "colonyname": colony.name, "executorid": executor.id}
        assert (await c._Colonies__rpc(msg, executor.prvkey))["executorname"] == executor.name
        await c.close_connections()
        assert (await c.get_executor(colony.name, executor.name, executor.prvkey))["executorname"] == executor.name
        await c.close_connections()

    run(scenario())


def test_one_client_serves_one_event_loop_after_another(aclient, colony, executor):
    client = aclient()

    async def names_twice() -> list[str]:
        replies = await asyncio.gather(*(client.get_executor(colony.name, executor.name, executor.prvkey)
                                         for _ in range(2)))
        return [reply["executorname"] for reply in replies]

    for _ in range(3):  # each asyncio.run ends its loop: the client opens a session of the next one
        assert asyncio.run(names_twice()) == [executor.name, executor.name]
    asyncio.run(client.close_connections())


def test_a_bug_is_not_disguised_as_a_network_failure(run, aclient, colony, executor, monkeypatch):
    async def scenario():
        async with aclient() as client:
            monkeypatch.setattr(client._transport, "max_reply_size", "not a size")
            with pytest.raises(Exception) as raised:  # the parser's complaint about the argument, as it is
                await client.get_executor(colony.name, executor.name, executor.prvkey)
            assert not isinstance(raised.value, TransportError)

    run(scenario())


def test_the_read_timeout_bounds_the_whole_reply_not_each_piece(run):
    server = RawServer([("trickle", 0.2, reply(b"x" * 20))])

    async def scenario():
        async with AsyncColonies("127.0.0.1", server.port, timeout=0.6, connect_timeout=0.4) as c:
            start = time.monotonic()
            with pytest.raises(RequestTimeoutError):
                await c.get_colony("dev", Crypto().prvkey())
            return time.monotonic() - start

    assert run(scenario()) < 2.0  # the whole call within connect + read timeouts
    server.close()


def test_check_health_is_true_against_the_dev_server_and_false_when_refused_or_silent(run, aclient):
    async def scenario():
        async with aclient() as client:
            healthy = await client.check_health()
        async with AsyncColonies("127.0.0.1", free_port(), retries=0) as refused:
            unreachable = await refused.check_health()
        with RawServer([("sleep", 3)], healthy=None) as silent:
            async with AsyncColonies("127.0.0.1", silent.port) as client:
                start = time.monotonic()
                quiet = await client.check_health(timeout=0.3)
                took = time.monotonic() - start
        return healthy, unreachable, quiet, took

    healthy, unreachable, quiet, took = run(scenario())
    assert (healthy, unreachable, quiet) == (True, False, False) and took < 2
