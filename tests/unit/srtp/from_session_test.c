/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey_srtp_stream_from_cs(): the keys of a real MIKEY exchange (session
 * API, PSK and signed DH) become SRTP streams on both sides that protect and
 * unprotect RTP and RTCP both ways. Independent checks:
 *  - the protected bytes equal those of the naive RFC 3711 / RFC 7714
 *    reference (srtp_ref.h, no code shared with src/srtp/) run with the
 *    master key and salt the exchange produced and the transform parameters
 *    written here from the suite definitions (RFC 4568 §6.2.1, RFC 6188 §7,
 *    RFC 7714 §14.2; for MIKEY one SP param 11 gives the SRTP *and* SRTCP tag
 *    length, RFC 3830 §6.10.1, RFC 4771 §5 being the only way to split them);
 *  - the policy equals the one the SRTP module maps from the SP payload on
 *    the wire (the raw-SP path, mikey_srtp_policy_from_mikey);
 *  - an SSRC placeholder left at 0 (no response, RFC 3830 §6.1.1) becomes an
 *    any-SSRC template; KV = SPI becomes the MKI carried in every packet;
 *  - a tampered packet fails authentication.
 * The crypto session layout is the UA's (docs/mikey-ua.md): CS 1 keys the
 * initiator's stream (its SSRC), CS 2 the responder's (SSRC placeholder 0,
 * filled by the responder).
 */
#include "../session/sess_env.h"
#include "openmikey/srtp.h"
#include "srtp_ref.h"
#include "srtp_util.h"

/* Transform parameters of a suite as its defining RFC states them. */
typedef struct suite_def {
    const char *name; /* mikey_srtp_params_suite() name */
    int cipher;       /* mikey_srtp_cipher */
    int hmac;
    size_t tag;       /* SRTP and SRTCP tag bytes */
    size_t key_len, salt_len;
} suite_def;

static const suite_def SUITES[] = {
    {"AES_CM_128_HMAC_SHA1_80", MIKEY_SRTP_CIPHER_AES_CM_128, 1, 10, 16, 14},
    {"AES_CM_128_HMAC_SHA1_32", MIKEY_SRTP_CIPHER_AES_CM_128, 1, 4, 16, 14},
    {"AES_256_CM_HMAC_SHA1_80", MIKEY_SRTP_CIPHER_AES_CM_256, 1, 10, 32, 14},
    {"AES_F8_128_HMAC_SHA1_80", MIKEY_SRTP_CIPHER_AES_F8_128, 1, 10, 16, 14},
    {"NULL_HMAC_SHA1_80", MIKEY_SRTP_CIPHER_NULL, 1, 10, 16, 14},
    {"AEAD_AES_128_GCM", MIKEY_SRTP_CIPHER_AES_GCM_128, 0, 16, 16, 12},
    {"AEAD_AES_256_GCM", MIKEY_SRTP_CIPHER_AES_GCM_256, 0, 16, 32, 12},
};

#define SSRC_A 0x5eed0a11u

/* One SRTP session holding the two streams of one side. */
typedef struct side {
    mikey_srtp *s;
    mikey_cs_keys k[2];
    mikey_srtp_policy pol[2];
} side;

/* Install CS out_cs as outbound and in_cs as inbound (0-based). */
static int side_init(side *sd, const mikey_ctx *ctx, size_t out_cs, size_t in_cs)
{
    memset(sd, 0, sizeof *sd);
    if (mikey_ctx_cs_count(ctx) != 2 || mikey_srtp_new(NULL, NULL, &sd->s) != MIKEY_OK)
        return -1;
    const size_t cs[2] = {out_cs, in_cs};
    for (int d = 0; d < 2; d++) {
        mikey_srtp_key key;
        mikey_srtp_stream_params p;
        if (mikey_ctx_cs_keys(ctx, cs[d], &sd->k[d]) != MIKEY_OK)
            return -1;
        int rc = mikey_srtp_stream_from_cs(&sd->k[d], d, &sd->pol[d], &key, &p);
        if (rc != MIKEY_OK) {
            printf("# stream_from_cs: %s\n", mikey_err_name(rc));
            return -1;
        }
        MT_CHECK(p.policy == &sd->pol[d] && p.keys == &key && p.nkeys == 1 && p.dir == d);
        MT_EQ_INT(p.ssrc, sd->k[d].ssrc);
        MT_EQ_INT(p.any_ssrc, sd->k[d].ssrc == 0);
        if ((rc = mikey_srtp_add_stream(sd->s, &p)) != MIKEY_OK) {
            printf("# add_stream: %s\n", mikey_err_name(rc));
            return -1;
        }
    }
    return 0;
}

