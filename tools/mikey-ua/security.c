/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MIKEY seam (see security.h): security policies off / preferred /
 * required; MIKEY in SDP (RFC 4567) with the key-agreement modes of
 * session.h; SRTP/SRTCP keyed from the agreed crypto sessions.
 *
 * Per process: one credential store, one policy and one replay cache
 * (RFC 3830 §5.4), shared by every call so a message replayed into another
 * call is still refused; optionally persisted to a file. Per call: one
 * mikey_ctx and one mikey_srtp session.
 *
 * The tools may use OpenSSL directly: only to read the SAN URI of a
 * certificate here (the MIKEY identity it is bound to, RFC 3830 §4.2.6).
 */
#include "security.h"
#include "security_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <openmikey/sdp.h>
#include <openmikey/session.h>
#include <openmikey/srtp.h>

#include "clock.h"
#include "input.h"
#include "secret.h"

enum {
    MSG_CAP = 65536,          /* room for any message we build (certificates included) */
    FILE_MAX = 1 << 20,       /* credential files */
    REPLAY_SKEW = 300,        /* RFC 3830 §5.4: seconds; the library default */
    REPLAY_CACHE = 4096,
};

/* ---------------------------------------------------------------------- */
/* Per process                                                             */
/* ---------------------------------------------------------------------- */

static struct {
    int inited;
    ua_sec_cfg cfg;
    mikey_env env;
    mikey_creds *creds;
    mikey_policy *policy;
    mikey_replay *replay;
    char identity[256];
    char peer_id[256];
    unsigned dh_group;        /* MIKEY code: 0 OAKLEY 5, 1 OAKLEY 1, 2 OAKLEY 2 */
    int dh_used;              /* a precomputed pair was (probably) taken */
    char suites[8][40];
    size_t nsuites;
} G;

/* struct ua_sec: security_int.h (shared with security_update.c). */

const char *ua_sec_policy_name(ua_sec_policy p)
{
    switch (p) {
    case UA_SEC_OFF: return "off";
    case UA_SEC_PREFERRED: return "preferred";
    case UA_SEC_REQUIRED: return "required";
    }
    return "?";
}

int ua_sec_policy_parse(const char *s, ua_sec_policy *out)
{
    if (!strcmp(s, "off"))
        *out = UA_SEC_OFF;
    else if (!strcmp(s, "preferred"))
        *out = UA_SEC_PREFERRED;
    else if (!strcmp(s, "required"))
        *out = UA_SEC_REQUIRED;
    else
        return -1;
    return 0;
}

static const struct {
    const char *name;
    int mode;
} modes[] = {
    {"psk", MIKEY_MODE_PSK},       {"pke", MIKEY_MODE_PKE},       {"dh", MIKEY_MODE_DH},
    {"dhhmac", MIKEY_MODE_DHHMAC}, {"dh-hmac", MIKEY_MODE_DHHMAC}, {"rsar", MIKEY_MODE_RSAR},
    {"rsa-r", MIKEY_MODE_RSAR},    {"null", MIKEY_MODE_NULL},
};

int ua_sec_mode_parse(const char *s, int *mode)
{
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (!strcmp(s, modes[i].name)) {
            *mode = modes[i].mode;
            return 0;
        }
    }
    return -1;
}

const char *ua_sec_mode_name(int mode)
{
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (modes[i].mode == mode)
            return modes[i].name;
    }
    return "off";
}

static void lib_log(int level, const char *msg, void *ud)
{
    (void)ud;
    if (level <= MIKEY_LOG_WARN || G.cfg.verbose)
        fprintf(stderr, "mikey-ua: mikey: %s\n", msg);
}

/* The first subjectAltName URI of the first certificate in a PEM buffer. */
static int cert_san_uri(const uint8_t *pem, size_t len, char *out, size_t cap)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    GENERAL_NAMES *gens = x ? X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL) : NULL;
    int rc = -1;

    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && rc; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_URI) {
            const ASN1_IA5STRING *u = g->d.uniformResourceIdentifier;
            int n = ASN1_STRING_length(u);
            if (n > 0 && (size_t)n < cap) {
                memcpy(out, ASN1_STRING_get0_data(u), (size_t)n);
                out[n] = '\0';
                rc = 0;
            }
        }
    }
    GENERAL_NAMES_free(gens);
    X509_free(x);
    BIO_free(b);
    return rc;
}

static int read_file(const char *path, const char *what, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    char e[256];

    if (mkt_read_input(path, FILE_MAX, buf, len, e, sizeof(e))) {
        snprintf(err, errlen, "%s: %s", what, e);
        return -1;
    }
    return 0;
}

static int add_psk_hex(const char *peer, const char *hex, size_t n, const char *where, char *err, size_t errlen)
{
    uint8_t key[256];
    size_t klen = 0;
    char e[128];
    int rc;

    if (mkt_ct_hex_decode(hex, n, key, sizeof(key), &klen, e, sizeof(e)) || klen < 16) {
        snprintf(err, errlen, "%s: %s", where, klen < 16 && !e[0] ? "a PSK needs at least 16 bytes (32 hex digits)" : e);
        mkt_wipe(key, sizeof(key));
        return -1;
    }
    rc = mikey_creds_add_psk(G.creds, peer, key, klen);
    mkt_wipe(key, sizeof(key));
    if (rc) {
        snprintf(err, errlen, "%s: %s", where, mikey_strerror(rc));
        return -1;
    }
    return 0;
}

/* A PSK file: blank lines and '#' comments; a line with one word is the
 * key for any peer (what `mikey keygen psk` writes), "URI HEX" a key for
 * that peer identity. */
