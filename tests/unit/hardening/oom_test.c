/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Out-of-memory loops (issue "hardening": every allocation made to fail in
 * turn; no crash, no leak). Each loop runs a whole operation with allocation
 * n failing, for n = 0, 1, 2, ... until it completes without reaching a
 * failure, and checks every run:
 *   - the result is MIKEY_ERR_NOMEM (MIKEY_ERR_CRYPTO where the OpenSSL
 *     backend wraps the allocation), never a crash or another error;
 *   - after the objects are freed, no allocation made through the env is
 *     still live (a leak check of its own, besides ASan/valgrind, which also
 *     see what OpenSSL allocates);
 *   - a failing step changes nothing (responder NEW / still established with
 *     its keys, initiator still OFFERED).
 * Covered: a full exchange in every mode (MIKEY-NULL included) followed by
 * an update (rekey) in the same mode; export and import of a pending offer;
 * the replay cache save/load; credentials and policy set-up; MIKEY message
 * parse/build; the SRTP context (streams, templates, keys, packets); the SDP
 * parser and the RFC 4567 check. tests/unit/session/robust_test.c has the
 * first loop for the five RFC modes without the leak count; this file is
 * the complete one.
 */
#include "../session/sess_env.h"
#include "openmikey/sdp.h"
#include "openmikey/srtp.h"

static struct {
    long countdown; /* allocations left before failing; < 0: never */
    long calls, live;
} F;

static void *f_malloc(size_t n, void *ud)
{
    (void)ud;
    F.calls++;
    if (F.countdown == 0)
        return NULL;
    if (F.countdown > 0)
        F.countdown--;
    void *p = malloc(n);
    if (p)
        F.live++;
    return p;
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    F.calls++;
    if (F.countdown == 0)
        return NULL;
    if (F.countdown > 0)
        F.countdown--;
    void *q = realloc(p, n);
    if (q && !p)
        F.live++;
    return q;
}

static void f_free(void *p, void *ud)
{
    (void)ud;
    if (p)
        F.live--;
    free(p);
}

static mikey_env fenv; /* the failing env (fixed clock and RNG from a tenv) */
static tenv clock_rng;

static void fenv_init(uint64_t seed)
{
    tenv_init(&clock_rng, seed);
    fenv = clock_rng.env;
    fenv.mem.malloc = f_malloc;
    fenv.mem.realloc = f_realloc;
    fenv.mem.free = f_free;
}

/* Run op with allocation n failing for n = 0, 1, ...; returns the number of
 * failure points. ok_crypto: MIKEY_ERR_CRYPTO also counts as out of memory. */
static long oom_loop(const char *what, int (*op)(void), long max)
{
    for (long n = 0; n < max; n++) {
        F.countdown = n;
        F.calls = 0;
        F.live = 0;
        int rc = op();
        F.countdown = -1;
        if (F.live != 0) {
            mt_fail(__FILE__, __LINE__, "%s: %ld allocations leaked with allocation %ld failing (%s)", what, F.live, n,
                    mikey_err_name(rc));
            return n;
        }
        if (rc == MIKEY_OK)
            return n;
        if (rc != MIKEY_ERR_NOMEM && rc != MIKEY_ERR_CRYPTO) {
            mt_fail(__FILE__, __LINE__, "%s: allocation %ld failing gave %s", what, n, mikey_err_name(rc));
            return n;
        }
    }
    mt_fail(__FILE__, __LINE__, "%s: still failing after %ld allocations", what, max);
    return max;
}

/* ---------------------------------------------------------------------- */
/* Exchanges                                                               */
/* ---------------------------------------------------------------------- */

static party PA, PB; /* credentials and policies (ordinary env) */
static unsigned cur_mode;
static xbuf X;

