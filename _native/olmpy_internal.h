/* Declarations shared between olmpy's C files but not exposed to Python. */
#ifndef OLMPY_INTERNAL_H
#define OLMPY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "olmpy_native.h"

typedef struct {
    uint32_t h[8];
    uint64_t total;
    uint8_t buf[64];
    size_t used;
} olmpy_sha256_ctx;

typedef struct {
    olmpy_sha256_ctx inner;
    olmpy_sha256_ctx outer;
} olmpy_hmac_ctx;

void olmpy_sha256_init(olmpy_sha256_ctx *ctx);
void olmpy_sha256_update(olmpy_sha256_ctx *ctx, const uint8_t *data, size_t len);
void olmpy_sha256_final(olmpy_sha256_ctx *ctx, uint8_t *out);

/* The SHA-256 compression function on whole blocks (SHA-NI, ARMv8 or portable). */
void olmpy_sha256_compress(uint32_t *h, const uint8_t *p, size_t blocks);

/* The 15 AES-256 encryption round keys (240 bytes) in the order this CPU's AES
 * instructions take them (aes.c); OLMPY_E_NO_AES without hardware AES. */
int olmpy_aes256_round_keys(const uint8_t *key, uint8_t *rk);

void olmpy_hmac_init(olmpy_hmac_ctx *ctx, const uint8_t *key, size_t keylen);
/* One MAC from a keyed context, leaving the context reusable. */
void olmpy_hmac_once(const olmpy_hmac_ctx *ctx, const uint8_t *data, size_t len,
                     uint8_t *out);
void olmpy_hmac_once2(const olmpy_hmac_ctx *ctx, const uint8_t *a, size_t alen,
                      const uint8_t *b, size_t blen, uint8_t *out);

/* AES-256-CBC + PKCS#7 that also hashes the ciphertext into hash as it goes. */
long olmpy_aes256_cbc_encrypt_hash(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                                   size_t inlen, uint8_t *out, olmpy_sha256_ctx *hash);

void olmpy_hmac32_tags(const uint8_t *key, const uint8_t *tags, size_t n,
                       uint8_t *const *outs);

/* Cipher keys shared by Olm, Megolm, pickles and PK: HKDF(0, secret, info, 80). */
typedef struct {
    uint8_t aes[32];
    uint8_t mac[32];
    uint8_t iv[16];
} olmpy_cipher_keys;

void olmpy_derive_cipher_keys(const uint8_t *secret, size_t len,
                              const uint8_t *info, size_t infolen,
                              olmpy_cipher_keys *keys);

/* LEB128 varints as Olm and Megolm messages use them (megolm.c). */
uint8_t *olmpy_put_varint(uint8_t *p, uint64_t v);
/* Reads a varint of at most 10 bytes before end; returns the bytes used, or 0. */
size_t olmpy_get_varint(const uint8_t *p, const uint8_t *end, uint64_t *out);

int olmpy_ct_equal(const uint8_t *a, const uint8_t *b, size_t len);


/* olmpy's own constant-time curve arithmetic (curve25519.c; issue 17).
 * Same results and verdicts as the libsodium functions named. */
/* crypto_scalarmult_ed25519_base_noclamp: scalar's top bit ignored; -1 for a zero scalar
 * or the identity (out is written all the same), else 0. */
int olmpy_curve_ed25519_base(uint8_t *out, const uint8_t *scalar);
/* The public key of crypto_sign_seed_keypair. */
void olmpy_curve_ed25519_pubkey_from_seed(uint8_t *pub, const uint8_t *seed);
/* crypto_scalarmult_base (X25519 with the base point u = 9). */
void olmpy_curve_x25519_base(uint8_t *pub, const uint8_t *secret);
/* n public keys at once (one inversion per 16 keys); pubs and secrets 32 n bytes. */
void olmpy_curve_x25519_base_batch(uint8_t *pubs, const uint8_t *secrets, size_t n);
/* Both public keys of an identity with one inversion: ed_pub as olmpy_curve_ed25519_base
 * (same verdict), x_pub as olmpy_curve_x25519_base. */
int olmpy_curve_ed25519_x25519_base(uint8_t *ed_pub, const uint8_t *ed_scalar, uint8_t *x_pub,
                                    const uint8_t *x_secret);
/* crypto_scalarmult (X25519): -1 for an all-zero shared secret, else 0. */
int olmpy_curve_x25519(uint8_t *shared, const uint8_t *secret, const uint8_t *pub);
#ifdef OLMPY_CURVE_TESTHOOKS
/* The differential harness's hook: 1/in by divsteps and by Fermat (curve25519.c). */
void olmpy_curve_test_invert(uint8_t by_divsteps[32], uint8_t by_fermat[32],
                             const uint8_t in[32]);
#endif
/* 1 when the fixed-base code runs four lanes wide (AVX-512 IFMA; OLMPY_NO_IFMA turns it
 * off), 0 when it runs in 64-bit scalar code. */
int olmpy_curve_v4_active(void);
/* 1 when it runs in radix 2^64 with MULX/ADX/AVX2 (OLMPY_NO_MULX=1 turns it off). */
int olmpy_curve_mulx_active(void);

#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Whether the CPU has an ARMv8 feature: the Linux HWCAP bit, or the macOS sysctl name,
 * answered 0 when the environment variable override is set (tests, the KAT harness).
 * Other systems answer 0: the portable code runs. */
int olmpy_arm64_feature(unsigned long hwcap_bit, const char *apple_sysctl,
                        const char *override_env);
#endif

#endif
