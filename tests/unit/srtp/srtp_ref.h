/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An independent, deliberately naive SRTP/SRTCP reference for the tests:
 * written straight from RFC 3711 §3-4, RFC 6188 and RFC 7714 §8-9 with
 * one-shot OpenSSL calls (a fresh context for every AES block, EVP_Q_mac
 * for HMAC), a per-block f8 chain, the KDF re-run for every packet, and no
 * code shared with src/srtp/. Tests compare the engine's bytes with it for
 * what no RFC vector covers (KDR != 0, AES-192 packets, f8 SRTCP, MKI, ROC
 * wrap). Header-only (static).
 */
#ifndef SRTP_REF_H
#define SRTP_REF_H

#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

typedef struct ref_ctx {
    int cipher;         /* mikey_srtp_cipher values */
    int hmac;           /* 1: HMAC-SHA1 */
    int rtp_auth;       /* authenticate SRTP */
    int rtp_enc, rtcp_enc;
    size_t rtp_tag, rtcp_tag, auth_key_len;
    const uint8_t *mkey;
    size_t mkey_len;
    uint8_t msalt[14];  /* 112-bit KDF salt (GCM: 12 bytes || 00 00) */
    uint32_t kdr;
    const uint8_t *mki;
    size_t mki_len;
} ref_ctx;

static inline void ref_aes(const uint8_t *key, size_t klen, const uint8_t in[16], uint8_t out[16])
{
    const EVP_CIPHER *c = klen == 16 ? EVP_aes_128_ecb() : klen == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n;
    EVP_EncryptInit_ex(x, c, NULL, key, NULL);
    EVP_CIPHER_CTX_set_padding(x, 0);
    EVP_EncryptUpdate(x, out, &n, in, 16);
    EVP_CIPHER_CTX_free(x);
}

/* RFC 3711 §4.3.1/4.3.3: key_id = label || r, x = key_id XOR salt, output
 * = AES(master, x*2^16 + j) for j = 0, 1, ... */
static inline void ref_kdf(const ref_ctx *c, uint8_t label, uint64_t r, uint8_t *out, size_t len)
{
    uint8_t x[14], blk[16], o[16];
    memcpy(x, c->msalt, 14);
    uint8_t key_id[7] = {label, (uint8_t)(r >> 40), (uint8_t)(r >> 32), (uint8_t)(r >> 24),
                         (uint8_t)(r >> 16), (uint8_t)(r >> 8), (uint8_t)r};
    for (int i = 0; i < 7; i++)
        x[7 + i] ^= key_id[i];
    for (size_t j = 0; j * 16 < len; j++) {
        memcpy(blk, x, 14);
        blk[14] = (uint8_t)(j >> 8);
        blk[15] = (uint8_t)j;
        ref_aes(c->mkey, c->mkey_len, blk, o);
        size_t n = len - j * 16 < 16 ? len - j * 16 : 16;
        memcpy(out + 16 * j, o, n);
    }
}

static inline size_t ref_key_len(int cipher)
{
    switch (cipher) {
    case 0: return 0;
    case 2: return 24;
    case 3: case 6: return 32;
    default: return 16;
    }
}

/* Session keys for packet type rtcp at index (SRTP or SRTCP index). */
typedef struct ref_keys {
    uint8_t ke[32], ka[64], ks[14];
    size_t kel, kal, ksl;
} ref_keys;

static inline void ref_session(const ref_ctx *c, int rtcp, uint64_t index, ref_keys *k)
{
    uint64_t r = c->kdr ? index / c->kdr : 0;
    uint8_t base = rtcp ? 3 : 0;
    memset(k, 0, sizeof *k);
    k->kel = ref_key_len(c->cipher);
    k->ksl = c->cipher == 0 ? 0 : (c->cipher >= 5 ? 12 : 14);
    k->kal = c->hmac && c->cipher < 5 ? c->auth_key_len : 0;
    ref_kdf(c, base, r, k->ke, k->kel);
    ref_kdf(c, (uint8_t)(base + 1), r, k->ka, k->kal);
    ref_kdf(c, (uint8_t)(base + 2), r, k->ks, k->ksl);
}

