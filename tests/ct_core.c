/* Secret-independence of every native function that touches secrets, under valgrind
 * memcheck (the ctgrind method).  Secret inputs are marked undefined; memcheck then
 * reports every conditional jump and every memory address computed from them.  Outputs
 * that are public by design (ciphertexts, MACs, signatures, lengths, verdicts) are marked
 * defined where the harness reads them.  Built and run by tests/test_ct_core.py, which
 * links the C sources directly and passes PyNaCl's libsodium module as argv[1]: the
 * libsodium functions core.c calls through olmpy_init's pointers are the real ones,
 * loaded with dlopen.  Their insides are exempt (libsodium's own constant-time code;
 * SPEC.md), and so are their return codes, which olmpy turns into public errors: the
 * wrappers below declassify exactly those.
 *
 * Comparisons meant to be declassified: olmpy_ct_equal's one-bit verdict (a MAC matches or
 * not; the caller raises an error) is made defined by a --wrap wrapper, so the branch on it
 * is not reported while everything inside it is checked.
 *
 * Output: one line per function, "<name> <reports>", then "total <reports>"; valgrind's
 * own report goes to stderr.  Exit status 0 only when every result is right (the checks
 * here) -- the reports are counted by valgrind (--error-exitcode). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <valgrind/memcheck.h>

#include "olmpy_internal.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#define PUBLIC_VAL(v) VALGRIND_MAKE_MEM_DEFINED(&(v), sizeof(v))

/* PyNaCl's module refers to CPython; dlopen (RTLD_LAZY) needs only its data symbols. */
__attribute__((visibility("default"))) char _Py_NoneStruct[64];

static int wrong; /* results that are not what they must be */
#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            wrong++;                                                                   \
            fprintf(stderr, "wrong result: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
        }                                                                              \
    } while (0)

/* --- libsodium, through the pointers olmpy_init takes ----------------------------------- */

typedef int (*int2_fn)(unsigned char *, const unsigned char *);
typedef int (*int3_fn)(unsigned char *, const unsigned char *, const unsigned char *);
typedef void (*void2_fn)(unsigned char *, const unsigned char *);
typedef void (*void3_fn)(unsigned char *, const unsigned char *, const unsigned char *);
static int2_fn s_base_noclamp, s_x25519_base;
static int3_fn s_x25519, s_seed_keypair;
static void2_fn s_reduce;
static void3_fn s_mul, s_add;

static int w_base_noclamp(unsigned char *q, const unsigned char *n)
{
    int rc = s_base_noclamp(q, n);
    PUBLIC_VAL(rc); /* a refused (zero) scalar is an error the caller sees */
    return rc;
}
static int w_x25519_base(unsigned char *q, const unsigned char *n)
{
    int rc = s_x25519_base(q, n);
    PUBLIC_VAL(rc);
    return rc;
}
static int w_x25519(unsigned char *q, const unsigned char *n, const unsigned char *p)
{
    int rc = s_x25519(q, n, p);
    PUBLIC_VAL(rc);
    return rc;
}
static int w_seed_keypair(unsigned char *pk, unsigned char *sk, const unsigned char *seed)
{
    int rc = s_seed_keypair(pk, sk, seed);
    PUBLIC_VAL(rc);
    return rc;
}
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static void w_random(unsigned char *buf, unsigned long long n)
{
    for (unsigned long long i = 0; i < n; i++) {
        rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
        buf[i] = (unsigned char)(rng_state >> 56);
    }
    SECRET(buf, n); /* random bytes are secrets */
}

static void load_sodium(const char *path)
{
    void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "cannot load libsodium from %s: %s\n", path, dlerror());
        exit(3);
    }
