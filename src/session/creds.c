/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Credential store (session.h): own identity, PSKs per peer identity, own
 * RSA key and certificate chain, trusted CAs, certificates of peers known
 * in advance (RFC 3830 §4.3.2 "specific peer-to-peer configuration").
 * Everything is copied in; keys are wiped on free. Parsing of keys and
 * certificates is the crypto backend's (sans-I/O: bytes in, no files).
 */
#include <stdlib.h>

#include "session/session_int.h"

char *mk_strndup(const mikey_env *env, const char *s, size_t n)
{
    char *d = mk_malloc(env, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static char *dupstr(const mikey_env *env, const char *s) { return s ? mk_strndup(env, s, strlen(s)) : NULL; }

int mikey_creds_new(const mikey_env *env, mikey_creds **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_creds *c = mk_calloc(&e, 1, sizeof *c);
    if (!c)
        return MIKEY_ERR_NOMEM;
    c->env = e;
    c->ops = mk_crypto_ossl();
    *out = c;
    return MIKEY_OK;
}

void mikey_creds_free(mikey_creds *c)
{
    if (!c)
        return;
    mikey_env env = c->env;
    const mk_crypto_ops *ops = c->ops;
    mk_free(&env, c->identity);
    for (size_t i = 0; i < c->npsk; i++) {
        mk_wipe(c->psk[i].key, c->psk[i].len);
        mk_free(&env, c->psk[i].key);
        mk_free(&env, c->psk[i].peer);
    }
    mk_free(&env, c->psk);
    if (c->key)
        ops->pkey_free(c->key);
    for (size_t i = 0; i < c->nchain; i++)
        ops->cert_free(c->chain[i]);
    mk_free(&env, c->chain);
    if (c->trust)
        ops->trust_free(c->trust);
    for (size_t i = 0; i < c->ncas; i++)
        ops->cert_free(c->cas[i]);
    mk_free(&env, c->cas);
    for (size_t i = 0; i < c->npeers; i++) {
        ops->cert_free(c->peers[i].cert);
        mk_free(&env, c->peers[i].peer);
    }
    mk_free(&env, c->peers);
    mk_wipe(c, sizeof *c);
    mk_free(&env, c);
}

int mikey_creds_set_identity(mikey_creds *c, const char *uri)
{
    if (!c || !uri || !*uri || strlen(uri) > 0xffff)
        return MIKEY_ERR_INVALID_ARG;
    char *d = dupstr(&c->env, uri);
    if (!d)
        return MIKEY_ERR_NOMEM;
    mk_free(&c->env, c->identity);
    c->identity = d;
    return MIKEY_OK;
}

int mikey_creds_add_psk(mikey_creds *c, const char *peer_uri, const uint8_t *key, size_t len)
{
    if (!c || !key || len == 0 || len > 4096)
        return MIKEY_ERR_INVALID_ARG;
    uint8_t *k = mk_malloc(&c->env, len);
    if (!k)
        return MIKEY_ERR_NOMEM;
    memcpy(k, key, len);
    /* Replace the key of a peer already known. */
    for (size_t i = 0; i < c->npsk; i++) {
        const char *p = c->psk[i].peer;
        if ((!p && !peer_uri) || (p && peer_uri && strcmp(p, peer_uri) == 0)) {
            mk_wipe(c->psk[i].key, c->psk[i].len);
            mk_free(&c->env, c->psk[i].key);
            c->psk[i].key = k;
            c->psk[i].len = len;
            return MIKEY_OK;
        }
    }
    char *p = NULL;
    if (peer_uri && !(p = dupstr(&c->env, peer_uri))) {
        mk_free(&c->env, k);
        return MIKEY_ERR_NOMEM;
    }
    mk_psk_entry *np = mk_realloc(&c->env, c->psk, (c->npsk + 1) * sizeof *np);
    if (!np) {
        mk_wipe(k, len);
        mk_free(&c->env, k);
        mk_free(&c->env, p);
        return MIKEY_ERR_NOMEM;
    }
    c->psk = np;
    c->psk[c->npsk].peer = p;
    c->psk[c->npsk].key = k;
    c->psk[c->npsk].len = len;
    c->npsk++;
    return MIKEY_OK;
}

int mk_creds_psk(const mikey_creds *c, const char *peer, const uint8_t **key, size_t *len)
{
    const mk_psk_entry *def = NULL;
    for (size_t i = 0; c && i < c->npsk; i++) {
        if (!c->psk[i].peer) {
            def = &c->psk[i];
        } else if (peer && strcmp(c->psk[i].peer, peer) == 0) {
            *key = c->psk[i].key;
            *len = c->psk[i].len;
            return MIKEY_OK;
        }
    }
    if (!def)
        return MIKEY_ERR_NOT_FOUND;
    *key = def->key;
    *len = def->len;
    return MIKEY_OK;
}

int mikey_creds_set_key(mikey_creds *c, const uint8_t *pem, size_t len)
{
    if (!c || !pem || !len)
        return MIKEY_ERR_INVALID_ARG;
    mk_pkey *k = NULL;
    int rc = c->ops->pkey_from_pem(&c->env, pem, len, 1, &k);
    if (rc)
        return rc;
    if (c->key)
        c->ops->pkey_free(c->key);
    c->key = k;
    return MIKEY_OK;
}

/* Find "needle" in [p, end). */
static const uint8_t *find(const uint8_t *p, const uint8_t *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; p && (size_t)(end - p) >= n; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/* Parse one or more certificates (PEM blocks, or one DER) and hand each to
 * add(). */
static int each_cert(mikey_creds *c, const uint8_t *buf, size_t len, int (*add)(mikey_creds *, mk_cert *, void *),
                     void *arg)
{
    const uint8_t *end = buf + len;
    const uint8_t *b = find(buf, end, PEM_BEGIN);
    int rc;
    if (!b) {
        mk_cert *cert = NULL;
        if ((rc = c->ops->cert_from_der(&c->env, buf, len, &cert)))
            return rc;
        if ((rc = add(c, cert, arg)))
            c->ops->cert_free(cert);
        return rc;
    }
    size_t count = 0;
    while (b) {
        const uint8_t *e = find(b, end, PEM_END);
        if (!e)
            return MIKEY_ERR_ENCODING;
        e += strlen(PEM_END);
        mk_cert *cert = NULL;
        if ((rc = c->ops->cert_from_pem(&c->env, b, (size_t)(e - b), &cert)))
            return rc;
        if ((rc = add(c, cert, arg))) {
            c->ops->cert_free(cert);
            return rc;
        }
        count++;
        b = find(e, end, PEM_BEGIN);
    }
    return count ? MIKEY_OK : MIKEY_ERR_ENCODING;
}

static int push_cert(const mikey_env *env, mk_cert ***arr, size_t *n, mk_cert *cert)
{
    mk_cert **na = mk_realloc(env, *arr, (*n + 1) * sizeof *na);
    if (!na)
        return MIKEY_ERR_NOMEM;
    na[*n] = cert;
    *arr = na;
    (*n)++;
    return MIKEY_OK;
}

static int add_own(mikey_creds *c, mk_cert *cert, void *arg)
{
    MK_UNUSED(arg);
    return push_cert(&c->env, &c->chain, &c->nchain, cert);
}

int mikey_creds_add_cert(mikey_creds *c, const uint8_t *pem, size_t len)
{
    if (!c || !pem || !len)
        return MIKEY_ERR_INVALID_ARG;
    return each_cert(c, pem, len, add_own, NULL);
}

static int add_ca(mikey_creds *c, mk_cert *cert, void *arg)
{
    MK_UNUSED(arg);
    int rc;
    if (!c->trust && (rc = c->ops->trust_new(&c->env, &c->trust)))
        return rc;
    if ((rc = c->ops->trust_add(c->trust, cert)))
        return rc;
    /* The store may hold its own reference; we keep ours until free. */
    return push_cert(&c->env, &c->cas, &c->ncas, cert);
}

int mikey_creds_add_trust(mikey_creds *c, const uint8_t *pem, size_t len)
{
    if (!c || !pem || !len)
        return MIKEY_ERR_INVALID_ARG;
    return each_cert(c, pem, len, add_ca, NULL);
}

static int add_peer(mikey_creds *c, mk_cert *cert, void *arg)
{
    const char *peer = arg;
    char *p = NULL;
    if (peer && !(p = dupstr(&c->env, peer)))
        return MIKEY_ERR_NOMEM;
    mk_peer_cert *np = mk_realloc(&c->env, c->peers, (c->npeers + 1) * sizeof *np);
    if (!np) {
        mk_free(&c->env, p);
        return MIKEY_ERR_NOMEM;
    }
    c->peers = np;
    c->peers[c->npeers].peer = p;
    c->peers[c->npeers].cert = cert;
    c->npeers++;
    return MIKEY_OK;
}

int mikey_creds_add_peer_cert(mikey_creds *c, const char *peer_uri, const uint8_t *pem, size_t len)
{
    if (!c || !pem || !len)
        return MIKEY_ERR_INVALID_ARG;
    /* each_cert's callback takes a non-const pointer; the peer name is only read. */
    char *copy = NULL;
    if (peer_uri && !(copy = dupstr(&c->env, peer_uri)))
        return MIKEY_ERR_NOMEM;
    int rc = each_cert(c, pem, len, add_peer, copy);
    mk_free(&c->env, copy);
    return rc;
}

static int peer_match(const mk_peer_cert *pc, const char *peer)
{
    return !peer || !pc->peer || strcmp(pc->peer, peer) == 0;
}

size_t mk_creds_peer_cert_count(const mikey_creds *c, const char *peer)
{
    size_t n = 0;
    for (size_t i = 0; c && i < c->npeers; i++)
        if (peer_match(&c->peers[i], peer))
            n++;
    return n;
}

const mk_cert *mk_creds_peer_cert(const mikey_creds *c, const char *peer, size_t n)
{
    for (size_t i = 0; c && i < c->npeers; i++)
        if (peer_match(&c->peers[i], peer) && n-- == 0)
            return c->peers[i].cert;
    return NULL;
}