static int load_psk_file(const char *path, char *err, size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = 0;
    unsigned lineno = 0;

    if (read_file(path, "--psk-file", &buf, &len, err, errlen))
        return -1;
    for (char *line = (char *)buf; line && *line && !rc;) {
        char *nl = strchr(line, '\n'), *p = line, *e, *sp;
        char where[300];
        if (nl)
            *nl = '\0';
        lineno++;
        snprintf(where, sizeof(where), "%s:%u", path, lineno);
        while (isspace((unsigned char)*p))
            p++;
        e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (*p && *p != '#') {
            sp = strpbrk(p, " \t");
            if (sp) {
                *sp++ = '\0';
                while (isspace((unsigned char)*sp))
                    sp++;
                rc = add_psk_hex(p, sp, strlen(sp), where, err, errlen);
            } else {
                rc = add_psk_hex(NULL, p, strlen(p), where, err, errlen);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    mkt_free_secret(buf, len);
    return rc ? -1 : 0;
}

static const char *suite_names[] = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80",
                                    "AES_F8_128_HMAC_SHA1_80", "AEAD_AES_128_GCM",        "AEAD_AES_256_GCM",
                                    "NULL_HMAC_SHA1_80"};

static int setup_policy(const ua_sec_cfg *cfg, char *err, size_t errlen)
{
    int rc;

    /* SRTP suites: the first is offered, all are accepted (RFC 3830
     * §6.10.1; the responder's rule is in docs/session.md). */
    {
        char list[512];
        char *save = NULL;
        snprintf(list, sizeof(list), "%s", cfg->srtp_suite ? cfg->srtp_suite : "AES_CM_128_HMAC_SHA1_80");
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            mikey_srtp_params p;
            while (*t == ' ')
                t++;
            if (mikey_srtp_params_suite(&p, t) != MIKEY_OK) {
                snprintf(err, errlen, "--srtp-suite: unknown suite \"%s\" (one of:", t);
                for (size_t i = 0; i < sizeof(suite_names) / sizeof(suite_names[0]); i++) {
                    size_t n = strlen(err);
                    snprintf(err + n, errlen - n, " %s", suite_names[i]);
                }
                size_t n = strlen(err);
                snprintf(err + n, errlen - n, ")");
                return -1;
            }
            if (G.nsuites == sizeof(G.suites) / sizeof(G.suites[0]) || (rc = mikey_policy_add_srtp(G.policy, &p))) {
                snprintf(err, errlen, "--srtp-suite: too many suites");
                return -1;
            }
            snprintf(G.suites[G.nsuites++], sizeof(G.suites[0]), "%s", t);
        }
    }
    if (cfg->accept_modes) {
        char list[256];
        char *save = NULL;
        unsigned mask = 0;
        snprintf(list, sizeof(list), "%s", cfg->accept_modes);
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int m;
            while (*t == ' ')
                t++;
            if (ua_sec_mode_parse(t, &m)) {
                snprintf(err, errlen, "--accept-modes: unknown mode \"%s\" (psk, pke, dh, dhhmac, rsar, null)", t);
                return -1;
            }
            mask |= MIKEY_MODE_BIT((unsigned)m);
        }
        if ((rc = mikey_policy_set_modes(G.policy, mask))) {
            snprintf(err, errlen, "--accept-modes: %s", mikey_strerror(rc));
            return -1;
        }
    }
    /* RFC 3830 §6.4: DH-Group 0 = OAKLEY 5, 1 = OAKLEY 1, 2 = OAKLEY 2. */
    switch (cfg->dh_group) {
    case 0:
    case 5: G.dh_group = MIKEY_DH_OAKLEY5; break;
    case 1: G.dh_group = MIKEY_DH_OAKLEY1; break;
    case 2: G.dh_group = MIKEY_DH_OAKLEY2; break;
    default: snprintf(err, errlen, "--dh-group must be 5, 1 or 2 (OAKLEY groups)"); return -1;
    }
    if ((rc = mikey_policy_set_dh(G.policy, G.dh_group, 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 |
                                                            1u << MIKEY_DH_OAKLEY2)) ||
        (rc = mikey_policy_set_replay(G.policy, REPLAY_SKEW, REPLAY_CACHE))) {
        snprintf(err, errlen, "policy: %s", mikey_strerror(rc));
        return -1;
    }
    return 0;
}

static int setup_creds(const ua_sec_cfg *cfg, char *err, size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = 0;

    if (cfg->psk_hex && add_psk_hex(NULL, cfg->psk_hex, strlen(cfg->psk_hex), "--psk", err, errlen))
        return -1;
    if (cfg->psk_file && load_psk_file(cfg->psk_file, err, errlen))
        return -1;
    if (cfg->key_file) {
        if (read_file(cfg->key_file, "--key", &buf, &len, err, errlen))
            return -1;
        rc = mikey_creds_set_key(G.creds, buf, len);
        mkt_free_secret(buf, len);
        if (rc) {
            snprintf(err, errlen, "--key %s: %s", cfg->key_file, mikey_strerror(rc));
            return -1;
        }
    }
    if (cfg->cert_file) {
        if (read_file(cfg->cert_file, "--cert", &buf, &len, err, errlen))
            return -1;
        rc = mikey_creds_add_cert(G.creds, buf, len);
        /* Our identity defaults to the one the certificate is bound to. */
        if (!rc && !cfg->identity)
            (void)cert_san_uri(buf, len, G.identity, sizeof(G.identity));
        free(buf);
        if (rc) {
            snprintf(err, errlen, "--cert %s: %s", cfg->cert_file, mikey_strerror(rc));
            return -1;
        }
    }
    if (cfg->ca_file) {
        if (read_file(cfg->ca_file, "--ca", &buf, &len, err, errlen))
            return -1;
        rc = mikey_creds_add_trust(G.creds, buf, len);
        free(buf);
        if (rc) {
            snprintf(err, errlen, "--ca %s: %s", cfg->ca_file, mikey_strerror(rc));
            return -1;
        }
    }
    if (cfg->peer_id)
        snprintf(G.peer_id, sizeof(G.peer_id), "%s", cfg->peer_id);
    if (cfg->peer_cert_file) {
        if (read_file(cfg->peer_cert_file, "--peer-cert", &buf, &len, err, errlen))
            return -1;
        if (!G.peer_id[0] && cert_san_uri(buf, len, G.peer_id, sizeof(G.peer_id))) {
            free(buf);
            snprintf(err, errlen, "--peer-cert %s: no subjectAltName URI; give --peer-id", cfg->peer_cert_file);
            return -1;
        }
        rc = mikey_creds_add_peer_cert(G.creds, G.peer_id, buf, len);
        free(buf);
        if (rc) {
            snprintf(err, errlen, "--peer-cert %s: %s", cfg->peer_cert_file, mikey_strerror(rc));
            return -1;
        }
    }
    if (cfg->identity)
        snprintf(G.identity, sizeof(G.identity), "%s", cfg->identity);
    else if (!G.identity[0] && cfg->aor)
        snprintf(G.identity, sizeof(G.identity), "%s", cfg->aor);
    if (!G.identity[0]) {
        snprintf(err, errlen, "no MIKEY identity: give --identity URI (or --aor, or a --cert with a SAN URI)");
        return -1;
    }
    if ((rc = mikey_creds_set_identity(G.creds, G.identity))) {
        snprintf(err, errlen, "--identity %s: %s", G.identity, mikey_strerror(rc));
        return -1;
    }
    return 0;
}

