"""The compiled core agrees with the pure-Python reference for arbitrary keys and messages."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from pycolonies_fast import Crypto
from pycolonies_fast.core.crypto import CURVE_ORDER

from . import reference

keys = st.integers(min_value=1, max_value=CURVE_ORDER - 1).map(lambda d: f"{d:064x}")
messages = st.one_of(
    st.text(),  # any unicode, including NUL, astral characters and the empty string
    st.text(alphabet=st.characters(codec="utf-8"), min_size=100, max_size=3000),
    st.binary(max_size=1000),
)


@settings(max_examples=150, deadline=None)
@given(key=keys, message=messages)
def test_signatures_match_the_reference(key, message):
    data = message.encode("utf-8") if isinstance(message, str) else message
    signature = Crypto().sign(message, key)
    assert signature == reference.sign(data, key)
    assert Crypto().recover_id(message, signature) == reference.key_id(key)


@settings(max_examples=60, deadline=None)
@given(key=keys)
def test_ids_match_the_reference(key):
    assert Crypto().id(key) == reference.key_id(key)


@settings(max_examples=200, deadline=None)
@given(message=st.binary(max_size=2000))
def test_sha3_matches_hashlib(message):
    assert Crypto().hash(message) == hashlib.sha3_256(message).hexdigest()


def test_edge_messages_match_the_reference():
    key = Crypto().prvkey()
    for message in ["", "\x00", "a\x00b", "é€😀", "x" * 135, "x" * 136, "x" * 137, "y" * 1_000_000]:
        data = message.encode("utf-8")
        assert Crypto().sign(message, key) == reference.sign(data, key), len(message)
        assert Crypto().hash(message) == hashlib.sha3_256(data).hexdigest()


def test_one_megabyte_of_random_bytes():
    key = Crypto().prvkey()
    data = hashlib.shake_256(b"seed").digest(1 << 20)
    assert Crypto().sign(data, key) == reference.sign(data, key)
