"""Bad replies from a local stub server: each one a typed error with a useful message, none hangs.

No real server here: the stub (``RawServer`` of tests/support/servers.py) plays one scripted reply
per request. The client's read timeout (2 s) bounds every call; each test also checks the call
ended well within it. Every test runs on both transports (``Colonies`` and ``AsyncColonies``):
the same bad reply gives the same typed error.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable

import pydantic
import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import (
    ColoniesConnectionError,
    ReplyError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from tests.support.servers import RawServer, envelope, hang, http, partial
from tests.support.timing import elapsed

KEY = Crypto().prvkey()
PID = "ab" * 32
TIMEOUT = 2.0


@pytest.fixture(params=[Colonies, AsyncColonies], ids=["blocking", "asyncio"])
def call(request: pytest.FixtureRequest) -> Callable[..., tuple[float, BaseException | None]]:
    """One RPC against a stub playing ``actions``: (seconds taken, exception raised), on each transport.
    What the call returned is kept as ``call.result``."""
    client_class = request.param

    def one_call(actions: list, method: str = "get_process", timeout: float = TIMEOUT) -> tuple[float, object]:
        with RawServer(actions) as stub:
            client = client_class("127.0.0.1", stub.port, timeout=timeout, retries=0)
            rpc = {"get_process": lambda: client.get_process(PID, KEY),
                   "add_log": lambda: client.add_log(PID, "message", KEY),
                   "get_process_log": lambda: client.get_process_log("colony", PID, 100, -1, KEY)}[method]
            if client_class is Colonies:
                with client:
                    return elapsed(lambda: setattr(one_call, "result", rpc()))

            async def timed() -> tuple[float, BaseException | None]:
                async with client:
                    start = time.monotonic()
                    try:
                        one_call.result = await rpc()  # type: ignore[attr-defined]
                    except BaseException as exc:  # noqa: BLE001 - handed to the test
                        return time.monotonic() - start, exc
                    return time.monotonic() - start, None

            return asyncio.run(timed())

    return one_call


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (http(b"this is not json"), "JSONDecodeError"),
        (http(b""), "JSONDecodeError"),
        (http(envelope({"processid": PID})[:-25]), "JSONDecodeError"),  # truncated JSON, consistent framing
        (http(b'{"payloadtype": "x", "payload": "!!not base64!!", "error": false}'), "Invalid base64"),
        (http(b'{"payloadtype": "x", "payload": "' + b64(b"{not json").encode() + b'", "error": false}'),
         "JSONDecodeError"),
        (http(b'{"payloadtype": "x", "error": false}'), "KeyError"),
        (http(b'{"payloadtype": "x", "payload": 12, "error": false}'), "TypeError"),
        (http(b"[1, 2, 3]"), "TypeError"),
        (http(b"<html><body>500 Internal Server Error</body></html>", 500, b"text/html"), "HTTP 500"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n",
         "Malformed HTTP reply (Invalid character in Content-Length)"),
        (b"SMTP ready\r\n\r\n", "Malformed HTTP reply (Expected HTTP/"),
    ],
    ids=["not-json", "empty", "truncated-json", "bad-base64", "payload-not-json", "no-payload",
         "payload-not-text", "not-an-object", "html-500", "bad-content-length", "not-http"],
)
def test_unreadable_reply_is_a_reply_error(call, reply, expected):
    took, exc = call([reply])
    assert isinstance(exc, ReplyError), repr(exc)
    assert isinstance(exc, ColoniesConnectionError)  # what upstream code catches
    assert expected in str(exc)
    assert took < TIMEOUT
    assert len(chain_of_causes(exc)) < 5  # walking the causes ends (the root-cause idiom)


def chain_of_causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and its causes, stopped at 100 in case the chain loops."""
    chain = [exc]
    while chain[-1].__cause__ is not None and len(chain) < 100:
        chain.append(chain[-1].__cause__)
    return chain


def test_html_500_message_shows_status_and_body_start(call):
    _, exc = call([http(b"<html><title>Bad Gateway</title></html>", 502, b"text/html")])
    assert isinstance(exc, ReplyError)
    assert str(exc).startswith("HTTP 502: malformed reply")
    assert "<html><title>Bad Gateway" in str(exc)


def test_server_error_with_message(call):
    _, exc = call([http(envelope({"status": 404, "message": "Process not found"}, error=True), 404)])
    assert isinstance(exc, ServerError)
    assert (exc.status, str(exc)) == (404, "Process not found")


@pytest.mark.parametrize(
    ("payload", "status", "text"),
    [
        ({"status": 500}, 500, "server error (status 500)"),
        ({}, 403, "server error (status 403)"),
        (None, 400, "server error (status 400)"),
        ("just text", 409, "server error (status 409)"),
        ({"status": "x", "message": 7}, 400, "7"),
    ],
    ids=["no-message", "empty-object", "null", "string", "odd-types"],
)
def test_server_error_without_usable_message(call, payload, status, text):
    _, exc = call([http(envelope(payload, error=True), status)])
    assert isinstance(exc, ServerError), repr(exc)
    assert str(exc) == text
    assert isinstance(exc.status, int)


