"""cffi build script for ``pycolonies_fast._crypto`` (API mode, out of line).

Used by setup.py through ``cffi_modules``; never shipped as importable code. The C sources
sit beside this file; libsecp256k1 is not linked here, its functions are handed to
``pfc_init`` at import time (see pycolonies_fast/crypto.py).
"""

import os
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))

CDEF = """
int pfc_init(const uintptr_t *functions, size_t count, const unsigned char *seed32);
int pfc_sha3_256_hex(const char *message, size_t message_len, char *out_hex64);
int pfc_sign(const char *message, size_t message_len, const char *key_hex, size_t key_len,
             char *out_hex130);
int pfc_id(const char *key_hex, size_t key_len, char *out_hex64);
int pfc_recover_id(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
                   char *out_hex64);
int pfc_verify(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
               const char *id_hex, size_t id_len);

#define PFC_OK ...
#define PFC_ERR_NOT_READY ...
#define PFC_ERR_KEY_LENGTH ...
#define PFC_ERR_KEY_HEX ...
#define PFC_ERR_KEY_RANGE ...
#define PFC_ERR_SIG_LENGTH ...
#define PFC_ERR_SIG_HEX ...
#define PFC_ERR_SIG_RECID ...
#define PFC_ERR_SIG_INVALID ...
#define PFC_ERR_SIG_HIGH_S ...
#define PFC_ERR_ID_LENGTH ...
#define PFC_ERR_ID_HEX ...
#define PFC_ERR_LIBRARY ...
#define PFC_FN_COUNT ...
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "pycolonies_fast._crypto",
    '#include "colonies_crypto.h"',
    sources=[os.path.relpath(os.path.join(HERE, name)) for name in ("sha3.c", "colonies_crypto.c")],
    include_dirs=[os.path.relpath(HERE)],
    extra_compile_args=[] if sys.platform == "win32" else ["-O3", "-funroll-loops"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
