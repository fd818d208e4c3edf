/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench/srtp: openmikey's SRTP engine, libsrtp2 and the bare-OpenSSL crypto
 * floor side by side, in one process, on the same keys and packets.
 *
 * Cells: {AES-CM-128-HMAC-SHA1-80, AEAD-AES-128-GCM} x {160 B payload
 * (20 ms of G.711), 1200 B payload (video)} x {protect, unprotect}. Each
 * implementation does exactly the same per packet: copy the plaintext (or
 * protected) packet into a work buffer, transform it in place. For
 * unprotect, fresh protected packets are produced by the implementation's
 * own sender in batches outside the timed region (replay protection
 * refuses a packet twice).
 *
 * The machine may be shared: each cell runs ROUNDS rounds, the three
 * implementations interleaved within a round, and reports each one's best
 * round (interference only ever slows a round down).
 *
 * The floor is the crypto alone with reused OpenSSL contexts and no SRTP
 * logic: AES-128-CTR (EVP_EncryptInit_ex with a new IV) + HMAC-SHA1
 * (EVP_MAC_init with NULL key on a keyed context), or AES-128-GCM.
 *
 * Output: a Markdown table (packets/s, Gbit/s of RTP packet bytes, ratios).
 * Usage: srtp [seconds-per-cell]   (default 0.8; clock: CLOCK_MONOTONIC)
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "openmikey/srtp.h"

#define SSRC 0x12345678u
#define BATCH 256
#define ROUNDS 5
#define MAXPKT 1400

static double cell_seconds = 0.8;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, int code)
{
    fprintf(stderr, "bench/srtp: %s failed (%d)\n", what, code);
    exit(1);
}

static const uint8_t MASTER[46] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c,
                                   0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
                                   0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                   0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

static size_t make_rtp(uint8_t *b, uint16_t seq, size_t payload)
{
    b[0] = 0x80;
    b[1] = 0; /* PCMU */
    b[2] = (uint8_t)(seq >> 8);
    b[3] = (uint8_t)seq;
    memset(b + 4, 0, 4);
    b[8] = (uint8_t)(SSRC >> 24), b[9] = (uint8_t)(SSRC >> 16), b[10] = (uint8_t)(SSRC >> 8), b[11] = (uint8_t)SSRC;
    for (size_t i = 0; i < payload; i++)
        b[12 + i] = (uint8_t)(i * 7 + seq);
    return 12 + payload;
}

/* ---- the three implementations behind one interface ---- */

typedef struct impl impl;
struct impl {
    const char *name;
    int (*protect)(impl *, uint8_t *pkt, size_t len, size_t *out_len);
    int (*unprotect)(impl *, uint8_t *pkt, size_t len, size_t *out_len);
    void (*free)(impl *);
    /* ours */
    mikey_srtp *otx, *orx;
    /* libsrtp2 */
    srtp_t ltx, lrx;
    /* floor */
    int gcm;
    EVP_CIPHER_CTX *c_enc, *c_dec;
    EVP_MAC_CTX *mac;
    uint8_t salt[14];
    uint32_t roc;
};

static int ours_protect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    return mikey_srtp_protect(m->otx, p, len, p, MAXPKT, ol);
}
static int ours_unprotect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    return mikey_srtp_unprotect(m->orx, p, len, p, MAXPKT, ol);
}
static void ours_free(impl *m)
{
    mikey_srtp_free(m->otx);
    mikey_srtp_free(m->orx);
}

static void ours_init(impl *m, int gcm)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, gcm ? MIKEY_SRTP_AEAD_AES_128_GCM : MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    mikey_srtp_key k = {0};
    k.key = MASTER;
    k.key_len = 16;
    k.salt = MASTER + 16;
    k.salt_len = gcm ? 12 : 14;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = SSRC;
    sp.policy = &pol;
    sp.keys = &k;
    sp.nkeys = 1;
    int rc;
    if ((rc = mikey_srtp_new(NULL, NULL, &m->otx)) || (rc = mikey_srtp_add_stream(m->otx, &sp)))
        die("mikey_srtp tx", rc);
    sp.dir = MIKEY_SRTP_INBOUND;
    if ((rc = mikey_srtp_new(NULL, NULL, &m->orx)) || (rc = mikey_srtp_add_stream(m->orx, &sp)))
        die("mikey_srtp rx", rc);
    m->name = "openmikey";
    m->protect = ours_protect;
    m->unprotect = ours_unprotect;
    m->free = ours_free;
}

