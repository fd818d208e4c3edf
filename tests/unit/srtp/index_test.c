/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Roll-over counter estimation (RFC 3711 §3.3.1, Appendix A) and the replay
 * window (§3.3.2): unit checks of the estimator against a direct reading of
 * Appendix A, then end to end through NULL-cipher streams (with HMAC, so a
 * wrong ROC guess shows as an authentication failure) across sequence wraps
 * with reordering, windows of 64, 1024 and 32768.
 */
#include "srtp/srtp_int.h"
#include "srtp_util.h"

/* Appendix A, literally: v = ROC-1, ROC or ROC+1. Returns -1 for "before
 * index 0". */
static long long appendix_a(uint32_t roc, uint16_t s_l, uint16_t seq)
{
    long long v;
    if (s_l < 32768) {
        if ((int)seq - (int)s_l > 32768)
            v = (long long)roc - 1;
        else
            v = roc;
    } else {
        if ((int)s_l - 32768 > (int)seq)
            v = (long long)roc + 1;
        else
            v = roc;
    }
    if (v < 0)
        return -1;
    return v * 65536 + seq;
}

static void test_estimate_matches_appendix_a(void)
{
    uint64_t bits[2] = {0};
    mk_srtp_replay r = {0};
    r.bits = bits;
    uint64_t rs = 42;
    int checked = 0;
    static const uint16_t edge[] = {0, 1, 2, 32767, 32768, 32769, 65534, 65535};
    for (int t = 0; t < 20000; t++) {
        uint8_t b[8];
        fill_rand(b, sizeof b, &rs);
        uint32_t roc = t % 3 == 0 ? 0 : (uint32_t)(b[0] | b[1] << 8);
        uint16_t s_l = t < 64 ? edge[t % 8] : (uint16_t)(b[2] | b[3] << 8);
        uint16_t seq = t < 64 ? edge[(t / 8) % 8] : (uint16_t)(b[4] | b[5] << 8);
        r.started = 1;
        r.top = (uint64_t)roc << 16 | s_l;
        uint64_t idx = 0;
        int rc = mk_srtp_estimate(&r, 0, seq, &idx);
        long long want = appendix_a(roc, s_l, seq);
        if (want < 0)
            MT_EQ_INT(rc, MIKEY_ERR_REPLAY);
        else {
            MT_EQ_INT(rc, MIKEY_OK);
            MT_EQ_INT(idx, want);
        }
        checked++;
    }
    MT_EQ_INT(checked, 20000);
    /* Before the first packet the signalled ROC is used as is. */
    r.started = 0;
    uint64_t idx;
    MT_EQ_INT(mk_srtp_estimate(&r, 7, 40000, &idx), MIKEY_OK);
    MT_EQ_INT(idx, (7ull << 16) + 40000);
    /* ROC + 1 past 2^32 - 1 would leave the 48-bit index space. */
    r.started = 1;
    r.top = 0xffffffffull << 16 | 65000;
    MT_EQ_INT(mk_srtp_estimate(&r, 0, 5, &idx), MIKEY_ERR_STATE);
}

