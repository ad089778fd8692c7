/* Matrix recovery keys: 0x8B 0x01 | key (32) | parity (XOR of the 34 bytes before it), in
 * base58 (Bitcoin alphabet), 48 characters.  SPEC.md section 16.
 *
 * Both directions are branch-free on the key.  Character values come from the character
 * code by range masks (no alphabet table); decoding does a fixed-width multiply-add over
 * all twelve 32-bit limbs for every character of the text (a whitespace or bad character
 * multiplies by 1 and adds 0), so the work depends on the text's length alone; the
 * decoded length, prefix and parity checks are computed with masks, and only their
 * outcomes are returned.  Encoding divides the fixed 35-byte number by 58 forty-eight
 * times with a multiply-shift (no division instruction), always over every byte.
 *
 * What a caller learns is what it reports: the position of the first character that is
 * neither base58 nor whitespace, the count of base58 characters, the decoded length and
 * whether prefix and parity match.  For a well-formed key these depend on the layout of
 * the text (where the spaces are), not on the key.
 */
#include "olmpy_internal.h"

#define B58_LIMBS 12 /* 384 bits: 58^64 < 2^375, so 64 characters never overflow */
#define B58_MAX_CHARS 64
#define B58_BYTES (4 * B58_LIMBS)
#define RECOVERY_RAW 35

/* All ones when lo <= c <= hi, else zero (c, lo, hi < 2^31). */
static uint32_t in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
    return (((c - lo) | (hi - c)) >> 31) - 1u;
}

/* All ones when a == b, else zero. */
static uint32_t equal(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    return ((x | (0u - x)) >> 31) - 1u;
}

/* The base58 value of c, and in *digit all ones when c is in the alphabet. */
static uint32_t b58_value(uint32_t c, uint32_t *digit)
{
    uint32_t m1 = in_range(c, '1', '9'), m2 = in_range(c, 'A', 'H');
    uint32_t m3 = in_range(c, 'J', 'N'), m4 = in_range(c, 'P', 'Z');
    uint32_t m5 = in_range(c, 'a', 'k'), m6 = in_range(c, 'm', 'z');
    *digit = m1 | m2 | m3 | m4 | m5 | m6;
    return ((c - 49u) & m1) | ((c - 56u) & m2) | ((c - 57u) & m3) | ((c - 58u) & m4) |
           ((c - 64u) & m5) | ((c - 65u) & m6);
}

/* The character for a base58 value d (0..57). */
static char b58_char(uint32_t d)
{
    uint32_t c = d + 49u + 7u * ((8u - d) >> 31) + ((16u - d) >> 31) + ((21u - d) >> 31) +
                 6u * ((32u - d) >> 31) + ((43u - d) >> 31);
    return (char)c;
}

long olmpy_recovery_key_decode(const uint8_t *text, size_t len, uint8_t *raw, size_t *info)
{
    uint32_t acc[B58_LIMBS] = {0};
    size_t first_bad = len, found = 0, count = 0, zeros = 0;
    uint32_t lead = 0xFFFFFFFFu; /* still among the leading '1's (zero digits) */
    for (size_t i = 0; i < len; i++) {
        uint32_t c = text[i], digit;
        uint32_t v = b58_value(c, &digit);
        uint32_t space = in_range(c, 9, 13) | in_range(c, 28, 32); /* str.isspace in ASCII */
        size_t bad = (size_t)0 - (size_t)(~(digit | space) & 1u);
        first_bad = (first_bad & ~(bad & ~found)) | (i & bad & ~found);
        found |= bad;
        count += digit & 1u;
        uint32_t zero = digit & equal(v, 0);
        zeros += lead & zero & 1u;
        lead &= ~digit | zero;
        uint64_t mult = 1u + (57u & digit), carry = v & digit;
        for (int j = 0; j < B58_LIMBS; j++) {
            uint64_t t = (uint64_t)acc[j] * mult + carry;
            acc[j] = (uint32_t)t;
            carry = t >> 32;
        }
    }
    uint8_t be[B58_BYTES];
    for (int j = 0; j < B58_LIMBS; j++) {
        for (int k = 0; k < 4; k++) {
            be[B58_BYTES - 1 - 4 * j - k] = (uint8_t)(acc[j] >> (8 * k));
        }
    }
    uint32_t seen = 0;
    size_t leading = 0; /* zero bytes before the number's first */
    for (int i = 0; i < B58_BYTES; i++) {
        seen |= (0u - (uint32_t)be[i]) >> 31;
        leading += 1u - seen;
    }
    size_t decoded = zeros + (B58_BYTES - leading);
    size_t over = (count - 1) / B58_MAX_CHARS; /* 0 exactly when count is 1..64 */
    size_t valid = ~found & (((over | ((size_t)0 - over)) >> (8 * sizeof(size_t) - 1)) - 1);
    decoded &= valid;
    size_t off = decoded ^ RECOVERY_RAW;
    uint32_t is_raw = (uint32_t)(((off | ((size_t)0 - off)) >> (8 * sizeof(size_t) - 1)) - 1);
    uint32_t parity = 0;
    for (int i = 0; i < RECOVERY_RAW; i++) {
        raw[i] = (uint8_t)(be[B58_BYTES - RECOVERY_RAW + i] & is_raw);
        parity ^= raw[i];
    }
    uint32_t prefix_ok = equal(raw[0], 0x8b) & equal(raw[1], 0x01) & is_raw;
    uint32_t parity_ok = equal(parity, 0) & is_raw;
    info[0] = first_bad;
    info[1] = count;
    info[2] = decoded;
    olmpy_wipe(acc, sizeof acc);
    olmpy_wipe(be, sizeof be);
    return (long)((prefix_ok & 1u) | ((parity_ok & 1u) << 1));
}

void olmpy_recovery_key_encode(const uint8_t *key, char *out)
{
    uint8_t work[RECOVERY_RAW];
    work[0] = 0x8b;
    work[1] = 0x01;
    memcpy(work + 2, key, 32);
    uint8_t parity = 0;
    for (int i = 0; i < RECOVERY_RAW - 1; i++) {
        parity ^= work[i];
    }
    work[RECOVERY_RAW - 1] = parity;
    /* 0x8B01... lies in [58^47, 58^48): exactly 48 digits, most significant first. */
    for (int d = 47; d >= 0; d--) {
        uint32_t r = 0;
        for (int i = 0; i < RECOVERY_RAW; i++) {
            uint32_t x = (r << 8) | work[i]; /* < 58 * 256 */
            uint32_t q = (x * 565u) >> 15;    /* x / 58 for every x below 14848 */
            r = x - 58u * q;
            work[i] = (uint8_t)q;
        }
        out[d] = b58_char(r);
    }
    olmpy_wipe(work, sizeof work);
    olmpy_wipe(&parity, sizeof parity);
}
