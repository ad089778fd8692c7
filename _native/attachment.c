/* Encrypted attachments: AES-256-CTR with WebCrypto's 64-bit counter, fused with
 * SHA-256 of the ciphertext in one pass over the data (issue 19).
 *
 * A file is cut into 64-byte pieces (one SHA-256 block, four AES blocks).  For
 * each piece the loop loads 64 bytes, XORs them with four keystream blocks that
 * were computed one piece ahead, stores the result, and compresses the
 * ciphertext - the input when decrypting, the output when encrypting - straight
 * from the registers.  SHA-256 is one long chain of dependent rounds; the AES
 * rounds of the next piece do not depend on it, so the out-of-order core runs
 * them in the chain's shadow and the pass costs about what hashing alone costs.
 *
 * The counter block is 8 fixed bytes then a big-endian 64-bit block counter
 * that wraps to zero without touching the fixed half (WebCrypto's length: 64).
 *
 * Only CPUs with both AES and SHA-256 instructions (x86 AES-NI + SHA-NI,
 * aarch64 AES + SHA2) take this path; elsewhere olmpy_attachment_init answers
 * OLMPY_E_NO_AES and the binding runs the pure twin (OpenSSL and hashlib).
 *
 * Constant time: the key only meets AES instructions; the data is XORed and
 * hashed, never used as an index or a branch condition.  The one verdict is the
 * hash comparison of olmpy_attachment_decrypt (olmpy_ct_equal, then a branch on
 * its result).
 *
 * Big outputs: a fresh multi-megabyte buffer costs a page fault per 4 KiB page on
 * first write, which on a virtual machine adds as much time as the hash itself.
 * Whole files from 4 MiB up are split over two threads on x86 (see split_start):
 * the caller only hashes, a helper writes the output with AES-CTR and takes the
 * faults.  Elsewhere (aarch64) a helper thread populates the output ahead of the
 * one-thread pass (MADV_POPULATE_WRITE: the kernel maps the pages, nothing is
 * written): the 4 KiB head, the huge-page interior, then the 4 KiB tail.
 */
#define _DEFAULT_SOURCE 1 /* madvise under -std=c11 */
#include "olmpy_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#define OLMPY_X86 1
#include <immintrin.h>
#include "sha256_shani.h"
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OLMPY_ARM64 1
#include <arm_neon.h>
#if defined(__clang__)
#define OLMPY_TARGET_CRYPTO __attribute__((target("aes,sha2")))
#else
#define OLMPY_TARGET_CRYPTO __attribute__((target("+crypto")))
#endif
#endif

#if defined(__linux__) && !defined(OLMPY_NO_PREFAULT)
#define OLMPY_PREFAULT 1
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#endif

typedef struct {
    uint8_t rk[240];      /* AES-256 round keys */
    uint8_t high[8];      /* the counter block's fixed half */
    uint64_t low;         /* the block counter at position 0 */
    uint64_t pos;         /* bytes processed so far */
    uint8_t ks[16];       /* keystream block pos / 16 once pos % 16 != 0 */
    olmpy_sha256_ctx sha; /* SHA-256 of the ciphertext so far */
} attach_state;

size_t olmpy_attachment_state_len(void)
{
    return sizeof(attach_state);
}

static int fused_available(void)
{
    return olmpy_has_aesni() && olmpy_has_shani();
}

int olmpy_attachment_available(void)
{
#if defined(OLMPY_X86) || defined(OLMPY_ARM64)
    return fused_available();
#else
    return 0;
#endif
}

int olmpy_attachment_init(uint8_t *state, const uint8_t *key, const uint8_t *iv)
{
    attach_state *s = (attach_state *)state;
    if (!olmpy_attachment_available())
        return OLMPY_E_NO_AES;
    if (olmpy_aes256_round_keys(key, s->rk) < 0)
        return OLMPY_E_NO_AES;
    memcpy(s->high, iv, 8);
    uint64_t low = 0;
    for (int i = 8; i < 16; i++)
        low = low << 8 | iv[i];
    s->low = low;
    s->pos = 0;
    memset(s->ks, 0, sizeof s->ks);
    olmpy_sha256_init(&s->sha);
    return 0;
}

