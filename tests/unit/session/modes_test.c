/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every mode, initiator <-> responder: the exchange succeeds and both sides
 * hold the same keys. Where the inputs are known (level-2 TGK / PSK) the
 * keys and the wire authentication are recomputed independently in the
 * test from the RFC text with OpenSSL (PRF §4.1.2, labels §4.1.3-4.1.4,
 * AES-CM IV §4.2.3, MAC/V coverage §5.2, SIGN coverage §5.2 and RFC 4738
 * §3.6), never taken from the code under test.
 */
#include "sess_env.h"
#include "session/session_int.h"

#define C_TEK 0x2AD01C64u
#define C_SALT 0x39A2C14Bu
#define C_ENCR 0x150533E1u
#define C_AUTH 0x2D22AC75u
#define C_ESALT 0x29B88916u

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

/* Independent check of a PSK I_MESSAGE (AES-CM-128 / HMAC-SHA-1-160, PRF
 * MIKEY-1): MAC over the whole message but the MAC field, AES-CM with
 * IV = (S xor (0x0000 || CSB ID || T)) || 0x0000, plaintext = Key data
 * with the TGK we chose. */
static void check_psk_wire(const uint8_t *m, size_t len, const uint8_t *psk, size_t psklen, const uint8_t *tgk,
                           size_t tgklen)
{
    mikey_msg *msg = parse(m, len);
    if (!msg)
        return;
    const mikey_hdr *h = mikey_msg_hdr(msg);
    const mikey_payload *r = mikey_msg_find(msg, MIKEY_PT_RAND, 0), *t = mikey_msg_find(msg, MIKEY_PT_T, 0);
    const mikey_payload *k = mikey_msg_find(msg, MIKEY_PT_KEMAC, 0);
    MT_CHECK(r && t && k);
    MT_EQ_INT(k->u.kemac.encr_alg, MIKEY_ENCR_AES_CM_128);
    MT_EQ_INT(k->u.kemac.mac_alg, MIKEY_MAC_HMAC_SHA1_160);
    uint8_t auth[20], ek[16], salt[14], mac[20];
    unsigned ml = 0;
    ind_env_key(psk, psklen, C_AUTH, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, auth, 20);
    ind_env_key(psk, psklen, C_ENCR, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, ek, 16);
    ind_env_key(psk, psklen, C_ESALT, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, salt, 14);
    HMAC(EVP_sha1(), auth, 20, m, len - 20, mac, &ml);
    MT_MEMEQ(m + len - 20, 20, mac, 20);
    uint8_t iv[16] = {0};
    memcpy(iv, salt, 14);
    for (int i = 0; i < 4; i++)
        iv[2 + i] ^= (uint8_t)(h->csb_id >> (24 - 8 * i));
    for (int i = 0; i < 8; i++)
        iv[6 + i] ^= t->u.ts.value.p[i];
    uint8_t plain[512];
    int outl = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, ek, iv);
    EVP_EncryptUpdate(c, plain, &outl, k->u.kemac.encr_data.p, (int)k->u.kemac.encr_data.len);
    EVP_CIPHER_CTX_free(c);
    /* Key data: Next 0, Type TGK / KV NULL, len, key */
    MT_EQ_INT(plain[0], 0);
    MT_EQ_INT(plain[1], MIKEY_KEY_TGK << 4);
    MT_EQ_INT(plain[2] << 8 | plain[3], tgklen);
    MT_MEMEQ(plain + 4, tgklen, tgk, tgklen);
    mikey_msg_free(msg);
}

/* The SRTP keys of every CS recomputed from the TGK (§4.1.3). */
static void check_tgk_keys(const mikey_ctx *ctx, const uint8_t *imsg, size_t ilen, const uint8_t *tgk, size_t tgklen)
{
    mikey_msg *msg = parse(imsg, ilen);
    if (!msg)
        return;
    const mikey_hdr *h = mikey_msg_hdr(msg);
    const mikey_payload *r = mikey_msg_find(msg, MIKEY_PT_RAND, 0);
    MT_REQUIRE(r != NULL);
    for (size_t i = 0; i < mikey_ctx_cs_count(ctx); i++) {
        mikey_cs_keys k;
        uint8_t tek[32], salt[14];
        MT_CHECK(mikey_ctx_cs_keys(ctx, i, &k) == MIKEY_OK);
        ind_tgk_key(tgk, tgklen, C_TEK, (uint8_t)(i + 1), h->csb_id, r->u.rand.data.p, r->u.rand.data.len, tek,
                    k.master_key_len);
        ind_tgk_key(tgk, tgklen, C_SALT, (uint8_t)(i + 1), h->csb_id, r->u.rand.data.p, r->u.rand.data.len, salt,
                    14);
        MT_MEMEQ(k.master_key, k.master_key_len, tek, k.master_key_len);
        MT_MEMEQ(k.master_salt, k.master_salt_len, salt, 14);
    }
    mikey_msg_free(msg);
}

static const uint8_t TGK16[16] = {0x51, 0x7a, 0x03, 0xc4, 0x9e, 0x11, 0x28, 0xbd,
                                  0x6f, 0x40, 0xe2, 0x37, 0x85, 0xda, 0x0c, 0x99};

