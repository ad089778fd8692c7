/* Differential test and benchmark of _native/curve25519.c against libsodium.
 *
 * Built and run by tools/curve/run_diff.py: every _native C file plus this one, and
 * PyNaCl's libsodium module loaded with dlopen (as tests/ct_core.c does).
 *
 *   diff_test SODIUM.so diff N [SEED]   edge scalars + RFC vectors + N random inputs per
 *                                      function; one line per function, exit 0 iff all agree
 *   diff_test SODIUM.so wycheproof      X25519 cases from stdin: "scalar u shared ok|bad"
 *   diff_test SODIUM.so bench [ROUNDS]  median ns per call, ours and libsodium interleaved
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "olmpy_internal.h"

__attribute__((visibility("default"))) char _Py_NoneStruct[64];

typedef int (*int2_fn)(unsigned char *, const unsigned char *);
typedef int (*int3_fn)(unsigned char *, const unsigned char *, const unsigned char *);
static int2_fn s_base_noclamp, s_x25519_base;
static int3_fn s_x25519, s_seed_keypair;

static void load_sodium(const char *path)
{
    void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", path, dlerror());
        exit(3);
    }
#define SYM(var, name)                                               \
    do {                                                             \
        *(void **)&(var) = dlsym(h, name);                           \
        if ((var) == NULL) {                                         \
            fprintf(stderr, "%s missing\n", name);                   \
            exit(3);                                                 \
        }                                                            \
    } while (0)
    SYM(s_base_noclamp, "crypto_scalarmult_ed25519_base_noclamp");
    SYM(s_seed_keypair, "crypto_sign_seed_keypair");
    SYM(s_x25519, "crypto_scalarmult");
    SYM(s_x25519_base, "crypto_scalarmult_base");
    int (*sodium_init)(void);
    SYM(sodium_init, "sodium_init");
    if (sodium_init() < 0)
        exit(3);
}

/* ---- helpers -------------------------------------------------------------------------- */

static uint64_t rng = 0x243f6a8885a308d3u;
static uint64_t next64(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static void randbytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(next64() >> 56);
}

static void unhex(uint8_t *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}
static void tohex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

/* little-endian 256-bit helpers for the edge scalars */
static void from_u64s(uint8_t out[32], const uint64_t w[4])
{
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
}
static const uint64_t L64[4] = {0x5812631a5cf5d3edu, 0x14def9dea2f79cd6u, 0, 0x1000000000000000u};

struct tally {
    const char *name;
    unsigned long n, bad;
};
static void report(const struct tally *t)
{
    printf("%-34s %10lu compared %lu differ\n", t->name, t->n, t->bad);
}

/* Each comparison: ours vs libsodium on one input. */
static int cmp_noclamp(const uint8_t s[32])
{
    uint8_t a[32], b[32];
    int ra = olmpy_curve_ed25519_base(a, s);
    int rb = s_base_noclamp(b, s);
    return ra != rb || memcmp(a, b, 32) != 0;
}
static int cmp_seed(const uint8_t s[32])
{
    uint8_t a[32], pk[32], sk[64];
    olmpy_curve_ed25519_pubkey_from_seed(a, s);
    s_seed_keypair(pk, sk, s);
    return memcmp(a, pk, 32) != 0;
}
static int cmp_xbase(const uint8_t s[32])
{
    uint8_t a[32], b[32];
    olmpy_curve_x25519_base(a, s);
    s_x25519_base(b, s);
    return memcmp(a, b, 32) != 0;
}
static int cmp_x25519(const uint8_t s[32], const uint8_t u[32])
{
    uint8_t a[32], b[32];
    int ra = olmpy_curve_x25519(a, s, u);
    int rb = s_x25519(b, s, u);
    return ra != rb || memcmp(a, b, 32) != 0;
}

