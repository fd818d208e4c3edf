/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The message model: HDR + payload list, the Next-payload chain walk,
 * raw-span bookkeeping (so MACs and signatures can be computed over the
 * exact received bytes), building by deep copy, and encoding.
 */
#include "wire/wire.h"

typedef struct arena_blk {
    struct arena_blk *next;
    size_t len;
    /* data follows */
} arena_blk;

struct mikey_msg {
    mikey_env env;
    int chain;          /* header-less chain */
    int parsed;         /* spans point into the caller's input */
    mikey_payload *pl;
    size_t n, cap;
    unsigned leniencies;
    arena_blk *arena;
};

void mikey_limits_default(mikey_limits *lim)
{
    if (!lim)
        return;
    lim->max_msg_len = 65536;
    lim->max_payloads = 64;
    lim->max_id_len = 2048;
    lim->max_cert_len = 16384;
    lim->max_sp_params = 64;
    lim->max_depth = 4;
}

static int push(mikey_msg *m, const mikey_payload *pl)
{
    if (m->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 8;
        mikey_payload *np = mk_realloc(&m->env, m->pl, ncap * sizeof *np);
        if (!np)
            return MIKEY_ERR_NOMEM;
        m->pl = np;
        m->cap = ncap;
    }
    m->pl[m->n++] = *pl;
    return MIKEY_OK;
}

/* Walk a payload chain starting with type `first`, storing into m (or only
 * validating when m is NULL). index0 is the message index of the first one. */
static int parse_chain(mk_dctx *d, mk_rd *r, unsigned first, mikey_msg *m, int index0)
{
    unsigned next = first;
    size_t count = 0;
    const char *prev = "HDR";
    int rc;

    for (;;) {
        if (next == MIKEY_PT_LAST)
            break;
        if (next == MK_NEXT_NONE) { /* after SIGN, which has no Next payload */
            if (mk_rd_left(r))
                return mk_fail(d, MIKEY_ERR_TRAILING, r->p, "", "%zu byte%s after SIGN, which must be the last payload",
                               mk_rd_left(r), mk_rd_left(r) == 1 ? "" : "s");
            return MIKEY_OK;
        }
        d->cur_type = next;
        d->cur_index = index0 + (int)count;
        const mk_codec *c = mk_codec_find(next);
        if (!c)
            return mk_fail(d, MIKEY_ERR_UNKNOWN_PAYLOAD, r->p, "Next payload",
                           "%s names next payload type %u, which is not a known MIKEY payload", prev, next);
        if (mk_rd_left(r) == 0)
            return mk_fail(d, MIKEY_ERR_TRUNCATED, r->p, "", "%s names a next payload (%s) but the input ends", prev,
                           mikey_pt_name(next));
        if (++count > d->lim->max_payloads)
            return mk_fail(d, MIKEY_ERR_LIMIT, r->p, "", "more than %zu payloads", d->lim->max_payloads);
        mikey_payload pl;
        memset(&pl, 0, sizeof pl);
        pl.type = next;
        pl.offset = (size_t)(r->p - d->base);
        const uint8_t *start = r->p;
        if ((rc = c->decode(d, r, &pl, &next)))
            return rc;
        pl.raw.p = start;
        pl.raw.len = (size_t)(r->p - start);
        if (m && (rc = push(m, &pl)))
            return rc;
        prev = mikey_pt_name(pl.type);
    }
    if (mk_rd_left(r))
        return mk_fail(d, MIKEY_ERR_TRAILING, r->p, "", "%zu byte%s after the last payload (%s, Next payload = 0)",
                       mk_rd_left(r), mk_rd_left(r) == 1 ? "" : "s", prev);
    return MIKEY_OK;
}