static void test_psk_with_v(void)
{
    setup();
    mikey_stream_desc s[2] = {{0x11223344, 0, 0}, {0, 0, 0}}; /* second SSRC: a placeholder (§6.1.1) */
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 2);
    o.want_verification = 1;
    o.tgk = TGK16;
    o.tgk_len = sizeof TGK16;
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_CHECK(x.rlen > 0);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
    MT_EQ_INT(mikey_ctx_mode(B.ctx), MIKEY_MODE_PSK);
    MT_EQ_INT(mikey_ctx_csb_id(A.ctx), mikey_ctx_csb_id(B.ctx));
    MT_EQ_STR(mikey_ctx_peer_id(B.ctx), ALICE);
    MT_EQ_STR(mikey_ctx_peer_id(A.ctx), BOB);
    MT_EQ_INT(mikey_ctx_cs_count(A.ctx), 2);
    t_same_keys(A.ctx, B.ctx);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(A.ctx, 0, &k) == MIKEY_OK);
    MT_EQ_INT(k.ssrc, 0x11223344);
    MT_CHECK(mikey_ctx_cs_keys(A.ctx, 1, &k) == MIKEY_OK);
    MT_CHECK(k.ssrc != 0); /* filled by the responder, learnt from the response */
    MT_EQ_INT(k.master_key_len, 16);
    MT_EQ_INT(k.master_salt_len, 14);
    check_psk_wire(x.i, x.ilen, PSK_AB, sizeof PSK_AB - 1, TGK16, 16);
    check_tgk_keys(A.ctx, x.i, x.ilen, TGK16, 16);

    /* V (§5.2): MAC(R_MESSAGE without the MAC || IDi || IDr || T), key
     * derived from the PSK; recomputed here. */
    mikey_msg *im = parse(x.i, x.ilen), *rm = parse(x.r, x.rlen);
    MT_REQUIRE(im && rm);
    const mikey_payload *r = mikey_msg_find(im, MIKEY_PT_RAND, 0), *t = mikey_msg_find(im, MIKEY_PT_T, 0);
    MT_EQ_INT(mikey_msg_hdr(rm)->data_type, MIKEY_DT_PSK_RESP);
    const mikey_payload *rt = mikey_msg_find(rm, MIKEY_PT_T, 0);
    MT_MEMEQ(rt->u.ts.value.p, 8, t->u.ts.value.p, 8); /* the initiator's T reused */
    uint8_t auth[20], mac[20], buf[4096];
    unsigned ml = 0;
    ind_env_key(PSK_AB, sizeof PSK_AB - 1, C_AUTH, mikey_msg_hdr(im)->csb_id, r->u.rand.data.p, r->u.rand.data.len,
                auth, 20);
    size_t n = x.rlen - 20;
    memcpy(buf, x.r, n);
    memcpy(buf + n, ALICE, strlen(ALICE));
    n += strlen(ALICE);
    memcpy(buf + n, BOB, strlen(BOB));
    n += strlen(BOB);
    memcpy(buf + n, t->u.ts.value.p, 8);
    n += 8;
    HMAC(EVP_sha1(), auth, 20, buf, n, mac, &ml);
    MT_MEMEQ(x.r + x.rlen - 20, 20, mac, 20);
    /* the response map carries the SSRC the responder chose */
    mikey_srtp_cs cs;
    MT_CHECK(mikey_hdr_srtp_cs(mikey_msg_hdr(rm), 1, &cs) == MIKEY_OK);
    MT_EQ_INT(cs.ssrc, k.ssrc);
    mikey_msg_free(im);
    mikey_msg_free(rm);
    teardown();
}

