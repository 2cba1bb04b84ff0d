"""The server's `/pubsub` websocket: wait for a process to finish, and stream channel entries.

Each call opens its own connection (ws:// or wss:// per `client.tls`, with the client's connect
timeout and TLS settings), sends envelopes signed by the compiled core (codec.build_request), and
always closes the socket: `subscription()`, also used by `Colonies.subscribe_processes`, with
`frames()` to read one. Imported lazily: websocket-client costs ~35 ms to import.
"""

from __future__ import annotations

import contextlib
import math
import ssl
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import websocket
from websocket import ABNF, WebSocketConnectionClosedException, WebSocketTimeoutException

from .client._steps import run_steps
from .client.channels import decode_entries
from .codec import build_request, decode_envelope
from .errors import ColoniesError, ConnectError, ConnectTimeoutError, RequestTimeoutError, TransportError
from .models import Process
from .transport import bracketed, ca_locations

__all__ = [
    "FINAL_STATES",
    "WaitTimeoutError",
    "WebsocketAddressError",
    "WebsocketClosedError",
    "WebsocketClosedWhileOpeningError",
    "WebsocketConnectError",
    "WebsocketConnectTimeoutError",
    "WebsocketHandshakeError",
    "WebsocketLostError",
    "WebsocketOpenError",
    "WebsocketRefusedError",
    "channel_batch",
    "channel_subscription",
    "channel_timeouts",
    "frames",
    "process_subscriptions",
    "subscribe_channel",
    "subscription",
    "wait_for_process",
    "wait_windows",
    "watch_steps",
]

SUCCESS, FAILED, CANCELLED = 2, 3, 4
FINAL_STATES = (SUCCESS, FAILED, CANCELLED)

#: Seconds between safety-net `get_process` checks while waiting (pushes normally wake us first).
RECHECK_INTERVAL = 5.0
#: Longest life of one process subscription on the server before wait() renews it.
SUBSCRIPTION_WINDOW = 60.0
#: Connect timeout when the client does not say otherwise.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Extra seconds allowed, after a channel subscription's own timeout, for the server's closing frame.
CHANNEL_GRACE = 10.0
#: Seconds to wait for the server to answer our close frame. It answers at once when it is reading;
#: while it streams a channel it reads nothing, so stopping early would otherwise wait the whole
#: close timeout of the websocket library (3 s, or aiohttp's 10 s).
CLOSE_TIMEOUT = 0.5
#: What the server does with a subscription timeout of 0: its default, seconds.
SERVER_DEFAULT_TIMEOUT = 30
#: Longest single socket wait, seconds: a socket timeout cannot be much longer than 2**33 s, and a
#: subscription may ask for "forever" (10**11, 2**62); longer waits are taken in steps of this.
LONGEST_SOCKET_WAIT = 86400.0


class WaitTimeoutError(RequestTimeoutError, WebSocketConnectionClosedException):
    """`wait()` gave up: the process did not reach SUCCESS, FAILED or CANCELLED within the timeout.

    A ColoniesConnectionError (via RequestTimeoutError) for new code, and also the
    `websocket.WebSocketConnectionClosedException` that upstream's `wait()` raised on timeout.
    """


# Websocket failures are our typed errors and, as well, the exceptions upstream's websocket-client
# calls let through, so that code which caught those around wait() or subscribe_channel() still does.


class WebsocketConnectError(ConnectError, OSError):
    """Opening the websocket failed at the network (an ``OSError``, as upstream raised)."""


class WebsocketRefusedError(WebsocketConnectError, ConnectionRefusedError):
    """The server refused the websocket's connection (``ConnectionRefusedError``, as upstream raised)."""


class WebsocketConnectTimeoutError(ConnectTimeoutError, WebSocketTimeoutException):
    """Opening the websocket timed out (websocket-client's ``WebSocketTimeoutException``, as upstream raised)."""


class WebsocketHandshakeError(ConnectError, websocket.WebSocketBadStatusException):
    """The server answered the upgrade with an HTTP error (websocket-client's ``WebSocketBadStatusException``)."""

    def __init__(self, message: str, status_code: int, resp_headers: dict[str, str] | None = None) -> None:
        Exception.__init__(self, message)
        self.status_code = status_code
        self.status_message = None
        self.resp_headers = resp_headers
        self.resp_body = None


class WebsocketClosedWhileOpeningError(ConnectError, WebSocketConnectionClosedException):
    """The server hung up during the websocket handshake (``WebSocketConnectionClosedException``,
    as upstream raised); nothing was subscribed."""


