/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Negative cases: every failure gives its precise error (and, where RFC
 * 3830 §5.1.2 calls for one, the right Error message) AND changes no state:
 * the context stays as it was, the replay cache does not grow, and a valid
 * message afterwards still works.
 *
 * Messages with a bad DH value are re-signed / re-MACed here with OpenSSL
 * and the test's own PRF (sess_env.h), so the failure is the DH check and
 * not the authentication.
 */
#include "sess_env.h"
#include "crypto/crypto.h"

#define C_AUTH 0x2D22AC75u

static party A, B;
static mikey_replay *RC; /* bob's replay cache, to count entries */
static int ncases;

static void bob_cache(void)
{
    MT_CHECK(mikey_ctx_set_replay(B.ctx, RC) == MIKEY_OK);
}

static void setup(void)
{
    party_init(&A, ALICE, 0xa11ce);
    party_init(&B, BOB, 0xb0b);
    MT_CHECK(mikey_replay_new(&B.te.env, 300, 64, &RC) == MIKEY_OK);
    bob_cache();
}

static void teardown(void)
{
    party_free(&A);
    party_free(&B);
    mikey_replay_free(RC);
    RC = NULL;
}

static mikey_msg *parse(const uint8_t *m, size_t len)
{
    mikey_msg *msg = NULL;
    if (mikey_msg_parse(NULL, m, len, NULL, &msg, NULL) != MIKEY_OK)
        return NULL;
    return msg;
}

/* The Error no of an Error message (-1 if not one). */
static int err_no(const uint8_t *m, size_t len, uint32_t *csb, size_t *nsp)
{
    mikey_msg *msg = parse(m, len);
    if (!msg)
        return -1;
    int e = -1;
    if (mikey_msg_hdr(msg)->data_type == MIKEY_DT_ERROR) {
        const mikey_payload *p = mikey_msg_find(msg, MIKEY_PT_ERR, 0);
        e = p ? p->u.err.error_no : -1;
        if (csb)
            *csb = mikey_msg_hdr(msg)->csb_id;
        if (nsp) {
            *nsp = 0;
            while (mikey_msg_find(msg, MIKEY_PT_SP, *nsp))
                (*nsp)++;
        }
    }
    mikey_msg_free(msg);
    return e;
}

/* Bob refuses msg with err and the Error message rfc (-1: none due);
 * nothing changes. */
static void expect_refused(mikey_ctx *ctx, const uint8_t *m, size_t len, int err, int rfc, int line)
{
    static uint8_t out[8192];
    size_t outlen = 12345;
    int state = mikey_ctx_state(ctx);
    size_t ncs = mikey_ctx_cs_count(ctx), cached = mikey_replay_count(RC);
    mikey_cs_keys before;
    memset(&before, 0, sizeof before);
    if (ncs)
        mikey_ctx_cs_keys(ctx, 0, &before);
    int rc = mikey_answer(ctx, m, len, out, sizeof out, &outlen);
    ncases++;
    if (rc != err)
        mt_fail(__FILE__, line, "answer: %s, expected %s", mikey_err_name(rc), mikey_err_name(err));
    if (rfc < 0) {
        if (outlen != 0)
            mt_fail(__FILE__, line, "an Error message (%zu bytes) where none is due", outlen);
    } else {
        int e = err_no(out, outlen, NULL, NULL);
        if (e != rfc)
            mt_fail(__FILE__, line, "Error no %d, expected %d (%s)", e, rfc, mikey_rfc_error_name((unsigned)rfc));
    }
    if (mikey_ctx_state(ctx) != state || mikey_ctx_cs_count(ctx) != ncs || mikey_replay_count(RC) != cached)
        mt_fail(__FILE__, line, "state changed by a refused message");
    if (ncs) {
        mikey_cs_keys after;
        mikey_ctx_cs_keys(ctx, 0, &after);
        if (memcmp(before.master_key, after.master_key, 32) != 0)
            mt_fail(__FILE__, line, "keys changed by a refused message");
    }
}
#define REFUSED(ctx, m, len, err, rfc) expect_refused((ctx), (m), (len), (err), (rfc), __LINE__)

static void resign(uint8_t *m, size_t len, EVP_PKEY *key)
{
    mikey_msg *msg = parse(m, len);
    MT_REQUIRE(msg != NULL);
    size_t siglen = mikey_msg_find(msg, MIKEY_PT_SIGN, 0)->u.sign.sig.len;
    mikey_msg_free(msg);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t sl = siglen;
    MT_CHECK(EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, key) == 1);
    MT_CHECK(EVP_DigestSign(c, m + len - siglen, &sl, m, len - siglen) == 1);
    MT_EQ_INT(sl, siglen);
    EVP_MD_CTX_free(c);
}

/* HMAC-SHA-1 over the message but its last 20 bytes, key from the PSK
 * (RFC 3830 §4.1.4 with the PRF of sess_env.h); rand: the I_MESSAGE's. */
