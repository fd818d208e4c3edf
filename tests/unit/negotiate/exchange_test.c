/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Negotiation over real exchanges (session layer, SDP text, Error messages):
 *  - the seed paper's example end to end, with one and with several
 *    a=key-mgmt:mikey attributes: PKE with AES_CM_128_HMAC_SHA1_32, keys
 *    equal on both sides;
 *  - one-round success, capability discovery with one retry, interop with a
 *    responder and an initiator that do not negotiate;
 *  - a matrix over pairs of capability sets: every pair with a common
 *    method and suite ends established, within two rounds, with the method
 *    the rule gives; the result equals the protocol's prediction worked out
 *    in the test from the two rankings alone (see predict()).
 */
#include "neg_env.h"

static const char *const CM80 = "AES_CM_128_HMAC_SHA1_80";

/* The paper's example with several attributes (MIKEY_NEG_MULTI): one round.
 * bob sees PSK, PKE, DH in that order, each with CM-80 mapped and CM-32 as
 * an alternative SP; the rule gives PKE with CM-32, which he takes from the
 * PKE offer's alternatives (the response's map names it). */
static void test_paper_example_multi(void)
{
    mikey_neg_prefs A = neg_p("psk,pke,dh", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs B = neg_p("pke,dh,psk", "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &B, 11);
    neg_run r = neg_flow(&a, &b, &A, &B, MIKEY_NEG_MULTI);
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_CHECK(r.same_keys_checked);
    MT_EQ_INT(r.rounds, 1);
    MT_EQ_INT(r.bob_action[0], MIKEY_NEG_ANSWERED);
    MT_EQ_INT(r.d[0].noffers, 3);
    MT_EQ_INT(r.d[0].index, 1);
    MT_EQ_INT(r.d[0].knew, MIKEY_NEG_KNEW_ORDER);
    MT_EQ_INT(r.d[0].offerer.nmethods, 3);
    MT_EQ_INT(r.d[0].offerer.methods[0], MIKEY_MODE_PSK);
    MT_EQ_INT(r.d[0].offerer.methods[1], MIKEY_MODE_PKE);
    MT_EQ_INT(r.d[0].offerer.methods[2], MIKEY_MODE_DH);
    MT_EQ_INT(r.d[0].offerer.nsuites, 2);
    MT_EQ_INT(r.d[0].ids_verdict, MIKEY_SDP_IDS_MATCH);
    party_free(&a);
    party_free(&b);
    /* the same with the extension in the offers */
    neg_parties(&a, &b, &A, &B, 12);
    r = neg_flow(&a, &b, &A, &B, MIKEY_NEG_MULTI | MIKEY_NEG_CAP);
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.rounds, 1);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(r.d[0].knew, MIKEY_NEG_KNEW_CAP);
    party_free(&a);
    party_free(&b);
}

/* The conforming single attribute. Without the extension bob knows only
 * the method offered (alice's first, PSK, which he supports) and alice's
 * suites (mapped + alternatives): PSK with CM-32, one round. With the
 * extension he knows her whole ranking, asks for PKE, and her retry gives
 * the paper's result in two rounds. */
static void test_paper_example_single(void)
{
    mikey_neg_prefs A = neg_p("psk,pke,dh", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs B = neg_p("pke,dh,psk", "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &B, 21);
    neg_run r = neg_flow(&a, &b, &A, &B, 0);
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PSK);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(r.rounds, 1);
    MT_EQ_INT(r.d[0].noffers, 1);
    MT_EQ_INT(r.d[0].knew, 0);
    party_free(&a);
    party_free(&b);
    neg_parties(&a, &b, &A, &B, 22);
    r = neg_flow(&a, &b, &A, &B, MIKEY_NEG_CAP);
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(r.rounds, 2);
    MT_EQ_INT(r.bob_action[0], MIKEY_NEG_RETRY);
    MT_EQ_INT(r.d[0].knew, MIKEY_NEG_KNEW_CAP);
    MT_EQ_INT(r.d[0].rule.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.bob_action[1], MIKEY_NEG_ANSWERED);
    MT_EQ_INT(r.d[1].knew, MIKEY_NEG_KNEW_CAP); /* the retry carries the ranking again */
    party_free(&a);
    party_free(&b);
}

/* Everything in one round: the offered suite is acceptable and bob knows
 * alice's method order from the attribute order. */
static void test_one_round(void)
{
    mikey_neg_prefs A = neg_p("psk,pke,dhhmac", "AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs B = neg_p("dhhmac,pke,psk", "AES_CM_128_HMAC_SHA1_32");
    party a, b;
    neg_parties(&a, &b, &A, &B, 31);
    neg_run r = neg_flow(&a, &b, &A, &B, MIKEY_NEG_MULTI);
    /* PSK 0+2, PKE 1+1, DHHMAC 2+0: all 2, bob's order: DH-HMAC. */
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.rounds, 1);
    MT_EQ_INT(r.method, MIKEY_MODE_DHHMAC);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(r.d[0].index, 2);
    MT_EQ_INT(r.d[0].rule.score, 2);
    party_free(&a);
    party_free(&b);
}

/* Nothing in common at all: bob refuses with his capabilities, alice finds
 * nothing either and gives up without a second offer. */
static void test_nothing_common(void)
{
    mikey_neg_prefs A = neg_p("psk", CM80);
    mikey_neg_prefs B = neg_p("pke", "AES_CM_128_HMAC_SHA1_32");
    party a, b;
    neg_parties(&a, &b, &A, &B, 41);
    neg_run r = neg_flow(&a, &b, &A, &B, 0);
    MT_EQ_INT(r.rc, MIKEY_ERR_NEGOTIATION);
    MT_EQ_INT(r.rounds, 1);
    MT_EQ_INT(r.bob_action[0], MIKEY_NEG_REFUSED);
    MT_EQ_INT(r.d[0].rule.missing, MIKEY_NEG_NO_METHOD | MIKEY_NEG_NO_SUITE);
    party_free(&a);
    party_free(&b);
}

/* The initiator object's state machine and errors. */
static void test_init_states(void)
{
    mikey_neg_prefs A = neg_p("dh,psk", CM80);
    party a, b;
    neg_parties(&a, &b, &A, &A, 51);
    mikey_neg_init *ni = NULL;
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, MIKEY_NEG_MULTI, &ni) == MIKEY_OK);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    mikey_sdp_km_item items[6];
    size_t n = 0;
    uint8_t junk[64] = {1};
    MT_EQ_INT(mikey_neg_init_finish(ni, junk, sizeof junk), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_neg_init_retry(ni, &base, items, 6, &n), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_neg_init_offer(ni, &base, items, 1, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 2);
    MT_EQ_INT(mikey_neg_init_state(ni), MIKEY_NEG_INIT_NEW);
    MT_EQ_INT(mikey_neg_init_offer(ni, &base, items, 6, &n), MIKEY_OK);
    MT_EQ_INT(n, 2);
    MT_EQ_INT(mikey_neg_init_offer(ni, &base, items, 6, &n), MIKEY_ERR_STATE);
    MT_CHECK(mikey_neg_init_take(ni) == NULL);
    /* distinct CSB IDs, data types in rank order */
    mikey_msg *m0 = NULL, *m1 = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, items[0].data, items[0].len, NULL, &m0, NULL) == MIKEY_OK);
    MT_REQUIRE(mikey_msg_parse(NULL, items[1].data, items[1].len, NULL, &m1, NULL) == MIKEY_OK);
    MT_EQ_INT(mikey_msg_hdr(m0)->data_type, MIKEY_DT_DH_INIT);
    MT_EQ_INT(mikey_msg_hdr(m1)->data_type, MIKEY_DT_PSK_INIT);
    MT_EQ_INT(mikey_msg_hdr(m1)->v, 1); /* forced: the answer must tell which one was taken */
    MT_CHECK(mikey_msg_hdr(m0)->csb_id != mikey_msg_hdr(m1)->csb_id);
    mikey_span l0, l1;
    MT_EQ_INT(mikey_sdp_ids_get(m0, &l0), MIKEY_OK);
    MT_EQ_INT(mikey_sdp_ids_get(m1, &l1), MIKEY_OK);
    MT_MEMEQ(l0.p, l0.len, "mikey;mikey", 11);
    MT_MEMEQ(l1.p, l1.len, "mikey;mikey", 11);
    /* An R_MESSAGE for a CSB we did not offer, or an Error about another
     * CSB: not ours. */
    uint8_t err[512];
    size_t el = 0;
    mikey_msg_hdr(m0); /* keep m0 for the CSB ID */
    mikey_neg_prefs bp = neg_p("pke", CM80);
    MT_EQ_INT(mikey_neg_error_build(&b.te.env, NULL, (const uint8_t[]){MIKEY_E_INVALID_DT}, 1, &bp, err, sizeof err, &el),
              MIKEY_OK);
    /* CSB ID 0: RFC 3830 lets an unparseable offer's Error name none; we
     * take it as about our offer. */
    MT_EQ_INT(mikey_neg_init_finish(ni, err, el), MIKEY_ERR_PEER_ERROR);
    MT_EQ_INT(mikey_neg_init_state(ni), MIKEY_NEG_INIT_REFUSED);
    const mikey_neg_peer_caps *c = mikey_neg_init_peer_caps(ni);
    MT_REQUIRE(c != NULL);
    MT_EQ_INT(c->have_methods, 1);
    MT_EQ_INT(c->prefs.methods[0], MIKEY_MODE_PKE);
    /* Nothing in common with what the peer says: no second offer. */
    MT_EQ_INT(mikey_neg_init_retry(ni, &base, items, 6, &n), MIKEY_ERR_NEGOTIATION);
    MT_EQ_INT(mikey_neg_init_state(ni), MIKEY_NEG_INIT_FAILED);
    MT_EQ_INT(mikey_neg_init_retry_result(ni)->missing, MIKEY_NEG_NO_METHOD);
    MT_EQ_INT(mikey_neg_init_retry(ni, &base, items, 6, &n), MIKEY_ERR_STATE);
    mikey_msg_free(m0);
    mikey_msg_free(m1);
    mikey_neg_init_free(ni);
    /* A suite the policy does not hold cannot be offered. */
    mikey_neg_prefs G = neg_p("psk", "AEAD_AES_128_GCM");
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &G, 0, &ni) == MIKEY_OK);
    MT_EQ_INT(mikey_neg_init_offer(ni, &base, items, 6, &n), MIKEY_ERR_NOT_FOUND);
    mikey_neg_init_free(ni);
    MT_EQ_INT(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &G, 0x8, &ni), MIKEY_ERR_INVALID_ARG);
    party_free(&a);
    party_free(&b);
}

