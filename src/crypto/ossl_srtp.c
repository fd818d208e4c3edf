/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OpenSSL 3 EVP back end of the SRTP engine (see srtp_crypto.h).
 *
 * Speed matters here (bench/srtp): every context is keyed once, fetched
 * algorithms are kept (an implicit fetch costs a lock and a hash lookup),
 * and per packet we only set an IV (EVP_CipherInit_ex with NULL key keeps the
 * key schedule) or copy a precomputed HMAC state. Measured on OpenSSL 3.0:
 * copying the precomputed inner/outer SHA-1 states is faster than
 * EVP_MAC_init(NULL key) and than re-hashing the ipad/opad blocks.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/srtp_crypto.h"
#include "internal.h"

int mk_sc_algs_init(mk_sc_algs *a)
{
    static const char *const ctr[3] = {"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"};
    static const char *const gcm[2] = {"AES-128-GCM", "AES-256-GCM"};
    memset(a, 0, sizeof *a);
    for (int i = 0; i < 3; i++)
        if (!(a->ctr[i] = EVP_CIPHER_fetch(NULL, ctr[i], NULL)))
            goto fail;
    for (int i = 0; i < 2; i++)
        if (!(a->gcm[i] = EVP_CIPHER_fetch(NULL, gcm[i], NULL)))
            goto fail;
    if (!(a->ecb128 = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL)) ||
        !(a->cbc128 = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL)) || !(a->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL)))
        goto fail;
    return MIKEY_OK;
fail:
    mk_sc_algs_clear(a);
    return MIKEY_ERR_CRYPTO;
}

void mk_sc_algs_clear(mk_sc_algs *a)
{
    for (int i = 0; i < 3; i++)
        EVP_CIPHER_free(a->ctr[i]);
    for (int i = 0; i < 2; i++)
        EVP_CIPHER_free(a->gcm[i]);
    EVP_CIPHER_free(a->ecb128);
    EVP_CIPHER_free(a->cbc128);
    EVP_MD_free(a->sha1);
    memset(a, 0, sizeof *a);
}

/* Key a cipher context, creating it on first use; padding off (CTR, ECB and
 * CBC are all used on whole blocks or as stream ciphers). */
static int cipher_key(void **pctx, const EVP_CIPHER *cipher, const uint8_t *key)
{
    EVP_CIPHER_CTX *ctx = *pctx;
    if (!ctx) {
        if (!(ctx = EVP_CIPHER_CTX_new()))
            return MIKEY_ERR_NOMEM;
        *pctx = ctx;
        if (!EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL))
            return MIKEY_ERR_CRYPTO;
    } else if (!EVP_EncryptInit_ex2(ctx, NULL, key, NULL, NULL)) {
        return MIKEY_ERR_CRYPTO;
    }
    if (!EVP_CIPHER_CTX_set_padding(ctx, 0))
        return MIKEY_ERR_CRYPTO;
    return MIKEY_OK;
}

static const EVP_CIPHER *ctr_for(const mk_sc_algs *a, size_t keylen)
{
    switch (keylen) {
    case 16: return a->ctr[0];
    case 24: return a->ctr[1];
    case 32: return a->ctr[2];
    default: return NULL;
    }
}

int mk_sc_ctr_init(mk_sc_ctr *c, const mk_sc_algs *a, const uint8_t *key, size_t keylen)
{
    const EVP_CIPHER *ci = ctr_for(a, keylen);
    if (!ci)
        return MIKEY_ERR_INVALID_ARG;
    if (c->ctx && (size_t)EVP_CIPHER_CTX_get_key_length(c->ctx) != keylen)
        mk_sc_ctr_clear(c);
    return cipher_key(&c->ctx, ci, key);
}

int mk_sc_ctr_xor(mk_sc_ctr *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len)
{
    int outl;
    if (!EVP_EncryptInit_ex(c->ctx, NULL, NULL, NULL, iv))
        return MIKEY_ERR_CRYPTO;
    while (len > 0) {
        int n = len > (size_t)1 << 30 ? 1 << 30 : (int)len;
        if (!EVP_EncryptUpdate(c->ctx, out, &outl, in, n) || outl != n)
            return MIKEY_ERR_CRYPTO;
        in += n;
        out += n;
        len -= (size_t)n;
    }
    return MIKEY_OK;
}