static void remac(uint8_t *m, size_t len, const uint8_t *rand, size_t rlen, uint32_t csb)
{
    uint8_t auth[20];
    unsigned ml = 0;
    ind_env_key(PSK_AB, sizeof PSK_AB - 1, C_AUTH, csb, rand, rlen, auth, 20);
    HMAC(EVP_sha1(), auth, 20, m, len - 20, m + len - 20, &ml);
}

/* ---------------------------------------------------------------------- */

/* Every byte of every authenticated message, flipped: refused, nothing
 * changes; a flip inside the MAC / signature field is exactly AUTH. */
static void test_tamper_every_byte(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_DHHMAC,
                                     MIKEY_MODE_RSAR};
    for (size_t mi = 0; mi < 5; mi++) {
        setup();
        mikey_stream_desc s[2] = {{0x12345678, 0, 0}, {0, 0, 0}};
        mikey_offer_opts o = t_opts(modes[mi], BOB, s, 2);
        o.want_verification = 1;
        static xbuf x;
        static uint8_t t[16384];
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        mikey_msg *im = parse(x.i, x.ilen);
        MT_REQUIRE(im != NULL);
        const mikey_payload *last = mikey_msg_at(im, mikey_msg_count(im) - 1);
        size_t auth_from = last->type == MIKEY_PT_SIGN ? x.ilen - last->u.sign.sig.len : x.ilen - 20;
        mikey_msg_free(im);
        size_t refused = 0;
        for (size_t i = 0; i < x.ilen; i++) {
            memcpy(t, x.i, x.ilen);
            t[i] ^= 0x5a;
            size_t ol = 0;
            int rc = mikey_answer(B.ctx, t, x.ilen, x.r, sizeof x.r, &ol);
            if (rc == MIKEY_OK) {
                mt_fail(__FILE__, __LINE__, "%s: byte %zu flipped and accepted", mikey_mode_name(modes[mi]), i);
                break;
            }
            if (i >= auth_from && rc != MIKEY_ERR_AUTH)
                mt_fail(__FILE__, __LINE__, "%s: MAC/signature byte %zu: %s", mikey_mode_name(modes[mi]), i,
                        mikey_err_name(rc));
            if (mikey_ctx_state(B.ctx) != MIKEY_STATE_NEW || mikey_replay_count(RC) != 0) {
                mt_fail(__FILE__, __LINE__, "%s: state changed at byte %zu", mikey_mode_name(modes[mi]), i);
                break;
            }
            refused++;
        }
        MT_EQ_INT(refused, x.ilen);
        ncases += (int)refused;
        /* the genuine message still works */
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        MT_EQ_INT(mikey_replay_count(RC), 1);
        MT_REQUIRE(x.rlen > 0);

        /* the response, at the initiator */
        mikey_msg *rm = parse(x.r, x.rlen);
        MT_REQUIRE(rm != NULL);
        last = mikey_msg_at(rm, mikey_msg_count(rm) - 1);
        auth_from = last->type == MIKEY_PT_SIGN ? x.rlen - last->u.sign.sig.len : x.rlen - 20;
        mikey_msg_free(rm);
        refused = 0;
        for (size_t i = 0; i < x.rlen; i++) {
            memcpy(t, x.r, x.rlen);
            t[i] ^= 0x5a;
            int rc = mikey_finish(A.ctx, t, x.rlen);
            if (rc == MIKEY_OK) {
                mt_fail(__FILE__, __LINE__, "%s response: byte %zu flipped and accepted", mikey_mode_name(modes[mi]),
                        i);
                break;
            }
            if (i >= auth_from && rc != MIKEY_ERR_AUTH)
                mt_fail(__FILE__, __LINE__, "%s response: MAC/signature byte %zu: %s", mikey_mode_name(modes[mi]), i,
                        mikey_err_name(rc));
            if (mikey_ctx_state(A.ctx) != MIKEY_STATE_OFFERED) {
                mt_fail(__FILE__, __LINE__, "%s: initiator state changed at byte %zu", mikey_mode_name(modes[mi]), i);
                break;
            }
            refused++;
        }
        MT_EQ_INT(refused, x.rlen);
        ncases += (int)refused;
        MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
        t_same_keys(A.ctx, B.ctx);
        teardown();
    }
}

