/* Pickle sealing in one call each way, and the two text rewrites that let
 * Python's C JSON codec handle vodozemac's byte arrays quickly.
 *
 * Sealing (libolm's format, which vodozemac reuses): keys = HKDF(zero salt,
 * pickle key, "Pickle", 80); AES-256-CBC + PKCS#7 under keys.aes / keys.iv;
 * the first 8 bytes of HMAC-SHA-256(keys.mac, ciphertext) appended; unpadded
 * base64 of the whole.
 *
 * The JSON rewrites: vodozemac writes every byte string as a JSON array of
 * decimal integers, which costs Python one int object per byte.  Before
 * parsing, olmpy_json_arrays_to_hex turns each array of integers 0..255 into
 * the string "\u0000" + lowercase hex; before writing, olmpy_json_hex_to_arrays
 * turns such strings back into arrays.  Anything else (other arrays, strings,
 * invalid JSON) is copied unchanged, so the JSON parser still judges it, except
 * that a string already starting with \u0000 gets a second one: no string of the
 * input can pass for a marked byte string.
 *
 * Timing: the decimal form's length depends on each byte's value.  Writing it
 * (hex_to_arrays) is branch-free per byte; only the store offsets follow the
 * digit counts.  Reading it (arrays_to_hex) branches on each number's digit
 * count and on whether it is a lone 0, so a local timing observer could learn
 * per-byte digit counts (about 1.2 bits a random byte), more than the total length
 * shows; any JSON parser, vodozemac's serde_json included, leaks as much.
 * Digit and hex values themselves go through arithmetic, not tables; so does
 * olmpy_hex_decode, which turns the marked strings back into bytes once Python has
 * parsed the JSON (one call per pickle).
 */
#include "olmpy_internal.h"

static const uint8_t PICKLE_INFO[] = "Pickle";

static size_t b64_len(size_t n) { return (n * 4 + 2) / 3; }

size_t olmpy_pickle_sealed_len(size_t rawlen)
{
    return b64_len((rawlen / 16 + 1) * 16 + 8);
}

long olmpy_pickle_seal(const uint8_t *key, size_t keylen, const uint8_t *raw, size_t rawlen,
                       char *out, size_t outcap)
{
    size_t ctlen = (rawlen / 16 + 1) * 16;
    if (outcap < b64_len(ctlen + 8) + 4) {
        return OLMPY_E_ARGUMENT;
    }
    uint8_t *ct = malloc(ctlen + 8);
    if (ct == NULL) {
        return OLMPY_E_NOMEM;
    }
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(key, keylen, PICKLE_INFO, 6, &keys);
    long n = olmpy_aes256_cbc_encrypt(keys.aes, keys.iv, raw, rawlen, ct);
    if (n < 0) {
        olmpy_wipe(&keys, sizeof keys);
        free(ct);
        return n;
    }
    uint8_t mac[32];
    olmpy_hmac_sha256(keys.mac, 32, ct, (size_t)n, mac);
    memcpy(ct + n, mac, 8);
    size_t written = olmpy_b64_encode(ct, (size_t)n + 8, out);
    olmpy_wipe(&keys, sizeof keys);
    free(ct);
    return (long)written;
}

long olmpy_pickle_open(const uint8_t *key, size_t keylen, const char *text, size_t textlen,
                       uint8_t *out, size_t outcap)
{
    size_t cap = textlen / 4 * 3 + 16;
    uint8_t *data = malloc(cap);
    if (data == NULL) {
        return OLMPY_E_NOMEM;
    }
    long n = olmpy_b64_decode(text, textlen, data);
    if (n < 0) {
        free(data);
        return OLMPY_E_DECODE;
    }
    if (n < 24 || (n - 8) % 16 != 0 || outcap < (size_t)n - 8) {
        free(data);
        return OLMPY_E_ARGUMENT;
    }
    size_t ctlen = (size_t)n - 8;
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(key, keylen, PICKLE_INFO, 6, &keys);
    uint8_t mac[32];
    olmpy_hmac_sha256(keys.mac, 32, data, ctlen, mac);
    long result;
    if (!olmpy_ct_equal(mac, data + ctlen, 8)) {
        result = OLMPY_E_MAC;
    } else {
        result = olmpy_aes256_cbc_decrypt(keys.aes, keys.iv, data, ctlen, out);
    }
    olmpy_wipe(&keys, sizeof keys);
    free(data);
    return result;
}

/* --- JSON byte arrays <-> marked hex strings -------------------------------------------- */

