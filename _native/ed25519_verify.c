/* Variable-time Ed25519 verification with per-key precomputation.
 *
 * PUBLIC DATA ONLY: every routine here branches on and indexes tables with
 * its inputs.  That is fine for verifying signatures (the key, message and
 * signature are all public) and wrong for anything involving a secret.
 *
 * Layout:
 *   - arithmetic mod p = 2^255 - 19 in radix 2^51 (five 64-bit limbs,
 *     products in unsigned __int128);
 *   - points on -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates
 *     (X:Y:Z:T), "completed" coordinates for the output of an addition or
 *     doubling, and affine "Niels" form (y+x, y-x, 2dxy) for table entries;
 *   - SHA-512 over R || A || M, from sha512.c;
 *   - scalars: the check S < L, the reduction of a 512-bit hash mod L
 *     (Barrett), width-w non-adjacent forms.
 *
 * The cached verifier computes R' = S*B - h*A with one shared chain of only
 * SPLIT_BITS (32) doublings: both scalars are written in wNAF over 256 digit
 * positions, cut into SPLITS (8) pieces of 32 positions each, and piece j
 * is added in from a table of odd multiples of 2^(32 j) B (static, below)
 * or 2^(32 j) A (per key, built by olmpy_ed25519_vkey_init).
 *
 * olmpy_ed25519_verify_oneshot (no key object; see the section at the end)
 * checks v*(S*B - h*A - R) = 0 instead, for short u = v*h mod 8L and odd v
 * from a lattice reduction: one chain of ~128 doublings, A and R
 * decompressed together, no inversion.
 *
 * Semantics follow libsodium's crypto_sign_verify_detached exactly (see the
 * header); the differential tests in tests/test_ed25519_verify_native.py
 * hold the implementations to the same verdicts.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ed25519_verify.h"
#include "olmpy_sha512.h"

#ifndef OLMPY_E_SIGNATURE
#define OLMPY_E_SIGNATURE (-3)
#endif

__extension__ typedef unsigned __int128 u128;

/* ------------------------------------------------------------------------ */
/* Field arithmetic mod p = 2^255 - 19, radix 2^51.                         */
/*                                                                          */
/* Bounds: fe_mul/fe_sq accept limbs below 2^54 and return limbs below      */
/* 2^51 + 2^15 ("reduced").  fe_add of two reduced values stays below       */
/* 2^52.01; fe_sub(a, b) adds 4p, so b's limbs must stay below 2^53 - 76    */
/* (a reduced value or a sum of two), and the result is below a + 2^53.     */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint64_t v[5];
} fe;

#define MASK51 ((UINT64_C(1) << 51) - 1)

static const fe fe_d2 = {{UINT64_C(0x69b9426b2f159), UINT64_C(0x35050762add7a), UINT64_C(0x3cf44c0038052), UINT64_C(0x6738cc7407977), UINT64_C(0x2406d9dc56dff)}};
static const fe fe_d = {{UINT64_C(0x34dca135978a3), UINT64_C(0x1a8283b156ebd), UINT64_C(0x5e7a26001c029), UINT64_C(0x739c663a03cbb), UINT64_C(0x52036cee2b6ff)}};
static const fe fe_sqrtm1 = {{UINT64_C(0x61b274a0ea0b0), UINT64_C(0xd5a5fc8f189d), UINT64_C(0x7ef5e9cbd0c60), UINT64_C(0x78595a6804c9e), UINT64_C(0x2b8324804fc1d)}};

static inline void fe_0(fe *h) { memset(h, 0, sizeof *h); }

static inline void fe_1(fe *h)
{
    memset(h, 0, sizeof *h);
    h->v[0] = 1;
}

static inline void fe_add(fe *h, const fe *f, const fe *g)
{
    h->v[0] = f->v[0] + g->v[0];
    h->v[1] = f->v[1] + g->v[1];
    h->v[2] = f->v[2] + g->v[2];
    h->v[3] = f->v[3] + g->v[3];
    h->v[4] = f->v[4] + g->v[4];
}

/* h = f + 4p - g */
static inline void fe_sub(fe *h, const fe *f, const fe *g)
{
    h->v[0] = (f->v[0] + UINT64_C(0x1FFFFFFFFFFFB4)) - g->v[0];
    h->v[1] = (f->v[1] + UINT64_C(0x1FFFFFFFFFFFFC)) - g->v[1];
    h->v[2] = (f->v[2] + UINT64_C(0x1FFFFFFFFFFFFC)) - g->v[2];
    h->v[3] = (f->v[3] + UINT64_C(0x1FFFFFFFFFFFFC)) - g->v[3];
    h->v[4] = (f->v[4] + UINT64_C(0x1FFFFFFFFFFFFC)) - g->v[4];
}

static inline void fe_neg(fe *h, const fe *f)
{
    fe z;
    fe_0(&z);
    fe_sub(h, &z, f);
}

/* Propagates carries once: any limbs below 2^63 become reduced. */
static inline void fe_carry(fe *h)
{
    uint64_t c;
    c = h->v[0] >> 51;
    h->v[0] &= MASK51;
    h->v[1] += c;
    c = h->v[1] >> 51;
    h->v[1] &= MASK51;
    h->v[2] += c;
    c = h->v[2] >> 51;
    h->v[2] &= MASK51;
    h->v[3] += c;
    c = h->v[3] >> 51;
    h->v[3] &= MASK51;
    h->v[4] += c;
    c = h->v[4] >> 51;
    h->v[4] &= MASK51;
    h->v[0] += 19 * c;
}

/* Final carry chain shared by fe_mul and fe_sq: few instructions, for the
 * point formulas, whose independent multiplications keep the multiplier
 * busy anyway. */
#define FE_REDUCE_WIDE(h, r0, r1, r2, r3, r4)                                  \
    do {                                                                       \
        uint64_t h0_, h1_, h2_, h3_, h4_, c_;                                  \
        h0_ = (uint64_t)r0 & MASK51;                                           \
        r1 += (uint64_t)(r0 >> 51);                                            \
        h1_ = (uint64_t)r1 & MASK51;                                           \
        r2 += (uint64_t)(r1 >> 51);                                            \
        h2_ = (uint64_t)r2 & MASK51;                                           \
        r3 += (uint64_t)(r2 >> 51);                                            \
        h3_ = (uint64_t)r3 & MASK51;                                           \
        r4 += (uint64_t)(r3 >> 51);                                            \
        h4_ = (uint64_t)r4 & MASK51;                                           \
        c_ = (uint64_t)(r4 >> 51);                                             \
        h0_ += 19 * c_;                                                        \
        h1_ += h0_ >> 51;                                                      \
        h0_ &= MASK51;                                                         \
        (h)->v[0] = h0_;                                                       \
        (h)->v[1] = h1_;                                                       \
        (h)->v[2] = h2_;                                                       \
        (h)->v[3] = h3_;                                                       \
        (h)->v[4] = h4_;                                                       \
    } while (0)

/* The same reduction with a short critical path, for chains of dependent
 * squarings (exponentiations): two rounds of carries, each taken from all
 * five limbs at once.  For inputs below 2^54 the column sums r0..r4 are
 * below 77, 59, 41, 23 and 5 times 2^108, so every carry of the first
 * round fits in 64 bits (19 * (r4 >> 51) < 2^63.6), and so does every limb
 * after it; the second round leaves limbs below 2^51 + 2^15. */
#define FE_REDUCE_WIDE_FAST(h, r0, r1, r2, r3, r4)                             \
    do {                                                                       \
        const uint64_t c0_ = (uint64_t)(r0 >> 51), c1_ = (uint64_t)(r1 >> 51), \
                       c2_ = (uint64_t)(r2 >> 51), c3_ = (uint64_t)(r3 >> 51), \
                       c4_ = (uint64_t)(r4 >> 51);                             \
        const uint64_t h0_ = ((uint64_t)r0 & MASK51) + 19 * c4_,               \
                       h1_ = ((uint64_t)r1 & MASK51) + c0_,                    \
                       h2_ = ((uint64_t)r2 & MASK51) + c1_,                    \
                       h3_ = ((uint64_t)r3 & MASK51) + c2_,                    \
                       h4_ = ((uint64_t)r4 & MASK51) + c3_;                    \
        (h)->v[0] = (h0_ & MASK51) + 19 * (h4_ >> 51);                         \
        (h)->v[1] = (h1_ & MASK51) + (h0_ >> 51);                              \
        (h)->v[2] = (h2_ & MASK51) + (h1_ >> 51);                              \
        (h)->v[3] = (h3_ & MASK51) + (h2_ >> 51);                              \
        (h)->v[4] = (h4_ & MASK51) + (h3_ >> 51);                              \
    } while (0)

static inline void fe_mul(fe *h, const fe *f, const fe *g)
{
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3],
                   f4 = f->v[4];
    const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3],
                   g4 = g->v[4];
    const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3,
                   g4_19 = 19 * g4;
    u128 r0, r1, r2, r3, r4;

    r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 +
         (u128)f3 * g2_19 + (u128)f4 * g1_19;
    r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 +
         (u128)f3 * g3_19 + (u128)f4 * g2_19;
    r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 +
         (u128)f4 * g3_19;
    r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 +
         (u128)f4 * g4_19;
    r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 +
         (u128)f4 * g0;
    FE_REDUCE_WIDE(h, r0, r1, r2, r3, r4);
}

static inline void fe_sq(fe *h, const fe *f)
{
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3],
                   f4 = f->v[4];
    const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3;
    const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
    u128 r0, r1, r2, r3, r4;

    r0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)f2_2 * f3_19;
    r1 = (u128)f0_2 * f1 + (u128)f2_2 * f4_19 + (u128)f3 * f3_19;
    r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_2 * f4_19;
    r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
    r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    FE_REDUCE_WIDE(h, r0, r1, r2, r3, r4);
}

/* fe_sq with the short-latency reduction */
static inline void fe_sq_fast(fe *h, const fe *f)
{
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3],
                   f4 = f->v[4];
    const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3;
    const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
    u128 r0, r1, r2, r3, r4;

    r0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)f2_2 * f3_19;
    r1 = (u128)f0_2 * f1 + (u128)f2_2 * f4_19 + (u128)f3 * f3_19;
    r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_2 * f4_19;
    r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
    r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    FE_REDUCE_WIDE_FAST(h, r0, r1, r2, r3, r4);
}

/* h = f^(2^n), n >= 1 */
static void fe_sqn(fe *h, const fe *f, int n)
{
    fe_sq_fast(h, f);
    while (--n > 0) {
        fe_sq_fast(h, h);
    }
}

/* Sets *t250 = z^(2^250 - 1) and *z11 = z^11. */
static void fe_pow_2_250_1(fe *t250, fe *z11, const fe *z)
{
    fe z2, z9, t5, t10, t20, t40, t50, t100, t200, t;

    fe_sq(&z2, z);               /* 2 */
    fe_sqn(&t, &z2, 2);          /* 8 */
    fe_mul(&z9, &t, z);          /* 9 */
    fe_mul(z11, &z9, &z2);       /* 11 */
    fe_sq(&t, z11);              /* 22 */
    fe_mul(&t5, &t, &z9);        /* 31 = 2^5 - 1 */
    fe_sqn(&t, &t5, 5);
    fe_mul(&t10, &t, &t5);       /* 2^10 - 1 */
    fe_sqn(&t, &t10, 10);
    fe_mul(&t20, &t, &t10);      /* 2^20 - 1 */
    fe_sqn(&t, &t20, 20);
    fe_mul(&t40, &t, &t20);      /* 2^40 - 1 */
    fe_sqn(&t, &t40, 10);
    fe_mul(&t50, &t, &t10);      /* 2^50 - 1 */
    fe_sqn(&t, &t50, 50);
    fe_mul(&t100, &t, &t50);     /* 2^100 - 1 */
    fe_sqn(&t, &t100, 100);
    fe_mul(&t200, &t, &t100);    /* 2^200 - 1 */
    fe_sqn(&t, &t200, 50);
    fe_mul(t250, &t, &t50);      /* 2^250 - 1 */
}

/* h = z^(p-2) = 1/z (0 for z = 0) */
static void fe_invert(fe *h, const fe *z)
{
    fe t250, z11, t;
    fe_pow_2_250_1(&t250, &z11, z);
    fe_sqn(&t, &t250, 5);        /* 2^255 - 32 */
    fe_mul(h, &t, &z11);         /* 2^255 - 21 = p - 2 */
}

/* h = z^((p-5)/8) = z^(2^252 - 3) */
static void fe_pow22523(fe *h, const fe *z)
{
    fe t250, z11, t;
    fe_pow_2_250_1(&t250, &z11, z);
    fe_sqn(&t, &t250, 2);        /* 2^252 - 4 */
    fe_mul(h, &t, z);            /* 2^252 - 3 */
}

static inline uint64_t load64_le(const uint8_t *p)
{
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) |
           ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) |
           ((uint64_t)p[7] << 56);
}

static inline void store64_le(uint8_t *p, uint64_t x)
{
    int i;
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t)(x >> (8 * i));
    }
}

/* Reads 255 bits (the top bit of s[31] is ignored); no reduction mod p. */
static void fe_frombytes(fe *h, const uint8_t s[32])
{
    const uint64_t t0 = load64_le(s), t1 = load64_le(s + 8),
                   t2 = load64_le(s + 16), t3 = load64_le(s + 24);
    h->v[0] = t0 & MASK51;
    h->v[1] = ((t0 >> 51) | (t1 << 13)) & MASK51;
    h->v[2] = ((t1 >> 38) | (t2 << 26)) & MASK51;
    h->v[3] = ((t2 >> 25) | (t3 << 39)) & MASK51;
    h->v[4] = (t3 >> 12) & MASK51;
}

/* Canonical 32-byte encoding (value fully reduced mod p). */
static void fe_tobytes(uint8_t s[32], const fe *f)
{
    fe h = *f;
    uint64_t q;

    fe_carry(&h);
    /* now h < 2^255 + 2^18 < 2p; q = 1 iff h >= p */
    q = (h.v[0] + 19) >> 51;
    q = (h.v[1] + q) >> 51;
    q = (h.v[2] + q) >> 51;
    q = (h.v[3] + q) >> 51;
    q = (h.v[4] + q) >> 51;
    h.v[0] += 19 * q;
    h.v[1] += h.v[0] >> 51;
    h.v[0] &= MASK51;
    h.v[2] += h.v[1] >> 51;
    h.v[1] &= MASK51;
    h.v[3] += h.v[2] >> 51;
    h.v[2] &= MASK51;
    h.v[4] += h.v[3] >> 51;
    h.v[3] &= MASK51;
    h.v[4] &= MASK51; /* drops q * 2^255 */

    store64_le(s, h.v[0] | (h.v[1] << 51));
    store64_le(s + 8, (h.v[1] >> 13) | (h.v[2] << 38));
    store64_le(s + 16, (h.v[2] >> 26) | (h.v[3] << 25));
    store64_le(s + 24, (h.v[3] >> 39) | (h.v[4] << 12));
}

static int fe_iszero(const fe *f)
{
    uint8_t s[32];
    uint8_t acc = 0;
    int i;
    fe_tobytes(s, f);
    for (i = 0; i < 32; i++) {
        acc |= s[i];
    }
    return acc == 0;
}

static int fe_isodd(const fe *f)
{
    uint8_t s[32];
    fe_tobytes(s, f);
    return s[0] & 1;
}

/* ------------------------------------------------------------------------ */
/* Points.                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    fe X, Y, Z;
} ge_p2; /* x = X/Z, y = Y/Z */

typedef struct {
    fe X, Y, Z, T;
} ge_p3; /* x = X/Z, y = Y/Z, x*y = T/Z */

typedef struct {
    fe X, Y, Z, T;
} ge_p1p1; /* x = X/Z, y = Y/T */

typedef struct {
    fe ypx, ymx, xy2d;
} ge_niels; /* affine: y + x, y - x, 2*d*x*y */

typedef struct {
    fe YpX, YmX, Z2, T2d;
} ge_cached; /* Y + X, Y - X, 2*Z, 2*d*T */

static inline void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p)
{
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
}

static inline void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p)
{
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
    fe_mul(&r->T, &p->X, &p->Y);
}

/* r = 2p (dbl-2008-hwcd with a = -1):
 *   A = X^2, B = Y^2, C = 2Z^2, E = (X+Y)^2 - A - B, G = B - A,
 *   x' = E/G, y' = (A+B)/(C+A-B)   (signs of y's numerator and denominator
 *   both flipped relative to the textbook H/F). */
static inline void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p)
{
    fe a, b, c, s;

    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq(&c, &p->Z);
    fe_add(&c, &c, &c);
    fe_add(&s, &p->X, &p->Y);
    fe_sq(&s, &s);
    fe_add(&r->Y, &a, &b);       /* A + B     < 2^52.01 */
    fe_sub(&r->X, &s, &r->Y);    /* E         < 2^53.01 */
    fe_sub(&r->Z, &b, &a);       /* G = B - A < 2^53.01 */
    fe_add(&c, &c, &a);          /* C + A     < 2^52.6 */
    fe_sub(&r->T, &c, &b);       /* C + A - B < 2^53.6 */
}

static inline void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p)
{
    r->X = p->X;
    r->Y = p->Y;
    r->Z = p->Z;
}

static inline void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p)
{
    ge_p2 q;
    ge_p3_to_p2(&q, p);
    ge_p2_dbl(r, &q);
}

/* r = p + q or p - q for an affine table point q (madd-2008-hwcd, a = -1):
 *   A = (Y-X)(y2-x2), B = (Y+X)(y2+x2), C = T*2d*x2*y2, D = 2Z,
 *   x' = (B-A)/(D+C), y' = (B+A)/(D-C).
 * Subtraction uses -q = (y2-x2, y2+x2, -2d*x2*y2). */
static inline void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_niels *q)
{
    fe a, b, c, dd, t;

    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->ymx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->ypx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&dd, &p->Z, &p->Z);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_add(&r->Z, &dd, &c);
    fe_sub(&r->T, &dd, &c);
}

static inline void ge_msub(ge_p1p1 *r, const ge_p3 *p, const ge_niels *q)
{
    fe a, b, c, dd, t;

    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->ypx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->ymx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&dd, &p->Z, &p->Z);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &dd, &c);
    fe_add(&r->T, &dd, &c);
}

static void ge_p3_to_cached(ge_cached *r, const ge_p3 *p)
{
    fe_add(&r->YpX, &p->Y, &p->X);
    fe_sub(&r->YmX, &p->Y, &p->X);
    fe_carry(&r->YmX);
    fe_add(&r->Z2, &p->Z, &p->Z);
    fe_mul(&r->T2d, &p->T, &fe_d2);
}

/* r = p + q, q in cached form (add-2008-hwcd-3, a = -1). */
static void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q)
{
    fe a, b, c, dd, t;

    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YmX);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->YpX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&dd, &p->Z, &q->Z2);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_add(&r->Z, &dd, &c);
    fe_sub(&r->T, &dd, &c);
}

static void ge_tobytes(uint8_t s[32], const ge_p2 *p)
{
    fe zi, x, y;
    fe_invert(&zi, &p->Z);
    fe_mul(&x, &p->X, &zi);
    fe_mul(&y, &p->Y, &zi);
    fe_tobytes(s, &y);
    s[31] ^= (uint8_t)(fe_isodd(&x) << 7);
}

/* Decompresses s (libsodium's rules: the sign bit picks the root; x = 0
 * with the sign bit set yields x = 0).  Returns 0, or -1 if y^2 - 1 over
 * d y^2 + 1 is not a square.  Does not check canonicity or order. */
static int ge_frombytes(ge_p3 *h, const uint8_t s[32])
{
    fe u, v, v3, vxx, chk;

    fe_frombytes(&h->Y, s);
    fe_1(&h->Z);
    fe_sq(&u, &h->Y);
    fe_mul(&v, &u, &fe_d);
    fe_sub(&u, &u, &h->Z);       /* u = y^2 - 1 */
    fe_carry(&u);                /* reduced: u is fe_sub's second operand below */
    fe_add(&v, &v, &h->Z);       /* v = d y^2 + 1 */

    fe_sq(&v3, &v);
    fe_mul(&v3, &v3, &v);        /* v^3 */
    fe_sq(&h->X, &v3);
    fe_mul(&h->X, &h->X, &v);
    fe_mul(&h->X, &h->X, &u);    /* u v^7 */
    fe_pow22523(&h->X, &h->X);   /* (u v^7)^((p-5)/8) */
    fe_mul(&h->X, &h->X, &v3);
    fe_mul(&h->X, &h->X, &u);    /* x = u v^3 (u v^7)^((p-5)/8) */

    fe_sq(&vxx, &h->X);
    fe_mul(&vxx, &vxx, &v);      /* v x^2 */
    fe_sub(&chk, &vxx, &u);
    if (!fe_iszero(&chk)) {
        fe_add(&chk, &vxx, &u);
        if (!fe_iszero(&chk)) {
            return -1;
        }
        fe_mul(&h->X, &h->X, &fe_sqrtm1);
    }
    if (fe_isodd(&h->X) != (s[31] >> 7)) {
        fe_neg(&h->X, &h->X);
        fe_carry(&h->X);
    }
    fe_mul(&h->T, &h->X, &h->Y);
    return 0;
}

/* The y-coordinates of the eight points of small order, plus the
 * non-canonical encodings p and p + 1 of 0 and 1; the sign bit is ignored.
 * (libsodium's ge25519_has_small_order list.) */
