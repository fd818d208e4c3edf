/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to the OpenSSL backend (src/crypto/ossl_*.c): the functions that
 * fill mk_crypto_ossl()'s table, and the keyed HMAC that prf.c uses
 * directly when it runs over this backend. This header does not include
 * OpenSSL, the .c files do.
 */
#ifndef MIKEY_CRYPTO_OSSL_INT_H
#define MIKEY_CRYPTO_OSSL_INT_H

#include "crypto/crypto.h"

/* ossl_mac.c */
const char *mk_ossl_md_name(unsigned hash_func);
int mk_ossl_hmac(unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts, size_t nparts,
                 uint8_t *out);
int mk_ossl_digest(unsigned hash_func, const mikey_span *parts, size_t nparts, uint8_t *out);

/*
 * A keyed HMAC for several MACs under one key (RFC 2104 §4: the inner and
 * outer pads are hashed once, each MAC starts from copies of those
 * states). prf.c uses it for the MIKEY PRF, whose P-function computes all
 * its HMACs under one key (RFC 3830 §4.1.2), when the ops table is this
 * backend's. Usage: mk_ossl_hmac_init, then mk_ossl_hmac_key (again for
 * another key), mk_ossl_hmac_mac any number of times under that key, the
 * last of them with `last` set (it finishes the key states instead of
 * copying them: the key must be set again after it), and always
 * mk_ossl_hmac_clear (it frees and wipes the key states; safe after a
 * failed init). The fields are EVP_MD_CTX / EVP_MD pointers.
 */
typedef struct mk_hmac_ctx {
    void *ist, *ost, *work; /* EVP_MD_CTX: H(K ^ ipad), H(K ^ opad), scratch (made when needed) */
    const void *md;         /* EVP_MD */
    void *md_owned;         /* the EVP_MD if fetched for this context */
    size_t maclen;
    int keyed;
} mk_hmac_ctx;
int mk_ossl_hmac_init(mk_hmac_ctx *h, unsigned mac_alg);
int mk_ossl_hmac_key(mk_hmac_ctx *h, const uint8_t *key, size_t keylen);
int mk_ossl_hmac_mac(mk_hmac_ctx *h, int last, const mikey_span *parts, size_t nparts, uint8_t *out);
void mk_ossl_hmac_clear(mk_hmac_ctx *h);

/* ossl_cipher.c */
int mk_ossl_aes_cm(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                   size_t len);
int mk_ossl_aes_kw_wrap(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                        uint8_t *out);
int mk_ossl_aes_kw_unwrap(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                          uint8_t *out);

/* ossl_rsa.c */
int mk_ossl_pkey_from_pem(const mikey_env *env, const uint8_t *pem, size_t len, int is_private, mk_pkey **out);
void mk_ossl_pkey_free(mk_pkey *k);
size_t mk_ossl_pkey_size(const mk_pkey *k);
int mk_ossl_rsa_encrypt(const mikey_env *env, const mk_pkey *k, int pad, const uint8_t *in, size_t len,
                        uint8_t *out, size_t *outlen);
int mk_ossl_rsa_decrypt(const mk_pkey *k, int pad, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                        size_t *outlen);
int mk_ossl_sign(const mikey_env *env, const mk_pkey *k, unsigned s_type, unsigned hash_func,
                 const mikey_span *parts, size_t nparts, uint8_t *sig, size_t cap, size_t *siglen);
int mk_ossl_verify(const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts, size_t nparts,
                   const uint8_t *sig, size_t siglen);
/* Wrap an EVP_PKEY (passed as void * so this header stays OpenSSL-free);
 * takes ownership of the reference, frees it on failure. */
int mk_ossl_pkey_wrap(const mikey_env *env, void *evp_pkey, mk_pkey **out);

/* ossl_x509.c */
int mk_ossl_cert_from_der(const mikey_env *env, const uint8_t *der, size_t len, mk_cert **out);
int mk_ossl_cert_from_pem(const mikey_env *env, const uint8_t *pem, size_t len, mk_cert **out);
void mk_ossl_cert_free(mk_cert *c);
mikey_span mk_ossl_cert_der(const mk_cert *c);
int mk_ossl_cert_pubkey(const mikey_env *env, const mk_cert *c, mk_pkey **out);
int mk_ossl_cert_matches_key(const mk_cert *c, const mk_pkey *k);
int mk_ossl_trust_new(const mikey_env *env, mk_trust **out);
int mk_ossl_trust_add(mk_trust *t, const mk_cert *ca);
void mk_ossl_trust_free(mk_trust *t);
int mk_ossl_cert_verify(const mk_trust *t, const mk_cert *leaf, const mk_cert *const *chain, size_t nchain,
                        uint64_t now, const char *identity);
/* The EVP_PKEY inside a handle (as void *), for ossl_x509.c. */
void *mk_ossl_pkey_evp(const mk_pkey *k);

/* ossl_dh.c */
int mk_ossl_dh_generate(const mikey_env *env, unsigned group, mk_dh **out);
void mk_ossl_dh_free(mk_dh *dh);
unsigned mk_ossl_dh_group(const mk_dh *dh);
int mk_ossl_dh_public(const mk_dh *dh, uint8_t *out);
int mk_ossl_dh_compute(const mk_dh *dh, const uint8_t *peer, size_t peerlen, uint8_t *secret);
int mk_ossl_dh_prime(unsigned group, uint8_t *out);

#endif /* MIKEY_CRYPTO_OSSL_INT_H */
