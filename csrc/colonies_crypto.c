/* The compiled crypto core of pycolonies_fast (see colonies_crypto.h for the contract). */
#include <string.h>

#include "colonies_crypto.h"
#include "sha3.h"

/* ---- The part of the libsecp256k1 API we use, declared from its public documentation. ---- */

typedef struct secp256k1_context_struct secp256k1_context;
typedef struct { unsigned char data[64]; } secp256k1_pubkey;
typedef struct { unsigned char data[64]; } secp256k1_ecdsa_signature;
typedef struct { unsigned char data[65]; } secp256k1_ecdsa_recoverable_signature;

#define SECP256K1_CONTEXT_SIGN_AND_VERIFY 0x301u /* accepted by every library version */
#define SECP256K1_EC_UNCOMPRESSED 0x2u

typedef secp256k1_context *(*context_create_fn)(unsigned int flags);
typedef int (*context_randomize_fn)(secp256k1_context *ctx, const unsigned char *seed32);
typedef int (*ec_seckey_verify_fn)(const secp256k1_context *ctx, const unsigned char *seckey);
typedef int (*ec_pubkey_create_fn)(const secp256k1_context *ctx, secp256k1_pubkey *pubkey,
                                   const unsigned char *seckey);
typedef int (*ec_pubkey_serialize_fn)(const secp256k1_context *ctx, unsigned char *output, size_t *outputlen,
                                      const secp256k1_pubkey *pubkey, unsigned int flags);
typedef int (*ecdsa_sign_recoverable_fn)(const secp256k1_context *ctx, secp256k1_ecdsa_recoverable_signature *sig,
                                         const unsigned char *msghash32, const unsigned char *seckey,
                                         const void *noncefp, const void *ndata);
typedef int (*recoverable_serialize_compact_fn)(const secp256k1_context *ctx, unsigned char *output64, int *recid,
                                                const secp256k1_ecdsa_recoverable_signature *sig);
typedef int (*recoverable_parse_compact_fn)(const secp256k1_context *ctx, secp256k1_ecdsa_recoverable_signature *sig,
                                            const unsigned char *input64, int recid);
typedef int (*recoverable_convert_fn)(const secp256k1_context *ctx, secp256k1_ecdsa_signature *sig,
                                      const secp256k1_ecdsa_recoverable_signature *sigin);
typedef int (*ecdsa_recover_fn)(const secp256k1_context *ctx, secp256k1_pubkey *pubkey,
                                const secp256k1_ecdsa_recoverable_signature *sig, const unsigned char *msghash32);
typedef int (*ecdsa_verify_fn)(const secp256k1_context *ctx, const secp256k1_ecdsa_signature *sig,
                               const unsigned char *msghash32, const secp256k1_pubkey *pubkey);

static struct {
    context_create_fn context_create;
    context_randomize_fn context_randomize;
    ec_seckey_verify_fn seckey_verify;
    ec_pubkey_create_fn pubkey_create;
    ec_pubkey_serialize_fn pubkey_serialize;
    ecdsa_sign_recoverable_fn sign_recoverable;
    recoverable_serialize_compact_fn serialize_compact;
    recoverable_parse_compact_fn parse_compact;
    recoverable_convert_fn convert;
    ecdsa_recover_fn recover;
    ecdsa_verify_fn verify;
} secp;

/* Created once by pfc_init, then only read: libsecp256k1 allows concurrent use of a const context. */
static secp256k1_context *context;

/* ---- hex helpers ---- */

static const char hex_digits[] = "0123456789abcdef";

static void to_hex(const unsigned char *bytes, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = hex_digits[bytes[i] & 0x0f];
    }
}

/* Value of each hex digit (either case), -1 for every other byte; filled by pfc_init. */
static signed char hex_values[256];

static void fill_hex_values(void)
{
    memset(hex_values, -1, sizeof hex_values);
    for (int digit = 0; digit < 16; digit++) {
        hex_values[(unsigned char)hex_digits[digit]] = (signed char)digit;
        hex_values[(unsigned char)"0123456789ABCDEF"[digit]] = (signed char)digit;
    }
}

/* Decode exactly 2*len hex characters (either case) into `out`; 0 on success, -1 on a bad character. */
static int from_hex(const char *hex, size_t len, unsigned char *out)
{
    for (size_t i = 0; i < len; i++) {
        int high = hex_values[(unsigned char)hex[2 * i]];
        int low = hex_values[(unsigned char)hex[2 * i + 1]];
        if (high < 0 || low < 0)
            return -1;
        out[i] = (unsigned char)(high << 4 | low);
    }
    return 0;
}