static const uint8_t small_order_y[7][32] = {
    /* 0: order 4 */
    {0},
    /* 1: order 1 */
    {0x01},
    /* order 8 */
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    /* order 8 */
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    /* p - 1: order 2 */
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p = 0, non-canonical */
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p + 1 = 1, non-canonical */
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

static int has_small_order_encoding(const uint8_t s[32])
{
    size_t i;
    for (i = 0; i < 7; i++) {
        if (memcmp(s, small_order_y[i], 31) == 0 &&
            (s[31] & 0x7f) == small_order_y[i][31]) {
            return 1;
        }
    }
    return 0;
}

/* 1 iff the 255-bit y of s (sign bit ignored) is below p. */
static int y_is_canonical(const uint8_t s[32])
{
    int i;
    if ((s[31] & 0x7f) != 0x7f) {
        return 1;
    }
    for (i = 30; i > 0; i--) {
        if (s[i] != 0xff) {
            return 1;
        }
    }
    return s[0] < 0xed;
}

/* ------------------------------------------------------------------------ */
/* Scalars mod L = 2^252 + 27742317777372353535851937790883648493.          */
/* ------------------------------------------------------------------------ */

static const uint64_t sc_L[4] = {
    UINT64_C(0x5812631a5cf5d3ed), UINT64_C(0x14def9dea2f79cd6), 0,
    UINT64_C(0x1000000000000000)};

/* floor(2^512 / L), for Barrett reduction */
static const uint64_t sc_mu[5] = {
    UINT64_C(0xed9ce5a30a2c131b), UINT64_C(0x2106215d086329a7),
    UINT64_C(0xffffffffffffffeb), UINT64_C(0xffffffffffffffff), 0xf};

/* 1 iff the little-endian 256-bit s is below L. */
static int sc_is_canonical(const uint8_t s[32])
{
    int i;
    for (i = 3; i >= 0; i--) {
        const uint64_t w = load64_le(s + 8 * i);
        if (w != sc_L[i]) {
            return w < sc_L[i];
        }
    }
    return 0;
}

/* r (4 limbs) = x (64 bytes, little-endian) mod L (HAC 14.42, b = 2^64,
 * k = 4). */
static void sc_reduce512(uint64_t r[4], const uint8_t x[64])
{
    uint64_t xl[8], q3[5], r2[5], rr[5];
    uint64_t q2[10] = {0};
    int i, j;

    for (i = 0; i < 8; i++) {
        xl[i] = load64_le(x + 8 * i);
    }
    /* q2 = floor(x / b^3) * mu; only limbs 5..9 are needed, but the
     * partial products below them carry into limb 5. */
    for (i = 0; i < 5; i++) {
        u128 carry = 0;
        const uint64_t qi = xl[3 + i];
        for (j = 0; j < 5; j++) {
            carry += (u128)qi * sc_mu[j] + q2[i + j];
            q2[i + j] = (uint64_t)carry;
            carry >>= 64;
        }
        q2[i + 5] = (uint64_t)carry;
    }
    for (i = 0; i < 5; i++) {
        q3[i] = q2[5 + i];
    }
    /* r2 = q3 * L mod b^5 */
    memset(r2, 0, sizeof r2);
    for (i = 0; i < 5; i++) {
        u128 carry = 0;
        for (j = 0; j < 4 && i + j < 5; j++) {
            carry += (u128)q3[i] * sc_L[j] + r2[i + j];
            r2[i + j] = (uint64_t)carry;
            carry >>= 64;
        }
        if (i + j < 5) {
            r2[i + j] = (uint64_t)carry;
        }
    }
    /* rr = (x mod b^5) - r2 mod b^5; it is below 3L */
    {
        uint64_t borrow = 0;
        for (i = 0; i < 5; i++) {
            const uint64_t a = xl[i], b = r2[i];
            const uint64_t d = a - b - borrow;
            borrow = (a < b) || (a - b < borrow);
            rr[i] = d;
        }
    }
    for (;;) {
        /* rr >= L ? */
        int ge = rr[4] != 0;
        if (!ge) {
            ge = 1; /* equal counts as >= */
            for (i = 3; i >= 0; i--) {
                if (rr[i] != sc_L[i]) {
                    ge = rr[i] > sc_L[i];
                    break;
                }
            }
        }
        if (!ge) {
            break;
        }
        {
            uint64_t borrow = 0;
            for (i = 0; i < 5; i++) {
                const uint64_t a = rr[i], b = i < 4 ? sc_L[i] : 0;
                const uint64_t d = a - b - borrow;
                borrow = (a < b) || (a - b < borrow);
                rr[i] = d;
            }
        }
    }
    for (i = 0; i < 4; i++) {
        r[i] = rr[i];
    }
}

/* Width-w NAF of a scalar below 2^253 over positions 0..255: every nonzero
 * digit is odd, below 2^(w-1) in absolute value, and followed by at least
 * w-1 zeros. */
static void sc_wnaf(int8_t naf[256], const uint64_t k[4], int w)
{
    int bit = 0, carry = 0;

    memset(naf, 0, 256);
    while (bit < 256) {
        const int limb = bit >> 6, off = bit & 63;
        uint64_t word;
        int now;

        if ((int)((k[limb] >> off) & 1) == carry) {
            bit++;
            continue;
        }
        now = w;
        if (now > 256 - bit) {
            now = 256 - bit;
        }
        word = k[limb] >> off;
        if (off + now > 64 && limb < 3) {
            word |= k[limb + 1] << (64 - off);
        }
        word &= ((uint64_t)1 << now) - 1;
        word += (uint64_t)carry;
        carry = (int)((word >> (w - 1)) & 1);
        naf[bit] = (int8_t)((int)word - (carry << w));
        bit += now;
    }
}

/* ------------------------------------------------------------------------ */
/* Tables and the double-scalar multiplication.                             */
/* ------------------------------------------------------------------------ */

#define SPLITS 8                     /* pieces per scalar */
#define SPLIT_BITS (256 / SPLITS)    /* doublings per verification */
#define WA 5                         /* wNAF width for h (per-key table) */
#define WB 7                         /* wNAF width for S (static table) */
#define NA (1 << (WA - 2))           /* odd multiples 1, 3, ..., 2^(WA-1) - 1 */
#define NB (1 << (WB - 2))

/* base_table[j][i] = (2i + 1) * 2^(SPLIT_BITS * j) * B, affine Niels form,
 * limbs of the canonical values.  Generated (and re-checked by
 * tests/test_ed25519_verify_native.py) from the curve parameters. */
static const ge_niels base_table[SPLITS][NB] = {
    {
        {{{0x493c6f58c3b85,0xdf7181c325f7,0xf50b0b3e4cb7,0x5329385a44c32,0x7cf9d3a33d4b}}, {{0x3905d740913e,0xba2817d673a2,0x23e2827f4e67c,0x133d2e0c21a34,0x44fd2f9298f81}}, {{0x11205877aaa68,0x479955893d579,0x50d66309b67a0,0x2d42d0dbee5ee,0x6f117b689f0c6}}},
        {{{0x5b0a84cee9730,0x61d10c97155e4,0x4059cc8096a10,0x47a608da8014f,0x7a164e1b9a80f}}, {{0x11fe8a4fcd265,0x7bcb8374faacc,0x52f5af4ef4d4f,0x5314098f98d10,0x2ab91587555bd}}, {{0x6933f0dd0d889,0x44386bb4c4295,0x3cb6d3162508c,0x26368b872a2c6,0x5a2826af12b9b}}},
        {{{0x2bc4408a5bb33,0x78ebdda05442,0x2ffb112354123,0x375ee8df5862d,0x2945ccf146e20}}, {{0x182c3a447d6ba,0x22964e536eff2,0x192821f540053,0x2f9f19e788e5c,0x154a7e73eb1b5}}, {{0x3dbf1812a8285,0xfa17ba3f9797,0x6f69cb49c3820,0x34d5a0db3858d,0x43aabe696b3bb}}},
        {{{0x25cd0944ea3bf,0x75673b81a4d63,0x150b925d1c0d4,0x13f38d9294114,0x461bea69283c9}}, {{0x72c9aaa3221b1,0x267774474f74d,0x64b0e9b28085,0x3f04ef53b27c9,0x1d6edd5d2e531}}, {{0x36dc801b8b3a2,0xe0a7d4935e30,0x1deb7cecc0d7d,0x53a94e20dd2c,0x7a9fbb1c6a0f9}}},
        {{{0x6678aa6a8632f,0x5ea3788d8b365,0x21bd6d6994279,0x7ace75919e4e3,0x34b9ed338add7}}, {{0x6217e039d8064,0x6dea408337e6d,0x57ac112628206,0x647cb65e30473,0x49c05a51fadc9}}, {{0x4e8bf9045af1b,0x514e33a45e0d6,0x7533c5b8bfe0f,0x583557b7e14c9,0x73c172021b008}}},
        {{{0x700848a802ade,0x1e04605c4e5f7,0x5c0d01b9767fb,0x7d7889f42388b,0x4275aae2546d8}}, {{0x75b0249864348,0x52ee11070262b,0x237ae54fb5acd,0x3bfd1d03aaab5,0x18ab598029d5c}}, {{0x32cc5fd6089e9,0x426505c949b05,0x46a18880c7ad2,0x4a4221888ccda,0x3dc65522b53df}}},
        {{{0xc222a2007f6d,0x356b79bdb77ee,0x41ee81efe12ce,0x120a9bd07097d,0x234fd7eec346f}}, {{0x7013b327fbf93,0x1336eeded6a0d,0x2b565a2bbf3af,0x253ce89591955,0x267882d17602}}, {{0xa119732ea378,0x63bf1ba8e2a6c,0x69f94cc90df9a,0x431d1779bfc48,0x497ba6fdaa097}}},
        {{{0x6cc0313cfeaa0,0x1a313848da499,0x7cb534219230a,0x39596dedefd60,0x61e22917f12de}}, {{0x3cd86468ccf0b,0x48553221ac081,0x6c9464b4e0a6e,0x75fba84180403,0x43b5cd4218d05}}, {{0x2762f9bd0b516,0x1c6e7fbddcbb3,0x75909c3ace2bd,0x42101972d3ec9,0x511d61210ae4d}}},
        {{{0x676ef950e9d81,0x1b81ae089f258,0x63c4922951883,0x2f1d54d9b3237,0x6d325924ddb85}}, {{0x386484420de87,0x2d6b25db68102,0x650b4962873c0,0x4081cfd271394,0x71a7fe6fe2482}}, {{0x182b8a5c8c854,0x73fcbe5406d8e,0x5de3430cff451,0x554b967ac8c41,0x4746c4b6559ee}}},
        {{{0x77b3c6dc69a2b,0x4edf13ec2fa6e,0x4e85ad77beac8,0x7dba2b28e7bda,0x5c9a51de34fe9}}, {{0x546c864741147,0x3a1df99092690,0x1ca8cc9f4d6bb,0x36b7fc9cd3b03,0x219663497db5e}}, {{0xf1cf79f10e67,0x43ccb0a2b7ea2,0x5089dfff776a,0x1dd84e1d38b88,0x4804503c60822}}},
        {{{0x49ed02ca37fc7,0x474c2b5957884,0x5b8388e816683,0x4b6c454b76be4,0x553398a516506}}, {{0x21d23a36d175,0x4fd3373c6476d,0x20e291eeed02a,0x62f2ecf2e7210,0x771e098858de4}}, {{0x2f5d278451edf,0x730b133997342,0x6965420eb6975,0x308a3bfa516cf,0x5a5ed1d68ff5a}}},
        {{{0x5122afe150e83,0x4afc966bb0232,0x1c478833c8268,0x17839c3fc148f,0x44acb897d8bf9}}, {{0x5e0c558527359,0x3395b73afd75c,0x72afa4e4b970,0x62214329e0f6d,0x19b60135fefd}}, {{0x68145e134b83,0x1e4860982c3cc,0x68fb5f13d799,0x7c9283744547e,0x150c49fde6ad2}}},
        {{{0x3f29509471138,0x729eeb4ca31cf,0x69c22b575bfbc,0x4910857bce212,0x6b2b5a075bb99}}, {{0x1863c9cdca868,0x3770e295a1709,0xd85a3720fd13,0x5e0ff1f71ab06,0x78a6d7791e05f}}, {{0x7704b47a0b976,0x2ae82e91aab17,0x50bd6429806cd,0x68055158fd8ea,0x725c7ffc4ad55}}},
        {{{0x26715d1cf99b2,0x2205441a69c88,0x448427dcd4b54,0x1d191e88abdc5,0x794cc9277cb1f}}, {{0x2bf71cd098c0,0x49dabcc6cd230,0x40a6533f905b2,0x573efac2eb8a4,0x4cd54625f855f}}, {{0x6c426c2ac5053,0x5a65ece4b095e,0xc44086f26bb6,0x7429568197885,0x7008357b6fcc8}}},
        {{{0x672738773f01,0x752bf799f6171,0x6b4a6dae33323,0x7b54696ead1dc,0x6ef7e9851ad0}}, {{0x39fbb82584a34,0x47a568f257a03,0x14d88091ead91,0x2145b18b1ce24,0x13a92a3669d6d}}, {{0x3771cc0577de5,0x3ca06bb8b9952,0xb81c5d50390,0x43512340780ec,0x3c296ddf8a2af}}},
        {{{0x515f9d914a713,0x73191ff2255d5,0x54f5cc2a4bdef,0x3dd57fc118bcf,0x7a99d393490c7}}, {{0x34d2ebb1f2541,0xe815b723ff9d,0x286b416e25443,0xbdfe38d1bee8,0xa892c7007477}}, {{0x2ed2436bda3e8,0x2afd00f291ea,0xbe7381dea321,0x3e952d4b2b193,0x286762d28302f}}},
        {{{0x36093ce35b25,0x3b64d7552e9cf,0x71ee0fe0b8460,0x69d0660c969e5,0x32f1da046a9d9}}, {{0x58e2bce2ef5bd,0x68ce8f78c6f8a,0x6ee26e39261b2,0x33d0aa50bcf9d,0x7686f2a3d6f17}}, {{0x512a66d597c6a,0x609a70a57551,0x26c08a3c464c,0x4531fc8ee39e1,0x561305f8a9ad2}}},
        {{{0x4978dec92aed1,0x69adae7ca201,0x11ee923290f55,0x69641898d916c,0xaaec53e35d4}}, {{0x2cc28e7b0c0d5,0x77b60eb8a6ce4,0x4042985c277a6,0x636657b46d3eb,0x30a1aef2c57c}}, {{0x1f773003ad2aa,0x5642cc10f76,0x3b48f82cfca6,0x2403c10ee4329,0x20be9c1c24065}}},
        {{{0x387d8249673a6,0x5bea8dc927c2a,0x5bd8ed5650ef0,0xef0e3fcd40e1,0x750ab3361f0ac}}, {{0xe44ae2025e60,0x5f97b9727041c,0x5683472c0ecec,0x188882eb1ce7c,0x69764c545067e}}, {{0x23283a2f81037,0x477aff97e23d1,0xb8958dbcbb68,0x205b97e8add6,0x54f96b3fb7075}}},
        {{{0x5f20429669279,0x8fafae4941f5,0x15d83c4eb7688,0x1cf379eca4146,0x3d7fe9c52bb75}}, {{0x5afc616b11ecd,0x39f4aec8f22ef,0x3b39e1625d92e,0x5f85bd4508873,0x78e6839fbe85d}}, {{0x32df737b8856b,0x608342f14e06,0x3967889d74175,0x1211907fba550,0x70f268f350088}}},
        {{{0x64583b1805f47,0x22c1baf832cd0,0x132c01bd4d717,0x4ecf4c3a75b8f,0x7c0d345cfad88}}, {{0x4112070dcf355,0x7dcff9c22e464,0x54ada60e03325,0x25cd98eef769a,0x404e56c039b8c}}, {{0x71f4b8c78338a,0x62cfc16bc2b23,0x17cf51280d9aa,0x3bbae5e20a95a,0x20d754762aaec}}},
        {{{0x7c36fc73bb758,0x4a6c797734bd1,0xef248ab3950e,0x63154c9a53ec8,0x2b8f1e46f3cee}}, {{0x4feb135b9f543,0x63bd192ad93ae,0x44e2ea612cdf7,0x670f4991583ab,0x38b8ada8790b4}}, {{0x4a9cdf51f95d,0x5d963fbd596b8,0x22d9b68ace54a,0x4a98e8836c599,0x49aeb32ceba1}}},
        {{{0x7d0b75fc7931,0x16f4ce4ba754a,0x5ace4c03fbe49,0x27e0ec12a159c,0x795ee17530f67}}, {{0x67d3c63dcfe7e,0x112f0adc81aee,0x53df04c827165,0x2fe5b33b430f0,0x51c665e0c8d62}}, {{0x25b0a52ecbd81,0x5dc0695fce4a9,0x3b928c575047d,0x23bf3512686e5,0x6cd19bf49dc54}}},
        {{{0x6612165afc386,0x1171aa36203ff,0x2642ea820a8aa,0x1f3bb7b313f10,0x5e01b3a7429e4}}, {{0x7619052179ca3,0xc16593f0afd0,0x265c4795c7428,0x31c40515d5442,0x7520f3db40b2e}}, {{0x50be3d39357a1,0x3ab33d294a7b6,0x4c479ba59edb3,0x4c30d184d326f,0x71092c9ccef3c}}},
        {{{0x3d8ac74051dcf,0x10ab6f543d0ad,0x5d0f3ac0fda90,0x5ef1d2573e5e4,0x4173a5bb7137a}}, {{0x523f0364918c,0x687f56d638a7b,0x20796928ad013,0x5d38405a54f33,0xea15b03d0257}}, {{0x56e31f0f9218a,0x5635f88e102f8,0x2cbc5d969a5b8,0x533fbc98b347a,0x5fc565614a4e3}}},
        {{{0x2e1e67790988e,0x1e38b9ae44912,0x648fbb4075654,0x28df1d840cd72,0x3214c7409d466}}, {{0x6570dc46d7ae5,0x18a9f1b91e26d,0x436b6183f42ab,0x550acaa4f8198,0x62711c414c454}}, {{0x1827406651770,0x4d144f286c265,0x17488f0ee9281,0x19e6cdb5c760c,0x5bea94073ecb8}}},
        {{{0xce63f343d2f8,0x1e0a87d1e368e,0x45edbc019eea,0x6979aed28d0d1,0x4ad0785944f1b}}, {{0x5bf0912c89be4,0x62fadcaf38c83,0x25ec196b3ce2c,0x77655ff4f017b,0x3aacd5c148f61}}, {{0x63b34c3318301,0xe0e62d04d0b1,0x676a233726701,0x29e9a042d9769,0x3aff0cb1d9028}}},
        {{{0x6430bf4c53505,0x264c3e4507244,0x74c9f19a39270,0x73f84f799bc47,0x2ccf9f732bd99}}, {{0x5c7eb3a20405e,0x5fdb5aad930f8,0x4a757e63b8c47,0x28e9492972456,0x110e7e86f4cd2}}, {{0xd89ed603f5e4,0x51e1604018af8,0xb8eedc4a2218,0x51ba98b9384d0,0x5c557e0b9693}}},
        {{{0x6bbb089c20eb0,0x6df41fb0b9eee,0x51087ed87e16f,0x102db5c9fa731,0x289fef0841861}}, {{0x1ce311fc97e6f,0x6023f3fb5db1f,0x7b49775e8fc98,0x3ad70adbf5045,0x6e154c178fe98}}, {{0x16336fed69abf,0x4f066b929f9ec,0x4e9ff9e6c5b93,0x18c89bc4bb2ba,0x6afbf642a95ca}}},
        {{{0x55070f913a8cc,0x765619eac2bbc,0x3ab5225f47459,0x76ced14ab5b48,0x12c093cedb801}}, {{0xde0c62f5d2c1,0x49601cf734fb5,0x6b5c38263f0f6,0x4623ef5b56d06,0xdb4b851b9503}}, {{0x47f9308b8190f,0x414235c621f82,0x31f5ff41a5a76,0x6736773aab96d,0x33aa8799c6635}}},
        {{{0xf588fc156cb1,0x363414da4f069,0x7296ad9b68aea,0x4d3711316ae43,0x212cd0c1c8d58}}, {{0x7f51ebd085cf2,0x12cfa67e3f5e1,0x1800cf1e3d46a,0x54337615ff0a8,0x233c6f29e8e21}}, {{0x4d5107f18c781,0x64a4fd3a51a5e,0x4f4cd0448bb37,0x671d38543151e,0x1db7778911914}}},
        {{{0x14769dd701ab6,0x28339f1b4b667,0x4ab214b8ae37b,0x25f0aefa0b0fe,0x7ae2ca8a017d2}}, {{0x352397c6bc26f,0x18a7aa0227bbe,0x5e68cc1ea5f8b,0x6fe3e3a7a1d5f,0x31ad97ad26e2a}}, {{0x17ed0920b962,0x187e33b53b6fd,0x55829907a1463,0x641f248e0a792,0x1ed1fc53a6622}}},
    },
    {
        {{{0x5b69f7b85c5e8,0x17a2d175650ec,0x4cc3e6dbfc19e,0x73e1d3873be0e,0x3a5f6d51b0af8}}, {{0x68756a60dac5f,0x55d757b8aec26,0x3383df45f80bd,0x6783f8c9f96a6,0x20234a7789ecd}}, {{0x20db67178b252,0x73aa3da2c0eda,0x79045c01c70d3,0x1b37b15251059,0x7cd682353cffe}}},
        {{{0x500fabe7731ba,0x7cc53c3113351,0x7cf65fe080d81,0x3c5d966011ba1,0x5d840dbf6c6f6}}, {{0x4468c9d9fc8,0x5da8554796b8c,0x3b8be70950025,0x6d5892da6a609,0xbc3d08194a31}}, {{0x6380d309fe18b,0x4d73c2cb8ee0d,0x6b882adbac0b6,0x36eabdddd4cbe,0x3a4276232ac19}}},
        {{{0x34aabfe097be1,0x43bfc03253a33,0x29bc7fe91b7f3,0xa761e4844a16,0x65c621272c35f}}, {{0x53417dbe7e29c,0x54573827394f5,0x565eea6f650dd,0x42050748dc749,0x1712d73468889}}, {{0x389f8ce3193dd,0x2d424b8177ce5,0x73fa0d3440cd,0x139020cd49e97,0x22f9800ab19ce}}},
        {{{0x215bb53d003d6,0x1179e792ca8c3,0x1a0e96ac840a2,0x22393e2bb3ab6,0x3a7758a4c86cb}}, {{0x269153ed6fe4b,0x72a23aef89840,0x52be5299699c,0x3a5e5ef132316,0x22f960ec6faba}}, {{0x111f693ae5076,0x3e3bfaa94ca90,0x445799476b887,0x24a0912464879,0x5d9fd15f8de7f}}},
        {{{0x6bb164481ba30,0x4381adefd7024,0x240970a67512d,0x233f4887ffe7f,0x6d521d2b02713}}, {{0x21e63c5c0f01e,0x39d9ead47067c,0x50d6680c0caf6,0x6ff9f4d8a3896,0x62f119c8add0}}, {{0x7caa6b617d75e,0x7fda3536cc87c,0x7c64ac93dd92,0x7971627fdc182,0x6cc46911baf4f}}},
        {{{0x45cc8a39ddc65,0x4ab0158a4c9b0,0x20a01edc3c627,0x19639f2ec2797,0x35f5ad66c0711}}, {{0x4297e2d671e05,0x58c7dc0b86374,0x5dec5d5645311,0x2a530f3ea830,0x3a84225830ab1}}, {{0x1a7cd67352608,0x63ea414742b6c,0x7b817f76bd861,0x68d4b4c58945c,0x14df78105ce81}}},
        {{{0x41ea75a8620d0,0x55a44cb57ba78,0x41f973ee3661,0x43f9b6e43904f,0x20d67ccddbc09}}, {{0x56a609c66edb3,0x5801bb39467d8,0x3b0d47aba06e8,0x7630072916426,0x35cdda5981210}}, {{0xefd632cbf47e,0x3d89bb35835e9,0x7312d027059f1,0x2a54d2574273,0x77f69f2895ab2}}},
        {{{0x8e526c2d6d92,0x24cd6e5609b3f,0x113d859468d6,0x5307799ccc153,0x15119e31ba71a}}, {{0x18b2d8f4d3bf0,0x539aa69c79733,0x57a10ed77dcfe,0x451ae71b912a4,0x3bc09eda8aa4f}}, {{0x23871361e639b,0x1157a1f17c48c,0x3ff2bc921ca2f,0x70b4566492e8,0x2cd4300a5aa4a}}},
        {{{0x3520e6382ac7d,0x6b5a379cadedf,0x1796c559985d9,0xae4a242cd22a,0x615a985b35672}}, {{0x184b4141ce199,0x70070c7f51bd0,0x2c2f144e6aac,0x6a6105ffb766b,0x23f1e48a78c0e}}, {{0x93fde6381273,0x6f6b18370e9b7,0x7646149b0ab22,0x761cb223f5d8e,0x577a87878e1cc}}},
        {{{0x7bfe8d3cf985b,0x22d1fd7799b64,0x5d4176f9e0400,0x74a47ffc7a9b5,0x191271e29b8af}}, {{0x43cac6509df4b,0x1281a8db639c1,0x7f6dde7c31a1f,0x54acf891dc042,0x6aaf143a8dcf0}}, {{0x1e278393bb19a,0x50d21125cac92,0x5eb343a414bc9,0xe6282dac7815,0x376145d431ae8}}},
        {{{0x130ca7b42860c,0x4cdcc4c33616e,0xbbec28f178e6,0x292c734b6426d,0x4fcc94c648e57}}, {{0xfb82c019d432,0x18cdd643dd279,0x19782dd95000b,0x189ff395baf5e,0x6a0dab9f6c4c9}}, {{0x4631b192dc9d8,0x5c514e47891ac,0xf4b090b26254,0xd3d6395fc63f,0x2a3f28c869939}}},
        {{{0x5d37129dd0660,0x33a167f7a410,0x52e1aede41c04,0x3bacfd5b151eb,0x1ff362b03c389}}, {{0x47d4fb6d0d8dd,0x29dfa79cd211c,0x1af60b5614e07,0x248d3a1f0ab29,0xf2fa58e28178}}, {{0x565f654e191b8,0x70c262507cafe,0x386189e8ba45a,0x472b69463f0ef,0x3bedd6a2fdf6c}}},
        {{{0x18ee86e3573ff,0x3b959a03f64b2,0x5ad66979b63b2,0x3483c6b6793a3,0x27e8e865ceb3c}}, {{0x757633726ee1d,0x5500ef41aa3d6,0xa2820cd0e7f2,0x86778d28d593,0x3b5785f9363a8}}, {{0x7f0fd03fade88,0xac32718c6fae,0x7e6ff674d4f5c,0x42e79b3036262,0x2faae9b25d080}}},
        {{{0x51c7854a1b8c5,0x68a5ff4b0c90b,0x659f78f2fc370,0x6dd42df64a0a4,0x40aeb213cbd46}}, {{0x1bdf4790311c,0x2eec002229708,0x3b91646d50981,0x6abd73b89bd70,0x2fcfa4fe992f9}}, {{0x4545fffe7ec6a,0x314dae4cf11bf,0x4925149d43613,0x3f2653b8635e1,0x7b3cb2db5a703}}},
        {{{0x3df5808c5cffa,0x29385a83fe443,0x7259cef492187,0x68645d253925,0x8af94037cc6}}, {{0x4c98179328514,0x38b3515745943,0x55d9116f2da8c,0x31d088f34ed0f,0x717d55d4914d1}}, {{0x73591be332ced,0x50267c9af9b5b,0x519a6458b692a,0x2e8340feca55b,0x6fc6ea93f08fe}}},
        {{{0x5a346475f3d4c,0x6d158713fc848,0x1d78f3f361744,0x6a20c7176573e,0x3d22f44535d3a}}, {{0x138a8bcc06e15,0x6499c468f9b56,0x234b6c975cef9,0x4d958b218e2bd,0x3c535456e5eca}}, {{0x288324ae6111b,0x6e02c301c92dd,0x5fabe1c1e6089,0x5cc250b6171ff,0x11e5362d7eccc}}},
        {{{0xccdac9d8d76c,0x6ac0625e3c29b,0x5d3966cb9fb71,0x6127c77bc6499,0x476a3fee0cf88}}, {{0x38d72122b5f8c,0x5d5f8c0ad4286,0xb6608020e646,0x2deae9ef92130,0x1a6172eb00de7}}, {{0x3c4c22ff0ebd2,0x3bad6b0f24ada,0x72fcf3d937fc2,0x569c2b9ebf91b,0x2199691ae37d2}}},
        {{{0x6761d23ba1f82,0x611c4a8a386de,0x90faddc6f5c8,0x5c581d8a8a4a1,0x37a655e6eebf7}}, {{0x1354d8c2dd758,0x516a8ac8481f9,0x34269fd7f7f89,0x25079cfb47232,0x3f35ed3f9d676}}, {{0x7d55ff925dfb5,0x5780751e0c50e,0xa410592c441b,0x3a4541efd29ef,0x41b49f1df22e3}}},
        {{{0x6ccfe81951082,0x33e1af6542913,0x181b893543ae8,0x2af2c4f2e1f81,0x7ad34434fdaa4}}, {{0x2bf9fe6ca8859,0x63a7ebe82695c,0x5cb44c0137483,0x2f8e678027a3e,0x465f80df6ea27}}, {{0xd56d8a688dba,0x29fe4cae9e20,0x28540b127572c,0x71537567f6b27,0x625df7248f91d}}},
        {{{0xfcbf43fea1b,0x276fc79b4d89d,0x1cb53ae8a230f,0x66f1bbf633489,0xd23a3e271d76}}, {{0x1e47041dc6729,0x53eb822afd6fb,0x2e67fbb53112d,0x112c13685289a,0x6869a08c208da}}, {{0x4734e9c2d4a71,0x56b4966da04f2,0x188b8bc49b37f,0x38656222c6b12,0x4fbe6d88f09c1}}},
        {{{0x1f128bedfbd57,0xb32590c6d3a4,0x6c5961ecb0af7,0x26249a2583da5,0x6acd68a2edf12}}, {{0x2fa7078effd3f,0x5f454685bfa1f,0x6da86854fdb2b,0x501cc1640a3d3,0x576186a1a7496}}, {{0x1786416518ba0,0x66506c92bc239,0x8e4f39a89ec6,0x1e329c4483b5c,0x3291ba2819b20}}},
        {{{0x7bf69651c7825,0x15b9190e1380b,0x590fdd3b43cc3,0x68b4fd21be3e0,0x28acef596be00}}, {{0x553874c574e25,0x4db551596b1a1,0xc2579c41a761,0x5477e19c2b0f9,0x48a1b1b9bdc20}}, {{0x62dc1231347a1,0x261de14587b24,0x5efbf88069985,0x4ee54f29e3779,0x3b756e543e315}}},
        {{{0x3f534ee8f7551,0x189e1536e8770,0x8942fd3861a2,0x6ce47fd1fddc4,0x6e901ab4e6f87}}, {{0x3e5a3f444f5db,0x566f046dece8c,0x37bf098658010,0x2473938caa04f,0x46b9a26919072}}, {{0x3d203e71090b3,0x561ae9e1b20dc,0x52b810483ac1f,0x3363e43808154,0x1a97bb7818dd5}}},
        {{{0x6906f847436bc,0x46fc864609ae7,0x522a8c1f324b2,0x5776383bec80c,0x4e5bee1c83e5c}}, {{0x61be0a5238e95,0x32f2b81b79ecd,0x3f33d90fd40ea,0x3ce75e5baf851,0x6c2bfe4cb92fc}}, {{0x557b80c9b5a0,0xc9a0b70bcece,0x69a5a1ec451a8,0x6dfa7ac2ce3a5,0xce17d9aca4bf}}},
        {{{0x65e3b0655faf4,0x1129988821acb,0x69f0884e8fe1b,0x6ebaec5c74701,0x58fa0484d83f8}}, {{0x2e48196760f32,0x7bafca764651a,0x1b9f128d3462f,0x6a87caa3c62af,0x426e42dba8f16}}, {{0x1e632069d8b23,0x4e39698d0f7c4,0x3e1d24cafab3a,0x312c3f9666e4e,0x5cc8b61a6491}}},
        {{{0x5cff9255a9a36,0x166508b1b3e87,0x14f3721609790,0xfa34cea80a5f,0x612adb07b67bd}}, {{0x2baaedda593b2,0x4bca1ff574462,0x34120de0c9545,0x44e2e218a724f,0x3908bb7418862}}, {{0x4e990483dcf28,0xa88b0d62e81b,0x4256104d94efa,0x127a4cf6716c7,0x25ae5e3955c12}}},
        {{{0x7b514169dcb83,0xfc9287889e9e,0x485d55c32af53,0x7e647dcf33660,0x474782622eec3}}, {{0x100d2998cb213,0x6abe9d6a47274,0x9b27b790975c,0x7101ac1cb6f0f,0x32863e530f199}}, {{0x6bee15166fdc2,0x82ea4fbade7d,0x1ac30c0d3386f,0x7e139fe65bc05,0x2ef999b11ce5}}},
        {{{0x7c8f50a444685,0x538de4100d641,0x49b9be4c0a0d6,0xea175475982f,0x4f2edbe903f53}}, {{0x43878f7de5ef1,0x4683d1c6e4984,0x1118b8681f7a8,0x7f989d01c914f,0x52c66a8cbebc1}}, {{0x79ef78145f9b5,0x4aa13fee09eba,0x498d80218fa1b,0x36ba22a63c00f,0x55fb38fb97b1a}}},
        {{{0x436fe14d5b0b8,0x544346efa1a09,0x4caffcdaa089f,0x2017e508a4e55,0x4340712d762c3}}, {{0x2e23b8e019def,0x310f06cf847b6,0x702c2a3bbede9,0x18ce9953b6c20,0x11acdeb2a356b}}, {{0x77a7fec843195,0x4889d1587b888,0x798865de6ab04,0x3b6cb646b4cf3,0x71a0fae9f6a6}}},
        {{{0x7feeef689735,0x696f9447151a4,0xc5f6ade75962,0x9a221ee524ea,0x45d7063f0d659}}, {{0x40c9c538a660b,0x6f5b3b0062481,0x7a2a027b6150a,0x1f3e2a6e50388,0x35fa7313dd88b}}, {{0x365c64f198707,0x92a0b6cb7c4e,0x5c1bb29a55e33,0x39e32983f83a4,0x1e686e85bfdf5}}},
        {{{0x56666313dcb3,0x16f643b305a15,0x4d9f804db3e7b,0x3ae3d629ae3fd,0x31c84e111f671}}, {{0x76529efbbdd6e,0x659b7caa419ea,0x79a14502cb766,0x104fbfe724c2b,0x37df2c20fdaf1}}, {{0x474fd8f3323ea,0xd235183fb2a7,0x1e45944326a1d,0x70de82e5c48b8,0x7ba108fffd3ec}}},
        {{{0x4345400300c73,0x16e7ce2cb9be0,0x4301b57d9f921,0x6a532b1caa10d,0x727e2b7ecc2f3}}, {{0x7f2779a5dc00a,0x6a1f81a1171f7,0x5d658a2ff9fa3,0x32b18735cf155,0x41a7c7fdb2a9c}}, {{0x51497ed553970,0x420a535521e4d,0x79162a9901492,0x23eb7c5725e01,0x26d8936ef954d}}},
    },
    {
        {{{0x265e777d1f515,0xf1f54c1e39a5,0x2f01b95522646,0x4fdd8db9dde6d,0x654878cba97cc}}, {{0x38ec78df6b0fe,0x13caebea36a22,0x5ebc6e54e5f6a,0x32804903d0eb8,0x2102fdba2b20d}}, {{0x6e405055ce6a1,0x5024a35a532d3,0x1f69054daf29d,0x15d1d0d7a8bd5,0xad725db29ecb}}},
        {{{0x55e4c50fe1296,0x5fdd13efc30d,0x1c0c6c380e5ee,0x3e11de3fb62a8,0x6678fd69108f3}}, {{0x6962feab1a9c8,0x6aca28fb9a30b,0x56db7ca1b9f98,0x39f58497018dd,0x4024f0ab59d6b}}, {{0x6fa31636863c2,0x10ae5a67e42b0,0x27abbf01fda31,0x380a7b9e64fbc,0x2d42e2108ead4}}},
        {{{0x6df5721d34e6a,0x4f32f767a0c06,0x1d5abeac76e20,0x41ce9e104e1e4,0x6e15be54c1dc}}, {{0x25a1e2bc9c8bd,0x104c8f3b037ea,0x405576fa96c98,0x2e86a88e3876f,0x1ae23ceb960cf}}, {{0x25d871932994a,0x6b9d63b560b6e,0x2df2814c8d472,0xfbbee20aa4ed,0x58ded861278ec}}},
        {{{0x531474912100a,0x5afcdf7c0d057,0x7a9e71b788ded,0x5ef708f3b0c88,0x7433be3cb393}}, {{0x4987891610042,0x79d9d7f5d0172,0x3c293013b9ec4,0xc2b85f39caca,0x35d30a99b4d59}}, {{0x144c05ce997f4,0x4960b8a347fef,0x1da11f15d74f7,0x54fac19c0fead,0x2d873ede7af6d}}},
        {{{0x4c2481dce666,0x5929a0b603c1c,0x6e83d94bf44ae,0x5d46707f80356,0x6129a399608a}}, {{0x7abbdeca2bb1f,0x1f6326f4315b3,0x7eb3eeda43c5,0x72f6307a63478,0x4b9bc6b65eb3b}}, {{0x384e16373339a,0x4b9d4ea0da3e7,0x5975dda768cdd,0x358fd6ec3fafd,0x16ebc2d29edf}}},
        {{{0x3c9a0f9929eff,0x5eda4285ec2a5,0x6bfe5ef70fa05,0x606836fb1d93c,0x1b8446a186eb}}, {{0x6e23f06ba91fe,0x8d6acfba0795,0x551b87dfebf91,0x44215e2d289ac,0x51b8bb2592ef3}}, {{0x78e10e172d287,0x53538457ea856,0x17abd0c45d4e8,0x5c04beffb2460,0x5a492a4e4a141}}},
        {{{0x915fc0dcf155,0x8b01b62ddfad,0x35307f1f7bbe0,0x7c15cbfa517e9,0x34d6119a76d6d}}, {{0x7231dad8c37b8,0x1c725b31e0773,0x7bfc65a44454a,0x593ed443f11d2,0x2031b09eefab1}}, {{0x111d6ae5e0fde,0x33540c4bc46dd,0x547598e5f5194,0x3126ac9b210a3,0x7d4c7f0c6a6f7}}},
        {{{0x1946239470d1c,0x26662e484bec6,0x138a99d34235a,0x61592b8219b98,0x1aa65abbf76ba}}, {{0x55b694658195f,0xe6e3437fc6ae,0x5c3f6f97f3bb9,0xb257be910c09,0x44e320e72af11}}, {{0x2cb09f2ec7cc5,0x2e6e9f1287b54,0x75c54789681e4,0x210776c27e988,0x11ad37999fb73}}},
        {{{0x62799bf86bddf,0x7b180871eb4e5,0x26811e20a66f1,0x4928beabaef51,0x1275e4f5f1eed}}, {{0x6fb97d82ee589,0x2f4ab531deccf,0x51dfa29fce73d,0x7550f75b454a0,0x1d2902beb6ab4}}, {{0x608c69fa7aa14,0x50ff223a8c4ec,0x321fee655d82b,0x1c4959ea0bd2a,0x7984039db24d5}}},
        {{{0x30061bff9dda0,0x44ddd43181260,0x89d56b2772e3,0x1608db6dc4ff6,0x324b1f12c33b3}}, {{0x1d2dbd1267ef8,0x5e32b3b07090e,0x639bb07dbd6c4,0x105900986ff48,0x34c1d0011c2f4}}, {{0x76262fc15fde4,0x4e17d9fc3fa9,0x4aedf7198e796,0x7d080b945b6e5,0x11911fe16be72}}},
        {{{0x4ce8e7fbb92f9,0x96950ce5a732,0x3fb59d78f2c15,0x7e8b94ea20f9d,0x439a717432f96}}, {{0x25a42482cc774,0xa2125e5972ac,0x70a09fe139b2e,0x831ed258b1a4,0x3213f4415563a}}, {{0x583cf512f5acc,0x6aa8daf6a3708,0x685df6adba4c1,0x6ee5daff1fd0a,0x10b5929ea1ed5}}},
        {{{0x5958c5561495e,0x32f92e18ecd2c,0x34b1a8a4529e4,0x7163aa56064a6,0x21fc5547debc6}}, {{0x111cf52a1900e,0x1012ab41b063d,0x51c297f8d3abe,0x33abfc63ebe66,0x703c26fadd128}}, {{0x3cb553c4eb00f,0x92d2ed056229,0x3c3fc6ce844b9,0x54d50923b9601,0x3a74a7863ed90}}},
        {{{0x2fc89ec017f9a,0x4b7900164dfbb,0x2a8d0135f1997,0x126a982d848af,0x5e14c4e6c7963}}, {{0x6a893b80c4cf0,0x56886feded75f,0x39e61c0095581,0x2e397f74a94b2,0x73f2e4913bce1}}, {{0x64a5be3a7884,0x48d82f5fcfb8c,0x4fff1ceba6302,0x47688586aa780,0xd27693c43a32}}},
        {{{0x1182bc9acbfdb,0x3d9540b4fa916,0x1b8c38b9e1dab,0x2f6e1fe405bcb,0x4165d170b276b}}, {{0x1bff7ccc0af8c,0x6a27c4d41c600,0x6cea67424fad3,0x11d8701bcd429,0x4f4db9baafe30}}, {{0x116a7fbf02977,0x84cd3a8de46f,0x7eff39c593019,0x10f1fde5bfbcc,0x100d0f8273da}}},
        {{{0x1644a9b786f66,0x56ff5f105f4e2,0x5da2e3f373812,0x2665a02f6ec62,0x75515a6b19e94}}, {{0x57926158e35ab,0x17abec7e1feb7,0x6b922e0c4ce4f,0x34d39adcfb56e,0x49dd464f36af5}}, {{0x776071c657d8c,0x231a9d015dc93,0x485fa073d29b6,0x77eea5e8757cd,0x591b7993658c3}}},
        {{{0x13e9391d6e653,0x23db7d8583530,0x497784abb0cd7,0x1671c1f5fcce,0x7ba009892c6d1}}, {{0x8878dcd7c239,0x51a18d75bf003,0x779bf6936d934,0x5521c37ecdff1,0x1f78ee2b450a7}}, {{0x64f57a73967e0,0x2e64ae24a905a,0x3d74fce2ba4fe,0x2ea41a77f17fb,0x4371dab0c2a1}}},
        {{{0x2a7eaf2b56677,0x3dbfbb7bd8446,0x93f2cd78e1a6,0x6bbc376951a94,0x7c48ee90b0ca8}}, {{0x6c41e1684e27d,0x1618ebcd18001,0x6be5a08001b34,0x55aeea6235d34,0x7de443b4c0648}}, {{0x6a16f7ea93923,0x3e02e1930032b,0xaa686cb38154,0x6cca27caed967,0x2793c5c99c005}}},
        {{{0x54100bd567af,0x47fd56313cdae,0x218c470190f35,0x3a260a6b1a71,0x58826bf028dae}}, {{0x1ee05e3eb861f,0x441d872fd91df,0x97e9cc44e1dc,0xd96d3bc797b,0x4a723eb97e124}}, {{0x416aa80a7f60f,0x20119f935fa64,0x4212700aed35d,0x3f905bee628e0,0x3b77e47c9ca19}}},
        {{{0x3075d4a6fa02,0x3caeeb7e62f20,0x5c165cbe96eee,0x7a7556cec00be,0xecaa0e90e8b5}}, {{0xece7d98dd223,0x6b5464d502451,0x21a8a7ad5c295,0x54ecd0ca2d095,0x49d76c963851d}}, {{0x1eed11f44f493,0x2e1997e2de62a,0x3513a007c5379,0x65370bd9f8ef7,0x3d95845b50e14}}},
        {{{0x5ad98bc0bd052,0x67d6a7a2d15ea,0x2717f018d51c1,0x151ce32bee9dd,0x766a3da38643d}}, {{0x526523bda254e,0x226a94813044e,0x7c350d03b6a03,0x77725470f405a,0x35dd007b2e437}}, {{0x112bb1fac4c10,0x130cc696731fb,0x18d654889744f,0x4f59dd184b259,0x64cec112510ce}}},
        {{{0x17486ffe508fd,0x534b95612b9a4,0x169f202fc6c0a,0x7ff748e9fe1e,0x3eda68e69d3c2}}, {{0x4dc030c68a4a2,0x69bb06ff08c3d,0x58d2e94ae417f,0x5e0de2014d2a6,0x17f19726a32e0}}, {{0x6840ca69cde9f,0x5d5e108a1a8a7,0x3200454ac5faa,0x51ca54652dde6,0x769a8e2f3943b}}},
        {{{0x50c784593f067,0x54202a75ea913,0x7eb215966750e,0x536dcabcbd78b,0x62afe914fbabc}}, {{0x5db793375521f,0x107b5a2b7fcdc,0x712952f4d996d,0x66b45e012b09b,0x26ae1e05ebba4}}, {{0x335c96fa399dd,0x5c818838556bd,0x38e53bdee5151,0x36aafe6139cd7,0x4426b1524d0b5}}},
        {{{0xbeeab4bfa40e,0x4fe91883b318c,0x68fa046c77fa6,0x68b8ac60b8f35,0x3b5c8beaad8b8}}, {{0x42405930539b0,0x38220b1ac840e,0x72c37375ec222,0x46bc536a528ca,0x1116e7cc3dab9}}, {{0x79e2011a2a146,0x36f0d37e68971,0x6139b4338c22d,0x5362ee52a8a11,0x768bc4bb51b1a}}},
        {{{0x50ce1f9fc048f,0x3c61337c47aa3,0xf78117bb4bed,0x50a578dff906d,0x4a4568f0ec320}}, {{0x435aa5a652b7f,0x439fae3d2d4ec,0x124545a2d8965,0x2004711379fc,0x188536cb601bf}}, {{0x6c76f70cca4f7,0x443576affbf3d,0x7901f5c6a07c6,0x1e9d34e94c95a,0x312bf85c05162}}},
        {{{0x4c9f5e4ef1e42,0x181ea9d5b53f,0x558b04fb50169,0x7cc97d39447aa,0x43a8aec7b65fc}}, {{0x53779745954e6,0x4e46c72b07a40,0x7fa7f9a04a6b9,0x3a29bebd9e91,0x4c366ee7bd998}}, {{0x43f0f665f92f,0x415008f2d04e2,0x74edd87185a5f,0x61a4ba389758c,0x40f69ef461473}}},
        {{{0x61dde397f66d5,0x4f1695325a719,0x7dfe379cb9151,0x4ac03e695be,0x680fb07719279}}, {{0x460a3e7388468,0x2d1ea34dfb00c,0x7cde9aac304bf,0x629d52ef7cb25,0x74e4f7d451fc7}}, {{0x693182738126f,0x26a9a687b96a4,0x4dc348d2ead63,0x48dc0cd542b0d,0x619a3bffb7e59}}},
        {{{0x64755aae2ba6f,0x6dc059e2b6b9e,0x5d1b460ef260,0x418f6c71bf52e,0x359e842fc1b71}}, {{0x3e2e70807b2eb,0x2e102de9ed55f,0x6ff95cebc81b4,0x65333dcfb964e,0x5f967ce21a169}}, {{0x378eb1f863f09,0x7e9b85fc00f37,0x507b269395874,0x61e12582aad81,0x8985ee9f3d58}}},
        {{{0x23351e9f19b63,0x3c14828c4884f,0x43bbfac72464f,0x7f4d9b27f9ac2,0x7db320d3f8ab8}}, {{0x3bcf1bc01dfa1,0xaea09f2ce17d,0x330bc4680842e,0x17267af3092bc,0x6ebfb2c13ed1a}}, {{0x1370b153ef600,0x53af7d5f49f27,0x2dc6770519924,0x507206fb43fda,0x23cc65323024d}}},
        {{{0x5941b383ddd89,0x6c549defe827d,0x54a9788736d80,0x3ac393c2d413c,0x67f6c24799046}}, {{0x1df2315b0e531,0x5cd168ce22200,0x569237c901bd0,0x58e83af0a1fa,0x4bebb48dba4de}}, {{0x2ba65ceab72fa,0x4badf41ab3f87,0x21012b494aba9,0x400af86e05d22,0x19e0d6964f9b2}}},
        {{{0x4ba1a06c2affb,0x51104e6c713c3,0x441bc7e7cbf2c,0x69f8a60a9bcca,0x28eb1e166bc72}}, {{0x32b1560a24b15,0xc411c2b06f71,0x1e7b44380df71,0x24834a0982310,0x2c8b79e569d5}}, {{0x36c076e69094b,0x4466d0c056076,0x18a9123faaa12,0x10d8ad19362e8,0x39edf3ed2339}}},
        {{{0x50ab1cb944ebd,0x486098153bb9,0x14c1a4ccfdd6e,0x7f5146f9bd85f,0x5f97646502b22}}, {{0x2a5f569f25dca,0x333523d7f37,0x1ce88b51df840,0x1480e9c8022d4,0x757b94cda9223}}, {{0x576106e24d128,0x7e0fc924ef2bb,0x22be6e842926c,0x39171ff6513e2,0x3aebde0654392}}},
        {{{0x3243fa4ad1820,0x129acdc2c1058,0x781bd0b43a794,0x237c5a1a21375,0x45376d254d851}}, {{0x32af7e66c7a37,0x19434cffe9940,0x36b3bacb6900f,0x2530f8522ffc,0x31dfbd71c613a}}, {{0x4a79ea3df6166,0x3c48b0656c983,0x7ab95320b034a,0x6a1b1d19c30d4,0x62e67cbca4034}}},
    },
    {
        {{{0x639c12ddb0a4,0x6180490cd7ab3,0x3f3918297467c,0x74568be1781ac,0x7a195152e095}}, {{0x7a9c59c2ec4de,0x7e9f09e79652d,0x6a3e422f22d86,0x2ae8e3b836c8b,0x63b795fc7ad32}}, {{0x68f02389e5fc8,0x59f1bc877506,0x504990e410cec,0x9bd7d0feaee2,0x3e8fe83d032f0}}},
        {{{0x22d6648f940b9,0x197a5a1873e86,0x207e4c41a54bc,0x5360b3b4bd6d0,0x6240aacebaf72}}, {{0x61fd4ddba919c,0x7d8e991b55699,0x61b31473cc76c,0x7039631e631d6,0x43e2143fbc1dd}}, {{0x4749c5ba295a0,0x37946fa4b5f06,0x724c5ab5a51f1,0x65633789dd3f3,0x56bdaf238db40}}},
        {{{0x13d8b6c951364,0x4c0017e8f632a,0x53e559e53f9c4,0x4b20146886eea,0x2b4d5e242940}}, {{0x31e1988bb79bb,0x7b82f46b3bcab,0xf7a8ce827b41,0x5e15816177130,0x326055cf5b276}}, {{0x155cb28d18df2,0xc30d9ca11694,0x2090e27ab3119,0x208624e7a49b6,0x27a6c809ae5d3}}},
        {{{0x6221807f8f58c,0x3fa92813a8be5,0x6da98c38d5572,0x1ed95554468f,0x68698245d352e}}, {{0x2f2e0b3b2a224,0xc56aa22c1c92,0x5fdec39f1b278,0x4c90af5c7f106,0x61fcef2658fc5}}, {{0x15d852a18187a,0x270dbb59afb76,0x7db120bcf92ab,0xe7a25d714087,0x46cf4c473daf0}}},
        {{{0x4725b8c0b77ed,0x73d2c49fc26d5,0x4292f1df82a8f,0x557abced8b0a3,0x6e370171be4dc}}, {{0x55531a8008200,0x5800ea6329118,0x46883bec58bb7,0x2c07daac103c6,0x5af14d2f26e26}}, {{0x7ee959af78abd,0x1d3962f1dbb19,0x37e5eab72f919,0x562e9fe7389e7,0x60323d90642d0}}},
        {{{0x5c0b6d93deed1,0xa66bd96a1a81,0x5aad2e25300b3,0x46d8bed68f80b,0x36ee03441063b}}, {{0x69fe3c77a43f0,0x59e6df4c96a1,0x6dacdc23c3f7,0x573b42d291f72,0x64669a5f42c28}}, {{0x7480894895815,0x5166190204d93,0x35652cde9c6,0x2bb70874602cd,0x64197797c994a}}},
        {{{0x3ce694d144a49,0x6c942f8dd3827,0x6e16c5d6fa4df,0x484ea2f2917b4,0x5ed922e78d3b}}, {{0x7b7d1da0bd10a,0x3027b30996ce6,0x1e595937de946,0x697cb65fa214b,0x30d54fc53a943}}, {{0x144f39241b7b6,0x3a59b7a11b574,0x6aa2cbcfb3002,0x631c0464561b6,0x6aa6c86942cec}}},
        {{{0x133b3e858171f,0x397d9ccc196d3,0x369e95f2f24bf,0x57846b1d172ca,0x13fbd47827fc}}, {{0x3b2429ef5e79c,0x7db2f6bef249f,0x257f628468d7a,0x2a6abc603a0e,0x259815ef0bb5}}, {{0x6377cc96aac5b,0x58c506bae112c,0x62d56afcd4aff,0x169db348256f6,0x53640740e32fa}}},
        {{{0x4f3a4f0b8a1d6,0x431c8f23d6066,0xf88925e9eb96,0x31f8a760e6b49,0x23c55103243e8}}, {{0x1cb5bb884a508,0x7090635e85afc,0x4bc54c81a8918,0x7fb896b89409c,0x1b02d4a7c49b5}}, {{0x63c8ae919345d,0x4c1633eac2f4d,0x201fe1f7ae7b9,0x686fc509f60c6,0x6779ab8ae47c2}}},
        {{{0x3113ea4b99df4,0xc75f9a48c5c3,0x5adb3fdd0978c,0x4bdcc59445d0c,0x728b1c597ef9}}, {{0x1a58f7b5948fb,0x6be25d4221166,0x148c4358b080f,0x7a50ce2052046,0x2813522501379}}, {{0x1eae0141ae4aa,0x6f6fbb54b1ff5,0x10746593aa230,0x634fb678875f5,0x390a614bed442}}},
        {{{0x5540872880fe8,0x282c114f94fc1,0x38f6478f99da3,0x211d65edc740c,0x5ab4ae1e0c4c6}}, {{0x7735429315689,0x61804262343ea,0x6ede5ead6332f,0x1780d1e1289a5,0x676cc7fd466eb}}, {{0x1f64d1262c1b7,0x6ccfab6363896,0x1a33d10fe7171,0x7233e56b17f02,0x17b284bd6f11c}}},
        {{{0xced302e3177b,0xff31ef85ff6e,0x22a2e4644371f,0x3b3fd9c7f53c0,0x5eaf3b278e653}}, {{0x4fd955b423351,0x41c6faa2365a0,0xe075883c8884,0x315f1a6b47926,0x1f22105b43917}}, {{0x64f626daf70c7,0x785ecee2859ea,0x63f432a7f38a0,0x5d0c5ffdeb274,0x5753389b6bffa}}},
        {{{0x70f30458ad63d,0x6c69bf4068f5f,0x79f51d3d9edd3,0x488c08ff46d0d,0x2456cedcae0cd}}, {{0x4f337f4eed62,0x6918e756a1be0,0x34fc89424b608,0x456e3abb14d72,0x7aaeceb4f541a}}, {{0x24bd1caa1b8ed,0x73c5d13465654,0x24a744adfd547,0x7ea42c6746c59,0x2aaf1fbdcc52d}}},
        {{{0x603095a8c9169,0x139f7e0737868,0x7e5e0429a6428,0x2e5041bc3d2fb,0x46ce61d237757}}, {{0xe8ca4fc62a09,0x5e9039ec61fb2,0x3ac3341083021,0x51808e354a161,0x49b08b8c3c2f2}}, {{0x2673199ed4be2,0x5bf979ba93c6a,0x70a2a00f0a047,0x7bb13b98bf983,0x616674c2a1478}}},
        {{{0x1e30f540e4e7f,0x321dff9ec7264,0x76f16b4921907,0x2d787e219655d,0x4295b325352f7}}, {{0x377e18c328d71,0x3e278b0b19381,0x5e2a295605cf0,0x4be56340ab310,0x122bfedfccfe2}}, {{0xf18947584fe9,0x5217def6cfb05,0x3179f7552c613,0xd6187c60cd79,0x30c981aee3373}}},
        {{{0x6dc8ac5b4e450,0xf467f7dca97a,0x239f6e55400d9,0x6b4b1c9a05b44,0x362a870fd81ac}}, {{0x77115bec002b0,0x57a2c2dffc9ff,0x1954e4245ab5f,0x307d6e0fee83,0x6bb88d6a14333}}, {{0x3e927fe58cad9,0x414be2f36a98e,0x32ccd4b3a6a12,0xf6f3033aae76,0x26b64a4e0735d}}},
        {{{0x53c0e437f84c2,0x38688d9ddf659,0x4394022adeb2d,0x74050e7992c9f,0x2e4ef3d67c441}}, {{0x583bdfec119f6,0x5e28313e1225e,0x7870009c1570c,0x48935d7b3944a,0x41719ba4607d2}}, {{0x377dbce806493,0xa77998f38be4,0xc7e096d43e08,0x62c23d2fbf31e,0x249902b2ec1c}}},
        {{{0x5f7fb07c5bf28,0x7d6f9aa279f7e,0x388ba48ed9d47,0x4a25620390efc,0xff252806f2c5}}, {{0x40190a852a2e9,0x70eee84bf673f,0x6738a812e0bd6,0x2aa03b965ccd1,0x5ddc115ab964d}}, {{0x242b148c2d3a0,0x6be2436dc3dee,0x2bcdd2066713d,0x689c4200defb0,0x464958e3f796}}},
        {{{0x6cc30fba663d2,0x18eace209a759,0x739782c50bb8d,0x7d8284d9d9de6,0x23a1c0d97b7cd}}, {{0x6f99f0eb767c3,0x605a79c35e50b,0x14ca691ac7669,0x1cff573782155,0x438c029399dd9}}, {{0x3cd5f303ac5bd,0xd20062b9e1fd,0x22da95384b3d8,0x7d90feeb76ea6,0x3098c12accc0f}}},
        {{{0x5befca54b9835,0x3c237d21df5c2,0x14dc35899f546,0x7a4655aa7507d,0x3c75e5e337dcd}}, {{0x341a0a40fa6c3,0x4749808056776,0x64bc1a5c29b47,0x400960b42728f,0x58bdc8375cb59}}, {{0x74319700f208b,0x3d0c4f1e5a419,0x1664ab8e7021,0x15dabb14b9741,0x1458ab9ea6337}}},
        {{{0x37b19ddebc71a,0x1655ecb5e6c8f,0x6ed3a2447c688,0x1758e9bf3ccf7,0x4b9ec6c57ed89}}, {{0x66ea44515eea0,0x2fe415d3356b2,0xd9da90e295dd,0x6f7b6293c9207,0x1339020a84229}}, {{0x29cafc9e13db0,0x56be946598394,0x50451e394a801,0x5d02db3751a48,0x4c8665ae15dbd}}},
        {{{0x11603308a63a,0x73a048110c853,0x2ee92cbbf09e4,0x66af4e63e47f7,0x446b22ca16e4}}, {{0x506540e943c22,0x657d5a744fc8,0x1cf4ce8902a63,0xcae7918c8ebb,0x6dee1132e6a5d}}, {{0x7aacbfe4341b2,0x58f5fb1b60b53,0x53eac7a0d4da9,0x1f231787f22c4,0x2842bb0655ea4}}},
        {{{0x1e695182c1549,0x401a5eb6dc269,0x141ffa16e4e1a,0x3ec8726eb4d75,0x1bb21841a41b9}}, {{0x3fd54f7de3b25,0x1191522e850f9,0x331faf2d87cab,0x818bbbb9d78f,0x719e44297e374}}, {{0x7da2c5c8b10c6,0x84c99c871a6c,0x43bc947192c71,0x789c81875dc81,0x20a3f9ee43f94}}},
        {{{0x73a0c056976e0,0x377e760263056,0x752a94d9b0b8e,0x254634c494812,0x381db53c9949b}}, {{0x16fb1243991cb,0x549f965665f21,0x42e7fcfc75787,0x107ed8642356,0x3001ba2bd44ca}}, {{0x29f6589f4cc6b,0x6486654071dfd,0x3068b5f30ff4f,0x322a47080a287,0x5aa0987b3de2d}}},
        {{{0x886a0af0d3f7,0x7ca4c3dfb4658,0x7e863e47cf720,0x228e7c6cabfb3,0x776df0f011c23}}, {{0x779461add7409,0x70e29acdf8813,0x61f85f60cbe3c,0x69b03c69dee80,0x375002355be49}}, {{0x18e177eec7960,0x4ee335041bd75,0x2b5da0ad68e74,0x25dc7aa760138,0x68c34cf3611fb}}},
        {{{0x2fc68207494e6,0x3bd2e4f15e6a6,0x53b718b6efd2a,0x49abe236dd35,0x3e2e539c85543}}, {{0x732c8fe0e26ae,0x6d634a94fdde8,0x23ab0b4e5a4ed,0x339c5f1a3b601,0x5b3c17fb8f7bb}}, {{0x6fdba62f123,0x30f54d45c3dd7,0x5d77a0c42a740,0x1a278049412f3,0x6f27966add9e1}}},
        {{{0x67403f6b3a114,0x37b2f912540d2,0xd07da2f3affc,0x4f2f1c00a16a1,0x3effc37255269}}, {{0x1dcc80d28d0df,0x3c6ab1a1e55ca,0x7cab451a4b394,0x453d86e4a0560,0x47c45f7d2ee05}}, {{0x280e0a3396451,0x321db76968a9f,0x6590319940a7c,0x6da0c82a7adc8,0x21f79cfe43009}}},
        {{{0x4e9183dfddc22,0x45a1737fba7ef,0x37c64165e0523,0x752111397c891,0x4ba29f427f8d0}}, {{0xde229c87ed00,0x78a594420d2e6,0x33526623f4294,0x6696494e03550,0x3a3d4888ed56a}}, {{0x770a30754bd50,0x3af0202beda6e,0x627442600f866,0x18343ce933849,0x3da75fc192229}}},
        {{{0x3e205a76c78a3,0x2fb4d70106920,0x74a6abf743ef,0x36219c9f14f2e,0x7a3b57baf8515}}, {{0x77190543d9f6f,0x5214c84d4d537,0x792c0e6111d55,0x2d89707ff5c3a,0x288cdf9e68ac7}}, {{0x47c445d10848d,0x71f6779a825bc,0x4dd4119a00feb,0x1e05eb70b3e3c,0x103b9aba5622d}}},
        {{{0x2f070d3daa23f,0x6cdf2e6abeed3,0x180cbfee2ff71,0x76fe9eb0a6c78,0x4db0f1dbea76d}}, {{0x27cc87619a310,0x32e36ea0ca9b7,0x77251b26ec135,0x6c4fb387f883c,0x3829b21dd6516}}, {{0x7e70a4e47d2de,0xacc9b13b3fcd,0x2be7530c336ee,0x6d343022900d7,0x32143963cc100}}},
        {{{0x7c8144466c226,0x2c32422d5919e,0x352e76c9cb6f3,0x1e08dbbc1de27,0x64d194a420be1}}, {{0x26e6549396a13,0x7604c92032eeb,0x691baebf8214,0x39c976e5d37a,0x489b1d3fb63bc}}, {{0x5e497f382388b,0x849b00df8891,0x1a9d74776a62d,0x5b990bc0de41,0x11328cb6fceaf}}},
        {{{0x683fe112fe7a7,0x54e8736ea4ce,0xa9c4113b467d,0x207cc0d5378ef,0x5796a857e0e5}}, {{0x20d34ce8fd741,0x19cf4c4be6d38,0x5d88cd433f46,0x6ef3138dac6e5,0x3f0ccae5b4573}}, {{0x72ede5ff62ebb,0x2bfc7f33a099f,0x28dccc390aa5b,0x56236fe93522e,0x120af5715ea2a}}},
    },
    {
        {{{0x304bfacad8ea2,0x502917d108b07,0x43176ca6dd0f,0x5d5158f2c1d84,0x2b5449e58eb3b}}, {{0x27562eb3dbe47,0x291d7b4170be7,0x5d1ca67dfa8e1,0x2a88061f298a2,0x1304e9e71627d}}, {{0x14d26adc9cfe,0x7f1691ba16f13,0x5e71828f06eac,0x349ed07f0fffc,0x4468de2d7c2dd}}},
        {{{0x264bf710ecdf6,0x708c58527896b,0x42ceae6c53394,0x4381b21e82b6a,0x6af93724185b4}}, {{0x6cfab8de73e68,0x3e6efced4bd21,0x56609500dbe,0x71b7824ad85df,0x577629c4a7f41}}, {{0x24509c6a888,0x2696ab12e6644,0xcca27f4b80d8,0xc7c1f11b119e,0x701f25bb0caec}}},
        {{{0x69bd55db1beee,0x6e14e47f731bd,0x1a35e47270eac,0x66f225478df8e,0x366d44191cfd3}}, {{0x2d48ffb5720ad,0x57b7f21a1df77,0x5550effba0645,0x5ec6a4098a931,0x221104eb3f337}}, {{0x41743f2bc8c14,0x796b0ad8773c7,0x29fee5cbb689b,0x122665c178734,0x4167a4e6bc593}}},
        {{{0xe28949770eb8,0x5559e88147b72,0x35e1e6e63ef30,0x35b109aa7ff6f,0x1f6a3e54f2690}}, {{0x76cd05b9c619b,0x69654b0901695,0x7a53710b77f27,0x79a1ea7d28175,0x8fc3a4c677d5}}, {{0x4c199d30734ea,0x6c622cb9acc14,0x5660a55030216,0x68f1199f11fb,0x4f2fad0116b90}}},
        {{{0x27ef70e37c8cb,0x2372e3f4f28f8,0x42f4cdb25caa8,0x39b3ed4963c3,0x3bc6a10aa583b}}, {{0x3c5db45dc2c78,0x500dc0f475f9,0x4744178b59aad,0x5001529064ca0,0x3fd86de2aebd0}}, {{0x43d82f773aecb,0x4c3f518d2a046,0x699683330c311,0x2162de70b6f90,0x5326ccb694083}}},
        {{{0x7f192a0d2da41,0x68ddb03add844,0x71ec237d96975,0x19cd86a727660,0x4d4ec054daefe}}, {{0x21df92dcc5416,0x4fc27d07b53ea,0x758b12ec6b5c,0x47ead8a3049e9,0x336d296b4cdca}}, {{0x6fc516536cb46,0x46b1a1f65989a,0x45ef0a45dbdc8,0x65c72795e27c1,0x15e397726486f}}},
        {{{0x53e4ea7c67900,0x2635ba772b229,0x1383eaeb47e06,0x79562356c8dfe,0x22751f67f4f51}}, {{0x2b749181b45c7,0x306207459d2c9,0x485013397893c,0x788153ad3db19,0x306cf6d5c4b1b}}, {{0x366fa22060ed4,0x5682d7c4b1586,0x54937b9980b67,0x617ec016868e7,0x71bd6e5254388}}},
        {{{0x32923fa62600,0x324b28ff0708f,0x5200f517d969e,0x6ee59a06905bf,0x63585a3c041f3}}, {{0x8e93d9457638,0x75d2d13b014f,0x7b9040f62eecd,0x6dd3420e9a011,0xff6d3f433920}}, {{0x34ee871911c90,0x319a82e7e09e4,0x41abcfc6b71e8,0x4c6c2668f8731,0x311875e37124b}}},
        {{{0x7f2e698108bc3,0x2069d2300c3e1,0x3df29d48a9c9f,0x3f1b2d8b79911,0x1507bdbfd15d}}, {{0x3902ba576c31e,0x66584478535dc,0x47673e961bc7d,0x21a37175f686a,0x4e66ac10fd10d}}, {{0x16ee64bc41599,0x200ad8e422607,0x70e44af172259,0x1c20d781feeef,0x438f9bd6192b4}}},
        {{{0x2585daccd272f,0x87a511695d86,0x59c1aa11f265c,0x5881334de80c8,0x15c0ef329180}}, {{0x5a0bcbe14a0d,0x6abf8db4626ce,0x6fbf742a7603f,0x330384c356f6b,0x4145064c98da4}}, {{0xa888b7d09367,0x16bed285884b2,0x3b72e0690ab64,0x3d681c0705c11,0x56e25ac10737b}}},
        {{{0x1d2b8026b8590,0x1cf63aa44f600,0x5adb45df0f391,0x5776c12afd63e,0x632c55dd101c8}}, {{0x71580342a6fe1,0x49c3c859c4d2f,0x11c4b21f87428,0x5b4e5d5adc1f2,0x2c8a5e973ef7d}}, {{0x6c193876345c2,0x4e38af02ca89a,0x249d19a3ccfbd,0x2485b4b59bf3,0x3a5a6262b1a1a}}},
        {{{0x19c42facd1780,0x3cc2ebf9ac0fa,0x2a7c5b754fb71,0x521ac19c1c36c,0x15f8ae4ed49e8}}, {{0x5fca0b051ef04,0x2c31311a4b5fd,0x4465822d2e285,0x2bdbdf9e7138,0x19a524af38331}}, {{0x527cce400e185,0x7863e2a4c079,0x46b2b80d56c5f,0x18d74ad18ee1,0x36673a998c9ac}}},
        {{{0x9ca34e10ecfb,0x319afad6706b1,0x55477d9360893,0x4a0c063a22941,0x1ce5a759e08b7}}, {{0x710d0b964a572,0x6bd4eb8ac0191,0x30ead1a8bd79c,0x5d5f91a1ff3ba,0x444d4a2c22c35}}, {{0x66e793cb6768e,0x28a769ac02292,0x6e0ce12ba740,0x4e634e53b284d,0x7fb66e8309c4c}}},
        {{{0x3c8b356ff458d,0x32e8b33b9a29f,0x3eb8f04e60e1d,0x343538444e2b3,0x7f3ef8f7b5560}}, {{0x5ce99fd251dd3,0x5222db7e09452,0x610839761daa2,0x729361251d90a,0x322e6c8b12009}}, {{0x34cc4aa042df9,0x2919d1153229f,0xfd5472609a62,0x11182b5554a53,0x77e06912f5320}}},
        {{{0x13f9b22c65837,0x7911d259e0fa8,0x583f1c7af0714,0x69dd02c135262,0x3585c71403cff}}, {{0x572e5e0d95853,0x64f7222664d6,0x5eb06a7262f0f,0x3c3c0383689d3,0x22d879bddc127}}, {{0x681d236a6a6cd,0x5b6fd496a0325,0x4782965a953c5,0x1df7dec0a1f14,0x3d574f25add60}}},
        {{{0x6256ee47de376,0x72d5086dc5577,0x469a4dd28c5bb,0x3123ce639fd4f,0x244dc732037d6}}, {{0x1f82bcff9065b,0x62ff389309787,0x183e727939e54,0x722da291b93a3,0x3843b767d26f}}, {{0x673abe9cb5a6a,0x7ff106cf8d535,0x6a0cb9e81c0d9,0x2f8a939326d2c,0x440796ea38911}}},
        {{{0x1bc3cb162a2bb,0x48bd172f98b27,0x5f2fbd91b266a,0x6e7d28f2d06f8,0x57e43c54014a2}}, {{0x56b845f227fc,0x277bf55711cc3,0x1a4d52df4a3c1,0x6b33e47dd2470,0x61ad6337f65bb}}, {{0x762279774ac84,0xfc935c706d24,0x655ca1878ab51,0x70d235bcc73e5,0x3a65f7dd94d55}}},
        {{{0x3ed969bc070a1,0x37837998db1b5,0x7da52508e67b,0x78b61b4d3d716,0xe7e86ee8743d}}, {{0x55144757a6b6,0x3eae334bb9c40,0x342179992bfe6,0x187960ec0fb61,0x7b523191c96d6}}, {{0x5d626a40bf9a7,0x4430ab7f8eb98,0x64aad5ff30b03,0xa1973bd16a5c,0x5a3bdac13ee0e}}},
        {{{0x2be74ea341cfe,0x1b52bc46e5d66,0x28bdde688f446,0x66c942f4f20ae,0x2e2dbcf8ee8b1}}, {{0x791c45a90de4e,0x2cdf7c2a1f246,0x630725ef8fa1e,0x11d774784b465,0x2438accd12b3a}}, {{0x438165e7d9718,0xc6a8626bbe62,0x13d6506861a2c,0x23f06b1ab72e6,0x422533da4f81c}}},
        {{{0x48f3afda677c8,0x2414b28ec7d59,0x17fe318477256,0x297555637789e,0x191a5a7a068d1}}, {{0x5b76578afe5c2,0x64faa1cd96757,0x6efd8390ef9be,0x6d0f51a341e6c,0x3b7412cb9a7fb}}, {{0x3873dccf344d2,0x179b167c94977,0x5e1a482011098,0x188d6f08ff311,0x460c73b39c1a5}}},
        {{{0x112ca4f0f4f6,0x6a93a9be16f8e,0x30a99a575a56a,0x256d9e41a098e,0x4389281dffb6e}}, {{0x5036c8b413ee,0x57a9f07fcb9cf,0x48a91a9a6b931,0x6d6d27a7ab5c8,0x12fa9323f7e5b}}, {{0x52c7e0f016661,0x65dc23447b44e,0x76bdea35e11dc,0x5afaaecf7a068,0x62fe4f3291fd6}}},
        {{{0x5f1a481edeb9b,0x2198c39a56646,0x1cdfd864e3805,0x737bb744d6419,0x589b10bc4ac89}}, {{0xab3c808aaf43,0x7df4c52d86ad0,0x76014a4a0624d,0x1eacff6f24636,0x256b2752571aa}}, {{0x600941a089098,0x7ed3e7505b187,0x48dab5da74691,0x518e7a445f58a,0x1d5dd5b4ca3c5}}},
        {{{0x7b0aab96c6533,0x5793a332eb759,0x6ffef3dc76ffd,0x38c3b1afe41c2,0x4bc64f58d2b8c}}, {{0x7fe2411806b63,0x310f0ebfb4bff,0x523867b5d5e98,0x68f35eec7af1,0x5644538565c13}}, {{0x3dcb4702c6e41,0xbc8c5d40692a,0x6765ead7fcd04,0x1d512214f2fc0,0x2c732edb160dd}}},
        {{{0x2222cc0d07bab,0x754a69659eb02,0x69923351bf2c6,0x5448b09d54b82,0x15ade612e6705}}, {{0x365bf0e5ed659,0x3ad875a8f901f,0x64ebb840a4375,0x476ebc2880d47,0x61c92798070e7}}, {{0xcd68c78711d3,0x7a4c081417967,0x9f966c5549d7,0x2a7bfc7e15d6c,0x963e77388ee2}}},
        {{{0x2264005dc8586,0x75c22c6975db0,0x359a12853732a,0x63528519b6c66,0x66dc12d7d57aa}}, {{0x63efec21c94c1,0x58c644dcf2b35,0x24b60fdfbf1ff,0x7dadbc6618c4,0x6db201a6feaab}}, {{0x4f29891a13848,0x161d6bce4d3e2,0x31cce45d4b6f7,0x69998b40375d3,0x6ff28eedde2f0}}},
        {{{0x100059da1c56a,0x1ade51e62b120,0xe89b456c1898,0x5cff5ca4363ab,0x39c3757ed5767}}, {{0x502ba3c9be64b,0x37444a609c642,0x6cb50ee7528e3,0x3bc19d6be4016,0x4ca73314cb2e8}}, {{0x4ef5ee736feb6,0x588115e8349cb,0x8d0d695d7b99,0x6b0c4a4f52c56,0x29b77da7cfa38}}},
        {{{0x2e519eb3bc54c,0x7de6041d4de3b,0x3fec1561e0826,0x64e6640073b2b,0x77ac5d895f34}}, {{0x46ae5a0af5405,0x24c988f74c13e,0x4f4b2d8f77bbb,0xb1e207cf9ab7,0x19cb6e163a013}}, {{0x32d49cd928467,0x716f18a57a0b,0x13e4d5643e221,0x124753868d031,0x28cf075cfbfc7}}},
        {{{0x1f10e761c1c78,0x731e6ca073a4c,0x6c567a169e44f,0x3f841f0db959e,0x463667375232d}}, {{0x6b9c4b96ff18d,0x2d9fc21896fd5,0x3416902044111,0x4bfccb475d9c1,0x13cdcd90e4a52}}, {{0x161b0544b9705,0x8316848737bc,0xc3c571cde36c,0x70aec9336d8ad,0x63cc2a7767140}}},
        {{{0x4eb5c5ffbf0b3,0x2545761884688,0x1214403700cb3,0x5a3276d444b01,0xaddf10182f7a}}, {{0x162eb41f9ecc0,0x6a4313280c201,0x168552e781f08,0x7461324a00c60,0x2e8544994b549}}, {{0x1c4803721e2ae,0x41f7faf610b5c,0x48196fa3b3ad3,0x4f281691dc602,0x6ae105ca6cc97}}},
        {{{0x529058c9c2292,0x52556461e47c1,0x417e1e5ae1743,0x1d91359498c60,0x5f5013fc96f98}}, {{0xce59e4571614,0x58502eebe5ddc,0xebe109fe92db,0x71d4972193423,0x5441142a05935}}, {{0x63b8b840cdcc4,0x12c7c2aa2b24b,0x6e5d40c38dd08,0x248d99f26eb14,0x192ca5e2c5141}}},
        {{{0x34a2eae439c17,0x16dbe892f534b,0x2ae5ff3722c5,0x241b1a60023b5,0x5ffc080de83d2}}, {{0x7577cb7836d46,0x4ebdffe76183e,0x447b260e9e190,0xb5aa71a22989,0x35328da078d73}}, {{0x7f3b741e8b96a,0x2efedbf8142fc,0x6ca9b172234f,0x5bea4f32f7b68,0x79f2a61578d3b}}},
        {{{0x19357f78bb71,0x1dad81eb70cf0,0x1db04ab4c367d,0x257582289ec53,0x68d85d91b1e9e}}, {{0x7dda43a9bc6fc,0x6e591f951480a,0x2f526c479e13b,0x5ef3e886e07a6,0x2dc637f3ee129}}, {{0x489f50b888e89,0x2e70c706cb1d6,0x2368045088096,0x99c461d46dfa,0xc821cbd654fb}}},
    },
    {
        {{{0x6bffb305b2f51,0x5b112b2d712dd,0x35774974fe4e2,0x4af87a96e3a3,0x57968290bb3a0}}, {{0x7974e8c58aedc,0x7757e083488c6,0x601c62ae7bc8b,0x45370c2ecab74,0x2f1b78fab143a}}, {{0x2b8430a20e101,0x1a49e1d88fee3,0x38bbb47ce4d96,0x1f0e7ba84d437,0x7dc43e35dc2aa}}},
        {{{0x41ff068f587ba,0x1c00a191bcd53,0x7b56f9c209e25,0x3781e5fccaabe,0x64a9b0431c06d}}, {{0x4d239a3b513e8,0x29723f51b1066,0x642f4cf04d9c3,0x4da095aa09b7a,0xa4e0373d784d}}, {{0x3d6a15b7d2919,0x41aa75046a5d6,0x691751ec2d3da,0x23638ab6721c4,0x71a7d0ace183}}},
        {{{0x1d4eba3d944be,0x100f15f3dce5,0x61a700e367825,0x5922292ab3d23,0x2ab9680ee8d3}}, {{0x1000c2f41c6c5,0x219fdf737174,0x314727f127de7,0x7e5277d23b81e,0x494e21a2e147a}}, {{0x48a85dde50d9a,0x1c1f734493df4,0x47bdb64866889,0x59a7d048f8eec,0x6b5d76cbea46b}}},
        {{{0x37f355f17c824,0x7ae85334815b,0x7e3abddd2e48f,0x61eeabe1f45e5,0xad3e2d34cded}}, {{0x10fcc7ed9affe,0x4248cb0e96ff2,0x4311c115172e2,0x4c9d41cbf6925,0x50510fc104f50}}, {{0x40fc5336e249d,0x3386639fb2de1,0x7bbf871d17b78,0x75f796b7e8004,0x127c158bf0fa1}}},
        {{{0x883fc739dc86,0x33db3c2da5561,0x1f0901d4f966d,0x4fad50ba78ced,0x1d7ad57afe99b}}, {{0x73c1349d93ebe,0x1c863c07ad9e8,0x798f006a737ff,0x4ab3a173e0f05,0x2406901582cb3}}, {{0x336c1053761bf,0x14d678f6db7d4,0x6d1925f9f7fe2,0x26df5d519bffc,0x3042c5dbf294c}}},
        {{{0x3377d9ab0f2b5,0x76a2412691d8a,0x5cf220a6e2327,0x5fd4b08e2c176,0x3992d9fc84e2d}}, {{0x5f4ac331504d2,0x2c14b986924,0x14ee1d76e9893,0x36d3cff00089a,0xc3e22d0d60dd}}, {{0x1f8c2ded92e03,0x3b52887586a1b,0xd982d0ea8ffb,0x449c97661d887,0x46ff1058eb86f}}},
        {{{0x24fad67882fbb,0x40d8ec6f62b99,0x4b011d586af7a,0xae181d97841e,0x76f34ea3376fa}}, {{0x12202bfcc6d84,0x4427271ad841,0x58d56b82b11d8,0x610d8945d3a7d,0x453d54d2157a7}}, {{0x169f8420bdd6,0x2638e8e5738d6,0x77eafdc662525,0x231afa7b2f7a9,0x248e14cee8e19}}},
        {{{0x4465b71b0a016,0x23e50c2faca3b,0x55ba91ff5dafe,0x4ecfcf9905cf1,0x4faf5f03202d2}}, {{0x19ba7522de4ed,0x7abcc0b73ec37,0x4fbb990dae6ae,0x25071ff7841da,0x7ae310cf2a359}}, {{0x34ce2adc14f6a,0x2f5865be2ef34,0x1aa8a9d4abe20,0x589a6834e52ad,0x509eb2eed9bb3}}},
        {{{0x45815be2cdf45,0x5c567060ee02e,0x5e5dd61dd9f21,0x1c15f51cf4ec5,0x7be7e17f701ac}}, {{0x2358cce2723ea,0x1b87d39d711c4,0xfbd2c2df82d9,0x6050c331079a4,0x186724ec0a8ec}}, {{0x51a2fca872d8b,0x7812cf021421d,0x351274b9f14fc,0x2ee66289047eb,0x6fffd24935881}}},
        {{{0x5d1d128eb7101,0x33cf954decd42,0x508d5c6bc7a3f,0x31269178f156f,0xb7a3e1f570e1}}, {{0xbe2ae7a5c9a8,0xff62773bbc61,0x5412bdc3d619f,0x1a1dc1a041b93,0x7888fcd1da6d8}}, {{0x6b12dedc2ead9,0x4e76be2745517,0x503a1cd995f14,0x186b6d1b01e88,0x4fe910590f531}}},
        {{{0x412f54bb933d2,0x198f740622b9f,0x7f2a5d1b88ed2,0x69727f27c0185,0x2a3471f6b2ed7}}, {{0x42bf85cd9f618,0x50cda6abf955f,0x1f484fd365d6,0x36e0de33b28f9,0x582da30c0bacc}}, {{0x27bfc50f81a33,0xaaa4f535d283,0xe7f7f62c58d4,0x6efd69581507,0x420a1cfb3036c}}},
        {{{0x47f2b898d2f49,0x377235a617d35,0x44ee1841116b3,0x3e27ed1c68a15,0x2f5e3f9f0a40e}}, {{0x50f3935584085,0x20d5172b42a0,0x29d453a275a27,0x5733f2f591834,0x3f99b515c997b}}, {{0x49d8dbcbd92d1,0x16ba785f16127,0x6d4184631293d,0x7c93a0caf6cb2,0x1de564c626623}}},
        {{{0x5376385f3f2db,0x2bd9824c9b450,0x52f3eb80646e,0x6398168a2d2c0,0x4938db566a461}}, {{0x5b724f43b68d2,0x3d97707e5548f,0x1850a80024dcb,0x72556e06aa6ce,0x16078e2e6efb0}}, {{0x46f9af75dc91b,0x52fc735319dba,0x3946d1efd87f6,0x2d6c8e8f3fe5b,0x2c5730a9dee5c}}},
        {{{0x41cd79efbc299,0x16da13d9c140e,0x715f5946c4a32,0x8bd178901003,0xe38a61f0ff0c}}, {{0x755661ed437c9,0x28f8eacaa5d06,0x2de94ea6e9f14,0x5c5883d2cd179,0x3fc29d0b1338f}}, {{0x7353f22625f74,0x7936a1aa6666a,0x2edbe669233d5,0x2d8b7c0813d9b,0x66eabe4bf5956}}},
        {{{0x5f2875a1596b4,0x39029722864da,0x570c64b180a34,0x627cb55b8e111,0x5c8026e31e8a6}}, {{0x23b6e8d87164e,0x12714657370d9,0x323bd9b0fab53,0x7120249f00738,0x3c7c5a19fb52}}, {{0x4c83ba1a60fc5,0x33971b013e04b,0x1a8824198f970,0x6e1a00f2d1ff3,0x1bba3511fac98}}},
        {{{0x4c397a4c9b47b,0x6be5cbfb2620a,0x1c674aa4d083d,0x46d00c8fa62b2,0x3f13d6bb365b6}}, {{0x7e748fe331641,0x55f5eca071170,0x731c44a77ced,0x6239ca11d7f2c,0x5d0af543af4a0}}, {{0x46a4bcd892538,0x5dea6b8febda1,0x47015e6883ed9,0xaf06db4e76d5,0x18b62043b6491}}},
        {{{0x320253423aa5f,0x6cb25c4e75e24,0x1922fe040b020,0x2ca1f526a379d,0x2072dcadc3346}}, {{0x713dc1cc69102,0x61ad97b63c674,0x20ba66faa0b35,0x7b589e0f8603c,0x47aa4f3a63a57}}, {{0x1a15082f9f678,0x333f523c0970a,0xc8aa09097382,0x784d198e870c1,0x1b45ec80260a3}}},
        {{{0x27385d712b7c6,0x44aef93012105,0x2c5e4b5653081,0x1c355cf59944d,0x15d8b0395cda0}}, {{0x78b16a24e731b,0x272dac93cb344,0x72d3f93633ca5,0x132de48fd2f43,0x13af32b353a02}}, {{0x6b066e2e48dc7,0x61f905c402d5b,0xda5a2756a360,0x5ebcf36d467b8,0x1e68a92012246}}},
        {{{0x338fb16894e63,0x4082aa532a61,0x704a488d64d9a,0x288c911027859,0xd54bc9685a09}}, {{0x4cf10f810cf33,0x53844146547e9,0x41b053eedc0ba,0x3c8ba6341f283,0x2fbed1bfef0ad}}, {{0x1dffe4a67ec01,0x3e0ddd70ee760,0x489c84e113eb1,0x73e9c191a46cb,0x4178de6caa8a2}}},
        {{{0xdd200044e039,0xc93f26d53399,0x6f3a747518fdf,0x793649da72986,0x66cbf0f18173a}}, {{0x7669823eff5db,0xc4d437140b7c,0x584549480ec58,0x782748561ebbf,0x2d5e1a36001ac}}, {{0xf55e0c75b564,0x179b5246d4dcf,0xdf222d73e387,0x26f32fda8ebb0,0x6c829a26e24c3}}},
        {{{0x61657344e2c6c,0x3a9d3eee9e837,0x1162ed6814463,0x76e094b39e783,0x21d7342846e6e}}, {{0xef40051f11a8,0x3edd7fb3989c0,0x48063c7bbfdb2,0x114624888ad18,0x37ef0c85f3c58}}, {{0x4c32ed094f584,0x3bbee99779c6b,0x3c33899e7b591,0x34d4da7cf0a69,0x1a42b4e2ed64a}}},
        {{{0xea05e61050c3,0x49679696c0501,0x388797c3a8844,0xf21d98782f7b,0x797a254886391}}, {{0x3ee0890fed462,0x5cd7294f76f71,0x2796f0acb726f,0x1e877f07d1064,0xe88311d768cb}}, {{0x7e1f0a57bca09,0x6a05982c459fc,0xcaa2fb5c7f95,0x3f0314e9873fb,0x4e50cf676ade4}}},
        {{{0x1a21dce265b15,0x6299887b22004,0x69109252f52f5,0x143e30ac2a449,0x530255ffb7025}}, {{0x3da89c5a6f2d,0x515a550d56834,0x3fb627f16feb4,0x48661e38ad5f5,0x7207a0e4c1eac}}, {{0x2da814bb515bc,0x30a6353276c08,0x5f48f86e7b5c4,0x77282ec502a3,0x1a43acb5848a3}}},
        {{{0x51ce6479970d2,0x3a75c00a1c797,0x1f39590bcfa36,0x43765a91d2745,0x6cb2f8b134e5a}}, {{0x255db4f725575,0x689bea8a59399,0x27b4f05a1ff33,0x614d0cbca5c50,0x308aaa7ae5fba}}, {{0x398d92dc6963a,0x310464ba39cd,0xf3d9c9cf34cd,0x1cab4fbc25a89,0x4103f81d02fab}}},
        {{{0x735c8e5a1abc8,0x664dd3fc2303c,0x30a5ca376e4b2,0x413ab226b64a0,0x5574de59a97d0}}, {{0x28b1769c71968,0x43d493a9c967a,0x7dd8775ccdd0f,0x6a44065c0372e,0x61503fd00a7ee}}, {{0x63970f5ad163b,0x4c4c8798e72e4,0x20e2b69bea8b0,0x102ac1c8c52c3,0x5ccfd9d3ce098}}},
        {{{0x6c61e7f9f092c,0x58e9a6a9c7088,0x5454ce544c9d2,0x364e915018c9a,0x6f8ec036b7ea0}}, {{0x7cdb71925ee13,0x4d980ed865f24,0x2056b65817ec8,0x7707a8d3fff2b,0x3acf918c624b8}}, {{0x5612f3d663e1c,0xd3d5e8a478eb,0x4135732b1039c,0x59b00d8c8e69b,0x42fdbe24eda12}}},
        {{{0x73f2730fc263a,0x7ecc7345514fc,0x3919b02d35438,0x75cca805f14ef,0x263f8775589a9}}, {{0x1cdaf1fc88a9e,0x238e387cfeca8,0x414d9b329116d,0x66a2f79a9b762,0x425b6784af210}}, {{0x43ff1404c3de6,0x251e6a2a9174,0x7873dc6040db0,0x6249b5c54c65,0x13e41f66b7bec}}},
        {{{0x26b86bf58f8b9,0xc264aa4c164b,0x5628f9b4b3e7c,0x5ff9b8d77a0a1,0x54e5b47a18d73}}, {{0x6864076be4720,0x542f38240f458,0xf1622152d578,0x4ed7a27eb0421,0x74603851b9410}}, {{0x4f330cd6919e5,0x59583799e766f,0x7a09d41ba7832,0x316af69f14516,0x6c5875084a57d}}},
        {{{0x49a537d9f586a,0x32691c1c22179,0x69b5eeae07034,0x4dc8717684b3,0x604b8ad2e20e6}}, {{0x44e105edaf900,0x5b1e541cd50df,0x665c739007b4a,0x5b064bebd6107,0x6304af5ee9282}}, {{0x2af2ce932aee7,0x35250c3e1b6a7,0x1456326682eef,0x6031f5efaa440,0x7869caf9652e6}}},
        {{{0x63d884ffeaed8,0x3061842ddd074,0x31a958152089e,0x2eea546ca9caf,0x4a3137714a130}}, {{0x47bbd310c68fe,0x21ecbb3bb63d5,0x159210a431839,0x2b39650ef0f4a,0x59f85399e357a}}, {{0x43510ae52d393,0x56e1d11a37875,0x39ace65421449,0x77226d06e2c9d,0x9889e2e18627}}},
        {{{0x2e8079bb9f69a,0xf3f401a3c269,0x6a8363b5479a9,0x52db82588f2be,0x1b203c3ac8021}}, {{0x466c1645d6900,0x29b496473e95,0xd8500f8b6ff1,0x6613ee328508f,0x15c135896df1c}}, {{0x531e390761232,0x3294d7bb154f6,0x7fa0df3aeb04,0x49677d4acefae,0x4e77e77254357}}},
        {{{0x11e86fa38c3f6,0x2ac5104193e6a,0x3498c6b82e241,0x35bdc7cf565ad,0x4733b85946357}}, {{0x539b7480ad5db,0x717cc3652e861,0x8f0dddf6ef4d,0x4a22aeb10cb0c,0x2af4838d0b934}}, {{0x77b24eca716e5,0x47ef57ee3fb5d,0x7f4051cc6e1e8,0x3b49c836834eb,0x57026754f8dac}}},
    },
    {
        {{{0x5cc9dc80c1ac0,0x683671486d4cd,0x76f5f1a5e8173,0x6d5d3f5f9df4a,0x7da0b8f68d7e7}}, {{0x2014385675a6,0x6155fb53d1def,0x37ea32e89927c,0x59a668f5a82e,0x46115aba1d4dc}}, {{0x71953c3b5da76,0x6642233d37a81,0x2c9658076b1bd,0x5a581e63010ff,0x5a5f887e83674}}},
        {{{0x129126699b2e3,0xee11a2603de8,0x60ac2f5c74c21,0x59b192a196808,0x45371b07001e8}}, {{0x6170a3046e65f,0x5401a46a49e38,0x20add5561c4a8,0x7abb4edde9e46,0x586bf9f1a195f}}, {{0x3088d5ef8790b,0x38c2126fcb4db,0x685bae149e3c3,0xbcd601a4e930,0xeafb03790e52}}},
        {{{0x5d4263af77a3c,0x23fdd2289aeb0,0x7dc64f77eb9ec,0x1bd28338402c,0x14f29a5383922}}, {{0x4299c18d0936d,0x5914183418a49,0x52a18c721aed5,0x2b151ba82976d,0x5c0efde4bc754}}, {{0x17edc25b2d7f5,0x37336a6081bee,0x7b5318887e5c3,0x49f6d491a5be1,0x5e72365c7bee0}}},
        {{{0x30b093e4b1928,0x1ce7e7ec80312,0x4e575bdf78f84,0x61f7a190bed39,0x6f8aded6ca379}}, {{0x522d93ecebde8,0x24f045e0f6cf,0x16db63426cfa1,0x1b93a1fd30fd8,0x5e5405368a362}}, {{0x123dfdb7b29a,0x4344356523c68,0x79a527921ee5f,0x74bfccb3e817e,0x780de72ec8d3d}}},
        {{{0x74bf772ec328b,0x63d126d1a6996,0x2193c4fffb643,0x707b4db2011ba,0x3ef7c1ab7acbc}}, {{0x4b4ab471cbced,0x472e38d06fa23,0x3ad6ffd73a808,0x6458a0840efe4,0x166f19391a11c}}, {{0x5a3e049ea16ba,0x45980ebc3f30c,0x1539eda5fbe0a,0x29b3db214de32,0x14ccd4a191222}}},
        {{{0x177bf5e83617f,0x9da83c4825a3,0x6a7931f8ce5a2,0x3325201b72571,0x445c94fb3866b}}, {{0x6fb64e7ed26b4,0x78a9c42d7e7d8,0x3767eea87e557,0x1f21d06a92349,0x3349ed00b559d}}, {{0x2f2f238cf2986,0x4369d2176f314,0x5677f0070c91c,0x479c79f206f93,0x29c89a29b62ca}}},
        {{{0x2492390bf4ca8,0x3342d85d5e356,0x23eccdfa76f40,0x6ab4ab08846b4,0x3fe46cb74f448}}, {{0x599bc36f7bea5,0x466de115180ba,0x50166d51f7f51,0x33dc56ce2050d,0x7aa56c3659784}}, {{0x4704de6f4834f,0x444b8daee3aa6,0x4794292b1e425,0x2131929da80e9,0x42fdb9014fb9d}}},
        {{{0x650aeb74f4a44,0x559812ee97e45,0x23084d44fe7c7,0x6fe90a091cf1b,0x3df041ab3b6de}}, {{0x4985ef74c6add,0x1d71a1cb742eb,0x1b0383988243c,0x538e5d783eab6,0x69590f15ef2f0}}, {{0x2f638987e0f96,0x24d225b22fe16,0x208b39c295e1d,0x16dbd57016a67,0x766ba4cc1b424}}},
        {{{0x590916f2cf65,0x2280e9b44569f,0x25bb955452caf,0x1dbd37d5bbbfe,0x3a8b20467a10c}}, {{0x314cccddb9362,0x7c2261da105e,0x43572bf8c0fbd,0x2a5e43bcc301e,0x4cb304c95d785}}, {{0x2fac13646549e,0x601b4817ee9b0,0x2ac4e0f3afcd3,0x51b4838ab24f8,0x4b1148e3e83ce}}},
        {{{0x434e290edb506,0x792443f1ff975,0x5f69b0f018026,0x6a644b66c8b8f,0x38dcff1b4bdef}}, {{0x7c1c9c28d8db8,0x6ee8adebaa72e,0x4432569ed0ea6,0x103da0e5f7b83,0x57d6c49e1ac29}}, {{0x5214292b7ff7e,0x4b6f1cd4886ef,0x6bf38acac2af5,0x2e875843f56a1,0x6708e91c332e9}}},
        {{{0x3ade4d1f84492,0x4b7b66df44d5f,0x9fdf00a3b820,0x2feb2c4bbe513,0x44db03b3f990e}}, {{0xe43c23e4ea14,0x7ce0e3f5c73aa,0x4696705a8e37f,0x485ac211978d9,0x3aa9356ff59a4}}, {{0xc7edf3a6014d,0x5a7ea9490743b,0x53cbe0fb8481e,0x480a2c9155340,0x40296e07e1810}}},
        {{{0x3be1f649b1415,0x12129b90b6c60,0x379fa9b638df0,0x5dc74c454636d,0x10d82115883f7}}, {{0x3377ff890c452,0x5e4561086cd9b,0x1a2e74566a4db,0x49c387e8bde8b,0x5af8b52f4d2d7}}, {{0x2396841445aea,0x37229660d7665,0x4d5cbc66011ae,0x20c8bb667f3b5,0x2fd1ea763ff36}}},
        {{{0x27b8b5a1b9c2d,0x1a665bd8529d7,0x1b9f68468e4f5,0x4701dc47ed38a,0xaf67c0cbd64e}}, {{0x7327da58f809a,0x64285a89e8f59,0x3fcecec958194,0x7c12fecd0fffe,0x40039a3017d72}}, {{0x31ff8e63ec9b5,0x4bf5e0d3f3b53,0x677d5b0bb1bb0,0x5696302a7a744,0x3754fa7bd6627}}},
        {{{0x837309fe195b,0x58a36cdfe894e,0x337b44fc1ae7b,0xb38bf93012d7,0x7d534f90c0e56}}, {{0x6ddf5d7025e2e,0x5582ccb042bfb,0x2e38b225cab3f,0x56901c9fded73,0x23aa24a06f2af}}, {{0x552cd39714435,0x36ee2ed9a954b,0xe228b64fbcd9,0x31a2adf4591ac,0x4d481de5a98cc}}},
        {{{0x414077679d14c,0x76124e5100441,0x1be3b338cedd0,0x431c188a0ddaf,0x1330ac03d16b9}}, {{0x1e807cf48673,0x47e9eed8ebb39,0x504b7f17daab4,0x64bcaa13e45e0,0xd898b28a700d}}, {{0x63ef99e41784e,0x5cf7f1b47302f,0x2fe53acfa0091,0x55d441fbc2035,0x221a77ae91f9e}}},
        {{{0x2a6ac34d56136,0x4ab0356ef9c12,0x38f41ad161a7a,0x192790c1b0221,0x890b2114de1c}}, {{0x708ddb695f9df,0x1ce12df4c6e7e,0x5de05815a390a,0x1e8f47b9453fe,0x17e071c9bf1ac}}, {{0x6bcfe3a41548,0x16bc9d8475526,0x541d70afce8c7,0xbb9d387c82b0,0x50b821ed2fb1e}}},
        {{{0x24f04fbe49e2a,0x7d533ba71b15f,0x53f6ff84449ec,0x6fa395c12c9c0,0x656f2ff5c78f0}}, {{0x86e6dcf6cdb3,0x79cae9c8af1d6,0x5e556de95daaa,0x56a7edc1bdd43,0x4dabfce1f2203}}, {{0x6e63a8943cef6,0x69cfdf4b8e0ef,0x73337f3f95e4,0x5b53b8ea84f2d,0xc8eadba8656a}}},
        {{{0x2a0f1ad05511,0x5b066d4aa36ad,0x26a6a9ed1a5d8,0x56661b86a11b7,0x7fa1dcc64b7f5}}, {{0x723d8911bc7e2,0x6f7f30b73bef8,0x1745f4f8e985d,0x7288a5b50f9e9,0x474774afc8bf6}}, {{0x4f61fd094bcdd,0x285ea7aa0b350,0x2e2a6be66e46b,0x535779b012206,0x102d36ec6f2b5}}},
        {{{0x1ef05dfd05182,0x386bca413e5d4,0x18b269d25a699,0x40ad21a662eae,0x2fac7e8d60ffb}}, {{0x2a6e7d47b965b,0x257e0dc8f7466,0x60d025a678589,0x22bb82534b8a6,0x42fd5fe3f6279}}, {{0x5f2b35644f01e,0x545cce53a04a,0x42d4e2ef88ba2,0x6c5481f947e15,0x5e184fc5c9bb0}}},
        {{{0x227dd8b1901af,0x2325ac7462101,0x688d8bab72854,0x5685efe7b3421,0xf6d71776f001}}, {{0x65c6a14dbe545,0x5586ca2159301,0x997c6d0ffb67,0x7a6cda88c4a13,0x17e903f44a5b7}}, {{0x3c70c212ccd47,0x300bf12a0ee30,0x2340ee4d10a38,0x2c88afef0bd3e,0x64ffa3ba13414}}},
        {{{0x1b0bc607df598,0x1deca64394998,0x31bf4d142d54f,0x3a55a1c3a7d4e,0x1aba913c65a}}, {{0x6680b98796c54,0x71ef458a12f6,0x74bf753ac9a7b,0x19cbd8adf47ca,0x53b0cf4c61610}}, {{0x16a00bf6cea65,0x22e53690b0189,0x193e8b2166a2b,0x6cc6119a83ee1,0x489ccd9f7c3ad}}},
        {{{0x7ad43694384ff,0x61b86658e3d30,0x21552357cc561,0x258fc0eee5982,0x2da1d3f8a4e99}}, {{0x4545c5c1e130,0x696b29509a68a,0x6ffbf787c1c52,0x1d4a8aa9d0352,0x1f292d574006e}}, {{0x1fb38714c2db0,0x60e26eac930ef,0x2069e2a08ba04,0x627bc9f7625bf,0x5a14e360aa2cb}}},
        {{{0xbc544cbab627,0x605809d8df7f8,0x1b860db75ee3d,0xdab4f95d57a,0x4b316e4749d3c}}, {{0x5a2dacec973b8,0x339bb192d121e,0x79e130c9250bc,0x217b8337cf3c1,0x880139b99cdc}}, {{0x35a5174091ee7,0x6e45b884e9bf7,0x611b8af7cb11e,0x33facb5959c5d,0x703339145843}}},
        {{{0x33046df091ca1,0x70209f3ba9e51,0x5daeb71739a51,0x76b228f8fbce2,0x2133da2a4477d}}, {{0x1a8386f5ced52,0x5c78e88d036ec,0x3a1b11d965eb,0x20b54778237b2,0x229ae714e7dc9}}, {{0x7a42b213d4be8,0x3122a04331cab,0x6ef69a3528a44,0x28690a693d56a,0x38f1c2d259b7f}}},
        {{{0x1c47266e44b99,0x3e34190b6d2fc,0x516d53e2fdeee,0x38f8f5c3fed66,0x7f8b5ae413b95}}, {{0x155d7a58e7271,0xe425550cb608,0x6202cf377ae80,0x456f694094261,0x7a287457ff5e7}}, {{0x70820e12df189,0x6672fe6784661,0x7507815a69a69,0x396fd668609b9,0x24bafad8be770}}},
        {{{0x54d7ff09bae95,0x56f173d1d3f85,0x2c608330dadce,0x39d36de96904,0x14ebcb335fddb}}, {{0x1447f4fd1acd5,0x5a2b5b44ccfba,0x2c0648bf41159,0x3779436fcbfeb,0x3091d85e534e7}}, {{0x2c919cf787fe2,0x11232e4dc298d,0x174b431465120,0x686525c434582,0x7896b800d5c05}}},
        {{{0x6257daec54f85,0x114867b24f65f,0x5af5fd9aaee05,0x4e9adabd84b9b,0x4c505fb0d475d}}, {{0x53dc4314b6217,0x4e8bf14a3c874,0x4936f83d37acb,0x3918c7756b7d9,0x740d3c9468ba3}}, {{0x1421b980d5439,0x54d46359ed31f,0x3e0cae39c7f26,0x1d0ff4f335098,0x2c118c22db39a}}},
        {{{0x6d39d33ec01c1,0x49e4c22cd85b2,0x57581b3aa2abc,0x7638d152acb7,0x286971cc4b4ce}}, {{0x72a90a29c8d4d,0x5b73fa57e171a,0x3dce6f7b89a76,0x7737251bdbbf,0x485df81a22ef7}}, {{0x72264a63c9804,0x7702d4f382af3,0x426878bbff1b4,0x43525e23b8c35,0x305361ae81c3e}}},
        {{{0x61919a93e01f9,0xaa4e9092ce58,0x4fcd29f7e764d,0x17f5fe284d1bb,0x1d208df22fedc}}, {{0x7666584e88f81,0x7bac187ed298e,0x6787751ef0647,0x20e7ef495905d,0x7352b1ced8e8e}}, {{0x219918354d95,0x22c39c1700ca3,0xf7a5afba8870,0x68d65b20b0071,0x9e31942a20d2}}},
        {{{0x43eb3b4bda3b1,0x48e155afc5db2,0x446ef53294ac5,0x3f3eaa642fecc,0x3a22ac4afbc1d}}, {{0x426b48a35e91e,0x359eb61da2811,0x631c8472d11e2,0x22358d9eb9931,0x7df2e2dc133ab}}, {{0x535b8b59c1914,0x7864d810436c0,0x5caee5e2490fd,0x154b8306d9199,0x78db012144c71}}},
        {{{0x168723d54ed38,0x76fab149e711c,0x74df36c8a2be7,0x73aac02eb1b8a,0x4ae810589df6d}}, {{0x32ff2092b442,0x7ce73ceb982bd,0x39bf93ae7b2ff,0x71a15d3e23b1a,0x70844e06fcfe2}}, {{0x3c6916d7c61c3,0xff04acbabf9a,0x7862aeb9c13a2,0x6a28a2966d5f6,0x6f513c4ed35cc}}},
        {{{0x4f719006c7a04,0x7a173e8d8beb5,0x259bcaea39ddc,0x7457e35c491c9,0x16323e0c998eb}}, {{0x3f98a3d479644,0x2f3c45fe1e3c,0x2eca8afec792f,0x36702c4dfd50c,0x501c19201bc19}}, {{0x15fdebc140f89,0x653b8638a3567,0x187e12165a554,0x13565ae59a55,0x3cbe97451e85a}}},
    },
    {
        {{{0x600c9193b877f,0x21c1b8a0d7765,0x379927fb38ea2,0x70d7679dbe01b,0x5f46040898de9}}, {{0x58845832fcedb,0x135cd7f0c6e73,0x53ffbdfe8e35b,0x22f195e06e55b,0x73937e8814bce}}, {{0x37116297bf48d,0x45a9e0d069720,0x25af71aa744ec,0x41af0cb8aaba3,0x2cf8a4e891d5e}}},
        {{{0x6d0c802cbf890,0x141bfed554c7b,0x6dbb667ef4263,0x58f3126857edc,0x69ce18b779340}}, {{0x7926dcf95f83c,0x42e25120e2bec,0x63de96df1fa15,0x4f06b50f3f9cc,0x6fc5cc1b0b62f}}, {{0x75528b29879cb,0x79a8fd2125a3d,0x27c8d4b746ab8,0xf8893f02210c,0x15596b3ae5710}}},
        {{{0x7a4732787ccdf,0x11e427c7f0640,0x3659385f8c64,0x5f4ead9766bfb,0x746f6336c2600}}, {{0x56e8dc57d9af5,0x5b3be17be4f78,0x3bf928cf82f4b,0x52e55600a6f11,0x4627e9cefebd6}}, {{0x2f345ab6c971c,0x653286e63e7e9,0x51061b78a23ad,0x14999acb54501,0x7b4917007ed66}}},
        {{{0x532bf458d72e1,0x40f96e796b59c,0x22ef79d6f9da3,0x501ab67beca77,0x6b0697e3feb43}}, {{0x7ec4b5d0b2fbb,0x200e910595450,0x742057105715e,0x2f07022530f60,0x26334f0a409ef}}, {{0xf04adf62a3c0,0x5e0edb48bb6d9,0x7c34aa4fbc003,0x7d74e4e5cac24,0x1cc37f43441b2}}},
        {{{0x746c73c3002b9,0x7b098f5fcec3e,0x70f4816034a28,0x526f8619b609a,0x46f5fb3408dfb}}, {{0x5adbe5c067b31,0x53e1241c568b7,0x57dbf1d13102f,0x740a79b77e50d,0xb7c294893fb}}, {{0x5648a107d1a26,0x4f0caae6d47cf,0x1b576f0a73736,0x1a5e57d95ffbf,0x5912c4c514176}}},
        {{{0x4d7c9aac4f6c4,0x72ccb8c873071,0x2541355512f1e,0x21142904df086,0x51fd653ad273}}, {{0x1092d91c31ae4,0x4a2e91471815b,0x7d148b65a5e4d,0x66f9883a34755,0x77ad86d758675}}, {{0x651f9ab1f4810,0x4b85ce83b8327,0x4227ea6ce7eb7,0x39f11039ca66e,0x2f33e9d7d305a}}},
        {{{0xab8175bbbcdc,0x629c0517a168f,0xcdbf292d07fb,0x2c31814275c71,0x4b3325566afbe}}, {{0x2e4d49e68193d,0x19e6d39c1e513,0x47438353e159a,0x3c55f55561209,0x36b369dd1d1c8}}, {{0x479b18e86875d,0x2dbf73139be72,0x7a0fad2dea5ab,0xe54fd30f9037,0x7fb772e4e9096}}},
        {{{0x580aedabd2ade,0x55df08801d078,0x30696eda3edd,0x3fb123362eb08,0x1c13e998218b4}}, {{0x6a294d3a84204,0x2621a6ee20fe0,0x768fcbd715c9d,0x457b503cda9af,0x396971efe3f9f}}, {{0x3686046ac9a8c,0x6d2324e03c652,0x3cb2933ff7236,0x3063b445dd118,0x7bf8f7d051d45}}},
        {{{0x4f98ca144774b,0x1580c8f22560c,0x604949a1bd31b,0x3abfd21f4a528,0x6743f59813eea}}, {{0x3a6a7db3bbada,0x4238e318c1430,0x30e20162fb725,0x39fd845624cf0,0x2938463ac7e6e}}, {{0x358f4d9f70106,0x3a7cd1f012bc8,0x7028c4c56205f,0x9d003cde7fb1,0x120e071d115e0}}},
        {{{0x29036f18311eb,0x6c10e920b95d2,0x5079d97b04924,0x79000bd9670fd,0x607db09377cdb}}, {{0x56519c35c419f,0x210d0aae5857e,0x6f67598f8f53,0x29c5d1f95746c,0x68adb9f68b6de}}, {{0xb51140addcec,0x3e7ed7d1f4d4b,0x8583ca66a972,0x3d3af63f104c6,0x3eb19d226ab6c}}},
        {{{0x526cf4cc6ea2e,0x6c04a40d85367,0x281c20a8a3ea1,0x795aa8a223cd1,0x1006f99ba5107}}, {{0x69641a66728e3,0x7381f7a8535b3,0x1f4c8fedae951,0x2859669f44252,0x6f369b48b6957}}, {{0x5581e1f83f7e7,0x44a0828e46557,0x7da355acfb143,0x3f45c07e275d5,0x5c3f9d3ba8a28}}},
        {{{0x2ec83f6e26a4c,0x439f8043bc7ed,0x25efdda7da604,0x25b488cb2d26d,0x249d046e81e54}}, {{0x2b60647a9f507,0x70f645f8ee9c1,0x689ab13f770af,0x286267d69adcd,0x1d7933687d9f5}}, {{0x245e81c9a8c0f,0x7c9746270c471,0x4683d1533ce30,0x647a4312b140b,0x29b62fbc4d426}}},
        {{{0x24fd25fe6c945,0x7e2cb4661efe9,0x4e36d3d59c7d6,0x24fa2ec6e6b39,0x7eaa12c017e7}}, {{0x3968689edbcf8,0x7cc84b23159b5,0x4f996f48d92d5,0x1a65cdcb049ac,0x101f1a769c65b}}, {{0xe739f84a4488,0x7e4b616510df4,0x25cc594207b22,0x350f08abb426d,0xb204ec85bf60}}},
        {{{0x6f1ecd1659ba1,0x4ff5b018c69a8,0x6c1f4f691f4f8,0x2f3eec840158c,0x6284275e99303}}, {{0x44be4f6b58c55,0x1c2b0f94c87b,0x2d4144c126e46,0x4932452ae597d,0x745e8524b930e}}, {{0x2c91e1e28aa4,0x1c522d4ab5c02,0x44778aa60e933,0x3b2f11680b33,0x111a33c442a70}}},
        {{{0x1cb5551780165,0x745d4d540d632,0x50ddf3ca6316f,0x7767d52b6689a,0x3b53cd9951ba1}}, {{0x653f51f5822d2,0x61a8e9074a05e,0x7367733b9dc52,0x1d017ed67ad98,0x115899d9b5095}}, {{0x5602c8c65685,0x7635e2d3dbb84,0x5cb1ba6e742b3,0x333fe74ac7129,0x35f00a7f677e7}}},
        {{{0x6ee31f24fe03b,0x3a55e0eeb6563,0x79fe9a816327d,0x566bfc3e3b58a,0x73894948e8d17}}, {{0x6bf7b8f3f0688,0x79966ca5feda1,0x26938852c4831,0x76ac115ba2859,0x5ba8e6118c76d}}, {{0x21701a1f90a7e,0x36cf20bbd990f,0x543f3ecbde51b,0x41ecf35acbbe9,0x4cbde0c565ade}}},
        {{{0x28f11496638ef,0x52180d7a4dcc2,0x1619119cce8e,0x1dc5393004c34,0x7e6c6d0995f7e}}, {{0x2df28658e3202,0x4486fd3780273,0x4b4938369d071,0x27368a48b7993,0x38cbfadbd9b20}}, {{0x209b4b21c6655,0x575dc622886fe,0x6a6715bd998db,0x519943ed4dac0,0x6bfce25b62069}}},
        {{{0x2a07a7777a095,0x583b23f9b80f3,0x47f9a198523d5,0x1582146349e9e,0x547063e50fcb2}}, {{0x6500f3af0c940,0x1fe23703916e6,0x310892515a405,0x6aea32a19f250,0x65e02bc76087b}}, {{0x8ade044bc1a7,0x53b6928bf709e,0x1f0e78e82a0da,0x6177f4fb94ea9,0x5588e2a695c2a}}},
        {{{0x1a240e99bbeb9,0x7b646636e001f,0x2cb57afbc6c4c,0x7d40f6c6e70d7,0x1dcb6605f05d5}}, {{0x152cda73d5aeb,0x29bfce9193e40,0xe89293ce03e4,0x3e52e36cf1aeb,0x13bb1d88b3f5b}}, {{0x4233173aa302a,0x2d2f4bfb1d86d,0x6ed2f262bb2ef,0x7524e7cb72b91,0x5dd74ce686a04}}},
        {{{0x200f5539f0d,0x1b65707498d08,0xe9db74b5a57b,0x1739628b3c7fc,0x53a6fad82e2dd}}, {{0x1b6f65aac1d21,0x4aa06f7158e75,0x2dbdae368671e,0x18b34892be553,0x253af6e715980}}, {{0x6f5425cc4d7ab,0x559ef47a1c23c,0xd307decb3d76,0x7a7967717a60f,0x4f2b24d744330}}},
        {{{0x4dd7c964ae6e5,0x45bbf581bf807,0x2238a2dae022b,0x358e2abec9514,0x69ff7e3aa980b}}, {{0x2a77ce192d046,0x9df48f24fe7d,0x5c870c7c69ca1,0x6d200d89bc936,0x574b1e9f979ef}}, {{0x2d6ad127c4a25,0x66d4483b5f4f9,0x2bbb1f5c2e198,0x9e402023ef36,0x5dcb40b60e8b1}}},
        {{{0x11d4c9c56b04a,0x74bf21e18de7b,0x4bca2347491a1,0xb307aef377c0,0x42fc3ee0fb72f}}, {{0x7ae44c5162125,0x6ad21fccbf33c,0x49114faa29b69,0x5ac4b7662892d,0x478cc1af637cf}}, {{0x1349948e86496,0x1215afc93f3a1,0x5868833884e9b,0x36e9d99bab89d,0x46a69f17edc67}}},
        {{{0x561ab2db45586,0x1a68d095e4237,0x4784a563fb123,0x758658a68f4f8,0x72ff8adf89fe8}}, {{0x547af0c62632a,0x638a7b60068ac,0x6e6b6f05b0cbb,0x7c30ac6fe6993,0x5ea64be1156cf}}, {{0x39d025c7b7a49,0x23d7e8a2b32ec,0x6e90b73f7a3c6,0x2466b7e728d7f,0x22536263c197d}}},
        {{{0x27783812cccf1,0x2a51a0d614801,0x22168c60a8f6c,0x556be437526e7,0x792c0e41e9ded}}, {{0x3ea0c0546526c,0x1e838a5ebcbb9,0x78e87f1e626a3,0x723049e2dcb60,0x1dbcf4e69c242}}, {{0x6f57b7c5e4829,0x6fbc7cd45dd09,0x18a0eaec925ca,0x2411d8f863bb9,0x49967e924a827}}},
        {{{0x4a1b248b6ff97,0x264d9d239b90a,0x7fc686689c011,0x351c4cd4df60f,0x60e6419f195fc}}, {{0xc9e4d56a880e,0x6e0b07f882f69,0x744243ec5004,0x3557820b68d08,0x44145758ddee1}}, {{0x505e3a6ad4de,0x151444fb465bc,0x35d8e64d387a4,0x3e91b9119f420,0x18e2de19984cb}}},
        {{{0x987f5eab8aa5,0x4657a97a699ab,0x215b1e7b2e9c1,0x341f3f22f6d03,0x96f59fe0f824}}, {{0x2cfccbfd4ca0b,0x192db19d899e7,0x1fd16352ad130,0x4a2a3ed6b773,0x285ec6a61dc99}}, {{0x751c90111182e,0x22df83206ece5,0x78d18dbd6e87b,0x49b5796ba86b5,0x43b7aaca260db}}},
        {{{0x60f9cfd1b173d,0x54f8bc50449e3,0x57a6372e05d7c,0x795a034c52144,0x7a258b82c735a}}, {{0x2b5663931ccea,0x22cd012887d71,0x74aa02d5f5a74,0x13d27dd8883b,0x4dd43aa3d5b22}}, {{0x1cb57827ad5d9,0x5be769b03c107,0x3d18cc0100bdd,0x67e7d7580a929,0x5ab0be61987e7}}},
        {{{0x5ecaa53f27050,0x7be899737dee5,0x7619baa842081,0x198d372594056,0x159f14a1e6ef4}}, {{0x55d6c443791e0,0x1264090e0464c,0x7219535b941ec,0x2a2d2864da480,0x22905859a7528}}, {{0x75ebe6fbf7dc3,0x41e0705986cc,0x5269c7ad2a596,0x1a60f643f2a0d,0x3a2578c559aed}}},
        {{{0x5738947354c74,0x2441c851a3a8,0x3e2ae1a0fa373,0x20de00ca6f765,0x4a8bf581c2e9e}}, {{0x5b6733d469887,0xd0b924d4eb57,0x331863bef91ce,0x3f16dd0871d55,0x25568963a5c85}}, {{0x4fb081ed64cb,0x63fdf83a982da,0x208cd0ea72ff0,0x5be62bd3914c9,0x436071166fa60}}},
        {{{0x41601adef4959,0x18d3994fa0353,0x52c83e3a2fc6,0x40da93b120cfb,0x357b130a707d7}}, {{0x21c92edd76c39,0x67dd6ee954889,0x1d0bb896b8292,0x2c287703199d5,0x1f9ecf4b31a9f}}, {{0x5a5a6426e8c55,0x2c120e1b4b4c7,0xc9d0bf66c30b,0x738ace0f7f05,0x220c85959d2df}}},
        {{{0x3451fa2b4596a,0x584973299a138,0x14d2bb0dd4587,0x88afbfb7ad6e,0x1c4017e6c4e4b}}, {{0x52a14890b46e9,0x4b5e0c83b816d,0x692003a8c0de3,0x414d1a1c853,0x12c7cc9159ebe}}, {{0x62d815d8560af,0x4c2448fe4f3cf,0x8a7f73857065,0x4987b1bd55087,0xd61c20ccc41e}}},
        {{{0x5613db3d87540,0x6f2e9c00085b7,0x692efe5f4bdf0,0x33e1e20d6df0f,0x2d4dea5d4e5ee}}, {{0x4561f5751c314,0x40b3e7737d1a9,0x228c8b5bb2dd2,0x7238adff18400,0x15ec5878f2bf1}}, {{0x3ce0ff9ad1eb3,0x255be1d40463d,0x2989d589af115,0x6ec7a8d469feb,0x2d73bbc866b3e}}},
    },
};

#define VKEY_MAGIC UINT64_C(0x6f6c6d7079656432) /* "olmpyed2" */

typedef struct {
    uint64_t magic; /* VKEY_MAGIC iff initialised with a usable key */
    uint8_t pub[32];
    /* table[j][i] = (2i + 1) * 2^(SPLIT_BITS * j) * A, affine Niels form */
    ge_niels table[SPLITS][NA];
} olmpy_ed25519_vkey;

_Static_assert(sizeof(olmpy_ed25519_vkey) == OLMPY_ED25519_VKEY_SIZE,
               "OLMPY_ED25519_VKEY_SIZE in ed25519_verify.h is stale");

size_t olmpy_ed25519_vkey_size(void) { return sizeof(olmpy_ed25519_vkey); }

int olmpy_ed25519_vkey_init(void *vkey_, const uint8_t *pub)
{
    olmpy_ed25519_vkey *vk = (olmpy_ed25519_vkey *)vkey_;
    ge_p3 a, pts[SPLITS][NA];
    fe zs[SPLITS * NA], acc[SPLITS * NA], inv;
    int i, j, n;

    vk->magic = 0;
    memcpy(vk->pub, pub, 32);
    if (!y_is_canonical(pub) || has_small_order_encoding(pub) ||
        ge_frombytes(&a, pub) != 0) {
        return OLMPY_E_SIGNATURE;
    }

    /* odd multiples of 2^(SPLIT_BITS j) A in extended coordinates */
    for (j = 0; j < SPLITS; j++) {
        ge_p1p1 t;
        ge_cached twice;
        ge_p3 d2;

        pts[j][0] = a;
        ge_p3_dbl(&t, &a);
        ge_p1p1_to_p3(&d2, &t);
        ge_p3_to_cached(&twice, &d2);
        for (i = 1; i < NA; i++) {
            ge_add(&t, &pts[j][i - 1], &twice);
            ge_p1p1_to_p3(&pts[j][i], &t);
        }
        if (j + 1 < SPLITS) {
            ge_p2 p2;
            ge_p3_to_p2(&p2, &a);
            for (i = 0; i < SPLIT_BITS - 1; i++) {
                ge_p2_dbl(&t, &p2);
                ge_p1p1_to_p2(&p2, &t);
            }
            ge_p2_dbl(&t, &p2);
            ge_p1p1_to_p3(&a, &t);
        }
    }

    /* batch inversion of all Z (Montgomery's trick); no Z is zero since
     * the addition formulas are complete */
    n = 0;
    for (j = 0; j < SPLITS; j++) {
        for (i = 0; i < NA; i++) {
            zs[n] = pts[j][i].Z;
            if (n == 0) {
                acc[0] = zs[0];
            } else {
                fe_mul(&acc[n], &acc[n - 1], &zs[n]);
            }
            n++;
        }
    }
    fe_invert(&inv, &acc[n - 1]);
    for (j = SPLITS - 1; j >= 0; j--) {
        for (i = NA - 1; i >= 0; i--) {
            fe zi, x, y;
            ge_niels *e = &vk->table[j][i];
            n--;
            if (n > 0) {
                fe_mul(&zi, &inv, &acc[n - 1]);
                fe_mul(&inv, &inv, &zs[n]);
            } else {
                zi = inv;
            }
            fe_mul(&x, &pts[j][i].X, &zi);
            fe_mul(&y, &pts[j][i].Y, &zi);
            fe_add(&e->ypx, &y, &x);
            fe_carry(&e->ypx);
            fe_sub(&e->ymx, &y, &x);
            fe_carry(&e->ymx);
            fe_mul(&e->xy2d, &x, &y);
            fe_mul(&e->xy2d, &e->xy2d, &fe_d2);
        }
    }
    vk->magic = VKEY_MAGIC;
    return 0;
}

int olmpy_ed25519_vkey_verify(const void *vkey_, const uint8_t *msg,
                              size_t len, const uint8_t *sig)
{
    const olmpy_ed25519_vkey *vk = (const olmpy_ed25519_vkey *)vkey_;
    olmpy_sha512_ctx hs;
    uint8_t hash[64], rcheck[32];
    uint64_t h[4], s[4];
    int8_t nh[256], ns[256];
    ge_p2 r;
    ge_p3 u;
    ge_p1p1 t;
    int i, j, top;

    if (vk->magic != VKEY_MAGIC) {
        return OLMPY_E_SIGNATURE;
    }
    if (!sc_is_canonical(sig + 32) || has_small_order_encoding(sig)) {
        return OLMPY_E_SIGNATURE;
    }

    olmpy_sha512_init(&hs);
    olmpy_sha512_update(&hs, sig, 32);
    olmpy_sha512_update(&hs, vk->pub, 32);
    if (len > 0) {
        olmpy_sha512_update(&hs, msg, len);
    }
    olmpy_sha512_final(&hs, hash);
    sc_reduce512(h, hash);
    for (i = 0; i < 4; i++) {
        s[i] = load64_le(sig + 32 + 8 * i);
    }
    sc_wnaf(nh, h, WA);
    sc_wnaf(ns, s, WB);

    /* highest position (within a piece) that has a digit */
    top = -1;
    for (i = SPLIT_BITS - 1; i >= 0 && top < 0; i--) {
        for (j = 0; j < SPLITS; j++) {
            if (nh[i + SPLIT_BITS * j] | ns[i + SPLIT_BITS * j]) {
                top = i;
                break;
            }
        }
    }

    /* u = identity: the first addition starts from it, with no doubling */
    fe_0(&u.X);
    fe_1(&u.Y);
    fe_1(&u.Z);
    fe_0(&u.T);
    r.X = u.X;
    r.Y = u.Y;
    r.Z = u.Z;
    for (i = top; i >= 0; i--) {
        int have = 0; /* t holds the running point, else u does */
        if (i != top) {
            ge_p2_dbl(&t, &r);
            have = 1;
        }
        for (j = 0; j < SPLITS; j++) {
            const int dh = nh[i + SPLIT_BITS * j];
            const int ds = ns[i + SPLIT_BITS * j];
            if (dh != 0) {
                if (have) {
                    ge_p1p1_to_p3(&u, &t);
                }
                have = 1;
                /* subtracting h*A */
                if (dh > 0) {
                    ge_msub(&t, &u, &vk->table[j][dh >> 1]);
                } else {
                    ge_madd(&t, &u, &vk->table[j][(-dh) >> 1]);
                }
            }
            if (ds != 0) {
                if (have) {
                    ge_p1p1_to_p3(&u, &t);
                }
                have = 1;
                if (ds > 0) {
                    ge_madd(&t, &u, &base_table[j][ds >> 1]);
                } else {
                    ge_msub(&t, &u, &base_table[j][(-ds) >> 1]);
                }
            }
        }
        ge_p1p1_to_p2(&r, &t);
    }

    ge_tobytes(rcheck, &r);
    return memcmp(rcheck, sig, 32) == 0 ? 0 : OLMPY_E_SIGNATURE;
}

/* ------------------------------------------------------------------------ */
/* One-shot verification (no per-key object).                               */
/*                                                                          */
/* The point group E(F_p) is cyclic of order 8L, so integer multiples of    */
/* any point depend on the integer mod 8L only.  Writing Q = S*B - h*A - R, */
/* libsodium accepts iff Q is the identity (given the encoding checks: R    */
/* must be canonical and decode, as the encoding of S*B - h*A always is).   */
/* For any v prime to 8L (v odd, and below 2^200 so no multiple of L),    */
/* Q = 0 iff v*Q = 0, and with u = v*h mod 8L:                              */
/*     v*Q = (v*S mod L)*B - u*A - v*R,                                     */
/* (B has order L).  A short (u, v), both about 2^127, comes from the       */
/* extended Euclidean algorithm on (8L, h) stopped half way; then one chain */
/* of ~128 doublings serves all three scalars (B's 253-bit scalar is cut    */
/* into pieces with the static tables of 2^(32 j) B).  The check is         */
/* projective (no inversion), at the price of decompressing R.              */
/* ------------------------------------------------------------------------ */

/* 8L, little-endian */
static const uint64_t sc_8L[4] = {UINT64_C(0xc09318d2e7ae9f68),
                                  UINT64_C(0xa6f7cef517bce6b2), 0,
                                  UINT64_C(0x8000000000000000)};

static int mp_bitlen(const uint64_t a[4])
{
    int i;
    for (i = 3; i >= 0; i--) {
        if (a[i] != 0) {
            return 64 * i + 64 - __builtin_clzll(a[i]);
        }
    }
    return 0;
}

static int mp_cmp(const uint64_t a[4], const uint64_t b[4])
{
    int i;
    for (i = 3; i >= 0; i--) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return 0;
}

/* r = a << s mod 2^256, 0 <= s < 256 */
static void mp_shl(uint64_t r[4], const uint64_t a[4], int s)
{
    const int w = s >> 6, b = s & 63;
    int i;
    for (i = 3; i >= 0; i--) {
        const uint64_t hi = i - w >= 0 ? a[i - w] : 0;
        const uint64_t lo = i - w - 1 >= 0 ? a[i - w - 1] : 0;
        r[i] = b != 0 ? (hi << b) | (lo >> (64 - b)) : hi;
    }
}

/* a -= b, a >= b */
static void mp_sub(uint64_t a[4], const uint64_t b[4])
{
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        const u128 d = (u128)a[i] - b[i] - borrow;
        a[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

/* a += b, no overflow */
static void mp_add(uint64_t a[4], const uint64_t b[4])
{
    u128 c = 0;
    int i;
    for (i = 0; i < 4; i++) {
        c += (u128)a[i] + b[i];
        a[i] = (uint64_t)c;
        c >>= 64;
    }
}

/* One Euclidean step on remainders u >= v > 0 with cofactor magnitudes:
 * u = u mod v and tu += floor(u / v) * tv. */
static void mp_divstep(uint64_t u[4], uint64_t tu[4], const uint64_t v[4],
                       const uint64_t tv[4])
{
    uint64_t t[4];
    int s;
    for (s = mp_bitlen(u) - mp_bitlen(v); s >= 0; s--) {
        mp_shl(t, v, s);
        if (mp_cmp(t, u) <= 0) {
            mp_sub(u, t);
            mp_shl(t, tv, s);
            mp_add(tu, t);
        }
    }
}

/* r = x*p - y*q for x, y < 2^63 when the result is known to lie in
 * [0, 2^256) */
static void mp_mulsub(uint64_t r[4], uint64_t x, const uint64_t p[4],
                      uint64_t y, const uint64_t q[4])
{
    u128 cp = 0, cq = 0;
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 4; i++) {
        u128 d;
        cp += (u128)x * p[i];
        cq += (u128)y * q[i];
        d = (u128)(uint64_t)cp - (uint64_t)cq - borrow;
        r[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
        cp >>= 64;
        cq >>= 64;
    }
}

/* r = x*p + y*q for x, y < 2^63 when the result is known to be below
 * 2^256 */
static void mp_muladd(uint64_t r[4], uint64_t x, const uint64_t p[4],
                      uint64_t y, const uint64_t q[4])
{
    u128 c = 0;
    int i;
    for (i = 0; i < 4; i++) {
        c += (u128)x * p[i] + (u128)y * q[i];
        r[i] = (uint64_t)c;
        c >>= 64;
    }
}

static inline uint64_t abs64(int64_t x)
{
    return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
}

/* Finds u >= 0 and odd v (as magnitude and sign) with u = v*h (mod 8L),
 * both short.  Returns 0, or -1 if either is 2^200 or more (a lattice with
 * unusually unbalanced short vectors; the caller then uses u = h, v = 1,
 * and the 200-bit bound keeps v from being a multiple of L).
 *
 * Extended Euclid on r0 = 8L, r1 = h keeps r_i = t_i h (mod 8L), the
 * signs of t_i alternating and |t_i| r_(i-1) <= 8L; it stops at the first
 * r_i below 2^128, where |t_i| <= 8L / 2^128 < 2^128 as well.  Consecutive
 * t are coprime, so if t_i is even, t_(i-1) and t_(i+1) are odd.
 *
 * The Euclidean steps are batched as in Lehmer's method (Knuth, TAOCP
 * 4.5.2, Algorithm L): runs of quotients are found from the leading 62
 * bits, with both bounds on each quotient checked so that every quotient
 * is the exact one, then applied to the full numbers as a 2x2 matrix.
 * Whatever the batching, every step is an exact Euclidean step. */
static int lattice_reduce(uint64_t uo[4], uint64_t vo[4], int *vneg,
                          const uint64_t h[4])
{
    uint64_t a[4], b[4], ta[4] = {0}, tb[4] = {1, 0, 0, 0}, x[4];
    int bneg = 0; /* sign of tb; ta has the other sign (or is 0) */
    int i;

#ifdef OLMPY_TEST_ONESHOT_NO_LATTICE
    /* tests only: exercise the caller's fallback on every signature */
    return -1;
#endif
    memcpy(a, sc_8L, sizeof a);
    memcpy(b, h, sizeof b);
    while ((b[2] | b[3]) != 0) {
        /* here a > b >= 2^128 */
        const int s = mp_bitlen(a) - 62;
        const int w = s >> 6, sb = s & 63;
        const uint64_t thr = s <= 129 ? UINT64_C(1) << (129 - s) : 0;
        uint64_t ah, bh;
        int64_t A = 1, B = 0, C = 0, D = 1;
        int k = 0;

        ah = a[w] >> sb;
        bh = b[w] >> sb;
        if (sb != 0 && w < 3) {
            ah |= a[w + 1] << (64 - sb);
            bh |= b[w + 1] << (64 - sb);
        }
        for (;;) {
            const int64_t bc = (int64_t)bh + C, bd = (int64_t)bh + D;
            const int64_t aa = (int64_t)ah + A, ab = (int64_t)ah + B;
            uint64_t q, r;
            int64_t t;
            if (bc <= 0 || bd <= 0 || aa < 0 || ab < 0) {
                break;
            }
            /* q = floor(aa / bc), usually 1; it must equal floor(ab / bd) */
            q = (uint64_t)(aa - bc) < (uint64_t)bc ? 1 : (uint64_t)aa / (uint64_t)bc;
            if ((u128)q * (uint64_t)bd > (uint64_t)ab ||
                (uint64_t)ab - q * (uint64_t)bd >= (uint64_t)bd) {
                break;
            }
            r = ah - q * bh;
            if (r < thr) {
                break; /* near 2^128: finish with exact single steps */
            }
            t = A - (int64_t)q * C;
            A = C;
            C = t;
            t = B - (int64_t)q * D;
            B = D;
            D = t;
            ah = bh;
            bh = r;
            k++;
        }
        if (k == 0) {
            mp_divstep(a, ta, b, tb);
            for (i = 0; i < 4; i++) {
                x[i] = a[i], a[i] = b[i], b[i] = x[i];
                x[i] = ta[i], ta[i] = tb[i], tb[i] = x[i];
            }
            bneg ^= 1;
            continue;
        }
        {
            uint64_t na[4], nb[4], nta[4], ntb[4];
            /* A, B (and C, D) have opposite signs or one is zero */
            if (B <= 0) {
                mp_mulsub(na, abs64(A), a, abs64(B), b);
            } else {
                mp_mulsub(na, abs64(B), b, abs64(A), a);
            }
            if (D <= 0) {
                mp_mulsub(nb, abs64(C), a, abs64(D), b);
            } else {
                mp_mulsub(nb, abs64(D), b, abs64(C), a);
            }
            mp_muladd(nta, abs64(A), ta, abs64(B), tb);
            mp_muladd(ntb, abs64(C), ta, abs64(D), tb);
            memcpy(a, na, sizeof a);
            memcpy(b, nb, sizeof b);
            memcpy(ta, nta, sizeof ta);
            memcpy(tb, ntb, sizeof tb);
            bneg ^= k & 1;
        }
    }
    if (tb[0] & 1) {
        memcpy(uo, b, sizeof b);
        memcpy(vo, tb, sizeof tb);
        *vneg = bneg;
    } else {
        /* ta is odd: take (a, ta) or the next step (a mod b, ta + q tb),
         * whichever is shorter (b > 0 here: gcd(8L, h) < 2^128) */
        uint64_t c[4], tc[4];
        memcpy(c, a, sizeof c);
        memcpy(tc, ta, sizeof tc);
        mp_divstep(c, tc, b, tb);
        i = mp_bitlen(a) > mp_bitlen(ta) ? mp_bitlen(a) : mp_bitlen(ta);
        if ((mp_bitlen(c) > mp_bitlen(tc) ? mp_bitlen(c) : mp_bitlen(tc)) < i) {
            memcpy(uo, c, sizeof c);
            memcpy(vo, tc, sizeof tc);
        } else {
            memcpy(uo, a, sizeof a);
            memcpy(vo, ta, sizeof ta);
        }
        *vneg = !bneg;
    }
    return mp_bitlen(uo) > 200 || mp_bitlen(vo) > 200 ? -1 : 0;
}

#define WO 5                /* wNAF width for the one-shot tables of A and R */
#define NO (1 << (WO - 2))
#define NAF_MAX 257         /* digits of a scalar below 2^256 */

/* r = p - q, q in cached form */
static void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q)
{
    fe a, b, c, dd, t;

    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YpX);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->YmX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&dd, &p->Z, &q->Z2);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &dd, &c);
    fe_add(&r->T, &dd, &c);
}

