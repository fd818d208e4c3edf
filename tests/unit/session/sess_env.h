/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helpers for the session layer (header-only, included by each
 * session test file):
 *  - a test environment: fixed clock, seeded xorshift64* RNG (never all
 *    zero: two peers drawing zeros could hide RAND mix-ups), a log buffer;
 *  - a small PKI made with OpenSSL's own APIs (independent of the code
 *    under test): CA, certificates with a subjectAltName URI, expired and
 *    rogue variants, validity relative to the fixed clock;
 *  - an independent RFC 3830 §4.1.2 PRF (OpenSSL HMAC, written from the RFC
 *    text) to check derived keys;
 *  - parties (creds + policy + ctx) and one-call exchanges.
 */
#ifndef SESS_ENV_H
#define SESS_ENV_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mt.h"
#include "openmikey/session.h"

#define NTP_UNIX_OFFSET 2208988800u
/* 2026-01-01T00:00:00Z + 0.5 s, as NTP-64. */
#define T_NOW_UNIX 1767225600u
#define T_NOW ((uint64_t)(T_NOW_UNIX + NTP_UNIX_OFFSET) << 32 | 0x80000000u)

#define ALICE "sip:alice@a.example"
#define BOB "sip:bob@b.example"
#define CAROL "sip:carol@c.example"

typedef struct tenv {
    mikey_env env;
    uint64_t now;
    uint64_t rng;
    char log[8192];
    size_t loglen;
} tenv;

static inline uint64_t tenv_now(void *ud) { return ((tenv *)ud)->now; }

