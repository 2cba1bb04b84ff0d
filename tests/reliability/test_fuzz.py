"""Fuzzing (hypothesis): the reply decoders only ever raise the SDK's typed errors, requests
round-trip, and the crypto entry points reject any bad input with ValueError/TypeError, never a crash.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycolonies_fast.core import crypto
from pycolonies_fast.core.codec import build_request, decode_envelope, decode_reply
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.core.pubsub import channel_batch
from pycolonies_fast.errors import ColoniesConnectionError, ColoniesError, ReplyError, ServerError

KEY = Crypto().prvkey()
KEY_ID = Crypto().id(KEY)
HEX64 = re.compile(r"[0-9a-f]{64}")
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=25,
)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def b64json(value: Any) -> str:
    return b64(orjson.dumps(value))


# Envelopes that are nearly right: each field missing, of the wrong type, or holding odd content.
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "payloadtype": json_values,
        "payload": st.one_of(json_values, json_values.map(b64json), st.binary().map(b64)),
        "error": json_values,
    },
).map(lambda d: orjson.dumps(d))

reply_bodies = st.one_of(st.binary(max_size=300), envelopes, st.text(max_size=300).map(str.encode))


@FUZZ
@given(body=reply_bodies, status=st.sampled_from([200, 201, 400, 403, 404, 500, 502, 999]))
def test_decode_reply_raises_only_typed_errors(body, status):
    try:
        decode_reply(body, status)
    except (ReplyError, ServerError, ColoniesError) as exc:
        assert str(exc)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"decode_reply raised {type(exc).__name__}: {exc!r} for {body!r}")


@FUZZ
@given(body=st.one_of(reply_bodies, st.text(max_size=300)))
def test_decode_envelope_raises_only_reply_errors(body):
    try:
        _, error, _ = decode_envelope(body)
    except ReplyError:
        return
    assert isinstance(error, bool)


@FUZZ
@given(body=reply_bodies)
def test_channel_frames_raise_only_typed_errors(body):
    """A websocket channel frame is server input as much as an HTTP reply is."""
    try:
        channel_batch(body)
    except (ColoniesConnectionError, ColoniesError):
        pass


@FUZZ
@given(msgtype=st.text(min_size=1), fields=st.dictionaries(st.text().filter(lambda k: k != "msgtype"), json_values))
def test_build_request_round_trips(msgtype, fields):
    msg = {"msgtype": msgtype, **fields}
    envelope = json.loads(build_request(msg, KEY))
    assert list(envelope) == ["payloadtype", "payload", "signature"]
    assert envelope["payloadtype"] == msgtype
    assert json.loads(base64.b64decode(envelope["payload"], validate=True)) == msg
    assert crypto.recover_id(envelope["payload"], envelope["signature"]) == KEY_ID


anything = st.one_of(
    st.text(), st.binary(), st.none(), st.integers(), st.floats(), st.lists(st.integers(max_value=255)))
hexish = st.text(alphabet="0123456789abcdefABCDEF", min_size=60, max_size=70)
keys = st.one_of(anything, hexish, hexish.map(lambda s: s[:64]), st.just("0" * 64), st.just("f" * 64))
signatures = st.one_of(anything, st.text(alphabet="0123456789abcdef", min_size=128, max_size=132))


def rejects_cleanly(fn: Any, *args: Any) -> Any:
    """Call ``fn``; ValueError/TypeError are acceptable, anything else fails the test."""
    try:
        return fn(*args)
    except (ValueError, TypeError):
        return None


@FUZZ
@given(message=anything, key=keys)
def test_sign_and_id_reject_bad_input_cleanly(message, key):
    signature = rejects_cleanly(crypto.sign, message, key)
    if signature is not None:
        assert re.fullmatch(r"[0-9a-f]{130}", signature)
        assert crypto.recover_id(message, signature) == crypto.id_of(key)
    ident = rejects_cleanly(crypto.id_of, key)
    assert ident is None or HEX64.fullmatch(ident)
    raw = rejects_cleanly(crypto.sign_bytes, message, key)
    assert raw is None or len(raw) == 130


@FUZZ
@given(message=anything, signature=signatures, ident=st.one_of(anything, st.text(alphabet="0123456789abcdef")))
def test_recover_and_verify_reject_bad_input_cleanly(message, signature, ident):
    recovered = rejects_cleanly(crypto.recover_id, message, signature)
    assert recovered is None or HEX64.fullmatch(recovered)
    verdict = rejects_cleanly(crypto.verify, message, signature, ident)
    assert verdict in (None, True, False)
    digest = rejects_cleanly(crypto.sha3_256_hex, message)
    assert digest is None or HEX64.fullmatch(digest)