/* t[k][i] = (2i + 1) p[k] for k = 0, 1 (interleaved, as fe_sqn_x2) */
static void ge_odd_multiples_x2(ge_cached t[2][NO], const ge_p3 p[2])
{
    ge_p1p1 x[2];
    ge_p3 cur[2];
    ge_cached twice[2];
    int i, k;

    for (k = 0; k < 2; k++) {
        ge_p3_to_cached(&t[k][0], &p[k]);
        ge_p3_dbl(&x[k], &p[k]);
        ge_p1p1_to_p3(&cur[k], &x[k]);
        ge_p3_to_cached(&twice[k], &cur[k]);
        cur[k] = p[k];
    }
    for (i = 1; i < NO; i++) {
        for (k = 0; k < 2; k++) {
            ge_add(&x[k], &cur[k], &twice[k]);
            ge_p1p1_to_p3(&cur[k], &x[k]);
            ge_p3_to_cached(&t[k][i], &cur[k]);
        }
    }
}

/* Width-w NAF of k < 2^256 over positions 0..NAF_MAX-1; returns the
 * number of positions up to the last nonzero digit (0 for k = 0). */
static int wnaf_var(int8_t naf[NAF_MAX], const uint64_t k4[4], int w)
{
    uint64_t k[5];
    int bit = 0, carry = 0, len = 0;

    memcpy(k, k4, 4 * sizeof k[0]);
    k[4] = 0;
    memset(naf, 0, NAF_MAX);
    while (bit < NAF_MAX) {
        const int limb = bit >> 6, off = bit & 63;
        uint64_t word;

        if ((int)((k[limb] >> off) & 1) == carry) {
            bit++;
            continue;
        }
        word = k[limb] >> off;
        if (off + w > 64 && limb < 4) {
            word |= k[limb + 1] << (64 - off);
        }
        word &= ((uint64_t)1 << w) - 1;
        word += (uint64_t)carry;
        carry = (int)((word >> (w - 1)) & 1);
        naf[bit] = (int8_t)((int)word - (carry << w));
        len = bit + 1;
        bit += w;
    }
    return len;
}

