/* Four-lane fixed-base multiplication for curve25519.c: AVX-512 IFMA on 256-bit vectors.
 *
 * Included by curve25519.c only (it uses that file's cfe, cge, table and helpers).
 *
 * One vector holds the same limb of four field elements.  A field element is five limbs in
 * radix 2^51 as in the scalar code, so the two representations convert by transposing
 * limbs; no renormalisation is needed.  IFMA multiplies the low 52 bits of two 64-bit
 * lanes and adds either the low or the high 52 bits of the 104-bit product to a third, so
 * every input of a multiplication must have limbs below 2^52 (bits above 52 would be
 * dropped silently).  The code keeps that bound as follows:
 *   v4_mul output      limbs < 2^51 + 2^13.7   (proof at v4_mul)
 *   table entries      limbs < 2^51 (fully reduced), negated ones 2p - x < 2^52
 *   anything formed by v4 add/sub goes through v4_carry before it is multiplied:
 *   v4_carry output    limbs < 2^51 + 19 * 2^12 < 2^52 for inputs below 2^63.
 *
 * Point layout: the accumulator is one four-lane element (X, Y, Z, T) in lanes 0..3, and a
 * table entry is (y - x, y + x, 2dxy, 2), so that one lane-wise product gives the four
 * products A, B, C, D of the mixed addition at once (D = 2Z), and a second gives the four
 * output coordinates (section "v4_madd").  The four doublings in the middle of the
 * multiplication run in the scalar code.
 *
 * Two builds of the same source:
 *   - native: the v4_* operations are AVX-512F/VL + IFMA intrinsics, compiled with a
 *     target attribute and used only when CPUID and XCR0 say the CPU and OS support them
 *     (and OLMPY_NO_IFMA is unset);
 *   - OLMPY_CURVE_V4_EMULATE: each operation is a plain C loop over four uint64_t lanes
 *     with the same semantics.  valgrind cannot execute AVX-512, so the constant-time
 *     check (tests/ct_core.c) runs this build: it proves that the control flow and memory
 *     addresses of the four-lane algorithm never depend on a secret.  The intrinsics
 *     themselves are branch-free vector instructions whose timing does not depend on their
 *     operands.
 *
 * Constant time: every loop has a fixed count; the table row is the loop counter; entries
 * are chosen by masks over all eight entries of the row, as in the scalar cselect.
 */

#if defined(OLMPY_CURVE_V4_EMULATE)
#define OLMPY_CURVE_V4 1
#define V4_TARGET
typedef struct {
    uint64_t w[4];
} v4;

static inline v4 v4_zero(void)
{
    v4 r = {{0, 0, 0, 0}};
    return r;
}
static inline v4 v4_set(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    v4 r = {{a, b, c, d}};
    return r;
}
static inline v4 v4_set1(uint64_t a) { return v4_set(a, a, a, a); }
static inline v4 v4_load(const uint64_t *p) { return v4_set(p[0], p[1], p[2], p[3]); }
static inline void v4_store(uint64_t *p, v4 a)
{
    for (int i = 0; i < 4; i++)
        p[i] = a.w[i];
}
#define V4_LANEWISE(name, expr)                                                             \
    static inline v4 name(v4 a, v4 b)                                                      \
    {                                                                                      \
        v4 r;                                                                              \
        for (int i = 0; i < 4; i++)                                                        \
            r.w[i] = (expr);                                                               \
        return r;                                                                          \
    }
V4_LANEWISE(v4_add, a.w[i] + b.w[i])
V4_LANEWISE(v4_sub, a.w[i] - b.w[i])
V4_LANEWISE(v4_and, a.w[i] & b.w[i])
V4_LANEWISE(v4_or, a.w[i] | b.w[i])
V4_LANEWISE(v4_xor, a.w[i] ^ b.w[i])
#define V4_SHIFT(name, op)                                                                  \
    static inline v4 name(v4 a, int n)                                                     \
    {                                                                                      \
        v4 r;                                                                              \
        for (int i = 0; i < 4; i++)                                                        \
            r.w[i] = a.w[i] op n;                                                          \
        return r;                                                                          \
    }