/* What an offer in our mode needs, checked at start-up so a call does not
 * fail half-way. */
static int check_mode_creds(const ua_sec_cfg *cfg, char *err, size_t errlen)
{
    int psk = cfg->psk_hex || cfg->psk_file, pk = cfg->key_file && cfg->cert_file;
    const char *m = ua_sec_mode_name(cfg->mode);

    switch (cfg->mode) {
    case MIKEY_MODE_PSK:
    case MIKEY_MODE_DHHMAC:
        if (!psk) {
            snprintf(err, errlen, "mode %s needs a pre-shared key (--psk-file FILE or --psk HEX)", m);
            return -1;
        }
        return 0;
    case MIKEY_MODE_PKE:
        if (!pk || !cfg->peer_cert_file) {
            snprintf(err, errlen, "mode pke needs --key and --cert (ours) and --peer-cert (the callee's)");
            return -1;
        }
        return 0;
    case MIKEY_MODE_DH:
    case MIKEY_MODE_RSAR:
        if (!pk || (!cfg->ca_file && !cfg->peer_cert_file)) {
            snprintf(err, errlen, "mode %s needs --key and --cert (ours) and --ca (to verify the callee's)", m);
            return -1;
        }
        return 0;
    case MIKEY_MODE_NULL: return 0;
    default: snprintf(err, errlen, "unknown MIKEY mode %d", cfg->mode); return -1;
    }
}

static void replay_load(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char e[256];
    int rc;

    if (!G.cfg.replay_file || !mkt_file_exists(G.cfg.replay_file))
        return;
    if (mkt_read_input(G.cfg.replay_file, 64u << 20, &buf, &len, e, sizeof(e))) {
        fprintf(stderr, "mikey-ua: replay cache: %s (starting empty)\n", e);
        return;
    }
    rc = mikey_replay_load(G.replay, buf, len);
    free(buf);
    if (rc)
        fprintf(stderr, "mikey-ua: replay cache %s: %s (starting empty)\n", G.cfg.replay_file, mikey_strerror(rc));
}

int ua_sec_global_init(const ua_sec_cfg *cfg, char *err, size_t errlen)
{
    int rc;

    memset(&G, 0, sizeof(G));
    G.cfg = *cfg;
    G.inited = 1;
    if (cfg->policy == UA_SEC_OFF)
        return 0;
    if (cfg->mki_len > 4) {
        snprintf(err, errlen, "--mki-len must be 0..4");
        return -1;
    }
    mikey_env_default(&G.env);
    G.env.log = lib_log;
    if ((rc = mikey_creds_new(&G.env, &G.creds)) || (rc = mikey_policy_new(&G.env, &G.policy)) ||
        (rc = mikey_replay_new(&G.env, REPLAY_SKEW, REPLAY_CACHE, &G.replay))) {
        snprintf(err, errlen, "MIKEY set-up: %s", mikey_strerror(rc));
        return -1;
    }
    if (setup_policy(cfg, err, errlen) || setup_creds(cfg, err, errlen))
        return -1;
    replay_load();
    /* The seed paper's optimisation: the DH key pair exists before the
     * call, so neither delay pays for generating it. */
    if (cfg->precompute_dh && (rc = mikey_policy_precompute_dh(G.policy, G.dh_group))) {
        snprintf(err, errlen, "precomputing a DH key pair: %s", mikey_strerror(rc));
        return -1;
    }
    return 0;
}

int ua_sec_check_caller(char *err, size_t errlen)
{
    if (!G.inited || G.cfg.policy == UA_SEC_OFF)
        return 0;
    return check_mode_creds(&G.cfg, err, errlen);
}

void ua_sec_refill(void)
{
    if (G.policy && G.cfg.precompute_dh && G.dh_used) {
        G.dh_used = 0;
        (void)mikey_policy_precompute_dh(G.policy, G.dh_group);
    }
}

int ua_sec_global_save(char *err, size_t errlen)
{
    uint8_t *buf;
    size_t need = 0;
    int rc;

    if (!G.replay || !G.cfg.replay_file)
        return 0;
    rc = mikey_replay_save(G.replay, NULL, 0, &need);
    if (rc != MIKEY_ERR_NOBUF && rc != MIKEY_OK) {
        snprintf(err, errlen, "replay cache: %s", mikey_strerror(rc));
        return -1;
    }
    buf = malloc(need ? need : 1);
    if (!buf || mikey_replay_save(G.replay, buf, need, &need) != MIKEY_OK) {
        free(buf);
        snprintf(err, errlen, "replay cache: cannot serialise");
        return -1;
    }
    rc = mkt_write_file(G.cfg.replay_file, buf, need, 1, err, errlen);
    free(buf);
    return rc ? -1 : 0;
}

void ua_sec_global_free(void)
{
    mikey_replay_free(G.replay);
    mikey_policy_free(G.policy);
    mikey_creds_free(G.creds);
    memset(&G, 0, sizeof(G));
}

/* ---------------------------------------------------------------------- */
/* Per call                                                                */
/* ---------------------------------------------------------------------- */

int ua_sec_new(ua_sec **out, const ua_sec_cfg *cfg, const char *peer_uri, char *err, size_t errlen)
{
    ua_sec *s = calloc(1, sizeof(*s));
    int rc;

    *out = NULL;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->cfg = *cfg;
    s->err_code = -1;
    snprintf(s->peer_uri, sizeof(s->peer_uri), "%s", peer_uri ? peer_uri : "");
    if (cfg->policy != UA_SEC_OFF) {
        if (!G.policy) {
            free(s);
            snprintf(err, errlen, "security not initialised");
            return -1;
        }
        if ((rc = mikey_ctx_new(&G.env, G.creds, G.policy, &s->ctx)) ||
            (rc = mikey_ctx_set_replay(s->ctx, G.replay))) {
            mikey_ctx_free(s->ctx);
            free(s);
            snprintf(err, errlen, "MIKEY context: %s", mikey_strerror(rc));
            return -1;
        }
    }
    *out = s;
    return 0;
}

