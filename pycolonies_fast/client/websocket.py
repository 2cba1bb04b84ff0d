"""The blocking client's websocket methods: ``wait`` and ``subscribe_channel`` (see pubsub.py).

``AsyncColonies`` has coroutine versions of both (aio/websocket.py). ``pubsub`` is imported in
the methods so that clients that never subscribe do not load the websocket library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Process
from ._base import ClientBase

__all__ = ["WebsocketMixin"]


class WebsocketMixin(ClientBase):
    """Wait for a process to finish; stream a process channel."""

    def wait(self, process: Process, timeout: int, prvkey: str) -> Process:
        """Block until ``process`` finishes and return it fresh from the server.

        Fixes upstream, which woke only on SUCCESS: this returns on SUCCESS, FAILED or CANCELLED
        (see ``pubsub.wait_for_process``).
        """
        from ..pubsub import wait_for_process

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
        """Stream entries over the websocket for `timeout` seconds (see pubsub.subscribe_channel)."""
        from ..pubsub import subscribe_channel

        return subscribe_channel(self, processid, channel_name, prvkey, after_seq, timeout, callback)
