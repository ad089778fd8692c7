/* Memory hygiene, constant-time helpers and Ed25519 signing.
 *
 * The multiplications on secrets are olmpy's own constant-time code in curve25519.c
 * (Ed25519 a*B and r*B, X25519 public keys; X25519 agreement too where the four-lane
 * AVX-512 IFMA code runs).  libsodium, reached through pointers that the Python binding
 * takes from PyNaCl's compiled module and hands to olmpy_init, does the rest (scalar
 * arithmetic mod L, random bytes, the 64-bit path's X25519 agreement) and everything
 * when OLMPY_CURVE=sodium is set.  Verification (public data) is olmpy's own, in
 * ed25519_verify.c.
 */
#include "olmpy_internal.h"
#include "olmpy_sha512.h"

#ifndef OLMPY_VERSION_STRING
#error "OLMPY_VERSION_STRING must be defined by the build"
#endif

const char *olmpy_version(void) { return OLMPY_VERSION_STRING; }

typedef int (*base_fn)(unsigned char *, const unsigned char *);
typedef void (*reduce_fn)(unsigned char *, const unsigned char *);
typedef void (*mul_fn)(unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*keypair_fn)(unsigned char *, unsigned char *, const unsigned char *);
typedef void (*random_fn)(unsigned char *, unsigned long long);
typedef int (*smult_fn)(unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*smult_base_fn)(unsigned char *, const unsigned char *);

static struct {
    base_fn base_noclamp;
    reduce_fn reduce;
    mul_fn mul;
    mul_fn add;
    keypair_fn seed_keypair;
    random_fn random;
    smult_fn x25519;
    smult_base_fn x25519_base;
} sodium;

/* olmpy's own fixed-base X25519 (curve25519.c) in libsodium's calling convention. */
static int own_x25519_base(unsigned char *q, const unsigned char *n)
{
    olmpy_curve_x25519_base(q, n);
    return 0;
}

/* Which code does the multiplications on secrets: 1 olmpy's own (curve25519.c, measured
 * faster than libsodium's), 0 libsodium's, forced by OLMPY_CURVE=sodium in the
 * environment when olmpy_init runs.  Variable-base X25519 is olmpy's own only on the
 * four-lane (AVX-512 IFMA) path; the 64-bit ladder measured slower than libsodium's. */
static int curve_own;

int olmpy_curve_impl(void)
{
    if (!curve_own)
        return 0;
    return olmpy_curve_v4_active() ? 2 : olmpy_curve_mulx_active() ? 3 : 1;
}

int olmpy_init(uintptr_t base_noclamp, uintptr_t scalar_reduce, uintptr_t scalar_mul,
               uintptr_t scalar_add, uintptr_t seed_keypair, uintptr_t randombytes,
               uintptr_t x25519, uintptr_t x25519_base)
{
    if (!base_noclamp || !scalar_reduce || !scalar_mul || !scalar_add || !seed_keypair ||
        !randombytes || !x25519 || !x25519_base)
        return OLMPY_E_ARGUMENT;
    sodium.x25519 = (smult_fn)x25519;
    sodium.x25519_base = (smult_base_fn)x25519_base;
    sodium.base_noclamp = (base_fn)base_noclamp;
    sodium.reduce = (reduce_fn)scalar_reduce;
    sodium.mul = (mul_fn)scalar_mul;
    sodium.add = (mul_fn)scalar_add;
    sodium.seed_keypair = (keypair_fn)seed_keypair;
    sodium.random = (random_fn)randombytes;
    const char *curve = getenv("OLMPY_CURVE");
    curve_own = !(curve && strcmp(curve, "sodium") == 0);
    if (curve_own) {
        sodium.base_noclamp = olmpy_curve_ed25519_base;
        sodium.x25519_base = own_x25519_base;
        /* The variable-base ladder only where it runs four lanes wide: the 64-bit one
         * measured slower than libsodium's (tools/curve/run_diff.py --bench). */
        if (olmpy_curve_v4_active())
            sodium.x25519 = olmpy_curve_x25519;
    }
    return 0;
}

void olmpy_wipe(void *ptr, size_t size)
{
    if (!ptr)
        return;
    memset(ptr, 0, size);
    /* Keep the compiler from treating the memset as a dead store. */
    __asm__ __volatile__("" : : "r"(ptr) : "memory");
}

