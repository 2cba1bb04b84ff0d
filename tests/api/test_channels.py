"""Channels against the real server: append/read, subscribe with and without a callback, error
frames, and a two-thread exchange between a process's initiator and its executor (§d.13)."""

import threading
import time
import uuid
from types import SimpleNamespace

import pytest

from pycolonies_fast.api.channels import decode_entries
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.core.pubsub import channel_subscription
from pycolonies_fast.errors import ColoniesConnectionError, ColoniesError, ReplyError
from pycolonies_fast.funcspec import func_spec


def test_decode_entries_offline():
    entries = [
        {"payload": "aGk="},
        {"payload": [104, 105]},
        {"payload": ""},
        {"payload": None},
        {"sequence": 1},
    ]
    assert decode_entries(entries) == [
        {"payload": b"hi"},
        {"payload": b"hi"},
        {"payload": ""},
        {"payload": None},
        {"sequence": 1},
    ]
    assert decode_entries(None) is None


@pytest.mark.parametrize(("entries", "message"), [
    ("-> $?", "expected a list, got str"),
    ({"payload": "aGk="}, "expected a list, got dict"),
    ([1], "entry 0: expected an object, got int"),
    ([{"payload": "aGk="}, None], "entry 1: expected an object, got NoneType"),
    ([{"payload": "aGk"}], "payload of channel entry 0: Incorrect padding"),
    ([{"payload": "h\u00e9"}], "payload of channel entry 0"),
    ([{"payload": [256]}], "payload of channel entry 0: bytes must be in range(0, 256)"),
    ([{"payload": ["a"]}], "payload of channel entry 0"),
    ([{"payload": 5}], "expected a base64 string or a list of byte values, got int 5"),
    ([{"payload": {"a": 1}}], "got dict"),
])
def test_decode_entries_malformed_is_a_reply_error_offline(entries, message):
    with pytest.raises(ReplyError, match="malformed") as info:
        decode_entries(entries)
    assert message in str(info.value)


def test_append_rejects_non_iterable_payload_offline():
    client = Colonies("127.0.0.1", 1)
    with pytest.raises(TypeError):
        client.channel_append("p", "chat", 1, 5, Crypto().prvkey())


# ---- real server ---------------------------------------------------------------------------


def add_executor(client, colony, colony_key, executortype):
    key = Crypto().prvkey()
    name = "chan-" + uuid.uuid4().hex[:12]
    executorid = Crypto().id(key)
    executor = {"executorname": name, "executorid": executorid, "colonyname": colony, "executortype": executortype}
    client.add_executor(executor, colony_key)
    client.approve_executor(colony, name, colony_key)
    return key


@pytest.fixture(scope="module")
def live(dev_server):
    """A submitter and an executor, both fresh approved executors; the executor has a unique type."""
    client = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    colony, colony_key = dev_server["COLONIES_COLONY_NAME"], dev_server["COLONIES_COLONY_PRVKEY"]
    executortype = "chan-" + uuid.uuid4().hex[:12]
    submitter = add_executor(client, colony, colony_key, "chan-submitter")
    executor = add_executor(client, colony, colony_key, executortype)
    return SimpleNamespace(
        client=client, colony=colony, submitter=submitter, executor=executor, executortype=executortype
    )


@pytest.fixture
def process(live):
    """A RUNNING process with channel `chat`, submitted by `submitter` and assigned to `executor`."""
    spec = func_spec("chat", [], live.colony, live.executortype)
    spec.channels = ["chat"]
    submitted = live.client.submit_func_spec(spec, live.submitter)
    assigned = live.client.assign(live.colony, 5, live.executor)
    assert assigned.processid == submitted.processid
    yield assigned
    live.client.close(assigned.processid, [], live.executor)


def test_append_and_read(live, process):
    c, pid = live.client, process.processid
    assert c.channel_append(pid, "chat", 1, "hello", live.executor) == {}
    c.channel_append(pid, "chat", 2, b"\x00\xffbytes", live.executor, in_reply_to=1)
    c.channel_append(pid, "chat", 3, [104, 105], live.executor, payload_type="end")
    c.channel_append(pid, "chat", 4, "", live.executor)
    entries = c.channel_read(pid, "chat", 0, 0, live.submitter)
    assert [e["payload"] for e in entries[:3]] == [b"hello", b"\x00\xffbytes", b"hi"]
    assert entries[3]["payload"] in ("", None)
    assert [e["sequence"] for e in entries] == [1, 2, 3, 4]
    assert entries[1]["inreplyto"] == 1
    assert [entries[0]["type"], entries[2]["type"]] == ["data", "end"]
    assert [e["sequence"] for e in c.channel_read(pid, "chat", 2, 1, live.submitter)] == [3]


