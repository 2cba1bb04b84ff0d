"""Tests of the client core: constructor and attributes, colonies_client(), the RPC path's
errors and timeouts, TLS options, and keys never leaking into messages."""

from __future__ import annotations

import asyncio
import base64
import copy
import gc
import multiprocessing
import operator
import os
import pickle
import shutil
import ssl
import subprocess
import time
import warnings

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies, colonies_client
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import (
    ColoniesConnectionError,
    ConnectError,
    ReplyError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from tests.support.servers import COLONY_REPLY, RawServer, free_port, reply

KEY = Crypto().prvkey()


# --- constructor and attributes ---------------------------------------------------------------

def test_attributes_as_upstream():
    c = Colonies("localhost", 50080)
    assert (c.host, c.port, c.tls, c.native_crypto) == ("localhost", 50080, False, False)
    assert c.url == "http://localhost:50080/api"
    t = Colonies("example.com", "8443", 1, native_crypto=True)
    assert (t.port, t.tls, t.native_crypto, t.url) == ("8443", True, True, "https://example.com:8443/api")


def test_state_constants():
    states = (Colonies.WAITING, Colonies.RUNNING, Colonies.SUCCESSFUL, Colonies.FAILED, Colonies.CANCELLED)
    assert states == (0, 1, 2, 3, 4)


def test_timeout_option_and_property():
    c = Colonies("localhost", 1, timeout=5)
    assert c.timeout == 5
    c.timeout = None
    assert c.timeout is None


def test_repr_shows_no_secrets():
    assert repr(Colonies("localhost", 50080)) == "Colonies(url='http://localhost:50080/api')"


# --- colonies_client() ------------------------------------------------------------------------

@pytest.fixture
def env(monkeypatch):
    for name in ("COLONIES_SERVER_HOST", "COLONIES_SERVER_PORT", "COLONIES_SERVER_TLS", "COLONIES_TLS",
                 "COLONIES_COLONY_NAME", "COLONIES_COLONY_PRVKEY", "COLONIES_EXECUTOR_NAME", "COLONIES_PRVKEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLONIES_SERVER_HOST", "localhost")
    monkeypatch.setenv("COLONIES_SERVER_PORT", "50080")
    return monkeypatch


def test_colonies_client_reads_the_environment(env):
    env.setenv("COLONIES_COLONY_NAME", "dev")
    env.setenv("COLONIES_COLONY_PRVKEY", "ck")
    env.setenv("COLONIES_EXECUTOR_NAME", "ex")
    env.setenv("COLONIES_PRVKEY", "ek")
    client, colonyname, colony_prvkey, executorname, prvkey = colonies_client(native_crypto=True)
    assert isinstance(client, Colonies)
    assert (client.host, client.port, client.tls, client.native_crypto) == ("localhost", 50080, False, True)
    assert (colonyname, colony_prvkey, executorname, prvkey) == ("dev", "ck", "ex", "ek")


def test_colonies_client_unset_values_are_none(env):
    assert colonies_client()[1:] == (None, None, None, None)


@pytest.mark.parametrize(
    ("server_tls", "tls", "expected"),
    [("true", None, True), ("True", None, False), ("1", None, False), (None, None, False),
     (None, "true", True), (None, "false", False), ("false", "true", False)],
)
def test_colonies_client_tls(env, server_tls, tls, expected):
    if server_tls is not None:
        env.setenv("COLONIES_SERVER_TLS", server_tls)
    if tls is not None:
        env.setenv("COLONIES_TLS", tls)
    assert colonies_client()[0].tls is expected


def test_colonies_client_without_port_is_a_clear_type_error(env):
    env.delenv("COLONIES_SERVER_PORT")
    with pytest.raises(TypeError, match="COLONIES_SERVER_PORT"):
        colonies_client()


def test_colonies_client_without_host_is_a_clear_type_error(env):
    env.delenv("COLONIES_SERVER_HOST")
    with pytest.raises(TypeError, match="COLONIES_SERVER_HOST"):
        colonies_client()


def test_colonies_client_checks_the_port_first_as_upstream(env):
    env.delenv("COLONIES_SERVER_HOST")
    env.setenv("COLONIES_SERVER_PORT", "abc")
    with pytest.raises(ValueError, match="COLONIES_SERVER_PORT"):
        colonies_client()


@pytest.mark.parametrize(("host", "port"), [("", 50080), ("127.0.0.1 ", 50080), ("127.0.0.1", None)])
def test_an_unusable_address_makes_a_client_whose_calls_fail_as_upstream(env, host, port):
    c = Colonies(host, port)
    assert c.url == f"http://{host}:{port}/api"
    with pytest.raises(ColoniesConnectionError, match="Invalid server address"):
        c.get_colony("dev", KEY)
    if port is not None:
        env.setenv("COLONIES_SERVER_HOST", host)
        assert colonies_client()[0].host == host

    async def the_async_client():
        async with AsyncColonies(host, port) as ac:
            with pytest.raises(ColoniesConnectionError):  # "Invalid server address", or not resolvable
                await ac.get_colony("dev", KEY)

    asyncio.run(the_async_client())


@pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])
def test_a_host_that_is_not_a_string_is_a_type_error_at_once_as_upstream(client_class):
    with pytest.raises(TypeError, match="NoneType"):
        client_class(None, 50080)


