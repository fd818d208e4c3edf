/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Update messages without new keying material (mikey_offer_opts::keep_keys;
 * RFC 3830 §4.5: "a MIKEY update message does not need to contain new
 * keying material ... the crypto session continues to use the previously
 * established keying material"; for DH "if the Initiator does not include
 * DHi, the Responder MUST NOT include DHr or DHi"; RFC 4650 §3.1 b) the
 * same for DH-HMAC).
 *
 * For PSK (with V), PKE (with V), DH and DH-HMAC: establish, update with
 * keep_keys; both sides stay established with the keys they had (master
 * key, salt, MKI); the update carries no Key data / no DH payload (checked
 * on the wire with the level-3 parser, not with the code that built it);
 * a tampered key-less update is refused with MIKEY_ERR_AUTH and changes
 * nothing.
 */
#include "sess_env.h"

static party A, B;

static void setup(void)
{
    party_init(&A, ALICE, 0x1111);
    party_init(&B, BOB, 0x2222);
}

static void teardown(void)
{
    party_free(&A);
    party_free(&B);
}

static mikey_msg *parse(const uint8_t *m, size_t len)
{
    mikey_msg *msg = NULL;
    MT_CHECK(mikey_msg_parse(NULL, m, len, NULL, &msg, NULL) == MIKEY_OK);
    return msg;
}

/* Snapshot of the keys of a context. */
typedef struct snap {
    size_t n;
    mikey_cs_keys k[2];
} snap;

static void take(const mikey_ctx *c, snap *s)
{
    memset(s, 0, sizeof *s);
    s->n = mikey_ctx_cs_count(c);
    MT_REQUIRE(s->n <= 2);
    for (size_t i = 0; i < s->n; i++)
        MT_CHECK(mikey_ctx_cs_keys(c, i, &s->k[i]) == MIKEY_OK);
}

static void same_snap(const snap *a, const snap *b, const char *what)
{
    MT_EQ_INT(a->n, b->n);
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        const mikey_cs_keys *x = &a->k[i], *y = &b->k[i];
        if (x->master_key_len != y->master_key_len || memcmp(x->master_key, y->master_key, x->master_key_len) ||
            x->master_salt_len != y->master_salt_len ||
            memcmp(x->master_salt, y->master_salt, x->master_salt_len) || x->mki_len != y->mki_len ||
            memcmp(x->mki, y->mki, x->mki_len))
            mt_fail(__FILE__, __LINE__, "%s: keys of CS %zu changed", what, i);
    }
}

/* Feed B a copy of upd with one byte flipped at off: refused, nothing changes. */
static void tampered(const uint8_t *upd, size_t len, size_t off, const char *mode)
{
    static uint8_t bad[16384], out[16384];
    snap before, after;
    take(B.ctx, &before);
    memcpy(bad, upd, len);
    bad[off] ^= 0x01;
    size_t outlen = 0;
    int rc = mikey_answer(B.ctx, bad, len, out, sizeof out, &outlen);
    if (rc != MIKEY_ERR_AUTH)
        mt_fail(__FILE__, __LINE__, "%s: tampered update (byte %zu): %s", mode, off, mikey_err_name(rc));
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
    take(B.ctx, &after);
    same_snap(&before, &after, mode);
}