class WebsocketAddressError(ConnectError, websocket.WebSocketAddressException):
    """The websocket's host name could not be resolved (``WebSocketAddressException``, as upstream raised)."""


class WebsocketOpenError(ConnectError, websocket.WebSocketException):
    """Opening the websocket failed otherwise: a reply that is no websocket handshake, a proxy
    failure (a ``WebSocketException``, as upstream raised)."""


class WebsocketClosedError(TransportError, WebSocketConnectionClosedException):
    """The server closed the websocket early (websocket-client's ``WebSocketConnectionClosedException``)."""


class WebsocketLostError(TransportError, ConnectionError):
    """The websocket connection broke, say a reset (a ``ConnectionError``, as upstream raised)."""


def websocket_connect_error(url: str, exc: BaseException) -> ConnectError:
    """The typed error for a websocket that could not be opened, of the kind ``exc`` was."""
    message = f"Failed to open websocket {url}: {exc}"
    if isinstance(exc, (WebSocketTimeoutException, TimeoutError)):
        return WebsocketConnectTimeoutError(f"Timed out connecting to {url}")
    if isinstance(exc, ConnectionRefusedError):
        return WebsocketRefusedError(message)
    if isinstance(exc, OSError):
        return WebsocketConnectError(message)
    if isinstance(exc, websocket.WebSocketBadStatusException):
        return WebsocketHandshakeError(message, exc.status_code, exc.resp_headers)
    if isinstance(exc, WebSocketConnectionClosedException):
        return WebsocketClosedWhileOpeningError(message)
    if isinstance(exc, websocket.WebSocketAddressException):
        return WebsocketAddressError(message)
    if isinstance(exc, websocket.WebSocketException):
        return WebsocketOpenError(message)
    return ConnectError(message)


def websocket_lost_error(message: str, exc: BaseException) -> TransportError:
    """The typed error for a websocket that broke after it was opened, of the kind ``exc`` was."""
    if isinstance(exc, WebSocketConnectionClosedException):
        return WebsocketClosedError(message)
    if isinstance(exc, OSError):
        return WebsocketLostError(message)
    return TransportError(message)


def process_subscriptions(process: Any, seconds: int) -> list[dict[str, Any]]:
    """The `subscribeprocessmsg` messages of one wait: `process` reaching SUCCESS, FAILED or CANCELLED."""
    conditions = process.spec.conditions
    return [
        {
            "processid": process.processid,
            "executortype": conditions.executortype,
            "state": state,
            "timeout": seconds,
            "colonyname": conditions.colonyname,
            "msgtype": "subscribeprocessmsg",
        }
        for state in FINAL_STATES
    ]


def channel_subscription(processid: str, channel_name: str, after_seq: int, seconds: int | None) -> dict[str, Any]:
    """The `subscribechannelmsg` message: entries from log position `after_seq` for `seconds`."""
    return {
        "processid": processid,
        "name": channel_name,
        "afterseq": after_seq,
        "timeout": seconds,
        "msgtype": "subscribechannelmsg",
    }


def channel_timeouts(timeout: float | None) -> tuple[int | None, float]:
    """For a channel subscription of `timeout` seconds: the whole seconds it sends (a negative value
    as given, as upstream did: the server then sends what is there and ends at once; None as null,
    the server's default) and how long to wait locally for the server's last frame."""
    if timeout is None:
        return None, SERVER_DEFAULT_TIMEOUT + CHANNEL_GRACE
    seconds = math.ceil(timeout)
    server_wait = seconds if seconds > 0 else SERVER_DEFAULT_TIMEOUT if seconds == 0 else 0
    return seconds, server_wait + CHANNEL_GRACE


def channel_batch(frame: bytes | str) -> list[dict[str, Any]] | None:
    """The entries of one channel frame (payloads as bytes); an error frame raises ColoniesError."""
    _payloadtype, error, payload = decode_envelope(frame)
    if error:
        message = payload.get("message") if isinstance(payload, dict) else None
        raise ColoniesError(message or "Channel subscription error")
    return decode_entries(payload)


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