def test_a_dropped_client_leaves_no_unclosed_socket(client, executor, dev_server):
    gc.collect()  # earlier tests' garbage first: only this client's sockets are watched below
    dropped = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]))
    dropped.get_colony(executor.colony, executor.prvkey)  # one keep-alive connection now waits, idle
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del dropped
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


# --- errors and timeouts ----------------------------------------------------------------------

def test_connection_refused_is_a_quick_connection_error():
    c = Colonies("127.0.0.1", free_port())
    start = time.monotonic()
    with pytest.raises(ColoniesConnectionError) as info:
        c.get_colony("dev", KEY)
    assert isinstance(info.value, TransportError)
    assert time.monotonic() - start < 2
    assert KEY not in str(info.value)


def test_read_timeout_is_honoured():
    srv = RawServer([("sleep", 5)])
    c = Colonies("127.0.0.1", srv.port, timeout=0.3)
    start = time.monotonic()
    with pytest.raises(ColoniesConnectionError) as info:
        c.get_colony("dev", KEY)
    assert isinstance(info.value, RequestTimeoutError)
    assert time.monotonic() - start < 3
    srv.close()


def test_assign_read_timeout_covers_the_long_poll():
    # The server answers after 1 s: longer than the 0.3 s read timeout, but assign allows its
    # long-poll time (1 s) on top of it.
    payload = base64.b64encode(b'{"status":404,"message":"No process available for assignment"}')
    body = b'{"payloadtype":"error","payload":"%b","error":true}' % payload
    srv = RawServer([("delay", 1.0, reply(body, 404))])
    c = Colonies("127.0.0.1", srv.port, timeout=0.3)
    with pytest.raises(ServerError, match="No process available"):
        c.assign("dev", 1, KEY)
    srv.close()


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: %d\n\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\nContent-Length: %d\r\n\r\n",
], ids=["bare-lf", "mixed"])
def test_heads_http_client_reads_are_read_at_once(head):
    """Bare-LF line ends (RFC 9112 §2.2), as upstream's http.client read them."""
    body = b'{"payloadtype":"getcolonymsg","payload":"eyJuYW1lIjoiZGV2In0=","error":false}'
    with RawServer([(head % len(body)) + body] * 2) as srv:
        client = Colonies("127.0.0.1", srv.port, timeout=5)
        started = time.monotonic()
        assert [client.get_colony("dev", KEY) for _ in range(2)] == [{"name": "dev"}] * 2
        assert time.monotonic() - started < 2 and srv.connections == 1


def test_a_folded_header_line_is_a_reply_error():
    """Obsolete line folding (RFC 9112 §5.2) is refused, as llhttp refuses it: its leniency for it would
    also take header names with blanks (``Content-Length :``), which frame a reply differently."""
    head = b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\nContent-Length: 2\r\n\r\n{}"
    with RawServer([head]) as srv, pytest.raises(ReplyError, match="Malformed HTTP reply"):
        Colonies("127.0.0.1", srv.port, timeout=5).get_colony("dev", KEY)


def test_non_json_reply_is_a_reply_error():
    srv = RawServer([reply(b"<html>404 page not found</html>", 404)])
    with pytest.raises(ColoniesConnectionError) as info:
        Colonies("127.0.0.1", srv.port).get_colony("dev", KEY)
    assert isinstance(info.value, ReplyError)
    srv.close()


def test_bad_private_key_raises_before_any_io():
    c = Colonies("127.0.0.1", free_port())
    with pytest.raises(ValueError) as info:
        c.get_colony("dev", "zz" * 32)
    assert "zz" * 32 not in str(info.value)


