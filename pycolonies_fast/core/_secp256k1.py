"""Where libsecp256k1 comes from: the copy compiled into coincurve's wheel.

coincurve (a PyPI dependency with wheels for every platform we ship) exports every
``secp256k1_*`` function from its cffi module; we pass their addresses to our C core so one
library serves both and nothing native has to be installed by hand.

That module, ``coincurve._libsecp256k1``, is private to coincurve: a release may rename it or drop
a function. So the dependency is bounded to the versions tested (``COINCURVE_REQUIREMENT``, the
same range as in pyproject.toml; .github/workflows/newest-deps.yml tries the newest release every
week), and at import every function is looked up before any is used: if one is missing, the
import fails with one line that names the coincurve found and the command that fixes it.
"""

from __future__ import annotations

#: The coincurve releases whose private cffi module we know; keep equal to pyproject.toml's bound.
COINCURVE_REQUIREMENT = ">=20,<22"

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


def coincurve_version() -> str:
    """The installed coincurve's version, for the error message; "not installed" if it is not."""
    from importlib.metadata import PackageNotFoundError, version  # only on the failure path: it is slow to import

    try:
        return version("coincurve")
    except PackageNotFoundError:
        return "not installed"


def unusable_coincurve(problem: str) -> ImportError:
    """The one-line ImportError for a coincurve we cannot take libsecp256k1 from."""
    requirement = f"coincurve{COINCURVE_REQUIREMENT}"
    found = coincurve_version()
    found = "coincurve is not installed" if found == "not installed" else f"found {found}: {' '.join(problem.split())}"
    return ImportError(f"pycolonies_fast needs {requirement} ({found}): pip install '{requirement}'")


def load_function_table() -> list[int]:
    """The addresses of the libsecp256k1 functions the core calls, in the core's order.

    Raises ImportError naming the fix if coincurve is missing, or its private cffi module is not
    where it was, or lacks any of ``FUNCTIONS``.
    """
    try:
        from coincurve._libsecp256k1 import ffi, lib
    except ImportError as exc:
        raise unusable_coincurve(f"no coincurve._libsecp256k1 with ffi and lib: {exc}") from exc
    table = []
    missing = []
    for name in FUNCTIONS:
        try:
            table.append(int(ffi.cast("uintptr_t", ffi.addressof(lib, name))))
        except (AttributeError, TypeError, KeyError):  # cffi raises AttributeError for an unknown name
            missing.append(name)
    if missing:
        raise unusable_coincurve(f"its libsecp256k1 lacks {', '.join(missing)}")
    return table
