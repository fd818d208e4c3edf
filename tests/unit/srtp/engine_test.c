/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine against an independent computation (srtp_ref.h: naive RFC
 * 3711/6188/7714 code over one-shot OpenSSL calls) for everything no RFC
 * vector and no libsrtp2 covers: KDR != 0 (derivation boundaries crossed in
 * order and out of order), AES-192 and AES-F8 packets, f8 SRTCP, MKI,
 * per-direction flags, long auth keys, ROC wrap at large ROC values, a
 * 12- and a 14-byte GCM master salt, in-place and out-of-place buffers.
 */
#include "srtp_ref.h"
#include "srtp_util.h"

typedef struct cfg {
    const char *name;
    int suite;
    uint32_t kdr;
    size_t mki_len;
    int rtp_enc, rtcp_enc, rtp_auth;
    size_t auth_key_len;
    size_t gcm_salt;  /* GCM master salt length: 12 or 14 */
    int null_auth;
} cfg;

static const cfg cfgs[] = {
    {"aes128-hmac80", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0, 1, 1, 1, 20, 0, 0},
    {"aes192-hmac80", MIKEY_SRTP_AES_192_CM_HMAC_SHA1_80, 0, 0, 1, 1, 1, 20, 0, 0},
    {"aes192-hmac32", MIKEY_SRTP_AES_192_CM_HMAC_SHA1_32, 0, 0, 1, 1, 1, 20, 0, 0},
    {"aes256-hmac32", MIKEY_SRTP_AES_256_CM_HMAC_SHA1_32, 0, 0, 1, 1, 1, 20, 0, 0},
    {"f8-hmac80", MIKEY_SRTP_F8_128_HMAC_SHA1_80, 0, 0, 1, 1, 1, 20, 0, 0},
    {"null-hmac80", MIKEY_SRTP_NULL_HMAC_SHA1_80, 0, 0, 1, 1, 1, 20, 0, 0},
    {"aes128-kdr16", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 16, 0, 1, 1, 1, 20, 0, 0},
    {"aes256-kdr1024", MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80, 1024, 0, 1, 1, 1, 20, 0, 0},
    {"aes192-kdr1", MIKEY_SRTP_AES_192_CM_HMAC_SHA1_80, 1, 0, 1, 1, 1, 20, 0, 0},
    {"f8-kdr256", MIKEY_SRTP_F8_128_HMAC_SHA1_80, 256, 0, 1, 1, 1, 20, 0, 0},
    {"gcm128-kdr32", MIKEY_SRTP_AEAD_AES_128_GCM, 32, 0, 1, 1, 1, 0, 12, 0},
    {"gcm256-authonly", MIKEY_SRTP_AEAD_AES_256_GCM, 0, 0, 0, 0, 1, 0, 12, 0},
    {"gcm128-salt14-mki", MIKEY_SRTP_AEAD_AES_128_GCM_8, 0, 3, 1, 1, 1, 0, 14, 0},
    {"aes128-mki5", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32, 0, 5, 1, 1, 1, 20, 0, 0},
    {"aes128-noenc", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0, 0, 0, 1, 20, 0, 0},
    {"aes128-rtp-noauth", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0, 1, 1, 0, 20, 0, 0},
    {"aes128-authkey64", MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0, 0, 1, 1, 1, 64, 0, 0},
    {"aes256-nullauth", MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80, 0, 0, 1, 1, 0, 20, 0, 1},
};

