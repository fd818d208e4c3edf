/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Robustness of the negotiation: every allocation failing in turn during a
 * whole negotiation with capability discovery and a retry (the failmalloc
 * loop of CONVENTIONS.md §2.2.11), offers and answers with every byte
 * changed, truncated and random inputs, argument checks. Each failure is a
 * precise error, never a crash or a leak (run under ASan/UBSan), and leaves
 * nothing established.
 */
#include "neg_env.h"

typedef struct failmem {
    long countdown; /* allocations left before failing; < 0: never fail */
} failmem;

static failmem fm;

static void *fm_malloc(size_t n, void *ud)
{
    (void)ud;
    if (fm.countdown == 0)
        return NULL;
    if (fm.countdown > 0)
        fm.countdown--;
    return malloc(n);
}

static void *fm_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (fm.countdown == 0)
        return NULL;
    if (fm.countdown > 0)
        fm.countdown--;
    return realloc(p, n);
}

static void fm_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static void use_failmem(party *p)
{
    p->te.env.mem.malloc = fm_malloc;
    p->te.env.mem.realloc = fm_realloc;
    p->te.env.mem.free = fm_free;
}

/* The paper's example with allocation n failing, for three initiator
 * forms (single: one round; single with the extension: RETRY, Error,
 * retry, answer; several attributes with the extension: one round). */