void mk_sc_ctr_clear(mk_sc_ctr *c)
{
    EVP_CIPHER_CTX_free(c->ctx);
    c->ctx = NULL;
}

static void xor_bytes(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, in + i, 8);
        memcpy(&y, ks + i, 8);
        x ^= y;
        memcpy(out + i, &x, 8);
    }
    for (; i < n; i++)
        out[i] = in[i] ^ ks[i];
}

int mk_sc_f8_init(mk_sc_f8 *f, const mk_sc_algs *a, const uint8_t *key, size_t keylen, const uint8_t *salt,
                  size_t saltlen)
{
    /* RFC 3711 §4.1.2.1: m = k_s || 0x555..5, as long as the key. */
    uint8_t masked[16];
    int rc;
    if (keylen != 16 || saltlen > 16)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < 16; i++)
        masked[i] = key[i] ^ (i < saltlen ? salt[i] : 0x55);
    rc = cipher_key(&f->ivctx, a->ecb128, masked);
    mk_wipe(masked, sizeof masked);
    if (rc != MIKEY_OK)
        return rc;
    return cipher_key(&f->cbc, a->cbc128, key);
}

int mk_sc_f8_xor(mk_sc_f8 *f, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len)
{
    /* S(j) = E(k_e, IV' XOR j XOR S(j-1)), S(-1) = 0 (RFC 3711 §4.1.2.2) is
     * exactly CBC encryption, IV 0, of the blocks IV' XOR j: one EVP call per
     * chunk instead of one per block. */
    static const uint8_t zero[16];
    uint8_t ivp[16], blocks[512], ks[512];
    int outl;
    uint32_t j = 0;
    if (!EVP_EncryptUpdate(f->ivctx, ivp, &outl, iv, 16) || outl != 16)
        return MIKEY_ERR_CRYPTO;
    if (!EVP_EncryptInit_ex(f->cbc, NULL, NULL, NULL, zero))
        return MIKEY_ERR_CRYPTO;
    while (len > 0) {
        size_t n = len < sizeof ks ? len : sizeof ks;
        size_t nb = (n + 15) / 16;
        for (size_t b = 0; b < nb; b++, j++) {
            memcpy(blocks + 16 * b, ivp, 12);
            uint32_t w = mk_be32(ivp + 12) ^ j;
            mk_put32(blocks + 16 * b + 12, w);
        }
        if (!EVP_EncryptUpdate(f->cbc, ks, &outl, blocks, (int)(nb * 16)) || outl != (int)(nb * 16))
            return MIKEY_ERR_CRYPTO;
        xor_bytes(out, in, ks, n);
        in += n;
        out += n;
        len -= n;
    }
    mk_wipe(ks, sizeof ks);
    return MIKEY_OK;
}

void mk_sc_f8_clear(mk_sc_f8 *f)
{
    EVP_CIPHER_CTX_free(f->ivctx);
    EVP_CIPHER_CTX_free(f->cbc);
    f->ivctx = f->cbc = NULL;
}

int mk_sc_gcm_init(mk_sc_gcm *g, const mk_sc_algs *a, const uint8_t *key, size_t keylen)
{
    const EVP_CIPHER *ci = keylen == 16 ? a->gcm[0] : keylen == 32 ? a->gcm[1] : NULL;
    if (!ci)
        return MIKEY_ERR_INVALID_ARG;
    if (g->ctx && (size_t)EVP_CIPHER_CTX_get_key_length(g->ctx) != keylen)
        mk_sc_gcm_clear(g);
    if (!g->ctx) {
        if (!(g->ctx = EVP_CIPHER_CTX_new()))
            return MIKEY_ERR_NOMEM;
        if (!EVP_EncryptInit_ex2(g->ctx, ci, key, NULL, NULL))
            return MIKEY_ERR_CRYPTO;
        return MIKEY_OK;
    }
    return EVP_EncryptInit_ex2(g->ctx, NULL, key, NULL, NULL) ? MIKEY_OK : MIKEY_ERR_CRYPTO;
}

static int gcm_aad(EVP_CIPHER_CTX *ctx, const uint8_t *aad, size_t len)
{
    int outl;
    if (len == 0)
        return 1;
    return len <= INT32_MAX && EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)len);
}

