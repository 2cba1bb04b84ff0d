"""The ``/pubsub`` websocket protocol, without I/O: what a subscription sends, how long it lasts,
and the steps of ``wait`` and of a channel stream (core/steps.py), for both clients.

The server pushes on one websocket per subscription: ``subscribeprocessmsg`` (a process reaching a
state), ``subscribechannelmsg`` (channel entries) and ``subscribeprocessesmsg`` (every process of
an executor type entering a state). The blocking client does the I/O with websocket-client
(client/pubsub.py), the asyncio one with aiohttp (aio/websocket.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator
from typing import Any

from pycolonies_fast.core.codec import decode_entries, decode_envelope
from pycolonies_fast.core.states import FINAL_STATES
from pycolonies_fast.core.steps import Do, Sleep
from pycolonies_fast.errors import ColoniesError
from pycolonies_fast.models import Process

__all__ = [
    "CHANNEL_GRACE",
    "CLOSE_TIMEOUT",
    "LONGEST_SOCKET_WAIT",
    "channel_batch",
    "channel_subscription",
    "channel_timeouts",
    "process_subscriptions",
    "processes_steps",
    "processes_subscription",
    "pushed_process",
    "wait_timeout_message",
    "wait_windows",
    "watch_steps",
]

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


def wait_windows(process: Any, timeout: float) -> Generator[float, Process | None, Process | None]:
    """The steps of one wait, for both clients: yields the end (monotonic) of each subscription
    window and is sent the process if it finished within it, else None. Returns the finished
    process, or None once ``timeout`` has passed (the client raises its ``WaitTimeoutError``)."""
    deadline = time.monotonic() + max(float(timeout or 0), 0.0)  # None: what upstream's null meant, 0
    while True:
        finished = yield min(deadline, time.monotonic() + SUBSCRIPTION_WINDOW)
        if finished is not None:
            return finished
        if time.monotonic() >= deadline:
            return None


def watch_steps(until: float) -> Generator[Do | Sleep, Any, Process | None]:
    """The steps of one window, for both clients: the process once it is final, else None at `until`.

    Yields ``Do("await_push", seconds)``: wait for a frame, sent back whether the connection is
    still up; ``Sleep(seconds)`` once it is not; ``Do("check")``: sent back the process, fresh.
    """
    connected = True
    while True:
        pause = min(until - time.monotonic(), RECHECK_INTERVAL)
        if pause > 0:
            if connected:
                connected = yield Do("await_push", pause)
            else:
                yield Sleep(pause)
        current = yield Do("check")
        if current.state in FINAL_STATES:
            return current
        if time.monotonic() >= until:
            return None




def wait_timeout_message(process: Any, timeout: float) -> str:
    """What a ``WaitTimeoutError`` says."""
    return f"Process {process.processid} did not finish within {timeout} seconds"


#: Extra seconds allowed after a ``subscribe_processes`` timeout for the server to close it.
PROCESSES_GRACE = 5.0


def processes_subscription(
    colonyname: str, executortype: str, state: int, timeout: float
) -> tuple[dict[str, Any], float]:
    """The ``subscribeprocessesmsg`` of ``subscribe_processes`` and how long to wait locally for its end."""
    seconds = max(math.ceil(timeout), 1)
    msg = {
        "colonyname": colonyname, "executortype": executortype, "state": state,
        "timeout": seconds, "msgtype": "subscribeprocessesmsg",
    }
    return msg, seconds + PROCESSES_GRACE


def pushed_process(frame: bytes | str) -> Process:
    """The process of one ``subscribe_processes`` frame; an error frame raises ColoniesError."""
    _payloadtype, error, payload = decode_envelope(frame)
    if error:
        message = payload.get("message") if isinstance(payload, dict) else None
        raise ColoniesError(message or "Process subscription error")
    return Process(**payload)


def processes_steps(with_callback: bool) -> Generator[Do, Any, list[Process] | None]:
    """The steps of ``subscribe_processes``, for both clients.

    Yields ``Do("frame")``: sent the next frame, or None once the subscription ended (the server
    closed it, or its deadline passed). With a callback, yields ``Do("deliver", process)`` for each
    process and is sent the callback's verdict: ``False`` stops. Returns the processes when there
    is no callback, else None. An error frame raises ColoniesError (``pushed_process``).
    """
    collected: list[Process] = []
    while True:
        frame = yield Do("frame")
        if not frame:
            break
        process = pushed_process(frame)
        if not with_callback:
            collected.append(process)
        elif (yield Do("deliver", process)) is False:
            break
    return None if with_callback else collected
