/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every SRTP test vector of RFC 3711 Appendix B, RFC 6188 §7 and RFC 7714
 * §16-17, table-driven from the files in tests/vectors/srtp/. The vectors that give
 * session keys (RFC 3711 B.1/B.2, RFC 6188 7.1/7.3, RFC 7714) run through
 * the public protect/unprotect functions with the session keys installed by
 * the internal test hook; the KDF vectors run the internal PRF. Every
 * section listed in `required` must be found and pass.
 */
#include <openssl/evp.h>

#include "srtp/srtp_int.h"
#include "srtp_util.h"

static const char *const required[] = {
    "RFC 3711 B.1",    "RFC 3711 B.2",    "RFC 3711 B.3",    "RFC 6188 7.1",    "RFC 6188 7.2",
    "RFC 6188 7.3",    "RFC 6188 7.4",    "RFC 7714 16.1.1", "RFC 7714 16.1.2", "RFC 7714 16.1.3",
    "RFC 7714 16.1.4", "RFC 7714 16.2.1", "RFC 7714 16.2.2", "RFC 7714 16.2.3", "RFC 7714 16.2.4",
    "RFC 7714 17.1",   "RFC 7714 17.2",   "RFC 7714 17.3",   "RFC 7714 17.4",
};
static int passed[sizeof required / sizeof required[0]];

static void mark(const char *section, int failures_before)
{
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (strcmp(required[i], section) == 0) {
            if (mt_failed_checks == failures_before)
                passed[i]++;
            return;
        }
    mt_fail(__FILE__, __LINE__, "unexpected section %s", section);
}

static const uint8_t placeholder[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* A session whose single stream uses the given session keys directly. */
static mikey_srtp *session_with_keys(const mikey_srtp_policy *pol, int dir, uint32_t ssrc, uint32_t roc,
                                     const uint8_t *key, size_t klen, const uint8_t *salt, size_t slen)
{
    size_t mklen = mikey_srtp_master_key_len(pol->cipher);
    mikey_srtp *s = one_stream(pol, dir, ssrc, roc, placeholder, mklen, placeholder, 14);
    if (!s)
        return NULL;
    if (mk_srtp_test_set_session_keys(s, ssrc, dir, key, klen, salt, slen, NULL, 0) != MIKEY_OK) {
        mikey_srtp_free(s);
        return NULL;
    }
    return s;
}

static void run_f8(const vrec *r)
{
    size_t klen, slen, rlen, elen, ivlen, iplen, roclen;
    uint8_t *key = vhex(r, "key", &klen), *salt = vhex(r, "salt", &slen), *rtp = vhex(r, "rtp", &rlen);
    uint8_t *exp = vhex(r, "srtp", &elen), *iv = vhex(r, "iv", &ivlen), *ivp = vhex(r, "iv_prime", &iplen);
    uint8_t *rocb = vhex(r, "roc", &roclen);
    uint32_t roc = (uint32_t)rocb[0] << 24 | (uint32_t)rocb[1] << 16 | (uint32_t)rocb[2] << 8 | rocb[3];
    uint32_t ssrc = (uint32_t)rtp[8] << 24 | (uint32_t)rtp[9] << 16 | (uint32_t)rtp[10] << 8 | rtp[11];

    /* Consistency of the transcription: IV' = E(k_e XOR m, IV), computed
     * here with plain OpenSSL (RFC 3711 §4.1.2.1). */
    uint8_t m[16], o[16];
    int outl;
    for (int i = 0; i < 16; i++)
        m[i] = key[i] ^ (i < (int)slen ? salt[i] : 0x55);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(c, EVP_aes_128_ecb(), m, NULL, NULL);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EVP_EncryptUpdate(c, o, &outl, iv, 16);
    EVP_CIPHER_CTX_free(c);
    MT_MEMEQ(o, 16, ivp, iplen);

    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_F8_128_HMAC_SHA1_80);
    pol.auth = MIKEY_SRTP_AUTH_NULL;
    pol.rtp_auth = 0;
    mikey_srtp *tx = session_with_keys(&pol, MIKEY_SRTP_OUTBOUND, ssrc, roc, key, klen, salt, slen);
    mikey_srtp *rx = session_with_keys(&pol, MIKEY_SRTP_INBOUND, ssrc, roc, key, klen, salt, slen);
    MT_REQUIRE(tx && rx);
    uint8_t out[256], back[256];
    size_t olen = 0, blen = 0;
    MT_EQ_INT(mikey_srtp_protect(tx, rtp, rlen, out, sizeof out, &olen), MIKEY_OK);
    MT_MEMEQ(out, olen, exp, elen);
    MT_EQ_INT(mikey_srtp_unprotect(rx, exp, elen, back, sizeof back, &blen), MIKEY_OK);
    MT_MEMEQ(back, blen, rtp, rlen);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    free(key), free(salt), free(rtp), free(exp), free(iv), free(ivp), free(rocb);
}

