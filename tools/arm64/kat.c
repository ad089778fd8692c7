/* Known-answer harness for every function of olmpy's native core (olmpy_native.h),
 * written for the ARM64 port and run under qemu-aarch64 by tools/arm64/run_kat.py; it
 * builds and passes natively on x86-64 too.
 *
 * The answers are in kat_vectors.h, written by make_kat_vectors.py from vectors/.
 * Output: one line per function, "<function> <path> ok|FAIL <cases>", where path names the
 * code each call took (the CPU extension, or portable), then a summary line.  Exit status 0
 * only when every case gave its answer.
 *
 * The paths are chosen by the same switches as in olmpy: OLMPY_NO_AESNI (no hardware AES:
 * the AES functions must answer OLMPY_E_NO_AES), OLMPY_NO_SHANI (portable SHA-256),
 * OLMPY_NO_NEON (portable base64 on aarch64).  The runner starts the program once per set.
 *
 * libsodium: olmpy_init takes eight libsodium functions (X25519, Ed25519 scalar and point
 * arithmetic, random bytes).  No aarch64 libsodium exists here, so those calls are answered
 * from a recording: built natively with -DKAT_RECORD, the harness loads x86-64 libsodium
 * (PyNaCl's module, argv) and writes every (function, input, output) it asked for; the
 * aarch64 build reads that file and answers the identical calls with the recorded outputs,
 * failing on any call it has no recording of.  So olmpy's own code around those calls
 * (hashing, key handling, AES, MACs, encoding) runs on aarch64 and its final answers are
 * checked against the vectors, but libsodium's arithmetic itself is x86-64's.  Random bytes
 * come from a fixed generator in both builds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef KAT_RECORD
#include <dlfcn.h>
#endif

#include "olmpy_internal.h"

enum kind {
    K_SHA256, K_SHA256_REPEAT, K_HMAC, K_HKDF, K_AES, K_SHA512, K_ED25519, K_B64, K_B64PAD,
    K_B64BAD, K_HEX, K_HEXBAD, K_MEGOLM_ADVANCE, K_MEGOLM_MSG, K_OLM_MSG, K_PICKLE,
    K_PICKLE_JSON, K_IGS, K_RECOVERY, K_PK, K_ATTACH
};
struct kat_record {
    enum kind kind;
    const char *id;
    const char *f[8];
};
#include "kat_vectors.h"

#ifdef KAT_RECORD
/* PyNaCl's module refers to CPython; dlopen (RTLD_LAZY) needs only its data symbols. */
__attribute__((visibility("default"))) char _Py_NoneStruct[64];
#endif

/* --- hex fields --------------------------------------------------------------------------- */
typedef struct {
    uint8_t *p;
    size_t n;
} buf;

static buf field(const struct kat_record *r, int i)
{
    const char *h = r->f[i];
    size_t n = h ? strlen(h) / 2 : 0;
    buf b = {malloc(n + 1), n};
    for (size_t k = 0; k < n; k++) {
        unsigned v;
        sscanf(h + 2 * k, "%2x", &v);
        b.p[k] = (uint8_t)v;
    }
    return b;
}
static uint32_t field_u32(const struct kat_record *r, int i)
{
    buf b = field(r, i);
    uint32_t v = (uint32_t)b.p[0] << 24 | (uint32_t)b.p[1] << 16 | (uint32_t)b.p[2] << 8 | b.p[3];
    free(b.p);
    return v;
}
static int eq(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

/* --- results per function ------------------------------------------------------------------ */
enum { U_AES = 1, U_SHA = 2, U_B64 = 4, U_SODIUM = 8 };
struct fn {
    const char *name;
    int uses;
    int pass, fail, skip;
};
static struct fn fns[64];
static int nfns;
static int aes_hw, sha_hw, b64_hw;

static struct fn *fn_get(const char *name, int uses)
{
    for (int i = 0; i < nfns; i++)
        if (strcmp(fns[i].name, name) == 0)
            return &fns[i];
    fns[nfns].name = name;
    fns[nfns].uses = uses;
    return &fns[nfns++];
}
static const char *cur_id;
static void check(const char *name, int uses, int ok)
{
    struct fn *f = fn_get(name, uses);
    if (ok) {
        f->pass++;
    } else {
        f->fail++;
        fprintf(stderr, "FAIL %s on %s\n", name, cur_id);
    }
}
static void skip(const char *name, int uses) { fn_get(name, uses)->skip++; }
#define CHECK(name, uses, cond) check(name, uses, (cond))

/* --- libsodium: recorded (x86-64) or replayed (aarch64) ------------------------------------- */
enum { S_BASE, S_REDUCE, S_MUL, S_ADD, S_KEYPAIR, S_X25519, S_X25519_BASE, S_N };
static const char *s_names[S_N] = {"base_noclamp", "reduce", "mul", "add", "seed_keypair",
                                   "x25519", "x25519_base"};
static uint64_t rng = 0x243f6a8885a308d3u;
static void fixed_random(unsigned char *buf, unsigned long long n)
{
    for (unsigned long long i = 0; i < n; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        buf[i] = (unsigned char)(rng >> 56);
    }
}
static int have_sodium;

#ifdef KAT_RECORD
static void *real[S_N];
static FILE *rec;
static void put_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(rec, "%02x", p[i]);
}
static int record(int which, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
                  int rc)
{
    fprintf(rec, "%s ", s_names[which]);
    put_hex(in, inlen);
    fputc(' ', rec);
    put_hex(out, outlen);
    fprintf(rec, " %d\n", rc);
    return rc;
}
#define CALL_INT(which, in, inlen, out, outlen, ...)                                          \
    record(which, in, inlen, out, outlen, ((int (*)())real[which])(__VA_ARGS__))
