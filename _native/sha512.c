/* SHA-512 (FIPS 180-4).
 *
 * Constant time by construction: no branch and no memory index depends on
 * the data hashed (round constants are indexed by round number), only on
 * lengths and on the CPU's features.  See olmpy_sha512.h for the API.
 *
 * Three compression functions, picked once at first use:
 *   - portable C with the rounds fully unrolled and the message schedule
 *     kept in a 16-word ring;
 *   - the same C compiled for BMI1/BMI2 (rorx, andn: non-destructive
 *     rotations, fewer moves);
 *   - AVX2 + BMI2: the message schedules of two blocks are computed
 *     together in 256-bit registers (one block per 128-bit lane, two words
 *     per lane) interleaved with the scalar rounds of the first block, the
 *     second block's rounds then read the stored W + K.
 * OLMPY_NO_AVX2 in the environment at first use forces the portable code.
 */
#include <stdlib.h>
#include <string.h>

#include "olmpy_sha512.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OLMPY_SHA512_X86 1
#include <immintrin.h>
#endif

#define SHA512_PORTABLE 0
#define SHA512_BMI2 1
#define SHA512_AVX2 2

static const uint64_t sha512_k[80] = {
    UINT64_C(0x428a2f98d728ae22), UINT64_C(0x7137449123ef65cd), UINT64_C(0xb5c0fbcfec4d3b2f),
    UINT64_C(0xe9b5dba58189dbbc), UINT64_C(0x3956c25bf348b538), UINT64_C(0x59f111f1b605d019),
    UINT64_C(0x923f82a4af194f9b), UINT64_C(0xab1c5ed5da6d8118), UINT64_C(0xd807aa98a3030242),
    UINT64_C(0x12835b0145706fbe), UINT64_C(0x243185be4ee4b28c), UINT64_C(0x550c7dc3d5ffb4e2),
    UINT64_C(0x72be5d74f27b896f), UINT64_C(0x80deb1fe3b1696b1), UINT64_C(0x9bdc06a725c71235),
    UINT64_C(0xc19bf174cf692694), UINT64_C(0xe49b69c19ef14ad2), UINT64_C(0xefbe4786384f25e3),
    UINT64_C(0x0fc19dc68b8cd5b5), UINT64_C(0x240ca1cc77ac9c65), UINT64_C(0x2de92c6f592b0275),
    UINT64_C(0x4a7484aa6ea6e483), UINT64_C(0x5cb0a9dcbd41fbd4), UINT64_C(0x76f988da831153b5),
    UINT64_C(0x983e5152ee66dfab), UINT64_C(0xa831c66d2db43210), UINT64_C(0xb00327c898fb213f),
    UINT64_C(0xbf597fc7beef0ee4), UINT64_C(0xc6e00bf33da88fc2), UINT64_C(0xd5a79147930aa725),
    UINT64_C(0x06ca6351e003826f), UINT64_C(0x142929670a0e6e70), UINT64_C(0x27b70a8546d22ffc),
    UINT64_C(0x2e1b21385c26c926), UINT64_C(0x4d2c6dfc5ac42aed), UINT64_C(0x53380d139d95b3df),
    UINT64_C(0x650a73548baf63de), UINT64_C(0x766a0abb3c77b2a8), UINT64_C(0x81c2c92e47edaee6),
    UINT64_C(0x92722c851482353b), UINT64_C(0xa2bfe8a14cf10364), UINT64_C(0xa81a664bbc423001),
    UINT64_C(0xc24b8b70d0f89791), UINT64_C(0xc76c51a30654be30), UINT64_C(0xd192e819d6ef5218),
    UINT64_C(0xd69906245565a910), UINT64_C(0xf40e35855771202a), UINT64_C(0x106aa07032bbd1b8),
    UINT64_C(0x19a4c116b8d2d0c8), UINT64_C(0x1e376c085141ab53), UINT64_C(0x2748774cdf8eeb99),
    UINT64_C(0x34b0bcb5e19b48a8), UINT64_C(0x391c0cb3c5c95a63), UINT64_C(0x4ed8aa4ae3418acb),
    UINT64_C(0x5b9cca4f7763e373), UINT64_C(0x682e6ff3d6b2b8a3), UINT64_C(0x748f82ee5defb2fc),
    UINT64_C(0x78a5636f43172f60), UINT64_C(0x84c87814a1f0ab72), UINT64_C(0x8cc702081a6439ec),
    UINT64_C(0x90befffa23631e28), UINT64_C(0xa4506cebde82bde9), UINT64_C(0xbef9a3f7b2c67915),
    UINT64_C(0xc67178f2e372532b), UINT64_C(0xca273eceea26619c), UINT64_C(0xd186b8c721c0c207),
    UINT64_C(0xeada7dd6cde0eb1e), UINT64_C(0xf57d4f7fee6ed178), UINT64_C(0x06f067aa72176fba),
    UINT64_C(0x0a637dc5a2c898a6), UINT64_C(0x113f9804bef90dae), UINT64_C(0x1b710b35131c471b),
    UINT64_C(0x28db77f523047d84), UINT64_C(0x32caab7b40c72493), UINT64_C(0x3c9ebe0a15c9bebc),
    UINT64_C(0x431d67c49c100d4c), UINT64_C(0x4cc5d4becb3e42b6), UINT64_C(0x597f299cfc657e2a),
    UINT64_C(0x5fcb6fab3ad6faec), UINT64_C(0x6c44198c4a475817),
};

