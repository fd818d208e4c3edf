/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HMAC and digests on OpenSSL 3 EVP digests (EVP_MD).
 * RFC 3830 §4.2.4 (HMAC-SHA-1-160), RFC 6043 §6.2 (HMAC-SHA-256-256),
 * RFC 3830 §4.2.1 / Table 6.8 (hash functions for CHASH and signatures).
 *
 * Speed (mikey bench; a MIKEY exchange computes 20 to 60 HMACs, most of
 * them in the PRF):
 *  - Algorithms are fetched once per process. In OpenSSL 3 a fetch by name
 *    is a method-store lookup under a lock; EVP_MAC "HMAC" with its digest
 *    parameter costs two (the MAC and, inside the provider, the digest)
 *    every time a context is made. The cached EVP_MDs are filled under
 *    CRYPTO_THREAD_run_once and only read afterwards (fetched EVP_MDs may be
 *    shared between threads), so the backend stays thread-safe. They are
 *    the default library context's implementations at the first use, kept
 *    for the life of the process (never freed: an exit handler could run
 *    after OpenSSL's own cleanup). A digest whose fetch failed then (MD5
 *    under a FIPS-only configuration) is fetched per call, as before.
 *  - HMAC is RFC 2104 over EVP_MD contexts, as the SRTP engine does
 *    (ossl_srtp.c): the key is processed once into H(K ^ ipad) and
 *    H(K ^ opad) states and every MAC under that key starts from copies
 *    of them. Counted with callgrind on OpenSSL 3.0: a one-shot HMAC takes
 *    30% fewer instructions than an EVP_MAC context made for the call, and
 *    each further MAC under the same key 13% fewer than re-initialising an
 *    EVP_MAC context (EVP_MAC_init with a NULL key). Nothing
 *    is kept between calls: the states are freed (and wiped by the
 *    provider) when the MAC or the PRF is done. RFC 2202 and RFC 4231
 *    vectors test it (tests/unit/crypto/primitives_test.c).
 */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

/* SHA-1 and SHA-256 both hash 64-byte blocks (RFC 2104 §2: B = 64). */
#define HMAC_BLOCK 64

enum { MD_SHA1, MD_MD5, MD_SHA256, MD_N };

static CRYPTO_ONCE fetch_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD *md_cache[MD_N];
static const char *const md_names[MD_N] = {"SHA1", "MD5", "SHA256"};