int mk_chain_validate_prefixed(mk_dctx *d, mikey_span s)
{
    if (s.len == 0)
        return MIKEY_OK;
    if (d->depth + 1 > d->lim->max_depth)
        return mk_fail(d, MIKEY_ERR_LIMIT, s.p, "", "payloads nested deeper than %zu", d->lim->max_depth);
    d->depth++;
    mk_rd r = {s.p + 1, s.p + s.len};
    int rc = parse_chain(d, &r, s.p[0], NULL, 0);
    d->depth--;
    return rc;
}

static int parse_msg(mk_dctx *d, const uint8_t *buf, size_t len, mikey_msg *m, size_t empty_info_len)
{
    mk_rd r = {buf, buf + len};
    mikey_payload pl;
    unsigned next;
    int rc;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_HDR;
    d->cur_type = MIKEY_PT_HDR;
    d->cur_index = 0;
    if ((rc = mk_hdr_decode(d, &r, &pl, &next, empty_info_len)))
        return rc;
    pl.raw.p = buf;
    pl.raw.len = (size_t)(r.p - buf);
    if ((rc = push(m, &pl)))
        return rc;
    return parse_chain(d, &r, next, m, 1);
}

static void msg_reset(mikey_msg *m)
{
    m->n = 0;
    m->leniencies = 0;
}

static int msg_alloc(const mikey_env *env, int chain, mikey_msg **out)
{
    mikey_env e;
    mk_env_init(&e, env);
    mikey_msg *m = mk_calloc(&e, 1, sizeof *m);
    if (!m)
        return MIKEY_ERR_NOMEM;
    m->env = e;
    m->chain = chain;
    *out = m;
    return MIKEY_OK;
}

static void dctx_init(mk_dctx *d, const uint8_t *buf, const mikey_parse_opts *opts, const mikey_limits *deflim,
                      mikey_parse_error *perr)
{
    memset(d, 0, sizeof *d);
    d->base = buf;
    d->lim = opts && opts->limits ? opts->limits : deflim;
    d->strict = opts ? opts->strict : 0;
    d->perr = perr;
    d->cur_index = -1;
    if (perr)
        memset(perr, 0, sizeof *perr);
}

int mikey_msg_parse(const mikey_env *env, const uint8_t *buf, size_t len, const mikey_parse_opts *opts,
                    mikey_msg **out, mikey_parse_error *perr)
{
    mikey_limits deflim;
    mk_dctx d;
    mikey_msg *m = NULL;
    int rc;

    if (out)
        *out = NULL;
    mikey_limits_default(&deflim);
    dctx_init(&d, buf, opts, &deflim, perr);
    if (!buf || !out)
        return mk_fail(&d, MIKEY_ERR_INVALID_ARG, NULL, "", "NULL argument");
    if (len > d.lim->max_msg_len)
        return mk_fail(&d, MIKEY_ERR_LIMIT, buf, "", "message of %zu bytes exceeds the limit of %zu", len,
                       d.lim->max_msg_len);
    if ((rc = msg_alloc(env, 0, &m)))
        return rc;
    m->parsed = 1;

    rc = parse_msg(&d, buf, len, m, 0);
    if (rc && rc != MIKEY_ERR_NOMEM && !d.strict && m->n >= 1 && m->pl[0].u.hdr.map_type == MIKEY_MAP_EMPTY &&
        m->pl[0].u.hdr.ncs == 0 && len >= 12 && buf[10] == 0 && buf[11] == 0) {
        /* MIKEY_LENIENT_EMPTY_MAP_INFO16: wolfSSL writes the Empty map with a
         * 2-byte info (the pre-erratum-2654 "16 bits"). Retry with that
         * reading; keep the first error if it fails too. */
        mikey_parse_error first;
        if (perr)
            first = *perr;
        msg_reset(m);
        dctx_init(&d, buf, opts, &deflim, perr);
        int rc2 = parse_msg(&d, buf, len, m, 2);
        if (rc2 == MIKEY_OK) {
            m->leniencies |= MIKEY_LENIENT_EMPTY_MAP_INFO16;
            rc = MIKEY_OK;
        } else if (perr) {
            *perr = first;
        }
    }
    if (rc) {
        mikey_msg_free(m);
        return rc;
    }
    *out = m;
    return MIKEY_OK;
}

