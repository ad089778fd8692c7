/* Fixed-base multiplication for curve25519.c in radix 2^64 with MULX, ADCX and ADOX.
 *
 * Included by curve25519.c only (it uses that file's cfe, cge, table and helpers).
 *
 * Why: on CPUs without AVX-512 IFMA the radix-2^51 code spends its time issuing
 * instructions, not waiting on them: a mixed addition compiles to about 1,360 of them (175
 * multiplications, the rest carries, the multiplications by 19 and spills).  Four 64-bit
 * limbs need 16 products per multiplication instead of 25, and MULX with the two
 * independent carry chains of ADCX (CF) and ADOX (OF) adds them without moving every
 * product through RDX:RAX.  Measured on an AMD EPYC (no IFMA): the 64 mixed additions and
 * 4 doublings of a fixed-base multiplication take 8.4-8.8 us instead of 10.6-10.9 us.
 *
 * Field elements: four little-endian 64-bit limbs holding any value below 2^256 that is
 * congruent to the element mod p = 2^255 - 19 (not reduced).  Because 2^256 = 38 (mod p):
 *   - fe64_add: a carry out of the top limb is worth 38 at the bottom; adding 38 can carry
 *     out once more only when the sum was within 38 of 2^256, and then limb 0 is below 76,
 *     so the second 38 cannot carry;
 *   - fe64_sub: a borrow out of the top is taken back as 38 more to subtract; a second
 *     borrow leaves limb 0 at least 2^64 - 37, from which 38 more cannot borrow;
 *   - fe64_mul: the 512-bit product lo + 2^256 hi is lo + 38 hi: four MULX by 38 bring it
 *     below 2^256 + 38 * 2^64, the top word (below 39) times 38 goes to limb 0, and one more
 *     carry out adds 38 as in fe64_add.
 * Everything is straight-line code (inline assembly for the carry chains, which C cannot
 * express), so no branch and no address depends on a value.
 *
 * Points are curve25519.c's formulas on these elements: the mixed addition with the
 * table's affine (y + x, y - x, 2dxy) and the doubling, in extended coordinates.  The table
 * is curve25519_table.h's, repacked into four limbs when the library loads (public data),
 * and entries are chosen by reading all eight of a row under masks (AVX2).  The result is
 * converted back to radix 2^51 (limbs below 2^51, the top one below 2^52) for the encoding
 * and inversion code.
 *
 * Only the fixed base runs here.  The X25519 ladder written the same way measured slower
 * (49.7 us, against 41.7 us for the radix-2^51 ladder and 34.6 us for libsodium's): its
 * chain of dependent squarings gains nothing from the lower instruction count, so
 * variable-base X25519 stays with libsodium on these CPUs.
 *
 * Dispatch: used when CPUID says the CPU has BMI2 (MULX), ADX and AVX2 and the OS saves
 * the AVX state, unless OLMPY_NO_MULX is set or the four-lane IFMA code runs.  valgrind
 * runs these instructions but hides ADX from CPUID, so the constant-time check builds a
 * copy with OLMPY_CURVE_MULX_FORCE, which skips the CPUID test.
 */

/* Optimised builds only: the multiplication's inline assembly needs 13 general registers,
 * which an unoptimised build, keeping every operand's address in one, cannot give it. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__OPTIMIZE__) && \
    !defined(OLMPY_NO_CURVE_MULX)
#define OLMPY_CURVE_MULX 1
#include <immintrin.h>

typedef struct {
    uint64_t v[4];
} fe64;

typedef struct {
    fe64 X, Y, Z, T;
} ge64; /* extended coordinates */

typedef struct {
    fe64 ypx, ymx, xy2d;
} niels64; /* affine (y + x, y - x, 2dxy) */

/* Row k, entry j: (j + 1) 256^k B as (y + x, y - x, 2dxy), four limbs each. */
static uint64_t curve_tab64[32][8][12] __attribute__((aligned(32)));

#define FE64_READS(p) "m"(*(const uint64_t(*)[4])(p))

