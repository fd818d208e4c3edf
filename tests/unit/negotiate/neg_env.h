/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers of the negotiation tests: two parties from the session
 * tests' environment (fixed clock, seeded RNG, test PKI, PSK between alice
 * and bob), preferences applied to their policies, the SDP round trip of an
 * offer with several session-level mikey attributes, and one complete
 * negotiation (offer, answer, Error, retry, finish) as a UA would run it.
 */
#ifndef NEG_ENV_H
#define NEG_ENV_H

#include "../session/sess_env.h"
#include "openmikey/negotiate.h"
#include "openmikey/sdp.h"

static inline mikey_neg_prefs neg_p(const char *methods, const char *suites)
{
    mikey_neg_prefs p;
    memset(&p, 0, sizeof p);
    MT_CHECK(mikey_neg_prefs_parse(&p, methods, suites, NULL) == MIKEY_OK);
    return p;
}

/* alice and bob with their rankings applied to their policies. MIKEY-NULL
 * may be ranked: the responder then accepts it (policy modes). */
static inline void neg_parties(party *a, party *b, const mikey_neg_prefs *pa, const mikey_neg_prefs *pb, uint64_t seed)
{
    party_init(a, ALICE, seed);
    party_init(b, BOB, seed + 1);
    MT_CHECK(mikey_neg_policy_apply(a->pol, pa) == MIKEY_OK);
    MT_CHECK(mikey_neg_policy_apply(b->pol, pb) == MIKEY_OK);
}

static const unsigned neg_pts[] = {0, 8};

/* SDP offer text around the given session-level attributes. */
static inline size_t neg_sdp_offer(const mikey_sdp_km_item *km, size_t n, char *out, size_t cap)
{
    mikey_sdp_stream_desc audio;
    memset(&audio, 0, sizeof audio);
    audio.media = "audio";
    audio.port = 49170;
    audio.fmts = neg_pts;
    audio.nfmts = 2;
    mikey_sdp_desc d;
    memset(&d, 0, sizeof d);
    d.username = "alice";
    d.sess_id = 2890844526u;
    d.sess_version = 2890844526u;
    d.addr = "192.0.2.10";
    d.streams = &audio;
    d.nstreams = 1;
    size_t len = 0;
    int rc = mikey_neg_sdp_offer_build(&d, km, n, out, cap, &len);
    MT_CHECK(rc == MIKEY_OK);
    return rc == MIKEY_OK ? len : 0;
}

static inline mikey_offer_opts neg_base(mikey_stream_desc *s)
{
    memset(s, 0, sizeof *s);
    s->ssrc = 0x11223344u;
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.peer_id = BOB;
    o.streams = s;
    o.nstreams = 1;
    o.want_verification = 1;
    return o;
}

/* Outcome of one complete negotiation. */
typedef struct neg_run {
    int rc;              /* MIKEY_OK or the final error */
    unsigned rounds;     /* offers sent */
    unsigned method;     /* established mode */
    unsigned suite;      /* established suite (from the keys) */
    int bob_action[2];   /* the answerer's decision per round */
    int bob_rc[2];
    mikey_neg_decision d[2];
    int same_keys_checked;
} neg_run;

/* The answerer's side of one round: parse the SDP, negotiate, write the
 * answer's MIKEY message. */
static inline int neg_bob_round(party *b, const mikey_neg_prefs *pb, const char *sdp, size_t sdplen, uint8_t *out,
                                size_t cap, size_t *outlen, mikey_neg_decision *d, mikey_ctx **ctx)
{
    mikey_neg_sdp *ns = NULL;
    mikey_sdp_error pe;
    int rc = mikey_neg_sdp_parse(&b->te.env, sdp, sdplen, NULL, &ns, &pe);
    if (rc) {
        memset(d, 0, sizeof *d);
        *outlen = 0;
        *ctx = NULL;
        return rc; /* NOMEM in the failing-allocator loop; nothing else is expected */
    }
    size_t n = 0;
    const mikey_span *offers = mikey_neg_sdp_offers(ns, &n);
    mikey_neg_answer_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.prefs = pb;
    cfg.sdp_list = mikey_neg_sdp_list(ns);
    rc = mikey_neg_answer(&b->te.env, b->creds, b->pol, &cfg, offers, n, out, cap, outlen, d, ctx);
    mikey_neg_sdp_free(ns);
    return rc;
}

/* alice (initiator, flags) and bob negotiate to the end: at most one retry.
 * On success the keys of both sides are compared. */
static inline neg_run neg_flow(party *a, party *b, const mikey_neg_prefs *pa, const mikey_neg_prefs *pb, unsigned flags)
{
    neg_run r;
    memset(&r, 0, sizeof r);
    static char sdp[65536];
    static uint8_t resp[16384];
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    mikey_neg_init *ni = NULL;
    r.rc = mikey_neg_init_new(&a->te.env, a->creds, a->pol, pa, flags, &ni);
    if (r.rc)
        return r;
    mikey_sdp_km_item items[MIKEY_NEG_MAX_OFFERS];
    size_t n = 0;
    mikey_ctx *bctx = NULL;
    r.rc = mikey_neg_init_offer(ni, &base, items, MIKEY_NEG_MAX_OFFERS, &n);
    for (int round = 0; round < 2 && r.rc == MIKEY_OK; round++) {
        size_t len = neg_sdp_offer(items, n, sdp, sizeof sdp), rlen = 0;
        r.rounds = mikey_neg_init_rounds(ni);
        r.bob_rc[round] = neg_bob_round(b, pb, sdp, len, resp, sizeof resp, &rlen, &r.d[round], &bctx);
        r.bob_action[round] = r.d[round].action;
        if (r.bob_rc[round] == MIKEY_OK) {
            r.rc = rlen ? mikey_neg_init_finish(ni, resp, rlen) : MIKEY_OK;
            break;
        }
        if (rlen == 0) {
            r.rc = r.bob_rc[round];
            break;
        }
        r.rc = mikey_neg_init_finish(ni, resp, rlen);
        if (r.rc != MIKEY_ERR_PEER_ERROR)
            break;
        r.rc = round == 0 ? mikey_neg_init_retry(ni, &base, items, MIKEY_NEG_MAX_OFFERS, &n) : r.bob_rc[round];
    }
    if (r.rc == MIKEY_OK) {
        mikey_ctx *actx = mikey_neg_init_take(ni);
        MT_CHECK(actx != NULL && bctx != NULL);
        if (actx && bctx) {
            t_same_keys(actx, bctx);
            r.same_keys_checked = 1;
            r.method = (unsigned)mikey_ctx_mode(actx);
            MT_EQ_INT(mikey_ctx_mode(bctx), (int)r.method);
            mikey_cs_keys k;
            if (mikey_ctx_cs_keys(actx, 0, &k) == MIKEY_OK) {
                int su = mikey_neg_suite_of(&k.srtp);
                r.suite = su > 0 ? (unsigned)su : 0;
                memset(&k, 0, sizeof k);
            }
        }
        mikey_ctx_free(actx);
    }
    mikey_ctx_free(bctx);
    mikey_neg_init_free(ni);
    return r;
}

#endif /* NEG_ENV_H */
