/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RSA through the ops table (RFC 3830 §4.2.5 envelope key, §4.2.6
 * signatures). Keys are generated at test time with the OpenSSL API (tests
 * may use OpenSSL directly). Encryption padding and the PSS salt come from
 * OpenSSL's DRBG, so these tests check round trips and structure, never
 * ciphertext/signature bytes:
 *  - PKCS#1 v1.5 signatures are opened with the raw public operation and
 *    compared with EMSA-PKCS1-v1_5 built here from RFC 8017 §9.2 (the
 *    DigestInfo prefixes of note 1);
 *  - PSS signatures verify with an explicit salt length = digest length;
 *  - OAEP ciphertexts decrypt with OpenSSL set explicitly to SHA-1/MGF1-SHA-1.
 */
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "mt.h"

static const mk_crypto_ops *ops;
static EVP_PKEY *k2048, *k1024;
static mk_pkey *priv, *pub, *other;

static uint8_t *pem_of(EVP_PKEY *k, int private_key, int traditional, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    int ok = private_key ? (traditional ? PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL)
                                        : PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
                         : PEM_write_bio_PUBKEY(b, k);
    MT_CHECK(ok == 1);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    uint8_t *out = malloc((size_t)n);
    memcpy(out, p, (size_t)n);
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

static void setup(void)
{
    k2048 = EVP_RSA_gen(2048);
    k1024 = EVP_RSA_gen(1024);
    MT_CHECK(k2048 && k1024);
    size_t l;
    uint8_t *p = pem_of(k2048, 1, 0, &l);
    MT_EQ_INT(ops->pkey_from_pem(NULL, p, l, 1, &priv), MIKEY_OK);
    free(p);
    p = pem_of(k2048, 0, 0, &l);
    MT_EQ_INT(ops->pkey_from_pem(NULL, p, l, 0, &pub), MIKEY_OK);
    free(p);
    p = pem_of(k1024, 1, 0, &l);
    MT_EQ_INT(ops->pkey_from_pem(NULL, p, l, 1, &other), MIKEY_OK);
    free(p);
}

static void teardown(void)
{
    ops->pkey_free(priv);
    ops->pkey_free(pub);
    ops->pkey_free(other);
    EVP_PKEY_free(k2048);
    EVP_PKEY_free(k1024);
}

static void test_key_parsing(void)
{
    MT_REQUIRE(priv && pub && other);
    MT_EQ_INT(ops->pkey_size(priv), 256);
    MT_EQ_INT(ops->pkey_size(pub), 256);
    MT_EQ_INT(ops->pkey_size(other), 128);
    size_t l;
    mk_pkey *k = NULL;
    /* PKCS#1 "RSA PRIVATE KEY" PEM. */
    uint8_t *p = pem_of(k2048, 1, 1, &l);
    MT_EQ_INT(ops->pkey_from_pem(NULL, p, l, 1, &k), MIKEY_OK);
    ops->pkey_free(k);
    k = NULL;
    /* A private key PEM is acceptable where a public key is wanted. */
    MT_EQ_INT(ops->pkey_from_pem(NULL, p, l, 0, &k), MIKEY_OK);
    ops->pkey_free(k);
    k = NULL;
    /* Truncated PEM. */
    MT_CHECK(ops->pkey_from_pem(NULL, p, l / 2, 1, &k) != MIKEY_OK);
    MT_CHECK(k == NULL);
    free(p);
    /* DER SubjectPublicKeyInfo and DER PKCS#8. */
    unsigned char *der = NULL;
    int dl = i2d_PUBKEY(k2048, &der);
    MT_CHECK(dl > 0);
    MT_EQ_INT(ops->pkey_from_pem(NULL, der, (size_t)dl, 0, &k), MIKEY_OK);
    ops->pkey_free(k);
    k = NULL;
    /* A public key where a private one is wanted. */
    MT_CHECK(ops->pkey_from_pem(NULL, der, (size_t)dl, 1, &k) != MIKEY_OK);
    MT_CHECK(k == NULL);
    OPENSSL_free(der);
    /* Garbage. */
    static const uint8_t junk[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    MT_EQ_INT(ops->pkey_from_pem(NULL, junk, sizeof junk - 1, 0, &k), MIKEY_ERR_ENCODING);
    MT_EQ_INT(ops->pkey_from_pem(NULL, junk, 0, 0, &k), MIKEY_ERR_INVALID_ARG);
    /* A non-RSA key is refused. */
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    MT_REQUIRE(ec);
    p = pem_of(ec, 0, 0, &l);
    MT_CHECK(ops->pkey_from_pem(NULL, p, l, 0, &k) != MIKEY_OK);
    MT_CHECK(k == NULL);
    free(p);
    EVP_PKEY_free(ec);
}

static void test_envelope_round_trip(void)
{
    MT_REQUIRE(priv && pub);
    uint8_t msg[256], ct[256], ct2[256], pt[256];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(i * 13 + 1);
    const int pads[2] = {MK_RSA_PKCS1, MK_RSA_OAEP};
    const size_t maxlen[2] = {256 - 11, 256 - 42};
    for (int pi = 0; pi < 2; pi++) {
        const size_t lens[4] = {1, 16, 32, maxlen[pi]};
        for (int li = 0; li < 4; li++) {
            size_t cl = 0, cl2 = 0, ol = 0;
            MT_EQ_INT(ops->rsa_encrypt(NULL, pub, pads[pi], msg, lens[li], ct, &cl), MIKEY_OK);
            MT_EQ_INT(cl, 256);
            MT_EQ_INT(ops->rsa_decrypt(priv, pads[pi], ct, cl, pt, sizeof pt, &ol), MIKEY_OK);
            MT_MEMEQ(pt, ol, msg, lens[li]);
            /* Randomised padding: two encryptions differ. */
            MT_EQ_INT(ops->rsa_encrypt(NULL, pub, pads[pi], msg, lens[li], ct2, &cl2), MIKEY_OK);
            MT_CHECK(memcmp(ct, ct2, 256) != 0);
        }
        size_t cl = 0;
        MT_EQ_INT(ops->rsa_encrypt(NULL, pub, pads[pi], msg, maxlen[pi] + 1, ct, &cl), MIKEY_ERR_INVALID_ARG);
    }
    size_t cl = 0, ol = 0;
    MT_EQ_INT(ops->rsa_encrypt(NULL, pub, 7, msg, 16, ct, &cl), MIKEY_ERR_ALGORITHM);
    /* NOBUF reports the size. */
    MT_EQ_INT(ops->rsa_encrypt(NULL, pub, MK_RSA_OAEP, msg, 32, ct, &cl), MIKEY_OK);
    MT_EQ_INT(ops->rsa_decrypt(priv, MK_RSA_OAEP, ct, cl, pt, 31, &ol), MIKEY_ERR_NOBUF);
    MT_EQ_INT(ol, 32);
    /* Public key cannot decrypt; wrong key; wrong length. */
    MT_EQ_INT(ops->rsa_decrypt(pub, MK_RSA_OAEP, ct, cl, pt, sizeof pt, &ol), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->rsa_decrypt(other, MK_RSA_OAEP, ct, cl, pt, sizeof pt, &ol), MIKEY_ERR_DECRYPT);
    MT_EQ_INT(ops->rsa_decrypt(priv, MK_RSA_OAEP, ct, cl - 1, pt, sizeof pt, &ol), MIKEY_ERR_DECRYPT);
    MT_EQ_INT(ops->rsa_decrypt(priv, MK_RSA_OAEP, ct, 0, pt, sizeof pt, &ol), MIKEY_ERR_DECRYPT);
}

/* OAEP: every tampered byte -> MIKEY_ERR_DECRYPT. PKCS#1 v1.5: either
 * MIKEY_ERR_DECRYPT or (OpenSSL >= 3.2 implicit rejection) a plaintext that
 * is not the original; never the original. */
static void test_envelope_tamper(void)
{
    MT_REQUIRE(priv && pub);
    uint8_t msg[20], ct[256], pt[256];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)(0xC0 + i);
    size_t cl = 0, ol = 0;
    MT_EQ_INT(ops->rsa_encrypt(NULL, pub, MK_RSA_OAEP, msg, sizeof msg, ct, &cl), MIKEY_OK);
    for (size_t i = 0; i < cl; i++) {
        ct[i] ^= 0x04;
        MT_EQ_INT(ops->rsa_decrypt(priv, MK_RSA_OAEP, ct, cl, pt, sizeof pt, &ol), MIKEY_ERR_DECRYPT);
        ct[i] ^= 0x04;
    }
    /* Decrypting OAEP as PKCS#1 v1.5 fails too. */
    int rc = ops->rsa_decrypt(priv, MK_RSA_PKCS1, ct, cl, pt, sizeof pt, &ol);
    MT_CHECK(rc == MIKEY_ERR_DECRYPT || (rc == MIKEY_OK && (ol != sizeof msg || memcmp(pt, msg, ol) != 0)));
    MT_EQ_INT(ops->rsa_encrypt(NULL, pub, MK_RSA_PKCS1, msg, sizeof msg, ct, &cl), MIKEY_OK);
    for (size_t i = 0; i < cl; i++) {
        ct[i] ^= 0x04;
        rc = ops->rsa_decrypt(priv, MK_RSA_PKCS1, ct, cl, pt, sizeof pt, &ol);
        MT_CHECK(rc == MIKEY_ERR_DECRYPT || (rc == MIKEY_OK && (ol != sizeof msg || memcmp(pt, msg, ol) != 0)));
        ct[i] ^= 0x04;
    }
    MT_EQ_INT(ops->rsa_decrypt(priv, MK_RSA_OAEP, ct, cl, pt, sizeof pt, &ol), MIKEY_ERR_DECRYPT);
}

/* Our OAEP is PKCS#1's default parameter set: OpenSSL, told explicitly
 * SHA-1 + MGF1-SHA-1 + empty label, decrypts it. */
static void test_oaep_parameters(void)
{
    MT_REQUIRE(pub);
    uint8_t msg[16] = "envelope-key-16b", ct[256], pt[256];
    size_t cl = 0, ol = sizeof pt;
    MT_EQ_INT(ops->rsa_encrypt(NULL, pub, MK_RSA_OAEP, msg, sizeof msg, ct, &cl), MIKEY_OK);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k2048, NULL);
    MT_REQUIRE(c);
    MT_EQ_INT(EVP_PKEY_decrypt_init(c), 1);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_oaep_md_name(c, "SHA1", NULL) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_mgf1_md_name(c, "SHA1", NULL) > 0);
    MT_EQ_INT(EVP_PKEY_decrypt(c, pt, &ol, ct, cl), 1);
    MT_MEMEQ(pt, ol, msg, sizeof msg);
    /* ... and SHA-256 OAEP does not. */
    EVP_PKEY_CTX_free(c);
    c = EVP_PKEY_CTX_new_from_pkey(NULL, k2048, NULL);
    MT_EQ_INT(EVP_PKEY_decrypt_init(c), 1);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_oaep_md_name(c, "SHA256", NULL) > 0);
    ol = sizeof pt;
    MT_CHECK(EVP_PKEY_decrypt(c, pt, &ol, ct, cl) != 1);
    EVP_PKEY_CTX_free(c);
}