static void side_free(side *sd)
{
    mikey_srtp_free(sd->s);
    memset(sd, 0, sizeof *sd);
}

/* The reference context for the keys of one crypto session under suite d. */
static ref_ctx ref_for(const suite_def *d, const mikey_cs_keys *k)
{
    ref_ctx r;
    memset(&r, 0, sizeof r);
    r.cipher = d->cipher;
    r.hmac = d->hmac;
    r.rtp_auth = 1;
    r.rtp_enc = r.rtcp_enc = 1;
    r.rtp_tag = r.rtcp_tag = d->tag;
    r.auth_key_len = 20;
    r.mkey = k->master_key;
    r.mkey_len = k->master_key_len;
    memcpy(r.msalt, k->master_salt, k->master_salt_len); /* GCM: 12 bytes || 00 00 */
    r.mki = k->mki_len ? k->mki : NULL;
    r.mki_len = k->mki_len;
    return r;
}

/* sender protects one RTP and one RTCP packet of ssrc; checked against the
 * reference, then unprotected by receiver. */
static void one_way(side *snd, side *rcv, const suite_def *d, uint32_t ssrc, uint16_t seq, uint64_t *rs)
{
    uint8_t payload[160], pkt[512], ref[512], back[512];
    size_t len, n = 0, m = 0;
    fill_rand(payload, sizeof payload, rs);
    len = make_rtp(pkt, seq, 0x01020304u, ssrc, payload, sizeof payload);
    uint8_t plain[512];
    memcpy(plain, pkt, len);

    MT_EQ_INT(mikey_srtp_protect(snd->s, pkt, len, pkt, sizeof pkt, &n), MIKEY_OK);
    ref_ctx rc = ref_for(d, &snd->k[MIKEY_SRTP_OUTBOUND]);
    size_t rn = ref_protect_rtp(&rc, seq, plain, len, ref);
    MT_MEMEQ(pkt, n, ref, rn);
    /* tampered (one payload bit) first: a failure leaves no trace, so the
     * genuine packet is still accepted afterwards */
    memcpy(back, pkt, n);
    back[20] ^= 1;
    MT_EQ_INT(mikey_srtp_unprotect(rcv->s, back, n, back, sizeof back, &m), MIKEY_ERR_AUTH);
    memcpy(back, pkt, n);
    MT_EQ_INT(mikey_srtp_unprotect(rcv->s, back, n, back, sizeof back, &m), MIKEY_OK);
    MT_MEMEQ(back, m, plain, len);

    /* SRTCP, index 0 */
    len = make_rtcp(pkt, ssrc, payload, 16);
    memcpy(plain, pkt, len);
    MT_EQ_INT(mikey_srtp_protect_rtcp(snd->s, pkt, len, pkt, sizeof pkt, &n), MIKEY_OK);
    rn = ref_protect_rtcp(&rc, 0, plain, len, ref);
    MT_MEMEQ(pkt, n, ref, rn);
    MT_EQ_INT(mikey_srtp_unprotect_rtcp(rcv->s, pkt, n, back, sizeof back, &m), MIKEY_OK);
    MT_MEMEQ(back, m, plain, len);
}