int mikey_chain_parse(const mikey_env *env, unsigned first_type, const uint8_t *buf, size_t len,
                      const mikey_parse_opts *opts, mikey_msg **out, mikey_parse_error *perr)
{
    mikey_limits deflim;
    mk_dctx d;
    mikey_msg *m = NULL;
    int rc;

    if (out)
        *out = NULL;
    mikey_limits_default(&deflim);
    dctx_init(&d, buf, opts, &deflim, perr);
    if ((!buf && len) || !out || first_type == MIKEY_PT_HDR)
        return mk_fail(&d, MIKEY_ERR_INVALID_ARG, NULL, "", "invalid argument");
    if (len > d.lim->max_msg_len)
        return mk_fail(&d, MIKEY_ERR_LIMIT, buf, "", "chain of %zu bytes exceeds the limit of %zu", len,
                       d.lim->max_msg_len);
    if ((rc = msg_alloc(env, 1, &m)))
        return rc;
    m->parsed = 1;
    mk_rd r = {buf, buf + len};
    if (len == 0) /* an empty chain: nothing to parse (e.g. an update KEMAC) */
        first_type = MIKEY_PT_LAST;
    if ((rc = parse_chain(&d, &r, first_type, m, 0))) {
        mikey_msg_free(m);
        return rc;
    }
    *out = m;
    return MIKEY_OK;
}

int mikey_chain_parse_prefixed(const mikey_env *env, const uint8_t *buf, size_t len, const mikey_parse_opts *opts,
                               mikey_msg **out, mikey_parse_error *perr)
{
    if (!buf || len == 0)
        return mikey_chain_parse(env, MIKEY_PT_LAST, buf, 0, opts, out, perr);
    int rc = mikey_chain_parse(env, buf[0], buf + 1, len - 1, opts, out, perr);
    if (rc && perr)
        perr->offset += 1;
    return rc;
}

int mikey_msg_new(const mikey_env *env, int chain, mikey_msg **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    return msg_alloc(env, chain ? 1 : 0, out);
}

void mikey_msg_free(mikey_msg *m)
{
    if (!m)
        return;
    mikey_env env = m->env;
    arena_blk *b = m->arena;
    while (b) {
        arena_blk *nx = b->next;
        /* A built message may hold copies of keys (e.g. a Key data chain
         * before encryption): wipe everything it copied. */
        mk_wipe(b + 1, b->len);
        mk_free(&env, b);
        b = nx;
    }
    mk_free(&env, m->pl);
    mk_free(&env, m);
}

size_t mikey_msg_count(const mikey_msg *m) { return m ? m->n : 0; }

const mikey_payload *mikey_msg_at(const mikey_msg *m, size_t i) { return m && i < m->n ? &m->pl[i] : NULL; }

const mikey_payload *mikey_msg_find(const mikey_msg *m, unsigned type, size_t nth)
{
    if (!m)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->pl[i].type == type && nth-- == 0)
            return &m->pl[i];
    return NULL;
}

const mikey_hdr *mikey_msg_hdr(const mikey_msg *m)
{
    return m && !m->chain && m->n > 0 && m->pl[0].type == MIKEY_PT_HDR ? &m->pl[0].u.hdr : NULL;
}

unsigned mikey_msg_leniencies(const mikey_msg *m) { return m ? m->leniencies : 0; }

int mikey_msg_is_chain(const mikey_msg *m) { return m ? m->chain : 0; }