/* Methods without credentials are not offered; the list in every message
 * counts only the attributes actually sent. */
static void test_missing_credentials(void)
{
    mikey_neg_prefs A = neg_p("pke,psk,dh", CM80);
    party a, b;
    neg_parties(&a, &b, &A, &A, 61);
    /* a context whose store has no certificate for carol: PKE cannot be
     * built for her, PSK neither (no key), DH can (own key and chain). */
    mikey_neg_init *ni = NULL;
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, MIKEY_NEG_MULTI, &ni) == MIKEY_OK);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    base.peer_id = CAROL;
    mikey_sdp_km_item items[6];
    size_t n = 0;
    MT_EQ_INT(mikey_neg_init_offer(ni, &base, items, 6, &n), MIKEY_OK);
    MT_EQ_INT(n, 1);
    mikey_msg *m = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, items[0].data, items[0].len, NULL, &m, NULL) == MIKEY_OK);
    MT_EQ_INT(mikey_msg_hdr(m)->data_type, MIKEY_DT_DH_INIT);
    mikey_span l;
    MT_EQ_INT(mikey_sdp_ids_get(m, &l), MIKEY_OK);
    MT_MEMEQ(l.p, l.len, "mikey", 5);
    mikey_msg_free(m);
    mikey_neg_init_free(ni);
    party_free(&a);
    party_free(&b);
}