void ua_sec_free(ua_sec *s)
{
    if (!s)
        return;
    mikey_srtp_free(s->ss); /* wipes the keys */
    mikey_ctx_free(s->ctx);
    mkt_wipe(s, sizeof(*s)); /* the update state holds a TGK and key copies */
    free(s);
}

void ua_sec_set_local_ssrc(ua_sec *s, uint32_t ssrc)
{
    s->local_ssrc = ssrc;
}

uint32_t ua_sec_local_ssrc(const ua_sec *s)
{
    return s->srtp ? s->st.ssrc_out : 0;
}

static int is_secure_proto(const char *p)
{
    return !strcmp(p, "RTP/SAVP") || !strcmp(p, "RTP/SAVPF");
}

static void set_error(ua_sec *s, int code, const char *from, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void set_error(ua_sec *s, int code, const char *from, const char *fmt, ...)
{
    va_list ap;

    s->err_code = code;
    s->err_from = from;
    va_start(ap, fmt);
    vsnprintf(s->err_text, sizeof(s->err_text), fmt, ap);
    va_end(ap);
}

/* Name of the suite a policy amounts to. */
static const char *policy_suite(const mikey_srtp_policy *p)
{
    int hmac = p->auth == MIKEY_SRTP_AUTH_HMAC_SHA1 && p->rtp_auth && p->auth_key_len == 20;
    int t80 = hmac && p->rtp_tag_len == 10 && p->rtcp_tag_len == 10;

    if (!p->rtp_encrypt || !p->rtcp_encrypt || p->kdr)
        return "other";
    switch (p->cipher) {
    case MIKEY_SRTP_CIPHER_AES_CM_128:
        if (t80)
            return "AES_CM_128_HMAC_SHA1_80";
        if (hmac && p->rtp_tag_len == 4)
            return "AES_CM_128_HMAC_SHA1_32";
        break;
    case MIKEY_SRTP_CIPHER_AES_CM_256:
        if (t80)
            return "AES_256_CM_HMAC_SHA1_80";
        break;
    case MIKEY_SRTP_CIPHER_AES_F8_128:
        if (t80)
            return "AES_F8_128_HMAC_SHA1_80";
        break;
    case MIKEY_SRTP_CIPHER_NULL:
        if (t80)
            return "NULL_HMAC_SHA1_80";
        break;
    case MIKEY_SRTP_CIPHER_AES_GCM_128:
        if (p->rtp_tag_len == 16)
            return "AEAD_AES_128_GCM";
        break;
    case MIKEY_SRTP_CIPHER_AES_GCM_256:
        if (p->rtp_tag_len == 16)
            return "AEAD_AES_256_GCM";
        break;
    default: break;
    }
    return "other";
}

/*
 * Key the SRTP session from the established MIKEY context. CS layout
 * (security.h): CS 1 = the caller's stream, CS 2 = the callee's; a single
 * crypto session (a foreign initiator) keys both directions, the stream
 * whose SSRC it does not name becoming an any-SSRC template.
 *
 * Only for the call set-up: the keys of an update exchange on the same
 * context (re-INVITE) go to the running streams in security_update.c
 * (update_install(), mikey_srtp_add_key()).
 */
static int install_srtp(ua_sec *s, char *err, size_t errlen)
{
    uint64_t t0 = ua_now_us();
    size_t n = mikey_ctx_cs_count(s->ctx), cs[2];
    int rc;

    if (s->ss) {
        snprintf(err, errlen, "SRTP rekeying is not implemented");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "the MIKEY exchange keyed no crypto session");
        return -1;
    }
    cs[MIKEY_SRTP_OUTBOUND] = n == 1 ? 0 : s->callee ? 1 : 0;
    cs[MIKEY_SRTP_INBOUND] = n == 1 ? 0 : s->callee ? 0 : 1;
    if ((rc = mikey_srtp_new(&G.env, NULL, &s->ss))) {
        snprintf(err, errlen, "SRTP: %s", mikey_strerror(rc));
        return -1;
    }
    for (int dir = 0; dir < 2; dir++) {
        mikey_cs_keys k;
        mikey_srtp_policy pol;
        mikey_srtp_key key;
        mikey_srtp_stream_params p;
        if ((rc = mikey_ctx_cs_keys(s->ctx, cs[dir], &k))) {
            snprintf(err, errlen, "MIKEY keys of CS %zu: %s", cs[dir] + 1, mikey_strerror(rc));
            return -1;
        }
        if (n == 1) {
            /* One CS names one SSRC: the initiator's own stream. */
            int mine = !s->callee;
            if ((dir == MIKEY_SRTP_OUTBOUND) != mine)
                k.ssrc = 0;
        }
        rc = mikey_srtp_stream_from_cs(&k, dir, &pol, &key, &p);
        if (!rc)
            rc = mikey_srtp_add_stream(s->ss, &p);
        if (!rc)
            ua_sec_int_keys_installed(s, dir, &k, &pol);
        mkt_wipe(&k, sizeof(k));
        mkt_wipe(&key, sizeof(key));
        if (rc) {
            snprintf(err, errlen, "SRTP %s stream from MIKEY CS %zu: %s [%s]", dir ? "inbound" : "outbound", cs[dir] + 1,
                     mikey_strerror(rc), mikey_err_name(rc));
            return -1;
        }
        if (dir == MIKEY_SRTP_OUTBOUND) {
            s->st.ssrc_out = p.ssrc;
            s->st.mki_len = pol.mki_len;
            snprintf(s->suite, sizeof(s->suite), "%s", policy_suite(&pol));
        } else {
            s->st.ssrc_in = p.ssrc;
        }
    }
    /* A caller keeps its SSRC (it named it in CS 1); a callee sends with
     * the one it filled into the placeholder. */
    if (!s->callee && s->st.ssrc_out && s->local_ssrc && s->st.ssrc_out != s->local_ssrc) {
        snprintf(err, errlen, "the MIKEY response changed our SSRC (%08x -> %08x)", s->local_ssrc, s->st.ssrc_out);
        return -1;
    }
    s->times.srtp_us = ua_now_us() - t0;
    return 0;
}

