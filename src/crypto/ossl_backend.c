/* SPDX-License-Identifier: BSD-2-Clause */
/* The OpenSSL 3 backend's ops table (crypto.h). */
#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

static const mk_crypto_ops ossl_ops = {
    .name = "openssl3",
    .hmac = mk_ossl_hmac,
    .digest = mk_ossl_digest,
    .aes_cm = mk_ossl_aes_cm,
    .aes_kw_wrap = mk_ossl_aes_kw_wrap,
    .aes_kw_unwrap = mk_ossl_aes_kw_unwrap,
    .pkey_from_pem = mk_ossl_pkey_from_pem,
    .pkey_free = mk_ossl_pkey_free,
    .pkey_size = mk_ossl_pkey_size,
    .cert_from_der = mk_ossl_cert_from_der,
    .cert_from_pem = mk_ossl_cert_from_pem,
    .cert_free = mk_ossl_cert_free,
    .cert_der = mk_ossl_cert_der,
    .cert_pubkey = mk_ossl_cert_pubkey,
    .cert_matches_key = mk_ossl_cert_matches_key,
    .trust_new = mk_ossl_trust_new,
    .trust_add = mk_ossl_trust_add,
    .trust_free = mk_ossl_trust_free,
    .cert_verify = mk_ossl_cert_verify,
    .rsa_encrypt = mk_ossl_rsa_encrypt,
    .rsa_decrypt = mk_ossl_rsa_decrypt,
    .sign = mk_ossl_sign,
    .verify = mk_ossl_verify,
    .dh_generate = mk_ossl_dh_generate,
    .dh_free = mk_ossl_dh_free,
    .dh_group = mk_ossl_dh_group,
    .dh_public = mk_ossl_dh_public,
    .dh_compute = mk_ossl_dh_compute,
    .dh_prime = mk_ossl_dh_prime,
};

const mk_crypto_ops *mk_crypto_ossl(void) { return &ossl_ops; }