/* r = x * y mod L for 256-bit x and y */
static void sc_mul_var(uint64_t r[4], const uint64_t x[4], const uint64_t y[4])
{
    uint64_t p[8] = {0};
    uint8_t bytes[64];
    int i, j;

    for (i = 0; i < 4; i++) {
        u128 c = 0;
        for (j = 0; j < 4; j++) {
            c += (u128)x[i] * y[j] + p[i + j];
            p[i + j] = (uint64_t)c;
            c >>= 64;
        }
        p[i + 4] = (uint64_t)c;
    }
    for (i = 0; i < 8; i++) {
        store64_le(bytes + 8 * i, p[i]);
    }
    sc_reduce512(r, bytes);
}

/* Two independent chains side by side: each field operation is latency
 * bound, so the processor overlaps the two. */
static void fe_sqn_x2(fe h[2], const fe f[2], int n)
{
    fe_sq_fast(&h[0], &f[0]);
    fe_sq_fast(&h[1], &f[1]);
    while (--n > 0) {
        fe_sq_fast(&h[0], &h[0]);
        fe_sq_fast(&h[1], &h[1]);
    }
}

static inline void fe_mul_x2(fe h[2], const fe f[2], const fe g[2])
{
    fe_mul(&h[0], &f[0], &g[0]);
    fe_mul(&h[1], &f[1], &g[1]);
}

