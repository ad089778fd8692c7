/* PK encryption (libolm's PkEncryption / PkDecryption, the scheme of
 * m.megolm_backup.v1.curve25519-aes-sha2) in one call each way.
 *
 *   shared = X25519(ephemeral secret, recipient) (all-zero refused)
 *   aes key 32 | mac key 32 | iv 16 = HKDF-SHA-256(zero salt, shared, "", 80)
 *   ciphertext = AES-256-CBC + PKCS#7
 *   mac = HMAC-SHA-256(mac key, "")[:8]   -- over the empty string, as every peer does
 *
 * Decryption checks the MAC (constant time) before it decrypts anything.
 */
#include "olmpy_internal.h"

static const uint8_t PK_INFO[] = "";
static const uint8_t EMPTY[1];

long olmpy_pk_encrypt(const uint8_t *eph_secret, const uint8_t *recipient, const uint8_t *pt,
                      size_t ptlen, uint8_t *eph_public, uint8_t *mac, uint8_t *ct)
{
    uint8_t shared[32], tag[32];
    int rc = olmpy_x25519(eph_secret, recipient, shared);
    if (rc != 0) {
        return rc;
    }
    rc = olmpy_x25519_public_batch(eph_secret, 1, eph_public);
    if (rc != 0) {
        olmpy_wipe(shared, sizeof shared);
        return rc;
    }
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(shared, 32, PK_INFO, 0, &keys);
    olmpy_wipe(shared, sizeof shared);
    long n = olmpy_aes256_cbc_encrypt(keys.aes, keys.iv, pt, ptlen, ct);
    olmpy_hmac_sha256(keys.mac, 32, EMPTY, 0, tag);
    memcpy(mac, tag, 8);
    olmpy_wipe(tag, sizeof tag);
    olmpy_wipe(&keys, sizeof keys);
    return n;
}

long olmpy_pk_decrypt(const uint8_t *secret, const uint8_t *eph_public, const uint8_t *ct,
                      size_t ctlen, const uint8_t *mac, size_t maclen, uint8_t *out)
{
    uint8_t shared[32], tag[32];
    int rc = olmpy_x25519(secret, eph_public, shared);
    if (rc != 0) {
        return rc;
    }
    olmpy_cipher_keys keys;
    olmpy_derive_cipher_keys(shared, 32, PK_INFO, 0, &keys);
    olmpy_wipe(shared, sizeof shared);
    olmpy_hmac_sha256(keys.mac, 32, EMPTY, 0, tag);
    long result;
    if (maclen != 8 || !olmpy_ct_equal(tag, mac, 8)) {
        result = OLMPY_E_MAC;
    } else if (ctlen == 0 || ctlen % 16 != 0) {
        result = OLMPY_E_CIPHERTEXT;
    } else {
        result = olmpy_aes256_cbc_decrypt(keys.aes, keys.iv, ct, ctlen, out);
    }
    olmpy_wipe(tag, sizeof tag);
    olmpy_wipe(&keys, sizeof keys);
    return result;
}
