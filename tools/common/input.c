/* SPDX-License-Identifier: BSD-2-Clause */
/* Tool input: reading files, format detection, SDP/RTSP key-mgmt attributes. */
#include "input.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fmt_names[] = {"auto", "raw", "base64", "hex", "sdp"};

const char *mkt_fmt_name(mkt_fmt f) { return (unsigned)f < 5 ? fmt_names[f] : "?"; }

int mkt_fmt_parse(const char *s, int allow_auto, mkt_fmt *out)
{
    for (unsigned i = allow_auto ? 0 : 1; i < 5; i++) {
        if (strcmp(s, fmt_names[i]) == 0) {
            *out = (mkt_fmt)i;
            return 0;
        }
    }
    return -1;
}

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_b64(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
}

static int has_at(const uint8_t *p, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    return i + l <= n && memcmp(p + i, lit, l) == 0;
}

static int has_at_ci(const uint8_t *p, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    if (i + l > n)
        return 0;
    for (size_t k = 0; k < l; k++) {
        unsigned char a = p[i + k], b = (unsigned char)lit[k];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

mkt_fmt mkt_detect_format(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_ws(p[i]))
        i++;
    if (i == n)
        return MKT_FMT_RAW;
    /* 1. SDP or RTSP text. */
    if (has_at(p, n, i, "v=0"))
        return MKT_FMT_SDP;
    for (size_t k = 0; k < n; k++) {
        if (p[k] == 'a' && has_at(p, n, k, "a=key-mgmt"))
            return MKT_FMT_SDP;
        if ((k == 0 || p[k - 1] == '\n') && has_at_ci(p, n, k, "KeyMgmt:"))
            return MKT_FMT_SDP;
    }
    /* 2. hex. */
    size_t digits = 0;
    int hex = 1;
    for (size_t k = 0; k < n && hex; k++) {
        if (is_hex(p[k]))
            digits++;
        else if (!is_ws(p[k]) && p[k] != ':')
            hex = 0;
    }
    if (hex && digits > 0 && digits % 2 == 0)
        return MKT_FMT_HEX;
    /* 3. base64. */
    for (size_t k = 0; k < n; k++)
        if (!is_b64(p[k]) && !is_ws(p[k]))
            return MKT_FMT_RAW;
    return MKT_FMT_BASE64;
}

static void errf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int mkt_read_input(const char *path, size_t max, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    int use_stdin = !path || strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    uint8_t *b = NULL;
    size_t n = 0, cap = 0;

    *buf = NULL;
    *len = 0;
    if (!f) {
        errf(err, errlen, "%s: %s", name, strerror(errno));
        return -1;
    }
    for (;;) {
        if (cap - n < 4096 + 1) {
            size_t nc = cap ? cap * 2 : 65536;
            if (nc > max + 4096 + 1)
                nc = max + 4096 + 1;
            if (nc <= cap) { /* cannot grow: the input is over the limit */
                errf(err, errlen, "%s: input larger than %zu bytes", name, max);
                goto fail;
            }
            uint8_t *nb = realloc(b, nc);
            if (!nb) {
                errf(err, errlen, "%s: out of memory", name);
                goto fail;
            }
            b = nb;
            cap = nc;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            errf(err, errlen, "%s: input larger than %zu bytes", name, max);
            goto fail;
        }
        if (got == 0) {
            if (ferror(f)) {
                errf(err, errlen, "%s: read error: %s", name, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    if (!use_stdin)
        fclose(f);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
fail:
    if (!use_stdin)
        fclose(f);
    free(b);
    return -1;
}

static int kfail(mkt_cerr *e, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int kfail(mkt_cerr *e, size_t pos, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->pos = pos;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Labels and protocol names end up in messages and JSON: keep them
 * printable ASCII whatever the input holds. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

static void store(mkt_keymgmt *out, size_t max, size_t *n, const char *label, const char *proto, size_t plen,
                  const char *text, size_t d0, size_t d1, unsigned line)
{
    if (*n < max) {
        mkt_keymgmt *k = &out[*n];
        memset(k, 0, sizeof *k);
        snprintf(k->label, sizeof k->label, "%s", label);
        snprintf(k->proto, sizeof k->proto, "%.*s", (int)(plen < sizeof k->proto ? plen : sizeof k->proto - 1),
                 proto);
        printable(k->label);
        printable(k->proto);
        k->data = text + d0;
        k->data_len = d1 - d0;
        k->data_off = d0;
        k->line = line;
    }
    (*n)++;
}

/* RFC 4567 §3.2: KeyMgmt: prot=<id>; [uri="<uri>";] data="<base64>", ... */
static int rtsp_keymgmt(const char *t, size_t a, size_t end, unsigned line, mkt_keymgmt *out, size_t max, size_t *n,
                        mkt_cerr *e)
{
    size_t i = a;
    while (i < end) {
        const char *prot = NULL;
        size_t plen = 0, d0 = 0, d1 = 0;
        int have_data = 0;
        size_t spec = i;
        /* One key-mgmt-spec: parameters separated by ';' up to ',' or the end. */
        while (i < end && t[i] != ',') {
            while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == ';'))
                i++;
            if (i >= end || t[i] == ',')
                break;
            size_t k0 = i;
            while (i < end && t[i] != '=' && t[i] != ';' && t[i] != ',')
                i++;
            size_t k1 = i;
            while (k1 > k0 && (t[k1 - 1] == ' ' || t[k1 - 1] == '\t'))
                k1--;
            if (i >= end || t[i] != '=')
                return kfail(e, k0, "line %u: KeyMgmt parameter '%.*s' has no value", line, (int)(k1 - k0), t + k0);
            i++;
            size_t v0, v1;
            if (i < end && t[i] == '"') {
                v0 = ++i;
                while (i < end && t[i] != '"')
                    i++;
                if (i >= end)
                    return kfail(e, v0 - 1, "line %u: unterminated quoted KeyMgmt value", line);
                v1 = i++;
            } else {
                v0 = i;
                while (i < end && t[i] != ';' && t[i] != ',')
                    i++;
                v1 = i;
                while (v1 > v0 && (t[v1 - 1] == ' ' || t[v1 - 1] == '\t'))
                    v1--;
            }
            if (k1 - k0 == 4 && memcmp(t + k0, "prot", 4) == 0) {
                prot = t + v0;
                plen = v1 - v0;
            } else if (k1 - k0 == 4 && memcmp(t + k0, "data", 4) == 0) {
                d0 = v0;
                d1 = v1;
                have_data = 1;
            }
        }
        if (!prot || plen == 0)
            return kfail(e, spec, "line %u: KeyMgmt header without prot=", line);
        if (!have_data || d1 == d0)
            return kfail(e, spec, "line %u: KeyMgmt header without data=\"...\"", line);
        store(out, max, n, "RTSP KeyMgmt", prot, plen, t, d0, d1, line);
        if (i < end && t[i] == ',')
            i++;
    }
    return 0;
}

int mkt_keymgmt_find(const char *t, size_t len, mkt_keymgmt *out, size_t max, size_t *n, mkt_cerr *e)
{
    char label[48] = "session";
    unsigned media = 0, line = 0;
    size_t i = 0;
    *n = 0;
    while (i < len) {
        size_t ls = i, le;
        while (i < len && t[i] != '\n')
            i++;
        le = i;
        if (i < len)
            i++; /* the '\n' */
        line++;
        if (le > ls && t[le - 1] == '\r')
            le--;
        /* Tolerate indentation (SDP pasted from documents). */
        while (ls < le && (t[ls] == ' ' || t[ls] == '\t'))
            ls++;
        if (le - ls >= 2 && t[ls] == 'm' && t[ls + 1] == '=') {
            size_t m0 = ls + 2, m1 = m0;
            while (m1 < le && t[m1] != ' ')
                m1++;
            media++;
            snprintf(label, sizeof label, "media %u (%.*s)", media, (int)(m1 - m0 > 16 ? 16 : m1 - m0), t + m0);
            continue;
        }
        if (has_at_ci((const uint8_t *)t, le, ls, "KeyMgmt:")) {
            if (rtsp_keymgmt(t, ls + 8, le, line, out, max, n, e))
                return -1;
            continue;
        }
        if (!has_at((const uint8_t *)t, le, ls, "a=key-mgmt:"))
            continue;
        /* RFC 4567 §3.1: key-mgmt-att-value = 0*1SP prtcl-id SP keymgmt-data */
        size_t p0 = ls + 11;
        if (p0 < le && t[p0] == ' ')
            p0++;
        size_t p1 = p0;
        while (p1 < le && t[p1] != ' ')
            p1++;
        if (p1 == p0)
            return kfail(e, ls, "line %u: a=key-mgmt attribute without a protocol identifier", line);
        size_t d0 = p1;
        while (d0 < le && t[d0] == ' ')
            d0++;
        size_t d1 = le;
        while (d1 > d0 && (t[d1 - 1] == ' ' || t[d1 - 1] == '\t'))
            d1--;
        if (d1 == d0)
            return kfail(e, p1, "line %u: a=key-mgmt:%.*s has no key management data", line, (int)(p1 - p0),
                         t + p0);
        store(out, max, n, label, t + p0, p1 - p0, t, d0, d1, line);
    }
    return 0;
}
