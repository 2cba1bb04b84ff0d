"""The blocking client's ``/pubsub`` websocket I/O, on websocket-client (the protocol is core/pubsub.py).

Each call opens its own connection (ws:// or wss:// per ``client.tls``, with the client's connect
timeout and TLS settings), sends envelopes signed by the compiled core, and always closes the
socket: ``subscription()`` opens one, ``frames()`` reads one. Imported when a client first
subscribes: websocket-client is slow to import.

Every wait has a deadline that no traffic extends. websocket-client times out each socket read on
its own, so a server that pings, trickles a frame byte by byte or never finishes a fragmented
message or a handshake would keep a read alive for ever; a watchdog (``_Watchdog``) shuts the
socket down at the deadline instead, and the read that fails then is reported as the timeout.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import websocket
from websocket import ABNF, WebSocketConnectionClosedException, WebSocketTimeoutException

from pycolonies_fast.core.codec import build_request
from pycolonies_fast.core.connection import DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_SIZE, bracketed, ca_locations
from pycolonies_fast.core.pubsub import (
    CLOSE_TIMEOUT,
    LONGEST_SOCKET_WAIT,
    channel_batch,
    channel_subscription,
    channel_timeouts,
    process_subscriptions,
    wait_timeout_message,
    wait_windows,
    watch_steps,
)
from pycolonies_fast.core.steps import Do, run_steps
from pycolonies_fast.errors import ReplyTooLargeError, RequestTimeoutError, TransportError
from pycolonies_fast.errors.websocket import (
    WaitTimeoutError,
    WebsocketClosedError,
    WebsocketLostError,
    websocket_connect_error,
    websocket_lost_error,
)
from pycolonies_fast.models import Process

__all__ = ["frames", "subscribe_channel", "subscription", "wait_for_process"]

#: DEBUG: each websocket opened and each subscription sent on it (its msgtype, never the key);
#: WARNING: an endpoint that refused the websocket when another is tried next.
log = logging.getLogger(__name__)


def _ws_url(client: Any, host: str | None = None, port: int | None = None) -> str:
    """`ws[s]://host:port/pubsub` for the client's server, or the given endpoint (IPv6 hosts bracketed)."""
    host = bracketed(client.host if host is None else host)
    return f"{'wss' if client.tls else 'ws'}://{host}:{client.port if port is None else port}/pubsub"


def _sslopt(client: Any) -> dict[str, Any]:
    """TLS options matching the client's HTTPS settings (`verify`, `ca_bundle`)."""
    if not getattr(client, "verify", True):
        return {"cert_reqs": ssl.CERT_NONE, "check_hostname": False}
    options: dict[str, Any] = {"cert_reqs": ssl.CERT_REQUIRED}
    cafile, capath = ca_locations(getattr(client, "ca_bundle", None))
    if cafile:
        options["ca_certs"] = cafile
    if capath:
        options["ca_cert_path"] = capath
    return options


