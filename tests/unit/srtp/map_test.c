/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MIKEY crypto session -> SRTP: SP payload to policy (RFC 3830 §6.10.1
 * defaults, RFC 4771 per-direction params, RFC 7714 §14.3/§15 for GCM, the
 * GStreamer/Axis param-3 quirk), key data to master key (TEK = key || salt
 * in one field, separate salt, KV SPI as MKI), on real camera messages and
 * on built SP payloads.
 */
#include <openssl/evp.h>

#include "openmikey/message.h"
#include "srtp_util.h"

/* Real messages (../shared/samples/rtsp-mikey-null.txt): an Axis camera in
 * GStreamer format, from networkoptix/nx_open mikey_ut.cpp (MPL-2.0, kAxisMikey
 * and kAes256CmMikey): SP(0=1,1=16|32,2=1,3=10,7=1,8=1,10=1), KEMAC NULL with
 * one TEK of 30 / 46 bytes = key || salt, KV NULL. */
static const char AXIS_B64[] =
    "AQAFAJy5yWQBAABpbxJIAAAAAAsA7h7wcVt3bEgKEBTiXX9BnS8aH1LdCb0NcUEBAAAAFQABAQEBEAIBAQMBCgcBAQgBAQoBAQAAACIAIAAeO741"
    "gC1/tzaOFlwe89iZTkduk6SfjkL+dWJJDI8aAA==";
static const char AES256_B64[] =
    "AQAFAEU/VsoBAAB2G73bAAAAAAsA7hyBwQEupS4KELHQy5v2FHdFI/iTwbm6whMBAAAAFQABAQEBIAIBAQMBCgcBAQgBAQoBAQAAADIAIAAuw6E7"
    "jJyyHO6EDhc9WDP3D2ct3PB1bIU433BkLYCw03WHKO639QYLmqb2hHUjCwA=";