/* Secret buffers carry their size in a header so that free can wipe them. */
void *olmpy_secret_alloc(size_t size)
{
    size_t *p = calloc(1, size + 16);
    if (!p)
        return NULL;
    p[0] = size;
    return (uint8_t *)p + 16;
}

void olmpy_secret_free(void *ptr)
{
    if (!ptr)
        return;
    uint8_t *base = (uint8_t *)ptr - 16;
    olmpy_wipe(ptr, *(size_t *)base);
    free(base);
}

int olmpy_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    uint8_t d = 0;
    for (size_t i = 0; i < len; i++)
        d |= a[i] ^ b[i];
    __asm__ __volatile__("" : "+r"(d));
    return d == 0;
}

/* Ed25519 signing keys (RFC 8032).  A key is 96 bytes: the expanded secret
 * (scalar a || prefix, libolm's form, which a seed is brought to by SHA-512
 * and clamping) and then A, the public key.  olmpy_ed25519_key_init is the
 * only place A comes from: it is (a mod L)*B, computed here, never a value a
 * caller hands in.  That matters because the nonce r depends only on the
 * prefix and the message: two signatures of one message under two different
 * A would share r and differ in k, which gives a away.
 *
 * The curve and scalar arithmetic is libsodium's (constant time); the hashing
 * is olmpy's SHA-512 (constant time by construction). */
/* The first 64 bytes of a key (expanded secret) from a seed or an expanded secret, and
 * a = (its scalar mod L) for the public key; OLMPY_E_ARGUMENT for an unknown kind. */
static int expand_key(const uint8_t *secret, int kind, uint8_t *key, uint8_t a[32])
{
    uint8_t a64[64];
    if (kind == OLMPY_KEY_SEED) {
        olmpy_sha512(secret, 32, key);
        key[0] &= 248;
        key[31] &= 127;
        key[31] |= 64;
    } else if (kind == OLMPY_KEY_EXPANDED) {
        memmove(key, secret, 64);
    } else {
        return OLMPY_E_ARGUMENT;
    }
    memset(a64, 0, sizeof a64);
    memcpy(a64, key, 32);
    sodium.reduce(a, a64);
    olmpy_wipe(a64, sizeof a64);
    return 0;
}

int olmpy_ed25519_key_init(const uint8_t *secret, int kind, uint8_t *key)
{
    uint8_t a[32];
    int rc;
    if (!sodium.reduce)
        return OLMPY_E_NOT_READY;
    if ((rc = expand_key(secret, kind, key, a)) != 0)
        return rc;
    /* libsodium refuses a zero scalar (a = 0 mod L): such a key cannot sign. */
    if (sodium.base_noclamp(key + 64, a) != 0) {
        olmpy_wipe(key, OLMPY_ED25519_KEY_LEN);
        rc = OLMPY_E_ARGUMENT;
    }
    olmpy_wipe(a, sizeof a);
    return rc;
}

/*   r = SHA-512(prefix || M) mod L,  R = r*B,  k = SHA-512(R || A || M) mod L,
 *   S = k*a + r mod L, streamed so the message is never copied.  The result
 * equals libsodium's crypto_sign for the seed the key came from (tested). */
int olmpy_ed25519_sign(const uint8_t *key, const uint8_t *msg, size_t len, uint8_t *sig)
{
    olmpy_sha512_ctx c;
    uint8_t h[64], r[32], a64[64], a[32], k[32], ka[32];
    int rc = 0;
    if (!sodium.reduce)
        return OLMPY_E_NOT_READY;
    olmpy_sha512_init(&c);
    olmpy_sha512_update(&c, key + 32, 32);
    olmpy_sha512_update(&c, msg, len);
    olmpy_sha512_final(&c, h);
    sodium.reduce(r, h);
    if (sodium.base_noclamp(sig, r) != 0) {
        rc = OLMPY_E_ARGUMENT; /* r == 0: probability 2^-252 */
        goto out;
    }
    olmpy_sha512_init(&c);
    olmpy_sha512_update(&c, sig, 32);
    olmpy_sha512_update(&c, key + 64, 32);
    olmpy_sha512_update(&c, msg, len);
    olmpy_sha512_final(&c, h);
    sodium.reduce(k, h);
    memset(a64, 0, sizeof a64);
    memcpy(a64, key, 32);
    sodium.reduce(a, a64);
    sodium.mul(ka, k, a);
    sodium.add(sig + 32, ka, r);
out:
    olmpy_wipe(&c, sizeof c);
    olmpy_wipe(h, sizeof h);
    olmpy_wipe(r, sizeof r);
    olmpy_wipe(a64, sizeof a64);
    olmpy_wipe(a, sizeof a);
    olmpy_wipe(ka, sizeof ka);
    return rc;
}

