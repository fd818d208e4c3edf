/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Negotiation of the key-agreement method and the SRTP crypto suite
 * (negotiate.h, docs/negotiation.md):
 *
 *  - rankings and the rule: lowest sum of the two parties' ranks, ties to
 *    the answerer's order (the seed paper's proposal, made deterministic);
 *  - capability discovery (RFC 3830 §5.1.1, §5.1.2): Error messages with
 *    the answerer's SPs and ranked methods, and the initiator's one retry;
 *  - the experimental negotiation General Extension (private-use type 241,
 *    RFC 3830 §10);
 *  - the answerer reading several offered I_MESSAGEs and answering one, the
 *    initiator building them and matching the answer;
 *  - SDP text with several session-level a=key-mgmt:mikey attributes, which
 *    the sdp.h parser and builder refuse (RFC 4567 §4.1.2 defines several
 *    attributes for different protocols only; see the docs for why the
 *    multi-offer is opt-in).
 *
 * This module sits above both src/session and src/sdp and only uses their
 * public APIs plus the session's SRTP-parameter helpers (session_int.h)
 * and its message builders. It never changes a context except by calling
 * mikey_offer / mikey_answer / mikey_finish.
 */
#include "openmikey/negotiate.h"

#include <stdio.h>

#include "session/session_int.h"

#define NEG_BUF0 8192 /* first guess for an I_MESSAGE; grown on NOBUF */

/* ---------------------------------------------------------------------- */
/* Suites                                                                  */
/* ---------------------------------------------------------------------- */

static const char *const suite_names[MIKEY_NEG_SUITE_LAST + 1] = {
    NULL,
    "AES_CM_128_HMAC_SHA1_80",
    "AES_CM_128_HMAC_SHA1_32",
    "AES_F8_128_HMAC_SHA1_80",
    "AES_256_CM_HMAC_SHA1_80",
    "AEAD_AES_128_GCM",
    "AEAD_AES_256_GCM",
    "NULL_HMAC_SHA1_80",
};

const char *mikey_neg_suite_name(unsigned suite)
{
    if (suite == 0 || suite > MIKEY_NEG_SUITE_LAST)
        return "unknown";
    return suite_names[suite];
}

int mikey_neg_suite_by_name(const char *name, size_t len)
{
    if (!name)
        return MIKEY_ERR_INVALID_ARG;
    for (unsigned s = 1; s <= MIKEY_NEG_SUITE_LAST; s++)
        if (strlen(suite_names[s]) == len && memcmp(suite_names[s], name, len) == 0)
            return (int)s;
    return MIKEY_ERR_NOT_FOUND;
}

int mikey_neg_suite_params(unsigned suite, mikey_srtp_params *out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    if (suite == 0 || suite > MIKEY_NEG_SUITE_LAST)
        return MIKEY_ERR_NOT_FOUND;
    return mikey_srtp_params_suite(out, suite_names[suite]);
}

int mikey_neg_suite_of(const mikey_srtp_params *p)
{
    if (!p)
        return MIKEY_ERR_INVALID_ARG;
    /* Compared in effect (mk_srtp_equal fills RFC 3711 / RFC 7714 defaults),
     * so an SP that leaves defaults out still names its suite. */
    for (unsigned s = 1; s <= MIKEY_NEG_SUITE_LAST; s++) {
        mikey_srtp_params q;
        if (mikey_srtp_params_suite(&q, suite_names[s]) == MIKEY_OK && mk_srtp_equal(p, &q))
            return (int)s;
    }
    return MIKEY_ERR_NOT_FOUND;
}

/* ---------------------------------------------------------------------- */
/* Preferences                                                             */
/* ---------------------------------------------------------------------- */

static int valid_mode(unsigned m) { return m >= MIKEY_MODE_PSK && m <= MIKEY_MODE_NULL; }
static int valid_suite(unsigned s) { return s >= 1 && s <= MIKEY_NEG_SUITE_LAST; }

static int list_ok(const uint8_t *v, size_t n, size_t max, int (*valid)(unsigned))
{
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!valid(v[i]))
            return 0;
        for (size_t j = 0; j < i; j++)
            if (v[j] == v[i])
                return 0;
    }
    return 1;
}

int mikey_neg_prefs_check(const mikey_neg_prefs *p)
{
    if (!p || !list_ok(p->methods, p->nmethods, MIKEY_NEG_MAX_METHODS, valid_mode) ||
        !list_ok(p->suites, p->nsuites, MIKEY_NEG_MAX_SUITES, valid_suite))
        return MIKEY_ERR_INVALID_ARG;
    return MIKEY_OK;
}

static int ieq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

int mikey_neg_method_by_name(const char *name, size_t len)
{
    static const struct {
        const char *name;
        unsigned mode;
    } names[] = {{"psk", MIKEY_MODE_PSK},        {"pke", MIKEY_MODE_PKE},       {"dh", MIKEY_MODE_DH},
                 {"dhhmac", MIKEY_MODE_DHHMAC},  {"dh-hmac", MIKEY_MODE_DHHMAC}, {"rsar", MIKEY_MODE_RSAR},
                 {"rsa-r", MIKEY_MODE_RSAR},     {"null", MIKEY_MODE_NULL},     {"mikey-null", MIKEY_MODE_NULL}};
    if (!name)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < MK_ARRAY_LEN(names); i++)
        if (ieq(name, len, names[i].name))
            return (int)names[i].mode;
    return MIKEY_ERR_NOT_FOUND;
}

/* Parse "a,b,c" with lookup(); values into v (max entries). */
static int parse_list(const char *s, int (*lookup)(const char *, size_t), uint8_t *v, size_t max, size_t *n,
                      size_t *errpos)
{
    size_t k = 0, start = 0, i = 0;
    for (;;) {
        if (s[i] == ',' || s[i] == 0) {
            size_t len = i - start;
            int x = len ? lookup(s + start, len) : MIKEY_ERR_NOT_FOUND;
            int dup = 0;
            for (size_t j = 0; x > 0 && j < k; j++)
                dup |= v[j] == (uint8_t)x;
            if (x <= 0 || dup || k == max) {
                if (errpos)
                    *errpos = start;
                return MIKEY_ERR_ENCODING;
            }
            v[k++] = (uint8_t)x;
            if (s[i] == 0)
                break;
            start = i + 1;
        }
        i++;
    }
    *n = k;
    return MIKEY_OK;
}

int mikey_neg_prefs_parse(mikey_neg_prefs *p, const char *methods, const char *suites, size_t *errpos)
{
    if (!p)
        return MIKEY_ERR_INVALID_ARG;
    mikey_neg_prefs q = *p;
    int rc;
    if (methods &&
        (rc = parse_list(methods, mikey_neg_method_by_name, q.methods, MIKEY_NEG_MAX_METHODS, &q.nmethods, errpos)))
        return rc;
    if (suites && (rc = parse_list(suites, mikey_neg_suite_by_name, q.suites, MIKEY_NEG_MAX_SUITES, &q.nsuites, errpos)))
        return rc;
    *p = q;
    return MIKEY_OK;
}

static const char *method_token(unsigned m)
{
    switch (m) {
    case MIKEY_MODE_PSK: return "PSK";
    case MIKEY_MODE_PKE: return "PKE";
    case MIKEY_MODE_DH: return "DH";
    case MIKEY_MODE_DHHMAC: return "DHHMAC";
    case MIKEY_MODE_RSAR: return "RSAR";
    case MIKEY_MODE_NULL: return "NULL";
    default: return "?";
    }
}