static int lib_protect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    int l = (int)len;
    srtp_err_status_t st = srtp_protect(m->ltx, p, &l);
    *ol = (size_t)l;
    return st;
}
static int lib_unprotect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    int l = (int)len;
    srtp_err_status_t st = srtp_unprotect(m->lrx, p, &l);
    *ol = (size_t)l;
    return st;
}
static void lib_free(impl *m)
{
    srtp_dealloc(m->ltx);
    srtp_dealloc(m->lrx);
}

static void lib_init(impl *m, int gcm)
{
    srtp_policy_t pol;
    memset(&pol, 0, sizeof pol);
    if (gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
    } else {
        srtp_crypto_policy_set_rtp_default(&pol.rtp);
        srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
    }
    pol.ssrc.type = ssrc_specific;
    pol.ssrc.value = SSRC;
    pol.key = (unsigned char *)(uintptr_t)MASTER;
    pol.window_size = 128;
    srtp_err_status_t st;
    if ((st = srtp_create(&m->ltx, &pol)) != srtp_err_status_ok || (st = srtp_create(&m->lrx, &pol)))
        die("srtp_create", st);
    m->name = "libsrtp2";
    m->protect = lib_protect;
    m->unprotect = lib_unprotect;
    m->free = lib_free;
}

/* The floor: the same cryptographic work per packet, nothing else. The
 * IV is formed the SRTP way (it costs a few XORs), keys are fixed. */
static void floor_iv(impl *m, const uint8_t *p, uint8_t *iv)
{
    if (m->gcm) {
        memcpy(iv, m->salt, 12);
        for (int i = 0; i < 4; i++)
            iv[2 + i] ^= p[8 + i];
        iv[10] ^= p[2], iv[11] ^= p[3];
    } else {
        memcpy(iv, m->salt, 14);
        iv[14] = iv[15] = 0;
        for (int i = 0; i < 4; i++)
            iv[4 + i] ^= p[8 + i];
        iv[12] ^= p[2], iv[13] ^= p[3];
    }
}

static int floor_protect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    uint8_t iv[16], roc[4] = {0}, tag[20];
    int outl;
    size_t tl;
    floor_iv(m, p, iv);
    if (m->gcm) {
        if (!EVP_EncryptInit_ex(m->c_enc, NULL, NULL, NULL, iv) || !EVP_EncryptUpdate(m->c_enc, NULL, &outl, p, 12) ||
            !EVP_EncryptUpdate(m->c_enc, p + 12, &outl, p + 12, (int)len - 12) ||
            !EVP_EncryptFinal_ex(m->c_enc, p + len, &outl) ||
            !EVP_CIPHER_CTX_ctrl(m->c_enc, EVP_CTRL_AEAD_GET_TAG, 16, p + len))
            return 1;
        *ol = len + 16;
        return 0;
    }
    if (!EVP_EncryptInit_ex(m->c_enc, NULL, NULL, NULL, iv) ||
        !EVP_EncryptUpdate(m->c_enc, p + 12, &outl, p + 12, (int)len - 12))
        return 1;
    if (!EVP_MAC_init(m->mac, NULL, 0, NULL) || !EVP_MAC_update(m->mac, p, len) || !EVP_MAC_update(m->mac, roc, 4) ||
        !EVP_MAC_final(m->mac, tag, &tl, sizeof tag))
        return 1;
    memcpy(p + len, tag, 10);
    *ol = len + 10;
    return 0;
}