V4_SHIFT(v4_srl, >>)
V4_SHIFT(v4_sll, <<)
#define V4_M52 ((UINT64_C(1) << 52) - 1)
static inline v4 v4_madlo(v4 acc, v4 a, v4 b)
{
    for (int i = 0; i < 4; i++)
        acc.w[i] += (uint64_t)((cu128)(a.w[i] & V4_M52) * (b.w[i] & V4_M52)) & V4_M52;
    return acc;
}
static inline v4 v4_madhi(v4 acc, v4 a, v4 b)
{
    for (int i = 0; i < 4; i++)
        acc.w[i] += (uint64_t)(((cu128)(a.w[i] & V4_M52) * (b.w[i] & V4_M52)) >> 52);
    return acc;
}
/* lane i of the result is lane ((imm >> 2i) & 3) of a */
#define v4_perm(a, imm)                                                                     \
    v4_set((a).w[(imm) & 3], (a).w[((imm) >> 2) & 3], (a).w[((imm) >> 4) & 3],             \
           (a).w[((imm) >> 6) & 3])
/* lane i from b where bit i of imm is set, else from a */
#define v4_blend(a, b, imm)                                                                 \
    v4_set(((imm) & 1) ? (b).w[0] : (a).w[0], ((imm) & 2) ? (b).w[1] : (a).w[1],           \
           ((imm) & 4) ? (b).w[2] : (a).w[2], ((imm) & 8) ? (b).w[3] : (a).w[3])

#elif defined(__x86_64__) && defined(__GNUC__) && !defined(OLMPY_NO_CURVE_V4)
#define OLMPY_CURVE_V4 1
#include <immintrin.h>
#define V4_TARGET __attribute__((target("avx2,avx512f,avx512vl,avx512ifma")))
typedef __m256i v4;
#define v4_zero() _mm256_setzero_si256()
#define v4_set(a, b, c, d)                                                                  \
    _mm256_set_epi64x((long long)(d), (long long)(c), (long long)(b), (long long)(a))
#define v4_set1(a) _mm256_set1_epi64x((long long)(a))
#define v4_load(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define v4_store(p, a) _mm256_storeu_si256((__m256i *)(void *)(p), (a))
#define v4_add _mm256_add_epi64
#define v4_sub _mm256_sub_epi64
#define v4_and _mm256_and_si256
#define v4_or _mm256_or_si256
#define v4_xor _mm256_xor_si256
#define v4_srl _mm256_srli_epi64
#define v4_sll _mm256_slli_epi64
#define v4_madlo _mm256_madd52lo_epu64
#define v4_madhi _mm256_madd52hi_epu64
#define v4_perm(a, imm) _mm256_permute4x64_epi64((a), (imm))
/* 64-bit lane mask -> the 32-bit lane mask of vpblendd */
#define V4_BLEND32(imm)                                                                     \
    ((((imm) & 1) ? 3 : 0) | (((imm) & 2) ? 12 : 0) | (((imm) & 4) ? 48 : 0) |              \
     (((imm) & 8) ? 192 : 0))
#define v4_blend(a, b, imm) _mm256_blend_epi32((a), (b), V4_BLEND32(imm))
#endif

#ifdef OLMPY_CURVE_V4

#define V4_PERM(l0, l1, l2, l3) ((l0) | ((l1) << 2) | ((l2) << 4) | ((l3) << 6))

typedef struct {
    v4 l[5];
} fe4;

/* The table in four-lane form: for row k, entry j, limb i, the lanes (y - x, y + x, 2dxy, 2)
 * of (j + 1) 256^k B.  Filled once from olmpy_curve_base_table (public data) by
 * curve_v4_setup. */