static void test_psk_without_v(void)
{
    setup();
    mikey_stream_desc s[1] = {{0xabcdef01, 7, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_EQ_INT(x.rlen, 0); /* no response due */
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
    t_same_keys(A.ctx, B.ctx);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK);
    MT_EQ_INT(k.roc, 7);
    MT_EQ_INT(k.ssrc, 0xabcdef01);
    teardown();
}

/* Every KEMAC algorithm, MAC, PRF, salt transport and KV combination. */
static void test_psk_variants(void)
{
    static const unsigned encrs[] = {MIKEY_ENCR_AES_CM_128, MIKEY_ENCR_AES_KW_128, MIKEY_ENCR_AES_CM_256};
    static const unsigned macs[] = {MIKEY_MAC_HMAC_SHA1_160, MIKEY_MAC_HMAC_SHA256_256};
    int count = 0;
    for (size_t e = 0; e < 3; e++)
        for (size_t m = 0; m < 2; m++)
            for (unsigned prf = 0; prf < 2; prf++)
                for (int salt = 0; salt < 3; salt++)
                    for (size_t mki = 0; mki <= 4; mki += 4)
                        for (int v = 0; v < 2; v++) {
                            setup();
                            MT_CHECK(mikey_policy_set_kemac(A.pol, encrs[e], macs[m]) == MIKEY_OK);
                            MT_CHECK(mikey_policy_set_prf(A.pol, prf, 0) == MIKEY_OK);
                            mikey_stream_desc s[2] = {{0x01020304, 0, 0}, {0x05060708, 0, 0}};
                            mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 2);
                            o.salt_mode = salt;
                            o.mki_len = mki;
                            o.want_verification = v;
                            static xbuf x;
                            int rc = t_exchange(&A, &B, &o, &x);
                            if (encrs[e] == MIKEY_ENCR_AES_KW_128 && salt == 2) {
                                /* RFC 3394 wraps whole 64-bit blocks and RFC 3830
                                 * defines no padding: a 30-byte TEK cannot be
                                 * wrapped (docs/session.md). */
                                MT_EQ_INT(rc, MIKEY_ERR_INVALID_ARG);
                                MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_NEW);
                                count++;
                                teardown();
                                continue;
                            }
                            if (rc)
                                mt_fail(__FILE__, __LINE__, "encr %u mac %u prf %u salt %d mki %zu v %d: %s", encrs[e],
                                        macs[m], prf, salt, mki, v, mikey_err_name(rc));
                            MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
                            t_same_keys(A.ctx, B.ctx);
                            mikey_cs_keys k;
                            if (mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK) {
                                MT_EQ_INT(k.mki_len, mki);
                                if (mki)
                                    MT_EQ_INT(k.mki[mki - 1], 1); /* key generation 1 */
                            }
                            /* the PRF in the HDR is the one used */
                            mikey_msg *im = parse(x.i, x.ilen);
                            if (im) {
                                MT_EQ_INT(mikey_msg_hdr(im)->prf, prf);
                                MT_EQ_INT(mikey_msg_find(im, MIKEY_PT_KEMAC, 0)->u.kemac.encr_alg, encrs[e]);
                                mikey_msg_free(im);
                            }
                            count++;
                            teardown();
                        }
    MT_EQ_INT(count, 144);
}

/* salt_mode 2 (RTSP practice): one TEK = key || salt per crypto session. */
static void test_tek_key_salt(void)
{
    setup();
    static const uint8_t tek[30] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
    mikey_stream_desc s[1] = {{0x10000001, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    o.salt_mode = 2;
    o.tgk = tek;
    o.tgk_len = sizeof tek;
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK);
    MT_MEMEQ(k.master_key, k.master_key_len, tek, 16);
    MT_MEMEQ(k.master_salt, k.master_salt_len, tek + 16, 14);
    t_same_keys(A.ctx, B.ctx);
    teardown();

    /* TGK+SALT: the transported salt is the master salt of every CS. */
    setup();
    mikey_stream_desc s2[2] = {{0x10000001, 0, 0}, {0x10000002, 0, 0}};
    o = t_opts(MIKEY_MODE_PSK, BOB, s2, 2);
    o.salt_mode = 1;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    mikey_cs_keys k0, k1;
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k0) == MIKEY_OK && mikey_ctx_cs_keys(B.ctx, 1, &k1) == MIKEY_OK);
    MT_MEMEQ(k0.master_salt, 14, k1.master_salt, 14);
    MT_CHECK(memcmp(k0.master_key, k1.master_key, 16) != 0); /* TEKs differ per cs_id */
    teardown();
}

static void test_mikey_null(void)
{
    setup();
    MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_NULL)) == MIKEY_OK);
    static const uint8_t tek[30] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa,
                                    0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4,
                                    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe};
    mikey_stream_desc s[1] = {{0x696f1248, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_NULL, NULL, s, 1);
    o.salt_mode = 2;
    o.tgk = tek;
    o.tgk_len = 30;
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_EQ_INT(mikey_ctx_mode(B.ctx), MIKEY_MODE_NULL);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK);
    MT_MEMEQ(k.master_key, k.master_key_len, tek, 16);
    MT_MEMEQ(k.master_salt, k.master_salt_len, tek + 16, 14);
    t_same_keys(A.ctx, B.ctx);
    /* On the wire: PSK data type, KEMAC NULL/NULL with the key in the clear. */
    mikey_msg *m = parse(x.i, x.ilen);
    if (m) {
        MT_EQ_INT(mikey_msg_hdr(m)->data_type, MIKEY_DT_PSK_INIT);
        const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
        MT_EQ_INT(kp->u.kemac.encr_alg, 0);
        MT_EQ_INT(kp->u.kemac.mac_alg, 0);
        MT_EQ_INT(kp->u.kemac.encr_data.len, 4 + 30);
        MT_MEMEQ(kp->u.kemac.encr_data.p + 4, 30, tek, 30);
        mikey_msg_free(m);
    }
    teardown();

    /* With V: a V payload with the NULL auth alg. */
    setup();
    MT_CHECK(mikey_policy_set_modes(B.pol, MIKEY_MODE_BIT(MIKEY_MODE_NULL)) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_NULL, NULL, s, 1);
    o.want_verification = 1;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_CHECK(x.rlen > 0);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

static int verify_sig(X509 *cert, const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen, const EVP_MD *md)
{
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(c, NULL, md, NULL, pk) == 1 && EVP_DigestVerify(c, sig, siglen, data, len) == 1;
    EVP_MD_CTX_free(c);
    return ok;
}

