/* Does the core leave a private key's bytes on the stack after pfc_sign / pfc_id?
 * Built by test_key_wipe.py with the core's own optimisation flags; libsecp256k1 is replaced by
 * stubs (only the core's own buffers matter here). Prints one count per call: stack hits of the key. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "colonies_crypto.h"

static int fake_context;

static void *stub_context_create(unsigned int flags) { (void)flags; return &fake_context; }
static int stub_ok(void) { return 1; }
static int stub_serialize(void *ctx, unsigned char *out64, int *recid, const void *sig)
{
    (void)ctx;
    (void)sig;
    memset(out64, 0x11, 64);
    *recid = 0;
    return 1;
}

/* Counts the key's first 8 bytes in the stack area the previous call has just used. */
__attribute__((noinline)) static int key_bytes_left_on_stack(const unsigned char *key_start)
{
    volatile unsigned char area[4096];
    int hits = 0;
    for (size_t at = 0; at + 8 <= sizeof area; at++) {
        size_t same = 0;
        while (same < 8 && area[at + same] == key_start[same])
            same++;
        hits += same == 8;
    }
    return hits;
}

int main(void)
{
    uintptr_t functions[PFC_FN_COUNT];
    for (int i = 0; i < PFC_FN_COUNT; i++)
        functions[i] = (uintptr_t)stub_ok;
    functions[PFC_FN_CONTEXT_CREATE] = (uintptr_t)stub_context_create;
    functions[PFC_FN_ECDSA_RECOVERABLE_SIGNATURE_SERIALIZE_COMPACT] = (uintptr_t)stub_serialize;
    unsigned char seed[32] = {0};
    if (pfc_init(functions, PFC_FN_COUNT, seed) != PFC_OK)
        return 2;

    const char *key_hex = "5c0a1f2e9d8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a098f7e";
    const unsigned char key_start[8] = {0x5c, 0x0a, 0x1f, 0x2e, 0x9d, 0x8b, 0x7a, 0x6f};
    char out[131];
    int status = pfc_sign("message", 7, key_hex, 64, out);
    printf("sign %d %d\n", status, key_bytes_left_on_stack(key_start));
    status = pfc_id(key_hex, 64, out);
    printf("id %d %d\n", status, key_bytes_left_on_stack(key_start));
    return 0;
}