static int exchange_op(void)
{
    mikey_ctx *a = NULL, *b = NULL;
    mikey_stream_desc s[2] = {{7, 0, 0}, {0, 0, 1}};
    mikey_offer_opts o = t_opts(cur_mode, BOB, s, 2);
    o.want_verification = 1;
    o.sdp_ids = "mikey";
    o.mki_len = cur_mode == MIKEY_MODE_NULL ? 0 : 4;
    fenv_init(0x1234 + cur_mode);
    int rc = mikey_ctx_new(&fenv, PA.creds, PA.pol, &a);
    if (!rc)
        rc = mikey_ctx_new(&fenv, PB.creds, PB.pol, &b);
    if (!rc)
        rc = mikey_offer(a, &o, X.i, sizeof X.i, &X.ilen);
    if (!rc && (rc = mikey_answer(b, X.i, X.ilen, X.r, sizeof X.r, &X.rlen)))
        MT_EQ_INT(mikey_ctx_state(b), MIKEY_STATE_NEW);
    if (!rc && X.rlen && (rc = mikey_finish(a, X.r, X.rlen)))
        MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_OFFERED);
    /* The update (rekey, RFC 3830 §4.5) of the established CSB. */
    mikey_cs_keys before;
    memset(&before, 0, sizeof before);
    if (!rc)
        rc = mikey_ctx_cs_keys(b, 0, &before);
    if (!rc)
        rc = mikey_offer(a, &o, X.i, sizeof X.i, &X.ilen);
    if (!rc && (rc = mikey_answer(b, X.i, X.ilen, X.r, sizeof X.r, &X.rlen))) {
        mikey_cs_keys now;
        MT_EQ_INT(mikey_ctx_state(b), MIKEY_STATE_ESTABLISHED);
        MT_CHECK(mikey_ctx_cs_keys(b, 0, &now) == MIKEY_OK);
        MT_MEMEQ(now.master_key, now.master_key_len, before.master_key, before.master_key_len);
    }
    if (!rc && X.rlen && (rc = mikey_finish(a, X.r, X.rlen)))
        MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_OFFERED);
    if (!rc) {
        F.countdown = -1;
        t_same_keys(a, b);
    }
    memset(&before, 0, sizeof before);
    mikey_ctx_free(a);
    mikey_ctx_free(b);
    return rc;
}

static void test_exchanges(void)
{
    party_init(&PA, ALICE, 1);
    party_init(&PB, BOB, 2);
    MT_CHECK(mikey_policy_set_modes(PB.pol, 0x7e) == MIKEY_OK); /* MIKEY-NULL too */
    for (unsigned m = MIKEY_MODE_PSK; m <= MIKEY_MODE_NULL; m++) {
        cur_mode = m;
        long n = oom_loop(mikey_mode_name(m), exchange_op, 20000);
        printf("# %s exchange + update: %ld allocation failure points\n", mikey_mode_name(m), n);
        MT_CHECK(n > 10);
    }
}

/* Export of a pending offer, import, finish. */
static uint8_t blob[16384], resp[16384];
static size_t blob_len, resp_len;

static int import_op(void)
{
    mikey_ctx *a = NULL;
    fenv_init(5);
    int rc = mikey_ctx_import(&fenv, PA.creds, PA.pol, blob, blob_len, &a);
    if (!rc && (rc = mikey_finish(a, resp, resp_len)))
        MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_OFFERED);
    size_t n = 0;
    if (!rc) /* and out again (an established context) */
        rc = mikey_ctx_export(a, blob + blob_len, sizeof blob - blob_len, &n);
    mikey_ctx_free(a);
    return rc;
}

static void test_export_import(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_DH, MIKEY_MODE_RSAR};
    for (size_t i = 0; i < 3; i++) {
        party_reset(&PA);
        party_reset(&PB);
        mikey_offer_opts o = t_opts(modes[i], BOB, NULL, 0);
        o.want_verification = 1;
        MT_REQUIRE(mikey_offer(PA.ctx, &o, X.i, sizeof X.i, &X.ilen) == MIKEY_OK);
        MT_REQUIRE(mikey_ctx_export(PA.ctx, blob, sizeof blob / 2, &blob_len) == MIKEY_OK);
        MT_REQUIRE(mikey_answer(PB.ctx, X.i, X.ilen, resp, sizeof resp, &resp_len) == MIKEY_OK);
        long n = oom_loop("import + finish", import_op, 5000);
        MT_CHECK(n > 0);
    }
}

