"""wait() over the /pubsub websocket: offline wire checks, then the real server (success, failure,
cancellation, timeout, unknown process, the safety-net re-check, and that sockets always close)."""

import base64
import json
import ssl
import threading
import time
import uuid
from types import SimpleNamespace

import orjson
import pytest
import websocket

from pycolonies_fast.client import Colonies, pubsub
from pycolonies_fast.core import pubsub as protocol
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, RequestTimeoutError, ServerError
from pycolonies_fast.errors.websocket import WaitTimeoutError
from pycolonies_fast.funcspec import func_spec
from tests.support.paths import VECTORS

PROMPT = 2.0  # seconds: well under RECHECK_INTERVAL, so a pass proves the push woke us


class FakeSocket:
    """Records sent frames; every recv returns one text frame at once."""

    def __init__(self):
        self.sent, self.closed = [], False

    def send(self, data, opcode):
        self.sent.append(data)

    def settimeout(self, seconds):
        pass

    def recv_data(self):
        return websocket.ABNF.OPCODE_TEXT, b"{}"

    def recv_frame(self):
        return websocket.ABNF(opcode=websocket.ABNF.OPCODE_TEXT, data=b"{}")

    def close(self, timeout=None):
        self.closed = True

    def shutdown(self):
        self.closed = True


def fake_process(processid="c" * 64):
    conditions = SimpleNamespace(executortype="cli", colonyname="dev")
    return SimpleNamespace(processid=processid, spec=SimpleNamespace(conditions=conditions))


def test_subscription_frames_offline(monkeypatch):
    vector = json.loads(VECTORS.read_text())["envelopes"][-1]
    sock = FakeSocket()
    monkeypatch.setattr(pubsub.websocket, "create_connection", lambda url, **kw: sock)
    monkeypatch.setattr(protocol, "SUBSCRIPTION_WINDOW", 1000.0)
    finished = SimpleNamespace(state=2)
    client = SimpleNamespace(host="localhost", port=50080, tls=False, get_process=lambda pid, key: finished)
    result = pubsub.wait_for_process(client, fake_process(), 100, vector["signer_prvkey"])
    assert result.state == 2 and sock.closed
    messages = [orjson.loads(base64.b64decode(orjson.loads(frame)["payload"])) for frame in sock.sent]
    assert list(messages[0].items()) == list(vector["msg"].items())
    assert [m["state"] for m in messages] == [2, 3, 4]
    assert pubsub._ws_url(client) == vector["url"]
    assert pubsub._ws_url(SimpleNamespace(host="::1", port=1, tls=True)) == "wss://[::1]:1/pubsub"


def test_tls_options_follow_client_settings():
    assert pubsub._sslopt(SimpleNamespace()) == {"cert_reqs": ssl.CERT_REQUIRED}
    assert pubsub._sslopt(SimpleNamespace(ca_bundle="/ca.pem"))["ca_certs"] == "/ca.pem"
    assert pubsub._sslopt(SimpleNamespace(verify=False))["cert_reqs"] == ssl.CERT_NONE


def test_wait_timeout_error_is_catchable_old_and_new_ways():
    assert issubclass(WaitTimeoutError, ColoniesConnectionError)
    assert issubclass(WaitTimeoutError, RequestTimeoutError)
    assert issubclass(WaitTimeoutError, websocket.WebSocketConnectionClosedException)


def test_connect_failure_is_a_transport_error():
    client = Colonies("127.0.0.1", 1)
    with pytest.raises(ColoniesConnectionError):
        client.wait(fake_process(), 1, Crypto().prvkey())


# ---- real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(dev_server):
    """A client plus a fresh approved executor of a unique type (so no one else assigns its work)."""
    client = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    colony, colony_key = dev_server["COLONIES_COLONY_NAME"], dev_server["COLONIES_COLONY_PRVKEY"]
    key = Crypto().prvkey()
    name = "pubsub-" + uuid.uuid4().hex[:12]
    executortype = "type-" + name
    client.add_executor(
        {"executorname": name, "executorid": Crypto().id(key), "colonyname": colony, "executortype": executortype},
        colony_key,
    )
    client.approve_executor(colony, name, colony_key)
    yield SimpleNamespace(client=client, colony=colony, key=key, executortype=executortype)
    client.remove_executor(colony, name, colony_key)


@pytest.fixture
def sockets(monkeypatch):
    """Every websocket opened during the test, to check that each one was closed."""
    opened = []
    real = websocket.create_connection

    def spy(*args, **kwargs):
        ws = real(*args, **kwargs)
        opened.append(ws)
        return ws

    monkeypatch.setattr(pubsub.websocket, "create_connection", spy)
    yield opened
    assert opened and all(not ws.connected for ws in opened)