#define SYM(var, name)                                                          \
    do {                                                                        \
        *(void **)&(var) = dlsym(h, name);                                      \
        if ((var) == NULL) {                                                    \
            fprintf(stderr, "%s missing from %s\n", name, path);                \
            exit(3);                                                            \
        }                                                                       \
    } while (0)
    SYM(s_base_noclamp, "crypto_scalarmult_ed25519_base_noclamp");
    SYM(s_reduce, "crypto_core_ed25519_scalar_reduce");
    SYM(s_mul, "crypto_core_ed25519_scalar_mul");
    SYM(s_add, "crypto_core_ed25519_scalar_add");
    SYM(s_seed_keypair, "crypto_sign_seed_keypair");
    SYM(s_x25519, "crypto_scalarmult");
    SYM(s_x25519_base, "crypto_scalarmult_base");
    int (*sodium_init)(void);
    SYM(sodium_init, "sodium_init");
    if (sodium_init() < 0)
        exit(3);
    if (olmpy_init((uintptr_t)w_base_noclamp, (uintptr_t)s_reduce, (uintptr_t)s_mul,
                   (uintptr_t)s_add, (uintptr_t)w_seed_keypair, (uintptr_t)w_random,
                   (uintptr_t)w_x25519, (uintptr_t)w_x25519_base) != 0)
        exit(3);
}

/* The one-bit verdict of a constant-time comparison is public (MAC ok or not). */
int __real_olmpy_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);
int __wrap_olmpy_ct_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    int r = __real_olmpy_ct_equal(a, b, len);
    PUBLIC_VAL(r);
    return r;
}

/* So is the length AES-CBC decryption returns: every caller decrypts only after the MAC
 * verified, and returns that length (or the padding error) to Python. */
long __real_olmpy_aes256_cbc_decrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                                     size_t inlen, uint8_t *out);
long __wrap_olmpy_aes256_cbc_decrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                                     size_t inlen, uint8_t *out)
{
    long n = __real_olmpy_aes256_cbc_decrypt(key, iv, in, inlen, out);
    PUBLIC_VAL(n);
    return n;
}

/* So is the verdict of olmpy's own r*B (curve25519.c, libsodium's convention: -1 for a
 * zero scalar or the identity), which core.c turns into an error when it uses it. */
int __real_olmpy_curve_ed25519_base(uint8_t *out, const uint8_t *scalar);
int __wrap_olmpy_curve_ed25519_base(uint8_t *out, const uint8_t *scalar)
{
    int r = __real_olmpy_curve_ed25519_base(out, scalar);
    PUBLIC_VAL(r);
    return r;
}

int __real_olmpy_curve_ed25519_x25519_base(uint8_t *ed_pub, const uint8_t *ed_scalar,
                                           uint8_t *x_pub, const uint8_t *x_secret);
int __wrap_olmpy_curve_ed25519_x25519_base(uint8_t *ed_pub, const uint8_t *ed_scalar,
                                           uint8_t *x_pub, const uint8_t *x_secret)
{
    int r = __real_olmpy_curve_ed25519_x25519_base(ed_pub, ed_scalar, x_pub, x_secret);
    PUBLIC_VAL(r);
    return r;
}

/* And the verdict of olmpy's own X25519 (-1 for an all-zero shared secret, libsodium's
 * convention): callers turn it into an error for a small-order public key. */
int __real_olmpy_curve_x25519(uint8_t *shared, const uint8_t *secret, const uint8_t *pub);
int __wrap_olmpy_curve_x25519(uint8_t *shared, const uint8_t *secret, const uint8_t *pub)
{
    int r = __real_olmpy_curve_x25519(shared, secret, pub);
    PUBLIC_VAL(r);
    return r;
}

/* --- helpers ---------------------------------------------------------------------------- */

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 131 + i * 29 + (i >> 3) * 7);
}

static unsigned reports_before;
static int total_reports;
static void begin(void) { reports_before = VALGRIND_COUNT_ERRORS; }
static void end(const char *name)
{
    unsigned now = VALGRIND_COUNT_ERRORS;
    printf("%-34s %u\n", name, now - reports_before);
    total_reports += (int)(now - reports_before);
    fflush(stdout);
}

/* --- the functions ---------------------------------------------------------------------- */