static const uint64_t sha512_iv[8] = {
    UINT64_C(0x6a09e667f3bcc908), UINT64_C(0xbb67ae8584caa73b), UINT64_C(0x3c6ef372fe94f82b),
    UINT64_C(0xa54ff53a5f1d36f1), UINT64_C(0x510e527fade682d1), UINT64_C(0x9b05688c2b3e6c1f),
    UINT64_C(0x1f83d9abfb41bd6b), UINT64_C(0x5be0cd19137e2179),
};

static inline uint64_t load64_be(const uint8_t *p)
{
    return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) |
           ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
           ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
           ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

static inline void store64_be(uint8_t *p, uint64_t x)
{
    p[0] = (uint8_t)(x >> 56);
    p[1] = (uint8_t)(x >> 48);
    p[2] = (uint8_t)(x >> 40);
    p[3] = (uint8_t)(x >> 32);
    p[4] = (uint8_t)(x >> 24);
    p[5] = (uint8_t)(x >> 16);
    p[6] = (uint8_t)(x >> 8);
    p[7] = (uint8_t)x;
}

/* Zeroes memory that is about to die; the empty asm, which might read it,
 * keeps the compiler from dropping the stores. */
static inline void sha512_wipe(void *p, size_t n)
{
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define BSIG0(x) (ROTR(x, 28) ^ ROTR(x, 34) ^ ROTR(x, 39))
#define BSIG1(x) (ROTR(x, 14) ^ ROTR(x, 18) ^ ROTR(x, 41))
#define SSIG0(x) (ROTR(x, 1) ^ ROTR(x, 8) ^ ((x) >> 7))
#define SSIG1(x) (ROTR(x, 19) ^ ROTR(x, 61) ^ ((x) >> 6))
/* Ch as two disjoint terms (added, so andn and the sum can overlap) */
#define CH(e, f, g) (((e) & (f)) + (~(e) & (g)))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

/* One round, wk = W[t] + K[t]; the working variables are renamed by the
 * caller instead of moved.  Written for a short critical path: the new e
 * is ((d + h + wk) + Ch) + S1(e), the terms known early added first, and
 * Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)) reuses b ^ c, the previous
 * round's a ^ b (passed in bc, replaced by this round's in ab). */
#define RND(a, b, c, d, e, f, g, h, wk, ab, bc)                                \
    do {                                                                       \
        const uint64_t hk_ = (h) + (wk);                                       \
        const uint64_t ch_ = ((e) & (f)) ^ (~(e) & (g));                       \
        const uint64_t s1_ = BSIG1(e);                                         \
        const uint64_t t1_ = hk_ + ch_ + s1_;                                  \
        (d) = (((d) + hk_) + ch_) + s1_;                                       \
        (ab) = (a) ^ (b);                                                      \
        (h) = (t1_ + ((b) ^ ((ab) & (bc)))) + BSIG0(a);                        \
    } while (0)

/* Eight rounds t0 .. t0 + 7 with wk given by the expression W(t, r), r
 * being t mod 16 as a constant (r0 is 0 or 8) */
#define RND8(W, t0, r0)                                                        \
    do {                                                                       \
        RND(a, b, c, d, e, f, g, h, W((t0) + 0, (r0) + 0), x_, y_);            \
        RND(h, a, b, c, d, e, f, g, W((t0) + 1, (r0) + 1), y_, x_);            \
        RND(g, h, a, b, c, d, e, f, W((t0) + 2, (r0) + 2), x_, y_);            \
        RND(f, g, h, a, b, c, d, e, W((t0) + 3, (r0) + 3), y_, x_);            \
        RND(e, f, g, h, a, b, c, d, W((t0) + 4, (r0) + 4), x_, y_);            \
        RND(d, e, f, g, h, a, b, c, W((t0) + 5, (r0) + 5), y_, x_);            \
        RND(c, d, e, f, g, h, a, b, W((t0) + 6, (r0) + 6), x_, y_);            \
        RND(b, c, d, e, f, g, h, a, W((t0) + 7, (r0) + 7), y_, x_);            \
    } while (0)

/* Round state: a..h and the a ^ b carried between rounds */
#define STATE_LOAD(st)                                                         \
    do {                                                                       \
        a = (st)[0];                                                           \
        b = (st)[1];                                                           \
        c = (st)[2];                                                           \
        d = (st)[3];                                                           \
        e = (st)[4];                                                           \
        f = (st)[5];                                                           \
        g = (st)[6];                                                           \
        h = (st)[7];                                                           \
        y_ = b ^ c;                                                            \
    } while (0)
#define STATE_ADD(st)                                                          \
    do {                                                                       \
        (st)[0] += a;                                                          \
        (st)[1] += b;                                                          \
        (st)[2] += c;                                                          \
        (st)[3] += d;                                                          \
        (st)[4] += e;                                                          \
        (st)[5] += f;                                                          \
        (st)[6] += g;                                                          \
        (st)[7] += h;                                                          \
    } while (0)

/* Portable compression, with the schedule in a 16-word ring: W(t, r) for
 * t < 16 loads the word, later ones update w[r] = w[t mod 16] in place. */
#define W_LOAD(t, r) (w[(r)] = load64_be(p + 8 * (r)), w[(r)] + sha512_k[(t)])
#define W_NEXT(t, r)                                                           \
    ((w[(r)] += SSIG1(w[((r) + 14) & 15]) + w[((r) + 9) & 15] +                \
                SSIG0(w[((r) + 1) & 15])),                                     \
     w[(r)] + sha512_k[(t)])

static inline __attribute__((always_inline)) void
sha512_compress_c(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    uint64_t w[16];
    uint64_t a, b, c, d, e, f, g, h, x_, y_;
    int t;

    while (nblocks-- > 0) {
        STATE_LOAD(st);
        RND8(W_LOAD, 0, 0);
        RND8(W_LOAD, 8, 8);
        for (t = 16; t < 80; t += 16) {
            RND8(W_NEXT, t, 0);
            RND8(W_NEXT, t + 8, 8);
        }
        STATE_ADD(st);
        p += 128;
    }
    sha512_wipe(w, sizeof w);
}

static void sha512_compress_portable(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_compress_c(st, p, nblocks);
}

#ifdef OLMPY_SHA512_X86

__attribute__((target("bmi,bmi2")))
static void sha512_compress_bmi2(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_compress_c(st, p, nblocks);
}

/* Per 64-bit word: big-endian load (byte reversal) and rotation right by 8
 * bits, as byte shuffles within each 128-bit lane. */
#define BSWAP64_MASK                                                           \
    _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, \
                     6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8)