static int floor_unprotect(impl *m, uint8_t *p, size_t len, size_t *ol)
{
    uint8_t iv[16], roc[4] = {0}, tag[20];
    int outl;
    size_t tl;
    floor_iv(m, p, iv);
    if (m->gcm) {
        size_t n = len - 16;
        if (!EVP_DecryptInit_ex(m->c_dec, NULL, NULL, NULL, iv) || !EVP_DecryptUpdate(m->c_dec, NULL, &outl, p, 12) ||
            !EVP_DecryptUpdate(m->c_dec, p + 12, &outl, p + 12, (int)n - 12) ||
            !EVP_CIPHER_CTX_ctrl(m->c_dec, EVP_CTRL_AEAD_SET_TAG, 16, p + n) ||
            EVP_DecryptFinal_ex(m->c_dec, p + n, &outl) <= 0)
            return 1;
        *ol = n;
        return 0;
    }
    size_t n = len - 10;
    if (!EVP_MAC_init(m->mac, NULL, 0, NULL) || !EVP_MAC_update(m->mac, p, n) || !EVP_MAC_update(m->mac, roc, 4) ||
        !EVP_MAC_final(m->mac, tag, &tl, sizeof tag) || CRYPTO_memcmp(tag, p + n, 10) != 0)
        return 1;
    if (!EVP_EncryptInit_ex(m->c_dec, NULL, NULL, NULL, iv) ||
        !EVP_EncryptUpdate(m->c_dec, p + 12, &outl, p + 12, (int)n - 12))
        return 1;
    *ol = n;
    return 0;
}

static void floor_free(impl *m)
{
    EVP_CIPHER_CTX_free(m->c_enc);
    EVP_CIPHER_CTX_free(m->c_dec);
    EVP_MAC_CTX_free(m->mac);
}

static void floor_init(impl *m, int gcm)
{
    static const uint8_t key[16] = {0xc6, 0x1e, 0x7a, 0x93, 0x74, 0x4f, 0x39, 0xee,
                                    0x10, 0x73, 0x4a, 0xfe, 0x3f, 0xf7, 0xa0, 0x87};
    static const uint8_t akey[20] = {0xce, 0xbe, 0x32, 0x1f, 0x6f, 0xf7, 0x71, 0x6b, 0x6f, 0xd4,
                                     0xab, 0x49, 0xaf, 0x25, 0x6a, 0x15, 0x6d, 0x38, 0xba, 0xa4};
    m->gcm = gcm;
    memcpy(m->salt, MASTER + 16, 14);
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, gcm ? "AES-128-GCM" : "AES-128-CTR", NULL);
    m->c_enc = EVP_CIPHER_CTX_new();
    m->c_dec = EVP_CIPHER_CTX_new();
    if (!c || !EVP_EncryptInit_ex2(m->c_enc, c, key, NULL, NULL) || !EVP_EncryptInit_ex2(m->c_dec, c, key, NULL, NULL))
        die("EVP cipher", 0);
    EVP_CIPHER_free(c);
    if (!gcm) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        OSSL_PARAM prm[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
                             OSSL_PARAM_construct_end()};
        m->mac = EVP_MAC_CTX_new(mac);
        if (!m->mac || !EVP_MAC_init(m->mac, akey, sizeof akey, prm))
            die("EVP_MAC", 0);
        EVP_MAC_free(mac);
    }
    m->name = "EVP floor";
    m->protect = floor_protect;
    m->unprotect = floor_unprotect;
    m->free = floor_free;
}

/* ---- measurement ---- */

typedef struct result {
    double pps;
} result;

static uint8_t plain[BATCH][MAXPKT], prot[BATCH][MAXPKT];
static size_t plen[BATCH], prlen[BATCH];