/* Replay cache save / load. */
static uint8_t saved[8192];
static size_t saved_len;

static int replay_op(void)
{
    mikey_replay *r = NULL;
    uint8_t out[8192];
    size_t ol = 0;
    fenv_init(6);
    int rc = mikey_replay_new(&fenv, 300, 16, &r);
    if (!rc)
        rc = mikey_replay_load(r, saved, saved_len);
    if (!rc && mikey_replay_count(r) != 1)
        rc = MIKEY_ERR_INTERNAL;
    if (!rc)
        rc = mikey_replay_save(r, out, sizeof out, &ol);
    mikey_replay_free(r);
    return rc;
}

static void test_replay_cache(void)
{
    party_reset(&PA);
    party_reset(&PB);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_REQUIRE(t_exchange(&PA, &PB, &o, &X) == MIKEY_OK);
    mikey_replay *r = NULL;
    MT_REQUIRE(mikey_replay_new(&PB.te.env, 300, 16, &r) == MIKEY_OK);
    party_reset(&PB);
    MT_REQUIRE(mikey_ctx_set_replay(PB.ctx, r) == MIKEY_OK);
    MT_REQUIRE(mikey_answer(PB.ctx, X.i, X.ilen, X.r, sizeof X.r, &X.rlen) == MIKEY_OK);
    MT_REQUIRE(mikey_replay_save(r, saved, sizeof saved, &saved_len) == MIKEY_OK);
    party_reset(&PB);
    mikey_replay_free(r);
    MT_CHECK(oom_loop("replay load/save", replay_op, 100) > 0);
}

/* Credentials and policy. */
static uint8_t *key_pem, *cert_pem, *ca_pem, *peer_pem;
static size_t key_len, cert_len, ca_len, peer_len;

static int creds_op(void)
{
    mikey_creds *c = NULL;
    mikey_policy *p = NULL;
    mikey_srtp_params sp;
    fenv_init(7);
    int rc = mikey_creds_new(&fenv, &c);
    if (!rc)
        rc = mikey_creds_set_identity(c, ALICE);
    if (!rc)
        rc = mikey_creds_add_psk(c, BOB, PSK_AB, sizeof PSK_AB - 1);
    if (!rc)
        rc = mikey_creds_add_psk(c, NULL, PSK_OTHER, sizeof PSK_OTHER - 1);
    if (!rc)
        rc = mikey_creds_set_key(c, key_pem, key_len);
    if (!rc)
        rc = mikey_creds_add_cert(c, cert_pem, cert_len);
    if (!rc)
        rc = mikey_creds_add_trust(c, ca_pem, ca_len);
    if (!rc)
        rc = mikey_creds_add_peer_cert(c, BOB, peer_pem, peer_len);
    if (!rc)
        rc = mikey_policy_new(&fenv, &p);
    if (!rc)
        rc = mikey_srtp_params_suite(&sp, "AEAD_AES_128_GCM");
    if (!rc)
        rc = mikey_policy_add_srtp(p, &sp);
    if (!rc)
        rc = mikey_policy_add_srtp(p, &sp);
    if (!rc)
        rc = mikey_policy_precompute_dh(p, MIKEY_DH_OAKLEY1);
    mikey_policy_free(p);
    mikey_creds_free(c);
    return rc;
}

static void test_creds_policy(void)
{
    pki_init();
    key_pem = t_key_pem(pki.alice_key, &key_len);
    cert_pem = t_cert_pem(pki.alice, &cert_len);
    ca_pem = t_cert_pem(pki.ca, &ca_len);
    peer_pem = t_cert_pem(pki.bob, &peer_len);
    MT_CHECK(oom_loop("credentials and policy", creds_op, 500) > 5);
    free(key_pem);
    free(cert_pem);
    free(ca_pem);
    free(peer_pem);
}