int mikey_neg_prefs_format(const mikey_neg_prefs *p, char *out, size_t cap, size_t *outlen)
{
    if (!p || !outlen || (!out && cap) || mikey_neg_prefs_check(p))
        return MIKEY_ERR_INVALID_ARG;
    char buf[256];
    size_t n = 0;
    for (size_t i = 0; i < p->nmethods; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", method_token(p->methods[i]));
    n += (size_t)snprintf(buf + n, sizeof buf - n, "/");
    for (size_t i = 0; i < p->nsuites; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", suite_names[p->suites[i]]);
    if (cap < n + 1) {
        *outlen = n + 1;
        return MIKEY_ERR_NOBUF;
    }
    memcpy(out, buf, n + 1);
    *outlen = n;
    return MIKEY_OK;
}

static int rank_of(const uint8_t *v, size_t n, unsigned x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return (int)i;
    return -1;
}

int mikey_neg_method_rank(const mikey_neg_prefs *p, unsigned mode)
{
    return p ? rank_of(p->methods, p->nmethods, mode) : -1;
}

int mikey_neg_suite_rank(const mikey_neg_prefs *p, unsigned suite)
{
    return p ? rank_of(p->suites, p->nsuites, suite) : -1;
}

int mikey_neg_policy_apply(mikey_policy *pol, const mikey_neg_prefs *p)
{
    if (!pol || mikey_neg_prefs_check(p))
        return MIKEY_ERR_INVALID_ARG;
    unsigned mask = 0;
    for (size_t i = 0; i < p->nmethods; i++)
        mask |= MIKEY_MODE_BIT(p->methods[i]);
    int rc = mikey_policy_set_modes(pol, mask);
    for (size_t i = 0; i < p->nsuites && rc == MIKEY_OK; i++) {
        mikey_srtp_params sp;
        if ((rc = mikey_neg_suite_params(p->suites[i], &sp)))
            break;
        /* Only the explicitly configured list counts: once one entry is
         * added, the built-in default list no longer applies. */
        int have = 0;
        for (size_t j = 0; j < pol->nsrtp && !have; j++)
            have = mk_srtp_equal(&pol->srtp[j], &sp);
        if (!have)
            rc = mikey_policy_add_srtp(pol, &sp);
    }
    return rc;
}

/* ---- per-peer store ---- */

typedef struct neg_entry {
    char *peer; /* NULL: default */
    mikey_neg_prefs prefs;
} neg_entry;

struct mikey_neg_store {
    mikey_env env;
    neg_entry *e;
    size_t n;
};

int mikey_neg_store_new(const mikey_env *env, mikey_neg_store **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_neg_store *s = mk_calloc(&e, 1, sizeof *s);
    if (!s) {
        *out = NULL;
        return MIKEY_ERR_NOMEM;
    }
    s->env = e;
    *out = s;
    return MIKEY_OK;
}

void mikey_neg_store_free(mikey_neg_store *s)
{
    if (!s)
        return;
    mikey_env env = s->env;
    for (size_t i = 0; i < s->n; i++)
        mk_free(&env, s->e[i].peer);
    mk_free(&env, s->e);
    mk_free(&env, s);
}

static neg_entry *store_find(const mikey_neg_store *s, const char *peer)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *q = s->e[i].peer;
        if ((!q && !peer) || (q && peer && strcmp(q, peer) == 0))
            return &s->e[i];
    }
    return NULL;
}

int mikey_neg_store_set(mikey_neg_store *s, const char *peer_uri, const mikey_neg_prefs *p)
{
    if (!s || mikey_neg_prefs_check(p))
        return MIKEY_ERR_INVALID_ARG;
    neg_entry *e = store_find(s, peer_uri);
    if (e) {
        e->prefs = *p;
        return MIKEY_OK;
    }
    char *peer = NULL;
    if (peer_uri && !(peer = mk_strndup(&s->env, peer_uri, strlen(peer_uri))))
        return MIKEY_ERR_NOMEM;
    neg_entry *ne = mk_realloc(&s->env, s->e, (s->n + 1) * sizeof *ne);
    if (!ne) {
        mk_free(&s->env, peer);
        return MIKEY_ERR_NOMEM;
    }
    s->e = ne;
    s->e[s->n].peer = peer;
    s->e[s->n].prefs = *p;
    s->n++;
    return MIKEY_OK;
}

const mikey_neg_prefs *mikey_neg_store_get(const mikey_neg_store *s, const char *peer_uri)
{
    if (!s)
        return NULL;
    const neg_entry *e = peer_uri ? store_find(s, peer_uri) : NULL;
    if (!e)
        e = store_find(s, NULL);
    return e ? &e->prefs : NULL;
}

/* ---------------------------------------------------------------------- */
/* The rule                                                                */
/* ---------------------------------------------------------------------- */

/* One dimension: the common value with the lowest rank sum. Walking the
 * answerer's list in order and replacing only on a strictly lower sum gives
 * ties to the answerer's better rank. */
static int choose_dim(const uint8_t *off, size_t noff, const uint8_t *ans, size_t nans, unsigned *val, int *ro,
                      int *ra)
{
    int best = -1;
    *val = 0;
    *ro = *ra = -1;
    for (size_t j = 0; j < nans; j++) {
        int i = rank_of(off, noff, ans[j]);
        if (i < 0)
            continue;
        int sum = i + (int)j;
        if (best < 0 || sum < best) {
            best = sum;
            *val = ans[j];
            *ro = i;
            *ra = (int)j;
        }
    }
    return best;
}

