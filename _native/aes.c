/* AES-256-CBC with PKCS#7 padding, using the CPU's AES instructions only:
 * AES-NI on x86, the ARMv8 Cryptography Extensions (AESE/AESMC/AESD/AESIMC)
 * on aarch64.  Both are constant time by construction.
 *
 * There is deliberately no table-based fallback: on CPUs without either these
 * functions return OLMPY_E_NO_AES and the Python binding routes AES through
 * the cryptography package (OpenSSL) instead.  olmpy_has_aesni keeps its name
 * (the Python binding's) but answers "hardware AES" on either architecture.
 */
#include "olmpy_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define OLMPY_X86 1
#include <immintrin.h>
#include <cpuid.h>
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OLMPY_ARM64 1
#include <arm_neon.h>
#ifndef HWCAP_AES
#define HWCAP_AES (1 << 3) /* Linux's bit; olmpy_arm64_feature ignores it elsewhere */
#endif
/* GCC declares the AES intrinsics under "+crypto"; clang calls the feature "aes". */
#if defined(__clang__)
#define OLMPY_TARGET_AES __attribute__((target("aes")))
#else
#define OLMPY_TARGET_AES __attribute__((target("+crypto")))
#endif
#endif

static int aesni_state = -1;

/* The length of a decrypted CBC message without its PKCS#7 padding, or
 * OLMPY_E_CIPHERTEXT, checked without branching on the padding bytes' values: only
 * the final bad/ok verdict is a branch (an exemption of the constant-time check). */
static inline long unpadded_length(const uint8_t *out, size_t inlen)
{
    uint8_t pad = out[inlen - 1];
    unsigned bad = (unsigned)((pad - 1u) >> 8) | (unsigned)((16u - pad) >> 8);
    for (unsigned i = 1; i <= 16; i++) {
        unsigned in_pad = (i - 1u - pad) >> 8; /* low byte all ones when i <= pad */
        bad |= in_pad & (unsigned)(out[inlen - i] ^ pad);
    }
    if (bad & 0xFF)
        return OLMPY_E_CIPHERTEXT;
    return (long)(inlen - pad);
}

int olmpy_has_aesni(void)
{
#ifdef OLMPY_X86
    if (aesni_state < 0) {
        unsigned a, b, c, d;
        int ok = 0;
        if (__get_cpuid(1, &a, &b, &c, &d))
            ok = ((c >> 25) & 1) && ((c >> 19) & 1); /* AES-NI, SSE4.1 */
        if (getenv("OLMPY_NO_AESNI"))
            ok = 0;
        aesni_state = ok;
    }
    return aesni_state;
#elif defined(OLMPY_ARM64)
    if (aesni_state < 0) /* OLMPY_NO_AESNI: the same override as on x86 */
        aesni_state = olmpy_arm64_feature(HWCAP_AES, "hw.optional.arm.FEAT_AES",
                                          "OLMPY_NO_AESNI");
    return aesni_state;
#else
    return 0;
#endif
}

#ifdef OLMPY_X86
typedef struct {
    __m128i enc[15];
    __m128i dec[15];
} aes256_schedule;

