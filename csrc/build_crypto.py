"""cffi build script for ``pycolonies_fast.core._crypto`` (API mode, out of line).

Used by setup.py through ``cffi_modules``; never shipped as importable code. The C sources
sit beside this file; libsecp256k1 is not linked here, its functions are handed to
``pfc_init`` at import time (see pycolonies_fast/core/crypto.py).
"""

import os
import re
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = os.path.join(HERE, "colonies_crypto.h")


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
ffibuilder.set_source(
    "pycolonies_fast.core._crypto",
    '#include "colonies_crypto.h"',
    sources=[os.path.relpath(os.path.join(HERE, name)) for name in ("sha3.c", "colonies_crypto.c")],
    include_dirs=[os.path.relpath(HERE)],
    extra_compile_args=[] if sys.platform == "win32" else ["-O3", "-funroll-loops"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
