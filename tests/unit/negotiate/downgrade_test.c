/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Downgrade protection of the negotiation and the wire forms it adds:
 *  - the negotiation General Extension (type 241) codec against hand-written
 *    bytes, and every malformed form refused;
 *  - the capability-discovery Error message against a byte layout written
 *    from RFC 3830 §6.1, §6.6, §6.10, §6.12, §6.15 in the test;
 *  - what an answerer reads from an offer (alternative SPs, maps);
 *  - attacks on an SDP offer with several a=key-mgmt:mikey attributes:
 *    stripping one (the list in the answered message, RFC 4567 §4.1.4),
 *    adding or corrupting one (refused), and - with offers that carry the
 *    extension inside their MAC - reordering them, altering an unchosen one
 *    or the extension itself.
 * Offers with the extension are made here from the library's offers by
 * inserting the payload and recomputing the PSK KEMAC MAC independently
 * (RFC 3830 §4.1.4 auth key from the PSK with the PRF written from the RFC
 * text in sess_env.h, HMAC-SHA-1 over the message but the MAC field, §5.2).
 */
#include "neg_env.h"

#define C_AUTH 0x2D22AC75u /* RFC 3830 §4.1.4 auth key constant */

#define MT_REQUIRE_RET(c, r)                                                                                           \
    do {                                                                                                               \
        if (!(c)) {                                                                                                    \
            mt_fail(__FILE__, __LINE__, "required: %s", #c);                                                           \
            return r;                                                                                                  \
        }                                                                                                              \
    } while (0)


/* ---- the extension codec ---- */

static void test_cap_codec(void)
{
    mikey_neg_cap c;
    memset(&c, 0, sizeof c);
    c.index = 1;
    c.count = 3;
    c.prefs = neg_p("pke,dh,psk", "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80");
    /* version 1 | index 1 | count 3 | 3: PKE 2, DH 3, PSK 1 | 2: CM-32 2, F8 3 */
    static const uint8_t want[] = {1, 1, 3, 3, 2, 3, 1, 2, 2, 3};
    uint8_t buf[32];
    size_t n = 0;
    MT_EQ_INT(mikey_neg_cap_encode(&c, buf, sizeof buf, &n), MIKEY_OK);
    MT_MEMEQ(buf, n, want, sizeof want);
    MT_EQ_INT(mikey_neg_cap_encode(&c, buf, 9, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 10);
    mikey_neg_cap d;
    MT_EQ_INT(mikey_neg_cap_decode(want, sizeof want, &d), MIKEY_OK);
    MT_CHECK(memcmp(&c, &d, sizeof c) == 0);
    /* every truncation and one byte more */
    for (size_t l = 0; l < sizeof want; l++)
        MT_CHECK(mikey_neg_cap_decode(want, l, &d) != MIKEY_OK);
    uint8_t longer[11];
    memcpy(longer, want, 10);
    longer[10] = 0;
    MT_EQ_INT(mikey_neg_cap_decode(longer, 11, &d), MIKEY_ERR_ENCODING);
    /* field by field */
    struct {
        uint8_t b[12];
        size_t n;
        int rc;
    } bad[] = {
        {{2, 0, 1, 1, 1, 1, 1}, 7, MIKEY_ERR_VERSION},   /* version 2 */
        {{1, 0, 0, 1, 1, 1, 1}, 7, MIKEY_ERR_ENCODING},  /* count 0 */
        {{1, 1, 1, 1, 1, 1, 1}, 7, MIKEY_ERR_ENCODING},  /* index = count */
        {{1, 0, 7, 1, 1, 1, 1}, 7, MIKEY_ERR_ENCODING},  /* more alternatives than methods */
        {{1, 0, 1, 0, 1, 1}, 6, MIKEY_ERR_ENCODING},     /* no method */
        {{1, 0, 1, 7, 1, 2, 3, 4, 5, 6, 1}, 11, MIKEY_ERR_ENCODING}, /* 7 methods */
        {{1, 0, 1, 2, 1, 1, 1, 1}, 8, MIKEY_ERR_ENCODING},  /* repeated method */
        {{1, 0, 1, 1, 1, 2, 4, 4}, 8, MIKEY_ERR_ENCODING},  /* repeated suite */
        {{1, 0, 1, 1, 1, 0}, 6, MIKEY_ERR_ENCODING},        /* no suite */
        {{1, 0, 1, 1, 9, 1, 1}, 7, MIKEY_ERR_ENCODING},     /* nothing known among the methods */
        {{1, 0, 1, 1, 1, 1, 0}, 7, MIKEY_ERR_ENCODING},     /* suite 0 unknown: nothing known */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (mikey_neg_cap_decode(bad[i].b, bad[i].n, &d) != bad[i].rc)
            mt_fail(__FILE__, __LINE__, "bad extension %zu not refused with %d", i, bad[i].rc);
    /* unknown values are skipped (a newer peer ranks more) */
    static const uint8_t newer[] = {1, 0, 1, 3, 9, 3, 200, 2, 40, 5};
    MT_EQ_INT(mikey_neg_cap_decode(newer, sizeof newer, &d), MIKEY_OK);
    MT_EQ_INT(d.prefs.nmethods, 1);
    MT_EQ_INT(d.prefs.methods[0], MIKEY_MODE_DH);
    MT_EQ_INT(d.prefs.nsuites, 1);
    MT_EQ_INT(d.prefs.suites[0], MIKEY_NEG_SUITE_AEAD_AES_128_GCM);
    c.index = 3;
    MT_EQ_INT(mikey_neg_cap_encode(&c, buf, sizeof buf, &n), MIKEY_ERR_INVALID_ARG);
}

/* A message with the given General Extensions only (HDR Error, T). */
static mikey_msg *msg_with_genexts(const uint8_t *const *data, const size_t *len, size_t n)
{
    mikey_msg *m = NULL;
    MT_CHECK(mikey_msg_new(NULL, 0, &m) == MIKEY_OK);
    mikey_payload p;
    memset(&p, 0, sizeof p);
    p.type = MIKEY_PT_HDR;
    p.u.hdr.version = 1;
    p.u.hdr.data_type = MIKEY_DT_ERROR;
    MT_CHECK(mikey_msg_append(m, &p) == MIKEY_OK);
    for (size_t i = 0; i < n; i++) {
        memset(&p, 0, sizeof p);
        p.type = MIKEY_PT_GENEXT;
        p.u.genext.type = MIKEY_NEG_GENEXT_TYPE;
        p.u.genext.data.p = data[i];
        p.u.genext.data.len = len[i];
        MT_CHECK(mikey_msg_append(m, &p) == MIKEY_OK);
    }
    return m;
}

static void test_cap_find(void)
{
    static const uint8_t one[] = {1, 0, 1, 1, 1, 1, 1};
    const uint8_t *d[2] = {one, one};
    size_t l[2] = {sizeof one, sizeof one};
    mikey_neg_cap c;
    mikey_msg *m = msg_with_genexts(d, l, 0);
    MT_EQ_INT(mikey_neg_cap_find(m, &c), MIKEY_ERR_NOT_FOUND);
    mikey_msg_free(m);
    m = msg_with_genexts(d, l, 1);
    MT_EQ_INT(mikey_neg_cap_find(m, &c), MIKEY_OK);
    MT_EQ_INT(c.prefs.methods[0], MIKEY_MODE_PSK);
    mikey_msg_free(m);
    m = msg_with_genexts(d, l, 2);
    MT_EQ_INT(mikey_neg_cap_find(m, &c), MIKEY_ERR_POLICY);
    mikey_msg_free(m);
}

/* ---- the Error message, byte by byte ---- */

static size_t put_sp(uint8_t *o, uint8_t next, uint8_t pno, uint8_t tag)
{
    /* §6.10: Next, Policy no, Prot type 0 (SRTP), param length 18, then the
     * TLVs of an AES-CM-128 / HMAC-SHA-1 suite (Table 6.10.1.a types 0-4, 11). */
    static const uint8_t tlv[] = {0, 1, 1, 1, 1, 16, 2, 1, 1, 3, 1, 20, 4, 1, 14, 11, 1, 0};
    o[0] = next;
    o[1] = pno;
    o[2] = 0;
    o[3] = 0;
    o[4] = 18;
    memcpy(o + 5, tlv, sizeof tlv);
    o[5 + 17] = tag;
    return 5 + sizeof tlv;
}

static void test_error_message_wire(void)
{
    mikey_neg_prefs B = neg_p("pke,dh", "AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &B, &B, 5);
    mikey_stream_desc s;
    mikey_offer_opts o = neg_base(&s);
    o.mode = MIKEY_MODE_PSK;
    uint8_t im[4096], out[1024];
    size_t il = 0, ol = 0;
    MT_REQUIRE(mikey_offer(a.ctx, &o, im, sizeof im, &il) == MIKEY_OK);
    mikey_msg *offer = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, im, il, NULL, &offer, NULL) == MIKEY_OK);
    const uint8_t errs[] = {MIKEY_E_INVALID_DT, MIKEY_E_INVALID_SPPAR};
    MT_EQ_INT(mikey_neg_error_build(&b.te.env, offer, errs, 2, &B, out, 10, &ol), MIKEY_ERR_NOBUF);
    size_t need = ol;
    MT_EQ_INT(mikey_neg_error_build(&b.te.env, offer, errs, 2, &B, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(ol, need);
    /* Expected, from the RFC layouts. */
    uint8_t w[256];
    size_t k = 0;
    const mikey_hdr *h = mikey_msg_hdr(offer);
    /* §6.1 HDR: version 1, data type 6 (Error), Next = T (5), V 0 | PRF,
     * CSB ID of the offer, #CS 0, map type 0, no map info. */
    w[k++] = 1;
    w[k++] = 6;
    w[k++] = 5;
    w[k++] = h->prf;
    for (int i = 0; i < 4; i++)
        w[k++] = (uint8_t)(h->csb_id >> (24 - 8 * i));
    w[k++] = 0;
    w[k++] = 0;
    /* §6.6 T: Next = ERR (12), TS type 0 (NTP-UTC), the offer's 8 bytes */
    const mikey_payload *t = mikey_msg_find(offer, MIKEY_PT_T, 0);
    w[k++] = 12;
    w[k++] = 0;
    memcpy(w + k, t->u.ts.value.p, 8);
    k += 8;
    /* §6.12 ERR x2: Next, Error no, reserved 16 bits */
    w[k++] = 12;
    w[k++] = 11;
    w[k++] = 0;
    w[k++] = 0;
    w[k++] = 10;
    w[k++] = 10;
    w[k++] = 0;
    w[k++] = 0;
    /* SPs in bob's order, policy no = rank: CM-32 (tag 4), CM-80 (tag 10) */
    k += put_sp(w + k, 10, 0, 4);
    k += put_sp(w + k, 21, 1, 10);
    /* §6.15 General Extension: Next 0, type 241, length 7, data */
    static const uint8_t ext[] = {1, 0, 1, 2, 2, 3, 2, 2, 1};
    w[k++] = 0;
    w[k++] = 241;
    w[k++] = 0;
    w[k++] = sizeof ext;
    memcpy(w + k, ext, sizeof ext);
    k += sizeof ext;
    MT_MEMEQ(out, ol, w, k);
    /* read back */
    mikey_neg_peer_caps c;
    MT_EQ_INT(mikey_neg_error_read(NULL, out, ol, &c), MIKEY_OK);
    MT_EQ_INT(c.csb_id, h->csb_id);
    MT_EQ_INT(c.nerrors, 2);
    MT_EQ_INT(c.errors[1], MIKEY_E_INVALID_SPPAR);
    MT_EQ_INT(c.have_methods, 1);
    MT_CHECK(memcmp(&c.prefs, &B, sizeof B) == 0);
    MT_EQ_INT(mikey_neg_error_read(NULL, im, il, &c), MIKEY_ERR_UNSUPPORTED_MODE);
    /* The session layer takes it as an Error about its offer (RFC 3830
     * §5.1.2: advice; the offer stays pending). */
    MT_EQ_INT(mikey_finish(a.ctx, out, ol), MIKEY_ERR_PEER_ERROR);
    MT_EQ_INT(mikey_ctx_peer_error(a.ctx), MIKEY_E_INVALID_DT);
    MT_EQ_INT(mikey_ctx_state(a.ctx), MIKEY_STATE_OFFERED);
    /* Without an offer: CSB ID 0 and T from the clock. */
    MT_EQ_INT(mikey_neg_error_build(&b.te.env, NULL, errs, 1, &B, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(mikey_neg_error_read(NULL, out, ol, &c), MIKEY_OK);
    MT_EQ_INT(c.csb_id, 0);
    mikey_neg_prefs bad = B;
    bad.nmethods = 0;
    MT_EQ_INT(mikey_neg_error_build(&b.te.env, NULL, errs, 1, &bad, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG);
    mikey_msg_free(offer);
    party_free(&a);
    party_free(&b);
}

/* ---- what an offer offers ---- */

static void add_sp(mikey_msg *m, uint8_t pno, const char *suite, uint8_t kdr)
{
    mikey_srtp_params sp;
    MT_CHECK(mikey_srtp_params_suite(&sp, suite) == MIKEY_OK);
    mikey_sp_param prm[16];
    size_t np = 0;
    uint8_t vals[16];
    static const unsigned types[] = {0, 1, 2, 3, 4, 11};
    const uint8_t v[] = {sp.encr_alg, sp.encr_key_len, sp.auth_alg, sp.auth_key_len, sp.salt_key_len, sp.auth_tag_len};
    for (size_t i = 0; i < 6; i++) {
        vals[np] = v[i];
        prm[np].type = (uint8_t)types[i];
        prm[np].value.p = &vals[np];
        prm[np].value.len = 1;
        np++;
    }
    if (kdr) {
        vals[np] = kdr;
        prm[np].type = MIKEY_SP_KDR;
        prm[np].value.p = &vals[np];
        prm[np].value.len = 1;
        np++;
    }
    uint8_t tlv[128];
    size_t tl = 0;
    MT_CHECK(mikey_build_sp_params(prm, np, tlv, sizeof tlv, &tl) == MIKEY_OK);
    mikey_payload p;
    memset(&p, 0, sizeof p);
    p.type = MIKEY_PT_SP;
    p.u.sp.policy_no = pno;
    p.u.sp.params.p = tlv;
    p.u.sp.params.len = tl;
    MT_CHECK(mikey_msg_append(m, &p) == MIKEY_OK);
}

static mikey_msg *hand_offer(uint8_t dt, const uint8_t *pnos, size_t ncs, uint8_t map_type, int null_kemac)
{
    mikey_msg *m = NULL;
    MT_CHECK(mikey_msg_new(NULL, 0, &m) == MIKEY_OK);
    mikey_srtp_cs cs[4];
    for (size_t i = 0; i < ncs; i++) {
        cs[i].policy_no = pnos[i];
        cs[i].ssrc = 0x100 + (uint32_t)i;
        cs[i].roc = 0;
    }
    uint8_t map[64];
    size_t ml = 0;
    if (map_type == MIKEY_MAP_SRTP_ID)
        MT_CHECK(mikey_build_srtp_map(cs, ncs, map, sizeof map, &ml) == MIKEY_OK);
    mikey_payload p;
    memset(&p, 0, sizeof p);
    p.type = MIKEY_PT_HDR;
    p.u.hdr.version = 1;
    p.u.hdr.data_type = dt;
    p.u.hdr.csb_id = 0xabcdef01u;
    p.u.hdr.ncs = (uint8_t)ncs;
    p.u.hdr.map_type = map_type;
    p.u.hdr.map_info.p = map;
    p.u.hdr.map_info.len = ml;
    MT_CHECK(mikey_msg_append(m, &p) == MIKEY_OK);
    add_sp(m, 1, "AES_CM_128_HMAC_SHA1_32", 0);
    add_sp(m, 0, "AES_F8_128_HMAC_SHA1_80", 0);
    add_sp(m, 2, "AES_CM_128_HMAC_SHA1_80", 1); /* KDR 2^1: no named suite */
    add_sp(m, 3, "AEAD_AES_128_GCM", 0);
    memset(&p, 0, sizeof p);
    p.type = MIKEY_PT_KEMAC;
    p.u.kemac.encr_alg = null_kemac ? MIKEY_ENCR_NULL : MIKEY_ENCR_AES_CM_128;
    p.u.kemac.mac_alg = null_kemac ? MIKEY_MAC_NULL : MIKEY_MAC_HMAC_SHA1_160;
    static const uint8_t zeros[20];
    p.u.kemac.mac.p = zeros;
    p.u.kemac.mac.len = null_kemac ? 0 : 20;
    MT_CHECK(mikey_msg_append(m, &p) == MIKEY_OK);
    return m;
}

static void test_offered_read(void)
{
    mikey_neg_offered o;
    const uint8_t same[] = {1, 1}, diff[] = {1, 3};
    mikey_msg *m = hand_offer(MIKEY_DT_PSK_INIT, same, 2, MIKEY_MAP_SRTP_ID, 0);
    MT_EQ_INT(mikey_neg_offered_read(m, &o), MIKEY_OK);
    MT_EQ_INT(o.method, MIKEY_MODE_PSK);
    MT_EQ_INT(o.csb_id, 0xabcdef01u);
    MT_EQ_INT(o.ncs, 2);
    MT_EQ_INT(o.mapped_suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    /* used first, then the unused SPs in payload order, unknown left out */
    MT_EQ_INT(o.nsuites, 3);
    MT_EQ_INT(o.suites[0], MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(o.suites[1], MIKEY_NEG_SUITE_AES_F8_128_HMAC_SHA1_80);
    MT_EQ_INT(o.suites[2], MIKEY_NEG_SUITE_AEAD_AES_128_GCM);
    MT_EQ_INT(o.has_cap, 0);
    mikey_msg_free(m);
    m = hand_offer(MIKEY_DT_PSK_INIT, diff, 2, MIKEY_MAP_SRTP_ID, 1);
    MT_EQ_INT(mikey_neg_offered_read(m, &o), MIKEY_OK);
    MT_EQ_INT(o.method, MIKEY_MODE_NULL);
    MT_EQ_INT(o.mapped_suite, 0); /* the CSs differ */
    mikey_msg_free(m);
    /* RFC 4563 Empty map: crypto sessions of policy 0 */
    m = hand_offer(MIKEY_DT_DH_INIT, same, 2, MIKEY_MAP_EMPTY, 0);
    MT_EQ_INT(mikey_neg_offered_read(m, &o), MIKEY_OK);
    MT_EQ_INT(o.method, MIKEY_MODE_DH);
    MT_EQ_INT(o.mapped_suite, MIKEY_NEG_SUITE_AES_F8_128_HMAC_SHA1_80);
    mikey_msg_free(m);
    m = hand_offer(MIKEY_DT_PSK_RESP, same, 2, MIKEY_MAP_SRTP_ID, 0);
    MT_EQ_INT(mikey_neg_offered_read(m, &o), MIKEY_OK);
    MT_EQ_INT(o.method, 0);
    mikey_msg_free(m);
    MT_EQ_INT(mikey_neg_offered_read(NULL, &o), MIKEY_ERR_INVALID_ARG);
}

/* ---- attacks on the SDP ---- */

/* Lines of text: find the i-th "a=key-mgmt:mikey" line [b, e) with its CRLF. */
static int km_line(const char *t, size_t len, size_t i, size_t *b, size_t *e)
{
    size_t k = 0;
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(t + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - t) + 1 : len;
        if (len - off >= 17 && memcmp(t + off, "a=key-mgmt:mikey ", 17) == 0 && k++ == i) {
            *b = off;
            *e = end;
            return 1;
        }
        off = end;
    }
    return 0;
}

static size_t sdp_strip(char *t, size_t len, size_t i)
{
    size_t b, e;
    MT_REQUIRE_RET(km_line(t, len, i, &b, &e), len);
    memmove(t + b, t + e, len - e + 1);
    return len - (e - b);
}

static size_t sdp_dup(char *t, size_t len, size_t cap, size_t i)
{
    size_t b, e;
    MT_REQUIRE_RET(km_line(t, len, i, &b, &e), len);
    MT_REQUIRE_RET(len + (e - b) < cap, len);
    memmove(t + e + (e - b), t + e, len - e + 1);
    memcpy(t + e, t + b, e - b);
    return len + (e - b);
}

static void sdp_swap01(char *t, size_t len)
{
    size_t b0, e0, b1, e1;
    if (!km_line(t, len, 0, &b0, &e0) || !km_line(t, len, 1, &b1, &e1) || e0 != b1) {
        MT_CHECK(0 && "two adjacent mikey lines");
        return;
    }
    char tmp[16384];
    memcpy(tmp, t + b0, e0 - b0);
    memmove(t + b0, t + b1, e1 - b1);
    memcpy(t + b0 + (e1 - b1), tmp, e0 - b0);
}

typedef struct offer_set {
    party a, b;
    mikey_neg_prefs A, B;
    mikey_neg_init *ni;
    mikey_sdp_km_item items[MIKEY_NEG_MAX_OFFERS];
    uint8_t buf[MIKEY_NEG_MAX_OFFERS][8192];
    size_t n;
    char sdp[65536];
    size_t len;
} offer_set;

static offer_set G;

static void offers_make(const char *am, const char *as, const char *bm, const char *bs, uint64_t seed)
{
    memset(&G, 0, sizeof G);
    G.A = neg_p(am, as);
    G.B = neg_p(bm, bs);
    neg_parties(&G.a, &G.b, &G.A, &G.B, seed);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    MT_CHECK(mikey_neg_init_new(&G.a.te.env, G.a.creds, G.a.pol, &G.A, MIKEY_NEG_MULTI, &G.ni) == MIKEY_OK);
    MT_CHECK(mikey_neg_init_offer(G.ni, &base, G.items, MIKEY_NEG_MAX_OFFERS, &G.n) == MIKEY_OK);
    for (size_t i = 0; i < G.n; i++) {
        memcpy(G.buf[i], G.items[i].data, G.items[i].len);
        G.items[i].data = G.buf[i];
    }
}

static void offers_sdp(void) { G.len = neg_sdp_offer(G.items, G.n, G.sdp, sizeof G.sdp); }

static void offers_free(void)
{
    mikey_neg_init_free(G.ni);
    party_free(&G.a);
    party_free(&G.b);
}

/* bob answers G.sdp; returns rc, fills d, frees the context. */
static int bob(mikey_neg_decision *d, size_t *rlen)
{
    static uint8_t resp[16384];
    mikey_ctx *ctx = NULL;
    int rc = neg_bob_round(&G.b, &G.B, G.sdp, G.len, resp, sizeof resp, rlen, d, &ctx);
    MT_CHECK((rc == MIKEY_OK) == (ctx != NULL));
    mikey_ctx_free(ctx);
    return rc;
}

/* The peel-off attack (RFC 4567 §4.1.4): the strongest alternative removed. */
static void test_strip(void)
{
    offers_make("dh,pke,psk", "AES_CM_128_HMAC_SHA1_80", "dh,pke,psk", "AES_CM_128_HMAC_SHA1_80", 301);
    offers_sdp();
    mikey_neg_decision d;
    size_t rl = 0;
    MT_EQ_INT(bob(&d, &rl), MIKEY_OK); /* untouched: DH */
    MT_EQ_INT(d.rule.method, MIKEY_MODE_DH);
    MT_EQ_INT(d.ids_verdict, MIKEY_SDP_IDS_MATCH);
    /* a fresh responder (the answered DH offer is in bob's replay cache) */
    party_reset(&G.b);
    G.len = sdp_strip(G.sdp, G.len, 0);
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.rule.method, MIKEY_MODE_PKE); /* what the attacker wanted ... */
    MT_EQ_INT(d.ids_verdict, MIKEY_SDP_IDS_STRIPPED); /* ... detected in the authenticated PKE offer */
    MT_EQ_INT(rl, 0);
    /* removing all but one: still the list */
    G.len = sdp_strip(G.sdp, G.len, 0);
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.ids_verdict, MIKEY_SDP_IDS_STRIPPED);
    offers_free();
}

static void test_add_and_corrupt(void)
{
    offers_make("dh,pke,psk", "AES_CM_128_HMAC_SHA1_80", "pke,dh,psk", "AES_CM_128_HMAC_SHA1_80", 311);
    offers_sdp();
    mikey_neg_decision d;
    size_t rl = 0;
    /* an alternative repeated */
    char keep[65536];
    size_t keeplen = G.len;
    memcpy(keep, G.sdp, G.len + 1);
    G.len = sdp_dup(G.sdp, G.len, sizeof G.sdp, 2);
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(rl, 0);
    /* an alternative that no longer parses: its version byte changed */
    memcpy(G.sdp, keep, keeplen + 1);
    G.len = keeplen;
    G.buf[0][0] = 2;
    offers_sdp();
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    /* an alternative turned into a response */
    G.buf[0][0] = 1;
    G.buf[0][1] = MIKEY_DT_DH_RESP;
    offers_sdp();
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    /* an extra protocol id in the SDP only: ADDED */
    G.buf[0][1] = MIKEY_DT_DH_INIT;
    offers_sdp();
    mikey_sdp_km_item more[4];
    memcpy(more, G.items, sizeof(mikey_sdp_km_item) * 3);
    more[3].prtcl_id = "keyp1";
    more[3].data = (const uint8_t *)"x";
    more[3].len = 1;
    G.len = neg_sdp_offer(more, 4, G.sdp, sizeof G.sdp);
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.ids_verdict, MIKEY_SDP_IDS_ADDED);
    offers_free();
}

/* ---- offers carrying the extension inside their MAC ---- */

/* Copy of msg with the extension before the KEMAC and, for an HMAC KEMAC,
 * the MAC recomputed with the PSK (independently of the library). */
static size_t with_ext(const uint8_t *in, size_t len, const uint8_t *data, size_t dl, int copies, uint8_t *out,
                       size_t outcap)
{
    mikey_msg *m = NULL, *n = NULL;
    MT_REQUIRE_RET(mikey_msg_parse(NULL, in, len, NULL, &m, NULL) == MIKEY_OK, 0);
    MT_REQUIRE_RET(mikey_msg_new(NULL, 0, &n) == MIKEY_OK, 0);
    int hmac = 0;
    for (size_t i = 0; i < mikey_msg_count(m); i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        if (p->type == MIKEY_PT_KEMAC) {
            for (int c = 0; c < copies; c++) {
                mikey_payload g;
                memset(&g, 0, sizeof g);
                g.type = MIKEY_PT_GENEXT;
                g.u.genext.type = MIKEY_NEG_GENEXT_TYPE;
                g.u.genext.data.p = data;
                g.u.genext.data.len = dl;
                MT_CHECK(mikey_msg_append(n, &g) == MIKEY_OK);
            }
            hmac = p->u.kemac.mac_alg == MIKEY_MAC_HMAC_SHA1_160;
        }
        MT_CHECK(mikey_msg_append(n, p) == MIKEY_OK);
    }
    size_t ol = 0;
    MT_CHECK(mikey_msg_encode(n, out, outcap, &ol) == MIKEY_OK);
    if (hmac) {
        const mikey_hdr *h = mikey_msg_hdr(m);
        const mikey_payload *r = mikey_msg_find(m, MIKEY_PT_RAND, 0);
        uint8_t auth[20], mac[20];
        unsigned ml = 0;
        ind_env_key(PSK_AB, sizeof PSK_AB - 1, C_AUTH, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, auth, 20);
        HMAC(EVP_sha1(), auth, 20, out, ol - 20, mac, &ml);
        memcpy(out + ol - 20, mac, 20);
    }
    mikey_msg_free(m);
    mikey_msg_free(n);
    return ol;
}

static size_t with_cap(const uint8_t *in, size_t len, const mikey_neg_cap *cap, uint8_t *out, size_t outcap)
{
    uint8_t data[32];
    size_t dl = 0;
    MT_CHECK(mikey_neg_cap_encode(cap, data, sizeof data, &dl) == MIKEY_OK);
    return with_ext(in, len, data, dl, 1, out, outcap);
}

static void caps_on(void)
{
    for (size_t i = 0; i < G.n; i++) {
        mikey_neg_cap c;
        memset(&c, 0, sizeof c);
        c.prefs = G.A;
        c.index = (uint8_t)i;
        c.count = (uint8_t)G.n;
        uint8_t tmp[8192];
        G.items[i].len = with_cap(G.buf[i], G.items[i].len, &c, tmp, sizeof tmp);
        memcpy(G.buf[i], tmp, G.items[i].len);
    }
}

/* Baseline, then the attacks the list alone cannot see. */
static void test_cap_offers(void)
{
    offers_make("psk,null", "AES_CM_128_HMAC_SHA1_80", "psk,null", "AES_CM_128_HMAC_SHA1_80", 401);
    caps_on();
    offers_sdp();
    mikey_neg_decision d;
    size_t rl = 0;
    static uint8_t resp[16384];
    mikey_ctx *bc = NULL;
    MT_EQ_INT(neg_bob_round(&G.b, &G.B, G.sdp, G.len, resp, sizeof resp, &rl, &d, &bc), MIKEY_OK);
    MT_EQ_INT(d.knew, MIKEY_NEG_KNEW_CAP);
    MT_EQ_INT(d.index, 0);
    MT_EQ_INT(d.rule.method, MIKEY_MODE_PSK);
    /* the initiator finishes the (re-MACed) PSK offer */
    MT_EQ_INT(mikey_neg_init_finish(G.ni, resp, rl), MIKEY_OK);
    mikey_ctx *ac = mikey_neg_init_take(G.ni);
    MT_REQUIRE(ac && bc);
    t_same_keys(ac, bc);
    mikey_ctx_free(ac);
    mikey_ctx_free(bc);

    /* Reordered: the same messages, NULL first. The list "mikey;mikey"
     * still matches; the answered PSK offer says it was first. */
    party_reset(&G.b);
    sdp_swap01(G.sdp, G.len);
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.ids_verdict, MIKEY_SDP_IDS_MATCH);
    MT_EQ_INT(rl, 0);

    /* An unchosen alternative altered (NULL turned into a DH-HMAC offer,
     * which bob would not take): the answered offer lists NULL there. */
    party_reset(&G.b);
    G.buf[1][1] = MIKEY_DT_DHHMAC_INIT;
    offers_sdp();
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    G.buf[1][1] = MIKEY_DT_PSK_INIT;

    /* The ranking in the MACed offer altered: its MAC fails. */
    party_reset(&G.b);
    uint8_t saved[8192];
    size_t sl = G.items[0].len;
    memcpy(saved, G.buf[0], sl);
    mikey_msg *pm = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, G.buf[0], sl, NULL, &pm, NULL) == MIKEY_OK);
    const mikey_payload *gx = NULL;
    for (size_t i = 0; (gx = mikey_msg_find(pm, MIKEY_PT_GENEXT, i)) != NULL; i++)
        if (gx->u.genext.type == MIKEY_NEG_GENEXT_TYPE)
            break;
    MT_REQUIRE(gx);
    /* data: version, index, count, nmethods, methods... : PSK, NULL -> NULL, PSK */
    size_t at = (size_t)(gx->u.genext.data.p - G.buf[0]) + 4;
    mikey_msg_free(pm);
    MT_EQ_INT(G.buf[0][at], MIKEY_MODE_PSK);
    G.buf[0][at] = MIKEY_MODE_NULL;
    G.buf[0][at + 1] = MIKEY_MODE_PSK;
    offers_sdp();
    G.B = neg_p("psk,null", "AES_CM_128_HMAC_SHA1_80");
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_AUTH); /* bob answers PSK (tie, his order), the MAC catches it */
    /* bob ranking NULL first takes the unauthenticated alternative on the
     * false ranking; its own (untouched) extension disagrees. */
    party_reset(&G.b);
    G.B = neg_p("null,psk", "AES_CM_128_HMAC_SHA1_80");
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.index, 1);
    memcpy(G.buf[0], saved, sl);
    offers_free();
}

