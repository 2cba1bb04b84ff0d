"""The wire format of every RPC, HTTP and websocket alike.

A request is ``{"payloadtype", "payload", "signature"}``: the payload is base64 of the
message's JSON, signed (as text) by the compiled core. A reply is ``{"payloadtype",
"payload", "error"}`` with a base64 JSON payload; errors carry ``{"status", "message"}``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import orjson

from pycolonies_fast.core.crypto import sign_bytes
from pycolonies_fast.errors import ColoniesError, ReplyError, ServerError

__all__ = ["build_request", "decode_entries", "decode_envelope", "decode_reply", "encode_payload", "server_error"]

_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS  # int keys become strings, as json.dumps does upstream
_NON_FINITE = "NaN and infinity cannot be sent: JSON has no such numbers"


def _json_default(value: Any) -> Any:
    """What orjson leaves to us: float subclasses (numpy's float64 among them), which json.dumps took."""
    if isinstance(value, float):
        return float(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def _holds_non_finite(value: Any) -> bool:
    """True if a NaN or an infinity sits anywhere in ``value`` (dicts, lists and tuples walked).

    Exact types are tested first (``type(x) is ...`` is cheaper than isinstance):
    the walk runs on every message whose JSON holds a ``null``, a function spec's among them.
    """
    pending = [value]
    pop = pending.pop
    extend = pending.extend
    while pending:
        item = pop()
        cls = type(item)
        if cls is str or cls is int or cls is bool or item is None:
            continue
        if cls is dict:
            extend(item.values())
        elif cls is list:
            extend(item)
        elif isinstance(item, float):
            if item - item != 0.0:  # NaN and ±inf; 0.0 for every finite float
                return True
        elif isinstance(item, dict):
            extend(item.values())
        elif isinstance(item, (list, tuple)):
            extend(item)
    return False


def _as_the_server_reads_it(value: Any) -> Any:
    """``value`` with what orjson refuses but json.dumps (upstream) sent and the server took:
    integers beyond 64 bits as floats (the server reads every JSON number as a float64) and
    strings with lone surrogates with U+FFFD in their place (the server's JSON decoder does that)."""
    cls = type(value)
    if isinstance(value, dict):
        return {_as_the_server_reads_it(k): _as_the_server_reads_it(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_the_server_reads_it(item) for item in value]
    if cls is int and not -(2**63) <= value < 2**64:
        try:
            return float(value)
        except OverflowError:
            return value  # beyond float64 too: the server could not read it either
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _deeply_nested_json(msg: dict[str, Any]) -> bytes:
    """JSON of a message nested deeper than orjson goes, by Python's json as upstream sent it (the
    server takes it); a circular one is a ValueError, NaN and infinity too."""
    try:
        text = json.dumps(msg, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default)
    except ValueError as exc:
        if "Circular" in str(exc):
            raise
        raise ValueError(_NON_FINITE) from exc
    return text.encode("utf-8", "surrogatepass")


def encode_payload(msg: dict[str, Any]) -> bytes:
    """Base64 of the message's JSON.

    Raises TypeError for values JSON cannot carry, and ValueError for NaN or infinity: orjson
    would write them as ``null`` and the value would be lost. Only a message whose JSON holds
    a ``null`` can hide one, so the others are never walked.
    """
    try:
        data = orjson.dumps(msg, default=_json_default, option=_JSON_OPTIONS)
    except orjson.JSONEncodeError as refused:
        if "Recursion limit" in str(refused):  # nested deeper than orjson goes (254), or circular
            return binascii.b2a_base64(_deeply_nested_json(msg), newline=False)
        try:  # the slow path, only for what orjson refuses: maybe what upstream sent
            data = orjson.dumps(_as_the_server_reads_it(msg), default=_json_default, option=_JSON_OPTIONS)
        except orjson.JSONEncodeError:
            raise refused from None
    if b"null" in data and _holds_non_finite(msg):
        raise ValueError(_NON_FINITE)
    return binascii.b2a_base64(data, newline=False)


def build_request(msg: dict[str, Any], prvkey: str) -> bytes:
    """The signed envelope for ``msg`` (which must carry its ``msgtype``), as JSON bytes."""
    payload = encode_payload(msg)
    return b"".join(
        (
            b'{"payloadtype":',
            orjson.dumps(msg["msgtype"]),
            b',"payload":"',
            payload,
            b'","signature":"',
            sign_bytes(payload, prvkey),
            b'"}',
        )
    )


def _snippet(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return text + ("..." if len(body) > 200 else "")


# A number token that may not fit in 64 bits: negative with 19 or more digits (below -2**63), or
# positive with 20 or more (above 2**64 - 1). orjson reads every other integer exactly, so the
# 19-digit nanosecond times of every process (prioritytime) keep the fast path.
_LONG_NUMBER = re.compile(rb"[:\[,]\s*(?:-\d{19}|\d{20})")
# The regex scans every byte in Python's engine; a payload with no run of 20 digits (nor a minus and
# 19 digits) cannot match it, and that is found in C: digits become "0", then two substring tests.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_TWENTY_DIGITS, _MINUS_NINETEEN_DIGITS = b"0" * 20, b"-" + b"0" * 19


def _load_payload(data: bytes) -> Any:
    """A reply payload as Python objects. orjson reads an integer beyond 64 bits as a float (and the
    models then refuse it); such payloads go through Python's json, which upstream used throughout."""
    digits = data.translate(_DIGITS_AS_ZERO)
    if (_TWENTY_DIGITS in digits or _MINUS_NINETEEN_DIGITS in digits) and _LONG_NUMBER.search(data):
        return json.loads(data)
    return orjson.loads(data)


def decode_envelope(body: bytes | str) -> tuple[str, bool, Any]:
    """Split a reply envelope into (payloadtype, error flag, decoded payload)."""
    try:
        reply = orjson.loads(body)
        payload = _load_payload(binascii.a2b_base64(reply["payload"]))
        return reply.get("payloadtype", ""), reply.get("error") is True, payload
    except (orjson.JSONDecodeError, binascii.Error, KeyError, TypeError, AttributeError, ValueError) as exc:
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "replace")
        raise ReplyError(f"malformed reply ({type(exc).__name__}: {exc}): {_snippet(raw)!r}") from exc


def server_error(payload: Any, status: int) -> ServerError:
    """The exception for an error payload ``{"status", "message"}`` (tolerating odd shapes)."""
    if isinstance(payload, dict):
        message = payload.get("message")
        status = payload.get("status", status)
    else:
        message = None
    if not isinstance(status, int):
        status = 0
    return ServerError(str(message) if message is not None else f"server error (status {status})", status)


def decode_reply(body: bytes, http_status: int) -> Any:
    """The decoded payload of an HTTP reply; raises ServerError, ReplyError or ColoniesError."""
    try:
        _, is_error, payload = decode_envelope(body)
    except ReplyError as exc:
        raise ReplyError(f"HTTP {http_status}: {exc}") from exc.__cause__
    if is_error:
        raise server_error(payload, http_status)
    if http_status != 200:
        # Upstream's branch for a non-error reply with a non-200 status; the server never sends one.
        message = payload.get("message") if isinstance(payload, dict) else None
        raise ColoniesError(message or f"unexpected HTTP status {http_status}")
    return payload


def decode_entries(entries: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Turn each entry's truthy `payload` into bytes (base64 str or int list), in place.

    Entries that are not a list of objects, and payloads that are neither a base64 string nor a
    list of byte values, raise ``ReplyError`` (the server sent something else than channel entries).
    """
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise ReplyError(f"malformed channel entries: expected a list, got {_shown(entries)}")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ReplyError(f"malformed channel entry {index}: expected an object, got {_shown(entry)}")
        payload = entry.get("payload")
        if not payload:
            continue
        try:
            if isinstance(payload, list):
                entry["payload"] = bytes(payload)
            elif isinstance(payload, str):
                entry["payload"] = base64.b64decode(payload)
            else:
                raise TypeError(f"expected a base64 string or a list of byte values, got {_shown(payload)}")
        except (TypeError, ValueError) as exc:  # binascii.Error is a ValueError; bytes() of a bad list
            raise ReplyError(f"malformed payload of channel entry {index}: {exc}") from exc
    return entries


def _shown(value: Any) -> str:
    """A value's type and the start of its repr, for a message."""
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"