static void test_allocation_failures(void)
{
    mikey_neg_prefs A = neg_p("psk,pke,dh", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs B = neg_p("pke,dh,psk", "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80");
    static const unsigned forms[] = {0, MIKEY_NEG_CAP, MIKEY_NEG_MULTI | MIKEY_NEG_CAP};
    for (size_t fi = 0; fi < 3; fi++) {
        unsigned flags = forms[fi];
        party a, b;
        fm.countdown = -1;
        neg_parties(&a, &b, &A, &B, 77 + fi);
        use_failmem(&a);
        use_failmem(&b);
        int done = 0;
        long n;
        for (n = 0; n < 20000 && !done; n++) {
            fm.countdown = n;
            neg_run r = neg_flow(&a, &b, &A, &B, flags);
            fm.countdown = -1;
            if (r.rc == MIKEY_OK) {
                done = 1;
                /* single without the extension: bob sees PSK only (one round);
                 * otherwise the paper's PKE (with the extension alone: after a retry) */
                MT_EQ_INT(r.method, flags ? MIKEY_MODE_PKE : MIKEY_MODE_PSK);
                MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
            } else if (r.rc != MIKEY_ERR_NOMEM && r.rc != MIKEY_ERR_CRYPTO &&
                       !(r.rc == MIKEY_ERR_PEER_ERROR || r.rc == MIKEY_ERR_NEGOTIATION)) {
                /* An allocation failing in bob's negotiation is reported to
                 * alice as what it is (NOMEM), or as his Error when it hit
                 * the session layer while building the answer. */
                mt_fail(__FILE__, __LINE__, "flags %u, allocation %ld failing: %s", flags, n, mikey_err_name(r.rc));
            }
        }
        MT_CHECK(done);
        printf("# flags %u: %ld allocation failure points\n", flags, n - 1);
        party_free(&a);
        party_free(&b);
    }
}

/* Every byte of every offer changed: bob answers, refuses or errs; never
 * establishes a context from a changed authenticated message. */
static void test_offer_mutations(void)
{
    mikey_neg_prefs A = neg_p("psk,dhhmac", "AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs B = neg_p("dhhmac,psk", "AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &B, 91);
    mikey_neg_init *ni = NULL;
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, MIKEY_NEG_MULTI, &ni) == MIKEY_OK);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    mikey_sdp_km_item items[6];
    size_t n = 0;
    MT_REQUIRE(mikey_neg_init_offer(ni, &base, items, 6, &n) == MIKEY_OK);
    MT_REQUIRE(n == 2);
    static uint8_t buf[2][4096], out[8192];
    mikey_span offers[2];
    for (size_t i = 0; i < 2; i++) {
        memcpy(buf[i], items[i].data, items[i].len);
        offers[i].p = buf[i];
        offers[i].len = items[i].len;
    }
    mikey_neg_answer_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.prefs = &B;
    cfg.sdp_list = "mikey;mikey";
    size_t established = 0, cases = 0;
    for (size_t m = 0; m < 2; m++)
        for (size_t i = 0; i < offers[m].len; i++) {
            uint8_t keep = buf[m][i];
            buf[m][i] ^= 0x5a;
            mikey_neg_decision d;
            mikey_ctx *ctx = NULL;
            size_t ol = 0;
            int rc = mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, offers, 2, out, sizeof out, &ol, &d, &ctx);
            cases++;
            if (rc == MIKEY_OK) {
                /* only possible when the change is outside what bob
                 * authenticates: in the PSK alternative he did not take */
                established++;
                MT_CHECK(m == 0 && d.index == 1);
            } else {
                MT_CHECK(ctx == NULL);
            }
            mikey_ctx_free(ctx);
            buf[m][i] = keep;
        }
    printf("# %zu changed offers, %zu answered (change in the alternative not taken)\n", cases, established);
    /* truncations */
    for (size_t l = 0; l < offers[1].len; l++) {
        mikey_span o2[2] = {offers[0], {buf[1], l}};
        mikey_neg_decision d;
        mikey_ctx *ctx = NULL;
        size_t ol = 0;
        MT_CHECK(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, o2, 2, out, sizeof out, &ol, &d, &ctx) != MIKEY_OK);
        MT_CHECK(ctx == NULL);
    }
    /* argument checks */
    mikey_neg_decision d;
    mikey_ctx *ctx = NULL;
    size_t ol = 0;
    mikey_span many[7];
    for (int i = 0; i < 7; i++)
        many[i] = offers[0];
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, many, 7, out, sizeof out, &ol, &d, &ctx),
              MIKEY_ERR_LIMIT);
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, offers, 0, out, sizeof out, &ol, &d, &ctx),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, NULL, offers, 2, out, sizeof out, &ol, &d, &ctx),
              MIKEY_ERR_INVALID_ARG);
    mikey_neg_answer_cfg c2 = cfg;
    c2.prefs = NULL;
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &c2, offers, 2, out, sizeof out, &ol, &d, &ctx),
              MIKEY_ERR_INVALID_ARG);
    /* a single unparseable offer: the session layer's error and Error */
    uint8_t junk[] = {1, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 9, 9};
    mikey_span j = {junk, sizeof junk};
    int rc = mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &j, 1, out, sizeof out, &ol, &d, &ctx);
    MT_CHECK(rc != MIKEY_OK && ol > 0);
    mikey_neg_peer_caps pc;
    MT_EQ_INT(mikey_neg_error_read(NULL, out, ol, &pc), MIKEY_OK);
    MT_EQ_INT(pc.csb_id, 0x12345678u);
    MT_EQ_INT(pc.errors[0], MIKEY_E_UNSUPPORTED_MSG_TYPE);
    mikey_neg_init_free(ni);
    party_free(&a);
    party_free(&b);
}

/* Every byte of bob's answer (R_MESSAGE and Error) changed: alice finishes
 * only the genuine one; a changed Error is still only advice. */
