/* Base64 (standard alphabet) without lookup tables.
 *
 * Characters are mapped with branch-free arithmetic, so decoding secrets
 * (session keys, pickles) leaks nothing through the cache or branch
 * predictor; written as simple loops over short runs so that the compiler
 * vectorises them (an AVX2 clone is chosen at run time where available; on
 * aarch64 the compiler's baseline NEON).  SSSE3 (x86) and NEON (aarch64)
 * steps written by hand do the same range-mask mapping and the bit packing.
 * Decoding is strict: see SPEC.md section 1.
 */
#include "olmpy_internal.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OLMPY_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define OLMPY_CLONES
#endif

#define CHUNK 1024

#if defined(__x86_64__) || defined(__i386__)
#define OLMPY_X86 1
#include <immintrin.h>

static int has_ssse3(void)
{
    static int state = -1;
    if (state < 0)
        state = __builtin_cpu_supports("ssse3") ? 1 : 0;
    return state;
}

/* 16 six-bit values -> 12 bytes per step (Mula's multiply-add packing).
 * Writes 16 bytes per store: out needs 4 bytes of slack. Returns values used. */
__attribute__((target("ssse3")))
static size_t pack_ssse3(const uint8_t *vals, size_t n, uint8_t *out)
{
    const __m128i pairs = _mm_set1_epi32(0x01400140);
    const __m128i quads = _mm_set1_epi32(0x00011000);
    const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(vals + i));
        v = _mm_madd_epi16(_mm_maddubs_epi16(v, pairs), quads);
        _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(v, order));
        out += 12;
    }
    return i;
}

/* Maps, checks and packs 16 characters -> 12 bytes per step with byte-wise
 * range compares (no lookups).  Sets *bad if any character is outside the
 * alphabet.  Same 4-byte store overrun as pack_ssse3.  Returns chars used. */
__attribute__((target("ssse3")))
static size_t decode_ssse3(const uint8_t *in, size_t n, uint8_t *out, int *bad)
{
    const __m128i pairs = _mm_set1_epi32(0x01400140);
    const __m128i quads = _mm_set1_epi32(0x00011000);
    const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    __m128i invalid = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(in + i));
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8(0x40)),
                                   _mm_cmpgt_epi8(_mm_set1_epi8(0x5b), c));
        __m128i lo = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8(0x60)),
                                   _mm_cmpgt_epi8(_mm_set1_epi8(0x7b), c));
        __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8(0x2f)),
                                   _mm_cmpgt_epi8(_mm_set1_epi8(0x3a), c));
        __m128i pl = _mm_cmpeq_epi8(c, _mm_set1_epi8(0x2b));
        __m128i sl = _mm_cmpeq_epi8(c, _mm_set1_epi8(0x2f));
        __m128i off = _mm_or_si128(
            _mm_or_si128(_mm_and_si128(up, _mm_set1_epi8(-65)), _mm_and_si128(lo, _mm_set1_epi8(-71))),
            _mm_or_si128(_mm_and_si128(dg, _mm_set1_epi8(4)),
                         _mm_or_si128(_mm_and_si128(pl, _mm_set1_epi8(19)),
                                      _mm_and_si128(sl, _mm_set1_epi8(16)))));
        __m128i ok = _mm_or_si128(_mm_or_si128(up, lo), _mm_or_si128(dg, _mm_or_si128(pl, sl)));
        invalid = _mm_or_si128(invalid, _mm_andnot_si128(ok, _mm_set1_epi8(-1)));
        __m128i v = _mm_add_epi8(c, off);
        v = _mm_madd_epi16(_mm_maddubs_epi16(v, pairs), quads);
        _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(v, order));
        out += 12;
    }
    *bad |= _mm_movemask_epi8(invalid) != 0;
    return i;
}

/* 12 bytes -> 16 six-bit values per step; reads 16 bytes per load, so in
 * needs 4 readable bytes past the 12 used.  Returns bytes used. */
__attribute__((target("ssse3")))
static size_t unpack_ssse3(const uint8_t *in, size_t n, uint8_t *vals)
{
    const __m128i spread = _mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    const __m128i mask_hi = _mm_set1_epi32(0x0fc0fc00);
    const __m128i mul_hi = _mm_set1_epi32(0x04000040);
    const __m128i mask_lo = _mm_set1_epi32(0x003f03f0);
    const __m128i mul_lo = _mm_set1_epi32(0x01000010);
    size_t i = 0;
    for (; i + 16 <= n; i += 12) {
        __m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + i)), spread);
        __m128i hi = _mm_mulhi_epu16(_mm_and_si128(x, mask_hi), mul_hi);
        __m128i lo = _mm_mullo_epi16(_mm_and_si128(x, mask_lo), mul_lo);
        _mm_storeu_si128((__m128i *)vals, _mm_or_si128(hi, lo));
        vals += 16;
    }
    return i;
}
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define OLMPY_ARM64 1
#include <arm_neon.h>