class _Watchdog:
    """Shuts ``ws``'s socket down at ``deadline`` (monotonic), so that a read still in progress then
    fails at once: the deadline holds whatever the server sends meanwhile. ``cancel()`` disarms it."""

    def __init__(self, ws: websocket.WebSocket, deadline: float) -> None:
        self._ws = ws
        left = max(deadline - time.monotonic(), 0.0)
        # A deadline beyond what a timer can wait for is "never" (a subscription asked for ever).
        self._timer = threading.Timer(left, self._expire) if left < threading.TIMEOUT_MAX else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        sock = getattr(self._ws, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


class _FrameTooLarge(websocket.WebSocketPayloadException):
    """A frame longer than the client's ``max_reply_size``: refused from its header, before it is read."""


class _SizeLimitedFrames(websocket.frame_buffer):
    """websocket-client's frame reader, refusing a frame whose announced length is above ``limit``."""

    def __init__(self, recv_fn: Callable[[int], bytes], skip_utf8_validation: bool, limit: int) -> None:
        super().__init__(recv_fn, skip_utf8_validation)
        self.limit = limit

    def recv_length(self) -> None:
        super().recv_length()
        if self.length is not None and self.length > self.limit:
            raise _FrameTooLarge(f"a websocket frame of {self.length:,} bytes is larger than the client's limit of "
                                 f"{self.limit:,} bytes (max_reply_size)")


class _WebSocketInTime(websocket.WebSocket):
    """A websocket whose opening handshake ends within its timeout, however slowly the server answers,
    and whose frames are at most ``max_frame`` bytes long (set on a subclass per limit)."""

    max_frame = DEFAULT_MAX_REPLY_SIZE

    def connect(self, url: str, **options: Any) -> None:
        self.frame_buffer = _SizeLimitedFrames(self._recv, self.frame_buffer.skip_utf8_validation, self.max_frame)
        timeout = self.gettimeout()
        if timeout is None:
            super().connect(url, **options)
            return
        deadline = time.monotonic() + timeout
        watchdog = _Watchdog(self, deadline)
        try:
            super().connect(url, **options)
        except (websocket.WebSocketException, OSError) as exc:
            if time.monotonic() >= deadline:
                raise WebSocketTimeoutException(f"the handshake did not finish within {timeout} s") from exc
            raise
        finally:
            watchdog.cancel()
        if time.monotonic() >= deadline:  # the watchdog may have shut the socket as the handshake ended
            self.shutdown()
            raise WebSocketTimeoutException(f"the handshake did not finish within {timeout} s")


@functools.cache
def _websocket_class(max_frame: int) -> type[_WebSocketInTime]:
    """``_WebSocketInTime`` with a frame limit of ``max_frame`` bytes."""
    return type("_WebSocketInTime", (_WebSocketInTime,), {"max_frame": max_frame})


@contextmanager
def subscription(
    client: Any, msgs: Iterable[dict[str, Any]], prvkey: str, deadline: float
) -> Iterator[websocket.WebSocket]:
    """Open a subscription: a websocket to `/pubsub`, with each of `msgs` sent signed by `prvkey`.

    Connects to the client's endpoint in use, else the next that accepts (a client's `endpoints`),
    with the client's connect timeout and TLS settings; failures raise ConnectError or
    ConnectTimeoutError, a connection lost while subscribing TransportError. Gives the socket
    (read it with `frames`, or frame by frame) until `deadline` (monotonic), when it is shut down
    whatever the server sends; it is always closed afterwards.
    """
    ws = _connect(client)
    watchdog = _Watchdog(ws, deadline)
    try:
        try:
            for msg in msgs:
                ws.send(build_request(msg, prvkey), opcode=ABNF.OPCODE_TEXT)
                log.debug("%s sent over the websocket", msg.get("msgtype"))
        except (websocket.WebSocketException, OSError) as exc:
            raise websocket_lost_error(f"Websocket lost while subscribing: {exc}", exc) from exc
        yield ws
    finally:
        watchdog.cancel()
        with contextlib.suppress(websocket.WebSocketException, OSError):  # nothing left to report
            ws.close(timeout=CLOSE_TIMEOUT)
        ws.shutdown()  # close() leaves the socket open when the server's close frame came first


def frames(ws: websocket.WebSocket, deadline: float) -> Iterator[bytes]:
    """The data frames of an open subscription, until the server closes it or `deadline` (monotonic)
    passes; either ends the iteration (a subscription's normal end). A connection lost otherwise
    (reset) or a frame that breaks the websocket protocol raises TransportError."""
    while True:
        try:
            opcode, data = _recv_before(ws, deadline)
        except (WebSocketConnectionClosedException, WebSocketTimeoutException, TimeoutError):
            return
        except OSError as exc:
            raise WebsocketLostError(f"Websocket lost during the subscription: {exc}") from exc
        except websocket.WebSocketException as exc:
            raise TransportError(f"Bad websocket frame from the server: {exc}") from exc
        if opcode == ABNF.OPCODE_CLOSE:
            return
        yield data


def _recv_before(ws: websocket.WebSocket, deadline: float) -> tuple[int, bytes]:
    """The next frame's ``(opcode, data)``; ``WebSocketTimeoutException`` once `deadline` (monotonic)
    has passed, however far away it is (socket waits of at most LONGEST_SOCKET_WAIT each). A read
    that fails once the deadline has passed failed because of it (the subscription's watchdog)."""
    while True:
        left = deadline - time.monotonic()
        ws.settimeout(min(max(left, 0.001), LONGEST_SOCKET_WAIT))
        try:
            return ws.recv_data()
        except _FrameTooLarge as exc:
            raise ReplyTooLargeError(str(exc)) from exc
        except (WebSocketTimeoutException, TimeoutError):
            if left <= LONGEST_SOCKET_WAIT:
                raise
        except (websocket.WebSocketException, OSError) as exc:
            if time.monotonic() >= deadline:
                raise WebSocketTimeoutException("no complete frame before the deadline") from exc
            raise


def _connect(client: Any) -> websocket.WebSocket:
    """Open the websocket to the endpoint in use, else the next that accepts it (a client's
    `endpoints`); failures become ConnectError / ConnectTimeoutError (nothing was sent)."""
    connect_timeout = getattr(client, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    endpoints = list(getattr(client, "endpoints", None) or [(client.host, client.port)])
    first = endpoints.index((client.host, client.port)) if (client.host, client.port) in endpoints else 0
    error: Exception | None = None
    for step in range(len(endpoints)):
        url = _ws_url(client, *endpoints[(first + step) % len(endpoints)])
        if error is not None:
            log.warning("websocket failed (%s); trying %s", error, url)
        try:
            ws = websocket.create_connection(
                url, timeout=connect_timeout, sslopt=_sslopt(client) if client.tls else None,
                class_=_websocket_class(getattr(client, "max_reply_size", DEFAULT_MAX_REPLY_SIZE)),
            )
        except (websocket.WebSocketException, OSError) as exc:
            error = websocket_connect_error(url, exc)
            error.__cause__ = exc
        else:
            log.debug("websocket opened to %s", url)
            return ws
    assert error is not None
    raise error


def _await_push(ws: websocket.WebSocket, seconds: float) -> bool:
    """Wait up to `seconds` for a data frame; return False once the connection is gone (or broke the
    protocol: the wait goes on with `get_process` checks alone). Pings are answered here, frame by
    frame, so that a server pinging all the time does not push the next check back."""
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return True
        ws.settimeout(left)
        try:
            frame = ws.recv_frame()
        except WebSocketTimeoutException:
            return True
        except (websocket.WebSocketException, OSError):
            return False
        if frame.opcode == ABNF.OPCODE_PING:
            with contextlib.suppress(websocket.WebSocketException, OSError):
                ws.pong(frame.data)
        elif frame.opcode != ABNF.OPCODE_PONG:
            return frame.opcode != ABNF.OPCODE_CLOSE


def wait_for_process(client: Any, process: Any, timeout: float, prvkey: str) -> Process:
    """Block until `process` is SUCCESS, FAILED or CANCELLED and return it fresh (`get_process`).

    One websocket carries three `subscribeprocessmsg` subscriptions (states 2, 3 and 4), so a
    failure or cancellation wakes us as promptly as a success (upstream only woke on success).
    Each push, and every RECHECK_INTERVAL seconds as a safety net, triggers a `get_process`.
    Long waits resubscribe every SUBSCRIPTION_WINDOW seconds, so the server never keeps the two
    subscriptions that did not fire for longer than that. Raises WaitTimeoutError after `timeout`
    seconds; server errors (e.g. unknown process) raise from `get_process` as usual.
    """
    finished = run_steps(wait_windows(process, timeout), lambda until: _watch(client, process, until, prvkey))
    if finished is None:
        raise WaitTimeoutError(wait_timeout_message(process, timeout))
    return finished


def _watch(client: Any, process: Any, until: float, prvkey: str) -> Process | None:
    """Subscribe on one connection until `until`; the process once it is final, else None."""
    msgs = process_subscriptions(process, max(math.ceil(until - time.monotonic()), 0))
    with subscription(client, msgs, prvkey, until) as ws:

        def perform(op: Any) -> Any:
            if type(op) is not Do:
                return time.sleep(op.seconds)
            if op.name == "await_push":
                return _await_push(ws, *op.args)
            return client.get_process(process.processid, prvkey)

        return run_steps(watch_steps(until), perform)


def subscribe_channel(
    client: Any,
    processid: str,
    channel_name: str,
    prvkey: str,
    after_seq: int = 0,
    timeout: float | None = 30,
    callback: Callable[[list[dict[str, Any]]], Any] | None = None,
) -> list[dict[str, Any]] | None:
    """Receive channel entries from log position `after_seq` until the server's `timeout`.

    Each non-empty batch goes to `callback` (stop when it returns False or 0; None continues) or,
    without a callback, is collected and returned. An empty batch (the server's timeout frame)
    ends the subscription. An error frame raises ColoniesError with the server's message.
    """
    seconds, patience = channel_timeouts(timeout)
    msg = channel_subscription(processid, channel_name, after_seq, seconds)
    deadline = time.monotonic() + patience
    collected: list[dict[str, Any]] = []
    with subscription(client, [msg], prvkey, deadline) as ws:
        while True:
            entries = channel_batch(_recv_frame(ws, deadline))
            if not entries:
                break
            if callback is None:
                collected.extend(entries)
            elif callback(entries) == False:  # noqa: E712 - upstream stops on any value == False (0 too)
                break
    return collected if callback is None else None


def _recv_frame(ws: websocket.WebSocket, deadline: float) -> bytes:
    """The next data frame's bytes, or a typed error on timeout, a closed connection or a bad frame."""
    try:
        opcode, data = _recv_before(ws, deadline)
    except (WebSocketTimeoutException, TimeoutError) as exc:
        raise RequestTimeoutError("Channel subscription timed out waiting for the server") from exc
    except (WebSocketConnectionClosedException, OSError) as exc:
        raise websocket_lost_error(f"Channel subscription connection closed by the server: {exc}", exc) from exc
    except websocket.WebSocketException as exc:
        raise TransportError(f"Bad websocket frame from the server: {exc}") from exc
    if opcode == ABNF.OPCODE_CLOSE:
        raise WebsocketClosedError("Channel subscription connection closed by the server")
    return data