int olmpy_ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t len,
                         const uint8_t *sig)
{
    /* Public data: olmpy's variable-time verifier, with libsodium's verdicts. */
    return olmpy_ed25519_verify_oneshot(pub, msg, len, sig) == 0 ? 0 : OLMPY_E_SIGNATURE;
}

int olmpy_megolm_group_new(uint8_t *state, uint8_t *seed, uint8_t *key)
{
    if (!sodium.random)
        return OLMPY_E_NOT_READY;
    uint8_t fresh[160]; /* one call to the random source: the ratchet, then the seed */
    sodium.random(fresh, sizeof fresh);
    memcpy(state, fresh, 128);
    memset(state + 128, 0, 4);
    memcpy(seed, fresh + 128, 32);
    olmpy_wipe(fresh, sizeof fresh);
    return olmpy_ed25519_key_init(seed, OLMPY_KEY_SEED, key);
}

int olmpy_x25519(const uint8_t *secret, const uint8_t *pub, uint8_t *shared)
{
    static const uint8_t zero[32];
    if (!sodium.x25519)
        return OLMPY_E_NOT_READY;
    /* libsodium itself fails on an all-zero result; check again in constant time. */
    if (sodium.x25519(shared, secret, pub) != 0 || olmpy_ct_equal(shared, zero, 32)) {
        olmpy_wipe(shared, 32);
        return OLMPY_E_ARGUMENT;
    }
    return 0;
}

int olmpy_x25519_public_batch(const uint8_t *secrets, size_t n, uint8_t *publics)
{
    if (!sodium.x25519_base)
        return OLMPY_E_NOT_READY;
    if (curve_own) { /* one inversion per 16 keys */
        olmpy_curve_x25519_base_batch(publics, secrets, n);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (sodium.x25519_base(publics + 32 * i, secrets + 32 * i) != 0)
            return OLMPY_E_ARGUMENT;
    return 0;
}

int olmpy_identity_new(uint8_t *ed_seed, uint8_t *ed_key, uint8_t *curve_secret,
                       uint8_t *curve_public)
{
    if (!sodium.random)
        return OLMPY_E_NOT_READY;
    uint8_t fresh[64]; /* one call to the random source: the two secrets */
    sodium.random(fresh, sizeof fresh);
    memcpy(ed_seed, fresh, 32);
    memcpy(curve_secret, fresh + 32, 32);
    olmpy_wipe(fresh, sizeof fresh);
    if (curve_own) { /* both public keys sharing one inversion */
        uint8_t a[32];
        int rc = expand_key(ed_seed, OLMPY_KEY_SEED, ed_key, a);
        if (rc == 0 &&
            olmpy_curve_ed25519_x25519_base(ed_key + 64, a, curve_public, curve_secret) != 0) {
            olmpy_wipe(ed_key, OLMPY_ED25519_KEY_LEN);
            rc = OLMPY_E_ARGUMENT;
        }
        olmpy_wipe(a, sizeof a);
        return rc;
    }
    if (olmpy_ed25519_key_init(ed_seed, OLMPY_KEY_SEED, ed_key) != 0 ||
        sodium.x25519_base(curve_public, curve_secret) != 0)
        return OLMPY_E_ARGUMENT;
    return 0;
}

#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#if defined(__linux__)
#include <sys/auxv.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#endif

int olmpy_arm64_feature(unsigned long hwcap_bit, const char *apple_sysctl,
                        const char *override_env)
{
    int ok = 0;
#if defined(__linux__)
    (void)apple_sysctl;
    ok = (getauxval(AT_HWCAP) & hwcap_bit) != 0;
#elif defined(__APPLE__)
    (void)hwcap_bit;
    int flag = 0;
    size_t size = sizeof flag;
    if (sysctlbyname(apple_sysctl, &flag, &size, NULL, 0) == 0)
        ok = flag != 0;
#else
    (void)hwcap_bit;
    (void)apple_sysctl;
#endif
    if (getenv(override_env))
        ok = 0;
    return ok;
}
#endif