static void run_keystream(const vrec *r)
{
    size_t klen, slen;
    uint8_t *key = vhex(r, "key", &klen), *salt = vhex(r, "salt", &slen);
    size_t n = vulong(r, "length");
    const char *cipher = vget(r, "cipher");
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, strcmp(cipher, "aes-cm-128") == 0   ? MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80
                                  : strcmp(cipher, "aes-cm-192") == 0 ? MIKEY_SRTP_AES_192_CM_HMAC_SHA1_80
                                                                      : MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80);
    MT_EQ_INT(mikey_srtp_master_key_len(pol.cipher), klen);
    pol.auth = MIKEY_SRTP_AUTH_NULL;
    pol.rtp_auth = 0;
    /* SSRC 0, ROC 0, SEQ 0: the counter starts at the shifted salt. The
     * keystream is the ciphertext of an all-zero payload of n octets, run
     * through the public protect on one (oversized) packet. */
    mikey_srtp *tx = session_with_keys(&pol, MIKEY_SRTP_OUTBOUND, 0, 0, key, klen, salt, slen);
    MT_REQUIRE(tx);
    uint8_t *pkt = calloc(1, 12 + n), *out = malloc(12 + n);
    make_rtp(pkt, 0, 0, 0, NULL, 0);
    size_t olen = 0;
    MT_EQ_INT(mikey_srtp_protect(tx, pkt, 12 + n, out, 12 + n, &olen), MIKEY_OK);
    MT_EQ_INT(olen, 12 + n);
    int nblocks = 0;
    for (int i = 0; vget_n(r, "block", i); i++, nblocks++) {
        uint8_t *blk = mt_hex(vget_n(r, "block", i), &klen);
        MT_REQUIRE(klen == 32);
        MT_MEMEQ(blk, 14, salt, 14); /* the counter block is salt || j */
        size_t j = (size_t)blk[14] << 8 | blk[15];
        MT_REQUIRE(16 * j + 16 <= n);
        MT_MEMEQ(out + 12 + 16 * j, 16, blk + 16, 16);
        free(blk);
    }
    MT_EQ_INT(nblocks, 6);
    mikey_srtp_free(tx);
    free(pkt), free(out), free(key), free(salt);
}

static void run_kdf(const vrec *r)
{
    size_t klen, slen;
    uint8_t *mkey = vhex(r, "master_key", &klen), *msalt = vhex(r, "master_salt", &slen);
    mk_sc_algs algs;
    mk_sc_ctr prf = {0};
    MT_REQUIRE(slen == 14);
    MT_REQUIRE(mk_sc_algs_init(&algs) == MIKEY_OK);
    MT_REQUIRE(mk_sc_ctr_init(&prf, &algs, mkey, klen) == MIKEY_OK);
    int n = 0;
    for (int i = 0; vget_n(r, "label", i); i++, n++) {
        const char *v = vget_n(r, "label", i);
        uint8_t label = (uint8_t)strtoul(v, NULL, 10);
        size_t elen;
        uint8_t *exp = mt_hex(strchr(v, ' ') + 1, &elen), got[128];
        MT_EQ_INT(mk_srtp_prf(&prf, msalt, label, 0, got, elen), MIKEY_OK);
        MT_MEMEQ(got, elen, exp, elen);
        free(exp);
    }
    MT_EQ_INT(n, 3);
    mk_sc_ctr_clear(&prf);
    mk_sc_algs_clear(&algs);
    free(mkey), free(msalt);
}

static void run_srtp_gcm(const vrec *r)
{
    size_t klen, slen, plen, clen, rl;
    uint8_t *key = vhex(r, "key", &klen), *salt = vhex(r, "salt", &slen);
    uint8_t *rtp = vhex(r, "rtp", &plen), *srtp = vhex(r, "srtp", &clen), *rocb = vhex(r, "roc", &rl);
    uint32_t roc = (uint32_t)rocb[0] << 24 | (uint32_t)rocb[1] << 16 | (uint32_t)rocb[2] << 8 | rocb[3];
    uint32_t ssrc = (uint32_t)rtp[8] << 24 | (uint32_t)rtp[9] << 16 | (uint32_t)rtp[10] << 8 | rtp[11];
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, klen == 16 ? MIKEY_SRTP_AEAD_AES_128_GCM : MIKEY_SRTP_AEAD_AES_256_GCM);
    pol.rtp_encrypt = (uint8_t)vulong(r, "encrypt");
    mikey_srtp *tx = session_with_keys(&pol, MIKEY_SRTP_OUTBOUND, ssrc, roc, key, klen, salt, slen);
    mikey_srtp *rx = session_with_keys(&pol, MIKEY_SRTP_INBOUND, ssrc, roc, key, klen, salt, slen);
    MT_REQUIRE(tx && rx);
    uint8_t out[256], back[256];
    size_t olen = 0, blen = 0;
    MT_EQ_INT(mikey_srtp_protect(tx, rtp, plen, out, sizeof out, &olen), MIKEY_OK);
    MT_MEMEQ(out, olen, srtp, clen);
    MT_EQ_INT(mikey_srtp_unprotect(rx, srtp, clen, back, sizeof back, &blen), MIKEY_OK);
    MT_MEMEQ(back, blen, rtp, plen);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    free(key), free(salt), free(rtp), free(srtp), free(rocb);
}

