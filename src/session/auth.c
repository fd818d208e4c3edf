/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Authentication helpers shared by the modes: MACs, signatures (RFC 3830
 * §4.2.6, §5.2), and the peer's public key from CERT payloads or a known
 * certificate, with chain validation and identity binding (§4.3).
 */
#include "session/session_int.h"

int mk_failf(mk_fail *f, int err, int rfc)
{
    if (f && f->err == MIKEY_OK) {
        f->err = err;
        f->rfc = rfc;
    }
    return f && f->err ? f->err : err;
}

int mk_mac(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts,
           size_t nparts, uint8_t *out)
{
    if (mac_alg != MIKEY_MAC_HMAC_SHA1_160 && mac_alg != MIKEY_MAC_HMAC_SHA256_256)
        return MIKEY_ERR_ALGORITHM;
    return ops->hmac(mac_alg, key, keylen, parts, nparts, out);
}

int mk_sign_msg(const mikey_ctx *ctx, const uint8_t *buf, size_t covered, uint8_t *sig_field, size_t siglen,
                const mikey_span *extra, size_t nextra)
{
    const mikey_creds *c = ctx->creds;
    mikey_span parts[8];
    uint8_t sig[MK_MAX_SIG_LEN];
    size_t sl = 0;
    if (!c || !c->key)
        return MIKEY_ERR_NOT_FOUND;
    if (nextra + 1 > MK_ARRAY_LEN(parts))
        return MIKEY_ERR_INTERNAL;
    parts[0].p = buf;
    parts[0].len = covered;
    for (size_t i = 0; i < nextra; i++)
        parts[i + 1] = extra[i];
    int rc = ctx->ops->sign(&ctx->env, c->key, ctx->policy->s_type, ctx->policy->hash, parts, nextra + 1, sig,
                            sizeof sig, &sl);
    if (rc)
        return rc;
    if (sl != siglen)
        return MIKEY_ERR_INTERNAL;
    memcpy(sig_field, sig, siglen);
    return MIKEY_OK;
}

int mk_verify_sig(const mk_crypto_ops *ops, const mk_pkey *k, unsigned s_type, const mikey_span *parts, size_t nparts,
                  mikey_span sig)
{
    /* The signer's hash is not on the wire. SHA-256 is what we (and
     * current peers) sign with; SHA-1 is RFC 3830 §4.2.1's default hash
     * and what minisip signs with. Verification is stateless, so trying
     * both costs one extra RSA public operation and gives no oracle. */
    int rc = ops->verify(k, s_type, MIKEY_HASH_SHA256, parts, nparts, sig.p, sig.len);
    if (rc == MIKEY_ERR_AUTH)
        rc = ops->verify(k, s_type, MIKEY_HASH_SHA1, parts, nparts, sig.p, sig.len);
    return rc;
}

int mk_sign_type_ok(const mikey_policy *p, unsigned s_type)
{
    if (s_type == MIKEY_SIGN_RSA_PSS)
        return 1;
    if (s_type == MIKEY_SIGN_RSA_PKCS1)
        return p->s_type == MIKEY_SIGN_RSA_PKCS1; /* a PSS policy refuses the weaker padding */
    return 0;
}

int mk_id_string(const mikey_env *env, const mikey_payload *id, char **out)
{
    *out = NULL;
    if (!id)
        return MIKEY_OK;
    mikey_span d = id->u.id.data;
    if (d.len == 0 || memchr(d.p, 0, d.len))
        return MIKEY_ERR_IDENTITY;
    *out = mk_strndup(env, (const char *)d.p, d.len);
    return *out ? MIKEY_OK : MIKEY_ERR_NOMEM;
}

static int der_equal(const mk_crypto_ops *ops, const mk_cert *a, mikey_span b)
{
    mikey_span d = ops->cert_der(a);
    return d.len == b.len && memcmp(d.p, b.p, b.len) == 0;
}

/* A certificate that cannot be used is Invalid Cert; running out of memory
 * (or a backend failure) is reported as such. */