/* h[k] = z[k]^(2^252 - 3), as fe_pow22523 */
static void fe_pow22523_x2(fe h[2], const fe z[2])
{
    fe z2[2], z9[2], z11[2], t5[2], t10[2], t20[2], t40[2], t50[2], t100[2],
        t200[2], t[2];

    fe_sqn_x2(z2, z, 1);
    fe_sqn_x2(t, z2, 2);
    fe_mul_x2(z9, t, z);
    fe_mul_x2(z11, z9, z2);
    fe_sqn_x2(t, z11, 1);
    fe_mul_x2(t5, t, z9);
    fe_sqn_x2(t, t5, 5);
    fe_mul_x2(t10, t, t5);
    fe_sqn_x2(t, t10, 10);
    fe_mul_x2(t20, t, t10);
    fe_sqn_x2(t, t20, 20);
    fe_mul_x2(t40, t, t20);
    fe_sqn_x2(t, t40, 10);
    fe_mul_x2(t50, t, t10);
    fe_sqn_x2(t, t50, 50);
    fe_mul_x2(t100, t, t50);
    fe_sqn_x2(t, t100, 100);
    fe_mul_x2(t200, t, t100);
    fe_sqn_x2(t, t200, 50);
    fe_mul_x2(t, t, t50);
    fe_sqn_x2(t, t, 2);
    fe_mul_x2(h, t, z);
}