/* A responder that does not negotiate (plain mikey_answer): its Error
 * carries its SPs (RFC 3830 §5.1.1) but no ranking; alice keeps her method
 * and takes a suite from the SPs. */
static void test_plain_responder(void)
{
    mikey_neg_prefs A = neg_p("psk,pke", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs B = neg_p("psk", "AES_CM_128_HMAC_SHA1_32");
    party a, b;
    neg_parties(&a, &b, &A, &B, 71);
    mikey_neg_init *ni = NULL;
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, 0, &ni) == MIKEY_OK);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    mikey_sdp_km_item items[6];
    size_t n = 0, rl = 0;
    uint8_t resp[4096];
    MT_REQUIRE(mikey_neg_init_offer(ni, &base, items, 6, &n) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(b.ctx, items[0].data, items[0].len, resp, sizeof resp, &rl), MIKEY_ERR_POLICY);
    MT_REQUIRE(rl > 0);
    MT_EQ_INT(mikey_neg_init_finish(ni, resp, rl), MIKEY_ERR_PEER_ERROR);
    const mikey_neg_peer_caps *c = mikey_neg_init_peer_caps(ni);
    MT_REQUIRE(c);
    MT_EQ_INT(c->have_methods, 0);
    MT_EQ_INT(c->have_suites, 1);
    MT_EQ_INT(c->prefs.suites[0], MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(c->nerrors, 1);
    MT_EQ_INT(c->errors[0], MIKEY_E_INVALID_SPPAR);
    MT_EQ_INT(mikey_neg_init_retry(ni, &base, items, 6, &n), MIKEY_OK);
    MT_EQ_INT(mikey_neg_init_retry_result(ni)->method, MIKEY_MODE_PSK);
    MT_EQ_INT(mikey_neg_init_retry_result(ni)->suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(mikey_neg_init_rounds(ni), 2);
    party_reset(&b);
    MT_EQ_INT(mikey_answer(b.ctx, items[0].data, items[0].len, resp, sizeof resp, &rl), MIKEY_OK);
    MT_EQ_INT(mikey_neg_init_finish(ni, resp, rl), MIKEY_OK);
    mikey_ctx *ac = mikey_neg_init_take(ni);
    MT_REQUIRE(ac);
    t_same_keys(ac, b.ctx);
    mikey_ctx_free(ac);
    mikey_neg_init_free(ni);
    party_free(&a);
    party_free(&b);
}

/* An initiator that does not negotiate (plain mikey_offer) to a negotiating
 * answerer: an acceptable offer is simply answered. */
static void test_plain_initiator(void)
{
    mikey_neg_prefs B = neg_p("dh,psk", "AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &B, &B, 81);
    mikey_stream_desc s;
    mikey_offer_opts o = neg_base(&s);
    o.mode = MIKEY_MODE_PSK;
    o.sdp_ids = "mikey";
    uint8_t imsg[4096], resp[4096];
    size_t il = 0, rl = 0;
    MT_REQUIRE(mikey_offer(a.ctx, &o, imsg, sizeof imsg, &il) == MIKEY_OK);
    mikey_span off = {imsg, il};
    mikey_neg_answer_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.prefs = &B;
    cfg.sdp_list = "mikey";
    mikey_neg_decision d;
    mikey_ctx *bc = NULL;
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &off, 1, resp, sizeof resp, &rl, &d, &bc), MIKEY_OK);
    MT_EQ_INT(d.action, MIKEY_NEG_ANSWERED);
    MT_EQ_INT(d.rule.method, MIKEY_MODE_PSK);
    MT_REQUIRE(bc);
    MT_EQ_INT(mikey_finish(a.ctx, resp, rl), MIKEY_OK);
    t_same_keys(a.ctx, bc);
    mikey_ctx_free(bc);
    /* NOBUF: nothing established, the size needed reported; the replay
     * cache did not take the message, so the real answer still works. */
    party_reset(&a);
    MT_REQUIRE(mikey_offer(a.ctx, &o, imsg, sizeof imsg, &il) == MIKEY_OK);
    off.len = il;
    bc = NULL;
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &off, 1, resp, 10, &rl, &d, &bc), MIKEY_ERR_NOBUF);
    MT_CHECK(bc == NULL);
    MT_CHECK(rl > 10);
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &off, 1, resp, rl, &rl, &d, &bc), MIKEY_OK);
    mikey_ctx_free(bc);
    party_free(&a);
    party_free(&b);
}