static uint64_t curve_tab4[32][8][5][4] __attribute__((aligned(32)));

/* 4p and 2p per limb */
#define P4_0 UINT64_C(0x1FFFFFFFFFFFB4)
#define P4_N UINT64_C(0x1FFFFFFFFFFFFC)
#define P2_0 UINT64_C(0xFFFFFFFFFFFDA)
#define P2_N UINT64_C(0xFFFFFFFFFFFFE)

/* One parallel carry: limb i keeps its low 51 bits and passes the rest to limb i + 1 (limb
 * 4's to limb 0, times 19).  For limbs below 2^63 the carries are below 2^12, so the
 * result's limbs are below 2^51 + 19 * 2^12 < 2^52. */
V4_TARGET static inline void v4_carry(fe4 *h)
{
    const v4 m = v4_set1(CMASK51);
    v4 c0 = v4_srl(h->l[0], 51), c1 = v4_srl(h->l[1], 51), c2 = v4_srl(h->l[2], 51),
       c3 = v4_srl(h->l[3], 51), c4 = v4_srl(h->l[4], 51);
    v4 c4_19 = v4_add(v4_add(v4_sll(c4, 4), v4_sll(c4, 1)), c4);
    h->l[0] = v4_add(v4_and(h->l[0], m), c4_19);
    h->l[1] = v4_add(v4_and(h->l[1], m), c0);
    h->l[2] = v4_add(v4_and(h->l[2], m), c1);
    h->l[3] = v4_add(v4_and(h->l[3], m), c2);
    h->l[4] = v4_add(v4_and(h->l[4], m), c3);
}

/* h = f * g lane by lane; all limbs of f and g below 2^52.
 * Each limb product f_i g_j (below 2^104) is lo + 2^52 hi with lo, hi below 2^52; at
 * weight 2^(51(i + j)) that is lo in column i + j and 2 hi in column i + j + 1.  A column
 * gathers at most 5 lo and 5 hi terms: below 5 * 2^52 + 10 * 2^52 < 2^56.  Columns 5..9
 * fold into 0..4 times 19 (2^255 = 19 mod p): below 20 * 2^56 < 2^60.4.  One v4_carry then
 * leaves limbs below 2^51 + 19 * 2^9.4 < 2^51 + 2^13.7. */
V4_TARGET static inline void v4_mul(fe4 *h, const fe4 *f, const fe4 *g)
{
    v4 lo[9], hi[9];
    for (int k = 0; k < 9; k++) {
        lo[k] = v4_zero();
        hi[k] = v4_zero();
    }
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            lo[i + j] = v4_madlo(lo[i + j], f->l[i], g->l[j]);
            hi[i + j] = v4_madhi(hi[i + j], f->l[i], g->l[j]);
        }
    v4 c[10];
    c[0] = lo[0];
    for (int k = 1; k < 9; k++)
        c[k] = v4_add(lo[k], v4_add(hi[k - 1], hi[k - 1]));
    c[9] = v4_add(hi[8], hi[8]);
    for (int k = 0; k < 5; k++) {
        v4 t = c[k + 5];
        h->l[k] = v4_add(c[k], v4_add(v4_add(v4_sll(t, 4), v4_sll(t, 1)), t));
    }
    v4_carry(h);
}

/* t = the four-lane entry e * T[row], e in [-8, 8]: all eight entries are read and ORed
 * under masks (the identity (1, 1, 0, 2) for e = 0); for e < 0, lanes 0 and 1 swap and
 * lane 2 becomes 2p - 2dxy, under a mask. */
