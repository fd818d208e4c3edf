/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Master keys over a stream's life: MKI rekey with packets of the old key
 * still in flight, <From, To> key switch by index (RFC 3711 §8.1.1), master
 * key lifetime with the soft-limit callback asking for (and performing) a
 * rekey and the hard limit, any-SSRC templates (streams created only for
 * authenticated packets), stream limits, removal, late ROC.
 */
#include "srtp_util.h"

static const uint8_t KA[16] = {0xa0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t KB[16] = {0xb0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t SALT[14] = {0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e};
static const uint8_t MKI_A[2] = {0, 1}, MKI_B[2] = {0, 2};

static mikey_srtp_key key_of(const uint8_t *k, const uint8_t *mki)
{
    mikey_srtp_key x = {0};
    x.key = k;
    x.key_len = 16;
    x.salt = SALT;
    x.salt_len = 14;
    x.mki = mki;
    return x;
}

static mikey_srtp *session(const mikey_srtp_config *cfg, const mikey_srtp_policy *pol, uint32_t ssrc, int dir,
                           int any, const mikey_srtp_key *keys, size_t n)
{
    mikey_srtp *s = NULL;
    if (mikey_srtp_new(NULL, cfg, &s) != MIKEY_OK)
        return NULL;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = ssrc;
    sp.dir = (uint8_t)dir;
    sp.any_ssrc = (uint8_t)any;
    sp.policy = pol;
    sp.keys = keys;
    sp.nkeys = n;
    if (mikey_srtp_add_stream(s, &sp) != MIKEY_OK) {
        mikey_srtp_free(s);
        return NULL;
    }
    return s;
}

static size_t prot(mikey_srtp *tx, uint32_t ssrc, uint16_t seq, uint8_t *out, size_t cap, int *rc)
{
    uint8_t pkt[64], pay[20];
    for (int i = 0; i < 20; i++)
        pay[i] = (uint8_t)(seq + i);
    size_t n = make_rtp(pkt, seq, seq, ssrc, pay, sizeof pay), ol = 0;
    *rc = mikey_srtp_protect(tx, pkt, n, out, cap, &ol);
    return ol;
}

static int unprot(mikey_srtp *rx, const uint8_t *p, size_t n)
{
    uint8_t out[128];
    size_t ol;
    return mikey_srtp_unprotect(rx, p, n, out, sizeof out, &ol);
}

static void test_mki_rekey_keeps_packets_in_flight(void)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.mki_len = 2;
    mikey_srtp_key a = key_of(KA, MKI_A), b = key_of(KB, MKI_B);
    mikey_srtp *tx = session(NULL, &pol, 9, MIKEY_SRTP_OUTBOUND, 0, &a, 1);
    mikey_srtp *rx = session(NULL, &pol, 9, MIKEY_SRTP_INBOUND, 0, &a, 1);
    MT_REQUIRE(tx && rx);
    uint8_t p[200][80];
    size_t n[200];
    int rc;
    for (int i = 0; i < 100; i++) {
        n[i] = prot(tx, 9, (uint16_t)i, p[i], 80, &rc);
        MT_EQ_INT(rc, MIKEY_OK);
        MT_CHECK(memcmp(p[i] + n[i] - 12, MKI_A, 2) == 0);
    }
    /* MIKEY rekey: the receiver installs the new key, then the sender. */
    MT_EQ_INT(mikey_srtp_add_key(rx, 9, MIKEY_SRTP_INBOUND, 0, &b), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_add_key(tx, 9, MIKEY_SRTP_OUTBOUND, 0, &b), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_add_key(tx, 9, MIKEY_SRTP_OUTBOUND, 0, &b), MIKEY_ERR_FIELD); /* same MKI twice */
    for (int i = 100; i < 200; i++) {
        n[i] = prot(tx, 9, (uint16_t)i, p[i], 80, &rc);
        MT_EQ_INT(rc, MIKEY_OK);
        MT_CHECK(memcmp(p[i] + n[i] - 12, MKI_B, 2) == 0);
    }
    /* Deliver 0..89, then new-key packets 100..149, then the old-key
     * packets 90..99 that were still in flight, then the rest. */
    int bad = 0;
    for (int i = 0; i < 90; i++)
        bad += unprot(rx, p[i], n[i]) != MIKEY_OK;
    for (int i = 100; i < 150; i++)
        bad += unprot(rx, p[i], n[i]) != MIKEY_OK;
    for (int i = 90; i < 100; i++)
        bad += unprot(rx, p[i], n[i]) != MIKEY_OK;
    for (int i = 150; i < 200; i++)
        bad += unprot(rx, p[i], n[i]) != MIKEY_OK;
    MT_EQ_INT(bad, 0);
    /* Retire the old key: an old-key packet is now an unknown MKI. */
    uint8_t late[80];
    size_t ln;
    mikey_srtp *tx_old = session(NULL, &pol, 9, MIKEY_SRTP_OUTBOUND, 0, &a, 1);
    MT_REQUIRE(mikey_srtp_set_roc(tx_old, 9, MIKEY_SRTP_OUTBOUND, 0) == MIKEY_OK);
    ln = prot(tx_old, 9, 250, late, 80, &rc);
    MT_EQ_INT(mikey_srtp_remove_key(rx, 9, MIKEY_SRTP_INBOUND, 0, MKI_A, 2), MIKEY_OK);
    MT_EQ_INT(unprot(rx, late, ln), MIKEY_ERR_NOT_FOUND);
    mikey_srtp_stream_info info;
    MT_EQ_INT(mikey_srtp_stream_get(rx, 9, MIKEY_SRTP_INBOUND, &info), MIKEY_OK);
    MT_EQ_INT(info.nkeys, 1);
    MT_EQ_INT(mikey_srtp_remove_key(rx, 9, MIKEY_SRTP_INBOUND, 0, MKI_B, 2), MIKEY_ERR_STATE); /* the last key */
    MT_EQ_INT(mikey_srtp_remove_key(rx, 9, MIKEY_SRTP_INBOUND, 0, MKI_A, 2), MIKEY_ERR_NOT_FOUND);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    mikey_srtp_free(tx_old);
}

static void test_from_to_switch_by_index(void)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32);
    const uint32_t roc = 2;
    const uint64_t sw = ((uint64_t)roc << 16) + 65530; /* switch just before a wrap */
    mikey_srtp_key ks[2] = {key_of(KA, NULL), key_of(KB, NULL)};
    ks[0].has_range = 1, ks[0].from = 0, ks[0].to = sw - 1;
    ks[1].has_range = 1, ks[1].from = sw, ks[1].to = ((uint64_t)1 << 48) - 1;
    mikey_srtp *tx = session(NULL, &pol, 3, MIKEY_SRTP_OUTBOUND, 0, ks, 2);
    mikey_srtp *rx = session(NULL, &pol, 3, MIKEY_SRTP_INBOUND, 0, ks, 2);
    /* Single-key senders give the expected bytes on each side of the switch. */
    mikey_srtp_key only_a = key_of(KA, NULL), only_b = key_of(KB, NULL);
    mikey_srtp *ta = session(NULL, &pol, 3, MIKEY_SRTP_OUTBOUND, 0, &only_a, 1);
    mikey_srtp *tb = session(NULL, &pol, 3, MIKEY_SRTP_OUTBOUND, 0, &only_b, 1);
    MT_REQUIRE(tx && rx && ta && tb);
    for (mikey_srtp **s = (mikey_srtp *[]){tx, rx, ta, tb, NULL}; *s; s++)
        MT_EQ_INT(mikey_srtp_set_roc(*s, 3, *s == rx ? MIKEY_SRTP_INBOUND : MIKEY_SRTP_OUTBOUND, roc), MIKEY_OK);
    uint8_t p[20][64], e[64];
    size_t n[20], en;
    int rc, bad = 0;
    for (int i = 0; i < 20; i++) {
        uint16_t seq = (uint16_t)(65520 + i);
        uint64_t index = ((uint64_t)roc << 16) + 65520 + (uint64_t)i;
        n[i] = prot(tx, 3, seq, p[i], 64, &rc);
        MT_EQ_INT(rc, MIKEY_OK);
        en = prot(index < sw ? ta : tb, 3, seq, e, 64, &rc);
        bad += en != n[i] || memcmp(e, p[i], en) != 0;
    }
    MT_EQ_INT(bad, 0);
    /* Reordered around the switch: keys are picked by the estimated index. */
    int order[20] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 10, 9, 12, 13, 15, 14, 16, 17, 19, 18};
    for (int i = 0; i < 20; i++)
        bad += unprot(rx, p[order[i]], n[order[i]]) != MIKEY_OK;
    MT_EQ_INT(bad, 0);
    mikey_srtp_free(tx), mikey_srtp_free(rx), mikey_srtp_free(ta), mikey_srtp_free(tb);

    /* No key covers the index: refused, not sent under a wrong key. */
    mikey_srtp_key lim = key_of(KA, NULL);
    lim.has_range = 1, lim.from = 100, lim.to = 200;
    mikey_srtp *t2 = session(NULL, &pol, 4, MIKEY_SRTP_OUTBOUND, 0, &lim, 1);
    MT_REQUIRE(t2);
    prot(t2, 4, 50, e, 64, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_NOT_FOUND);
    prot(t2, 4, 150, e, 64, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    prot(t2, 4, 201, e, 64, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_NOT_FOUND);
    mikey_srtp_free(t2);
}

