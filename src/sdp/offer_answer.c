/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Offer/answer builders (RFC 3264 §5-6) with key-mgmt attributes at session
 * and media level (RFC 4567 §3.1, §4.1.2). Both builders validate all caller
 * strings first, then write in one pass with a counting writer, so a
 * too-small buffer reports the exact size needed.
 */
#include "sdp/sdp_int.h"

/* A stream ready to write: offer streams and answer streams both map here. */
typedef struct ostream {
    mk_str media;
    uint16_t port;
    mk_str proto;
    const unsigned *fmts; /* numeric payload types, or ... */
    size_t nfmts;
    mk_str fmt_text;      /* ... the offer's fmt list echoed as written */
    const char *addr;
    const char *addrtype;
    int dir;
    const char *const *attrs;
    size_t nattrs;
    const mikey_sdp_km_item *km;
    size_t nkm;
} ostream;

typedef struct osession {
    const char *username;
    uint64_t sess_id, sess_version;
    const char *addrtype;
    const char *origin_addr;
    const char *addr;
    const char *name;
    mk_str time;
    int dir;
    const char *const *attrs;
    size_t nattrs;
    const mikey_sdp_km_item *km;
    size_t nkm;
} osession;

static mk_str cstr(const char *s) { return mk_str_make(s, s ? strlen(s) : 0); }

static int ok_token(const char *s) { return s && mk_str_is_token(cstr(s)); }
static int ok_nonws(const char *s) { return s && mk_str_is_nonws(cstr(s)); }
static int ok_dir(int d) { return d >= MIKEY_SDP_DIR_UNSPEC && d <= MIKEY_SDP_DIR_INACTIVE; }

/* t= value: <start-time> SP <stop-time>, both 1*DIGIT. */
static int ok_time(mk_str t)
{
    mk_str rest = t, a;
    if (!mk_str_split(&rest, ' ', &a) || a.len == 0 || rest.len == 0)
        return 0;
    for (size_t i = 0; i < a.len; i++)
        if (a.p[i] < '0' || a.p[i] > '9')
            return 0;
    for (size_t i = 0; i < rest.len; i++)
        if (rest.p[i] < '0' || rest.p[i] > '9')
            return 0;
    return 1;
}

/* An extra attribute "name[:value]": a token name, a byte-string value, and
 * not key-mgmt (those go through the km items, so the protocol list stays
 * consistent with what is emitted). */
static int ok_attr(const char *a)
{
    if (!a)
        return 0;
    mk_str s = cstr(a), name;
    if (!mk_str_is_bytes(s))
        return 0;
    mk_str_split(&s, ':', &name);
    return mk_str_is_token(name) && !mk_str_eq(name, "key-mgmt");
}

static int ok_attrs(const char *const *attrs, size_t n)
{
    if (n && !attrs)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!ok_attr(attrs[i]))
            return 0;
    return 1;
}

/* Key-mgmt items of one level: valid ids, data present, each protocol once
 * (RFC 4567 §4.1.2), no more than a protocol list may hold. */
static int ok_km(const mikey_sdp_km_item *km, size_t n)
{
    if (n && !km)
        return 0;
    if (n > MIKEY_SDP_IDS_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!km[i].prtcl_id || !mk_str_is_kmpid(cstr(km[i].prtcl_id), MK_SDP_KMPID_MAX) || !km[i].data ||
            km[i].len == 0)
            return 0;
        for (size_t j = 0; j < i; j++)
            if (strcmp(km[i].prtcl_id, km[j].prtcl_id) == 0)
                return 0;
    }
    return 1;
}

static int check_session(const osession *s)
{
    /* RFC 3264 §5: sess-id and sess-version fit a signed 64-bit integer. */
    if (s->sess_id > (uint64_t)INT64_MAX || s->sess_version > (uint64_t)INT64_MAX)
        return MIKEY_ERR_INVALID_ARG;
    if ((s->username && !ok_nonws(s->username)) || !ok_token(s->addrtype) || !ok_nonws(s->origin_addr) ||
        (s->addr && !ok_nonws(s->addr)) || !ok_dir(s->dir) || !ok_time(s->time) || !ok_attrs(s->attrs, s->nattrs) ||
        !ok_km(s->km, s->nkm))
        return MIKEY_ERR_INVALID_ARG;
    if (s->name && !mk_str_is_bytes(cstr(s->name)))
        return MIKEY_ERR_INVALID_ARG;
    return MIKEY_OK;
}

