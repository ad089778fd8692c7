/* SHA-256 compression with the x86 SHA extensions, as inline pieces shared by
 * sha256.c (plain hashing) and attachment.c (hashing fused with AES-CTR).
 *
 * The state lives in two registers in the order SHA256RNDS2 takes: st0 holds
 * (a, b, e, f) and st1 (c, d, g, h), each in the instruction's lane order.
 * shani_load and shani_store convert from and to the h[8] words of FIPS 180-4.
 * shani_block runs the 64 rounds on one 64-byte block given as four 16-byte
 * vectors in memory order (not yet byte-swapped), so a caller can hash data it
 * holds in registers.  No table is indexed by data and nothing branches on it.
 *
 * OLMPY_SHANI_EMULATE (the constant-time check's build only, tests/test_ct_core.py):
 * valgrind does not run the SHA extensions, so that build replaces the three
 * instructions with C that follows their definitions in Intel's manual, and
 * olmpy_has_shani answers yes; the code around them is then the shipped code.
 */
#ifndef OLMPY_SHA256_SHANI_H
#define OLMPY_SHA256_SHANI_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define OLMPY_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

extern const uint32_t olmpy_sha256_k[64];

#ifdef OLMPY_SHANI_EMULATE
#define EMU_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static inline __m128i emu_sha256rnds2(__m128i cdgh, __m128i abef, __m128i wk)
{
    uint32_t s1[4], s2[4], k[4];
    _mm_storeu_si128((__m128i *)s1, cdgh);
    _mm_storeu_si128((__m128i *)s2, abef);
    _mm_storeu_si128((__m128i *)k, wk);
    uint32_t a = s2[3], b = s2[2], c = s1[3], d = s1[2];
    uint32_t e = s2[1], f = s2[0], g = s1[1], h = s1[0];
    for (int i = 0; i < 2; i++) {
        uint32_t t = ((e & f) ^ (~e & g)) + (EMU_ROR(e, 6) ^ EMU_ROR(e, 11) ^ EMU_ROR(e, 25)) +
                     k[i] + h;
        uint32_t na = t + ((a & b) ^ (a & c) ^ (b & c)) +
                      (EMU_ROR(a, 2) ^ EMU_ROR(a, 13) ^ EMU_ROR(a, 22));
        uint32_t ne = t + d;
        h = g; g = f; f = e; e = ne;
        d = c; c = b; b = a; a = na;
    }
    return _mm_set_epi32((int)a, (int)b, (int)e, (int)f);
}

static inline __m128i emu_sha256msg1(__m128i x, __m128i y)
{
    uint32_t w[4], v[4], r[4];
    _mm_storeu_si128((__m128i *)w, x);
    _mm_storeu_si128((__m128i *)v, y);
    uint32_t next[4] = {w[1], w[2], w[3], v[0]};
    for (int i = 0; i < 4; i++)
        r[i] = w[i] + (EMU_ROR(next[i], 7) ^ EMU_ROR(next[i], 18) ^ (next[i] >> 3));
    return _mm_loadu_si128((const __m128i *)r);
}

static inline __m128i emu_sha256msg2(__m128i x, __m128i y)
{
    uint32_t w[4], v[4], r[4];
    _mm_storeu_si128((__m128i *)w, x);
    _mm_storeu_si128((__m128i *)v, y);
#define EMU_S1(z) (EMU_ROR(z, 17) ^ EMU_ROR(z, 19) ^ ((z) >> 10))
    r[0] = w[0] + EMU_S1(v[2]);
    r[1] = w[1] + EMU_S1(v[3]);
    r[2] = w[2] + EMU_S1(r[0]);
    r[3] = w[3] + EMU_S1(r[1]);
#undef EMU_S1
    return _mm_loadu_si128((const __m128i *)r);
}

#define _mm_sha256rnds2_epu32 emu_sha256rnds2
#define _mm_sha256msg1_epu32 emu_sha256msg1
#define _mm_sha256msg2_epu32 emu_sha256msg2
#endif

OLMPY_SHANI_TARGET
static inline void shani_load(const uint32_t *h, __m128i *st0, __m128i *st1)
{
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);
    *st0 = _mm_alignr_epi8(tmp, s1, 8);
    *st1 = _mm_blend_epi16(s1, tmp, 0xF0);
}

OLMPY_SHANI_TARGET
static inline void shani_store(uint32_t *h, __m128i st0, __m128i st1)
{
    __m128i tmp = _mm_shuffle_epi32(st0, 0x1B);
    st1 = _mm_shuffle_epi32(st1, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(tmp, st1, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(st1, tmp, 8));
}

OLMPY_SHANI_TARGET
static inline void shani_block(__m128i *st0p, __m128i *st1p, __m128i m0, __m128i m1,
                               __m128i m2, __m128i m3)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i st0 = *st0p, st1 = *st1p, w[4], m;
    w[0] = _mm_shuffle_epi8(m0, swap);
    w[1] = _mm_shuffle_epi8(m1, swap);
    w[2] = _mm_shuffle_epi8(m2, swap);
    w[3] = _mm_shuffle_epi8(m3, swap);
    /* Fully unrolled so that w[] stays in registers (-O3 alone keeps the loop). */
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
        m = _mm_add_epi32(w[g & 3], _mm_loadu_si128((const __m128i *)&olmpy_sha256_k[4 * g]));
        st1 = _mm_sha256rnds2_epu32(st1, st0, m);
        if (g >= 3 && g <= 14) {
            __m128i t = _mm_alignr_epi8(w[g & 3], w[(g + 3) & 3], 4);
            w[(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(g + 1) & 3], t), w[g & 3]);
        }
        m = _mm_shuffle_epi32(m, 0x0E);
        st0 = _mm_sha256rnds2_epu32(st0, st1, m);
        if (g >= 1 && g <= 12)
            w[(g + 3) & 3] = _mm_sha256msg1_epu32(w[(g + 3) & 3], w[g & 3]);
    }
    *st0p = _mm_add_epi32(st0, *st0p);
    *st1p = _mm_add_epi32(st1, *st1p);
}
#endif

#endif