static const uint8_t data1[] = "MIKEY message: HDR || T || RAND || ... || SIGN header";
static const uint8_t data2[] = " || IDi || IDr";

/* EMSA-PKCS1-v1_5 (RFC 8017 §9.2) checked by opening the signature with the
 * raw public-key operation. */
static void check_pkcs1_encoding(const uint8_t *sig, size_t siglen, unsigned hash)
{
    static const uint8_t di_sha1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                      0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
    static const uint8_t di_sha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    const uint8_t *di = hash == MIKEY_HASH_SHA1 ? di_sha1 : di_sha256;
    size_t dil = hash == MIKEY_HASH_SHA1 ? sizeof di_sha1 : sizeof di_sha256;
    size_t hl = hash == MIKEY_HASH_SHA1 ? 20 : 32;
    uint8_t h[32], em[256];
    mikey_span parts[2] = {{data1, sizeof data1 - 1}, {data2, sizeof data2 - 1}};
    MT_EQ_INT(ops->digest(hash, parts, 2, h), MIKEY_OK);
    size_t tl = dil + hl;
    em[0] = 0x00;
    em[1] = 0x01;
    memset(em + 2, 0xFF, 256 - tl - 3);
    em[256 - tl - 1] = 0x00;
    memcpy(em + 256 - tl, di, dil);
    memcpy(em + 256 - hl, h, hl);

    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k2048, NULL);
    uint8_t raw[256];
    size_t rl = sizeof raw;
    MT_EQ_INT(EVP_PKEY_verify_recover_init(c), 1);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING) > 0);
    MT_EQ_INT(EVP_PKEY_verify_recover(c, raw, &rl, sig, siglen), 1);
    MT_MEMEQ(raw, rl, em, sizeof em);
    EVP_PKEY_CTX_free(c);
}

