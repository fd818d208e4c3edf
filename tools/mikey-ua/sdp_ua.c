/* SPDX-License-Identifier: BSD-2-Clause */
#include "sdp_ua.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openmikey/sdp.h>

static const char *const audio_attrs_pcmu_first[] = {"rtpmap:0 PCMU/8000", "rtpmap:8 PCMA/8000", "ptime:20"};

const char *ua_sdp_pt_name(int pt)
{
    switch (pt) {
    case 0: return "PCMU";
    case 8: return "PCMA";
    default: return NULL;
    }
}

void ua_sdp_clear(ua_sdp *s)
{
    for (size_t i = 0; i < UA_SDP_MAX_STREAMS; i++)
        free(s->streams[i].km_owned);
    free(s->km_owned);
    mikey_sdp_free(s->parsed);
    free(s->text);
    memset(s, 0, sizeof(*s));
}

int ua_sdp_set_km(ua_sdp *s, size_t i, const uint8_t *data, size_t len)
{
    ua_sdp_stream *m;
    uint8_t *copy = NULL;

    if (i >= UA_SDP_MAX_STREAMS)
        return -1;
    m = &s->streams[i];
    if (data && len) {
        copy = malloc(len);
        if (!copy)
            return -1;
        memcpy(copy, data, len);
    }
    free(m->km_owned);
    m->km_owned = copy;
    m->km = copy;
    m->km_len = copy ? len : 0;
    return 0;
}

int ua_sdp_set_session_km(ua_sdp *s, const uint8_t *data, size_t len)
{
    uint8_t *copy = NULL;

    if (data && len) {
        copy = malloc(len);
        if (!copy)
            return -1;
        memcpy(copy, data, len);
    }
    free(s->km_owned);
    s->km_owned = copy;
    s->km = copy;
    s->km_len = copy ? len : 0;
    return 0;
}

static const char *addrtype(const char *addr)
{
    return strchr(addr, ':') ? "IP6" : "IP4";
}

/* The rtpmap lines for the payload types of a stream (static types need
 * none by RFC 3551, but many UAs expect them). */
static size_t stream_attrs(const ua_sdp_stream *m, const char **attrs, size_t cap)
{
    size_t n = 0;

    for (size_t k = 0; k < m->npts && n + 1 < cap; k++) {
        if (m->pts[k] == 0)
            attrs[n++] = audio_attrs_pcmu_first[0];
        else if (m->pts[k] == 8)
            attrs[n++] = audio_attrs_pcmu_first[1];
    }
    attrs[n++] = audio_attrs_pcmu_first[2];
    return n;
}

/* Two-pass text output (sdp.h convention: NOBUF reports the size needed). */
typedef int (*build_fn)(const void *a, const void *b, char *out, size_t cap, size_t *outlen);

static char *build_text(build_fn fn, const void *a, const void *b, size_t *len, char *err, size_t errlen)
{
    size_t need = 0;
    char *out;
    int e = fn(a, b, NULL, 0, &need);

    if (e != MIKEY_ERR_NOBUF && e != MIKEY_OK) {
        snprintf(err, errlen, "SDP: %s", mikey_strerror(e));
        return NULL;
    }
    out = malloc(need ? need : 1);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e = fn(a, b, out, need, len);
    if (e) {
        snprintf(err, errlen, "SDP: %s", mikey_strerror(e));
        free(out);
        return NULL;
    }
    return out;
}

static int offer_fn(const void *a, const void *b, char *out, size_t cap, size_t *outlen)
{
    (void)b;
    return mikey_sdp_offer_build(a, out, cap, outlen);
}

static int answer_fn(const void *a, const void *b, char *out, size_t cap, size_t *outlen)
{
    return mikey_sdp_answer_build(a, b, out, cap, outlen);
}

char *ua_sdp_offer_text(const ua_sdp *s, size_t *len, char *err, size_t errlen)
{
    mikey_sdp_desc d;
    mikey_sdp_stream_desc sd[UA_SDP_MAX_STREAMS];
    mikey_sdp_km_item km[UA_SDP_MAX_STREAMS], skm;
    unsigned fmts[UA_SDP_MAX_STREAMS][UA_SDP_MAX_PTS];
    const char *attrs[UA_SDP_MAX_STREAMS][UA_SDP_MAX_PTS + 1];

    memset(&d, 0, sizeof(d));
    memset(sd, 0, sizeof(sd));
    d.sess_id = s->sess_id;
    d.sess_version = s->sess_ver;
    d.addrtype = addrtype(s->addr);
    d.addr = s->addr;
    d.streams = sd;
    d.nstreams = s->nstreams;
    if (s->km_len) {
        /* RFC 4567 §3.1: a session-level attribute keys every secured
         * stream without one of its own. */
        skm.prtcl_id = "mikey";
        skm.data = s->km;
        skm.len = s->km_len;
        d.km = &skm;
        d.nkm = 1;
    }
    for (size_t i = 0; i < s->nstreams; i++) {
        const ua_sdp_stream *m = &s->streams[i];
        for (size_t k = 0; k < m->npts; k++)
            fmts[i][k] = (unsigned)m->pts[k];
        sd[i].media = "audio";
        sd[i].port = m->port;
        sd[i].proto = m->proto;
        sd[i].fmts = fmts[i];
        sd[i].nfmts = m->npts;
        sd[i].dir = MIKEY_SDP_DIR_SENDRECV;
        sd[i].attrs = attrs[i];
        sd[i].nattrs = stream_attrs(m, attrs[i], UA_SDP_MAX_PTS + 1);
        if (m->km_len) {
            /* RFC 4567 §3.1: a media-level attribute keys this stream only. */
            km[i].prtcl_id = "mikey";
            km[i].data = m->km;
            km[i].len = m->km_len;
            sd[i].km = &km[i];
            sd[i].nkm = 1;
        }
    }
    return build_text(offer_fn, &d, NULL, len, err, errlen);
}