/* ---- one keystream block at a time (the ragged head and tail of a call) ---- */

#ifdef OLMPY_X86
__attribute__((target("aes,sse4.1")))
static void keystream_block(const attach_state *s, uint64_t counter, uint8_t *out)
{
    const __m128i *rk = (const __m128i *)s->rk;
    uint64_t high;
    memcpy(&high, s->high, 8);
    __m128i x = _mm_set_epi64x((long long)__builtin_bswap64(counter), (long long)high);
    x = _mm_xor_si128(x, _mm_loadu_si128(&rk[0]));
    for (int r = 1; r < 14; r++)
        x = _mm_aesenc_si128(x, _mm_loadu_si128(&rk[r]));
    x = _mm_aesenclast_si128(x, _mm_loadu_si128(&rk[14]));
    _mm_storeu_si128((__m128i *)out, x);
}
#elif defined(OLMPY_ARM64)
OLMPY_TARGET_CRYPTO
static inline uint8x16_t arm_encrypt(const uint8x16_t *rk, uint8x16_t x)
{
    for (int r = 0; r < 13; r++)
        x = vaesmcq_u8(vaeseq_u8(x, rk[r]));
    return veorq_u8(vaeseq_u8(x, rk[13]), rk[14]);
}

static inline uint8x16_t arm_counter(const uint8_t *high, uint64_t counter)
{
    uint8_t block[16];
    memcpy(block, high, 8);
    for (int i = 0; i < 8; i++)
        block[8 + i] = (uint8_t)(counter >> (56 - 8 * i));
    return vld1q_u8(block);
}

OLMPY_TARGET_CRYPTO
static void keystream_block(const attach_state *s, uint64_t counter, uint8_t *out)
{
    uint8x16_t rk[15];
    for (int r = 0; r < 15; r++)
        rk[r] = vld1q_u8(s->rk + 16 * r);
    vst1q_u8(out, arm_encrypt(rk, arm_counter(s->high, counter)));
    olmpy_wipe(rk, sizeof rk);
}
#else
static void keystream_block(const attach_state *s, uint64_t counter, uint8_t *out)
{
    (void)s; (void)counter;
    memset(out, 0, 16); /* unreachable: olmpy_attachment_init refuses these CPUs */
}
#endif

/* Bytes one at a time until pos is a multiple of 64 (or len runs out). */
static void crypt_bytes(attach_state *s, const uint8_t *in, uint8_t *out, size_t len,
                        int decrypt)
{
    for (size_t i = 0; i < len; i++) {
        if ((s->pos & 15) == 0)
            keystream_block(s, s->low + (s->pos >> 4), s->ks);
        uint8_t x = in[i], y = (uint8_t)(x ^ s->ks[s->pos & 15]);
        uint8_t c = decrypt ? x : y; /* the flag is public */
        olmpy_sha256_update(&s->sha, &c, 1);
        out[i] = y;
        s->pos++;
    }
}

/* ---- the fused pass over whole 64-byte pieces; needs pos % 64 == 0 ---- */