static void test_window_ring(void)
{
    /* Direct checks of the ring window for several sizes. */
    static const uint32_t windows[] = {64, 1024, 32768};
    for (size_t w = 0; w < 3; w++) {
        uint32_t win = windows[w], nwords = 1;
        while ((uint64_t)nwords * 64 < (uint64_t)win + 64)
            nwords <<= 1;
        uint64_t *bits = calloc(nwords, 8);
        mk_srtp_replay r = {0};
        r.bits = bits;
        MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, 1000000), MIKEY_OK);
        mk_srtp_replay_add(&r, nwords, 1000000);
        MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, 1000000), MIKEY_ERR_REPLAY);
        /* Everything inside the window and unseen is fresh, once. */
        for (uint64_t d = 1; d < win; d += (win / 64) | 1) {
            MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, 1000000 - d), MIKEY_OK);
            mk_srtp_replay_add(&r, nwords, 1000000 - d);
            MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, 1000000 - d), MIKEY_ERR_REPLAY);
        }
        MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, 1000000 - win), MIKEY_ERR_REPLAY);
        /* Jumps of every size: stale bits must not survive the ring. */
        uint64_t top = 1000000;
        uint64_t steps[] = {1, 63, 64, 65, win - 1, win, win + 1, 3 * (uint64_t)win, 1};
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            top += steps[i];
            MT_EQ_INT(mk_srtp_replay_check(&r, win, nwords, top), MIKEY_OK);
            mk_srtp_replay_add(&r, nwords, top);
            for (uint64_t d = 1; d < win && d < steps[i]; d++)
                if (mk_srtp_replay_check(&r, win, nwords, top - d) != MIKEY_OK) {
                    mt_fail(__FILE__, __LINE__, "win %u step %llu: index top-%llu wrongly seen", win,
                            (unsigned long long)steps[i], (unsigned long long)d);
                    break;
                }
        }
        free(bits);
    }
}

/* End to end: a sender crossing several wraps, receiver sees a reordered
 * stream; every packet is accepted once, the ROC follows. */
static void run_wrap(uint32_t window, uint16_t seq0, uint32_t roc0, int reorder)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_NULL_HMAC_SHA1_32);
    pol.replay_window = (uint16_t)window;
    uint8_t key[16] = {9}, salt[14] = {8};
    mikey_srtp *tx = one_stream(&pol, MIKEY_SRTP_OUTBOUND, 77, roc0, key, 16, salt, 14);
    mikey_srtp *rx = one_stream(&pol, MIKEY_SRTP_INBOUND, 77, roc0, key, 16, salt, 14);
    MT_REQUIRE(tx && rx);
    enum { N = 3 * 65536 + 500 };
    int bad = 0, dup_ok = 0;
    uint8_t ring[64][64];
    size_t ringlen[64];
    int ringn = 0;
    for (int i = 0; i < N + reorder; i++) {
        if (i < N) {
            uint8_t pkt[64];
            size_t pl = make_rtp(pkt, (uint16_t)(seq0 + i), 0, 77, (const uint8_t *)"x", 1);
            if (mikey_srtp_protect(tx, pkt, pl, ring[i % 64], 64, &ringlen[i % 64]) != MIKEY_OK)
                bad++;
            ringn++;
        }
        /* Deliver packet i - reorder, or i - 1 and i swapped, etc.: here the
         * packet `reorder` places back, then the one right after it. */
        int j = i - reorder;
        if (j < 0)
            continue;
        int k = (j % 2 == 0 && j + 1 < N && j + 1 <= i) ? j + 1 : (j % 2 == 1 ? j - 1 : j);
        uint8_t out[64];
        size_t ol;
        if (mikey_srtp_unprotect(rx, ring[k % 64], ringlen[k % 64], out, sizeof out, &ol) != MIKEY_OK)
            bad++;
        /* A late duplicate of a packet well inside the window is refused. */
        if (j % 1000 == 999 && mikey_srtp_unprotect(rx, ring[k % 64], ringlen[k % 64], out, sizeof out, &ol) ==
                                   MIKEY_OK)
            dup_ok++;
    }
    MT_EQ_INT(bad, 0);
    MT_EQ_INT(dup_ok, 0);
    mikey_srtp_stream_info in, out;
    MT_EQ_INT(mikey_srtp_stream_get(tx, 77, MIKEY_SRTP_OUTBOUND, &out), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_stream_get(rx, 77, MIKEY_SRTP_INBOUND, &in), MIKEY_OK);
    MT_EQ_INT(out.roc, roc0 + (uint32_t)(((uint64_t)seq0 + N - 1) >> 16));
    MT_EQ_INT(in.roc, out.roc);
    MT_EQ_INT(in.index, out.index);
    MT_EQ_INT(in.rtp_packets, N);
    (void)ringn;
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
}