/* ---------------------------------------------------------------------- */
/* Wire, SRTP, SDP                                                         */
/* ---------------------------------------------------------------------- */

static int wire_op(void)
{
    mikey_msg *m = NULL, *b = NULL, *c = NULL;
    fenv_init(8);
    int rc = mikey_msg_parse(&fenv, X.i, X.ilen, NULL, &m, NULL);
    if (!rc)
        rc = mikey_msg_new(&fenv, 0, &b);
    for (size_t i = 0; !rc && i < mikey_msg_count(m); i++)
        rc = mikey_msg_append(b, mikey_msg_at(m, i));
    uint8_t out[16384];
    size_t ol = 0;
    if (!rc)
        rc = mikey_msg_encode(b, out, sizeof out, &ol);
    if (!rc && (ol != X.ilen || memcmp(out, X.i, ol) != 0))
        rc = MIKEY_ERR_INTERNAL;
    /* A nested chain: the Key data of a MIKEY-NULL KEMAC. */
    const mikey_payload *k = m ? mikey_msg_find(m, MIKEY_PT_KEMAC, 0) : NULL;
    if (!rc && k)
        rc = mikey_chain_parse(&fenv, MIKEY_PT_KEYDATA, k->u.kemac.encr_data.p, k->u.kemac.encr_data.len, NULL, &c,
                               NULL);
    mikey_msg_free(c);
    mikey_msg_free(b);
    mikey_msg_free(m);
    return rc;
}

static void test_wire(void)
{
    party_reset(&PA);
    mikey_stream_desc s[3] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_NULL, NULL, s, 3);
    o.sdp_ids = "mikey";
    MT_REQUIRE(mikey_offer(PA.ctx, &o, X.i, sizeof X.i, &X.ilen) == MIKEY_OK);
    MT_CHECK(oom_loop("message parse/build", wire_op, 500) > 5);
}

#define SSRC 0x51515151u

static int srtp_op(void)
{
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint8_t salt[14] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4};
    static const uint8_t mki1[4] = {0, 0, 0, 1}, mki2[4] = {0, 0, 0, 2};
    mikey_srtp *tx = NULL, *rx = NULL;
    mikey_srtp_policy pol;
    int rc = mikey_srtp_policy_suite(&pol, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    pol.mki_len = 4;
    mikey_srtp_key k = {0};
    k.key = key;
    k.key_len = 16;
    k.salt = salt;
    k.salt_len = 14;
    k.mki = mki1;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = SSRC;
    sp.policy = &pol;
    sp.keys = &k;
    sp.nkeys = 1;
    fenv_init(9);
    if (!rc)
        rc = mikey_srtp_new(&fenv, NULL, &tx);
    if (!rc)
        rc = mikey_srtp_new(&fenv, NULL, &rx);
    if (!rc)
        rc = mikey_srtp_add_stream(tx, &sp);
    sp.dir = MIKEY_SRTP_INBOUND;
    sp.any_ssrc = 1; /* a template: the stream is made at the first packet */
    if (!rc)
        rc = mikey_srtp_add_stream(rx, &sp);
    k.mki = mki2;
    if (!rc)
        rc = mikey_srtp_add_key(tx, SSRC, MIKEY_SRTP_OUTBOUND, 0, &k);
    if (!rc)
        rc = mikey_srtp_add_key(rx, 0, MIKEY_SRTP_INBOUND, 1, &k);
    uint8_t rtp[12 + 20], pkt[128], out[128];
    memset(rtp, 0x11, sizeof rtp);
    rtp[0] = 0x80;
    rtp[8] = 0x51;
    rtp[9] = 0x51;
    rtp[10] = 0x51;
    rtp[11] = 0x51;
    size_t pl = 0, ol = 0;
    if (!rc)
        rc = mikey_srtp_protect(tx, rtp, sizeof rtp, pkt, sizeof pkt, &pl);
    if (!rc)
        rc = mikey_srtp_unprotect(rx, pkt, pl, out, sizeof out, &ol);
    if (!rc && (ol != sizeof rtp || memcmp(out, rtp, ol) != 0))
        rc = MIKEY_ERR_INTERNAL;
    mikey_srtp_free(tx);
    mikey_srtp_free(rx);
    return rc;
}

