/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MIKEY PRF (RFC 3830 §4.1.2, RFC 6043 §6.1) and key derivation (§4.1.3,
 * §4.1.4) against tests/vectors/mikey/prf.txt and kdf.txt, which were
 * computed by an independent Python implementation cross-checked with
 * OpenSSL's TLS1-PRF (tests/vectors/mikey/gen_independent.py,
 * docs/vectors.md). RFC 3830 itself publishes no vectors.
 */
#include "crypto/crypto.h"
#include "mt.h"
#include "vec.h"

static const mk_crypto_ops *ops;

static void test_prf_vectors(void)
{
    vec_file f;
    vec_block b;
    int count = 0, dh_full_blocks = 0, short_last = 0, odd_out = 0;
    if (!vec_open(&f, "tests/vectors/mikey/prf.txt"))
        return;
    while (vec_next(&f, &b)) {
        VEC_CTX_BEGIN();
        size_t kl, ll, el;
        unsigned prf = (unsigned)vec_num(&b, "prf", 10);
        uint8_t *inkey = vec_hex(&b, "inkey", &kl), *label = vec_hex(&b, "label", &ll);
        uint8_t *expect = vec_hex(&b, "out", &el);
        size_t outlen = vec_num(&b, "outlen", 10);
        MT_EQ_INT(el, outlen);
        uint8_t out[128];
        memset(out, 0xEE, sizeof out);
        MT_EQ_INT(mk_prf(ops, prf, inkey, kl, label, ll, out, outlen), MIKEY_OK);
        MT_MEMEQ(out, outlen, expect, el);
        MT_CHECK(out[outlen] == 0xEE); /* nothing written past outlen */
        VEC_CTX_END("prf.txt vector at line %d", b.line);
        dh_full_blocks += kl == 192;
        short_last += kl % 32 != 0;
        odd_out += outlen % (prf == MIKEY_PRF_MIKEY1 ? 20 : 32) != 0;
        count++;
        free(inkey);
        free(label);
        free(expect);
    }
    vec_close(&f);
    /* The file must still cover what it was written for. */
    MT_CHECK(count >= 40);
    MT_CHECK(dh_full_blocks >= 8);
    MT_CHECK(short_last >= 8);
    MT_CHECK(odd_out >= 8);
}

/* INTEROP.md §1 item 1: a 192-byte DH TGK is exactly six full 256-bit
 * blocks, so PRF(TGK) must equal the XOR of the six single-block PRFs (each
 * single-block PRF is pinned by the independent vectors and the TLS1-PRF
 * oracle). minisip's reading adds a seventh, empty block, which would add
 * P("", label, m) into the XOR. */
static void test_prf_full_last_block_not_empty(void)
{
    uint8_t tgk[192], label[25], out[46], acc[46], one[46];
    for (size_t i = 0; i < sizeof tgk; i++)
        tgk[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < sizeof label; i++)
        label[i] = (uint8_t)i;
    for (unsigned prf = 0; prf <= 1; prf++) {
        MT_EQ_INT(mk_prf(ops, prf, tgk, sizeof tgk, label, sizeof label, out, sizeof out), MIKEY_OK);
        memset(acc, 0, sizeof acc);
        for (size_t blk = 0; blk < 6; blk++) {
            MT_EQ_INT(mk_prf(ops, prf, tgk + 32 * blk, 32, label, sizeof label, one, sizeof one), MIKEY_OK);
            for (size_t i = 0; i < sizeof acc; i++)
                acc[i] ^= one[i];
        }
        MT_MEMEQ(out, sizeof out, acc, sizeof acc);
        /* And 193 bytes = six full blocks + a 1-byte seventh. */
        uint8_t tgk2[193];
        memcpy(tgk2, tgk, 192);
        tgk2[192] = 0x42;
        MT_EQ_INT(mk_prf(ops, prf, tgk2 + 192, 1, label, sizeof label, one, sizeof one), MIKEY_OK);
        for (size_t i = 0; i < sizeof acc; i++)
            acc[i] ^= one[i];
        MT_EQ_INT(mk_prf(ops, prf, tgk2, sizeof tgk2, label, sizeof label, out, sizeof out), MIKEY_OK);
        MT_MEMEQ(out, sizeof out, acc, sizeof acc);
    }
}

