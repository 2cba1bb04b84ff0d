"""Offline tests of HTTP/1.1 reply framing (core/http.py): Content-Length, chunked, close-delimited,
informational and bodiless replies, and malformed ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycolonies_fast.core.http import Dropped, ReplyParser
from pycolonies_fast.core.http import read_response as _read_response
from pycolonies_fast.errors import ReplyError, ReplyTooLargeError
from tests.support.servers import reply


def recv_from(pieces: list[bytes]):
    """A fake ``sock.recv`` handing out ``pieces`` one per call, then b"" (EOF)."""
    queue = list(pieces)
    return lambda size: queue.pop(0) if queue else b""


def chunked(body: bytes, sizes: list[int]) -> bytes:
    out, pos = b"", 0
    for size in sizes:
        piece = body[pos : pos + size]
        if not piece:
            break
        out += b"%x;ext=1\r\n%b\r\n" % (len(piece), piece)
        pos += len(piece)
    if pos < len(body):
        out += b"%x\r\n%b\r\n" % (len(body) - pos, body[pos:])
    return out + b"0\r\nTrailer: x\r\n\r\n"


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, last = [], 0
    for p in points + [len(data)]:
        if p > last:
            pieces.append(data[last:p])
            last = p
    return pieces


# --- reply framing -----------------------------------------------------------------------------

def test_content_length_reply():
    status, body, keep = _read_response(recv_from([reply(b'{"a":1}', 200)]))
    assert (status, body, keep) == (200, b'{"a":1}', True)


def test_error_status_and_connection_close():
    status, body, keep = _read_response(recv_from([reply(b"x", 404, b"Connection: close\r\n")]))
    assert (status, body, keep) == (404, b"x", False)


def test_http10_close_delimited_body():
    status, body, keep = _read_response(recv_from([b"HTTP/1.0 200 OK\r\n\r\nhello ", b"world"]))
    assert (status, body, keep) == (200, b"hello world", False)


def test_informational_reply_is_skipped():
    data = b"HTTP/1.1 100 Continue\r\n\r\n" + reply(b"ok")
    assert _read_response(recv_from([data]))[:2] == (200, b"ok")


def test_extra_bytes_after_reply_forbid_reuse():
    assert _read_response(recv_from([reply(b"ok") + b"junk"]))[2] is False


@settings(max_examples=200, deadline=None)
@given(
    body=st.binary(max_size=3000),
    sizes=st.lists(st.integers(1, 700), max_size=8),
    cuts=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_chunked_reply_split_anywhere(body, sizes, cuts):
    wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body, sizes)
    assert _read_response(recv_from(split(wire, cuts))) == (200, body, True)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=5000), cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_content_length_reply_split_anywhere(body, cuts):
    assert _read_response(recv_from(split(reply(body), cuts))) == (200, body, True)


@pytest.mark.parametrize(
    "wire",
    [
        b"SMTP 200 OK\r\n\r\n",
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno-colon-here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
        b"HTTP/1.1 " + b"2" * 5000 + b" OK\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
        *(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + b"\r\nabc\r\n0\r\n\r\n"
          for size in (b"-2", b"0x3", b"+3", b"1_0")),
    ],
)
def test_malformed_replies_raise_reply_error(wire):
    with pytest.raises(ReplyError):
        _read_response(recv_from([wire]))


def test_connection_close_holds_whatever_follows_it():
    wire = reply(b"ok", 200, b"Connection: close\r\nConnection: keep-alive\r\n")
    assert _read_response(recv_from([wire]))[2] is False


@pytest.mark.parametrize("status", [204, 304])
def test_bodiless_replies_end_at_their_head(status):
    pieces = [b"HTTP/1.1 %d Nothing\r\nServer: x\r\n\r\n" % status]

    def recv(size):
        assert pieces, "read past a reply that has no body"
        return pieces.pop(0)

    assert _read_response(recv) == (status, b"", True)


def test_truncated_reply_is_a_transport_failure():
    with pytest.raises(Exception) as info:
        _read_response(recv_from([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]))
    assert not isinstance(info.value, ReplyError)


# --- the parser adapter, fed in arbitrary pieces -------------------------------------------------

def parse_in_pieces(wire: bytes, cuts: list[int], max_body: int = 1 << 20) -> tuple:
    """Feed ``wire`` to one ReplyParser in the pieces ``cuts`` makes, then the end of the connection;
    the outcome as ``("reply", status, body, keep_alive)`` or ``("error", type, message)``."""
    parser = ReplyParser(max_body)
    try:
        done = False
        for piece in split(wire, cuts):
            if parser.feed(piece):
                done = True
                break
        if not done:
            parser.feed_eof()
    except (ReplyError, Dropped) as exc:
        return ("error", type(exc), str(exc).split("): b", 1)[0])  # the reason; the quote is of what had come
    return ("reply", parser.status, parser.body, parser.keep_alive)


VALID_REPLIES = [
    reply(b'{"payloadtype":"x","payload":"e30=","error":false}'),
    reply(b"x", 404, b"Connection: close\r\n"),
    b"HTTP/1.1 100 Continue\r\n\r\n" + reply(b"after continue"),
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
    b"HTTP/1.0 200 OK\r\n\r\nclose-delimited body",
    b"HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n",
    b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
]
INVALID_REPLIES = [
    b"SMTP 200 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok",
    b"HTTP/1.1 200 OK\r\nX: one\r\n two\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",  # closed mid-body
    b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",  # over the limit of 1 MiB
    b"",  # closed before any reply
]


@settings(max_examples=300, deadline=None)
@given(wire=st.sampled_from(VALID_REPLIES + INVALID_REPLIES), cuts=st.lists(st.integers(0, 200), max_size=20))
def test_any_split_of_a_reply_gives_what_the_whole_reply_gives(wire, cuts):
    """Valid or not, a reply means the same however the network cuts it into pieces."""
    assert parse_in_pieces(wire, cuts) == parse_in_pieces(wire, [])


@settings(max_examples=300, deadline=None)
@given(wire=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=10))
def test_arbitrary_bytes_end_in_a_reply_or_a_typed_error(wire, cuts):
    """Whatever arrives, the adapter answers with a reply, ReplyError or Dropped, never anything else,
    and the same however the bytes are split."""
    outcome = parse_in_pieces(b"HTTP/1.1 200 OK\r\n" + wire, cuts)
    assert outcome[0] in ("reply", "error")
    assert outcome == parse_in_pieces(b"HTTP/1.1 200 OK\r\n" + wire, [])


def test_the_whole_set_of_outcomes_is_what_each_reply_means():
    outcomes = [parse_in_pieces(wire, []) for wire in VALID_REPLIES]
    assert [outcome[:3] for outcome in outcomes] == [
        ("reply", 200, b'{"payloadtype":"x","payload":"e30=","error":false}'),
        ("reply", 404, b"x"), ("reply", 200, b"after continue"), ("reply", 200, b"abcde"),
        ("reply", 200, b"close-delimited body"), ("reply", 204, b""), ("reply", 200, b"ok")]
    assert [outcome[3] for outcome in outcomes] == [True, False, True, True, False, True, True]
    errors = [parse_in_pieces(wire, []) for wire in INVALID_REPLIES]
    assert [error[1] for error in errors] == [ReplyError] * 5 + [Dropped, ReplyTooLargeError, Dropped]


def test_a_head_that_never_ends_is_refused():
    parser = ReplyParser()
    with pytest.raises(ReplyError, match="head too long"):
        parser.feed(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100):
            parser.feed(b"X-Padding: " + b"p" * 1000 + b"\r\n")
