"""Keys, ids and signatures for Colonies, through the compiled core ``pycolonies_fast.core._crypto``.

Every call is one C call (hash, sign and hex-encode at once). Results are byte-identical to the
Colonies server: SHA3-256 digests, recoverable secp256k1 ECDSA with RFC 6979 nonces and low s,
signatures as 130 lowercase hex characters ``r || s || recid``.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable

from pycolonies_fast.core._secp256k1 import load_function_table

try:
    from pycolonies_fast.core._crypto import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "pycolonies_fast's compiled crypto core (pycolonies_fast.core._crypto) is missing: "
        "install a wheel, or build from source with a C compiler (pip install .)"
    ) from exc

__all__ = ["Crypto", "BACKEND", "sign_bytes", "sign", "id_of", "recover_id", "verify", "sha3_256_hex", "generate_key"]

#: Name of the backend every call goes through (upstream's ``Crypto`` had "python" or "native").
BACKEND = "compiled"

#: The order n of the secp256k1 group: private keys are integers in [1, n-1].
CURVE_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

_ERRORS = {
    lib.PFC_ERR_NOT_READY: "the crypto core is not initialised",
    lib.PFC_ERR_KEY_LENGTH: "private key must be 64 hex characters",
    lib.PFC_ERR_KEY_HEX: "private key must contain only hex characters",
    lib.PFC_ERR_KEY_RANGE: "private key is out of range (must be between 1 and n-1 of secp256k1)",
    lib.PFC_ERR_SIG_LENGTH: "signature must be 130 hex characters",
    lib.PFC_ERR_SIG_HEX: "signature must contain only hex characters",
    lib.PFC_ERR_SIG_RECID: "signature recovery id (last byte) must be 00 to 07",
    lib.PFC_ERR_SIG_INVALID: "signature is invalid: no public key can be recovered from it",
    lib.PFC_ERR_SIG_HIGH_S: "signature has a high s value, which the server rejects",
    lib.PFC_ERR_ID_LENGTH: "id must be 64 hex characters",
    lib.PFC_ERR_ID_HEX: "id must contain only hex characters",
    lib.PFC_ERR_LIBRARY: "libsecp256k1 failed unexpectedly",
}


def _init_core() -> None:
    """Hand libsecp256k1's functions and a random blinding seed to the core, once per process."""
    table = load_function_table()
    status = lib.pfc_init(ffi.new("uintptr_t[]", table), len(table), os.urandom(32))
    if status != lib.PFC_OK:
        raise ImportError(f"pycolonies_fast could not initialise its crypto core: {_ERRORS.get(status, status)}")


_init_core()


class _Scratch(threading.local):
    """Per-thread output buffers, so the hot path allocates nothing but its result."""

    def __init__(self) -> None:
        self.signature = ffi.new("char[130]")
        self.digest = ffi.new("char[64]")


_scratch = _Scratch()

# Looked up once: attribute access on cffi's ``lib``/``ffi`` costs more than a signature's hashing.
_pfc_sign = lib.pfc_sign
_pfc_id = lib.pfc_id
_c_string = ffi.string


def _fail(status: int) -> ValueError:
    # Messages name the problem, never the key or signature itself.
    return ValueError(_ERRORS.get(status, f"crypto core error {status}"))