#define ROTR8_MASK                                                             \
    _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1, \
                     2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8)

/* x[j & 7] <- W[2j], W[2j+1] of both blocks (lanes), from x[(j-8)..(j-1)
 * & 7]; returns them plus K */
__attribute__((target("avx2,bmi,bmi2"))) static inline __m256i
sha512_avx2_sched(__m256i x[8], int j, __m256i rot8)
{
    const __m256i w16 = x[(j - 8) & 7];
    const __m256i w15 = _mm256_alignr_epi8(x[(j - 7) & 7], w16, 8);
    const __m256i w7 = _mm256_alignr_epi8(x[(j - 3) & 7], x[(j - 4) & 7], 8);
    const __m256i w2 = x[(j - 1) & 7];
    __m256i s0, s1, r;

    s0 = _mm256_xor_si256(
        _mm256_xor_si256(_mm256_srli_epi64(w15, 1), _mm256_slli_epi64(w15, 63)),
        _mm256_xor_si256(_mm256_shuffle_epi8(w15, rot8), _mm256_srli_epi64(w15, 7)));
    s1 = _mm256_xor_si256(
        _mm256_xor_si256(_mm256_srli_epi64(w2, 19), _mm256_slli_epi64(w2, 45)),
        _mm256_xor_si256(
            _mm256_xor_si256(_mm256_srli_epi64(w2, 61), _mm256_slli_epi64(w2, 3)),
            _mm256_srli_epi64(w2, 6)));
    r = _mm256_add_epi64(_mm256_add_epi64(w16, w7), _mm256_add_epi64(s0, s1));
    x[j & 7] = r;
    return _mm256_add_epi64(
        r, _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(sha512_k + 2 * j))));
}