static int cert_fail(mk_fail *f, int rc)
{
    if (rc == MIKEY_ERR_NOMEM || rc == MIKEY_ERR_CRYPTO)
        return mk_failf(f, rc, MIKEY_E_UNSPECIFIED);
    return mk_failf(f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
}

int mk_peer_pubkey(const mikey_ctx *ctx, const mikey_msg *msg, const char *claimed_id, mk_pkey **out, mk_fail *f)
{
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_creds *c = ctx->creds;
    const mikey_payload *certs[MK_MAX_CERTS], *x;
    size_t n = 0;
    int rc;
    *out = NULL;
    for (size_t i = 0; (x = mikey_msg_find(msg, MIKEY_PT_CERT, i)) != NULL; i++) {
        /* X.509v3 and X.509v3 Sign carry DER certificates for signatures
         * (Table 6.7.b); URLs would mean fetching (not sans-I/O) and the
         * encryption-only type cannot verify a signature. */
        if (x->u.id.type != MIKEY_CERT_X509 && x->u.id.type != MIKEY_CERT_X509_SIGN)
            continue;
        if (n == MK_MAX_CERTS)
            return mk_failf(f, MIKEY_ERR_LIMIT, MIKEY_E_INVALID_CERT);
        certs[n++] = x;
    }
    if (n == 0) {
        /* No certificate in the message: one known in advance (§3.2 "or
         * can obtain the certificate in some other manner"). */
        const mk_cert *pin = NULL;
        if (claimed_id)
            pin = mk_creds_peer_cert(c, claimed_id, 0);
        else if (mk_creds_peer_cert_count(c, NULL) == 1)
            pin = mk_creds_peer_cert(c, NULL, 0);
        if (!pin)
            return mk_failf(f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
        if ((rc = ops->cert_pubkey(&ctx->env, pin, out)))
            return cert_fail(f, rc);
        return MIKEY_OK;
    }
    mk_cert *chain[MK_MAX_CERTS];
    size_t nchain = 0;
    mk_cert *leaf = NULL;
    if ((rc = ops->cert_from_der(&ctx->env, certs[0]->u.id.data.p, certs[0]->u.id.data.len, &leaf)))
        return cert_fail(f, rc);
    rc = MIKEY_OK;
    /* A certificate configured for this peer is trusted as is (§4.3.2
     * "specific peer-to-peer configuration"). */
    int pinned = 0;
    size_t np = mk_creds_peer_cert_count(c, claimed_id);
    for (size_t i = 0; i < np && !pinned; i++)
        pinned = der_equal(ops, mk_creds_peer_cert(c, claimed_id, i), certs[0]->u.id.data);
    if (!pinned) {
        for (size_t i = 1; i < n && rc == MIKEY_OK; i++) {
            int r2 = ops->cert_from_der(&ctx->env, certs[i]->u.id.data.p, certs[i]->u.id.data.len, &chain[nchain]);
            if (r2)
                rc = cert_fail(f, r2);
            else
                nchain++;
        }
        uint64_t now = 0;
        if (rc == MIKEY_OK && (rc = mk_now(&ctx->env, &now)))
            mk_failf(f, rc, MIKEY_E_UNSPECIFIED);
        if (rc == MIKEY_OK && !c->trust)
            rc = mk_failf(f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
        if (rc == MIKEY_OK) {
            const mk_cert *const *cc = (const mk_cert *const *)chain;
            rc = ops->cert_verify(c->trust, leaf, cc, nchain, now, claimed_id);
            if (rc == MIKEY_ERR_IDENTITY)
                mk_failf(f, rc, MIKEY_E_INVALID_ID);
            else if (rc)
                rc = cert_fail(f, rc);
        }
    }
    if (rc == MIKEY_OK) {
        int r2 = ops->cert_pubkey(&ctx->env, leaf, out);
        if (r2)
            rc = cert_fail(f, r2);
    }
    for (size_t i = 0; i < nchain; i++)
        ops->cert_free(chain[i]);
    ops->cert_free(leaf);
    return rc;
}