/* PKE: envelope, KEMAC and signature checked independently (bob's private
 * key opens the envelope with OpenSSL). */
static void test_pke(void)
{
    for (int v = 0; v < 2; v++) {
        setup();
        mikey_stream_desc s[1] = {{0x0badcafe, 0, 0}};
        mikey_offer_opts o = t_opts(MIKEY_MODE_PKE, BOB, s, 1);
        o.want_verification = v;
        o.tgk = TGK16;
        o.tgk_len = 16;
        static xbuf x;
        MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
        MT_EQ_INT(x.rlen > 0, v);
        MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
        MT_EQ_STR(mikey_ctx_peer_id(B.ctx), ALICE);
        t_same_keys(A.ctx, B.ctx);
        check_tgk_keys(B.ctx, x.i, x.ilen, TGK16, 16);

        mikey_msg *m = parse(x.i, x.ilen);
        MT_REQUIRE(m != NULL);
        MT_CHECK(mikey_msg_find(m, MIKEY_PT_CERT, 0) != NULL);
        MT_CHECK(mikey_msg_find(m, MIKEY_PT_CHASH, 0) == NULL); /* one certificate known for bob */
        const mikey_payload *sg = mikey_msg_find(m, MIKEY_PT_SIGN, 0);
        /* SIGNi: whole message except the signature field, SHA-256 */
        MT_CHECK(verify_sig(pki.alice, x.i, x.ilen - sg->u.sign.sig.len, sg->u.sign.sig.p, sg->u.sign.sig.len,
                            EVP_sha256()));
        /* PKE: RSAES-PKCS1-v1_5 of the envelope key to bob */
        const mikey_payload *pp = mikey_msg_find(m, MIKEY_PT_PKE, 0);
        uint8_t env_key[256];
        size_t eklen = sizeof env_key;
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pki.bob_key, NULL);
        MT_CHECK(EVP_PKEY_decrypt_init(pc) == 1 && EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1);
        MT_CHECK(EVP_PKEY_decrypt(pc, env_key, &eklen, pp->u.pke.data.p, pp->u.pke.data.len) == 1);
        EVP_PKEY_CTX_free(pc);
        /* KEMAC MAC: over the KEMAC payload with Next payload 0, MAC excluded */
        const mikey_hdr *h = mikey_msg_hdr(m);
        const mikey_payload *r = mikey_msg_find(m, MIKEY_PT_RAND, 0), *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
        uint8_t auth[20], mac[20], buf[1024];
        unsigned ml = 0;
        ind_env_key(env_key, eklen, C_AUTH, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, auth, 20);
        memcpy(buf, kp->raw.p, kp->raw.len - 20);
        buf[0] = 0;
        HMAC(EVP_sha1(), auth, 20, buf, kp->raw.len - 20, mac, &ml);
        MT_MEMEQ(kp->u.kemac.mac.p, 20, mac, 20);
        /* Encr data = IDi || Key data (decrypted with AES-CM) */
        uint8_t ek[16], salt[14], iv[16] = {0}, plain[512];
        const mikey_payload *t = mikey_msg_find(m, MIKEY_PT_T, 0);
        ind_env_key(env_key, eklen, C_ENCR, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, ek, 16);
        ind_env_key(env_key, eklen, C_ESALT, h->csb_id, r->u.rand.data.p, r->u.rand.data.len, salt, 14);
        memcpy(iv, salt, 14);
        for (int i = 0; i < 4; i++)
            iv[2 + i] ^= (uint8_t)(h->csb_id >> (24 - 8 * i));
        for (int i = 0; i < 8; i++)
            iv[6 + i] ^= t->u.ts.value.p[i];
        int outl = 0;
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, ek, iv);
        EVP_EncryptUpdate(c, plain, &outl, kp->u.kemac.encr_data.p, (int)kp->u.kemac.encr_data.len);
        EVP_CIPHER_CTX_free(c);
        size_t il = strlen(ALICE);
        MT_EQ_INT(plain[0], MIKEY_PT_KEYDATA); /* ID, next = Key data */
        MT_EQ_INT(plain[1], MIKEY_ID_URI);
        MT_EQ_INT(plain[2] << 8 | plain[3], il);
        MT_MEMEQ(plain + 4, il, ALICE, il);
        MT_MEMEQ(plain + 4 + il + 4, 16, TGK16, 16);
        mikey_msg_free(m);
        teardown();
    }

    /* Several certificates known for bob: CHASH names the one used. */
    setup();
    MT_CHECK(t_add_peer(A.creds, BOB, pki.bob) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PKE, BOB, NULL, 0);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    mikey_msg *m = parse(x.i, x.ilen);
    if (m) {
        const mikey_payload *ch = mikey_msg_find(m, MIKEY_PT_CHASH, 0);
        MT_REQUIRE(ch != NULL);
        uint8_t der[4096], *p = der, h[20];
        int dl = i2d_X509(pki.bob, &p);
        SHA1(der, (size_t)dl, h);
        MT_MEMEQ(ch->u.chash.hash.p, ch->u.chash.hash.len, h, 20);
        mikey_msg_free(m);
    }
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
    teardown();

    /* AES-KW-128 and AES-CM-256 / HMAC-SHA-256-256 envelopes */
    for (int alg = 0; alg < 2; alg++) {
        setup();
        if (alg == 0)
            MT_CHECK(mikey_policy_set_kemac(A.pol, MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160) == MIKEY_OK);
        else
            MT_CHECK(mikey_policy_set_kemac(A.pol, MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA256_256) == MIKEY_OK);
        mikey_stream_desc s[3] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}};
        o = t_opts(MIKEY_MODE_PKE, BOB, s, 3);
        o.want_verification = 1;
        o.mki_len = 2;
        MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
        t_same_keys(A.ctx, B.ctx);
        teardown();
    }
}