#ifdef OLMPY_X86
__attribute__((target("aes,sha,sse4.1,ssse3")))
static inline void aes4(const __m128i *rk, __m128i high, uint64_t counter, __m128i *k0,
                        __m128i *k1, __m128i *k2, __m128i *k3)
{
    __m128i r = _mm_loadu_si128(&rk[0]);
    __m128i x0 = _mm_xor_si128(_mm_insert_epi64(high, (long long)__builtin_bswap64(counter), 1), r);
    __m128i x1 = _mm_xor_si128(_mm_insert_epi64(high, (long long)__builtin_bswap64(counter + 1), 1), r);
    __m128i x2 = _mm_xor_si128(_mm_insert_epi64(high, (long long)__builtin_bswap64(counter + 2), 1), r);
    __m128i x3 = _mm_xor_si128(_mm_insert_epi64(high, (long long)__builtin_bswap64(counter + 3), 1), r);
    for (int i = 1; i < 14; i++) {
        r = _mm_loadu_si128(&rk[i]);
        x0 = _mm_aesenc_si128(x0, r);
        x1 = _mm_aesenc_si128(x1, r);
        x2 = _mm_aesenc_si128(x2, r);
        x3 = _mm_aesenc_si128(x3, r);
    }
    r = _mm_loadu_si128(&rk[14]);
    *k0 = _mm_aesenclast_si128(x0, r);
    *k1 = _mm_aesenclast_si128(x1, r);
    *k2 = _mm_aesenclast_si128(x2, r);
    *k3 = _mm_aesenclast_si128(x3, r);
}

/* The keystream of piece i + 1 is made while piece i is hashed; decrypt and store are
 * compile-time constants in each of the callers below (store 0: the ciphertext is hashed
 * from the registers and not written, for encrypt_split). */
__attribute__((target("aes,sha,sse4.1,ssse3"), always_inline))
static inline void fused_x86(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces,
                             const int decrypt, const int store)
{
    __m128i rk[15];
    for (int r = 0; r < 15; r++)
        rk[r] = _mm_loadu_si128((const __m128i *)(s->rk + 16 * r));
    uint64_t high64;
    memcpy(&high64, s->high, 8);
    const __m128i high = _mm_cvtsi64_si128((long long)high64);
    uint64_t counter = s->low + (s->pos >> 4);
    __m128i st0, st1, k0, k1, k2, k3;
    shani_load(s->sha.h, &st0, &st1);
    aes4(rk, high, counter, &k0, &k1, &k2, &k3);
    for (size_t i = 0; i < pieces; i++) {
        const __m128i *src = (const __m128i *)(in + 64 * i);
        __m128i x0 = _mm_loadu_si128(src), x1 = _mm_loadu_si128(src + 1);
        __m128i x2 = _mm_loadu_si128(src + 2), x3 = _mm_loadu_si128(src + 3);
        __m128i y0 = _mm_xor_si128(x0, k0), y1 = _mm_xor_si128(x1, k1);
        __m128i y2 = _mm_xor_si128(x2, k2), y3 = _mm_xor_si128(x3, k3);
        if (store) {
            __m128i *dst = (__m128i *)(void *)(out + 64 * i);
            _mm_storeu_si128(dst, y0);
            _mm_storeu_si128(dst + 1, y1);
            _mm_storeu_si128(dst + 2, y2);
            _mm_storeu_si128(dst + 3, y3);
        }
        counter += 4;
        aes4(rk, high, counter, &k0, &k1, &k2, &k3);
        if (decrypt)
            shani_block(&st0, &st1, x0, x1, x2, x3);
        else
            shani_block(&st0, &st1, y0, y1, y2, y3);
    }
    shani_store(s->sha.h, st0, st1);
    s->sha.total += 64 * (uint64_t)pieces;
    s->pos += 64 * (uint64_t)pieces;
    k0 = k1 = k2 = k3 = _mm_setzero_si128();
    olmpy_wipe(rk, sizeof rk);
}

__attribute__((target("aes,sha,sse4.1,ssse3")))
static void fused_encrypt(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces)
{
    fused_x86(s, in, out, pieces, 0, 1);
}

__attribute__((target("aes,sha,sse4.1,ssse3")))
static void fused_decrypt(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces)
{
    fused_x86(s, in, out, pieces, 1, 1);
}

/* The hash of the ciphertext of whole pieces, without writing the ciphertext anywhere. */
__attribute__((target("aes,sha,sse4.1,ssse3")))
static void fused_encrypt_hash_only(attach_state *s, const uint8_t *in, size_t pieces)
{
    fused_x86(s, in, NULL, pieces, 0, 0);
}

/* out = in XOR the keystream from block `counter` on: AES-CTR alone, four blocks at a
 * time, the last partial piece through keystream_block (the helper thread's half of a
 * split pass; s is only read). */
