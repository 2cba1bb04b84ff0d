"""Types of the compiled crypto core: the cffi extension module built by csrc/build_crypto.py.

mypy checks core/crypto.py against this file, not against the module: keep it in step with
csrc/colonies_crypto.h and the cdef of csrc/build_crypto.py. ``lib`` holds the header's C functions
and result codes and the constants the build adds; ``ffi`` is cffi's compiled FFI object, described
as far as core/crypto.py uses it. A ``const char *`` argument takes ``bytes`` (cffi passes a
pointer to its buffer), an output buffer a ``char[n]`` from ``ffi.new``. Every function returns
``PFC_OK`` (0) or a negative ``PFC_ERR_*``; ``pfc_verify`` also returns 1 for a good signature and
0 for a bad one.
"""

from collections.abc import Callable
from typing import Any, final

@final
class _CData:
    """A C value owned by cffi: an array made by ``ffi.new``, or a pointer or integer of ``ffi.cast``."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Any: ...
    def __setitem__(self, index: int, value: Any) -> None: ...

@final
class _FFI:
    """cffi's ``FFI`` of the compiled module (``_cffi_backend.FFI``), as far as it is used here."""

    def new(self, cdecl: str, init: Any = ...) -> _CData:
        """A new C array or struct, e.g. ``new("char[64]")``, ``new("uintptr_t[]", [...])``; freed with it."""
    def string(self, cdata: _CData, maxlen: int = ...) -> bytes:
        """The bytes of a ``char`` array: up to the first NUL, or ``maxlen`` bytes."""
    def new_allocator(
        self, alloc: Any = ..., free: Any = ..., should_clear_after_alloc: bool = ...
    ) -> Callable[[str], _CData]:
        """A ``new`` that, with ``should_clear_after_alloc=False``, does not zero what it allocates."""
    def cast(self, cdecl: str, value: Any) -> _CData: ...
    def addressof(self, cdata: Any, *fields_or_indexes: str | int) -> _CData: ...
    def sizeof(self, cdecl: str | _CData) -> int: ...

@final
class _Lib:
    """The C functions and ``#define``\\ s of csrc/colonies_crypto.h."""

    PFC_OK: int
    PFC_ERR_NOT_READY: int
    PFC_ERR_KEY_LENGTH: int
    PFC_ERR_KEY_HEX: int
    PFC_ERR_KEY_RANGE: int
    PFC_ERR_SIG_LENGTH: int
    PFC_ERR_SIG_HEX: int
    PFC_ERR_SIG_RECID: int
    PFC_ERR_SIG_INVALID: int
    PFC_ERR_SIG_HIGH_S: int
    PFC_ERR_ID_LENGTH: int
    PFC_ERR_ID_HEX: int
    PFC_ERR_LIBRARY: int

    # enum pfc_secp256k1_function: the order of the addresses pfc_init takes.
    PFC_FN_CONTEXT_CREATE: int
    PFC_FN_CONTEXT_RANDOMIZE: int
    PFC_FN_EC_SECKEY_VERIFY: int
    PFC_FN_EC_PUBKEY_CREATE: int
    PFC_FN_EC_PUBKEY_SERIALIZE: int
    PFC_FN_ECDSA_SIGN_RECOVERABLE: int
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_SERIALIZE_COMPACT: int
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_PARSE_COMPACT: int
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_CONVERT: int
    PFC_FN_ECDSA_RECOVER: int
    PFC_FN_ECDSA_VERIFY: int
    PFC_FN_COUNT: int

    # static const char *const PFC_BUILD_VERSION (csrc/build_crypto.py): the package version the
    # core was built as; ffi.string() of it gives the bytes. Absent from cores built before it.
    PFC_BUILD_VERSION: _CData

    # int pfc_init(const uintptr_t *functions, size_t count, const unsigned char *seed32);
    def pfc_init(self, functions: _CData, count: int, seed32: bytes, /) -> int: ...
    # int pfc_sha3_256_hex(const char *message, size_t message_len, char *out_hex64);
    def pfc_sha3_256_hex(self, message: bytes, message_len: int, out_hex64: _CData, /) -> int: ...
    # int pfc_sign(const char *message, size_t message_len, const char *key_hex, size_t key_len, char *out_hex130);
    def pfc_sign(
        self, message: bytes, message_len: int, key_hex: bytes, key_len: int, out_hex130: _CData, /
    ) -> int: ...
    # int pfc_id(const char *key_hex, size_t key_len, char *out_hex64);
    def pfc_id(self, key_hex: bytes, key_len: int, out_hex64: _CData, /) -> int: ...
    # int pfc_recover_id(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
    #                    char *out_hex64);
    def pfc_recover_id(
        self, message: bytes, message_len: int, sig_hex: bytes, sig_len: int, out_hex64: _CData, /
    ) -> int: ...
    # int pfc_verify(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
    #                const char *id_hex, size_t id_len);
    def pfc_verify(
        self, message: bytes, message_len: int, sig_hex: bytes, sig_len: int, id_hex: bytes, id_len: int, /
    ) -> int: ...

ffi: _FFI
lib: _Lib