#define CALL_VOID(which, in, inlen, out, outlen, ...)                                         \
    (((void (*)())real[which])(__VA_ARGS__), record(which, in, inlen, out, outlen, 0))
#else
struct answer {
    int which;
    uint8_t *in, *out;
    size_t inlen, outlen;
    int rc;
};
static struct answer *answers;
static size_t nanswers;
static unsigned sodium_missing;
static int replay(int which, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
    for (size_t i = 0; i < nanswers; i++) {
        struct answer *a = &answers[i];
        if (a->which == which && a->inlen == inlen && a->outlen == outlen && eq(a->in, in, inlen)) {
            memcpy(out, a->out, outlen);
            return a->rc;
        }
    }
    sodium_missing++;
    memset(out, 0, outlen);
    return -1;
}
#define CALL_INT(which, in, inlen, out, outlen, ...) replay(which, in, inlen, out, outlen)
#define CALL_VOID(which, in, inlen, out, outlen, ...) replay(which, in, inlen, out, outlen)
static int load_answers(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char name[32];
    static char in[1024], out[1024];
    int rc;
    size_t cap = 0;
    while (fscanf(f, "%31s %1023s %1023s %d", name, in, out, &rc) == 4) {
        if (nanswers == cap) {
            cap = cap ? 2 * cap : 256;
            answers = realloc(answers, cap * sizeof *answers);
        }
        struct answer *a = &answers[nanswers++];
        a->which = -1;
        for (int i = 0; i < S_N; i++)
            if (strcmp(name, s_names[i]) == 0)
                a->which = i;
        struct kat_record tmp = {0, "", {in, out}};
        buf bi = field(&tmp, 0), bo = field(&tmp, 1);
        a->in = bi.p, a->inlen = bi.n, a->out = bo.p, a->outlen = bo.n, a->rc = rc;
    }
    fclose(f);
    return 0;
}
#endif

static int w_base(unsigned char *q, const unsigned char *n)
{
    return CALL_INT(S_BASE, n, 32, q, 32, q, n);
}
static void w_reduce(unsigned char *r, const unsigned char *s)
{
    CALL_VOID(S_REDUCE, s, 64, r, 32, r, s);
}
static void w_mul(unsigned char *z, const unsigned char *x, const unsigned char *y)
{
    uint8_t in[64];
    memcpy(in, x, 32), memcpy(in + 32, y, 32);
    CALL_VOID(S_MUL, in, 64, z, 32, z, x, y);
}
static void w_add(unsigned char *z, const unsigned char *x, const unsigned char *y)
{
    uint8_t in[64];
    memcpy(in, x, 32), memcpy(in + 32, y, 32);
    CALL_VOID(S_ADD, in, 64, z, 32, z, x, y);
}
static int w_keypair(unsigned char *pk, unsigned char *sk, const unsigned char *seed)
{
    uint8_t out[96];
    int rc = CALL_INT(S_KEYPAIR, seed, 32, out, 96, out, out + 32, seed);
    memcpy(pk, out, 32), memcpy(sk, out + 32, 64);
    return rc;
}
static int w_x25519(unsigned char *q, const unsigned char *n, const unsigned char *p)
{
    uint8_t in[64];
    memcpy(in, n, 32), memcpy(in + 32, p, 32);
    return CALL_INT(S_X25519, in, 64, q, 32, q, n, p);
}
static int w_x25519_base(unsigned char *q, const unsigned char *n)
{
    return CALL_INT(S_X25519_BASE, n, 32, q, 32, q, n);
}