int mikey_neg_choose(const mikey_neg_prefs *offerer, const mikey_neg_prefs *answerer, mikey_neg_result *r)
{
    if (!r)
        return MIKEY_ERR_INVALID_ARG;
    memset(r, 0, sizeof *r);
    r->method_rank_offerer = r->method_rank_answerer = r->suite_rank_offerer = r->suite_rank_answerer = -1;
    if (mikey_neg_prefs_check(offerer) || mikey_neg_prefs_check(answerer))
        return MIKEY_ERR_INVALID_ARG;
    /* Method and suite are independent in MIKEY (the suite is an SP payload
     * that any key-agreement method carries), so minimising each sum
     * minimises the sum over pairs, and the pair tie-break by the
     * answerer's order is the per-dimension one. */
    int ms = choose_dim(offerer->methods, offerer->nmethods, answerer->methods, answerer->nmethods, &r->method,
                        &r->method_rank_offerer, &r->method_rank_answerer);
    int ss = choose_dim(offerer->suites, offerer->nsuites, answerer->suites, answerer->nsuites, &r->suite,
                        &r->suite_rank_offerer, &r->suite_rank_answerer);
    if (ms < 0)
        r->missing |= MIKEY_NEG_NO_METHOD;
    if (ss < 0)
        r->missing |= MIKEY_NEG_NO_SUITE;
    if (r->missing)
        return MIKEY_ERR_NEGOTIATION;
    r->score = (unsigned)(ms + ss);
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* The negotiation General Extension                                       */
/* ---------------------------------------------------------------------- */

int mikey_neg_cap_encode(const mikey_neg_cap *cap, uint8_t *out, size_t outcap, size_t *outlen)
{
    if (!cap || !outlen || (!out && outcap) || mikey_neg_prefs_check(&cap->prefs) || cap->count == 0 ||
        cap->index >= cap->count)
        return MIKEY_ERR_INVALID_ARG;
    size_t need = 4 + cap->prefs.nmethods + 1 + cap->prefs.nsuites;
    *outlen = need;
    if (outcap < need)
        return MIKEY_ERR_NOBUF;
    size_t k = 0;
    out[k++] = MIKEY_NEG_GENEXT_VERSION;
    out[k++] = cap->index;
    out[k++] = cap->count;
    out[k++] = (uint8_t)cap->prefs.nmethods;
    memcpy(out + k, cap->prefs.methods, cap->prefs.nmethods);
    k += cap->prefs.nmethods;
    out[k++] = (uint8_t)cap->prefs.nsuites;
    memcpy(out + k, cap->prefs.suites, cap->prefs.nsuites);
    return MIKEY_OK;
}

/* Read a length-prefixed list, keeping the known values (a newer peer may
 * rank values we do not know) and refusing repeats. */
static int cap_list(const uint8_t *d, size_t len, size_t *k, size_t max, int (*valid)(unsigned), uint8_t *v,
                    size_t *n)
{
    if (*k >= len)
        return MIKEY_ERR_ENCODING;
    size_t cnt = d[(*k)++];
    /* A count over the number of values that exist cannot be a ranking. */
    if (cnt == 0 || cnt > max || len - *k < cnt)
        return MIKEY_ERR_ENCODING;
    size_t m = 0;
    for (size_t i = 0; i < cnt; i++) {
        uint8_t x = d[*k + i];
        for (size_t j = 0; j < i; j++)
            if (d[*k + j] == x)
                return MIKEY_ERR_ENCODING;
        if (valid(x))
            v[m++] = x;
    }
    *k += cnt;
    if (m == 0)
        return MIKEY_ERR_ENCODING;
    *n = m;
    return MIKEY_OK;
}

int mikey_neg_cap_decode(const uint8_t *data, size_t len, mikey_neg_cap *out)
{
    if ((!data && len) || !out)
        return MIKEY_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    if (len < 1)
        return MIKEY_ERR_ENCODING;
    if (data[0] != MIKEY_NEG_GENEXT_VERSION)
        return MIKEY_ERR_VERSION;
    if (len < 3)
        return MIKEY_ERR_ENCODING;
    mikey_neg_cap c;
    memset(&c, 0, sizeof c);
    c.index = data[1];
    c.count = data[2];
    if (c.count == 0 || c.index >= c.count || c.count > MIKEY_NEG_MAX_OFFERS)
        return MIKEY_ERR_ENCODING;
    size_t k = 3;
    int rc;
    if ((rc = cap_list(data, len, &k, MIKEY_NEG_MAX_METHODS, valid_mode, c.prefs.methods, &c.prefs.nmethods)) ||
        (rc = cap_list(data, len, &k, MIKEY_NEG_MAX_SUITES, valid_suite, c.prefs.suites, &c.prefs.nsuites)))
        return rc;
    if (k != len)
        return MIKEY_ERR_ENCODING; /* nothing may follow: exact length */
    *out = c;
    return MIKEY_OK;
}

int mikey_neg_cap_find(const mikey_msg *msg, mikey_neg_cap *out)
{
    if (!msg || !out)
        return MIKEY_ERR_INVALID_ARG;
    const mikey_payload *found = NULL, *g;
    for (size_t i = 0; (g = mikey_msg_find(msg, MIKEY_PT_GENEXT, i)) != NULL; i++) {
        if (g->u.genext.type != MIKEY_NEG_GENEXT_TYPE)
            continue;
        if (found)
            return MIKEY_ERR_POLICY; /* two rankings: which one was meant? */
        found = g;
    }
    if (!found)
        return MIKEY_ERR_NOT_FOUND;
    return mikey_neg_cap_decode(found->u.genext.data.p, found->u.genext.data.len, out);
}

/* ---------------------------------------------------------------------- */
/* What a received offer offers                                            */
/* ---------------------------------------------------------------------- */

static unsigned method_of_dt(unsigned dt)
{
    switch (dt) {
    case MIKEY_DT_PSK_INIT: return MIKEY_MODE_PSK;
    case MIKEY_DT_PK_INIT: return MIKEY_MODE_PKE;
    case MIKEY_DT_DH_INIT: return MIKEY_MODE_DH;
    case MIKEY_DT_DHHMAC_INIT: return MIKEY_MODE_DHHMAC;
    case MIKEY_DT_RSAR_INIT: return MIKEY_MODE_RSAR;
    default: return 0;
    }
}

/* The response data type that answers an offer of method m. */
static unsigned resp_dt_of(unsigned m)
{
    switch (m) {
    case MIKEY_MODE_PSK:
    case MIKEY_MODE_NULL: return MIKEY_DT_PSK_RESP;
    case MIKEY_MODE_PKE: return MIKEY_DT_PK_RESP;
    case MIKEY_MODE_DH: return MIKEY_DT_DH_RESP;
    case MIKEY_MODE_DHHMAC: return MIKEY_DT_DHHMAC_RESP;
    case MIKEY_MODE_RSAR: return MIKEY_DT_RSAR_RESP;
    default: return 256;
    }
}

/* Suite of the SP payload with policy_no (the last one, as the session
 * layer reads it), SRTP's defaults when there is none; 0 if unrecognised. */
static unsigned suite_of_policy(const mikey_msg *m, uint8_t policy_no)
{
    const mikey_payload *sp = NULL, *x;
    for (size_t k = 0; (x = mikey_msg_find(m, MIKEY_PT_SP, k)) != NULL; k++)
        if (x->u.sp.policy_no == policy_no)
            sp = x;
    mikey_srtp_params p;
    memset(&p, 0, sizeof p);
    if (sp && (sp->u.sp.prot_type != MIKEY_PROT_SRTP || mikey_srtp_params_from_sp(&sp->u.sp, &p) != MIKEY_OK))
        return 0;
    int s = mikey_neg_suite_of(&p);
    return s > 0 ? (unsigned)s : 0;
}

static void add_suite(mikey_neg_offered *o, unsigned s, uint8_t policy_no)
{
    if (!s || rank_of(o->suites, o->nsuites, s) >= 0 || o->nsuites == MIKEY_NEG_MAX_SUITES)
        return;
    o->policy_nos[o->nsuites] = policy_no;
    o->suites[o->nsuites++] = (uint8_t)s;
}

int mikey_neg_offered_read(const mikey_msg *msg, mikey_neg_offered *out)
{
    if (!msg || !out)
        return MIKEY_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    const mikey_hdr *h = mikey_msg_hdr(msg);
    if (!h)
        return MIKEY_ERR_INVALID_ARG;
    out->data_type = h->data_type;
    out->csb_id = h->csb_id;
    out->v = h->v;
    out->method = method_of_dt(h->data_type);
    if (out->method == MIKEY_MODE_PSK) {
        const mikey_payload *k = mikey_msg_find(msg, MIKEY_PT_KEMAC, 0);
        if (k && k->u.kemac.encr_alg == MIKEY_ENCR_NULL && k->u.kemac.mac_alg == MIKEY_MAC_NULL)
            out->method = MIKEY_MODE_NULL; /* as the session layer reads it */
    }
    if (!out->method)
        return MIKEY_OK;
    /* The suites the crypto sessions use (RFC 3830 §6.1.1: the map's Policy
     * no names the SP), then SPs no crypto session uses (alternatives). An
     * Empty map (RFC 4563) gives crypto sessions with policy 0, as the
     * session layer plans them; GENERIC-ID maps carry no SRTP keys here. */
    uint8_t used[MK_MAX_CS];
    size_t nused = 0;
    if (h->map_type == MIKEY_MAP_SRTP_ID || h->map_type == MIKEY_MAP_EMPTY) {
        out->ncs = h->ncs;
        for (size_t i = 0; i < h->ncs; i++) {
            mikey_srtp_cs cs;
            memset(&cs, 0, sizeof cs);
            if (h->map_type == MIKEY_MAP_SRTP_ID && mikey_hdr_srtp_cs(h, i, &cs) != MIKEY_OK)
                return MIKEY_ERR_SYNTAX;
            unsigned s = suite_of_policy(msg, cs.policy_no);
            if (i == 0)
                out->mapped_suite = s;
            else if (s != out->mapped_suite)
                out->mapped_suite = 0;
            add_suite(out, s, cs.policy_no);
            used[nused++] = cs.policy_no;
        }
    }
    const mikey_payload *x;
    for (size_t k = 0; (x = mikey_msg_find(msg, MIKEY_PT_SP, k)) != NULL; k++) {
        if (rank_of(used, nused, x->u.sp.policy_no) >= 0)
            continue;
        add_suite(out, suite_of_policy(msg, x->u.sp.policy_no), x->u.sp.policy_no);
    }
    int rc = mikey_neg_cap_find(msg, &out->cap);
    if (rc == MIKEY_OK)
        out->has_cap = 1;
    else if (rc == MIKEY_ERR_VERSION)
        memset(&out->cap, 0, sizeof out->cap); /* a later format: ignored, as if absent */
    else if (rc != MIKEY_ERR_NOT_FOUND)
        return rc;
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Capability discovery                                                    */
/* ---------------------------------------------------------------------- */

int mikey_neg_error_build(const mikey_env *env, const mikey_msg *offer, const uint8_t *errs, size_t nerrs,
                          const mikey_neg_prefs *mine, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!outlen || (!out && cap) || (!errs && nerrs) || nerrs > 16 || mikey_neg_prefs_check(mine))
        return MIKEY_ERR_INVALID_ARG;
    *outlen = 0;
    mikey_env e;
    mk_env_init(&e, env);
    const mikey_hdr *h = offer ? mikey_msg_hdr(offer) : NULL;
    const mikey_payload *t = offer ? mikey_msg_find(offer, MIKEY_PT_T, 0) : NULL;
    mikey_msg *m = NULL;
    int rc = mikey_msg_new(&e, 0, &m);
    if (rc)
        return rc;
    mikey_span none = {NULL, 0};
    /* RFC 3830 §5.1.2: Error = HDR, T, {ERR}, {SP}; the HDR names the CSB
     * and PRF of the offending offer so the initiator can match it. */
    rc = mk_b_hdr_raw(m, MIKEY_DT_ERROR, 0, h ? h->prf : 0, h ? h->csb_id : 0, 0, MIKEY_MAP_SRTP_ID, none);
    if (rc == MIKEY_OK) {
        if (t) {
            rc = mk_b_ts(m, t->u.ts.ts_type, t->u.ts.value); /* §5.2: the Initiator's T */
        } else {
            uint64_t now = 0;
            uint8_t tv[8];
            if ((rc = mk_now(&e, &now)) == MIKEY_OK) {
                mk_put64(tv, now);
                mikey_span v = {tv, 8};
                rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, v);
            }
        }
    }
    for (size_t i = 0; i < nerrs && rc == MIKEY_OK; i++) {
        mikey_payload pl;
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_ERR;
        pl.u.err.error_no = errs[i];
        rc = mikey_msg_append(m, &pl);
    }
    /* §5.1.1: "send back its own capabilities ... by including one or more
     * security policy payloads"; in our rank order, policy no = rank. */
    for (size_t i = 0; i < mine->nsuites && rc == MIKEY_OK; i++) {
        mikey_srtp_params sp;
        if ((rc = mikey_neg_suite_params(mine->suites[i], &sp)) == MIKEY_OK)
            rc = mk_b_sp(m, (uint8_t)i, &sp);
    }
    /* Methods have no standard payload: the negotiation extension carries
     * the ranking (§6.15: a General Extension "can be used in any MIKEY
     * message"). */
    if (rc == MIKEY_OK) {
        mikey_neg_cap c;
        uint8_t data[32];
        size_t dlen = 0;
        memset(&c, 0, sizeof c);
        c.prefs = *mine;
        c.count = 1;
        if ((rc = mikey_neg_cap_encode(&c, data, sizeof data, &dlen)) == MIKEY_OK) {
            mikey_span d = {data, dlen};
            rc = mk_b_genext(m, MIKEY_NEG_GENEXT_TYPE, d);
        }
    }
    if (rc == MIKEY_OK)
        rc = mk_b_encode(m, out, cap, outlen);
    mikey_msg_free(m);
    return rc;
}

