/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack classes of RFC 3830 §9 (and the thesis' §7.3) not already covered
 * one by one in tests/unit/session/negative_test.c; docs/security.md maps
 * every class to its test. Each case asserts the precise refusal AND that
 * nothing changed: a responder context stays NEW (no keys, no replay cache
 * entry), an initiator context exports to the same bytes as before, an SRTP
 * stream reports the same state and the genuine message or packet still
 * works afterwards.
 *
 * The attacker (Mallory) holds carol's key and a certificate from the same
 * CA, valid, naming carol: everything a real outsider with a certificate
 * has. Re-signing is done here with OpenSSL, independently of the library.
 *
 * The DoS case wraps the context's crypto ops table (src/crypto/crypto.h,
 * the same seam a test backend uses) to count public-key operations and
 * certificate parsing: none may happen for a message that fails a cheap
 * check (docs/security.md, "Responder: order of checks").
 */
#include "../session/sess_env.h"
#include "openmikey/sdp.h"
#include "openmikey/srtp.h"
#include "session/session_int.h"

static party A, B;

/* MT_REQUIRE for helpers that return a value: the test cannot go on. */
#define NEED(c)                                                                                                        \
    do {                                                                                                               \
        if (!(c)) {                                                                                                    \
            mt_fail(__FILE__, __LINE__, "required: %s", #c);                                                           \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

static void setup(void)
{
    party_init(&A, ALICE, 0xa77ac4);
    party_init(&B, BOB, 0xb0b5);
}

static void teardown(void)
{
    party_free(&A);
    party_free(&B);
}

static mikey_msg *parse(const uint8_t *m, size_t len)
{
    mikey_msg *msg = NULL;
    if (mikey_msg_parse(NULL, m, len, NULL, &msg, NULL) != MIKEY_OK)
        return NULL;
    return msg;
}

/* ---------------------------------------------------------------------- */
/* "Nothing changed" checks                                                */
/* ---------------------------------------------------------------------- */

/* The responder refuses m with err; its context is untouched. */
static void answer_refused(mikey_ctx *ctx, const uint8_t *m, size_t len, int err, int line)
{
    static uint8_t out[16384];
    size_t outlen = 0;
    int state = mikey_ctx_state(ctx);
    size_t ncs = mikey_ctx_cs_count(ctx), cached = mikey_replay_count(ctx->replay);
    const char *peer = mikey_ctx_peer_id(ctx);
    int rc = mikey_answer(ctx, m, len, out, sizeof out, &outlen);
    if (rc != err)
        mt_fail(__FILE__, line, "answer: %s, expected %s", mikey_err_name(rc), mikey_err_name(err));
    if (mikey_ctx_state(ctx) != state || mikey_ctx_cs_count(ctx) != ncs || mikey_replay_count(ctx->replay) != cached ||
        mikey_ctx_peer_id(ctx) != peer)
        mt_fail(__FILE__, line, "responder state changed by a refused message");
    if (outlen) { /* what goes back is an unauthenticated Error message, nothing else */
        mikey_msg *e = parse(out, outlen);
        if (!e || mikey_msg_hdr(e)->data_type != MIKEY_DT_ERROR)
            mt_fail(__FILE__, line, "a refusal answered with something else than an Error message");
        mikey_msg_free(e);
    }
}
#define ANSWER_REFUSED(ctx, m, len, err) answer_refused((ctx), (m), (len), (err), __LINE__)

/* The initiator refuses m with err; its whole exported state is unchanged. */
static void finish_refused(mikey_ctx *ctx, const uint8_t *m, size_t len, int err, int line)
{
    static uint8_t before[16384], after[16384];
    size_t bl = 0, al = 0;
    MT_REQUIRE(mikey_ctx_export(ctx, before, sizeof before, &bl) == MIKEY_OK);
    int rc = mikey_finish(ctx, m, len);
    if (rc != err)
        mt_fail(__FILE__, line, "finish: %s, expected %s", mikey_err_name(rc), mikey_err_name(err));
    MT_REQUIRE(mikey_ctx_export(ctx, after, sizeof after, &al) == MIKEY_OK);
    if (mikey_ctx_state(ctx) != MIKEY_STATE_OFFERED || al != bl || memcmp(before, after, bl) != 0)
        mt_fail(__FILE__, line, "initiator state changed by a refused response");
}
#define FINISH_REFUSED(ctx, m, len, err) finish_refused((ctx), (m), (len), (err), __LINE__)

/* ---------------------------------------------------------------------- */
/* Mallory's tools                                                         */
/* ---------------------------------------------------------------------- */

static uint8_t *cert_der(X509 *x, size_t *len)
{
    int n = i2d_X509(x, NULL);
    NEED(n > 0);
    uint8_t *p = malloc((size_t)n), *q = p;
    i2d_X509(x, &q);
    *len = (size_t)n;
    return p;
}

/* RSASSA-PKCS1-v1_5 / SHA-256 over parts, written over the last siglen
 * bytes of m (the SIGN field). */
static void sign_parts(EVP_PKEY *key, const mikey_span *parts, size_t n, uint8_t *sig, size_t siglen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t sl = siglen;
    MT_REQUIRE(EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, key) == 1);
    for (size_t i = 0; i < n; i++)
        MT_REQUIRE(EVP_DigestSignUpdate(c, parts[i].p, parts[i].len) == 1);
    MT_REQUIRE(EVP_DigestSignFinal(c, sig, &sl) == 1);
    MT_EQ_INT(sl, siglen);
    EVP_MD_CTX_free(c);
}

typedef struct subst {
    const uint8_t *dh; /* new DH value (same length) */
    size_t dhlen;
    const uint8_t *cert; /* new first CERT payload data */
    size_t certlen;
    int drop_genext;  /* remove the General Extension payloads */
    EVP_PKEY *signer; /* re-sign the message body (SIGN over everything before it) */
} subst;

/* Rebuild m payload by payload with the substitutions; returns the length. */
static size_t rebuild(const uint8_t *m, size_t len, const subst *s, uint8_t *out, size_t cap)
{
    mikey_msg *pm = parse(m, len), *b = NULL;
    NEED(pm != NULL);
    NEED(mikey_msg_new(NULL, 0, &b) == MIKEY_OK);
    int certs = 0;
    for (size_t i = 0; i < mikey_msg_count(pm); i++) {
        mikey_payload pl = *mikey_msg_at(pm, i);
        if (pl.type == MIKEY_PT_DH && s->dh) {
            pl.u.dh.value.p = s->dh;
            pl.u.dh.value.len = s->dhlen;
        }
        if (pl.type == MIKEY_PT_CERT && s->cert && certs++ == 0) {
            pl.u.id.data.p = s->cert;
            pl.u.id.data.len = s->certlen;
        }
        if (pl.type == MIKEY_PT_GENEXT && s->drop_genext)
            continue;
        NEED(mikey_msg_append(b, &pl) == MIKEY_OK);
    }
    size_t n = 0;
    NEED(mikey_msg_encode(b, out, cap, &n) == MIKEY_OK);
    mikey_msg_free(b);
    mikey_msg_free(pm);
    if (s->signer) {
        mikey_msg *nm = parse(out, n);
        NEED(nm != NULL);
        const mikey_payload *sg = mikey_msg_find(nm, MIKEY_PT_SIGN, 0);
        NEED(sg != NULL);
        size_t siglen = sg->u.sign.sig.len;
        mikey_msg_free(nm);
        mikey_span body = {out, n - siglen};
        sign_parts(s->signer, &body, 1, out + n - siglen, siglen);
    }
    return n;
}

/* The DH value of a message (a view into m). */
static mikey_span dh_value(const uint8_t *m, size_t len)
{
    mikey_msg *pm = parse(m, len);
    NEED(pm != NULL);
    const mikey_payload *d = mikey_msg_find(pm, MIKEY_PT_DH, 0);
    NEED(d != NULL);
    mikey_span v = {m + (d->u.dh.value.p - m), d->u.dh.value.len};
    mikey_msg_free(pm);
    return v;
}

/* ---------------------------------------------------------------------- */
/* Man in the middle: DH values and certificates substituted               */
/* ---------------------------------------------------------------------- */

static void test_mitm_dh_substitution(void)
{
    static xbuf x, xm;
    static uint8_t t[16384];
    size_t cl = 0;
    setup();
    uint8_t *carol_cert = cert_der(pki.carol, &cl);
    /* Mallory's own DH value: from an offer carol makes (a valid group element). */
    party C;
    party_init(&C, CAROL, 0xc0);
    mikey_offer_opts oc = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(C.ctx, &oc, xm.i, sizeof xm.i, &xm.ilen), MIKEY_OK);
    mikey_span mdh = dh_value(xm.i, xm.ilen);

    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    /* 1. DHi replaced, CERTi replaced by carol's, re-signed by carol: the
     *    certificate is valid but not bound to the claimed IDi (alice). */
    subst s = {mdh.p, mdh.len, carol_cert, cl, 0, pki.carol_key};
    size_t n = rebuild(x.i, x.ilen, &s, t, sizeof t);
    ANSWER_REFUSED(B.ctx, t, n, MIKEY_ERR_IDENTITY);
    /* 2. DHi replaced, alice's certificate and signature kept. */
    subst s2 = {mdh.p, mdh.len, NULL, 0, 0, NULL};
    n = rebuild(x.i, x.ilen, &s2, t, sizeof t);
    ANSWER_REFUSED(B.ctx, t, n, MIKEY_ERR_AUTH);
    /* 3. DHi replaced and re-signed with carol's key, alice's certificate kept. */
    subst s3 = {mdh.p, mdh.len, NULL, 0, 0, pki.carol_key};
    n = rebuild(x.i, x.ilen, &s3, t, sizeof t);
    ANSWER_REFUSED(B.ctx, t, n, MIKEY_ERR_AUTH);

    /* The genuine offer goes through; now the response. */
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    /* 4. DHr and CERTr replaced, re-signed by carol: alice wanted bob. */
    n = rebuild(x.r, x.rlen, &s, t, sizeof t);
    FINISH_REFUSED(A.ctx, t, n, MIKEY_ERR_IDENTITY);
    /* 5. DHr replaced, bob's signature kept. */
    n = rebuild(x.r, x.rlen, &s2, t, sizeof t);
    FINISH_REFUSED(A.ctx, t, n, MIKEY_ERR_AUTH);
    /* 6. DHr replaced and re-signed with carol's key, bob's certificate kept. */
    n = rebuild(x.r, x.rlen, &s3, t, sizeof t);
    FINISH_REFUSED(A.ctx, t, n, MIKEY_ERR_AUTH);
    /* The genuine response: same keys on both sides. */
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();

    /* DH-HMAC: without the PSK Mallory cannot re-MAC a substituted DH value. */
    setup();
    o = t_opts(MIKEY_MODE_DHHMAC, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    n = rebuild(x.i, x.ilen, &s2, t, sizeof t);
    ANSWER_REFUSED(B.ctx, t, n, MIKEY_ERR_AUTH);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    n = rebuild(x.r, x.rlen, &s2, t, sizeof t);
    FINISH_REFUSED(A.ctx, t, n, MIKEY_ERR_AUTH);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();
    party_free(&C);
    free(carol_cert);
}

static void test_mitm_cert_substitution(void)
{
    static xbuf x;
    static uint8_t t[16384];
    static const unsigned modes[] = {MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_RSAR};
    pki_init();
    X509 *subs[] = {pki.alice_rogue, pki.alice_expired, pki.carol};
    for (size_t mi = 0; mi < 3; mi++) {
        for (size_t si = 0; si < 3; si++) {
            setup();
            size_t cl = 0;
            uint8_t *der = cert_der(subs[si], &cl);
            mikey_offer_opts o = t_opts(modes[mi], BOB, NULL, 0);
            MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
            /* Alice's certificate swapped without her key to re-sign: refused
             * at the certificate (rogue issuer, expired, another identity)
             * before the signature is even tried. */
            subst s = {NULL, 0, der, cl, 0, NULL};
            size_t n = rebuild(x.i, x.ilen, &s, t, sizeof t);
            ANSWER_REFUSED(B.ctx, t, n, si == 2 ? MIKEY_ERR_IDENTITY : MIKEY_ERR_CERT);
            if (modes[mi] != MIKEY_MODE_PKE) {
                /* ... and bob's certificate swapped in his response. */
                MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
                n = rebuild(x.r, x.rlen, &s, t, sizeof t);
                FINISH_REFUSED(A.ctx, t, n, si == 2 ? MIKEY_ERR_IDENTITY : MIKEY_ERR_CERT);
                MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
                t_same_keys(A.ctx, B.ctx);
            }
            free(der);
            teardown();
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Downgrade: the security policy                                          */
/* ---------------------------------------------------------------------- */

/* Offset of SP parameter `type` of the first SP payload, or 0. */
static size_t sp_param_off(const uint8_t *m, size_t len, unsigned type)
{
    mikey_msg *pm = parse(m, len);
    NEED(pm != NULL);
    const mikey_payload *sp = mikey_msg_find(pm, MIKEY_PT_SP, 0);
    size_t off = 0;
    if (sp) {
        const uint8_t *p = sp->u.sp.params.p;
        for (size_t i = 0; i + 2 <= sp->u.sp.params.len; i += 2u + p[i + 1])
            if (p[i] == type && p[i + 1] == 1)
                off = (size_t)(p + i + 2 - m);
    }
    mikey_msg_free(pm);
    return off;
}

static void test_sp_downgrade(void)
{
    static xbuf x;
    static uint8_t t[16384];
    mikey_stream_desc s[1] = {{0x1234, 0, 0}};

    /* In transit: the SRTP tag length 80 -> 32 bits in alice's PSK offer.
     * Mallory has no PSK to fix the MAC. */
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    o.want_verification = 1;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    size_t off = sp_param_off(x.i, x.ilen, MIKEY_SP_AUTH_TAG_LEN);
    MT_REQUIRE(off != 0);
    MT_EQ_INT(x.i[off], 10);
    memcpy(t, x.i, x.ilen);
    t[off] = 4;
    ANSWER_REFUSED(B.ctx, t, x.ilen, MIKEY_ERR_AUTH);
    /* ... and a forged Error message "Invalid SPpar" offering the weak
     * suite, to push alice down: recorded, the offer stays pending, no
     * automatic downgrade (RFC 3830 §5.1.2: unauthenticated, a recommendation). */
    mikey_srtp_params p32;
    MT_CHECK(mikey_srtp_params_suite(&p32, "AES_CM_128_HMAC_SHA1_32") == MIKEY_OK);
    party W;
    party_init(&W, BOB, 0x3);
    MT_CHECK(mikey_policy_add_srtp(W.pol, &p32) == MIKEY_OK);
    size_t el = 0;
    MT_EQ_INT(mikey_answer(W.ctx, x.i, x.ilen, t, sizeof t, &el), MIKEY_ERR_POLICY);
    MT_REQUIRE(el > 0);
    FINISH_REFUSED(A.ctx, t, el, MIKEY_ERR_PEER_ERROR);
    party_free(&W);
    /* The genuine exchange keeps the 80-bit tag. */
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    mikey_cs_keys k;
    MT_EQ_INT(mikey_ctx_cs_keys(A.ctx, 0, &k), MIKEY_OK);
    MT_EQ_INT(k.srtp.auth_tag_len, 10);
    teardown();

    /* RSA-R: the responder returns the SP it chose (RFC 4738 §3.6); a
     * response whose SP was weakened and then validly signed (by bob's key:
     * a misbehaving responder or one whose key Mallory holds) names an SP
     * alice never offered: refused (§3.7). */
    setup();
    o = t_opts(MIKEY_MODE_RSAR, BOB, s, 1);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    off = sp_param_off(x.r, x.rlen, MIKEY_SP_AUTH_TAG_LEN);
    MT_REQUIRE(off != 0);
    memcpy(t, x.r, x.rlen);
    t[off] = 4;
    /* SIGNr covers the response up to SIGN, then IDi || IDr || T (RFC 4738 §3.6). */
    mikey_msg *im = parse(x.i, x.ilen), *rm = parse(t, x.rlen);
    MT_REQUIRE(im && rm);
    const mikey_payload *sg = mikey_msg_find(rm, MIKEY_PT_SIGN, 0);
    mikey_span parts[4] = {{t, sg->offset},
                           mikey_msg_find(im, MIKEY_PT_ID, 0)->u.id.data,
                           mikey_msg_find(rm, MIKEY_PT_ID, 0)->u.id.data,
                           mikey_msg_find(rm, MIKEY_PT_T, 0)->u.ts.value};
    size_t siglen = sg->u.sign.sig.len;
    sign_parts(pki.bob_key, parts, 4, t + x.rlen - siglen, siglen);
    mikey_msg_free(im);
    mikey_msg_free(rm);
    FINISH_REFUSED(A.ctx, t, x.rlen, MIKEY_ERR_POLICY);
    /* Control: the same re-signing without the SP change is accepted, so
     * the refusal above is the SP and not the signature. */
    memcpy(t, x.r, x.rlen);
    im = parse(x.i, x.ilen);
    rm = parse(t, x.rlen);
    sg = mikey_msg_find(rm, MIKEY_PT_SIGN, 0);
    mikey_span parts2[4] = {{t, sg->offset},
                            mikey_msg_find(im, MIKEY_PT_ID, 0)->u.id.data,
                            mikey_msg_find(rm, MIKEY_PT_ID, 0)->u.id.data,
                            mikey_msg_find(rm, MIKEY_PT_T, 0)->u.ts.value};
    sign_parts(pki.bob_key, parts2, 4, t + x.rlen - siglen, siglen);
    mikey_msg_free(im);
    mikey_msg_free(rm);
    MT_EQ_INT(mikey_finish(A.ctx, t, x.rlen), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

/* ---------------------------------------------------------------------- */
/* Downgrade: the key-mgmt protocol list (RFC 4567 §4.1.4, §7)             */
/* ---------------------------------------------------------------------- */

#define SDP_HEAD "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
#define SDP_KEYP1 "a=key-mgmt:keyp1 AQIDBA==\r\n"
#define SDP_MEDIA "m=audio 49170 RTP/SAVP 0\r\n"

static mikey_sdp *sdp_with(const uint8_t *m, size_t len, int keyp1_first, int with_keyp1, char *text, size_t cap)
{
    char b64[8192];
    size_t bl = 0;
    NEED(mikey_base64_encode(m, len, b64, sizeof b64, &bl) == MIKEY_OK);
    snprintf(text, cap, "%s%s%s%s%s%s%s", SDP_HEAD, keyp1_first && with_keyp1 ? SDP_KEYP1 : "", "a=key-mgmt:mikey ",
             b64, "\r\n", !keyp1_first && with_keyp1 ? SDP_KEYP1 : "", SDP_MEDIA);
    mikey_sdp *s = NULL;
    NEED(mikey_sdp_parse(NULL, text, strlen(text), NULL, &s, NULL) == MIKEY_OK);
    return s;
}

/* The answerer's order: the SDP IDs list of the received message against
 * the SDP first (cheap), then the MIKEY answer authenticates the list. */
static int answerer(mikey_ctx *ctx, const uint8_t *m, size_t len, const mikey_sdp *sdp, int *verdict)
{
    static uint8_t out[16384];
    size_t ol = 0;
    mikey_msg *pm = parse(m, len);
    NEED(pm != NULL);
    int rc = mikey_sdp_ids_check_sdp(pm, sdp, MIKEY_SDP_SESSION, 0, verdict);
    mikey_msg_free(pm);
    if (rc == MIKEY_OK)
        rc = mikey_answer(ctx, m, len, out, sizeof out, &ol);
    return rc;
}

static void test_keymgmt_list_downgrade(void)
{
    static xbuf x;
    static uint8_t t[16384];
    static char text[16384];
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_DH};
    for (size_t mi = 0; mi < 2; mi++) {
        setup();
        mikey_offer_opts o = t_opts(modes[mi], BOB, NULL, 0);
        o.sdp_ids = "mikey;keyp1";
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        int v = -1;
        /* keyp1 stripped from the SDP */
        mikey_sdp *s = sdp_with(x.i, x.ilen, 0, 0, text, sizeof text);
        MT_EQ_INT(answerer(B.ctx, x.i, x.ilen, s, &v), MIKEY_ERR_POLICY);
        MT_EQ_INT(v, MIKEY_SDP_IDS_STRIPPED);
        mikey_sdp_free(s);
        /* order changed (keyp1 preferred) */
        s = sdp_with(x.i, x.ilen, 1, 1, text, sizeof text);
        MT_EQ_INT(answerer(B.ctx, x.i, x.ilen, s, &v), MIKEY_ERR_POLICY);
        MT_EQ_INT(v, MIKEY_SDP_IDS_REORDERED);
        mikey_sdp_free(s);
        MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_NEW);
        MT_EQ_INT(mikey_replay_count(B.ctx->replay), 0);
        /* stripped, and the SDP IDs extension removed from the message so
         * the list check passes: the MAC / signature over it fails */
        subst sd = {NULL, 0, NULL, 0, 1, NULL};
        size_t n = rebuild(x.i, x.ilen, &sd, t, sizeof t);
        MT_CHECK(n < x.ilen);
        s = sdp_with(t, n, 0, 0, text, sizeof text);
        MT_EQ_INT(answerer(B.ctx, t, n, s, &v), MIKEY_ERR_AUTH);
        MT_EQ_INT(v, MIKEY_SDP_IDS_ABSENT_SINGLE);
        mikey_sdp_free(s);
        ANSWER_REFUSED(B.ctx, t, n, MIKEY_ERR_AUTH);
        /* the genuine SDP: the list matches and is authenticated */
        s = sdp_with(x.i, x.ilen, 0, 1, text, sizeof text);
        MT_EQ_INT(answerer(B.ctx, x.i, x.ilen, s, &v), MIKEY_OK);
        MT_EQ_INT(v, MIKEY_SDP_IDS_MATCH);
        MT_EQ_STR(mikey_ctx_sdp_ids(B.ctx), "mikey;keyp1");
        mikey_sdp_free(s);
        teardown();
    }
}

/* ---------------------------------------------------------------------- */
/* Oversized lengths and payload counts                                    */
/* ---------------------------------------------------------------------- */

/* Each is refused by the parser or the message shape: also counted as
 * cheap refusals (no public-key work, no certificate parsed; see the DoS
 * test below). */

static void cheap_refusal(const uint8_t *m, size_t len, int err, int line);
static void counting_init(void);
#define CHEAP(m, len, err) cheap_refusal((m), (len), (err), __LINE__)

static size_t put_hdr(uint8_t *p, uint8_t dt, uint8_t next, uint8_t ncs)
{
    p[0] = 1;
    p[1] = dt;
    p[2] = next;
    p[3] = 0;
    p[4] = 0x12;
    p[5] = 0x34;
    p[6] = 0x56;
    p[7] = 0x78;
    p[8] = ncs;
    p[9] = 0; /* SRTP-ID map */
    for (uint8_t i = 0; i < ncs; i++) {
        uint8_t *e = p + 10 + 9u * i;
        memset(e, 0, 9);
        e[1] = (uint8_t)(i + 1);
    }
    return 10 + 9u * ncs;
}

static void test_oversized(void)
{
    static xbuf x;
    static uint8_t t[70000];
    setup();
    counting_init();
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    mikey_msg *im = parse(x.i, x.ilen);
    MT_REQUIRE(im != NULL);
    const mikey_payload *cert = mikey_msg_find(im, MIKEY_PT_CERT, 0);
    size_t coff = cert->offset;
    mikey_msg_free(im);

    /* A CERT length field claiming 0xffff bytes (past the end). */
    memcpy(t, x.i, x.ilen);
    t[coff + 2] = 0xff;
    t[coff + 3] = 0xff;
    CHEAP(t, x.ilen, MIKEY_ERR_LENGTH);
    /* A message over the 64 KiB limit (the bytes of a valid message, padded). */
    memset(t, 0, sizeof t);
    memcpy(t, x.i, x.ilen);
    CHEAP(t, 65537, MIKEY_ERR_LIMIT);
    /* #CS 255 with a map that stops after 2 entries. */
    size_t n = put_hdr(t, MIKEY_DT_PSK_INIT, MIKEY_PT_LAST, 2);
    t[8] = 255;
    CHEAP(t, n, MIKEY_ERR_TRUNCATED);
    /* More payloads than the limit (64): HDR then 80 RAND payloads. */
    n = put_hdr(t, MIKEY_DT_PSK_INIT, MIKEY_PT_RAND, 1);
    for (int i = 0; i < 80; i++) {
        t[n] = i == 79 ? MIKEY_PT_LAST : MIKEY_PT_RAND;
        t[n + 1] = 16;
        memset(t + n + 2, 0x5a, 16);
        n += 18;
    }
    CHEAP(t, n, MIKEY_ERR_LIMIT);
    /* An ID payload over the 2048-byte limit. */
    n = put_hdr(t, MIKEY_DT_PSK_INIT, MIKEY_PT_ID, 1);
    t[n] = MIKEY_PT_LAST;
    t[n + 1] = MIKEY_ID_URI;
    t[n + 2] = 0x10;
    t[n + 3] = 0x00; /* 4096 */
    memset(t + n + 4, 'a', 4096);
    n += 4 + 4096;
    CHEAP(t, n, MIKEY_ERR_LIMIT);
    /* More CERT payloads than a responder takes (8): 10 copies of alice's
     * certificate, signature left as is: refused by the message shape,
     * before any certificate is parsed. */
    {
        mikey_msg *pm = parse(x.i, x.ilen), *b = NULL;
        MT_REQUIRE(pm && mikey_msg_new(NULL, 0, &b) == MIKEY_OK);
        for (size_t i = 0; i < mikey_msg_count(pm); i++) {
            const mikey_payload *pl = mikey_msg_at(pm, i);
            MT_REQUIRE(mikey_msg_append(b, pl) == MIKEY_OK);
            for (int k = 0; pl->type == MIKEY_PT_CERT && k < 9; k++)
                MT_REQUIRE(mikey_msg_append(b, pl) == MIKEY_OK);
        }
        MT_REQUIRE(mikey_msg_encode(b, t, sizeof t, &n) == MIKEY_OK);
        mikey_msg_free(b);
        mikey_msg_free(pm);
        CHEAP(t, n, MIKEY_ERR_SYNTAX);
    }
    /* An SP payload with 70 parameters (limit 64). */
    n = put_hdr(t, MIKEY_DT_PSK_INIT, MIKEY_PT_SP, 1);
    t[n] = MIKEY_PT_LAST;
    t[n + 1] = 0;
    t[n + 2] = MIKEY_PROT_SRTP;
    t[n + 3] = 0;
    t[n + 4] = 210; /* 70 x 3 bytes */
    for (int i = 0; i < 70; i++) {
        t[n + 5 + 3 * i] = MIKEY_SP_ENCR_ALG;
        t[n + 6 + 3 * i] = 1;
        t[n + 7 + 3 * i] = 1;
    }
    n += 5 + 210;
    CHEAP(t, n, MIKEY_ERR_LIMIT);
    /* After all that, the genuine message is still accepted. */
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

/* ---------------------------------------------------------------------- */
/* SRTP: tag truncation and replay at the API level                        */
/* ---------------------------------------------------------------------- */

#define SSRC 0x5eed5eedu

static void test_srtp_tag_truncation_and_replay(void)
{
    static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    static const uint8_t salt[14] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad};
    static const int suites[] = {MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80,
                                 MIKEY_SRTP_AEAD_AES_128_GCM};
    for (size_t si = 0; si < 3; si++) {
        mikey_srtp_policy pol;
        MT_REQUIRE(mikey_srtp_policy_suite(&pol, (mikey_srtp_suite)suites[si]) == MIKEY_OK);
        mikey_srtp_key k = {0};
        k.key = key;
        k.key_len = mikey_srtp_master_key_len(pol.cipher);
        k.salt = salt;
        k.salt_len = mikey_srtp_master_salt_len(pol.cipher);
        mikey_srtp_stream_params sp = {0};
        sp.ssrc = SSRC;
        sp.policy = &pol;
        sp.keys = &k;
        sp.nkeys = 1;
        mikey_srtp *tx = NULL, *rx = NULL;
        MT_REQUIRE(mikey_srtp_new(NULL, NULL, &tx) == MIKEY_OK && mikey_srtp_new(NULL, NULL, &rx) == MIKEY_OK);
        sp.dir = MIKEY_SRTP_OUTBOUND;
        MT_REQUIRE(mikey_srtp_add_stream(tx, &sp) == MIKEY_OK);
        sp.dir = MIKEY_SRTP_INBOUND;
        MT_REQUIRE(mikey_srtp_add_stream(rx, &sp) == MIKEY_OK);
        uint8_t rtp[12 + 40], pkt[200], t[200], out[200];
        memset(rtp, 0x33, sizeof rtp);
        rtp[0] = 0x80;
        rtp[1] = 0;
        rtp[2] = 0;
        rtp[3] = 7;
        rtp[8] = (uint8_t)(SSRC >> 24);
        rtp[9] = (uint8_t)(SSRC >> 16);
        rtp[10] = (uint8_t)(SSRC >> 8);
        rtp[11] = (uint8_t)SSRC;
        size_t len = 0, ol = 0;
        MT_REQUIRE(mikey_srtp_protect(tx, rtp, sizeof rtp, pkt, sizeof pkt, &len) == MIKEY_OK);
        size_t tag = mikey_srtp_rtp_overhead(&pol);
        MT_CHECK(tag >= 10);
        mikey_srtp_stream_info before, after;
        MT_REQUIRE(mikey_srtp_stream_get(rx, SSRC, MIKEY_SRTP_INBOUND, &before) == MIKEY_OK);
        /* The tag cut to 4 bytes (an 80-bit tag "downgraded" to 32), and the
         * tag cut away entirely: the receiver's tag length is its policy's. */
        static const size_t cut[] = {6, 1, 0};
        for (size_t c = 0; c < 3; c++) {
            size_t tl = cut[c] ? len - cut[c] : len - tag;
            memcpy(t, pkt, tl);
            int rc = mikey_srtp_unprotect(rx, t, tl, out, sizeof out, &ol);
            MT_CHECK(rc == MIKEY_ERR_AUTH);
            MT_CHECK(memcmp(t, pkt, tl) == 0);
            MT_REQUIRE(mikey_srtp_stream_get(rx, SSRC, MIKEY_SRTP_INBOUND, &after) == MIKEY_OK);
            MT_CHECK(memcmp(&before, &after, sizeof before) == 0);
        }
        /* Shorter than any tag: TRUNCATED. */
        MT_EQ_INT(mikey_srtp_unprotect(rx, pkt, 12 + tag - 1, out, sizeof out, &ol), MIKEY_ERR_TRUNCATED);
        /* The genuine packet, then its replay. */
        MT_EQ_INT(mikey_srtp_unprotect(rx, pkt, len, out, sizeof out, &ol), MIKEY_OK);
        MT_MEMEQ(out, ol, rtp, sizeof rtp);
        MT_REQUIRE(mikey_srtp_stream_get(rx, SSRC, MIKEY_SRTP_INBOUND, &before) == MIKEY_OK);
        MT_EQ_INT(mikey_srtp_unprotect(rx, pkt, len, out, sizeof out, &ol), MIKEY_ERR_REPLAY);
        MT_REQUIRE(mikey_srtp_stream_get(rx, SSRC, MIKEY_SRTP_INBOUND, &after) == MIKEY_OK);
        MT_CHECK(memcmp(&before, &after, sizeof before) == 0);
        mikey_srtp_free(tx);
        mikey_srtp_free(rx);
    }
}

/* ---------------------------------------------------------------------- */
/* DoS: no public-key operation before the cheap checks pass               */
/* ---------------------------------------------------------------------- */

static mk_crypto_ops counting;
static const mk_crypto_ops *real;
static int n_pk, n_x509;

static int c_cert_from_der(const mikey_env *env, const uint8_t *der, size_t len, mk_cert **out)
{
    n_x509++;
    return real->cert_from_der(env, der, len, out);
}
static int c_cert_verify(const mk_trust *t, const mk_cert *leaf, const mk_cert *const *chain, size_t nchain,
                         uint64_t now, const char *identity)
{
    n_pk++;
    return real->cert_verify(t, leaf, chain, nchain, now, identity);
}
static int c_rsa_encrypt(const mikey_env *env, const mk_pkey *k, int pad, const uint8_t *in, size_t len, uint8_t *out,
                         size_t *outlen)
{
    n_pk++;
    return real->rsa_encrypt(env, k, pad, in, len, out, outlen);
}
static int c_rsa_decrypt(const mk_pkey *k, int pad, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                         size_t *outlen)
{
    n_pk++;
    return real->rsa_decrypt(k, pad, in, len, out, cap, outlen);
}
static int c_sign(const mikey_env *env, const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts,
                  size_t nparts, uint8_t *sig, size_t cap, size_t *siglen)
{
    n_pk++;
    return real->sign(env, k, s_type, hash_func, parts, nparts, sig, cap, siglen);
}
static int c_verify(const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts, size_t nparts,
                    const uint8_t *sig, size_t siglen)
{
    n_pk++;
    return real->verify(k, s_type, hash_func, parts, nparts, sig, siglen);
}
static int c_dh_generate(const mikey_env *env, unsigned group, mk_dh **out)
{
    n_pk++;
    return real->dh_generate(env, group, out);
}
static int c_dh_compute(const mk_dh *dh, const uint8_t *peer, size_t peerlen, uint8_t *secret)
{
    n_pk++;
    return real->dh_compute(dh, peer, peerlen, secret);
}

static void counting_init(void)
{
    real = mk_crypto_ossl();
    counting = *real;
    counting.cert_from_der = c_cert_from_der;
    counting.cert_verify = c_cert_verify;
    counting.rsa_encrypt = c_rsa_encrypt;
    counting.rsa_decrypt = c_rsa_decrypt;
    counting.sign = c_sign;
    counting.verify = c_verify;
    counting.dh_generate = c_dh_generate;
    counting.dh_compute = c_dh_compute;
}

/* A fresh responder context of bob's, counting. */
static mikey_ctx *counted_ctx(void)
{
    mikey_ctx *c = NULL;
    NEED(mikey_ctx_new(&B.te.env, B.creds, B.pol, &c) == MIKEY_OK);
    c->ops = &counting;
    return c;
}

static void cheap_refusal(const uint8_t *m, size_t len, int err, int line)
{
    mikey_ctx *c = counted_ctx();
    n_pk = n_x509 = 0;
    answer_refused(c, m, len, err, line);
    if (n_pk || n_x509)
        mt_fail(__FILE__, line, "%d public-key operations and %d certificate parses before a cheap check failed (%s)",
                n_pk, n_x509, mikey_err_name(err));
    mikey_ctx_free(c);
}

static void test_dos_no_public_key_work_before_cheap_checks(void)
{
    static xbuf x;
    static uint8_t t[16384];
    static const unsigned modes[] = {MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_RSAR, MIKEY_MODE_DHHMAC};
    counting_init();
    for (size_t mi = 0; mi < 4; mi++) {
        setup();
        mikey_stream_desc s[1] = {{0x1234, 0, 0}};
        mikey_offer_opts o = t_opts(modes[mi], BOB, s, 1);
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        /* Every cheap check, failing on an otherwise genuine message. */
        CHEAP(x.i, 3, MIKEY_ERR_TRUNCATED); /* parse */
        memcpy(t, x.i, x.ilen);
        t[1] = MIKEY_DT_DH_RESP; /* data type of a response (reflection) */
        CHEAP(t, x.ilen, MIKEY_ERR_UNSUPPORTED_MODE);
        B.te.now = T_NOW + ((uint64_t)3600 << 32); /* stale */
        CHEAP(x.i, x.ilen, MIKEY_ERR_TIMESTAMP);
        B.te.now = T_NOW;
        MT_CHECK(mikey_policy_set_prf(B.pol, MIKEY_PRF_HMAC_SHA256, MIKEY_PRF_HMAC_SHA256) == MIKEY_OK);
        CHEAP(x.i, x.ilen, MIKEY_ERR_ALGORITHM); /* PRF downgrade */
        MT_CHECK(mikey_policy_set_prf(B.pol, MIKEY_PRF_MIKEY1, MIKEY_PRF_MIKEY1) == MIKEY_OK);
        MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK)) == MIKEY_OK);
        CHEAP(x.i, x.ilen, MIKEY_ERR_UNSUPPORTED_MODE); /* mode not allowed */
        MT_CHECK(mikey_policy_set_modes(B.pol, 0x3e) == MIKEY_OK);
        if (modes[mi] == MIKEY_MODE_DH || modes[mi] == MIKEY_MODE_DHHMAC) {
            MT_CHECK(mikey_policy_set_dh(B.pol, MIKEY_DH_OAKLEY2, 1u << MIKEY_DH_OAKLEY2) == MIKEY_OK);
            CHEAP(x.i, x.ilen, MIKEY_ERR_ALGORITHM); /* DH group */
            MT_CHECK(mikey_policy_set_dh(B.pol, MIKEY_DH_OAKLEY5, 7) == MIKEY_OK);
        }
        if (modes[mi] != MIKEY_MODE_DHHMAC) {
            MT_CHECK(mikey_policy_set_sign(B.pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256) == MIKEY_OK);
            CHEAP(x.i, x.ilen, MIKEY_ERR_ALGORITHM); /* signature type */
            MT_CHECK(mikey_policy_set_sign(B.pol, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA256) == MIKEY_OK);
        }
        mikey_srtp_params p32;
        MT_CHECK(mikey_srtp_params_suite(&p32, "AES_CM_128_HMAC_SHA1_32") == MIKEY_OK);
        mikey_policy *saved = B.pol;
        MT_CHECK(mikey_policy_new(&B.te.env, &B.pol) == MIKEY_OK);
        MT_CHECK(mikey_policy_add_srtp(B.pol, &p32) == MIKEY_OK);
        CHEAP(x.i, x.ilen, MIKEY_ERR_POLICY); /* SP not acceptable */
        mikey_policy_free(B.pol);
        B.pol = saved;
        /* IDr naming someone else */
        party C;
        party_init(&C, CAROL, 0xcc);
        mikey_ctx *cc = NULL;
        MT_REQUIRE(mikey_ctx_new(&C.te.env, C.creds, C.pol, &cc) == MIKEY_OK);
        cc->ops = &counting;
        n_pk = n_x509 = 0;
        answer_refused(cc, x.i, x.ilen, MIKEY_ERR_IDENTITY, __LINE__);
        MT_EQ_INT(n_pk + n_x509, 0);
        mikey_ctx_free(cc);
        party_free(&C);
        /* A replay: the genuine message once (public-key work, as it must),
         * then again on the same cache: no public-key work the second time. */
        mikey_ctx *c = counted_ctx();
        size_t ol = 0;
        n_pk = n_x509 = 0;
        MT_EQ_INT(mikey_answer(c, x.i, x.ilen, x.r, sizeof x.r, &ol), MIKEY_OK);
        if (modes[mi] != MIKEY_MODE_DHHMAC) /* DH-HMAC: only the DH exponentiations */
            MT_CHECK(n_pk >= 2);
        else
            MT_CHECK(n_pk >= 1);
        mikey_ctx *c2 = counted_ctx();
        MT_CHECK(mikey_ctx_set_replay(c2, c->replay) == MIKEY_OK);
        n_pk = n_x509 = 0;
        answer_refused(c2, x.i, x.ilen, MIKEY_ERR_REPLAY, __LINE__);
        MT_EQ_INT(n_pk + n_x509, 0);
        mikey_ctx_free(c2);
        mikey_ctx_free(c);
        teardown();
    }
}

static void test_done(void) { pki_free(); }

MT_MAIN(test_mitm_dh_substitution, test_mitm_cert_substitution, test_sp_downgrade, test_keymgmt_list_downgrade,
        test_oversized, test_srtp_tag_truncation_and_replay, test_dos_no_public_key_work_before_cheap_checks,
        test_done)
