/* The symmetric half of Megolm: the ratchet, the v1 message format, and
 * whole-message encrypt and decrypt (signatures through core.c).
 *
 * State layout (132 bytes): R0 || R1 || R2 || R3 || counter as u32 BE, the
 * same order as libolm's pickles.  Decrypt works on copies and writes back
 * only once every check has passed.
 */
#include "olmpy_internal.h"

#define PART 32
#define MAC_LEN 8
#define SIG_LEN 64

static const uint8_t MEGOLM_KEYS[] = "MEGOLM_KEYS";

static uint32_t get_counter(const uint8_t *state)
{
    const uint8_t *c = state + 128;
    return (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
}

static void set_counter(uint8_t *state, uint32_t v)
{
    uint8_t *c = state + 128;
    c[0] = (uint8_t)(v >> 24);
    c[1] = (uint8_t)(v >> 16);
    c[2] = (uint8_t)(v >> 8);
    c[3] = (uint8_t)v;
}

/* Re-derives R_h..R_3 from R_h, R_h itself last. */
static void rehash_from(uint8_t *state, int h)
{
    static const uint8_t tags[4] = {3, 2, 1, 0};
    uint8_t *outs[4];
    size_t n = 0;
    for (int k = 3; k >= h; k--)
        outs[n++] = state + PART * k;
    olmpy_hmac32_tags(state + PART * h, tags, n, outs);
}

void olmpy_megolm_advance(uint8_t *state)
{
    uint32_t c = get_counter(state) + 1;
    int h = 3;
    if ((c & 0xFFFFFF) == 0)
        h = 0;
    else if ((c & 0xFFFF) == 0)
        h = 1;
    else if ((c & 0xFF) == 0)
        h = 2;
    rehash_from(state, h);
    set_counter(state, c);
}

void olmpy_megolm_advance_to(uint8_t *state, uint32_t target)
{
    uint32_t counter = get_counter(state);
    for (int j = 0; j < 4; j++) {
        int shift = (3 - j) * 8;
        uint32_t mask = (~(uint32_t)0) << shift;
        unsigned steps = ((target >> shift) - (counter >> shift)) & 0xFF;
        if (steps == 0) {
            /* Same byte but target below counter: the counter has to wrap,
             * which only the top part can need (later parts are reset). */
            if (target < counter)
                steps = 0x100;
            else
                continue;
        }
        if (steps > 1) {
            uint8_t tag = (uint8_t)j;
            uint8_t *self = state + PART * j;
            for (; steps > 1; steps--)
                olmpy_hmac32_tags(self, &tag, 1, &self);
        }
        rehash_from(state, j);
        counter = target & mask;
    }
    set_counter(state, counter);
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

uint8_t *olmpy_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* Reads a LEB128 varint of at most 10 bytes; returns the bytes used or 0. */
size_t olmpy_get_varint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 10 && p + i < end; i++) {
        v |= (uint64_t)(p[i] & 0x7F) << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i == 9 && p[i] > 1)
                return 0;
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

long olmpy_megolm_encrypt(uint8_t *state, const uint8_t *key, const uint8_t *pt,
                          size_t ptlen, uint8_t *out, size_t outcap)
{
    uint32_t index = get_counter(state);
    size_t ctlen = (ptlen / 16 + 1) * 16;
    size_t head = 1 + 1 + varint_len(index) + 1 + varint_len(ctlen);
    size_t total = head + ctlen + MAC_LEN + SIG_LEN;
    if (outcap < total)
        return OLMPY_E_ARGUMENT;
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(state, 128, MEGOLM_KEYS, sizeof MEGOLM_KEYS - 1, &keys);
    uint8_t *p = out;
    *p++ = 0x03;
    *p++ = 0x08;
    p = olmpy_put_varint(p, index);
    *p++ = 0x12;
    p = olmpy_put_varint(p, ctlen);
    /* The MAC's inner hash runs alongside the encryption (one pass over the data). */
    olmpy_hmac_ctx hmac;
    olmpy_hmac_init(&hmac, keys.mac, 32);
    olmpy_sha256_update(&hmac.inner, out, (size_t)(p - out));
    long n = olmpy_aes256_cbc_encrypt_hash(keys.aes, keys.iv, pt, ptlen, p, &hmac.inner);
    if (n < 0) {
        olmpy_wipe(&keys, sizeof keys);
        olmpy_wipe(&hmac, sizeof hmac);
        return n;
    }
    p += n;
    uint8_t mac[32];
    olmpy_sha256_final(&hmac.inner, mac);
    olmpy_sha256_update(&hmac.outer, mac, 32);
    olmpy_sha256_final(&hmac.outer, mac);
    olmpy_wipe(&hmac, sizeof hmac);
    memcpy(p, mac, MAC_LEN);
    p += MAC_LEN;
    olmpy_wipe(&keys, sizeof keys);
    int rc = olmpy_ed25519_sign(key, out, (size_t)(p - out), p);
    if (rc < 0)
        return rc;
    olmpy_megolm_advance(state);
    return (long)total;
}

typedef struct {
    uint32_t index;
    const uint8_t *ct;
    size_t ctlen;
    size_t maclen;
} parsed_message;

static int parse_message(const uint8_t *msg, size_t len, int with_signature,
                         parsed_message *pm)
{
    size_t trailer = MAC_LEN + (with_signature ? SIG_LEN : 0);
    if (len < 1)
        return OLMPY_E_DECODE;
    if (msg[0] != 0x03)
        return OLMPY_E_VERSION;
    if (len < 1 + trailer)
        return OLMPY_E_DECODE;
    const uint8_t *p = msg + 1, *end = msg + len - trailer;
    int have_index = 0, have_ct = 0;
    while (p < end) {
        uint64_t key, v;
        size_t n = olmpy_get_varint(p, end, &key);
        if (!n)
            return OLMPY_E_DECODE;
        p += n;
        unsigned wire = key & 7;
        uint64_t field = key >> 3;
        if (wire == 0) {
            n = olmpy_get_varint(p, end, &v);
            if (!n)
                return OLMPY_E_DECODE;
            p += n;
            if (field == 1) {
                if (have_index || v > 0xFFFFFFFFu)
                    return OLMPY_E_DECODE;
                pm->index = (uint32_t)v;
                have_index = 1;
            }
        } else if (wire == 2) {
            n = olmpy_get_varint(p, end, &v);
            if (!n)
                return OLMPY_E_DECODE;
            p += n;
            if (v > (uint64_t)(end - p))
                return OLMPY_E_DECODE;
            if (field == 2) {
                if (have_ct)
                    return OLMPY_E_DECODE;
                pm->ct = p;
                pm->ctlen = (size_t)v;
                have_ct = 1;
            }
            p += v;
        } else {
            return OLMPY_E_DECODE;
        }
    }
    if (!have_index || !have_ct)
        return OLMPY_E_DECODE;
    pm->maclen = len - trailer;
    return 0;
}

int olmpy_megolm_parse(const uint8_t *msg, size_t msglen, uint32_t *index,
                       size_t *ct_offset, size_t *ct_len)
{
    parsed_message pm = {0, NULL, 0, 0};
    int rc = parse_message(msg, msglen, 1, &pm);
    if (rc < 0)
        return rc;
    *index = pm.index;
    *ct_offset = (size_t)(pm.ct - msg);
    *ct_len = pm.ctlen;
    return 0;
}

long olmpy_megolm_decrypt(const uint8_t *initial, uint8_t *latest, const uint8_t *pub,
                          const uint8_t *msg, size_t msglen, int check_signature,
                          const void *vkey, uint8_t *out, uint32_t *index)
{
    parsed_message pm = {0, NULL, 0, 0};
    int rc = parse_message(msg, msglen, 1, &pm);
    if (rc < 0)
        return rc;
    *index = pm.index;
    if (check_signature) {
        if (vkey)
            rc = olmpy_ed25519_vkey_verify(vkey, msg, msglen - SIG_LEN, msg + msglen - SIG_LEN);
        else
            rc = olmpy_ed25519_verify(pub, msg, msglen - SIG_LEN, msg + msglen - SIG_LEN);
        if (rc < 0)
            return rc;
    }
    uint32_t init_c = get_counter(initial), latest_c = get_counter(latest);
    uint8_t work[OLMPY_MEGOLM_STATE_LEN];
    /* Indexes compare modulo 2**32 over half the range, as libolm does, so a
     * session follows its sender across the u32 wrap. */
    uint32_t ahead_of_latest = pm.index - latest_c;
    if (ahead_of_latest < 0x80000000u)
        memcpy(work, latest, sizeof work);
    else if ((uint32_t)(pm.index - init_c) < 0x80000000u)
        memcpy(work, initial, sizeof work);
    else
        return OLMPY_E_UNKNOWN_INDEX;
    olmpy_megolm_advance_to(work, pm.index);
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(work, 128, MEGOLM_KEYS, sizeof MEGOLM_KEYS - 1, &keys);
    uint8_t mac[32];
    olmpy_hmac_sha256(keys.mac, 32, msg, pm.maclen, mac);
    long n;
    if (!olmpy_ct_equal(mac, msg + pm.maclen, MAC_LEN)) {
        n = OLMPY_E_MAC;
    } else {
        n = olmpy_aes256_cbc_decrypt(keys.aes, keys.iv, pm.ct, pm.ctlen, out);
        if (n >= 0 && ahead_of_latest != 0 && ahead_of_latest < 0x80000000u)
            memcpy(latest, work, sizeof work);
    }
    olmpy_wipe(&keys, sizeof keys);
    olmpy_wipe(work, sizeof work);
    return n;
}
