/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Session building blocks: SRTP params (suites from RFC 3711 / RFC 6188 /
 * RFC 7714 §15, SP param decoding incl. the GStreamer/Axis leniency), the
 * RFC 3830 Table 6.12 mapping, the replay cache (window, eviction floor,
 * save/load and corrupt input), export/import robustness (every prefix,
 * every byte), argument checks of the configuration calls, KV = Interval.
 */
#include "sess_env.h"
#include "session/session_int.h"

static mikey_sp sp_of(const uint8_t *params, size_t n, uint8_t prot)
{
    mikey_sp sp;
    memset(&sp, 0, sizeof sp);
    sp.prot_type = prot;
    sp.params.p = params;
    sp.params.len = n;
    return sp;
}

static void test_suites(void)
{
    mikey_srtp_params p;
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AES_CM_128_HMAC_SHA1_80"), MIKEY_OK);
    /* RFC 3711 §8.2 defaults written out; param 3 = the auth KEY length */
    MT_EQ_INT(p.encr_alg, 1);
    MT_EQ_INT(p.encr_key_len, 16);
    MT_EQ_INT(p.auth_alg, 1);
    MT_EQ_INT(p.auth_key_len, 20);
    MT_EQ_INT(p.salt_key_len, 14);
    MT_EQ_INT(p.auth_tag_len, 10);
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AES_CM_128_HMAC_SHA1_32"), MIKEY_OK);
    MT_EQ_INT(p.auth_tag_len, 4);
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AES_256_CM_HMAC_SHA1_80"), MIKEY_OK); /* RFC 6188 */
    MT_EQ_INT(p.encr_key_len, 32);
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AES_F8_128_HMAC_SHA1_80"), MIKEY_OK);
    MT_EQ_INT(p.encr_alg, 2);
    MT_EQ_INT(mikey_srtp_params_suite(&p, "NULL_HMAC_SHA1_80"), MIKEY_OK);
    MT_EQ_INT(p.encr_alg, 0);
    /* RFC 7714 §15: AES-GCM = 6, key 16/32, AEAD tag 16; 12-byte salt */
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AEAD_AES_128_GCM"), MIKEY_OK);
    MT_EQ_INT(p.encr_alg, 6);
    MT_EQ_INT(p.encr_key_len, 16);
    MT_EQ_INT(p.aead_tag_len, 16);
    MT_EQ_INT(p.salt_key_len, 12);
    MT_CHECK(p.present & (1u << MIKEY_SP_AEAD_TAG_LEN));
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AEAD_AES_256_GCM"), MIKEY_OK);
    MT_EQ_INT(p.encr_key_len, 32);
    MT_EQ_INT(mikey_srtp_params_suite(&p, "AES_CM_192_HMAC_SHA1_80"), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(mikey_srtp_params_suite(NULL, "AEAD_AES_128_GCM"), MIKEY_ERR_INVALID_ARG);
}

static void test_from_sp(void)
{
    mikey_srtp_params p;
    /* GStreamer / Axis: param 3 = 10 is the tag length (named leniency) */
    static const uint8_t gst[] = {0, 1, 1, 1, 1, 16, 2, 1, 1, 3, 1, 10, 7, 1, 1, 8, 1, 1, 10, 1, 1};
    mikey_sp sp = sp_of(gst, sizeof gst, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_tag_len, 10);
    MT_CHECK(p.present & (1u << MIKEY_SP_AUTH_TAG_LEN));
    MT_CHECK(!(p.present & (1u << MIKEY_SP_AUTH_KEY_LEN)));
    MT_EQ_INT(p.srtp_encr, 1);
    MT_EQ_INT(p.srtcp_encr, 1);
    MT_EQ_INT(p.srtp_auth, 1);
    /* param 3 = 4 -> the 32-bit tag */
    static const uint8_t gst32[] = {3, 1, 4};
    sp = sp_of(gst32, sizeof gst32, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_tag_len, 4);
    /* Live555 / Nx: 3 = 20 (key length), 11 = 10 (tag) */
    static const uint8_t nx[] = {3, 1, 20, 11, 1, 10};
    sp = sp_of(nx, sizeof nx, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_key_len, 20);
    MT_EQ_INT(p.auth_tag_len, 10);
    /* 3 = 10 and 11 = 4: param 11 wins for the tag */
    static const uint8_t both[] = {3, 1, 10, 11, 1, 4};
    sp = sp_of(both, sizeof both, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_tag_len, 4);
    MT_CHECK(!(p.present & (1u << MIKEY_SP_AUTH_KEY_LEN)));
    /* repeated: the last wins; unknown types (13..19, 99) ignored */
    static const uint8_t rep[] = {1, 1, 16, 13, 1, 0, 99, 2, 0, 0, 1, 1, 32, 20, 1, 16};
    sp = sp_of(rep, sizeof rep, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_OK);
    MT_EQ_INT(p.encr_key_len, 32);
    MT_EQ_INT(p.aead_tag_len, 16);
    MT_EQ_INT(p.present, (1u << 1) | (1u << 20));
    /* a defined param of 2 bytes: refused */
    static const uint8_t bad[] = {0, 2, 0, 1};
    sp = sp_of(bad, sizeof bad, MIKEY_PROT_SRTP);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_ERR_FIELD);
    /* another protocol */
    sp = sp_of(gst, sizeof gst, MIKEY_PROT_TESLA);
    MT_EQ_INT(mikey_srtp_params_from_sp(&sp, &p), MIKEY_ERR_UNSUPPORTED);
    /* round trip through the encoder */
    mikey_srtp_params s;
    MT_CHECK(mikey_srtp_params_suite(&s, "AES_CM_128_HMAC_SHA1_80") == MIKEY_OK);
    uint8_t enc[64];
    size_t n = 0;
    MT_EQ_INT(mk_srtp_to_params(&s, enc, sizeof enc, &n), MIKEY_OK);
    static const uint8_t want[] = {0, 1, 1, 1, 1, 16, 2, 1, 1, 3, 1, 20, 4, 1, 14, 11, 1, 10};
    MT_MEMEQ(enc, n, want, sizeof want);
}