def submit(live):
    return live.client.submit_func_spec(func_spec("work", [], live.colony, live.executortype), live.key)


def finish_later(action, delay=0.3):
    thread = threading.Thread(target=lambda: (time.sleep(delay), action()))
    thread.start()
    return thread


def timed_wait(live, process, timeout=20):
    start = time.monotonic()
    result = live.client.wait(process, timeout, live.key)
    return result, time.monotonic() - start


def test_wait_wakes_promptly_on_success(live, sockets):
    process = submit(live)
    assigned = live.client.assign(live.colony, 5, live.key)
    thread = finish_later(lambda: live.client.close(assigned.processid, ["done", 7], live.key))
    result, elapsed = timed_wait(live, process)
    thread.join()
    assert result.state == 2 and result.output == ["done", 7]
    assert elapsed < PROMPT


def test_wait_wakes_promptly_on_failure(live, sockets):
    process = submit(live)
    assigned = live.client.assign(live.colony, 5, live.key)
    thread = finish_later(lambda: live.client.fail(assigned.processid, ["boom"], live.key))
    result, elapsed = timed_wait(live, process)
    thread.join()
    assert result.state == 3 and result.errors == ["boom"]
    assert elapsed < PROMPT


def test_wait_wakes_promptly_on_cancel(live, sockets):
    process = submit(live)
    cancel = {"msgtype": "cancelprocessmsg", "processid": process.processid}
    thread = finish_later(lambda: live.client._rpc(cancel, live.key))
    result, elapsed = timed_wait(live, process)
    thread.join()
    assert result.state == 4
    assert elapsed < PROMPT


def test_wait_returns_at_once_for_a_finished_process(live, sockets):
    process = submit(live)
    assigned = live.client.assign(live.colony, 5, live.key)
    live.client.close(assigned.processid, [], live.key)
    result, elapsed = timed_wait(live, process)
    assert result.state == 2 and elapsed < PROMPT


def test_wait_timeout_raises_typed_error(live, sockets):
    process = submit(live)
    start = time.monotonic()
    with pytest.raises(WaitTimeoutError, match=process.processid):
        live.client.wait(process, 1, live.key)
    assert 0.9 < time.monotonic() - start < 3
    live.client.remove_process(process.processid, live.key)


def test_wait_for_unknown_process_raises_server_error(live, sockets):
    with pytest.raises(ServerError) as info:
        live.client.wait(fake_process(uuid.uuid4().hex * 2), 5, live.key)
    assert info.value.status == 404


def test_safety_net_recheck_without_pushes(live, sockets, monkeypatch):
    """Even if the server never pushed, the periodic get_process re-check ends the wait."""
    monkeypatch.setattr(pubsub, "process_subscriptions", lambda process, seconds: [])  # nothing subscribed
    monkeypatch.setattr(protocol, "RECHECK_INTERVAL", 0.2)
    process = submit(live)
    assigned = live.client.assign(live.colony, 5, live.key)
    thread = finish_later(lambda: live.client.fail(assigned.processid, ["x"], live.key))
    result, elapsed = timed_wait(live, process, timeout=10)
    thread.join()
    assert result.state == 3 and elapsed < PROMPT


def test_long_wait_renews_its_subscription(live, sockets, monkeypatch):
    """With a 1 s subscription window, a failure after 2.5 s is still seen at once (third window)."""
    monkeypatch.setattr(protocol, "SUBSCRIPTION_WINDOW", 1.0)
    process = submit(live)
    assigned = live.client.assign(live.colony, 5, live.key)
    thread = finish_later(lambda: live.client.fail(assigned.processid, ["late"], live.key), delay=2.5)
    result, elapsed = timed_wait(live, process, timeout=10)
    thread.join()
    assert result.state == 3 and 2.4 < elapsed < 2.5 + PROMPT
    assert len(sockets) >= 3


def test_wait_with_no_timeout_checks_once_as_upstreams_null_did(monkeypatch):
    """Upstream sent a None timeout as null, which the server reads as 0: one look, no waiting."""
    monkeypatch.setattr(pubsub.websocket, "create_connection", lambda url, **kw: FakeSocket())
    states = iter([2, 0])
    client = SimpleNamespace(host="localhost", port=50080, tls=False,
                             get_process=lambda pid, key: SimpleNamespace(state=next(states)))
    assert pubsub.wait_for_process(client, fake_process(), None, Crypto().prvkey()).state == 2
    with pytest.raises(WaitTimeoutError):
        pubsub.wait_for_process(client, fake_process(), None, Crypto().prvkey())