static void test_answer_mutations(void)
{
    mikey_neg_prefs A = neg_p("psk,pke", "AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs B = neg_p("pke,psk", "AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &B, 95);
    mikey_neg_init *ni = NULL;
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, MIKEY_NEG_MULTI, &ni) == MIKEY_OK);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    mikey_sdp_km_item items[6];
    size_t n = 0, rl = 0;
    MT_REQUIRE(mikey_neg_init_offer(ni, &base, items, 6, &n) == MIKEY_OK);
    mikey_span offers[6];
    for (size_t i = 0; i < n; i++) {
        offers[i].p = items[i].data;
        offers[i].len = items[i].len;
    }
    mikey_neg_answer_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.prefs = &B;
    static uint8_t resp[8192];
    mikey_neg_decision d;
    mikey_ctx *bc = NULL;
    MT_REQUIRE(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, offers, n, resp, sizeof resp, &rl, &d, &bc) ==
               MIKEY_OK);
    MT_EQ_INT(d.rule.method, MIKEY_MODE_PKE);
    for (size_t i = 0; i < rl; i++) {
        resp[i] ^= 0x21;
        int rc = mikey_neg_init_finish(ni, resp, rl);
        /* an Error-looking change moves alice to REFUSED: a fresh object */
        if (rc == MIKEY_OK)
            mt_fail(__FILE__, __LINE__, "changed byte %zu accepted", i);
        if (mikey_neg_init_state(ni) != MIKEY_NEG_INIT_OFFERED) {
            MT_EQ_INT(rc, MIKEY_ERR_PEER_ERROR);
            break;
        }
        resp[i] ^= 0x21;
    }
    mikey_neg_init_free(ni);
    /* the genuine answer on a fresh object with the same offers is not
     * possible (new CSB IDs): redo the exchange and finish it */
    MT_REQUIRE(mikey_neg_init_new(&a.te.env, a.creds, a.pol, &A, MIKEY_NEG_MULTI, &ni) == MIKEY_OK);
    MT_REQUIRE(mikey_neg_init_offer(ni, &base, items, 6, &n) == MIKEY_OK);
    for (size_t i = 0; i < n; i++) {
        offers[i].p = items[i].data;
        offers[i].len = items[i].len;
    }
    mikey_ctx_free(bc);
    bc = NULL;
    MT_REQUIRE(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, offers, n, resp, sizeof resp, &rl, &d, &bc) ==
               MIKEY_OK);
    for (size_t l = 0; l < rl; l++)
        MT_CHECK(mikey_neg_init_finish(ni, resp, l) != MIKEY_OK);
    MT_EQ_INT(mikey_neg_init_state(ni), MIKEY_NEG_INIT_OFFERED);
    MT_EQ_INT(mikey_neg_init_finish(ni, resp, rl), MIKEY_OK);
    mikey_ctx *ac = mikey_neg_init_take(ni);
    MT_REQUIRE(ac);
    t_same_keys(ac, bc);
    MT_EQ_INT(mikey_neg_init_finish(ni, resp, rl), MIKEY_ERR_STATE);
    mikey_ctx_free(ac);
    mikey_ctx_free(bc);
    mikey_neg_init_free(ni);
    party_free(&a);
    party_free(&b);
}

/* Random bytes into every reader. */
static void test_random_inputs(void)
{
    tenv te;
    tenv_init(&te, 12345);
    uint8_t buf[300];
    for (int i = 0; i < 20000; i++) {
        uint8_t l8;
        tenv_rng(&l8, 1, &te);
        size_t len = l8 % sizeof buf;
        tenv_rng(buf, len, &te);
        if (len > 0 && (i & 1))
            buf[0] = 1; /* MIKEY version, to get past the first check */
        mikey_neg_cap c;
        (void)mikey_neg_cap_decode(buf, len, &c);
        mikey_neg_peer_caps pc;
        (void)mikey_neg_error_read(NULL, buf, len, &pc);
        mikey_msg *m = NULL;
        if (mikey_msg_parse(NULL, buf, len, NULL, &m, NULL) == MIKEY_OK) {
            mikey_neg_offered o;
            (void)mikey_neg_offered_read(m, &o);
        }
        mikey_msg_free(m);
        mikey_neg_sdp *s = NULL;
        if (mikey_neg_sdp_parse(NULL, (const char *)buf, len, NULL, &s, NULL) == MIKEY_OK)
            MT_CHECK(s != NULL);
        mikey_neg_sdp_free(s);
    }
    MT_CHECK(1);
}

MT_MAIN(test_allocation_failures, test_offer_mutations, test_answer_mutations, test_random_inputs)