/* ---- building blocks ---- */

/* Zero a secret. Through a volatile pointer: a memset of a buffer never read again is a dead
 * store that optimising compilers remove, leaving the key on the stack. */
static void wipe(void *secret, size_t len)
{
    volatile unsigned char *byte = secret;
    while (len--)
        *byte++ = 0;
}

static int parse_key_hex(const char *key_hex, size_t key_len, unsigned char key[32])
{
    if (key_len != 64)
        return PFC_ERR_KEY_LENGTH;
    if (from_hex(key_hex, 32, key) != 0)
        return PFC_ERR_KEY_HEX;
    return PFC_OK;
}

/* id = SHA3-256 of the ASCII hex text of the 65-byte uncompressed public key. */
static int id_of_public_key(const secp256k1_pubkey *pubkey, unsigned char id[32])
{
    unsigned char serialized[65];
    size_t serialized_len = sizeof serialized;
    char serialized_hex[130];
    if (!secp.pubkey_serialize(context, serialized, &serialized_len, pubkey, SECP256K1_EC_UNCOMPRESSED) ||
        serialized_len != sizeof serialized)
        return PFC_ERR_LIBRARY;
    to_hex(serialized, sizeof serialized, serialized_hex);
    pfc_sha3_256((const unsigned char *)serialized_hex, sizeof serialized_hex, id);
    return PFC_OK;
}

/* The id of a public key as 64 lowercase hex characters. */
static int write_id_hex(const secp256k1_pubkey *pubkey, char *out_hex64)
{
    unsigned char id[32];
    int status = id_of_public_key(pubkey, id);
    if (status == PFC_OK)
        to_hex(id, sizeof id, out_hex64);
    return status;
}

/* Parse a 130-hex-character r||s||recid signature and recover the signer's public key from
 * SHA3-256(message), rejecting what the server rejects (bad recid, high s). */
static int recover_signer(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
                          secp256k1_pubkey *pubkey)
{
    unsigned char compact[65];
    unsigned char digest[32];
    secp256k1_ecdsa_recoverable_signature recoverable;
    secp256k1_ecdsa_signature plain;

    if (sig_len != 130)
        return PFC_ERR_SIG_LENGTH;
    if (from_hex(sig_hex, 65, compact) != 0)
        return PFC_ERR_SIG_HEX;
    /* The server adds 27 to the last byte and reads it as a Bitcoin compact header (27..34),
     * whose bit 2 only flags a compressed key: 4..7 recover the same key as 0..3. */
    if (compact[64] > 7)
        return PFC_ERR_SIG_RECID;
    if (!secp.parse_compact(context, &recoverable, compact, compact[64] & 3))
        return PFC_ERR_SIG_INVALID;
    pfc_sha3_256(message, message_len, digest);
    if (!secp.recover(context, pubkey, &recoverable, digest))
        return PFC_ERR_SIG_INVALID;
    /* The recovered key always verifies the signature unless s is in the upper half. */
    secp.convert(context, &plain, &recoverable);
    if (!secp.verify(context, &plain, digest, pubkey))
        return PFC_ERR_SIG_HIGH_S;
    return PFC_OK;
}

/* ---- the public calls ---- */

int pfc_init(const uintptr_t *functions, size_t count, const unsigned char *seed32)
{
    if (context != NULL)
        return PFC_OK;
    if (count != PFC_FN_COUNT)
        return PFC_ERR_LIBRARY;
    fill_hex_values();
    for (size_t i = 0; i < count; i++)
        if (functions[i] == 0)
            return PFC_ERR_LIBRARY;

    secp.context_create = (context_create_fn)functions[PFC_FN_CONTEXT_CREATE];
    secp.context_randomize = (context_randomize_fn)functions[PFC_FN_CONTEXT_RANDOMIZE];
    secp.seckey_verify = (ec_seckey_verify_fn)functions[PFC_FN_EC_SECKEY_VERIFY];
    secp.pubkey_create = (ec_pubkey_create_fn)functions[PFC_FN_EC_PUBKEY_CREATE];
    secp.pubkey_serialize = (ec_pubkey_serialize_fn)functions[PFC_FN_EC_PUBKEY_SERIALIZE];
    secp.sign_recoverable = (ecdsa_sign_recoverable_fn)functions[PFC_FN_ECDSA_SIGN_RECOVERABLE];
    secp.serialize_compact = (recoverable_serialize_compact_fn)functions[PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_SERIALIZE_COMPACT];
    secp.parse_compact = (recoverable_parse_compact_fn)functions[PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_PARSE_COMPACT];
    secp.convert = (recoverable_convert_fn)functions[PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_CONVERT];
    secp.recover = (ecdsa_recover_fn)functions[PFC_FN_ECDSA_RECOVER];
    secp.verify = (ecdsa_verify_fn)functions[PFC_FN_ECDSA_VERIFY];

    secp256k1_context *created = secp.context_create(SECP256K1_CONTEXT_SIGN_AND_VERIFY);
    if (created == NULL)
        return PFC_ERR_LIBRARY;
    /* Blinding against side channels; the result does not depend on the seed. */
    if (!secp.context_randomize(created, seed32))
        return PFC_ERR_LIBRARY;
    context = created;
    return PFC_OK;
}