static void check_hashes(void)
{
    uint8_t key[40], data[200], out[64], out2[64], okm[80];
    fill(key, sizeof key, 1);
    fill(data, sizeof data, 2);

    begin();
    for (size_t n = 0; n <= sizeof data; n += 37) {
        SECRET(data, n);
        olmpy_sha256(data, n, out);
        PUBLIC(out, 32);
        PUBLIC(data, n);
    }
    end("olmpy_sha256");

    begin();
    for (size_t n = 0; n <= sizeof data; n += 37) {
        SECRET(key, sizeof key);
        SECRET(data, n);
        olmpy_hmac_sha256(key, sizeof key, data, n, out);
        olmpy_hmac_sha256(key, 32, data, n, out2);
        PUBLIC(out, 32);
        PUBLIC(out2, 32);
        PUBLIC(key, sizeof key);
        PUBLIC(data, n);
    }
    end("olmpy_hmac_sha256");

    begin();
    SECRET(key, 32);
    EXPECT(olmpy_hkdf_sha256(data, 32, key, 32, data + 40, 11, okm, 80) == 0);
    PUBLIC(okm, 80);
    PUBLIC(key, 32);
    SECRET(key, 32);
    EXPECT(olmpy_hkdf_sha256(NULL, 0, key, 32, data, 0, okm, 64) == 0);
    PUBLIC(okm, 64);
    PUBLIC(key, 32);
    end("olmpy_hkdf_sha256");

    begin();
    for (size_t n = 0; n <= sizeof data; n += 41) {
        SECRET(data, n);
        olmpy_sha512(data, n, out);
        PUBLIC(out, 64);
        PUBLIC(data, n);
    }
    end("olmpy_sha512");
}

static void check_aes(void)
{
    uint8_t key[32], iv[16], pt[100], ct[112], back[112];
    fill(key, 32, 3);
    fill(iv, 16, 4);
    fill(pt, sizeof pt, 5);
    begin();
    for (size_t n = 0; n <= sizeof pt; n += 25) {
        SECRET(key, 32);
        SECRET(pt, n);
        long c = olmpy_aes256_cbc_encrypt(key, iv, pt, n, ct);
        PUBLIC_VAL(c);
        EXPECT(c == (long)((n / 16 + 1) * 16));
        PUBLIC(ct, (size_t)c);
        long p = olmpy_aes256_cbc_decrypt(key, iv, ct, (size_t)c, back);
        PUBLIC_VAL(p); /* the padding verdict and length: decrypted after a MAC */
        PUBLIC(back, n);
        PUBLIC(pt, n);
        EXPECT(p == (long)n && memcmp(back, pt, n) == 0);
    }
    PUBLIC(key, 32);
    end("olmpy_aes256_cbc_encrypt+decrypt");
}

/* Attachments: key and plaintext secret; the counter block, the ciphertext and its hash
 * public.  The fused pass runs when the CPU (as valgrind presents it) has AES and SHA-256
 * instructions; sizes cover the byte-wise head and tail and whole 64-byte pieces. */
