"""Secrets: private keys never show in repr/str, log records (every logger at DEBUG during a full
workflow on the dev server) or exception text; TLS certificates are verified unless told otherwise.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import websocket

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.core.steps import Call
from pycolonies_fast.errors import ColoniesConnectionError, ServerError
from pycolonies_fast.executor import Executor
from pycolonies_fast.executor.dispatch import ProcessContext
from pycolonies_fast.executor.report import Reporter
from pycolonies_fast.funcspec import func_spec
from tests.support.identities import add_executor, unique


def fragments(keys: list[str]) -> list[str]:
    """Every 16-character piece of every key: a key must not show even in part."""
    return [key[i:i + 16] for key in keys for i in range(len(key) - 15)]


def assert_clean(texts: list[str], keys: list[str]) -> None:
    pieces = fragments(keys) + fragments([key.upper() for key in keys])
    for text in texts:
        found = [piece for piece in pieces if piece in text]
        assert not found, f"a private key shows in: {text[:300]!r}"


class Capture(logging.Handler):
    """Keeps every record's full text: message, arguments and formatted exception."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record) + " " + repr(record.args) + " " + repr(record.__dict__))


@pytest.fixture
def debug_logs() -> Iterator[Capture]:
    """Every logger at DEBUG into one handler; websocket-client's frame trace on too."""
    capture = Capture()
    root = logging.getLogger()
    saved = {name: logger.level for name, logger in logging.Logger.manager.loggerDict.items()
             if isinstance(logger, logging.Logger)}
    root_level = root.level
    for name in saved:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.setLevel(logging.DEBUG)
    root.addHandler(capture)
    websocket.enableTrace(True, handler=logging.NullHandler())
    try:
        yield capture
    finally:
        websocket.enableTrace(False)
        root.removeHandler(capture)
        root.setLevel(root_level)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def exception_texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]


def test_full_workflow_leaks_no_key(dev_server, debug_logs):
    server_key = dev_server["COLONIES_SERVER_PRVKEY"]
    colony_key, submitter_key, stranger_key = (Crypto().prvkey() for _ in range(3))
    colony = unique("secret")
    texts: list[str] = []
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as client:
        client.add_colony({"colonyid": Crypto().id(colony_key), "name": colony}, server_key)
        try:
            submitter = unique("user")
            client.add_executor({"executorname": submitter, "executorid": Crypto().id(submitter_key),
                                 "colonyname": colony, "executortype": "submitter"}, colony_key)
            client.approve_executor(colony, submitter, colony_key)
            executor = Executor(client, colony, unique("type"), colony_prvkey=colony_key, workers=2,
                                poll_timeout=1, grace_period=2.0)

            @executor.function
            def echo(text: str, ctx: Any) -> str:
                ctx.log(f"echo {text}")
                texts.append(repr(ctx))
                return text

            @executor.function
            def boom(text: str) -> None:
                raise RuntimeError(f"boom {text}")

            executor.register()
            executor_key = executor._prvkey
            keys = [server_key, colony_key, submitter_key, stranger_key, executor_key]
            submitted = [client.submit_func_spec(func_spec(name, ["x"], colony, executor.executortype),
                                                 submitter_key) for name in ("echo", "boom", "missing")]
            stats = executor.run(max_processes=3, max_seconds=30, handle_signals=False)
            assert (stats.closed, stats.failed) == (1, 2)
            finished = [client.wait(process, 10, submitter_key) for process in submitted]
            assert [p.state for p in finished] == [Colonies.SUCCESSFUL, Colonies.FAILED, Colonies.FAILED]
            texts += [repr(executor), str(executor), repr(executor._reporter), repr(client), str(client)]
            texts += [repr(Call({"msgtype": "x"}, executor_key)), repr(Crypto())]
            texts += [repr(ProcessContext(finished[0], client, colony, executor.executorname, executor.executorid,
                                          executor_key))]

            # Channels: the initiator subscribes while the executor appends.
            spec = func_spec("chat", [], colony, "talker")
            spec.channels = ["chat"]
            talker = unique("talker")
            talker_key = Crypto().prvkey()
            keys.append(talker_key)
            client.add_executor({"executorname": talker, "executorid": Crypto().id(talker_key),
                                 "colonyname": colony, "executortype": "talker"}, colony_key)
            client.approve_executor(colony, talker, colony_key)
            process = client.submit_func_spec(spec, submitter_key)
            assert client.assign(colony, 5, talker_key).processid == process.processid
            appender = threading.Timer(
                0.3, lambda: client.channel_append(process.processid, "chat", 1, "hello", talker_key))
            appender.start()
            entries = client.subscribe_channel(process.processid, "chat", submitter_key, timeout=2)
            appender.join()
            assert [entry["payload"] for entry in entries or []] == [b"hello"]
            assert client.channel_read(process.processid, "chat", 0, 10, submitter_key)[0]["payload"] == b"hello"
            client.close(process.processid, [], talker_key)

            # Files through S3 (moto).
            client.upload_data(colony, submitter_key, filename="f.txt", data=b"data", label="/secret")
            assert client.download_data(colony, submitter_key, label="/secret", filename="f.txt") == b"data"
            client.delete_file(colony, submitter_key, label="/secret", filename="f.txt")

            # Errors: refused requests and bad keys.
            for call in (lambda: client.get_process(process.processid, stranger_key),
                         lambda: client.add_colony({"colonyid": "x", "name": "y"}, colony_key),
                         lambda: client.get_process(process.processid, colony_key[:-1] + "g"),
                         lambda: client.get_process(process.processid, colony_key + "00"),
                         lambda: client.get_process(process.processid, "ü" + colony_key[1:])):
                with pytest.raises((ServerError, ValueError)) as info:
                    call()
                texts += exception_texts(info.value)
        finally:
            client.del_colony(colony, server_key)
    assert len(debug_logs.texts) > 20  # the capture did see the run (executor, urllib3, websocket trace)
    names = {text.split(" ", 1)[0] for text in debug_logs.texts}
    assert {"pycolonies_fast.executor", "websocket"} <= names, names  # our warnings, the frame trace
    assert_clean(texts + debug_logs.texts, keys)


