/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal crypto interface (CONVENTIONS.md §2.2.6): everything MIKEY needs
 * from cryptography, behind one ops table so that the session layer never
 * sees OpenSSL and a test backend can stand in. Only src/crypto/ossl_*.c
 * include OpenSSL. All randomness comes from the caller's mikey_env.
 *
 * Two layers:
 *  1. mk_crypto_ops: primitives (HMAC, AES-CM/KW, digests, RSA, DH,
 *     X.509), implemented by the OpenSSL backend mk_crypto_ossl().
 *  2. MIKEY algorithms on top of the ops (prf.c, kemac.c): the PRF of
 *     RFC 3830 §4.1.2 / RFC 6043 §6.1, key derivation §4.1.3-4.1.4, KEMAC
 *     encryption §4.2.3 and MAC §4.2.4.
 *
 * Contract for every function: returns MIKEY_OK or a mikey_err; output
 * buffers are written only on success (on failure they may have been
 * wiped); secrets passed in are not retained unless stated.
 *
 * Randomness: every random value (DH private exponents, anything the
 * session layer draws) comes from env->rng, EXCEPT two places inside
 * OpenSSL that cannot take an external source through the EVP API: the
 * random padding of RSA encryption (PKCS#1 v1.5 / OAEP) and the RSASSA-PSS
 * salt. Those use OpenSSL's DRBG. Tests of them check decrypt/verify
 * round trips, never bytes.
 *
 * Interface changes since the first draft (all additive):
 *  - ops->dh_prime (the group's modulus, for the RFC-constant test);
 *  - mk_mac_verify / ops->hmac refuse MIKEY_MAC_NULL (MIKEY_ERR_ALGORITHM):
 *    the caller handles the NULL MAC explicitly;
 *  - mk_label_tgk / mk_label_env return 0 if rand.len > 255.
 */
#ifndef MIKEY_CRYPTO_H
#define MIKEY_CRYPTO_H

#include "internal.h"
#include "openmikey/message.h"

/* Upper bounds used for stack buffers. */
#define MK_MAX_MAC_LEN 32     /* HMAC-SHA-256 */
#define MK_MAX_HASH_LEN 32
#define MK_MAX_DH_LEN 192     /* OAKLEY 5, 1536 bits */
#define MK_MAX_SIG_LEN 1024   /* RSA up to 8192 bits */
#define MK_MAX_KEY_LEN 64

/* Opaque handles owned by the backend. */
typedef struct mk_pkey mk_pkey; /* a public key, or a key pair */
typedef struct mk_cert mk_cert; /* an X.509 certificate */
typedef struct mk_trust mk_trust; /* a trust store (CA certificates) */
typedef struct mk_dh mk_dh;     /* a DH key pair in a MIKEY group */

/* Envelope key encryption padding (RFC 3830 §4.2.5). */
enum mk_rsa_pad { MK_RSA_PKCS1 = 0, MK_RSA_OAEP = 1 };

typedef struct mk_crypto_ops {
    const char *name;

    /* HMAC over the concatenation of nparts spans (MAC coverage is often a
     * list of pieces). mac_alg: MIKEY_MAC_HMAC_SHA1_160 or _SHA256_256.
     * Writes mikey_mac_len(mac_alg) bytes. */
    int (*hmac)(unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts, size_t nparts,
                uint8_t *out);

    /* Digest over parts. hash_func: MIKEY_HASH_SHA1, _MD5, _SHA256.
     * Writes mikey_hash_len(hash_func) bytes. */
    int (*digest)(unsigned hash_func, const mikey_span *parts, size_t nparts, uint8_t *out);

    /* AES in counter mode (RFC 3711 §4.1.1 keystream: AES_k(IV + i)), key
     * 16 or 32 bytes, iv 16 bytes, in-place allowed. */
    int (*aes_cm)(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                  size_t len);

    /* RFC 3394 AES key wrap with a 64-bit IV (RFC 3830 §4.2.3: IV = S).
     * wrap: len multiple of 8, >= 16; out gets len + 8 bytes.
     * unwrap: len multiple of 8, >= 24; out gets len - 8 bytes;
     * integrity failure -> MIKEY_ERR_DECRYPT (out wiped). */
    int (*aes_kw_wrap)(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                       uint8_t *out);
    int (*aes_kw_unwrap)(const uint8_t *key, size_t keylen, const uint8_t iv[8], const uint8_t *in, size_t len,
                         uint8_t *out);

    /* ---- keys and certificates ---- */

    /* Parse a PEM or DER private key (RSA) / public key. */
    int (*pkey_from_pem)(const mikey_env *env, const uint8_t *pem, size_t len, int is_private, mk_pkey **out);
    void (*pkey_free)(mk_pkey *k);
    /* Key size in bytes (RSA modulus length). */
    size_t (*pkey_size)(const mk_pkey *k);

    /* Parse one certificate from DER or PEM. */
    int (*cert_from_der)(const mikey_env *env, const uint8_t *der, size_t len, mk_cert **out);
    int (*cert_from_pem)(const mikey_env *env, const uint8_t *pem, size_t len, mk_cert **out);
    void (*cert_free)(mk_cert *c);
    /* The DER encoding (a view valid while c lives). */
    mikey_span (*cert_der)(const mk_cert *c);
    /* The certificate's public key (new handle). */
    int (*cert_pubkey)(const mikey_env *env, const mk_cert *c, mk_pkey **out);
    /* Non-zero if the private key matches the certificate. */
    int (*cert_matches_key)(const mk_cert *c, const mk_pkey *k);

    /* Trust store. */
    int (*trust_new)(const mikey_env *env, mk_trust **out);
    int (*trust_add)(mk_trust *t, const mk_cert *ca);
    void (*trust_free)(mk_trust *t);

    /* Verify leaf + intermediates against the trust store at time `now`
     * (NTP-64, from env->now), and check that the leaf is bound to
     * `identity` (a SIP/SIPS/tel URI matched against subjectAltName URI
     * entries; NULL: skip the binding check).
     * Errors: MIKEY_ERR_CERT (untrusted, expired, not yet valid, bad
     * signature, not a CA...), MIKEY_ERR_IDENTITY (valid but not bound).
     * Chain: X509_verify_cert with default flags; trust anchors must be
     * self-signed roots added with trust_add (an intermediate in the store
     * is not an anchor); `chain` supplies untrusted intermediates in any
     * order. Time: `now` is converted to Unix time with the RFC 4330 §3
     * era rule (top bit clear = era 1, after 2036).
     * Identity rule (exact and strict): some subjectAltName URI entry must
     * equal `identity`, either byte for byte or ignoring ASCII case in the
     * scheme and in the host part only (after '@' — or after ':' when there
     * is no '@' — up to the first ';' or '?'; RFC 3261 §19.1.4 makes those
     * case-insensitive). User part and parameters/headers compare exactly;
     * no percent-decoding or other normalisation; sip: != sips:; DNS/email
     * SANs and the subject CN never count; an empty identity never
     * matches; a SAN URI with an embedded NUL is ignored. */
    int (*cert_verify)(const mk_trust *t, const mk_cert *leaf, const mk_cert *const *chain, size_t nchain,
                       uint64_t now, const char *identity);

    /* ---- RSA ---- */

    /* Envelope key encryption with the peer's public key (RFC 3830
     * §4.2.5); out must hold pkey_size(k) bytes, *outlen gets the length
     * (= pkey_size). PKCS#1 v1.5 (RSAES-PKCS1-v1_5) or RSAES-OAEP with
     * SHA-1 and MGF1-SHA-1 and an empty label (the PKCS#1 defaults; RFC 3830
     * names no other parameters). The padding randomness comes from
     * OpenSSL's DRBG, not env->rng (see the top of this file); env is
     * used for nothing else and may be NULL. Input too long for the key
     * -> MIKEY_ERR_INVALID_ARG. */
    int (*rsa_encrypt)(const mikey_env *env, const mk_pkey *k, int pad, const uint8_t *in, size_t len,
                       uint8_t *out, size_t *outlen);
    /* Decryption; any padding or length failure -> MIKEY_ERR_DECRYPT;
     * plaintext longer than cap -> MIKEY_ERR_NOBUF (*outlen = needed).
     * Note: OpenSSL >= 3.2 applies implicit rejection to PKCS#1 v1.5
     * (a bad padding yields a pseudo-random plaintext, not an error, to
     * defeat Bleichenbacher/Marvin timing attacks); the MIKEY MAC that
     * follows then fails with MIKEY_ERR_AUTH. Callers must not rely on
     * MIKEY_ERR_DECRYPT for PKCS#1 v1.5. */
    int (*rsa_decrypt)(const mk_pkey *k, int pad, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                       size_t *outlen);

    /* Signature over the concatenation of parts (RFC 3830 §4.2.6):
     * s_type MIKEY_SIGN_RSA_PKCS1 (RSASSA-PKCS1-v1_5) or _RSA_PSS
     * (RSASSA-PSS, MGF1 with the same hash, salt length = digest length),
     * with digest hash_func (MIKEY_HASH_SHA1 is RFC 3830 §4.2.1's default
     * hash and what minisip signs with; MIKEY_HASH_SHA256 is offered by
     * policy; MD5 -> MIKEY_ERR_ALGORITHM). The PSS salt comes from
     * OpenSSL's DRBG (see the top of this file); env may be NULL.
     * cap < pkey_size -> MIKEY_ERR_NOBUF (*siglen = needed). Needs a
     * private key (else MIKEY_ERR_INVALID_ARG). */
    int (*sign)(const mikey_env *env, const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts,
                size_t nparts, uint8_t *sig, size_t cap, size_t *siglen);
    /* MIKEY_ERR_AUTH if the signature does not verify (any length, any
     * content). Stateless and cheap, so verifying with SHA-256 and then
     * SHA-1 is fine. PSS verification accepts any salt length (the salt
     * length is recovered from the encoding), since RFC 3830 fixes none. */
    int (*verify)(const mk_pkey *k, unsigned s_type, unsigned hash_func, const mikey_span *parts, size_t nparts,
                  const uint8_t *sig, size_t siglen);

    /* ---- Diffie-Hellman (RFC 3830 §4.2.7: OAKLEY 5, 1, 2) ---- */

    /* New key pair in `group` (MIKEY_ERR_UNSUPPORTED for an unknown group);
     * the private exponent x is 256 bits from env->rng (redrawn, at most a
     * few times, in the negligible case x < 2). 256 bits is at least twice
     * the strength of the largest group (OAKLEY 5, ~90 bits; RFC 3526 §8). */
    int (*dh_generate)(const mikey_env *env, unsigned group, mk_dh **out);
    void (*dh_free)(mk_dh *dh);
    unsigned (*dh_group)(const mk_dh *dh);
    /* Public value, big-endian, left-padded to mikey_dh_value_len(group). */
    int (*dh_public)(const mk_dh *dh, uint8_t *out);
    /* Shared secret g^(xi*xr) from the peer's public value (same length as
     * the group's value, left-padded). The peer value is validated first:
     * 1 < y < p-1 and y^q = 1 mod p (q = (p-1)/2, the OAKLEY primes are safe
     * primes), else MIKEY_ERR_DH_VALUE. */
    int (*dh_compute)(const mk_dh *dh, const uint8_t *peer, size_t peerlen, uint8_t *secret);
    /* The group's prime p, big-endian, mikey_dh_value_len(group) bytes
     * (g is 2 for all three groups). MIKEY_ERR_UNSUPPORTED if unknown. */
    int (*dh_prime)(unsigned group, uint8_t *out);
} mk_crypto_ops;

/* The OpenSSL 3 backend. */
const mk_crypto_ops *mk_crypto_ossl(void);

/* ---------------------------------------------------------------------- */
/* MIKEY algorithms over the ops (src/crypto/prf.c, kemac.c)               */
/* ---------------------------------------------------------------------- */

/* RFC 3830 Table 4.1.3: constants for keys derived from a TGK. */
#define MK_C_TEK 0x2AD01C64u
#define MK_C_TGK_AUTH 0x1B5C7973u
#define MK_C_TGK_ENCR 0x15798CEFu
#define MK_C_TGK_SALT 0x39A2C14Bu
/* RFC 3830 Table 4.1.4: constants for keys derived from an envelope/PSK. */
#define MK_C_ENCR 0x150533E1u
#define MK_C_AUTH 0x2D22AC75u
#define MK_C_SALT 0x29B88916u

/*
 * The MIKEY PRF (RFC 3830 §4.1.2) for prf_func MIKEY_PRF_MIKEY1
 * (HMAC-SHA-1: inkey split in 256-bit blocks, output chunks of 160 bits)
 * or MIKEY_PRF_HMAC_SHA256 (RFC 6043 §6.1: HMAC-SHA-256, 256-bit output
 * chunks). The last inkey block may be shorter; a last block of exactly
 * 256 bits is a full block (INTEROP.md §1 item 1: minisip got this wrong).
 * For PRF-HMAC-SHA-256 the inkey blocks stay 256 bits: RFC 6043 §6.1 only
 * replaces HMAC-SHA-1 by HMAC-SHA-256 and "160" by "256" (and 256 is still
 * half of SHA-256's 512-bit block, the rationale RFC 3830 gives).
 * Errors: MIKEY_ERR_ALGORITHM for an unknown prf_func; MIKEY_ERR_INVALID_ARG
 * for an empty inkey (n = 0 blocks would make the PRF constant zero).
 * outlen may be anything (the last chunk is truncated); out is written in
 * place and wiped on failure, so it must not overlap inkey or label.
 */
int mk_prf(const mk_crypto_ops *ops, unsigned prf_func, const uint8_t *inkey, size_t inkey_len,
           const uint8_t *label, size_t label_len, uint8_t *out, size_t outlen);

/* label = constant || cs_id || csb_id || RAND (RFC 3830 §4.1.3).
 * Returns the label length (9 + rand.len); out must hold it (<= 9 + 255).
 * Returns 0 (and writes nothing) if rand.len > 255. */
size_t mk_label_tgk(uint8_t *out, uint32_t constant, uint8_t cs_id, uint32_t csb_id, mikey_span rand);
/* label = constant || 0xFF || csb_id || RAND (RFC 3830 §4.1.4). */
size_t mk_label_env(uint8_t *out, uint32_t constant, uint32_t csb_id, mikey_span rand);

/* Keys protecting MIKEY messages, derived from a PSK or envelope key
 * (RFC 3830 §4.1.4) for the KEMAC algorithms in use. */
typedef struct mk_msg_keys {
    uint8_t encr_key[32];
    size_t encr_len;  /* 16 (AES-CM-128, AES-KW-128), 32 (AES-CM-256), 0 (NULL) */
    uint8_t salt[14];
    size_t salt_len;  /* 14 (AES-CM: 112 bits), 8 (AES-KW IV), 0 */
    uint8_t auth_key[32];
    size_t auth_len;  /* 20 (HMAC-SHA-1-160), 32 (HMAC-SHA-256-256), 0 (NULL) */
} mk_msg_keys;

int mk_derive_msg_keys(const mk_crypto_ops *ops, unsigned prf_func, const uint8_t *inkey, size_t inkey_len,
                       uint32_t csb_id, mikey_span rand, unsigned encr_alg, unsigned mac_alg, mk_msg_keys *out);
void mk_msg_keys_wipe(mk_msg_keys *k);

/*
 * KEMAC Encr data (RFC 3830 §4.2.3). AES-CM: IV = (S XOR (0x0000 ||
 * CSB ID || T)) || 0x0000 with T the 64-bit initiator timestamp; callers
 * pass `t64` already expanded to 64 bits (see mk_ts_to_t64). AES-KW: IV = S
 * (8 bytes), output 8 bytes longer. NULL: copy.
 * mk_kemac_decrypt: MIKEY_ERR_DECRYPT on key-wrap integrity failure or a
 * bad length; out must hold len bytes (len - 8 for AES-KW).
 */
int mk_kemac_encrypt(const mk_crypto_ops *ops, unsigned encr_alg, const mk_msg_keys *k, uint32_t csb_id,
                     const uint8_t t64[8], const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);
int mk_kemac_decrypt(const mk_crypto_ops *ops, unsigned encr_alg, const mk_msg_keys *k, uint32_t csb_id,
                     const uint8_t t64[8], const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/*
 * The 64-bit T used in the AES-CM IV from a T/TR payload value
 * (INTEROP.md §1 item 3): NTP-UTC / NTP as is; NTP-UTC-32 left-aligned
 * with a zero fraction (RFC 6043 §6.3); COUNTER right-aligned (padded with
 * leading zeros, RFC 3830 Table 6.6 note).
 */
int mk_ts_to_t64(unsigned ts_type, mikey_span value, uint8_t out[8]);

/* Constant-time MAC check: computes the MAC over parts and compares with
 * `mac` (mikey_mac_len(mac_alg) bytes). MIKEY_ERR_AUTH on mismatch.
 * MIKEY_MAC_NULL -> MIKEY_ERR_ALGORITHM: accepting a NULL MAC is a policy
 * decision the caller makes explicitly, never a silent success here. */
int mk_mac_verify(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                  const mikey_span *parts, size_t nparts, const uint8_t *mac);

#endif /* MIKEY_CRYPTO_H */
