"""Quirks of contract §i that no other test pinned yet (docs/compat.md lists every quirk and its test)."""

from __future__ import annotations

import base64

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto, recover_id
from pycolonies_fast.funcspec import func_spec
from tests.support.identities import unique
from tests.support.servers import RecordingServer

KEY = "d6eb959e9aec2e6fdc44b5862b269e987b8a4d6f2baca542d8acaa97ee5e74f6"


@pytest.fixture
def recording():
    servers = []

    def start(reply):
        servers.append(RecordingServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_native_flag_changes_nothing(monkeypatch, recording):
    """§i.5, §i.26: one compiled core for every call; `native=True` loads no library."""
    monkeypatch.setenv("CRYPTOLIB", "/nonexistent/libcryptolib.so")
    assert Crypto(native=True).sign("hello", KEY) == Crypto(native=False).sign("hello", KEY)
    server = recording({"name": "dev"})
    Colonies("127.0.0.1", server.port, native_crypto=True).get_colony("dev", KEY)
    envelope = server.envelopes[0]
    assert recover_id(envelope["payload"], envelope["signature"]) == Crypto().id(KEY)


def test_get_process_log_wire_fields(recording):
    """§i.13 preserved: the unused `executorid` is sent, `latest` never is."""
    server = recording([])
    Colonies("127.0.0.1", server.port).get_process_log("dev", "pid", 10, 0, KEY)
    assert server.messages == [
        {"msgtype": "getlogsmsg", "colonyname": "dev", "executorid": "", "processid": "pid", "count": 10, "since": 0}
    ]


def test_channel_payload_travels_as_base64(recording):
    """§i.14 fixed: payload bytes go as a base64 string, not a JSON array of ints."""
    server = recording({})
    Colonies("127.0.0.1", server.port).channel_append("pid", "chat", 1, "héllo", KEY)
    assert base64.b64decode(server.messages[0]["payload"]) == "héllo".encode()


def test_download_file_without_dst_is_a_clear_type_error():
    """§i.19 fixed: `dst=None` is a TypeError naming the argument, raised before any I/O."""
    with pytest.raises(TypeError, match="'dst' is required"):
        Colonies("127.0.0.1", 1).download_file("dev", KEY, label="/x", filename="f")



def test_channel_after_seq_is_a_log_position(client, executor, channel_process):
    """§i.14 preserved (server semantics): `after_seq` skips that many entries, whatever their sequence."""
    for sequence in (10, 20, 30):
        client.channel_append(channel_process.processid, "chat", sequence, f"m{sequence}", executor.prvkey)
    entries = client.channel_read(channel_process.processid, "chat", 1, 0, executor.prvkey)
    assert [e["sequence"] for e in entries] == [20, 30]
    assert client.channel_read(channel_process.processid, "chat", 20, 0, executor.prvkey) in (None, [])


def test_values_orjson_refuses_reach_the_server_as_upstreams_json_sent_them(client, executor):
    """Integers beyond 64 bits and lone surrogates: json.dumps sent them, the server stored a float
    and U+FFFD; orjson refuses them, so the codec sends what the server would have stored."""
    client.submit_func_spec(func_spec("values", [], executor.colony, executor.type), executor.prvkey)
    process = client.assign(executor.colony, 5, executor.prvkey)
    client.add_log(process.processid, "bad \udc80 byte", executor.prvkey)
    client.close(process.processid, [2**70, "ok \udc80"], executor.prvkey)
    assert client.get_process(process.processid, executor.prvkey).output == [float(2**70), "ok \ufffd"]
    logs = client.get_process_log(executor.colony, process.processid, 10, 0, executor.prvkey)
    assert [line["message"] for line in logs] == ["bad \ufffd byte"]

def test_integers_beyond_64_bits_in_replies_are_read_as_ints_as_upstream(client, executor):
    """The server writes 2**64 back as 18446744073709552000 (a float64 it prints without exponent up to
    1e21); upstream's json read that as an int, orjson as a float, which the Process model refused."""
    submitted = client.submit_func_spec(func_spec("big", [2**64, -(2**63) - 1], executor.colony, executor.type),
                                        executor.prvkey)
    expected = [18446744073709552000, -9223372036854776000]
    assert submitted.spec.args == expected
    assigned = client.assign(executor.colony, 5, executor.prvkey)
    assert assigned.spec.args == expected and all(type(a) is int for a in assigned.spec.args)
    client.close(assigned.processid, [10**20], executor.prvkey)
    assert client.get_process(assigned.processid, executor.prvkey).output == [100000000000000000000]


def test_get_blueprints_location_needs_a_kind(client, colony, executor):
    """§i.12 preserved (server logic): without `kind` the location filter is ignored."""
    definition = {
        "kind": "BlueprintDefinition",
        "metadata": {"name": "gadgets.example.com", "colonyname": colony.name},
        "spec": {"group": "example.com", "version": "v1", "scope": "Namespaced",
                 "names": {"kind": "Gadget", "listKind": "GadgetList", "singular": "gadget", "plural": "gadgets"}},
    }
    client.add_blueprint_definition(definition, colony.prvkey)
    for name, location in (("g1", "north"), ("g2", "south")):
        client.add_blueprint({"kind": "Gadget", "metadata": {"name": name, "colonyname": colony.name,
                                                             "locationname": location}, "spec": {}}, colony.prvkey)
    names = lambda blueprints: sorted(b["metadata"]["name"] for b in blueprints or [])  # noqa: E731
    assert names(client.get_blueprints(colony.name, executor.prvkey, location="north")) == ["g1", "g2"]
    assert names(client.get_blueprints(colony.name, executor.prvkey, kind="Gadget", location="north")) == ["g1"]
    for name in ("g1", "g2"):
        client.remove_blueprint(colony.name, name, colony.prvkey)


def test_labels_are_matched_verbatim_on_lookups(dev_server, client, colony, executor):
    """§i.21b preserved: uploads normalise the label, lookups send it as given (leading `/` needed)."""
    label = unique("lbl")
    stored = client.upload_data(colony.name, executor.prvkey, filename="f.txt", data=b"x", label=label)
    assert stored["label"] == "/" + label
    assert [f["name"] for f in client.get_files("/" + label, colony.name, executor.prvkey)] == ["f.txt"]
    assert not client.get_files(label, colony.name, executor.prvkey)


def test_python_uploads_store_no_credentials(dev_server, client, colony, executor):
    """§i.22 preserved for uploads: the record carries no S3 credentials (downloads read the env)."""
    stored = client.upload_data(colony.name, executor.prvkey, filename="c.txt", data=b"x", label="/creds")
    s3object = stored["ref"]["s3object"]
    assert (s3object["accesskey"], s3object["secretkey"]) == ("", "")
    assert client.download_data(colony.name, executor.prvkey, fileid=stored["fileid"]) == b"x"