__attribute__((target("aes,sha,sse4.1,ssse3")))
static void ctr_xor(const attach_state *s, uint64_t counter, const uint8_t *in, uint8_t *out,
                    size_t len)
{
    __m128i rk[15], k0, k1, k2, k3;
    for (int r = 0; r < 15; r++)
        rk[r] = _mm_loadu_si128((const __m128i *)(s->rk + 16 * r));
    uint64_t high64;
    memcpy(&high64, s->high, 8);
    const __m128i high = _mm_cvtsi64_si128((long long)high64);
    size_t pieces = len / 64;
    for (size_t i = 0; i < pieces; i++, counter += 4) {
        const __m128i *src = (const __m128i *)(in + 64 * i);
        __m128i *dst = (__m128i *)(void *)(out + 64 * i);
        aes4(rk, high, counter, &k0, &k1, &k2, &k3);
        _mm_storeu_si128(dst, _mm_xor_si128(_mm_loadu_si128(src), k0));
        _mm_storeu_si128(dst + 1, _mm_xor_si128(_mm_loadu_si128(src + 1), k1));
        _mm_storeu_si128(dst + 2, _mm_xor_si128(_mm_loadu_si128(src + 2), k2));
        _mm_storeu_si128(dst + 3, _mm_xor_si128(_mm_loadu_si128(src + 3), k3));
    }
    uint8_t ks[16];
    for (size_t i = 64 * pieces; i < len; i++) {
        if ((i & 15) == 0)
            keystream_block(s, counter++, ks);
        out[i] = (uint8_t)(in[i] ^ ks[i & 15]);
    }
    k0 = k1 = k2 = k3 = _mm_setzero_si128();
    olmpy_wipe(ks, sizeof ks);
    olmpy_wipe(rk, sizeof rk);
}

static void fused(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces, int decrypt)
{
    if (decrypt)
        fused_decrypt(s, in, out, pieces);
    else
        fused_encrypt(s, in, out, pieces);
}
#elif defined(OLMPY_ARM64)
/* aarch64: the same order of work, four AES blocks then one SHA-256 block per
 * piece, with the compression function of sha256.c. */
OLMPY_TARGET_CRYPTO
static void fused(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces, int decrypt)
{
    uint8x16_t rk[15];
    for (int r = 0; r < 15; r++)
        rk[r] = vld1q_u8(s->rk + 16 * r);
    uint64_t counter = s->low + (s->pos >> 4);
    uint8_t piece[64];
    for (size_t i = 0; i < pieces; i++) {
        const uint8_t *src = in + 64 * i;
        uint8_t *dst = out + 64 * i;
        if (decrypt)
            memcpy(piece, src, 64);
        for (int b = 0; b < 4; b++) {
            uint8x16_t k = arm_encrypt(rk, arm_counter(s->high, counter + (uint64_t)b));
            vst1q_u8(dst + 16 * b, veorq_u8(vld1q_u8(src + 16 * b), k));
        }
        counter += 4;
        olmpy_sha256_compress(s->sha.h, decrypt ? piece : dst, 1);
    }
    s->sha.total += 64 * (uint64_t)pieces;
    s->pos += 64 * (uint64_t)pieces;
    olmpy_wipe(rk, sizeof rk);
    olmpy_wipe(piece, sizeof piece);
}
#else
static void fused(attach_state *s, const uint8_t *in, uint8_t *out, size_t pieces, int decrypt)
{
    crypt_bytes(s, in, out, 64 * pieces, decrypt); /* unreachable, as above */
}
#endif

void olmpy_attachment_update(uint8_t *state, const uint8_t *in, size_t len, uint8_t *out,
                             int decrypt)
{
    attach_state *s = (attach_state *)state;
    decrypt = decrypt != 0;
    size_t head = (size_t)((64 - (s->pos & 63)) & 63);
    if (head > len)
        head = len;
    crypt_bytes(s, in, out, head, decrypt);
    in += head;
    out += head;
    len -= head;
    size_t pieces = len / 64;
    if (pieces)
        fused(s, in, out, pieces, decrypt);
    crypt_bytes(s, in + 64 * pieces, out + 64 * pieces, len - 64 * pieces, decrypt);
}

