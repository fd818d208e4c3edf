/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exchange context (session.h levels 1-2): what every mode shares.
 *
 * Responder order of checks (RFC 3830 §5.3 and §9.5; docs/session.md):
 *   1. parse (bounded, src/wire)
 *   2. data type -> mode; an Error message is only recorded
 *   3. payload set of the mode (no unauthenticated extras)
 *   4. timestamp window and replay-cache lookup (§5.4)
 *   5. PRF allowed (downgrade), mode allowed by policy
 *   6. CSB state (initial vs update, §4.5) and IDr is us
 *   7. mode algorithms allowed (KEMAC algorithms, DH group, signature type)
 *   8. security policy (SP) acceptable
 *   9. only then: MAC / certificate / signature / RSA / DH (mode answer)
 *  10. everything succeeded: the message enters the replay cache and the
 *      context takes the new keys. A failure changes nothing.
 */
#include "session/mode.h"

const mk_mode_ops *mk_mode_get(unsigned mode)
{
    switch (mode) {
    case MIKEY_MODE_PSK: return &mk_mode_psk;
    case MIKEY_MODE_NULL: return &mk_mode_null;
    case MIKEY_MODE_PKE: return &mk_mode_pke;
    case MIKEY_MODE_DH: return &mk_mode_dh;
    case MIKEY_MODE_DHHMAC: return &mk_mode_dhhmac;
    case MIKEY_MODE_RSAR: return &mk_mode_rsar;
    default: return NULL;
    }
}

const char *mikey_mode_name(unsigned mode)
{
    switch (mode) {
    case MIKEY_MODE_PSK: return "PSK";
    case MIKEY_MODE_PKE: return "PKE";
    case MIKEY_MODE_DH: return "DH";
    case MIKEY_MODE_DHHMAC: return "DH-HMAC";
    case MIKEY_MODE_RSAR: return "RSA-R";
    case MIKEY_MODE_NULL: return "MIKEY-NULL";
    default: return "unknown";
    }
}

/* ---------------------------------------------------------------------- */
/* Lifecycle and accessors                                                 */
/* ---------------------------------------------------------------------- */

int mikey_ctx_new(const mikey_env *env, const mikey_creds *creds, const mikey_policy *policy, mikey_ctx **out)
{
    if (!out || !creds || !policy)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_ctx *c = mk_calloc(&e, 1, sizeof *c);
    if (!c)
        return MIKEY_ERR_NOMEM;
    c->env = e;
    c->ops = mk_crypto_ossl();
    c->creds = creds;
    c->policy = policy;
    c->peer_error = -1;
    c->sp_choice = -1;
    int rc = mikey_replay_new(&e, policy->skew, policy->cache_size, &c->own_replay);
    if (rc) {
        mk_free(&e, c);
        return rc;
    }
    c->replay = c->own_replay;
    *out = c;
    return MIKEY_OK;
}

void mk_pending_clear(mikey_ctx *ctx, mk_pending *p)
{
    if (p->imsg)
        mk_free(&ctx->env, p->imsg);
    if (p->keys) {
        mk_wipe(p->keys, p->keys_len);
        mk_free(&ctx->env, p->keys);
    }
    if (p->dh)
        ctx->ops->dh_free(p->dh);
    mk_free(&ctx->env, p->peer_id);
    mk_wipe(p, sizeof *p);
}

void mikey_ctx_free(mikey_ctx *ctx)
{
    if (!ctx)
        return;
    mikey_env env = ctx->env;
    mk_pending_clear(ctx, &ctx->pend);
    mk_keyset_wipe(&env, &ctx->keys);
    mk_free(&env, ctx->peer_id);
    mk_free(&env, ctx->sdp_ids);
    mikey_replay_free(ctx->own_replay);
    mk_wipe(ctx, sizeof *ctx);
    mk_free(&env, ctx);
}

int mikey_ctx_set_replay(mikey_ctx *ctx, mikey_replay *r)
{
    if (!ctx)
        return MIKEY_ERR_INVALID_ARG;
    ctx->replay = r ? r : ctx->own_replay;
    return MIKEY_OK;
}

int mikey_ctx_set_sp_choice(mikey_ctx *ctx, int policy_no)
{
    if (!ctx || policy_no < -1 || policy_no > 255)
        return MIKEY_ERR_INVALID_ARG;
    ctx->sp_choice = policy_no;
    return MIKEY_OK;
}

int mikey_ctx_state(const mikey_ctx *ctx) { return ctx ? ctx->state : MIKEY_ERR_INVALID_ARG; }
int mikey_ctx_peer_error(const mikey_ctx *ctx) { return ctx ? ctx->peer_error : -1; }
const char *mikey_ctx_peer_id(const mikey_ctx *ctx) { return ctx ? ctx->peer_id : NULL; }
int mikey_ctx_mode(const mikey_ctx *ctx) { return ctx ? (int)ctx->mode : MIKEY_ERR_INVALID_ARG; }
uint32_t mikey_ctx_csb_id(const mikey_ctx *ctx) { return ctx ? ctx->csb_id : 0; }
const char *mk_ctx_sdp_ids(const mikey_ctx *ctx) { return ctx ? ctx->sdp_ids : NULL; }

const char *mikey_ctx_sdp_ids(const mikey_ctx *ctx) { return mk_ctx_sdp_ids(ctx); }

/* The keys in effect: those of the established CSB, also while an update
 * of it is pending (the old keys protect the media until it completes). */
size_t mikey_ctx_cs_count(const mikey_ctx *ctx) { return ctx && ctx->has_csb ? ctx->keys.ncs : 0; }