static void check_attachment(void)
{
    static uint8_t pt[700], ct[700], back[700];
    uint8_t key[32], iv[16], hash[32], hash2[32], state[1024];
    fill(key, 32, 21);
    fill(iv, 16, 22);
    fill(pt, sizeof pt, 23);
    memset(iv + 8, 0xff, 7); /* the counter wraps within the data */
    int fused = olmpy_attachment_available();
    EXPECT(fused == (olmpy_has_aesni() && olmpy_has_shani()));
    printf("attachment_fused %d\n", fused);
    EXPECT(olmpy_attachment_state_len() <= sizeof state);
    begin();
    for (size_t n = 0; n <= sizeof pt; n += 139) {
        SECRET(key, 32);
        SECRET(pt, n);
        int rc = olmpy_attachment_encrypt(key, iv, pt, n, ct, hash);
        EXPECT(rc == (fused ? 0 : OLMPY_E_NO_AES));
        if (rc != 0)
            continue;
        PUBLIC(ct, n);
        PUBLIC(hash, 32);
        rc = olmpy_attachment_decrypt(key, iv, ct, n, back, hash, hash2);
        PUBLIC_VAL(rc); /* the hash verdict: a public error */
        PUBLIC(back, n);
        PUBLIC(pt, n);
        EXPECT(rc == 0 && memcmp(back, pt, n) == 0 && memcmp(hash, hash2, 32) == 0);
        hash[0] ^= 1;
        SECRET(key, 32);
        rc = olmpy_attachment_decrypt(key, iv, ct, n, back, hash, hash2);
        PUBLIC_VAL(rc);
        PUBLIC(back, n);
        EXPECT(rc == OLMPY_E_MAC);
        for (size_t i = 0; i < n; i++)
            EXPECT(back[i] == 0); /* wiped */
    }
    end("olmpy_attachment_encrypt+decrypt");

    begin();
    if (fused) {
        SECRET(key, 32);
        SECRET(pt, sizeof pt);
        EXPECT(olmpy_attachment_init(state, key, iv) == 0);
        size_t done = 0, step = 1;
        while (done < sizeof pt) { /* pieces of 1, 3, 7, ... bytes: every alignment */
            size_t take = sizeof pt - done < step ? sizeof pt - done : step;
            olmpy_attachment_update(state, pt + done, take, back + done, 0);
            done += take;
            step = step * 2 + 1;
        }
        olmpy_attachment_hash(state, hash2);
        PUBLIC(back, sizeof pt);
        PUBLIC(hash2, 32);
        PUBLIC(pt, sizeof pt);
        EXPECT(olmpy_attachment_encrypt(key, iv, pt, sizeof pt, ct, hash) == 0);
        PUBLIC(ct, sizeof ct);
        PUBLIC(hash, 32);
        EXPECT(memcmp(back, ct, sizeof pt) == 0 && memcmp(hash, hash2, 32) == 0);
        /* Known answer for these inputs (AES-256-ECB of the counter blocks, XOR and
         * SHA-256 in Python with cryptography and hashlib): the emulated SHA-NI build
         * must compute the real thing. */
        static const uint8_t known[32] = {
            0x9f, 0x3c, 0x8d, 0x69, 0x08, 0x8b, 0xc5, 0x2f, 0xa4, 0x8d, 0xa4, 0x88, 0xaa, 0x24,
            0xb7, 0x87, 0x16, 0x52, 0x39, 0x8a, 0x08, 0xfb, 0x2b, 0x92, 0x4d, 0xaf, 0xc0, 0x4c,
            0xff, 0xe2, 0x50, 0x6c};
        EXPECT(memcmp(hash, known, 32) == 0);
        SECRET(key, 32);
        EXPECT(olmpy_attachment_init(state, key, iv) == 0);
        olmpy_attachment_update(state, ct, sizeof ct, back, 1);
        olmpy_attachment_hash(state, hash2);
        PUBLIC(back, sizeof pt);
        EXPECT(memcmp(back, pt, sizeof pt) == 0 && memcmp(hash, hash2, 32) == 0);
        olmpy_wipe(state, sizeof state);
    }
    PUBLIC(key, 32);
    end("olmpy_attachment_init+update+hash");
}

static void check_base64(void)
{
    uint8_t secret[64], back[64 + 16];
    char text[90];
    fill(secret, sizeof secret, 6);
    begin();
    for (size_t n = 0; n <= sizeof secret; n += 7) {
        SECRET(secret, n);
        size_t t = olmpy_b64_encode(secret, n, text);
        PUBLIC(secret, n);
        SECRET(text, t); /* decoding a secret's text: no table, no branch on it */
        long d = olmpy_b64_decode(text, t, back);
        PUBLIC_VAL(d);
        PUBLIC(back, n);
        PUBLIC(text, t);
        EXPECT(d == (long)n && memcmp(back, secret, n) == 0);
    }
    end("olmpy_b64_encode+decode");
}

static void check_signing(void)
{
    uint8_t seed[32], key[OLMPY_ED25519_KEY_LEN], msg[77], sig[64];
    uint8_t pk[32], sk[64];
    fill(seed, 32, 7);
    fill(msg, sizeof msg, 8);
    s_seed_keypair(pk, sk, seed); /* libsodium's answer, seen in the clear */

    begin();
    SECRET(seed, 32);
    EXPECT(olmpy_ed25519_key_init(seed, OLMPY_KEY_SEED, key) == 0);
    PUBLIC(key + 64, 32);
    EXPECT(memcmp(key + 64, pk, 32) == 0);
    end("olmpy_ed25519_key_init");

    begin();
    SECRET(key, 64);
    EXPECT(olmpy_ed25519_sign(key, msg, sizeof msg, sig) == 0);
    PUBLIC(sig, 64);
    end("olmpy_ed25519_sign");
    EXPECT(olmpy_ed25519_verify(pk, msg, sizeof msg, sig) == 0);

    uint8_t ed_seed[32], ed_key[OLMPY_ED25519_KEY_LEN], curve[32], curve_pub[32];
    begin();
    EXPECT(olmpy_identity_new(ed_seed, ed_key, curve, curve_pub) == 0);
    end("olmpy_identity_new");
}

