/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Negative tests: every bad packet is refused with its precise error and
 * leaves no trace: the stream state (stream_get), the input bytes (also when
 * decrypting in place, GCM included) and the replay window (the genuine
 * packet is still accepted afterwards) are unchanged.
 *   tampered byte anywhere / tag       MIKEY_ERR_AUTH (header bits that
 *                                      change the layout: their own error)
 *   wrong key                          MIKEY_ERR_AUTH
 *   replayed / older than the window   MIKEY_ERR_REPLAY
 *   too short                          MIKEY_ERR_TRUNCATED
 *   unknown MKI / SSRC                 MIKEY_ERR_NOT_FOUND
 *   RTP version != 2                   MIKEY_ERR_FIELD
 *   output too small                   MIKEY_ERR_NOBUF (+ size needed)
 */
#include "srtp_util.h"

#define SSRC 0x0badcafeu

typedef struct pair {
    mikey_srtp *tx, *rx;
    mikey_srtp_policy pol;
} pair;

static const uint8_t KEY[32] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba,
                                0xcb, 0xdc, 0xed, 0xfe, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t SALT[14] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
static const uint8_t MKI[4] = {0xde, 0xad, 0x00, 0x01};

static int make_pair(pair *p, int suite, int mki)
{
    memset(p, 0, sizeof *p);
    if (mikey_srtp_policy_suite(&p->pol, (mikey_srtp_suite)suite) != MIKEY_OK)
        return -1;
    p->pol.mki_len = mki ? 4 : 0;
    mikey_srtp_key k = {0};
    k.key = KEY;
    k.key_len = mikey_srtp_master_key_len(p->pol.cipher);
    k.salt = SALT;
    k.salt_len = mikey_srtp_master_salt_len(p->pol.cipher);
    k.mki = mki ? MKI : NULL;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = SSRC;
    sp.policy = &p->pol;
    sp.keys = &k;
    sp.nkeys = 1;
    if (mikey_srtp_new(NULL, NULL, &p->tx) || mikey_srtp_new(NULL, NULL, &p->rx))
        return -1;
    if (mikey_srtp_add_stream(p->tx, &sp))
        return -1;
    sp.dir = MIKEY_SRTP_INBOUND;
    return mikey_srtp_add_stream(p->rx, &sp) ? -1 : 0;
}

static void free_pair(pair *p)
{
    mikey_srtp_free(p->tx);
    mikey_srtp_free(p->rx);
}

static int info_eq(mikey_srtp *s, int dir, const mikey_srtp_stream_info *a)
{
    mikey_srtp_stream_info b;
    if (mikey_srtp_stream_get(s, SSRC, dir, &b) != MIKEY_OK)
        return 0;
    return memcmp(a, &b, sizeof b) == 0;
}

static size_t protect_seq(pair *p, uint16_t seq, uint8_t *out, size_t cap, uint8_t *plain, size_t *plen)
{
    uint8_t payload[64];
    for (int i = 0; i < 64; i++)
        payload[i] = (uint8_t)(i * 3 + seq);
    *plen = make_rtp(plain, seq, seq * 160u, SSRC, payload, sizeof payload);
    size_t ol = 0;
    if (mikey_srtp_protect(p->tx, plain, *plen, out, cap, &ol) != MIKEY_OK)
        return 0;
    return ol;
}

/* Check one refused unprotect: expected error, state and input unchanged;
 * then again in place, the buffer must come back unchanged. */
static void refused(pair *p, const uint8_t *pkt, size_t len, int rtcp, int want, const char *what)
{
    mikey_srtp_stream_info before;
    MT_REQUIRE(mikey_srtp_stream_get(p->rx, SSRC, MIKEY_SRTP_INBOUND, &before) == MIKEY_OK);
    uint8_t in[512], copy[512], out[512];
    size_t ol = 12345;
    memcpy(in, pkt, len);
    memcpy(copy, pkt, len);
    int rc = rtcp ? mikey_srtp_unprotect_rtcp(p->rx, in, len, out, sizeof out, &ol)
                  : mikey_srtp_unprotect(p->rx, in, len, out, sizeof out, &ol);
    if (want != 0 ? rc != want : rc == MIKEY_OK)
        mt_fail(__FILE__, __LINE__, "%s: got %s, want %s", what, mikey_err_name(rc),
                want ? mikey_err_name(want) : "an error");
    MT_CHECK(memcmp(in, copy, len) == 0);
    MT_CHECK(info_eq(p->rx, MIKEY_SRTP_INBOUND, &before));
    rc = rtcp ? mikey_srtp_unprotect_rtcp(p->rx, in, len, in, sizeof in, &ol)
              : mikey_srtp_unprotect(p->rx, in, len, in, sizeof in, &ol);
    MT_CHECK(rc != MIKEY_OK);
    if (memcmp(in, copy, len) != 0)
        mt_fail(__FILE__, __LINE__, "%s: in-place failure changed the buffer", what);
    MT_CHECK(info_eq(p->rx, MIKEY_SRTP_INBOUND, &before));
}