int mikey_ctx_cs_keys(const mikey_ctx *ctx, size_t i, mikey_cs_keys *out)
{
    if (!ctx || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (!ctx->has_csb)
        return MIKEY_ERR_STATE;
    if (i >= ctx->keys.ncs)
        return MIKEY_ERR_NOT_FOUND;
    *out = ctx->keys.cs[i];
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Message shapes                                                          */
/* ---------------------------------------------------------------------- */

typedef struct shape_ent {
    uint8_t type, min, max;
} shape_ent;

typedef struct shape {
    uint8_t dt;
    uint8_t last; /* required last payload type (0: any) */
    shape_ent p[10];
} shape;

/* Payloads each message may hold (RFC 3830 §3, §4.5 update variants,
 * §5.1.2; RFC 4650 §3; RFC 4738 §3.1). Anything else is refused: a payload
 * a mode does not define would be outside what the peer meant to
 * authenticate, or outside the MAC (PSK: the KEMAC is last). */
static const shape shapes[] = {
    {MIKEY_DT_PSK_INIT,
     MIKEY_PT_KEMAC,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 2},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_KEMAC, 1, 1}}},
    {MIKEY_DT_PK_INIT,
     MIKEY_PT_SIGN,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 2},
      {MIKEY_PT_CERT, 0, MK_MAX_CERTS},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_KEMAC, 1, 1},
      {MIKEY_PT_CHASH, 0, 1},
      {MIKEY_PT_PKE, 1, 1},
      {MIKEY_PT_SIGN, 1, 1}}},
    {MIKEY_DT_DH_INIT,
     MIKEY_PT_SIGN,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 2},
      {MIKEY_PT_CERT, 0, MK_MAX_CERTS},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_DH, 0, 1},
      {MIKEY_PT_SIGN, 1, 1}}},
    {MIKEY_DT_DHHMAC_INIT,
     MIKEY_PT_KEMAC,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 2},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_DH, 0, 1},
      {MIKEY_PT_KEMAC, 1, 1}}},
    {MIKEY_DT_RSAR_INIT,
     MIKEY_PT_SIGN,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 2},
      {MIKEY_PT_CERT, 0, MK_MAX_CERTS},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_SIGN, 1, 1}}},
    {MIKEY_DT_PSK_RESP,
     MIKEY_PT_V,
     {{MIKEY_PT_T, 1, 1}, {MIKEY_PT_ID, 0, 1}, {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT}, {MIKEY_PT_V, 1, 1}}},
    {MIKEY_DT_PK_RESP,
     MIKEY_PT_V,
     {{MIKEY_PT_T, 1, 1}, {MIKEY_PT_ID, 0, 1}, {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT}, {MIKEY_PT_V, 1, 1}}},
    {MIKEY_DT_DH_RESP,
     MIKEY_PT_SIGN,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_ID, 1, 2},
      {MIKEY_PT_CERT, 0, MK_MAX_CERTS},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_DH, 0, 2},
      {MIKEY_PT_SIGN, 1, 1}}},
    {MIKEY_DT_DHHMAC_RESP,
     MIKEY_PT_KEMAC,
     {{MIKEY_PT_T, 1, 1},
      {MIKEY_PT_ID, 1, 2},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_DH, 0, 2},
      {MIKEY_PT_KEMAC, 1, 1}}},
    {MIKEY_DT_RSAR_RESP,
     MIKEY_PT_SIGN,
     {{MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_T, 1, 1},
      {MIKEY_PT_RAND, 0, 1},
      {MIKEY_PT_ID, 0, 1},
      {MIKEY_PT_CERT, 0, MK_MAX_CERTS},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_KEMAC, 1, 1},
      {MIKEY_PT_PKE, 1, 1},
      {MIKEY_PT_SIGN, 1, 1}}},
    {MIKEY_DT_ERROR,
     0,
     {{MIKEY_PT_T, 0, 1},
      {MIKEY_PT_ERR, 1, 16},
      {MIKEY_PT_SP, 0, 255},
      {MIKEY_PT_GENEXT, 0, MK_MAX_GENEXT},
      {MIKEY_PT_V, 0, 1},
      {MIKEY_PT_SIGN, 0, 1}}},
};

static int shape_check(const mikey_msg *m)
{
    const mikey_hdr *h = mikey_msg_hdr(m);
    const shape *s = NULL;
    for (size_t i = 0; i < MK_ARRAY_LEN(shapes) && !s; i++)
        if (shapes[i].dt == h->data_type)
            s = &shapes[i];
    if (!s)
        return MIKEY_ERR_UNSUPPORTED_MODE;
    size_t cnt[MK_ARRAY_LEN(s->p)] = {0};
    size_t n = mikey_msg_count(m);
    for (size_t i = 1; i < n; i++) {
        unsigned t = mikey_msg_at(m, i)->type;
        size_t k;
        for (k = 0; k < MK_ARRAY_LEN(s->p) && s->p[k].type != t; k++)
            ;
        if (k == MK_ARRAY_LEN(s->p) || t == 0)
            return MIKEY_ERR_SYNTAX;
        if (++cnt[k] > s->p[k].max)
            return MIKEY_ERR_SYNTAX;
    }
    for (size_t k = 0; k < MK_ARRAY_LEN(s->p); k++)
        if (s->p[k].type && cnt[k] < s->p[k].min)
            return MIKEY_ERR_SYNTAX;
    if (s->last && (n < 2 || mikey_msg_at(m, n - 1)->type != s->last))
        return MIKEY_ERR_SYNTAX;
    return MIKEY_OK;
}