def test_reporter_and_executor_reprs_hide_keys():
    key = Crypto().prvkey()
    client = Colonies("127.0.0.1", 1)
    executor = Executor(client, "c", "t", executorname="e", prvkey=key)
    texts = [repr(executor), str(executor), repr(Reporter(client, "id", key)), repr(Call({"msgtype": "m"}, key))]
    assert_clean(texts, [key])


def test_assert_clean_catches_a_key():
    key = Crypto().prvkey()
    with pytest.raises(AssertionError):
        assert_clean([f"prefix {key[10:30]} suffix"], [key])


# ---------------------------------------------------------------- TLS


def test_tls_certificate_is_verified_by_default(tls_proxy):
    with Colonies("127.0.0.1", tls_proxy.port, tls=True, timeout=10) as client:
        with pytest.raises(ColoniesConnectionError) as info:
            client.version()
    assert "certificate verify failed" in str(info.value)


def test_tls_with_ca_bundle_works_for_http_and_websocket(tls_proxy, fault_server, fault_colony):
    with Colonies("127.0.0.1", tls_proxy.port, tls=True, ca_bundle=tls_proxy.cert, timeout=10) as client:
        key = add_executor(client, fault_colony, executortype="tls").prvkey
        process = client.submit_func_spec(func_spec("f", [], fault_colony.name, "tls"), key)
        closer = threading.Timer(0.5, lambda: client.close(client.assign(fault_colony.name, 5, key).processid,
                                                           ["over tls"], key))
        closer.start()
        done = client.wait(process, 20, key)  # wss:// through the same verification
        closer.join()
        assert (done.state, done.output) == (Colonies.SUCCESSFUL, ["over tls"])


def test_websocket_verifies_the_certificate_by_default(tls_proxy, fault_server, fault_colony):
    with Colonies("127.0.0.1", tls_proxy.port, tls=True, ca_bundle=tls_proxy.cert, timeout=10) as trusted:
        key = add_executor(trusted, fault_colony, executortype="tls").prvkey
        process = trusted.submit_func_spec(func_spec("f", [], fault_colony.name, "tls"), key)
    with Colonies("127.0.0.1", tls_proxy.port, tls=True, timeout=10) as client:
        with pytest.raises(ColoniesConnectionError) as info:
            client.wait(process, 5, key)
    assert "certificate verify failed" in str(info.value)