static void test_err_mapping(void)
{
    /* RFC 3830 Table 6.12 (+ RFC 4738 §3.9.2 "Unsupported message type") */
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_AUTH), 0);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_DECRYPT), 0);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_TIMESTAMP), 1);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_REPLAY), 1);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_DH_VALUE), 6);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_IDENTITY), 7);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_CERT), 8);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_NEGOTIATION), 9);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_POLICY), 10);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_UNSUPPORTED_MODE), 11);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_NOMEM), 12);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_ALGORITHM), 12);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_TRUNCATED), 13);
    MT_EQ_INT(mikey_err_to_rfc3830(MIKEY_ERR_SYNTAX), 13);
    MT_EQ_INT(mikey_err_to_rfc3830(12345), 12);
    MT_EQ_STR(mikey_mode_name(MIKEY_MODE_DHHMAC), "DH-HMAC");
    MT_EQ_STR(mikey_mode_name(MIKEY_MODE_NULL), "MIKEY-NULL");
    MT_EQ_STR(mikey_mode_name(99), "unknown");
}

static uint64_t ntp(int64_t off) { return T_NOW + (uint64_t)off * ((uint64_t)1 << 32); }

static void test_replay_cache(void)
{
    tenv te;
    tenv_init(&te, 7);
    mikey_replay *r = NULL;
    MT_EQ_INT(mikey_replay_new(&te.env, 300, 0, &r), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_replay_new(&te.env, 300, 3, &r), MIKEY_OK);
    uint8_t h[4][32];
    for (int i = 0; i < 4; i++)
        memset(h[i], i + 1, 32);
    uint64_t now = ntp(0);
    MT_EQ_INT(mk_replay_check(r, now, ntp(-300), h[0]), MIKEY_OK); /* edges of the window */
    MT_EQ_INT(mk_replay_check(r, now, ntp(300), h[0]), MIKEY_OK);
    MT_EQ_INT(mk_replay_check(r, now, ntp(-301), h[0]), MIKEY_ERR_TIMESTAMP);
    MT_EQ_INT(mk_replay_check(r, now, ntp(301), h[0]), MIKEY_ERR_TIMESTAMP);
    for (int i = 0; i < 3; i++)
        MT_EQ_INT(mk_replay_insert(r, now, ntp(-10 + i), h[i]), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(r), 3);
    MT_EQ_INT(mk_replay_check(r, now, ntp(5), h[1]), MIKEY_ERR_REPLAY);
    /* full: the oldest (T = -10) is evicted and becomes the floor */
    MT_EQ_INT(mk_replay_insert(r, now, ntp(0), h[3]), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(r), 3);
    MT_EQ_INT(mk_replay_check(r, now, ntp(-10), h[0]), MIKEY_ERR_TIMESTAMP);
    MT_EQ_INT(mk_replay_check(r, now, ntp(-20), h[0]), MIKEY_ERR_TIMESTAMP);
    MT_EQ_INT(mk_replay_check(r, now, ntp(-9), h[0]), MIKEY_OK);
    /* expiry: later inserts purge what left the window */
    MT_EQ_INT(mk_replay_insert(r, ntp(400), ntp(400), h[0]), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(r), 1);

    /* save / load, NOBUF, corrupt input */
    uint8_t buf[512];
    size_t n = 0;
    MT_EQ_INT(mikey_replay_save(r, NULL, 0, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 21 + 40);
    MT_EQ_INT(mikey_replay_save(r, buf, sizeof buf, &n), MIKEY_OK);
    mikey_replay *r2 = NULL;
    te.now = ntp(400);
    MT_EQ_INT(mikey_replay_new(&te.env, 300, 8, &r2), MIKEY_OK);
    for (size_t cut = 0; cut < n; cut++)
        MT_EQ_INT(mikey_replay_load(r2, buf, cut), MIKEY_ERR_ENCODING);
    uint8_t bad[512];
    memcpy(bad, buf, n);
    bad[0] ^= 1;
    MT_EQ_INT(mikey_replay_load(r2, bad, n), MIKEY_ERR_ENCODING);
    memcpy(bad, buf, n);
    bad[4] = 2; /* version */
    MT_EQ_INT(mikey_replay_load(r2, bad, n), MIKEY_ERR_ENCODING);
    memcpy(bad, buf, n);
    bad[20] = 2; /* count */
    MT_EQ_INT(mikey_replay_load(r2, bad, n), MIKEY_ERR_ENCODING);
    MT_EQ_INT(mikey_replay_count(r2), 0);
    MT_EQ_INT(mikey_replay_load(r2, buf, n), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(r2), 1);
    MT_EQ_INT(mk_replay_check(r2, ntp(400), ntp(400), h[0]), MIKEY_ERR_REPLAY);
    MT_EQ_INT(mk_replay_check(r2, ntp(400), ntp(-10), h[2]), MIKEY_ERR_TIMESTAMP); /* floor kept */
    MT_EQ_INT(mikey_replay_load(r2, buf, n), MIKEY_OK); /* idempotent */
    MT_EQ_INT(mikey_replay_count(r2), 1);
    mikey_replay_free(r2);
    mikey_replay_free(r);
}

static void test_export_corrupt(void)
{
    party A, B;
    party_init(&A, ALICE, 1);
    party_init(&B, BOB, 2);
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    static xbuf x;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    static uint8_t blob[8192], t[8192];
    size_t bl = 0;
    MT_EQ_INT(mikey_ctx_export(A.ctx, blob, sizeof blob, &bl), MIKEY_OK);
    mikey_ctx *c = NULL;
    /* every prefix is refused (a record cut short, or a pending DH state
     * without its seed / I_MESSAGE) */
    size_t accepted = 0;
    for (size_t cut = 0; cut < bl; cut++) {
        int rc = mikey_ctx_import(&A.te.env, A.creds, A.pol, blob, cut, &c);
        if (rc == MIKEY_OK) {
            accepted++;
            mikey_ctx_free(c);
            c = NULL;
        } else if (rc != MIKEY_ERR_ENCODING) {
            mt_fail(__FILE__, __LINE__, "prefix %zu: %s", cut, mikey_err_name(rc));
        }
    }
    MT_EQ_INT(accepted, 0);
    /* every byte flipped: never a crash; refused or a context that cannot
     * finish with a wrong key */
    for (size_t i = 0; i < bl; i++) {
        memcpy(t, blob, bl);
        t[i] ^= 0xa5;
        int rc = mikey_ctx_import(&A.te.env, A.creds, A.pol, t, bl, &c);
        if (rc == MIKEY_OK) {
            mikey_ctx_free(c);
            c = NULL;
        } else if (rc != MIKEY_ERR_ENCODING) {
            mt_fail(__FILE__, __LINE__, "byte %zu: %s", i, mikey_err_name(rc));
        }
    }
    /* a DH seed that does not give the DHi sent */
    memcpy(t, blob, bl);
    uint8_t *seed = NULL;
    for (size_t off = 28; off + 5 <= bl;) {
        uint32_t n = (uint32_t)t[off + 1] << 24 | (uint32_t)t[off + 2] << 16 | (uint32_t)t[off + 3] << 8 | t[off + 4];
        if (t[off] == 5)
            seed = t + off + 5;
        off += 5 + n;
    }
    MT_REQUIRE(seed != NULL);
    seed[0] ^= 1;
    MT_EQ_INT(mikey_ctx_import(&A.te.env, A.creds, A.pol, t, bl, &c), MIKEY_ERR_ENCODING);
    /* trailing junk, NULL arguments */
    memcpy(t, blob, bl);
    t[bl] = 0x42;
    MT_EQ_INT(mikey_ctx_import(&A.te.env, A.creds, A.pol, t, bl + 1, &c), MIKEY_ERR_ENCODING);
    MT_EQ_INT(mikey_ctx_import(&A.te.env, NULL, A.pol, blob, bl, &c), MIKEY_ERR_INVALID_ARG);
    /* the genuine blob still finishes */
    MT_EQ_INT(mikey_ctx_import(&A.te.env, A.creds, A.pol, blob, bl, &c), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(c, x.r, x.rlen), MIKEY_OK);
    t_same_keys(c, B.ctx);
    mikey_ctx_free(c);
    party_free(&A);
    party_free(&B);
}

static void test_config_args(void)
{
    tenv te;
    tenv_init(&te, 3);
    mikey_policy *p = NULL;
    mikey_creds *c = NULL;
    MT_EQ_INT(mikey_policy_new(&te.env, &p), MIKEY_OK);
    MT_EQ_INT(mikey_creds_new(&te.env, &c), MIKEY_OK);
    MT_EQ_INT(mikey_policy_set_modes(p, 1u << 9), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_prf(p, 2, 0), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_prf(p, 0, 1), MIKEY_ERR_INVALID_ARG); /* sends weaker than it accepts */
    MT_EQ_INT(mikey_policy_set_kemac(p, MIKEY_ENCR_NULL, MIKEY_MAC_HMAC_SHA1_160), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_kemac(p, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_NULL), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_dh(p, 3, 7), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_dh(p, 0, 2), MIKEY_ERR_INVALID_ARG); /* sent group not accepted */
    MT_EQ_INT(mikey_policy_set_sign(p, 2, 2), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_sign(p, 0, MIKEY_HASH_MD5), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_set_replay(p, 300, 0), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_policy_precompute_dh(p, 5), MIKEY_ERR_INVALID_ARG);
    mikey_srtp_params bad;
    memset(&bad, 0, sizeof bad);
    bad.present = 1u << 15;
    MT_EQ_INT(mikey_policy_add_srtp(p, &bad), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_creds_set_identity(c, ""), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_creds_add_psk(c, ALICE, PSK_AB, 0), MIKEY_ERR_INVALID_ARG);
    static const uint8_t junk[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    MT_CHECK(mikey_creds_add_trust(c, junk, sizeof junk - 1) != MIKEY_OK);
    MT_CHECK(mikey_creds_set_key(c, junk, sizeof junk - 1) != MIKEY_OK);
    /* several CAs in one PEM */
    pki_init();
    size_t l1, l2;
    uint8_t *p1 = t_cert_pem(pki.ca, &l1), *p2 = t_cert_pem(pki.rogue_ca, &l2);
    uint8_t *both = malloc(l1 + l2);
    memcpy(both, p1, l1);
    memcpy(both + l1, p2, l2);
    MT_EQ_INT(mikey_creds_add_trust(c, both, l1 + l2), MIKEY_OK);
    MT_EQ_INT(c->ncas, 2);
    free(both);
    free(p1);
    free(p2);
    /* offers without the credentials they need */
    mikey_ctx *ctx = NULL;
    MT_EQ_INT(mikey_ctx_new(&te.env, c, p, &ctx), MIKEY_OK);
    uint8_t out[4096];
    size_t ol;
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    MT_EQ_INT(mikey_offer(ctx, &o, out, sizeof out, &ol), MIKEY_ERR_NOT_FOUND); /* no PSK */
    o.mode = MIKEY_MODE_PKE;
    MT_EQ_INT(mikey_offer(ctx, &o, out, sizeof out, &ol), MIKEY_ERR_NOT_FOUND); /* no key / peer cert */
    o.mode = MIKEY_MODE_DHHMAC;
    o.peer_id = NULL;
    MT_EQ_INT(mikey_offer(ctx, &o, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG); /* IDr mandatory */
    o.mode = 0;
    MT_EQ_INT(mikey_offer(ctx, &o, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG);
    mikey_stream_desc s = {1, 0, 5};
    o = t_opts(MIKEY_MODE_NULL, NULL, &s, 1);
    MT_EQ_INT(mikey_offer(ctx, &o, out, sizeof out, &ol), MIKEY_ERR_INVALID_ARG); /* srtp_index out of range */
    MT_EQ_INT(mikey_ctx_state(ctx), MIKEY_STATE_NEW);
    MT_EQ_INT(mikey_ctx_cs_keys(ctx, 0, NULL), MIKEY_ERR_INVALID_ARG);
    mikey_cs_keys k;
    MT_EQ_INT(mikey_ctx_cs_keys(ctx, 0, &k), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_finish(ctx, out, 10), MIKEY_ERR_STATE);
    MT_EQ_INT(mikey_ctx_peer_error(ctx), -1);
    MT_CHECK(mikey_ctx_peer_id(ctx) == NULL);
    mikey_ctx_free(ctx);
    mikey_creds_free(c);
    mikey_policy_free(p);
    pki_free();
}

/* KV = Interval (SRTP index range, §6.14) in a received Key data: accepted. */
static void test_kv_interval(void)
{
    tenv te;
    tenv_init(&te, 11);
    mikey_creds *c = NULL;
    mikey_policy *p = NULL;
    mikey_ctx *ctx = NULL;
    MT_CHECK(mikey_creds_new(&te.env, &c) == MIKEY_OK && mikey_policy_new(&te.env, &p) == MIKEY_OK);
    MT_CHECK(mikey_policy_set_modes(p, MIKEY_MODE_BIT(MIKEY_MODE_NULL)) == MIKEY_OK);
    MT_CHECK(mikey_ctx_new(&te.env, c, p, &ctx) == MIKEY_OK);
    mikey_msg *m = NULL, *ch = NULL;
    MT_CHECK(mikey_msg_new(NULL, 0, &m) == MIKEY_OK && mikey_msg_new(NULL, 1, &ch) == MIKEY_OK);
    uint8_t map[9] = {0, 0, 0, 0, 7, 0, 0, 0, 0}, tv[8], key[30], vf[6] = {0, 0, 0, 0, 0, 0},
            vt[6] = {0, 0, 0, 1, 0, 0};
    for (int i = 0; i < 8; i++)
        tv[i] = (uint8_t)(T_NOW >> (56 - 8 * i));
    for (int i = 0; i < 30; i++)
        key[i] = (uint8_t)(i + 1);
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEYDATA;
    pl.u.keydata.type = MIKEY_KEY_TEK;
    pl.u.keydata.key.p = key;
    pl.u.keydata.key.len = 30;
    pl.u.keydata.kv.type = MIKEY_KV_INTERVAL;
    pl.u.keydata.kv.valid_from.p = vf;
    pl.u.keydata.kv.valid_from.len = 6;
    pl.u.keydata.kv.valid_to.p = vt;
    pl.u.keydata.kv.valid_to.len = 6;
    MT_CHECK(mikey_msg_append(ch, &pl) == MIKEY_OK);
    uint8_t kd[64];
    size_t kdl = 0;
    MT_CHECK(mikey_msg_encode(ch, kd, sizeof kd, &kdl) == MIKEY_OK);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_HDR;
    pl.u.hdr.version = 1;
    pl.u.hdr.csb_id = 0x1234;
    pl.u.hdr.ncs = 1;
    pl.u.hdr.map_info.p = map;
    pl.u.hdr.map_info.len = 9;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_T;
    pl.u.ts.value.p = tv;
    pl.u.ts.value.len = 8;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEMAC;
    pl.u.kemac.encr_data.p = kd;
    pl.u.kemac.encr_data.len = kdl;
    MT_CHECK(mikey_msg_append(m, &pl) == MIKEY_OK);
    uint8_t msg[256], out[256];
    size_t ml = 0, ol = 0;
    MT_CHECK(mikey_msg_encode(m, msg, sizeof msg, &ml) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(ctx, msg, ml, out, sizeof out, &ol), MIKEY_OK);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(ctx, 0, &k) == MIKEY_OK);
    MT_MEMEQ(k.master_key, k.master_key_len, key, 16);
    MT_EQ_INT(k.mki_len, 0);
    MT_EQ_INT(k.ssrc, 7);
    mikey_msg_free(m);
    mikey_msg_free(ch);
    mikey_ctx_free(ctx);
    mikey_policy_free(p);
    mikey_creds_free(c);
}

MT_MAIN(test_suites, test_from_sp, test_err_mapping, test_replay_cache, test_export_corrupt, test_config_args,
        test_kv_interval)
