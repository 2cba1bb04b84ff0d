"""cffi build script for ``pycolonies_fast.core._crypto`` (API mode, out of line).

Used by setup.py through ``cffi_modules``; never shipped as importable code. The C sources
sit beside this file; libsecp256k1 is not linked here, its functions are handed to
``pfc_init`` at import time (see pycolonies_fast/core/crypto.py).

The module is built against CPython's limited API (``py_limited_api``), so one ``cp310-abi3``
wheel serves CPython 3.10 and every newer version (setup.py tags the wheel). It also carries the
package version it was built from, ``PFC_BUILD_VERSION``, which core/crypto.py compares with
``pycolonies_fast.core.__version__`` at import: a core left over from another version fails loudly.
"""

import ast
import os
import re
import sys
import sysconfig

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = os.path.join(HERE, "colonies_crypto.h")
PACKAGE_INIT = os.path.join(HERE, os.pardir, "pycolonies_fast", "core", "__init__.py")


def limited_api_available() -> bool:
    """Whether this interpreter can build for the stable ABI: CPython, not a debug build (whose
    abi3 suffix CPython ignores), not free-threaded (no stable ABI before 3.15). setup.py asks the
    same question before tagging the wheel abi3."""
    return (
        sys.implementation.name == "cpython"
        and not hasattr(sys, "gettotalrefcount")
        and not sysconfig.get_config_var("Py_GIL_DISABLED")
    )


def package_version(path: str = PACKAGE_INIT) -> str:
    """``__version__`` of pycolonies_fast/core/__init__.py (the one place the version is written; pyproject
    reads it too), read without importing the package, which needs this very module."""
    with open(path, encoding="utf-8") as init:
        tree = ast.parse(init.read(), path)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise RuntimeError(f"no __version__ = '...' string in {path}")


VERSION = package_version()
if not re.fullmatch(r"[0-9A-Za-z.+!_-]+", VERSION):  # it becomes a C string literal below
    raise RuntimeError(f"unexpected characters in the package version {VERSION!r}")


def cdef_from_header(path: str) -> str:
    """The header's declarations as cffi's cdef takes them, so the API is written down once.

    cdef has no preprocessor: the include guard and includes go, and each ``#define`` keeps its
    name with ``...`` as value, which tells cffi to ask the compiler for it.
    """
    with open(path, encoding="utf-8") as header:
        text = header.read()
    text = re.sub(r"^\s*#\s*(ifndef|endif|include)\b.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*#\s*define\s+PFC_COLONIES_CRYPTO_H\s*$", "", text, flags=re.MULTILINE)
    return re.sub(r"^(\s*#\s*define\s+\w+)\s.*$", r"\1 ...", text, flags=re.MULTILINE)


ffibuilder = FFI()
ffibuilder.cdef(cdef_from_header(HEADER))
# The version the core was built as: a string constant of the module, not of the C core.
ffibuilder.cdef("static const char *const PFC_BUILD_VERSION;")
ffibuilder.set_source(
    "pycolonies_fast.core._crypto",
    f'#include "colonies_crypto.h"\nstatic const char *const PFC_BUILD_VERSION = "{VERSION}";',
    sources=[os.path.relpath(os.path.join(HERE, name)) for name in ("sha3.c", "colonies_crypto.c")],
    include_dirs=[os.path.relpath(HERE)],
    extra_compile_args=[] if sys.platform == "win32" else ["-O3", "-funroll-loops"],
    # The stable ABI (an abi3 module, usable by every CPython >= 3.10). cffi defines Py_LIMITED_API
    # for its wrapper itself; False on interpreters without a stable ABI makes it a regular module.
    py_limited_api=limited_api_available(),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