/* h = f * g (mod p), below 2^256.  Rows of the schoolbook product: row i adds f_i g_j at
 * limb i + j, low halves on the CF chain and high halves on the OF chain. */
__attribute__((target("bmi2,adx"))) static inline void fe64_mul(fe64 *h, const fe64 *f,
                                                                const fe64 *g)
{
    uint64_t r0, r1, r2, r3, r4, r5, r6, r7, t0, t1;
    __asm__("movq   0(%[f]), %%rdx\n\t" /* row 0: plain carries */
            "mulxq  0(%[g]), %[r0], %[r1]\n\t"
            "mulxq  8(%[g]), %[t0], %[r2]\n\t"
            "addq   %[t0], %[r1]\n\t"
            "mulxq  16(%[g]), %[t0], %[r3]\n\t"
            "adcq   %[t0], %[r2]\n\t"
            "mulxq  24(%[g]), %[t0], %[r4]\n\t"
            "adcq   %[t0], %[r3]\n\t"
            "adcq   $0, %[r4]\n\t"
            "movq   8(%[f]), %%rdx\n\t" /* row 1 (xor clears CF and OF) */
            "xorl   %k[r5], %k[r5]\n\t"
            "mulxq  0(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r1]\n\t"
            "adoxq  %[t1], %[r2]\n\t"
            "mulxq  8(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r2]\n\t"
            "adoxq  %[t1], %[r3]\n\t"
            "mulxq  16(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r3]\n\t"
            "adoxq  %[t1], %[r4]\n\t"
            "mulxq  24(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r4]\n\t"
            "adoxq  %[t1], %[r5]\n\t"
            "movl   $0, %k[t0]\n\t"
            "adcxq  %[t0], %[r5]\n\t"
            "movq   16(%[f]), %%rdx\n\t" /* row 2 */
            "xorl   %k[r6], %k[r6]\n\t"
            "mulxq  0(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r2]\n\t"
            "adoxq  %[t1], %[r3]\n\t"
            "mulxq  8(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r3]\n\t"
            "adoxq  %[t1], %[r4]\n\t"
            "mulxq  16(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r4]\n\t"
            "adoxq  %[t1], %[r5]\n\t"
            "mulxq  24(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r5]\n\t"
            "adoxq  %[t1], %[r6]\n\t"
            "movl   $0, %k[t0]\n\t"
            "adcxq  %[t0], %[r6]\n\t"
            "movq   24(%[f]), %%rdx\n\t" /* row 3 */
            "xorl   %k[r7], %k[r7]\n\t"
            "mulxq  0(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r3]\n\t"
            "adoxq  %[t1], %[r4]\n\t"
            "mulxq  8(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r4]\n\t"
            "adoxq  %[t1], %[r5]\n\t"
            "mulxq  16(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r5]\n\t"
            "adoxq  %[t1], %[r6]\n\t"
            "mulxq  24(%[g]), %[t0], %[t1]\n\t"
            "adcxq  %[t0], %[r6]\n\t"
            "adoxq  %[t1], %[r7]\n\t"
            "movl   $0, %k[t0]\n\t"
            "adcxq  %[t0], %[r7]\n\t"
            "movl   $38, %%edx\n\t" /* r0..r3 += 38 * r4..r7; t1 = 0 */
            "xorl   %k[t1], %k[t1]\n\t"
            "mulxq  %[r4], %[t0], %[r4]\n\t"
            "adcxq  %[t0], %[r0]\n\t"
            "adoxq  %[r4], %[r1]\n\t"
            "mulxq  %[r5], %[t0], %[r5]\n\t"
            "adcxq  %[t0], %[r1]\n\t"
            "adoxq  %[r5], %[r2]\n\t"
            "mulxq  %[r6], %[t0], %[r6]\n\t"
            "adcxq  %[t0], %[r2]\n\t"
            "adoxq  %[r6], %[r3]\n\t"
            "mulxq  %[r7], %[t0], %[r7]\n\t"
            "adcxq  %[t0], %[r3]\n\t"
            "adoxq  %[t1], %[r7]\n\t"
            "adcxq  %[t1], %[r7]\n\t"
            "imulq  $38, %[r7], %[r7]\n\t" /* the top word, below 39, at the bottom */
            "addq   %[r7], %[r0]\n\t"
            "adcq   $0, %[r1]\n\t"
            "adcq   $0, %[r2]\n\t"
            "adcq   $0, %[r3]\n\t"
            "sbbq   %[t0], %[t0]\n\t" /* a carry out: 38 more */
            "andq   $38, %[t0]\n\t"
            "addq   %[t0], %[r0]\n\t"
            : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4),
              [r5] "=&r"(r5), [r6] "=&r"(r6), [r7] "=&r"(r7), [t0] "=&r"(t0), [t1] "=&r"(t1)
            : [f] "r"(f->v), [g] "r"(g->v), FE64_READS(f->v), FE64_READS(g->v)
            : "rdx", "cc");
    h->v[0] = r0;
    h->v[1] = r1;
    h->v[2] = r2;
    h->v[3] = r3;
}