static void accepted(pair *p, const uint8_t *pkt, size_t len, const uint8_t *plain, size_t plen, int rtcp)
{
    uint8_t out[512];
    size_t ol = 0;
    int rc = rtcp ? mikey_srtp_unprotect_rtcp(p->rx, pkt, len, out, sizeof out, &ol)
                  : mikey_srtp_unprotect(p->rx, pkt, len, out, sizeof out, &ol);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_MEMEQ(out, ol, plain, plen);
}

static const int suites[] = {MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32,
                             MIKEY_SRTP_F8_128_HMAC_SHA1_80,     MIKEY_SRTP_NULL_HMAC_SHA1_80,
                             MIKEY_SRTP_AEAD_AES_128_GCM,        MIKEY_SRTP_AEAD_AES_256_GCM_8};

static void test_rtp_tamper_replay_short_mki(void)
{
    for (size_t si = 0; si < sizeof suites / sizeof suites[0]; si++)
        for (int mki = 0; mki < 2; mki++) {
            pair p;
            MT_REQUIRE(make_pair(&p, suites[si], mki) == 0);
            uint8_t pkt[300], plain[300];
            size_t plen, len;
            /* Some history first. */
            for (uint16_t s = 100; s < 110; s++) {
                len = protect_seq(&p, s, pkt, sizeof pkt, plain, &plen);
                MT_REQUIRE(len);
                accepted(&p, pkt, len, plain, plen, 0);
            }
            len = protect_seq(&p, 110, pkt, sizeof pkt, plain, &plen);
            size_t tag = len - plen - (mki ? 4 : 0);
            size_t mki_off = p.pol.cipher >= MIKEY_SRTP_CIPHER_AES_GCM_128 ? len - 4 : plen;
            /* Flip every byte after the fixed header fields that only select
             * the stream: payload, MKI, tag. */
            for (size_t i = 12; i < len; i++) {
                uint8_t t[300];
                memcpy(t, pkt, len);
                t[i] ^= 0x01;
                int in_mki = mki && i >= mki_off && i < mki_off + 4;
                refused(&p, t, len, 0, in_mki ? MIKEY_ERR_NOT_FOUND : MIKEY_ERR_AUTH, "tampered byte");
            }
            /* Header fields: marker/PT, timestamp (authenticated) -> AUTH;
             * sequence number -> AUTH (another index); SSRC -> NOT_FOUND;
             * version -> FIELD. */
            static const size_t hb[] = {1, 4, 7, 3};
            for (size_t i = 0; i < 4; i++) {
                uint8_t t[300];
                memcpy(t, pkt, len);
                t[hb[i]] ^= 0x40;
                refused(&p, t, len, 0, MIKEY_ERR_AUTH, "tampered header");
            }
            uint8_t t[300];
            memcpy(t, pkt, len);
            t[9] ^= 1;
            refused(&p, t, len, 0, MIKEY_ERR_NOT_FOUND, "other SSRC");
            memcpy(t, pkt, len);
            t[0] = (t[0] & 0x3f) | 0x40;
            refused(&p, t, len, 0, MIKEY_ERR_FIELD, "version 1");
            /* X set with an extension length running past the end. */
            memcpy(t, pkt, len);
            t[0] |= 0x10;
            t[14] = t[15] = 0xff;
            refused(&p, t, len, 0, MIKEY_ERR_TRUNCATED, "extension past the end");
            /* Truncations: every length short of header + MKI + tag. */
            for (size_t l = 0; l < 12 + (mki ? 4 : 0) + tag; l++)
                refused(&p, pkt, l, 0, MIKEY_ERR_TRUNCATED, "short packet");
            /* Unknown MKI. */
            if (mki) {
                memcpy(t, pkt, len);
                t[mki_off + 3] = 0x77;
                refused(&p, t, len, 0, MIKEY_ERR_NOT_FOUND, "unknown MKI");
            }
            /* Output too small: NOBUF with the size, nothing changed. */
            {
                mikey_srtp_stream_info before;
                MT_REQUIRE(mikey_srtp_stream_get(p.rx, SSRC, MIKEY_SRTP_INBOUND, &before) == MIKEY_OK);
                uint8_t out[300];
                size_t need = 0;
                MT_EQ_INT(mikey_srtp_unprotect(p.rx, pkt, len, out, plen - 1, &need), MIKEY_ERR_NOBUF);
                MT_EQ_INT(need, plen);
                MT_CHECK(info_eq(p.rx, MIKEY_SRTP_INBOUND, &before));
            }
            /* After all that, the genuine packet passes, then is a replay. */
            accepted(&p, pkt, len, plain, plen, 0);
            refused(&p, pkt, len, 0, MIKEY_ERR_REPLAY, "replay");
            /* Far ahead, then the window leaves an old (unseen) packet behind. */
            uint8_t old[300], oldplain[300];
            size_t oldplen, oldlen = protect_seq(&p, 111, old, sizeof old, oldplain, &oldplen);
            len = protect_seq(&p, 111 + 64, pkt, sizeof pkt, plain, &plen);
            accepted(&p, pkt, len, plain, plen, 0);
            refused(&p, old, oldlen, 0, MIKEY_ERR_REPLAY, "older than the window");
            /* Wrong key: a receiver with another master key. */
            pair q;
            MT_REQUIRE(make_pair(&q, suites[si], mki) == 0);
            mikey_srtp_free(q.rx);
            uint8_t other[32];
            memcpy(other, KEY, 32);
            other[5] ^= 0x80;
            mikey_srtp_key k = {0};
            k.key = other;
            k.key_len = mikey_srtp_master_key_len(q.pol.cipher);
            k.salt = SALT;
            k.salt_len = mikey_srtp_master_salt_len(q.pol.cipher);
            k.mki = mki ? MKI : NULL;
            mikey_srtp_stream_params sp = {0};
            sp.ssrc = SSRC;
            sp.dir = MIKEY_SRTP_INBOUND;
            sp.policy = &q.pol;
            sp.keys = &k;
            sp.nkeys = 1;
            MT_REQUIRE(mikey_srtp_new(NULL, NULL, &q.rx) == MIKEY_OK && mikey_srtp_add_stream(q.rx, &sp) == MIKEY_OK);
            len = protect_seq(&p, 300, pkt, sizeof pkt, plain, &plen);
            refused(&q, pkt, len, 0, MIKEY_ERR_AUTH, "wrong key");
            free_pair(&q);
            free_pair(&p);
        }
}