static uint8_t *b64(const char *s, size_t *len)
{
    size_t n = strlen(s);
    uint8_t *out = malloc(n);
    int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
    size_t pad = (n && s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
    *len = (size_t)r - pad;
    return out;
}

static void check_sample(const char *b64s, int want_cipher, size_t want_tek)
{
    size_t len;
    uint8_t *buf = b64(b64s, &len);
    mikey_msg *m = NULL, *kd = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, buf, len, NULL, &m, NULL) == MIKEY_OK);
    const mikey_payload *sp = mikey_msg_find(m, MIKEY_PT_SP, 0), *ke = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
    MT_REQUIRE(sp && ke && ke->u.kemac.encr_alg == MIKEY_ENCR_NULL);
    mikey_srtp_policy pol;
    MT_EQ_INT(mikey_srtp_policy_from_mikey(&sp->u.sp, 0, &pol), MIKEY_OK);
    MT_EQ_INT(pol.cipher, want_cipher);
    MT_EQ_INT(pol.auth, MIKEY_SRTP_AUTH_HMAC_SHA1);
    MT_EQ_INT(pol.rtp_tag_len, 10); /* param 3 = 10: the tag length, GStreamer style */
    MT_EQ_INT(pol.rtcp_tag_len, 10);
    MT_EQ_INT(pol.auth_key_len, 20);
    MT_EQ_INT(pol.rtp_encrypt, 1);
    MT_EQ_INT(pol.rtcp_encrypt, 1);
    MT_EQ_INT(pol.mki_len, 0);
    MT_REQUIRE(mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, ke->u.kemac.encr_data.p, ke->u.kemac.encr_data.len, NULL,
                                 &kd, NULL) == MIKEY_OK);
    const mikey_payload *k = mikey_msg_find(kd, MIKEY_PT_KEYDATA, 0);
    MT_REQUIRE(k);
    MT_EQ_INT(k->u.keydata.type, MIKEY_KEY_TEK);
    MT_EQ_INT(k->u.keydata.key.len, want_tek);
    mikey_srtp_key key;
    MT_EQ_INT(mikey_srtp_key_from_mikey(&pol, k->u.keydata.key, k->u.keydata.salt, k->u.keydata.kv.spi, &key),
              MIKEY_OK);
    MT_EQ_INT(key.key_len, want_tek - 14);
    MT_EQ_INT(key.salt_len, 14);
    MT_CHECK(key.salt == k->u.keydata.key.p + want_tek - 14);
    /* The stream works and equals one configured by hand with the suite. */
    const mikey_hdr *h = mikey_msg_hdr(m);
    mikey_srtp_cs cs;
    MT_REQUIRE(mikey_hdr_srtp_cs(h, 0, &cs) == MIKEY_OK);
    mikey_srtp *a = one_stream(&pol, MIKEY_SRTP_OUTBOUND, cs.ssrc, cs.roc, key.key, key.key_len, key.salt,
                               key.salt_len);
    mikey_srtp_policy hand;
    mikey_srtp_policy_suite(&hand, want_cipher == MIKEY_SRTP_CIPHER_AES_CM_128 ? MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80
                                                                              : MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80);
    mikey_srtp *b = one_stream(&hand, MIKEY_SRTP_OUTBOUND, cs.ssrc, cs.roc, k->u.keydata.key.p, want_tek - 14,
                               k->u.keydata.key.p + want_tek - 14, 14);
    MT_REQUIRE(a && b);
    uint8_t pkt[64], x[128], y[128];
    size_t n = make_rtp(pkt, 1, 2, cs.ssrc, (const uint8_t *)"payload", 7), xl, yl;
    MT_EQ_INT(mikey_srtp_protect(a, pkt, n, x, sizeof x, &xl), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_protect(b, pkt, n, y, sizeof y, &yl), MIKEY_OK);
    MT_MEMEQ(x, xl, y, yl);
    /* The same through the one-call helper, receiving: the sender's packet
     * must come out. */
    mikey_srtp_policy p2;
    mikey_srtp_key k2;
    mikey_srtp_stream_params sp2;
    MT_EQ_INT(mikey_srtp_stream_from_mikey(&sp->u.sp, 0, k->u.keydata.key, k->u.keydata.salt, k->u.keydata.kv.spi,
                                           cs.ssrc, cs.roc, MIKEY_SRTP_INBOUND, &p2, &k2, &sp2),
              MIKEY_OK);
    MT_EQ_INT(sp2.any_ssrc, cs.ssrc == 0);
    mikey_srtp *c = NULL;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &c) == MIKEY_OK && mikey_srtp_add_stream(c, &sp2) == MIKEY_OK);
    uint8_t back[128];
    size_t bl = 0;
    MT_EQ_INT(mikey_srtp_unprotect(c, x, xl, back, sizeof back, &bl), MIKEY_OK);
    MT_MEMEQ(back, bl, pkt, n);
    mikey_srtp_free(c);
    mikey_srtp_free(a);
    mikey_srtp_free(b);
    mikey_msg_free(kd);
    mikey_msg_free(m);
    free(buf);
}

static void test_real_camera_messages(void)
{
    check_sample(AXIS_B64, MIKEY_SRTP_CIPHER_AES_CM_128, 30);
    check_sample(AES256_B64, MIKEY_SRTP_CIPHER_AES_CM_256, 46);
}

/* Build an SP from "type=value" pairs (value as 1 byte, or up to 4 bytes
 * big-endian when > 255, or raw bytes via the _raw variant). */
typedef struct spb {
    uint8_t buf[256];
    mikey_sp sp;
} spb;

static const mikey_sp *mksp(spb *b, const int *tv, size_t n)
{
    mikey_sp_param ps[32];
    uint8_t vals[32][4];
    for (size_t i = 0; i < n; i++) {
        int v = tv[2 * i + 1];
        size_t len = v > 0xffff ? 4 : v > 0xff ? 2 : 1;
        for (size_t j = 0; j < len; j++)
            vals[i][j] = (uint8_t)(v >> (8 * (len - 1 - j)));
        ps[i].type = (uint8_t)tv[2 * i];
        ps[i].value.p = vals[i];
        ps[i].value.len = len;
    }
    size_t ol = 0;
    if (mikey_build_sp_params(ps, n, b->buf, sizeof b->buf, &ol) != MIKEY_OK)
        abort();
    b->sp.policy_no = 0;
    b->sp.prot_type = MIKEY_PROT_SRTP;
    b->sp.params.p = b->buf;
    b->sp.params.len = ol;
    return &b->sp;
}