def test_reply_the_model_rejects_is_a_validation_error_as_upstream(call):
    """A well-formed reply whose payload is not a process: pydantic's error, as upstream (api-contract §c)."""
    _, exc = call([http(envelope({"processid": PID}))])
    assert isinstance(exc, pydantic.ValidationError)
    _, exc = call([http(envelope(None))])
    assert isinstance(exc, TypeError)


def test_connection_closed_mid_body_is_a_transport_error(call):
    took, exc = call([partial(1000, b'{"payloadtype": "x", "pay')], method="add_log")
    assert isinstance(exc, TransportError) and not isinstance(exc, RequestTimeoutError), repr(exc)
    assert "mid-reply" in str(exc) and "receive" in str(exc)
    assert took < TIMEOUT


def test_connection_closed_before_any_reply_is_a_transport_error(call):
    took, exc = call([lambda conn: None], method="add_log")
    assert isinstance(exc, TransportError) and not isinstance(exc, RequestTimeoutError), repr(exc)
    assert "closed the connection" in str(exc)
    assert took < TIMEOUT


@pytest.mark.parametrize("action", [hang, partial(1000, b'{"payloadtype"', then="hang")], ids=["silent", "stalls"])
def test_server_that_stops_answering_times_out_within_the_read_timeout(call, action):
    took, exc = call([action])
    assert isinstance(exc, RequestTimeoutError), repr(exc)
    assert "read timeout (2.0 s)" in str(exc)
    assert TIMEOUT - 0.1 <= took < TIMEOUT + 1.0


def test_fifty_megabyte_garbage_body_is_a_reply_error_with_a_short_message(call):
    took, exc = call([http(b"x" * (50 * 1024 * 1024))])
    assert isinstance(exc, ReplyError), repr(exc)
    assert "xxxx" in str(exc) and len(str(exc)) < 1000
    assert took < TIMEOUT


def test_fifty_megabyte_valid_reply_is_read_whole(call):
    """Size alone is no error: a 50 MB process log reply arrives intact."""
    big = [{"message": "m" * 1024, "processid": PID}] * (50 * 1024)
    _, exc = call([http(envelope(big))], method="get_process_log", timeout=30)
    assert exc is None, repr(exc)
    logs = call.result
    assert len(logs) == len(big) and logs[-1]["message"] == "m" * 1024


def test_reply_error_keeps_the_cause(call):
    _, exc = call([http(b"not json")])
    assert isinstance(exc, ReplyError) and isinstance(exc.__cause__, json.JSONDecodeError | ValueError)


OK_BODY = envelope({})
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    "actions",
    [
        [("trickle", 0.002, http(OK_BODY))],  # a byte at a time
        [CHUNKED_HEAD + b"%x;name=value\r\n%b\r\n0\r\nTrailer: t\r\n\r\n" % (len(OK_BODY), OK_BODY)],
        [[CHUNKED_HEAD, b"5\r\n" + OK_BODY[:5], b"\r\n%x\r\n%b\r\n0\r\n\r\n" % (len(OK_BODY) - 5, OK_BODY[5:])]],
        [b"HTTP/1.1 100 Continue\r\n\r\n" + http(OK_BODY)],
        [("then-close", b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + OK_BODY)],  # ends with the close
    ],
    ids=["trickled", "chunked-with-extension-and-trailer", "chunked-in-pieces", "after-100-continue",
         "close-delimited"],
)
def test_framings_a_server_may_use_are_read_alike(call, actions):
    took, exc = call(actions, method="add_log")
    assert exc is None and call.result == {}, repr(exc)
    assert took < TIMEOUT


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (CHUNKED_HEAD + b"zz\r\n", "Invalid character in chunk size"),
        (CHUNKED_HEAD + b"2\r\nabXX0\r\n\r\n", "Malformed HTTP reply"),
        (CHUNKED_HEAD + b"ffffffffffffffffffff\r\n", "Malformed HTTP reply"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-Big: " + b"h" * 70_000 + b"\r\n\r\n", "HTTP reply head too long"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "Malformed HTTP reply"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok", "Malformed HTTP reply"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n", "protocol switch"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40, "Malformed HTTP reply"),  # TLS, not HTTP
    ],
    ids=["chunk-size-not-hex", "chunk-without-crlf", "chunk-size-overflow", "oversized-head",
         "two-lengths", "length-and-chunked", "upgrade", "tls-bytes"],
)
def test_malformed_framing_is_the_same_reply_error_on_both_transports(call, wire, expected):
    took, exc = call([wire], method="add_log")
    assert isinstance(exc, ReplyError), repr(exc)
    assert expected in str(exc) and len(str(exc)) < 300
    assert took < TIMEOUT