/* Compresses the blocks at p and q (q may equal p, whose rounds are then
 * not repeated: the schedule of the second lane is just not used). */
__attribute__((target("avx2,bmi,bmi2"))) static inline void
sha512_avx2_pair(uint64_t st[8], const uint8_t *p, const uint8_t *q, int both)
{
    /* W + K of the blocks at p and q, one array each */
    uint64_t wka[80] __attribute__((aligned(16)));
    uint64_t wkb[80] __attribute__((aligned(16)));
    __m256i x[8];
    const __m256i bswap = BSWAP64_MASK, rot8 = ROTR8_MASK;
    uint64_t a, b, c, d, e, f, g, h, x_, y_;
    int j;

#define WKA(t, r) wka[(t)]
#define WKB(t, r) wkb[(t)]
#define STORE_WK(j, v)                                                         \
    do {                                                                       \
        const __m256i v_ = (v);                                                \
        _mm_store_si128((__m128i *)(wka + 2 * (j)), _mm256_castsi256_si128(v_)); \
        _mm_store_si128((__m128i *)(wkb + 2 * (j)), _mm256_extracti128_si256(v_, 1)); \
    } while (0)

    for (j = 0; j < 8; j++) {
        const __m256i v = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(p + 16 * j))),
            _mm_loadu_si128((const __m128i *)(q + 16 * j)), 1);
        x[j] = _mm256_shuffle_epi8(v, bswap);
        STORE_WK(j, _mm256_add_epi64(x[j], _mm256_broadcastsi128_si256(_mm_loadu_si128(
                                              (const __m128i *)(sha512_k + 2 * j)))));
    }

    STATE_LOAD(st);
    /* rounds 0..63 of p, each eight with the schedule of eight more words
     * (unrolled, so that x stays in registers) */
#pragma GCC unroll 8
    for (j = 8; j < 40; j += 4) {
        STORE_WK(j, sha512_avx2_sched(x, j, rot8));
        STORE_WK(j + 1, sha512_avx2_sched(x, j + 1, rot8));
        RND(a, b, c, d, e, f, g, h, wka[2 * j - 16], x_, y_);
        RND(h, a, b, c, d, e, f, g, wka[2 * j - 15], y_, x_);
        RND(g, h, a, b, c, d, e, f, wka[2 * j - 14], x_, y_);
        RND(f, g, h, a, b, c, d, e, wka[2 * j - 13], y_, x_);
        STORE_WK(j + 2, sha512_avx2_sched(x, j + 2, rot8));
        STORE_WK(j + 3, sha512_avx2_sched(x, j + 3, rot8));
        RND(e, f, g, h, a, b, c, d, wka[2 * j - 12], x_, y_);
        RND(d, e, f, g, h, a, b, c, wka[2 * j - 11], y_, x_);
        RND(c, d, e, f, g, h, a, b, wka[2 * j - 10], x_, y_);
        RND(b, c, d, e, f, g, h, a, wka[2 * j - 9], y_, x_);
    }
    RND8(WKA, 64, 0);
    RND8(WKA, 72, 8);
    STATE_ADD(st);

    if (both) {
        STATE_LOAD(st);
        for (j = 0; j < 80; j += 16) {
            RND8(WKB, j, 0);
            RND8(WKB, j + 8, 8);
        }
        STATE_ADD(st);
    }
#undef WKA
#undef WKB
#undef STORE_WK
    sha512_wipe(wka, sizeof wka);
    sha512_wipe(wkb, sizeof wkb);
}