__attribute__((target("aes,sse4.1")))
static inline __m128i expand_a(__m128i key, __m128i assist)
{
    assist = _mm_shuffle_epi32(assist, 0xFF);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

__attribute__((target("aes,sse4.1")))
static inline __m128i expand_b(__m128i key, __m128i prev)
{
    __m128i assist = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(prev, 0), 0xAA);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

__attribute__((target("aes,sse4.1")))
static void schedule(aes256_schedule *s, const uint8_t *key, int with_dec)
{
    __m128i a = _mm_loadu_si128((const __m128i *)key);
    __m128i b = _mm_loadu_si128((const __m128i *)(key + 16));
    s->enc[0] = a;
    s->enc[1] = b;
#define ROUND(i, rcon)                                                  \
    a = expand_a(a, _mm_aeskeygenassist_si128(b, rcon));                \
    s->enc[i] = a;                                                      \
    if (i + 1 < 15) {                                                   \
        b = expand_b(b, a);                                             \
        s->enc[i + 1] = b;                                              \
    }
    ROUND(2, 0x01) ROUND(4, 0x02) ROUND(6, 0x04) ROUND(8, 0x08)
    ROUND(10, 0x10) ROUND(12, 0x20) ROUND(14, 0x40)
#undef ROUND
    if (with_dec) {
        s->dec[0] = s->enc[14];
        for (int i = 1; i < 14; i++)
            s->dec[i] = _mm_aesimc_si128(s->enc[14 - i]);
        s->dec[14] = s->enc[0];
    }
}

/* CBC encryption.  When hash is not NULL each 64 bytes of ciphertext are fed,
 * as soon as they exist, into that SHA-256 context: AES-CBC is bound by the
 * latency of one block after another, so the out-of-order core can run the
 * hash of one chunk while the next chunk is being encrypted. */
__attribute__((target("aes,sse4.1")))
static long cbc_encrypt_hash(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                             size_t inlen, uint8_t *out, olmpy_sha256_ctx *hash)
{
    aes256_schedule s;
    schedule(&s, key, 0);
    __m128i x = _mm_loadu_si128((const __m128i *)iv);
    size_t full = inlen / 16, hashed = 0;
    uint8_t last[16];
    for (size_t n = 0; n <= full; n++) {
        __m128i blk;
        if (n < full) {
            blk = _mm_loadu_si128((const __m128i *)(in + 16 * n));
        } else {
            size_t rem = inlen - 16 * full;
            memcpy(last, in + 16 * full, rem);
            memset(last + rem, (int)(16 - rem), 16 - rem);
            blk = _mm_loadu_si128((const __m128i *)last);
        }
        x = _mm_xor_si128(x, blk);
        x = _mm_xor_si128(x, s.enc[0]);
        for (int r = 1; r < 14; r++)
            x = _mm_aesenc_si128(x, s.enc[r]);
        x = _mm_aesenclast_si128(x, s.enc[14]);
        _mm_storeu_si128((__m128i *)(out + 16 * n), x);
        if (hash && (n & 3) == 3) {
            olmpy_sha256_update(hash, out + hashed, 64);
            hashed += 64;
        }
    }
    size_t total = 16 * (full + 1);
    if (hash)
        olmpy_sha256_update(hash, out + hashed, total - hashed);
    olmpy_wipe(last, sizeof last);
    olmpy_wipe(&s, sizeof s);
    return (long)total;
}

__attribute__((target("aes,sse4.1")))
static inline __m128i dec1(const aes256_schedule *s, __m128i x)
{
    x = _mm_xor_si128(x, s->dec[0]);
    for (int r = 1; r < 14; r++)
        x = _mm_aesdec_si128(x, s->dec[r]);
    return _mm_aesdeclast_si128(x, s->dec[14]);
}

__attribute__((target("aes,sse4.1")))
static long cbc_decrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                        size_t inlen, uint8_t *out)
{
    if (inlen == 0 || inlen % 16)
        return OLMPY_E_CIPHERTEXT;
    aes256_schedule s;
    schedule(&s, key, 1);
    __m128i prev = _mm_loadu_si128((const __m128i *)iv);
    size_t blocks = inlen / 16, n = 0;
    /* Four blocks at a time: CBC decryption has no chain dependency. */
    for (; n + 4 <= blocks; n += 4) {
        __m128i c0 = _mm_loadu_si128((const __m128i *)(in + 16 * n));
        __m128i c1 = _mm_loadu_si128((const __m128i *)(in + 16 * n + 16));
        __m128i c2 = _mm_loadu_si128((const __m128i *)(in + 16 * n + 32));
        __m128i c3 = _mm_loadu_si128((const __m128i *)(in + 16 * n + 48));
        __m128i x0 = _mm_xor_si128(c0, s.dec[0]), x1 = _mm_xor_si128(c1, s.dec[0]);
        __m128i x2 = _mm_xor_si128(c2, s.dec[0]), x3 = _mm_xor_si128(c3, s.dec[0]);
        for (int r = 1; r < 14; r++) {
            x0 = _mm_aesdec_si128(x0, s.dec[r]);
            x1 = _mm_aesdec_si128(x1, s.dec[r]);
            x2 = _mm_aesdec_si128(x2, s.dec[r]);
            x3 = _mm_aesdec_si128(x3, s.dec[r]);
        }
        x0 = _mm_xor_si128(_mm_aesdeclast_si128(x0, s.dec[14]), prev);
        x1 = _mm_xor_si128(_mm_aesdeclast_si128(x1, s.dec[14]), c0);
        x2 = _mm_xor_si128(_mm_aesdeclast_si128(x2, s.dec[14]), c1);
        x3 = _mm_xor_si128(_mm_aesdeclast_si128(x3, s.dec[14]), c2);
        _mm_storeu_si128((__m128i *)(out + 16 * n), x0);
        _mm_storeu_si128((__m128i *)(out + 16 * n + 16), x1);
        _mm_storeu_si128((__m128i *)(out + 16 * n + 32), x2);
        _mm_storeu_si128((__m128i *)(out + 16 * n + 48), x3);
        prev = c3;
    }
    for (; n < blocks; n++) {
        __m128i c = _mm_loadu_si128((const __m128i *)(in + 16 * n));
        _mm_storeu_si128((__m128i *)(out + 16 * n), _mm_xor_si128(dec1(&s, c), prev));
        prev = c;
    }
    olmpy_wipe(&s, sizeof s);
    return unpadded_length(out, inlen);
}
#endif