/* The SP of the I_MESSAGE mapped by the raw-SP path gives the same policy. */
static void same_as_wire(const xbuf *x, const mikey_srtp_policy *bridged)
{
    mikey_msg *msg = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, x->i, x->ilen, NULL, &msg, NULL) == MIKEY_OK);
    const mikey_payload *pl = mikey_msg_find(msg, MIKEY_PT_SP, 0);
    MT_CHECK(pl != NULL);
    if (pl) {
        mikey_srtp_policy wire;
        MT_EQ_INT(mikey_srtp_policy_from_mikey(&pl->u.sp, 0, &wire), MIKEY_OK);
        wire.mki_len = bridged->mki_len; /* from the KV SPI, not the SP */
        MT_MEMEQ(&wire, sizeof wire, bridged, sizeof *bridged);
    }
    mikey_msg_free(msg);
}

/* A full exchange in mode under suite d, then media both ways. */
static void exchange_and_media(unsigned mode, const suite_def *d, size_t mki_len, uint64_t seed)
{
    party a, b;
    party_init(&a, ALICE, seed);
    party_init(&b, BOB, seed + 1);
    mikey_srtp_params sp;
    MT_REQUIRE(mikey_srtp_params_suite(&sp, d->name) == MIKEY_OK);
    MT_REQUIRE(mikey_policy_add_srtp(a.pol, &sp) == MIKEY_OK);
    MT_REQUIRE(mikey_policy_add_srtp(b.pol, &sp) == MIKEY_OK);
    mikey_stream_desc st[2] = {{SSRC_A, 0, 0}, {0, 0, 0}};
    mikey_offer_opts o = t_opts(mode, BOB, st, 2);
    o.want_verification = 1;
    o.mki_len = mki_len;
    static xbuf x;
    memset(&x, 0, sizeof x);
    int rc = t_exchange(&a, &b, &o, &x);
    if (rc != MIKEY_OK)
        printf("# %s %s: exchange %s\n%s%s", mikey_mode_name(mode), d->name, mikey_err_name(rc), a.te.log, b.te.log);
    MT_REQUIRE(rc == MIKEY_OK);

    side sa, sb;
    MT_REQUIRE(side_init(&sa, a.ctx, 0, 1) == 0); /* initiator: CS 1 out, CS 2 in */
    MT_REQUIRE(side_init(&sb, b.ctx, 1, 0) == 0); /* responder: CS 2 out, CS 1 in */
    uint32_t ssrc_b = sb.k[MIKEY_SRTP_OUTBOUND].ssrc;
    MT_CHECK(ssrc_b != 0 && ssrc_b != SSRC_A); /* filled by the responder */
    MT_EQ_INT(sa.k[MIKEY_SRTP_INBOUND].ssrc, ssrc_b);
    MT_EQ_INT(sa.k[MIKEY_SRTP_OUTBOUND].ssrc, SSRC_A);
    MT_EQ_INT(sa.k[0].master_key_len, d->key_len);
    MT_EQ_INT(sa.k[0].master_salt_len, d->salt_len);
    MT_EQ_INT(sa.k[0].mki_len, mki_len);
    MT_EQ_INT(sa.pol[0].mki_len, mki_len);
    /* the two directions have different keys (RFC 3830 §4.1.3: per CS) */
    MT_CHECK(memcmp(sa.k[0].master_key, sa.k[1].master_key, sa.k[0].master_key_len) != 0);
    same_as_wire(&x, &sa.pol[0]);

    uint64_t rs = seed * 7 + 1;
    one_way(&sa, &sb, d, SSRC_A, 0x1234, &rs);
    one_way(&sb, &sa, d, ssrc_b, 0xfff0, &rs);

    /* the caller wipes the key copies (session.h) */
    for (int i = 0; i < 2; i++) {
        memset(&sa.k[i], 0, sizeof sa.k[i]);
        memset(&sb.k[i], 0, sizeof sb.k[i]);
    }
    side_free(&sa);
    side_free(&sb);
    party_free(&a);
    party_free(&b);
}

static void test_psk_every_suite(void)
{
    for (size_t i = 0; i < sizeof SUITES / sizeof SUITES[0]; i++)
        exchange_and_media(MIKEY_MODE_PSK, &SUITES[i], 0, 100 + i);
}