V4_TARGET static inline void v4_select(fe4 *t, int row, int8_t e)
{
    uint32_t neg = (uint32_t)(uint8_t)e >> 7;
    uint32_t mag = (uint32_t)((e ^ -(int32_t)neg) + (int32_t)neg);
    const v4 m0 = v4_set1(-ceq(mag, 0));
    const v4 one = v4_set(1, 1, 0, 2);
    t->l[0] = v4_and(m0, one);
    for (int i = 1; i < 5; i++)
        t->l[i] = v4_zero();
    for (int j = 0; j < 8; j++) {
        const v4 m = v4_set1(-ceq(mag, (uint32_t)j + 1));
        for (int i = 0; i < 5; i++)
            t->l[i] = v4_or(t->l[i], v4_and(m, v4_load(curve_tab4[row][j][i])));
    }
    const v4 nm = v4_set1(-(uint64_t)neg);
    for (int i = 0; i < 5; i++) {
        v4 sw = v4_perm(t->l[i], V4_PERM(1, 0, 2, 3));
        v4 ng = v4_sub(v4_set1(i == 0 ? P2_0 : P2_N), t->l[i]);
        v4 cand = v4_blend(sw, ng, 4);
        t->l[i] = v4_xor(t->l[i], v4_and(nm, v4_xor(t->l[i], cand)));
    }
}

/* p = p + q: p is (X, Y, Z, T), q a four-lane table entry (y - x, y + x, 2dxy, 2).
 *   s = (Y - X, Y + X, T, Z);  (A, B, C, D) = s * q
 *   left = (E, G, F, E) = (B - A, D + C, D - C, B - A)
 *   right = (F, H, G, H) = (D - C, B + A, D + C, B + A)
 *   p = left * right = (EF, GH, FG, EH) = (X3, Y3, Z3, T3)  (HWCD 2008, as cge_madd). */
V4_TARGET static inline void v4_madd(fe4 *p, const fe4 *q)
{
    fe4 s, v, left, right;
    for (int i = 0; i < 5; i++) {
        const v4 p4 = v4_set1(i == 0 ? P4_0 : P4_N);
        v4 u = v4_perm(p->l[i], V4_PERM(1, 1, 3, 2));
        v4 w = v4_blend(v4_perm(p->l[i], V4_PERM(0, 0, 0, 0)), v4_zero(), 12);
        s.l[i] = v4_blend(v4_add(u, w), v4_sub(v4_add(u, p4), w), 1);
    }
    v4_carry(&s);
    v4_mul(&v, &s, q);
    for (int i = 0; i < 5; i++) {
        const v4 p4 = v4_set1(i == 0 ? P4_0 : P4_N);
        v4 x1 = v4_perm(v.l[i], V4_PERM(1, 3, 3, 1)), y1 = v4_perm(v.l[i], V4_PERM(0, 2, 2, 0));
        left.l[i] = v4_blend(v4_sub(v4_add(x1, p4), y1), v4_add(x1, y1), 2);
        v4 x2 = v4_perm(v.l[i], V4_PERM(3, 1, 3, 1)), y2 = v4_perm(v.l[i], V4_PERM(2, 0, 2, 0));
        right.l[i] = v4_blend(v4_add(x2, y2), v4_sub(v4_add(x2, p4), y2), 1);
    }
    v4_carry(&left);
    v4_carry(&right);
    v4_mul(p, &left, &right);
}

V4_TARGET static void v4_to_cge(cge *h, const fe4 *p)
{
    uint64_t w[4];
    for (int i = 0; i < 5; i++) {
        v4_store(w, p->l[i]);
        h->X.v[i] = w[0];
        h->Y.v[i] = w[1];
        h->Z.v[i] = w[2];
        h->T.v[i] = w[3];
    }
    olmpy_wipe(w, sizeof w);
}

V4_TARGET static void v4_from_cge(fe4 *p, const cge *h)
{
    for (int i = 0; i < 5; i++)
        p->l[i] = v4_set(h->X.v[i], h->Y.v[i], h->Z.v[i], h->T.v[i]);
}