int pfc_sha3_256_hex(const char *message, size_t message_len, char *out_hex64)
{
    unsigned char digest[32];
    pfc_sha3_256(message, message_len, digest);
    to_hex(digest, sizeof digest, out_hex64);
    return PFC_OK;
}

int pfc_sign(const char *message, size_t message_len, const char *key_hex, size_t key_len,
             char *out_hex130)
{
    unsigned char key[32];
    unsigned char digest[32];
    unsigned char compact[65];
    int recid = 0;
    secp256k1_ecdsa_recoverable_signature signature;

    if (context == NULL)
        return PFC_ERR_NOT_READY;
    int status = parse_key_hex(key_hex, key_len, key);
    if (status == PFC_OK) {
        pfc_sha3_256(message, message_len, digest);
        /* NULL nonce function = RFC 6979 with HMAC-SHA256, as the server and upstream use.
         * Signing checks the key's range itself; only on failure do we ask why. */
        if (!secp.sign_recoverable(context, &signature, digest, key, NULL, NULL))
            status = secp.seckey_verify(context, key) ? PFC_ERR_LIBRARY : PFC_ERR_KEY_RANGE;
        else if (!secp.serialize_compact(context, compact, &recid, &signature))
            status = PFC_ERR_LIBRARY;
    }
    wipe(key, sizeof key);
    if (status != PFC_OK)
        return status;
    compact[64] = (unsigned char)recid;
    to_hex(compact, sizeof compact, out_hex130);
    return PFC_OK;
}

int pfc_id(const char *key_hex, size_t key_len, char *out_hex64)
{
    unsigned char key[32];
    secp256k1_pubkey pubkey;

    if (context == NULL)
        return PFC_ERR_NOT_READY;
    int status = parse_key_hex(key_hex, key_len, key);
    /* Creating the public key checks the key's range itself; only on failure do we ask why. */
    if (status == PFC_OK && !secp.pubkey_create(context, &pubkey, key))
        status = secp.seckey_verify(context, key) ? PFC_ERR_LIBRARY : PFC_ERR_KEY_RANGE;
    wipe(key, sizeof key);
    if (status != PFC_OK)
        return status;
    return write_id_hex(&pubkey, out_hex64);
}

int pfc_recover_id(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
                   char *out_hex64)
{
    secp256k1_pubkey pubkey;

    if (context == NULL)
        return PFC_ERR_NOT_READY;
    int status = recover_signer(message, message_len, sig_hex, sig_len, &pubkey);
    if (status != PFC_OK)
        return status;
    return write_id_hex(&pubkey, out_hex64);
}

int pfc_verify(const char *message, size_t message_len, const char *sig_hex, size_t sig_len,
               const char *id_hex, size_t id_len)
{
    secp256k1_pubkey pubkey;
    unsigned char expected[32];
    unsigned char actual[32];

    if (context == NULL)
        return PFC_ERR_NOT_READY;
    if (id_len != 64)
        return PFC_ERR_ID_LENGTH;
    if (from_hex(id_hex, 32, expected) != 0)
        return PFC_ERR_ID_HEX;
    int status = recover_signer(message, message_len, sig_hex, sig_len, &pubkey);
    /* Well-formed but not valid (r or s out of range, r off the curve, high s): a plain "no",
     * so that verify answers the same way for every forged signature. */
    if (status == PFC_ERR_SIG_HIGH_S || status == PFC_ERR_SIG_INVALID)
        return 0;
    if (status == PFC_OK)
        status = id_of_public_key(&pubkey, actual);
    if (status != PFC_OK)
        return status;
    return memcmp(expected, actual, sizeof expected) == 0;
}
