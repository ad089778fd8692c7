/* Secret-independence check of the native decoders under valgrind (the ctgrind method):
 * secrets are marked undefined, so memcheck reports any branch or memory address that
 * depends on them inside olmpy_hex_decode, olmpy_recovery_key_decode and
 * olmpy_recovery_key_encode.  Outputs are marked defined before the harness looks at
 * them.  Built and run by tests/test_ct_decoders.py. */
#include <stdio.h>
#include <valgrind/memcheck.h>

#include "olmpy_internal.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int decode(const char *text, size_t n, uint8_t *raw, size_t *info)
{
    uint8_t copy[128];
    memcpy(copy, text, n);
    SECRET(copy, n); /* every character, the spaces included */
    long flags = olmpy_recovery_key_decode(copy, n, raw, info);
    PUBLIC(&flags, sizeof flags);
    PUBLIC(info, 3 * sizeof *info);
    PUBLIC(raw, 35);
    return (int)flags;
}

static long hex(const char *digits, size_t n, uint8_t *out)
{
    uint8_t copy[128];
    memcpy(copy, digits, n);
    SECRET(copy, n);
    long rc = olmpy_hex_decode(copy, n, out);
    PUBLIC(&rc, sizeof rc);
    PUBLIC(out, n / 2);
    return rc;
}

int main(void)
{
    int failures = 0;
    for (int round = 0; round < 4; round++) {
        uint8_t key[32], raw[35], out[64];
        for (int i = 0; i < 32; i++) key[i] = (uint8_t)(round == 0 ? 0 : i * 37 + 11 * round);
        char text[48], spaced[64];
        SECRET(key, 32);
        olmpy_recovery_key_encode(key, text);
        PUBLIC(key, 32);
        PUBLIC(text, 48);
        size_t n = 0, info[3];
        for (int i = 0; i < 48; i++) {
            spaced[n++] = text[i];
            if (i % 4 == 3 && i < 47) spaced[n++] = (char)(round == 2 ? '\t' : ' ');
        }
        int flags = decode(spaced, n, raw, info);
        failures += !(flags == 3 && info[0] == n && info[1] == 48 && info[2] == 35 &&
                      memcmp(raw + 2, key, 32) == 0);
        spaced[5] = '0'; /* not base58 */
        decode(spaced, n, raw, info);
        failures += !(info[0] == 5 && info[2] == 0);
        spaced[5] = text[4] == 'z' ? 'y' : 'z'; /* a mistyped character: parity */
        decode(spaced, n, raw, info);
        char digits[64];
        for (int i = 0; i < 64; i++) digits[i] = "0123456789abcdef"[(i * 7 + round) % 16];
        failures += hex(digits, 64, out) != 32;
        digits[9] = 'G';
        failures += hex(digits, 64, out) >= 0;
    }
    printf("%s\n", failures ? "wrong results" : "ok");
    return failures != 0;
}