static int is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Copies the JSON string starting at in[i] == '"' (escapes included); returns the
 * index after it, or len if it is unterminated. */
static size_t copy_string(const uint8_t *in, size_t len, size_t i, uint8_t *out, size_t *o)
{
    size_t start = i++;
    while (i < len && in[i] != '"') {
        i += (in[i] == '\\') ? 2 : 1;
    }
    i = (i < len) ? i + 1 : len;
    memcpy(out + *o, in + start, i - start);
    *o += i - start;
    return i;
}

static uint8_t hex_digit(unsigned v)
{
    /* 0..9 -> '0'..'9', 10..15 -> 'a'..'f', without a branch or a table. */
    return (uint8_t)(v + '0' + (((9u - v) >> 8) & 39u));
}

size_t olmpy_json_arrays_to_hex(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        uint8_t c = in[i];
        if (c == '"') {
            /* A string that itself starts with \u0000 gets a second one, so it can never
             * pass for a marked byte string (whose hex digits follow one \u0000). */
            size_t mark = o;
            int nul_first = len - i >= 7 && memcmp(in + i, "\"\\u0000", 7) == 0;
            i = copy_string(in, len, i, out, &o);
            if (nul_first) {
                memmove(out + mark + 7, out + mark + 1, o - mark - 1);
                memcpy(out + mark + 1, "\\u0000", 6);
                o += 6;
            }
            continue;
        }
        if (c != '[') {
            out[o++] = c;
            i++;
            continue;
        }
        /* Try an array of integers 0..255, writing hex after a tentative marker. */
        size_t j = i + 1, h = o + 7;
        int ok = 0;
        for (;;) {
            while (j < len && is_ws(in[j])) j++;
            if (j >= len || in[j] < '0' || in[j] > '9') break;
            unsigned v = 0, digits = 0;
            if (in[j] == '0') {
                j++;
                digits = 1;
            } else {
                while (j < len && in[j] >= '0' && in[j] <= '9' && digits < 4) {
                    v = v * 10 + (unsigned)(in[j] - '0');
                    j++;
                    digits++;
                }
            }
            if (digits > 3 || v > 255 || (j < len && in[j] >= '0' && in[j] <= '9')) break;
            out[h++] = hex_digit(v >> 4);
            out[h++] = hex_digit(v & 15);
            while (j < len && is_ws(in[j])) j++;
            if (j < len && in[j] == ',') {
                j++;
                continue;
            }
            if (j < len && in[j] == ']') {
                ok = 1;
                j++;
            }
            break;
        }
        if (ok) {
            memcpy(out + o, "\"\\u0000", 7); /* the hex digits follow at o + 7 */
            out[h++] = '"';
            o = h;
            i = j;
        } else {
            out[o++] = '[';
            i++;
        }
    }
    return o;
}

/* v (0..255) in decimal without a branch: writes 3 bytes, returns how many count. */
static size_t put_decimal(uint8_t *out, unsigned v)
{
    unsigned ge10 = (9u - v) >> 31, ge100 = (99u - v) >> 31;
    unsigned m10 = 0u - ge10, m100 = 0u - ge100;
    unsigned c2 = '0' + v / 100, c1 = '0' + v / 10 % 10, c0 = '0' + v % 10;
    out[0] = (uint8_t)((c2 & m100) | (~m100 & ((c1 & m10) | (~m10 & c0))));
    out[1] = (uint8_t)((c1 & m100) | (~m100 & c0));
    out[2] = (uint8_t)c0;
    return 1 + ge10 + ge100;
}

static int hex_value(uint8_t c, unsigned *bad)
{
    unsigned d = (unsigned)c - '0', l = (unsigned)c - 'a';
    /* d < 10 and l < 6, as unsigned compares: below '0' or 'a' they wrap to a value
     * with the top bit set, which the second factor rules out. */
    unsigned is_d = ((d - 10u) >> 31) & (1u ^ (d >> 31));
    unsigned is_l = ((l - 6u) >> 31) & (1u ^ (l >> 31));
    *bad |= 1u ^ (is_d | is_l);
    return (int)((d & (0u - is_d)) | ((l + 10u) & (0u - is_l)));
}