/* The session's keys to an SRTP stream (mikey_srtp_stream_from_cs). */
static mikey_cs_keys cs0;

static int srtp_from_cs_op(void)
{
    mikey_srtp *s = NULL;
    mikey_srtp_policy pol;
    mikey_srtp_key key;
    mikey_srtp_stream_params sp;
    fenv_init(10);
    int rc = mikey_srtp_stream_from_cs(&cs0, MIKEY_SRTP_INBOUND, &pol, &key, &sp);
    if (!rc)
        rc = mikey_srtp_new(&fenv, NULL, &s);
    if (!rc)
        rc = mikey_srtp_add_stream(s, &sp);
    mikey_srtp_free(s);
    return rc;
}

static void test_srtp(void)
{
    MT_CHECK(oom_loop("SRTP streams, template, keys, packets", srtp_op, 500) > 3);
    party_reset(&PA);
    party_reset(&PB);
    mikey_stream_desc s[1] = {{0, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, s, 1);
    MT_REQUIRE(t_exchange(&PA, &PB, &o, &X) == MIKEY_OK);
    MT_REQUIRE(mikey_ctx_cs_keys(PA.ctx, 0, &cs0) == MIKEY_OK);
    MT_CHECK(oom_loop("SRTP stream from the session's keys", srtp_from_cs_op, 500) > 0);
    memset(&cs0, 0, sizeof cs0);
}

static char sdp_text[16384];

static int sdp_op(void)
{
    mikey_sdp *s = NULL;
    mikey_msg *m = NULL;
    fenv_init(11);
    int rc = mikey_sdp_parse(&fenv, sdp_text, strlen(sdp_text), NULL, &s, NULL);
    mikey_sdp_stream_info info[2];
    size_t n = 0;
    if (!rc)
        rc = mikey_sdp_streams(s, "mikey", info, 2, &n);
    if (!rc && n != 2)
        rc = MIKEY_ERR_INTERNAL;
    if (!rc)
        rc = mikey_msg_parse(&fenv, info[0].mikey.p, info[0].mikey.len, NULL, &m, NULL);
    int v = -1;
    if (!rc)
        rc = mikey_sdp_ids_check_sdp(m, s, info[0].km_scope, 0, &v);
    mikey_msg_free(m);
    mikey_sdp_free(s);
    return rc;
}

static void test_sdp(void)
{
    party_reset(&PA);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    o.sdp_ids = "mikey;keyp1";
    MT_REQUIRE(mikey_offer(PA.ctx, &o, X.i, sizeof X.i, &X.ilen) == MIKEY_OK);
    char b64[8192];
    size_t bl = 0;
    MT_REQUIRE(mikey_base64_encode(X.i, X.ilen, b64, sizeof b64, &bl) == MIKEY_OK);
    snprintf(sdp_text, sizeof sdp_text,
             "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
             "a=key-mgmt:mikey %s\r\na=key-mgmt:keyp1 AQIDBA==\r\n"
             "m=audio 49170 RTP/SAVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
             "m=video 51372 RTP/SAVP 31\r\na=rtpmap:31 H261/90000\r\n",
             b64);
    MT_CHECK(oom_loop("SDP parse, streams, RFC 4567 check", sdp_op, 500) > 2);
    party_free(&PA);
    party_free(&PB);
    pki_free();
}

MT_MAIN(test_exchanges, test_export_import, test_replay_cache, test_creds_policy, test_wire, test_srtp, test_sdp)