static void test_dh_default_suite(void)
{
    exchange_and_media(MIKEY_MODE_DH, &SUITES[0], 0, 200);
    exchange_and_media(MIKEY_MODE_DH, &SUITES[5], 0, 201);
}

static void test_mki(void)
{
    /* KV = SPI: the MKI (RFC 3711 §3.1) follows the payload in every packet. */
    exchange_and_media(MIKEY_MODE_PSK, &SUITES[0], 4, 300);
    exchange_and_media(MIKEY_MODE_PSK, &SUITES[5], 2, 301);
}

/* PSK without V: no response, the responder's SSRC stays 0 on both sides
 * (RFC 3830 §6.1.1) and becomes an any-SSRC template. */
static void test_placeholder_template(void)
{
    party a, b;
    party_init(&a, ALICE, 400);
    party_init(&b, BOB, 401);
    mikey_stream_desc st[2] = {{SSRC_A, 0, 0}, {0, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, st, 2);
    static xbuf x;
    memset(&x, 0, sizeof x);
    MT_REQUIRE(t_exchange(&a, &b, &o, &x) == MIKEY_OK);
    MT_EQ_INT(x.rlen, 0);
    side sa, sb;
    MT_REQUIRE(side_init(&sa, a.ctx, 0, 1) == 0);
    MT_REQUIRE(side_init(&sb, b.ctx, 1, 0) == 0);
    MT_EQ_INT(sb.k[MIKEY_SRTP_OUTBOUND].ssrc, 0);
    uint64_t rs = 9;
    /* any SSRC the responder picks is protected by the template ... */
    one_way(&sb, &sa, &SUITES[0], 0xabcdef01u, 7, &rs);
    /* ... and a stream of its own was created on both sides */
    mikey_srtp_stream_info info;
    MT_EQ_INT(mikey_srtp_stream_get(sb.s, 0xabcdef01u, MIKEY_SRTP_OUTBOUND, &info), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_stream_get(sa.s, 0xabcdef01u, MIKEY_SRTP_INBOUND, &info), MIKEY_OK);
    one_way(&sa, &sb, &SUITES[0], SSRC_A, 100, &rs);
    side_free(&sa);
    side_free(&sb);
    party_free(&a);
    party_free(&b);
}

static void test_bad_args(void)
{
    mikey_cs_keys k;
    mikey_srtp_policy p;
    mikey_srtp_key key;
    mikey_srtp_stream_params sp;
    memset(&k, 0, sizeof k);
    MT_REQUIRE(mikey_srtp_params_suite(&k.srtp, "AES_CM_128_HMAC_SHA1_80") == MIKEY_OK);
    memset(k.master_key, 0x11, 16);
    k.master_key_len = 16;
    memset(k.master_salt, 0x22, 14);
    k.master_salt_len = 14;
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, MIKEY_SRTP_OUTBOUND, &p, &key, &sp), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_stream_from_cs(NULL, 0, &p, &key, &sp), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, 2, &p, &key, &sp), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, 0, NULL, &key, &sp), MIKEY_ERR_INVALID_ARG);
    k.master_key_len = 33;
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, 0, &p, &key, &sp), MIKEY_ERR_INVALID_ARG);
    /* a key length that does not fit the cipher: the SRTP mapping says so */
    k.master_key_len = 24;
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, 0, &p, &key, &sp), MIKEY_ERR_LENGTH);
    /* an SP the engine does not implement (prefix length, RFC 3830 param 12) */
    k.master_key_len = 16;
    k.srtp.prefix_len = 4;
    k.srtp.present |= 1u << MIKEY_SP_PREFIX_LEN;
    MT_EQ_INT(mikey_srtp_stream_from_cs(&k, 0, &p, &key, &sp), MIKEY_ERR_UNSUPPORTED);
}

MT_MAIN(test_psk_every_suite, test_dh_default_suite, test_mki, test_placeholder_template, test_bad_args)