char *ua_sdp_answer_text(const ua_sdp *offer, const ua_sdp *ans, size_t *len, char *err, size_t errlen)
{
    mikey_sdp_answer_desc d;
    mikey_sdp_answer_stream sa[UA_SDP_MAX_STREAMS];
    mikey_sdp_km_item km[UA_SDP_MAX_STREAMS], skm;
    unsigned fmts[UA_SDP_MAX_STREAMS][UA_SDP_MAX_PTS];
    const char *attrs[UA_SDP_MAX_STREAMS][UA_SDP_MAX_PTS + 1];

    if (!offer->parsed || ans->nstreams != offer->nstreams) {
        snprintf(err, errlen, "SDP: the answer needs the parsed offer and one stream per offered one");
        return NULL;
    }
    memset(&d, 0, sizeof(d));
    memset(sa, 0, sizeof(sa));
    d.sess_id = ans->sess_id;
    d.sess_version = ans->sess_ver;
    d.addrtype = addrtype(ans->addr);
    d.addr = ans->addr;
    d.streams = sa;
    d.nstreams = ans->nstreams;
    if (ans->km_len) {
        skm.prtcl_id = "mikey";
        skm.data = ans->km;
        skm.len = ans->km_len;
        d.km = &skm;
        d.nkm = 1;
    }
    for (size_t i = 0; i < ans->nstreams; i++) {
        const ua_sdp_stream *m = &ans->streams[i];
        if (m->port == 0)
            continue; /* refused: the builder echoes the offer's formats */
        for (size_t k = 0; k < m->npts; k++)
            fmts[i][k] = (unsigned)m->pts[k];
        sa[i].accept = 1;
        sa[i].port = m->port;
        sa[i].fmts = fmts[i];
        sa[i].nfmts = m->npts;
        sa[i].dir = MIKEY_SDP_DIR_SENDRECV;
        sa[i].attrs = attrs[i];
        sa[i].nattrs = stream_attrs(m, attrs[i], UA_SDP_MAX_PTS + 1);
        if (m->km_len) {
            km[i].prtcl_id = "mikey";
            km[i].data = m->km;
            km[i].len = m->km_len;
            sa[i].km = &km[i];
            sa[i].nkm = 1;
        }
    }
    return build_text(answer_fn, offer->parsed, &d, len, err, errlen);
}

static void copy_str(char *dst, size_t cap, mikey_sdp_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;

    memcpy(dst, s.p, n);
    dst[n] = '\0';
}

int ua_sdp_parse(const char *text, size_t len, ua_sdp *out, char *err, size_t errlen)
{
    mikey_sdp *sdp = NULL;
    mikey_sdp_error perr;
    mikey_sdp_stream_info info[UA_SDP_MAX_STREAMS];
    const mikey_sdp_session *sess;
    size_t n = 0;
    int e;

    memset(out, 0, sizeof(*out));
    out->text = malloc(len ? len : 1);
    if (!out->text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(out->text, text, len);
    memset(&perr, 0, sizeof(perr));
    e = mikey_sdp_parse(NULL, out->text, len, NULL, &sdp, &perr);
    if (e) {
        snprintf(err, errlen, "SDP line %zu: %s (%s)", perr.line, perr.detail[0] ? perr.detail : "malformed",
                 mikey_strerror(e));
        ua_sdp_clear(out);
        return -1;
    }
    out->parsed = sdp;
    e = mikey_sdp_streams(sdp, "mikey", info, UA_SDP_MAX_STREAMS, &n);
    if (e == MIKEY_ERR_NOBUF) {
        snprintf(err, errlen, "SDP: %zu media streams, at most %d handled", n, UA_SDP_MAX_STREAMS);
        ua_sdp_clear(out);
        return -1;
    }
    if (e) {
        snprintf(err, errlen, "SDP: %s", mikey_strerror(e));
        ua_sdp_clear(out);
        return -1;
    }
    sess = mikey_sdp_session_get(sdp);
    copy_str(out->addr, sizeof(out->addr), sess->addr);
    {
        const mikey_sdp_keymgmt *skm = NULL;
        if (mikey_sdp_keymgmt_find(sdp, MIKEY_SDP_SESSION, "mikey", &skm) == MIKEY_OK && skm->data.len) {
            out->km = skm->data.p;
            out->km_len = skm->data.len;
        }
    }
    out->nstreams = n;
    for (size_t i = 0; i < n; i++) {
        ua_sdp_stream *m = &out->streams[i];
        const mikey_sdp_media *md = mikey_sdp_media_at(sdp, i);
        mikey_sdp_str fmt;
        size_t off = 0;

        copy_str(m->proto, sizeof(m->proto), info[i].proto);
        copy_str(m->addr, sizeof(m->addr), info[i].addr);
        /* Only audio is ours: anything else counts as refused. */
        m->port = (info[i].media.len == 5 && !memcmp(info[i].media.p, "audio", 5)) ? info[i].port : 0;
        while (md && m->npts < UA_SDP_MAX_PTS && mikey_sdp_fmt_next(md, &off, &fmt) == MIKEY_OK) {
            int v = 0;
            size_t k;
            for (k = 0; k < fmt.len && k < 4 && fmt.p[k] >= '0' && fmt.p[k] <= '9'; k++)
                v = v * 10 + (fmt.p[k] - '0');
            if (k == fmt.len && k > 0 && v <= 127)
                m->pts[m->npts++] = v;
        }
        m->km = info[i].mikey.len ? info[i].mikey.p : NULL;
        m->km_len = info[i].mikey.len;
        m->km_scope = info[i].km_scope;
    }
    return 0;
}