/* h = a B from the signed digits e (curve25519.c's recoding), four lanes at a time. */
V4_TARGET static void v4_scalarmult_base(cge *h, const int8_t e[64])
{
    fe4 p, t;
    p.l[0] = v4_set(0, 1, 1, 0);
    for (int i = 1; i < 5; i++)
        p.l[i] = v4_zero();
    for (int k = 0; k < 32; k++) {
        v4_select(&t, k, e[2 * k + 1]);
        v4_madd(&p, &t);
    }
    v4_to_cge(h, &p);
    cge_dbl(h, h);
    cge_dbl(h, h);
    cge_dbl(h, h);
    cge_dbl(h, h);
    v4_from_cge(&p, h);
    for (int k = 0; k < 32; k++) {
        v4_select(&t, k, e[2 * k]);
        v4_madd(&p, &t);
    }
    v4_to_cge(h, &p);
    olmpy_wipe(&p, sizeof p);
    olmpy_wipe(&t, sizeof t);
}

/* X25519 (RFC 7748 section 5) four lanes wide.  The state (x2, z2, x3, z3) sits in lanes
 * 0..3; each ladder step is three lane-wise products:
 *   1. (A, B, D, C) * (A, B, A, B) = (AA, BB, DA, CB)
 *        with A = x2 + z2, B = x2 - z2, C = x3 + z3, D = x3 - z3;
 *   2. (AA, DA + CB, DA - CB, E) * (BB, DA + CB, DA - CB, a24) = (x2', x3', t, a24 E)
 *        with E = AA - BB, t = (DA - CB)^2;
 *   3. (x2', E, x3', x1) * (1, AA + a24 E, 1, t) = (x2', z2', x3', z3').
 * The conditional swap of (x2, z2) with (x3, z3) is a mask over a lane permutation.
 * Returns x2 and z2 in scalar form for the final inversion. */