/* --- the checks, one block per kind ------------------------------------------------------- */
static void run(const struct kat_record *r)
{
    cur_id = r->id;
    buf a = field(r, 0), b = field(r, 1), c = field(r, 2), d = field(r, 3), e = field(r, 4),
        f = field(r, 5), g = field(r, 6);
    uint8_t h[64];
    switch (r->kind) {
    case K_SHA256:
        olmpy_sha256(a.p, a.n, h);
        CHECK("olmpy_sha256", U_SHA, eq(h, b.p, 32));
        break;
    case K_SHA256_REPEAT: {
        uint32_t count = field_u32(r, 1);
        uint8_t *m = malloc(count);
        memset(m, a.p[0], count);
        olmpy_sha256(m, count, h);
        CHECK("olmpy_sha256", U_SHA, eq(h, c.p, 32));
        free(m);
        break;
    }
    case K_HMAC:
        olmpy_hmac_sha256(a.p, a.n, b.p, b.n, h);
        CHECK("olmpy_hmac_sha256", U_SHA, eq(h, c.p, 32));
        break;
    case K_HKDF: {
        uint8_t *okm = malloc(d.n);
        int rc = olmpy_hkdf_sha256(a.p, a.n, b.p, b.n, c.p, c.n, okm, d.n);
        CHECK("olmpy_hkdf_sha256", U_SHA, rc == 0 && eq(okm, d.p, d.n));
        free(okm);
        break;
    }
    case K_AES: {
        uint8_t *out = malloc(c.n + 32);
        long n = olmpy_aes256_cbc_encrypt(a.p, b.p, c.p, c.n, out);
        if (aes_hw)
            CHECK("olmpy_aes256_cbc_encrypt", U_AES, n == (long)d.n && eq(out, d.p, d.n));
        else
            CHECK("olmpy_aes256_cbc_encrypt", U_AES, n == OLMPY_E_NO_AES);
        n = olmpy_aes256_cbc_decrypt(a.p, b.p, d.p, d.n, out);
        if (aes_hw) {
            int ok = n == (long)c.n && eq(out, c.p, c.n);
            /* a flipped last byte breaks the padding (or, rarely, shortens the text) */
            uint8_t *bad = malloc(d.n);
            memcpy(bad, d.p, d.n);
            bad[d.n - 17 < d.n ? d.n - 17 : 0] ^= 0; /* keep earlier blocks */
            bad[d.n - 1] ^= 0x01;
            ok &= olmpy_aes256_cbc_decrypt(a.p, b.p, bad, d.n, out) != (long)c.n ||
                  !eq(out, c.p, c.n);
            ok &= olmpy_aes256_cbc_decrypt(a.p, b.p, d.p, d.n - 1, out) == OLMPY_E_CIPHERTEXT;
            free(bad);
            CHECK("olmpy_aes256_cbc_decrypt", U_AES, ok);
        } else {
            CHECK("olmpy_aes256_cbc_decrypt", U_AES, n == OLMPY_E_NO_AES);
        }
        free(out);
        break;
    }
    case K_SHA512:
        olmpy_sha512(a.p, a.n, h);
        CHECK("olmpy_sha512", 0, eq(h, b.p, 64));
        break;
    case K_ED25519: {
        static uint64_t vkey[OLMPY_ED25519_VKEY_SIZE / 8 + 1];
        uint8_t sig[64], key[OLMPY_ED25519_KEY_LEN];
        CHECK("olmpy_ed25519_verify", 0, olmpy_ed25519_verify(a.p, b.p, b.n, c.p) == 0);
        CHECK("olmpy_ed25519_verify_oneshot", 0,
              olmpy_ed25519_verify_oneshot(a.p, b.p, b.n, c.p) == 0);
        CHECK("olmpy_ed25519_is_point", 0, olmpy_ed25519_is_point(a.p) == 1);
        CHECK("olmpy_ed25519_vkey_size", 0,
              olmpy_ed25519_vkey_size() == OLMPY_ED25519_VKEY_SIZE);
        int ok = olmpy_ed25519_vkey_init(vkey, a.p) == 0;
        CHECK("olmpy_ed25519_vkey_init", 0, ok);
        ok = olmpy_ed25519_vkey_verify(vkey, b.p, b.n, c.p) == 0;
        memcpy(sig, c.p, 64);
        sig[5] ^= 0x20;
        ok &= olmpy_ed25519_vkey_verify(vkey, b.p, b.n, sig) != 0;
        CHECK("olmpy_ed25519_vkey_verify", 0, ok);
        CHECK("olmpy_ed25519_verify", 0, olmpy_ed25519_verify(a.p, b.p, b.n, sig) != 0);
        if (!have_sodium) {
            skip("olmpy_ed25519_key_init", U_SODIUM);
            skip("olmpy_ed25519_sign", U_SODIUM);
            break;
        }
        CHECK("olmpy_ed25519_key_init", U_SODIUM,
              olmpy_ed25519_key_init(d.p, OLMPY_KEY_SEED, key) == 0 && eq(key + 64, a.p, 32));
        CHECK("olmpy_ed25519_sign", U_SODIUM,
              olmpy_ed25519_sign(key, b.p, b.n, sig) == 0 && eq(sig, c.p, 64));
        break;
    }
    case K_B64:
    case K_B64PAD: {
        char *text = malloc(b.n + 8);
        uint8_t *raw = malloc(b.n / 4 * 3 + 16);
        if (r->kind == K_B64) {
            size_t n = olmpy_b64_encode(a.p, a.n, text);
            CHECK("olmpy_b64_encode", U_B64, n == b.n && eq(text, b.p, b.n));
        }
        long m = olmpy_b64_decode((const char *)b.p, b.n, raw);
        CHECK("olmpy_b64_decode", U_B64, m == (long)a.n && eq(raw, a.p, a.n));
        free(text);
        free(raw);
        break;
    }
    case K_B64BAD: {
        uint8_t *raw = malloc(a.n / 4 * 3 + 16);
        CHECK("olmpy_b64_decode", U_B64,
              olmpy_b64_decode((const char *)a.p, a.n, raw) == (long)(int32_t)field_u32(r, 1));
        free(raw);
        break;
    }
    case K_HEX: {
        uint8_t *raw = malloc(b.n + 1);
        CHECK("olmpy_hex_decode", 0,
              olmpy_hex_decode(a.p, a.n, raw) == (long)b.n && eq(raw, b.p, b.n));
        free(raw);
        break;
    }
    case K_HEXBAD: {
        uint8_t raw[8];
        CHECK("olmpy_hex_decode", 0, olmpy_hex_decode(a.p, a.n, raw) == OLMPY_E_DECODE);
        break;
    }
    case K_MEGOLM_ADVANCE: {
        uint8_t st[OLMPY_MEGOLM_STATE_LEN];
        uint32_t target = field_u32(r, 1);
        memcpy(st, a.p, sizeof st);
        olmpy_megolm_advance_to(st, target);
        CHECK("olmpy_megolm_advance_to", U_SHA, eq(st, c.p, sizeof st));
        /* one step at a time where the distance is short */
        uint32_t from = (uint32_t)a.p[128] << 24 | a.p[129] << 16 | a.p[130] << 8 | a.p[131];
        if (target - from <= 300) {
            memcpy(st, a.p, sizeof st);
            for (uint32_t i = from; i != target; i++)
                olmpy_megolm_advance(st);
            CHECK("olmpy_megolm_advance", U_SHA, eq(st, c.p, sizeof st));
        }
        break;
    }
    case K_MEGOLM_MSG: {
        /* a: initial state, b: Ed25519 public key, c: message, d: index, e: plaintext,
         * f: Ed25519 seed (empty when the session was derived) */
        static uint64_t vkey[OLMPY_ED25519_VKEY_SIZE / 8 + 1];
        uint32_t index = field_u32(r, 3), got;
        size_t off, len;
        CHECK("olmpy_megolm_parse", 0,
              olmpy_megolm_parse(c.p, c.n, &got, &off, &len) == 0 && got == index);
        if (!aes_hw) {
            skip("olmpy_megolm_decrypt", U_AES | U_SHA);
            skip("olmpy_megolm_encrypt", U_AES | U_SHA | U_SODIUM);
            break;
        }
        uint8_t latest[OLMPY_MEGOLM_STATE_LEN], *out = malloc(c.n + 1);
        memcpy(latest, a.p, sizeof latest);
        long n = olmpy_megolm_decrypt(a.p, latest, b.p, c.p, c.n, 1, NULL, out, &got);
        int ok = n == (long)e.n && eq(out, e.p, e.n) && got == index;
        olmpy_ed25519_vkey_init(vkey, b.p);
        memcpy(latest, a.p, sizeof latest);
        n = olmpy_megolm_decrypt(a.p, latest, b.p, c.p, c.n, 1, vkey, out, &got);
        ok &= n == (long)e.n && eq(out, e.p, e.n);
        c.p[c.n - 70] ^= 1; /* a MAC byte: the signature fails first */
        memcpy(latest, a.p, sizeof latest);
        ok &= olmpy_megolm_decrypt(a.p, latest, b.p, c.p, c.n, 1, NULL, out, &got) < 0;
        ok &= olmpy_megolm_decrypt(a.p, latest, b.p, c.p, c.n, 0, NULL, out, &got) == OLMPY_E_MAC;
        c.p[c.n - 70] ^= 1;
        CHECK("olmpy_megolm_decrypt", U_AES | U_SHA, ok);
        if (!have_sodium || f.n != 32) {
            skip("olmpy_megolm_encrypt", U_AES | U_SHA | U_SODIUM);
        } else {
            uint8_t key[OLMPY_ED25519_KEY_LEN], st[OLMPY_MEGOLM_STATE_LEN];
            uint8_t *msg = malloc(e.n + 256);
            memcpy(st, a.p, sizeof st);
            olmpy_megolm_advance_to(st, index);
            ok = olmpy_ed25519_key_init(f.p, OLMPY_KEY_SEED, key) == 0;
            n = olmpy_megolm_encrypt(st, key, e.p, e.n, msg, e.n + 256);
            CHECK("olmpy_megolm_encrypt", U_AES | U_SHA | U_SODIUM,
                  ok && n == (long)c.n && eq(msg, c.p, c.n));
            free(msg);
        }
        free(out);
        break;
    }
    case K_OLM_MSG: {
        /* a: chain key at the message's index, b: index, c: ratchet key, d: message,
         * e: message key, f: plaintext */
        uint32_t index = field_u32(r, 1), got;
        uint8_t chain[36], next[36], mk[32];
        size_t key_off, ct_off, ct_len;
        memcpy(chain, a.p, 32);
        chain[32] = (uint8_t)(index >> 24), chain[33] = (uint8_t)(index >> 16);
        chain[34] = (uint8_t)(index >> 8), chain[35] = (uint8_t)index;
        CHECK("olmpy_olm_parse", 0,
              olmpy_olm_parse(d.p, d.n, &key_off, &got, &ct_off, &ct_len) == 0 &&
                  got == index && eq(d.p + key_off, c.p, 32));
        CHECK("olmpy_olm_chain_keys", U_SHA,
              olmpy_olm_chain_keys(chain, index, 1, mk, next) == 1 && eq(mk, e.p, 32));
        if (!aes_hw) {
            skip("olmpy_olm_decrypt_message", U_AES | U_SHA);
            skip("olmpy_olm_decrypt_next", U_AES | U_SHA);
            skip("olmpy_olm_encrypt", U_AES | U_SHA);
            break;
        }
        uint8_t *out = malloc(d.n + 80);
        CHECK("olmpy_olm_decrypt_message", U_AES | U_SHA,
              olmpy_olm_decrypt_message(e.p, d.p, d.n, out) == (long)f.n && eq(out, f.p, f.n));
        memcpy(next, chain, 36);
        long n = olmpy_olm_decrypt_next(next, d.p, d.n, out);
        CHECK("olmpy_olm_decrypt_next", U_AES | U_SHA,
              n == (long)f.n && eq(out, f.p, f.n) && next[35] == (uint8_t)(index + 1));
        memcpy(next, chain, 36);
        n = olmpy_olm_encrypt(next, c.p, f.p, f.n, out, f.n + 80);
        CHECK("olmpy_olm_encrypt", U_AES | U_SHA, n == (long)d.n && eq(out, d.p, d.n));
        free(out);
        break;
    }
    case K_PICKLE: {
        /* a: key, b: pickle text, c: raw */
        CHECK("olmpy_pickle_sealed_len", 0, olmpy_pickle_sealed_len(c.n) == b.n);
        if (!aes_hw) {
            skip("olmpy_pickle_open", U_AES | U_SHA | U_B64);
            skip("olmpy_pickle_seal", U_AES | U_SHA | U_B64);
            break;
        }
        uint8_t *out = malloc(b.n + 16);
        char *text = malloc(b.n + 16);
        CHECK("olmpy_pickle_open", U_AES | U_SHA | U_B64,
              olmpy_pickle_open(a.p, a.n, (const char *)b.p, b.n, out, b.n) == (long)c.n &&
                  eq(out, c.p, c.n));
        CHECK("olmpy_pickle_seal", U_AES | U_SHA | U_B64,
              olmpy_pickle_seal(a.p, a.n, c.p, c.n, text, b.n + 16) == (long)b.n &&
                  eq(text, b.p, b.n));
        b.p[b.n / 2] = b.p[b.n / 2] == 'A' ? 'B' : 'A'; /* another letter: the MAC fails */
        CHECK("olmpy_pickle_open", U_AES | U_SHA | U_B64,
              olmpy_pickle_open(a.p, a.n, (const char *)b.p, b.n, out, b.n) == OLMPY_E_MAC);
        free(out);
        free(text);
        break;
    }
    case K_PICKLE_JSON: {
        /* a: key, b: pickle, c: marked JSON, d: resealed, e: raw JSON,
         * f: arrays_to_hex(raw), g: hex_to_arrays(marked) */
        uint8_t *tmp = malloc(4 * e.n + 4 * c.n + 64);
        size_t n = olmpy_json_arrays_to_hex(e.p, e.n, tmp);
        CHECK("olmpy_json_arrays_to_hex", 0, n == f.n && eq(tmp, f.p, f.n));
        n = olmpy_json_hex_to_arrays(c.p, c.n, tmp);
        CHECK("olmpy_json_hex_to_arrays", 0, n == g.n && eq(tmp, g.p, g.n));
        free(tmp);
        if (!aes_hw) {
            skip("olmpy_pickle_open_json", U_AES | U_SHA | U_B64);
            skip("olmpy_pickle_seal_json", U_AES | U_SHA | U_B64);
            break;
        }
        size_t cap = olmpy_pickle_sealed_json_cap(c.n);
        size_t ocap = 4 * (b.n / 4 * 3 + 16) + 16;
        uint8_t *out = malloc(ocap);
        char *text = malloc(cap);
        CHECK("olmpy_pickle_open_json", U_AES | U_SHA | U_B64,
              olmpy_pickle_open_json(a.p, a.n, (const char *)b.p, b.n, out, ocap) == (long)c.n &&
                  eq(out, c.p, c.n));
        CHECK("olmpy_pickle_sealed_json_cap", 0, cap >= d.n);
        CHECK("olmpy_pickle_seal_json", U_AES | U_SHA | U_B64,
              olmpy_pickle_seal_json(a.p, a.n, c.p, c.n, text, cap) == (long)d.n &&
                  eq(text, d.p, d.n));
        free(out);
        free(text);
        break;
    }
    case K_IGS: {
        /* a: key, b: pickle, c: state, d: public key, e: verified, f: sealed again */
        if (!aes_hw) {
            skip("olmpy_igs_vodozemac_open", U_AES | U_SHA | U_B64);
            skip("olmpy_igs_vodozemac_seal", U_AES | U_SHA | U_B64);
            break;
        }
        uint8_t st[OLMPY_MEGOLM_STATE_LEN], pub[32];
        int verified = -1;
        int want = (int)field_u32(r, 4);
        CHECK("olmpy_igs_vodozemac_open", U_AES | U_SHA | U_B64,
              olmpy_igs_vodozemac_open(a.p, a.n, (const char *)b.p, b.n, st, pub, &verified) == 0 &&
                  eq(st, c.p, sizeof st) && eq(pub, d.p, 32) && verified == want);
        size_t cap = olmpy_igs_vodozemac_cap();
        char *text = malloc(cap);
        CHECK("olmpy_igs_vodozemac_cap", 0, cap >= f.n);
        CHECK("olmpy_igs_vodozemac_seal", U_AES | U_SHA | U_B64,
              olmpy_igs_vodozemac_seal(a.p, a.n, c.p, d.p, want, text, cap) == (long)f.n &&
                  eq(text, f.p, f.n));
        free(text);
        break;
    }
    case K_RECOVERY: {
        /* a: key, b: recovery key as written (spaces), c: the same without spaces */
        uint8_t raw[35];
        size_t info[3];
        char text[48];
        long flags = olmpy_recovery_key_decode(b.p, b.n, raw, info);
        CHECK("olmpy_recovery_key_decode", 0,
              flags == 3 && info[0] == b.n && info[1] == 48 && info[2] == 35 &&
                  raw[0] == 0x8b && raw[1] == 0x01 && eq(raw + 2, a.p, 32));
        olmpy_recovery_key_encode(a.p, text);
        CHECK("olmpy_recovery_key_encode", 0, c.n == 48 && eq(text, c.p, 48));
        break;
    }
    case K_ATTACH: {
        /* a: key, b: counter block, c: plaintext, d: ciphertext, e: SHA-256 of d */
        int fused = aes_hw && sha_hw;
        uint8_t hash[32], hash2[32], *out = malloc(c.n + 1);
        CHECK("olmpy_attachment_available", U_AES | U_SHA, olmpy_attachment_available() == fused);
        int rc = olmpy_attachment_encrypt(a.p, b.p, c.p, c.n, out, hash);
        CHECK("olmpy_attachment_encrypt", U_AES | U_SHA,
              fused ? rc == 0 && eq(out, d.p, d.n) && eq(hash, e.p, 32) : rc == OLMPY_E_NO_AES);
        rc = olmpy_attachment_decrypt(a.p, b.p, d.p, d.n, out, e.p, hash2);
        int ok = fused ? rc == 0 && eq(out, c.p, c.n) && eq(hash2, e.p, 32)
                       : rc == OLMPY_E_NO_AES;
        if (fused) {
            e.p[5] ^= 1;
            ok &= olmpy_attachment_decrypt(a.p, b.p, d.p, d.n, out, e.p, hash2) == OLMPY_E_MAC;
            for (size_t i = 0; i < d.n; i++)
                ok &= out[i] == 0; /* wiped on a mismatch */
            e.p[5] ^= 1;
        }
        CHECK("olmpy_attachment_decrypt", U_AES | U_SHA, ok);
        uint8_t *state = olmpy_secret_alloc(olmpy_attachment_state_len());
        rc = olmpy_attachment_init(state, a.p, b.p);
        ok = fused ? rc == 0 : rc == OLMPY_E_NO_AES;
        if (fused) {
            size_t done = 0, step = 1;
            while (done < d.n) { /* pieces of 1, 3, 7, ... bytes */
                size_t take = d.n - done < step ? d.n - done : step;
                olmpy_attachment_update(state, d.p + done, take, out + done, 1);
                done += take;
                step = step * 2 + 1;
            }
            olmpy_attachment_hash(state, hash2);
            ok &= eq(out, c.p, c.n) && eq(hash2, e.p, 32);
        }
        olmpy_secret_free(state);
        CHECK("olmpy_attachment_init/update/hash", U_AES | U_SHA, ok);
        free(out);
        break;
    }
    case K_PK: {
        /* a: recipient secret, b: recipient public, c: ephemeral secret, d: ephemeral
         * public, e: MAC, f: ciphertext, g: plaintext */
        uint8_t eph[32], mac[8], s1[32], s2[32];
        if (!have_sodium) {
            skip("olmpy_x25519", U_SODIUM);
            skip("olmpy_x25519_public_batch", U_SODIUM);
        } else {
            CHECK("olmpy_x25519_public_batch", U_SODIUM,
                  olmpy_x25519_public_batch(c.p, 1, eph) == 0 && eq(eph, d.p, 32));
            CHECK("olmpy_x25519", U_SODIUM,
                  olmpy_x25519(a.p, d.p, s1) == 0 && olmpy_x25519(c.p, b.p, s2) == 0 &&
                      eq(s1, s2, 32));
        }
        if (!have_sodium || !aes_hw) {
            skip("olmpy_pk_decrypt", U_AES | U_SHA | U_SODIUM);
            skip("olmpy_pk_encrypt", U_AES | U_SHA | U_SODIUM);
            break;
        }
        uint8_t *out = malloc(f.n + 32);
        CHECK("olmpy_pk_decrypt", U_AES | U_SHA | U_SODIUM,
              olmpy_pk_decrypt(a.p, d.p, f.p, f.n, e.p, e.n, out) == (long)g.n &&
                  eq(out, g.p, g.n));
        long n = olmpy_pk_encrypt(c.p, b.p, g.p, g.n, eph, mac, out);
        CHECK("olmpy_pk_encrypt", U_AES | U_SHA | U_SODIUM,
              n == (long)f.n && eq(out, f.p, f.n) && eq(eph, d.p, 32) && eq(mac, e.p, 8));
        free(out);
        break;
    }
    }
    free(a.p), free(b.p), free(c.p), free(d.p), free(e.p), free(f.p), free(g.p);
}