static void test_keep_keys(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_DHHMAC};
    for (size_t mi = 0; mi < 4; mi++) {
        unsigned mode = modes[mi];
        const char *name = mikey_mode_name(mode);
        setup();
        mikey_stream_desc s[2] = {{0x55555555, 0, 0}, {0x66666666, 0, 0}};
        mikey_offer_opts o = t_opts(mode, BOB, s, 2);
        o.want_verification = 1;
        o.mki_len = 4;
        static xbuf x;
        MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
        snap a0, b0;
        take(A.ctx, &a0);
        take(B.ctx, &b0);
        MT_EQ_INT(a0.n, 2);

        o.keep_keys = 1;
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        /* The wire: same CSB, no RAND, no Key data, no DH payload. */
        mikey_msg *upd = parse(x.i, x.ilen);
        MT_REQUIRE(upd != NULL);
        MT_EQ_INT(mikey_msg_hdr(upd)->csb_id, mikey_ctx_csb_id(A.ctx));
        MT_CHECK(mikey_msg_find(upd, MIKEY_PT_RAND, 0) == NULL);
        MT_CHECK(mikey_msg_find(upd, MIKEY_PT_DH, 0) == NULL);
        const mikey_payload *k = mikey_msg_find(upd, MIKEY_PT_KEMAC, 0);
        if (mode == MIKEY_MODE_PSK) {
            MT_REQUIRE(k != NULL);
            MT_EQ_INT(k->u.kemac.encr_data.len, 0); /* no Key data at all */
        } else if (mode == MIKEY_MODE_PKE) {
            /* AES-CM keeps the length: Encr data = the encrypted IDi
             * payload (4-byte header + URI, §6.7) and nothing after it. */
            MT_REQUIRE(k != NULL);
            MT_EQ_INT(k->u.kemac.encr_alg, MIKEY_ENCR_AES_CM_128);
            MT_EQ_INT(k->u.kemac.encr_data.len, 4 + strlen(ALICE));
        } else if (mode == MIKEY_MODE_DHHMAC) {
            MT_REQUIRE(k != NULL);
            MT_EQ_INT(k->u.kemac.encr_data.len, 0);
        }
        /* Tampered copies: the MAC / signature (last byte) and T. */
        tampered(x.i, x.ilen, x.ilen - 1, name);
        const mikey_payload *t = mikey_msg_find(upd, MIKEY_PT_T, 0);
        MT_REQUIRE(t != NULL);
        tampered(x.i, x.ilen, t->offset + t->raw.len - 1, name);
        mikey_msg_free(upd);

        /* The genuine update is still accepted afterwards. */
        int rc = mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen);
        if (rc)
            mt_fail(__FILE__, __LINE__, "%s: key-less update refused: %s", name, mikey_err_name(rc));
        MT_CHECK(x.rlen > 0); /* V asked for, or a DH mode */
        mikey_msg *resp = parse(x.r, x.rlen);
        if (resp)
            MT_CHECK(mikey_msg_find(resp, MIKEY_PT_DH, 0) == NULL); /* §4.5: no DHr, no DHi */
        mikey_msg_free(resp);
        rc = mikey_finish(A.ctx, x.r, x.rlen);
        if (rc)
            mt_fail(__FILE__, __LINE__, "%s: finish of key-less update: %s", name, mikey_err_name(rc));
        MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
        MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
        snap a1, b1;
        take(A.ctx, &a1);
        take(B.ctx, &b1);
        same_snap(&a0, &a1, name);
        same_snap(&b0, &b1, name);
        t_same_keys(A.ctx, B.ctx);
        MT_EQ_INT(a1.k[0].mki_len, 4);
        MT_EQ_INT(a1.k[0].mki[3], 1); /* still the first key generation */

        /* A regular update after it rekeys (the option is per message). */
        o.keep_keys = 0;
        MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
        t_same_keys(A.ctx, B.ctx);
        snap a2;
        take(A.ctx, &a2);
        MT_CHECK(memcmp(a2.k[0].master_key, a0.k[0].master_key, a0.k[0].master_key_len) != 0);
        teardown();
    }
}

/* keep_keys only on an established CSB, and not in RSA-R. */
static void test_keep_keys_invalid(void)
{
    setup();
    mikey_stream_desc s[1] = {{0x55555555, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    o.keep_keys = 1;
    static xbuf x;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_NEW);
    teardown();

    setup();
    o = t_opts(MIKEY_MODE_RSAR, BOB, s, 1);
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    o.keep_keys = 1;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
    teardown();
}

/* PSK without V: the key-less update alone keeps both sides' keys. */
static void test_keep_keys_psk_no_v(void)
{
    setup();
    mikey_stream_desc s[1] = {{0x55555555, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    snap a0;
    take(A.ctx, &a0);
    o.keep_keys = 1;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_EQ_INT(x.rlen, 0);
    snap a1, b1;
    take(A.ctx, &a1);
    take(B.ctx, &b1);
    same_snap(&a0, &a1, "psk no V");
    same_snap(&a0, &b1, "psk no V");
    teardown();
}

static void test_all_done(void) { pki_free(); }

MT_MAIN(test_keep_keys, test_keep_keys_invalid, test_keep_keys_psk_no_v, test_all_done)
