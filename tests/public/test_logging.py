"""Logging (docs/logging.md): the package logger's NullHandler, one DEBUG line per RPC with its
msgtype and never a key, over submit -> run -> wait -> sync against the real server and moto S3."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections import Counter

import pytest

import pycolonies_fast
from pycolonies_fast.client import Colonies
from pycolonies_fast.client import base as client_base
from pycolonies_fast.client import pubsub as client_pubsub
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.funcspec import func_spec
from tests.support.executors import new_executor
from tests.support.identities import add_colony

RPC_LOGGER = "pycolonies_fast.client.base"
WEBSOCKET_LOGGER = "pycolonies_fast.client.pubsub"


def test_the_package_logger_has_a_null_handler():
    handlers = logging.getLogger(pycolonies_fast.__name__).handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


def test_an_application_without_logging_set_up_sees_nothing_on_stderr():
    """Without the NullHandler, Python's last-resort handler prints a library's WARNINGs to stderr."""
    code = ("import logging, pycolonies_fast\n"
            "logging.getLogger('pycolonies_fast.core.failover').warning('a failover warning')\n"
            "logging.getLogger('elsewhere').warning('not ours')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stderr == "not ours\n"  # the last-resort handler still serves the application's own loggers


def record_texts(record: logging.LogRecord) -> list[str]:
    """Everything of a record that a handler could write: the message, its template and arguments,
    and any exception or stack text."""
    texts = [record.getMessage(), str(record.msg), repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        texts.append(logging.Formatter().formatException(record.exc_info))
    texts.extend(text for text in (record.exc_text, record.stack_info) if text)
    return texts


@pytest.fixture
def signed(monkeypatch):
    """Every message the blocking client signs, by path: ``{"http": [...], "websocket": [...]}`` msgtypes."""
    sent: dict[str, list[str]] = {"http": [], "websocket": []}

    def spy(module, path):
        real = module.build_request

        def build_request(msg, prvkey):
            sent[path].append(msg["msgtype"])
            return real(msg, prvkey)

        monkeypatch.setattr(module, "build_request", build_request)

    spy(client_base, "http")
    spy(client_pubsub, "websocket")
    return sent


def test_debug_logs_name_every_rpc_and_never_a_key(dev_server, keys, signed, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="pycolonies_fast")
    client = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    colony = add_colony(client, keys.server)
    try:
        executor = new_executor(client, colony, workers=1, functions={"double": lambda x: 2 * x})
        executor.register()  # add, approve, announce its function
        prvkey = executor._prvkey
        process = client.submit_func_spec(func_spec("double", [21], colony.name, executor.executortype), prvkey)
        assert executor.run(max_processes=1, max_seconds=30, handle_signals=False).closed == 1
        assert client.wait(process, 10, prvkey).output == [42]
        (tmp_path / "data.txt").write_text("logged")
        client.sync(str(tmp_path), "/pytest-logging/" + colony.name, False, colony.name, prvkey)
    finally:
        client.del_colony(colony.name, keys.server)
        client.close_connections()

    rpc_lines = [r for r in caplog.records if r.name == RPC_LOGGER]
    assert all(r.levelno == logging.DEBUG for r in rpc_lines)
    endpoint = f"{dev_server['COLONIES_SERVER_HOST']}:{dev_server['COLONIES_SERVER_PORT']}"
    logged = Counter(r.getMessage().split(" to ")[0] for r in rpc_lines)
    # one line per HTTP RPC, naming its msgtype, the endpoint, the status and the time taken
    assert logged == Counter(signed["http"])
    assert all(f" to {endpoint}: HTTP " in r.getMessage() and r.getMessage().endswith(" ms") for r in rpc_lines)
    # the whole flow went through the log: registration, submit, run, wait and ColonyFS sync
    for msgtype in ("addcolonymsg", "addexecutormsg", "approveexecutormsg", "addfunctionmsg", "submitfuncspecmsg",
                    "assignprocessmsg", "closesuccessfulmsg", "getprocessmsg", "addfilemsg", "removecolonymsg"):
        assert msgtype in logged, msgtype
    pushed = [r.getMessage() for r in caplog.records if r.name == WEBSOCKET_LOGGER]
    assert signed["websocket"] and all(f"{m} sent over the websocket" in pushed for m in signed["websocket"])

    secrets = {keys.server, keys.colony, keys.executor, colony.prvkey, prvkey, os.environ["AWS_S3_SECRETKEY"]}
    ours = [r for r in caplog.records if r.name.startswith("pycolonies_fast")]
    assert ours
    for record in ours:
        for text in record_texts(record):
            for secret in secrets:
                assert secret.lower() not in text.lower(), f"a key in a record of {record.name}"


def test_failed_rpc_is_one_debug_line_without_the_key(caplog):
    caplog.set_level(logging.DEBUG, logger="pycolonies_fast")
    key = Crypto().prvkey()
    client = Colonies("127.0.0.1", 1, retries=0, connect_timeout=2)
    with pytest.raises(pycolonies_fast.ColoniesConnectionError):
        client.get_colony("c", key)
    [line] = [r.getMessage() for r in caplog.records if r.name == RPC_LOGGER]
    assert line.startswith("getcolonymsg to 127.0.0.1:1: failed after ") and "ConnectError" in line
    assert all(key not in text for r in caplog.records for text in record_texts(r))


def test_asyncio_client_logs_each_rpc_and_subscription_the_same_way(dev_server, aclient, executor, run, caplog):
    caplog.set_level(logging.DEBUG, logger="pycolonies_fast")

    async def scenario():
        async with aclient() as c:
            process = await c.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
            assigned = await c.assign(executor.colony, 5, executor.prvkey)
            await c.close(assigned.processid, [], executor.prvkey)
            await c.wait(process, 10, executor.prvkey)

    run(scenario())
    endpoint = f"{dev_server['COLONIES_SERVER_HOST']}:{dev_server['COLONIES_SERVER_PORT']}"
    rpc_lines = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.aio.base"]
    assert [line.split(" to ")[0] for line in rpc_lines[:3]] == ["submitfuncspecmsg", "assignprocessmsg",
                                                                 "closesuccessfulmsg"]
    assert all(f" to {endpoint}: HTTP 200 in " in line for line in rpc_lines)
    assert "getprocessmsg" in {line.split(" to ")[0] for line in rpc_lines}  # wait's check
    pushed = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.aio.websocket"]
    assert "subscribeprocessmsg sent over the websocket" in pushed
    assert all(executor.prvkey not in text for r in caplog.records for text in record_texts(r))
