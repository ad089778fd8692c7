/* The whole C surface of olmpy's native core.  This file is both the
 * public header of the C sources and the cffi cdef, so it holds only
 * declarations cffi can parse: no includes, no macros with expressions.
 *
 * Buffers named "state" hold secrets; they are allocated by
 * olmpy_secret_alloc and wiped by olmpy_secret_free.
 *
 * Return codes: >= 0 is a length or success, < 0 one of OLMPY_E_*.
 */

#define OLMPY_E_VERSION -1
#define OLMPY_E_DECODE -2
#define OLMPY_E_SIGNATURE -3
#define OLMPY_E_UNKNOWN_INDEX -4
#define OLMPY_E_MAC -5
#define OLMPY_E_CIPHERTEXT -6
#define OLMPY_E_NOMEM -7
#define OLMPY_E_ARGUMENT -8
#define OLMPY_E_NO_AES -9
#define OLMPY_E_NOT_READY -10

#define OLMPY_MEGOLM_STATE_LEN 132
#define OLMPY_KEY_SEED 0
#define OLMPY_KEY_EXPANDED 1

const char *olmpy_version(void);

/* Function pointers taken from libsodium (PyNaCl's nacl._sodium), passed as
 * integer addresses: scalarmult_ed25519_base_noclamp, core_ed25519_scalar_reduce,
 * scalar_mul, scalar_add, sign_seed_keypair, randombytes, scalarmult (X25519),
 * scalarmult_base (X25519). */
int olmpy_init(uintptr_t base_noclamp, uintptr_t scalar_reduce, uintptr_t scalar_mul,
               uintptr_t scalar_add, uintptr_t seed_keypair, uintptr_t randombytes,
               uintptr_t x25519, uintptr_t x25519_base);

/* X25519 through libsodium.  olmpy_x25519 returns OLMPY_E_ARGUMENT for an
 * all-zero (non-contributory) result, checked in constant time.
 * olmpy_x25519_public_batch computes n public keys from n 32-byte secrets. */
int olmpy_x25519(const uint8_t *secret, const uint8_t *pub, uint8_t *shared);
int olmpy_x25519_public_batch(const uint8_t *secrets, size_t n, uint8_t *publics);

/* A fresh Olm identity in one call: a random Ed25519 seed (32 bytes) and its
 * signing key (OLMPY_ED25519_KEY_LEN bytes, public key at offset 64), a random
 * Curve25519 secret and its public key. */
int olmpy_identity_new(uint8_t *ed_seed, uint8_t *ed_key, uint8_t *curve_secret,
                       uint8_t *curve_public);
int olmpy_has_aesni(void);
int olmpy_has_shani(void);
/* Which code makes public keys from secrets (Ed25519 a*B and r*B, X25519 public keys):
 * 0 libsodium's (OLMPY_CURVE=sodium), 1 olmpy's 64-bit scalar code in radix 2^51, 2
 * olmpy's four-lane AVX-512 IFMA code (OLMPY_NO_IFMA=1 turns it off), 3 olmpy's radix-2^64
 * MULX/ADX code (x86-64 with BMI2, ADX and AVX2; OLMPY_NO_MULX=1 turns it off).  Fixed
 * when the core loads. */
int olmpy_curve_impl(void);

void *olmpy_secret_alloc(size_t size);
void olmpy_secret_free(void *ptr);
void olmpy_wipe(void *ptr, size_t size);

/* Strict base64: returns the decoded length, OLMPY_E_DECODE for a bad
 * character, length or padding, OLMPY_E_CIPHERTEXT for non-zero trailing
 * bits.  out must hold len / 4 * 3 + 16 bytes (SIMD stores overrun). */
long olmpy_b64_decode(const char *text, size_t len, uint8_t *out);
/* Unpadded base64; text must hold (len + 2) / 3 * 4 bytes. */
size_t olmpy_b64_encode(const uint8_t *in, size_t len, char *text);

void olmpy_sha256(const uint8_t *data, size_t len, uint8_t *out);
void olmpy_hmac_sha256(const uint8_t *key, size_t keylen,
                       const uint8_t *data, size_t len, uint8_t *out);
int olmpy_hkdf_sha256(const uint8_t *salt, size_t saltlen,
                      const uint8_t *ikm, size_t ikmlen,
                      const uint8_t *info, size_t infolen,
                      uint8_t *out, size_t outlen);