/* Calls that need no vector: the rest of the surface. */
static void misc(void)
{
    cur_id = "misc";
    CHECK("olmpy_version", 0, olmpy_version() && olmpy_version()[0]);
    CHECK("olmpy_has_aesni", 0, olmpy_has_aesni() == aes_hw);
    CHECK("olmpy_has_shani", 0, olmpy_has_shani() == sha_hw);
    int impl = olmpy_sha512_impl();
    CHECK("olmpy_sha512_impl", 0, impl >= 0 && impl <= 2);
    uint8_t *p = olmpy_secret_alloc(100);
    int ok = p != NULL;
    if (p) {
        memset(p, 0xAB, 100);
        olmpy_wipe(p, 50);
        ok &= p[0] == 0 && p[49] == 0 && p[50] == 0xAB;
        olmpy_secret_free(p);
    }
    CHECK("olmpy_secret_alloc/free, olmpy_wipe", 0, ok);
    if (!have_sodium) {
        skip("olmpy_init", U_SODIUM);
        skip("olmpy_identity_new", U_SODIUM);
        skip("olmpy_megolm_group_new", U_SODIUM);
        return;
    }
    uint8_t seed[32], key[OLMPY_ED25519_KEY_LEN], key2[OLMPY_ED25519_KEY_LEN], cs[32], cp[32],
        cp2[32], st[OLMPY_MEGOLM_STATE_LEN], zero[32] = {0};
    CHECK("olmpy_init", U_SODIUM, olmpy_init(0, 1, 1, 1, 1, 1, 1, 1) == OLMPY_E_ARGUMENT);
    ok = olmpy_identity_new(seed, key, cs, cp) == 0;
    ok &= olmpy_ed25519_key_init(seed, OLMPY_KEY_SEED, key2) == 0 && eq(key, key2, sizeof key);
    ok &= olmpy_x25519_public_batch(cs, 1, cp2) == 0 && eq(cp, cp2, 32);
    CHECK("olmpy_identity_new", U_SODIUM, ok);
    ok = olmpy_megolm_group_new(st, seed, key) == 0 && eq(st + 128, zero, 4);
    ok &= olmpy_ed25519_key_init(seed, OLMPY_KEY_SEED, key2) == 0 && eq(key, key2, sizeof key);
    CHECK("olmpy_megolm_group_new", U_SODIUM, ok);
    CHECK("olmpy_x25519", U_SODIUM, olmpy_x25519(cs, zero, cp2) == OLMPY_E_ARGUMENT);
}