/* The extension ranks a method the single offer does not carry and the
 * rule picks it: bob asks for it (RETRY), alice's retry delivers it. */
static void test_cap_retry(void)
{
    mikey_neg_prefs A = neg_p("psk,pke", "AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs B = neg_p("pke,psk", "AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &B, 501);
    neg_run r = neg_flow(&a, &b, &A, &B, MIKEY_NEG_CAP);
    MT_EQ_INT(r.rc, MIKEY_OK);
    MT_EQ_INT(r.rounds, 2);
    MT_EQ_INT(r.bob_action[0], MIKEY_NEG_RETRY);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE); /* PSK 0+1 = PKE 1+0: bob's order */
    party_free(&a);
    party_free(&b);
}

/* Offers with the extension made by the initiator itself (MIKEY_NEG_CAP):
 * reordered or altered alternatives are refused. */
static void test_cap_flag(void)
{
    memset(&G, 0, sizeof G);
    G.A = neg_p("dh,pke,psk", "AES_CM_128_HMAC_SHA1_80");
    G.B = neg_p("pke,dh,psk", "AES_CM_128_HMAC_SHA1_80");
    neg_parties(&G.a, &G.b, &G.A, &G.B, 551);
    mikey_stream_desc s;
    mikey_offer_opts base = neg_base(&s);
    MT_REQUIRE(mikey_neg_init_new(&G.a.te.env, G.a.creds, G.a.pol, &G.A, MIKEY_NEG_MULTI | MIKEY_NEG_CAP, &G.ni) ==
               MIKEY_OK);
    MT_REQUIRE(mikey_neg_init_offer(G.ni, &base, G.items, MIKEY_NEG_MAX_OFFERS, &G.n) == MIKEY_OK);
    for (size_t i = 0; i < G.n; i++) {
        memcpy(G.buf[i], G.items[i].data, G.items[i].len);
        G.items[i].data = G.buf[i];
        mikey_msg *m = NULL;
        mikey_neg_cap c;
        MT_REQUIRE(mikey_msg_parse(NULL, G.buf[i], G.items[i].len, NULL, &m, NULL) == MIKEY_OK);
        MT_EQ_INT(mikey_neg_cap_find(m, &c), MIKEY_OK);
        MT_EQ_INT(c.index, i);
        MT_EQ_INT(c.count, 3);
        MT_CHECK(memcmp(&c.prefs, &G.A, sizeof G.A) == 0);
        mikey_msg_free(m);
    }
    offers_sdp();
    mikey_neg_decision d;
    size_t rl = 0;
    MT_EQ_INT(bob(&d, &rl), MIKEY_OK); /* DH 0+1 = PKE 1+0: bob's order, PKE */
    MT_EQ_INT(d.index, 1);
    MT_EQ_INT(d.knew, MIKEY_NEG_KNEW_CAP);
    sdp_swap01(G.sdp, G.len); /* PKE first: bob takes it at position 0 */
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    MT_EQ_INT(d.index, 0);
    /* DH turned into an RSA-R offer bob does not rank */
    G.buf[0][1] = MIKEY_DT_RSAR_INIT;
    offers_sdp();
    MT_EQ_INT(bob(&d, &rl), MIKEY_ERR_POLICY);
    offers_free();
}

