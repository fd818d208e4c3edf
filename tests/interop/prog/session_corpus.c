/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * session_corpus: every message the session layer (session.h) emits, for
 * tests/interop/tshark_session.sh.
 *
 *   session_corpus TSHARK_DIR ROUNDTRIP_DIR
 *
 * Runs real exchanges between an initiator and a responder context (fixed
 * clock, seeded RNG: the library's randomness is reproducible; the RSA keys
 * and certificates are made afresh with OpenSSL) and writes each message as
 * <mode>-<step>.bin:
 *  - every mode's I_MESSAGE and R_MESSAGE: PSK (with and without V), PKE
 *    (with and without V), DH, DH-HMAC, RSA-R, MIKEY-NULL (derived keys and
 *    the RTSP TEK = key||salt);
 *  - update (rekey) messages of an established CSB (RFC 3830 §4.5);
 *  - Error messages: Invalid SPpar with the responder's SPs, Auth failure,
 *    Invalid TS (replay and clock skew), Invalid Cert, Invalid EA,
 *    Invalid DT;
 *  - several crypto sessions, SSRC placeholders, KV = SPI.
 * Messages tshark 4.0 can show go to TSHARK_DIR with a .fields file: what
 * tshark must print, from OUR parse of the bytes (fields.h). Settings
 * tshark 4.0 cannot show (HMAC-SHA-256, PRF HMAC-SHA-256, AES-CM-256, CHASH,
 * DH with KV != NULL, SP params above 12) go to ROUNDTRIP_DIR and must be
 * refused by fields.h, so each message is in the set it belongs to.
 * Every exchange must agree on the keys, every message must re-encode
 * byte-identically. Exit 0, or 1 with the reasons on stderr.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fields.h"
#include "openmikey/session.h"

#define MAXMSG 16384
#define NTP_UNIX 2208988800u
/* 2026-01-01T00:00:00Z + 0.5 s as NTP-64 */
#define T0_UNIX 1767225600u
#define T0 ((uint64_t)(T0_UNIX + NTP_UNIX) << 32 | 0x80000000u)

#define ALICE "sip:alice@a.example"
#define BOB "sip:bob@b.example"

static const char *tdir, *rdir;
static int n_fail, n_tshark, n_rt;

static void failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void failf(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "session_corpus: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    n_fail++;
}

/* ---------------------------------------------------------------------- */
/* Environment: fixed clock (advanced by hand), seeded xorshift64*         */
/* ---------------------------------------------------------------------- */

typedef struct tenv {
    mikey_env env;
    uint64_t now, rng;
} tenv;

static uint64_t t_now(void *ud) { return ((tenv *)ud)->now; }

static int t_rng(uint8_t *out, size_t len, void *ud)
{
    tenv *t = ud;
    for (size_t i = 0; i < len; i++) {
        t->rng ^= t->rng >> 12;
        t->rng ^= t->rng << 25;
        t->rng ^= t->rng >> 27;
        out[i] = (uint8_t)((t->rng * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* PKI (OpenSSL): a CA, Alice and Bob, valid around T0                     */
/* ---------------------------------------------------------------------- */

static char *ca_pem, *ca2_pem, *alice_key, *alice_cert, *bob_key, *bob_cert;

static char *bio_str(BIO *b)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    char *s = malloc((size_t)n + 1);
    if (s) {
        memcpy(s, p, (size_t)n);
        s[n] = 0;
    }
    BIO_free(b);
    return s;
}

static X509 *mkcert(EVP_PKEY *k, EVP_PKEY *ik, X509 *issuer, const char *cn, const char *uri, int ca, long serial)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)T0_UNIX - 86400);
    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)T0_UNIX + 365 * 86400L);
    X509_set_pubkey(x, k);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *ext[3][2] = {{"basicConstraints", ca ? "critical,CA:TRUE" : "CA:FALSE"},
                             {"keyUsage", ca ? "critical,keyCertSign" : "critical,digitalSignature,keyEncipherment"},
                             {"subjectAltName", NULL}};
    char san[128];
    if (uri) {
        snprintf(san, sizeof san, "URI:%s", uri);
        ext[2][1] = san;
    }
    for (int i = 0; i < 3; i++) {
        if (!ext[i][1])
            continue;
        X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, OBJ_txt2nid(ext[i][0]), ext[i][1]);
        if (!e || !X509_add_ext(x, e, -1))
            abort();
        X509_EXTENSION_free(e);
    }
    if (X509_sign(x, ik ? ik : k, EVP_sha256()) <= 0)
        abort();
    return x;
}