void olmpy_attachment_hash(const uint8_t *state, uint8_t *hash)
{
    olmpy_sha256_ctx c = ((const attach_state *)state)->sha;
    olmpy_sha256_final(&c, hash);
    olmpy_wipe(&c, sizeof c);
}

/* ---- whole files in memory ---- */

#define PREFAULT_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

#ifdef OLMPY_PREFAULT
/* Where the helper populates, in the order the pass will need it: the head (the 4 KiB
 * pages between the output's start and its first 2 MiB boundary, less the first
 * HEAD_SKIP bytes, which the pass reaches before the helper can), the huge-page interior
 * 2 MiB at a time, then the tail after the last 2 MiB boundary. */
#define HEAD_SKIP ((uintptr_t)64 << 10)
#define HEAD_STEP ((size_t)64 << 10)
typedef struct {
    uint8_t *head, *lo, *hi, *end; /* head <= lo <= hi <= end, page-aligned */
} prefault_job;

/* MADV_POPULATE_WRITE maps the pages writable without writing them (Linux 5.14+; an
 * older kernel refuses it and the pass faults as usual).  Stops a range at its first
 * refusal. */
static void populate(uint8_t *from, uint8_t *to, size_t step)
{
    while (from < to) {
        size_t n = (size_t)(to - from) < step ? (size_t)(to - from) : step;
        if (madvise(from, n, MADV_POPULATE_WRITE) != 0)
            return;
        from += n;
    }
}

static void *prefault_run(void *arg)
{
    const prefault_job *job = (const prefault_job *)arg;
    populate(job->head, job->lo, HEAD_STEP);
    populate(job->lo, job->hi, HUGE_PAGE);
    populate(job->hi, job->end, HEAD_STEP);
    return NULL;
}

/* Advises huge pages on out's 2 MiB-aligned interior and starts the helper; 1 if it
 * runs.  The addresses are public (where the output lies), never the data. */
static int prefault_start(uint8_t *out, size_t len, prefault_job *job, pthread_t *thread)
{
    if (len < PREFAULT_MIN || getenv("OLMPY_NO_PREFAULT"))
        return 0;
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0 || (uintptr_t)page_size > HUGE_PAGE)
        return 0;
    const uintptr_t page = (uintptr_t)page_size, start = (uintptr_t)out;
    uintptr_t lo = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t hi = (start + len) & ~(HUGE_PAGE - 1);
    if (hi <= lo)
        return 0;
    uintptr_t head = (start + HEAD_SKIP) & ~(page - 1);
    uintptr_t end = (start + len - 1) & ~(page - 1); /* the page of the last byte ... */
    end += page;                                     /* ... included */
    madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only: a refusal is harmless */
    job->head = (uint8_t *)(head < lo ? head : lo);
    job->lo = (uint8_t *)lo;
    job->hi = (uint8_t *)hi;
    job->end = (uint8_t *)end;
    return pthread_create(thread, NULL, prefault_run, job) == 0;
}
#endif

#if defined(OLMPY_PREFAULT) && defined(OLMPY_X86)
/* Split pass (x86, whole files from OLMPY_SPLIT_MIN bytes up): the two halves of the work
 * run on two cores.  The calling thread hashes: the input for decrypt, for encrypt the
 * ciphertext made in registers by the fused loop with its stores left out.  A helper
 * thread writes the output with AES-CTR alone (about four times the hash's speed), taking
 * the output's page faults itself (huge pages advised on the 2 MiB-aligned interior).  The
 * calling thread then runs at the rate of SHA-256 alone whatever fresh memory costs.  The
 * helper only reads the state (round keys, counter); the caller joins it before the hash
 * is finished, and decrypt checks the hash (and wipes the output on a mismatch) only after
 * that. */