int mk_read_ids(const mikey_msg *msg, unsigned mode, int response, const mikey_payload **idi,
                const mikey_payload **idr)
{
    const mikey_payload *a = mikey_msg_find(msg, MIKEY_PT_ID, 0);
    const mikey_payload *b = mikey_msg_find(msg, MIKEY_PT_ID, 1);
    int dh = mode == MIKEY_MODE_DH || mode == MIKEY_MODE_DHHMAC;
    *idi = *idr = NULL;
    if (!response) {
        /* I_MESSAGE: [IDi], [IDr]. RFC 4650 §3: IDr is mandatory and IDi
         * optional in DH-HMAC, so a lone ID there is IDr. */
        if (b) {
            *idi = a;
            *idr = b;
        } else if (a && mode == MIKEY_MODE_DHHMAC) {
            *idr = a;
        } else {
            *idi = a;
        }
    } else if (dh) {
        /* DH / DH-HMAC R_MESSAGE: [IDr], IDi (IDi mandatory). */
        if (b) {
            *idr = a;
            *idi = b;
        } else {
            *idi = a;
        }
    } else {
        *idr = a; /* HDR, T, [IDr], ... */
    }
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Shared pieces                                                           */
/* ---------------------------------------------------------------------- */

static int ntp_le(uint64_t a, uint64_t b)
{
    int64_t d = mk_ntp_diff_sec(a, b);
    return d < 0 || (d == 0 && (uint32_t)a <= (uint32_t)b);
}

static int msg_hash(const mikey_ctx *ctx, const uint8_t *buf, size_t len, uint8_t h[MK_REPLAY_HASH])
{
    mikey_span s = {buf, len};
    return ctx->ops->digest(MIKEY_HASH_SHA256, &s, 1, h);
}

/* T payload -> 64-bit NTP value for the window check. */
static int ts_value(const mikey_ts *t, uint64_t *out, uint8_t t64[8])
{
    /* A 32-bit COUNTER is no time: it cannot be checked against a clock
     * window, so it cannot protect a responder from replays (§5.4). */
    if (t->ts_type == MIKEY_TS_COUNTER)
        return MIKEY_ERR_TIMESTAMP;
    if (mk_ts_to_t64(t->ts_type, t->value, t64))
        return MIKEY_ERR_TIMESTAMP;
    *out = mk_be64(t64);
    return MIKEY_OK;
}

static void in_clear(mikey_ctx *ctx, mk_in_st *st)
{
    mikey_msg_free(st->msg);
    mikey_msg_free(st->imsg);
    mk_free(&ctx->env, st->plans);
    mk_free(&ctx->env, st->idi_str);
    mk_free(&ctx->env, st->idr_str);
    mk_free(&ctx->env, st->peer_id);
    mk_free(&ctx->env, st->sdp_ids);
    mk_keyset_wipe(&ctx->env, &st->keys);
    mk_wipe(st, sizeof *st);
}

static int parse_fail(const mikey_parse_error *pe, int rc, mk_fail *f)
{
    /* A value the wire cannot size is an algorithm we do not support:
     * report it as such (Table 6.12) rather than as a broken message. */
    if (rc == MIKEY_ERR_UNSUPPORTED) {
        if (pe->payload_type == MIKEY_PT_DH)
            return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
        if (pe->payload_type == MIKEY_PT_KEMAC || pe->payload_type == MIKEY_PT_V)
            return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
        if (pe->payload_type == MIKEY_PT_CHASH)
            return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
        if (pe->payload_type == MIKEY_PT_T)
            return mk_failf(f, MIKEY_ERR_TIMESTAMP, MIKEY_E_INVALID_TS);
    }
    return mk_failf(f, rc, mikey_err_to_rfc3830(rc));
}

static void find_sdp_ids(mk_in_st *st)
{
    const mikey_payload *g;
    for (size_t i = 0; (g = mikey_msg_find(st->msg, MIKEY_PT_GENEXT, i)) != NULL; i++) {
        if (g->u.genext.type != MIKEY_GENEXT_SDP_IDS || st->sdp_ids)
            continue;
        mikey_span d = g->u.genext.data;
        if (memchr(d.p, 0, d.len))
            continue;
        st->sdp_ids = mk_strndup(&st->ctx->env, (const char *)d.p, d.len);
    }
}

static int ids_strings(mk_in_st *st)
{
    int rc;
    if ((rc = mk_id_string(&st->ctx->env, st->idi, &st->idi_str)) ||
        (rc = mk_id_string(&st->ctx->env, st->idr, &st->idr_str)))
        return mk_failf(&st->f, rc, mikey_err_to_rfc3830(rc));
    return MIKEY_OK;
}

/*
 * The random values of one offer or answer (CSB ID, RAND, TGK or TEKs,
 * envelope key, DH seed, SSRCs) come from one call to env->rng: a call to
 * the default environment's DRBG (OpenSSL's: a lock, a fork check through
 * getpid(), an AES-CTR generate and update of its state) costs about three
 * PRFs, and an offer used to make two to four. For the duration of the operation
 * ctx->env is redirected to a pool, as mk_dh_from_seed does (policy.c):
 * the first request fills it with one env->rng call, later ones are served
 * from it, a request larger than what is left goes to env->rng. now and
 * log pass through. Unused bytes are wiped at the end. Nothing made during
 * the operation keeps the pool: the only env copy that outlives it is a DH
 * key pair's, and mk_dh_from_seed redirects that one.
 */
typedef struct rng_pool {
    mikey_env orig;
    uint8_t buf[64]; /* CSB ID + RAND + 32 bytes of keys or DH seed, and spare */
    size_t off, len;
} rng_pool;

static int pool_rng(uint8_t *out, size_t len, void *ud)
{
    rng_pool *p = ud;
    if (p->off == p->len && len <= sizeof p->buf) {
        if (p->orig.rng(p->buf, sizeof p->buf, p->orig.user_data) != 0)
            return -1;
        p->off = 0;
        p->len = sizeof p->buf;
    }
    if (len > p->len - p->off)
        return p->orig.rng(out, len, p->orig.user_data);
    memcpy(out, p->buf + p->off, len);
    mk_wipe(p->buf + p->off, len);
    p->off += len;
    return 0;
}

static uint64_t pool_now(void *ud)
{
    rng_pool *p = ud;
    return p->orig.now(p->orig.user_data);
}

static void pool_log(int level, const char *msg, void *ud)
{
    rng_pool *p = ud;
    p->orig.log(level, msg, p->orig.user_data);
}

static void pool_begin(mikey_ctx *ctx, rng_pool *p)
{
    memset(p, 0, sizeof *p);
    p->orig = ctx->env;
    if (!ctx->env.rng)
        return; /* nothing to batch: mk_random reports the missing callback */
    ctx->env.rng = pool_rng;
    ctx->env.now = p->orig.now ? pool_now : NULL;
    ctx->env.log = p->orig.log ? pool_log : NULL;
    ctx->env.user_data = p;
}

static void pool_end(mikey_ctx *ctx, rng_pool *p)
{
    ctx->env = p->orig;
    mk_wipe(p->buf, sizeof p->buf);
}

/* ---------------------------------------------------------------------- */
/* Initiator: offer                                                        */
/* ---------------------------------------------------------------------- */

int mk_offer_sps(mikey_msg *m, const mk_offer_st *of)
{
    int rc = mk_b_sps_for_plans(m, of->plans, of->n);
    if (rc || !of->o->alt_sps)
        return rc;
    /* RFC 3830 §6.10: each SP has a distinct Policy no; SPs no crypto
     * session maps to are the alternatives a negotiating responder may
     * choose (negotiate.h), the others ignore them. */
    const mikey_srtp_params *list;
    size_t nlist = mk_policy_srtp(of->ctx->policy, &list);
    for (size_t i = 0; i < nlist && i < 256 && rc == MIKEY_OK; i++) {
        int used = 0;
        for (size_t j = 0; j < of->n && !used; j++)
            used = of->plans[j].policy_no == i;
        if (!used)
            rc = mk_b_sp(m, (uint8_t)i, &list[i]);
    }
    return rc;
}

int mk_offer_exts(mikey_msg *m, const mk_offer_st *of)
{
    const mikey_offer_opts *o = of->o;
    int rc = MIKEY_OK;
    if (o->sdp_ids) {
        /* RFC 4567 §4.1.4 / RFC 4650 §4.4: the SDP IDs list, integrity
         * protected by the MAC or signature. */
        mikey_span s = {(const uint8_t *)o->sdp_ids, strlen(o->sdp_ids)};
        rc = mk_b_genext(m, MIKEY_GENEXT_SDP_IDS, s);
    }
    for (size_t i = 0; i < o->next && rc == MIKEY_OK; i++)
        rc = mk_b_genext(m, o->ext[i].type, o->ext[i].data);
    return rc;
}

int mk_keys_from_pending(mikey_ctx *ctx, const mk_pending *p, unsigned prf, uint32_t csb_id, mikey_span rand,
                             const mk_cs_plan *plans, size_t n, const mk_keyset *prev, mk_keyset *out, mk_fail *f)
{
    mikey_msg *chain = NULL;
    int rc = mikey_chain_parse(&ctx->env, p->keys_first, p->keys, p->keys_len, NULL, &chain, NULL);
    if (rc)
        return mk_failf(f, rc == MIKEY_ERR_NOMEM ? rc : MIKEY_ERR_INTERNAL, MK_NO_ERRMSG);
    size_t first = p->keys_first == MIKEY_PT_ID ? 1 : 0;
    rc = mk_keys_from_chain(ctx->ops, &ctx->env, prf, csb_id, rand, chain, first, plans, n, prev, out, f);
    mikey_msg_free(chain);
    return rc;
}

static int offer_inner(mk_offer_st *of, const mk_mode_ops *mops, uint64_t *t_used)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    int rc;
    uint64_t now, t;
    if ((rc = mk_now(&ctx->env, &now)))
        return rc;
    /* §5.2: "all messages from the Initiator MUST use a unique timestamp". */
    t = now;
    if (ctx->last_t && ntp_le(t, ctx->last_t))
        t = ctx->last_t + 1;
    mk_put64(of->t, t);
    *t_used = t;

    if (of->update) {
        of->csb_id = ctx->csb_id;
        of->prf = ctx->prf;
        of->rand.p = ctx->rand;
        of->rand.len = ctx->rand_len;
    } else {
        of->csb_id = o->csb_id;
        /* §6.1: "RECOMMENDED that the CSB ID be chosen at random". An RNG
         * that keeps returning zeros is broken: bounded retries. */
        for (int tries = 0; of->csb_id == 0; tries++) {
            uint8_t b[4];
            if (tries == 16)
                return MIKEY_ERR_CALLBACK;
            if ((rc = mk_random(&ctx->env, b, 4)))
                return rc;
            of->csb_id = mk_be32(b);
        }
        of->prf = (uint8_t)ctx->policy->prf;
        if ((rc = mk_random(&ctx->env, of->rand_buf, MK_RAND_LEN)))
            return rc;
        of->rand_new.p = of->rand_buf;
        of->rand_new.len = MK_RAND_LEN;
        of->rand = of->rand_new;
    }
    const mikey_srtp_params *list;
    size_t nlist = mk_policy_srtp(ctx->policy, &list);
    of->n = o->nstreams;
    if (of->n && !(of->plans = mk_calloc(&ctx->env, of->n, sizeof *of->plans)))
        return MIKEY_ERR_NOMEM;
    for (size_t i = 0; i < of->n; i++) {
        if (o->streams[i].srtp_index >= nlist || o->streams[i].srtp_index > 255)
            return MIKEY_ERR_INVALID_ARG;
        of->plans[i].policy_no = (uint8_t)o->streams[i].srtp_index;
        of->plans[i].ssrc = o->streams[i].ssrc;
        of->plans[i].roc = o->streams[i].roc;
        of->plans[i].srtp = list[o->streams[i].srtp_index];
        of->plans[i].has_sp = 1;
    }
    /* A key-less update (keep_keys) starts no new key generation: the
     * crypto sessions keep their keys and MKIs (RFC 3830 §4.5). */
    of->keygen = o->keep_keys ? ctx->keygen : ctx->keygen + 1;
    if ((rc = mops->offer(of)))
        return rc;
    if (!(of->pend.imsg = mk_malloc(&ctx->env, of->outlen)))
        return MIKEY_ERR_NOMEM;
    memcpy(of->pend.imsg, of->out, of->outlen);
    of->pend.imsg_len = of->outlen;
    if (o->peer_id && !(of->pend.peer_id = mk_strndup(&ctx->env, o->peer_id, strlen(o->peer_id))))
        return MIKEY_ERR_NOMEM;
    if (of->rand.len <= sizeof of->pend.rand) {
        memcpy(of->pend.rand, of->rand.p, of->rand.len);
        of->pend.rand_len = of->rand.len;
    }
    return MIKEY_OK;
}