long olmpy_hex_decode(const uint8_t *hex, size_t len, uint8_t *out)
{
    /* Every digit goes through hex_value's arithmetic (no table, no branch on its value);
     * a bad digit only sets a flag, so the loop runs the same for any digits of a given
     * length, and only the verdict is chosen from the flag, by a mask. */
    if (len % 2 != 0) {
        return OLMPY_E_DECODE; /* the length is public */
    }
    unsigned bad = 0;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned hi = (unsigned)hex_value(hex[2 * i], &bad);
        unsigned lo = (unsigned)hex_value(hex[2 * i + 1], &bad);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    long fail = -(long)(bad & 1u); /* all ones when a digit was bad */
    return ((long)(len / 2) & ~fail) | ((long)OLMPY_E_DECODE & fail);
}

size_t olmpy_json_hex_to_arrays(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        uint8_t c = in[i];
        if (c != '"') {
            out[o++] = c;
            i++;
            continue;
        }
        if (len - i >= 8 && memcmp(in + i, "\"\\u0000", 7) == 0) {
            size_t j = i + 7;
            while (j < len && in[j] != '"' && in[j] != '\\') j++;
            size_t n = j - (i + 7);
            if (j < len && in[j] == '"' && n % 2 == 0) {
                unsigned bad = 0;
                for (size_t k = i + 7; k < j; k++) hex_value(in[k], &bad);
                if (!bad) {
                    out[o++] = '[';
                    for (size_t k = i + 7; k < j; k += 2) {
                        unsigned dummy = 0;
                        unsigned v = (unsigned)(hex_value(in[k], &dummy) << 4 |
                                                hex_value(in[k + 1], &dummy));
                        o += put_decimal(out + o, v);
                        out[o++] = ',';
                    }
                    if (n) o--; /* the last comma */
                    out[o++] = ']';
                    i = j + 1;
                    continue;
                }
            }
        }
        i = copy_string(in, len, i, out, &o);
    }
    return o;
}

/* --- both steps in one call ------------------------------------------------------------- */

size_t olmpy_pickle_sealed_json_cap(size_t textlen)
{
    return olmpy_pickle_sealed_len(2 * textlen + 16) + 4;
}

long olmpy_pickle_seal_json(const uint8_t *key, size_t keylen, const uint8_t *text,
                            size_t textlen, char *out, size_t outcap)
{
    size_t cap = 2 * textlen + 16;
    uint8_t *json = olmpy_secret_alloc(cap);
    if (json == NULL) {
        return OLMPY_E_NOMEM;
    }
    size_t n = olmpy_json_hex_to_arrays(text, textlen, json);
    long written = olmpy_pickle_seal(key, keylen, json, n, out, outcap);
    olmpy_secret_free(json);
    return written;
}

long olmpy_pickle_open_json(const uint8_t *key, size_t keylen, const char *text,
                            size_t textlen, uint8_t *out, size_t outcap)
{
    size_t cap = textlen / 4 * 3 + 16;
    if (outcap < 4 * cap + 16) {
        return OLMPY_E_ARGUMENT;
    }
    uint8_t *raw = olmpy_secret_alloc(cap);
    if (raw == NULL) {
        return OLMPY_E_NOMEM;
    }
    long n = olmpy_pickle_open(key, keylen, text, textlen, raw, cap);
    if (n >= 0) {
        n = (long)olmpy_json_arrays_to_hex(raw, (size_t)n, out);
    }
    olmpy_secret_free(raw);
    return n;
}

/* --- vodozemac's InboundGroupSession pickle, in its exact serde layout ------------------ */

#define IGS_JSON_CAP 1024
static const char IGS_HEAD[] = "{\"initial_ratchet\":{\"inner\":[";
static const char IGS_COUNTER[] = "],\"counter\":";
static const char IGS_KEY[] = "},\"signing_key\":[";
static const char IGS_VERIFIED[] = "],\"signing_key_verified\":";
static const char IGS_TAIL[] = ",\"config\":{\"version\":\"V1\"}}";

static size_t put_literal(uint8_t *out, const char *lit)
{
    size_t n = strlen(lit);
    memcpy(out, lit, n);
    return n;
}

static size_t put_array(uint8_t *out, const uint8_t *data, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        o += put_decimal(out + o, data[i]);
        out[o++] = ',';
    }
    return o - 1; /* the last comma */
}

size_t olmpy_igs_vodozemac_cap(void)
{
    return olmpy_pickle_sealed_len(IGS_JSON_CAP) + 4;
}