int mikey_neg_error_read(const mikey_env *env, const uint8_t *msg, size_t len, mikey_neg_peer_caps *out)
{
    if (!msg || !out)
        return MIKEY_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    mikey_env e;
    mk_env_init(&e, env);
    mikey_msg *m = NULL;
    int rc = mikey_msg_parse(&e, msg, len, NULL, &m, NULL);
    if (rc)
        return rc;
    const mikey_hdr *h = mikey_msg_hdr(m);
    if (h->data_type != MIKEY_DT_ERROR) {
        mikey_msg_free(m);
        return MIKEY_ERR_UNSUPPORTED_MODE;
    }
    mikey_neg_peer_caps c;
    memset(&c, 0, sizeof c);
    c.csb_id = h->csb_id;
    const mikey_payload *x;
    for (size_t i = 0; (x = mikey_msg_find(m, MIKEY_PT_ERR, i)) != NULL && c.nerrors < MK_ARRAY_LEN(c.errors); i++)
        c.errors[c.nerrors++] = x->u.err.error_no;
    /* Suites from the SP payloads in order (RFC 3830 §5.1.1). */
    for (size_t i = 0; (x = mikey_msg_find(m, MIKEY_PT_SP, i)) != NULL; i++) {
        mikey_srtp_params p;
        int s;
        if (x->u.sp.prot_type != MIKEY_PROT_SRTP || mikey_srtp_params_from_sp(&x->u.sp, &p) != MIKEY_OK ||
            (s = mikey_neg_suite_of(&p)) <= 0 || rank_of(c.prefs.suites, c.prefs.nsuites, (unsigned)s) >= 0 ||
            c.prefs.nsuites == MIKEY_NEG_MAX_SUITES)
            continue;
        c.prefs.suites[c.prefs.nsuites++] = (uint8_t)s;
    }
    c.have_suites = c.prefs.nsuites > 0;
    /* The ranking, when the peer sent it, overrides the SP order. A broken
     * extension is ignored: an Error is only advice (§5.1.2). */
    mikey_neg_cap cap;
    if (mikey_neg_cap_find(m, &cap) == MIKEY_OK) {
        c.prefs = cap.prefs;
        c.have_methods = 1;
        c.have_suites = 1;
    }
    mikey_msg_free(m);
    *out = c;
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Answerer                                                                */
/* ---------------------------------------------------------------------- */

typedef struct neg_in {
    mikey_msg *msg;
    mikey_neg_offered o;
    int usable;
    int parse_rc;
    int read_rc; /* mikey_neg_offered_read(): a malformed negotiation extension */
} neg_in;

static void free_ins(neg_in *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mikey_msg_free(in[i].msg);
}

static int prefs_equal(const mikey_neg_prefs *a, const mikey_neg_prefs *b)
{
    return a->nmethods == b->nmethods && a->nsuites == b->nsuites &&
           memcmp(a->methods, b->methods, a->nmethods) == 0 && memcmp(a->suites, b->suites, a->nsuites) == 0;
}

/* Checks on the authenticated answered message (RFC 4567 §7 and the
 * negotiation extension's list semantics, docs/negotiation.md). */
static int post_checks(const mikey_env *env, const mikey_neg_answer_cfg *cfg, const neg_in *in, size_t n, size_t k,
                       const mikey_neg_cap *used_cap, mikey_neg_decision *d)
{
    const neg_in *c = &in[k];
    if (cfg->sdp_list) {
        int v = -1;
        int rc = mikey_sdp_ids_check(c->msg, cfg->sdp_list, strlen(cfg->sdp_list), cfg->ids_flags, &v);
        d->ids_verdict = v;
        if (rc) {
            mk_log(env, MIKEY_LOG_WARN, "MIKEY negotiation: key-mgmt list check failed (%s)",
                   mikey_sdp_ids_verdict_name(v));
            return rc;
        }
    }
    if (!c->o.has_cap) {
        if (used_cap) {
            /* We chose on a ranking this message does not carry: it came from
             * another, unauthenticated offer. */
            mk_log(env, MIKEY_LOG_WARN, "MIKEY negotiation: ranking not in the answered offer");
            return MIKEY_ERR_POLICY;
        }
        return MIKEY_OK;
    }
    /* The extension names this message's position and, for several
     * offers, the method of every offer in order: reordering, removing,
     * adding or altering any alternative shows here, although only the
     * answered message is authenticated. */
    const mikey_neg_cap *cp = &c->o.cap;
    int bad = cp->count != n || cp->index != k || (used_cap && !prefs_equal(&used_cap->prefs, &cp->prefs));
    if (!bad && n > 1) {
        bad = cp->prefs.nmethods != n;
        for (size_t j = 0; j < n && !bad; j++)
            bad = !in[j].usable || in[j].o.method != cp->prefs.methods[j];
    }
    if (bad) {
        mk_log(env, MIKEY_LOG_WARN, "MIKEY negotiation: offers reordered, removed or altered (position %zu of %zu)", k,
               n);
        return MIKEY_ERR_POLICY;
    }
    return MIKEY_OK;
}

int mikey_neg_answer(const mikey_env *env, const mikey_creds *creds, const mikey_policy *policy,
                     const mikey_neg_answer_cfg *cfg, const mikey_span *offers, size_t n, uint8_t *out, size_t cap,
                     size_t *outlen, mikey_neg_decision *d, mikey_ctx **ctx_out)
{
    if (!creds || !policy || !cfg || !offers || !outlen || (!out && cap) || !d || !ctx_out || n == 0 ||
        mikey_neg_prefs_check(cfg->prefs))
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++)
        if (!offers[i].p)
            return MIKEY_ERR_INVALID_ARG;
    *outlen = 0;
    *ctx_out = NULL;
    memset(d, 0, sizeof *d);
    d->ids_verdict = -1;
    if (n > MIKEY_NEG_MAX_OFFERS)
        return MIKEY_ERR_LIMIT;
    mikey_env e;
    mk_env_init(&e, env);
    const mikey_neg_prefs *mine = cfg->prefs;
    neg_in in[MIKEY_NEG_MAX_OFFERS];
    memset(in, 0, sizeof in);
    d->noffers = n;

    /* 1. Read every offer (no authentication yet: this only chooses). */
    size_t first_usable = n;
    const mikey_neg_cap *cap_src = NULL;
    for (size_t i = 0; i < n; i++) {
        in[i].parse_rc = mikey_msg_parse(&e, offers[i].p, offers[i].len, NULL, &in[i].msg, NULL);
        if (in[i].parse_rc == MIKEY_ERR_NOMEM) {
            free_ins(in, n);
            return MIKEY_ERR_NOMEM;
        }
        if (!in[i].parse_rc)
            in[i].read_rc = mikey_neg_offered_read(in[i].msg, &in[i].o);
        if (in[i].parse_rc || in[i].read_rc || !in[i].o.method) {
            mk_log(&e, MIKEY_LOG_INFO, "MIKEY negotiation: offer %zu unusable", i);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= in[j].usable && in[j].o.method == in[i].o.method;
        if (dup) {
            mk_log(&e, MIKEY_LOG_INFO, "MIKEY negotiation: offer %zu repeats method %s", i,
                   mikey_mode_name(in[i].o.method));
            continue;
        }
        in[i].usable = 1;
        if (first_usable == n)
            first_usable = i;
        if (in[i].o.has_cap && !cap_src)
            cap_src = &in[i].o.cap;
    }
    if (n > 1 && first_usable < n) {
        /* Several alternatives: our initiator never sends one that does not
         * parse, is no offer or repeats a method, so such an alternative
         * was altered in transit. Skipping it would let an attacker steer
         * the choice (the alternatives are not authenticated, only the one
         * answered is): refuse the whole offer (RFC 4567 §4.1.2: abort). */
        for (size_t i = 0; i < n; i++)
            if (!in[i].usable) {
                mk_log(&e, MIKEY_LOG_WARN, "MIKEY negotiation: alternative %zu of %zu unusable, offer refused", i, n);
                free_ins(in, n);
                return MIKEY_ERR_POLICY;
            }
    }
    if (first_usable == n && in[0].read_rc) {
        /* A valid offer whose negotiation extension is malformed (or
         * repeated): the initiator's ranking cannot be trusted to mean
         * anything; refuse rather than guess. */
        mk_log(&e, MIKEY_LOG_WARN, "MIKEY negotiation: malformed negotiation extension (%s)",
               mikey_err_name(in[0].read_rc));
        int rc = in[0].read_rc;
        free_ins(in, n);
        return rc;
    }
    if (first_usable == n) {
        /* Nothing we can choose from: let the session layer say why, with
         * its Error message (RFC 3830 §5.1.2 / RFC 4738 §3.5). */
        mikey_ctx *ctx = NULL;
        int rc = mikey_ctx_new(&e, creds, policy, &ctx);
        if (rc == MIKEY_OK) {
            if (cfg->replay)
                mikey_ctx_set_replay(ctx, cfg->replay);
            rc = mikey_answer(ctx, offers[0].p, offers[0].len, out, cap, outlen);
            if (rc == MIKEY_OK) /* cannot happen: it did not parse as an offer */
                rc = MIKEY_ERR_INTERNAL;
        }
        mikey_ctx_free(ctx);
        free_ins(in, n);
        return rc;
    }

    /* 2. The initiator's ranking as far as we know it: the extension's, or
     * the methods in offer order and the suites of the first offer. */
    mikey_neg_prefs *off = &d->offerer;
    if (cap_src) {
        *off = cap_src->prefs;
        d->knew |= MIKEY_NEG_KNEW_CAP;
    } else {
        for (size_t i = 0; i < n; i++)
            if (in[i].usable)
                off->methods[off->nmethods++] = (uint8_t)in[i].o.method;
        memcpy(off->suites, in[first_usable].o.suites, in[first_usable].o.nsuites);
        off->nsuites = in[first_usable].o.nsuites;
        if (off->nmethods > 1)
            d->knew |= MIKEY_NEG_KNEW_ORDER;
        if (off->nsuites == 0 && in[first_usable].o.ncs == 0) {
            /* No crypto session, no suite to agree on: ours stand in. */
            memcpy(off->suites, mine->suites, mine->nsuites);
            off->nsuites = mine->nsuites;
        }
    }

    /* 3. The rule. */
    int rc;
    if (off->nsuites) {
        rc = mikey_neg_choose(off, mine, &d->rule);
    } else {
        /* Crypto sessions whose SPs name no suite we know: nothing in
         * common on suites; still say whether a method would have been. */
        mikey_neg_prefs tmp = *off;
        tmp.suites[0] = mine->suites[0];
        tmp.nsuites = 1;
        rc = mikey_neg_choose(&tmp, mine, &d->rule);
        if (rc == MIKEY_OK || rc == MIKEY_ERR_NEGOTIATION) {
            d->rule.missing |= MIKEY_NEG_NO_SUITE;
            d->rule.suite = 0;
            d->rule.suite_rank_offerer = d->rule.suite_rank_answerer = -1;
            if (!(d->rule.missing & MIKEY_NEG_NO_METHOD))
                d->rule.score = 0;
            else
                d->rule.method = 0;
            rc = MIKEY_ERR_NEGOTIATION;
        }
    }
    uint8_t errs[2];
    size_t nerrs = 0;
    size_t k = n;
    int choice = -1;
    if (rc == MIKEY_OK) {
        for (size_t i = 0; i < n && k == n; i++) {
            const mikey_neg_offered *o = &in[i].o;
            if (!in[i].usable || o->method != d->rule.method)
                continue;
            if (o->ncs == 0 || o->mapped_suite == d->rule.suite) {
                k = i;
                continue;
            }
            /* The rule's suite among the offer's alternative SPs: choose it
             * (mikey_ctx_set_sp_choice) when a response will tell the
             * initiator (RFC 3830 §6.1.1 map in the authenticated response). */
            int r = rank_of(o->suites, o->nsuites, d->rule.suite);
            int resp = o->v || o->method == MIKEY_MODE_DH || o->method == MIKEY_MODE_DHHMAC ||
                       o->method == MIKEY_MODE_RSAR;
            if (r >= 0 && resp) {
                k = i;
                choice = o->policy_nos[r];
            }
        }
        if (k == n) {
            /* The rule wants a method or suite no offer delivers as is (the
             * extension ranked more than was sent): ask for it. */
            int have_m = 0;
            for (size_t i = 0; i < n; i++)
                have_m |= in[i].usable && in[i].o.method == d->rule.method;
            errs[nerrs++] = have_m ? MIKEY_E_INVALID_SPPAR : MIKEY_E_INVALID_DT;
            d->action = MIKEY_NEG_RETRY;
            rc = MIKEY_ERR_NEGOTIATION;
        }
    } else if (rc == MIKEY_ERR_NEGOTIATION) {
        if (d->rule.missing & MIKEY_NEG_NO_METHOD)
            errs[nerrs++] = MIKEY_E_INVALID_DT;
        if (d->rule.missing & MIKEY_NEG_NO_SUITE)
            errs[nerrs++] = MIKEY_E_INVALID_SPPAR;
        d->action = MIKEY_NEG_REFUSED;
    }
    if (rc) {
        if (rc == MIKEY_ERR_NEGOTIATION) {
            mk_log(&e, MIKEY_LOG_INFO, "MIKEY negotiation: %s, sending our capabilities",
                   d->action == MIKEY_NEG_RETRY ? "the offer cannot deliver the rule's choice" : "nothing in common");
            int brc = mikey_neg_error_build(&e, in[first_usable].msg, errs, nerrs, mine, out, cap, outlen);
            if (brc)
                rc = brc; /* NOBUF: *outlen is the size needed */
        }
        free_ins(in, n);
        return rc;
    }

    /* 4. Process only the chosen offer (RFC 4567 §4.1.2); it is
     * authenticated here. */
    mikey_ctx *ctx = NULL;
    if ((rc = mikey_ctx_new(&e, creds, policy, &ctx))) {
        free_ins(in, n);
        return rc;
    }
    if (cfg->replay)
        mikey_ctx_set_replay(ctx, cfg->replay);
    if (choice >= 0)
        (void)mikey_ctx_set_sp_choice(ctx, choice);
    rc = mikey_answer(ctx, offers[k].p, offers[k].len, out, cap, outlen);
    if (rc == MIKEY_OK) {
        d->index = k;
        rc = post_checks(&e, cfg, in, n, k, cap_src, d);
        if (rc) {
            /* Tampered SDP around a valid message: no answer, no context
             * (RFC 4567 §7: reject the offer). */
            mk_wipe(out, *outlen);
            *outlen = 0;
        }
    }
    if (rc) {
        mikey_ctx_free(ctx);
    } else {
        d->action = MIKEY_NEG_ANSWERED;
        *ctx_out = ctx;
    }
    free_ins(in, n);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Initiator                                                               */
/* ---------------------------------------------------------------------- */

typedef struct neg_offer {
    mikey_ctx *ctx;
    uint8_t *msg;
    size_t len;
    unsigned method;
    uint32_t csb_id;
} neg_offer;

struct mikey_neg_init {
    mikey_env env;
    const mikey_creds *creds;
    const mikey_policy *policy;
    mikey_replay *replay;
    mikey_neg_prefs mine;
    unsigned flags;
    int state;
    unsigned rounds;
    neg_offer off[MIKEY_NEG_MAX_OFFERS];
    size_t n;
    unsigned offered_suite;  /* suite of the last round */
    mikey_ctx *done;
    mikey_neg_peer_caps caps;
    int have_caps;
    mikey_neg_result retry;
    unsigned nocreds; /* MIKEY_MODE_BIT of methods that could not be built for the peer */
    char ids[MIKEY_NEG_MAX_OFFERS * 6 + 1]; /* "mikey;mikey;..." */
};

int mikey_neg_init_new(const mikey_env *env, const mikey_creds *creds, const mikey_policy *policy,
                       const mikey_neg_prefs *mine, unsigned flags, mikey_neg_init **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    if (!creds || !policy || mikey_neg_prefs_check(mine) || (flags & ~(MIKEY_NEG_MULTI | MIKEY_NEG_CAP)))
        return MIKEY_ERR_INVALID_ARG;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_neg_init *ni = mk_calloc(&e, 1, sizeof *ni);
    if (!ni)
        return MIKEY_ERR_NOMEM;
    ni->env = e;
    ni->creds = creds;
    ni->policy = policy;
    ni->mine = *mine;
    ni->flags = flags;
    *out = ni;
    return MIKEY_OK;
}

static void drop_offers(mikey_neg_init *ni)
{
    for (size_t i = 0; i < ni->n; i++) {
        mikey_ctx_free(ni->off[i].ctx);
        mk_free(&ni->env, ni->off[i].msg);
    }
    memset(ni->off, 0, sizeof ni->off);
    ni->n = 0;
}

void mikey_neg_init_free(mikey_neg_init *ni)
{
    if (!ni)
        return;
    mikey_env env = ni->env;
    drop_offers(ni);
    mikey_ctx_free(ni->done);
    mk_wipe(ni, sizeof *ni);
    mk_free(&env, ni);
}

int mikey_neg_init_set_replay(mikey_neg_init *ni, mikey_replay *r)
{
    if (!ni)
        return MIKEY_ERR_INVALID_ARG;
    ni->replay = r;
    return MIKEY_OK;
}

int mikey_neg_init_state(const mikey_neg_init *ni) { return ni ? ni->state : MIKEY_ERR_INVALID_ARG; }
unsigned mikey_neg_init_rounds(const mikey_neg_init *ni) { return ni ? ni->rounds : 0; }
const mikey_neg_peer_caps *mikey_neg_init_peer_caps(const mikey_neg_init *ni)
{
    return ni && ni->have_caps ? &ni->caps : NULL;
}
const mikey_neg_result *mikey_neg_init_retry_result(const mikey_neg_init *ni) { return ni ? &ni->retry : NULL; }

mikey_ctx *mikey_neg_init_take(mikey_neg_init *ni)
{
    if (!ni || ni->state != MIKEY_NEG_INIT_ESTABLISHED)
        return NULL;
    mikey_ctx *c = ni->done;
    ni->done = NULL;
    return c;
}

/* Position of suite in the policy's SRTP list (what stream srtp_index
 * names), or -1. */
static int policy_index(const mikey_policy *pol, unsigned suite)
{
    mikey_srtp_params want;
    if (mikey_neg_suite_params(suite, &want))
        return -1;
    const mikey_srtp_params *list;
    size_t n = mk_policy_srtp(pol, &list);
    for (size_t i = 0; i < n && i < 256; i++)
        if (mk_srtp_equal(&list[i], &want))
            return (int)i;
    return -1;
}

/* Build one I_MESSAGE of method m into a fresh context; cap: the
 * negotiation extension to carry (NULL: none); alts: send the policy's
 * other suites as alternative SPs. */
static int build_one(mikey_neg_init *ni, const mikey_offer_opts *base, mikey_stream_desc *streams, unsigned m,
                     uint32_t csb_id, int force_v, int alts, const mikey_neg_cap *cap, neg_offer *o)
{
    mikey_offer_opts opts = *base;
    opts.mode = m;
    opts.csb_id = csb_id;
    opts.streams = streams;
    opts.sdp_ids = ni->ids;
    opts.alt_sps = alts;
    if (force_v)
        opts.want_verification = 1;
    uint8_t capdata[32];
    mikey_genext ext;
    if (cap) {
        size_t cl = 0;
        int crc = mikey_neg_cap_encode(cap, capdata, sizeof capdata, &cl);
        if (crc)
            return crc;
        ext.type = MIKEY_NEG_GENEXT_TYPE;
        ext.data.p = capdata;
        ext.data.len = cl;
        opts.ext = &ext;
        opts.next = 1;
    } else {
        opts.ext = NULL;
        opts.next = 0;
    }
    memset(o, 0, sizeof *o);
    int rc = mikey_ctx_new(&ni->env, ni->creds, ni->policy, &o->ctx);
    if (rc)
        return rc;
    if (ni->replay)
        mikey_ctx_set_replay(o->ctx, ni->replay);
    size_t capb = NEG_BUF0, len = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (!(o->msg = mk_malloc(&ni->env, capb))) {
            rc = MIKEY_ERR_NOMEM;
            break;
        }
        rc = mikey_offer(o->ctx, &opts, o->msg, capb, &len);
        if (rc != MIKEY_ERR_NOBUF)
            break;
        mk_free(&ni->env, o->msg);
        o->msg = NULL;
        capb = len;
    }
    if (rc) {
        mikey_ctx_free(o->ctx);
        mk_free(&ni->env, o->msg);
        memset(o, 0, sizeof *o);
        return rc;
    }
    o->len = len;
    o->method = m;
    o->csb_id = mikey_ctx_csb_id(o->ctx);
    return MIKEY_OK;
}

/* Our ranking for the extension of a single offer: without the methods
 * known to lack credentials for this peer. */
static void cap_single(const mikey_neg_init *ni, mikey_neg_cap *c)
{
    memset(c, 0, sizeof *c);
    c->count = 1;
    c->prefs.nsuites = ni->mine.nsuites;
    memcpy(c->prefs.suites, ni->mine.suites, ni->mine.nsuites);
    for (size_t i = 0; i < ni->mine.nmethods; i++)
        if (!(ni->nocreds & MIKEY_MODE_BIT(ni->mine.methods[i])))
            c->prefs.methods[c->prefs.nmethods++] = ni->mine.methods[i];
}

/* The alternatives can be offered when the policy's SRTP list is exactly
 * our ranking: the SP payloads then list our suites in rank order, Policy
 * no = rank, and nothing we did not rank. */
static int can_offer_alts(const mikey_neg_init *ni, const mikey_offer_opts *base)
{
    if (ni->mine.nsuites < 2 || base->salt_mode == 2)
        return 0; /* a transported TEK fixes the key length */
    const mikey_srtp_params *list;
    size_t n = mk_policy_srtp(ni->policy, &list);
    if (n != ni->mine.nsuites)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (policy_index(ni->policy, ni->mine.suites[i]) != (int)i)
            return 0;
    return 1;
}

static void set_ids(mikey_neg_init *ni, size_t n)
{
    /* RFC 4567 §4.1.4: every offered identifier, in SDP order; here n
     * times "mikey" (the list grammar allows repeats). */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(ni->ids + k, i ? ";mikey" : "mikey", i ? 6 : 5);
        k += i ? 6 : 5;
    }
    ni->ids[k] = 0;
}

