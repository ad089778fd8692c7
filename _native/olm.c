/* The symmetric half of Olm: chain-key steps, message keys, and the normal
 * message (v3) with its cipher and MAC.  The ratchet's Diffie-Hellman steps
 * and session bookkeeping live in Python (olmpy/olm/session.py); everything
 * per message is here, in one call each way.
 *
 * Chain state (36 bytes): chain key || index (u32 big-endian).
 */
#include "olmpy_internal.h"

#define MAC_LEN 8

static const uint8_t OLM_KEYS[] = "OLM_KEYS";

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02) */
static void chain_step(uint8_t *ck, uint8_t *message_key)
{
    static const uint8_t tags[2] = {1, 2};
    uint8_t *outs[2] = {message_key, ck};
    olmpy_hmac32_tags(ck, tags, 2, outs);
}

int olmpy_olm_parse(const uint8_t *msg, size_t len, size_t *key_off, uint32_t *index,
                    size_t *ct_off, size_t *ct_len)
{
    if (len < 1)
        return OLMPY_E_DECODE;
    if (msg[0] != 0x03)
        return OLMPY_E_VERSION;
    if (len < 1 + MAC_LEN)
        return OLMPY_E_DECODE;
    const uint8_t *p = msg + 1, *end = msg + len - MAC_LEN;
    int have_key = 0, have_index = 0, have_ct = 0;
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
            if (field == 2) {
                if (have_index || v > 0xFFFFFFFFu)
                    return OLMPY_E_DECODE;
                *index = (uint32_t)v;
                have_index = 1;
            } else if (field == 1 || field == 4) {
                return OLMPY_E_DECODE; /* known fields with the wrong wire type */
            }
        } else if (wire == 2) {
            n = olmpy_get_varint(p, end, &v);
            if (!n)
                return OLMPY_E_DECODE;
            p += n;
            if (v > (uint64_t)(end - p))
                return OLMPY_E_DECODE;
            if (field == 1) {
                if (have_key || v != 32)
                    return OLMPY_E_DECODE;
                *key_off = (size_t)(p - msg);
                have_key = 1;
            } else if (field == 4) {
                if (have_ct)
                    return OLMPY_E_DECODE;
                *ct_off = (size_t)(p - msg);
                *ct_len = (size_t)v;
                have_ct = 1;
            } else if (field == 2) {
                return OLMPY_E_DECODE;
            }
            p += v;
        } else {
            return OLMPY_E_DECODE;
        }
    }
    if (!have_key || !have_index || !have_ct)
        return OLMPY_E_DECODE;
    return 0;
}

long olmpy_olm_encrypt(uint8_t *chain, const uint8_t *ratchet_key, const uint8_t *pt,
                       size_t ptlen, uint8_t *out, size_t outcap)
{
    uint32_t index = get_u32(chain + 32);
    size_t ctlen = (ptlen / 16 + 1) * 16;
    if (outcap < ptlen + 16 + 64)
        return OLMPY_E_ARGUMENT;
    uint8_t ck[32], mk[32];
    memcpy(ck, chain, 32);
    chain_step(ck, mk);
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(mk, 32, OLM_KEYS, sizeof OLM_KEYS - 1, &keys);
    uint8_t *p = out;
    *p++ = 0x03;
    *p++ = 0x0A;
    *p++ = 0x20;
    memcpy(p, ratchet_key, 32);
    p += 32;
    *p++ = 0x10;
    p = olmpy_put_varint(p, index);
    *p++ = 0x22;
    p = olmpy_put_varint(p, ctlen);
    olmpy_hmac_ctx hmac;
    olmpy_hmac_init(&hmac, keys.mac, 32);
    olmpy_sha256_update(&hmac.inner, out, (size_t)(p - out));
    long n = olmpy_aes256_cbc_encrypt_hash(keys.aes, keys.iv, pt, ptlen, p, &hmac.inner);
    if (n < 0) {
        olmpy_wipe(&keys, sizeof keys);
        olmpy_wipe(&hmac, sizeof hmac);
        olmpy_wipe(ck, sizeof ck);
        olmpy_wipe(mk, sizeof mk);
        return n;
    }
    p += n;
    uint8_t mac[32];
    olmpy_sha256_final(&hmac.inner, mac);
    olmpy_sha256_update(&hmac.outer, mac, 32);
    olmpy_sha256_final(&hmac.outer, mac);
    memcpy(p, mac, MAC_LEN);
    p += MAC_LEN;
    memcpy(chain, ck, 32);
    put_u32(chain + 32, index + 1);
    olmpy_wipe(&keys, sizeof keys);
    olmpy_wipe(&hmac, sizeof hmac);
    olmpy_wipe(ck, sizeof ck);
    olmpy_wipe(mk, sizeof mk);
    return (long)(p - out);
}

int olmpy_olm_chain_keys(const uint8_t *chain, uint32_t target, uint32_t keep, uint8_t *keys,
                         uint8_t *next_chain)
{
    uint32_t index = get_u32(chain + 32);
    if (target < index)
        return OLMPY_E_ARGUMENT;
    uint8_t ck[32], mk[32];
    memcpy(ck, chain, 32);
    uint64_t count = (uint64_t)target - index + 1;
    uint64_t first_kept = count > keep ? count - keep : 0;
    for (uint64_t i = 0; i < count; i++) {
        chain_step(ck, mk);
        if (i >= first_kept)
            memcpy(keys + 32 * (i - first_kept), mk, 32);
    }
    memcpy(next_chain, ck, 32);
    put_u32(next_chain + 32, target + 1);
    olmpy_wipe(ck, sizeof ck);
    olmpy_wipe(mk, sizeof mk);
    return (int)(count < keep ? count : keep);
}

long olmpy_olm_decrypt_message(const uint8_t *message_key, const uint8_t *msg, size_t len,
                               uint8_t *out)
{
    size_t key_off = 0, ct_off = 0, ct_len = 0;
    uint32_t index = 0;
    int rc = olmpy_olm_parse(msg, len, &key_off, &index, &ct_off, &ct_len);
    if (rc < 0)
        return rc;
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(message_key, 32, OLM_KEYS, sizeof OLM_KEYS - 1, &keys);
    uint8_t mac[32];
    olmpy_hmac_sha256(keys.mac, 32, msg, len - MAC_LEN, mac);
    long n;
    if (!olmpy_ct_equal(mac, msg + len - MAC_LEN, MAC_LEN))
        n = OLMPY_E_MAC;
    else
        n = olmpy_aes256_cbc_decrypt(keys.aes, keys.iv, msg + ct_off, ct_len, out);
    olmpy_wipe(&keys, sizeof keys);
    return n;
}

long olmpy_olm_decrypt_next(uint8_t *chain, const uint8_t *msg, size_t len, uint8_t *out)
{
    uint8_t ck[32], mk[32];
    memcpy(ck, chain, 32);
    chain_step(ck, mk);
    long n = olmpy_olm_decrypt_message(mk, msg, len, out);
    if (n >= 0) {
        memcpy(chain, ck, 32);
        put_u32(chain + 32, get_u32(chain + 32) + 1);
    }
    olmpy_wipe(ck, sizeof ck);
    olmpy_wipe(mk, sizeof mk);
    return n;
}
