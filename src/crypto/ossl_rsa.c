/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RSA keys, envelope-key encryption (RFC 3830 §4.2.5) and signatures
 * (RFC 3830 §4.2.6) on OpenSSL 3 EVP.
 *
 * Randomness: OpenSSL's RSA padding (PKCS#1 v1.5 type 2, OAEP seed) and the
 * PSS salt come from OpenSSL's own DRBG. The EVP API offers no way to feed
 * them from env->rng, and these two are the only random values in the
 * library that do not come from env->rng (crypto.h). They need
 * unpredictability, not reproducibility; tests check round trips.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h> /* RSA_*_PADDING constants only */

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

struct mk_pkey {
    mikey_env env; /* copy: pkey_free() gets no env */
    EVP_PKEY *pk;
    int has_private;
};

void *mk_ossl_pkey_evp(const mk_pkey *k) { return k ? k->pk : NULL; }

static int is_private(const EVP_PKEY *pk)
{
    /* An RSA key pair has the private exponent d. */
    BIGNUM *d = NULL;
    int ok = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_D, &d) == 1 && d != NULL;
    BN_clear_free(d);
    ERR_clear_error();
    return ok;
}

int mk_ossl_pkey_wrap(const mikey_env *env, void *evp_pkey, mk_pkey **out)
{
    EVP_PKEY *pk = evp_pkey;
    if (!pk)
        return MIKEY_ERR_INVALID_ARG;
    /* MIKEY's envelope encryption and signatures are RSA (RFC 3830
     * §4.2.5-4.2.6); other key types are refused here, not at use. */
    if (!EVP_PKEY_is_a(pk, "RSA")) {
        EVP_PKEY_free(pk);
        return MIKEY_ERR_ALGORITHM;
    }
    mikey_env e;
    mk_env_init(&e, env);
    mk_pkey *k = mk_calloc(&e, 1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pk);
        return MIKEY_ERR_NOMEM;
    }
    k->env = e;
    k->pk = pk;
    k->has_private = is_private(pk);
    *out = k;
    return MIKEY_OK;
}

int mk_ossl_pkey_from_pem(const mikey_env *env, const uint8_t *pem, size_t len, int want_private, mk_pkey **out)
{
    if (!pem || !len || !out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    /* One decoder for every container: PEM or DER, PKCS#8 / PKCS#1 /
     * SubjectPublicKeyInfo. Encrypted keys fail (no passphrase callback). */
    EVP_PKEY *pk = NULL;
    /* For a public key any RSA key is fine (a key pair PEM too: only the
     * public half will be used); selection 0 lets the decoder take either. */
    int sel = want_private ? OSSL_KEYMGMT_SELECT_KEYPAIR : 0;
    OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, NULL, NULL, "RSA", sel, NULL, NULL);
    const unsigned char *p = pem;
    size_t left = len;
    int ok = dctx && OSSL_DECODER_from_data(dctx, &p, &left) == 1 && pk;
    OSSL_DECODER_CTX_free(dctx);
    ERR_clear_error();
    if (!ok) {
        EVP_PKEY_free(pk);
        return MIKEY_ERR_ENCODING;
    }
    int rc = mk_ossl_pkey_wrap(env, pk, out);
    if (rc == MIKEY_OK && want_private && !(*out)->has_private) {
        mk_ossl_pkey_free(*out);
        *out = NULL;
        return MIKEY_ERR_INVALID_ARG;
    }
    return rc;
}

void mk_ossl_pkey_free(mk_pkey *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pk);
    mikey_env e = k->env;
    mk_free(&e, k);
}

size_t mk_ossl_pkey_size(const mk_pkey *k)
{
    if (!k || !k->pk)
        return 0;
    int n = EVP_PKEY_get_size(k->pk);
    return n > 0 ? (size_t)n : 0;
}