static inline int tenv_rng(uint8_t *out, size_t len, void *ud)
{
    tenv *t = ud;
    for (size_t i = 0; i < len; i++) {
        /* xorshift64* (Vigna); the state is never 0. */
        t->rng ^= t->rng >> 12;
        t->rng ^= t->rng << 25;
        t->rng ^= t->rng >> 27;
        out[i] = (uint8_t)((t->rng * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return 0;
}

static inline void tenv_log(int level, const char *msg, void *ud)
{
    tenv *t = ud;
    (void)level;
    size_t n = strlen(msg);
    if (t->loglen + n + 2 < sizeof t->log) {
        memcpy(t->log + t->loglen, msg, n);
        t->loglen += n;
        t->log[t->loglen++] = '\n';
        t->log[t->loglen] = 0;
    }
}

static inline void tenv_init(tenv *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->now = T_NOW;
    t->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
    t->env.now = tenv_now;
    t->env.rng = tenv_rng;
    t->env.log = tenv_log;
    t->env.user_data = t;
}

/* ---- PKI ---- */

static inline EVP_PKEY *t_rsa(int bits)
{
    EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
    if (!k)
        abort();
    return k;
}

/* A certificate for key, issued by issuer (NULL: self-signed), valid from
 * nb to na (unix seconds), with a SAN URI if uri != NULL. */
static inline X509 *t_cert(EVP_PKEY *key, EVP_PKEY *ikey, X509 *issuer, const char *cn, const char *uri, int is_ca,
                           int64_t nb, int64_t na)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb);
    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    e = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
                            is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    if (uri) {
        char san[256];
        snprintf(san, sizeof san, "URI:%s", uri);
        e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    if (X509_sign(x, ikey ? ikey : key, EVP_sha256()) <= 0)
        abort();
    return x;
}

static inline uint8_t *t_bio_take(BIO *b, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    uint8_t *out = malloc((size_t)n + 1);
    memcpy(out, p, (size_t)n);
    out[n] = 0;
    *len = (size_t)n;
    BIO_free(b);
    return out;
}

static inline uint8_t *t_cert_pem(X509 *x, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    return t_bio_take(b, len);
}

static inline uint8_t *t_key_pem(EVP_PKEY *k, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    return t_bio_take(b, len);
}

typedef struct tpki {
    EVP_PKEY *ca_key, *rogue_key, *alice_key, *bob_key, *carol_key;
    X509 *ca, *rogue_ca, *alice, *bob, *carol, *alice_expired, *alice_future, *alice_rogue, *bob_nosan,
        *bob_as_alice;
} tpki;

static tpki pki;

static inline void pki_init(void)
{
    if (pki.ca)
        return;
    int64_t now = T_NOW_UNIX, day = 86400;
    pki.ca_key = t_rsa(2048);
    pki.rogue_key = t_rsa(2048);
    pki.alice_key = t_rsa(2048);
    pki.bob_key = t_rsa(2048);
    pki.carol_key = t_rsa(2048);
    pki.ca = t_cert(pki.ca_key, NULL, NULL, "Test CA", NULL, 1, now - 30 * day, now + 3650 * day);
    pki.rogue_ca = t_cert(pki.rogue_key, NULL, NULL, "Rogue CA", NULL, 1, now - 30 * day, now + 3650 * day);
    pki.alice = t_cert(pki.alice_key, pki.ca_key, pki.ca, "alice", ALICE, 0, now - day, now + 365 * day);
    pki.bob = t_cert(pki.bob_key, pki.ca_key, pki.ca, "bob", BOB, 0, now - day, now + 365 * day);
    pki.carol = t_cert(pki.carol_key, pki.ca_key, pki.ca, "carol", CAROL, 0, now - day, now + 365 * day);
    pki.alice_expired = t_cert(pki.alice_key, pki.ca_key, pki.ca, "alice", ALICE, 0, now - 400 * day, now - day);
    pki.alice_future = t_cert(pki.alice_key, pki.ca_key, pki.ca, "alice", ALICE, 0, now + day, now + 400 * day);
    pki.alice_rogue = t_cert(pki.alice_key, pki.rogue_key, pki.rogue_ca, "alice", ALICE, 0, now - day, now + 365 * day);
    pki.bob_nosan = t_cert(pki.bob_key, pki.ca_key, pki.ca, "bob", NULL, 0, now - day, now + 365 * day);
    /* carol's key, a valid certificate naming carol: used to claim ALICE */
    pki.bob_as_alice = t_cert(pki.carol_key, pki.ca_key, pki.ca, "carol", CAROL, 0, now - day, now + 365 * day);
}

static inline void pki_free(void)
{
    EVP_PKEY *keys[] = {pki.ca_key, pki.rogue_key, pki.alice_key, pki.bob_key, pki.carol_key};
    X509 *certs[] = {pki.ca,    pki.rogue_ca,      pki.alice,        pki.bob,       pki.carol,
                     pki.alice_expired, pki.alice_future, pki.alice_rogue, pki.bob_nosan, pki.bob_as_alice};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        EVP_PKEY_free(keys[i]);
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        X509_free(certs[i]);
    memset(&pki, 0, sizeof pki);
}

static inline int t_add_key(mikey_creds *c, EVP_PKEY *k)
{
    size_t n;
    uint8_t *p = t_key_pem(k, &n);
    int rc = mikey_creds_set_key(c, p, n);
    free(p);
    return rc;
}

static inline int t_add_cert(mikey_creds *c, X509 *x)
{
    size_t n;
    uint8_t *p = t_cert_pem(x, &n);
    int rc = mikey_creds_add_cert(c, p, n);
    free(p);
    return rc;
}

static inline int t_add_trust(mikey_creds *c, X509 *x)
{
    size_t n;
    uint8_t *p = t_cert_pem(x, &n);
    int rc = mikey_creds_add_trust(c, p, n);
    free(p);
    return rc;
}

static inline int t_add_peer(mikey_creds *c, const char *peer, X509 *x)
{
    size_t n;
    uint8_t *p = t_cert_pem(x, &n);
    int rc = mikey_creds_add_peer_cert(c, peer, p, n);
    free(p);
    return rc;
}

/* ---- parties ---- */

static const uint8_t PSK_AB[] = "alice and bob share this secret!";
static const uint8_t PSK_OTHER[] = "some other pre-shared key value.";

typedef struct party {
    tenv te;
    mikey_creds *creds;
    mikey_policy *pol;
    mikey_ctx *ctx;
    const char *id;
} party;

/* A party with identity id, the PSK for the other of alice/bob, an RSA key
 * and certificate (from the PKI) and the test CA as trust anchor. */
static inline void party_init(party *p, const char *id, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    pki_init();
    tenv_init(&p->te, seed);
    p->id = id;
    MT_CHECK(mikey_creds_new(&p->te.env, &p->creds) == MIKEY_OK);
    MT_CHECK(mikey_policy_new(&p->te.env, &p->pol) == MIKEY_OK);
    MT_CHECK(mikey_creds_set_identity(p->creds, id) == MIKEY_OK);
    const char *other = strcmp(id, ALICE) == 0 ? BOB : ALICE;
    MT_CHECK(mikey_creds_add_psk(p->creds, other, PSK_AB, sizeof PSK_AB - 1) == MIKEY_OK);
    EVP_PKEY *k = strcmp(id, ALICE) == 0 ? pki.alice_key : strcmp(id, BOB) == 0 ? pki.bob_key : pki.carol_key;
    X509 *x = strcmp(id, ALICE) == 0 ? pki.alice : strcmp(id, BOB) == 0 ? pki.bob : pki.carol;
    MT_CHECK(t_add_key(p->creds, k) == MIKEY_OK);
    MT_CHECK(t_add_cert(p->creds, x) == MIKEY_OK);
    MT_CHECK(t_add_trust(p->creds, pki.ca) == MIKEY_OK);
    /* PKE initiators need the responder's certificate in advance. */
    MT_CHECK(t_add_peer(p->creds, other, strcmp(other, ALICE) == 0 ? pki.alice : pki.bob) == MIKEY_OK);
    MT_CHECK(mikey_ctx_new(&p->te.env, p->creds, p->pol, &p->ctx) == MIKEY_OK);
}

/* A fresh context (same creds and policy). */
static inline void party_reset(party *p)
{
    mikey_ctx_free(p->ctx);
    MT_CHECK(mikey_ctx_new(&p->te.env, p->creds, p->pol, &p->ctx) == MIKEY_OK);
}

static inline void party_free(party *p)
{
    mikey_ctx_free(p->ctx);
    mikey_policy_free(p->pol);
    mikey_creds_free(p->creds);
    memset(p, 0, sizeof p[0]);
}

/* Keys equal on both sides, crypto session by crypto session. */
static inline void t_same_keys(const mikey_ctx *a, const mikey_ctx *b)
{
    size_t n = mikey_ctx_cs_count(a);
    MT_EQ_INT(n, mikey_ctx_cs_count(b));
    for (size_t i = 0; i < n; i++) {
        mikey_cs_keys ka, kb;
        MT_CHECK(mikey_ctx_cs_keys(a, i, &ka) == MIKEY_OK);
        MT_CHECK(mikey_ctx_cs_keys(b, i, &kb) == MIKEY_OK);
        MT_EQ_INT(ka.cs_id, i + 1);
        MT_EQ_INT(ka.cs_id, kb.cs_id);
        MT_EQ_INT(ka.ssrc, kb.ssrc);
        MT_EQ_INT(ka.roc, kb.roc);
        MT_EQ_INT(ka.policy_no, kb.policy_no);
        MT_CHECK(ka.master_key_len == 16 || ka.master_key_len == 32);
        MT_MEMEQ(ka.master_key, ka.master_key_len, kb.master_key, kb.master_key_len);
        MT_MEMEQ(ka.master_salt, ka.master_salt_len, kb.master_salt, kb.master_salt_len);
        MT_MEMEQ(ka.mki, ka.mki_len, kb.mki, kb.mki_len);
        MT_EQ_INT(ka.srtp.present, kb.srtp.present);
        /* never all zero */
        int nz = 0;
        for (size_t j = 0; j < ka.master_key_len; j++)
            nz |= ka.master_key[j];
        MT_CHECK(nz != 0);
    }
}

/* ---- independent RFC 3830 §4.1.2 PRF (HMAC-SHA-1, 256-bit inkey blocks,
 * 160-bit output chunks), written from the RFC text for the tests ---- */

static inline void ind_p(const uint8_t *s, size_t slen, const uint8_t *label, size_t llen, uint8_t *out, size_t outlen)
{
    uint8_t a[20], buf[20 + 300];
    unsigned alen = 0;
    /* A_1 = HMAC(s, A_0) with A_0 = label */
    HMAC(EVP_sha1(), s, (int)slen, label, llen, a, &alen);
    for (size_t off = 0; off < outlen; off += 20) {
        uint8_t blk[20];
        unsigned bl = 0;
        memcpy(buf, a, 20);
        memcpy(buf + 20, label, llen);
        HMAC(EVP_sha1(), s, (int)slen, buf, 20 + llen, blk, &bl);
        for (size_t i = 0; i < 20 && off + i < outlen; i++)
            out[off + i] ^= blk[i];
        uint8_t next[20];
        HMAC(EVP_sha1(), s, (int)slen, a, 20, next, &alen); /* A_{i+1} = HMAC(s, A_i) */
        memcpy(a, next, 20);
    }
}

static inline void ind_prf(const uint8_t *inkey, size_t inlen, const uint8_t *label, size_t llen, uint8_t *out,
                           size_t outlen)
{
    memset(out, 0, outlen);
    for (size_t off = 0; off < inlen; off += 32)
        ind_p(inkey + off, inlen - off < 32 ? inlen - off : 32, label, llen, out, outlen);
}

/* label = constant || cs_id || csb_id || RAND (§4.1.3) */
static inline void ind_tgk_key(const uint8_t *tgk, size_t tlen, uint32_t constant, uint8_t cs_id, uint32_t csb,
                               const uint8_t *rand, size_t rlen, uint8_t *out, size_t outlen)
{
    uint8_t label[9 + 255];
    label[0] = (uint8_t)(constant >> 24);
    label[1] = (uint8_t)(constant >> 16);
    label[2] = (uint8_t)(constant >> 8);
    label[3] = (uint8_t)constant;
    label[4] = cs_id;
    label[5] = (uint8_t)(csb >> 24);
    label[6] = (uint8_t)(csb >> 16);
    label[7] = (uint8_t)(csb >> 8);
    label[8] = (uint8_t)csb;
    memcpy(label + 9, rand, rlen);
    ind_prf(tgk, tlen, label, 9 + rlen, out, outlen);
}

/* label = constant || 0xFF || csb_id || RAND (§4.1.4) */
static inline void ind_env_key(const uint8_t *k, size_t klen, uint32_t constant, uint32_t csb, const uint8_t *rand,
                               size_t rlen, uint8_t *out, size_t outlen)
{
    uint8_t label[9 + 255];
    label[0] = (uint8_t)(constant >> 24);
    label[1] = (uint8_t)(constant >> 16);
    label[2] = (uint8_t)(constant >> 8);
    label[3] = (uint8_t)constant;
    label[4] = 0xff;
    label[5] = (uint8_t)(csb >> 24);
    label[6] = (uint8_t)(csb >> 16);
    label[7] = (uint8_t)(csb >> 8);
    label[8] = (uint8_t)csb;
    memcpy(label + 9, rand, rlen);
    ind_prf(k, klen, label, 9 + rlen, out, outlen);
}

/* ---- exchanges ---- */

typedef struct xbuf {
    uint8_t i[16384], r[16384];
    size_t ilen, rlen;
} xbuf;

/* offer -> answer -> finish (finish only when a response came back). */
static inline int t_exchange(party *ini, party *res, const mikey_offer_opts *o, xbuf *x)
{
    int rc = mikey_offer(ini->ctx, o, x->i, sizeof x->i, &x->ilen);
    if (rc)
        return rc;
    rc = mikey_answer(res->ctx, x->i, x->ilen, x->r, sizeof x->r, &x->rlen);
    if (rc)
        return rc;
    if (x->rlen)
        rc = mikey_finish(ini->ctx, x->r, x->rlen);
    return rc;
}

static inline mikey_offer_opts t_opts(unsigned mode, const char *peer, const mikey_stream_desc *s, size_t n)
{
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    o.peer_id = peer;
    o.streams = s;
    o.nstreams = n;
    return o;
}

#endif /* SESS_ENV_H */