static char *cert_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    return bio_str(b);
}

static char *key_pem(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    return bio_str(b);
}

static void pki_make(void)
{
    EVP_PKEY *cak = EVP_RSA_gen(2048), *ca2k = EVP_RSA_gen(2048), *ak = EVP_RSA_gen(2048), *bk = EVP_RSA_gen(2048);
    if (!cak || !ca2k || !ak || !bk)
        abort();
    X509 *ca = mkcert(cak, NULL, NULL, "corpus CA", NULL, 1, 1);
    X509 *ca2 = mkcert(ca2k, NULL, NULL, "other CA", NULL, 1, 2);
    X509 *a = mkcert(ak, cak, ca, "alice", ALICE, 0, 3), *b = mkcert(bk, cak, ca, "bob", BOB, 0, 4);
    ca_pem = cert_pem(ca);
    ca2_pem = cert_pem(ca2);
    alice_key = key_pem(ak);
    alice_cert = cert_pem(a);
    bob_key = key_pem(bk);
    bob_cert = cert_pem(b);
    X509_free(ca);
    X509_free(ca2);
    X509_free(a);
    X509_free(b);
    EVP_PKEY_free(cak);
    EVP_PKEY_free(ca2k);
    EVP_PKEY_free(ak);
    EVP_PKEY_free(bk);
}

/* ---------------------------------------------------------------------- */
/* Parties                                                                 */
/* ---------------------------------------------------------------------- */

static const uint8_t PSK[] = "a pre-shared key for Alice & Bob";
static const uint8_t WRONG_PSK[] = "not the key Alice and Bob share!";

typedef struct party {
    tenv te;
    mikey_creds *creds;
    mikey_policy *pol;
    mikey_ctx *ctx;
} party;

static int ck(int rc, const char *what)
{
    if (rc != MIKEY_OK)
        failf("%s failed: %s", what, mikey_err_name(rc));
    return rc;
}

/* flags of a party */
enum { P_NOPEER = 1, P_OTHER_CA = 2, P_WRONG_PSK = 4 };

static void party_init(party *p, const char *id, uint64_t seed, unsigned flags)
{
    memset(p, 0, sizeof *p);
    p->te.now = T0;
    p->te.rng = seed;
    p->te.env.now = t_now;
    p->te.env.rng = t_rng;
    p->te.env.user_data = &p->te;
    int alice = strcmp(id, ALICE) == 0;
    const char *peer = alice ? BOB : ALICE;
    const char *k = alice ? alice_key : bob_key, *c = alice ? alice_cert : bob_cert;
    const char *pc = alice ? bob_cert : alice_cert;
    const char *trust = flags & P_OTHER_CA ? ca2_pem : ca_pem;
    const uint8_t *psk = flags & P_WRONG_PSK ? WRONG_PSK : PSK;
    ck(mikey_creds_new(&p->te.env, &p->creds), "creds_new");
    ck(mikey_policy_new(&p->te.env, &p->pol), "policy_new");
    ck(mikey_creds_set_identity(p->creds, id), "set_identity");
    ck(mikey_creds_add_psk(p->creds, peer, psk, sizeof PSK - 1), "add_psk");
    ck(mikey_creds_set_key(p->creds, (const uint8_t *)k, strlen(k)), "set_key");
    ck(mikey_creds_add_cert(p->creds, (const uint8_t *)c, strlen(c)), "add_cert");
    ck(mikey_creds_add_trust(p->creds, (const uint8_t *)trust, strlen(trust)), "add_trust");
    /* Only an initiator needs the peer's certificate in advance (PKE); a
     * responder that has none checks the chain to the CA. */
    if (!(flags & P_NOPEER))
        ck(mikey_creds_add_peer_cert(p->creds, peer, (const uint8_t *)pc, strlen(pc)), "add_peer_cert");
    ck(mikey_policy_set_modes(p->pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) |
                                          MIKEY_MODE_BIT(MIKEY_MODE_DH) | MIKEY_MODE_BIT(MIKEY_MODE_DHHMAC) |
                                          MIKEY_MODE_BIT(MIKEY_MODE_RSAR) | MIKEY_MODE_BIT(MIKEY_MODE_NULL)),
       "set_modes");
    ck(mikey_ctx_new(&p->te.env, p->creds, p->pol, &p->ctx), "ctx_new");
}

