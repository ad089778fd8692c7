/* AES-256-CBC with PKCS#7 padding, using the AES-NI instructions only.
 *
 * There is deliberately no table-based fallback: on CPUs without AES-NI these
 * functions return OLMPY_E_NO_AES and the Python binding routes AES through
 * the cryptography package (OpenSSL) instead.
 */
#include "olmpy_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define OLMPY_X86 1
#include <immintrin.h>
#include <cpuid.h>
#endif

static int aesni_state = -1;

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
    /* PKCS#7 check without branching on the padding bytes' values. */
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
#endif

long olmpy_aes256_cbc_encrypt(const uint8_t *key, const uint8_t *iv,
                              const uint8_t *in, size_t inlen, uint8_t *out)
{
#ifdef OLMPY_X86
    if (olmpy_has_aesni())
        return cbc_encrypt_hash(key, iv, in, inlen, out, NULL);
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
#endif
    (void)key; (void)iv; (void)in; (void)inlen; (void)out; (void)hash;
    return OLMPY_E_NO_AES;
}