/* NEON is part of every ARMv8-A CPU, so there is nothing to detect; the
 * portable loops are what OLMPY_NO_NEON asks for (tests and the known-answer
 * harness run both). */
static int use_neon(void)
{
    static int state = -1;
    if (state < 0)
        state = getenv("OLMPY_NO_NEON") ? 0 : 1;
    return state;
}

/* 64 characters -> 48 bytes per step.  vld4q_u8 splits the characters by
 * their position in each quartet, so packing is three shift-ors and vst3q_u8
 * interleaves the bytes back: no shuffle tables.  Each character is mapped by
 * range masks exactly as map_chars does (no lookups, no branches on data); an
 * invalid one sets *bad, which is only read after the last step.  Returns the
 * characters used; writes exactly 3/4 of them. */
static size_t decode_neon(const uint8_t *in, size_t n, uint8_t *out, int *bad)
{
    uint8x16_t invalid = vdupq_n_u8(0);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint8x16x4_t c = vld4q_u8(in + i);
        uint8x16_t v[4];
        for (int k = 0; k < 4; k++) {
            uint8x16_t x = c.val[k];
            uint8x16_t up = vandq_u8(vcgeq_u8(x, vdupq_n_u8('A')), vcleq_u8(x, vdupq_n_u8('Z')));
            uint8x16_t lo = vandq_u8(vcgeq_u8(x, vdupq_n_u8('a')), vcleq_u8(x, vdupq_n_u8('z')));
            uint8x16_t dg = vandq_u8(vcgeq_u8(x, vdupq_n_u8('0')), vcleq_u8(x, vdupq_n_u8('9')));
            uint8x16_t pl = vceqq_u8(x, vdupq_n_u8('+'));
            uint8x16_t sl = vceqq_u8(x, vdupq_n_u8('/'));
            /* value = character + offset, offsets taken mod 256 */
            uint8x16_t off = vorrq_u8(
                vorrq_u8(vandq_u8(up, vdupq_n_u8((uint8_t)-65)), vandq_u8(lo, vdupq_n_u8((uint8_t)-71))),
                vorrq_u8(vandq_u8(dg, vdupq_n_u8(4)),
                         vorrq_u8(vandq_u8(pl, vdupq_n_u8(19)), vandq_u8(sl, vdupq_n_u8(16)))));
            uint8x16_t ok = vorrq_u8(vorrq_u8(up, lo), vorrq_u8(dg, vorrq_u8(pl, sl)));
            invalid = vorrq_u8(invalid, vmvnq_u8(ok));
            v[k] = vaddq_u8(x, off);
        }
        uint8x16x3_t b;
        b.val[0] = vorrq_u8(vshlq_n_u8(v[0], 2), vshrq_n_u8(v[1], 4));
        b.val[1] = vorrq_u8(vshlq_n_u8(v[1], 4), vshrq_n_u8(v[2], 2));
        b.val[2] = vorrq_u8(vshlq_n_u8(v[2], 6), v[3]);
        vst3q_u8(out, b);
        out += 48;
    }
    *bad |= vmaxvq_u8(invalid) != 0;
    return i;
}

/* 48 bytes -> 64 six-bit values per step (vld3q_u8 / vst4q_u8 do the
 * regrouping).  Returns the bytes used. */
static size_t unpack_neon(const uint8_t *in, size_t n, uint8_t *vals)
{
    size_t i = 0;
    for (; i + 48 <= n; i += 48) {
        uint8x16x3_t b = vld3q_u8(in + i);
        uint8x16x4_t v;
        v.val[0] = vshrq_n_u8(b.val[0], 2);
        v.val[1] = vorrq_u8(vshlq_n_u8(vandq_u8(b.val[0], vdupq_n_u8(3)), 4), vshrq_n_u8(b.val[1], 4));
        v.val[2] = vorrq_u8(vshlq_n_u8(vandq_u8(b.val[1], vdupq_n_u8(15)), 2), vshrq_n_u8(b.val[2], 6));
        v.val[3] = vandq_u8(b.val[2], vdupq_n_u8(63));
        vst4q_u8(vals, v);
        vals += 64;
    }
    return i;
}
#endif

/* Maps n characters to their 6-bit values; returns non-zero if any is not in
 * the alphabet.  Each value is computed as (value + 1) from range masks, so an
 * invalid character yields -1. */