int mikey_offer(mikey_ctx *ctx, const mikey_offer_opts *o, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!ctx || !o || !outlen)
        return MIKEY_ERR_INVALID_ARG;
    *outlen = 0;
    const mk_mode_ops *mops = mk_mode_get(o->mode);
    if (!mops || o->nstreams > MK_MAX_CS || (o->nstreams && !o->streams) || (!out && cap) || o->next > 4 ||
        (o->next && !o->ext) || (o->alt_sps && o->salt_mode == 2))
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < o->next; i++)
        if ((!o->ext[i].data.p && o->ext[i].data.len) || o->ext[i].data.len > 0xffff)
            return MIKEY_ERR_INVALID_ARG;
    if (ctx->role == MK_ROLE_RESPONDER || ctx->state == MIKEY_STATE_FAILED)
        return MIKEY_ERR_STATE;
    int update = ctx->has_csb;
    if (update && o->mode != ctx->mode)
        return MIKEY_ERR_INVALID_ARG; /* §4.5: an update keeps the CSB (and its method) */
    /* keep_keys: an update without new keying material (RFC 3830 §4.5,
     * RFC 4650 §3.1 b), so only on an established CSB. Not in RSA-R: there
     * the responder chooses the keys (RFC 4738 §3), and not with a TGK. */
    if (o->keep_keys && (!update || o->mode == MIKEY_MODE_RSAR || o->tgk))
        return MIKEY_ERR_INVALID_ARG;

    mk_offer_st of;
    memset(&of, 0, sizeof of);
    of.ctx = ctx;
    of.o = o;
    of.update = update;
    of.out = out;
    of.cap = cap;
    uint64_t t = 0;
    mk_keyset keys;
    memset(&keys, 0, sizeof keys);
    rng_pool pool;
    pool_begin(ctx, &pool);
    int rc = offer_inner(&of, mops, &t);
    pool_end(ctx, &pool);
    if (rc == MIKEY_OK && of.established) {
        mk_fail f = {0, MK_NO_ERRMSG, 0};
        /* Mirror of the responder's "implicit-cs" reading (csb.c): an
         * initial PSK-type I_MESSAGE without V and with #CS = 0 keys one
         * crypto session, SSRC 0, SRTP defaults — on both sides alike. */
        mk_cs_plan implicit;
        const mk_cs_plan *plans = of.plans;
        size_t nplans = of.n;
        if (nplans == 0 && !update && (o->mode == MIKEY_MODE_PSK || o->mode == MIKEY_MODE_NULL)) {
            memset(&implicit, 0, sizeof implicit);
            plans = &implicit;
            nplans = 1;
        }
        rc = mk_keys_from_pending(ctx, &of.pend, of.prf, of.csb_id, of.rand, plans, nplans,
                                  update ? &ctx->keys : NULL, &keys, &f);
    }
    if (rc) {
        if (rc == MIKEY_ERR_NOBUF)
            *outlen = of.outlen;
        mk_pending_clear(ctx, &of.pend);
        mk_free(&ctx->env, of.plans);
        mk_wipe(&of, sizeof of);
        return rc;
    }
    /* Our own I_MESSAGE goes into a shared replay cache: a reflection of it
     * to a responder context of ours is then refused. The context's own
     * cache is skipped: an initiator context never answers, so nothing
     * would ever look there (and the message hash costs about a PRF). */
    uint8_t h[MK_REPLAY_HASH];
    uint64_t now = 0;
    if (ctx->replay != ctx->own_replay && msg_hash(ctx, out, of.outlen, h) == MIKEY_OK &&
        mk_now(&ctx->env, &now) == MIKEY_OK)
        mk_replay_insert(ctx->replay, now, t, h);

    mk_pending_clear(ctx, &ctx->pend);
    ctx->pend = of.pend;
    ctx->role = MK_ROLE_INITIATOR;
    ctx->mode = o->mode;
    ctx->csb_id = of.csb_id;
    ctx->prf = of.prf;
    if (!update) {
        memcpy(ctx->rand, of.rand.p, of.rand.len);
        ctx->rand_len = of.rand.len;
    }
    ctx->last_t = t;
    ctx->keygen = of.keygen;
    ctx->peer_error = -1;
    if (of.established) {
        mk_keyset_wipe(&ctx->env, &ctx->keys);
        ctx->keys = keys;
        mk_free(&ctx->env, ctx->peer_id);
        ctx->peer_id = ctx->pend.peer_id; /* the intended peer: no response authenticates it */
        ctx->pend.peer_id = NULL;
        mk_pending_clear(ctx, &ctx->pend);
        ctx->state = MIKEY_STATE_ESTABLISHED;
        ctx->has_csb = 1;
    } else {
        ctx->state = MIKEY_STATE_OFFERED;
    }
    mk_free(&ctx->env, of.plans);
    *outlen = of.outlen;
    mk_wipe(&of, sizeof of);
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Responder: answer                                                       */
/* ---------------------------------------------------------------------- */

