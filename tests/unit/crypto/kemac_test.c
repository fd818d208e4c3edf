/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KEMAC encryption and MAC (RFC 3830 §4.2.3-4.2.4, RFC 6043 §6.2-6.3)
 * against tests/vectors/mikey/kemac.txt: concrete PSK I_MESSAGEs whose keys,
 * IV, Encr data and MAC were computed independently (Python hashlib/hmac
 * and `openssl enc`, tests/vectors/mikey/gen_independent.py). Plus the T
 * expansion rules (INTEROP.md §1 item 3), MAC verification and errors.
 */
#include "crypto/crypto.h"
#include "mt.h"
#include "vec.h"

static const mk_crypto_ops *ops;

static void test_kemac_vectors(void)
{
    vec_file f;
    vec_block b;
    int count = 0;
    if (!vec_open(&f, "tests/vectors/mikey/kemac.txt"))
        return;
    while (vec_next(&f, &b)) {
        VEC_CTX_BEGIN();
        size_t pl, tl, rl, el, sl, al, ivl, xl, cl, ml, macl;
        unsigned prf = (unsigned)vec_num(&b, "prf", 10);
        unsigned ea = (unsigned)vec_num(&b, "encr_alg", 10), ma = (unsigned)vec_num(&b, "mac_alg", 10);
        uint32_t csb = (uint32_t)vec_num(&b, "csb_id", 16);
        uint8_t *psk = vec_hex(&b, "psk", &pl), *t64 = vec_hex(&b, "t64", &tl), *rand = vec_hex(&b, "rand", &rl);
        uint8_t *ek = vec_hex(&b, "encr_key", &el), *salt = vec_hex(&b, "salt", &sl);
        uint8_t *ak = vec_hex(&b, "auth_key", &al), *iv = vec_hex(&b, "iv", &ivl);
        uint8_t *plain = vec_hex(&b, "plain", &xl), *encr = vec_hex(&b, "encr", &cl);
        uint8_t *msg = vec_hex(&b, "msg", &ml), *mac = vec_hex(&b, "mac", &macl);

        /* §4.1.4 keys from the PSK. */
        mk_msg_keys k;
        mikey_span rs = {rand, rl};
        MT_EQ_INT(mk_derive_msg_keys(ops, prf, psk, pl, csb, rs, ea, ma, &k), MIKEY_OK);
        MT_MEMEQ(k.encr_key, k.encr_len, ek, el);
        MT_MEMEQ(k.salt, k.salt_len, salt, sl);
        MT_MEMEQ(k.auth_key, k.auth_len, ak, al);

        /* T from the T payload (NTP-UTC: as is). */
        uint8_t t[8];
        mikey_span tv = {t64, tl};
        MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP_UTC, tv, t), MIKEY_OK);
        MT_MEMEQ(t, 8, t64, tl);

        /* Encr data. */
        uint8_t out[128], back[128];
        size_t ol = 0, bl = 0;
        MT_EQ_INT(mk_kemac_encrypt(ops, ea, &k, csb, t, plain, xl, out, sizeof out, &ol), MIKEY_OK);
        MT_MEMEQ(out, ol, encr, cl);
        MT_EQ_INT(mk_kemac_decrypt(ops, ea, &k, csb, t, encr, cl, back, sizeof back, &bl), MIKEY_OK);
        MT_MEMEQ(back, bl, plain, xl);
        /* For AES-CM the vector's IV, fed to the raw keystream, gives the
         * same bytes: the IV construction is the one the vector names. */
        if (ea != MIKEY_ENCR_AES_KW_128) {
            MT_EQ_INT(ops->aes_cm(ek, el, iv, plain, out, xl), MIKEY_OK);
            MT_MEMEQ(out, xl, encr, cl);
            /* A different T or CSB ID changes the ciphertext. */
            uint8_t t2[8];
            memcpy(t2, t, 8);
            t2[7] ^= 1;
            MT_EQ_INT(mk_kemac_encrypt(ops, ea, &k, csb, t2, plain, xl, out, sizeof out, &ol), MIKEY_OK);
            MT_CHECK(memcmp(out, encr, cl) != 0);
            MT_EQ_INT(mk_kemac_encrypt(ops, ea, &k, csb ^ 0x100, t, plain, xl, out, sizeof out, &ol), MIKEY_OK);
            MT_CHECK(memcmp(out, encr, cl) != 0);
        } else {
            /* Key wrap integrity: any flipped byte fails, output wiped. */
            for (size_t i = 0; i < cl; i++) {
                memcpy(out, encr, cl);
                out[i] ^= 0x40;
                memset(back, 0x11, sizeof back);
                MT_EQ_INT(mk_kemac_decrypt(ops, ea, &k, csb, t, out, cl, back, sizeof back, &bl), MIKEY_ERR_DECRYPT);
                MT_CHECK(back[0] != 0x11 || cl - 8 == 0);
            }
        }

        /* MAC over the whole message up to the MAC (RFC 3830 §5.2, PSK). */
        uint8_t m[MK_MAX_MAC_LEN];
        mikey_span mp = {msg, ml};
        MT_EQ_INT(ops->hmac(ma, k.auth_key, k.auth_len, &mp, 1, m), MIKEY_OK);
        MT_MEMEQ(m, (size_t)mikey_mac_len(ma), mac, macl);
        MT_EQ_INT(mk_mac_verify(ops, ma, k.auth_key, k.auth_len, &mp, 1, mac), MIKEY_OK);
        for (size_t i = 0; i < macl; i++) {
            mac[i] ^= 0x01;
            MT_EQ_INT(mk_mac_verify(ops, ma, k.auth_key, k.auth_len, &mp, 1, mac), MIKEY_ERR_AUTH);
            mac[i] ^= 0x01;
        }
        for (size_t i = 0; i < ml; i += 7) {
            msg[i] ^= 0x80;
            MT_EQ_INT(mk_mac_verify(ops, ma, k.auth_key, k.auth_len, &mp, 1, mac), MIKEY_ERR_AUTH);
            msg[i] ^= 0x80;
        }

        /* The generator's message is a real MIKEY message: our wire codec
         * parses msg || MAC and finds the same KEMAC fields. */
        uint8_t *full = malloc(ml + macl);
        memcpy(full, msg, ml);
        memcpy(full + ml, mac, macl);
        mikey_msg *pm = NULL;
        MT_EQ_INT(mikey_msg_parse(NULL, full, ml + macl, NULL, &pm, NULL), MIKEY_OK);
        if (pm) {
            const mikey_payload *kp = mikey_msg_find(pm, MIKEY_PT_KEMAC, 0);
            const mikey_payload *tp = mikey_msg_find(pm, MIKEY_PT_T, 0);
            MT_CHECK(kp && tp);
            if (kp && tp) {
                MT_EQ_INT(kp->u.kemac.encr_alg, ea);
                MT_MEMEQ(kp->u.kemac.encr_data.p, kp->u.kemac.encr_data.len, encr, cl);
                MT_MEMEQ(kp->u.kemac.mac.p, kp->u.kemac.mac.len, mac, macl);
                MT_MEMEQ(tp->u.ts.value.p, tp->u.ts.value.len, t64, tl);
                /* MAC input = message minus the trailing MAC field. */
                MT_EQ_INT(kp->raw.p + kp->raw.len - full, ml + macl);
            }
            mikey_msg_free(pm);
        }
        free(full);
        VEC_CTX_END("kemac.txt vector at line %d", b.line);
        mk_msg_keys_wipe(&k);
        free(psk), free(t64), free(rand), free(ek), free(salt), free(ak), free(iv), free(plain), free(encr);
        free(msg), free(mac);
        count++;
    }
    vec_close(&f);
    MT_CHECK(count >= 4);
}