static void ossl_fetch_once(void)
{
    for (int i = 0; i < MD_N; i++)
        md_cache[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
    ERR_clear_error();
}

static int md_index(unsigned hash_func)
{
    switch (hash_func) {
    case MIKEY_HASH_SHA1: return MD_SHA1;
    case MIKEY_HASH_MD5: return MD_MD5;
    case MIKEY_HASH_SHA256: return MD_SHA256;
    default: return -1;
    }
}

/* The EVP_MD of a hash function: the cached one, or one fetched for the
 * caller (*owned set: the caller frees it). */
static EVP_MD *md_get(int i, EVP_MD **owned)
{
    *owned = NULL;
    if (CRYPTO_THREAD_run_once(&fetch_once, ossl_fetch_once) && md_cache[i])
        return md_cache[i];
    return *owned = EVP_MD_fetch(NULL, md_names[i], NULL);
}

const char *mk_ossl_md_name(unsigned hash_func)
{
    int i = md_index(hash_func);
    return i < 0 ? NULL : md_names[i];
}

/* ---- HMAC (RFC 2104) ---- */

int mk_ossl_hmac_init(mk_hmac_ctx *h, unsigned mac_alg)
{
    int i;
    memset(h, 0, sizeof *h);
    switch (mac_alg) {
    case MIKEY_MAC_HMAC_SHA1_160: i = MD_SHA1; h->maclen = 20; break;
    case MIKEY_MAC_HMAC_SHA256_256: i = MD_SHA256; h->maclen = 32; break;
    default: return MIKEY_ERR_ALGORITHM;
    }
    EVP_MD *owned = NULL;
    const EVP_MD *md = md_get(i, &owned);
    h->md = md;
    h->md_owned = owned;
    if (!md) {
        ERR_clear_error();
        return MIKEY_ERR_CRYPTO;
    }
    if (!(h->ist = EVP_MD_CTX_new()) || !(h->ost = EVP_MD_CTX_new()))
        return MIKEY_ERR_NOMEM;
    return MIKEY_OK;
}

void mk_ossl_hmac_clear(mk_hmac_ctx *h)
{
    if (!h)
        return;
    /* The providers' digest contexts are cleansed when freed. */
    EVP_MD_CTX_free(h->ist);
    EVP_MD_CTX_free(h->ost);
    EVP_MD_CTX_free(h->work);
    EVP_MD_free(h->md_owned);
    memset(h, 0, sizeof *h);
}

int mk_ossl_hmac_key(mk_hmac_ctx *h, const uint8_t *key, size_t keylen)
{
    if (!h || !h->ist || (!key && keylen))
        return MIKEY_ERR_INVALID_ARG;
    uint8_t k[HMAC_BLOCK], pad[HMAC_BLOCK];
    unsigned kl = 0;
    int rc = MIKEY_ERR_CRYPTO;
    h->keyed = 0;
    memset(k, 0, sizeof k);
    if (keylen > HMAC_BLOCK) {
        /* RFC 2104 §2: a key longer than B is hashed first. */
        if (!EVP_DigestInit_ex2(h->ist, h->md, NULL) || !EVP_DigestUpdate(h->ist, key, keylen) ||
            !EVP_DigestFinal_ex(h->ist, k, &kl))
            goto done;
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (size_t i = 0; i < HMAC_BLOCK; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x36);
    if (!EVP_DigestInit_ex2(h->ist, h->md, NULL) || !EVP_DigestUpdate(h->ist, pad, HMAC_BLOCK))
        goto done;
    for (size_t i = 0; i < HMAC_BLOCK; i++)
        pad[i] = (uint8_t)(k[i] ^ 0x5c);
    if (!EVP_DigestInit_ex2(h->ost, h->md, NULL) || !EVP_DigestUpdate(h->ost, pad, HMAC_BLOCK))
        goto done;
    h->keyed = 1;
    rc = MIKEY_OK;
done:
    mk_wipe(k, sizeof k);
    mk_wipe(pad, sizeof pad);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

int mk_ossl_hmac_mac(mk_hmac_ctx *h, int last, const mikey_span *parts, size_t nparts, uint8_t *out)
{
    if (!h || !h->keyed || (!parts && nparts) || !out)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].len && !parts[i].p)
            return MIKEY_ERR_INVALID_ARG;
    uint8_t inner[EVP_MAX_MD_SIZE];
    unsigned il = 0, tl = 0;
    int rc = MIKEY_ERR_CRYPTO;
    /* inner = H(K ^ ipad || text), MAC = H(K ^ opad || inner). The last
     * MAC under this key finishes the pad states themselves (no copies). */
    if (!last && !h->work && !(h->work = EVP_MD_CTX_new()))
        return MIKEY_ERR_NOMEM;
    EVP_MD_CTX *wi = last ? h->ist : h->work, *wo = last ? h->ost : h->work;
    if (last)
        h->keyed = 0;
    else if (!EVP_MD_CTX_copy_ex(wi, h->ist))
        goto done;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].len && !EVP_DigestUpdate(wi, parts[i].p, parts[i].len))
            goto done;
    if (!EVP_DigestFinal_ex(wi, inner, &il) || il != h->maclen || (!last && !EVP_MD_CTX_copy_ex(wo, h->ost)) ||
        !EVP_DigestUpdate(wo, inner, il))
        goto done;
    /* EVP_DigestFinal_ex writes exactly the digest size (= maclen). */
    if (!EVP_DigestFinal_ex(wo, out, &tl) || tl != h->maclen) {
        mk_wipe(out, h->maclen);
        goto done;
    }
    rc = MIKEY_OK;
done:
    mk_wipe(inner, h->maclen);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}

int mk_ossl_hmac(unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts, size_t nparts,
                 uint8_t *out)
{
    if (mac_alg != MIKEY_MAC_HMAC_SHA1_160 && mac_alg != MIKEY_MAC_HMAC_SHA256_256)
        return MIKEY_ERR_ALGORITHM;
    if ((!key && keylen) || (!parts && nparts) || !out)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].len && !parts[i].p)
            return MIKEY_ERR_INVALID_ARG;
    mk_hmac_ctx h;
    int rc = mk_ossl_hmac_init(&h, mac_alg);
    if (rc == MIKEY_OK && (rc = mk_ossl_hmac_key(&h, key, keylen)) == MIKEY_OK)
        rc = mk_ossl_hmac_mac(&h, 1, parts, nparts, out);
    mk_ossl_hmac_clear(&h);
    return rc;
}

/* ---- digests ---- */

int mk_ossl_digest(unsigned hash_func, const mikey_span *parts, size_t nparts, uint8_t *out)
{
    int i = md_index(hash_func);
    if (i < 0)
        return MIKEY_ERR_ALGORITHM;
    if ((!parts && nparts) || !out)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t k = 0; k < nparts; k++)
        if (parts[k].len && !parts[k].p)
            return MIKEY_ERR_INVALID_ARG;
    int rc = MIKEY_ERR_CRYPTO;
    EVP_MD *owned = NULL;
    const EVP_MD *md = md_get(i, &owned);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (!ctx || !EVP_DigestInit_ex2(ctx, md, NULL))
        goto done;
    for (size_t k = 0; k < nparts; k++)
        if (parts[k].len && !EVP_DigestUpdate(ctx, parts[k].p, parts[k].len))
            goto done;
    uint8_t tmp[EVP_MAX_MD_SIZE];
    unsigned outl = 0;
    if (!EVP_DigestFinal_ex(ctx, tmp, &outl) || outl != (unsigned)mikey_hash_len(hash_func))
        goto done;
    memcpy(out, tmp, outl);
    rc = MIKEY_OK;
done:
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(owned);
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}