static void check_x25519(void)
{
    uint8_t a[32], b[32], pa[32], pb[32], s1[32], s2[32], batch[96], pubs[96];
    fill(a, 32, 9);
    fill(b, 32, 10);
    begin();
    SECRET(a, 32);
    SECRET(b, 32);
    EXPECT(olmpy_x25519_public_batch(a, 1, pa) == 0);
    EXPECT(olmpy_x25519_public_batch(b, 1, pb) == 0);
    PUBLIC(pa, 32);
    PUBLIC(pb, 32);
    EXPECT(olmpy_x25519(a, pb, s1) == 0);
    EXPECT(olmpy_x25519(b, pa, s2) == 0);
    PUBLIC(s1, 32);
    PUBLIC(s2, 32);
    EXPECT(memcmp(s1, s2, 32) == 0);
    fill(batch, 96, 11);
    SECRET(batch, 96);
    EXPECT(olmpy_x25519_public_batch(batch, 3, pubs) == 0);
    PUBLIC(pubs, 96);
    end("olmpy_x25519+public_batch");
}

static void check_megolm(void)
{
    uint8_t state[OLMPY_MEGOLM_STATE_LEN], initial[OLMPY_MEGOLM_STATE_LEN],
        latest[OLMPY_MEGOLM_STATE_LEN], seed[32], key[OLMPY_ED25519_KEY_LEN];
    uint8_t pt[60], msg[256], out[256];
    fill(pt, sizeof pt, 12);

    begin();
    EXPECT(olmpy_megolm_group_new(state, seed, key) == 0);
    end("olmpy_megolm_group_new");
    memcpy(initial, state, sizeof state);

    begin();
    SECRET(state, 128);
    olmpy_megolm_advance(state);
    olmpy_megolm_advance_to(state, 0x1FF);   /* counter (public): 1 -> 0x1FF */
    olmpy_megolm_advance_to(state, 0x10003); /* across an R1 boundary */
    olmpy_megolm_advance_to(state, 0x10000000);
    end("olmpy_megolm_advance(_to)");
    PUBLIC(state + 128, 4);

    begin();
    memcpy(state, initial, sizeof state);
    uint8_t pub[32];
    memcpy(pub, key + 64, 32);
    PUBLIC(pub, 32);
    SECRET(state, 128);
    SECRET(key, 64);
    SECRET(pt, sizeof pt);
    long n = olmpy_megolm_encrypt(state, key, pt, sizeof pt, msg, sizeof msg);
    PUBLIC_VAL(n);
    EXPECT(n > 0);
    PUBLIC(msg, n > 0 ? (size_t)n : 0);
    end("olmpy_megolm_encrypt");

    begin();
    memcpy(latest, initial, sizeof latest);
    SECRET(initial, 128);
    SECRET(latest, 128);
    uint32_t index = 99;
    long d = olmpy_megolm_decrypt(initial, latest, pub, msg, (size_t)n, 1, NULL, out, &index);
    PUBLIC_VAL(d);
    PUBLIC(out, sizeof pt);
    PUBLIC(pt, sizeof pt);
    EXPECT(d == (long)sizeof pt && index == 0 && memcmp(out, pt, sizeof pt) == 0);
    msg[n - 70] ^= 1; /* a ciphertext bit: the MAC (and signature) must refuse it */
    d = olmpy_megolm_decrypt(initial, latest, pub, msg, (size_t)n, 0, NULL, out, &index);
    PUBLIC_VAL(d);
    EXPECT(d == OLMPY_E_MAC);
    end("olmpy_megolm_decrypt");
}