static unsigned mode_of_dt(unsigned dt)
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

static int response_due(const mk_in_st *st)
{
    return st->mode == MIKEY_MODE_DH || st->mode == MIKEY_MODE_DHHMAC || st->mode == MIKEY_MODE_RSAR || st->hdr->v;
}

static int fill_ssrcs(mk_in_st *st)
{
    /* RFC 3830 §6.1.1: SSRCs the initiator could not choose are 0 and "the
     * Responder fills in these fields in the response message". Only when
     * a response carries them back. */
    if (!response_due(st))
        return MIKEY_OK;
    for (size_t i = 0; i < st->n; i++) {
        for (int tries = 0; st->plans[i].ssrc == 0; tries++) {
            uint8_t b[4];
            int rc = tries == 64 ? MIKEY_ERR_CALLBACK : mk_random(&st->ctx->env, b, 4);
            if (rc)
                return mk_failf(&st->f, rc, MIKEY_E_UNSPECIFIED);
            uint32_t s = mk_be32(b);
            for (size_t j = 0; j < st->n && s; j++)
                if (st->plans[j].ssrc == s)
                    s = 0; /* SRTP needs distinct SSRCs per key (RFC 3711 §9.1) */
            st->plans[i].ssrc = s;
        }
    }
    return MIKEY_OK;
}