static void run_cfg(const cfg *c, uint64_t *rs)
{
    int before = mt_failed_checks;
    mikey_srtp_policy pol;
    MT_REQUIRE(mikey_srtp_policy_suite(&pol, (mikey_srtp_suite)c->suite) == MIKEY_OK);
    pol.kdr = c->kdr;
    pol.mki_len = (uint8_t)c->mki_len;
    pol.rtp_encrypt = (uint8_t)c->rtp_enc;
    pol.rtcp_encrypt = (uint8_t)c->rtcp_enc;
    pol.rtp_auth = (uint8_t)c->rtp_auth;
    if (c->auth_key_len)
        pol.auth_key_len = (uint8_t)c->auth_key_len;
    if (c->null_auth)
        pol.auth = MIKEY_SRTP_AUTH_NULL;
    pol.replay_window = 256;
    MT_REQUIRE(mikey_srtp_policy_check(&pol) == MIKEY_OK);

    uint8_t mkey[32], msalt[14], mki[8];
    size_t klen = mikey_srtp_master_key_len(pol.cipher);
    size_t slen = c->gcm_salt ? c->gcm_salt : 14;
    fill_rand(mkey, sizeof mkey, rs);
    fill_rand(msalt, sizeof msalt, rs);
    fill_rand(mki, sizeof mki, rs);

    ref_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.cipher = pol.cipher;
    rc.hmac = pol.auth == MIKEY_SRTP_AUTH_HMAC_SHA1;
    rc.rtp_auth = pol.rtp_auth;
    rc.rtp_enc = pol.rtp_encrypt;
    rc.rtcp_enc = pol.rtcp_encrypt;
    rc.rtp_tag = pol.cipher >= MIKEY_SRTP_CIPHER_AES_GCM_128 || (rc.hmac && pol.rtp_auth) ? pol.rtp_tag_len : 0;
    rc.rtcp_tag = pol.cipher >= MIKEY_SRTP_CIPHER_AES_GCM_128 || rc.hmac ? pol.rtcp_tag_len : 0;
    rc.auth_key_len = pol.auth_key_len;
    rc.mkey = mkey;
    rc.mkey_len = klen;
    memset(rc.msalt, 0, 14);
    memcpy(rc.msalt, msalt, slen); /* erratum 4938: a 12-byte salt is padded with zeros */
    rc.kdr = pol.kdr;
    rc.mki = mki;
    rc.mki_len = c->mki_len;

    const uint32_t ssrc = 0x51c0ffeeu, roc0 = 0xfffffffeu; /* ROC climbs to its last value */
    const uint16_t seq0 = 65000;
    mikey_srtp *tx = NULL, *rx = NULL;
    mikey_srtp_key k = {0};
    k.key = mkey;
    k.key_len = klen;
    k.salt = msalt;
    k.salt_len = slen;
    k.mki = c->mki_len ? mki : NULL;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = ssrc;
    sp.roc = roc0;
    sp.policy = &pol;
    sp.keys = &k;
    sp.nkeys = 1;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &tx) == MIKEY_OK && mikey_srtp_new(NULL, NULL, &rx) == MIKEY_OK);
    MT_REQUIRE(mikey_srtp_add_stream(tx, &sp) == MIKEY_OK);
    sp.dir = MIKEY_SRTP_INBOUND;
    MT_REQUIRE(mikey_srtp_add_stream(rx, &sp) == MIKEY_OK);

    enum { N = 700 };
    static uint8_t plain[N][1500], prot[N][1700];
    static size_t plen[N], prlen[N];
    int mism = 0;
    for (int i = 0; i < N; i++) {
        uint8_t payload[1400];
        size_t pl = (size_t)(i * 37 % 1400); /* both sides of the ECB/CTR switch at 768 */
        fill_rand(payload, pl, rs);
        uint16_t seq = (uint16_t)(seq0 + i);
        uint64_t index = ((uint64_t)roc0 << 16) + seq0 + (uint64_t)i;
        plen[i] = make_rtp(plain[i], seq, (uint32_t)i * 160, ssrc, payload, pl);
        uint8_t exp[1700];
        size_t elen = ref_protect_rtp(&rc, index, plain[i], plen[i], exp);
        /* Alternate out-of-place and in-place protection. */
        int r;
        if (i & 1) {
            memcpy(prot[i], plain[i], plen[i]);
            r = mikey_srtp_protect(tx, prot[i], plen[i], prot[i], sizeof prot[i], &prlen[i]);
        } else {
            r = mikey_srtp_protect(tx, plain[i], plen[i], prot[i], sizeof prot[i], &prlen[i]);
        }
        MT_EQ_INT(r, MIKEY_OK);
        if (r != MIKEY_OK || prlen[i] != elen || memcmp(prot[i], exp, elen) != 0) {
            if (mism++ == 0) {
                printf("# %s: packet %d (index %llx) differs from the reference\n", c->name, i,
                       (unsigned long long)index);
                MT_MEMEQ(prot[i], prlen[i], exp, elen);
            }
        }
    }
    MT_EQ_INT(mism, 0);
    mikey_srtp_stream_info info;
    MT_EQ_INT(mikey_srtp_stream_get(tx, ssrc, MIKEY_SRTP_OUTBOUND, &info), MIKEY_OK);
    MT_EQ_INT(info.roc, roc0 + 1);
    MT_EQ_INT(info.rtp_packets, N);

    /* Receive out of order: swap neighbours in blocks of 7 so derivation
     * boundaries (KDR) are crossed backwards as well as forwards. */
    int order[N];
    for (int i = 0; i < N; i++)
        order[i] = i;
    for (int i = 0; i + 7 < N; i += 7) {
        int t = order[i];
        order[i] = order[i + 5];
        order[i + 5] = t;
    }
    int bad = 0;
    for (int j = 0; j < N; j++) {
        int i = order[j];
        uint8_t out[1700];
        size_t ol = 0;
        int r = mikey_srtp_unprotect(rx, prot[i], prlen[i], out, sizeof out, &ol);
        if (r != MIKEY_OK || ol != plen[i] || memcmp(out, plain[i], ol) != 0) {
            if (bad++ == 0)
                printf("# %s: unprotect of #%d: %s\n", c->name, i, mikey_err_name(r));
        }
    }
    MT_EQ_INT(bad, 0);

    /* SRTCP: indices 0.. in order, past KDR boundaries. */
    mism = bad = 0;
    for (uint32_t idx = 0; idx < 300; idx++) {
        uint8_t extra[200], pkt[256], exp[400], got[400], back[400];
        size_t el = 4 * (idx % 40), pl = make_rtcp(pkt, ssrc, extra, (fill_rand(extra, el, rs), el));
        size_t xl = ref_protect_rtcp(&rc, idx, pkt, pl, exp), gl = 0, bl = 0;
        int r = mikey_srtp_protect_rtcp(tx, pkt, pl, got, sizeof got, &gl);
        if (r != MIKEY_OK || gl != xl || memcmp(got, exp, xl) != 0) {
            if (mism++ == 0) {
                printf("# %s: SRTCP index %u differs from the reference (%s)\n", c->name, idx, mikey_err_name(r));
                MT_MEMEQ(got, gl, exp, xl);
            }
        }
        r = mikey_srtp_unprotect_rtcp(rx, got, gl, back, sizeof back, &bl);
        if (r != MIKEY_OK || bl != pl || memcmp(back, pkt, pl) != 0)
            bad++;
    }
    MT_EQ_INT(mism, 0);
    MT_EQ_INT(bad, 0);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    if (mt_failed_checks != before)
        printf("# ^ config %s\n", c->name);
}

