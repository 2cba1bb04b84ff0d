"""Where libsecp256k1 comes from: the copy compiled into coincurve's wheel.

coincurve (a PyPI dependency with wheels for every platform we ship) exports every
``secp256k1_*`` function from its cffi module; we pass their addresses to our C core so one
library serves both and nothing native has to be installed by hand.
"""

from __future__ import annotations

# Order must match enum pfc_secp256k1_function in csrc/colonies_crypto.h.
FUNCTIONS = (
    "secp256k1_context_create",
    "secp256k1_context_randomize",
    "secp256k1_ec_seckey_verify",
    "secp256k1_ec_pubkey_create",
    "secp256k1_ec_pubkey_serialize",
    "secp256k1_ecdsa_sign_recoverable",
    "secp256k1_ecdsa_recoverable_signature_serialize_compact",
    "secp256k1_ecdsa_recoverable_signature_parse_compact",
    "secp256k1_ecdsa_recoverable_signature_convert",
    "secp256k1_ecdsa_recover",
    "secp256k1_ecdsa_verify",
)


def load_function_table() -> list[int]:
    """The addresses of the libsecp256k1 functions the core calls, in the core's order."""
    try:
        from coincurve._libsecp256k1 import ffi, lib
    except ImportError as exc:
        raise ImportError(
            "pycolonies_fast needs the 'coincurve' package, whose wheel carries the libsecp256k1 "
            "it signs with: pip install 'coincurve>=20'"
        ) from exc
    table = []
    for name in FUNCTIONS:
        try:
            table.append(int(ffi.cast("uintptr_t", ffi.addressof(lib, name))))
        except AttributeError as exc:
            raise ImportError(
                f"the installed coincurve's libsecp256k1 lacks {name} (built without the recovery "
                "module?): pip install --upgrade 'coincurve>=20'"
            ) from exc
    return table