static void test_wraps_with_reordering(void)
{
    run_wrap(64, 65000, 0, 2);
    run_wrap(1024, 10, 5, 20);
    run_wrap(32768, 40000, 0xfffffffc, 40);
}

/* The first packet after a wrap arriving before the last packet of the old
 * ROC (RFC 3711 §3.3.1: v = ROC - 1). */
static void test_late_packet_before_wrap(void)
{
    mikey_srtp_policy pol;
    mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    uint8_t key[16] = {1}, salt[14] = {2};
    mikey_srtp *tx = one_stream(&pol, MIKEY_SRTP_OUTBOUND, 5, 3, key, 16, salt, 14);
    mikey_srtp *rx = one_stream(&pol, MIKEY_SRTP_INBOUND, 5, 3, key, 16, salt, 14);
    MT_REQUIRE(tx && rx);
    uint8_t p[4][64], out[64];
    size_t pl[4], ol;
    uint16_t seqs[4] = {65533, 65534, 65535, 0};
    for (int i = 0; i < 4; i++) {
        uint8_t pkt[64];
        size_t n = make_rtp(pkt, seqs[i], 0, 5, (const uint8_t *)"abc", 3);
        MT_EQ_INT(mikey_srtp_protect(tx, pkt, n, p[i], 64, &pl[i]), MIKEY_OK);
    }
    int order[4] = {0, 3, 1, 2}; /* 65533, 0 (ROC 4), 65534 (ROC 3), 65535 */
    for (int i = 0; i < 4; i++)
        MT_EQ_INT(mikey_srtp_unprotect(rx, p[order[i]], pl[order[i]], out, sizeof out, &ol), MIKEY_OK);
    mikey_srtp_stream_info info;
    MT_EQ_INT(mikey_srtp_stream_get(rx, 5, MIKEY_SRTP_INBOUND, &info), MIKEY_OK);
    MT_EQ_INT(info.roc, 4);
    MT_EQ_INT(info.seq, 0);
    /* A receiver that starts at ROC 0 refuses a SEQ that would be ROC -1. */
    mikey_srtp *rx0 = one_stream(&pol, MIKEY_SRTP_INBOUND, 5, 0, key, 16, salt, 14);
    mikey_srtp *tx0 = one_stream(&pol, MIKEY_SRTP_OUTBOUND, 5, 0, key, 16, salt, 14);
    uint8_t a[64], b[64];
    size_t al, bl, n;
    n = make_rtp(a, 10, 0, 5, (const uint8_t *)"a", 1);
    MT_EQ_INT(mikey_srtp_protect(tx0, a, n, a, 64, &al), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_unprotect(rx0, a, al, out, sizeof out, &ol), MIKEY_OK);
    n = make_rtp(b, 50000, 0, 5, (const uint8_t *)"b", 1);
    MT_EQ_INT(mikey_srtp_protect(tx0, b, n, b, 64, &bl), MIKEY_ERR_REPLAY); /* sender: same reading */
    /* A genuine packet with SEQ 50000 at ROC 0 (from a sender that started
     * there) reaches the receiver after SEQ 10: it reads as ROC -1. */
    mikey_srtp *tx1 = one_stream(&pol, MIKEY_SRTP_OUTBOUND, 5, 0, key, 16, salt, 14);
    n = make_rtp(b, 50000, 0, 5, (const uint8_t *)"b", 1);
    MT_EQ_INT(mikey_srtp_protect(tx1, b, n, b, 64, &bl), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_unprotect(rx0, b, bl, out, sizeof out, &ol), MIKEY_ERR_REPLAY);
    mikey_srtp_free(tx1);
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    mikey_srtp_free(tx0);
    mikey_srtp_free(rx0);
}

MT_MAIN(test_estimate_matches_appendix_a, test_window_ring, test_wraps_with_reordering, test_late_packet_before_wrap)
