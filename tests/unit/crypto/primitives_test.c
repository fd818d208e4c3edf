/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OpenSSL backend's symmetric primitives against published vectors:
 * HMAC-SHA-1 (RFC 2202 §3), HMAC-SHA-256 (RFC 4231 §4), SHA-1/SHA-256/MD5
 * (FIPS 180 "abc" examples, RFC 1321 §A.5), AES-CM keystream (RFC 3711
 * App. B.2, RFC 6188 §7.1), AES key wrap (RFC 3394 §4.1-4.6, from
 * tests/vectors/rfc3394/kw.txt) plus tamper and argument checks.
 */
#include "crypto/crypto.h"
#include "mt.h"
#include "vec.h"

static const mk_crypto_ops *ops;

static uint8_t *rep(uint8_t byte, size_t n)
{
    uint8_t *p = malloc(n);
    memset(p, byte, n);
    return p;
}

static void check_hmac(unsigned alg, const uint8_t *key, size_t keylen, const void *data, size_t datalen,
                       const char *expect_hex, size_t cmp_len, const char *what)
{
    size_t el;
    uint8_t *expect = mt_hex(expect_hex, &el);
    uint8_t out[MK_MAX_MAC_LEN];
    mikey_span part = {data, datalen};
    VEC_CTX_BEGIN();
    MT_EQ_INT(ops->hmac(alg, key, keylen, &part, 1, out), MIKEY_OK);
    MT_MEMEQ(out, cmp_len, expect, cmp_len);
    /* The same MAC over the data split in three parts (MAC coverage is a
     * list of pieces in MIKEY). */
    if (datalen >= 3) {
        mikey_span parts[3] = {{data, 1}, {(const uint8_t *)data + 1, datalen / 2},
                               {(const uint8_t *)data + 1 + datalen / 2, datalen - 1 - datalen / 2}};
        memset(out, 0, sizeof out);
        MT_EQ_INT(ops->hmac(alg, key, keylen, parts, 3, out), MIKEY_OK);
        MT_MEMEQ(out, cmp_len, expect, cmp_len);
    }
    free(expect);
    VEC_CTX_END("in %s", what);
}