/* "sip:bob@b.test:5070;transport=tcp" -> "sip:bob@b.test". */
static int target_aor(const char *uri, char *out, size_t cap)
{
    const char *at = strchr(uri, '@'), *h, *end;
    size_t n;

    if (strncmp(uri, "sip:", 4) && strncmp(uri, "sips:", 5))
        return -1;
    h = at ? at + 1 : strchr(uri, ':') + 1;
    if (*h == '[') {
        end = strchr(h, ']');
        if (!end)
            return -1;
        end++;
    } else {
        end = h + strcspn(h, ":;?>");
    }
    n = (size_t)(end - uri);
    if (n >= cap)
        return -1;
    memcpy(out, uri, n);
    out[n] = '\0';
    return 0;
}

/* Run a MIKEY step into a fresh buffer. */
static uint8_t *msgbuf(void)
{
    return malloc(MSG_CAP);
}

int ua_sec_offer(ua_sec *s, ua_sdp *sdp, char *err, size_t errlen)
{
    uint64_t t0 = ua_now_us();
    uint8_t *msg;
    size_t len = 0;
    char ids[64];
    size_t idl = 0;
    static const char *const idv[] = {"mikey"};
    mikey_stream_desc st[2];
    mikey_offer_opts o;
    int rc;

    s->callee = 0;
    if (sdp->nstreams != 1) {
        snprintf(err, errlen, "the offer template must have one stream");
        return -1;
    }
    if (s->cfg.policy == UA_SEC_OFF) {
        snprintf(sdp->streams[0].proto, sizeof(sdp->streams[0].proto), "RTP/AVP");
        s->times.offer_us = ua_now_us() - t0;
        return 0;
    }
    /* RFC 4567 §4.1.4: even a single key management protocol authenticates
     * its own identifier: the list goes into the message (General Ext SDP
     * IDs, RFC 3830 §6.15), inside the MAC/signature. */
    if ((rc = mikey_sdp_ids_build(idv, 1, ids, sizeof(ids), &idl))) {
        snprintf(err, errlen, "SDP IDs: %s", mikey_strerror(rc));
        return -1;
    }
    memset(st, 0, sizeof(st));
    st[0].ssrc = s->local_ssrc; /* CS 1: our RTP */
    st[1].ssrc = 0;             /* CS 2: the callee's, filled in by it (RFC 3830 §6.1.1) */
    memset(&o, 0, sizeof(o));
    o.mode = (unsigned)s->cfg.mode;
    /* The responder's identity binds the exchange (IDr, certificate or
     * PSK). Without --peer-id / --peer-cert, any authenticated responder is
     * accepted, except in DH-HMAC whose I_MESSAGE must name it (RFC 4650
     * §3.2): then it is the AOR we call (the target without port and
     * parameters). */
    if (G.peer_id[0])
        o.peer_id = G.peer_id;
    else if (s->cfg.mode == MIKEY_MODE_DHHMAC && target_aor(s->peer_uri, s->peer_id, sizeof(s->peer_id)) == 0)
        o.peer_id = s->peer_id;
    o.streams = st;
    o.nstreams = 2;
    o.want_verification = 1; /* PSK/PKE: an R_MESSAGE in the 200 confirms the keys */
    o.sdp_ids = ids;
    o.mki_len = s->cfg.mki_len;
    if (ua_sec_int_own_tgk(s, &o)) {
        snprintf(err, errlen, "no random TGK");
        return -1;
    }
    if (!(msg = msgbuf())) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = mikey_offer(s->ctx, &o, msg, MSG_CAP, &len);
    if (rc) {
        snprintf(err, errlen, "MIKEY %s offer: %s [%s]%s", ua_sec_mode_name(s->cfg.mode), mikey_strerror(rc),
                 mikey_err_name(rc), rc == MIKEY_ERR_NOT_FOUND ? " (a credential for the peer is missing)" : "");
        free(msg);
        return -1;
    }
    s->offered = 1;
    if (s->cfg.mode == MIKEY_MODE_DH || s->cfg.mode == MIKEY_MODE_DHHMAC)
        G.dh_used = 1;
    snprintf(sdp->streams[0].proto, sizeof(sdp->streams[0].proto), "RTP/SAVP");
    if (s->cfg.policy == UA_SEC_PREFERRED) {
        /* The fallback: the same stream as plain RTP/AVP (RFC 3264 §5;
         * the answerer accepts one of the two). Same port: we receive on
         * one socket pair whichever is chosen. */
        sdp->streams[1] = sdp->streams[0];
        sdp->streams[1].km = NULL;
        sdp->streams[1].km_len = 0;
        sdp->streams[1].km_owned = NULL;
        snprintf(sdp->streams[1].proto, sizeof(sdp->streams[1].proto), "RTP/AVP");
        sdp->nstreams = 2;
    }
    /* Session level by default: it keys the one RTP/SAVP stream (RFC 4567
     * §3.1; an RTP/AVP stream is never keyed), and tshark decodes MIKEY
     * only there (docs/mikey-ua.md). */
    rc = s->cfg.km_media_level ? ua_sdp_set_km(sdp, 0, msg, len) : ua_sdp_set_session_km(sdp, msg, len);
    free(msg);
    if (rc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->times.offer_us = ua_now_us() - t0;
    return 0;
}

/* RFC 3261 §21.6.4 vs §21.4.26: 606 when our security policy can never
 * accept what the message asks for (mode, algorithms, SRTP policy), so no
 * other device of ours would either; 488 for everything else (a bad MAC or
 * signature, a replay, an unknown peer: RFC 4567 §4.1.1's "SHOULD return
 * 488"). */
static int never_acceptable(int rc)
{
    return rc == MIKEY_ERR_POLICY || rc == MIKEY_ERR_UNSUPPORTED_MODE || rc == MIKEY_ERR_ALGORITHM ||
           rc == MIKEY_ERR_NEGOTIATION;
}

/* The Error message's number (what we actually sent). */
static int error_no(const uint8_t *msg, size_t len)
{
    mikey_msg *m = NULL;
    const mikey_payload *p;
    int no = -1;

    if (mikey_msg_parse(&G.env, msg, len, NULL, &m, NULL) == MIKEY_OK && (p = mikey_msg_find(m, MIKEY_PT_ERR, 0)))
        no = p->u.err.error_no;
    mikey_msg_free(m);
    return no;
}

/* The refusal body: an answer with every stream refused and the MIKEY
 * Error message at session level (RFC 4567 §4.1.1: "Further details about
 * the cause of failure MAY be described in an included message"). */
static void reject_body(const ua_sdp *offer, const ua_sdp *answer, const uint8_t *emsg, size_t elen, ua_sec_reject *rej)
{
    ua_sdp tmp;
    char e[128];

    memset(&tmp, 0, sizeof(tmp));
    tmp.sess_id = answer->sess_id;
    tmp.sess_ver = answer->sess_ver;
    snprintf(tmp.addr, sizeof(tmp.addr), "%s", answer->addr);
    tmp.nstreams = offer->nstreams;
    for (size_t i = 0; i < offer->nstreams; i++)
        snprintf(tmp.streams[i].proto, sizeof(tmp.streams[i].proto), "%s", offer->streams[i].proto);
    if (ua_sdp_set_session_km(&tmp, emsg, elen) == 0)
        rej->body = ua_sdp_answer_text(offer, &tmp, &rej->body_len, e, sizeof(e));
    ua_sdp_clear(&tmp);
}

static void reject(ua_sec_reject *rej, uint16_t scode, const char *warning)
{
    size_t n = strlen(warning);

    rej->scode = scode;
    snprintf(rej->reason, sizeof(rej->reason), "%s", scode == 606 ? "Not Acceptable" : "Not Acceptable Here");
    if (n >= sizeof(rej->warning))
        n = sizeof(rej->warning) - 1; /* a Warning text is a summary */
    memcpy(rej->warning, warning, n);
    rej->warning[n] = '\0';
}

int ua_sec_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t *stream, ua_sec_reject *rej)
{
    uint64_t t0 = ua_now_us();
    int idx_s = -1, idx_p = -1, idx_sdes = -1;
    uint8_t *out;
    size_t olen = 0;
    char e[256];
    int rc;

    memset(rej, 0, sizeof(*rej));
    s->callee = 1;
    for (size_t i = 0; i < offer->nstreams; i++) {
        const ua_sdp_stream *m = &offer->streams[i];
        if (m->port == 0)
            continue;
        if (is_secure_proto(m->proto) && m->km_len && idx_s < 0)
            idx_s = (int)i;
        else if (is_secure_proto(m->proto) && !m->km_len && idx_sdes < 0)
            idx_sdes = (int)i;
        else if (!strcmp(m->proto, "RTP/AVP") && idx_p < 0)
            idx_p = (int)i;
    }
    /* Under `off` RTP/SAVP streams are refused with port 0 (RFC 3264 §6);
     * an offer with no RTP/AVP stream (a `required` caller) cannot be
     * served: 488 (RFC 3261 §21.4.26). */
    if (s->cfg.policy == UA_SEC_OFF || idx_s < 0) {
        if (s->cfg.policy != UA_SEC_REQUIRED && idx_p >= 0) {
            *stream = (size_t)idx_p;
            s->srtp = 0;
            s->times.answer_us = ua_now_us() - t0;
            return 0;
        }
        if (s->cfg.policy == UA_SEC_REQUIRED) {
            reject(rej, 488, idx_sdes >= 0 ? "SRTP keyed by MIKEY required; SDES (a=crypto) is not accepted"
                                           : "SRTP keyed by MIKEY (RFC 4567 a=key-mgmt) required");
            set_error(s, -1, NULL, "refused: the offer has no MIKEY-keyed RTP/SAVP stream and our policy is required");
        } else {
            reject(rej, 488, "no RTP/AVP stream we can accept");
            set_error(s, -1, NULL, "refused: no stream acceptable under policy %s", ua_sec_policy_name(s->cfg.policy));
        }
        s->times.answer_us = ua_now_us() - t0;
        return -1;
    }

    /* The secured stream: its I_MESSAGE in, the R_MESSAGE out. */
    const ua_sdp_stream *m = &offer->streams[idx_s];
    ua_sec_int_join(s, m->km, m->km_len); /* session mobility: a transferred CSB */
    if (!(out = msgbuf())) {
        reject(rej, 488, "out of memory");
        return -1;
    }
    rc = mikey_answer(s->ctx, m->km, m->km_len, out, MSG_CAP, &olen);
    if (rc) {
        int no = olen ? error_no(out, olen) : -1;
        uint16_t sc = never_acceptable(rc) ? 606 : 488;
        snprintf(e, sizeof(e), "MIKEY: %s (%s)", mikey_strerror(rc),
                 no >= 0 ? mikey_rfc_error_name((unsigned)no) : "no Error message");
        reject(rej, sc, e);
        if (olen)
            reject_body(offer, answer, out, olen, rej);
        set_error(s, olen ? no : -1, olen ? "us" : NULL, "the MIKEY offer was refused: %s [%s]%s%s%s",
                  mikey_strerror(rc), mikey_err_name(rc), olen ? "; Error " : "",
                  olen && no >= 0 ? mikey_rfc_error_name((unsigned)no) : "", olen ? " sent" : "");
        free(out);
        s->times.answer_us = ua_now_us() - t0;
        return -1;
    }
    /* Bidding-down protection (RFC 4567 §4.1.4, §7): the authenticated list
     * must name exactly the protocols of the a=key-mgmt attributes we saw
     * at that level. The MAC/signature verified, so the list is genuine. */
    {
        mikey_msg *im = NULL;
        int verdict = -1;
        rc = mikey_msg_parse(&G.env, m->km, m->km_len, NULL, &im, NULL);
        if (!rc)
            rc = mikey_sdp_ids_check_sdp(im, offer->parsed, m->km_scope, 0, &verdict);
        mikey_msg_free(im);
        s->sdp_ids = verdict >= 0 ? mikey_sdp_ids_verdict_name(verdict) : NULL;
        if (rc) {
            snprintf(e, sizeof(e), "MIKEY: key management protocol list does not match the SDP (%s)",
                     s->sdp_ids ? s->sdp_ids : mikey_strerror(rc));
            reject(rej, 488, e);
            set_error(s, -1, NULL, "bidding-down check failed (RFC 4567 §7): %s", s->sdp_ids ? s->sdp_ids : "?");
            free(out);
            s->times.answer_us = ua_now_us() - t0;
            return -1;
        }
    }
    s->mode = mikey_ctx_mode(s->ctx);
    if (s->mode == MIKEY_MODE_DH || s->mode == MIKEY_MODE_DHHMAC)
        G.dh_used = 1;
    /* The R_MESSAGE at the level the offer used (RFC 4567 §3.1). */
    rc = 0;
    if (olen)
        rc = m->km_scope == (int)idx_s ? ua_sdp_set_km(answer, (size_t)idx_s, out, olen)
                                       : ua_sdp_set_session_km(answer, out, olen);
    free(out);
    s->times.answer_us = ua_now_us() - t0;
    if (rc) {
        reject(rej, 488, "out of memory");
        return -1;
    }
    if (install_srtp(s, e, sizeof(e))) {
        reject(rej, 488, e);
        set_error(s, -1, NULL, "%s", e);
        return -1;
    }
    *stream = (size_t)idx_s;
    s->srtp = 1;
    return 0;
}

