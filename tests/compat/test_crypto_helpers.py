"""The module-level helpers of upstream's `crypto` (compat_crypto) agree with the compiled core."""

from __future__ import annotations

import hashlib

import pytest

from pycolonies_fast.compat import crypto as c
from pycolonies_fast.core.crypto import Crypto, id_of

KEY = "d6eb959e9aec2e6fdc44b5862b269e987b8a4d6f2baca542d8acaa97ee5e74f6"


def test_constants_describe_secp256k1():
    assert c.A == 0 and c.G == (c.Gx, c.Gy)
    assert (c.Gy**2 - c.Gx**3 - 7) % c.P == 0  # G is on y² = x³ + 7
    assert c.fast_multiply(c.G, c.N) == (0, 0)  # N·G is the point at infinity


def test_pure_python_signature_equals_the_compiled_one():
    message = "hello, pure python"
    recid, r, s = c.ecdsa_raw_sign(hashlib.sha3_256(message.encode()).digest(), bytes.fromhex(KEY))
    manual = (c.pad32(c.int_to_big_endian(r)) + c.pad32(c.int_to_big_endian(s)) + c.int_to_byte(recid)).hex()
    assert manual == c.sign(message, KEY) == Crypto().sign(message, KEY)
    assert 2 * s < c.N  # low s, as the server requires


def test_public_key_and_id_from_the_formulas():
    public = c.private_key_to_public_key(bytes.fromhex(KEY))
    assert len(public) == 64
    assert hashlib.sha3_256(("04" + public.hex()).encode()).hexdigest() == c.get_id(KEY) == id_of(KEY)


def test_private_key_out_of_range():
    with pytest.raises(Exception, match="Invalid privkey"):
        c.private_key_to_public_key(c.N.to_bytes(32, "big"))


def test_byte_helpers():
    assert c.pad32(b"\x01") == b"\x00" * 31 + b"\x01"
    assert c.int_to_big_endian(0) == b"\x00" and c.int_to_big_endian(256) == b"\x01\x00"
    assert c.big_endian_to_int(b"\x01\x00") == 256
    assert c.encode_raw_public_key((1, 2)) == c.pad32(b"\x01") + c.pad32(b"\x02")
    assert c.inv(0, c.P) == 0 and c.inv(3, c.P) * 3 % c.P == 1
    assert c.to_jacobian((5, 6)) == (5, 6, 1) and c.from_jacobian((5, 6, 1)) == (5, 6)


def test_genkey_is_a_valid_key():
    key = c.genkey()
    assert len(key) == 64 and 0 < int(key, 16) < c.N and len(c.get_id(key)) == 64


def test_nonce_is_deterministic_hmac_sha256():
    digest = hashlib.sha3_256(b"x").digest()
    k = c.deterministic_generate_k(digest, bytes.fromhex(KEY))
    assert k == c.deterministic_generate_k(digest, bytes.fromhex(KEY)) and 0 < k < 2**256
    assert k != c.deterministic_generate_k(digest, bytes.fromhex(KEY), hashlib.sha512)