static void check_olm(void)
{
    uint8_t chain[36], start[36], ratchet[32], pt[45], msg[200], out[200], keys[5 * 32],
        next[36];
    fill(chain, 32, 13);
    memset(chain + 32, 0, 4);
    memcpy(start, chain, 36);
    fill(ratchet, 32, 14);
    fill(pt, sizeof pt, 15);

    begin();
    SECRET(chain, 32);
    SECRET(pt, sizeof pt);
    long n = olmpy_olm_encrypt(chain, ratchet, pt, sizeof pt, msg, sizeof msg);
    PUBLIC_VAL(n);
    EXPECT(n > 0);
    PUBLIC(msg, n > 0 ? (size_t)n : 0);
    end("olmpy_olm_encrypt");

    begin();
    memcpy(chain, start, 36);
    SECRET(chain, 32);
    int k = olmpy_olm_chain_keys(chain, 4, 5, keys, next);
    PUBLIC_VAL(k);
    EXPECT(k == 5);
    end("olmpy_olm_chain_keys");

    begin();
    long d = olmpy_olm_decrypt_message(keys, msg, (size_t)n, out);
    PUBLIC_VAL(d);
    PUBLIC(out, sizeof pt);
    PUBLIC(pt, sizeof pt);
    EXPECT(d == (long)sizeof pt && memcmp(out, pt, sizeof pt) == 0);
    msg[n - 9] ^= 1; /* the MAC */
    d = olmpy_olm_decrypt_message(keys, msg, (size_t)n, out);
    PUBLIC_VAL(d);
    EXPECT(d == OLMPY_E_MAC);
    msg[n - 9] ^= 1;
    end("olmpy_olm_decrypt_message");

    begin();
    memcpy(chain, start, 36);
    SECRET(chain, 32);
    d = olmpy_olm_decrypt_next(chain, msg, (size_t)n, out);
    PUBLIC_VAL(d);
    PUBLIC(out, sizeof pt);
    EXPECT(d == (long)sizeof pt && memcmp(out, pt, sizeof pt) == 0);
    end("olmpy_olm_decrypt_next");
}

static void check_pickles(void)
{
    uint8_t key[32], raw[150], back[200];
    char text[400];
    fill(key, 32, 16);
    fill(raw, sizeof raw, 17);

    begin();
    SECRET(key, 32);
    SECRET(raw, sizeof raw);
    long t = olmpy_pickle_seal(key, 32, raw, sizeof raw, text, sizeof text);
    PUBLIC_VAL(t);
    EXPECT(t > 0);
    PUBLIC(text, t > 0 ? (size_t)t : 0);
    long r = olmpy_pickle_open(key, 32, text, (size_t)t, back, sizeof back);
    PUBLIC_VAL(r);
    PUBLIC(back, sizeof raw);
    PUBLIC(raw, sizeof raw);
    EXPECT(r == (long)sizeof raw && memcmp(back, raw, sizeof raw) == 0);
    text[10] = text[10] == 'A' ? 'B' : 'A';
    r = olmpy_pickle_open(key, 32, text, (size_t)t, back, sizeof back);
    PUBLIC_VAL(r);
    EXPECT(r == OLMPY_E_MAC);
    end("olmpy_pickle_seal+open");
}

/* vodozemac's pickle JSON writes secret bytes as decimal numbers: the known finding of
 * SPEC.md (parsing and printing them branches on the digits). */
static void check_vodozemac_igs(void)
{
    uint8_t key[32];
    fill(key, 32, 16);
    uint8_t state[OLMPY_MEGOLM_STATE_LEN], state2[OLMPY_MEGOLM_STATE_LEN], pub[32], pub2[32];
    size_t cap = olmpy_igs_vodozemac_cap();
    char *sealed = malloc(cap);
    fill(state, sizeof state, 18);
    fill(pub, 32, 19);
    begin();
    SECRET(state, 128);
    long s = olmpy_igs_vodozemac_seal(key, 32, state, pub, 1, sealed, cap);
    PUBLIC_VAL(s);
    EXPECT(s > 0);
    PUBLIC(sealed, s > 0 ? (size_t)s : 0);
    int verified = 0;
    long o = olmpy_igs_vodozemac_open(key, 32, sealed, (size_t)s, state2, pub2, &verified);
    PUBLIC_VAL(o);
    PUBLIC(state2, sizeof state2);
    PUBLIC(state, sizeof state);
    EXPECT(o == 0 && verified == 1 && memcmp(state, state2, sizeof state) == 0);
    end("olmpy_igs_vodozemac_seal+open");
    free(sealed);
}