int mikey_msg_append(mikey_msg *m, const mikey_payload *in)
{
    if (!m || !in)
        return MIKEY_ERR_INVALID_ARG;
    if (m->parsed)
        return MIKEY_ERR_STATE; /* parsed messages are views of the input */
    if (in->type == MIKEY_PT_HDR) {
        if (m->chain || m->n != 0)
            return MIKEY_ERR_SYNTAX;
        if (mk_hdr_check(in))
            return MIKEY_ERR_FIELD;
    } else {
        const mk_codec *c = mk_codec_find(in->type);
        if (!c)
            return MIKEY_ERR_INVALID_ARG;
        if (!m->chain && m->n == 0)
            return MIKEY_ERR_SYNTAX; /* the HDR comes first */
        if (c->check(in))
            return MIKEY_ERR_FIELD;
    }
    if (m->n > 0 && m->pl[m->n - 1].type == MIKEY_PT_SIGN)
        return MIKEY_ERR_SYNTAX; /* SIGN is always the last payload */

    mikey_payload pl = *in;
    pl.raw.p = NULL;
    pl.raw.len = 0;
    pl.offset = 0;
    mikey_span *spans[8];
    size_t ns = mk_payload_spans(&pl, spans, MK_ARRAY_LEN(spans));
    size_t total = 0;
    for (size_t i = 0; i < ns; i++) {
        if (spans[i]->len && !spans[i]->p)
            return MIKEY_ERR_INVALID_ARG;
        total += spans[i]->len;
    }
    if (total) {
        arena_blk *b = mk_malloc(&m->env, sizeof *b + total);
        if (!b)
            return MIKEY_ERR_NOMEM;
        b->len = total;
        uint8_t *dst = (uint8_t *)(b + 1);
        for (size_t i = 0; i < ns; i++) {
            if (spans[i]->len) {
                memcpy(dst, spans[i]->p, spans[i]->len);
                spans[i]->p = dst;
                dst += spans[i]->len;
            } else {
                spans[i]->p = NULL;
            }
        }
        int rc = push(m, &pl);
        if (rc) {
            mk_free(&m->env, b);
            return rc;
        }
        b->next = m->arena;
        m->arena = b;
        return MIKEY_OK;
    }
    for (size_t i = 0; i < ns; i++)
        spans[i]->p = NULL;
    return push(m, &pl);
}

static size_t pl_len(const mikey_payload *pl)
{
    if (pl->type == MIKEY_PT_HDR)
        return mk_hdr_enc_len(pl);
    const mk_codec *c = mk_codec_find(pl->type);
    return c ? c->enc_len(pl) : 0;
}

size_t mikey_msg_encoded_len(const mikey_msg *m)
{
    size_t n = 0;
    for (size_t i = 0; m && i < m->n; i++)
        n += pl_len(&m->pl[i]);
    return n;
}

int mikey_msg_encode(mikey_msg *m, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!m || !outlen)
        return MIKEY_ERR_INVALID_ARG;
    if (!m->chain && (m->n == 0 || m->pl[0].type != MIKEY_PT_HDR))
        return MIKEY_ERR_SYNTAX;
    size_t need = mikey_msg_encoded_len(m);
    *outlen = need;
    if (!out || cap < need)
        return MIKEY_ERR_NOBUF;
    mk_wr w = {out, out + cap, 0};
    for (size_t i = 0; i < m->n; i++) {
        mikey_payload *pl = &m->pl[i];
        unsigned next = i + 1 < m->n ? m->pl[i + 1].type : MIKEY_PT_LAST;
        uint8_t *start = w.p;
        if (pl->type == MIKEY_PT_HDR)
            mk_hdr_encode(&w, pl, next);
        else
            mk_codec_find(pl->type)->encode(&w, pl, next);
        if (!m->parsed) {
            pl->raw.p = start;
            pl->raw.len = (size_t)(w.p - start);
            pl->offset = (size_t)(start - out);
        }
    }
    if (w.overflow || (size_t)(w.p - out) != need)
        return MIKEY_ERR_INTERNAL;
    return MIKEY_OK;
}