static int check_sps(mk_in_st *st)
{
    for (size_t i = 0; i < st->n; i++) {
        unsigned bad = 0, val = 0;
        if (mk_srtp_acceptable(st->ctx->policy, &st->plans[i].srtp, &bad, &val) != MIKEY_OK) {
            mk_log(&st->ctx->env, MIKEY_LOG_WARN, "MIKEY: SP policy %u of CS %zu not acceptable: %s = %u",
                   st->plans[i].policy_no, i + 1, mikey_srtp_param_name(bad), val);
            st->f.with_sps = 1;
            return mk_failf(&st->f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
        }
    }
    return MIKEY_OK;
}

/* The SP payload of msg numbered policy_no (the last, as the plans read
 * it) as SRTP params; MIKEY_ERR_NOT_FOUND / MIKEY_ERR_POLICY. */
static int sp_params(const mikey_msg *msg, int policy_no, mikey_srtp_params *out)
{
    const mikey_payload *sp = NULL, *x;
    for (size_t k = 0; (x = mikey_msg_find(msg, MIKEY_PT_SP, k)) != NULL; k++)
        if (x->u.sp.policy_no == policy_no)
            sp = x;
    if (!sp)
        return MIKEY_ERR_NOT_FOUND;
    if (sp->u.sp.prot_type != MIKEY_PROT_SRTP || mikey_srtp_params_from_sp(&sp->u.sp, out) != MIKEY_OK)
        return MIKEY_ERR_POLICY;
    return MIKEY_OK;
}

/* Negotiation (mikey_ctx_set_sp_choice): every crypto session takes the
 * chosen alternative; the response map tells the initiator. */
static int choose_sp(mk_in_st *st)
{
    int c = st->ctx->sp_choice;
    if (c < 0 || st->n == 0)
        return MIKEY_OK;
    int differs = 0;
    for (size_t i = 0; i < st->n; i++)
        differs |= st->plans[i].policy_no != c;
    if (!differs)
        return MIKEY_OK;
    if (!response_due(st)) /* the initiator could not learn the choice */
        return mk_failf(&st->f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SP);
    mikey_srtp_params p;
    int rc = sp_params(st->msg, c, &p);
    if (rc) {
        st->f.with_sps = 1;
        return mk_failf(&st->f, MIKEY_ERR_POLICY, rc == MIKEY_ERR_NOT_FOUND ? MIKEY_E_INVALID_SP : MIKEY_E_INVALID_SPPAR);
    }
    for (size_t i = 0; i < st->n; i++) {
        st->plans[i].policy_no = (uint8_t)c;
        st->plans[i].srtp = p;
        st->plans[i].has_sp = 1;
    }
    return MIKEY_OK;
}

static int answer_inner(mk_in_st *st)
{
    mikey_ctx *ctx = st->ctx;
    const mikey_policy *pol = ctx->policy;
    mikey_parse_error pe;
    int rc;

    if ((rc = mk_now(&ctx->env, &st->now)))
        return mk_failf(&st->f, rc, MK_NO_ERRMSG);
    if ((rc = mikey_msg_parse(&ctx->env, st->buf, st->len, NULL, &st->msg, &pe)))
        return parse_fail(&pe, rc, &st->f);
    st->hdr = mikey_msg_hdr(st->msg);

    if (st->hdr->data_type == MIKEY_DT_ERROR) {
        /* Never answer an Error with an Error (no loops): record it. */
        if (shape_check(st->msg) == MIKEY_OK)
            ctx->peer_error = mk_error_no(st->msg);
        return mk_failf(&st->f, MIKEY_ERR_PEER_ERROR, MK_NO_ERRMSG);
    }
    st->mode = mode_of_dt(st->hdr->data_type);
    if (!st->mode) {
        /* A response type fed to a responder (reflection) or a data type we
         * do not implement. */
        return mk_failf(&st->f, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    }
    if ((rc = shape_check(st->msg)))
        return mk_failf(&st->f, rc, MIKEY_E_UNSUPPORTED_MSG_TYPE);

    /* §5.3 step 1: timestamp within the skew, not replayed. */
    st->t = mikey_msg_find(st->msg, MIKEY_PT_T, 0);
    uint64_t tv = 0;
    uint8_t h[MK_REPLAY_HASH];
    if ((rc = ts_value(&st->t->u.ts, &tv, st->t64)))
        return mk_failf(&st->f, rc, MIKEY_E_INVALID_TS);
    if ((rc = msg_hash(ctx, st->buf, st->len, h)))
        return mk_failf(&st->f, rc, MIKEY_E_UNSPECIFIED);
    if ((rc = mk_replay_check(ctx->replay, st->now, tv, h))) {
        mk_log(&ctx->env, MIKEY_LOG_WARN, "MIKEY: %s",
               rc == MIKEY_ERR_REPLAY ? "replayed message" : "stale or future timestamp");
        return mk_failf(&st->f, rc, MIKEY_E_INVALID_TS);
    }

    /* Downgrade: PRF (Table 6.1.c; MIKEY-1 < PRF-HMAC-SHA-256). */
    if (st->hdr->prf > MIKEY_PRF_HMAC_SHA256 || st->hdr->prf < pol->min_prf)
        return mk_failf(&st->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_PRF);

    /* PSK data type with a NULL/NULL KEMAC is MIKEY-NULL. */
    if (st->mode == MIKEY_MODE_PSK) {
        const mikey_kemac *k = &mikey_msg_find(st->msg, MIKEY_PT_KEMAC, 0)->u.kemac;
        if (k->encr_alg == MIKEY_ENCR_NULL && k->mac_alg == MIKEY_MAC_NULL)
            st->mode = MIKEY_MODE_NULL;
    }
    if (!(pol->modes & MIKEY_MODE_BIT(st->mode))) {
        mk_log(&ctx->env, MIKEY_LOG_WARN, "MIKEY: mode %s not allowed by policy", mikey_mode_name(st->mode));
        if (st->mode == MIKEY_MODE_NULL)
            return mk_failf(&st->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
        return mk_failf(&st->f, MIKEY_ERR_UNSUPPORTED_MODE, MIKEY_E_INVALID_DT);
    }
    const mk_mode_ops *mops = mk_mode_get(st->mode);

    /* Initial exchange or update of the established CSB (§4.5). */
    st->randp = mikey_msg_find(st->msg, MIKEY_PT_RAND, 0);
    if (ctx->state == MIKEY_STATE_ESTABLISHED) {
        if (st->hdr->csb_id != ctx->csb_id || st->randp || st->mode != ctx->mode)
            return mk_failf(&st->f, MIKEY_ERR_STATE, MIKEY_E_UNSPECIFIED);
        st->update = 1;
        st->prev = &ctx->keys;
        st->rand.p = ctx->rand;
        st->rand.len = ctx->rand_len;
    } else if (st->randp) {
        st->rand = st->randp->u.rand.data;
    } else if (st->mode != MIKEY_MODE_RSAR && st->mode != MIKEY_MODE_NULL) {
        /* §3: RAND "is always included in the first message". MIKEY-NULL is
         * exempt (named leniency: the ONVIF example has none). RSA-R: the
         * responder supplies it (RFC 4738 §3.6). */
        return mk_failf(&st->f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    }

    mk_read_ids(st->msg, st->mode, 0, &st->idi, &st->idr);
    if ((rc = ids_strings(st)))
        return rc;
    if (st->idr_str && ctx->creds->identity && strcmp(st->idr_str, ctx->creds->identity) != 0) {
        /* Not for us: a misdirected or reflected message. */
        mk_log(&ctx->env, MIKEY_LOG_WARN, "MIKEY: IDr '%s' is not our identity", st->idr_str);
        return mk_failf(&st->f, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    }

    if ((rc = mops->check(st)))
        return rc;
    if ((rc = mk_plans_from_msg(&ctx->env, st->msg, &st->plans, &st->n, &st->f)) || (rc = choose_sp(st)) ||
        (rc = check_sps(st)) || (rc = fill_ssrcs(st)))
        return rc;

    if ((rc = mops->answer(st)))
        return rc;
    find_sdp_ids(st);
    if (st->update && ctx->peer_id && (!st->peer_id || strcmp(ctx->peer_id, st->peer_id) != 0))
        return mk_failf(&st->f, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID); /* only the CSB's peer updates it */
    /* Step 10: authenticated and processed; now it may enter the cache. */
    mk_replay_insert(ctx->replay, st->now, tv, h);
    return MIKEY_OK;
}

int mikey_answer(mikey_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!ctx || !in || !outlen || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    *outlen = 0;
    if (ctx->role == MK_ROLE_INITIATOR)
        return MIKEY_ERR_STATE;
    if (ctx->state != MIKEY_STATE_NEW && ctx->state != MIKEY_STATE_ESTABLISHED)
        return MIKEY_ERR_STATE;
    mk_in_st st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.buf = in;
    st.len = len;
    st.out = out;
    st.cap = cap;
    st.f.rfc = MK_NO_ERRMSG;
    rng_pool pool;
    pool_begin(ctx, &pool);
    int rc = answer_inner(&st);
    pool_end(ctx, &pool);
    if (rc == MIKEY_OK) {
        mk_keyset_wipe(&ctx->env, &ctx->keys);
        ctx->keys = st.keys;
        memset(&st.keys, 0, sizeof st.keys);
        mk_free(&ctx->env, ctx->peer_id);
        ctx->peer_id = st.peer_id;
        st.peer_id = NULL;
        if (st.sdp_ids || !st.update) {
            mk_free(&ctx->env, ctx->sdp_ids);
            ctx->sdp_ids = st.sdp_ids;
            st.sdp_ids = NULL;
        }
        ctx->csb_id = st.hdr->csb_id;
        ctx->prf = st.hdr->prf;
        if (st.rand.p != ctx->rand) {
            if (st.rand.len)
                memmove(ctx->rand, st.rand.p, st.rand.len);
            ctx->rand_len = st.rand.len;
        }
        ctx->mode = st.mode;
        ctx->role = MK_ROLE_RESPONDER;
        ctx->state = MIKEY_STATE_ESTABLISHED;
        ctx->has_csb = 1;
        *outlen = st.outlen;
    } else if (rc == MIKEY_ERR_NOBUF) {
        *outlen = st.outlen;
    } else {
        int err = st.f.err ? st.f.err : rc;
        rc = err;
        if (st.f.rfc != MK_NO_ERRMSG && out) {
            const mikey_hdr *hdr = st.hdr;
            mikey_hdr h0;
            if (!hdr && len >= 8 && in[0] == 1) {
                /* Unparseable: still name the CSB the message claimed. */
                memset(&h0, 0, sizeof h0);
                h0.prf = in[3] & 0x7f;
                h0.csb_id = mk_be32(in + 4);
                hdr = &h0;
            }
            size_t el = 0;
            if (mk_error_msg(ctx, hdr, st.t ? &st.t->u.ts : NULL, st.f.rfc, st.f.with_sps, out, cap, &el) ==
                MIKEY_OK)
                *outlen = el;
        }
        mk_log(&ctx->env, MIKEY_LOG_INFO, "MIKEY answer failed: %s", mikey_err_name(rc));
    }
    in_clear(ctx, &st);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Initiator: finish                                                       */
/* ---------------------------------------------------------------------- */

static int update_plans_from_response(mk_in_st *st)
{
    const mikey_hdr *h = st->hdr;
    if (h->ncs == 0)
        return MIKEY_OK; /* no map echoed: keep ours */
    if (h->map_type != MIKEY_MAP_SRTP_ID || h->ncs != st->n)
        return mk_failf(&st->f, MIKEY_ERR_FIELD, MK_NO_ERRMSG);
    for (size_t i = 0; i < st->n; i++) {
        mikey_srtp_cs cs;
        if (mikey_hdr_srtp_cs(h, i, &cs) || cs.roc != st->plans[i].roc ||
            (st->plans[i].ssrc && cs.ssrc != st->plans[i].ssrc))
            return mk_failf(&st->f, MIKEY_ERR_FIELD, MK_NO_ERRMSG);
        if (cs.policy_no != st->plans[i].policy_no) {
            /* Negotiation: the responder chose an alternative SP; only one
             * our own I_MESSAGE offered (as RFC 4738 §3.7 for RSA-R). */
            mikey_srtp_params p;
            if (sp_params(st->imsg, cs.policy_no, &p) != MIKEY_OK)
                return mk_failf(&st->f, MIKEY_ERR_FIELD, MK_NO_ERRMSG);
            st->plans[i].policy_no = cs.policy_no;
            st->plans[i].srtp = p;
            st->plans[i].has_sp = 1;
        }
        st->plans[i].ssrc = cs.ssrc; /* the responder filled our placeholders (§6.1.1) */
    }
    return MIKEY_OK;
}

static int finish_inner(mk_in_st *st)
{
    mikey_ctx *ctx = st->ctx;
    const mk_mode_ops *mops = mk_mode_get(ctx->mode);
    int rc;
    if ((rc = mk_now(&ctx->env, &st->now)))
        return mk_failf(&st->f, rc, MK_NO_ERRMSG);
    if ((rc = mikey_msg_parse(&ctx->env, st->buf, st->len, NULL, &st->msg, NULL)))
        return mk_failf(&st->f, rc, MK_NO_ERRMSG);
    st->hdr = mikey_msg_hdr(st->msg);
    if (st->hdr->data_type == MIKEY_DT_ERROR) {
        if (shape_check(st->msg))
            return mk_failf(&st->f, MIKEY_ERR_SYNTAX, MK_NO_ERRMSG);
        if (st->hdr->csb_id != ctx->csb_id && st->hdr->csb_id != 0)
            return mk_failf(&st->f, MIKEY_ERR_FIELD, MK_NO_ERRMSG); /* not about our offer */
        /* §5.1.2: an unauthenticated Error is a recommendation; the offer
         * stays pending. */
        ctx->peer_error = mk_error_no(st->msg);
        return mk_failf(&st->f, MIKEY_ERR_PEER_ERROR, MK_NO_ERRMSG);
    }
    if (st->hdr->data_type != mops->dt_resp) {
        /* e.g. our own I_MESSAGE reflected back to us */
        return mk_failf(&st->f, MIKEY_ERR_UNSUPPORTED_MODE, MK_NO_ERRMSG);
    }
    if ((rc = shape_check(st->msg)))
        return mk_failf(&st->f, rc, MK_NO_ERRMSG);
    if (st->hdr->csb_id != ctx->csb_id)
        return mk_failf(&st->f, MIKEY_ERR_FIELD, MK_NO_ERRMSG);
    if (st->hdr->prf != ctx->prf)
        return mk_failf(&st->f, MIKEY_ERR_ALGORITHM, MK_NO_ERRMSG);
    if ((rc = mikey_msg_parse(&ctx->env, ctx->pend.imsg, ctx->pend.imsg_len, NULL, &st->imsg, NULL)))
        return mk_failf(&st->f, rc == MIKEY_ERR_NOMEM ? rc : MIKEY_ERR_INTERNAL, MK_NO_ERRMSG);

    /* §5.2: the responder reuses the initiator's timestamp. This binds the
     * response to this offer (an old response, even of the same CSB, has
     * another T). */
    st->t = mikey_msg_find(st->msg, MIKEY_PT_T, 0);
    const mikey_payload *it = mikey_msg_find(st->imsg, MIKEY_PT_T, 0);
    if (st->t->u.ts.ts_type != it->u.ts.ts_type || st->t->u.ts.value.len != it->u.ts.value.len ||
        memcmp(st->t->u.ts.value.p, it->u.ts.value.p, it->u.ts.value.len) != 0)
        return mk_failf(&st->f, MIKEY_ERR_TIMESTAMP, MK_NO_ERRMSG);
    if ((rc = mk_ts_to_t64(it->u.ts.ts_type, it->u.ts.value, st->t64)))
        return mk_failf(&st->f, MIKEY_ERR_INTERNAL, MK_NO_ERRMSG);

    st->mode = ctx->mode;
    st->update = ctx->has_csb;
    st->prev = ctx->has_csb ? &ctx->keys : NULL;
    st->rand.p = ctx->pend.rand;
    st->rand.len = ctx->pend.rand_len;
    st->randp = mikey_msg_find(st->msg, MIKEY_PT_RAND, 0);
    mk_read_ids(st->msg, st->mode, 1, &st->idi, &st->idr);
    mk_read_ids(st->imsg, st->mode, 0, &st->i_idi, &st->i_idr);
    if ((rc = ids_strings(st)))
        return rc;
    if (st->mode == MIKEY_MODE_RSAR) {
        /* RFC 4738 §3.6: the responder fills the CS map and chooses the SP. */
        if ((rc = mk_plans_from_msg(&ctx->env, st->msg, &st->plans, &st->n, &st->f)))
            return rc;
    } else {
        if ((rc = mk_plans_from_msg(&ctx->env, st->imsg, &st->plans, &st->n, &st->f)) ||
            (rc = update_plans_from_response(st)))
            return rc;
    }
    if ((rc = mops->finish(st)))
        return rc;
    find_sdp_ids(st);
    return MIKEY_OK;
}

int mikey_finish(mikey_ctx *ctx, const uint8_t *in, size_t len)
{
    if (!ctx || !in)
        return MIKEY_ERR_INVALID_ARG;
    if (ctx->role != MK_ROLE_INITIATOR)
        return MIKEY_ERR_STATE;
    if (ctx->state == MIKEY_STATE_ESTABLISHED) {
        /* No response was due (V = 0), but "all errors SHOULD be reported"
         * (RFC 3830 §5.1.2): an Error message about our CSB is reported as
         * the peer's error; the keys stay (an unauthenticated Error is a
         * recommendation). Anything else is out of place. */
        mikey_msg *m = NULL;
        int rc = MIKEY_ERR_STATE;
        if (mikey_msg_parse(&ctx->env, in, len, NULL, &m, NULL) == MIKEY_OK) {
            const mikey_hdr *h = mikey_msg_hdr(m);
            if (h->data_type == MIKEY_DT_ERROR && !shape_check(m) && (h->csb_id == ctx->csb_id || h->csb_id == 0)) {
                ctx->peer_error = mk_error_no(m);
                rc = MIKEY_ERR_PEER_ERROR;
            }
        }
        mikey_msg_free(m);
        return rc;
    }
    if (ctx->state != MIKEY_STATE_OFFERED)
        return MIKEY_ERR_STATE;
    mk_in_st st;
    memset(&st, 0, sizeof st);
    st.ctx = ctx;
    st.buf = in;
    st.len = len;
    st.f.rfc = MK_NO_ERRMSG;
    int rc = finish_inner(&st);
    if (rc == MIKEY_OK) {
        mk_keyset_wipe(&ctx->env, &ctx->keys);
        ctx->keys = st.keys;
        memset(&st.keys, 0, sizeof st.keys);
        mk_free(&ctx->env, ctx->peer_id);
        if (st.peer_id) {
            ctx->peer_id = st.peer_id;
            st.peer_id = NULL;
        } else {
            ctx->peer_id = ctx->pend.peer_id;
            ctx->pend.peer_id = NULL;
        }
        if (st.sdp_ids) {
            mk_free(&ctx->env, ctx->sdp_ids);
            ctx->sdp_ids = st.sdp_ids;
            st.sdp_ids = NULL;
        }
        if (st.rand.len && st.rand.p != ctx->rand) {
            memmove(ctx->rand, st.rand.p, st.rand.len);
            ctx->rand_len = st.rand.len;
        }
        mk_pending_clear(ctx, &ctx->pend);
        ctx->state = MIKEY_STATE_ESTABLISHED;
        ctx->has_csb = 1;
        ctx->peer_error = -1;
    } else {
        rc = st.f.err ? st.f.err : rc;
        mk_log(&ctx->env, MIKEY_LOG_INFO, "MIKEY finish failed: %s", mikey_err_name(rc));
    }
    in_clear(ctx, &st);
    return rc;
}