/* h = f + g (mod p), below 2^256 (the carry folding is explained at the top). */
static inline void fe64_add(fe64 *h, const fe64 *f, const fe64 *g)
{
    uint64_t r0 = f->v[0], r1 = f->v[1], r2 = f->v[2], r3 = f->v[3], t;
    __asm__("addq   0(%[g]), %[r0]\n\t"
            "adcq   8(%[g]), %[r1]\n\t"
            "adcq   16(%[g]), %[r2]\n\t"
            "adcq   24(%[g]), %[r3]\n\t"
            "sbbq   %[t], %[t]\n\t"
            "andq   $38, %[t]\n\t"
            "addq   %[t], %[r0]\n\t"
            "adcq   $0, %[r1]\n\t"
            "adcq   $0, %[r2]\n\t"
            "adcq   $0, %[r3]\n\t"
            "sbbq   %[t], %[t]\n\t"
            "andq   $38, %[t]\n\t"
            "addq   %[t], %[r0]\n\t"
            : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [t] "=&r"(t)
            : [g] "r"(g->v), FE64_READS(g->v)
            : "cc");
    h->v[0] = r0;
    h->v[1] = r1;
    h->v[2] = r2;
    h->v[3] = r3;
}

/* h = f - g (mod p), below 2^256. */
static inline void fe64_sub(fe64 *h, const fe64 *f, const fe64 *g)
{
    uint64_t r0 = f->v[0], r1 = f->v[1], r2 = f->v[2], r3 = f->v[3], t;
    __asm__("subq   0(%[g]), %[r0]\n\t"
            "sbbq   8(%[g]), %[r1]\n\t"
            "sbbq   16(%[g]), %[r2]\n\t"
            "sbbq   24(%[g]), %[r3]\n\t"
            "sbbq   %[t], %[t]\n\t"
            "andq   $38, %[t]\n\t"
            "subq   %[t], %[r0]\n\t"
            "sbbq   $0, %[r1]\n\t"
            "sbbq   $0, %[r2]\n\t"
            "sbbq   $0, %[r3]\n\t"
            "sbbq   %[t], %[t]\n\t"
            "andq   $38, %[t]\n\t"
            "subq   %[t], %[r0]\n\t"
            : [r0] "+&r"(r0), [r1] "+&r"(r1), [r2] "+&r"(r2), [r3] "+&r"(r3), [t] "=&r"(t)
            : [g] "r"(g->v), FE64_READS(g->v)
            : "cc");
    h->v[0] = r0;
    h->v[1] = r1;
    h->v[2] = r2;
    h->v[3] = r3;
}

/* Four limbs from five reduced radix-2^51 limbs (each below 2^51). */
static void fe64_from_reduced51(fe64 *h, const uint64_t *l)
{
    h->v[0] = l[0] | (l[1] << 51);
    h->v[1] = (l[1] >> 13) | (l[2] << 38);
    h->v[2] = (l[2] >> 26) | (l[3] << 25);
    h->v[3] = (l[3] >> 39) | (l[4] << 12);
}

