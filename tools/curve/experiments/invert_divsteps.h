/* EXPERIMENT, NOT USED (issue 17): constant-time inversion mod 2^255 - 19 by
 * Bernstein-Yang divsteps, 12 batches of 62.  Agreed with curve25519.c's Fermat inversion
 * on 200,000 random field elements and the edge values 0, 1, 2, p - 1, p, p + 1,
 * 2^255 - 1, but measured SLOWER on this machine (7.5 us vs 5.8 us, noisy, 2026-12-06),
 * so not wired.  Left for a later session: the delta = 1/2 variant (590-step bound, 10
 * batches), a shorter dependency chain per step.  Test and timing:
 *   cd tools/curve/experiments && gcc -O3 -std=c11 -D_GNU_SOURCE -I../../../_native \
 *       invert_divsteps_test.c -o /tmp/t && /tmp/t
 */
/* ---- inversion by Bernstein-Yang divsteps ---------------------------------------------
 * D. J. Bernstein and B.-Y. Yang, "Fast constant-time gcd computation and modular
 * inversion", TCHES 2019.  f = p, g = z, d = 0, e = 1 with f = d z and g = e z (mod p)
 * throughout.  Each batch runs 62 divsteps on the low 64 bits of f and g only, recording
 * the transition matrix M (entries scaled by 2^62), then applies M to the full f, g
 * (exactly divisible by 2^62) and to d, e (made divisible by adding m p, m < 2^62).  The
 * paper's bound (Theorem 11.2, floor((49 * 255 + 57) / 17) = 738 divsteps for 255-bit
 * inputs) is met by 12 batches (744).  Then g = 0, f = +-1 and 1/z = f d.  Every step is
 * masks and shifts: no branch and no index on z.  |d|, |e| grow by at most p per batch,
 * so |d| < 13 p at the end.
 * Numbers: five int64 limbs, limbs 0..3 in [0, 2^62), limb 4 signed (two's complement
 * value sum l_i 2^(62 i)). */
typedef struct {
    int64_t v[5];
} s62;

#define M62 ((UINT64_C(1) << 62) - 1)
static const s62 s62_p = {{(int64_t)UINT64_C(0x3fffffffffffffed), (int64_t)M62, (int64_t)M62,
                           (int64_t)M62, 0x7f}};
static const uint64_t p_inv62 = UINT64_C(0x39435e50d79435e5); /* 1/p mod 2^62 */

typedef struct {
    int64_t u, v, q, r;
} s62_matrix;

/* 62 divsteps on the low words; returns delta, fills t. */
static int64_t divsteps62(int64_t delta, uint64_t f, uint64_t g, s62_matrix *t)
{
    uint64_t u = 1, v = 0, q = 0, r = 1;
    for (int i = 0; i < 62; i++) {
        uint64_t c1 = (uint64_t)((-delta) >> 63); /* delta > 0 */
        uint64_t c2 = -(g & 1);                   /* g odd */
        uint64_t s = c1 & c2, x;
        /* s: (f, g, u, v, q, r, delta) <- (g, -f, q, r, -u, -v, -delta) */
        x = (f ^ g) & s; f ^= x; g ^= x; g = (g ^ s) - s;
        x = (u ^ q) & s; u ^= x; q ^= x; q = (q ^ s) - s;
        x = (v ^ r) & s; v ^= x; r ^= x; r = (r ^ s) - s;
        delta = (int64_t)(((uint64_t)delta ^ s) - s);
        /* g odd: g += f (the halving below is then exact) */
        g += f & c2; q += u & c2; r += v & c2;
        g >>= 1; u <<= 1; v <<= 1;
        delta += 1;
    }
    t->u = (int64_t)u; t->v = (int64_t)v; t->q = (int64_t)q; t->r = (int64_t)r;
    return delta;
}

/* (f, g) <- ((u f + v g) / 2^62, (q f + r g) / 2^62), exact. */
static void s62_update_fg(s62 *f, s62 *g, const s62_matrix *t)
{
    __int128 cf = (__int128)t->u * f->v[0] + (__int128)t->v * g->v[0];
    __int128 cg = (__int128)t->q * f->v[0] + (__int128)t->r * g->v[0];
    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < 5; i++) {
        cf += (__int128)t->u * f->v[i] + (__int128)t->v * g->v[i];
        cg += (__int128)t->q * f->v[i] + (__int128)t->r * g->v[i];
        f->v[i - 1] = (int64_t)((uint64_t)cf & M62);
        g->v[i - 1] = (int64_t)((uint64_t)cg & M62);
        cf >>= 62;
        cg >>= 62;
    }
    f->v[4] = (int64_t)cf;
    g->v[4] = (int64_t)cg;
}