static int check_stream(const osession *s, const ostream *st)
{
    if (!mk_str_is_token(st->media) || !mk_str_is_proto(st->proto) || !ok_dir(st->dir) ||
        !ok_attrs(st->attrs, st->nattrs) || !ok_km(st->km, st->nkm))
        return MIKEY_ERR_INVALID_ARG;
    if (st->fmt_text.len == 0) {
        if (st->nfmts == 0 || !st->fmts)
            return MIKEY_ERR_INVALID_ARG; /* RFC 8866 §5.14: at least one fmt */
        for (size_t i = 0; i < st->nfmts; i++)
            if (st->fmts[i] > 127) /* RTP payload types are 7 bits (RFC 3550 §5.1) */
                return MIKEY_ERR_INVALID_ARG;
    }
    if (st->addr && !ok_nonws(st->addr))
        return MIKEY_ERR_INVALID_ARG;
    if (st->addrtype && !ok_token(st->addrtype))
        return MIKEY_ERR_INVALID_ARG;
    /* RFC 8866 §5.7: a c= line at session level or in every media section. */
    if (!s->addr && !st->addr)
        return MIKEY_ERR_INVALID_ARG;
    return MIKEY_OK;
}

static void write_dir(mk_tw *w, int dir)
{
    if (dir == MIKEY_SDP_DIR_UNSPEC)
        return;
    mk_tw_str(w, "a=");
    mk_tw_str(w, mikey_sdp_dir_name(dir));
    mk_tw_str(w, "\r\n");
}

static void write_attrs(mk_tw *w, const char *const *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mk_tw_str(w, "a=");
        mk_tw_str(w, attrs[i]);
        mk_tw_str(w, "\r\n");
    }
}

static void write_km(mk_tw *w, const mikey_sdp_km_item *km, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mk_tw_str(w, "a=key-mgmt:");
        mk_tw_str(w, km[i].prtcl_id);
        mk_tw_str(w, " ");
        mk_tw_b64(w, km[i].data, km[i].len);
        mk_tw_str(w, "\r\n");
    }
}

/* Produces stream i of whatever the caller described (offer or answer). */
typedef void (*stream_fn)(const void *ctx, size_t i, ostream *out);

/* Lines in the RFC 8866 §5 order, so the output parses in strict mode. */
static int write_sdp(const osession *s, stream_fn get, const void *ctx, size_t n, char *out, size_t cap,
                     size_t *outlen)
{
    mk_tw w;
    mk_tw_init(&w, out, cap);
    mk_tw_str(&w, "v=0\r\no=");
    mk_tw_str(&w, s->username ? s->username : "-");
    mk_tw_str(&w, " ");
    mk_tw_u64(&w, s->sess_id);
    mk_tw_str(&w, " ");
    mk_tw_u64(&w, s->sess_version);
    mk_tw_str(&w, " IN ");
    mk_tw_str(&w, s->addrtype);
    mk_tw_str(&w, " ");
    mk_tw_str(&w, s->origin_addr);
    mk_tw_str(&w, "\r\ns=");
    mk_tw_str(&w, s->name ? s->name : "-");
    mk_tw_str(&w, "\r\n");
    if (s->addr) {
        mk_tw_str(&w, "c=IN ");
        mk_tw_str(&w, s->addrtype);
        mk_tw_str(&w, " ");
        mk_tw_str(&w, s->addr);
        mk_tw_str(&w, "\r\n");
    }
    mk_tw_str(&w, "t=");
    mk_tw_slice(&w, s->time);
    mk_tw_str(&w, "\r\n");
    write_dir(&w, s->dir);
    write_attrs(&w, s->attrs, s->nattrs);
    write_km(&w, s->km, s->nkm);
    for (size_t i = 0; i < n; i++) {
        ostream m;
        get(ctx, i, &m);
        mk_tw_str(&w, "m=");
        mk_tw_slice(&w, m.media);
        mk_tw_str(&w, " ");
        mk_tw_u64(&w, m.port);
        mk_tw_str(&w, " ");
        mk_tw_slice(&w, m.proto);
        if (m.fmt_text.len) {
            mk_tw_str(&w, " ");
            mk_tw_slice(&w, m.fmt_text);
        } else {
            for (size_t k = 0; k < m.nfmts; k++) {
                mk_tw_str(&w, " ");
                mk_tw_u64(&w, m.fmts[k]);
            }
        }
        mk_tw_str(&w, "\r\n");
        if (m.addr) {
            mk_tw_str(&w, "c=IN ");
            mk_tw_str(&w, m.addrtype ? m.addrtype : s->addrtype);
            mk_tw_str(&w, " ");
            mk_tw_str(&w, m.addr);
            mk_tw_str(&w, "\r\n");
        }
        write_attrs(&w, m.attrs, m.nattrs);
        write_km(&w, m.km, m.nkm);
        write_dir(&w, m.dir);
    }
    return mk_tw_finish(&w, outlen);
}

/* Validate everything, then write. */
static int build(const osession *s, stream_fn get, const void *ctx, size_t n, char *out, size_t cap,
                 size_t *outlen)
{
    int rc = check_session(s);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        ostream st;
        get(ctx, i, &st);
        if ((rc = check_stream(s, &st)) != MIKEY_OK)
            return rc;
    }
    return write_sdp(s, get, ctx, n, out, cap, outlen);
}

/* ---- offer ---- */