#define SP(...) mksp(&b, (const int[]){__VA_ARGS__}, sizeof((const int[]){__VA_ARGS__}) / sizeof(int) / 2)

static void test_sp_defaults_and_quirks(void)
{
    spb b;
    mikey_srtp_policy p;
    /* No parameters: SRTP's defaults (RFC 3711 §8.2 / RFC 3830 §6.10.1). */
    b.sp.prot_type = MIKEY_PROT_SRTP, b.sp.params.p = b.buf, b.sp.params.len = 0;
    MT_EQ_INT(mikey_srtp_policy_from_mikey(&b.sp, 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_AES_CM_128);
    MT_EQ_INT(p.auth, MIKEY_SRTP_AUTH_HMAC_SHA1);
    MT_EQ_INT(p.auth_key_len, 20);
    MT_EQ_INT(p.rtp_tag_len, 10);
    MT_EQ_INT(p.kdr, 0);
    MT_EQ_INT(p.rtp_encrypt & p.rtcp_encrypt & p.rtp_auth, 1);
    /* GStreamer / Axis: param 3 = 4 means a 32-bit tag ... */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 1, 1, 16, 2, 1, 3, 4), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.rtp_tag_len, 4);
    MT_EQ_INT(p.rtcp_tag_len, 4);
    MT_EQ_INT(p.auth_key_len, 20);
    /* ... unless strict: then it is a 4-byte key and the default tag. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 1, 1, 16, 2, 1, 3, 4), MIKEY_SRTP_MAP_STRICT, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_key_len, 4);
    MT_EQ_INT(p.rtp_tag_len, 10);
    /* Live555 / Nx: 3 = 20 (key) with 11 = 4 (tag). */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(3, 20, 11, 4), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_key_len, 20);
    MT_EQ_INT(p.rtp_tag_len, 4);
    /* Param 11 present: param 3 = 10 is a key length after all. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(3, 10, 11, 10), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.auth_key_len, 10);
    /* RFC 4771 per-direction tag lengths: the RFC 4568 _32 suite. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(18, 4, 19, 10), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.rtp_tag_len, 4);
    MT_EQ_INT(p.rtcp_tag_len, 10);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(14, 0, 15, 1), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.rtp_auth, 0);
    MT_EQ_INT(p.auth, MIKEY_SRTP_AUTH_HMAC_SHA1);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(14, 1, 15, 0), 0, &p), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(16, 20, 17, 32), 0, &p), MIKEY_ERR_UNSUPPORTED);
    /* On/off flags, KDR as an integer. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(7, 0, 8, 0, 10, 0, 6, 256), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.rtp_encrypt, 0);
    MT_EQ_INT(p.rtcp_encrypt, 0);
    MT_EQ_INT(p.rtp_auth, 0);
    MT_EQ_INT(p.kdr, 256);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(6, 1 << 24), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.kdr, 1 << 24);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(6, 3), 0, &p), MIKEY_ERR_POLICY);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(7, 2), 0, &p), MIKEY_ERR_FIELD);
    /* Other ciphers. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 2), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_AES_F8_128);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 2, 1, 32), 0, &p), MIKEY_ERR_FIELD);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 1, 1, 24), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_AES_CM_192);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 1, 1, 20), 0, &p), MIKEY_ERR_FIELD);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 0, 2, 0), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_NULL);
    MT_EQ_INT(p.auth, MIKEY_SRTP_AUTH_NULL);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(4, 12), 0, &p), MIKEY_ERR_FIELD);
    /* What this engine does not implement. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(2, 2), 0, &p), MIKEY_ERR_UNSUPPORTED);  /* RCCm1 */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 3), 0, &p), MIKEY_ERR_UNSUPPORTED);  /* SEED-CTR */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 7), 0, &p), MIKEY_ERR_UNSUPPORTED);  /* ARIA-CTR */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(5, 1), 0, &p), MIKEY_ERR_UNSUPPORTED);  /* SEED PRF */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(12, 4), 0, &p), MIKEY_ERR_UNSUPPORTED); /* prefix */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(9, 1), 0, &p), MIKEY_ERR_UNSUPPORTED);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(200, 9), 0, &p), MIKEY_OK); /* unassigned: ignored */
    b.sp.prot_type = MIKEY_PROT_TESLA;
    MT_EQ_INT(mikey_srtp_policy_from_mikey(&b.sp, 0, &p), MIKEY_ERR_UNSUPPORTED);
    /* A value that is not 1 to 4 bytes. */
    mikey_sp_param raw = {11, {(const uint8_t *)"\x00\x00\x00\x00\x0a", 5}};
    size_t ol = 0;
    MT_REQUIRE(mikey_build_sp_params(&raw, 1, b.buf, sizeof b.buf, &ol) == MIKEY_OK);
    b.sp.prot_type = MIKEY_PROT_SRTP, b.sp.params.len = ol;
    MT_EQ_INT(mikey_srtp_policy_from_mikey(&b.sp, 0, &p), MIKEY_ERR_FIELD);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(NULL, 0, &p), MIKEY_ERR_INVALID_ARG);
}