/* PSS with salt length = digest length, MGF1 with the same hash. */
static void check_pss_params(const uint8_t *sig, size_t siglen, unsigned hash)
{
    uint8_t h[32];
    mikey_span parts[2] = {{data1, sizeof data1 - 1}, {data2, sizeof data2 - 1}};
    MT_EQ_INT(ops->digest(hash, parts, 2, h), MIKEY_OK);
    const char *md = hash == MIKEY_HASH_SHA1 ? "SHA1" : "SHA256";
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, k2048, NULL);
    MT_EQ_INT(EVP_PKEY_verify_init(c), 1);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_signature_md(c, EVP_get_digestbyname(md)) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_mgf1_md_name(c, md, NULL) > 0);
    MT_CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(c, hash == MIKEY_HASH_SHA1 ? 20 : 32) > 0);
    MT_EQ_INT(EVP_PKEY_verify(c, sig, siglen, h, hash == MIKEY_HASH_SHA1 ? 20 : 32), 1);
    EVP_PKEY_CTX_free(c);
}

static void test_signatures(void)
{
    MT_REQUIRE(priv && pub && other);
    mikey_span parts[2] = {{data1, sizeof data1 - 1}, {data2, sizeof data2 - 1}};
    const unsigned types[2] = {MIKEY_SIGN_RSA_PKCS1, MIKEY_SIGN_RSA_PSS};
    const unsigned hashes[2] = {MIKEY_HASH_SHA1, MIKEY_HASH_SHA256};
    for (int ti = 0; ti < 2; ti++) {
        for (int hi = 0; hi < 2; hi++) {
            uint8_t sig[MK_MAX_SIG_LEN];
            size_t sl = 0;
            unsigned t = types[ti], h = hashes[hi];
            MT_EQ_INT(ops->sign(NULL, priv, t, h, parts, 2, sig, sizeof sig, &sl), MIKEY_OK);
            MT_EQ_INT(sl, 256);
            MT_EQ_INT(ops->verify(pub, t, h, parts, 2, sig, sl), MIKEY_OK);
            MT_EQ_INT(ops->verify(priv, t, h, parts, 2, sig, sl), MIKEY_OK);
            if (t == MIKEY_SIGN_RSA_PKCS1)
                check_pkcs1_encoding(sig, sl, h);
            else
                check_pss_params(sig, sl, h);
            /* The session layer's SHA-256-then-SHA-1 fallback: the other
             * hash fails cleanly and the right one still verifies. */
            MT_EQ_INT(ops->verify(pub, t, hashes[1 - hi], parts, 2, sig, sl), MIKEY_ERR_AUTH);
            MT_EQ_INT(ops->verify(pub, t, h, parts, 2, sig, sl), MIKEY_OK);
            /* The other signature type, another key. */
            MT_EQ_INT(ops->verify(pub, types[1 - ti], h, parts, 2, sig, sl), MIKEY_ERR_AUTH);
            MT_EQ_INT(ops->verify(other, t, h, parts, 2, sig, sl), MIKEY_ERR_AUTH);
            /* Tamper with every byte of the signature. */
            for (size_t i = 0; i < sl; i++) {
                sig[i] ^= 0x01;
                MT_EQ_INT(ops->verify(pub, t, h, parts, 2, sig, sl), MIKEY_ERR_AUTH);
                sig[i] ^= 0x01;
            }
            /* Wrong lengths. */
            MT_EQ_INT(ops->verify(pub, t, h, parts, 2, sig, sl - 1), MIKEY_ERR_AUTH);
            MT_EQ_INT(ops->verify(pub, t, h, parts, 2, sig, 0), MIKEY_ERR_AUTH);
            uint8_t longer[257];
            memcpy(longer + 1, sig, 256);
            longer[0] = 0;
            MT_EQ_INT(ops->verify(pub, t, h, parts, 2, longer, 257), MIKEY_ERR_AUTH);
            /* Tamper with the message, and split it differently (same
             * bytes: still verifies). */
            mikey_span one = {data1, sizeof data1 - 1};
            MT_EQ_INT(ops->verify(pub, t, h, &one, 1, sig, sl), MIKEY_ERR_AUTH);
            uint8_t cat[sizeof data1 + sizeof data2];
            memcpy(cat, data1, sizeof data1 - 1);
            memcpy(cat + sizeof data1 - 1, data2, sizeof data2 - 1);
            mikey_span whole = {cat, sizeof data1 + sizeof data2 - 2};
            MT_EQ_INT(ops->verify(pub, t, h, &whole, 1, sig, sl), MIKEY_OK);
            cat[5] ^= 0x20;
            MT_EQ_INT(ops->verify(pub, t, h, &whole, 1, sig, sl), MIKEY_ERR_AUTH);
        }
    }
}