int ua_sec_finish(ua_sec *s, const ua_sdp *offer, const ua_sdp *answer, size_t *stream, char *err, size_t errlen)
{
    uint64_t t0 = ua_now_us();
    char e[256];
    int rc;

    if (s->cfg.policy == UA_SEC_OFF) {
        for (size_t i = 0; i < answer->nstreams && i < offer->nstreams; i++) {
            const ua_sdp_stream *m = &answer->streams[i];
            if (m->port != 0 && !strcmp(m->proto, "RTP/AVP") && !strcmp(offer->streams[i].proto, "RTP/AVP")) {
                *stream = i;
                s->srtp = 0;
                s->times.finish_us = ua_now_us() - t0;
                return 0;
            }
        }
        snprintf(err, errlen, "the answer accepts no stream we offered");
        s->times.finish_us = ua_now_us() - t0;
        return -1;
    }
    if (answer->nstreams != offer->nstreams) {
        /* RFC 3264 §6: one m= line per offered one. */
        snprintf(err, errlen, "the answer has %zu streams, we offered %zu", answer->nstreams, offer->nstreams);
        goto fail;
    }
    if (answer->streams[0].port != 0) {
        const ua_sdp_stream *a = &answer->streams[0];
        if (strcmp(a->proto, offer->streams[0].proto)) {
            snprintf(err, errlen, "the answer changed the protocol of the SRTP stream to %s", a->proto);
            goto fail;
        }
        if (!a->km_len) {
            /* A peer that does not do MIKEY but accepted RTP/SAVP (SDES?):
             * no keys, so the call ends (ACK then BYE). */
            snprintf(err, errlen, "the callee accepted the RTP/SAVP stream without a MIKEY response (no "
                                  "a=key-mgmt:mikey in the answer)");
            set_error(s, -1, NULL, "%s", err);
            goto fail;
        }
        rc = mikey_finish(s->ctx, a->km, a->km_len);
        if (rc == MIKEY_ERR_PEER_ERROR) {
            int no = mikey_ctx_peer_error(s->ctx);
            snprintf(err, errlen, "the callee answered with a MIKEY Error: %s (%d)",
                     mikey_rfc_error_name((unsigned)no), no);
            set_error(s, no, "peer", "%s", err);
            goto fail;
        }
        if (rc) {
            snprintf(err, errlen, "the MIKEY response was refused: %s [%s]", mikey_strerror(rc), mikey_err_name(rc));
            set_error(s, -1, NULL, "%s", err);
            goto fail;
        }
        {
            mikey_msg *rm = NULL;
            int verdict = -1;
            rc = mikey_msg_parse(&G.env, a->km, a->km_len, NULL, &rm, NULL);
            if (!rc)
                rc = mikey_sdp_ids_check_sdp(rm, answer->parsed, a->km_scope, 0, &verdict);
            mikey_msg_free(rm);
            s->sdp_ids = verdict >= 0 ? mikey_sdp_ids_verdict_name(verdict) : NULL;
            if (rc) {
                snprintf(err, errlen, "bidding-down check of the answer failed (RFC 4567 §7): %s",
                         s->sdp_ids ? s->sdp_ids : mikey_strerror(rc));
                set_error(s, -1, NULL, "%s", err);
                goto fail;
            }
        }
        s->mode = mikey_ctx_mode(s->ctx);
        s->times.finish_us = ua_now_us() - t0;
        if (install_srtp(s, e, sizeof(e))) {
            snprintf(err, errlen, "%s", e);
            set_error(s, -1, NULL, "%s", err);
            return -1;
        }
        *stream = 0;
        s->srtp = 1;
        return 0;
    }
    if (s->cfg.policy == UA_SEC_PREFERRED && answer->nstreams > 1 && answer->streams[1].port != 0 &&
        !strcmp(answer->streams[1].proto, "RTP/AVP")) {
        /* The callee took the plain fallback (it does not do MIKEY). */
        *stream = 1;
        s->srtp = 0;
        s->times.finish_us = ua_now_us() - t0;
        return 0;
    }
    snprintf(err, errlen, "the callee refused the SRTP stream%s",
             s->cfg.policy == UA_SEC_REQUIRED ? " and our policy is required" : " and the fallback");
    set_error(s, -1, NULL, "%s", err);
fail:
    s->times.finish_us = ua_now_us() - t0;
    return -1;
}