/* A credential is missing for this method and peer: skip the method. */
static int missing_creds(int rc)
{
    return rc == MIKEY_ERR_NOT_FOUND || rc == MIKEY_ERR_CERT || rc == MIKEY_ERR_IDENTITY;
}

/* Offer the methods in ms[0..nm) (all: multi; the first that builds:
 * single) with suite. */
static int make_offers(mikey_neg_init *ni, const mikey_offer_opts *base, const uint8_t *ms, size_t nm, unsigned suite,
                       int multi, int alts, mikey_sdp_km_item *items, size_t cap, size_t *n)
{
    size_t need = multi ? nm : 1;
    if (cap < need) {
        *n = need;
        return MIKEY_ERR_NOBUF;
    }
    int idx = policy_index(ni->policy, suite);
    if (idx < 0) {
        mk_log(&ni->env, MIKEY_LOG_WARN, "MIKEY negotiation: suite %s is not in the policy (mikey_neg_policy_apply)",
               mikey_neg_suite_name(suite));
        return MIKEY_ERR_NOT_FOUND;
    }
    mikey_stream_desc *streams = NULL;
    if (base->nstreams) {
        if (!base->streams || base->nstreams > MK_MAX_CS)
            return MIKEY_ERR_INVALID_ARG;
        if (!(streams = mk_calloc(&ni->env, base->nstreams, sizeof *streams)))
            return MIKEY_ERR_NOMEM;
        for (size_t i = 0; i < base->nstreams; i++) {
            streams[i] = base->streams[i];
            streams[i].srtp_index = (size_t)idx;
        }
    }
    /* Distinct random CSB IDs so the answer names the offer it answers
     * (with the response data type: PSK and MIKEY-NULL share one). */
    uint32_t csb[MIKEY_NEG_MAX_OFFERS] = {0};
    int rc = MIKEY_OK;
    for (size_t i = 0; i < nm && multi && rc == MIKEY_OK; i++) {
        for (int tries = 0; rc == MIKEY_OK;) {
            uint8_t b[4];
            if (tries++ == 16) {
                rc = MIKEY_ERR_CALLBACK; /* a stuck RNG */
                break;
            }
            if ((rc = mk_random(&ni->env, b, 4)))
                break;
            uint32_t v = mk_be32(b);
            int dup = v == 0;
            for (size_t j = 0; j < i; j++)
                dup |= csb[j] == v;
            if (!dup) {
                csb[i] = v;
                break;
            }
        }
    }
    /* Pass 1 builds with the list for every method; if some lack
     * credentials, pass 2 rebuilds the others with the shorter list (the
     * list in each message must match the attributes actually sent). */
    uint8_t ok[MIKEY_NEG_MAX_OFFERS];
    size_t nok = 0;
    for (int pass = 0; pass < 2 && rc == MIKEY_OK; pass++) {
        const uint8_t *cand = pass ? ok : ms;
        size_t ncand = pass ? nok : nm;
        drop_offers(ni);
        set_ids(ni, multi ? ncand : 1);
        nok = 0;
        for (size_t i = 0; i < ncand && rc == MIKEY_OK; i++) {
            mikey_neg_cap c, *cp = NULL;
            if (ni->flags & MIKEY_NEG_CAP) {
                cp = &c;
                if (multi) {
                    /* the extended key-mgmt list: every attribute's method, in order */
                    memset(&c, 0, sizeof c);
                    c.index = (uint8_t)i;
                    c.count = (uint8_t)ncand;
                    memcpy(c.prefs.methods, cand, ncand);
                    c.prefs.nmethods = ncand;
                    memcpy(c.prefs.suites, ni->mine.suites, ni->mine.nsuites);
                    c.prefs.nsuites = ni->mine.nsuites;
                } else {
                    cap_single(ni, &c);
                }
            }
            int brc = build_one(ni, base, streams, cand[i], multi ? csb[i] : 0, multi, alts, cp, &ni->off[ni->n]);
            if (brc == MIKEY_OK) {
                ni->n++;
                ok[nok++] = cand[i];
                if (!multi)
                    break;
            } else if (missing_creds(brc)) {
                ni->nocreds |= MIKEY_MODE_BIT(cand[i]);
                mk_log(&ni->env, MIKEY_LOG_INFO, "MIKEY negotiation: no credentials for %s, not offered",
                       mikey_mode_name(cand[i]));
            } else {
                rc = brc;
            }
        }
        if (rc == MIKEY_OK && nok == 0)
            rc = MIKEY_ERR_NOT_FOUND;
        if (rc || !multi || nok == ncand)
            break;
    }
    mk_free(&ni->env, streams);
    if (rc) {
        drop_offers(ni);
        return rc;
    }
    for (size_t i = 0; i < ni->n; i++) {
        items[i].prtcl_id = "mikey";
        items[i].data = ni->off[i].msg;
        items[i].len = ni->off[i].len;
    }
    *n = ni->n;
    ni->offered_suite = suite;
    ni->rounds++;
    /* PSK / PKE without V: the offer alone establishes the keys. */
    if (!multi && mikey_ctx_state(ni->off[0].ctx) == MIKEY_STATE_ESTABLISHED) {
        ni->done = ni->off[0].ctx;
        ni->off[0].ctx = NULL;
        ni->state = MIKEY_NEG_INIT_ESTABLISHED;
    } else {
        ni->state = MIKEY_NEG_INIT_OFFERED;
    }
    return MIKEY_OK;
}