static void test_signature_errors(void)
{
    MT_REQUIRE(priv && pub);
    mikey_span parts[1] = {{data1, 4}};
    uint8_t sig[MK_MAX_SIG_LEN];
    size_t sl = 0;
    MT_EQ_INT(ops->sign(NULL, priv, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_MD5, parts, 1, sig, sizeof sig, &sl),
              MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(ops->sign(NULL, priv, MIKEY_SIGN_ECCSI, MIKEY_HASH_SHA256, parts, 1, sig, sizeof sig, &sl),
              MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(ops->sign(NULL, pub, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA256, parts, 1, sig, sizeof sig, &sl),
              MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(ops->sign(NULL, priv, MIKEY_SIGN_RSA_PKCS1, MIKEY_HASH_SHA256, parts, 1, sig, 255, &sl),
              MIKEY_ERR_NOBUF);
    MT_EQ_INT(sl, 256);
    MT_EQ_INT(ops->verify(pub, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_MD5, parts, 1, sig, 256), MIKEY_ERR_ALGORITHM);
    MT_EQ_INT(ops->verify(pub, 9, MIKEY_HASH_SHA1, parts, 1, sig, 256), MIKEY_ERR_ALGORITHM);
}

/* An allocator that fails from the n-th call on (n = 0: always). */
typedef struct fail_alloc {
    int calls, fail_from;
} fail_alloc;

static void *fa_malloc(size_t n, void *ud)
{
    fail_alloc *f = ud;
    return f->calls++ >= f->fail_from ? NULL : malloc(n);
}
static void *fa_realloc(void *p, size_t n, void *ud)
{
    fail_alloc *f = ud;
    return f->calls++ >= f->fail_from ? NULL : realloc(p, n);
}
static void fa_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

/* Every allocation failure gives MIKEY_ERR_NOMEM and leaks nothing (LSan
 * checks the latter in the sanitizer build). */
static void test_allocation_failures(void)
{
    MT_REQUIRE(k2048);
    /* A self-signed certificate made with the OpenSSL API. */
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k2048);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    MT_CHECK(X509_sign(x, k2048, EVP_sha256()) > 0);
    unsigned char *der = NULL;
    int dl = i2d_X509(x, &der);
    MT_REQUIRE(dl > 0);
    size_t pl;
    uint8_t *pem = pem_of(k2048, 1, 0, &pl);

    for (int from = 0; from < 3; from++) {
        fail_alloc fa = {0, from};
        mikey_env env;
        mikey_env_default(&env);
        env.mem.malloc = fa_malloc;
        env.mem.realloc = fa_realloc;
        env.mem.free = fa_free;
        env.mem.user_data = &fa;
        mk_pkey *k = NULL;
        mk_cert *c = NULL;
        mk_trust *t = NULL;
        int rc = ops->pkey_from_pem(&env, pem, pl, 1, &k);
        MT_CHECK(from >= 1 ? rc == MIKEY_OK : rc == MIKEY_ERR_NOMEM);
        ops->pkey_free(k);
        fa.calls = 0;
        rc = ops->cert_from_der(&env, der, (size_t)dl, &c); /* 2 allocations */
        MT_CHECK(from >= 2 ? rc == MIKEY_OK : rc == MIKEY_ERR_NOMEM);
        if (c) {
            mikey_span d = ops->cert_der(c);
            MT_MEMEQ(d.p, d.len, der, (size_t)dl);
            fa.calls = 0;
            k = NULL;
            rc = ops->cert_pubkey(&env, c, &k);
            MT_CHECK(from >= 1 ? rc == MIKEY_OK : rc == MIKEY_ERR_NOMEM);
            if (k)
                MT_CHECK(ops->cert_matches_key(c, k));
            ops->pkey_free(k);
        }
        ops->cert_free(c);
        fa.calls = 0;
        rc = ops->trust_new(&env, &t);
        MT_CHECK(from >= 1 ? rc == MIKEY_OK : rc == MIKEY_ERR_NOMEM);
        ops->trust_free(t);
    }
    free(pem);
    OPENSSL_free(der);
    X509_free(x);
}

int main(void)
{
    ops = mk_crypto_ossl();
    setup();
    static void (*const fns[])(void) = {test_key_parsing,    test_envelope_round_trip, test_envelope_tamper,
                                        test_oaep_parameters, test_signatures,          test_signature_errors,
                                        test_allocation_failures};
    int rc = mt_run("test_key_parsing, test_envelope_round_trip, test_envelope_tamper, test_oaep_parameters, "
                    "test_signatures, test_signature_errors, test_allocation_failures",
                    fns, MK_ARRAY_LEN(fns));
    teardown();
    return rc;
}