static void test_kdf_vectors(void)
{
    vec_file f;
    vec_block b;
    int tgk = 0, msg = 0;
    if (!vec_open(&f, "tests/vectors/mikey/kdf.txt"))
        return;
    while (vec_next(&f, &b)) {
        VEC_CTX_BEGIN();
        size_t kl, rl;
        unsigned prf = (unsigned)vec_num(&b, "prf", 10);
        uint8_t *inkey = vec_hex(&b, "inkey", &kl), *rand = vec_hex(&b, "rand", &rl);
        uint32_t csb_id = (uint32_t)vec_num(&b, "csb_id", 16);
        mikey_span rs = {rand, rl};
        if (strcmp(vec_get(&b, "kind"), "tgk") == 0) {
            size_t el;
            uint8_t *expect = vec_hex(&b, "out", &el);
            uint8_t label[9 + 255], out[64];
            size_t ll = mk_label_tgk(label, (uint32_t)vec_num(&b, "constant", 16),
                                     (uint8_t)vec_num(&b, "cs_id", 10), csb_id, rs);
            MT_EQ_INT(ll, 9 + rl);
            MT_EQ_INT(mk_prf(ops, prf, inkey, kl, label, ll, out, el), MIKEY_OK);
            MT_MEMEQ(out, el, expect, el);
            free(expect);
            tgk++;
        } else {
            size_t el, sl, al;
            uint8_t *ek = vec_hex(&b, "encr_key", &el), *salt = vec_hex(&b, "salt", &sl);
            uint8_t *ak = vec_hex(&b, "auth_key", &al);
            mk_msg_keys k;
            memset(&k, 0xAB, sizeof k);
            MT_EQ_INT(mk_derive_msg_keys(ops, prf, inkey, kl, csb_id, rs, (unsigned)vec_num(&b, "encr_alg", 10),
                                         (unsigned)vec_num(&b, "mac_alg", 10), &k),
                      MIKEY_OK);
            MT_MEMEQ(k.encr_key, k.encr_len, ek, el);
            MT_MEMEQ(k.salt, k.salt_len, salt, sl);
            MT_MEMEQ(k.auth_key, k.auth_len, ak, al);
            mk_msg_keys_wipe(&k);
            MT_EQ_INT(k.encr_len, 0);
            MT_EQ_INT(k.auth_key[0], 0);
            free(ek);
            free(salt);
            free(ak);
            msg++;
        }
        VEC_CTX_END("kdf.txt vector at line %d", b.line);
        free(inkey);
        free(rand);
    }
    vec_close(&f);
    MT_CHECK(tgk >= 20);
    MT_CHECK(msg >= 20);
}