static void check_signed(const uint8_t *msg, size_t len, X509 *signer)
{
    mikey_msg *m = parse(msg, len);
    if (!m)
        return;
    const mikey_payload *sg = mikey_msg_find(m, MIKEY_PT_SIGN, 0);
    MT_CHECK(sg != NULL);
    if (sg)
        MT_CHECK(verify_sig(signer, msg, len - sg->u.sign.sig.len, sg->u.sign.sig.p, sg->u.sign.sig.len,
                            EVP_sha256()));
    mikey_msg_free(m);
}

static void test_dh(void)
{
    static const unsigned groups[] = {MIKEY_DH_OAKLEY5, MIKEY_DH_OAKLEY1, MIKEY_DH_OAKLEY2};
    for (size_t g = 0; g < 3; g++) {
        for (int pre = 0; pre < 2; pre++) {
            setup();
            MT_CHECK(mikey_policy_set_dh(A.pol, groups[g], 7) == MIKEY_OK);
            if (pre) {
                MT_CHECK(mikey_policy_precompute_dh(A.pol, groups[g]) == MIKEY_OK);
                MT_CHECK(mikey_policy_precompute_dh(B.pol, groups[g]) == MIKEY_OK);
            }
            mikey_stream_desc s[2] = {{0x22222222, 0, 0}, {0, 0, 0}};
            mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, s, 2);
            static xbuf x;
            MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
            MT_CHECK(x.rlen > 0);
            MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
            MT_EQ_STR(mikey_ctx_peer_id(A.ctx), BOB);
            MT_EQ_STR(mikey_ctx_peer_id(B.ctx), ALICE);
            t_same_keys(A.ctx, B.ctx);
            check_signed(x.i, x.ilen, pki.alice);
            check_signed(x.r, x.rlen, pki.bob);
            mikey_msg *r = parse(x.r, x.rlen), *i = parse(x.i, x.ilen);
            if (r && i) {
                /* R = HDR, T, IDr, CERTr, IDi, DHr, DHi, SIGNr; DHi echoed */
                MT_EQ_INT(mikey_msg_hdr(r)->data_type, MIKEY_DT_DH_RESP);
                const mikey_payload *dhi = mikey_msg_find(i, MIKEY_PT_DH, 0);
                const mikey_payload *echo = mikey_msg_find(r, MIKEY_PT_DH, 1);
                MT_EQ_INT(dhi->u.dh.group, groups[g]);
                MT_EQ_INT(dhi->u.dh.value.len, mikey_dh_value_len(groups[g]));
                MT_MEMEQ(echo->u.dh.value.p, echo->u.dh.value.len, dhi->u.dh.value.p, dhi->u.dh.value.len);
                MT_CHECK(mikey_msg_find(r, MIKEY_PT_CERT, 0) != NULL);
                MT_MEMEQ(mikey_msg_find(r, MIKEY_PT_ID, 1)->u.id.data.p, strlen(ALICE), ALICE, strlen(ALICE));
            }
            mikey_msg_free(r);
            mikey_msg_free(i);
            teardown();
        }
    }
    /* RSASSA-PSS signatures on both sides */
    setup();
    MT_CHECK(mikey_policy_set_sign(A.pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256) == MIKEY_OK);
    MT_CHECK(mikey_policy_set_sign(B.pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    mikey_msg *m = parse(x.r, x.rlen);
    if (m) {
        MT_EQ_INT(mikey_msg_find(m, MIKEY_PT_SIGN, 0)->u.sign.s_type, MIKEY_SIGN_RSA_PSS);
        mikey_msg_free(m);
    }
    teardown();
    /* SHA-1 signer (RFC 3830 §4.2.1's default hash, minisip): accepted */
    setup();
    MT_CHECK(mikey_policy_set_sign(A.pol, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA1) == MIKEY_OK);
    o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    m = parse(x.i, x.ilen);
    if (m) {
        const mikey_payload *sg = mikey_msg_find(m, MIKEY_PT_SIGN, 0);
        MT_CHECK(verify_sig(pki.alice, x.i, x.ilen - sg->u.sign.sig.len, sg->u.sign.sig.p, sg->u.sign.sig.len,
                            EVP_sha1()));
        mikey_msg_free(m);
    }
    teardown();
}

static void test_dhhmac(void)
{
    for (unsigned prf = 0; prf < 2; prf++) {
        setup();
        MT_CHECK(mikey_policy_set_prf(A.pol, prf, 0) == MIKEY_OK);
        mikey_stream_desc s[1] = {{0x33333333, 0, 0}};
        mikey_offer_opts o = t_opts(MIKEY_MODE_DHHMAC, BOB, s, 1);
        o.sdp_ids = "mikey;sdes";
        static xbuf x;
        MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
        MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
        t_same_keys(A.ctx, B.ctx);
        MT_EQ_STR(mk_ctx_sdp_ids(B.ctx), "mikey;sdes");
        if (prf == 0) {
            /* HMAC over the whole message but the MAC, key from the PSK
             * (§4.1.4); both messages, the response keyed the same. */
            mikey_msg *m = parse(x.i, x.ilen);
            MT_REQUIRE(m != NULL);
            const mikey_payload *r = mikey_msg_find(m, MIKEY_PT_RAND, 0);
            const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
            MT_EQ_INT(kp->u.kemac.encr_alg, MIKEY_ENCR_NULL);
            MT_EQ_INT(kp->u.kemac.encr_data.len, 0);
            MT_EQ_INT(kp->u.kemac.mac_alg, MIKEY_MAC_HMAC_SHA1_160);
            uint8_t auth[20], mac[20];
            unsigned ml = 0;
            ind_env_key(PSK_AB, sizeof PSK_AB - 1, C_AUTH, mikey_msg_hdr(m)->csb_id, r->u.rand.data.p,
                        r->u.rand.data.len, auth, 20);
            HMAC(EVP_sha1(), auth, 20, x.i, x.ilen - 20, mac, &ml);
            MT_MEMEQ(x.i + x.ilen - 20, 20, mac, 20);
            HMAC(EVP_sha1(), auth, 20, x.r, x.rlen - 20, mac, &ml);
            MT_MEMEQ(x.r + x.rlen - 20, 20, mac, 20);
            mikey_msg_free(m);
        }
        teardown();
    }
}

static void test_rsar(void)
{
    setup();
    mikey_stream_desc s[2] = {{0x44444444, 0, 0}, {0, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_RSAR, BOB, s, 2);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
    MT_EQ_STR(mikey_ctx_peer_id(A.ctx), BOB);
    MT_EQ_STR(mikey_ctx_peer_id(B.ctx), ALICE);
    t_same_keys(A.ctx, B.ctx);
    check_signed(x.i, x.ilen, pki.alice);
    /* SIGNr: R_MESSAGE without the SIGN payload || IDi || IDr || T */
    mikey_msg *r = parse(x.r, x.rlen), *i = parse(x.i, x.ilen);
    if (r && i) {
        const mikey_payload *sg = mikey_msg_find(r, MIKEY_PT_SIGN, 0);
        MT_CHECK(mikey_msg_find(r, MIKEY_PT_RAND, 0) == NULL); /* the I_MESSAGE had one */
        MT_CHECK(mikey_msg_find(r, MIKEY_PT_SP, 0) != NULL);   /* the chosen policy */
        uint8_t buf[8192];
        size_t n = sg->offset;
        memcpy(buf, x.r, n);
        memcpy(buf + n, ALICE, strlen(ALICE));
        n += strlen(ALICE);
        memcpy(buf + n, BOB, strlen(BOB));
        n += strlen(BOB);
        memcpy(buf + n, mikey_msg_find(i, MIKEY_PT_T, 0)->u.ts.value.p, 8);
        n += 8;
        MT_CHECK(verify_sig(pki.bob, buf, n, sg->u.sign.sig.p, sg->u.sign.sig.len, EVP_sha256()));
        /* the RFC 3830 §5.2 reading (header kept) is NOT what RSA-R signs */
        MT_CHECK(!verify_sig(pki.bob, x.r, x.rlen - sg->u.sign.sig.len, sg->u.sign.sig.p, sg->u.sign.sig.len,
                             EVP_sha256()));
        mikey_srtp_cs cs;
        MT_CHECK(mikey_hdr_srtp_cs(mikey_msg_hdr(r), 1, &cs) == MIKEY_OK);
        MT_CHECK(cs.ssrc != 0);
    }
    mikey_msg_free(r);
    mikey_msg_free(i);
    teardown();
}

/* RFC 3830 §4.5: update on an established CSB, in every mode. */
static void test_rekey(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_DHHMAC,
                                     MIKEY_MODE_RSAR};
    for (size_t mi = 0; mi < 5; mi++) {
        for (int v = 0; v < 2; v++) {
            setup();
            mikey_stream_desc s[2] = {{0x55555555, 0, 0}, {0x66666666, 0, 0}};
            mikey_offer_opts o = t_opts(modes[mi], BOB, s, 2);
            o.want_verification = v;
            o.mki_len = 4;
            static xbuf x;
            MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
            mikey_cs_keys before;
            MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &before) == MIKEY_OK);
            uint32_t csb = mikey_ctx_csb_id(A.ctx);
            static uint8_t first_buf[16384];
            memcpy(first_buf, x.i, x.ilen);
            mikey_msg *first = parse(first_buf, x.ilen);

            int rc = mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen);
            /* while the update is pending, the keys in effect stay available */
            mikey_cs_keys pending;
            MT_EQ_INT(mikey_ctx_cs_count(A.ctx), 2);
            MT_CHECK(mikey_ctx_cs_keys(A.ctx, 0, &pending) == MIKEY_OK);
            if (mikey_ctx_state(A.ctx) == MIKEY_STATE_OFFERED)
                MT_MEMEQ(pending.master_key, 16, before.master_key, 16);
            if (rc == MIKEY_OK)
                rc = mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen);
            if (rc == MIKEY_OK && x.rlen)
                rc = mikey_finish(A.ctx, x.r, x.rlen);
            if (rc)
                mt_fail(__FILE__, __LINE__, "rekey %s v=%d: %s", mikey_mode_name(modes[mi]), v, mikey_err_name(rc));
            MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_ESTABLISHED);
            MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_ESTABLISHED);
            t_same_keys(A.ctx, B.ctx);
            mikey_cs_keys after;
            MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &after) == MIKEY_OK);
            MT_CHECK(memcmp(before.master_key, after.master_key, 16) != 0);
            MT_EQ_INT(mikey_ctx_csb_id(B.ctx), csb);
            if (modes[mi] == MIKEY_MODE_PSK || modes[mi] == MIKEY_MODE_PKE) {
                MT_EQ_INT(after.mki_len, 4);
                MT_EQ_INT(after.mki[3], 2); /* second key generation */
            }
            mikey_msg *upd = parse(x.i, x.ilen);
            if (upd && first) {
                MT_EQ_INT(mikey_msg_hdr(upd)->csb_id, csb);
                MT_CHECK(mikey_msg_find(upd, MIKEY_PT_RAND, 0) == NULL); /* "MUST NOT be included" */
                MT_CHECK(memcmp(mikey_msg_find(upd, MIKEY_PT_T, 0)->u.ts.value.p,
                                mikey_msg_find(first, MIKEY_PT_T, 0)->u.ts.value.p, 8) != 0); /* new T */
            }
            mikey_msg_free(upd);
            mikey_msg_free(first);
            teardown();
        }
    }
}