/* A single authentic offer whose extension is malformed, repeated, or of a
 * later version. */
static void test_cap_single_bad(void)
{
    mikey_neg_prefs A = neg_p("psk", "AES_CM_128_HMAC_SHA1_80");
    party a, b;
    neg_parties(&a, &b, &A, &A, 601);
    mikey_stream_desc s;
    mikey_offer_opts o = neg_base(&s);
    o.mode = MIKEY_MODE_PSK;
    static uint8_t im[4096], m2[4096], out[4096];
    size_t il = 0, ol = 0;
    MT_REQUIRE(mikey_offer(a.ctx, &o, im, sizeof im, &il) == MIKEY_OK);
    mikey_neg_answer_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.prefs = &A;
    mikey_neg_decision d;
    mikey_ctx *bc = NULL;
    static const uint8_t malformed[] = {1, 0, 1, 1, 1, 1, 1, 0}; /* a trailing byte */
    static const uint8_t later[] = {2, 0, 1, 1, 1, 1, 1, 0, 0};   /* version 2: not ours to read */
    static const uint8_t good[] = {1, 0, 1, 1, 1, 1, 1};
    size_t l = with_ext(im, il, malformed, sizeof malformed, 1, m2, sizeof m2);
    mikey_span sp = {m2, l};
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &sp, 1, out, sizeof out, &ol, &d, &bc),
              MIKEY_ERR_ENCODING);
    MT_CHECK(bc == NULL && ol == 0);
    sp.len = with_ext(im, il, good, sizeof good, 2, m2, sizeof m2);
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &sp, 1, out, sizeof out, &ol, &d, &bc),
              MIKEY_ERR_POLICY);
    sp.len = with_ext(im, il, later, sizeof later, 1, m2, sizeof m2);
    MT_EQ_INT(mikey_neg_answer(&b.te.env, b.creds, b.pol, &cfg, &sp, 1, out, sizeof out, &ol, &d, &bc), MIKEY_OK);
    MT_EQ_INT(d.knew, 0);
    MT_REQUIRE(bc);
    MT_EQ_INT(mikey_finish(a.ctx, out, ol), MIKEY_OK);
    t_same_keys(a.ctx, bc);
    mikey_ctx_free(bc);
    party_free(&a);
    party_free(&b);
}

MT_MAIN(test_cap_codec, test_cap_find, test_error_message_wire, test_offered_read, test_strip, test_add_and_corrupt,
        test_cap_offers, test_cap_retry, test_cap_flag, test_cap_single_bad)
