"""Keys, ids and signatures for Colonies, through the compiled core ``pycolonies_fast.core._crypto``.

Every call is one C call (hash, sign and hex-encode at once). Results are byte-identical to the
Colonies server: SHA3-256 digests, recoverable secp256k1 ECDSA with RFC 6979 nonces and low s,
signatures as 130 lowercase hex characters ``r || s || recid``.

At import the core is checked twice, each failure an ImportError that names its fix: it must have
been built as this package version (a stale ``_crypto`` left by another install or an old in-place
build fails, instead of running code the Python side does not expect), and every libsecp256k1
function it calls must be found in coincurve (core/_secp256k1.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

from pycolonies_fast import core as _package
from pycolonies_fast.core._secp256k1 import load_function_table

try:
    from pycolonies_fast.core._crypto import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "pycolonies_fast's compiled crypto core (pycolonies_fast.core._crypto) is missing: "
        "install a wheel, or build from source with a C compiler (pip install .)"
    ) from exc


def core_build_version() -> str:
    """The package version the compiled core was built as (csrc/build_crypto.py writes it in)."""
    try:
        built = lib.PFC_BUILD_VERSION
    except AttributeError:  # a core from before the version was recorded
        return "an older version"
    return ffi.string(built).decode("ascii")


def _check_core_version() -> None:
    """Refuse a compiled core built for another version of the package: reinstalling fixes it."""
    built, package = core_build_version(), _package.__version__
    if built != package:
        raise ImportError(
            f"pycolonies_fast {package} found a compiled core (pycolonies_fast.core._crypto) built for {built}: "
            "reinstall it: pip install --force-reinstall --no-deps pycolonies-fast "
            "(in a source checkout: pip install -e . again)"
        )


# First, before anything else reads the core: one built for another version may lack what follows.
_check_core_version()

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


# Each call writes into a buffer of its own: a shared one (per thread) would hand a call the
# result of another that interrupted it on the same thread, as a signal handler that signs does.
# The buffers are not zeroed: the core writes every byte that is read back.
_new_buffer = ffi.new_allocator(should_clear_after_alloc=False)

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
    out = _new_buffer("char[130]")
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
    out = _new_buffer("char[130]")
    status = _pfc_sign(message, len(message), key, len(key), out)
    if status:
        _retry_without_whitespace(prvkey, status, lambda key: _pfc_sign(message, len(message), key, len(key), out))
    return _c_string(out, 130).decode()


def id_of(prvkey: str) -> str:
    """The Colonies id of a private key: SHA3-256 of its uncompressed public key's hex text."""
    key = _key_bytes(prvkey)
    out = _new_buffer("char[64]")
    status = _pfc_id(key, len(key), out)
    if status:
        _retry_without_whitespace(prvkey, status, lambda key: _pfc_id(key, len(key), out))
    return _c_string(out, 64).decode()


def recover_id(message: str | bytes, signature: str) -> str:
    """The id of whoever signed ``message``, recovered from the signature as the server does."""
    out = _new_buffer("char[64]")
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
    out = _new_buffer("char[64]")
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