#ifdef OLMPY_ARM64
/* The ARMv8 instructions split a round differently from AES-NI: AESE is
 * AddRoundKey + ShiftRows + SubBytes, AESMC is MixColumns (AESD and AESIMC
 * their inverses), so a round key is applied at the start of a round and the
 * last one by a plain XOR.  Decryption uses the equivalent inverse cipher, as
 * the x86 code does: round keys reversed, the inner ones through AESIMC. */
typedef struct {
    uint8x16_t enc[15];
    uint8x16_t dec[15];
} aes256_schedule_arm;

/* SubWord of one 32-bit word: the word is copied to all four columns, so that
 * ShiftRows moves nothing, and AESE with a zero round key is then SubBytes. */
OLMPY_TARGET_AES
static inline uint32_t sub_word(uint32_t w)
{
    uint8x16_t x = vreinterpretq_u8_u32(vdupq_n_u32(w));
    x = vaeseq_u8(x, vdupq_n_u8(0));
    return vgetq_lane_u32(vreinterpretq_u32_u8(x), 0);
}

/* FIPS-197 key expansion, words held little-endian (the key's byte 0 in bits
 * 0..7), so RotWord is a right rotation by 8 and Rcon goes into the low byte. */
OLMPY_TARGET_AES
static void schedule_arm(aes256_schedule_arm *s, const uint8_t *key, int with_dec)
{
    uint32_t w[60];
    uint32_t rcon = 1;
    memcpy(w, key, 32);
    for (int i = 8; i < 60; i++) {
        uint32_t t = w[i - 1];
        if (i % 8 == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon;
            rcon <<= 1;
        } else if (i % 8 == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - 8] ^ t;
    }
    for (int r = 0; r < 15; r++)
        s->enc[r] = vld1q_u8((const uint8_t *)&w[4 * r]);
    if (with_dec) {
        s->dec[0] = s->enc[14];
        for (int i = 1; i < 14; i++)
            s->dec[i] = vaesimcq_u8(s->enc[14 - i]);
        s->dec[14] = s->enc[0];
    }
    olmpy_wipe(w, sizeof w);
}

OLMPY_TARGET_AES
static inline uint8x16_t enc1_arm(const aes256_schedule_arm *s, uint8x16_t x)
{
    for (int r = 0; r < 13; r++)
        x = vaesmcq_u8(vaeseq_u8(x, s->enc[r]));
    return veorq_u8(vaeseq_u8(x, s->enc[13]), s->enc[14]);
}

OLMPY_TARGET_AES
static inline uint8x16_t dec1_arm(const aes256_schedule_arm *s, uint8x16_t x)
{
    for (int r = 0; r < 13; r++)
        x = vaesimcq_u8(vaesdq_u8(x, s->dec[r]));
    return veorq_u8(vaesdq_u8(x, s->dec[13]), s->dec[14]);
}

/* CBC encryption, feeding each 64 bytes of ciphertext to hash (when not NULL)
 * as soon as they exist, like the x86 version. */
OLMPY_TARGET_AES
static long cbc_encrypt_hash_arm(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                                 size_t inlen, uint8_t *out, olmpy_sha256_ctx *hash)
{
    aes256_schedule_arm s;
    schedule_arm(&s, key, 0);
    uint8x16_t x = vld1q_u8(iv);
    size_t full = inlen / 16, hashed = 0;
    uint8_t last[16];
    for (size_t n = 0; n <= full; n++) {
        uint8x16_t blk;
        if (n < full) {
            blk = vld1q_u8(in + 16 * n);
        } else {
            size_t rem = inlen - 16 * full;
            memcpy(last, in + 16 * full, rem);
            memset(last + rem, (int)(16 - rem), 16 - rem);
            blk = vld1q_u8(last);
        }
        x = enc1_arm(&s, veorq_u8(x, blk));
        vst1q_u8(out + 16 * n, x);
        if (hash && (n & 3) == 3) {
            olmpy_sha256_update(hash, out + hashed, 64);
            hashed += 64;
        }
    }
    size_t total = 16 * (full + 1);
    if (hash)
        olmpy_sha256_update(hash, out + hashed, total - hashed);
    olmpy_wipe(last, sizeof last);
    olmpy_wipe(&s, sizeof s);
    return (long)total;
}