void ua_sec_peer_rejected(ua_sec *s, uint16_t scode, const uint8_t *body, size_t len)
{
    ua_sdp sd;
    char e[128];
    const uint8_t *km = NULL;
    size_t kml = 0;
    int rc;

    if (!s || !s->ctx || !s->offered || (scode != 488 && scode != 606))
        return;
    set_error(s, -1, NULL, "the callee refused the secured offer (%u) without a MIKEY Error message%s", scode,
              s->cfg.policy == UA_SEC_REQUIRED ? " (no MIKEY/SRTP there?)" : "");
    if (!body || !len || ua_sdp_parse((const char *)body, len, &sd, e, sizeof(e)))
        return;
    if (sd.km_len) {
        km = sd.km;
        kml = sd.km_len;
    }
    for (size_t i = 0; !km && i < sd.nstreams; i++) {
        if (sd.streams[i].km_len) {
            km = sd.streams[i].km;
            kml = sd.streams[i].km_len;
        }
    }
    if (km) {
        rc = mikey_finish(s->ctx, km, kml);
        if (rc == MIKEY_ERR_PEER_ERROR) {
            int no = mikey_ctx_peer_error(s->ctx);
            set_error(s, no, "peer", "the callee refused the MIKEY offer: Error %s (%d)",
                      mikey_rfc_error_name((unsigned)no), no);
        } else if (rc) {
            set_error(s, -1, NULL, "the refusal carries MIKEY data that is not an Error message: %s",
                      mikey_strerror(rc));
        }
    }
    ua_sdp_clear(&sd);
}