/* out must hold (inlen / 16 + 1) * 16 bytes; returns the length written. */
long olmpy_aes256_cbc_encrypt(const uint8_t *key, const uint8_t *iv,
                              const uint8_t *in, size_t inlen, uint8_t *out);
/* out must hold inlen bytes; returns the plaintext length. */
long olmpy_aes256_cbc_decrypt(const uint8_t *key, const uint8_t *iv,
                              const uint8_t *in, size_t inlen, uint8_t *out);

/* Encrypted attachments (attachment.c): AES-256-CTR with a 64-bit big-endian
 * block counter in bytes 8..15 of iv (wrapping without carry), fused with
 * SHA-256 of the ciphertext.  All answer OLMPY_E_NO_AES unless the CPU has both
 * AES and SHA-256 instructions (olmpy_attachment_available).
 * Streaming: a state of olmpy_attachment_state_len() bytes (a secret buffer);
 * update XORs len bytes of in into out (decrypt = 1 hashes in, 0 hashes out);
 * hash writes the SHA-256 of the ciphertext so far and leaves the state usable.
 * One-shot: encrypt writes len bytes and the hash; decrypt writes len bytes of
 * plaintext and the computed hash, and if that differs from expected (compared
 * in constant time) wipes out and returns OLMPY_E_MAC. */
int olmpy_attachment_available(void);
size_t olmpy_attachment_state_len(void);
int olmpy_attachment_init(uint8_t *state, const uint8_t *key, const uint8_t *iv);
void olmpy_attachment_update(uint8_t *state, const uint8_t *in, size_t len, uint8_t *out,
                             int decrypt);
void olmpy_attachment_hash(const uint8_t *state, uint8_t *hash);
int olmpy_attachment_encrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                             size_t len, uint8_t *out, uint8_t *hash);
int olmpy_attachment_decrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                             size_t len, uint8_t *out, const uint8_t *expected,
                             uint8_t *hash);

/* Ed25519 signing keys: expanded secret (scalar || prefix, 64 bytes) then the
 * public key (32 bytes).  olmpy_ed25519_key_init makes one from a 32-byte seed
 * (OLMPY_KEY_SEED) or libolm's 64-byte expanded key (OLMPY_KEY_EXPANDED) and
 * derives the public key itself; it returns OLMPY_E_ARGUMENT for a scalar that
 * is 0 mod L.  olmpy_ed25519_sign signs with such a key: the public key it
 * hashes is always the derived one. */
#define OLMPY_ED25519_KEY_LEN 96
int olmpy_ed25519_key_init(const uint8_t *secret, int kind, uint8_t *key);
int olmpy_ed25519_sign(const uint8_t *key, const uint8_t *msg, size_t len, uint8_t *sig);
int olmpy_ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t len,
                         const uint8_t *sig);

/* Variable-time Ed25519 verification with a per-key precomputed object (public
 * data only; see ed25519_verify.h).  The object is OLMPY_ED25519_VKEY_SIZE
 * bytes, 8-byte aligned, pointer-free. */
#define OLMPY_ED25519_VKEY_SIZE 7720
size_t olmpy_ed25519_vkey_size(void);
int olmpy_ed25519_vkey_init(void *vkey, const uint8_t *pub);
int olmpy_ed25519_vkey_verify(const void *vkey, const uint8_t *msg, size_t len,
                              const uint8_t *sig);
/* 1 if the 32 bytes decompress to a point of Ed25519 ((y^2 - 1) / (d y^2 + 1)
 * is a square, y taken mod p, the sign bit choosing x), else 0: the test of
 * ed25519-dalek's decompression and of libsodium's point decoding.  Variable
 * time; public data only. */
int olmpy_ed25519_is_point(const uint8_t *enc);
/* The same verdicts without a precomputed key (keys seen once). */
int olmpy_ed25519_verify_oneshot(const uint8_t *pub, const uint8_t *msg, size_t len,
                                 const uint8_t *sig);

/* SHA-512, constant time by construction (AVX2/BMI2 or portable, chosen at
 * first use; OLMPY_NO_AVX2 forces portable).  impl: 0 portable, 1 BMI2, 2 AVX2. */
void olmpy_sha512(const uint8_t *data, size_t len, uint8_t out[64]);
int olmpy_sha512_impl(void);

/* Megolm ratchet state: R0..R3 (4 x 32 bytes) || counter (u32 big-endian). */
void olmpy_megolm_advance(uint8_t *state);
void olmpy_megolm_advance_to(uint8_t *state, uint32_t target);

