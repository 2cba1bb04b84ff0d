"""The blocking client's websocket methods: ``wait``, ``subscribe_channel`` and ``subscribe_processes``.

``AsyncColonies`` has coroutine versions (aio/websocket.py). The websocket I/O (client/pubsub.py)
is imported in the methods, so that clients that never subscribe do not load websocket-client.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pycolonies_fast.client.base import ClientBase
from pycolonies_fast.core.pubsub import processes_steps, processes_subscription
from pycolonies_fast.core.steps import Do, run_steps
from pycolonies_fast.models import Process

__all__ = ["WebsocketMixin"]


class WebsocketMixin(ClientBase):
    """Wait for a process to finish; stream a process channel; follow processes entering a state."""

    def wait(self, process: Process, timeout: int, prvkey: str) -> Process:
        """Block until ``process`` finishes and return it fresh from the server.

        Fixes upstream, which woke only on SUCCESS: this returns on SUCCESS, FAILED or CANCELLED
        (see ``client.pubsub.wait_for_process``).
        """
        from pycolonies_fast.client.pubsub import wait_for_process

        return wait_for_process(self, process, timeout, prvkey)

    def subscribe_channel(
        self,
        processid: str,
        channel_name: str,
        prvkey: str,
        after_seq: int = 0,
        timeout: float | None = 30,
        callback: Callable[[list[dict[str, Any]]], Any] | None = None,
    ) -> list[dict[str, Any]] | None:
        """Stream entries over the websocket for `timeout` seconds (see client.pubsub.subscribe_channel)."""
        from pycolonies_fast.client.pubsub import subscribe_channel

        return subscribe_channel(self, processid, channel_name, prvkey, after_seq, timeout, callback)

    def subscribe_processes(
        self,
        colonyname: str,
        executortype: str,
        state: int,
        prvkey: str,
        timeout: float = 30,
        callback: Callable[[Process], Any] | None = None,
    ) -> list[Process] | None:
        """Receive processes of ``executortype`` entering ``state`` for ``timeout`` seconds (not in upstream).

        One websocket carries one ``subscribeprocessesmsg``; the server pushes every process of
        ``executortype`` (in any colony the caller can see) that enters ``state``, then drops the
        connection; the caller must be a registered executor. Each process goes to ``callback``
        (return False to stop early), or without a callback all are collected and returned. An
        error frame (e.g. the caller is not an executor) raises ``ColoniesError`` with the server's message.
        """
        from pycolonies_fast.client.pubsub import frames, subscription

        msg, patience = processes_subscription(colonyname, executortype, state, timeout)
        deadline = time.monotonic() + patience
        with subscription(self, [msg], prvkey, deadline) as ws:
            received = frames(ws, deadline)  # ends when the server ends the subscription, or at the deadline

            def perform(op: Do) -> Any:
                if op.name == "frame":
                    return next(received, None)
                return callback(*op.args) if callback is not None else None

            return run_steps(processes_steps(callback is not None), perform)