/* ---------------------------------------------------------------------- */
/* The media transform                                                     */
/* ---------------------------------------------------------------------- */

static void count_fail(int rc, uint64_t *auth, uint64_t *replay, uint64_t *other)
{
    if (rc == MIKEY_ERR_AUTH)
        (*auth)++;
    else if (rc == MIKEY_ERR_REPLAY)
        (*replay)++;
    else
        (*other)++;
}

static int x_protect(void *ctx, uint8_t *pkt, size_t *len, size_t cap)
{
    ua_sec *s = ctx;
    size_t n = 0;

    uint8_t mki[16];
    size_t ml;

    if (mikey_srtp_protect(s->ss, pkt, *len, pkt, cap, &n) != MIKEY_OK) {
        s->st.protect_failed++;
        return -1;
    }
    s->st.rtp_protected++;
    *len = n;
    if ((ml = ua_sec_int_mki_of(s, MIKEY_SRTP_OUTBOUND, pkt, n, mki)) > 0)
        ua_sec_int_count_key(s, MIKEY_SRTP_OUTBOUND, mki, ml);
    return 0;
}

static int x_unprotect(void *ctx, uint8_t *pkt, size_t *len)
{
    ua_sec *s = ctx;
    size_t n = 0;
    uint8_t mki[16];
    size_t ml = ua_sec_int_mki_of(s, MIKEY_SRTP_INBOUND, pkt, *len, mki);
    int rc = mikey_srtp_unprotect(s->ss, pkt, *len, pkt, *len, &n);

    if (rc != MIKEY_OK) {
        count_fail(rc, &s->st.rtp_auth_failed, &s->st.rtp_replayed, &s->st.rtp_failed);
        return -1;
    }
    s->st.rtp_authenticated++;
    *len = n;
    if (ml)
        ua_sec_int_count_key(s, MIKEY_SRTP_INBOUND, mki, ml);
    return 0;
}

static int x_protect_rtcp(void *ctx, uint8_t *pkt, size_t *len, size_t cap)
{
    ua_sec *s = ctx;
    size_t n = 0;

    if (mikey_srtp_protect_rtcp(s->ss, pkt, *len, pkt, cap, &n) != MIKEY_OK) {
        s->st.protect_failed++;
        return -1;
    }
    s->st.rtcp_protected++;
    *len = n;
    return 0;
}

static int x_unprotect_rtcp(void *ctx, uint8_t *pkt, size_t *len)
{
    ua_sec *s = ctx;
    size_t n = 0;
    int rc = mikey_srtp_unprotect_rtcp(s->ss, pkt, *len, pkt, *len, &n);

    if (rc != MIKEY_OK) {
        count_fail(rc, &s->st.rtcp_auth_failed, &s->st.rtcp_replayed, &s->st.rtcp_failed);
        return -1;
    }
    s->st.rtcp_authenticated++;
    *len = n;
    return 0;
}

int ua_sec_media_xform(ua_sec *s, ua_media_xform *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->name = "none";
    if (!s->srtp)
        return 0;
    if (!s->ss) {
        snprintf(err, errlen, "no SRTP keys");
        return -1;
    }
    out->name = "srtp";
    out->protect = x_protect;
    out->unprotect = x_unprotect;
    out->protect_rtcp = x_protect_rtcp;
    out->unprotect_rtcp = x_unprotect_rtcp;
    out->ctx = s;
    return 0;
}

const char *ua_sec_result_name(const ua_sec *s)
{
    return s && s->srtp ? ua_sec_mode_name(s->mode) : "off";
}

int ua_sec_is_srtp(const ua_sec *s)
{
    return s ? s->srtp : 0;
}

void ua_sec_times_get(const ua_sec *s, ua_sec_times *t)
{
    *t = s->times;
}

void ua_sec_info_get(const ua_sec *s, ua_sec_info *info)
{
    memset(info, 0, sizeof(*info));
    info->error_code = -1;
    if (!s)
        return;
    if (s->ctx && s->mode) {
        const char *p = mikey_ctx_peer_id(s->ctx);
        info->mode = ua_sec_mode_name(s->mode);
        info->csb_id = mikey_ctx_csb_id(s->ctx);
        info->peer_id = p;
        info->ncs = mikey_ctx_cs_count(s->ctx);
    }
    info->sdp_ids = s->sdp_ids;
    info->error_code = s->err_code;
    info->error_from = s->err_from;
    info->error = s->err_text[0] ? s->err_text : NULL;
    if (s->ss) {
        info->have_srtp = 1;
        info->srtp = s->st;
        info->srtp.suite = s->suite;
    }
    info->upd = s->upd.st;
}

void ua_sec_reject_clear(ua_sec_reject *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------------- */
/* For security_update.c (security_int.h)                                  */
/* ---------------------------------------------------------------------- */

const mikey_env *ua_sec_int_env(void)
{
    return &G.env;
}

const mikey_creds *ua_sec_int_creds(void)
{
    return G.creds;
}

const mikey_policy *ua_sec_int_policy(void)
{
    return G.policy;
}

mikey_replay *ua_sec_int_replay(void)
{
    return G.replay;
}

void ua_sec_int_set_error(ua_sec *s, int code, const char *from, const char *text)
{
    set_error(s, code, from, "%s", text);
}

void ua_sec_int_reject(ua_sec_reject *rej, uint16_t scode, const char *warning)
{
    reject(rej, scode, warning);
}

void ua_sec_int_reject_body(const ua_sdp *offer, const ua_sdp *answer, const uint8_t *emsg, size_t elen,
                            ua_sec_reject *rej)
{
    reject_body(offer, answer, emsg, elen, rej);
}

int ua_sec_int_error_no(const uint8_t *msg, size_t len)
{
    return error_no(msg, len);
}

int ua_sec_int_never_acceptable(int rc)
{
    return never_acceptable(rc);
}

int ua_sec_int_is_secure_proto(const char *proto)
{
    return is_secure_proto(proto);
}
