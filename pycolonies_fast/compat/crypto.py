"""Upstream's ``crypto`` module surface: ``Crypto`` plus its module-level helpers.

``genkey``, ``sign`` and ``get_id`` run on the compiled core (byte-identical results, far
faster). The elliptic-curve helpers (``jacobian_add``, ``fast_multiply``, ...) are plain Python
written from the secp256k1 formulas, because upstream's tests assert their exact tuples, also for
points that are not on the curve. ``compat.install()`` makes ``import crypto`` load this module.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import os
from typing import Any, Callable, Tuple  # noqa: UP035 - upstream's spellings, re-exported

from pycolonies_fast.core.crypto import Crypto, generate_key, id_of
from pycolonies_fast.core.crypto import sign as _compiled_sign

# With the names upstream's module imported for itself, so that ``from crypto import *`` gives what it gave.
__all__ = [
    "Any",
    "Callable",
    "Tuple",
    "ctypes",
    "hashlib",
    "hmac",
    "os",
    "Crypto",
    "genkey",
    "sign",
    "get_id",
    "pad32",
    "int_to_byte",
    "int_to_big_endian",
    "big_endian_to_int",
    "encode_raw_public_key",
    "private_key_to_public_key",
    "deterministic_generate_k",
    "ecdsa_raw_sign",
    "fast_multiply",
    "from_jacobian",
    "to_jacobian",
    "inv",
    "jacobian_double",
    "jacobian_add",
    "jacobian_multiply",
    "A",
    "N",
    "Gx",
    "Gy",
    "G",
    "P",
]

Point = tuple[int, int]
JacobianPoint = tuple[int, int, int]

#: secp256k1: field prime P, curve y² = x³ + A·x + 7 with A = 0, group order N, generator G.
P = 2**256 - 2**32 - 977
A = 0
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
Gx = 55066263022277343669578718895168534326250603453777594175500187360389116729240
Gy = 32670510020758816978083085130507043184471273380659243275938904335757337482424
G = (Gx, Gy)


def genkey() -> str:
    """A new private key, 64 hex characters (always in [1, N-1], unlike upstream's unchecked hash)."""
    return generate_key()


def sign(msg: str, prv_hex: str) -> str:
    """Signature of ``msg`` (UTF-8) as 130 hex characters ``r || s || recid``."""
    return _compiled_sign(msg, prv_hex)


def get_id(prv_key: str) -> str:
    """The Colonies id of a private key (SHA3-256 of the uncompressed public key's hex text)."""
    return id_of(prv_key)


def pad32(value: bytes) -> bytes:
    """``value`` left-padded with zero bytes to 32 bytes."""
    return value.rjust(32, b"\x00")


def int_to_byte(value: int) -> bytes:
    """One byte holding ``value`` (0..255)."""
    return bytes([value])


def int_to_big_endian(value: int) -> bytes:
    """Minimal big-endian bytes of a non-negative int (at least one byte)."""
    return value.to_bytes(max((value.bit_length() + 7) // 8, 1), "big")


def big_endian_to_int(value: bytes) -> int:
    """The unsigned int of big-endian bytes."""
    return int.from_bytes(value, "big")


def encode_raw_public_key(raw_public_key: Point) -> bytes:
    """``X || Y`` of a point, 32 bytes each (no ``04`` prefix)."""
    x, y = raw_public_key
    return pad32(int_to_big_endian(x)) + pad32(int_to_big_endian(y))


def private_key_to_public_key(private_key_bytes: bytes) -> bytes:
    """The 64-byte ``X || Y`` public key of a private key; ``Exception("Invalid privkey")`` if >= N."""
    secret = big_endian_to_int(private_key_bytes)
    if secret >= N:
        raise Exception("Invalid privkey")
    return encode_raw_public_key(fast_multiply(G, secret))


def deterministic_generate_k(
    msg_hash: bytes, private_key_bytes: bytes, digest_fn: Callable[[], Any] = hashlib.sha256
) -> int:
    """The signing nonce: RFC 6979's HMAC-DRBG steps (two rounds, then one output block)."""
    v0, k0 = b"\x01" * 32, b"\x00" * 32
    k1 = hmac.new(k0, v0 + b"\x00" + private_key_bytes + msg_hash, digest_fn).digest()
    v1 = hmac.new(k1, v0, digest_fn).digest()
    k2 = hmac.new(k1, v1 + b"\x01" + private_key_bytes + msg_hash, digest_fn).digest()
    v2 = hmac.new(k2, v1, digest_fn).digest()
    return big_endian_to_int(hmac.new(k2, v2, digest_fn).digest())


def ecdsa_raw_sign(msg_hash: bytes, private_key_bytes: bytes) -> tuple[int, int, int]:
    """``(recid, r, s)`` of a low-s ECDSA signature over a 32-byte hash (slow: pure Python)."""
    z = big_endian_to_int(msg_hash)
    d = big_endian_to_int(private_key_bytes)
    k = deterministic_generate_k(msg_hash, private_key_bytes)
    r, y = fast_multiply(G, k)
    s = inv(k, N) * (z + r * d) % N
    high = 2 * s >= N
    recid = (y % 2) ^ int(high)
    return recid, r, N - s if high else s


def inv(a: int, n: int) -> int:
    """Inverse of ``a`` modulo ``n`` by the extended Euclidean algorithm; 0 for ``a == 0``."""
    if a == 0:
        return 0
    low, high = a % n, n
    lm, hm = 1, 0
    while low > 1:
        ratio = high // low
        low, high = high - low * ratio, low
        lm, hm = hm - lm * ratio, lm
    return lm % n


def to_jacobian(p: Point) -> JacobianPoint:
    """Affine ``(x, y)`` as Jacobian ``(x, y, 1)``."""
    return p[0], p[1], 1


def from_jacobian(p: JacobianPoint) -> Point:
    """Jacobian ``(X, Y, Z)`` as affine ``(X/Z², Y/Z³)`` mod P."""
    z = inv(p[2], P)
    return p[0] * z**2 % P, p[1] * z**3 % P


def jacobian_double(p: JacobianPoint) -> JacobianPoint:
    """2·p in Jacobian coordinates."""
    x, y, z = p
    if y == 0:
        return 0, 0, 0
    ysq = y**2 % P
    s = 4 * x * ysq % P
    m = (3 * x**2 + A * z**4) % P
    nx = (m**2 - 2 * s) % P
    ny = (m * (s - nx) - 8 * ysq**2) % P
    nz = 2 * y * z % P
    return nx, ny, nz


def jacobian_add(p: JacobianPoint, q: JacobianPoint) -> JacobianPoint:
    """p + q in Jacobian coordinates (doubling when they are the same point)."""
    if p[1] == 0:
        return q
    if q[1] == 0:
        return p
    u1 = p[0] * q[2] ** 2 % P
    u2 = q[0] * p[2] ** 2 % P
    s1 = p[1] * q[2] ** 3 % P
    s2 = q[1] * p[2] ** 3 % P
    if u1 == u2:
        return (0, 0, 1) if s1 != s2 else jacobian_double(p)
    h, r = u2 - u1, s2 - s1
    h2 = h * h % P
    h3 = h * h2 % P
    u1h2 = u1 * h2 % P
    nx = (r**2 - h3 - 2 * u1h2) % P
    ny = (r * (u1h2 - nx) - s1 * h3) % P
    nz = h * p[2] * q[2] % P
    return nx, ny, nz


def jacobian_multiply(a: JacobianPoint, n: int) -> JacobianPoint:
    """n·a in Jacobian coordinates by double-and-add (n taken mod N)."""
    if a[1] == 0 or n == 0:
        return 0, 0, 1
    if n == 1:
        return a
    if n < 0 or n >= N:
        return jacobian_multiply(a, n % N)
    half = jacobian_double(jacobian_multiply(a, n // 2))
    return half if n % 2 == 0 else jacobian_add(half, a)


def fast_multiply(a: Point, n: int) -> Point:
    """n·a for an affine point, returned affine."""
    return from_jacobian(jacobian_multiply(to_jacobian(a), n))