static const char *path_of(int uses)
{
    static char s[96];
    s[0] = 0;
#if defined(__aarch64__)
    const char *na = "armv8-aes", *ns = "armv8-sha2", *nb = "neon";
#else
    const char *na = "aes-ni", *ns = "sha-ni", *nb = "ssse3";
#endif
    if (uses & U_AES)
        strcat(s, aes_hw ? na : "no-aes");
    if (uses & U_SHA)
        strcat(strcat(s, s[0] ? "+" : ""), sha_hw ? ns : "portable-sha256");
    if (uses & U_B64)
        strcat(strcat(s, s[0] ? "+" : ""), b64_hw ? nb : "portable-base64");
    if (!s[0])
        strcpy(s, "portable");
    if (uses & U_SODIUM)
        strcat(s, have_sodium ? " (libsodium replayed)" : "");
    return s;
}

int main(int argc, char **argv)
{
#ifdef KAT_RECORD
    typedef int (*init_fn)(void);
    if (argc != 3) {
        fprintf(stderr, "usage: %s PYNACL_SODIUM_MODULE ANSWERS_OUT\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    static const char *syms[S_N] = {
        "crypto_scalarmult_ed25519_base_noclamp", "crypto_core_ed25519_scalar_reduce",
        "crypto_core_ed25519_scalar_mul", "crypto_core_ed25519_scalar_add",
        "crypto_sign_seed_keypair", "crypto_scalarmult", "crypto_scalarmult_base"};
    for (int i = 0; i < S_N; i++)
        if (!(real[i] = dlsym(lib, syms[i]))) {
            fprintf(stderr, "dlsym %s: %s\n", syms[i], dlerror());
            return 2;
        }
    ((init_fn)dlsym(lib, "sodium_init"))();
    rec = fopen(argv[2], "w");
    if (!rec)
        return 2;
    have_sodium = 1;
#else
    if (argc > 1) {
        if (load_answers(argv[1]) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[1]);
            return 2;
        }
        have_sodium = 1;
    }
#endif
    (void)argc;
    if (have_sodium &&
        olmpy_init((uintptr_t)w_base, (uintptr_t)w_reduce, (uintptr_t)w_mul, (uintptr_t)w_add,
                   (uintptr_t)w_keypair, (uintptr_t)fixed_random, (uintptr_t)w_x25519,
                   (uintptr_t)w_x25519_base) != 0)
        return 2;
    aes_hw = olmpy_has_aesni();
    sha_hw = olmpy_has_shani();
#if defined(__aarch64__)
    b64_hw = getenv("OLMPY_NO_NEON") == NULL;
#elif defined(__x86_64__)
    b64_hw = __builtin_cpu_supports("ssse3");
#endif
    for (size_t i = 0; i < sizeof KAT / sizeof KAT[0]; i++)
        run(&KAT[i]);
    misc();
    int failed = 0, passed = 0;
    for (int i = 0; i < nfns; i++) {
        struct fn *f = &fns[i];
        const char *verdict = f->fail ? "FAIL" : f->pass ? "ok" : "skipped";
        printf("%-36s %-44s %-7s %d/%d", f->name, path_of(f->uses), verdict, f->pass,
               f->pass + f->fail);
        if (f->skip)
            printf(" (%d skipped: %s)", f->skip,
                   !aes_hw && (f->uses & U_AES) ? "no hardware AES, the native core is not used"
                                                 : "no libsodium answers");
        printf("\n");
        failed += f->fail;
        passed += f->pass;
    }
#ifndef KAT_RECORD
    if (sodium_missing) {
        printf("libsodium calls without a recorded answer: %u\n", sodium_missing);
        failed++;
    }
#else
    fclose(rec);
#endif
    printf("%s: %d functions, %d cases passed, %d failed\n", failed ? "FAIL" : "ok", nfns, passed,
           failed);
    return failed ? 1 : 0;
}