int mikey_neg_init_offer(mikey_neg_init *ni, const mikey_offer_opts *base, mikey_sdp_km_item *items, size_t cap,
                         size_t *n)
{
    if (!ni || !base || !n || (!items && cap))
        return MIKEY_ERR_INVALID_ARG;
    if (ni->state != MIKEY_NEG_INIT_NEW)
        return MIKEY_ERR_STATE;
    return make_offers(ni, base, ni->mine.methods, ni->mine.nmethods, ni->mine.suites[0],
                       (ni->flags & MIKEY_NEG_MULTI) != 0, can_offer_alts(ni, base), items, cap, n);
}

int mikey_neg_init_finish(mikey_neg_init *ni, const uint8_t *in, size_t len)
{
    if (!ni || !in)
        return MIKEY_ERR_INVALID_ARG;
    /* An Error may also follow an offer that needed no response (PSK/PKE
     * without V): the peer refused what we already installed. */
    if (ni->state != MIKEY_NEG_INIT_OFFERED && !(ni->state == MIKEY_NEG_INIT_ESTABLISHED && ni->rounds && ni->n))
        return MIKEY_ERR_STATE;
    mikey_msg *m = NULL;
    int rc = mikey_msg_parse(&ni->env, in, len, NULL, &m, NULL);
    if (rc)
        return rc;
    const mikey_hdr *h = mikey_msg_hdr(m);
    uint8_t dt = h->data_type;
    uint32_t csb = h->csb_id;
    mikey_msg_free(m);
    if (dt == MIKEY_DT_ERROR) {
        size_t j;
        for (j = 0; j < ni->n && ni->off[j].csb_id != csb; j++)
            ;
        if (j == ni->n && !(csb == 0 && ni->n))
            return MIKEY_ERR_FIELD; /* about someone else's offer */
        mikey_neg_peer_caps c;
        if ((rc = mikey_neg_error_read(&ni->env, in, len, &c)))
            return rc;
        /* §5.1.2: unauthenticated, only advice; we act on it by retrying
         * once within our own ranking, never beyond it. */
        ni->caps = c;
        ni->have_caps = 1;
        if (ni->done) {
            mikey_ctx_free(ni->done);
            ni->done = NULL;
        }
        ni->state = MIKEY_NEG_INIT_REFUSED;
        return MIKEY_ERR_PEER_ERROR;
    }
    if (ni->state != MIKEY_NEG_INIT_OFFERED)
        return MIKEY_ERR_STATE;
    for (size_t j = 0; j < ni->n; j++) {
        if (ni->off[j].csb_id != csb || resp_dt_of(ni->off[j].method) != dt)
            continue;
        if ((rc = mikey_finish(ni->off[j].ctx, in, len)))
            return rc; /* stays pending (a forged response cannot end it) */
        ni->done = ni->off[j].ctx;
        ni->off[j].ctx = NULL;
        drop_offers(ni);
        ni->state = MIKEY_NEG_INIT_ESTABLISHED;
        return MIKEY_OK;
    }
    return MIKEY_ERR_FIELD;
}

