"""Process channels: append, read and subscribe.

Payloads are sent as base64 strings instead of upstream's JSON int arrays (the server accepts
both for its `[]byte` field; base64 is about 3x smaller on the wire). A list that is not bytes
(a value out of 0-255, a bool, a string) goes as upstream sent it, so the server refuses it the same
way and nothing is appended. Entry payloads coming back are turned into bytes exactly as upstream
does: empty payloads stay as the server sent them.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any, cast

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.codec import decode_entries
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import ChannelEntryDict, EmptyDict

__all__ = ["ChannelsMixin"]

Payload = str | bytes | bytearray | memoryview | list[int]


def _payload_json(payload: Payload) -> str | list[Any]:
    """The payload's bytes in base64 (a str UTF-8 encoded), or upstream's ``list(payload)`` for an
    iterable that is not a byte sequence (see the module docstring)."""
    if isinstance(payload, str):
        data = payload.encode("utf-8")
    elif isinstance(payload, (bytes, bytearray, memoryview)):
        data = bytes(payload)
    else:
        items = list(payload)  # a TypeError for what is not iterable, as upstream
        if not all(type(item) is int and 0 <= item < 256 for item in items):
            return items
        data = bytes(items)
    return base64.b64encode(data).decode("ascii")


class ChannelsMixin(ClientCore):
    """Append to and read process channels (`subscribe_channel` is in client/websocket.py and aio/websocket.py)."""

    @rpc
    def channel_append(
        self,
        processid: str,
        channel_name: str,
        sequence: int,
        payload: Payload,
        prvkey: str,
        in_reply_to: int = 0,
        payload_type: str = "",
    ) -> Steps[EmptyDict]:
        """Append one message to a process channel; the caller must be its initiator or executor. Returns ``{}``."""
        msg = {
            "msgtype": "channelappendmsg",
            "processid": processid,
            "name": channel_name,
            "sequence": sequence,
            "inreplyto": in_reply_to,
            "payload": _payload_json(payload),
            "payloadtype": payload_type,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def channel_read(
        self, processid: str, channel_name: str, after_seq: int, limit: int, prvkey: str
    ) -> Steps[list[ChannelEntryDict] | None]:
        """Entries after log position `after_seq` (`limit` 0 = all), payloads as bytes."""
        msg = {
            "msgtype": "channelreadmsg",
            "processid": processid,
            "name": channel_name,
            "afterseq": after_seq,
            "limit": limit,
        }
        # decode_entries checks each entry is an object and makes its payload bytes: a ChannelEntryDict
        return cast("list[ChannelEntryDict] | None", decode_entries((yield Call(msg, prvkey))))