/* Decompresses s[0] and s[1] as ge_frombytes does, with the two
 * exponentiations interleaved.  Returns 0, or -1 if either is not on the
 * curve. */
static int ge_frombytes_x2(ge_p3 h[2], const uint8_t *s[2])
{
    fe u[2], v[2], v3[2], w[2], x[2], vxx, chk;
    int k;

    for (k = 0; k < 2; k++) {
        fe_frombytes(&h[k].Y, s[k]);
        fe_1(&h[k].Z);
        fe_sq(&u[k], &h[k].Y);
        fe_mul(&v[k], &u[k], &fe_d);
        fe_sub(&u[k], &u[k], &h[k].Z);  /* u = y^2 - 1 */
        fe_carry(&u[k]);                /* reduced: subtracted from v x^2 below */
        fe_add(&v[k], &v[k], &h[k].Z);  /* v = d y^2 + 1 */
        fe_sq(&v3[k], &v[k]);
        fe_mul(&v3[k], &v3[k], &v[k]);  /* v^3 */
        fe_sq(&w[k], &v3[k]);
        fe_mul(&w[k], &w[k], &v[k]);
        fe_mul(&w[k], &w[k], &u[k]);    /* u v^7 */
    }
    fe_pow22523_x2(x, w);               /* (u v^7)^((p-5)/8) */
    for (k = 0; k < 2; k++) {
        fe_mul(&x[k], &x[k], &v3[k]);
        fe_mul(&x[k], &x[k], &u[k]);    /* x = u v^3 (u v^7)^((p-5)/8) */
        fe_sq(&vxx, &x[k]);
        fe_mul(&vxx, &vxx, &v[k]);      /* v x^2 */
        fe_sub(&chk, &vxx, &u[k]);
        if (!fe_iszero(&chk)) {
            fe_add(&chk, &vxx, &u[k]);
            if (!fe_iszero(&chk)) {
                return -1;
            }
            fe_mul(&x[k], &x[k], &fe_sqrtm1);
        }
        if (fe_isodd(&x[k]) != (s[k][31] >> 7)) {
            fe_neg(&x[k], &x[k]);
            fe_carry(&x[k]);
        }
        h[k].X = x[k];
        fe_mul(&h[k].T, &h[k].X, &h[k].Y);
    }
    return 0;
}