def test_non_serialisable_message_raises_type_error():
    with pytest.raises(TypeError):
        Colonies("127.0.0.1", free_port()).add_colony({"colonyid": b"bytes", "name": "x"}, KEY)


# --- TLS ----------------------------------------------------------------------------------------

def test_tls_verifies_certificates_by_default(tls_files):
    _, context = tls_files
    srv = RawServer([COLONY_REPLY], tls=context)
    with pytest.raises(TransportError, match="(?i)certificate"):
        Colonies("127.0.0.1", srv.port, tls=True).get_colony("dev", KEY)
    srv.close()


def test_tls_with_ca_bundle(tls_files):
    cert, context = tls_files
    srv = RawServer([COLONY_REPLY, COLONY_REPLY], tls=context)
    c = Colonies("127.0.0.1", srv.port, tls=True, ca_bundle=cert)
    assert c.get_colony("dev", KEY) == {"name": "dev"}
    assert c.get_colony("dev", KEY) == {"name": "dev"}
    assert srv.connections == 1  # keep-alive over TLS too
    srv.close()


def test_tls_trusts_the_ca_bundle_of_the_environment_as_upstream_did(tls_files, tmp_path, monkeypatch):
    cert, context = tls_files
    srv = RawServer([COLONY_REPLY] * 3, tls=context)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    assert Colonies("127.0.0.1", srv.port, tls=True).get_colony("dev", KEY) == {"name": "dev"}

    async def through_the_async_client():
        async with AsyncColonies("127.0.0.1", srv.port, tls=True) as client:
            return await client.get_colony("dev", KEY)

    assert asyncio.run(through_the_async_client()) == {"name": "dev"}
    hashed = tmp_path / "certs"  # a directory of certificates named by subject hash, as OpenSSL looks them up
    hashed.mkdir()
    subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", cert],
                                  check=True, capture_output=True, text=True).stdout.strip()
    shutil.copy(cert, hashed / f"{subject_hash}.0")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("CURL_CA_BUNDLE", str(hashed))
    assert Colonies("127.0.0.1", srv.port, tls=True).get_colony("dev", KEY) == {"name": "dev"}
    assert Colonies("h", 1, tls=True, ca_bundle="/given.pem").ca_bundle == "/given.pem"  # an explicit one wins
    assert Colonies("h", 1, tls=True, verify=False).ca_bundle is None
    srv.close()


def test_without_a_system_ca_store_certifis_bundle_is_trusted_as_requests_did(monkeypatch):
    import certifi

    from pycolonies_fast.core import connection

    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    connection._certifi_without_system_store.cache_clear()
    real_paths = ssl.get_default_verify_paths
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: ssl.DefaultVerifyPaths(
        None, None, "SSL_CERT_FILE", "/nonexistent/cert.pem", "SSL_CERT_DIR", "/nonexistent/certs"))
    try:
        assert Colonies("127.0.0.1", 1, tls=True).ca_bundle == certifi.where()
    finally:
        connection._certifi_without_system_store.cache_clear()
        monkeypatch.setattr(ssl, "get_default_verify_paths", real_paths)
    has_store = any(os.path.exists(p) for p in ssl.get_default_verify_paths()[:2] if p)
    assert Colonies("127.0.0.1", 1, tls=True).ca_bundle is (None if has_store else certifi.where())


def test_a_failed_tls_handshake_fails_over_like_a_refused_connection(tls_files):
    """Nothing is sent before the handshake succeeds, so even a call that must not run twice moves on."""
    cert, context = tls_files
    wrong_name = RawServer([COLONY_REPLY], tls=context)  # its certificate names 127.0.0.1, not localhost
    good = RawServer([reply(b'{"payloadtype":"addlogmsg","payload":"e30=","error":false}')], tls=context)
    client = Colonies.from_endpoints([("localhost", wrong_name.port), ("127.0.0.1", good.port)],
                                     tls=True, ca_bundle=cert)
    assert client.add_log("ab" * 32, "message", KEY) == {}
    assert (wrong_name.requests, len(good.requests)) == ([], 1)
    with pytest.raises(ConnectError, match="TLS failure .*(?i:certificate)"):
        Colonies("localhost", wrong_name.port, tls=True, ca_bundle=cert, retries=0).get_colony("dev", KEY)

    async def through_the_async_client():
        endpoints = [("localhost", wrong_name.port), ("127.0.0.1", good.port)]
        async with AsyncColonies.from_endpoints(endpoints, tls=True, ca_bundle=cert) as client:
            return await client.add_log("ab" * 32, "message", KEY)

    good.actions.append(reply(b'{"payloadtype":"addlogmsg","payload":"e30=","error":false}'))
    assert asyncio.run(through_the_async_client()) == {}
    assert (wrong_name.requests, len(good.requests)) == ([], 2)
    wrong_name.close()
    good.close()


