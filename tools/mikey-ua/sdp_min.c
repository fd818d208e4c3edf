/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal SDP writer/reader (see sdp_min.h). Bounded: every field has a
 * maximum; the parser never assumes NUL termination of the input.
 */
#include "sdp_min.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SDP_MAX_LINE = 65536 };

void ua_sdp_clear(ua_sdp *s)
{
    free(s->key_mgmt);
    for (size_t i = 0; i < UA_SDP_MAX_STREAMS; i++)
        free(s->streams[i].key_mgmt);
    memset(s, 0, sizeof(*s));
}

int ua_sdp_set_key_mgmt(char **slot, const char *value)
{
    char *v = NULL;

    if (value) {
        size_t n = strlen(value) + 1;
        v = malloc(n);
        if (!v)
            return -1;
        memcpy(v, value, n);
    }
    free(*slot);
    *slot = v;
    return 0;
}

const char *ua_sdp_pt_name(int pt)
{
    switch (pt) {
    case 0: return "PCMU";
    case 8: return "PCMA";
    default: return NULL;
    }
}

/* A growing text buffer. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->oom)
        return;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap ? b->cap * 2 : 512) + (size_t)n + 1;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

static const char *ip_kind(const char *addr)
{
    return strchr(addr, ':') ? "IP6" : "IP4";
}

char *ua_sdp_print(const ua_sdp *s, size_t *len)
{
    sbuf b = {0};
    const char *oaddr = s->origin_addr[0] ? s->origin_addr : s->addr;

    sb_printf(&b, "v=0\r\n");
    sb_printf(&b, "o=mikey-ua %llu %llu IN %s %s\r\n", (unsigned long long)s->sess_id,
              (unsigned long long)s->sess_ver, ip_kind(oaddr), oaddr);
    sb_printf(&b, "s=-\r\n");
    if (s->addr[0])
        sb_printf(&b, "c=IN %s %s\r\n", ip_kind(s->addr), s->addr);
    sb_printf(&b, "t=0 0\r\n");
    /* RFC 4567 §3: key-mgmt at session level applies to every stream. */
    if (s->key_mgmt)
        sb_printf(&b, "a=key-mgmt:%s\r\n", s->key_mgmt);
    for (size_t i = 0; i < s->nstreams; i++) {
        const ua_sdp_stream *m = &s->streams[i];
        sb_printf(&b, "m=audio %u %s", m->port, m->proto[0] ? m->proto : "RTP/AVP");
        for (size_t k = 0; k < m->npts; k++)
            sb_printf(&b, " %d", m->pts[k]);
        if (m->npts == 0)
            sb_printf(&b, " 0"); /* RFC 4566 requires a format even for a refused stream */
        sb_printf(&b, "\r\n");
        if (m->addr[0])
            sb_printf(&b, "c=IN %s %s\r\n", ip_kind(m->addr), m->addr);
        if (m->port != 0) {
            for (size_t k = 0; k < m->npts; k++) {
                const char *name = ua_sdp_pt_name(m->pts[k]);
                if (name)
                    sb_printf(&b, "a=rtpmap:%d %s/8000\r\n", m->pts[k], name);
            }
            sb_printf(&b, "a=ptime:20\r\n");
            sb_printf(&b, "a=%s\r\n", m->dir[0] ? m->dir : "sendrecv");
            if (m->key_mgmt)
                sb_printf(&b, "a=key-mgmt:%s\r\n", m->key_mgmt);
        }
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Copy the next space-separated token of [*p, end) into out (cap bytes). */
static int token(const char **p, const char *end, char *out, size_t cap)
{
    const char *s = *p;
    size_t n;

    while (s < end && *s == ' ')
        s++;
    const char *t = s;
    while (t < end && *t != ' ')
        t++;
    n = (size_t)(t - s);
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    *p = t;
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

static int parse_c(const char *v, const char *end, char *addr, size_t cap)
{
    char nt[8], at[8];

    if (token(&v, end, nt, sizeof(nt)) || strcmp(nt, "IN") || token(&v, end, at, sizeof(at)) ||
        (strcmp(at, "IP4") && strcmp(at, "IP6")) || token(&v, end, addr, cap))
        return -1;
    /* Drop a multicast TTL/count suffix: we only do unicast. */
    char *slash = strchr(addr, '/');
    if (slash)
        *slash = '\0';
    return 0;
}

int ua_sdp_parse(const char *text, size_t len, ua_sdp *out, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    ua_sdp_stream *cur = NULL;
    int seen_v = 0;

    memset(out, 0, sizeof(*out));
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end;
        const char *next = eol ? eol + 1 : end;
        if (le > p && le[-1] == '\r')
            le--;
        if ((size_t)(le - p) > SDP_MAX_LINE) {
            ua_sdp_clear(out);
            return fail(err, errlen, "SDP line too long");
        }
        if (le - p == 0) {
            p = next;
            continue;
        }
        if (le - p < 2 || p[1] != '=') {
            ua_sdp_clear(out);
            return fail(err, errlen, "SDP: malformed line \"%.*s\"", (int)(le - p > 40 ? 40 : le - p), p);
        }
        char type = p[0];
        const char *v = p + 2;
        switch (type) {
        case 'v':
            if (le - v != 1 || *v != '0') {
                ua_sdp_clear(out);
                return fail(err, errlen, "SDP: unsupported version");
            }
            seen_v = 1;
            break;
        case 'o': {
            char tok[64];
            const char *q = v;
            /* username sess-id sess-version nettype addrtype address */
            if (token(&q, le, tok, sizeof(tok)) == 0 && token(&q, le, tok, sizeof(tok)) == 0)
                out->sess_id = strtoull(tok, NULL, 10);
            if (token(&q, le, tok, sizeof(tok)) == 0)
                out->sess_ver = strtoull(tok, NULL, 10);
            if (token(&q, le, tok, sizeof(tok)) == 0 && token(&q, le, tok, sizeof(tok)) == 0)
                (void)token(&q, le, out->origin_addr, sizeof(out->origin_addr));
            break;
        }
        case 'c':
            if (parse_c(v, le, cur ? cur->addr : out->addr, cur ? sizeof(cur->addr) : sizeof(out->addr))) {
                ua_sdp_clear(out);
                return fail(err, errlen, "SDP: malformed c= line");
            }
            break;
        case 'm': {
            char media[16], port[16], fmt[16];
            unsigned long pv;
            const char *q = v;
            if (out->nstreams == UA_SDP_MAX_STREAMS) {
                ua_sdp_clear(out);
                return fail(err, errlen, "SDP: more than %d media streams", UA_SDP_MAX_STREAMS);
            }
            cur = &out->streams[out->nstreams++];
            if (token(&q, le, media, sizeof(media)) || token(&q, le, port, sizeof(port)) ||
                token(&q, le, cur->proto, sizeof(cur->proto))) {
                ua_sdp_clear(out);
                return fail(err, errlen, "SDP: malformed m= line");
            }
            char *slash = strchr(port, '/'); /* port/count: only the port matters */
            if (slash)
                *slash = '\0';
            if (parse_uint(port, 65535, &pv)) {
                ua_sdp_clear(out);
                return fail(err, errlen, "SDP: bad port in m= line");
            }
            cur->port = (uint16_t)pv;
            if (strcmp(media, "audio"))
                cur->port = 0; /* not audio: treated as refused */
            while (token(&q, le, fmt, sizeof(fmt)) == 0) {
                if (parse_uint(fmt, 127, &pv))
                    continue; /* non-RTP format: ignored */
                if (cur->npts < UA_SDP_MAX_PTS)
                    cur->pts[cur->npts++] = (int)pv;
            }
            snprintf(cur->dir, sizeof(cur->dir), "sendrecv");
            break;
        }
        case 'a': {
            size_t n = (size_t)(le - v);
            if (n > 9 && !memcmp(v, "key-mgmt:", 9)) {
                char **slot = cur ? &cur->key_mgmt : &out->key_mgmt;
                char *val = malloc(n - 9 + 1);
                if (!val) {
                    ua_sdp_clear(out);
                    return fail(err, errlen, "out of memory");
                }
                memcpy(val, v + 9, n - 9);
                val[n - 9] = '\0';
                free(*slot);
                *slot = val;
            } else if (cur && n == 8 &&
                       (!memcmp(v, "sendrecv", 8) || !memcmp(v, "sendonly", 8) || !memcmp(v, "recvonly", 8) ||
                        !memcmp(v, "inactive", 8))) {
                memcpy(cur->dir, v, 8);
                cur->dir[8] = '\0';
            }
            break;
        }
        default:
            break;
        }
        p = next;
    }
    if (!seen_v) {
        ua_sdp_clear(out);
        return fail(err, errlen, "SDP: no v= line");
    }
    return 0;
}

const char *ua_sdp_stream_addr(const ua_sdp *s, size_t i)
{
    if (i < s->nstreams && s->streams[i].addr[0])
        return s->streams[i].addr;
    return s->addr;
}