V4_TARGET static void v4_ladder(cfe *x2, cfe *z2, const uint8_t k[32], const cfe *x1)
{
    fe4 st, l1, r1, m, l2, r2, l3, r3;
    v4 x1v[5];
    for (int i = 0; i < 5; i++) {
        x1v[i] = v4_set1(x1->v[i]);
        st.l[i] = v4_set(i == 0, 0, x1->v[i], i == 0);
    }
    const v4 a24 = v4_set(0, 0, 0, 121665), one = v4_set(1, 0, 1, 0);
    uint64_t swap = 0;
    for (int pos = 254; pos >= 0; pos--) {
        uint64_t bit = (k[pos >> 3] >> (pos & 7)) & 1;
        swap ^= bit;
        const v4 sm = v4_set1(-swap);
        swap = bit;
        for (int i = 0; i < 5; i++) {
            v4 sw = v4_perm(st.l[i], V4_PERM(2, 3, 0, 1));
            st.l[i] = v4_xor(st.l[i], v4_and(sm, v4_xor(st.l[i], sw)));
        }
        /* 1 */
        for (int i = 0; i < 5; i++) {
            const v4 p4 = v4_set1(i == 0 ? P4_0 : P4_N);
            v4 u = v4_perm(st.l[i], V4_PERM(0, 0, 2, 2)), w = v4_perm(st.l[i], V4_PERM(1, 1, 3, 3));
            l1.l[i] = v4_blend(v4_add(u, w), v4_sub(v4_add(u, p4), w), 6);
        }
        v4_carry(&l1);
        for (int i = 0; i < 5; i++)
            r1.l[i] = v4_perm(l1.l[i], V4_PERM(0, 1, 0, 1));
        v4_mul(&m, &l1, &r1);
        /* 2 */
        for (int i = 0; i < 5; i++) {
            const v4 p4 = v4_set1(i == 0 ? P4_0 : P4_N);
            v4 u = v4_perm(m.l[i], V4_PERM(0, 2, 2, 0)), w = v4_perm(m.l[i], V4_PERM(1, 3, 3, 1));
            v4 t = v4_blend(v4_sub(v4_add(u, p4), w), v4_add(u, w), 2);
            l2.l[i] = v4_blend(t, u, 1);
        }
        v4_carry(&l2);
        for (int i = 0; i < 5; i++) {
            v4 w = v4_perm(m.l[i], V4_PERM(1, 1, 1, 1));
            r2.l[i] = v4_blend(v4_blend(l2.l[i], w, 1), i == 0 ? a24 : v4_zero(), 8);
        }
        v4_mul(&m, &l2, &r2);
        /* 3 */
        for (int i = 0; i < 5; i++) {
            v4 t = v4_blend(v4_perm(m.l[i], V4_PERM(0, 0, 1, 1)), v4_perm(l2.l[i], V4_PERM(3, 3, 3, 3)),
                            2);
            l3.l[i] = v4_blend(t, x1v[i], 8);
            v4 s3 = v4_add(v4_perm(l2.l[i], V4_PERM(0, 0, 0, 0)), v4_perm(m.l[i], V4_PERM(3, 3, 3, 3)));
            v4 c = v4_blend(i == 0 ? one : v4_zero(), s3, 2);
            r3.l[i] = v4_blend(c, v4_perm(m.l[i], V4_PERM(2, 2, 2, 2)), 8);
        }
        v4_carry(&r3);
        v4_mul(&st, &l3, &r3);
    }
    const v4 sm = v4_set1(-swap);
    for (int i = 0; i < 5; i++) {
        v4 sw = v4_perm(st.l[i], V4_PERM(2, 3, 0, 1));
        st.l[i] = v4_xor(st.l[i], v4_and(sm, v4_xor(st.l[i], sw)));
    }
    cge h;
    v4_to_cge(&h, &st); /* lanes (x2, z2, x3, z3) */
    *x2 = h.X;
    *z2 = h.Y;
    olmpy_wipe(&h, sizeof h);
    olmpy_wipe(&st, sizeof st);
    olmpy_wipe(&l1, sizeof l1);
    olmpy_wipe(&r1, sizeof r1);
    olmpy_wipe(&m, sizeof m);
    olmpy_wipe(&l2, sizeof l2);
    olmpy_wipe(&r2, sizeof r2);
    olmpy_wipe(&l3, sizeof l3);
    olmpy_wipe(&r3, sizeof r3);
    olmpy_wipe(&swap, sizeof swap);
}

/* 1 when this CPU and OS run AVX-512F/VL + IFMA (CPUID leaf 7, and XCR0 enabling the
 * opmask and the upper ZMM state), 0 otherwise; the emulated build is always 1. */
static int v4_supported(void)
{
#ifdef OLMPY_CURVE_V4_EMULATE
    return 1;
#else
    unsigned b = cpu_leaf7_ebx(0xE6); /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM state */
    int avx2 = (b >> 5) & 1, f = (b >> 16) & 1, ifma = (b >> 21) & 1, vl = (b >> 31) & 1;
    return avx2 && f && ifma && vl;
#endif
}

/* Decide once whether the four-lane code runs (OLMPY_NO_IFMA turns it off), and lay out
 * its table.  Runs when the library is loaded, before any other thread can call in. */
static int curve_v4_on;

__attribute__((constructor)) static void curve_v4_setup(void)
{
    curve_v4_on = v4_supported() && !getenv("OLMPY_NO_IFMA");
    if (!curve_v4_on)
        return;
    for (int k = 0; k < 32; k++)
        for (int j = 0; j < 8; j++)
            for (int i = 0; i < 5; i++) {
                const uint64_t *ent = olmpy_curve_base_table[k][j];
                curve_tab4[k][j][i][0] = ent[5 + i]; /* y - x */
                curve_tab4[k][j][i][1] = ent[i];     /* y + x */
                curve_tab4[k][j][i][2] = ent[10 + i]; /* 2dxy */
                curve_tab4[k][j][i][3] = i == 0 ? 2 : 0;
            }
}

#endif /* OLMPY_CURVE_V4 */