def test_tls_without_verification(tls_files):
    _, context = tls_files
    srv = RawServer([COLONY_REPLY], tls=context)
    assert Colonies("127.0.0.1", srv.port, tls=True, verify=False).get_colony("dev", KEY) == {"name": "dev"}
    srv.close()


# --- against the dev server -------------------------------------------------------------------

def test_server_error_carries_the_message(client, keys):
    with pytest.raises(ColoniesConnectionError) as info:
        client.get_colony("no-such-colony-x", keys.executor)
    assert isinstance(info.value, ServerError)
    assert info.value.status in (400, 403, 404, 500)
    assert str(info.value) == info.value.message and info.value.message
    assert keys.executor not in str(info.value)


def test_server_error_survives_pickling_as_process_pools_need():
    error = pickle.loads(pickle.dumps(ServerError("No process available for assignment", 404)))
    assert type(error) is ServerError and (str(error), error.message, error.status) == (
        "No process available for assignment", "No process available for assignment", 404)


def test_private_rpc_name_still_works(client, colony, executor):
    # User code calls upstream's private helper for msgtypes the SDK lacks.
    msg = {"msgtype": "getexecutorbyidmsg", "colonyname": colony.name, "executorid": executor.id}
    assert client._Colonies__rpc(msg, executor.prvkey)["executorname"] == executor.name


def test_context_manager_releases_and_reconnects(dev_server, keys):
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
        assert c.get_colony("dev", keys.executor)["name"] == "dev"
    assert c.get_colony("dev", keys.executor)["name"] == "dev"  # usable again after closing
    c.close_connections()


def test_tls_settings_are_visible_to_the_websocket_side():
    c = Colonies("h", 1, True, ca_bundle="/tmp/ca.pem", verify=False, connect_timeout=3)
    assert (c.ca_bundle, c.verify, c.connect_timeout) == ("/tmp/ca.pem", False, 3)


def test_one_client_many_threads(client, keys):
    import threading

    results, errors = [], []

    def work():
        try:
            for _ in range(25):
                results.append(client.get_colony("dev", keys.executor)["name"])
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == ["dev"] * 200


def test_a_client_pickles_and_copies_into_a_new_client_with_the_same_settings(dev_server, colony, executor):
    host, port = dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])
    client = Colonies(host, port, timeout=7.5, retries=1, pool_size=3, fallbacks=[("127.0.0.1", 1)])
    for other in (copy.deepcopy(client), pickle.loads(pickle.dumps(client))):
        assert type(other) is Colonies and other is not client and other._transports[0] is not client._transports[0]
        assert (other.endpoints, other.timeout, other._pool_size, other._failover.retries) == (
            client.endpoints, 7.5, 3, 1)
    # multiprocessing pickles task arguments, with every start method: upstream users pass clients on.
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        replies = pool.map(operator.methodcaller("get_colony", colony.name, executor.prvkey), [client, client])
    assert [reply["name"] for reply in replies] == [colony.name] * 2
    restored = pickle.loads(pickle.dumps(AsyncColonies(host, port, timeout=3.0)))
    assert type(restored) is AsyncColonies and restored.url == client.url and restored.timeout == 3.0


# --- check_health --------------------------------------------------------------------------------

def test_check_health_is_true_against_the_dev_server(dev_server):
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as client:
        assert client.check_health() is True


def test_check_health_is_false_without_an_exception_when_refused_silent_or_unwell():
    assert Colonies("127.0.0.1", free_port(), retries=0).check_health() is False
    with RawServer([("sleep", 3)], healthy=None) as silent:
        start = time.monotonic()
        assert Colonies("127.0.0.1", silent.port).check_health(timeout=0.3) is False
        assert time.monotonic() - start < 2
    with RawServer([reply(b"", 503)], healthy=None) as unwell:
        assert Colonies("127.0.0.1", unwell.port).check_health() is False
        assert unwell.requests[0].startswith(b"GET /health HTTP/1.1\r\n")