/* Parses a v1 message (signature included) without checking anything
 * cryptographic; returns 0 or OLMPY_E_VERSION / OLMPY_E_DECODE. */
int olmpy_megolm_parse(const uint8_t *msg, size_t msglen, uint32_t *index,
                       size_t *ct_offset, size_t *ct_len);

/* A fresh outbound session: 128 random ratchet bytes and counter 0 in state,
 * a random Ed25519 seed (32 bytes) and its signing key (see above) in key. */
int olmpy_megolm_group_new(uint8_t *state, uint8_t *seed, uint8_t *key);

/* Encrypts at the state's index, writes the v1 message (MAC and signature
 * included) to out (capacity outcap) and advances the state by one. */
long olmpy_megolm_encrypt(uint8_t *state, const uint8_t *key, const uint8_t *pt,
                          size_t ptlen, uint8_t *out, size_t outcap);

/* Checks version, signature (when check_signature: with the precomputed key
 * object vkey when it is not NULL, else one-shot), MAC, then decrypts into
 * out (capacity >= msglen).  On success latest is moved to the message index
 * if that lies ahead of it; on failure nothing is written to either state.
 * The message index is stored in *index whenever the message parsed. */
long olmpy_megolm_decrypt(const uint8_t *initial, uint8_t *latest,
                          const uint8_t *pub, const uint8_t *msg, size_t msglen,
                          int check_signature, const void *vkey, uint8_t *out,
                          uint32_t *index);

/* Olm (olm.c).  Chain state: chain key (32) || index (u32 BE), 36 bytes. */
/* Parses a normal v3 message: offsets of the 32-byte ratchet key and the
 * ciphertext, and the chain index.  0, OLMPY_E_VERSION or OLMPY_E_DECODE. */
int olmpy_olm_parse(const uint8_t *msg, size_t len, size_t *key_off, uint32_t *index,
                    size_t *ct_off, size_t *ct_len);
/* Encrypts with the chain's next message key, writes the whole message (MAC
 * included; out needs ptlen + 80 bytes) and advances the chain. */
long olmpy_olm_encrypt(uint8_t *chain, const uint8_t *ratchet_key, const uint8_t *pt,
                       size_t ptlen, uint8_t *out, size_t outcap);
/* Message keys for the chain's indexes up to target, the last keep of them in
 * keys (32 bytes each, oldest first); next_chain gets the state after target.
 * Returns how many keys were written. */
int olmpy_olm_chain_keys(const uint8_t *chain, uint32_t target, uint32_t keep, uint8_t *keys,
                         uint8_t *next_chain);
/* Checks the MAC under message_key, then decrypts into out (len bytes). */
long olmpy_olm_decrypt_message(const uint8_t *message_key, const uint8_t *msg, size_t len,
                               uint8_t *out);
/* Decrypts a message at the chain's own index (the in-order case) and, only
 * if it decrypts, advances the chain by one. */
long olmpy_olm_decrypt_next(uint8_t *chain, const uint8_t *msg, size_t len, uint8_t *out);

/* Pickles (pickle.c).  olmpy_pickle_seal writes libolm's sealed form (HKDF
 * "Pickle" keys, AES-256-CBC, 8-byte HMAC, unpadded base64) of raw to out,
 * which must hold olmpy_pickle_sealed_len(rawlen) + 4 bytes; returns the text
 * length.  olmpy_pickle_open reverses it into out (capacity >= decoded length
 * - 8): OLMPY_E_DECODE for bad base64, OLMPY_E_ARGUMENT for a decoded length
 * that is not 16n + 8 (n >= 1), OLMPY_E_MAC for a MAC that does not match
 * (compared in constant time, before decrypting), OLMPY_E_CIPHERTEXT for bad
 * padding; else the raw length. */
size_t olmpy_pickle_sealed_len(size_t rawlen);
long olmpy_pickle_seal(const uint8_t *key, size_t keylen, const uint8_t *raw, size_t rawlen,
                       char *out, size_t outcap);
long olmpy_pickle_open(const uint8_t *key, size_t keylen, const char *text, size_t textlen,
                       uint8_t *out, size_t outcap);
/* JSON rewrites for vodozemac pickles: arrays of integers 0..255 <-> strings
 * "\u0000" + lowercase hex; everything else is copied (arrays_to_hex gives a string
 * that already starts with \u0000 a second one).  out must hold 4 * len
 * + 16 bytes (arrays_to_hex) or 2 * len + 16 bytes (hex_to_arrays). */
