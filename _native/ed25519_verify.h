/* Variable-time Ed25519 signature verification with a per-key cache.
 *
 * Verdicts are those of libsodium's crypto_sign_verify_detached (1.0.18 and
 * later, cofactorless): S must be canonical (S < L), the public key must be a
 * canonical encoding of a curve point that is not of small order, R must not
 * be the encoding of a small-order point, and the canonical encoding of
 * S*B - h*A (h = SHA-512(R || A || M) mod L) must equal R byte for byte.
 *
 * Verification handles public data only, so this code is variable-time;
 * never use any of it on secrets.
 *
 * The key object is opaque, fixed size and pointer-free: the caller
 * allocates olmpy_ed25519_vkey_size() bytes, aligned to 8 bytes (any malloc
 * result is), and may copy it as plain bytes.  Initialising it decompresses
 * the key and precomputes multiples of the key; verification reads it only,
 * so one key object may serve concurrent verifications.
 *
 * OLMPY_ED25519_VKEY_SIZE lets C code embed a key object (as uint64_t[]) in
 * its own structs; the .c file asserts it at compile time.
 *
 * This header holds declarations only, so cffi's cdef can parse it as is.
 */

#define OLMPY_ED25519_VKEY_SIZE 7720 /* == olmpy_ed25519_vkey_size() */

size_t olmpy_ed25519_vkey_size(void);

/* Returns 0, or -3 (OLMPY_E_SIGNATURE) if the 32-byte public key can never
 * verify anything (non-canonical, small order, or not on the curve); the key
 * object is then marked unusable and every verification with it fails. */
int olmpy_ed25519_vkey_init(void *vkey, const uint8_t *pub);

/* Returns 0 if the 64-byte sig is a valid signature of msg[0..len) under the
 * key, -3 (OLMPY_E_SIGNATURE) otherwise.  msg may be NULL when len is 0. */
int olmpy_ed25519_vkey_verify(const void *vkey, const uint8_t *msg, size_t len,
                              const uint8_t *sig);

/* 1 if the 32 bytes decompress to a point of Ed25519 ((y^2 - 1) / (d y^2 + 1)
 * is a square, y taken mod p, the sign bit choosing x), else 0: the test of
 * ed25519-dalek's decompression and of libsodium's point decoding.  Variable
 * time; public data only. */
int olmpy_ed25519_is_point(const uint8_t *enc);
/* One-shot verification without a key object (for keys seen once): the
 * same verdicts as olmpy_ed25519_vkey_init followed by
 * olmpy_ed25519_vkey_verify, i.e. libsodium's.  Returns 0 if valid, -3
 * (OLMPY_E_SIGNATURE) otherwise.  msg may be NULL when len is 0. */
int olmpy_ed25519_verify_oneshot(const uint8_t *pub, const uint8_t *msg,
                                 size_t len, const uint8_t *sig);

/* SHA-512 of data[0..len) into out[64] (sha512.c; the streaming API is in
 * olmpy_sha512.h, for C only).  data may be NULL when len is 0. */
void olmpy_sha512(const uint8_t *data, size_t len, uint8_t out[64]);
/* The SHA-512 compression function in use: 0 portable C, 1 BMI2, 2 AVX2 +
 * BMI2 (picked at first use; OLMPY_NO_AVX2 in the environment forces 0). */
int olmpy_sha512_impl(void);
