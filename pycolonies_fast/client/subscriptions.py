"""``subscribe_processes`` (not in upstream pycolonies): pushes of processes entering a state.

One websocket carries one ``subscribeprocessesmsg``; the server pushes every process of
``executortype`` (in any colony the caller can see) that enters ``state``, until ``timeout``
seconds have passed, then drops the connection. The caller must be a registered executor.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from ..errors import ColoniesError
from ..models import Process
from ._base import ClientBase

__all__ = ["SubscriptionsMixin"]

#: Extra seconds allowed after the subscription's own timeout for the server to close it.
CLOSE_GRACE = 5.0


class SubscriptionsMixin(ClientBase):
    """Websocket subscription to process state changes of one executor type."""

    def subscribe_processes(
        self,
        colonyname: str,
        executortype: str,
        state: int,
        prvkey: str,
        timeout: float = 30,
        callback: Callable[[Process], Any] | None = None,
    ) -> list[Process] | None:
        """Receive processes of ``executortype`` entering ``state`` for ``timeout`` seconds.

        Each goes to ``callback`` (return False to stop early), or without a callback all are
        collected and returned when the server ends the subscription. An error frame (e.g. the
        caller is not an executor) raises ``ColoniesError`` with the server's message.
        """
        from ..codec import decode_envelope
        from ..pubsub import frames, subscription

        seconds = max(math.ceil(timeout), 1)
        msg = {
            "colonyname": colonyname, "executortype": executortype, "state": state,
            "timeout": seconds, "msgtype": "subscribeprocessesmsg",
        }
        deadline = time.monotonic() + seconds + CLOSE_GRACE
        collected: list[Process] = []
        with subscription(self, [msg], prvkey) as ws:
            for data in frames(ws, deadline):  # ends when the server ends the subscription
                if not data:
                    break
                _payloadtype, error, payload = decode_envelope(data)
                if error:
                    message = payload.get("message") if isinstance(payload, dict) else None
                    raise ColoniesError(message or "Process subscription error")
                process = Process(**payload)
                if callback is None:
                    collected.append(process)
                elif callback(process) is False:
                    break
        return collected if callback is None else None
