"""A slow, obviously-correct pure-Python model of the Colonies crypto, for cross-checks in tests only.

Affine secp256k1 arithmetic, RFC 6979 nonces with HMAC-SHA256 over (key, SHA3-256 digest), low-s,
signatures as hex(r || s || recid), ids as SHA3-256 of the uncompressed public key's hex text.
"""

from __future__ import annotations

import hashlib
import hmac

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (
    0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
    0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8,
)


def point_add(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        slope = 3 * a[0] * a[0] * pow(2 * a[1], -1, P) % P
    else:
        slope = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (slope * slope - a[0] - b[0]) % P
    return x, (slope * (a[0] - x) - a[1]) % P


def point_multiply(k: int, point: tuple[int, int] = G) -> tuple[int, int] | None:
    result = None
    while k:
        if k & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        k >>= 1
    return result


def public_key_hex(prvkey: str) -> str:
    x, y = point_multiply(int(prvkey, 16))
    return "04" + x.to_bytes(32, "big").hex() + y.to_bytes(32, "big").hex()


def key_id(prvkey: str) -> str:
    return hashlib.sha3_256(public_key_hex(prvkey).encode("ascii")).hexdigest()


def rfc6979_nonce(key: bytes, digest: bytes) -> int:
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + key + digest, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + key + digest, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 0 < candidate < N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def sign(message: bytes, prvkey: str) -> str:
    secret = int(prvkey, 16)
    digest = hashlib.sha3_256(message).digest()
    nonce = rfc6979_nonce(secret.to_bytes(32, "big"), digest)
    x, y = point_multiply(nonce)
    r = x % N
    s = pow(nonce, -1, N) * (int.from_bytes(digest, "big") + r * secret) % N
    recid = (y & 1) | (2 if x >= N else 0)
    if s > N // 2:
        s, recid = N - s, recid ^ 1
    return r.to_bytes(32, "big").hex() + s.to_bytes(32, "big").hex() + f"{recid:02x}"