static void test_against_reference(void)
{
    uint64_t rs = 0x1234567887654321ull;
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++)
        run_cfg(&cfgs[i], &rs);
}

/* RFC 3711 B.3's master key and salt through a whole session: the packet
 * must equal the naive reference driven by the same master key, tying the
 * KDF vector to the packet path. */
static void test_b3_keys_end_to_end(void)
{
    size_t kl, sl;
    uint8_t *mk = mt_hex("e1f97a0d3e018be0d64fa32c06de4139", &kl), *ms = mt_hex("0ec675ad498afeebb6960b3aabe6", &sl);
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    mikey_srtp *tx = one_stream(&pol, MIKEY_SRTP_OUTBOUND, 0xdeadbeef, 0, mk, kl, ms, sl);
    MT_REQUIRE(tx);
    ref_ctx rc = {0};
    rc.cipher = pol.cipher, rc.hmac = 1, rc.rtp_auth = 1, rc.rtp_enc = rc.rtcp_enc = 1;
    rc.rtp_tag = rc.rtcp_tag = 10, rc.auth_key_len = 20, rc.mkey = mk, rc.mkey_len = 16;
    memcpy(rc.msalt, ms, 14);
    /* The reference's KDF output must be the RFC's (first, its own check). */
    ref_keys k;
    ref_session(&rc, 0, 0, &k);
    size_t el;
    uint8_t *ke = mt_hex("c61e7a93744f39ee10734afe3ff7a087", &el);
    MT_MEMEQ(k.ke, k.kel, ke, el);
    uint8_t pkt[100], exp[200], got[200], payload[40] = {1, 2, 3};
    size_t pl = make_rtp(pkt, 1234, 5678, 0xdeadbeef, payload, sizeof payload), gl = 0;
    size_t xl = ref_protect_rtp(&rc, 1234, pkt, pl, exp);
    MT_EQ_INT(mikey_srtp_protect(tx, pkt, pl, got, sizeof got, &gl), MIKEY_OK);
    MT_MEMEQ(got, gl, exp, xl);
    mikey_srtp_free(tx);
    free(mk), free(ms), free(ke);
}

MT_MAIN(test_against_reference, test_b3_keys_end_to_end)