/* ---- lifetime and events ---- */

static struct {
    int n;
    mikey_srtp_event ev[16];
    uint8_t mki[16][4];
    mikey_srtp *rekey_on_soft; /* add key B to this session on a soft-limit event */
    int rekey_rc;
} evlog;

static void on_event(const mikey_srtp_event *ev, void *ud)
{
    MT_CHECK(ud == &evlog);
    if (evlog.n < 16) {
        evlog.ev[evlog.n] = *ev;
        if (ev->mki && ev->mki_len <= 4)
            memcpy(evlog.mki[evlog.n], ev->mki, ev->mki_len);
        evlog.n++;
    }
    if (ev->type == MIKEY_SRTP_EVENT_KEY_SOFT_LIMIT && evlog.rekey_on_soft) {
        mikey_srtp_key b = key_of(KB, MKI_B);
        evlog.rekey_rc = mikey_srtp_add_key(evlog.rekey_on_soft, ev->ssrc, ev->dir, 0, &b);
    }
}

static void test_lifetime_hard_limit(void)
{
    memset(&evlog, 0, sizeof evlog);
    mikey_srtp_config cfg = {0};
    cfg.soft_limit = 2;
    cfg.event = on_event;
    cfg.user_data = &evlog;
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AEAD_AES_128_GCM);
    pol.mki_len = 2;
    mikey_srtp_key a = key_of(KA, MKI_A);
    a.salt_len = 12;
    a.lifetime = 5;
    a.lifetime_rtcp = 2;
    mikey_srtp *tx = session(&cfg, &pol, 1, MIKEY_SRTP_OUTBOUND, 0, &a, 1);
    MT_REQUIRE(tx);
    uint8_t out[128];
    int rc;
    for (int i = 0; i < 5; i++) {
        prot(tx, 1, (uint16_t)i, out, sizeof out, &rc);
        MT_EQ_INT(rc, MIKEY_OK);
        if (i == 2) { /* 3 used, 2 left: soft limit */
            MT_EQ_INT(evlog.n, 1);
            MT_EQ_INT(evlog.ev[0].type, MIKEY_SRTP_EVENT_KEY_SOFT_LIMIT);
            MT_EQ_INT(evlog.ev[0].rtcp, 0);
            MT_MEMEQ(evlog.mki[0], 2, MKI_A, 2);
        }
    }
    MT_EQ_INT(evlog.n, 2); /* the 5th packet used the key up */
    MT_EQ_INT(evlog.ev[1].type, MIKEY_SRTP_EVENT_KEY_HARD_LIMIT);
    mikey_srtp_stream_info before, after;
    MT_EQ_INT(mikey_srtp_stream_get(tx, 1, MIKEY_SRTP_OUTBOUND, &before), MIKEY_OK);
    prot(tx, 1, 5, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_srtp_stream_get(tx, 1, MIKEY_SRTP_OUTBOUND, &after), MIKEY_OK);
    MT_CHECK(memcmp(&before, &after, sizeof before) == 0);
    MT_EQ_INT(evlog.n, 2); /* no repeated events */
    /* SRTCP has its own count. */
    uint8_t rtcp[16], extra[8] = {0};
    size_t rl = make_rtcp(rtcp, 1, extra, 8), ol;
    MT_EQ_INT(mikey_srtp_protect_rtcp(tx, rtcp, rl, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(evlog.ev[evlog.n - 1].type, MIKEY_SRTP_EVENT_KEY_SOFT_LIMIT);
    MT_EQ_INT(evlog.ev[evlog.n - 1].rtcp, 1);
    MT_EQ_INT(mikey_srtp_protect_rtcp(tx, rtcp, rl, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_protect_rtcp(tx, rtcp, rl, out, sizeof out, &ol), MIKEY_ERR_STATE);
    mikey_srtp_free(tx);
}

static void test_soft_limit_rekey_from_callback(void)
{
    memset(&evlog, 0, sizeof evlog);
    mikey_srtp_config cfg = {0};
    cfg.soft_limit = 10;
    cfg.event = on_event;
    cfg.user_data = &evlog;
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.mki_len = 2;
    mikey_srtp_key a = key_of(KA, MKI_A), both[2] = {key_of(KA, MKI_A), key_of(KB, MKI_B)};
    a.lifetime = 50;
    mikey_srtp *tx = session(&cfg, &pol, 8, MIKEY_SRTP_OUTBOUND, 0, &a, 1);
    mikey_srtp *rx = session(NULL, &pol, 8, MIKEY_SRTP_INBOUND, 0, both, 2);
    MT_REQUIRE(tx && rx);
    evlog.rekey_on_soft = tx;
    int bad = 0, rc, on_b = 0;
    for (int i = 0; i < 200; i++) {
        uint8_t out[128];
        size_t n = prot(tx, 8, (uint16_t)(1000 + i), out, sizeof out, &rc);
        bad += rc != MIKEY_OK || unprot(rx, out, n) != MIKEY_OK;
        on_b += memcmp(out + n - 12, MKI_B, 2) == 0;
    }
    MT_EQ_INT(bad, 0);
    MT_EQ_INT(evlog.rekey_rc, MIKEY_OK);
    MT_EQ_INT(on_b, 200 - 40); /* soft limit after 40 of 50 packets; the rest on key B */
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
}

static void test_templates(void)
{
    memset(&evlog, 0, sizeof evlog);
    mikey_srtp_config cfg = {0};
    cfg.event = on_event;
    cfg.user_data = &evlog;
    cfg.max_streams = 3;
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    mikey_srtp_key a = key_of(KA, NULL);
    mikey_srtp *tx = session(NULL, &pol, 0, MIKEY_SRTP_OUTBOUND, 1, &a, 1);
    mikey_srtp *rx = session(&cfg, &pol, 0, MIKEY_SRTP_INBOUND, 1, &a, 1);
    MT_REQUIRE(tx && rx);
    uint8_t p1[64], p2[64], p3[64], junk[64];
    size_t n1, n2, n3;
    int rc;
    n1 = prot(tx, 0x111, 1, p1, 64, &rc);
    n2 = prot(tx, 0x222, 1, p2, 64, &rc);
    n3 = prot(tx, 0x333, 1, p3, 64, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    /* A forged packet for an unknown SSRC creates nothing. */
    memcpy(junk, p1, n1);
    junk[11] = 0x99;
    mikey_srtp_stream_info info;
    MT_EQ_INT(unprot(rx, junk, n1), MIKEY_ERR_AUTH);
    MT_EQ_INT(mikey_srtp_stream_get(rx, 0x199, MIKEY_SRTP_INBOUND, &info), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(evlog.n, 0);
    MT_EQ_INT(unprot(rx, p1, n1), MIKEY_OK);
    MT_EQ_INT(evlog.n, 1);
    MT_EQ_INT(evlog.ev[0].type, MIKEY_SRTP_EVENT_STREAM_ADDED);
    MT_EQ_INT(evlog.ev[0].ssrc, 0x111);
    MT_EQ_INT(unprot(rx, p1, n1), MIKEY_ERR_REPLAY); /* now its own stream, with its own window */
    MT_EQ_INT(unprot(rx, p2, n2), MIKEY_OK);
    /* Template + 2 streams = max_streams: a third SSRC does not fit. */
    MT_EQ_INT(unprot(rx, p3, n3), MIKEY_ERR_LIMIT);
    MT_EQ_INT(mikey_srtp_stream_get(rx, 0x222, MIKEY_SRTP_INBOUND, &info), MIKEY_OK);
    MT_EQ_INT(info.rtp_packets, 1);
    /* A rekey on the template reaches the streams created from it. */
    mikey_srtp_key b = key_of(KB, NULL);
    MT_EQ_INT(mikey_srtp_add_key(rx, 0, MIKEY_SRTP_INBOUND, 1, &b), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_stream_get(rx, 0x111, MIKEY_SRTP_INBOUND, &info), MIKEY_OK);
    MT_EQ_INT(info.nkeys, 2);
    /* Removing the template removes its streams. */
    MT_EQ_INT(mikey_srtp_remove_stream(rx, 0, MIKEY_SRTP_INBOUND, 1), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_stream_get(rx, 0x111, MIKEY_SRTP_INBOUND, &info), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(unprot(rx, p2, n2), MIKEY_ERR_NOT_FOUND);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
}

static void test_many_streams_lookup(void)
{
    /* 2000 SSRCs in each direction: the hash table grows, lookups and
     * removals keep working. */
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_NULL_HMAC_SHA1_32);
    mikey_srtp *s = NULL;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &s) == MIKEY_OK);
    mikey_srtp_key a = key_of(KA, NULL);
    mikey_srtp_stream_params sp = {0};
    sp.policy = &pol, sp.keys = &a, sp.nkeys = 1;
    int bad = 0;
    for (uint32_t i = 0; i < 2000; i++)
        for (int d = 0; d < 2; d++) {
            sp.ssrc = i * 0x10001u, sp.dir = (uint8_t)d;
            bad += mikey_srtp_add_stream(s, &sp) != MIKEY_OK;
        }
    MT_EQ_INT(bad, 0);
    for (uint32_t i = 0; i < 2000; i += 2)
        bad += mikey_srtp_remove_stream(s, i * 0x10001u, MIKEY_SRTP_INBOUND, 0) != MIKEY_OK;
    MT_EQ_INT(bad, 0);
    mikey_srtp_stream_info info;
    for (uint32_t i = 0; i < 2000; i++) {
        bad += mikey_srtp_stream_get(s, i * 0x10001u, MIKEY_SRTP_OUTBOUND, &info) != MIKEY_OK;
        bad += mikey_srtp_stream_get(s, i * 0x10001u, MIKEY_SRTP_INBOUND, &info) !=
               (i % 2 ? MIKEY_OK : MIKEY_ERR_NOT_FOUND);
    }
    MT_EQ_INT(bad, 0);
    uint8_t out[64];
    size_t n;
    int rc;
    n = prot(s, 1999u * 0x10001u, 5, out, 64, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    (void)n;
    mikey_srtp_free(s);
}

static void test_set_roc(void)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    mikey_srtp_key a = key_of(KA, NULL);
    mikey_srtp *tx = session(NULL, &pol, 6, MIKEY_SRTP_OUTBOUND, 0, &a, 1);
    mikey_srtp *rx = session(NULL, &pol, 6, MIKEY_SRTP_INBOUND, 0, &a, 1);
    MT_REQUIRE(tx && rx);
    MT_EQ_INT(mikey_srtp_set_roc(tx, 6, MIKEY_SRTP_OUTBOUND, 1234), MIKEY_OK);
    uint8_t out[64];
    int rc;
    size_t n = prot(tx, 6, 77, out, 64, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_EQ_INT(mikey_srtp_set_roc(tx, 6, MIKEY_SRTP_OUTBOUND, 1), MIKEY_ERR_STATE);
    MT_EQ_INT(unprot(rx, out, n), MIKEY_ERR_AUTH); /* the ROC is in the tag */
    MT_EQ_INT(mikey_srtp_set_roc(rx, 6, MIKEY_SRTP_INBOUND, 1234), MIKEY_OK);
    MT_EQ_INT(unprot(rx, out, n), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_set_roc(rx, 7, MIKEY_SRTP_INBOUND, 1), MIKEY_ERR_NOT_FOUND);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
}

MT_MAIN(test_mki_rekey_keeps_packets_in_flight, test_from_to_switch_by_index, test_lifetime_hard_limit,
        test_soft_limit_rekey_from_callback, test_templates, test_many_streams_lookup, test_set_roc)