static void party_free(party *p)
{
    mikey_ctx_free(p->ctx);
    mikey_policy_free(p->pol);
    mikey_creds_free(p->creds);
    memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------------------------- */
/* Writing a message                                                       */
/* ---------------------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *ext, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = n ? fwrite(p, 1, n, f) : 0;
    int rc = fclose(f);
    return w == n && rc == 0 ? 0 : -1;
}

/* Write <name>.bin to the tshark set (with .fields) or the round-trip set.
 * @p tshark says where it belongs (1, 0) and fields.h must agree, or lets
 * fields.h decide (-1: the response to an I_MESSAGE only the round trip
 * checks may well be one tshark shows). */
static void emit(const char *name, int tshark, const uint8_t *buf, size_t len)
{
    if (len == 0) {
        failf("%s: no message%s", name, "");
        return;
    }
    mikey_msg *m = NULL;
    mikey_parse_error pe;
    int rc = mikey_msg_parse(NULL, buf, len, NULL, &m, &pe);
    if (rc != MIKEY_OK) {
        failf("%s: our parser refuses what the session layer wrote: %s", name, pe.detail);
        return;
    }
    uint8_t re[MAXMSG];
    size_t rl = 0;
    if (mikey_msg_encode(m, re, sizeof re, &rl) != MIKEY_OK || rl != len || memcmp(re, buf, len) != 0)
        failf("%s: parse -> encode is not byte-identical%s", name, "");
    if (mikey_msg_leniencies(m))
        failf("%s: our own message needed a leniency%s", name, "");
    const char *why = fields_tshark_limit(m);
    mikey_msg_free(m);
    if (tshark < 0)
        tshark = why == NULL;
    if (tshark && why) {
        failf("%s: meant for tshark, but tshark 4.0 cannot show it: %s", name, why);
        return;
    }
    if (!tshark && !why) {
        failf("%s: tshark 4.0 can show it: it belongs in the tshark set%s", name, "");
        return;
    }
    if (write_file(tshark ? tdir : rdir, name, ".bin", buf, len)) {
        failf("%s: cannot write to %s", name, tshark ? tdir : rdir);
        return;
    }
    if (!tshark) {
        n_rt++;
        return;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.fields", tdir, name);
    FILE *f = fopen(path, "w");
    if (!f || fields_print(f, buf, len, &pe, &why) != MIKEY_OK)
        failf("%s: no .fields file%s", name, "");
    if (f && fclose(f))
        failf("%s: cannot write its .fields file%s", name, "");
    n_tshark++;
}

/* ---------------------------------------------------------------------- */
/* Exchanges                                                               */
/* ---------------------------------------------------------------------- */

typedef struct xch {
    uint8_t i[MAXMSG], r[MAXMSG];
    size_t ilen, rlen;
    int arc; /* mikey_answer's result */
} xch;

static void same_keys(const char *name, const mikey_ctx *a, const mikey_ctx *b, size_t want)
{
    size_t n = mikey_ctx_cs_count(a);
    if (n != want || n != mikey_ctx_cs_count(b)) {
        failf("%s: %zu and %zu crypto sessions, not %zu", name, n, mikey_ctx_cs_count(b), want);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        mikey_cs_keys x, y;
        if (mikey_ctx_cs_keys(a, i, &x) || mikey_ctx_cs_keys(b, i, &y) || x.master_key_len != y.master_key_len ||
            memcmp(x.master_key, y.master_key, x.master_key_len) != 0 || x.master_salt_len != y.master_salt_len ||
            memcmp(x.master_salt, y.master_salt, x.master_salt_len) != 0 || x.ssrc != y.ssrc)
            failf("%s: the two sides disagree on the keys%s", name, "");
    }
}

/* offer -> answer -> finish (when a response came). */
static int exchange(const char *name, party *ini, party *res, const mikey_offer_opts *o, xch *x)
{
    x->ilen = x->rlen = 0;
    int rc = mikey_offer(ini->ctx, o, x->i, sizeof x->i, &x->ilen);
    if (rc) {
        failf("%s: offer failed: %s", name, mikey_err_name(rc));
        return rc;
    }
    x->arc = mikey_answer(res->ctx, x->i, x->ilen, x->r, sizeof x->r, &x->rlen);
    if (x->arc)
        return x->arc;
    if (x->rlen && (rc = mikey_finish(ini->ctx, x->r, x->rlen))) {
        failf("%s: finish failed: %s", name, mikey_err_name(rc));
        return rc;
    }
    /* #CS = 0 in an initial PSK/MIKEY-NULL offer without V keys one implicit
     * crypto session on both sides (the "implicit-cs" reading, docs/interop.md). */
    size_t want_cs = o->nstreams;
    if (!want_cs && (o->mode == MIKEY_MODE_PSK || o->mode == MIKEY_MODE_NULL) && !o->want_verification)
        want_cs = 1;
    same_keys(name, ini->ctx, res->ctx, want_cs);
    return MIKEY_OK;
}

static mikey_offer_opts opts(unsigned mode, const mikey_stream_desc *s, size_t n)
{
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    o.peer_id = BOB;
    o.streams = s;
    o.nstreams = n;
    return o;
}

/* A full exchange; writes <prefix>-i.bin and (if any) <prefix>-r.bin. With
 * @p rekey, an update follows (written as <prefix>-update-i / -r). */
static void run(const char *prefix, int tshark, unsigned mode, int verify, const mikey_stream_desc *s, size_t n,
                size_t mki_len, int salt_mode, int rekey, void (*tweak)(party *, party *))
{
    static xch x;
    party a, b;
    char name[128];
    static uint64_t seed = 0x1234567;
    party_init(&a, ALICE, seed += 0x1001, 0);
    party_init(&b, BOB, seed += 0x1001, P_NOPEER);
    if (tweak)
        tweak(&a, &b);
    mikey_offer_opts o = opts(mode, s, n);
    o.want_verification = verify;
    o.mki_len = mki_len;
    o.salt_mode = salt_mode;
    if (exchange(prefix, &a, &b, &o, &x) == MIKEY_OK) {
        snprintf(name, sizeof name, "%s-i", prefix);
        emit(name, tshark, x.i, x.ilen);
        if (x.rlen) {
            snprintf(name, sizeof name, "%s-r", prefix);
            emit(name, tshark ? 1 : -1, x.r, x.rlen);
        }
        if (rekey) {
            /* RFC 3830 §4.5: an update of the CSB, a second later */
            a.te.now += 1ull << 32;
            b.te.now += 1ull << 32;
            snprintf(name, sizeof name, "%s-update", prefix);
            if (exchange(name, &a, &b, &o, &x) == MIKEY_OK) {
                snprintf(name, sizeof name, "%s-update-i", prefix);
                emit(name, tshark, x.i, x.ilen);
                if (x.rlen) {
                    snprintf(name, sizeof name, "%s-update-r", prefix);
                    emit(name, tshark ? 1 : -1, x.r, x.rlen);
                }
            } else {
                failf("%s: the update was refused: %s", prefix, mikey_err_name(x.arc));
            }
        }
    } else if (x.arc) {
        failf("%s: answer refused it: %s", prefix, mikey_err_name(x.arc));
    }
    party_free(&a);
    party_free(&b);
}

/* An exchange the responder must refuse with the Error message @p rfc;
 * writes <name>.bin (the Error message). */
static void run_error(const char *name, int tshark, unsigned mode, unsigned ini_flags, unsigned res_flags,
                      int expect_err, int expect_rfc, void (*tweak)(party *, party *))
{
    static xch x;
    party a, b;
    party_init(&a, ALICE, 0x777, ini_flags);
    party_init(&b, BOB, 0x999, P_NOPEER | res_flags);
    if (tweak)
        tweak(&a, &b);
    mikey_stream_desc s = {0x01020304, 0, 0};
    mikey_offer_opts o = opts(mode, &s, 1);
    int rc = exchange(name, &a, &b, &o, &x);
    if (rc == MIKEY_OK) {
        failf("%s: the responder accepted what it must refuse%s", name, "");
    } else if (x.arc != expect_err) {
        failf("%s: refused with %s, not the expected error", name, mikey_err_name(x.arc));
    } else if (x.rlen == 0) {
        failf("%s: no Error message%s", name, "");
    } else {
        mikey_msg *m = NULL;
        const mikey_payload *e = NULL;
        if (mikey_msg_parse(NULL, x.r, x.rlen, NULL, &m, NULL) == MIKEY_OK)
            e = mikey_msg_find(m, MIKEY_PT_ERR, 0);
        if (!e || mikey_msg_hdr(m)->data_type != MIKEY_DT_ERROR || e->u.err.error_no != expect_rfc)
            failf("%s: not an Error message with the expected error no (%s)",
                  name, e ? mikey_rfc_error_name(e->u.err.error_no) : "none");
        else
            emit(name, tshark, x.r, x.rlen);
        /* the Error message reaches an initiator waiting for a response:
         * recorded, the offer stays pending */
        if (mikey_ctx_state(a.ctx) == MIKEY_STATE_OFFERED &&
            (mikey_finish(a.ctx, x.r, x.rlen) != MIKEY_ERR_PEER_ERROR || mikey_ctx_peer_error(a.ctx) != expect_rfc))
            failf("%s: finish did not report the peer's Error message%s", name, "");
        mikey_msg_free(m);
    }
    party_free(&a);
    party_free(&b);
}

/* ---- policy tweaks ---- */

static void t_gcm_only(party *a, party *b)
{
    (void)a;
    mikey_srtp_params p;
    /* the responder takes only AES-256 (SPs within tshark's params 0-12) */
    mikey_srtp_params_suite(&p, "AES_256_CM_HMAC_SHA1_80");
    ck(mikey_policy_add_srtp(b->pol, &p), "add_srtp");
}

static void t_sha256(party *a, party *b)
{
    (void)b;
    ck(mikey_policy_set_kemac(a->pol, MIKEY_ENCR_AES_CM_128, MIKEY_MAC_HMAC_SHA256_256), "set_kemac");
}

static void t_prf256(party *a, party *b)
{
    (void)b;
    ck(mikey_policy_set_prf(a->pol, MIKEY_PRF_HMAC_SHA256, MIKEY_PRF_HMAC_SHA256), "set_prf");
}

static void t_aes256(party *a, party *b)
{
    (void)b;
    ck(mikey_policy_set_kemac(a->pol, MIKEY_ENCR_AES_CM_256, MIKEY_MAC_HMAC_SHA1_160), "set_kemac");
}

static void t_kw(party *a, party *b)
{
    (void)b;
    ck(mikey_policy_set_kemac(a->pol, MIKEY_ENCR_AES_KW_128, MIKEY_MAC_HMAC_SHA1_160), "set_kemac");
}

static void t_dh1(party *a, party *b)
{
    (void)b;
    unsigned all = 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 | 1u << MIKEY_DH_OAKLEY2;
    ck(mikey_policy_set_dh(a->pol, MIKEY_DH_OAKLEY1, all), "set_dh");
}

static void t_dh2_pss(party *a, party *b)
{
    unsigned all = 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 | 1u << MIKEY_DH_OAKLEY2;
    ck(mikey_policy_set_dh(a->pol, MIKEY_DH_OAKLEY2, all), "set_dh");
    ck(mikey_policy_set_sign(a->pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256), "set_sign");
    ck(mikey_policy_set_sign(b->pol, MIKEY_SIGN_RSA_PSS, MIKEY_HASH_SHA256), "set_sign");
}

static void t_gcm_suite(party *a, party *b)
{
    mikey_srtp_params p;
    mikey_srtp_params_suite(&p, "AEAD_AES_128_GCM");
    ck(mikey_policy_add_srtp(a->pol, &p), "add_srtp");
    ck(mikey_policy_add_srtp(b->pol, &p), "add_srtp");
}

static void t_two_suites(party *a, party *b)
{
    mikey_srtp_params p;
    (void)b;
    mikey_srtp_params_suite(&p, "AES_CM_128_HMAC_SHA1_80");
    ck(mikey_policy_add_srtp(a->pol, &p), "add_srtp");
    mikey_srtp_params_suite(&p, "AES_CM_128_HMAC_SHA1_32");
    ck(mikey_policy_add_srtp(a->pol, &p), "add_srtp");
}

static void t_skew(party *a, party *b)
{
    (void)a;
    b->te.now += (uint64_t)3600 << 32; /* the responder's clock an hour ahead */
}

static void t_no_null(party *a, party *b)
{
    (void)a;
    ck(mikey_policy_set_modes(b->pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK)), "set_modes");
}

static void t_psk_only(party *a, party *b)
{
    (void)a;
    ck(mikey_policy_set_modes(b->pol, MIKEY_MODE_BIT(MIKEY_MODE_PSK)), "set_modes");
}

/* The same I_MESSAGE twice to one responder: the second is a replay. */
static void run_replay(void)
{
    static xch x;
    party a, b;
    party_init(&a, ALICE, 0x4242, 0);
    party_init(&b, BOB, 0x2424, P_NOPEER);
    mikey_stream_desc s = {0x0a0b0c0d, 0, 0};
    mikey_offer_opts o = opts(MIKEY_MODE_PSK, &s, 1);
    if (exchange("err-replay", &a, &b, &o, &x) == MIKEY_OK) {
        /* a second responder context sharing nothing would accept it: use
         * the same context's cache via a fresh context with a shared cache */
        mikey_replay *rp = NULL;
        mikey_ctx *c1 = NULL, *c2 = NULL;
        uint8_t out[MAXMSG];
        size_t ol = 0;
        if (!ck(mikey_replay_new(&b.te.env, 300, 64, &rp), "replay_new") &&
            !ck(mikey_ctx_new(&b.te.env, b.creds, b.pol, &c1), "ctx_new") &&
            !ck(mikey_ctx_new(&b.te.env, b.creds, b.pol, &c2), "ctx_new") && !ck(mikey_ctx_set_replay(c1, rp), "set") &&
            !ck(mikey_ctx_set_replay(c2, rp), "set") &&
            !ck(mikey_answer(c1, x.i, x.ilen, out, sizeof out, &ol), "first answer")) {
            int rc = mikey_answer(c2, x.i, x.ilen, out, sizeof out, &ol);
            if (rc != MIKEY_ERR_REPLAY || ol == 0)
                failf("err-replay: the replay gave %s%s", mikey_err_name(rc), ol ? "" : " and no Error message");
            else
                emit("err-replay", 1, out, ol);
        }
        mikey_ctx_free(c1);
        mikey_ctx_free(c2);
        mikey_replay_free(rp);
    }
    party_free(&a);
    party_free(&b);
}

/* A response data type sent to a responder: Invalid DT. */
static void run_wrong_dt(void)
{
    static xch x;
    party a, b, c;
    party_init(&a, ALICE, 0x5151, 0);
    party_init(&b, BOB, 0x1515, P_NOPEER);
    party_init(&c, BOB, 0x1616, P_NOPEER);
    mikey_stream_desc s = {0x0a0b0c0e, 0, 0};
    mikey_offer_opts o = opts(MIKEY_MODE_DH, &s, 1);
    if (exchange("err-invalid-dt", &a, &b, &o, &x) == MIKEY_OK && x.rlen) {
        uint8_t out[MAXMSG];
        size_t ol = 0;
        int rc = mikey_answer(c.ctx, x.r, x.rlen, out, sizeof out, &ol);
        if (rc == MIKEY_OK || ol == 0)
            failf("err-invalid-dt: an R_MESSAGE to a responder gave %s%s", mikey_err_name(rc),
                  ol ? "" : " and no Error message");
        else
            emit("err-invalid-dt", 1, out, ol);
    }
    party_free(&a);
    party_free(&b);
    party_free(&c);
}

/* PKE to a responder known by two certificates: the initiator names the one
 * it encrypted to with a CHASH (RFC 3830 §6.8). Alice's own certificate
 * stands in for Bob's second one. */
static void t_chash(party *a, party *b)
{
    (void)b;
    ck(mikey_creds_add_peer_cert(a->creds, BOB, (const uint8_t *)alice_cert, strlen(alice_cert)), "add_peer_cert");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: session_corpus TSHARK_DIR ROUNDTRIP_DIR\n");
        return 2;
    }
    tdir = argv[1];
    rdir = argv[2];
    pki_make();

    mikey_stream_desc one[1] = {{0x11223344, 0, 0}};
    mikey_stream_desc three[3] = {{0x11111111, 5, 0}, {0, 0, 0}, {0x33333333, 0, 0}};
    mikey_stream_desc two_pol[2] = {{0x44444444, 0, 0}, {0x55555555, 0, 1}};
    mikey_stream_desc placeholder[1] = {{0, 0, 0}};

    /* every mode, I_MESSAGE and R_MESSAGE, with an update */
    run("psk", 1, MIKEY_MODE_PSK, 0, one, 1, 0, 0, 1, NULL);
    run("psk-v", 1, MIKEY_MODE_PSK, 1, one, 1, 0, 0, 1, NULL);
    run("pke", 1, MIKEY_MODE_PKE, 0, one, 1, 0, 0, 1, NULL);
    run("pke-v", 1, MIKEY_MODE_PKE, 1, one, 1, 0, 0, 1, NULL);
    run("dh", 1, MIKEY_MODE_DH, 0, one, 1, 0, 0, 1, NULL);
    run("dhhmac", 1, MIKEY_MODE_DHHMAC, 0, one, 1, 0, 0, 1, NULL);
    run("rsar", 1, MIKEY_MODE_RSAR, 0, one, 1, 0, 0, 1, NULL);
    run("null", 1, MIKEY_MODE_NULL, 0, one, 1, 0, 0, 1, NULL);
    run("null-tek", 1, MIKEY_MODE_NULL, 0, one, 1, 0, 2, 0, NULL);
    run("null-tgksalt", 1, MIKEY_MODE_NULL, 0, one, 1, 0, 1, 0, NULL);
    /* variants tshark can show */
    run("psk-v-3cs", 1, MIKEY_MODE_PSK, 1, three, 3, 0, 0, 0, NULL);
    run("psk-v-2sp", 1, MIKEY_MODE_PSK, 1, two_pol, 2, 0, 0, 0, t_two_suites);
    run("psk-mki", 1, MIKEY_MODE_PSK, 1, one, 1, 4, 1, 1, NULL);
    run("psk-kw", 1, MIKEY_MODE_PSK, 1, one, 1, 0, 0, 0, t_kw);
    run("pke-v-tek", 1, MIKEY_MODE_PKE, 1, one, 1, 0, 2, 0, NULL);
    run("dh-oakley1", 1, MIKEY_MODE_DH, 0, placeholder, 1, 0, 0, 0, t_dh1);
    run("dh-oakley2-pss", 1, MIKEY_MODE_DH, 0, one, 1, 0, 0, 0, t_dh2_pss);
    run("dhhmac-2cs", 1, MIKEY_MODE_DHHMAC, 0, three, 2, 0, 0, 0, NULL);
    run("rsar-3cs", 1, MIKEY_MODE_RSAR, 0, three, 3, 0, 0, 1, NULL);
    run("null-0cs", 1, MIKEY_MODE_NULL, 0, NULL, 0, 0, 2, 0, NULL);
    /* Error messages */
    run_error("err-invalid-sppar", 1, MIKEY_MODE_PSK, 0, 0, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR, t_gcm_only);
    run_error("err-auth", 1, MIKEY_MODE_PSK, P_WRONG_PSK, 0, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE, NULL);
    run_error("err-auth-dhhmac", 1, MIKEY_MODE_DHHMAC, P_WRONG_PSK, 0, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE, NULL);
    run_error("err-invalid-ts", 1, MIKEY_MODE_PSK, 0, 0, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS, t_skew);
    run_error("err-invalid-cert", 1, MIKEY_MODE_DH, 0, P_OTHER_CA, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT, NULL);
    run_error("err-invalid-ea", 1, MIKEY_MODE_NULL, 0, 0, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA, t_no_null);
    run_error("err-mode-not-allowed", 1, MIKEY_MODE_RSAR, 0, 0, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT,
              t_psk_only);
    run_replay();
    run_wrong_dt();
    /* what tshark 4.0 cannot show: the round-trip set */
    run("rt-psk-hmac-sha256", 0, MIKEY_MODE_PSK, 1, one, 1, 0, 0, 0, t_sha256);
    run("rt-psk-prf-sha256", 0, MIKEY_MODE_PSK, 1, one, 1, 0, 0, 0, t_prf256);
    run("rt-psk-aes256", 0, MIKEY_MODE_PSK, 0, one, 1, 0, 0, 0, t_aes256);
    run("rt-psk-gcm", 0, MIKEY_MODE_PSK, 1, one, 1, 0, 0, 0, t_gcm_suite);
    run("rt-pke-chash", 0, MIKEY_MODE_PKE, 1, one, 1, 0, 0, 0, t_chash);
    run("rt-dh-mki", 0, MIKEY_MODE_DH, 0, one, 1, 4, 0, 1, NULL);
    run("rt-dhhmac-sha256", 0, MIKEY_MODE_DHHMAC, 0, one, 1, 0, 0, 0, t_sha256);
    run("rt-rsar-prf-sha256", 0, MIKEY_MODE_RSAR, 0, one, 1, 0, 0, 0, t_prf256);

    free(ca_pem);
    free(ca2_pem);
    free(alice_key);
    free(alice_cert);
    free(bob_key);
    free(bob_cert);
    fprintf(stderr, "session_corpus: %d messages for tshark, %d for the round trip, %d failures\n", n_tshark, n_rt,
            n_fail);
    return n_fail ? 1 : 0;
}
