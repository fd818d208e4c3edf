/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AES counter mode and AES key wrap on OpenSSL 3 EVP.
 *
 * AES-CM (RFC 3711 §4.1.1, used by RFC 3830 §4.2.3): keystream block i is
 * AES_k(IV + i mod 2^128). That is exactly OpenSSL's AES-*-CTR, which
 * increments the whole 128-bit block big-endian.
 *
 * AES key wrap (RFC 3394 §2.2.1/§2.2.2) with an explicit 64-bit initial value:
 * RFC 3830 §4.2.3 sets the key-wrap IV to the derived 64-bit salt S instead
 * of the default A6A6A6A6A6A6A6A6 (RFC 3394 §2.2.3.1 allows an alternative
 * initial value).
 */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

/*
 * The ciphers are fetched once per process, as the digests in ossl_mac.c
 * (same reasons, same rules: filled under CRYPTO_THREAD_run_once, only
 * read afterwards, never freed, fetched per call if that failed).
 */
enum { C_CTR, C_WRAP, C_N };
static const char *const cipher_names[C_N][3] = {
    {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"},
    {"AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"},
};
static CRYPTO_ONCE fetch_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_CIPHER *cipher_cache[C_N][3];

static void ossl_fetch_once(void)
{
    for (int m = 0; m < C_N; m++)
        for (int k = 0; k < 3; k++)
            cipher_cache[m][k] = EVP_CIPHER_fetch(NULL, cipher_names[m][k], NULL);
    ERR_clear_error();
}

/* The cipher of mode m for a key of keylen (16, 24 or 32) bytes: cached,
 * or fetched for the caller (*owned set: the caller frees it). */
static EVP_CIPHER *cipher_get(int m, size_t keylen, EVP_CIPHER **owned)
{
    int k = keylen == 16 ? 0 : keylen == 24 ? 1 : 2;
    *owned = NULL;
    if (CRYPTO_THREAD_run_once(&fetch_once, ossl_fetch_once) && cipher_cache[m][k])
        return cipher_cache[m][k];
    return *owned = EVP_CIPHER_fetch(NULL, cipher_names[m][k], NULL);
}

int mk_ossl_aes_cm(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                   size_t len)
{
    if (keylen != 16 && keylen != 24 && keylen != 32)
        return MIKEY_ERR_INVALID_ARG;
    if (!key || !iv || (len && (!in || !out)))
        return MIKEY_ERR_INVALID_ARG;
    if (len == 0)
        return MIKEY_OK;
    int rc = MIKEY_ERR_CRYPTO;
    EVP_CIPHER *owned = NULL;
    const EVP_CIPHER *c = cipher_get(C_CTR, keylen, &owned);
    EVP_CIPHER_CTX *ctx = c ? EVP_CIPHER_CTX_new() : NULL;
    if (!ctx || !EVP_EncryptInit_ex2(ctx, c, key, iv, NULL))
        goto done;
    /* EVP_EncryptUpdate takes an int length: feed large inputs in pieces
     * (the counter state carries over between calls). */
    size_t off = 0;
    while (off < len) {
        size_t n = MK_MIN(len - off, (size_t)1 << 30);
        int outl = 0;
        if (!EVP_EncryptUpdate(ctx, out + off, &outl, in + off, (int)n) || (size_t)outl != n)
            goto done;
        off += n;
    }
    rc = MIKEY_OK;
done:
    EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
    EVP_CIPHER_free(owned);
    if (rc != MIKEY_OK) {
        ERR_clear_error();
        if (out && len)
            mk_wipe(out, len);
    }
    return rc;
}

/* One RFC 3394 wrap or unwrap, straight into `out`. On an unwrap whose
 * integrity check fails OpenSSL has already cleansed its output; we wipe it
 * again on every failure, so unverified plaintext is never left behind. */
static int kw(int enc, const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
              uint8_t *out)
{
    if ((keylen != 16 && keylen != 24 && keylen != 32) || !key || !iv || !in || !out)
        return MIKEY_ERR_INVALID_ARG;
    /* RFC 3394 §2: at least two 64-bit blocks of plaintext. */
    if (len % 8 != 0 || len < (enc ? 16u : 24u) || len > ((size_t)1 << 30))
        return enc ? MIKEY_ERR_INVALID_ARG : MIKEY_ERR_DECRYPT;
    size_t olen = enc ? len + 8 : len - 8;
    int rc = MIKEY_ERR_CRYPTO;
    EVP_CIPHER *owned = NULL;
    const EVP_CIPHER *c = cipher_get(C_WRAP, keylen, &owned);
    EVP_CIPHER_CTX *ctx = c ? EVP_CIPHER_CTX_new() : NULL;
    if (!ctx)
        goto done;
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (!EVP_CipherInit_ex2(ctx, c, key, iv, enc, NULL))
        goto done;
    int outl = 0;
    if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len)) {
        /* With a well-formed length, the only way an unwrap fails is the
         * integrity check on A (RFC 3394 §2.2.3). */
        if (!enc)
            rc = MIKEY_ERR_DECRYPT;
        goto done;
    }
    if ((size_t)outl != olen)
        goto done;
    rc = MIKEY_OK;
done:
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(owned);
    if (rc != MIKEY_OK) {
        ERR_clear_error();
        mk_wipe(out, olen);
    }
    return rc;
}

int mk_ossl_aes_kw_wrap(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                        uint8_t *out)
{
    return kw(1, key, keylen, iv, in, len, out);
}

int mk_ossl_aes_kw_unwrap(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                          uint8_t *out)
{
    return kw(0, key, keylen, iv, in, len, out);
}