/* Initiator state exported between offer and finish (the CLI's case). */
static void test_export_import(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_DHHMAC,
                                     MIKEY_MODE_RSAR, MIKEY_MODE_NULL};
    for (size_t mi = 0; mi < 6; mi++) {
        setup();
        MT_CHECK(mikey_policy_set_modes(B.pol, 0x7e) == MIKEY_OK);
        mikey_stream_desc s[1] = {{0, 0, 0}};
        mikey_offer_opts o = t_opts(modes[mi], BOB, s, 1);
        o.want_verification = 1;
        static xbuf x;
        MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
        static uint8_t blob[8192];
        size_t bl = 0;
        MT_EQ_INT(mikey_ctx_export(A.ctx, NULL, 0, &bl), MIKEY_ERR_NOBUF);
        MT_CHECK(bl > 0 && bl <= sizeof blob);
        MT_EQ_INT(mikey_ctx_export(A.ctx, blob, sizeof blob, &bl), MIKEY_OK);
        mikey_ctx_free(A.ctx);
        A.ctx = NULL;
        MT_EQ_INT(mikey_ctx_import(&A.te.env, A.creds, A.pol, blob, bl, &A.ctx), MIKEY_OK);
        MT_REQUIRE(A.ctx != NULL);
        MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_OFFERED);
        MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
        int rc = mikey_finish(A.ctx, x.r, x.rlen);
        if (rc)
            mt_fail(__FILE__, __LINE__, "%s after import: %s", mikey_mode_name(modes[mi]), mikey_err_name(rc));
        t_same_keys(A.ctx, B.ctx);
        /* an established context too (for a later update) */
        MT_EQ_INT(mikey_ctx_export(A.ctx, blob, sizeof blob, &bl), MIKEY_OK);
        mikey_ctx *c2 = NULL;
        MT_EQ_INT(mikey_ctx_import(&A.te.env, A.creds, A.pol, blob, bl, &c2), MIKEY_OK);
        t_same_keys(c2, B.ctx);
        mikey_ctx_free(c2);
        mk_wipe(blob, sizeof blob);
        teardown();
    }
}