@pytest.mark.parametrize("payload", [[256], [-1], ["a"], [True], [1.0], {"a": 1}],
                         ids=["256", "minus-1", "str", "bool", "float", "dict"])
def test_a_payload_that_is_not_bytes_is_refused_by_the_server_as_upstreams_was(live, process, payload):
    c, pid = live.client, process.processid
    with pytest.raises(ColoniesConnectionError):
        c.channel_append(pid, "chat", 1, payload, live.executor)
    c.channel_append(pid, "chat", 2, [104, 105], live.executor)
    assert [e["payload"] for e in c.channel_read(pid, "chat", 0, 0, live.submitter)] == [b"hi"]


def test_read_unknown_channel_raises(live, process):
    with pytest.raises(Exception, match="not found"):
        live.client.channel_read(process.processid, "nope", 0, 0, live.submitter)


def test_subscribe_with_callback_gets_existing_and_new_entries(live, process):
    c, pid = live.client, process.processid
    c.channel_append(pid, "chat", 1, "first", live.executor)
    received = []

    def callback(entries):
        received.extend(entries)
        return len(received) < 3 or False

    def writer():
        time.sleep(0.3)
        c.channel_append(pid, "chat", 2, "second", live.executor)
        c.channel_append(pid, "chat", 3, "third", live.executor)

    thread = threading.Thread(target=writer)
    thread.start()
    start = time.monotonic()
    assert c.subscribe_channel(pid, "chat", live.submitter, timeout=5, callback=callback) is None
    thread.join()
    assert [e["payload"] for e in received] == [b"first", b"second", b"third"]
    assert time.monotonic() - start < 4


def test_subscribe_without_callback_returns_all_at_timeout(live, process):
    c, pid = live.client, process.processid
    for seq in (1, 2):
        c.channel_append(pid, "chat", seq, f"m{seq}", live.executor)
    start = time.monotonic()
    entries = c.subscribe_channel(pid, "chat", live.submitter, after_seq=1, timeout=1)
    assert [e["payload"] for e in entries] == [b"m2"]
    assert 0.8 < time.monotonic() - start < 4


def test_stopping_early_and_a_negative_timeout_return_at_once(live, process):
    c, pid = live.client, process.processid
    c.channel_append(pid, "chat", 1, "only", live.executor)
    start = time.monotonic()
    assert c.subscribe_channel(pid, "chat", live.submitter, timeout=20, callback=lambda entries: False) is None
    stopped = time.monotonic() - start
    start = time.monotonic()
    entries = c.subscribe_channel(pid, "chat", live.submitter, timeout=-1)  # as upstream: what is there, now
    answered = time.monotonic() - start
    assert [e["payload"] for e in entries] == [b"only"]
    assert stopped < 2 and answered < 2  # were 3 s (the close timeout) and 30 s (-1 sent as 0)

def test_a_timeout_of_none_is_the_servers_default_as_upstream_sent_it(live, process):
    c, pid = live.client, process.processid
    c.channel_append(pid, "chat", 1, "only", live.executor)
    received = []
    assert c.subscribe_channel(pid, "chat", live.submitter, timeout=None,
                               callback=lambda entries: received.extend(entries) or False) is None
    assert [e["payload"] for e in received] == [b"only"]
    assert channel_subscription(pid, "chat", 0, None)["timeout"] is None  # null on the wire, as upstream


def test_subscribe_error_frame_raises_colonies_error(live, process):
    with pytest.raises(ColoniesError, match="Channel not found"):
        live.client.subscribe_channel(process.processid, "nope", live.submitter, timeout=2)


def test_two_thread_exchange(live, process):
    """The executor answers every question on `chat`; the submitter asks three and reads replies."""
    c, pid = live.client, process.processid

    def executor_side():
        answered = 0

        def on_entries(entries):
            nonlocal answered
            for entry in entries:
                if entry["senderid"] != Crypto().id(live.executor):
                    answered += 1
                    reply = b"re:" + entry["payload"]
                    c.channel_append(pid, "chat", answered, reply, live.executor, in_reply_to=entry["sequence"])
            return answered < 3 or False

        c.subscribe_channel(pid, "chat", live.executor, timeout=10, callback=on_entries)

    thread = threading.Thread(target=executor_side)
    thread.start()
    time.sleep(0.2)
    for seq, question in enumerate([b"a", b"b", b"c"], start=1):
        c.channel_append(pid, "chat", seq, question, live.submitter)
    thread.join(timeout=15)
    assert not thread.is_alive()
    replies = {}
    deadline = time.monotonic() + 5
    while len(replies) < 3 and time.monotonic() < deadline:
        entries = c.channel_read(pid, "chat", 0, 0, live.submitter)
        replies = {e["inreplyto"]: e["payload"] for e in entries if e.get("inreplyto")}
    assert replies == {1: b"re:a", 2: b"re:b", 3: b"re:c"}
