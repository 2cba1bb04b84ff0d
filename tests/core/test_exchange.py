"""Offline tests of the rules both transports share (core/exchange.py): request bytes, failure
classification and the retry rule."""

from __future__ import annotations

import base64
import socket
import ssl

import pytest

from pycolonies_fast.core.exchange import (
    CONNECT,
    RECEIVE,
    SEND,
    RequestHeads,
    RetryRule,
    classify,
    proxy_authorization,
    retry_message,
)
from pycolonies_fast.core.http import Dropped
from pycolonies_fast.errors import (
    ConnectError,
    ConnectTimeoutError,
    ReplyError,
    RequestTimeoutError,
    TransportError,
)


def verdict(exc, stage, reused=False, idempotent=False):
    return classify(exc, stage, where="h:1", reused=reused, idempotent=idempotent, read_timeout=2.0)


def test_a_post_is_one_byte_string_with_its_length():
    request = RequestHeads("127.0.0.1", 50080).post(b'{"a":1}')
    head, _, body = request.partition(b"\r\n\r\n")
    assert body == b'{"a":1}'
    assert head.split(b"\r\n")[0] == b"POST /api HTTP/1.1"
    assert b"\r\nHost: 127.0.0.1:50080\r\n" in head + b"\r\n" and head.endswith(b"Content-Length: 7")


def test_through_a_proxy_plain_http_names_the_absolute_url_and_carries_the_credentials():
    heads = RequestHeads("::1", 8080, absolute=True, proxy_auth="Basic eA==")
    post = heads.post(b"x")
    assert post.startswith(b"POST http://[::1]:8080/api HTTP/1.1\r\nHost: [::1]:8080\r\n")
    assert b"\r\nProxy-Authorization: Basic eA==\r\n" in post
    assert heads.get("/health").startswith(b"GET http://[::1]:8080/health HTTP/1.1\r\n")


def test_a_tunnel_carries_the_credentials_and_the_requests_inside_it_do_not():
    heads = RequestHeads("example.org", 443, proxy_auth="Basic eA==")
    assert heads.connect().startswith(b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n")
    assert b"Proxy-Authorization: Basic eA==" in heads.connect()
    assert b"Proxy-Authorization" not in heads.post(b"x") and heads.post(b"x").startswith(b"POST /api ")


@pytest.mark.parametrize("path", ["health", "/a b", "/a\r\nX: y", "/\x7f"])
def test_a_get_refuses_what_is_not_a_path(path):
    with pytest.raises(ValueError, match="not a request path"):
        RequestHeads("h", 1).get(path)


def test_proxy_credentials_are_percent_decoded():
    assert proxy_authorization("http://user:pa%20ss@proxy:3128") == "Basic " + base64.b64encode(b"user:pa ss").decode()
    assert proxy_authorization("http://proxy:3128") is None


@pytest.mark.parametrize(
    ("exc", "stage", "reused", "idempotent", "error", "retry"),
    [
        (ConnectionRefusedError(111, "Connection refused"), CONNECT, False, False, ConnectError, "backoff"),
        (socket.gaierror(-2, "Name or service not known"), CONNECT, False, False, ConnectError, None),
        (TimeoutError(), CONNECT, False, True, ConnectTimeoutError, None),
        (TimeoutError(), RECEIVE, True, True, RequestTimeoutError, None),
        (ssl.SSLError(1, "bad certificate"), CONNECT, False, False, ConnectError, None),
        (ssl.SSLError(1, "bad record"), RECEIVE, True, True, TransportError, None),
        (BrokenPipeError(32, "Broken pipe"), SEND, True, False, TransportError, "now"),
        (BrokenPipeError(32, "Broken pipe"), SEND, False, False, TransportError, None),
        (Dropped("server closed the connection mid-reply"), RECEIVE, True, False, TransportError, None),
        (Dropped("server closed the connection mid-reply"), RECEIVE, True, True, TransportError, "now"),
        (ConnectionResetError(104, "reset"), RECEIVE, False, True, TransportError, "now"),
    ],
)
def test_each_failure_is_one_typed_error_and_is_retried_only_when_safe(exc, stage, reused, idempotent, error, retry):
    result = verdict(exc, stage, reused, idempotent)
    assert type(result.error) is error and result.retry == retry
    assert "h:1" in str(result.error)


def test_what_is_no_network_failure_is_raised_as_it_is():
    for exc in (ReplyError("Malformed HTTP reply"), TypeError("a bug"), ConnectError("Invalid server address")):
        assert verdict(exc, RECEIVE).error is exc and verdict(exc, RECEIVE).retry is None


def test_the_retry_rule_counts_and_backs_off():
    rule = RetryRule(retries=2, connect_retries=1, backoff=0.1)
    lost, refused = verdict(OSError("x"), RECEIVE, idempotent=True), verdict(OSError("x"), CONNECT)
    assert [rule.delay(lost, attempt) for attempt in range(3)] == [0.0, 0.0, None]
    assert [rule.delay(refused, attempt) for attempt in range(2)] == [0.1, None]
    assert rule.delay(verdict(TimeoutError(), RECEIVE), 0) is None


def test_the_retry_message_says_why_and_which_attempt_and_nothing_of_the_request():
    message = retry_message("h:1", verdict(Dropped("server closed the connection"), RECEIVE, idempotent=True), 0)
    assert message == "sending the request to h:1 again (attempt 2): Connection to h:1 failed during receive: " \
                      "server closed the connection"