static void test_default_suites(void)
{
    /* Without configured SRTP policies the initiator offers the RFC 3711
     * default suite and the keys are AES-128 sized. */
    setup();
    mikey_stream_desc s[1] = {{9, 0, 0}};
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, s, 1);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    mikey_cs_keys k;
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK);
    mikey_srtp_params d;
    MT_CHECK(mikey_srtp_params_suite(&d, "AES_CM_128_HMAC_SHA1_80") == MIKEY_OK);
    MT_EQ_INT(k.srtp.present, d.present);
    MT_EQ_INT(k.srtp.auth_tag_len, 10);
    teardown();

    /* Configured suites: AES-256 and GCM sized keys and salts. */
    setup();
    mikey_srtp_params p256, gcm;
    MT_CHECK(mikey_srtp_params_suite(&p256, "AES_256_CM_HMAC_SHA1_80") == MIKEY_OK);
    MT_CHECK(mikey_srtp_params_suite(&gcm, "AEAD_AES_256_GCM") == MIKEY_OK);
    MT_CHECK(mikey_policy_add_srtp(A.pol, &p256) == MIKEY_OK && mikey_policy_add_srtp(A.pol, &gcm) == MIKEY_OK);
    MT_CHECK(mikey_policy_add_srtp(B.pol, &gcm) == MIKEY_OK && mikey_policy_add_srtp(B.pol, &p256) == MIKEY_OK);
    mikey_stream_desc s2[2] = {{1, 0, 0}, {2, 0, 1}};
    o = t_opts(MIKEY_MODE_DH, BOB, s2, 2);
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 0, &k) == MIKEY_OK);
    MT_EQ_INT(k.master_key_len, 32);
    MT_EQ_INT(k.master_salt_len, 14);
    MT_EQ_INT(k.policy_no, 0);
    MT_CHECK(mikey_ctx_cs_keys(B.ctx, 1, &k) == MIKEY_OK);
    MT_EQ_INT(k.master_key_len, 32);
    MT_EQ_INT(k.master_salt_len, 12);
    MT_EQ_INT(k.policy_no, 1);
    MT_EQ_INT(k.srtp.encr_alg, 6);
    teardown();
}