static void check_pickle_json(void)
{
    /* A vodozemac-style document: the byte arrays are the secrets. */
    static const char doc[] =
        "{\"a\":[0,1,9,10,99,100,255,7],\"b\":{\"c\":[200,13,64]},\"s\":\"text\",\"n\":12}";
    size_t len = sizeof doc - 1;
    uint8_t key[32], json[sizeof doc], hex[4 * sizeof doc + 16], back[2 * 4 * sizeof doc + 16];
    char sealed[1024];
    uint8_t opened[4 * (1024 / 4 * 3 + 16) + 16];
    fill(key, 32, 20);
    memcpy(json, doc, len);

    begin();
    SECRET(json, len);
    size_t h = olmpy_json_arrays_to_hex(json, len, hex);
    PUBLIC_VAL(h);
    size_t a = olmpy_json_hex_to_arrays(hex, h, back);
    PUBLIC_VAL(a);
    PUBLIC(back, a);
    EXPECT(a == len && memcmp(back, doc, len) == 0);
    end("olmpy_json_arrays_to_hex+back");

    begin();
    SECRET(hex, h);
    long s = olmpy_pickle_seal_json(key, 32, hex, h, sealed, sizeof sealed);
    PUBLIC_VAL(s);
    EXPECT(s > 0 && (size_t)s <= olmpy_pickle_sealed_json_cap(h));
    PUBLIC(sealed, s > 0 ? (size_t)s : 0);
    long o = olmpy_pickle_open_json(key, 32, sealed, (size_t)s, opened, sizeof opened);
    PUBLIC_VAL(o);
    PUBLIC(opened, o > 0 ? (size_t)o : 0);
    PUBLIC(hex, h);
    EXPECT(o == (long)h && memcmp(opened, hex, h) == 0);
    end("olmpy_pickle_seal_json+open_json");
}

static void check_pk(void)
{
    uint8_t eph[32], recipient_secret[32], recipient[32], pt[33], eph_pub[32], mac[8],
        ct[48], out[48];
    fill(eph, 32, 21);
    fill(recipient_secret, 32, 22);
    fill(pt, sizeof pt, 23);
    EXPECT(olmpy_x25519_public_batch(recipient_secret, 1, recipient) == 0);
    begin();
    SECRET(eph, 32);
    SECRET(pt, sizeof pt);
    long c = olmpy_pk_encrypt(eph, recipient, pt, sizeof pt, eph_pub, mac, ct);
    PUBLIC_VAL(c);
    EXPECT(c == 48);
    PUBLIC(eph_pub, 32);
    PUBLIC(mac, 8);
    PUBLIC(ct, 48);
    end("olmpy_pk_encrypt");
    begin();
    SECRET(recipient_secret, 32);
    long d = olmpy_pk_decrypt(recipient_secret, eph_pub, ct, 48, mac, 8, out);
    PUBLIC_VAL(d);
    PUBLIC(out, sizeof pt);
    PUBLIC(pt, sizeof pt);
    EXPECT(d == (long)sizeof pt && memcmp(out, pt, sizeof pt) == 0);
    mac[0] ^= 1;
    d = olmpy_pk_decrypt(recipient_secret, eph_pub, ct, 48, mac, 8, out);
    PUBLIC_VAL(d);
    EXPECT(d == OLMPY_E_MAC);
    end("olmpy_pk_decrypt");
}

static void check_recovery(void)
{
    uint8_t key[32], raw[35];
    char text[48];
    size_t info[3];
    fill(key, 32, 24);
    begin();
    SECRET(key, 32);
    olmpy_recovery_key_encode(key, text);
    SECRET(text, 48);
    long flags = olmpy_recovery_key_decode((const uint8_t *)text, 48, raw, info);
    PUBLIC_VAL(flags);
    PUBLIC(info, sizeof info);
    PUBLIC(raw, 35);
    PUBLIC(key, 32);
    EXPECT(flags == 3 && memcmp(raw + 2, key, 32) == 0);
    uint8_t digits[64], bytes[32];
    for (int i = 0; i < 64; i++)
        digits[i] = (uint8_t)"0123456789abcdef"[(i * 5 + 3) % 16];
    SECRET(digits, 64);
    long hx = olmpy_hex_decode(digits, 64, bytes);
    PUBLIC_VAL(hx);
    EXPECT(hx == 32);
    end("olmpy_recovery_key+hex_decode");
}

