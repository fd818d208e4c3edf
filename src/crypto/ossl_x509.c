/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * X.509 certificates for the MIKEY public-key modes (RFC 3830 §4.3, §6.7):
 * parsing, chain verification against a trust store at a given time, and
 * the binding of the certificate to the peer's identity through
 * subjectAltName URI entries.
 */
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "crypto/crypto.h"
#include "crypto/ossl_int.h"

struct mk_cert {
    mikey_env env; /* copy: cert_free() gets no env */
    X509 *x;
    uint8_t *der;
    size_t der_len;
};

struct mk_trust {
    mikey_env env;
    X509_STORE *st;
};

/* Take ownership of x and wrap it, keeping its DER encoding. */
static int cert_wrap(const mikey_env *env, X509 *x, mk_cert **out)
{
    mikey_env e;
    mk_env_init(&e, env);
    unsigned char *d = NULL;
    int dl = i2d_X509(x, &d);
    if (dl <= 0) {
        X509_free(x);
        ERR_clear_error();
        return MIKEY_ERR_ENCODING;
    }
    mk_cert *c = mk_calloc(&e, 1, sizeof *c);
    uint8_t *copy = c ? mk_malloc(&e, (size_t)dl) : NULL;
    if (!copy) {
        mk_free(&e, c);
        OPENSSL_free(d);
        X509_free(x);
        return MIKEY_ERR_NOMEM;
    }
    memcpy(copy, d, (size_t)dl);
    OPENSSL_free(d);
    c->env = e;
    c->x = x;
    c->der = copy;
    c->der_len = (size_t)dl;
    *out = c;
    return MIKEY_OK;
}

int mk_ossl_cert_from_der(const mikey_env *env, const uint8_t *der, size_t len, mk_cert **out)
{
    if (!der || !len || !out || len > 0x7fffffff)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    /* The CERT payload (RFC 3830 §6.7) holds exactly one certificate:
     * bytes after it are an error, not something to ignore. */
    if (!x || p != der + len) {
        X509_free(x);
        ERR_clear_error();
        return MIKEY_ERR_ENCODING;
    }
    return cert_wrap(env, x, out);
}

int mk_ossl_cert_from_pem(const mikey_env *env, const uint8_t *pem, size_t len, mk_cert **out)
{
    if (!pem || !len || !out || len > 0x7fffffff)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (!x) {
        ERR_clear_error();
        return MIKEY_ERR_ENCODING;
    }
    return cert_wrap(env, x, out);
}

void mk_ossl_cert_free(mk_cert *c)
{
    if (!c)
        return;
    mikey_env e = c->env;
    X509_free(c->x);
    mk_free(&e, c->der);
    mk_free(&e, c);
}

mikey_span mk_ossl_cert_der(const mk_cert *c)
{
    mikey_span s = {NULL, 0};
    if (c) {
        s.p = c->der;
        s.len = c->der_len;
    }
    return s;
}