/* INTEROP.md §1 item 3 / RFC 6043 §6.3. */
static void test_ts_to_t64(void)
{
    static const uint8_t v8[8] = {1, 2, 3, 4, 5, 6, 7, 8}, v4[4] = {0xDE, 0xAD, 0xBE, 0xEF};
    uint8_t out[8];
    mikey_span s8 = {v8, 8}, s4 = {v4, 4};
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP_UTC, s8, out), MIKEY_OK);
    MT_MEMEQ(out, 8, v8, 8);
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP, s8, out), MIKEY_OK);
    MT_MEMEQ(out, 8, v8, 8);
    static const uint8_t left[8] = {0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0}, right[8] = {0, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF};
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP_UTC_32, s4, out), MIKEY_OK);
    MT_MEMEQ(out, 8, left, 8);
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_COUNTER, s4, out), MIKEY_OK);
    MT_MEMEQ(out, 8, right, 8);
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP_UTC, s4, out), MIKEY_ERR_LENGTH);
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_COUNTER, s8, out), MIKEY_ERR_LENGTH);
    MT_EQ_INT(mk_ts_to_t64(MIKEY_TS_NTP_UTC_32, s8, out), MIKEY_ERR_LENGTH);
    MT_EQ_INT(mk_ts_to_t64(9, s8, out), MIKEY_ERR_UNSUPPORTED);
}

/* The AES-CM IV (RFC 3830 §4.2.3) by hand: with an all-zero key stream
 * input, decrypting ciphertext made with a hand-built IV must succeed. */
