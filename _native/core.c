/* Memory hygiene, constant-time helpers and Ed25519 through libsodium.
 *
 * olmpy does no elliptic-curve arithmetic of its own: libsodium's functions
 * are reached through pointers that the Python binding takes from PyNaCl's
 * compiled module and hands to olmpy_init, so signing and verifying happen
 * without a round trip through Python.
 */
#include "olmpy_internal.h"

#ifndef OLMPY_VERSION_STRING
#error "OLMPY_VERSION_STRING must be defined by the build"
#endif

const char *olmpy_version(void) { return OLMPY_VERSION_STRING; }

typedef int (*sign_fn)(unsigned char *, unsigned long long *, const unsigned char *,
                       unsigned long long, const unsigned char *);
typedef int (*sign_open_fn)(unsigned char *, unsigned long long *, const unsigned char *,
                            unsigned long long, const unsigned char *);
typedef int (*hash_fn)(unsigned char *, const unsigned char *, unsigned long long);
typedef int (*base_fn)(unsigned char *, const unsigned char *);
typedef void (*reduce_fn)(unsigned char *, const unsigned char *);
typedef void (*mul_fn)(unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*keypair_fn)(unsigned char *, unsigned char *, const unsigned char *);
typedef void (*random_fn)(unsigned char *, unsigned long long);

static struct {
    sign_fn sign;
    sign_open_fn sign_open;
    hash_fn sha512;
    base_fn base_noclamp;
    reduce_fn reduce;
    mul_fn mul;
    mul_fn add;
    keypair_fn seed_keypair;
    random_fn random;
} sodium;

int olmpy_init(uintptr_t sign, uintptr_t sign_open, uintptr_t hash_sha512,
               uintptr_t base_noclamp, uintptr_t scalar_reduce, uintptr_t scalar_mul,
               uintptr_t scalar_add, uintptr_t seed_keypair, uintptr_t randombytes)
{
    if (!sign || !sign_open || !hash_sha512 || !base_noclamp || !scalar_reduce ||
        !scalar_mul || !scalar_add || !seed_keypair || !randombytes)
        return OLMPY_E_ARGUMENT;
    sodium.seed_keypair = (keypair_fn)seed_keypair;
    sodium.random = (random_fn)randombytes;
    sodium.sign = (sign_fn)sign;
    sodium.sign_open = (sign_open_fn)sign_open;
    sodium.sha512 = (hash_fn)hash_sha512;
    sodium.base_noclamp = (base_fn)base_noclamp;
    sodium.reduce = (reduce_fn)scalar_reduce;
    sodium.mul = (mul_fn)scalar_mul;
    sodium.add = (mul_fn)scalar_add;
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

/* libolm keeps Ed25519 keys as (clamped scalar a || prefix); RFC 8032's
 * signing equations are applied to that form with libsodium's scalar
 * arithmetic, giving exactly the signatures libolm produces. */
static int sign_expanded(const uint8_t *expanded, const uint8_t *pub, const uint8_t *msg,
                         size_t len, uint8_t *sig)
{
    uint8_t *buf = malloc(len + 64);
    if (!buf)
        return OLMPY_E_NOMEM;
    uint8_t h[64], r[32], a64[64], a[32], k[32], ka[32];
    int rc = 0;
    memcpy(buf, expanded + 32, 32);
    memcpy(buf + 32, msg, len);
    sodium.sha512(h, buf, len + 32);
    sodium.reduce(r, h);
    if (sodium.base_noclamp(sig, r) != 0) {
        rc = OLMPY_E_ARGUMENT;
        goto out;
    }
    memcpy(buf, sig, 32);
    memcpy(buf + 32, pub, 32);
    memcpy(buf + 64, msg, len);
    sodium.sha512(h, buf, len + 64);
    sodium.reduce(k, h);
    memset(a64, 0, sizeof a64);
    memcpy(a64, expanded, 32);
    sodium.reduce(a, a64);
    sodium.mul(ka, k, a);
    sodium.add(sig + 32, ka, r);
out:
    olmpy_wipe(buf, len + 64);
    free(buf);
    olmpy_wipe(h, sizeof h);
    olmpy_wipe(r, sizeof r);
    olmpy_wipe(a64, sizeof a64);
    olmpy_wipe(a, sizeof a);
    olmpy_wipe(ka, sizeof ka);
    return rc;
}

int olmpy_ed25519_sign(const uint8_t *secret, int kind, const uint8_t *pub,
                       const uint8_t *msg, size_t len, uint8_t *sig)
{
    if (!sodium.sign)
        return OLMPY_E_NOT_READY;
    if (kind == OLMPY_KEY_EXPANDED)
        return sign_expanded(secret, pub, msg, len, sig);
    if (kind != OLMPY_KEY_SEED)
        return OLMPY_E_ARGUMENT;
    uint8_t *sm = malloc(len + 64);
    if (!sm)
        return OLMPY_E_NOMEM;
    unsigned long long smlen = 0;
    int rc = sodium.sign(sm, &smlen, msg, len, secret);
    if (rc == 0)
        memcpy(sig, sm, 64);
    free(sm);
    return rc == 0 ? 0 : OLMPY_E_ARGUMENT;
}

int olmpy_ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t len,
                         const uint8_t *sig)
{
    if (!sodium.sign_open)
        return OLMPY_E_NOT_READY;
    uint8_t *sm = malloc(2 * len + 64);
    if (!sm)
        return OLMPY_E_NOMEM;
    memcpy(sm, sig, 64);
    memcpy(sm + 64, msg, len);
    unsigned long long mlen = 0;
    int rc = sodium.sign_open(sm + len + 64, &mlen, sm, len + 64, pub);
    free(sm);
    return rc == 0 ? 0 : OLMPY_E_SIGNATURE;
}

int olmpy_megolm_group_new(uint8_t *state, uint8_t *secret, uint8_t *pub)
{
    if (!sodium.random)
        return OLMPY_E_NOT_READY;
    uint8_t seed[32];
    sodium.random(state, 128);
    memset(state + 128, 0, 4);
    sodium.random(seed, sizeof seed);
    int rc = sodium.seed_keypair(pub, secret, seed);
    olmpy_wipe(seed, sizeof seed);
    return rc == 0 ? 0 : OLMPY_E_ARGUMENT;
}