static void test_rtcp_tamper_replay_short(void)
{
    for (size_t si = 0; si < sizeof suites / sizeof suites[0]; si++)
        for (int mki = 0; mki < 2; mki++) {
            pair p;
            MT_REQUIRE(make_pair(&p, suites[si], mki) == 0);
            uint8_t extra[40], plain[100], pkt[300];
            for (int i = 0; i < 40; i++)
                extra[i] = (uint8_t)i;
            size_t plen = make_rtcp(plain, SSRC, extra, sizeof extra), len = 0;
            MT_EQ_INT(mikey_srtp_protect_rtcp(p.tx, plain, plen, pkt, sizeof pkt, &len), MIKEY_OK);
            int gcm = p.pol.cipher >= MIKEY_SRTP_CIPHER_AES_GCM_128;
            size_t mki_off = len - (mki ? 4 : 0) - (gcm ? 0 : p.pol.rtcp_tag_len);
            for (size_t i = 8; i < len; i++) {
                uint8_t t[300];
                memcpy(t, pkt, len);
                t[i] ^= 0x04;
                int in_mki = mki && i >= mki_off && i < mki_off + 4;
                refused(&p, t, len, 1, in_mki ? MIKEY_ERR_NOT_FOUND : MIKEY_ERR_AUTH, "tampered SRTCP byte");
            }
            uint8_t t[300];
            memcpy(t, pkt, len);
            t[1] ^= 1; /* packet type */
            refused(&p, t, len, 1, MIKEY_ERR_AUTH, "tampered RTCP header");
            memcpy(t, pkt, len);
            t[0] &= 0x3f;
            refused(&p, t, len, 1, MIKEY_ERR_FIELD, "RTCP version 0");
            for (size_t l = 0; l < 12 + (mki ? 4u : 0u) + (size_t)p.pol.rtcp_tag_len; l++)
                refused(&p, pkt, l, 1, MIKEY_ERR_TRUNCATED, "short SRTCP");
            accepted(&p, pkt, len, plain, plen, 1);
            refused(&p, pkt, len, 1, MIKEY_ERR_REPLAY, "SRTCP replay");
            free_pair(&p);
        }
}