/* n keys at once vs libsodium one by one; returns the number that differ. */
static int cmp_xbase_batch(const uint8_t *secrets, size_t n)
{
    uint8_t pubs[64 * 32], b[32];
    int bad = 0;
    olmpy_curve_x25519_base_batch(pubs, secrets, n);
    for (size_t i = 0; i < n; i++) {
        s_x25519_base(b, secrets + 32 * i);
        bad += memcmp(pubs + 32 * i, b, 32) != 0;
    }
    return bad;
}
/* the field inversion by divsteps vs by Fermat (z^(p-2)); in below 2^255 */
static int cmp_invert(const uint8_t in[32])
{
    uint8_t a[32], b[32];
    olmpy_curve_test_invert(a, b, in);
    return memcmp(a, b, 32) != 0;
}
/* the identity pair (one shared inversion) vs libsodium's two functions */
static int cmp_pair(const uint8_t ed[32], const uint8_t x[32])
{
    uint8_t a[32], b[32], c[32], d[32];
    int ra = olmpy_curve_ed25519_x25519_base(a, ed, b, x);
    int rc = s_base_noclamp(c, ed);
    s_x25519_base(d, x);
    return ra != rc || memcmp(a, c, 32) != 0 || memcmp(b, d, 32) != 0;
}

/* The edge scalars: 0, 1, 2, 8, L-1, L, L+1, 2L, 2^252, 2^254, 2^255-1, 2^256-1, and every
 * clamping boundary (low byte 0..7 and 248..255, top byte 0x00 0x3f 0x40 0x7f 0x80 0xbf
 * 0xc0 0xff, middle bytes 0x00 or 0xff). */
static int edge_scalars(uint8_t (*out)[32])
{
    int n = 0;
    uint64_t w[4];
#define PUT(a, b, c, d) (w[0] = (a), w[1] = (b), w[2] = (c), w[3] = (d), from_u64s(out[n++], w))
    PUT(0, 0, 0, 0);
    PUT(1, 0, 0, 0);
    PUT(2, 0, 0, 0);
    PUT(8, 0, 0, 0);
    PUT(L64[0] - 1, L64[1], 0, L64[3]);
    PUT(L64[0], L64[1], 0, L64[3]);
    PUT(L64[0] + 1, L64[1], 0, L64[3]);
    PUT(L64[0] << 1, (L64[1] << 1) | (L64[0] >> 63), 0, L64[3] << 1);
    PUT(0, 0, 0, 1ull << 60);
    PUT(0, 0, 0, 1ull << 62);
    PUT(~0ull, ~0ull, ~0ull, ~0ull >> 1);
    PUT(~0ull, ~0ull, ~0ull, ~0ull);
    static const uint8_t tops[8] = {0x00, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff};
    for (int lo = 0; lo < 16; lo++)
        for (int t = 0; t < 8; t++)
            for (int mid = 0; mid < 2; mid++) {
                memset(out[n], mid ? 0xff : 0x00, 32);
                out[n][0] = (uint8_t)(lo < 8 ? lo : 240 + lo);
                out[n][31] = tops[t];
                n++;
            }
    return n;
}

/* Edge u-coordinates for the variable-base ladder: 0, 1, the small-order points,
 * p - 1, p, p + 1, 2^255 - 1 and the same with the top bit set. */