static int pad_mode(int pad)
{
    switch (pad) {
    case MK_RSA_PKCS1: return RSA_PKCS1_PADDING;
    case MK_RSA_OAEP: return RSA_PKCS1_OAEP_PADDING;
    default: return -1;
    }
}

/* OAEP parameters: SHA-1 and MGF1-SHA-1, empty label (PKCS#1 v2.1's
 * defaults, RFC 3447 §7.1 / A.2.1); RFC 3830 §4.2.5 specifies nothing else.
 * Set explicitly so a changed OpenSSL default cannot break interop. */
static int set_pad(EVP_PKEY_CTX *ctx, int pad)
{
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, pad_mode(pad)) <= 0)
        return 0;
    if (pad == MK_RSA_OAEP && (EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA1", NULL) <= 0 ||
                               EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA1", NULL) <= 0))
        return 0;
    return 1;
}

int mk_ossl_rsa_encrypt(const mikey_env *env, const mk_pkey *k, int pad, const uint8_t *in, size_t len,
                        uint8_t *out, size_t *outlen)
{
    MK_UNUSED(env);
    if (!k || !k->pk || !in || !len || !out || !outlen)
        return MIKEY_ERR_INVALID_ARG;
    if (pad_mode(pad) < 0)
        return MIKEY_ERR_ALGORITHM;
    size_t ks = mk_ossl_pkey_size(k);
    /* RFC 8017 §7.2.1 / §7.1.1 message length limits; checked here to give
     * a precise error rather than a backend failure. */
    size_t maxin = pad == MK_RSA_PKCS1 ? (ks > 11 ? ks - 11 : 0) : (ks > 42 ? ks - 42 : 0);
    if (len > maxin)
        return MIKEY_ERR_INVALID_ARG;
    int rc = MIKEY_ERR_CRYPTO;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pk, NULL);
    size_t ol = ks;
    if (ctx && EVP_PKEY_encrypt_init(ctx) == 1 && set_pad(ctx, pad) &&
        EVP_PKEY_encrypt(ctx, out, &ol, in, len) == 1 && ol == ks) {
        *outlen = ol;
        rc = MIKEY_OK;
    }
    EVP_PKEY_CTX_free(ctx);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

int mk_ossl_rsa_decrypt(const mk_pkey *k, int pad, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                        size_t *outlen)
{
    if (!k || !k->pk || !in || !outlen || (cap && !out))
        return MIKEY_ERR_INVALID_ARG;
    if (pad_mode(pad) < 0)
        return MIKEY_ERR_ALGORITHM;
    if (!k->has_private)
        return MIKEY_ERR_INVALID_ARG;
    size_t ks = mk_ossl_pkey_size(k);
    /* RFC 8017 §7.2.2 step 1: the ciphertext is exactly k bytes. */
    if (len != ks || ks == 0 || ks > MK_MAX_SIG_LEN)
        return MIKEY_ERR_DECRYPT;
    uint8_t tmp[MK_MAX_SIG_LEN];
    size_t ol = sizeof tmp;
    int rc = MIKEY_ERR_DECRYPT;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pk, NULL);
    if (!ctx || EVP_PKEY_decrypt_init(ctx) != 1 || !set_pad(ctx, pad)) {
        rc = MIKEY_ERR_CRYPTO;
        goto done;
    }
    if (EVP_PKEY_decrypt(ctx, tmp, &ol, in, len) != 1 || ol > sizeof tmp)
        goto done;
    if (ol > cap) {
        *outlen = ol;
        rc = MIKEY_ERR_NOBUF;
        goto done;
    }
    if (ol)
        memcpy(out, tmp, ol);
    *outlen = ol;
    rc = MIKEY_OK;
done:
    mk_wipe(tmp, sizeof tmp);
    EVP_PKEY_CTX_free(ctx);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

/* A digest-sign/verify context for s_type/hash_func; NULL on failure with
 * *err set. */
static EVP_MD_CTX *sig_ctx(const mk_pkey *k, int signing, unsigned s_type, unsigned hash_func, int *err)
{
    const char *md;
    switch (hash_func) {
    case MIKEY_HASH_SHA1: md = "SHA1"; break;
    case MIKEY_HASH_SHA256: md = "SHA256"; break;
    default: *err = MIKEY_ERR_ALGORITHM; return NULL; /* MD5 signatures: no */
    }
    if (s_type != MIKEY_SIGN_RSA_PKCS1 && s_type != MIKEY_SIGN_RSA_PSS) {
        *err = MIKEY_ERR_ALGORITHM;
        return NULL;
    }
    *err = MIKEY_ERR_CRYPTO;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (!mctx)
        return NULL;
    int ok = signing ? EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, k->pk, NULL)
                     : EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, k->pk, NULL);
    if (ok != 1)
        goto fail;
    if (s_type == MIKEY_SIGN_RSA_PKCS1) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
            goto fail;
    } else {
        /* RSASSA-PSS (RFC 8017 §8.1), MGF1 with the message digest. Signing:
         * salt length = digest length (the common choice, RFC 8017 §9.1
         * note 4). Verifying: any salt length (RFC 3830 fixes none). */
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, NULL) <= 0 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, signing ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO) <= 0)
            goto fail;
    }
    return mctx;