/* Five radix-2^51 limbs of the same value: below 2^51, the top one below 2^52 (a value
 * below 2^256), which curve25519.c's multiplication and encoding accept. */
static void fe64_to_cfe(cfe *h, const fe64 *f)
{
    h->v[0] = f->v[0] & CMASK51;
    h->v[1] = ((f->v[0] >> 51) | (f->v[1] << 13)) & CMASK51;
    h->v[2] = ((f->v[1] >> 38) | (f->v[2] << 26)) & CMASK51;
    h->v[3] = ((f->v[2] >> 25) | (f->v[3] << 39)) & CMASK51;
    h->v[4] = f->v[3] >> 12;
}

/* t = e * T[row], e in [-8, 8]: the eight entries of the row are each read and ORed in
 * under a mask that is all ones for entry |e| only, the identity (1, 1, 0) under the mask
 * for e = 0; for e < 0, y + x and y - x swap and 2dxy becomes 0 - 2dxy, under masks. */
__attribute__((target("avx2"))) static inline void mulx_select(niels64 *t, int row, int8_t e)
{
    uint32_t neg = (uint32_t)(uint8_t)e >> 7;                      /* 1 when e < 0 */
    uint32_t mag = (uint32_t)((e ^ -(int32_t)neg) + (int32_t)neg); /* |e| */
    const __m256i m0 = _mm256_set1_epi64x((long long)-ceq(mag, 0));
    __m256i a0 = _mm256_and_si256(m0, _mm256_set_epi64x(0, 0, 0, 1)), a1 = a0;
    __m256i a2 = _mm256_setzero_si256();
    for (int j = 0; j < 8; j++) {
        const __m256i m = _mm256_set1_epi64x((long long)-ceq(mag, (uint32_t)j + 1));
        const __m256i *ent = (const __m256i *)(const void *)curve_tab64[row][j];
        a0 = _mm256_or_si256(a0, _mm256_and_si256(m, _mm256_load_si256(ent)));
        a1 = _mm256_or_si256(a1, _mm256_and_si256(m, _mm256_load_si256(ent + 1)));
        a2 = _mm256_or_si256(a2, _mm256_and_si256(m, _mm256_load_si256(ent + 2)));
    }
    const __m256i swap = _mm256_and_si256(_mm256_set1_epi64x(-(long long)neg),
                                          _mm256_xor_si256(a0, a1));
    _mm256_storeu_si256((__m256i *)(void *)t->ypx.v, _mm256_xor_si256(a0, swap));
    _mm256_storeu_si256((__m256i *)(void *)t->ymx.v, _mm256_xor_si256(a1, swap));
    _mm256_storeu_si256((__m256i *)(void *)t->xy2d.v, a2);
    const fe64 zero = {{0, 0, 0, 0}};
    fe64 n;
    fe64_sub(&n, &zero, &t->xy2d);
    const uint64_t nm = -(uint64_t)neg;
    for (int i = 0; i < 4; i++)
        t->xy2d.v[i] ^= nm & (t->xy2d.v[i] ^ n.v[i]);
    olmpy_wipe(&n, sizeof n);
}

/* r = p + q, q affine: cge_madd's formulas. */
__attribute__((target("bmi2,adx"))) static inline void mulx_madd(ge64 *r, const ge64 *p,
                                                                 const niels64 *q)
{
    fe64 a, b, c, d, e, f, g, h, t;
    fe64_sub(&t, &p->Y, &p->X);
    fe64_mul(&a, &t, &q->ymx);
    fe64_add(&t, &p->Y, &p->X);
    fe64_mul(&b, &t, &q->ypx);
    fe64_mul(&c, &p->T, &q->xy2d);
    fe64_add(&d, &p->Z, &p->Z);
    fe64_sub(&e, &b, &a);
    fe64_sub(&f, &d, &c);
    fe64_add(&g, &d, &c);
    fe64_add(&h, &b, &a);
    fe64_mul(&r->X, &e, &f);
    fe64_mul(&r->Y, &g, &h);
    fe64_mul(&r->T, &e, &h);
    fe64_mul(&r->Z, &f, &g);
}