static void test_sp_gcm(void)
{
    spb b;
    mikey_srtp_policy p;
    /* RFC 7714 §15 table 4. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 1, 16, 20, 16), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_AES_GCM_128);
    MT_EQ_INT(p.rtp_tag_len, 16);
    MT_EQ_INT(p.rtcp_tag_len, 16);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 1, 32), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.cipher, MIKEY_SRTP_CIPHER_AES_GCM_256);
    MT_EQ_INT(p.rtp_tag_len, 16); /* default AEAD tag */
    /* Auth params do not apply to an AEAD (§14.3): a stray 2/3/11 is ignored. */
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 2, 1, 3, 20, 11, 4, 20, 8), 0, &p), MIKEY_OK);
    MT_EQ_INT(p.rtp_tag_len, 8);
    MT_EQ_INT(p.auth, MIKEY_SRTP_AUTH_NULL);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 20, 10), 0, &p), MIKEY_ERR_POLICY);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 1, 24), 0, &p), MIKEY_ERR_FIELD);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 4, 12), 0, &p), MIKEY_OK);
    MT_EQ_INT(mikey_srtp_policy_from_mikey(SP(0, 6, 5, 1), 0, &p), MIKEY_ERR_UNSUPPORTED); /* PRF must be AES-CM */
}

static void test_key_from_mikey(void)
{
    uint8_t tek[46], salt[14], spi[4] = {0, 0, 0, 1};
    for (int i = 0; i < 46; i++)
        tek[i] = (uint8_t)i;
    memset(salt, 0xee, sizeof salt);
    mikey_srtp_policy p;
    mikey_srtp_key k;
    mikey_span none = {NULL, 0};
    mikey_srtp_policy_suite(&p, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 30}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.key_len, 16);
    MT_CHECK(k.salt == tek + 16 && k.salt_len == 14 && k.mki == NULL);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 16}, (mikey_span){salt, 14}, none, &k), MIKEY_OK);
    MT_CHECK(k.salt == salt && k.key_len == 16);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 31}, none, none, &k), MIKEY_ERR_LENGTH);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 16}, none, none, &k), MIKEY_ERR_LENGTH);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 16}, (mikey_span){salt, 12}, none, &k),
              MIKEY_ERR_LENGTH);
    /* The KV SPI is the MKI: its length must be the policy's. */
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 30}, none, (mikey_span){spi, 4}, &k), MIKEY_ERR_LENGTH);
    p.mki_len = 4;
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 30}, none, (mikey_span){spi, 4}, &k), MIKEY_OK);
    MT_CHECK(k.mki == spi);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 30}, none, none, &k), MIKEY_ERR_LENGTH);
    mikey_srtp_policy_suite(&p, MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 46}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.key_len, 32);
    /* GCM: 96-bit salt (RFC 7714 §12), a 14-byte one accepted too. */
    mikey_srtp_policy_suite(&p, MIKEY_SRTP_AEAD_AES_128_GCM);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 28}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.salt_len, 12);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 30}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.salt_len, 14);
    mikey_srtp_policy_suite(&p, MIKEY_SRTP_AEAD_AES_256_GCM);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 44}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.key_len, 32);
    /* NULL cipher: the master key length sizes the PRF. */
    mikey_srtp_policy_suite(&p, MIKEY_SRTP_NULL_HMAC_SHA1_80);
    MT_EQ_INT(mikey_srtp_key_from_mikey(&p, (mikey_span){tek, 46}, none, none, &k), MIKEY_OK);
    MT_EQ_INT(k.key_len, 32);
}