long olmpy_igs_vodozemac_seal(const uint8_t *key, size_t keylen, const uint8_t *state,
                              const uint8_t *pub, int verified, char *out, size_t outcap)
{
    uint8_t json[IGS_JSON_CAP];
    size_t o = put_literal(json, IGS_HEAD);
    o += put_array(json + o, state, 128);
    o += put_literal(json + o, IGS_COUNTER);
    uint32_t counter = (uint32_t)state[128] << 24 | (uint32_t)state[129] << 16 |
                       (uint32_t)state[130] << 8 | state[131];
    char digits[11];
    int n = 0;
    do { /* the counter is public (the first known message index) */
        digits[n++] = (char)('0' + counter % 10);
        counter /= 10;
    } while (counter);
    while (n) json[o++] = (uint8_t)digits[--n];
    o += put_literal(json + o, IGS_KEY);
    o += put_array(json + o, pub, 32);
    o += put_literal(json + o, IGS_VERIFIED);
    o += put_literal(json + o, verified ? "true" : "false");
    o += put_literal(json + o, IGS_TAIL);
    long written = olmpy_pickle_seal(key, keylen, json, o, out, outcap);
    olmpy_wipe(json, sizeof json);
    return written;
}

static const uint8_t *take_literal(const uint8_t *p, const uint8_t *end, const char *lit)
{
    size_t n = strlen(lit);
    if (p == NULL || (size_t)(end - p) < n || memcmp(p, lit, n) != 0) return NULL;
    return p + n;
}

/* n comma-separated integers 0..255 (no leading zeros, no whitespace) into dst. */
static const uint8_t *take_array(const uint8_t *p, const uint8_t *end, uint8_t *dst, size_t n)
{
    for (size_t i = 0; p != NULL && i < n; i++) {
        if (i > 0) {
            p = (p < end && *p == ',') ? p + 1 : NULL;
            if (p == NULL) break;
        }
        if (p >= end || *p < '0' || *p > '9') return NULL;
        unsigned v = 0, digits = 0;
        if (*p == '0') {
            p++;
            digits = 1;
        } else {
            while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
                v = v * 10 + (unsigned)(*p - '0');
                p++;
                digits++;
            }
        }
        if (digits > 3 || v > 255 || (p < end && *p >= '0' && *p <= '9')) return NULL;
        dst[i] = (uint8_t)v;
    }
    return p;
}

long olmpy_igs_vodozemac_open(const uint8_t *key, size_t keylen, const char *text,
                              size_t textlen, uint8_t *state, uint8_t *pub, int *verified)
{
    size_t cap = textlen / 4 * 3 + 16;
    uint8_t *json = olmpy_secret_alloc(cap);
    if (json == NULL) return OLMPY_E_NOMEM;
    long n = olmpy_pickle_open(key, keylen, text, textlen, json, cap);
    if (n < 0) {
        olmpy_secret_free(json);
        return n;
    }
    const uint8_t *end = json + n, *p = take_literal(json, end, IGS_HEAD);
    uint8_t inner[128];
    p = p ? take_array(p, end, inner, 128) : NULL;
    p = take_literal(p, end, IGS_COUNTER);
    uint64_t counter = 0;
    int digits = 0;
    if (p != NULL && p < end && *p == '0') {
        p++;
        digits = 1;
    } else {
        while (p != NULL && p < end && *p >= '0' && *p <= '9' && digits < 11) {
            counter = counter * 10 + (uint64_t)(*p - '0');
            p++;
            digits++;
        }
    }
    if (digits == 0 || digits > 10 || counter > 0xFFFFFFFFu ||
        (p != NULL && p < end && *p >= '0' && *p <= '9'))
        p = NULL;
    p = take_literal(p, end, IGS_KEY);
    uint8_t key_bytes[32];
    p = p ? take_array(p, end, key_bytes, 32) : NULL;
    p = take_literal(p, end, IGS_VERIFIED);
    int flag = -1;
    if (take_literal(p, end, "true") != NULL) {
        flag = 1;
        p += 4;
    } else if (take_literal(p, end, "false") != NULL) {
        flag = 0;
        p += 5;
    } else {
        p = NULL;
    }
    p = take_literal(p, end, IGS_TAIL);
    long result = 1; /* opened, but not in the exact layout */
    if (p == end) {
        memcpy(state, inner, 128);
        state[128] = (uint8_t)(counter >> 24);
        state[129] = (uint8_t)(counter >> 16);
        state[130] = (uint8_t)(counter >> 8);
        state[131] = (uint8_t)counter;
        memcpy(pub, key_bytes, 32);
        *verified = flag;
        result = 0;
    }
    olmpy_wipe(inner, sizeof inner);
    olmpy_secret_free(json);
    return result;
}