/* r = 2p: cge_dbl's formulas. */
__attribute__((target("bmi2,adx"))) static inline void mulx_dbl(ge64 *r, const ge64 *p)
{
    const fe64 zero = {{0, 0, 0, 0}};
    fe64 a, b, c, e, f, g, h, t;
    fe64_mul(&a, &p->X, &p->X);
    fe64_mul(&b, &p->Y, &p->Y);
    fe64_mul(&c, &p->Z, &p->Z);
    fe64_add(&c, &c, &c);
    fe64_add(&t, &p->X, &p->Y);
    fe64_mul(&e, &t, &t);
    fe64_add(&h, &a, &b); /* A + B */
    fe64_sub(&e, &e, &h); /* E = (X + Y)^2 - A - B */
    fe64_sub(&g, &b, &a); /* G = B - A */
    fe64_add(&t, &a, &c);
    fe64_sub(&f, &b, &t);    /* F = G - C */
    fe64_sub(&h, &zero, &h); /* H = -A - B */
    fe64_mul(&r->X, &e, &f);
    fe64_mul(&r->Y, &g, &h);
    fe64_mul(&r->T, &e, &h);
    fe64_mul(&r->Z, &f, &g);
}

/* h = a B from the signed digits e (curve25519.c's recoding): the same sequence of table
 * rows, additions and doublings as the radix-2^51 code. */
__attribute__((target("bmi2,adx,avx2"))) static void mulx_scalarmult_base(cge *h,
                                                                        const int8_t e[64])
{
    ge64 p;
    niels64 t;
    memset(&p, 0, sizeof p);
    p.Y.v[0] = 1;
    p.Z.v[0] = 1;
    for (int k = 0; k < 32; k++) {
        mulx_select(&t, k, e[2 * k + 1]);
        mulx_madd(&p, &p, &t);
    }
    mulx_dbl(&p, &p);
    mulx_dbl(&p, &p);
    mulx_dbl(&p, &p);
    mulx_dbl(&p, &p);
    for (int k = 0; k < 32; k++) {
        mulx_select(&t, k, e[2 * k]);
        mulx_madd(&p, &p, &t);
    }
    fe64_to_cfe(&h->X, &p.X);
    fe64_to_cfe(&h->Y, &p.Y);
    fe64_to_cfe(&h->Z, &p.Z);
    fe64_to_cfe(&h->T, &p.T);
    olmpy_wipe(&p, sizeof p);
    olmpy_wipe(&t, sizeof t);
}

/* 1 when the CPU has BMI2, ADX and AVX2 and the OS saves the AVX state (CPUID leaves 1
 * and 7, XCR0); the OLMPY_CURVE_MULX_FORCE build (the constant-time check under valgrind,
 * which hides ADX) always 1. */
static int mulx_supported(void)
{
#ifdef OLMPY_CURVE_MULX_FORCE
    return 1;
#else
    unsigned b = cpu_leaf7_ebx(6); /* SSE and AVX state */
    return ((b >> 5) & 1) && ((b >> 8) & 1) && ((b >> 19) & 1); /* AVX2, BMI2, ADX */
#endif
}

/* Decide once whether this code runs, and lay out its table.  Runs when the library is
 * loaded, before any other thread can call in; the IFMA code, when it runs, takes
 * precedence (curve25519.c checks it first). */
static int curve_mulx_on;

__attribute__((constructor)) static void curve_mulx_setup(void)
{
    curve_mulx_on = mulx_supported() && !getenv("OLMPY_NO_MULX");
    if (!curve_mulx_on)
        return;
    for (int k = 0; k < 32; k++)
        for (int j = 0; j < 8; j++)
            for (int c = 0; c < 3; c++)
                fe64_from_reduced51((fe64 *)(void *)&curve_tab64[k][j][4 * c],
                                    &olmpy_curve_base_table[k][j][5 * c]);
}

#endif /* OLMPY_CURVE_MULX */