/* AES-CM keystream XOR: counter = IV + j (RFC 3711 §4.1.1). */
static inline void ref_cm(const ref_keys *k, const uint8_t iv[16], uint8_t *p, size_t n)
{
    uint8_t blk[16], o[16];
    for (size_t j = 0; j * 16 < n; j++) {
        memcpy(blk, iv, 16);
        uint32_t lo = (uint32_t)blk[14] << 8 | blk[15];
        lo += (uint32_t)j;
        blk[14] = (uint8_t)(lo >> 8);
        blk[15] = (uint8_t)lo;
        blk[13] ^= (uint8_t)(lo >> 16); /* never reached for real packets */
        ref_aes(k->ke, k->kel, blk, o);
        for (size_t i = 0; i < 16 && 16 * j + i < n; i++)
            p[16 * j + i] ^= o[i];
    }
}

/* AES-f8 (RFC 3711 §4.1.2): IV' = E(k_e ^ m, IV), S(j) = E(k_e, IV' ^ j ^ S(j-1)). */
static inline void ref_f8(const ref_keys *k, const uint8_t iv[16], uint8_t *p, size_t n)
{
    uint8_t m[16], ivp[16], s[16] = {0}, in[16];
    for (int i = 0; i < 16; i++)
        m[i] = k->ke[i] ^ (i < (int)k->ksl ? k->ks[i] : 0x55);
    ref_aes(m, 16, iv, ivp);
    for (size_t j = 0; j * 16 < n; j++) {
        for (int i = 0; i < 16; i++)
            in[i] = ivp[i] ^ s[i];
        in[12] ^= (uint8_t)(j >> 24);
        in[13] ^= (uint8_t)(j >> 16);
        in[14] ^= (uint8_t)(j >> 8);
        in[15] ^= (uint8_t)j;
        ref_aes(k->ke, 16, in, s);
        for (size_t i = 0; i < 16 && 16 * j + i < n; i++)
            p[16 * j + i] ^= s[i];
    }
}

static inline void ref_hmac(const ref_keys *k, const uint8_t *d, size_t n, uint8_t out[20])
{
    size_t ol = 0;
    EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, k->ka, k->kal, d, n, out, 20, &ol);
}

static inline void ref_gcm(const ref_keys *k, const uint8_t iv[12], const uint8_t *aad, size_t aadl, uint8_t *p,
                           size_t n, uint8_t *tag, size_t tagl)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int o;
    EVP_EncryptInit_ex(x, k->kel == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, k->ke, iv);
    EVP_EncryptUpdate(x, NULL, &o, aad, (int)aadl);
    if (n)
        EVP_EncryptUpdate(x, p, &o, p, (int)n);
    EVP_EncryptFinal_ex(x, p + n, &o);
    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, (int)tagl, tag);
    EVP_CIPHER_CTX_free(x);
}

static inline size_t ref_rtp_hlen(const uint8_t *p)
{
    size_t h = 12 + 4 * (size_t)(p[0] & 15);
    if (p[0] & 0x10)
        h += 4 + 4 * (size_t)((p[h + 2] << 8) | p[h + 3]);
    return h;
}

