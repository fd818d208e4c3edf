/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Diffie-Hellman in the MIKEY groups (RFC 3830 §4.2.7: OAKLEY 5 mandatory,
 * OAKLEY 1 and 2 optional) with BIGNUM arithmetic, so the private exponent
 * can come from env->rng (reproducible tests) rather than from OpenSSL's
 * DRBG, which the EVP DH key generation would insist on.
 *
 * All three primes are safe primes p = 2q + 1 with generator 2 (RFC 2412
 * App. E gives q as "Group order largest prime factor"), which makes peer
 * validation a single check: y^q = 1 (mod p) means y is in the order-q
 * subgroup, so no small-subgroup confinement is possible.
 */
#include <openssl/bn.h>
#include <openssl/err.h>

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

/* RFC 2412 App. E.1: Well-Known Group 1, a 768-bit prime. */
static const char oakley1_hex[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                                  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                                  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                                  "E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF";
/* RFC 2412 App. E.2: Well-Known Group 2, a 1024-bit prime. */
static const char oakley2_hex[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                                  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                                  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                                  "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                                  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
                                  "FFFFFFFFFFFFFFFF";
/* RFC 2412 App. E.5 = RFC 3526 §2: Well-Known Group 5, a 1536-bit prime. */
static const char oakley5_hex[] = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
                                  "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
                                  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
                                  "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
                                  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
                                  "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
                                  "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
                                  "670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF";

/* Private exponent size: 256 bits for every group. That is at least twice
 * the strength estimate of the largest group (RFC 3526 §8: ~90 bits for
 * 1536-bit MODP), and far below q, so x is uniform in [2, 2^256). */
#define MK_DH_PRIV_BYTES 32
/* Bound on redraws of x (x < 2 happens with probability 2^-255). */
#define MK_DH_MAX_DRAWS 4

struct mk_dh {
    mikey_env env;
    unsigned group;
    size_t len;  /* value length in bytes */
    BIGNUM *p;
    BIGNUM *x;   /* private exponent (BN_FLG_CONSTTIME) */
    BIGNUM *y;   /* public value g^x mod p */
};

static const char *group_hex(unsigned group, size_t *len)
{
    switch (group) {
    case MIKEY_DH_OAKLEY1: *len = 96; return oakley1_hex;
    case MIKEY_DH_OAKLEY2: *len = 128; return oakley2_hex;
    case MIKEY_DH_OAKLEY5: *len = 192; return oakley5_hex;
    default: return NULL;
    }
}

static BIGNUM *group_prime(unsigned group, size_t *len)
{
    const char *hex = group_hex(group, len);
    BIGNUM *p = NULL;
    if (!hex || !BN_hex2bn(&p, hex))
        return NULL;
    return p;
}

int mk_ossl_dh_prime(unsigned group, uint8_t *out)
{
    size_t len;
    if (!group_hex(group, &len))
        return MIKEY_ERR_UNSUPPORTED;
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    BIGNUM *p = group_prime(group, &len);
    int ok = p && BN_bn2binpad(p, out, (int)len) == (int)len;
    BN_free(p);
    ERR_clear_error();
    return ok ? MIKEY_OK : MIKEY_ERR_CRYPTO;
}

void mk_ossl_dh_free(mk_dh *dh)
{
    if (!dh)
        return;
    mikey_env e = dh->env;
    BN_free(dh->p);
    BN_clear_free(dh->x);
    BN_free(dh->y);
    mk_wipe(dh, sizeof *dh);
    mk_free(&e, dh);
}

int mk_ossl_dh_generate(const mikey_env *env, unsigned group, mk_dh **out)
{
    size_t len;
    if (!group_hex(group, &len))
        return MIKEY_ERR_UNSUPPORTED;
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mikey_env e;
    mk_env_init(&e, env);
    mk_dh *dh = mk_calloc(&e, 1, sizeof *dh);
    if (!dh)
        return MIKEY_ERR_NOMEM;
    dh->env = e;
    dh->group = group;
    dh->len = len;

    int rc = MIKEY_ERR_CRYPTO;
    uint8_t xb[MK_DH_PRIV_BYTES];
    BN_CTX *bctx = BN_CTX_secure_new();
    BIGNUM *g = BN_new();
    dh->p = group_prime(group, &len);
    dh->x = BN_secure_new();
    dh->y = BN_new();
    if (!bctx || !g || !dh->p || !dh->x || !dh->y || !BN_set_word(g, 2))
        goto done;
    BN_set_flags(dh->x, BN_FLG_CONSTTIME);
    /* The private exponent comes from env->rng (CONVENTIONS.md §2.2.5). */
    int drawn = 0;
    for (int i = 0; i < MK_DH_MAX_DRAWS && !drawn; i++) {
        if ((rc = mk_random(&e, xb, sizeof xb)) != MIKEY_OK)
            goto done;
        rc = MIKEY_ERR_CRYPTO;
        if (!BN_bin2bn(xb, (int)sizeof xb, dh->x))
            goto done;
        drawn = !BN_is_zero(dh->x) && !BN_is_one(dh->x);
    }
    if (!drawn) {
        /* An rng that keeps returning 0 or 1 is broken. */
        rc = MIKEY_ERR_CALLBACK;
        goto done;
    }
    if (!BN_mod_exp_mont_consttime(dh->y, g, dh->x, dh->p, bctx, NULL))
        goto done;
    rc = MIKEY_OK;
done:
    mk_wipe(xb, sizeof xb);
    BN_free(g);
    BN_CTX_free(bctx);
    if (rc != MIKEY_OK) {
        ERR_clear_error();
        mk_ossl_dh_free(dh);
        return rc;
    }
    *out = dh;
    return MIKEY_OK;
}

unsigned mk_ossl_dh_group(const mk_dh *dh) { return dh ? dh->group : 0; }

int mk_ossl_dh_public(const mk_dh *dh, uint8_t *out)
{
    if (!dh || !out)
        return MIKEY_ERR_INVALID_ARG;
    /* RFC 3830 §6.4: the DH value has the group's full length, so it is
     * left-padded with zeros. */
    if (BN_bn2binpad(dh->y, out, (int)dh->len) != (int)dh->len) {
        ERR_clear_error();
        return MIKEY_ERR_CRYPTO;
    }
    return MIKEY_OK;
}

int mk_ossl_dh_compute(const mk_dh *dh, const uint8_t *peer, size_t peerlen, uint8_t *secret)
{
    if (!dh || !peer || !secret)
        return MIKEY_ERR_INVALID_ARG;
    /* The DH payload carries exactly the group's value length (RFC 3830
     * §6.4); anything else is not a value of this group. */
    if (peerlen != dh->len)
        return MIKEY_ERR_DH_VALUE;
    int rc = MIKEY_ERR_CRYPTO;
    BN_CTX *bctx = BN_CTX_secure_new();
    BIGNUM *y = BN_bin2bn(peer, (int)peerlen, NULL);
    BIGNUM *pm1 = BN_new();
    BIGNUM *z = BN_secure_new();
    if (!bctx || !y || !pm1 || !z)
        goto done;
    if (!BN_copy(pm1, dh->p) || !BN_sub_word(pm1, 1))
        goto done;
    /* 1 < y < p-1: rejects 0, 1, p-1 (the order-1 and order-2 elements)
     * and anything >= p (not a residue in canonical form). */
    if (BN_is_zero(y) || BN_is_one(y) || BN_cmp(y, pm1) >= 0) {
        rc = MIKEY_ERR_DH_VALUE;
        goto done;
    }
    /* y^q = 1 mod p: y lies in the prime-order-q subgroup (p is safe).
     * Since q = (p-1)/2, y^q mod p is the Legendre symbol (y/p) (Euler's
     * criterion), which BN_kronecker computes by reciprocity about ten
     * times faster than the 1535-bit exponentiation (`mikey bench`). The
     * peer value is public, so no constant-time computation is needed. */
    int legendre = BN_kronecker(y, dh->p, bctx);
    if (legendre == -2)
        goto done;
    if (legendre != 1) {
        rc = MIKEY_ERR_DH_VALUE;
        goto done;
    }
    /* z = y^x mod p, with the secret exponent: constant time. */
    if (!BN_mod_exp_mont_consttime(z, y, dh->x, dh->p, bctx, NULL))
        goto done;
    /* RFC 3830 §4.1.3 / §6.4: the TGK is g^(xi*xr), of the group's length,
     * left-padded (so a short secret still has the full length). */
    if (BN_bn2binpad(z, secret, (int)dh->len) != (int)dh->len)
        goto done;
    rc = MIKEY_OK;
done:
    BN_CTX_free(bctx);
    BN_free(y);
    BN_free(pm1);
    BN_clear_free(z);
    if (rc != MIKEY_OK) {
        ERR_clear_error();
        mk_wipe(secret, dh->len);
    }
    return rc;
}