static void offer_stream(const void *ctx, size_t i, ostream *st)
{
    const mikey_sdp_desc *d = ctx;
    const mikey_sdp_stream_desc *sd = &d->streams[i];
    memset(st, 0, sizeof *st);
    st->media = cstr(sd->media);
    st->port = sd->port;
    /* RTP/SAVP signals SRTP (RFC 4567 §5.1); a key-mgmt attribute does not
     * key a plain RTP/AVP stream (§5.2), so that is the default without one. */
    st->proto = sd->proto ? cstr(sd->proto) : cstr((sd->nkm || d->nkm) ? "RTP/SAVP" : "RTP/AVP");
    st->fmts = sd->fmts;
    st->nfmts = sd->nfmts;
    st->addr = sd->addr;
    st->addrtype = sd->addrtype;
    st->dir = sd->dir;
    st->attrs = sd->attrs;
    st->nattrs = sd->nattrs;
    st->km = sd->km;
    st->nkm = sd->nkm;
}

int mikey_sdp_offer_build(const mikey_sdp_desc *d, char *out, size_t cap, size_t *outlen)
{
    if (!d || !outlen || (!out && cap) || (d->nstreams && !d->streams))
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < d->nstreams; i++)
        if (!d->streams[i].media)
            return MIKEY_ERR_INVALID_ARG;
    osession s;
    memset(&s, 0, sizeof s);
    s.username = d->username;
    s.sess_id = d->sess_id;
    s.sess_version = d->sess_version;
    s.addrtype = d->addrtype ? d->addrtype : "IP4";
    s.origin_addr = d->origin_addr ? d->origin_addr : d->addr;
    s.addr = d->addr;
    s.name = d->name;
    s.time = d->time ? cstr(d->time) : cstr("0 0");
    s.dir = d->dir;
    s.attrs = d->attrs;
    s.nattrs = d->nattrs;
    s.km = d->km;
    s.nkm = d->nkm;
    return build(&s, offer_stream, d, d->nstreams, out, cap, outlen);
}

/* ---- answer ---- */

typedef struct answer_ctx {
    const mikey_sdp *offer;
    const mikey_sdp_answer_desc *a;
} answer_ctx;

static void answer_stream(const void *ctx, size_t i, ostream *st)
{
    const answer_ctx *ac = ctx;
    const mikey_sdp_media *om = &ac->offer->media[i];
    const mikey_sdp_answer_stream *as = &ac->a->streams[i];
    memset(st, 0, sizeof *st);
    /* RFC 3264 §6: same media type; same transport, since the answer
     * accepts or rejects what was offered. */
    st->media = om->media;
    st->proto = om->proto;
    if (!as->accept) {
        /* RFC 3264 §6: port 0; "Any media formats listed are ignored. At
         * least one MUST be present": echo the offer's. */
        st->fmt_text = om->fmts;
        return;
    }
    st->port = as->port;
    if (as->fmts && as->nfmts) {
        st->fmts = as->fmts;
        st->nfmts = as->nfmts;
    } else {
        st->fmt_text = om->fmts;
    }
    st->addr = as->addr;
    st->dir = as->dir;
    st->attrs = as->attrs;
    st->nattrs = as->nattrs;
    st->km = as->km;
    st->nkm = as->nkm;
}

int mikey_sdp_answer_build(const mikey_sdp *offer, const mikey_sdp_answer_desc *a, char *out, size_t cap,
                           size_t *outlen)
{
    if (!offer || !a || !outlen || (!out && cap) || (a->nstreams && !a->streams))
        return MIKEY_ERR_INVALID_ARG;
    /* RFC 3264 §6: exactly as many m= lines as the offer. */
    if (a->nstreams != offer->nmedia)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < a->nstreams; i++) {
        const mikey_sdp_answer_stream *as = &a->streams[i];
        if (as->accept) {
            /* A stream offered with port 0 "MUST NOT be used" (§5.1). */
            if (offer->media[i].port == 0 || as->port == 0)
                return MIKEY_ERR_INVALID_ARG;
        } else if (as->nkm || as->nattrs) {
            return MIKEY_ERR_INVALID_ARG; /* nothing to key or describe on a rejected stream */
        }
    }
    osession s;
    memset(&s, 0, sizeof s);
    s.username = a->username;
    s.sess_id = a->sess_id;
    s.sess_version = a->sess_version;
    s.addrtype = a->addrtype ? a->addrtype : "IP4";
    s.origin_addr = a->origin_addr ? a->origin_addr : a->addr;
    s.addr = a->addr;
    s.name = a->name;
    /* RFC 3264 §6: "The t= line in the answer MUST equal that of the offer." */
    s.time = offer->sess.time.len ? offer->sess.time : cstr("0 0");
    s.dir = a->dir;
    s.attrs = a->attrs;
    s.nattrs = a->nattrs;
    s.km = a->km;
    s.nkm = a->nkm;
    answer_ctx ac = {offer, a};
    return build(&s, answer_stream, &ac, a->nstreams, out, cap, outlen);
}
