/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Thin OpenSSL 3 EVP wrappers for the SRTP engine (src/srtp/). Only
 * src/crypto/ossl_srtp.c includes OpenSSL; the rest of the engine sees
 * opaque handles. Every object is set up once per session key and reused
 * for every packet: per packet only an IV is set or a precomputed HMAC state
 * is copied (no key schedule, no fetch, no allocation in our code).
 *
 * All functions return MIKEY_OK or a negative mikey_err (MIKEY_ERR_CRYPTO
 * when OpenSSL fails, MIKEY_ERR_NOMEM when it cannot allocate at setup).
 * The *_init functions may be called again on an initialised object to
 * re-key it (KDR != 0); *_clear frees and wipes, and is safe on a zeroed
 * object.
 */
#ifndef MIKEY_SRTP_CRYPTO_H
#define MIKEY_SRTP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Algorithms fetched once per session (EVP_CIPHER / EVP_MD, immutable and
 * reference counted by OpenSSL, so implicit fetches never happen per packet). */
typedef struct mk_sc_algs {
    void *ctr[3]; /* AES-128/192/256-CTR */
    void *ecb[3]; /* AES-128/192/256-ECB: short counter-mode inputs */
    void *ecb128; /* AES-128-ECB: the F8 IV' block */
    void *cbc128; /* AES-128-CBC: the F8 keystream chain */
    void *gcm[2]; /* AES-128-GCM, AES-256-GCM */
    void *sha1;
} mk_sc_algs;

int mk_sc_algs_init(mk_sc_algs *a);
void mk_sc_algs_clear(mk_sc_algs *a);

/* AES counter mode with a 16-byte initial counter block (RFC 3711 §4.1.1);
 * key length 16, 24 or 32. xor: out = in XOR keystream(iv), in == out ok.
 * Short inputs run as AES-ECB over counter blocks we build (no per-packet
 * IV setup, which costs OpenSSL 3 about 40 ns), long ones as AES-CTR. */
typedef struct mk_sc_ctr {
    void *ctx; /* AES-CTR */
    void *ecb; /* AES-ECB, same key */
} mk_sc_ctr;
int mk_sc_ctr_init(mk_sc_ctr *c, const mk_sc_algs *a, const uint8_t *key, size_t keylen);
int mk_sc_ctr_xor(mk_sc_ctr *c, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
void mk_sc_ctr_clear(mk_sc_ctr *c);

/* AES-128 f8 (RFC 3711 §4.1.2): keyed with k_e and with k_e XOR m where
 * m = k_s || 0x55.. (salt of any length up to 16 bytes). xor: out = in XOR
 * the f8 keystream for the 16-byte IV. */
typedef struct mk_sc_f8 {
    void *ivctx; /* AES-ECB under k_e XOR m: IV' = E(k_e XOR m, IV) */
    void *cbc;   /* AES-CBC under k_e with IV 0: S(j) = E(IV' ^ j ^ S(j-1)) */
} mk_sc_f8;
int mk_sc_f8_init(mk_sc_f8 *f, const mk_sc_algs *a, const uint8_t *key, size_t keylen, const uint8_t *salt,
                  size_t saltlen);
int mk_sc_f8_xor(mk_sc_f8 *f, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
void mk_sc_f8_clear(mk_sc_f8 *f);

/* AES-GCM with a 12-byte IV; key 16 or 32 bytes; tag 8..16 bytes. The AAD
 * is aad1 || aad2 (either may be empty). open returns MIKEY_ERR_AUTH when
 * the tag does not verify (out then holds unverified data: the caller wipes
 * or restores it). */
typedef struct mk_sc_gcm {
    void *ctx;
} mk_sc_gcm;
int mk_sc_gcm_init(mk_sc_gcm *g, const mk_sc_algs *a, const uint8_t *key, size_t keylen);
int mk_sc_gcm_seal(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t taglen);
int mk_sc_gcm_open(mk_sc_gcm *g, const uint8_t iv[12], const uint8_t *aad1, size_t aad1len, const uint8_t *aad2,
                   size_t aad2len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t taglen);
void mk_sc_gcm_clear(mk_sc_gcm *g);

/* HMAC-SHA1 (RFC 2104) over a || b with the inner and outer states
 * precomputed at init (one SHA-1 block each saved per packet). */
typedef struct mk_sc_hmac {
    void *ist, *ost, *work;
} mk_sc_hmac;
int mk_sc_hmac_init(mk_sc_hmac *h, const mk_sc_algs *a, const uint8_t *key, size_t keylen);
int mk_sc_hmac2(mk_sc_hmac *h, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[20]);
void mk_sc_hmac_clear(mk_sc_hmac *h);

#endif /* MIKEY_SRTP_CRYPTO_H */