static void test_cm_iv_layout(void)
{
    mk_msg_keys k;
    memset(&k, 0, sizeof k);
    k.encr_len = 16;
    k.salt_len = 14;
    for (int i = 0; i < 16; i++)
        k.encr_key[i] = (uint8_t)(0x10 + i);
    for (int i = 0; i < 14; i++)
        k.salt[i] = (uint8_t)(0xF0 + i);
    static const uint8_t t[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    uint32_t csb = 0xA0B0C0D0;
    /* IV = (S XOR (0x0000 || CSB ID || T)) || 0x0000 */
    uint8_t iv[16] = {0xF0, 0xF1, 0xF2 ^ 0xA0, 0xF3 ^ 0xB0, 0xF4 ^ 0xC0, 0xF5 ^ 0xD0, 0xF6 ^ 0x11, 0xF7 ^ 0x22,
                      0xF8 ^ 0x33, 0xF9 ^ 0x44, 0xFA ^ 0x55, 0xFB ^ 0x66, 0xFC ^ 0x77, 0xFD ^ 0x88, 0, 0};
    uint8_t zeros[40] = {0}, ks[40], out[40];
    size_t ol;
    MT_EQ_INT(ops->aes_cm(k.encr_key, 16, iv, zeros, ks, sizeof ks), MIKEY_OK);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_CM_128, &k, csb, t, zeros, sizeof zeros, out, sizeof out, &ol),
              MIKEY_OK);
    MT_EQ_INT(ol, sizeof zeros);
    MT_MEMEQ(out, ol, ks, sizeof ks);
}

static void test_kemac_errors(void)
{
    mk_msg_keys k;
    uint8_t key[16] = {1};
    mikey_span rs = {key, 16};
    uint8_t t[8] = {0}, in[24] = {0}, out[64];
    size_t ol = 0;
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 16, 7, rs, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA1_160, &k),
              MIKEY_OK);
    /* Output too small: NOBUF with the needed size. */
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_CM_128, &k, 7, t, in, 20, out, 19, &ol), MIKEY_ERR_NOBUF);
    MT_EQ_INT(ol, 20);
    /* Keys of the wrong algorithm. */
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_CM_256, &k, 7, t, in, 20, out, sizeof out, &ol),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, t, in, 16, out, sizeof out, &ol),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_kemac_encrypt(ops, 9, &k, 7, t, in, 16, out, sizeof out, &ol), MIKEY_ERR_ALGORITHM);
    /* NULL encryption copies. */
    in[0] = 0x5A;
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_NULL, &k, 7, t, in, 3, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(ol, 3);
    MT_EQ_INT(out[0], 0x5A);
    mk_msg_keys_wipe(&k);

    /* AES-KW lengths and NOBUF. */
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 16, 7, rs, MIKEY_ENCR_AES_KW_128, MIKEY_MAC_NULL, &k), MIKEY_OK);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, t, in, 20, out, sizeof out, &ol),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, t, in, 8, out, sizeof out, &ol),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, t, in, 16, out, 23, &ol), MIKEY_ERR_NOBUF);
    MT_EQ_INT(ol, 24);
    MT_EQ_INT(mk_kemac_encrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, NULL, in, 16, out, sizeof out, &ol), MIKEY_OK);
    MT_EQ_INT(ol, 24);
    uint8_t back[24];
    size_t bl;
    MT_EQ_INT(mk_kemac_decrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, NULL, out, 24, back, 15, &bl), MIKEY_ERR_NOBUF);
    MT_EQ_INT(bl, 16);
    MT_EQ_INT(mk_kemac_decrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, NULL, out, 16, back, sizeof back, &bl),
              MIKEY_ERR_DECRYPT);
    MT_EQ_INT(mk_kemac_decrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, NULL, out, 23, back, sizeof back, &bl),
              MIKEY_ERR_DECRYPT);
    MT_EQ_INT(mk_kemac_decrypt(ops, MIKEY_ENCR_AES_KW_128, &k, 7, NULL, out, 24, back, sizeof back, &bl), MIKEY_OK);
    MT_EQ_INT(bl, 16);
    mk_msg_keys_wipe(&k);

    /* MAC: NULL is refused, unknown refused, empty key allowed. */
    uint8_t mac[32] = {0};
    mikey_span p = {in, 4};
    MT_EQ_INT(mk_mac_verify(ops, MIKEY_MAC_NULL, key, 16, &p, 1, mac), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_mac_verify(ops, 3, key, 16, &p, 1, mac), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_mac_verify(ops, MIKEY_MAC_HMAC_SHA256_256, key, 16, &p, 1, mac), MIKEY_ERR_AUTH);
}

int main(void)
{
    ops = mk_crypto_ossl();
    static void (*const fns[])(void) = {test_kemac_vectors, test_ts_to_t64, test_cm_iv_layout, test_kemac_errors};
    return mt_run("test_kemac_vectors, test_ts_to_t64, test_cm_iv_layout, test_kemac_errors", fns,
                  MK_ARRAY_LEN(fns));
}