__attribute__((target("avx2,bmi,bmi2")))
static void sha512_compress_avx2(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    for (; nblocks >= 2; nblocks -= 2, p += 256) {
        sha512_avx2_pair(st, p, p + 128, 1);
    }
    if (nblocks > 0) {
        sha512_avx2_pair(st, p, p, 0);
    }
}

#endif /* OLMPY_SHA512_X86 */

static int sha512_impl_state = -1;

/* The best compression function this CPU runs (SHA512_*). */
static int sha512_best_impl(void)
{
    int impl = __atomic_load_n(&sha512_impl_state, __ATOMIC_RELAXED);
    if (impl < 0) {
        impl = SHA512_PORTABLE;
#ifdef OLMPY_SHA512_X86
        __builtin_cpu_init();
        if (getenv("OLMPY_NO_AVX2") == NULL && __builtin_cpu_supports("bmi") &&
            __builtin_cpu_supports("bmi2")) {
            impl = __builtin_cpu_supports("avx2") ? SHA512_AVX2 : SHA512_BMI2;
        }
#endif
        __atomic_store_n(&sha512_impl_state, impl, __ATOMIC_RELAXED);
    }
    return impl;
}

/* Compresses nblocks 128-byte blocks with the given implementation, which
 * the CPU must support. */
static void sha512_compress_with(int impl, uint64_t st[8], const uint8_t *p,
                                 size_t nblocks)
{
#ifdef OLMPY_SHA512_X86
    if (impl == SHA512_AVX2) {
        sha512_compress_avx2(st, p, nblocks);
        return;
    }
    if (impl == SHA512_BMI2) {
        sha512_compress_bmi2(st, p, nblocks);
        return;
    }
#else
    (void)impl;
#endif
    sha512_compress_portable(st, p, nblocks);
}

int olmpy_sha512_impl(void)
{
    return sha512_best_impl();
}

static void sha512_compress(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_compress_with(sha512_best_impl(), st, p, nblocks);
}

void olmpy_sha512_init(olmpy_sha512_ctx *ctx)
{
    memcpy(ctx->h, sha512_iv, sizeof ctx->h);
    ctx->total_lo = 0;
    ctx->total_hi = 0;
    ctx->used = 0;
}

void olmpy_sha512_update(olmpy_sha512_ctx *ctx, const uint8_t *data, size_t len)
{
    const uint64_t before = ctx->total_lo;

    if (len == 0) {
        return;
    }
    ctx->total_lo += (uint64_t)len;
    ctx->total_hi += ctx->total_lo < before;
    if (ctx->used > 0) {
        size_t take = 128 - ctx->used;
        if (take > len) {
            take = len;
        }
        memcpy(ctx->buf + ctx->used, data, take);
        ctx->used += take;
        data += take;
        len -= take;
        if (ctx->used < 128) {
            return;
        }
        sha512_compress(ctx->h, ctx->buf, 1);
        ctx->used = 0;
    }
    if (len >= 128) {
        sha512_compress(ctx->h, data, len / 128);
        data += len & ~(size_t)127;
        len &= 127;
    }
    if (len > 0) {
        memcpy(ctx->buf, data, len);
        ctx->used = len;
    }
}

void olmpy_sha512_final(olmpy_sha512_ctx *ctx, uint8_t out[64])
{
    int i;

    ctx->buf[ctx->used++] = 0x80;
    if (ctx->used > 112) {
        memset(ctx->buf + ctx->used, 0, 128 - ctx->used);
        sha512_compress(ctx->h, ctx->buf, 1);
        ctx->used = 0;
    }
    memset(ctx->buf + ctx->used, 0, 112 - ctx->used);
    /* the length in bits, 128-bit big-endian */
    store64_be(ctx->buf + 112, (ctx->total_hi << 3) | (ctx->total_lo >> 61));
    store64_be(ctx->buf + 120, ctx->total_lo << 3);
    sha512_compress(ctx->h, ctx->buf, 1);
    for (i = 0; i < 8; i++) {
        store64_be(out + 8 * i, ctx->h[i]);
    }
    sha512_wipe(ctx, sizeof *ctx);
}

void olmpy_sha512(const uint8_t *data, size_t len, uint8_t out[64])
{
    olmpy_sha512_ctx ctx;
    olmpy_sha512_init(&ctx);
    if (len > 0) {
        olmpy_sha512_update(&ctx, data, len);
    }
    olmpy_sha512_final(&ctx, out);
}