/* RFC 2202 §3, HMAC-SHA-1 test cases 1-7 (case 5's full 160-bit digest). */
static void test_hmac_sha1_rfc2202(void)
{
    const unsigned A = MIKEY_MAC_HMAC_SHA1_160;
    uint8_t *k, *d;
    k = rep(0x0b, 20);
    check_hmac(A, k, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00", 20, "RFC 2202 case 1");
    free(k);
    check_hmac(A, (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
               "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", 20, "RFC 2202 case 2");
    k = rep(0xaa, 20);
    d = rep(0xdd, 50);
    check_hmac(A, k, 20, d, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3", 20, "RFC 2202 case 3");
    free(k);
    free(d);
    size_t kl;
    k = mt_hex("0102030405060708090a0b0c0d0e0f10111213141516171819", &kl);
    d = rep(0xcd, 50);
    check_hmac(A, k, kl, d, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da", 20, "RFC 2202 case 4");
    free(k);
    free(d);
    k = rep(0x0c, 20);
    check_hmac(A, k, 20, "Test With Truncation", 20, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04", 20,
               "RFC 2202 case 5");
    free(k);
    k = rep(0xaa, 80);
    check_hmac(A, k, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
               "aa4ae5e15272d00e95705637ce8a3b55ed402112", 20, "RFC 2202 case 6");
    check_hmac(A, k, 80, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", 73,
               "e8e99d0f45237d786d6bbaa7965c7808bbff1a91", 20, "RFC 2202 case 7");
    free(k);
}

/* RFC 4231 §4.2-4.8, HMAC-SHA-256 test cases 1-7 (case 5 is truncated to
 * 128 bits in the RFC, so only those are compared). */
static void test_hmac_sha256_rfc4231(void)
{
    const unsigned A = MIKEY_MAC_HMAC_SHA256_256;
    uint8_t *k, *d;
    size_t kl;
    k = rep(0x0b, 20);
    check_hmac(A, k, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32,
               "RFC 4231 case 1");
    free(k);
    check_hmac(A, (const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32, "RFC 4231 case 2");
    k = rep(0xaa, 20);
    d = rep(0xdd, 50);
    check_hmac(A, k, 20, d, 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32,
               "RFC 4231 case 3");
    free(k);
    free(d);
    k = mt_hex("0102030405060708090a0b0c0d0e0f10111213141516171819", &kl);
    d = rep(0xcd, 50);
    check_hmac(A, k, kl, d, 50, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32,
               "RFC 4231 case 4");
    free(k);
    free(d);
    k = rep(0x0c, 20);
    check_hmac(A, k, 20, "Test With Truncation", 20, "a3b6167473100ee06e0c796c2955552b", 16, "RFC 4231 case 5");
    free(k);
    k = rep(0xaa, 131);
    check_hmac(A, k, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32, "RFC 4231 case 6");
    const char *d7 = "This is a test using a larger than block-size key and a larger than block-size data. The key "
                     "needs to be hashed before being used by the HMAC algorithm.";
    check_hmac(A, k, 131, d7, strlen(d7), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32,
               "RFC 4231 case 7");
    free(k);
}

static void test_hmac_errors(void)
{
    uint8_t out[32];
    mikey_span part = {(const uint8_t *)"x", 1};
    MT_EQ_INT(ops->hmac(MIKEY_MAC_NULL, (const uint8_t *)"k", 1, &part, 1, out), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(ops->hmac(99, (const uint8_t *)"k", 1, &part, 1, out), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(ops->hmac(MIKEY_MAC_HMAC_SHA1_160, (const uint8_t *)"k", 1, &part, 1, NULL), MIKEY_ERR_INVALID_ARG);
    mikey_span bad = {NULL, 3};
    MT_EQ_INT(ops->hmac(MIKEY_MAC_HMAC_SHA1_160, (const uint8_t *)"k", 1, &bad, 1, out), MIKEY_ERR_INVALID_ARG);
    /* Empty key and empty message are legal HMAC inputs (RFC 2104 §2).
     * Independent value: python3 hmac.new(b"", b"", "sha1"). */
    MT_EQ_INT(ops->hmac(MIKEY_MAC_HMAC_SHA1_160, NULL, 0, NULL, 0, out), MIKEY_OK);
    size_t el;
    uint8_t *e = mt_hex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d", &el);
    MT_MEMEQ(out, 20, e, el);
    free(e);
}

/* FIPS 180-2 App. A.1 / B.1 ("abc") and RFC 1321 §A.5 (MD5 "abc"). */
static void test_digest(void)
{
    uint8_t out[32];
    size_t el;
    mikey_span abc[2] = {{(const uint8_t *)"a", 1}, {(const uint8_t *)"bc", 2}};
    struct {
        unsigned h;
        const char *hex;
    } v[] = {{MIKEY_HASH_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
             {MIKEY_HASH_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
             {MIKEY_HASH_MD5, "900150983cd24fb0d6963f7d28e17f72"}};
    for (size_t i = 0; i < MK_ARRAY_LEN(v); i++) {
        uint8_t *e = mt_hex(v[i].hex, &el);
        MT_EQ_INT(ops->digest(v[i].h, abc, 2, out), MIKEY_OK);
        MT_MEMEQ(out, (size_t)mikey_hash_len(v[i].h), e, el);
        free(e);
    }
    MT_EQ_INT(ops->digest(7, abc, 2, out), MIKEY_ERR_ALGORITHM);
}

/* Keystream check: encrypting zeros yields the keystream. Blocks 0-2 and
 * the last three of the 65282-block segment (RFC 3711 B.2: the counter
 * low 16 bits run 0000..FF01). */
static void check_cm(const char *key_hex, const char *const ks_first[3], const char *const ks_last[3], const char *what)
{
    VEC_CTX_BEGIN();
    size_t kl, il;
    uint8_t *key = mt_hex(key_hex, &kl);
    uint8_t *iv = mt_hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", &il);
    size_t n = 1044512; /* 65282 blocks */
    MT_EQ_INT(n, 65282 * 16);
    uint8_t *buf = calloc(1, n);
    MT_EQ_INT(ops->aes_cm(key, kl, iv, buf, buf, n), MIKEY_OK); /* in place */
    for (int i = 0; i < 3; i++) {
        size_t el;
        uint8_t *e = mt_hex(ks_first[i], &el);
        MT_MEMEQ(buf + 16 * i, 16, e, el);
        free(e);
        e = mt_hex(ks_last[i], &el);
        MT_MEMEQ(buf + n - 48 + 16 * i, 16, e, el);
        free(e);
    }
    /* Piecewise = whole: a second call over the tail with IV + 65279. */
    uint8_t iv2[16];
    memcpy(iv2, iv, 16);
    iv2[14] = 0xFE;
    iv2[15] = 0xFF;
    uint8_t tail[48] = {0};
    MT_EQ_INT(ops->aes_cm(key, kl, iv2, tail, tail, 48), MIKEY_OK);
    MT_MEMEQ(tail, 48, buf + n - 48, 48);
    free(buf);
    free(key);
    free(iv);
    VEC_CTX_END("in %s", what);
}

static void test_aes_cm_rfc3711_b2(void)
{
    static const char *const first[3] = {"E03EAD0935C95E80E166B16DD92B4EB4", "D23513162B02D0F72A43A2FE4A5F97AB",
                                         "41E95B3BB0A2E8DD477901E4FCA894C0"};
    static const char *const last[3] = {"EC8CDF7398607CB0F2D21675EA9EA1E4", "362B7C3C6773516318A077D7FC5073AE",
                                        "6A2CC3787889374FBEB4C81B17BA6C44"};
    check_cm("2B7E151628AED2A6ABF7158809CF4F3C", first, last, "RFC 3711 B.2");
}

static void test_aes_cm_rfc6188_7_1(void)
{
    static const char *const first[3] = {"92bdd28a93c3f52511c677d08b5515a4", "9da71b2378a854f67050756ded165bac",
                                         "63c4868b7096d88421b563b8c94c9a31"};
    static const char *const last[3] = {"cea518c90fd91ced9cbb18c078a54711", "3dbc4814f4da5f00a08772b63c6a046d",
                                        "6eb246913062a16891433e97dd01a57f"};
    check_cm("57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98", first, last, "RFC 6188 7.1");
}

static void test_aes_cm_errors(void)
{
    uint8_t key[32] = {0}, iv[16] = {0}, buf[20] = {0};
    MT_EQ_INT(ops->aes_cm(key, 15, iv, buf, buf, sizeof buf), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->aes_cm(key, 0, iv, buf, buf, sizeof buf), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->aes_cm(NULL, 16, iv, buf, buf, sizeof buf), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->aes_cm(key, 16, iv, buf, buf, 0), MIKEY_OK);
    /* Odd lengths work (counter mode is a stream cipher). */
    MT_EQ_INT(ops->aes_cm(key, 16, iv, buf, buf, 7), MIKEY_OK);
}

static void test_aes_kw_rfc3394(void)
{
    vec_file f;
    vec_block b;
    int count = 0;
    if (!vec_open(&f, "tests/vectors/rfc3394/kw.txt"))
        return;
    while (vec_next(&f, &b)) {
        size_t kl, il, dl, cl;
        uint8_t *kek = vec_hex(&b, "kek", &kl), *iv = vec_hex(&b, "iv", &il);
        uint8_t *data = vec_hex(&b, "key_data", &dl), *ct = vec_hex(&b, "ciphertext", &cl);
        VEC_CTX_BEGIN();
        uint8_t out[64], back[64];
        MT_EQ_INT(cl, dl + 8);
        MT_EQ_INT(ops->aes_kw_wrap(kek, kl, iv, data, dl, out), MIKEY_OK);
        MT_MEMEQ(out, dl + 8, ct, cl);
        MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, ct, cl, back), MIKEY_OK);
        MT_MEMEQ(back, dl, data, dl);
        /* Tamper every byte of the ciphertext: integrity failure, and the
         * output is wiped (never the unverified plaintext). */
        for (size_t i = 0; i < cl; i++) {
            memcpy(out, ct, cl);
            out[i] ^= 0x01;
            memset(back, 0x55, sizeof back);
            MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, out, cl, back), MIKEY_ERR_DECRYPT);
            for (size_t j = 0; j < dl; j++)
                if (back[j] != 0) {
                    mt_fail(__FILE__, __LINE__, "output not wiped after failed unwrap");
                    break;
                }
        }
        /* Wrong IV (MIKEY: S) and wrong KEK fail the same way. */
        uint8_t iv2[8];
        memcpy(iv2, iv, 8);
        iv2[7] ^= 0x80;
        MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv2, ct, cl, back), MIKEY_ERR_DECRYPT);
        kek[0] ^= 1;
        MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, ct, cl, back), MIKEY_ERR_DECRYPT);
        /* Truncated ciphertext. */
        MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, ct, cl - 8, back), MIKEY_ERR_DECRYPT);
        VEC_CTX_END("in RFC 3394 §%s (kw.txt line %d)", vec_get(&b, "section"), b.line);
        count++;
        free(kek);
        free(iv);
        free(data);
        free(ct);
    }
    vec_close(&f);
    MT_EQ_INT(count, 6);
}

