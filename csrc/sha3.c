/* SHA3-256 over the Keccak-f[1600] permutation, as specified in FIPS 202.
 *
 * The state is 25 lanes of 64 bits. SHA3-256 absorbs the message in blocks of
 * 136 bytes (the rate), pads with the SHA3 domain bits 0x06 ... 0x80, and
 * squeezes the first 32 bytes of the state. Byte order is little-endian per
 * lane; loads and stores are written byte by byte so the code is portable and
 * compilers turn them into plain loads on little-endian machines. */
#include <string.h>

#include "sha3.h"

#define SHA3_256_RATE 136
#define KECCAK_ROUNDS 24

static const uint64_t round_constants[KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets of the rho step for lane x + 5*y. */
static const unsigned rho_offsets[25] = {
    0, 1, 62, 28, 27,
    36, 44, 6, 55, 20,
    3, 10, 43, 25, 39,
    41, 45, 15, 21, 8,
    18, 2, 61, 56, 14,
};

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> ((64 - n) & 63));
}

/* Every loop below has constant bounds and constant tables, so the compiler unrolls the
 * round completely and all indices and rotation amounts become constants. */
static void keccak_f1600(uint64_t state[25])
{
    uint64_t column[5], moved[25];
    for (int round = 0; round < KECCAK_ROUNDS; round++) {
        /* theta: xor each lane with the parities of two neighbouring columns */
        for (int x = 0; x < 5; x++)
            column[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
        /* theta applied, then rho (rotate each lane) and pi (lane (x, y) moves to (y, 2x + 3y)) */
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) {
                uint64_t d = column[(x + 4) % 5] ^ rotl64(column[(x + 1) % 5], 1);
                moved[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(state[x + 5 * y] ^ d, rho_offsets[x + 5 * y]);
            }
        /* chi: the only non-linear step, row by row */
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++)
                state[y + x] = moved[y + x] ^ (~moved[y + (x + 1) % 5] & moved[y + (x + 2) % 5]);
        /* iota */
        state[0] ^= round_constants[round];
    }
}

static inline uint64_t load_le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static void absorb_block(uint64_t state[25], const unsigned char *block)
{
    for (int i = 0; i < SHA3_256_RATE / 8; i++)
        state[i] ^= load_le64(block + 8 * i);
    keccak_f1600(state);
}

void pfc_sha3_256(const void *data, size_t len, unsigned char digest[PFC_SHA3_256_DIGEST_SIZE])
{
    const unsigned char *bytes = data;
    uint64_t state[25] = {0};
    while (len >= SHA3_256_RATE) {
        absorb_block(state, bytes);
        bytes += SHA3_256_RATE;
        len -= SHA3_256_RATE;
    }
    /* last, partial block with the SHA3 padding 0x06 ... 0x80 */
    unsigned char last[SHA3_256_RATE] = {0};
    if (len)
        memcpy(last, bytes, len);
    last[len] ^= 0x06;
    last[SHA3_256_RATE - 1] ^= 0x80;
    absorb_block(state, last);

    for (int i = 0; i < PFC_SHA3_256_DIGEST_SIZE; i++)
        digest[i] = (unsigned char)(state[i / 8] >> (8 * (i % 8)));
}