#ifndef OLMPY_SPLIT_MIN
#define OLMPY_SPLIT_MIN PREFAULT_MIN /* the constant-time check's build lowers it */
#endif
typedef struct {
    const attach_state *s;
    const uint8_t *in;
    uint8_t *out;
    size_t len;
} split_job;

static void *split_run(void *arg)
{
    const split_job *job = (const split_job *)arg;
    ctr_xor(job->s, job->s->low, job->in, job->out, job->len);
    return NULL;
}

/* Starts the helper for a whole file (s fresh: pos 0); 1 if it runs. */
static int split_start(const attach_state *s, const uint8_t *in, uint8_t *out, size_t len,
                       split_job *job, pthread_t *thread)
{
    if (len < OLMPY_SPLIT_MIN || s->pos != 0 || getenv("OLMPY_NO_PREFAULT"))
        return 0;
    uintptr_t lo = ((uintptr_t)out + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)out + len) & ~(HUGE_PAGE - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice only */
    job->s = s;
    job->in = in;
    job->out = out;
    job->len = len;
    return pthread_create(thread, NULL, split_run, job) == 0;
}

/* The calling thread's half: SHA-256 of the ciphertext into s->sha, nothing written. */
static void hash_only(attach_state *s, const uint8_t *in, size_t len, int decrypt)
{
    if (decrypt) {
        olmpy_sha256_update(&s->sha, in, len);
        s->pos += len;
        return;
    }
    size_t pieces = len / 64, rest = len - 64 * pieces;
    if (pieces)
        fused_encrypt_hash_only(s, in, pieces);
    uint8_t tail[64];
    for (size_t i = 0; i < rest; i++) {
        if ((s->pos & 15) == 0)
            keystream_block(s, s->low + (s->pos >> 4), s->ks);
        tail[i] = (uint8_t)(in[64 * pieces + i] ^ s->ks[s->pos & 15]);
        s->pos++;
    }
    olmpy_sha256_update(&s->sha, tail, rest);
    olmpy_wipe(tail, sizeof tail);
}
#endif

static void crypt_all(attach_state *s, const uint8_t *in, size_t len, uint8_t *out,
                      int decrypt)
{
#if defined(OLMPY_PREFAULT) && defined(OLMPY_X86)
    split_job split;
    pthread_t writer;
    if (in != out && split_start(s, in, out, len, &split, &writer)) {
        hash_only(s, in, len, decrypt);
        pthread_join(writer, NULL);
        return;
    }
#endif
#ifdef OLMPY_PREFAULT
    prefault_job job;
    pthread_t thread;
    int helper = in != out && prefault_start(out, len, &job, &thread);
    olmpy_attachment_update((uint8_t *)s, in, len, out, decrypt);
    if (helper)
        pthread_join(thread, NULL);
#else
    olmpy_attachment_update((uint8_t *)s, in, len, out, decrypt);
#endif
}

int olmpy_attachment_encrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                             size_t len, uint8_t *out, uint8_t *hash)
{
    attach_state s;
    int rc = olmpy_attachment_init((uint8_t *)&s, key, iv);
    if (rc == 0) {
        crypt_all(&s, in, len, out, 0);
        olmpy_sha256_final(&s.sha, hash);
    }
    olmpy_wipe(&s, sizeof s);
    return rc;
}

int olmpy_attachment_decrypt(const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                             size_t len, uint8_t *out, const uint8_t *expected,
                             uint8_t *hash)
{
    attach_state s;
    int rc = olmpy_attachment_init((uint8_t *)&s, key, iv);
    if (rc == 0) {
        crypt_all(&s, in, len, out, 1);
        olmpy_sha256_final(&s.sha, hash);
        if (!olmpy_ct_equal(hash, expected, 32)) {
            olmpy_wipe(out, len);
            rc = OLMPY_E_MAC;
        }
    }
    olmpy_wipe(&s, sizeof s);
    return rc;
}