static void test_wrong_psk(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_DHHMAC};
    for (size_t mi = 0; mi < 2; mi++) {
        setup();
        MT_CHECK(mikey_creds_add_psk(B.creds, ALICE, PSK_OTHER, sizeof PSK_OTHER - 1) == MIKEY_OK);
        mikey_offer_opts o = t_opts(modes[mi], BOB, NULL, 0);
        static xbuf x;
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        /* the right key again: accepted */
        MT_CHECK(mikey_creds_add_psk(B.creds, ALICE, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        teardown();
    }
    /* level 2: a per-exchange PSK that the responder does not share */
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    o.psk = PSK_OTHER;
    o.psk_len = sizeof PSK_OTHER - 1;
    static xbuf x;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
    teardown();
}

static void test_unknown_peer(void)
{
    /* No PSK for the initiator's identity and no default key. */
    setup();
    party C;
    party_init(&C, CAROL, 0xc);
    MT_CHECK(mikey_creds_add_psk(C.creds, BOB, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    static xbuf x;
    MT_EQ_INT(mikey_offer(C.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    /* a default key (NULL peer) that is the same: accepted */
    MT_CHECK(mikey_creds_add_psk(B.creds, NULL, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_STR(mikey_ctx_peer_id(B.ctx), CAROL);
    party_free(&C);
    teardown();
}

static void test_wrong_identity(void)
{
    static xbuf x;
    /* IDr names someone else: misdirected (or reflected). */
    setup();
    MT_CHECK(mikey_creds_add_psk(A.creds, CAROL, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, CAROL, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    teardown();

    /* Signed modes: a valid certificate (carol's) used to claim alice. */
    static const unsigned modes[] = {MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_RSAR};
    for (size_t mi = 0; mi < 3; mi++) {
        setup();
        party M;
        party_init(&M, ALICE, 0x3);
        mikey_creds_free(M.creds);
        mikey_ctx_free(M.ctx);
        MT_CHECK(mikey_creds_new(&M.te.env, &M.creds) == MIKEY_OK);
        MT_CHECK(mikey_creds_set_identity(M.creds, ALICE) == MIKEY_OK);
        MT_CHECK(t_add_key(M.creds, pki.carol_key) == MIKEY_OK);
        MT_CHECK(t_add_cert(M.creds, pki.carol) == MIKEY_OK);
        MT_CHECK(t_add_peer(M.creds, BOB, pki.bob) == MIKEY_OK);
        MT_CHECK(mikey_ctx_new(&M.te.env, M.creds, M.pol, &M.ctx) == MIKEY_OK);
        o = t_opts(modes[mi], BOB, NULL, 0);
        MT_EQ_INT(mikey_offer(M.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
        party_free(&M);
        teardown();
    }

    /* The initiator wanted carol; bob answers (validly, as bob). */
    setup();
    MT_CHECK(t_add_peer(A.creds, CAROL, pki.carol) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_DH, CAROL, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    /* bob's responder has no IDr check to fail here if he ignores IDr: let
     * him answer without an identity of his own */
    party Bn;
    party_init(&Bn, BOB, 0x77);
    mikey_creds *anon = NULL;
    MT_CHECK(mikey_creds_new(&Bn.te.env, &anon) == MIKEY_OK);
    MT_CHECK(t_add_key(anon, pki.bob_key) == MIKEY_OK && t_add_cert(anon, pki.bob) == MIKEY_OK &&
             t_add_trust(anon, pki.ca) == MIKEY_OK);
    mikey_ctx *bn = NULL;
    MT_CHECK(mikey_ctx_new(&Bn.te.env, anon, Bn.pol, &bn) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(bn, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_ERR_IDENTITY); /* bob's cert is not bound to carol */
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
    ncases++;
    mikey_ctx_free(bn);
    mikey_creds_free(anon);
    party_free(&Bn);
    teardown();
}

static void test_bad_certificates(void)
{
    struct {
        X509 *cert;
        int err, rfc;
    } cases[] = {
        {NULL, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT}, /* filled below */
        {NULL, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT},
        {NULL, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT},
    };
    pki_init();
    cases[0].cert = pki.alice_rogue;   /* untrusted issuer */
    cases[1].cert = pki.alice_expired; /* expired at the fixed clock */
    cases[2].cert = pki.alice_future;  /* not yet valid */
    static const unsigned modes[] = {MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_RSAR};
    static xbuf x;
    for (size_t ci = 0; ci < 3; ci++) {
        for (size_t mi = 0; mi < 3; mi++) {
            setup();
            party M;
            party_init(&M, ALICE, 0x5);
            mikey_creds_free(M.creds);
            mikey_ctx_free(M.ctx);
            MT_CHECK(mikey_creds_new(&M.te.env, &M.creds) == MIKEY_OK);
            MT_CHECK(mikey_creds_set_identity(M.creds, ALICE) == MIKEY_OK);
            MT_CHECK(t_add_key(M.creds, pki.alice_key) == MIKEY_OK);
            MT_CHECK(t_add_cert(M.creds, cases[ci].cert) == MIKEY_OK);
            MT_CHECK(t_add_peer(M.creds, BOB, pki.bob) == MIKEY_OK);
            MT_CHECK(mikey_ctx_new(&M.te.env, M.creds, M.pol, &M.ctx) == MIKEY_OK);
            mikey_offer_opts o = t_opts(modes[mi], BOB, NULL, 0);
            MT_EQ_INT(mikey_offer(M.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
            REFUSED(B.ctx, x.i, x.ilen, cases[ci].err, cases[ci].rfc);
            party_free(&M);
            teardown();
        }
    }
    /* No trust anchor and no known certificate for alice: refused; alice's
     * certificate pinned for her identity: accepted without a CA. */
    setup();
    mikey_creds *bc = NULL;
    MT_CHECK(mikey_creds_new(&B.te.env, &bc) == MIKEY_OK);
    MT_CHECK(mikey_creds_set_identity(bc, BOB) == MIKEY_OK);
    MT_CHECK(t_add_key(bc, pki.bob_key) == MIKEY_OK && t_add_cert(bc, pki.bob) == MIKEY_OK);
    mikey_ctx *b2 = NULL;
    MT_CHECK(mikey_ctx_new(&B.te.env, bc, B.pol, &b2) == MIKEY_OK);
    MT_CHECK(mikey_ctx_set_replay(b2, RC) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(b2, x.i, x.ilen, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
    MT_CHECK(t_add_peer(bc, ALICE, pki.alice) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(b2, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    mikey_ctx_free(b2);
    mikey_creds_free(bc);
    teardown();

    /* The responder's certificate: untrusted at the initiator. */
    setup();
    mikey_creds *ac = NULL;
    MT_CHECK(mikey_creds_new(&A.te.env, &ac) == MIKEY_OK);
    MT_CHECK(mikey_creds_set_identity(ac, ALICE) == MIKEY_OK);
    MT_CHECK(t_add_key(ac, pki.alice_key) == MIKEY_OK && t_add_cert(ac, pki.alice) == MIKEY_OK);
    MT_CHECK(t_add_trust(ac, pki.rogue_ca) == MIKEY_OK);
    mikey_ctx *a2 = NULL;
    MT_CHECK(mikey_ctx_new(&A.te.env, ac, A.pol, &a2) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(a2, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(a2, x.r, x.rlen), MIKEY_ERR_CERT);
    MT_EQ_INT(mikey_ctx_state(a2), MIKEY_STATE_OFFERED);
    ncases++;
    mikey_ctx_free(a2);
    mikey_creds_free(ac);
    teardown();
}

static void test_replay(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_DH};
    for (size_t mi = 0; mi < 2; mi++) {
        setup();
        mikey_offer_opts o = t_opts(modes[mi], BOB, NULL, 0);
        static xbuf x;
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        MT_EQ_INT(mikey_replay_count(RC), 1);
        /* the same context (established) and a fresh one on the same cache */
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_REPLAY, MIKEY_E_INVALID_TS);
        party_reset(&B);
        bob_cache();
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_REPLAY, MIKEY_E_INVALID_TS);
        /* a restarted responder: save, load into a fresh cache */
        uint8_t saved[4096];
        size_t sl = 0;
        MT_EQ_INT(mikey_replay_save(RC, saved, sizeof saved, &sl), MIKEY_OK);
        mikey_replay_free(RC);
        MT_CHECK(mikey_replay_new(&B.te.env, 300, 64, &RC) == MIKEY_OK);
        MT_EQ_INT(mikey_replay_load(RC, saved, sl), MIKEY_OK);
        MT_EQ_INT(mikey_replay_count(RC), 1);
        party_reset(&B);
        bob_cache();
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_REPLAY, MIKEY_E_INVALID_TS);
        /* without the saved cache the message would have been accepted */
        mikey_replay *fresh = NULL;
        MT_CHECK(mikey_replay_new(&B.te.env, 300, 64, &fresh) == MIKEY_OK);
        party_reset(&B);
        MT_CHECK(mikey_ctx_set_replay(B.ctx, fresh) == MIKEY_OK);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        party_reset(&B);
        mikey_replay_free(fresh);
        bob_cache();
        /* saved, then loaded after the window: dropped, and the message is stale */
        B.te.now += (uint64_t)400 << 32;
        mikey_replay *later = NULL;
        MT_CHECK(mikey_replay_new(&B.te.env, 300, 64, &later) == MIKEY_OK);
        MT_EQ_INT(mikey_replay_load(later, saved, sl), MIKEY_OK);
        MT_EQ_INT(mikey_replay_count(later), 0);
        mikey_replay_free(later);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS);
        teardown();
    }
}

static void test_timestamp_window(void)
{
    static const int64_t skews[] = {301, -301, 3600, -86400};
    static xbuf x;
    for (size_t i = 0; i < 4; i++) {
        setup();
        mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        /* bob's clock ahead: a stale message; behind: from the future */
        B.te.now = T_NOW + (uint64_t)skews[i] * ((uint64_t)1 << 32);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS);
        B.te.now = T_NOW + (uint64_t)(skews[i] > 0 ? 299 : -299) * ((uint64_t)1 << 32);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        teardown();
    }
    /* a shorter window by policy */
    setup();
    MT_CHECK(mikey_policy_set_replay(B.pol, 10, 8) == MIKEY_OK);
    party_reset(&B); /* its own cache takes the policy's window */
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    B.te.now = T_NOW + ((uint64_t)11 << 32);
    size_t ol = 0;
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &ol), MIKEY_ERR_TIMESTAMP);
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_NEW);
    ncases++;
    teardown();
}

static void test_reflection(void)
{
    static xbuf x;
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    o.want_verification = 1;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    /* our own I_MESSAGE back to us */
    MT_EQ_INT(mikey_finish(A.ctx, x.i, x.ilen), MIKEY_ERR_UNSUPPORTED_MODE);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
    ncases++;
    /* ... to a responder context of ours: IDr is not us */
    party A2;
    party_init(&A2, ALICE, 0x42);
    REFUSED(A2.ctx, x.i, x.ilen, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    /* ... to a responder context sharing our replay cache: a replay */
    party_reset(&A);
    MT_CHECK(mikey_ctx_set_replay(A.ctx, RC) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(RC), 1); /* our own message, remembered */
    MT_CHECK(mikey_ctx_set_replay(A2.ctx, RC) == MIKEY_OK);
    MT_CHECK(mikey_creds_add_psk(A2.creds, ALICE, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    REFUSED(A2.ctx, x.i, x.ilen, MIKEY_ERR_REPLAY, MIKEY_E_INVALID_TS);
    party_free(&A2);
    party_reset(&A);
    /* a response type fed to a responder */
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    party C;
    party_init(&C, BOB, 0x99);
    MT_CHECK(mikey_ctx_set_replay(C.ctx, RC) == MIKEY_OK);
    REFUSED(C.ctx, x.r, x.rlen, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    party_free(&C);
    /* an answer on an initiator context, a finish on a responder one */
    size_t ol;
    MT_EQ_INT(mikey_answer(A.ctx, x.i, x.ilen, x.r, sizeof x.r, &ol), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_finish(B.ctx, x.r, x.rlen), MIKEY_ERR_STATE);
    ncases += 2;
    teardown();
}

static void test_downgrade(void)
{
    static xbuf x;
    struct {
        unsigned mode;
        void (*cfg)(void);
        int rfc;
    } c;
    (void)c;
    /* PRF weaker than the responder's minimum */
    setup();
    MT_CHECK(mikey_policy_set_prf(B.pol, MIKEY_PRF_HMAC_SHA256, MIKEY_PRF_HMAC_SHA256) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_PRF);
    MT_CHECK(mikey_policy_set_prf(A.pol, MIKEY_PRF_HMAC_SHA256, 0) == MIKEY_OK);
    party_reset(&A); /* a new CSB: an update would keep the CSB's PRF */
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    teardown();

    /* KEMAC encryption and MAC weaker than the responder's policy */
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE};
    for (size_t mi = 0; mi < 2; mi++) {
        setup();
        MT_CHECK(mikey_policy_set_kemac(B.pol, MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA1_160) == MIKEY_OK);
        o = t_opts(modes[mi], BOB, NULL, 0);
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
        MT_CHECK(mikey_policy_set_kemac(B.pol, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA256_256) == MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
        MT_CHECK(mikey_policy_set_kemac(B.pol, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160) == MIKEY_OK);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        teardown();
    }
    /* DH-HMAC MAC below the policy */
    setup();
    MT_CHECK(mikey_policy_set_kemac(B.pol, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA256_256) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_DHHMAC, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
    teardown();

    /* DH group not accepted (signed DH and DH-HMAC) */
    static const unsigned dmodes[] = {MIKEY_MODE_DH, MIKEY_MODE_DHHMAC};
    for (size_t mi = 0; mi < 2; mi++) {
        setup();
        MT_CHECK(mikey_policy_set_dh(B.pol, MIKEY_DH_OAKLEY5, 1u << MIKEY_DH_OAKLEY5) == MIKEY_OK);
        MT_CHECK(mikey_policy_set_dh(A.pol, MIKEY_DH_OAKLEY1, 7) == MIKEY_OK);
        o = t_opts(dmodes[mi], BOB, NULL, 0);
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
        teardown();
    }

    /* Signature: the responder signs with PSS and refuses PKCS#1 v1.5 */
    static const unsigned smodes[] = {MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_RSAR};
    for (size_t mi = 0; mi < 3; mi++) {
        setup();
        MT_CHECK(mikey_policy_set_sign(B.pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256) == MIKEY_OK);
        o = t_opts(smodes[mi], BOB, NULL, 0);
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
        teardown();
    }

    /* MIKEY-NULL to a responder that does not allow it */
    setup();
    o = t_opts(MIKEY_MODE_NULL, NULL, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
    teardown();

    /* Mode not allowed */
    setup();
    MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK)) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    teardown();

    /* At the initiator: an RSA-R responder choosing a weaker KEMAC */
    setup();
    MT_CHECK(mikey_policy_set_kemac(A.pol, MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA256_256) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_RSAR, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
    ncases++;
    teardown();
}

/* Replace the (first) DH value of m. */
static void set_dh_value(uint8_t *m, size_t len, const uint8_t *v)
{
    mikey_msg *msg = parse(m, len);
    MT_REQUIRE(msg != NULL);
    const mikey_payload *d = mikey_msg_find(msg, MIKEY_PT_DH, 0);
    if (!d) {
        mikey_msg_free(msg);
        MT_REQUIRE(d != NULL);
    }
    size_t off = (size_t)(d->u.dh.value.p - m), vl = d->u.dh.value.len;
    mikey_msg_free(msg);
    memcpy(m + off, v, vl);
}

static void test_invalid_dh_values(void)
{
    static const unsigned groups[] = {MIKEY_DH_OAKLEY5, MIKEY_DH_OAKLEY1, MIKEY_DH_OAKLEY2};
    const mk_crypto_ops *ops = mk_crypto_ossl();
    static xbuf x;
    static uint8_t t[16384];
    for (size_t g = 0; g < 3; g++) {
        size_t vl = (size_t)mikey_dh_value_len(groups[g]);
        uint8_t p[192], vals[6][192];
        MT_REQUIRE(ops->dh_prime(groups[g], p) == MIKEY_OK);
        memset(vals, 0, sizeof vals);
        vals[1][vl - 1] = 1;                      /* 1 */
        memcpy(vals[2], p, vl);                   /* p - 1 */
        vals[2][vl - 1] -= 1;                     /* p is odd */
        memcpy(vals[3], p, vl);                   /* p */
        memcpy(vals[4], p, vl);                   /* p + 1 (with the carry: p ends in 64 one bits) */
        for (size_t k = vl; k-- > 0 && ++vals[4][k] == 0;)
            ;
        memset(vals[5], 0xff, vl);                /* 2^n - 1 > p */
        for (int dhhmac = 0; dhhmac < 2; dhhmac++) {
            setup();
            MT_CHECK(mikey_policy_set_dh(A.pol, groups[g], 7) == MIKEY_OK);
            mikey_offer_opts o = t_opts(dhhmac ? MIKEY_MODE_DHHMAC : MIKEY_MODE_DH, BOB, NULL, 0);
            MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
            mikey_msg *im = parse(x.i, x.ilen);
            MT_REQUIRE(im != NULL);
            const mikey_payload *r = mikey_msg_find(im, MIKEY_PT_RAND, 0);
            uint8_t rand[64];
            size_t rl = r->u.rand.data.len;
            memcpy(rand, r->u.rand.data.p, rl);
            uint32_t csb = mikey_msg_hdr(im)->csb_id;
            mikey_msg_free(im);
            for (int v = 0; v < 6; v++) {
                memcpy(t, x.i, x.ilen);
                set_dh_value(t, x.ilen, vals[v]);
                if (dhhmac)
                    remac(t, x.ilen, rand, rl, csb);
                else
                    resign(t, x.ilen, pki.alice_key);
                REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_DH_VALUE, MIKEY_E_INVALID_DH);
            }
            /* the genuine message still works */
            MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
            /* a bad DHr at the initiator (re-signed / re-MACed by the responder) */
            for (int v = 0; v < 6; v++) {
                memcpy(t, x.r, x.rlen);
                set_dh_value(t, x.rlen, vals[v]);
                if (dhhmac)
                    remac(t, x.rlen, rand, rl, csb);
                else
                    resign(t, x.rlen, pki.bob_key);
                MT_EQ_INT(mikey_finish(A.ctx, t, x.rlen), MIKEY_ERR_DH_VALUE);
                MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
                ncases++;
            }
            MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
            t_same_keys(A.ctx, B.ctx);
            teardown();
        }
    }
    /* An unknown group (its value length cannot be known): Invalid DH. */
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    mikey_msg *im = parse(x.i, x.ilen);
    MT_REQUIRE(im != NULL);
    size_t goff = mikey_msg_find(im, MIKEY_PT_DH, 0)->offset + 1;
    mikey_msg_free(im);
    memcpy(t, x.i, x.ilen);
    t[goff] = 3;
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
    teardown();
}

static void test_sp_negotiation(void)
{
    static xbuf x;
    setup();
    mikey_srtp_params p32, p80;
    MT_CHECK(mikey_srtp_params_suite(&p32, "AES_CM_128_HMAC_SHA1_32") == MIKEY_OK);
    MT_CHECK(mikey_srtp_params_suite(&p80, "AES_CM_128_HMAC_SHA1_80") == MIKEY_OK);
    MT_CHECK(mikey_policy_add_srtp(A.pol, &p32) == MIKEY_OK);
    MT_CHECK(mikey_policy_add_srtp(B.pol, &p80) == MIKEY_OK);
    mikey_stream_desc s[1] = {{0x1234, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    o.want_verification = 1;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_ERR_POLICY);
    /* §5.1.1: the Error carries what bob accepts; the log names the parameter */
    uint32_t csb = 0;
    size_t nsp = 0;
    MT_EQ_INT(err_no(x.r, x.rlen, &csb, &nsp), MIKEY_E_INVALID_SPPAR);
    MT_EQ_INT(csb, mikey_ctx_csb_id(A.ctx));
    MT_EQ_INT(nsp, 1);
    mikey_msg *em = parse(x.r, x.rlen);
    if (em) {
        mikey_srtp_params got;
        MT_CHECK(mikey_srtp_params_from_sp(&mikey_msg_find(em, MIKEY_PT_SP, 0)->u.sp, &got) == MIKEY_OK);
        MT_EQ_INT(got.auth_tag_len, 10);
        /* the responder reused the offer's T */
        mikey_msg *im = parse(x.i, x.ilen);
        MT_MEMEQ(mikey_msg_find(em, MIKEY_PT_T, 0)->u.ts.value.p, 8, mikey_msg_find(im, MIKEY_PT_T, 0)->u.ts.value.p,
                 8);
        mikey_msg_free(im);
        mikey_msg_free(em);
    }
    MT_CHECK(strstr(B.te.log, "Authentication tag length = 4") != NULL);
    /* the initiator gets the peer's error */
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_ERR_PEER_ERROR);
    MT_EQ_INT(mikey_ctx_peer_error(A.ctx), MIKEY_E_INVALID_SPPAR);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
    /* and offers again with the policy bob named: accepted */
    MT_CHECK(mikey_policy_add_srtp(A.pol, &p80) == MIKEY_OK);
    s[0].srtp_index = 1;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    MT_EQ_INT(mikey_ctx_peer_error(A.ctx), -1);
    teardown();
}

/* A MIKEY-NULL message built payload by payload (no authentication to
 * forge), to reach checks other modes put behind a MAC. */
static size_t null_msg(uint8_t *out, size_t cap, uint8_t ts_type, int with_rand, uint8_t prot_type,
                       const uint8_t *params, size_t plen)
{
    mikey_msg *m = NULL;
    MT_CHECK(mikey_msg_new(NULL, 0, &m) == MIKEY_OK);
    uint8_t map[9] = {0, 0x69, 0x6f, 0x12, 0x48, 0, 0, 0, 0}, tv[8], rnd[16], kd[4 + 30];
    uint64_t now = T_NOW;
    for (int i = 0; i < 8; i++)
        tv[i] = (uint8_t)(now >> (56 - 8 * i));
    for (int i = 0; i < 16; i++)
        rnd[i] = (uint8_t)(i * 7 + 1);
    kd[0] = 0;
    kd[1] = MIKEY_KEY_TEK << 4;
    kd[2] = 0;
    kd[3] = 30;
    for (int i = 0; i < 30; i++)
        kd[4 + i] = (uint8_t)(0x40 + i);
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_HDR;
    pl.u.hdr.version = 1;
    pl.u.hdr.data_type = MIKEY_DT_PSK_INIT;
    pl.u.hdr.csb_id = 0x0c0ffee0;
    pl.u.hdr.ncs = 1;
    pl.u.hdr.map_info.p = map;
    pl.u.hdr.map_info.len = 9;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_T;
    pl.u.ts.ts_type = ts_type;
    pl.u.ts.value.p = ts_type == MIKEY_TS_COUNTER ? tv + 4 : tv;
    pl.u.ts.value.len = ts_type == MIKEY_TS_COUNTER ? 4 : 8;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    if (with_rand) {
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_RAND;
        pl.u.rand.data.p = rnd;
        pl.u.rand.data.len = 16;
        MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    }
    if (params) {
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_SP;
        pl.u.sp.prot_type = prot_type;
        pl.u.sp.params.p = params;
        pl.u.sp.params.len = plen;
        MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    }
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEMAC;
    pl.u.kemac.encr_data.p = kd;
    pl.u.kemac.encr_data.len = sizeof kd;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    size_t n = 0;
    MT_CHECK(mikey_msg_encode(m, out, cap, &n) == MIKEY_OK);
    mikey_msg_free(m);
    return n;
}

static void test_crafted(void)
{
    static uint8_t m[512];
    size_t n;
    setup();
    MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_NULL)) == MIKEY_OK);
    party_reset(&B);
    bob_cache();
    static const uint8_t good[] = {0, 1, 1, 1, 1, 16, 2, 1, 1, 3, 1, 10};
    static const uint8_t bad_len[] = {0, 2, 0, 1};  /* encr alg as 2 bytes */
    static const uint8_t f8_80[] = {0, 1, 2};       /* AES-F8: not in the defaults */
    /* SP of another protocol (TESLA): Invalid SP */
    n = null_msg(m, sizeof m, MIKEY_TS_NTP_UTC, 1, MIKEY_PROT_TESLA, good, sizeof good);
    REFUSED(B.ctx, m, n, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SP);
    /* malformed SRTP param / unacceptable one: Invalid SPpar */
    n = null_msg(m, sizeof m, MIKEY_TS_NTP_UTC, 1, MIKEY_PROT_SRTP, bad_len, sizeof bad_len);
    REFUSED(B.ctx, m, n, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
    n = null_msg(m, sizeof m, MIKEY_TS_NTP_UTC, 1, MIKEY_PROT_SRTP, f8_80, sizeof f8_80);
    REFUSED(B.ctx, m, n, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
    /* a COUNTER timestamp cannot be checked against the clock */
    n = null_msg(m, sizeof m, MIKEY_TS_COUNTER, 1, MIKEY_PROT_SRTP, good, sizeof good);
    REFUSED(B.ctx, m, n, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS);
    /* the good one (no RAND: the ONVIF leniency of MIKEY-NULL) */
    n = null_msg(m, sizeof m, MIKEY_TS_NTP_UTC, 0, MIKEY_PROT_SRTP, good, sizeof good);
    size_t ol;
    static uint8_t out[512];
    MT_EQ_INT(mikey_answer(B.ctx, m, n, out, sizeof out, &ol), MIKEY_OK);
    /* on the established CSB: a new initial exchange is refused */
    n = null_msg(m, sizeof m, MIKEY_TS_NTP_UTC, 1, MIKEY_PROT_SRTP, good, sizeof good);
    REFUSED(B.ctx, m, n, MIKEY_ERR_STATE, MIKEY_E_UNSPECIFIED);
    teardown();

    /* Garbage and truncation: "Unsupported message type" (RFC 4738). */
    setup();
    static const uint8_t garbage[] = {1, 0, 0x63, 0, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x77};
    REFUSED(B.ctx, garbage, sizeof garbage, MIKEY_ERR_UNKNOWN_PAYLOAD, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    size_t ol2 = 0;
    static uint8_t eo[256];
    MT_CHECK(mikey_answer(B.ctx, garbage, sizeof garbage, eo, sizeof eo, &ol2) != MIKEY_OK);
    uint32_t csb = 0;
    MT_EQ_INT(err_no(eo, ol2, &csb, NULL), MIKEY_E_UNSUPPORTED_MSG_TYPE);
    MT_EQ_INT(csb, 0xdeadbeef); /* the CSB the bytes claimed */
    static xbuf x;
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen - 1, MIKEY_ERR_TRUNCATED, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    REFUSED(B.ctx, x.i, 3, MIKEY_ERR_TRUNCATED, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    /* an Error message to a responder: recorded, never answered */
    uint8_t errm[64];
    memcpy(errm, eo, ol2);
    REFUSED(B.ctx, errm, ol2, MIKEY_ERR_PEER_ERROR, -1);
    MT_EQ_INT(mikey_ctx_peer_error(B.ctx), MIKEY_E_UNSUPPORTED_MSG_TYPE);
    /* a data type this layer does not implement (RFC 6509 SAKKE) */
    memcpy(errm, x.i, 16);
    uint8_t sak[] = {1, MIKEY_DT_SAKKE, 0, 0, 1, 2, 3, 4, 0, 0};
    REFUSED(B.ctx, sak, sizeof sak, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    /* still works */
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    teardown();
}

static void test_update_rules(void)
{
    static xbuf x;
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    /* another peer sends an update for alice's CSB: refused */
    party C;
    party_init(&C, CAROL, 0xcc);
    MT_CHECK(mikey_creds_add_psk(C.creds, BOB, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    MT_CHECK(mikey_creds_add_psk(B.creds, CAROL, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    static uint8_t blob[8192];
    size_t bl = 0;
    MT_EQ_INT(mikey_ctx_export(A.ctx, blob, sizeof blob, &bl), MIKEY_OK);
    mikey_ctx *cc = NULL;
    /* carol forges an update from alice's (exported) state */
    MT_EQ_INT(mikey_ctx_import(&C.te.env, C.creds, C.pol, blob, bl, &cc), MIKEY_OK);
    MT_EQ_INT(mikey_offer(cc, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    REFUSED(B.ctx, x.i, x.ilen, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    mikey_ctx_free(cc);
    party_free(&C);
    /* an update in another mode than the CSB's: the initiator refuses */
    o.mode = MIKEY_MODE_DH;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_INVALID_ARG);
    ncases++;
    /* alice's genuine update still works */
    o.mode = MIKEY_MODE_PSK;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

/* docs/session.md: the cheap checks come first. A message that fails both
 * a cheap check and its signature reports the cheap failure, i.e. no
 * public-key operation ran for it. */
static void test_check_order(void)
{
    static xbuf x;
    static uint8_t t[16384];
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    memcpy(t, x.i, x.ilen);
    t[x.ilen - 1] ^= 1; /* bad signature */
    B.te.now = T_NOW + ((uint64_t)1000 << 32);
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS);
    B.te.now = T_NOW;
    MT_CHECK(mikey_policy_set_prf(B.pol, 1, 1) == MIKEY_OK);
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_PRF);
    MT_CHECK(mikey_policy_set_prf(B.pol, 0, 0) == MIKEY_OK);
    MT_CHECK(mikey_policy_set_dh(B.pol, MIKEY_DH_OAKLEY2, 1u << MIKEY_DH_OAKLEY2) == MIKEY_OK);
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
    MT_CHECK(mikey_policy_set_dh(B.pol, MIKEY_DH_OAKLEY5, 7) == MIKEY_OK);
    MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK)) == MIKEY_OK);
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    MT_CHECK(mikey_policy_set_modes(B.pol, 0x3e) == MIKEY_OK);
    REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    teardown();
}

static void test_summary(void)
{
    printf("# %d negative cases checked\n", ncases);
    MT_CHECK(ncases > 1000);
    pki_free();
}

MT_MAIN(test_tamper_every_byte, test_wrong_psk, test_unknown_peer, test_wrong_identity, test_bad_certificates,
        test_replay, test_timestamp_window, test_reflection, test_downgrade, test_invalid_dh_values,
        test_sp_negotiation, test_crafted, test_update_rules, test_check_order, test_summary)