OLMPY_TARGET_AES
static long cbc_decrypt_arm(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                            size_t inlen, uint8_t *out)
{
    if (inlen == 0 || inlen % 16)
        return OLMPY_E_CIPHERTEXT;
    aes256_schedule_arm s;
    schedule_arm(&s, key, 1);
    uint8x16_t prev = vld1q_u8(iv);
    size_t blocks = inlen / 16, n = 0;
    /* Four independent blocks at a time, to keep the AES unit's pipeline full. */
    for (; n + 4 <= blocks; n += 4) {
        uint8x16_t c0 = vld1q_u8(in + 16 * n), c1 = vld1q_u8(in + 16 * n + 16);
        uint8x16_t c2 = vld1q_u8(in + 16 * n + 32), c3 = vld1q_u8(in + 16 * n + 48);
        uint8x16_t x0 = c0, x1 = c1, x2 = c2, x3 = c3;
        for (int r = 0; r < 13; r++) {
            x0 = vaesimcq_u8(vaesdq_u8(x0, s.dec[r]));
            x1 = vaesimcq_u8(vaesdq_u8(x1, s.dec[r]));
            x2 = vaesimcq_u8(vaesdq_u8(x2, s.dec[r]));
            x3 = vaesimcq_u8(vaesdq_u8(x3, s.dec[r]));
        }
        x0 = veorq_u8(veorq_u8(vaesdq_u8(x0, s.dec[13]), s.dec[14]), prev);
        x1 = veorq_u8(veorq_u8(vaesdq_u8(x1, s.dec[13]), s.dec[14]), c0);
        x2 = veorq_u8(veorq_u8(vaesdq_u8(x2, s.dec[13]), s.dec[14]), c1);
        x3 = veorq_u8(veorq_u8(vaesdq_u8(x3, s.dec[13]), s.dec[14]), c2);
        vst1q_u8(out + 16 * n, x0);
        vst1q_u8(out + 16 * n + 16, x1);
        vst1q_u8(out + 16 * n + 32, x2);
        vst1q_u8(out + 16 * n + 48, x3);
        prev = c3;
    }
    for (; n < blocks; n++) {
        uint8x16_t c = vld1q_u8(in + 16 * n);
        vst1q_u8(out + 16 * n, veorq_u8(dec1_arm(&s, c), prev));
        prev = c;
    }
    olmpy_wipe(&s, sizeof s);
    return unpadded_length(out, inlen);
}
#endif

long olmpy_aes256_cbc_encrypt(const uint8_t *key, const uint8_t *iv,
                              const uint8_t *in, size_t inlen, uint8_t *out)
{
#ifdef OLMPY_X86
    if (olmpy_has_aesni())
        return cbc_encrypt_hash(key, iv, in, inlen, out, NULL);
#elif defined(OLMPY_ARM64)
    if (olmpy_has_aesni())
        return cbc_encrypt_hash_arm(key, iv, in, inlen, out, NULL);
#endif
    (void)key; (void)iv; (void)in; (void)inlen; (void)out;
    return OLMPY_E_NO_AES;
}

long olmpy_aes256_cbc_decrypt(const uint8_t *key, const uint8_t *iv,
                              const uint8_t *in, size_t inlen, uint8_t *out)
{
#ifdef OLMPY_X86
    if (olmpy_has_aesni())
        return cbc_decrypt(key, iv, in, inlen, out);
#elif defined(OLMPY_ARM64)
    if (olmpy_has_aesni())
        return cbc_decrypt_arm(key, iv, in, inlen, out);
#endif
    (void)key; (void)iv; (void)in; (void)inlen; (void)out;
    return OLMPY_E_NO_AES;
}

long olmpy_aes256_cbc_encrypt_hash(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                                   size_t inlen, uint8_t *out, olmpy_sha256_ctx *hash)
{
#ifdef OLMPY_X86
    if (olmpy_has_aesni())
        return cbc_encrypt_hash(key, iv, in, inlen, out, hash);
#elif defined(OLMPY_ARM64)
    if (olmpy_has_aesni())
        return cbc_encrypt_hash_arm(key, iv, in, inlen, out, hash);
#endif
    (void)key; (void)iv; (void)in; (void)inlen; (void)out; (void)hash;
    return OLMPY_E_NO_AES;
}

int olmpy_aes256_round_keys(const uint8_t *key, uint8_t *rk)
{
#ifdef OLMPY_X86
    if (olmpy_has_aesni()) {
        aes256_schedule s;
        schedule(&s, key, 0);
        memcpy(rk, s.enc, 240);
        olmpy_wipe(&s, sizeof s);
        return 0;
    }
#elif defined(OLMPY_ARM64)
    if (olmpy_has_aesni()) {
        aes256_schedule_arm s;
        schedule_arm(&s, key, 0);
        memcpy(rk, s.enc, 240);
        olmpy_wipe(&s, sizeof s);
        return 0;
    }
#endif
    (void)key; (void)rk;
    return OLMPY_E_NO_AES;
}