@contextmanager
def subscription(client: Any, msgs: Iterable[dict[str, Any]], prvkey: str) -> Iterator[websocket.WebSocket]:
    """Open a subscription: a websocket to `/pubsub`, with each of `msgs` sent signed by `prvkey`.

    Connects to the client's endpoint in use, else the next that accepts (a client's `endpoints`),
    with the client's connect timeout and TLS settings; failures raise ConnectError or
    ConnectTimeoutError, a connection lost while subscribing TransportError. Gives the socket
    (read it with `frames`, or frame by frame); it is always closed afterwards.
    """
    ws = _connect(client)
    try:
        try:
            for msg in msgs:
                ws.send(build_request(msg, prvkey), opcode=ABNF.OPCODE_TEXT)
        except (websocket.WebSocketException, OSError) as exc:
            raise websocket_lost_error(f"Websocket lost while subscribing: {exc}", exc) from exc
        yield ws
    finally:
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
    has passed, however far away it is (socket waits of at most LONGEST_SOCKET_WAIT each)."""
    while True:
        left = deadline - time.monotonic()
        ws.settimeout(min(max(left, 0.001), LONGEST_SOCKET_WAIT))
        try:
            return ws.recv_data()
        except (WebSocketTimeoutException, TimeoutError):
            if left <= LONGEST_SOCKET_WAIT:
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
        try:
            return websocket.create_connection(
                url, timeout=connect_timeout, sslopt=_sslopt(client) if client.tls else None
            )
        except (websocket.WebSocketException, OSError) as exc:
            error = websocket_connect_error(url, exc)
            error.__cause__ = exc
    assert error is not None
    raise error


def _await_push(ws: websocket.WebSocket, seconds: float) -> bool:
    """Wait up to `seconds` for any frame; return False once the connection is gone (or broke the
    protocol: the wait goes on with `get_process` checks alone)."""
    ws.settimeout(seconds)
    try:
        opcode, _ = ws.recv_data()
    except WebSocketTimeoutException:
        return True
    except (websocket.WebSocketException, OSError):
        return False
    return opcode != ABNF.OPCODE_CLOSE


def wait_for_process(client: Any, process: Any, timeout: float, prvkey: str) -> Process:
    """Block until `process` is SUCCESS, FAILED or CANCELLED and return it fresh (`get_process`).

    One websocket carries three `subscribeprocessmsg` subscriptions (states 2, 3 and 4), so a
    failure or cancellation wakes us as promptly as a success (upstream only woke on success).
    Each push, and every RECHECK_INTERVAL seconds as a safety net, triggers a `get_process`.
    Long waits resubscribe every SUBSCRIPTION_WINDOW seconds, so the server never keeps the two
    subscriptions that did not fire for longer than that. Raises WaitTimeoutError after `timeout`
    seconds; server errors (e.g. unknown process) raise from `get_process` as usual.
    """
    return run_steps(wait_windows(process, timeout), lambda until: _watch(client, process, until, prvkey))


def wait_windows(process: Any, timeout: float) -> Generator[float, Process | None, Process]:
    """The steps of one wait, for both clients: yields the end (monotonic) of each subscription
    window and is sent the process if it finished within it, else None; raises WaitTimeoutError."""
    deadline = time.monotonic() + max(float(timeout or 0), 0.0)  # None: what upstream's null meant, 0
    while True:
        finished = yield min(deadline, time.monotonic() + SUBSCRIPTION_WINDOW)
        if finished is not None:
            return finished
        if time.monotonic() >= deadline:
            raise WaitTimeoutError(f"Process {process.processid} did not finish within {timeout} seconds")


def watch_steps(until: float) -> Generator[tuple[str, float], Any, Process | None]:
    """The steps of one window, for both clients: the process once it is final, else None at `until`.

    Yields ("push", seconds): wait for a frame, sent back whether the connection is still up;
    ("sleep", seconds) once it is not; ("check", 0): sent back the process from `get_process`.
    """
    connected = True
    while True:
        pause = min(until - time.monotonic(), RECHECK_INTERVAL)
        if pause > 0:
            if connected:
                connected = yield ("push", pause)
            else:
                yield ("sleep", pause)
        current = yield ("check", 0.0)
        if current.state in FINAL_STATES:
            return current
        if time.monotonic() >= until:
            return None


def _watch(client: Any, process: Any, until: float, prvkey: str) -> Process | None:
    """Subscribe on one connection until `until`; the process once it is final, else None."""
    msgs = process_subscriptions(process, max(math.ceil(until - time.monotonic()), 0))
    with subscription(client, msgs, prvkey) as ws:

        def perform(op: tuple[str, float]) -> Any:
            kind, seconds = op
            if kind == "push":
                return _await_push(ws, seconds)
            if kind == "sleep":
                return time.sleep(seconds)
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
    with subscription(client, [msg], prvkey) as ws:
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
