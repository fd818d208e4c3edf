/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HMAC and digests on OpenSSL 3 EVP (EVP_MAC "HMAC", EVP_Digest*).
 * RFC 3830 §4.2.4 (HMAC-SHA-1-160), RFC 6043 §6.2 (HMAC-SHA-256-256),
 * RFC 3830 §4.2.1 / Table 6.8 (hash functions for CHASH and signatures).
 */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

const char *mk_ossl_md_name(unsigned hash_func)
{
    switch (hash_func) {
    case MIKEY_HASH_SHA1: return "SHA1";
    case MIKEY_HASH_MD5: return "MD5";
    case MIKEY_HASH_SHA256: return "SHA256";
    default: return NULL;
    }
}

int mk_ossl_hmac(unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts, size_t nparts,
                 uint8_t *out)
{
    const char *md;
    size_t maclen;
    switch (mac_alg) {
    case MIKEY_MAC_HMAC_SHA1_160: md = "SHA1"; maclen = 20; break;
    case MIKEY_MAC_HMAC_SHA256_256: md = "SHA256"; maclen = 32; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    if ((!key && keylen) || (!parts && nparts) || !out)
        return MIKEY_ERR_INVALID_ARG;

    int rc = MIKEY_ERR_CRYPTO;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)(uintptr_t)md, 0);
    params[1] = OSSL_PARAM_construct_end();
    /* An empty HMAC key is legal (RFC 2104 pads it with zeros); OpenSSL
     * wants a non-NULL pointer for it. */
    static const uint8_t empty[1] = {0};
    if (!ctx || !EVP_MAC_init(ctx, keylen ? key : empty, keylen, params))
        goto done;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len && !parts[i].p) {
            rc = MIKEY_ERR_INVALID_ARG;
            goto done;
        }
        if (parts[i].len && !EVP_MAC_update(ctx, parts[i].p, parts[i].len))
            goto done;
    }
    uint8_t tmp[EVP_MAX_MD_SIZE];
    size_t outl = 0;
    if (!EVP_MAC_final(ctx, tmp, &outl, sizeof tmp) || outl != maclen) {
        mk_wipe(tmp, sizeof tmp);
        goto done;
    }
    memcpy(out, tmp, maclen);
    mk_wipe(tmp, sizeof tmp);
    rc = MIKEY_OK;
done:
    EVP_MAC_CTX_free(ctx); /* cleanses the key schedule */
    EVP_MAC_free(mac);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

int mk_ossl_digest(unsigned hash_func, const mikey_span *parts, size_t nparts, uint8_t *out)
{
    const char *name = mk_ossl_md_name(hash_func);
    if (!name)
        return MIKEY_ERR_ALGORITHM;
    if ((!parts && nparts) || !out)
        return MIKEY_ERR_INVALID_ARG;
    int rc = MIKEY_ERR_CRYPTO;
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL))
        goto done;
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].len && !parts[i].p) {
            rc = MIKEY_ERR_INVALID_ARG;
            goto done;
        }
        if (parts[i].len && !EVP_DigestUpdate(ctx, parts[i].p, parts[i].len))
            goto done;
    }
    uint8_t tmp[EVP_MAX_MD_SIZE];
    unsigned outl = 0;
    if (!EVP_DigestFinal_ex(ctx, tmp, &outl) || outl != (unsigned)mikey_hash_len(hash_func))
        goto done;
    memcpy(out, tmp, outl);
    rc = MIKEY_OK;
done:
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}
