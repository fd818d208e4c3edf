/* SPDX-License-Identifier: BSD-2-Clause */
/* Text slices, bounded tokenizers and a counting text writer for src/sdp
 * (CONVENTIONS.md 2.2.15). Character classes follow the RFC 8866 §9 ABNF. */
#include <stdio.h>

#include "sdp/sdp_int.h"
#include "util/base64.h"

int mk_str_eq(mk_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }

int mk_str_eq_nocase(mk_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s.p[i]) != lower((unsigned char)lit[i]))
            return 0;
    return 1;
}

int mk_str_split(mk_str *s, char sep, mk_str *tok)
{
    const char *hit = s->len ? memchr(s->p, sep, s->len) : NULL;
    if (!hit) {
        *tok = *s;
        *s = mk_str_make(s->p ? s->p + s->len : NULL, 0);
        return 0;
    }
    size_t n = (size_t)(hit - s->p);
    *tok = mk_str_make(s->p, n);
    *s = mk_str_make(hit + 1, s->len - n - 1);
    return 1;
}

int mk_str_fields(mk_str s, mk_str *f, size_t cap, size_t *n, const char **bad)
{
    size_t k = 0;
    mk_str rest = s, tok;
    for (;;) {
        const char *at = rest.p ? rest.p : s.p;
        int more = mk_str_split(&rest, ' ', &tok);
        if (tok.len == 0 || k >= cap) {
            *bad = at;
            return MIKEY_ERR_ENCODING;
        }
        f[k++] = tok;
        if (!more)
            break;
    }
    *n = k;
    return MIKEY_OK;
}

int mk_str_u64(mk_str s, uint64_t max, uint64_t *out)
{
    if (s.len == 0 || s.len > 20)
        return MIKEY_ERR_ENCODING;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < '0' || c > '9')
            return MIKEY_ERR_ENCODING;
        unsigned d = c - '0';
        if (v > (UINT64_MAX - d) / 10)
            return MIKEY_ERR_ENCODING;
        v = v * 10 + d;
    }
    if (v > max)
        return MIKEY_ERR_ENCODING;
    *out = v;
    return MIKEY_OK;
}

static int is_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/* token-char = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+"
 *              / "-" / "." / "^" / "_" / "`" / "{" / "|" / "}" / "~" */
static int is_token_char(unsigned char c)
{
    if (is_alnum(c))
        return 1;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
        return 1;
    default:
        return 0;
    }
}

int mk_str_is_token(mk_str s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (!is_token_char((unsigned char)s.p[i]))
            return 0;
    return 1;
}

int mk_str_is_proto(mk_str s)
{
    mk_str rest = s, tok;
    if (s.len == 0)
        return 0;
    for (;;) {
        int more = mk_str_split(&rest, '/', &tok);
        if (!mk_str_is_token(tok))
            return 0;
        if (!more)
            return 1;
    }
}

int mk_str_is_nonws(mk_str s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!((c >= 0x21 && c <= 0x7e) || c >= 0x80))
            return 0;
    }
    return 1;
}

int mk_str_is_bytes(mk_str s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == 0 || c == '\r' || c == '\n')
            return 0;
    }
    return 1;
}

int mk_str_is_kmpid(mk_str s, size_t max)
{
    if (s.len == 0 || s.len > max)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (!is_alnum((unsigned char)s.p[i]))
            return 0;
    return 1;
}

/* ---- writer ---- */

void mk_tw_init(mk_tw *w, char *out, size_t cap)
{
    w->out = out;
    w->cap = out ? cap : 0;
    w->len = 0;
}

void mk_tw_mem(mk_tw *w, const char *p, size_t n)
{
    if (n == 0)
        return;
    if (w->len < w->cap && n <= w->cap - w->len)
        memcpy(w->out + w->len, p, n);
    w->len = (w->len > SIZE_MAX - n) ? SIZE_MAX : w->len + n;
}

void mk_tw_str(mk_tw *w, const char *s) { mk_tw_mem(w, s, strlen(s)); }

void mk_tw_slice(mk_tw *w, mk_str s) { mk_tw_mem(w, s.p, s.len); }

void mk_tw_u64(mk_tw *w, uint64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    mk_tw_mem(w, buf, (size_t)n);
}

void mk_tw_b64(mk_tw *w, const uint8_t *p, size_t n)
{
    size_t need = mk_b64_encoded_len(n);
    if (need == SIZE_MAX) {
        w->len = SIZE_MAX;
        return;
    }
    if (w->len < w->cap && need <= w->cap - w->len)
        mk_b64_encode_raw(p, n, w->out + w->len);
    w->len = (w->len > SIZE_MAX - need) ? SIZE_MAX : w->len + need;
}

int mk_tw_finish(mk_tw *w, size_t *outlen)
{
    if (w->len == SIZE_MAX)
        return MIKEY_ERR_INVALID_ARG;
    if (w->len >= w->cap) {
        *outlen = w->len + 1;
        return MIKEY_ERR_NOBUF;
    }
    w->out[w->len] = '\0';
    *outlen = w->len;
    return MIKEY_OK;
}

void mk_sdp_seterr(mikey_sdp_error *perr, int err, size_t offset, size_t line, const char *fmt, ...)
{
    if (!perr)
        return;
    perr->err = err;
    perr->offset = offset;
    perr->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(perr->detail, sizeof perr->detail, fmt, ap);
    va_end(ap);
}
