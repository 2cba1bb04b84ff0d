/* The compiled crypto core of pycolonies_fast: one call per operation, byte-identical to the
 * Colonies server (SHA3-256 digests, recoverable secp256k1 ECDSA with RFC 6979 nonces, low-s,
 * r||s||recid signatures as lowercase hex, ids = SHA3-256 of the uncompressed public key's hex).
 *
 * The elliptic-curve work is done by libsecp256k1. We do not link it: pfc_init() receives the
 * addresses of the library's functions (taken from an already loaded copy, coincurve's) so the
 * process holds one libsecp256k1 and nothing native is installed by hand. */
#ifndef PFC_COLONIES_CRYPTO_H
#define PFC_COLONIES_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Result codes; every function returns PFC_OK or one of the negative errors. */
#define PFC_OK 0
#define PFC_ERR_NOT_READY (-1)       /* pfc_init has not succeeded */
#define PFC_ERR_KEY_LENGTH (-2)      /* private key is not 64 hex characters */
#define PFC_ERR_KEY_HEX (-3)         /* private key has a non-hex character */
#define PFC_ERR_KEY_RANGE (-4)       /* private key is 0 or >= the curve order n */
#define PFC_ERR_SIG_LENGTH (-5)      /* signature is not 130 hex characters */
#define PFC_ERR_SIG_HEX (-6)         /* signature has a non-hex character */
#define PFC_ERR_SIG_RECID (-7)       /* recovery id (last byte) is not 0..7 */
#define PFC_ERR_SIG_INVALID (-8)     /* r or s out of range, or no key can be recovered */
#define PFC_ERR_SIG_HIGH_S (-9)      /* s is above n/2: the server rejects it */
#define PFC_ERR_ID_LENGTH (-10)      /* id is not 64 hex characters */
#define PFC_ERR_ID_HEX (-11)         /* id has a non-hex character */
#define PFC_ERR_LIBRARY (-12)        /* libsecp256k1 failed where it must not */

/* The libsecp256k1 functions the core calls, in the order pfc_init expects their addresses. */
enum pfc_secp256k1_function {
    PFC_FN_CONTEXT_CREATE,
    PFC_FN_CONTEXT_RANDOMIZE,
    PFC_FN_EC_SECKEY_VERIFY,
    PFC_FN_EC_PUBKEY_CREATE,
    PFC_FN_EC_PUBKEY_SERIALIZE,
    PFC_FN_ECDSA_SIGN_RECOVERABLE,
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_SERIALIZE_COMPACT,
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_PARSE_COMPACT,
    PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_CONVERT,
    PFC_FN_ECDSA_RECOVER,
    PFC_FN_ECDSA_VERIFY,
    PFC_FN_COUNT
};

/* Take the library's function addresses and create the process-wide signing context,
 * randomised with the 32 bytes of `seed`. Safe to call again: later calls do nothing. */
int pfc_init(const uintptr_t *functions, size_t count, const unsigned char *seed32);

/* SHA3-256 of `message`, as 64 lowercase hex characters into `out_hex`. */
int pfc_sha3_256_hex(const char *message, size_t message_len, char *out_hex64);

/* Sign SHA3-256(`message`) with the hex private key; 130 lowercase hex characters into `out_hex`. */
int pfc_sign(const char *message, size_t message_len, const char *key_hex, size_t key_len,
             char *out_hex130);

/* The Colonies id of a hex private key: 64 lowercase hex characters into `out_hex`. */
int pfc_id(const char *key_hex, size_t key_len, char *out_hex64);

/* The id of whoever signed `message`, recovered from the hex signature as the server does
 * (low-s required); 64 lowercase hex characters into `out_hex`. */
int pfc_recover_id(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
                   char *out_hex64);

/* Check that `sig_hex` is a valid server-acceptable signature of `message` by the holder of `id_hex`:
 * 1 if it is; 0 if it is well formed but not one the server would accept from that id (another key,
 * another message, a high s, r or s out of range, r off the curve); < 0 on malformed input (length,
 * hex, recovery id, id). */
int pfc_verify(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
               const char *id_hex, size_t id_len);

#endif