OLMPY_CLONES
static int map_chars(const uint8_t *in, size_t n, uint8_t *out)
{
    int16_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int16_t c = in[i];
        int16_t v = -1;
        v += (int16_t)((((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64));
        v += (int16_t)((((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70));
        v += (int16_t)((((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5));
        v += (int16_t)((((0x2a - c) & (c - 0x2c)) >> 8) & 63);
        v += (int16_t)((((0x2e - c) & (c - 0x30)) >> 8) & 64);
        bad |= v;
        out[i] = (uint8_t)v;
    }
    return bad < 0;
}

/* Maps n 6-bit values to characters. */
OLMPY_CLONES
static void map_values(const uint8_t *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int16_t x = in[i];
        int16_t d = 0x41;
        d += (int16_t)(((25 - x) >> 8) & 6);
        d -= (int16_t)(((51 - x) >> 8) & 75);
        d -= (int16_t)(((61 - x) >> 8) & 15);
        d += (int16_t)(((62 - x) >> 8) & 3);
        out[i] = (uint8_t)(x + d);
    }
}

long olmpy_b64_decode(const char *text, size_t len, uint8_t *out)
{
    const uint8_t *in = (const uint8_t *)text;
    size_t pad = 0;
    if (len && in[len - 1] == '=') {
        pad = 1;
        if (len > 1 && in[len - 2] == '=')
            pad = 2;
    }
    size_t core = len - pad, rem = core % 4;
    if (rem == 1 || (pad && (len % 4 || pad != (4 - rem) % 4)))
        return OLMPY_E_DECODE;
    uint8_t vals[CHUNK];
    int bad = 0;
    size_t o = 0, last = 0, first = 0;
#ifdef OLMPY_X86
    if (has_ssse3()) {
        first = decode_ssse3(in, core, out, &bad);
        o = first / 4 * 3;
    }
#elif defined(OLMPY_ARM64)
    if (use_neon()) {
        first = decode_neon(in, core, out, &bad);
        o = first / 4 * 3;
    }
#endif
    for (size_t start = first; start < core; start += CHUNK) {
        size_t n = core - start < CHUNK ? core - start : CHUNK; /* CHUNK % 4 == 0 */
        bad |= map_chars(in + start, n, vals);
        size_t q = n / 4, done = 0;
#ifdef OLMPY_X86
        if (has_ssse3()) {
            done = pack_ssse3(vals, n, out + o) / 4;
            o += 3 * done;
        }
#endif
        for (size_t i = done; i < q; i++) {
            uint32_t w = (uint32_t)vals[4 * i] << 18 | (uint32_t)vals[4 * i + 1] << 12 |
                         (uint32_t)vals[4 * i + 2] << 6 | vals[4 * i + 3];
            out[o] = (uint8_t)(w >> 16);
            out[o + 1] = (uint8_t)(w >> 8);
            out[o + 2] = (uint8_t)w;
            o += 3;
        }
        const uint8_t *t = vals + 4 * q;
        if (n % 4 == 2) {
            out[o++] = (uint8_t)(t[0] << 2 | t[1] >> 4);
            last = t[1] & 0x0F;
        } else if (n % 4 == 3) {
            out[o] = (uint8_t)(t[0] << 2 | t[1] >> 4);
            out[o + 1] = (uint8_t)(t[1] << 4 | t[2] >> 2);
            o += 2;
            last = t[2] & 0x03;
        }
    }
    olmpy_wipe(vals, sizeof vals);
    if (bad)
        return OLMPY_E_DECODE;
    if (last)
        return OLMPY_E_CIPHERTEXT; /* non-zero trailing bits */
    return (long)o;
}

size_t olmpy_b64_encode(const uint8_t *in, size_t len, char *text)
{
    uint8_t vals[CHUNK];
    uint8_t *out = (uint8_t *)text;
    size_t o = 0;
    const size_t step = CHUNK / 4 * 3;
    for (size_t start = 0; start < len; start += step) {
        size_t n = len - start < step ? len - start : step;
        const uint8_t *p = in + start;
        size_t q = n / 3, v = 0, done = 0;
#ifdef OLMPY_X86
        if (has_ssse3()) {
            done = unpack_ssse3(p, n, vals) / 3;
            v = 4 * done;
        }
#elif defined(OLMPY_ARM64)
        if (use_neon()) {
            done = unpack_neon(p, n, vals) / 3;
            v = 4 * done;
        }
#endif
        for (size_t i = done; i < q; i++) {
            uint32_t w = (uint32_t)p[3 * i] << 16 | (uint32_t)p[3 * i + 1] << 8 | p[3 * i + 2];
            vals[v] = (uint8_t)(w >> 18);
            vals[v + 1] = (uint8_t)((w >> 12) & 63);
            vals[v + 2] = (uint8_t)((w >> 6) & 63);
            vals[v + 3] = (uint8_t)(w & 63);
            v += 4;
        }
        if (n % 3 == 1) {
            vals[v++] = p[3 * q] >> 2;
            vals[v++] = (uint8_t)((p[3 * q] & 3) << 4);
        } else if (n % 3 == 2) {
            vals[v++] = p[3 * q] >> 2;
            vals[v++] = (uint8_t)((p[3 * q] & 3) << 4 | p[3 * q + 1] >> 4);
            vals[v++] = (uint8_t)((p[3 * q + 1] & 15) << 2);
        }
        map_values(vals, v, out + o);
        o += v;
    }
    olmpy_wipe(vals, sizeof vals);
    return o;
}