int mk_sc_gcm_seal(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t taglen)
{
    EVP_CIPHER_CTX *ctx = g->ctx;
    int outl;
    if (len > INT32_MAX)
        return MIKEY_ERR_INVALID_ARG;
    if (!EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) || !gcm_aad(ctx, aad1, aad1len) ||
        !gcm_aad(ctx, aad2, aad2len))
        return MIKEY_ERR_CRYPTO;
    if (len && (!EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) || outl != (int)len))
        return MIKEY_ERR_CRYPTO;
    if (!EVP_EncryptFinal_ex(ctx, out + len, &outl) ||
        !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)taglen, tag))
        return MIKEY_ERR_CRYPTO;
    return MIKEY_OK;
}

int mk_sc_gcm_open(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t taglen)
{
    EVP_CIPHER_CTX *ctx = g->ctx;
    uint8_t t[16];
    int outl;
    if (len > INT32_MAX || taglen > sizeof t)
        return MIKEY_ERR_INVALID_ARG;
    /* The tag may sit right after the ciphertext in a buffer we decrypt in
     * place; copy it first. */
    memcpy(t, tag, taglen);
    if (!EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) || !gcm_aad(ctx, aad1, aad1len) ||
        !gcm_aad(ctx, aad2, aad2len))
        return MIKEY_ERR_CRYPTO;
    if (len && (!EVP_DecryptUpdate(ctx, out, &outl, in, (int)len) || outl != (int)len))
        return MIKEY_ERR_CRYPTO;
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)taglen, t))
        return MIKEY_ERR_CRYPTO;
    /* GCM's final compares the tag in constant time. */
    if (EVP_DecryptFinal_ex(ctx, out + len, &outl) <= 0)
        return MIKEY_ERR_AUTH;
    return MIKEY_OK;
}

void mk_sc_gcm_clear(mk_sc_gcm *g)
{
    EVP_CIPHER_CTX_free(g->ctx);
    g->ctx = NULL;
}

int mk_sc_hmac_init(mk_sc_hmac *h, const mk_sc_algs *a, const uint8_t *key, size_t keylen)
{
    uint8_t k[64], pad[64];
    unsigned int kl = 0;
    int rc = MIKEY_ERR_CRYPTO;
    memset(k, 0, sizeof k);
    if (!h->ist && !(h->ist = EVP_MD_CTX_new()))
        return MIKEY_ERR_NOMEM;
    if (!h->ost && !(h->ost = EVP_MD_CTX_new()))
        return MIKEY_ERR_NOMEM;
    if (!h->work && !(h->work = EVP_MD_CTX_new()))
        return MIKEY_ERR_NOMEM;
    if (keylen > 64) { /* RFC 2104 §2: longer keys are hashed first */
        if (!EVP_DigestInit_ex2(h->work, a->sha1, NULL) || !EVP_DigestUpdate(h->work, key, keylen) ||
            !EVP_DigestFinal_ex(h->work, k, &kl))
            goto out;
    } else {
        memcpy(k, key, keylen);
    }
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    if (!EVP_DigestInit_ex2(h->ist, a->sha1, NULL) || !EVP_DigestUpdate(h->ist, pad, 64))
        goto out;
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    if (!EVP_DigestInit_ex2(h->ost, a->sha1, NULL) || !EVP_DigestUpdate(h->ost, pad, 64))
        goto out;
    rc = MIKEY_OK;
out:
    mk_wipe(k, sizeof k);
    mk_wipe(pad, sizeof pad);
    return rc;
}

int mk_sc_hmac2(mk_sc_hmac *h, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[20])
{
    uint8_t inner[20];
    unsigned int n;
    EVP_MD_CTX *w = h->work;
    if (!EVP_MD_CTX_copy_ex(w, h->ist) || (alen && !EVP_DigestUpdate(w, a, alen)) ||
        (blen && !EVP_DigestUpdate(w, b, blen)) || !EVP_DigestFinal_ex(w, inner, &n))
        return MIKEY_ERR_CRYPTO;
    if (!EVP_MD_CTX_copy_ex(w, h->ost) || !EVP_DigestUpdate(w, inner, sizeof inner) ||
        !EVP_DigestFinal_ex(w, out, &n))
        return MIKEY_ERR_CRYPTO;
    return MIKEY_OK;
}

void mk_sc_hmac_clear(mk_sc_hmac *h)
{
    EVP_MD_CTX_free(h->ist);
    EVP_MD_CTX_free(h->ost);
    EVP_MD_CTX_free(h->work);
    h->ist = h->ost = h->work = NULL;
}