/* Every method takes an alternative suite from the offer when the rule
 * picks it (the response's map names it; RSA-R's response SPs, RFC 4738). */
static void test_alternatives_every_method(void)
{
    static const char *const methods[] = {"psk", "pke", "dh", "dhhmac", "rsar"};
    for (size_t i = 0; i < 5; i++) {
        mikey_neg_prefs A = neg_p(methods[i], "AES_CM_128_HMAC_SHA1_80,AES_256_CM_HMAC_SHA1_80,AEAD_AES_128_GCM");
        mikey_neg_prefs B = neg_p(methods[i], "AEAD_AES_128_GCM,AES_256_CM_HMAC_SHA1_80");
        party a, b;
        neg_parties(&a, &b, &A, &B, 700 + i);
        neg_run r = neg_flow(&a, &b, &A, &B, 0);
        /* CM-256 1+1 = GCM-128 2+0: bob's order */
        MT_EQ_INT(r.rc, MIKEY_OK);
        MT_EQ_INT(r.rounds, 1);
        MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AEAD_AES_128_GCM);
        MT_CHECK(r.same_keys_checked);
        party_free(&a);
        party_free(&b);
    }
}

/* The session hooks on their own: a choice the offer does not carry, a
 * choice without a response, a response naming a policy not offered. */