static int edge_us(uint8_t (*out)[32])
{
    static const char *hex[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "0900000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
        "d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    int n = (int)(sizeof hex / sizeof hex[0]);
    for (int i = 0; i < n; i++)
        unhex(out[i], hex[i], 32);
    return n;
}

/* ---- known-answer vectors (vectors/published JSON files: RFC 8032 section 7.1, RFC 7748) --- */

static int vectors(void)
{
    int bad = 0;
    static const char *rfc8032[3][2] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"},
    };
    uint8_t s[32], u[32], want[32], got[32];
    for (int i = 0; i < 3; i++) {
        unhex(s, rfc8032[i][0], 32);
        unhex(want, rfc8032[i][1], 32);
        olmpy_curve_ed25519_pubkey_from_seed(got, s);
        if (memcmp(got, want, 32)) {
            printf("RFC 8032 test %d: public key differs\n", i + 1);
            bad++;
        }
    }
    /* RFC 7748 section 6.1 (fixed base and agreement) */
    static const char *alice = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                      *alice_pub = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                      *bob = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                      *bob_pub = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                      *shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    uint8_t a[32], b[32], ap[32], bp[32], sh[32];
    unhex(a, alice, 32);
    unhex(b, bob, 32);
    unhex(ap, alice_pub, 32);
    unhex(bp, bob_pub, 32);
    unhex(sh, shared, 32);
    olmpy_curve_x25519_base(got, a);
    if (memcmp(got, ap, 32)) { printf("RFC 7748 6.1 Alice public differs\n"); bad++; }
    olmpy_curve_x25519_base(got, b);
    if (memcmp(got, bp, 32)) { printf("RFC 7748 6.1 Bob public differs\n"); bad++; }
    if (olmpy_curve_x25519(got, a, bp) != 0 || memcmp(got, sh, 32)) { printf("RFC 7748 6.1 shared (Alice) differs\n"); bad++; }
    if (olmpy_curve_x25519(got, b, ap) != 0 || memcmp(got, sh, 32)) { printf("RFC 7748 6.1 shared (Bob) differs\n"); bad++; }
    /* RFC 7748 section 5.2 */
    static const char *v52[2][3] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    for (int i = 0; i < 2; i++) {
        unhex(s, v52[i][0], 32);
        unhex(u, v52[i][1], 32);
        unhex(want, v52[i][2], 32);
        if (olmpy_curve_x25519(got, s, u) != 0 || memcmp(got, want, 32)) {
            printf("RFC 7748 5.2 vector %d differs\n", i + 1);
            bad++;
        }
    }
    /* iterated: k = u = 9; k, u = X25519(k, u), k; after 1 and 1000 iterations.  The
     * u = 9 start doubles as a fixed-base check: X25519(k, 9) == x25519_base(k). */
    uint8_t k[32] = {9}, uu[32] = {9}, r[32], rb[32];
    for (int it = 1; it <= 1000; it++) {
        olmpy_curve_x25519(r, k, uu);
        olmpy_curve_x25519_base(rb, k);
        memcpy(uu, k, 32);
        memcpy(k, r, 32);
        if (it == 1) {
            unhex(want, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", 32);
            if (memcmp(k, want, 32)) { printf("RFC 7748 5.2 iteration 1 differs\n"); bad++; }
            if (memcmp(rb, r, 32)) { printf("fixed-base != ladder(9) at iteration 1\n"); bad++; }
        }
    }
    unhex(want, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", 32);
    if (memcmp(k, want, 32)) { printf("RFC 7748 5.2 iteration 1000 differs\n"); bad++; }
    printf("%-34s %10d checked %d differ\n", "RFC 8032/7748 vectors", 3 + 4 + 2 + 2 + 1000, bad);
    return bad;
}

static int run_diff(unsigned long n)
{
    static uint8_t edge[512][32], eu[64][32];
    int ne = edge_scalars(edge), nu = edge_us(eu);
    struct tally t[7] = {{"ed25519_base (noclamp)", 0, 0},
                         {"ed25519_pubkey_from_seed", 0, 0},
                         {"x25519_base", 0, 0},
                         {"x25519 (variable base)", 0, 0},
                         {"x25519_base_batch (keys)", 0, 0},
                         {"ed25519+x25519 pair (one inversion)", 0, 0},
                         {"inversion: divsteps vs Fermat", 0, 0}};
    static uint8_t many[64 * 32];
    uint8_t s[32], u[32];
    for (int i = 0; i < ne; i++) {
        t[0].n++, t[0].bad += (unsigned long)cmp_noclamp(edge[i]);
        t[1].n++, t[1].bad += (unsigned long)cmp_seed(edge[i]);
        t[2].n++, t[2].bad += (unsigned long)cmp_xbase(edge[i]);
        for (int j = 0; j < nu; j++)
            t[3].n++, t[3].bad += (unsigned long)cmp_x25519(edge[i], eu[j]);
        t[5].n++, t[5].bad += (unsigned long)cmp_pair(edge[i], edge[(i + 1) % ne]);
    }
    /* inversion edges: 0, p - 1, p, p + 1, 2^255 - 1, then 2^k, 2^k - 1, p - 2^k for each k,
     * and the edge u values and scalars with the top bit cleared */
    {
        static const uint64_t P64[4] = {0xffffffffffffffedu, ~0ull, ~0ull, ~0ull >> 1};
        uint64_t w[4];
        uint8_t z[32];
        for (int k = -1; k < 255; k++) {
            for (int form = 0; form < 3; form++) {
                for (int j = 0; j < 4; j++)
                    w[j] = form == 0 ? 0 : P64[j];
                if (k >= 0) {
                    if (form == 0) {
                        w[k / 64] = 1ull << (k % 64);
                    } else { /* p - 2^k, then 2^k - 1 from zero */
                        uint64_t borrow = 1ull << (k % 64);
                        for (int j = k / 64; j < 4 && borrow; j++) {
                            uint64_t o = w[j];
                            w[j] = o - borrow;
                            borrow = o < borrow;
                        }
                        if (form == 2)
                            for (int j = 0; j < 4; j++)
                                w[j] = j < k / 64 ? ~0ull : j == k / 64 ? (1ull << (k % 64)) - 1 : 0;
                    }
                } else if (form == 2) { /* p + 1, 2^255 - 1 */
                    w[0] = P64[0] + 1;
                    from_u64s(z, w);
                    t[6].n++, t[6].bad += (unsigned long)cmp_invert(z);
                    w[0] = ~0ull;
                }
                from_u64s(z, w);
                t[6].n++, t[6].bad += (unsigned long)cmp_invert(z);
            }
        }
        for (int i = 0; i < nu; i++) {
            memcpy(z, eu[i], 32);
            z[31] &= 0x7f;
            t[6].n++, t[6].bad += (unsigned long)cmp_invert(z);
        }
        for (int i = 0; i < ne; i++) {
            memcpy(z, edge[i], 32);
            z[31] &= 0x7f;
            t[6].n++, t[6].bad += (unsigned long)cmp_invert(z);
        }
    }
    for (int i = 0; i + 40 <= ne; i += 40) /* the edge scalars as batches of 40 */
        t[4].n += 40, t[4].bad += (unsigned long)cmp_xbase_batch(edge[i], 40);
    int edge_bad = 0;
    for (int i = 0; i < 7; i++)
        edge_bad += (int)t[i].bad;
    printf("edge cases: %d scalars, %d u values, %d differ\n", ne, nu, edge_bad);
    for (unsigned long i = 0; i < n; i++) {
        randbytes(s, 32);
        t[0].n++, t[0].bad += (unsigned long)cmp_noclamp(s);
        t[1].n++, t[1].bad += (unsigned long)cmp_seed(s);
        t[2].n++, t[2].bad += (unsigned long)cmp_xbase(s);
        randbytes(u, 32);
        t[3].n++, t[3].bad += (unsigned long)cmp_x25519(s, u);
        t[5].n++, t[5].bad += (unsigned long)cmp_pair(s, u);
        u[31] &= 0x7f;
        t[6].n++, t[6].bad += (unsigned long)cmp_invert(u);
    }
    /* batches of every size 1..64, then random sizes, n keys in all */
    for (unsigned long done = 0, size = 1; done < n; done += size, size = size < 64 ? size + 1 : 1 + next64() % 64) {
        randbytes(many, 32 * size);
        t[4].n += size, t[4].bad += (unsigned long)cmp_xbase_batch(many, size);
    }
    int bad = vectors();
    for (int i = 0; i < 7; i++) {
        report(&t[i]);
        bad += (int)t[i].bad;
    }
    printf("%s\n", bad ? "DIFFERENCES FOUND" : "all agree");
    return bad != 0;
}

/* stdin: one case per line, "scalar_hex u_hex shared_hex valid|invalid|acceptable".
 * Compared against the file's answer and against libsodium. */
static int run_wycheproof(void)
{
    char sh[80], uh[80], oh[80], res[32];
    unsigned long n = 0, bad_file = 0, bad_sodium = 0;
    while (scanf("%79s %79s %79s %31s", sh, uh, oh, res) == 4) {
        uint8_t s[32], u[32], want[32], got[32];
        unhex(s, sh, 32);
        unhex(u, uh, 32);
        unhex(want, oh, 32);
        int rc = olmpy_curve_x25519(got, s, u);
        n++;
        /* Wycheproof's output is the raw X25519 value, even when it is all zero. */
        if (memcmp(got, want, 32) != 0) {
            char g[65];
            tohex(g, got, 32);
            printf("wycheproof differs: %s %s want %s got %s (%s)\n", sh, uh, oh, g, res);
            bad_file++;
        }
        (void)rc;
        bad_sodium += (unsigned long)cmp_x25519(s, u);
    }
    printf("%-34s %10lu cases %lu differ from the file, %lu from libsodium\n",
           "wycheproof x25519", n, bad_file, bad_sodium);
    return (bad_file || bad_sodium || n == 0);
}

/* ---- benchmark ------------------------------------------------------------------------ */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define BATCH 200
static volatile uint8_t sink;

static double bench_one(int which, int ours, uint8_t (*in)[32])
{
    uint8_t out[32], sk[64], pk[32];
    static uint8_t batch_out[16 * 32];
    static const uint8_t u9[32] = {9};
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++) {
        switch (which * 2 + ours) {
        case 0: s_base_noclamp(out, in[i]); break;
        case 1: olmpy_curve_ed25519_base(out, in[i]); break;
        case 2: s_seed_keypair(pk, sk, in[i]); out[0] = pk[0]; break;
        case 3: olmpy_curve_ed25519_pubkey_from_seed(out, in[i]); break;
        case 4: s_x25519_base(out, in[i]); break;
        case 5: olmpy_curve_x25519_base(out, in[i]); break;
        case 6: s_x25519(out, in[i], in[(i + 1) % BATCH]); break;
        case 7: olmpy_curve_x25519(out, in[i], in[(i + 1) % BATCH]); break;
        case 8: s_x25519_base(out, in[i]); break; /* per key, one by one */
        case 9: /* per key, 16 at a time */
            if (i % 16 == 0)
                olmpy_curve_x25519_base_batch(batch_out, in[i], BATCH - i < 16 ? BATCH - i : 16);
            out[0] = batch_out[0];
            break;
        case 10: s_base_noclamp(out, in[i]); s_x25519_base(pk, in[(i + 1) % BATCH]); break;
        case 11: olmpy_curve_ed25519_x25519_base(out, in[i], pk, in[(i + 1) % BATCH]); break;
        }
        sink ^= out[0];
    }
    (void)u9;
    return (now_ns() - t0) / BATCH;
}

static int run_bench(int rounds)
{
    static uint8_t in[BATCH][32];
    static const char *names[6] = {"ed25519_base (r*B, noclamp)", "ed25519 pubkey from seed",
                                   "x25519_base (public key)", "x25519 (agreement)",
                                   "x25519_base_batch, per key", "ed25519+x25519 pair"};
    static const char *sodium_names[6] = {"crypto_scalarmult_ed25519_base_noclamp",
                                          "crypto_sign_seed_keypair",
                                          "crypto_scalarmult_base", "crypto_scalarmult",
                                          "crypto_scalarmult_base one by one",
                                          "base_noclamp + scalarmult_base"};
    double *a = malloc(sizeof(double) * rounds), *b = malloc(sizeof(double) * rounds);
    for (int i = 0; i < BATCH; i++) {
        randbytes(in[i], 32);
        in[i][31] &= 0x7f; /* valid points for the ladder's u input are irrelevant to time */
    }
    printf("%-30s %12s %12s %8s   (median ns/call, %d rounds of %d, interleaved)\n",
           "function", "olmpy", "libsodium", "ratio", rounds, BATCH);
    for (int w = 0; w < 6; w++) {
        bench_one(w, 0, in);
        bench_one(w, 1, in);
        for (int r = 0; r < rounds; r++) {
            b[r] = bench_one(w, 0, in);
            a[r] = bench_one(w, 1, in);
        }
        qsort(a, rounds, sizeof *a, cmp_double);
        qsort(b, rounds, sizeof *b, cmp_double);
        double ma = a[rounds / 2], mb = b[rounds / 2];
        printf("%-30s %12.0f %12.0f %8.3f   vs %s\n", names[w], ma, mb, ma / mb, sodium_names[w]);
    }
    free(a);
    free(b);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SODIUM.so diff N [SEED] | wycheproof | bench [ROUNDS]\n", argv[0]);
        return 2;
    }
    load_sodium(argv[1]);
    printf("fixed-base path: %s\n", olmpy_curve_v4_active() ?
#ifdef OLMPY_CURVE_V4_EMULATE
           "four lanes (IFMA emulated in C)"
#else
           "four lanes (AVX-512 IFMA)"
#endif
           : olmpy_curve_mulx_active() ? "64-bit radix 2^64 (MULX/ADX)" : "64-bit scalar");
    if (strcmp(argv[2], "diff") == 0) {
        unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
        if (argc > 4)
            rng = strtoull(argv[4], NULL, 0);
        printf("seed 0x%016llx, %lu random inputs per function\n", (unsigned long long)rng, n);
        return run_diff(n);
    }
    if (strcmp(argv[2], "wycheproof") == 0)
        return run_wycheproof();
    if (strcmp(argv[2], "bench") == 0)
        return run_bench(argc > 3 ? atoi(argv[3]) : 101);
    return 2;
}
