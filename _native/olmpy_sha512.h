/* SHA-512 (FIPS 180-4) for olmpy's C core.
 *
 * Constant time by construction: the code has no branches or memory
 * indices that depend on the data hashed, only on lengths (and on the CPU's
 * features, checked once), so it may hash secrets (Ed25519 signing hashes
 * the secret prefix of the expanded key).  olmpy_sha512_final wipes the
 * context.
 *
 * The compression function is picked on first use: AVX2 (vectorised message
 * schedule, two blocks at a time) with BMI2, BMI2 alone, or portable C.
 * Setting the environment variable OLMPY_NO_AVX2 before the first use
 * forces the portable code.
 *
 * C only: cffi's cdef needs just olmpy_sha512 and olmpy_sha512_impl, declared
 * in ed25519_verify.h as well.
 */
#ifndef OLMPY_SHA512_H
#define OLMPY_SHA512_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t h[8];
    uint64_t total_lo, total_hi; /* bytes hashed so far, 128-bit */
    uint8_t buf[128];
    size_t used; /* bytes in buf, below 128 */
} olmpy_sha512_ctx;

void olmpy_sha512_init(olmpy_sha512_ctx *ctx);
/* data may be NULL when len is 0 */
void olmpy_sha512_update(olmpy_sha512_ctx *ctx, const uint8_t *data, size_t len);
/* Writes the digest and wipes ctx; init it again to reuse it. */
void olmpy_sha512_final(olmpy_sha512_ctx *ctx, uint8_t out[64]);
void olmpy_sha512(const uint8_t *data, size_t len, uint8_t out[64]);
/* The compression function in use: 0 portable, 1 BMI2, 2 AVX2 + BMI2. */
int olmpy_sha512_impl(void);

#endif