static void test_sp_choice_rules(void)
{
    mikey_neg_prefs A = neg_p("psk", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    party a, b;
    neg_parties(&a, &b, &A, &A, 801);
    mikey_stream_desc s;
    mikey_offer_opts o = neg_base(&s);
    o.mode = MIKEY_MODE_PSK;
    o.alt_sps = 1;
    uint8_t im[4096], resp[4096];
    size_t il = 0, rl = 0;
    MT_REQUIRE(mikey_offer(a.ctx, &o, im, sizeof im, &il) == MIKEY_OK);
    mikey_msg *m = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, im, il, NULL, &m, NULL) == MIKEY_OK);
    MT_CHECK(mikey_msg_find(m, MIKEY_PT_SP, 1) != NULL && mikey_msg_find(m, MIKEY_PT_SP, 2) == NULL);
    MT_EQ_INT(mikey_msg_find(m, MIKEY_PT_SP, 1)->u.sp.policy_no, 1);
    mikey_msg_free(m);
    MT_EQ_INT(mikey_ctx_set_sp_choice(b.ctx, 256), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_ctx_set_sp_choice(b.ctx, 7), MIKEY_OK);
    MT_EQ_INT(mikey_answer(b.ctx, im, il, resp, sizeof resp, &rl), MIKEY_ERR_POLICY);
    mikey_neg_peer_caps c;
    MT_EQ_INT(mikey_neg_error_read(NULL, resp, rl, &c), MIKEY_OK);
    MT_EQ_INT(c.errors[0], MIKEY_E_INVALID_SP);
    MT_EQ_INT(mikey_ctx_state(b.ctx), MIKEY_STATE_NEW);
    /* the alternative taken: the response's map says 1 */
    MT_EQ_INT(mikey_ctx_set_sp_choice(b.ctx, 1), MIKEY_OK);
    MT_EQ_INT(mikey_answer(b.ctx, im, il, resp, sizeof resp, &rl), MIKEY_OK);
    mikey_cs_keys k;
    MT_EQ_INT(mikey_ctx_cs_keys(b.ctx, 0, &k), MIKEY_OK);
    MT_EQ_INT(k.policy_no, 1);
    MT_EQ_INT(mikey_neg_suite_of(&k.srtp), MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    /* a response naming policy 5, never offered: refused (before the V
     * check would refuse it anyway) */
    MT_REQUIRE(mikey_msg_parse(NULL, resp, rl, NULL, &m, NULL) == MIKEY_OK);
    size_t map_at = (size_t)(mikey_msg_hdr(m)->map_info.p - resp);
    mikey_msg_free(m);
    resp[map_at] = 5;
    MT_CHECK(mikey_finish(a.ctx, resp, rl) != MIKEY_OK);
    resp[map_at] = 1;
    MT_EQ_INT(mikey_finish(a.ctx, resp, rl), MIKEY_OK);
    t_same_keys(a.ctx, b.ctx);
    /* no V: the initiator could not learn a choice */
    party_reset(&a);
    party_reset(&b);
    o.want_verification = 0;
    MT_REQUIRE(mikey_offer(a.ctx, &o, im, sizeof im, &il) == MIKEY_OK);
    MT_EQ_INT(mikey_ctx_set_sp_choice(b.ctx, 1), MIKEY_OK);
    MT_EQ_INT(mikey_answer(b.ctx, im, il, resp, sizeof resp, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(mikey_ctx_set_sp_choice(b.ctx, 0), MIKEY_OK); /* the map's own: fine */
    MT_EQ_INT(mikey_answer(b.ctx, im, il, resp, sizeof resp, &rl), MIKEY_OK);
    /* alternatives with a transported TEK: refused at the offer */
    party_reset(&a);
    o.salt_mode = 2;
    MT_EQ_INT(mikey_offer(a.ctx, &o, im, sizeof im, &il), MIKEY_ERR_INVALID_ARG);
    party_free(&a);
    party_free(&b);
}

/* ---- the matrix ---- */

/* What the protocol as implemented must give, from the rankings alone.
 * Round 1: bob knows alice's suites in order (the SP mapped, then the
 * alternatives), her methods in order with MULTI or with the extension,
 * otherwise only the one offered. If the rule on what he knows is
 * deliverable by an offer (its method was offered) it is the result, in
 * one round; otherwise his Error gives alice his whole ranking and the
 * retry takes the rule on both full rankings. */
static int predict(const mikey_neg_prefs *A, const mikey_neg_prefs *B, unsigned flags, mikey_neg_result *r,
                   unsigned *rounds)
{
    mikey_neg_prefs a1 = *A;
    if (!(flags & (MIKEY_NEG_MULTI | MIKEY_NEG_CAP)))
        a1.nmethods = 1;
    *rounds = 1;
    int offered_all = (flags & MIKEY_NEG_MULTI) != 0;
    if (mikey_neg_choose(&a1, B, r) == MIKEY_OK && (offered_all || r->method == A->methods[0]))
        return MIKEY_OK;
    *rounds = 2;
    return mikey_neg_choose(A, B, r);
}

/* Subsets of {PSK, PKE, DH-HMAC} x {CM-80, CM-32, F8-80}, alice ranking hers
 * in ascending order, bob in descending order (so ties and disagreements
 * occur), all four initiator forms: 4 x 49 x 49 negotiations. */
static void test_matrix(void)
{
    static const uint8_t M[3] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DHHMAC};
    static const uint8_t S[3] = {MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_80, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32,
                                 MIKEY_NEG_SUITE_AES_F8_128_HMAC_SHA1_80};
    size_t total = 0, established = 0, two_rounds = 0, rule_method = 0;
    uint64_t seed = 1000;
    for (unsigned flags = 0; flags <= (MIKEY_NEG_MULTI | MIKEY_NEG_CAP); flags++)
        for (unsigned am = 1; am < 8; am++)
            for (unsigned as = 1; as < 8; as++)
                for (unsigned bm = 1; bm < 8; bm++)
                    for (unsigned bs = 1; bs < 8; bs++) {
                        mikey_neg_prefs A, B;
                        memset(&A, 0, sizeof A);
                        memset(&B, 0, sizeof B);
                        for (int i = 0; i < 3; i++) {
                            if (am & (1u << i))
                                A.methods[A.nmethods++] = M[i];
                            if (as & (1u << i))
                                A.suites[A.nsuites++] = S[i];
                            if (bm & (1u << (2 - i)))
                                B.methods[B.nmethods++] = M[2 - i];
                            if (bs & (1u << (2 - i)))
                                B.suites[B.nsuites++] = S[2 - i];
                        }
                        mikey_neg_result want, full;
                        unsigned rounds = 0;
                        int wrc = predict(&A, &B, flags, &want, &rounds);
                        int frc = mikey_neg_choose(&A, &B, &full);
                        party a, b;
                        neg_parties(&a, &b, &A, &B, seed += 2);
                        neg_run r = neg_flow(&a, &b, &A, &B, flags);
                        party_free(&a);
                        party_free(&b);
                        total++;
                        int ok = 1;
                        /* every pair with a common method and suite succeeds */
                        ok &= (frc == MIKEY_OK) == (r.rc == MIKEY_OK);
                        ok &= wrc == r.rc;
                        if (r.rc == MIKEY_OK) {
                            established++;
                            ok &= r.method == want.method && r.suite == want.suite && r.rounds == rounds;
                            ok &= r.rounds <= 2 && r.same_keys_checked;
                            /* the suite is always the rule's; so is the method
                             * when bob knows alice's method ranking */
                            ok &= r.suite == full.suite;
                            if (flags & (MIKEY_NEG_MULTI | MIKEY_NEG_CAP))
                                ok &= r.method == full.method;
                            two_rounds += r.rounds == 2;
                            rule_method += r.method == full.method;
                        } else {
                            ok &= r.rc == MIKEY_ERR_NEGOTIATION;
                        }
                        if (!ok) {
                            char fa[256], fb[256];
                            size_t l;
                            mikey_neg_prefs_format(&A, fa, sizeof fa, &l);
                            mikey_neg_prefs_format(&B, fb, sizeof fb, &l);
                            mt_fail(__FILE__, __LINE__,
                                    "flags %u alice %s bob %s: rc %d rounds %u %s/%s, predicted rc %d rounds %u %s/%s",
                                    flags, fa, fb, r.rc, r.rounds, mikey_mode_name(r.method),
                                    mikey_neg_suite_name(r.suite), wrc, rounds, mikey_mode_name(want.method),
                                    mikey_neg_suite_name(want.suite));
                            return;
                        }
                    }
    MT_EQ_INT(total, 4 * 49 * 49);
    printf("# matrix: %zu negotiations, %zu established (%zu after one retry), %zu with the rule's method\n", total,
           established, two_rounds, rule_method);
    MT_CHECK(established > 0 && two_rounds > 0);
}

MT_MAIN(test_paper_example_multi, test_paper_example_single, test_one_round, test_nothing_common, test_init_states,
        test_missing_credentials, test_plain_responder, test_plain_initiator, test_alternatives_every_method,
        test_sp_choice_rules, test_matrix)