def _hex_text(value: str, what: str) -> bytes:
    """ASCII bytes of a hex argument; anything else is left for the core to reject by length or digit."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str of hex characters, not {type(value).__name__}")
    # "replace" keeps the text out of UnicodeEncodeError, whose args would carry the whole key;
    # str.encode itself, as a subclass's encode() could return bytes whose len() lies to the core.
    return str.encode(value, "utf-8", "replace")


_ASCII_WHITESPACE = str.maketrans("", "", " \t\n\r\x0b\x0c")


def _retry_without_whitespace(prvkey: str, status: int, call: Callable[[bytes], int]) -> None:
    """After a failed core call: ``call`` it again with the key stripped of ASCII whitespace, if
    that changes it; raise the error if it still fails.

    Upstream read keys with ``bytes.fromhex``, which skips whitespace, so a key read from a file
    with its newline signed correctly and the server accepted it; so do we (off the fast path).
    """
    if status in (lib.PFC_ERR_KEY_LENGTH, lib.PFC_ERR_KEY_HEX) and isinstance(prvkey, str):
        stripped = prvkey.translate(_ASCII_WHITESPACE)
        if stripped != prvkey:
            status = call(stripped.encode("utf-8", "replace"))
    if status:
        raise _fail(status)


def _message_bytes(message: str | bytes) -> bytes:
    """A message as plain bytes (str UTF-8 encoded, as upstream does). Subclasses are copied
    through their buffer: the core reads as many bytes as ``len()`` says, which a subclass can fake."""
    if type(message) is bytes:
        return message
    if isinstance(message, str):
        return str.encode(message, "utf-8")
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(memoryview(message))
    raise TypeError(f"message must be str or bytes, not {type(message).__name__}")


def _key_bytes(prvkey: str) -> bytes:
    """ASCII bytes of a private key: a plain str directly, anything else through ``_hex_text``."""
    if type(prvkey) is str:
        try:
            return prvkey.encode()
        except UnicodeEncodeError:
            pass
    return _hex_text(prvkey, "private key")


def sign_bytes(message: bytes, prvkey: str) -> bytes:
    """Sign SHA3-256(message); the signature as 130 lowercase hex ASCII bytes (the fast path for RPCs)."""
    key = _key_bytes(prvkey)
    if type(message) is not bytes:  # a buffer or str is converted, anything else gets a clear error
        message = _message_bytes(message)
    out = _scratch.signature
    status = _pfc_sign(message, len(message), key, len(key), out)
    if status:
        _retry_without_whitespace(prvkey, status, lambda key: _pfc_sign(message, len(message), key, len(key), out))
    return _c_string(out, 130)


def sign(data: str | bytes, prvkey: str) -> str:
    """Sign a message (str is UTF-8 encoded, as upstream does) with a hex private key."""
    if type(data) is str and type(prvkey) is str:  # the common case without helper calls: the hottest path
        try:
            message, key = data.encode(), prvkey.encode()
        except UnicodeEncodeError:
            message, key = _message_bytes(data), _hex_text(prvkey, "private key")
    else:
        message, key = _message_bytes(data), _hex_text(prvkey, "private key")
    out = _scratch.signature
    status = _pfc_sign(message, len(message), key, len(key), out)
    if status:
        _retry_without_whitespace(prvkey, status, lambda key: _pfc_sign(message, len(message), key, len(key), out))
    return _c_string(out, 130).decode()


def id_of(prvkey: str) -> str:
    """The Colonies id of a private key: SHA3-256 of its uncompressed public key's hex text."""
    key = _key_bytes(prvkey)
    out = _scratch.digest
    status = _pfc_id(key, len(key), out)
    if status:
        _retry_without_whitespace(prvkey, status, lambda key: _pfc_id(key, len(key), out))
    return _c_string(out, 64).decode()


def recover_id(message: str | bytes, signature: str) -> str:
    """The id of whoever signed ``message``, recovered from the signature as the server does."""
    out = _scratch.digest
    data = _message_bytes(message)
    sig = _hex_text(signature, "signature")
    status = lib.pfc_recover_id(data, len(data), sig, len(sig), out)
    if status:
        raise _fail(status)
    return ffi.string(out, 64).decode("ascii")


def verify(message: str | bytes, signature: str, id: str) -> bool:  # noqa: A002 - upstream naming
    """True if the server would accept ``signature`` over ``message`` as coming from ``id``.

    Any 130-hex-character signature with a recovery id of 0..7 gets an answer, False for every
    forged or invalid one; only one that is not a signature at all (length, hex, recovery id) or
    a malformed ``id`` raises ``ValueError``."""
    data = _message_bytes(message)
    sig = _hex_text(signature, "signature")
    ident = _hex_text(id, "id")
    status = lib.pfc_verify(data, len(data), sig, len(sig), ident, len(ident))
    if status < 0:
        raise _fail(status)
    return status == 1


def sha3_256_hex(message: str | bytes) -> str:
    """SHA3-256 (FIPS 202) of a message as 64 lowercase hex characters."""
    data = _message_bytes(message)
    out = _scratch.digest
    lib.pfc_sha3_256_hex(data, len(data), out)
    return ffi.string(out, 64).decode("ascii")


def generate_key() -> str:
    """A new private key from the OS CSPRNG, drawn again until it lies in [1, n-1]."""
    while True:
        candidate = secrets.token_bytes(32)
        if 0 < int.from_bytes(candidate, "big") < CURVE_ORDER:
            return candidate.hex()


class Crypto:
    """Upstream's ``Crypto`` surface (``prvkey``, ``id``, ``sign``), always on the compiled core.

    ``native`` is accepted for compatibility and changes nothing: there is no slow path to pick.
    The methods are the module functions themselves, so a call costs no extra Python frame
    (except ``id``, which keeps upstream's parameter name for ``id(id=key)`` callers).
    """

    def __init__(self, native: bool = False) -> None:
        self.native = native

    def __repr__(self) -> str:
        return f"Crypto(backend={BACKEND!r})"

    #: Which implementation does the work: always ``"compiled"``.
    backend = BACKEND

    prvkey = staticmethod(generate_key)

    def id(self, id: str) -> str:  # noqa: A002 - upstream's parameter name
        """The Colonies id of private key ``id``."""
        return id_of(id)

    sign = staticmethod(sign)
    recover_id = staticmethod(recover_id)
    verify = staticmethod(verify)
    hash = staticmethod(sha3_256_hex)