static void test_stream_from_mikey(void)
{
    spb b;
    uint8_t tek[30], spi[4] = {0, 0, 0, 1};
    memset(tek, 0x42, sizeof tek);
    mikey_srtp_policy p;
    mikey_srtp_key k;
    mikey_srtp_stream_params sp;
    mikey_span none = {NULL, 0};
    /* Live555 style: KV = SPI with a 4-byte MKI, SP 3 = 20. */
    MT_EQ_INT(mikey_srtp_stream_from_mikey(SP(0, 1, 1, 16, 2, 1, 3, 20), 0, (mikey_span){tek, 30}, none,
                                           (mikey_span){spi, 4}, 0x1234, 7, MIKEY_SRTP_OUTBOUND, &p, &k, &sp),
              MIKEY_OK);
    MT_EQ_INT(p.mki_len, 4);
    MT_CHECK(k.mki == spi && sp.policy == &p && sp.keys == &k && sp.nkeys == 1);
    MT_EQ_INT(sp.ssrc, 0x1234);
    MT_EQ_INT(sp.roc, 7);
    MT_EQ_INT(sp.any_ssrc, 0);
    mikey_srtp *s = NULL;
    MT_REQUIRE(mikey_srtp_new(NULL, NULL, &s) == MIKEY_OK);
    MT_EQ_INT(mikey_srtp_add_stream(s, &sp), MIKEY_OK);
    uint8_t pkt[64], out[128];
    size_t n = make_rtp(pkt, 1, 1, 0x1234, (const uint8_t *)"abc", 3), ol;
    MT_EQ_INT(mikey_srtp_protect(s, pkt, n, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(ol, n + 4 + 10);
    MT_MEMEQ(out + n, 4, spi, 4);
    mikey_srtp_free(s);
    /* SSRC 0: the initiator does not know it yet (RFC 3830 §6.1.1). */
    MT_EQ_INT(mikey_srtp_stream_from_mikey(SP(0, 1), 0, (mikey_span){tek, 30}, none, none, 0, 0, MIKEY_SRTP_INBOUND,
                                           &p, &k, &sp),
              MIKEY_OK);
    MT_EQ_INT(sp.any_ssrc, 1);
    MT_EQ_INT(mikey_srtp_stream_from_mikey(SP(0, 1), 0, (mikey_span){tek, 29}, none, none, 0, 0, MIKEY_SRTP_INBOUND,
                                           &p, &k, &sp),
              MIKEY_ERR_LENGTH);
    MT_EQ_INT(mikey_srtp_stream_from_mikey(SP(2, 3), 0, (mikey_span){tek, 30}, none, none, 0, 0, MIKEY_SRTP_INBOUND,
                                           &p, &k, &sp),
              MIKEY_ERR_UNSUPPORTED);
}

MT_MAIN(test_real_camera_messages, test_sp_defaults_and_quirks, test_sp_gcm, test_key_from_mikey,
        test_stream_from_mikey)