/* (d, e) <- ((u d + v e + md p) / 2^62, (q d + r e + me p) / 2^62), md, me in [0, 2^62)
 * chosen so that the divisions are exact. */
static void s62_update_de(s62 *d, s62 *e, const s62_matrix *t)
{
    uint64_t lo_d = (uint64_t)t->u * (uint64_t)d->v[0] + (uint64_t)t->v * (uint64_t)e->v[0];
    uint64_t lo_e = (uint64_t)t->q * (uint64_t)d->v[0] + (uint64_t)t->r * (uint64_t)e->v[0];
    int64_t md = (int64_t)((-(lo_d * p_inv62)) & M62);
    int64_t me = (int64_t)((-(lo_e * p_inv62)) & M62);
    __int128 cd = (__int128)t->u * d->v[0] + (__int128)t->v * e->v[0] + (__int128)md * s62_p.v[0];
    __int128 ce = (__int128)t->q * d->v[0] + (__int128)t->r * e->v[0] + (__int128)me * s62_p.v[0];
    cd >>= 62;
    ce >>= 62;
    for (int i = 1; i < 5; i++) {
        cd += (__int128)t->u * d->v[i] + (__int128)t->v * e->v[i] + (__int128)md * s62_p.v[i];
        ce += (__int128)t->q * d->v[i] + (__int128)t->r * e->v[i] + (__int128)me * s62_p.v[i];
        d->v[i - 1] = (int64_t)((uint64_t)cd & M62);
        e->v[i - 1] = (int64_t)((uint64_t)ce & M62);
        cd >>= 62;
        ce >>= 62;
    }
    d->v[4] = (int64_t)cd;
    e->v[4] = (int64_t)ce;
}

/* h = 1/z (0 maps to 0), by divsteps. */
static void cfe_invert_divsteps(cfe *h, const cfe *z)
{
    uint8_t b[32];
    uint64_t w[4];
    s62 f = s62_p, g, d = {{0}}, e = {{1, 0, 0, 0, 0}};
    s62_matrix t;
    cfe_tobytes(b, z);
    for (int i = 0; i < 4; i++)
        w[i] = cload64(b + 8 * i);
    g.v[0] = (int64_t)(w[0] & M62);
    g.v[1] = (int64_t)(((w[0] >> 62) | (w[1] << 2)) & M62);
    g.v[2] = (int64_t)(((w[1] >> 60) | (w[2] << 4)) & M62);
    g.v[3] = (int64_t)(((w[2] >> 58) | (w[3] << 6)) & M62);
    g.v[4] = (int64_t)(w[3] >> 56);
    int64_t delta = 1;
    for (int i = 0; i < 12; i++) {
        delta = divsteps62(delta, (uint64_t)f.v[0] | ((uint64_t)f.v[1] << 62),
                           (uint64_t)g.v[0] | ((uint64_t)g.v[1] << 62), &t);
        s62_update_fg(&f, &g, &t);
        s62_update_de(&d, &e, &t);
    }
    /* f = +-1: its sign is the sign of the top limb.  d + 16 p is in (3p, 29p). */
    uint64_t neg = (uint64_t)(f.v[4] >> 63);
    static const int64_t p16[5] = {(int64_t)UINT64_C(0x3ffffffffffffed0), (int64_t)M62,
                                   (int64_t)M62, (int64_t)M62, 0x7ff};
    uint64_t l[5];
    int64_t c = 0;
    for (int i = 0; i < 4; i++) {
        int64_t s = d.v[i] + p16[i] + c;
        l[i] = (uint64_t)s & M62;
        c = s >> 62;
    }
    l[4] = (uint64_t)(d.v[4] + p16[4] + c); /* below 2^12, non-negative */
    uint64_t x0 = l[0] | (l[1] << 62), x1 = (l[1] >> 2) | (l[2] << 60),
             x2 = (l[2] >> 4) | (l[3] << 58), x3 = (l[3] >> 6) | (l[4] << 56), x4 = l[4] >> 8;
    cfe r, n;
    r.v[0] = x0 & CMASK51;
    r.v[1] = ((x0 >> 51) | (x1 << 13)) & CMASK51;
    r.v[2] = ((x1 >> 38) | (x2 << 26)) & CMASK51;
    r.v[3] = ((x2 >> 25) | (x3 << 39)) & CMASK51;
    r.v[4] = ((x3 >> 12)) & CMASK51;
    r.v[0] += 19 * ((x3 >> 63) | (x4 << 1)); /* 2^255 = 19 */
    cfe_neg(&n, &r);
    cfe_cmov(&r, &n, neg);
    *h = r;
}