size_t olmpy_json_arrays_to_hex(const uint8_t *in, size_t len, uint8_t *out);
size_t olmpy_json_hex_to_arrays(const uint8_t *in, size_t len, uint8_t *out);
/* Lowercase hex pairs (secret bytes, e.g. the marked strings above once parsed) into
 * out (len / 2 bytes): arithmetic per digit, no table, no branch on a digit's value, no
 * early exit.  Returns len / 2, or OLMPY_E_DECODE for an odd length or any character
 * outside 0-9a-f (out is then written but meaningless). */
long olmpy_hex_decode(const uint8_t *hex, size_t len, uint8_t *out);
/* Both steps in one call: hex_to_arrays then seal (out: olmpy_pickle_sealed_json_cap
 * bytes), and open then arrays_to_hex (out: 4 * (textlen / 4 * 3 + 16) + 16 bytes). */
size_t olmpy_pickle_sealed_json_cap(size_t textlen);
long olmpy_pickle_seal_json(const uint8_t *key, size_t keylen, const uint8_t *text,
                            size_t textlen, char *out, size_t outcap);
long olmpy_pickle_open_json(const uint8_t *key, size_t keylen, const char *text,
                            size_t textlen, uint8_t *out, size_t outcap);

/* Matrix recovery keys (recovery.c): 0x8B 0x01 | key | parity in base58, branch-free on
 * the key.  decode reads len characters, one byte each (non-ASCII ones already mapped to
 * 0x20 if whitespace, else 0x7F), ignoring ASCII whitespace (str.isspace); it fills info
 * with [position of the first character neither base58 nor whitespace, or len; count of
 * base58 characters; decoded length, or 0 when a character is bad or the count is not
 * 1..64] and raw with the 35 decoded bytes when that length is 35 (else zeros), and
 * returns bit 0 = prefix 8b01 matches, bit 1 = parity matches (both 0 unless 35 bytes).
 * encode writes the 48 characters (no spaces, no terminator) for a 32-byte key. */
long olmpy_recovery_key_decode(const uint8_t *text, size_t len, uint8_t *raw, size_t *info);
void olmpy_recovery_key_encode(const uint8_t *key, char *out);

/* PK encryption (pk.c), libolm's scheme: X25519 with an ephemeral key, HKDF(zero salt,
 * shared, "", 80), AES-256-CBC + PKCS#7, MAC = HMAC(mac key, "")[:8].  Encrypt writes the
 * ephemeral public key (32), the MAC (8) and the ciphertext ((ptlen / 16 + 1) * 16 bytes)
 * and returns its length; decrypt checks the MAC (maclen must be 8) in constant time,
 * then decrypts into out (ctlen bytes).  OLMPY_E_ARGUMENT: an all-zero shared secret;
 * OLMPY_E_MAC; OLMPY_E_CIPHERTEXT: bad length or padding. */
long olmpy_pk_encrypt(const uint8_t *eph_secret, const uint8_t *recipient, const uint8_t *pt,
                      size_t ptlen, uint8_t *eph_public, uint8_t *mac, uint8_t *ct);
long olmpy_pk_decrypt(const uint8_t *secret, const uint8_t *eph_public, const uint8_t *ct,
                      size_t ctlen, const uint8_t *mac, size_t maclen, uint8_t *out);
/* vodozemac's InboundGroupSession pickle in its exact serde layout (pickle.c):
 * {"initial_ratchet":{"inner":[128 bytes],"counter":n},"signing_key":[32 bytes],
 *  "signing_key_verified":b,"config":{"version":"V1"}}.  seal writes it from the
 * 132-byte initial state (R || counter BE) and the public key (out: olmpy_igs_vodozemac_cap
 * bytes); open returns 0 and fills state, pub and *verified when the pickle opens and is in
 * exactly that layout, 1 when it opens but is not (callers use a general parser), or the
 * negative codes of olmpy_pickle_open. */
size_t olmpy_igs_vodozemac_cap(void);
long olmpy_igs_vodozemac_seal(const uint8_t *key, size_t keylen, const uint8_t *state,
                              const uint8_t *pub, int verified, char *out, size_t outcap);
long olmpy_igs_vodozemac_open(const uint8_t *key, size_t keylen, const char *text,
                              size_t textlen, uint8_t *state, uint8_t *pub, int *verified);