static void run_srtcp_gcm(const vrec *r)
{
    size_t klen, slen, plen, clen;
    uint8_t *key = vhex(r, "key", &klen), *salt = vhex(r, "salt", &slen);
    uint8_t *rtcp = vhex(r, "rtcp", &plen), *srtcp = vhex(r, "srtcp", &clen);
    uint32_t index = (uint32_t)strtoul(vget(r, "index"), NULL, 16);
    uint32_t ssrc = (uint32_t)rtcp[4] << 24 | (uint32_t)rtcp[5] << 16 | (uint32_t)rtcp[6] << 8 | rtcp[7];
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, klen == 16 ? MIKEY_SRTP_AEAD_AES_128_GCM : MIKEY_SRTP_AEAD_AES_256_GCM);
    pol.rtcp_encrypt = (uint8_t)vulong(r, "encrypt");
    mikey_srtp *tx = session_with_keys(&pol, MIKEY_SRTP_OUTBOUND, ssrc, 0, key, klen, salt, slen);
    mikey_srtp *rx = session_with_keys(&pol, MIKEY_SRTP_INBOUND, ssrc, 0, key, klen, salt, slen);
    MT_REQUIRE(tx && rx);
    /* The sender starts at SRTCP index 0 (RFC 3711 §3.4); jump to the
     * vector's index. */
    mk_srtp_find(tx, ssrc, MIKEY_SRTP_OUTBOUND)->rtcp_next = index;
    uint8_t out[256], back[256];
    size_t olen = 0, blen = 0;
    MT_EQ_INT(mikey_srtp_protect_rtcp(tx, rtcp, plen, out, sizeof out, &olen), MIKEY_OK);
    MT_MEMEQ(out, olen, srtcp, clen);
    MT_EQ_INT(mikey_srtp_unprotect_rtcp(rx, srtcp, clen, back, sizeof back, &blen), MIKEY_OK);
    MT_MEMEQ(back, blen, rtcp, plen);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    free(key), free(salt), free(rtcp), free(srtcp);
}

static void run_file(const char *rel)
{
    vfile vf = vfile_load(rel);
    MT_CHECK(vf.nrec > 0);
    for (size_t i = 0; i < vf.nrec; i++) {
        const vrec *r = &vf.rec[i];
        const char *type = vget(r, "type"), *section = vget(r, "section");
        int before = mt_failed_checks;
        if (strcmp(type, "f8") == 0)
            run_f8(r);
        else if (strcmp(type, "keystream") == 0)
            run_keystream(r);
        else if (strcmp(type, "kdf") == 0)
            run_kdf(r);
        else if (strcmp(type, "srtp_gcm") == 0)
            run_srtp_gcm(r);
        else if (strcmp(type, "srtcp_gcm") == 0)
            run_srtcp_gcm(r);
        else
            mt_fail(__FILE__, __LINE__, "%s line %d: unknown type %s", rel, r->line, type);
        if (mt_failed_checks != before)
            printf("#   ^ in %s (%s line %d)\n", section, rel, r->line);
        mark(section, before);
    }
    vfile_free(&vf);
}

static void test_rfc3711_appendix_b(void)
{
    run_file("tests/vectors/srtp/rfc3711.txt");
}

static void test_rfc6188_section7(void)
{
    run_file("tests/vectors/srtp/rfc6188.txt");
}

static void test_rfc7714_sections16_17(void)
{
    run_file("tests/vectors/srtp/rfc7714.txt");
}

/* Last: every required section was present exactly once and passed. */
static void test_all_sections_covered(void)
{
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (passed[i] != 1)
            mt_fail(__FILE__, __LINE__, "%s: passed %d times (want 1)", required[i], passed[i]);
}

MT_MAIN(test_rfc3711_appendix_b, test_rfc6188_section7, test_rfc7714_sections16_17, test_all_sections_covered)
