/* SHA3-256 (FIPS 202), written for pycolonies_fast: the hash the Colonies server uses for
 * message digests and for deriving ids from public keys. */
#ifndef PFC_SHA3_H
#define PFC_SHA3_H

#include <stddef.h>
#include <stdint.h>

#define PFC_SHA3_256_DIGEST_SIZE 32

/* Hash `len` bytes at `data` into the 32-byte `digest`. */
void pfc_sha3_256(const void *data, size_t len, unsigned char digest[PFC_SHA3_256_DIGEST_SIZE]);

#endif
