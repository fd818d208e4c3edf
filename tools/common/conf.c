/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration files for the tools; see conf.h. */
#include "conf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "secret.h"

#define MKT_CONF_MAX (1u << 20)

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

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static char *dup_range(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

void mkt_conf_free(mkt_conf *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].key);
        free(c->items[i].arg);
        if (c->items[i].value)
            mkt_free_secret(c->items[i].value, strlen(c->items[i].value));
    }
    free(c->items);
    free(c->path);
    memset(c, 0, sizeof *c);
}

int mkt_conf_load(const char *path, mkt_conf *out, char *err, size_t errlen)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        errf(err, errlen, "a configuration file must be a named file");
        return -1;
    }
    if (mkt_read_input(path, MKT_CONF_MAX, &buf, &len, err, errlen))
        return -1;
    if (!(out->path = dup_range(path, strlen(path)))) {
        errf(err, errlen, "%s: out of memory", path);
        mkt_free_secret(buf, len);
        return -1;
    }
    const char *p = (const char *)buf, *end = p + len;
    unsigned line = 0;
    size_t cap = 0;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        const char *s = p, *e = eol;
        p = eol < end ? eol + 1 : end;
        if (memchr(s, '\0', (size_t)(e - s))) {
            errf(err, errlen, "%s:%u: a NUL byte in the line", path, line);
            rc = -1;
            break;
        }
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e || *s == '#')
            continue;
        const char *k = s;
        while (s < e && is_key_char(*s))
            s++;
        if (s == k) {
            errf(err, errlen, "%s:%u: expected a setting name (letters, digits, '-')", path, line);
            rc = -1;
            break;
        }
        const char *ke = s, *a = NULL, *ae = NULL;
        while (s < e && is_blank(*s))
            s++;
        if (s < e && *s != '=') {
            a = s;
            while (s < e && !is_blank(*s) && *s != '=')
                s++;
            ae = s;
            while (s < e && is_blank(*s))
                s++;
        }
        if (s == e || *s != '=') {
            errf(err, errlen, "%s:%u: expected '=' after '%.*s%s%.*s'", path, line, (int)(ke - k), k, a ? " " : "",
                 a ? (int)(ae - a) : 0, a ? a : "");
            rc = -1;
            break;
        }
        s++;
        while (s < e && is_blank(*s))
            s++;
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            mkt_conf_item *ni = realloc(out->items, nc * sizeof *ni);
            if (!ni) {
                errf(err, errlen, "%s: out of memory", path);
                rc = -1;
                break;
            }
            out->items = ni;
            cap = nc;
        }
        mkt_conf_item *it = &out->items[out->n];
        memset(it, 0, sizeof *it);
        it->line = line;
        it->key = dup_range(k, (size_t)(ke - k));
        it->arg = a ? dup_range(a, (size_t)(ae - a)) : NULL;
        it->value = dup_range(s, (size_t)(e - s));
        out->n++;
        if (!it->key || (a && !it->arg) || !it->value) {
            errf(err, errlen, "%s: out of memory", path);
            rc = -1;
        }
    }
    mkt_free_secret(buf, len);
    if (rc)
        mkt_conf_free(out);
    return rc;
}