int olmpy_ed25519_is_point(const uint8_t *enc)
{
    ge_p3 a;
    return ge_frombytes(&a, enc) == 0;
}

int olmpy_ed25519_verify_oneshot(const uint8_t *pub, const uint8_t *msg,
                                 size_t len, const uint8_t *sig)
{
    olmpy_sha512_ctx hs;
    uint8_t hash[64];
    uint64_t h[4], s[4], u[4], v[4], b[4];
    int8_t nu[NAF_MAX], nv[NAF_MAX], nb[NAF_MAX];
    ge_cached tab[2][NO]; /* odd multiples of A and R */
    ge_p3 ar[2], cur;
    const uint8_t *enc[2];
    ge_p2 acc;
    ge_p1p1 t;
    fe chk;
    int vneg, lu, lv, piece, pieces, top, i, j;

    if (!sc_is_canonical(sig + 32) || has_small_order_encoding(sig) ||
        !y_is_canonical(pub) || has_small_order_encoding(pub) ||
        !y_is_canonical(sig)) {
        return OLMPY_E_SIGNATURE;
    }
    enc[0] = pub;
    enc[1] = sig;
    if (ge_frombytes_x2(ar, enc) != 0) {
        return OLMPY_E_SIGNATURE;
    }

    olmpy_sha512_init(&hs);
    olmpy_sha512_update(&hs, sig, 32);
    olmpy_sha512_update(&hs, pub, 32);
    if (len > 0) {
        olmpy_sha512_update(&hs, msg, len);
    }
    olmpy_sha512_final(&hs, hash);
    sc_reduce512(h, hash);
    for (i = 0; i < 4; i++) {
        s[i] = load64_le(sig + 32 + 8 * i);
    }

    if (lattice_reduce(u, v, &vneg, h) != 0) {
        memcpy(u, h, sizeof u);
        memset(v, 0, sizeof v);
        v[0] = 1;
        vneg = 0;
    }
    /* b = v S mod L */
    sc_mul_var(b, v, s);
    if (vneg && (b[0] | b[1] | b[2] | b[3]) != 0) {
        uint64_t l[4];
        memcpy(l, sc_L, sizeof l);
        mp_sub(l, b);
        memcpy(b, l, sizeof b);
    }

    lu = wnaf_var(nu, u, WO);
    lv = wnaf_var(nv, v, WO);
    wnaf_var(nb, b, WB);
    /* B's digits are cut into pieces of a multiple of SPLIT_BITS positions
     * covering the chain for u and v */
    piece = lu > lv ? lu : lv;
    piece = (piece + SPLIT_BITS - 1) / SPLIT_BITS * SPLIT_BITS;
    if (piece == 0) {
        piece = SPLIT_BITS;
    }
    pieces = (256 + piece - 1) / piece;

    ge_odd_multiples_x2(tab, ar);

    top = -1;
    for (i = piece - 1; i >= 0 && top < 0; i--) {
        if (nu[i] | nv[i]) {
            top = i;
        }
        for (j = 0; j < pieces && i + piece * j < NAF_MAX; j++) {
            if (nb[i + piece * j]) {
                top = i;
            }
        }
    }

    if (top < 0) {
        return OLMPY_E_SIGNATURE; /* unreachable: v is odd, nv[0] != 0 */
    }

    fe_0(&cur.X);
    fe_1(&cur.Y);
    fe_1(&cur.Z);
    fe_0(&cur.T);
    acc.X = cur.X;
    acc.Y = cur.Y;
    acc.Z = cur.Z;
    for (i = top; i >= 0; i--) {
        int have = 0; /* t holds the running point, else cur does */
        int d;
        if (i != top) {
            ge_p2_dbl(&t, &acc);
            have = 1;
        }
        /* - u A */
        d = nu[i];
        if (d != 0) {
            if (have) {
                ge_p1p1_to_p3(&cur, &t);
            }
            have = 1;
            if (d > 0) {
                ge_sub(&t, &cur, &tab[0][d >> 1]);
            } else {
                ge_add(&t, &cur, &tab[0][(-d) >> 1]);
            }
        }
        /* - v R */
        d = vneg ? -nv[i] : nv[i];
        if (d != 0) {
            if (have) {
                ge_p1p1_to_p3(&cur, &t);
            }
            have = 1;
            if (d > 0) {
                ge_sub(&t, &cur, &tab[1][d >> 1]);
            } else {
                ge_add(&t, &cur, &tab[1][(-d) >> 1]);
            }
        }
        /* + b B */
        for (j = 0; j < pieces; j++) {
            const int pos = i + piece * j;
            if (pos >= NAF_MAX || (d = nb[pos]) == 0) {
                continue;
            }
            if (have) {
                ge_p1p1_to_p3(&cur, &t);
            }
            have = 1;
            if (d > 0) {
                ge_madd(&t, &cur, &base_table[piece / SPLIT_BITS * j][d >> 1]);
            } else {
                ge_msub(&t, &cur, &base_table[piece / SPLIT_BITS * j][(-d) >> 1]);
            }
        }
        if (have) {
            ge_p1p1_to_p2(&acc, &t);
        }
    }

    /* identity: X = 0 and Y = Z */
    fe_sub(&chk, &acc.Y, &acc.Z);
    return fe_iszero(&acc.X) && fe_iszero(&chk) ? 0 : OLMPY_E_SIGNATURE;
}