int mk_ossl_cert_pubkey(const mikey_env *env, const mk_cert *c, mk_pkey **out)
{
    if (!c || !out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    EVP_PKEY *pk = X509_get_pubkey(c->x); /* new reference */
    if (!pk) {
        ERR_clear_error();
        return MIKEY_ERR_CERT;
    }
    return mk_ossl_pkey_wrap(env, pk, out);
}

int mk_ossl_cert_matches_key(const mk_cert *c, const mk_pkey *k)
{
    if (!c || !k)
        return 0;
    EVP_PKEY *cpk = X509_get0_pubkey(c->x);
    EVP_PKEY *kpk = mk_ossl_pkey_evp(k);
    int r = cpk && kpk && EVP_PKEY_eq(cpk, kpk) == 1;
    ERR_clear_error();
    return r;
}

int mk_ossl_trust_new(const mikey_env *env, mk_trust **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    mikey_env e;
    mk_env_init(&e, env);
    mk_trust *t = mk_calloc(&e, 1, sizeof *t);
    if (!t)
        return MIKEY_ERR_NOMEM;
    t->env = e;
    t->st = X509_STORE_new();
    if (!t->st) {
        mk_free(&e, t);
        return MIKEY_ERR_NOMEM;
    }
    *out = t;
    return MIKEY_OK;
}

int mk_ossl_trust_add(mk_trust *t, const mk_cert *ca)
{
    if (!t || !ca)
        return MIKEY_ERR_INVALID_ARG;
    /* X509_STORE_add_cert takes its own reference; adding the same
     * certificate twice is not an error. */
    if (X509_STORE_add_cert(t->st, ca->x) != 1) {
        ERR_clear_error();
        return MIKEY_ERR_CRYPTO;
    }
    return MIKEY_OK;
}

void mk_ossl_trust_free(mk_trust *t)
{
    if (!t)
        return;
    mikey_env e = t->env;
    X509_STORE_free(t->st);
    mk_free(&e, t);
}

/* NTP-64 -> Unix time. RFC 4330 §3: seconds with the top bit clear belong
 * to NTP era 1 (from 2036-02-07), so times up to 2104 convert correctly. */
static time_t ntp_to_unix(uint64_t ntp)
{
    int64_t sec = (int64_t)(ntp >> 32);
    if (!(sec & 0x80000000))
        sec += (int64_t)1 << 32;
    return (time_t)(sec - 2208988800LL);
}

/* The part of a URI after "scheme:" split into user part ("" if no '@'),
 * host part (up to the first ';' or '?') and the rest. */
typedef struct uri_parts {
    const char *scheme, *user, *host, *rest;
    size_t scheme_len, user_len, host_len, rest_len;
    int has_at;
} uri_parts;

static int uri_split(const char *u, size_t len, uri_parts *o)
{
    const char *colon = memchr(u, ':', len);
    if (!colon || colon == u)
        return 0;
    o->scheme = u;
    o->scheme_len = (size_t)(colon - u);
    const char *p = colon + 1, *end = u + len;
    const char *at = memchr(p, '@', (size_t)(end - p));
    o->has_at = at != NULL;
    o->user = p;
    o->user_len = at ? (size_t)(at - p) : 0;
    o->host = at ? at + 1 : p;
    const char *h = o->host;
    while (h < end && *h != ';' && *h != '?')
        h++;
    o->host_len = (size_t)(h - o->host);
    o->rest = h;
    o->rest_len = (size_t)(end - h);
    return 1;
}

static int ieq(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && (al == 0 || strncasecmp(a, b, al) == 0);
}

static int beq(const char *a, size_t al, const char *b, size_t bl)
{
    return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

/*
 * Identity binding rule (documented in crypto.h and docs): a SAN URI
 * matches the identity if the two strings are byte-identical, or if they
 * differ only in ASCII case within the scheme and within the host part
 * (after '@', or after ':' when there is no '@', up to the first ';' or
 * '?'). RFC 3261 §19.1.4 makes exactly those parts case-insensitive. The
 * user part and any parameters/headers must match byte for byte. No other
 * normalisation: no percent-decoding, no parameter reordering, sip: and
 * sips: are different identities, "<...>" or display names are not URIs.
 */
static int uri_match(const char *san, size_t sl, const char *id, size_t il)
{
    if (beq(san, sl, id, il))
        return 1;
    uri_parts a, b;
    if (!uri_split(san, sl, &a) || !uri_split(id, il, &b))
        return 0;
    return ieq(a.scheme, a.scheme_len, b.scheme, b.scheme_len) && a.has_at == b.has_at &&
           beq(a.user, a.user_len, b.user, b.user_len) && ieq(a.host, a.host_len, b.host, b.host_len) &&
           beq(a.rest, a.rest_len, b.rest, b.rest_len);
}

static int identity_bound(X509 *x, const char *identity)
{
    size_t il = strlen(identity);
    if (il == 0)
        return 0;
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int found = 0;
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type != GEN_URI)
            continue;
        const unsigned char *d = ASN1_STRING_get0_data(g->d.uniformResourceIdentifier);
        int dl = ASN1_STRING_length(g->d.uniformResourceIdentifier);
        /* An embedded NUL would let "sip:a@x\0.evil" pose as "sip:a@x". */
        if (!d || dl <= 0 || memchr(d, 0, (size_t)dl))
            continue;
        found = uri_match((const char *)d, (size_t)dl, identity, il);
    }
    GENERAL_NAMES_free(gens);
    ERR_clear_error();
    return found;
}

int mk_ossl_cert_verify(const mk_trust *t, const mk_cert *leaf, const mk_cert *const *chain, size_t nchain,
                        uint64_t now, const char *identity)
{
    if (!t || !leaf || (nchain && !chain))
        return MIKEY_ERR_INVALID_ARG;
    int rc = MIKEY_ERR_CRYPTO;
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!untrusted || !ctx)
        goto done;
    for (size_t i = 0; i < nchain; i++) {
        if (!chain[i]) {
            rc = MIKEY_ERR_INVALID_ARG;
            goto done;
        }
        if (!sk_X509_push(untrusted, chain[i]->x))
            goto done;
    }
    if (X509_STORE_CTX_init(ctx, t->st, leaf->x, untrusted) != 1)
        goto done;
    /* Validity is judged at the caller's time (env->now), never at the
     * system clock: the core is sans-I/O and tests pin the time. */
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), ntp_to_unix(now));
    if (X509_verify_cert(ctx) != 1) {
        rc = MIKEY_ERR_CERT;
        goto done;
    }
    rc = MIKEY_OK;
    if (identity && !identity_bound(leaf->x, identity))
        rc = MIKEY_ERR_IDENTITY;
done:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted); /* the certificates belong to the handles */
    if (rc != MIKEY_OK)
        ERR_clear_error();
    return rc;
}