static void test_aes_kw_custom_iv_and_lengths(void)
{
    /* RFC 3830 §4.2.3: IV = S. Cross-checked with `openssl enc
     * -id-aes128-wrap -iv 0102030405060708` on the RFC 3394 §4.1 inputs
     * (an external computation, see docs/vectors.md). */
    size_t kl, dl, el, il;
    uint8_t *kek = mt_hex("000102030405060708090A0B0C0D0E0F", &kl);
    uint8_t *data = mt_hex("00112233445566778899AABBCCDDEEFF", &dl);
    uint8_t *iv = mt_hex("0102030405060708", &il);
    uint8_t *e = mt_hex("1f0167d51c8f6e4eb1f0286f52cf9cf97d904baf9ddda8a4", &el);
    uint8_t out[32], back[32];
    MT_EQ_INT(ops->aes_kw_wrap(kek, kl, iv, data, dl, out), MIKEY_OK);
    MT_MEMEQ(out, 24, e, el);
    MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, out, 24, back), MIKEY_OK);
    MT_MEMEQ(back, 16, data, dl);
    /* Lengths: wrap needs a multiple of 8 and >= 16; unwrap >= 24. */
    MT_EQ_INT(ops->aes_kw_wrap(kek, kl, iv, data, 8, out), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->aes_kw_wrap(kek, kl, iv, data, 12, out), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, out, 16, back), MIKEY_ERR_DECRYPT);
    MT_EQ_INT(ops->aes_kw_unwrap(kek, kl, iv, out, 23, back), MIKEY_ERR_DECRYPT);
    MT_EQ_INT(ops->aes_kw_wrap(kek, 17, iv, data, dl, out), MIKEY_ERR_INVALID_ARG);
    free(kek);
    free(data);
    free(iv);
    free(e);
}

int main(void)
{
    ops = mk_crypto_ossl();
    static void (*const fns[])(void) = {test_hmac_sha1_rfc2202, test_hmac_sha256_rfc4231, test_hmac_errors,
                                        test_digest, test_aes_cm_rfc3711_b2, test_aes_cm_rfc6188_7_1,
                                        test_aes_cm_errors, test_aes_kw_rfc3394, test_aes_kw_custom_iv_and_lengths};
    return mt_run("test_hmac_sha1_rfc2202, test_hmac_sha256_rfc4231, test_hmac_errors, test_digest, "
                  "test_aes_cm_rfc3711_b2, test_aes_cm_rfc6188_7_1, test_aes_cm_errors, test_aes_kw_rfc3394, "
                  "test_aes_kw_custom_iv_and_lengths",
                  fns, MK_ARRAY_LEN(fns));
}