/* Protect an RTP packet at the given 48-bit index; returns the length. */
static inline size_t ref_protect_rtp(const ref_ctx *c, uint64_t index, const uint8_t *in, size_t len, uint8_t *out)
{
    ref_keys k;
    size_t h = ref_rtp_hlen(in);
    uint32_t roc = (uint32_t)(index >> 16);
    uint8_t iv[16];
    ref_session(c, 0, index, &k);
    memcpy(out, in, len);
    if (c->cipher >= 5) {
        uint8_t g[12] = {0};
        memcpy(g + 2, in + 8, 4);
        g[6] = (uint8_t)(roc >> 24), g[7] = (uint8_t)(roc >> 16), g[8] = (uint8_t)(roc >> 8), g[9] = (uint8_t)roc;
        g[10] = in[2], g[11] = in[3];
        for (int i = 0; i < 12; i++)
            g[i] ^= k.ks[i];
        if (c->rtp_enc)
            ref_gcm(&k, g, out, h, out + h, len - h, out + len, c->rtp_tag);
        else
            ref_gcm(&k, g, out, len, NULL, 0, out + len, c->rtp_tag);
        if (c->mki_len)
            memcpy(out + len + c->rtp_tag, c->mki, c->mki_len);
        return len + c->rtp_tag + c->mki_len;
    }
    if (c->cipher != 0 && c->rtp_enc) {
        if (c->cipher == 4) {
            iv[0] = 0;
            memcpy(iv + 1, in + 1, 11);
            iv[12] = (uint8_t)(roc >> 24), iv[13] = (uint8_t)(roc >> 16), iv[14] = (uint8_t)(roc >> 8);
            iv[15] = (uint8_t)roc;
            ref_f8(&k, iv, out + h, len - h);
        } else {
            memset(iv, 0, 16);
            memcpy(iv, k.ks, 14);
            for (int i = 0; i < 4; i++)
                iv[4 + i] ^= in[8 + i];
            for (int i = 0; i < 6; i++)
                iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
            ref_cm(&k, iv, out + h, len - h);
        }
    }
    if (c->mki_len)
        memcpy(out + len, c->mki, c->mki_len);
    size_t n = len + c->mki_len;
    if (c->hmac && c->rtp_auth) {
        uint8_t m[4096], t[20];
        memcpy(m, out, len);
        m[len] = (uint8_t)(roc >> 24), m[len + 1] = (uint8_t)(roc >> 16), m[len + 2] = (uint8_t)(roc >> 8);
        m[len + 3] = (uint8_t)roc;
        ref_hmac(&k, m, len + 4, t);
        memcpy(out + n, t, c->rtp_tag);
        n += c->rtp_tag;
    }
    return n;
}

/* Protect an RTCP packet with SRTCP index idx. */
static inline size_t ref_protect_rtcp(const ref_ctx *c, uint32_t idx, const uint8_t *in, size_t len, uint8_t *out)
{
    ref_keys k;
    int e = c->rtcp_enc && c->cipher != 0;
    uint32_t eidx = (e ? 0x80000000u : 0) | idx;
    uint8_t eb[4] = {(uint8_t)(eidx >> 24), (uint8_t)(eidx >> 16), (uint8_t)(eidx >> 8), (uint8_t)eidx};
    ref_session(c, 1, idx, &k);
    memcpy(out, in, len);
    if (c->cipher >= 5) {
        uint8_t g[12] = {0}, aad[4096];
        memcpy(g + 2, in + 4, 4);
        memcpy(g + 8, eb, 4);
        g[8] &= 0x7f;
        for (int i = 0; i < 12; i++)
            g[i] ^= k.ks[i];
        if (e) {
            memcpy(aad, in, 8);
            memcpy(aad + 8, eb, 4);
            ref_gcm(&k, g, aad, 12, out + 8, len - 8, out + len, c->rtcp_tag);
        } else {
            memcpy(aad, in, len);
            memcpy(aad + len, eb, 4);
            ref_gcm(&k, g, aad, len + 4, NULL, 0, out + len, c->rtcp_tag);
        }
        memcpy(out + len + c->rtcp_tag, eb, 4);
        if (c->mki_len)
            memcpy(out + len + c->rtcp_tag + 4, c->mki, c->mki_len);
        return len + c->rtcp_tag + 4 + c->mki_len;
    }
    if (e) {
        uint8_t iv[16] = {0};
        if (c->cipher == 4) {
            memcpy(iv + 4, eb, 4);
            memcpy(iv + 8, in, 8);
            ref_f8(&k, iv, out + 8, len - 8);
        } else {
            memcpy(iv, k.ks, 14);
            for (int i = 0; i < 4; i++)
                iv[4 + i] ^= in[4 + i];
            for (int i = 0; i < 4; i++)
                iv[10 + i] ^= (uint8_t)(idx >> (24 - 8 * i));
            ref_cm(&k, iv, out + 8, len - 8);
        }
    }
    memcpy(out + len, eb, 4);
    if (c->mki_len)
        memcpy(out + len + 4, c->mki, c->mki_len);
    size_t n = len + 4 + c->mki_len;
    if (c->hmac) {
        uint8_t t[20];
        ref_hmac(&k, out, len + 4, t);
        memcpy(out + n, t, c->rtcp_tag);
        n += c->rtcp_tag;
    }
    return n;
}

#endif