/* olmpy's own curve code (curve25519.c, curve25519_v4.h; SPEC.md section 28). */
static void check_curve(void)
{
    uint8_t seed[32], scalar[32], secret[32], peer[32], out[32], want[32], pk[32], sk[64];
    fill(seed, 32, 25);
    fill(scalar, 32, 26);
    fill(secret, 32, 27);
    fill(peer, 32, 28);

    begin();
    for (int i = 0; i < 3; i++) {
        seed[0] ^= (uint8_t)i;
        s_seed_keypair(pk, sk, seed);
        SECRET(seed, 32);
        olmpy_curve_ed25519_pubkey_from_seed(out, seed);
        PUBLIC(out, 32);
        PUBLIC(seed, 32);
        EXPECT(memcmp(out, pk, 32) == 0);
    }
    end("olmpy_curve_ed25519_pubkey_from_seed");

    begin();
    for (int i = 0; i < 3; i++) {
        scalar[31] ^= (uint8_t)(0x80 * i); /* the ignored top bit too */
        scalar[1] ^= (uint8_t)(7 * i);
        int rw = s_base_noclamp(want, scalar);
        SECRET(scalar, 32);
        int r = olmpy_curve_ed25519_base(out, scalar);
        PUBLIC_VAL(r); /* libsodium's verdict: zero scalar or identity, an error */
        PUBLIC(out, 32);
        PUBLIC(scalar, 32);
        EXPECT(r == rw && memcmp(out, want, 32) == 0);
    }
    end("olmpy_curve_ed25519_base");

    begin();
    for (int i = 0; i < 3; i++) {
        secret[0] ^= (uint8_t)(3 * i);
        s_x25519_base(want, secret);
        SECRET(secret, 32);
        olmpy_curve_x25519_base(out, secret);
        PUBLIC(out, 32);
        PUBLIC(secret, 32);
        EXPECT(memcmp(out, want, 32) == 0);
    }
    end("olmpy_curve_x25519_base");

    begin();
    uint8_t many[20 * 32], pubs[20 * 32];
    fill(many, sizeof many, 29);
    SECRET(many, sizeof many);
    olmpy_curve_x25519_base_batch(pubs, many, 20); /* a batch of 16, then one of 4 */
    PUBLIC(pubs, sizeof pubs);
    PUBLIC(many, sizeof many);
    for (int i = 0; i < 20; i++) {
        s_x25519_base(want, many + 32 * i);
        EXPECT(memcmp(pubs + 32 * i, want, 32) == 0);
    }
    end("olmpy_curve_x25519_base_batch");

    begin();
    uint8_t ed_want[32], ed_out[32];
    int rw = s_base_noclamp(ed_want, scalar);
    s_x25519_base(want, secret);
    SECRET(scalar, 32);
    SECRET(secret, 32);
    int rp = olmpy_curve_ed25519_x25519_base(ed_out, scalar, out, secret);
    PUBLIC_VAL(rp);
    PUBLIC(ed_out, 32);
    PUBLIC(out, 32);
    PUBLIC(scalar, 32);
    PUBLIC(secret, 32);
    EXPECT(rp == rw && memcmp(ed_out, ed_want, 32) == 0 && memcmp(out, want, 32) == 0);
    end("olmpy_curve_ed25519_x25519_base");

    begin();
    s_x25519_base(peer, peer); /* a real public key */
    for (int i = 0; i < 2; i++) {
        secret[5] ^= (uint8_t)(11 * i);
        int rw = s_x25519(want, secret, peer);
        SECRET(secret, 32);
        int r = olmpy_curve_x25519(out, secret, peer);
        PUBLIC_VAL(r); /* all-zero shared secret: an error */
        PUBLIC(out, 32);
        PUBLIC(secret, 32);
        EXPECT(r == rw && memcmp(out, want, 32) == 0);
    }
    end("olmpy_curve_x25519");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-PYNACL-_sodium.so [--known]\n", argv[0]);
        return 2;
    }
    int known = argc > 2 && strcmp(argv[2], "--known") == 0;
    load_sodium(argv[1]);
    printf("aesni %d shani %d sha512_impl %d curve_impl %d running_on_valgrind %d\n",
           olmpy_has_aesni(), olmpy_has_shani(), olmpy_sha512_impl(), olmpy_curve_impl(),
           (int)RUNNING_ON_VALGRIND);
    if (known) {
        check_vodozemac_igs();
        check_pickle_json();
    } else {
        check_hashes();
        check_aes();
        check_attachment();
        check_base64();
        check_signing();
        check_x25519();
        check_megolm();
        check_olm();
        check_pickles();
        check_pk();
        check_recovery();
        check_curve();
    }
    printf("total %d\n", total_reports);
    printf("%s\n", wrong ? "wrong results" : "results ok");
    return wrong != 0;
}
