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
    static const char *const ecb[3] = {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"};
    static const char *const gcm[2] = {"AES-128-GCM", "AES-256-GCM"};
    memset(a, 0, sizeof *a);
    for (int i = 0; i < 3; i++)
        if (!(a->ctr[i] = EVP_CIPHER_fetch(NULL, ctr[i], NULL)) || !(a->ecb[i] = EVP_CIPHER_fetch(NULL, ecb[i], NULL)))
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
    for (int i = 0; i < 3; i++) {
        EVP_CIPHER_free(a->ctr[i]);
        EVP_CIPHER_free(a->ecb[i]);
    }
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

static int aes_index(size_t keylen)
{
    return keylen == 16 ? 0 : keylen == 24 ? 1 : keylen == 32 ? 2 : -1;
}

int mk_sc_ctr_init(mk_sc_ctr *c, const mk_sc_algs *a, const uint8_t *key, size_t keylen)
{
    int i = aes_index(keylen), rc;
    if (i < 0)
        return MIKEY_ERR_INVALID_ARG;
    if (c->ctx && (size_t)EVP_CIPHER_CTX_get_key_length(c->ctx) != keylen)
        mk_sc_ctr_clear(c);
    if ((rc = cipher_key(&c->ctx, a->ctr[i], key)) != MIKEY_OK)
        return rc;
    return cipher_key(&c->ecb, a->ecb[i], key);
}

static void xor_bytes(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n);

/* Inputs up to this size take the ECB path (measured crossover with
 * OpenSSL 3.0 and AES-NI: ~800 bytes). */
#define CTR_ECB_MAX 768

int mk_sc_ctr_xor(mk_sc_ctr *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len)
{
    int outl;
    size_t nb = (len + 15) / 16;
    uint32_t lo = (uint32_t)iv[14] << 8 | iv[15];
    if (len <= CTR_ECB_MAX && lo + nb <= 0x10000) {
        /* Counter blocks IV + j (no carry out of the low 16 bits, checked
         * above, so this is exactly CTR mode), encrypted in one ECB call. */
        uint8_t blocks[CTR_ECB_MAX], ks[CTR_ECB_MAX];
        for (size_t j = 0; j < nb; j++) {
            uint8_t *b = blocks + 16 * j;
            memcpy(b, iv, 14);
            b[14] = (uint8_t)((lo + j) >> 8);
            b[15] = (uint8_t)(lo + j);
        }
        if (nb && (!EVP_EncryptUpdate(c->ecb, ks, &outl, blocks, (int)(16 * nb)) || outl != (int)(16 * nb)))
            return MIKEY_ERR_CRYPTO;
        /* No wipe: a packet's keystream reveals nothing its plaintext does
         * not (it is in the caller's buffer anyway), and this is hot. */
        xor_bytes(out, in, ks, len);
        return MIKEY_OK;
    }
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
    EVP_CIPHER_CTX_free(c->ecb);
    c->ctx = c->ecb = NULL;
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

/*
 * GCM per packet: new IV, AAD, data, final, tag. EVP_Cipher() drives the
 * provider directly (documented for AEAD ciphers: out NULL feeds AAD, in
 * NULL finalises), skipping EVP_*Update's bookkeeping; the tag moves with
 * one prebuilt parameter instead of EVP_CIPHER_CTX_ctrl. Together with the
 * SRTP logic this keeps us at the cost of the bare EVP calls (bench/srtp).
 */
static int gcm_aad(EVP_CIPHER_CTX *ctx, const uint8_t *aad, size_t len)
{
    if (len == 0)
        return 1;
    return len <= INT32_MAX && EVP_Cipher(ctx, NULL, aad, (unsigned int)len) >= 0;
}

int mk_sc_gcm_seal(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t taglen)
{
    EVP_CIPHER_CTX *ctx = g->ctx;
    OSSL_PARAM prm[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, taglen),
                         OSSL_PARAM_construct_end()};
    if (len > INT32_MAX)
        return MIKEY_ERR_INVALID_ARG;
    if (!EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) || !gcm_aad(ctx, aad1, aad1len) ||
        !gcm_aad(ctx, aad2, aad2len))
        return MIKEY_ERR_CRYPTO;
    if (len && EVP_Cipher(ctx, out, in, (unsigned int)len) < 0)
        return MIKEY_ERR_CRYPTO;
    if (EVP_Cipher(ctx, NULL, NULL, 0) < 0 || !EVP_CIPHER_CTX_get_params(ctx, prm))
        return MIKEY_ERR_CRYPTO;
    return MIKEY_OK;
}

int mk_sc_gcm_open(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t taglen)
{
    EVP_CIPHER_CTX *ctx = g->ctx;
    uint8_t t[16];
    OSSL_PARAM prm[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, t, taglen),
                         OSSL_PARAM_construct_end()};
    if (len > INT32_MAX || taglen > sizeof t)
        return MIKEY_ERR_INVALID_ARG;
    /* The tag may sit right after the ciphertext in a buffer we decrypt in
     * place; copy it first. */
    memcpy(t, tag, taglen);
    if (!EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) || !gcm_aad(ctx, aad1, aad1len) ||
        !gcm_aad(ctx, aad2, aad2len))
        return MIKEY_ERR_CRYPTO;
    if (len && EVP_Cipher(ctx, out, in, (unsigned int)len) < 0)
        return MIKEY_ERR_CRYPTO;
    if (!EVP_CIPHER_CTX_set_params(ctx, prm))
        return MIKEY_ERR_CRYPTO;
    /* GCM's final compares the tag in constant time. */
    if (EVP_Cipher(ctx, NULL, NULL, 0) < 0)
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
