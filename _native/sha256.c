/* SHA-256, HMAC-SHA-256 and HKDF-SHA-256.
 *
 * Two compression functions per architecture: the SHA-NI one on x86 CPUs (the
 * ARMv8 SHA256H/SHA256H2/SHA256SU0/SHA256SU1 one on aarch64 CPUs) that report
 * the extension at run time, and a portable one.  Both are constant-time by
 * construction (no table look-ups indexed by data, no data-dependent branches).
 */
#include "olmpy_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define OLMPY_X86 1
#include <immintrin.h>
#include <cpuid.h>
#include "sha256_shani.h"
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OLMPY_ARM64 1
#include <arm_neon.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6) /* Linux's bit; olmpy_arm64_feature ignores it elsewhere */
#endif
/* GCC declares the SHA-2 intrinsics under "+crypto"; clang calls the feature "sha2". */
#if defined(__clang__)
#define OLMPY_TARGET_SHA2 __attribute__((target("sha2")))
#else
#define OLMPY_TARGET_SHA2 __attribute__((target("+crypto")))
#endif
#endif

const uint32_t olmpy_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_portable(uint32_t *h, const uint8_t *p, size_t blocks)
{
    uint32_t w[64];
    while (blocks--) {
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
                   (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        uint32_t e = h[4], f = h[5], g = h[6], k = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                          ((e & f) ^ (~e & g)) + olmpy_sha256_k[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                          ((a & b) ^ (a & c) ^ (b & c));
            k = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += k;
        p += 64;
    }
    olmpy_wipe(w, sizeof w);
}

#ifdef OLMPY_X86
OLMPY_SHANI_TARGET
static void compress_shani(uint32_t *h, const uint8_t *p, size_t blocks)
{
    __m128i st0, st1;
    shani_load(h, &st0, &st1);
    while (blocks--) {
        shani_block(&st0, &st1, _mm_loadu_si128((const __m128i *)p),
                    _mm_loadu_si128((const __m128i *)(p + 16)),
                    _mm_loadu_si128((const __m128i *)(p + 32)),
                    _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
    }
    shani_store(h, st0, st1);
}
#endif

#ifdef OLMPY_ARM64
/* Four rounds per step: SHA256H gives the new (a,b,c,d), SHA256H2 the new
 * (e,f,g,h) from the old (a,b,c,d), both from the same W+K vector; SHA256SU0
 * and SHA256SU1 extend the message schedule four words at a time.  The state
 * words are loaded in h's order (a in lane 0), which is what the instructions
 * expect. */
OLMPY_TARGET_SHA2
static void compress_arm(uint32_t *h, const uint8_t *p, size_t blocks)
{
    uint32x4_t abcd = vld1q_u32(&h[0]);
    uint32x4_t efgh = vld1q_u32(&h[4]);
    while (blocks--) {
        uint32x4_t save0 = abcd, save1 = efgh, w[4];
        for (int i = 0; i < 4; i++)
            w[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {
            uint32x4_t wk = vaddq_u32(w[g & 3], vld1q_u32(&olmpy_sha256_k[4 * g]));
            if (g < 12)
                w[g & 3] = vsha256su1q_u32(vsha256su0q_u32(w[g & 3], w[(g + 1) & 3]),
                                           w[(g + 2) & 3], w[(g + 3) & 3]);
            uint32x4_t old = abcd;
            abcd = vsha256hq_u32(abcd, efgh, wk);
            efgh = vsha256h2q_u32(efgh, old, wk);
        }
        abcd = vaddq_u32(abcd, save0);
        efgh = vaddq_u32(efgh, save1);
        p += 64;
    }
    vst1q_u32(&h[0], abcd);
    vst1q_u32(&h[4], efgh);
}
#endif

static int shani_state = -1; /* -1 unknown, 0 absent, 1 present */

int olmpy_has_shani(void)
{
#ifdef OLMPY_X86
    if (shani_state < 0) {
        unsigned a, b, c, d;
        int ok = 0;
        if (__get_cpuid_max(0, 0) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            int sha = (b >> 29) & 1;
            __cpuid(1, a, b, c, d);
            int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
#ifdef OLMPY_SHANI_EMULATE
            sha = 1; /* the CT check's build: the instructions are C (sha256_shani.h) */
#endif
            ok = sha && sse41 && ssse3;
        }
        if (getenv("OLMPY_NO_SHANI"))
            ok = 0;
        shani_state = ok;
    }
    return shani_state;
#elif defined(OLMPY_ARM64)
    if (shani_state < 0) /* OLMPY_NO_SHANI: the same override as on x86 */
        shani_state = olmpy_arm64_feature(HWCAP_SHA2, "hw.optional.arm.FEAT_SHA256",
                                          "OLMPY_NO_SHANI");
    return shani_state;
#else
    return 0;
#endif
}

void olmpy_sha256_compress(uint32_t *h, const uint8_t *p, size_t blocks)
{
#ifdef OLMPY_X86
    if (olmpy_has_shani()) {
        compress_shani(h, p, blocks);
        return;
    }
#elif defined(OLMPY_ARM64)
    if (olmpy_has_shani()) {
        compress_arm(h, p, blocks);
        return;
    }
#endif
    compress_portable(h, p, blocks);
}

void olmpy_sha256_init(olmpy_sha256_ctx *ctx)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->h, iv, sizeof iv);
    ctx->total = 0;
    ctx->used = 0;
}

void olmpy_sha256_update(olmpy_sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    ctx->total += len;
    if (ctx->used) {
        size_t take = 64 - ctx->used;
        if (take > len)
            take = len;
        memcpy(ctx->buf + ctx->used, data, take);
        ctx->used += take;
        data += take;
        len -= take;
        if (ctx->used < 64)
            return;
        olmpy_sha256_compress(ctx->h, ctx->buf, 1);
        ctx->used = 0;
    }
    if (len >= 64) {
        olmpy_sha256_compress(ctx->h, data, len / 64);
        data += len & ~(size_t)63;
        len &= 63;
    }
    if (len) {
        memcpy(ctx->buf, data, len);
        ctx->used = len;
    }
}

void olmpy_sha256_final(olmpy_sha256_ctx *ctx, uint8_t *out)
{
    uint64_t bits = ctx->total * 8;
    uint8_t pad[72];
    size_t padlen = (ctx->used < 56) ? 56 - ctx->used : 120 - ctx->used;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++)
        pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t keep = ctx->total;
    olmpy_sha256_update(ctx, pad, padlen + 8);
    ctx->total = keep;
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(ctx->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(ctx->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(ctx->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)ctx->h[i];
    }
}

void olmpy_sha256(const uint8_t *data, size_t len, uint8_t *out)
{
    olmpy_sha256_ctx ctx;
    olmpy_sha256_init(&ctx);
    olmpy_sha256_update(&ctx, data, len);
    olmpy_sha256_final(&ctx, out);
    olmpy_wipe(&ctx, sizeof ctx);
}

void olmpy_hmac_init(olmpy_hmac_ctx *ctx, const uint8_t *key, size_t keylen)
{
    uint8_t block[64];
    memset(block, 0, sizeof block);
    if (keylen > 64)
        olmpy_sha256(key, keylen, block);
    else if (keylen)
        memcpy(block, key, keylen);
    for (int i = 0; i < 64; i++)
        block[i] ^= 0x36;
    olmpy_sha256_init(&ctx->inner);
    olmpy_sha256_update(&ctx->inner, block, 64);
    for (int i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    olmpy_sha256_init(&ctx->outer);
    olmpy_sha256_update(&ctx->outer, block, 64);
    olmpy_wipe(block, sizeof block);
}

void olmpy_hmac_once2(const olmpy_hmac_ctx *ctx, const uint8_t *a, size_t alen,
                      const uint8_t *b, size_t blen, uint8_t *out)
{
    olmpy_sha256_ctx c = ctx->inner;
    uint8_t inner[32];
    olmpy_sha256_update(&c, a, alen);
    if (blen)
        olmpy_sha256_update(&c, b, blen);
    olmpy_sha256_final(&c, inner);
    c = ctx->outer;
    olmpy_sha256_update(&c, inner, 32);
    olmpy_sha256_final(&c, out);
    olmpy_wipe(&c, sizeof c);
    olmpy_wipe(inner, sizeof inner);
}

void olmpy_hmac_once(const olmpy_hmac_ctx *ctx, const uint8_t *data, size_t len,
                     uint8_t *out)
{
    olmpy_hmac_once2(ctx, data, len, NULL, 0, out);
}

void olmpy_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *data,
                       size_t len, uint8_t *out)
{
    olmpy_hmac_ctx ctx;
    olmpy_hmac_init(&ctx, key, keylen);
    olmpy_hmac_once(&ctx, data, len, out);
    olmpy_wipe(&ctx, sizeof ctx);
}

int olmpy_hkdf_sha256(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                      size_t ikmlen, const uint8_t *info, size_t infolen,
                      uint8_t *out, size_t outlen)
{
    if (outlen > 255 * 32)
        return OLMPY_E_ARGUMENT;
    uint8_t prk[32], t[32];
    olmpy_hmac_ctx ctx;
    olmpy_hmac_sha256(salt, saltlen, ikm, ikmlen, prk);
    olmpy_hmac_init(&ctx, prk, 32);
    size_t done = 0, tlen = 0;
    for (uint8_t n = 1; done < outlen; n++) {
        olmpy_sha256_ctx c = ctx.inner;
        uint8_t inner[32];
        olmpy_sha256_update(&c, t, tlen);
        olmpy_sha256_update(&c, info, infolen);
        olmpy_sha256_update(&c, &n, 1);
        olmpy_sha256_final(&c, inner);
        c = ctx.outer;
        olmpy_sha256_update(&c, inner, 32);
        olmpy_sha256_final(&c, t);
        olmpy_wipe(&c, sizeof c);
        olmpy_wipe(inner, sizeof inner);
        tlen = 32;
        size_t take = outlen - done < 32 ? outlen - done : 32;
        memcpy(out + done, t, take);
        done += take;
    }
    olmpy_wipe(prk, sizeof prk);
    olmpy_wipe(t, sizeof t);
    olmpy_wipe(&ctx, sizeof ctx);
    return 0;
}

void olmpy_derive_cipher_keys(const uint8_t *secret, size_t len, const uint8_t *info,
                              size_t infolen, olmpy_cipher_keys *keys)
{
    uint8_t okm[80];
    olmpy_hkdf_sha256(NULL, 0, secret, len, info, infolen, okm, 80);
    memcpy(keys->aes, okm, 32);
    memcpy(keys->mac, okm + 32, 32);
    memcpy(keys->iv, okm + 64, 16);
    olmpy_wipe(okm, sizeof okm);
}

/* HMAC-SHA-256 under a 32-byte key of one-byte messages: outs[i] = HMAC(key,
 * tags[i]).  The Megolm ratchet's only use of HMAC, done with raw compressions
 * on pre-padded blocks (4 per MAC, 2 of them shared).  outs may alias key: the
 * key is read only before the first output is written. */
void olmpy_hmac32_tags(const uint8_t *key, const uint8_t *tags, size_t n,
                       uint8_t *const *outs)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint8_t block[64];
    uint32_t inner0[8], outer0[8], h[8];
    memcpy(inner0, iv, sizeof iv);
    memcpy(outer0, iv, sizeof iv);
    memset(block, 0x36, 64);
    for (int i = 0; i < 32; i++)
        block[i] ^= key[i];
    olmpy_sha256_compress(inner0, block, 1);
    for (int i = 0; i < 64; i++)
        block[i] ^= 0x36 ^ 0x5c;
    olmpy_sha256_compress(outer0, block, 1);
    for (size_t t = 0; t < n; t++) {
        /* inner: one tag byte after the 64-byte key block = 520 bits */
        memset(block, 0, 64);
        block[0] = tags[t];
        block[1] = 0x80;
        block[62] = 0x02;
        block[63] = 0x08;
        memcpy(h, inner0, sizeof h);
        olmpy_sha256_compress(h, block, 1);
        /* outer: the 32-byte inner hash after the key block = 768 bits */
        for (int i = 0; i < 8; i++) {
            block[4 * i] = (uint8_t)(h[i] >> 24);
            block[4 * i + 1] = (uint8_t)(h[i] >> 16);
            block[4 * i + 2] = (uint8_t)(h[i] >> 8);
            block[4 * i + 3] = (uint8_t)h[i];
        }
        memset(block + 32, 0, 32);
        block[32] = 0x80;
        block[62] = 0x03;
        block[63] = 0x00;
        memcpy(h, outer0, sizeof h);
        olmpy_sha256_compress(h, block, 1);
        uint8_t *out = outs[t];
        for (int i = 0; i < 8; i++) {
            out[4 * i] = (uint8_t)(h[i] >> 24);
            out[4 * i + 1] = (uint8_t)(h[i] >> 16);
            out[4 * i + 2] = (uint8_t)(h[i] >> 8);
            out[4 * i + 3] = (uint8_t)h[i];
        }
    }
    olmpy_wipe(block, sizeof block);
    olmpy_wipe(inner0, sizeof inner0);
    olmpy_wipe(outer0, sizeof outer0);
    olmpy_wipe(h, sizeof h);
}