static void test_shared_replay_cache(void)
{
    /* Two responder contexts sharing one cache, each takes one exchange. */
    setup();
    mikey_replay *rc = NULL;
    MT_CHECK(mikey_replay_new(&B.te.env, 300, 16, &rc) == MIKEY_OK);
    MT_CHECK(mikey_ctx_set_replay(B.ctx, rc) == MIKEY_OK);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    static xbuf x;
    MT_EQ_INT(t_exchange(&A, &B, &o, &x), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(rc), 1);
    party_reset(&A);
    mikey_ctx *b2 = NULL;
    MT_CHECK(mikey_ctx_new(&B.te.env, B.creds, B.pol, &b2) == MIKEY_OK);
    MT_CHECK(mikey_ctx_set_replay(b2, rc) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(b2, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_replay_count(rc), 2);
    mikey_ctx_free(b2);
    mikey_ctx_free(B.ctx);
    B.ctx = NULL;
    mikey_replay_free(rc);
    teardown();
}

static void test_nobuf(void)
{
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_DH, BOB, NULL, 0);
    static xbuf x;
    size_t need = 0;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, 10, &need), MIKEY_ERR_NOBUF);
    MT_CHECK(need > 10);
    MT_EQ_INT(mikey_ctx_state(A.ctx), MIKEY_STATE_NEW);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, 20, &need), MIKEY_ERR_NOBUF);
    MT_CHECK(need > 20);
    MT_EQ_INT(mikey_ctx_state(B.ctx), MIKEY_STATE_NEW);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

/* Named leniency "V without identities" (minisip): a response whose V is
 * MAC(R_MESSAGE || T), recomputed here, is accepted; one with a wrong T in
 * the MAC input is not. */
static void test_v_without_identities(void)
{
    setup();
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    o.want_verification = 1;
    o.csb_id = 0x0abcdef0; /* level 2: the caller's CSB ID */
    static xbuf x;
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    MT_EQ_INT(mikey_ctx_csb_id(A.ctx), 0x0abcdef0);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    mikey_msg *im = parse(x.i, x.ilen);
    MT_REQUIRE(im != NULL);
    const mikey_payload *r = mikey_msg_find(im, MIKEY_PT_RAND, 0), *t = mikey_msg_find(im, MIKEY_PT_T, 0);
    uint8_t auth[20], buf[1024], t8[8];
    unsigned ml = 0;
    ind_env_key(PSK_AB, sizeof PSK_AB - 1, C_AUTH, 0x0abcdef0, r->u.rand.data.p, r->u.rand.data.len, auth, 20);
    memcpy(t8, t->u.ts.value.p, 8);
    mikey_msg_free(im);
    size_t n = x.rlen - 20;
    memcpy(buf, x.r, n);
    t8[7] ^= 1; /* first a wrong T: refused */
    memcpy(buf + n, t8, 8);
    HMAC(EVP_sha1(), auth, 20, buf, n + 8, x.r + n, &ml);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_ERR_AUTH);
    t8[7] ^= 1;
    memcpy(buf + n, t8, 8);
    HMAC(EVP_sha1(), auth, 20, buf, n + 8, x.r + n, &ml);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    MT_CHECK(strstr(A.te.log, "V without identities") != NULL);
    t_same_keys(A.ctx, B.ctx);
    teardown();
}

static void test_all_done(void) { pki_free(); }

MT_MAIN(test_psk_with_v, test_psk_without_v, test_psk_variants, test_tek_key_salt, test_mikey_null, test_pke,
        test_dh, test_dhhmac, test_rsar, test_rekey, test_export_import, test_default_suites,
        test_shared_replay_cache, test_nobuf, test_v_without_identities, test_all_done)