/* One timed round of protect: `secs` seconds (after a short warm-up). */
static double run_protect(impl *m, size_t payload, uint16_t *seq, double secs, int warm)
{
    uint8_t buf[MAXPKT];
    size_t ol, len = 12 + payload;
    long n = 0;
    double t0, t;
    if (warm)
        for (int i = 0; i < BATCH; i++)
            plen[i] = make_rtp(plain[i], 0, payload);
    t0 = now();
    do {
        for (int i = 0; i < 256; i++) {
            memcpy(buf, plain[*seq % BATCH], len);
            buf[2] = (uint8_t)(*seq >> 8), buf[3] = (uint8_t)*seq;
            (*seq)++;
            if (m->protect(m, buf, len, &ol))
                die(m->name, -1);
        }
        n += 256;
        t = now();
    } while (t - t0 < secs);
    return (double)n / (t - t0);
}

/* One timed round of unprotect: batches of fresh packets from the
 * implementation's own sender (untimed), then unprotected (timed). */
static double run_unprotect(impl *m, size_t payload, uint16_t *seq, double secs)
{
    uint8_t buf[MAXPKT];
    size_t ol;
    long n = 0;
    double busy = 0;
    while (busy < secs) {
        for (int i = 0; i < BATCH; i++) {
            size_t l = make_rtp(prot[i], *seq, payload);
            (*seq)++;
            if (m->protect(m, prot[i], l, &prlen[i]))
                die(m->name, -2);
        }
        double t0 = now();
        for (int i = 0; i < BATCH; i++) {
            memcpy(buf, prot[i], prlen[i]);
            if (m->unprotect(m, buf, prlen[i], &ol))
                die(m->name, -3);
        }
        busy += now() - t0;
        n += BATCH;
    }
    return (double)n / busy;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cell_seconds = atof(argv[1]);
    if (srtp_init() != srtp_err_status_ok)
        die("srtp_init", 0);
    static const size_t sizes[2] = {160, 1200};
    static const char *const suite_names[2] = {"AES-CM-128-HMAC-SHA1-80", "AEAD-AES-128-GCM"};
    printf("SRTP engine benchmark: openmikey %s vs %s vs bare %s (EVP floor), %.1f s per cell.\n\n",
           mikey_version(), srtp_get_version_string(), OpenSSL_version(OPENSSL_VERSION), cell_seconds);
    printf("| suite | payload | op | openmikey pkt/s | Gbit/s | libsrtp2 pkt/s | EVP floor pkt/s | ours / libsrtp2 |"
           " ours / floor |\n");
    printf("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (int g = 0; g < 2; g++)
        for (int si = 0; si < 2; si++)
            for (int op = 0; op < 2; op++) {
                double pps[3] = {0, 0, 0};
                impl m[3];
                uint16_t seq[3] = {1, 1, 1};
                memset(m, 0, sizeof m);
                ours_init(&m[0], g);
                lib_init(&m[1], g);
                floor_init(&m[2], g);
                for (int k = 0; k < 3; k++) /* warm-up */
                    op == 0 ? run_protect(&m[k], sizes[si], &seq[k], 0.05, 1)
                            : run_unprotect(&m[k], sizes[si], &seq[k], 0.02);
                for (int r = 0; r < ROUNDS; r++)
                    for (int k = 0; k < 3; k++) {
                        double x = op == 0 ? run_protect(&m[k], sizes[si], &seq[k], cell_seconds / ROUNDS, 0)
                                           : run_unprotect(&m[k], sizes[si], &seq[k], cell_seconds / ROUNDS);
                        if (x > pps[k])
                            pps[k] = x;
                    }
                for (int k = 0; k < 3; k++)
                    m[k].free(&m[k]);
                double gbps = pps[0] * (double)(12 + sizes[si]) * 8 / 1e9;
                printf("| %s | %zu B | %s | %.0f | %.2f | %.0f | %.0f | %.2fx | %.2fx |\n", suite_names[g], sizes[si],
                       op ? "unprotect" : "protect", pps[0], gbps, pps[1], pps[2], pps[0] / pps[1], pps[0] / pps[2]);
                fflush(stdout);
            }
    printf("\nBest of %d interleaved rounds per implementation. Gbit/s counts RTP packet bytes (12-byte header +"
           " payload) at openmikey's rate.\n", ROUNDS);
    return 0;
}