static int has_err(const mikey_neg_peer_caps *c, unsigned e)
{
    for (size_t i = 0; i < c->nerrors; i++)
        if (c->errors[i] == e)
            return 1;
    return 0;
}

int mikey_neg_init_retry(mikey_neg_init *ni, const mikey_offer_opts *base, mikey_sdp_km_item *items, size_t cap,
                         size_t *n)
{
    if (!ni || !base || !n || (!items && cap))
        return MIKEY_ERR_INVALID_ARG;
    if (ni->state != MIKEY_NEG_INIT_REFUSED || ni->rounds != 1)
        return MIKEY_ERR_STATE;
    if (cap < 1) {
        *n = 1;
        return MIKEY_ERR_NOBUF;
    }
    /* The peer's ranking: what the Error said; where it said nothing, our
     * own ranking stands in, without what it refused. */
    const mikey_neg_peer_caps *c = &ni->caps;
    mikey_neg_prefs peer;
    memset(&peer, 0, sizeof peer);
    int dt_refused = has_err(c, MIKEY_E_INVALID_DT);
    int sp_refused = has_err(c, MIKEY_E_INVALID_SP) || has_err(c, MIKEY_E_INVALID_SPPAR);
    if (c->have_methods) {
        memcpy(peer.methods, c->prefs.methods, c->prefs.nmethods);
        peer.nmethods = c->prefs.nmethods;
    } else {
        for (size_t i = 0; i < ni->mine.nmethods; i++) {
            unsigned m = ni->mine.methods[i];
            int offered = 0;
            for (size_t j = 0; j < ni->n; j++)
                offered |= ni->off[j].method == m;
            /* Refused data type: the methods we offered are out. Otherwise
             * only those offered are known to be fine. */
            if (dt_refused ? !offered : offered)
                peer.methods[peer.nmethods++] = (uint8_t)m;
        }
    }
    if (c->have_suites) {
        memcpy(peer.suites, c->prefs.suites, c->prefs.nsuites);
        peer.nsuites = c->prefs.nsuites;
    } else {
        for (size_t i = 0; i < ni->mine.nsuites; i++) {
            unsigned s = ni->mine.suites[i];
            if (sp_refused ? s != ni->offered_suite : s == ni->offered_suite)
                peer.suites[peer.nsuites++] = (uint8_t)s;
        }
    }
    int rc;
    if (peer.nmethods == 0 || peer.nsuites == 0) {
        memset(&ni->retry, 0, sizeof ni->retry);
        ni->retry.missing = (peer.nmethods ? 0 : MIKEY_NEG_NO_METHOD) | (peer.nsuites ? 0 : MIKEY_NEG_NO_SUITE);
        rc = MIKEY_ERR_NEGOTIATION;
    } else {
        rc = mikey_neg_choose(&ni->mine, &peer, &ni->retry);
    }
    if (rc) {
        mk_log(&ni->env, MIKEY_LOG_INFO, "MIKEY negotiation: nothing in common with the peer's capabilities");
        drop_offers(ni);
        ni->state = MIKEY_NEG_INIT_FAILED;
        return rc;
    }
    uint8_t m = (uint8_t)ni->retry.method;
    rc = make_offers(ni, base, &m, 1, ni->retry.suite, 0, 0, items, cap, n);
    if (rc) {
        ni->state = MIKEY_NEG_INIT_FAILED;
        ni->rounds = 2; /* no further retry */
    }
    return rc;
}

/* ---------------------------------------------------------------------- */
/* SDP with several session-level mikey attributes                         */
/* ---------------------------------------------------------------------- */

/* Next line of text from *off: [*b, *e) without the line end; *off moves
 * past it. 0 at the end. */
static int next_line(const char *t, size_t len, size_t *off, size_t *b, size_t *e)
{
    if (*off >= len)
        return 0;
    size_t i = *off;
    while (i < len && t[i] != '\n')
        i++;
    *b = *off;
    *e = i;
    if (*e > *b && t[*e - 1] == '\r')
        (*e)--;
    *off = i < len ? i + 1 : len;
    return 1;
}

static int starts(const char *t, size_t b, size_t e, const char *pfx)
{
    size_t n = strlen(pfx);
    return e - b >= n && memcmp(t + b, pfx, n) == 0;
}

int mikey_neg_sdp_offer_build(const mikey_sdp_desc *d, const mikey_sdp_km_item *km, size_t nkm, char *out, size_t cap,
                              size_t *outlen)
{
    if (!d || !outlen || (!out && cap) || (!km && nkm) || d->km || d->nkm || nkm > MIKEY_SDP_IDS_MAX)
        return MIKEY_ERR_INVALID_ARG;
    mikey_sdp_desc d1 = *d;
    d1.km = km;
    d1.nkm = nkm ? 1 : 0;
    /* The sdp.h builder writes the first attribute (and validates
     * everything else); the others are inserted right after it. */
    size_t base = 0;
    int rc = mikey_sdp_offer_build(&d1, NULL, 0, &base);
    if (rc != MIKEY_ERR_NOBUF)
        return rc == MIKEY_OK ? MIKEY_ERR_INTERNAL : rc;
    size_t extra = 0, ln[MIKEY_SDP_IDS_MAX];
    for (size_t i = 1; i < nkm; i++) {
        size_t need = 0;
        rc = mikey_sdp_keymgmt_emit(km[i].prtcl_id, km[i].data, km[i].len, NULL, 0, &need);
        if (rc != MIKEY_ERR_NOBUF)
            return rc == MIKEY_OK ? MIKEY_ERR_INTERNAL : rc;
        ln[i] = need - 1;
        extra += ln[i];
    }
    if (cap < base + extra) {
        *outlen = base + extra;
        return MIKEY_ERR_NOBUF;
    }
    size_t blen = 0;
    if ((rc = mikey_sdp_offer_build(&d1, out, cap, &blen)))
        return rc;
    if (nkm <= 1) {
        *outlen = blen;
        return MIKEY_OK;
    }
    /* Insertion point: after the session-level key-mgmt line. */
    size_t off = 0, b, e, at = 0;
    while (next_line(out, blen, &off, &b, &e)) {
        if (starts(out, b, e, "m="))
            break;
        if (starts(out, b, e, "a=key-mgmt:"))
            at = off;
    }
    if (!at)
        return MIKEY_ERR_INTERNAL;
    memmove(out + at + extra, out + at, blen - at + 1);
    for (size_t i = 1; i < nkm; i++) {
        char keep = out[at + ln[i]]; /* the emitter's NUL lands here */
        size_t w = 0;
        if ((rc = mikey_sdp_keymgmt_emit(km[i].prtcl_id, km[i].data, km[i].len, out + at, ln[i] + 1, &w)))
            return rc;
        out[at + ln[i]] = keep;
        at += ln[i];
    }
    *outlen = blen + extra;
    return MIKEY_OK;
}