fail:
    EVP_MD_CTX_free(mctx); /* frees pctx too */
    return NULL;
}

int mk_ossl_sign(const mikey_env *env, const mk_pkey *k, unsigned s_type, unsigned hash_func,
                 const mikey_span *parts, size_t nparts, uint8_t *sig, size_t cap, size_t *siglen)
{
    MK_UNUSED(env);
    if (!k || !k->pk || (!parts && nparts) || !siglen || (cap && !sig))
        return MIKEY_ERR_INVALID_ARG;
    if (!k->has_private)
        return MIKEY_ERR_INVALID_ARG;
    size_t ks = mk_ossl_pkey_size(k);
    if (cap < ks) {
        *siglen = ks;
        return MIKEY_ERR_NOBUF;
    }
    int rc;
    EVP_MD_CTX *mctx = sig_ctx(k, 1, s_type, hash_func, &rc);
    if (!mctx) {
        ERR_clear_error();
        return rc;
    }
    rc = MIKEY_ERR_CRYPTO;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len && !parts[i].p) {
            rc = MIKEY_ERR_INVALID_ARG;
            goto done;
        }
        if (parts[i].len && EVP_DigestSignUpdate(mctx, parts[i].p, parts[i].len) != 1)
            goto done;
    }
    size_t sl = cap;
    if (EVP_DigestSignFinal(mctx, sig, &sl) != 1 || sl != ks)
        goto done;
    *siglen = sl;
    rc = MIKEY_OK;
done:
    EVP_MD_CTX_free(mctx);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

int mk_ossl_verify(const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts, size_t nparts,
                   const uint8_t *sig, size_t siglen)
{
    if (!k || !k->pk || (!parts && nparts) || (siglen && !sig))
        return MIKEY_ERR_INVALID_ARG;
    int rc;
    EVP_MD_CTX *mctx = sig_ctx(k, 0, s_type, hash_func, &rc);
    if (!mctx) {
        ERR_clear_error();
        return rc;
    }
    /* RFC 8017 §8.2.2 step 1: a signature of the wrong length is invalid. */
    rc = MIKEY_ERR_AUTH;
    if (siglen != mk_ossl_pkey_size(k))
        goto done;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len && !parts[i].p) {
            rc = MIKEY_ERR_INVALID_ARG;
            goto done;
        }
        if (parts[i].len && EVP_DigestVerifyUpdate(mctx, parts[i].p, parts[i].len) != 1) {
            rc = MIKEY_ERR_CRYPTO;
            goto done;
        }
    }
    if (EVP_DigestVerifyFinal(mctx, sig, siglen) == 1)
        rc = MIKEY_OK;
done:
    EVP_MD_CTX_free(mctx);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}