static void test_protect_errors(void)
{
    pair p;
    MT_REQUIRE(make_pair(&p, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0) == 0);
    uint8_t pkt[100], out[200];
    size_t plen = make_rtp(pkt, 7, 0, SSRC, (const uint8_t *)"hello", 5), ol = 0;
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, 11, out, sizeof out, &ol), MIKEY_ERR_TRUNCATED);
    pkt[0] = 0x40;
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_ERR_FIELD);
    pkt[0] = 0x90; /* X set, extension header missing */
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_ERR_TRUNCATED);
    pkt[0] = 0x80;
    pkt[11] ^= 1;
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_ERR_NOT_FOUND);
    pkt[11] ^= 1;
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, plen + 9, &ol), MIKEY_ERR_NOBUF);
    MT_EQ_INT(ol, plen + 10);
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, NULL, 0, &ol), MIKEY_ERR_NOBUF); /* size query */
    MT_EQ_INT(ol, plen + 10);
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, NULL, 100, &ol), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_OK);
    /* The sender never reuses an index (keystream / GCM nonce reuse). */
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_ERR_REPLAY);
    MT_EQ_INT(mikey_srtp_protect_rtcp(p.tx, pkt, 7, out, sizeof out, &ol), MIKEY_ERR_TRUNCATED);
    MT_EQ_INT(mikey_srtp_protect(NULL, pkt, plen, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_srtp_unprotect(p.rx, NULL, plen, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG);
    free_pair(&p);
    /* ... unless told to (retransmission of identical payloads). */
    MT_REQUIRE(make_pair(&p, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, 0) == 0);
    mikey_srtp_free(p.tx);
    p.pol.allow_repeat_tx = 1;
    mikey_srtp_key k = {0};
    k.key = KEY, k.key_len = 16, k.salt = SALT, k.salt_len = 14;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = SSRC, sp.policy = &p.pol, sp.keys = &k, sp.nkeys = 1;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &p.tx) == MIKEY_OK && mikey_srtp_add_stream(p.tx, &sp) == MIKEY_OK);
    uint8_t out2[200];
    size_t ol2 = 0;
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_protect(p.tx, pkt, plen, out2, sizeof out2, &ol2), MIKEY_OK);
    MT_MEMEQ(out, ol, out2, ol2);
    free_pair(&p);
}

/* Policies and keys that must be refused at setup. */
static void test_setup_errors(void)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    mikey_srtp_policy bad = pol;
    bad.rtp_tag_len = 21;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_POLICY);
    bad = pol, bad.kdr = 3;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_POLICY);
    bad = pol, bad.kdr = 1u << 25;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_POLICY);
    bad = pol, bad.replay_window = 32;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_POLICY);
    bad = pol, bad.cipher = 9;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_ALGORITHM);
    mikey_srtp_policy_suite(&bad, MIKEY_SRTP_AEAD_AES_128_GCM);
    bad.rtp_tag_len = 10;
    MT_EQ_INT(mikey_srtp_policy_check(&bad), MIKEY_ERR_POLICY);
    MT_EQ_INT(mikey_srtp_policy_suite(&bad, (mikey_srtp_suite)99), MIKEY_ERR_INVALID_ARG);

    mikey_srtp *s = NULL;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &s) == MIKEY_OK);
    mikey_srtp_key k = {0};
    k.key = KEY, k.key_len = 16, k.salt = SALT, k.salt_len = 14;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = 1, sp.policy = &pol, sp.keys = &k, sp.nkeys = 1;
    k.key_len = 32;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_LENGTH);
    k.key_len = 16, k.salt_len = 12;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_LENGTH);
    k.salt_len = 14, k.has_range = 1, k.from = 10, k.to = 5;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_FIELD);
    k.has_range = 0;
    sp.nkeys = 0;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_INVALID_ARG);
    sp.nkeys = 1;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_STATE); /* same SSRC and direction */
    sp.dir = MIKEY_SRTP_INBOUND;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_OK);         /* the other direction is another stream */
    mikey_srtp_policy mp = pol;
    mp.mki_len = 2;
    uint8_t m2[2][2] = {{1, 2}, {1, 2}};
    mikey_srtp_key two[2] = {k, k};
    two[0].mki = m2[0], two[1].mki = m2[1];
    sp.ssrc = 2, sp.policy = &mp, sp.keys = two, sp.nkeys = 2;
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_ERR_FIELD); /* duplicate MKI */
    mikey_srtp_free(s);
}

MT_MAIN(test_rtp_tamper_replay_short_mki, test_rtcp_tamper_replay_short, test_protect_errors, test_setup_errors)