typedef struct neg_line {
    size_t b, next; /* the line's bytes [b, next), line end included */
    size_t lineno;
} neg_line;

struct mikey_neg_sdp {
    mikey_env env;
    const char *text;
    size_t len;
    mikey_sdp_parse_opts opts;
    mikey_sdp_limits lim;
    neg_line line[MIKEY_NEG_MAX_OFFERS];
    uint8_t *data[MIKEY_NEG_MAX_OFFERS];
    mikey_span offers[MIKEY_NEG_MAX_OFFERS];
    size_t n;
    char list[MIKEY_SDP_IDS_MAX * (MIKEY_SDP_KMPID_MAX + 1) + 1];
    char *reduced;
    mikey_sdp *sdp;
};

void mikey_neg_sdp_free(mikey_neg_sdp *s)
{
    if (!s)
        return;
    mikey_env env = s->env;
    mikey_sdp_free(s->sdp);
    mk_free(&env, s->reduced);
    for (size_t i = 0; i < s->n; i++)
        mk_free(&env, s->data[i]);
    mk_free(&env, s);
}

static void sdp_err(mikey_sdp_error *perr, int err, size_t offset, size_t line, const char *detail)
{
    if (!perr)
        return;
    memset(perr, 0, sizeof *perr);
    perr->err = err;
    perr->offset = offset;
    perr->line = line;
    snprintf(perr->detail, sizeof perr->detail, "%s", detail);
}

/* Parse the text without the mikey lines other than keep (their offsets
 * and line numbers mapped back to the original text on error). */
static int select_impl(mikey_neg_sdp *s, size_t keep, mikey_sdp_error *perr)
{
    char *red = mk_malloc(&s->env, s->len ? s->len : 1);
    if (!red)
        return MIKEY_ERR_NOMEM;
    size_t k = 0, from = 0;
    for (size_t j = 0; j < s->n; j++) {
        if (j == keep)
            continue;
        memcpy(red + k, s->text + from, s->line[j].b - from);
        k += s->line[j].b - from;
        from = s->line[j].next;
    }
    memcpy(red + k, s->text + from, s->len - from);
    k += s->len - from;
    mikey_sdp *sdp = NULL;
    mikey_sdp_error pe;
    int rc = mikey_sdp_parse(&s->env, red, k, &s->opts, &sdp, &pe);
    if (rc) {
        mk_free(&s->env, red);
        if (perr) {
            /* Map the position back: add every removed line before it. */
            size_t off = pe.offset, line = pe.line;
            for (size_t j = 0; j < s->n; j++) {
                if (j == keep || s->line[j].b > off)
                    continue;
                off += s->line[j].next - s->line[j].b;
                if (line)
                    line++;
            }
            *perr = pe;
            perr->offset = off;
            perr->line = line;
        }
        return rc;
    }
    mikey_sdp_free(s->sdp);
    mk_free(&s->env, s->reduced);
    s->sdp = sdp;
    s->reduced = red;
    return MIKEY_OK;
}

int mikey_neg_sdp_select(mikey_neg_sdp *s, size_t i, const mikey_sdp **sdp)
{
    if (!s || !sdp)
        return MIKEY_ERR_INVALID_ARG;
    *sdp = NULL;
    if (i >= s->n)
        return MIKEY_ERR_NOT_FOUND;
    int rc = select_impl(s, i, NULL);
    if (rc == MIKEY_OK)
        *sdp = s->sdp;
    return rc;
}

const mikey_span *mikey_neg_sdp_offers(const mikey_neg_sdp *s, size_t *n)
{
    if (n)
        *n = s ? s->n : 0;
    return s ? s->offers : NULL;
}

const char *mikey_neg_sdp_list(const mikey_neg_sdp *s) { return s ? s->list : NULL; }

int mikey_neg_sdp_parse(const mikey_env *env, const char *text, size_t len, const mikey_sdp_parse_opts *opts,
                        mikey_neg_sdp **out, mikey_sdp_error *perr)
{
    if (!out || (!text && len))
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_neg_sdp *s = mk_calloc(&e, 1, sizeof *s);
    if (!s)
        return MIKEY_ERR_NOMEM;
    s->env = e;
    s->text = text;
    s->len = len;
    if (opts)
        s->opts = *opts;
    if (s->opts.limits)
        s->lim = *s->opts.limits;
    else
        mikey_sdp_limits_default(&s->lim);
    s->opts.limits = &s->lim;
    if (len > s->lim.max_sdp_len) {
        sdp_err(perr, MIKEY_ERR_LIMIT, s->lim.max_sdp_len, 0, "description longer than the limit");
        mikey_neg_sdp_free(s);
        return MIKEY_ERR_LIMIT;
    }
    /* Session level = the lines before the first m= (RFC 8866 §5). Every
     * key-mgmt attribute there counts for the list (RFC 4567 §4.1.4, in
     * SDP order); the mikey ones are the alternatives. */
    size_t off = 0, b, ee, lineno = 0, nids = 0, lk = 0;
    int rc = MIKEY_OK;
    while (rc == MIKEY_OK && next_line(text, len, &off, &b, &ee)) {
        lineno++;
        if (starts(text, b, ee, "m="))
            break;
        if (!starts(text, b, ee, "a=key-mgmt:"))
            continue;
        size_t v = b + 11;
        mikey_sdp_str id, b64;
        mikey_sdp_error pe;
        if (ee - b > s->lim.max_line_len) {
            sdp_err(perr, MIKEY_ERR_LIMIT, b, lineno, "line longer than the limit");
            rc = MIKEY_ERR_LIMIT;
            break;
        }
        if ((rc = mikey_sdp_keymgmt_parse_value(text + v, ee - v, &id, &b64, &pe))) {
            sdp_err(perr, rc, v + pe.offset, lineno, pe.detail);
            break;
        }
        if (nids == MIKEY_SDP_IDS_MAX) {
            sdp_err(perr, MIKEY_ERR_LIMIT, b, lineno, "too many key-mgmt attributes");
            rc = MIKEY_ERR_LIMIT;
            break;
        }
        nids++;
        if (lk)
            s->list[lk++] = ';';
        memcpy(s->list + lk, id.p, id.len);
        lk += id.len;
        if (!(id.len == 5 && memcmp(id.p, "mikey", 5) == 0))
            continue;
        if (s->n == MIKEY_NEG_MAX_OFFERS) {
            sdp_err(perr, MIKEY_ERR_LIMIT, b, lineno, "more mikey attributes than methods");
            rc = MIKEY_ERR_LIMIT;
            break;
        }
        size_t dl = 0;
        (void)mikey_base64_decode(b64.p, b64.len, NULL, 0, &dl, NULL);
        if (!(s->data[s->n] = mk_malloc(&e, dl ? dl : 1))) {
            rc = MIKEY_ERR_NOMEM;
            break;
        }
        size_t epos = 0;
        if ((rc = mikey_base64_decode(b64.p, b64.len, s->data[s->n], dl, &dl, &epos))) {
            mk_free(&e, s->data[s->n]);
            s->data[s->n] = NULL;
            sdp_err(perr, rc, (size_t)(b64.p - text) + epos, lineno, "bad base64 in key-mgmt data");
            break;
        }
        s->offers[s->n].p = s->data[s->n];
        s->offers[s->n].len = dl;
        s->line[s->n].b = b;
        s->line[s->n].next = off;
        s->line[s->n].lineno = lineno;
        s->n++;
    }
    s->list[lk] = 0;
    if (rc == MIKEY_OK && s->n == 0) {
        sdp_err(perr, MIKEY_ERR_NOT_FOUND, 0, 0, "no session-level a=key-mgmt:mikey");
        rc = MIKEY_ERR_NOT_FOUND;
    }
    if (rc == MIKEY_OK)
        rc = select_impl(s, 0, perr);
    if (rc) {
        mikey_neg_sdp_free(s);
        return rc;
    }
    *out = s;
    return MIKEY_OK;
}