/* Labels byte by byte (RFC 3830 §4.1.3, §4.1.4). */
static void test_labels(void)
{
    uint8_t r[16], out[9 + 255 + 1];
    for (int i = 0; i < 16; i++)
        r[i] = (uint8_t)(0xA0 + i);
    mikey_span rs = {r, 16};
    size_t n = mk_label_tgk(out, MK_C_TEK, 3, 0x01020304, rs);
    MT_EQ_INT(n, 25);
    static const uint8_t e1[9] = {0x2A, 0xD0, 0x1C, 0x64, 0x03, 0x01, 0x02, 0x03, 0x04};
    MT_MEMEQ(out, 9, e1, 9);
    MT_MEMEQ(out + 9, 16, r, 16);
    n = mk_label_env(out, MK_C_SALT, 0xFFFFFFFE, rs);
    static const uint8_t e2[9] = {0x29, 0xB8, 0x89, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
    MT_EQ_INT(n, 25);
    MT_MEMEQ(out, 9, e2, 9);
    /* Constants from RFC 3830 Tables 4.1.3 / 4.1.4 (e's digits). */
    MT_EQ_INT(MK_C_TEK, 718281828u);
    MT_EQ_INT(MK_C_TGK_AUTH, 0x1B5C7973u);
    MT_EQ_INT(MK_C_TGK_ENCR, 0x15798CEFu);
    MT_EQ_INT(MK_C_TGK_SALT, 0x39A2C14Bu);
    MT_EQ_INT(MK_C_ENCR, 0x150533E1u);
    MT_EQ_INT(MK_C_AUTH, 0x2D22AC75u);
    MT_EQ_INT(MK_C_SALT, 0x29B88916u);
    /* Empty RAND; too long RAND (RAND length is an 8-bit field). */
    mikey_span empty = {NULL, 0};
    MT_EQ_INT(mk_label_tgk(out, MK_C_TEK, 1, 2, empty), 9);
    static uint8_t big[256];
    mikey_span toolong = {big, 256};
    MT_EQ_INT(mk_label_tgk(out, MK_C_TEK, 1, 2, toolong), 0);
    MT_EQ_INT(mk_label_env(out, MK_C_TEK, 2, toolong), 0);
}

static void test_prf_errors(void)
{
    uint8_t key[16] = {1}, label[9] = {2}, out[32];
    MT_EQ_INT(mk_prf(ops, 2, key, 16, label, 9, out, 16), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_prf(ops, 127, key, 16, label, 9, out, 16), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_prf(ops, 0, key, 0, label, 9, out, 16), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_prf(ops, 0, NULL, 16, label, 9, out, 16), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_prf(NULL, 0, key, 16, label, 9, out, 16), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mk_prf(ops, 0, key, 16, label, 9, out, 0), MIKEY_OK);

    mk_msg_keys k;
    mikey_span rs = {label, 9};
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 16, 1, rs, 4, 1, &k), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 16, 1, rs, 1, 3, &k), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_derive_msg_keys(ops, 5, key, 16, 1, rs, 0, 0, &k), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 0, 1, rs, 1, 1, &k), MIKEY_ERR_INVALID_ARG);
    /* NULL/NULL derives nothing and needs nothing. */
    memset(&k, 0x77, sizeof k);
    MT_EQ_INT(mk_derive_msg_keys(ops, 0, key, 16, 1, rs, MIKEY_ENCR_NULL, MIKEY_MAC_NULL, &k), MIKEY_OK);
    MT_EQ_INT(k.encr_len, 0);
    MT_EQ_INT(k.salt_len, 0);
    MT_EQ_INT(k.auth_len, 0);
    /* Sizes per algorithm (RFC 3830 §4.2.3-4.2.4, RFC 6043 §6.2). */
    struct {
        unsigned e, m;
        size_t el, sl, al;
    } sz[] = {{1, 1, 16, 14, 20}, {2, 1, 16, 8, 20}, {3, 2, 32, 14, 32}, {2, 0, 16, 8, 0}, {0, 2, 0, 0, 32}};
    for (size_t i = 0; i < MK_ARRAY_LEN(sz); i++) {
        MT_EQ_INT(mk_derive_msg_keys(ops, 1, key, 16, 1, rs, sz[i].e, sz[i].m, &k), MIKEY_OK);
        MT_EQ_INT(k.encr_len, sz[i].el);
        MT_EQ_INT(k.salt_len, sz[i].sl);
        MT_EQ_INT(k.auth_len, sz[i].al);
        mk_msg_keys_wipe(&k);
    }
}

/* A salt is a prefix of a longer derivation with the same label (the PRF
 * output is truncated to outkey_len, RFC 3830 §4.1.2). */
static void test_prf_truncation(void)
{
    uint8_t key[48], label[25], a[64], b[14];
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(0x30 + i);
    memset(label, 0x5A, sizeof label);
    for (unsigned prf = 0; prf <= 1; prf++) {
        MT_EQ_INT(mk_prf(ops, prf, key, sizeof key, label, sizeof label, a, sizeof a), MIKEY_OK);
        for (size_t n = 1; n <= sizeof b; n++) {
            MT_EQ_INT(mk_prf(ops, prf, key, sizeof key, label, sizeof label, b, n), MIKEY_OK);
            MT_MEMEQ(b, n, a, n);
        }
    }
}

int main(void)
{
    ops = mk_crypto_ossl();
    static void (*const fns[])(void) = {test_prf_vectors, test_prf_full_last_block_not_empty, test_kdf_vectors,
                                        test_labels, test_prf_errors, test_prf_truncation};
    return mt_run("test_prf_vectors, test_prf_full_last_block_not_empty, test_kdf_vectors, test_labels, "
                  "test_prf_errors, test_prf_truncation",
                  fns, MK_ARRAY_LEN(fns));
}
