/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON writer and strict parser (RFC 8259), integers only. See json.h. */
#include "json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ====================================================================== */
/* Writer                                                                  */
/* ====================================================================== */

void mkt_jw_init(mkt_jw *w, FILE *f, int pretty)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
}

static void put_escaped(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            /* RFC 8259 §7: control characters must be escaped. Bytes >= 0x80
             * are passed through; callers only give UTF-8 or ASCII. */
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

/* Separator, indentation and key before a value. */
static void lead(mkt_jw *w, const char *key)
{
    if (w->count[w->depth]++)
        fputc(',', w->f);
    if (w->pretty && w->depth > 0) {
        fputc('\n', w->f);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->f);
    }
    if (key) {
        put_escaped(w->f, key, strlen(key));
        fputs(w->pretty ? ": " : ":", w->f);
    }
}

static void open_(mkt_jw *w, const char *key, char c)
{
    lead(w, key);
    fputc(c, w->f);
    if (w->depth >= MKT_JW_MAX_DEPTH) {
        w->overflow = 1;
        return;
    }
    w->count[++w->depth] = 0;
}

static void close_(mkt_jw *w, char c)
{
    if (w->depth == 0) {
        w->overflow = 1;
        return;
    }
    int had = w->count[w->depth];
    w->depth--;
    if (w->pretty && had) {
        fputc('\n', w->f);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->f);
    }
    fputc(c, w->f);
}

void mkt_jw_obj_begin(mkt_jw *w, const char *key) { open_(w, key, '{'); }
void mkt_jw_obj_end(mkt_jw *w) { close_(w, '}'); }
void mkt_jw_arr_begin(mkt_jw *w, const char *key) { open_(w, key, '['); }
void mkt_jw_arr_end(mkt_jw *w) { close_(w, ']'); }

void mkt_jw_int(mkt_jw *w, const char *key, long long v)
{
    lead(w, key);
    fprintf(w->f, "%lld", v);
}

void mkt_jw_uint(mkt_jw *w, const char *key, unsigned long long v)
{
    lead(w, key);
    fprintf(w->f, "%llu", v);
}

void mkt_jw_bool(mkt_jw *w, const char *key, int v)
{
    lead(w, key);
    fputs(v ? "true" : "false", w->f);
}

void mkt_jw_null(mkt_jw *w, const char *key)
{
    lead(w, key);
    fputs("null", w->f);
}

void mkt_jw_str(mkt_jw *w, const char *key, const char *s) { mkt_jw_strn(w, key, s, strlen(s)); }

void mkt_jw_strn(mkt_jw *w, const char *key, const char *s, size_t n)
{
    lead(w, key);
    put_escaped(w->f, s, n);
}

void mkt_jw_hex(mkt_jw *w, const char *key, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    lead(w, key);
    fputc('"', w->f);
    for (size_t i = 0; i < n; i++) {
        fputc(digits[p[i] >> 4], w->f);
        fputc(digits[p[i] & 15], w->f);
    }
    fputc('"', w->f);
}

int mkt_jw_finish(mkt_jw *w)
{
    fputc('\n', w->f);
    if (fflush(w->f) != 0 || ferror(w->f))
        return -1;
    return w->overflow || w->depth != 0 ? -1 : 0;
}

/* ====================================================================== */
/* Parser                                                                  */
/* ====================================================================== */

typedef struct jp {
    const char *s, *end, *p;
    const char *line_start;
    unsigned line;
    size_t depth, nodes;
    const mkt_json_limits *lim;
    mkt_json_error *err;
} jp;

static unsigned col_of(const jp *j, const char *at) { return (unsigned)(at - j->line_start) + 1; }

static int jfail(jp *j, const char *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int jfail(jp *j, const char *at, const char *fmt, ...)
{
    if (j->err) {
        va_list ap;
        j->err->line = j->line;
        j->err->col = col_of(j, at);
        va_start(ap, fmt);
        vsnprintf(j->err->msg, sizeof j->err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Describe the character at p for messages. */
static const char *what(const jp *j, const char *p, char buf[16])
{
    if (p >= j->end)
        return "end of input";
    unsigned char c = (unsigned char)*p;
    if (c >= 0x21 && c <= 0x7e)
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

static void skip_ws(jp *j)
{
    while (j->p < j->end) {
        char c = *j->p;
        if (c == '\n') {
            j->line++;
            j->line_start = ++j->p;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            j->p++;
        } else {
            break;
        }
    }
}

static mkt_jval *node(jp *j, mkt_jtype t, const char *at)
{
    if (++j->nodes > j->lim->max_nodes) {
        jfail(j, at, "more than %zu values in the document", j->lim->max_nodes);
        return NULL;
    }
    mkt_jval *v = calloc(1, sizeof *v);
    if (!v) {
        jfail(j, at, "out of memory");
        return NULL;
    }
    v->type = t;
    v->line = j->line;
    v->col = col_of(j, at);
    return v;
}

/* A growable byte buffer for strings. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static int sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 32;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np)
            return -1;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

static int utf8_put(sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return sb_put(b, u, n);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629 §4: no overlongs, no
 * surrogates, max U+10FFFF), or 0 if invalid. */
static size_t utf8_valid(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        n = 2; cp = c & 0x1f; min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3; cp = c & 0x0f; min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4; cp = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int hex4(jp *j, const char *at, uint32_t *out)
{
    uint32_t v = 0;
    char b[16];
    for (int i = 0; i < 4; i++) {
        const char *q = at + i;
        if (q >= j->end)
            return jfail(j, q, "unterminated \\u escape");
        char c = *q;
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                               : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            return jfail(j, q, "invalid hex digit %s in \\u escape", what(j, q, b));
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* Parse a string starting at the opening quote; result in b. */
static int parse_string(jp *j, sbuf *b)
{
    const char *open = j->p;
    char w[16];
    j->p++;
    for (;;) {
        if (j->p >= j->end)
            return jfail(j, open, "unterminated string (started here)");
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            if (!b->p && sb_put(b, "", 0))
                return jfail(j, open, "out of memory");
            return 0;
        }
        if (c < 0x20)
            return jfail(j, j->p, "control character 0x%02x in a string (must be escaped)", c);
        if (c == '\\') {
            const char *esc = j->p;
            if (j->p + 1 >= j->end)
                return jfail(j, esc, "unterminated escape");
            char e = j->p[1];
            const char *rep = NULL;
            switch (e) {
            case '"': rep = "\""; break;
            case '\\': rep = "\\"; break;
            case '/': rep = "/"; break;
            case 'b': rep = "\b"; break;
            case 'f': rep = "\f"; break;
            case 'n': rep = "\n"; break;
            case 'r': rep = "\r"; break;
            case 't': rep = "\t"; break;
            case 'u': {
                uint32_t cp, lo;
                if (hex4(j, j->p + 2, &cp))
                    return -1;
                j->p += 6;
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return jfail(j, esc, "lone low surrogate \\u%04x", (unsigned)cp);
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    /* RFC 8259 §7: a high surrogate must be followed by an escaped low one. */
                    if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                        return jfail(j, esc, "high surrogate \\u%04x not followed by a low surrogate", (unsigned)cp);
                    if (hex4(j, j->p + 2, &lo))
                        return -1;
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return jfail(j, esc, "high surrogate \\u%04x not followed by a low surrogate", (unsigned)cp);
                    j->p += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                }
                if (utf8_put(b, cp))
                    return jfail(j, esc, "out of memory");
                continue;
            }
            default:
                return jfail(j, esc, "invalid escape '\\%s'", what(j, j->p + 1, w));
            }
            if (sb_put(b, rep, 1))
                return jfail(j, esc, "out of memory");
            j->p += 2;
            continue;
        }
        size_t n = utf8_valid((const unsigned char *)j->p, (const unsigned char *)j->end);
        if (n == 0)
            return jfail(j, j->p, "invalid UTF-8 byte 0x%02x in a string", c);
        if (sb_put(b, j->p, n))
            return jfail(j, j->p, "out of memory");
        j->p += n;
    }
}

static int parse_value(jp *j, mkt_jval **out);

static int parse_number(jp *j, mkt_jval **out)
{
    const char *start = j->p, *p = j->p;
    int neg = 0;
    char w[16];
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p >= j->end || *p < '0' || *p > '9')
        return jfail(j, p, "expected a digit after '-', found %s", what(j, p, w));
    if (*p == '0' && p + 1 < j->end && p[1] >= '0' && p[1] <= '9')
        return jfail(j, start, "leading zeros are not allowed in numbers");
    /* Accumulate as a negative value so that INT64_MIN fits. */
    long long v = 0;
    for (; p < j->end && *p >= '0' && *p <= '9'; p++) {
        int d = *p - '0';
        if (v < (-0x7fffffffffffffffLL - 1 + d) / 10)
            return jfail(j, start, "integer out of range (limit is 64-bit signed)");
        v = v * 10 - d;
    }
    if (p < j->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return jfail(j, start, "only integers are supported (no fraction or exponent)");
    if (!neg) {
        if (v == -0x7fffffffffffffffLL - 1)
            return jfail(j, start, "integer out of range (limit is 64-bit signed)");
        v = -v;
    }
    mkt_jval *n = node(j, MKT_JINT, start);
    if (!n)
        return -1;
    n->u.i = v;
    j->p = p;
    *out = n;
    return 0;
}

static int parse_literal(jp *j, mkt_jval **out)
{
    static const struct {
        const char *s;
        mkt_jtype t;
        int b;
    } lits[] = {{"true", MKT_JBOOL, 1}, {"false", MKT_JBOOL, 0}, {"null", MKT_JNULL, 0}};
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        size_t n = strlen(lits[i].s);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lits[i].s, n) == 0) {
            const char *after = j->p + n;
            if (after < j->end && ((*after >= 'a' && *after <= 'z') || (*after >= '0' && *after <= '9')))
                break;
            mkt_jval *v = node(j, lits[i].t, j->p);
            if (!v)
                return -1;
            v->u.b = lits[i].b;
            j->p = after;
            *out = v;
            return 0;
        }
    }
    char w[16];
    return jfail(j, j->p, "unexpected %s: expected a value (object, array, string, integer, true, false, null)",
                 what(j, j->p, w));
}

static int parse_array(jp *j, mkt_jval **out)
{
    mkt_jval *a = node(j, MKT_JARR, j->p);
    size_t cap = 0;
    char w[16];
    if (!a)
        return -1;
    *out = a;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        mkt_jval *v = NULL;
        skip_ws(j);
        if (j->p < j->end && *j->p == ']')
            return jfail(j, j->p, "trailing comma before ']'");
        if (parse_value(j, &v)) {
            mkt_json_free(v);
            return -1;
        }
        if (a->u.arr.n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            mkt_jval **ni = realloc(a->u.arr.items, nc * sizeof *ni);
            if (!ni) {
                mkt_json_free(v);
                return jfail(j, j->p, "out of memory");
            }
            a->u.arr.items = ni;
            cap = nc;
        }
        a->u.arr.items[a->u.arr.n++] = v;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return 0;
        }
        return jfail(j, j->p, "expected ',' or ']' after an array element, found %s", what(j, j->p, w));
    }
}

static int parse_object(jp *j, mkt_jval **out)
{
    mkt_jval *o = node(j, MKT_JOBJ, j->p);
    size_t cap = 0;
    char w[16];
    if (!o)
        return -1;
    *out = o;
    j->p++;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        skip_ws(j);
        if (j->p < j->end && *j->p == '}')
            return jfail(j, j->p, "trailing comma before '}'");
        if (j->p >= j->end || *j->p != '"')
            return jfail(j, j->p, "expected a string key, found %s", what(j, j->p, w));
        const char *kat = j->p;
        unsigned kline = j->line, kcol = col_of(j, kat);
        sbuf k = {0};
        if (parse_string(j, &k)) {
            free(k.p);
            return -1;
        }
        if (strlen(k.p) != k.n) {
            free(k.p);
            return jfail(j, kat, "a key contains NUL (\\u0000)");
        }
        for (size_t i = 0; i < o->u.obj.n; i++) {
            if (strcmp(o->u.obj.m[i].key, k.p) == 0) {
                jfail(j, kat, "duplicate key \"%.60s\" (first at line %u, column %u)", k.p, o->u.obj.m[i].line,
                      o->u.obj.m[i].col);
                free(k.p);
                return -1;
            }
        }
        if (o->u.obj.n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            mkt_jmember *nm = realloc(o->u.obj.m, nc * sizeof *nm);
            if (!nm) {
                free(k.p);
                return jfail(j, kat, "out of memory");
            }
            o->u.obj.m = nm;
            cap = nc;
        }
        mkt_jmember *m = &o->u.obj.m[o->u.obj.n++];
        memset(m, 0, sizeof *m);
        m->key = k.p;
        m->keylen = k.n;
        m->line = kline;
        m->col = kcol;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':')
            return jfail(j, j->p, "expected ':' after the key \"%.60s\", found %s", m->key, what(j, j->p, w));
        j->p++;
        skip_ws(j);
        if (parse_value(j, &m->val))
            return -1;
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        return jfail(j, j->p, "expected ',' or '}' after an object member, found %s", what(j, j->p, w));
    }
}

static int parse_value(jp *j, mkt_jval **out)
{
    *out = NULL;
    skip_ws(j);
    if (j->p >= j->end)
        return jfail(j, j->p, "unexpected end of input: expected a value");
    char c = *j->p;
    if (c == '{' || c == '[') {
        if (++j->depth > j->lim->max_depth)
            return jfail(j, j->p, "nesting deeper than %zu", j->lim->max_depth);
        int rc = c == '{' ? parse_object(j, out) : parse_array(j, out);
        j->depth--;
        return rc;
    }
    if (c == '"') {
        const char *at = j->p;
        unsigned line = j->line, col = col_of(j, at);
        sbuf b = {0};
        if (parse_string(j, &b)) {
            free(b.p);
            return -1;
        }
        mkt_jval *v = node(j, MKT_JSTR, at);
        if (!v) {
            free(b.p);
            return -1;
        }
        v->line = line; /* the string may have spanned no newline, but be exact */
        v->col = col;
        v->u.str.s = b.p;
        v->u.str.len = b.n;
        *out = v;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_number(j, out);
    return parse_literal(j, out);
}

int mkt_json_parse(const char *text, size_t len, const mkt_json_limits *lim, mkt_jval **out, mkt_json_error *err)
{
    static const mkt_json_limits deflim = {64, 16u << 20, 1000000};
    jp j;
    memset(&j, 0, sizeof j);
    j.s = j.p = j.line_start = text;
    j.end = text + len;
    j.line = 1;
    j.lim = lim ? lim : &deflim;
    j.err = err;
    *out = NULL;
    if (err)
        memset(err, 0, sizeof *err);
    if (len > j.lim->max_input)
        return jfail(&j, text, "input of %zu bytes exceeds the limit of %zu", len, j.lim->max_input);
    /* RFC 8259 §8.1: no BOM in JSON text; say so instead of "unexpected byte". */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        return jfail(&j, text, "the input starts with a UTF-8 byte order mark, which JSON does not allow");
    mkt_jval *v = NULL;
    if (parse_value(&j, &v)) {
        mkt_json_free(v);
        return -1;
    }
    skip_ws(&j);
    if (j.p < j.end) {
        char w[16];
        jfail(&j, j.p, "unexpected %s after the JSON value (trailing data)", what(&j, j.p, w));
        mkt_json_free(v);
        return -1;
    }
    *out = v;
    return 0;
}

void mkt_json_free(mkt_jval *v)
{
    if (!v)
        return;
    switch (v->type) {
    case MKT_JSTR: free(v->u.str.s); break;
    case MKT_JARR:
        for (size_t i = 0; i < v->u.arr.n; i++)
            mkt_json_free(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case MKT_JOBJ:
        for (size_t i = 0; i < v->u.obj.n; i++) {
            free(v->u.obj.m[i].key);
            mkt_json_free(v->u.obj.m[i].val);
        }
        free(v->u.obj.m);
        break;
    default: break;
    }
    free(v);
}

mkt_jmember *mkt_json_member(mkt_jval *obj, const char *key)
{
    if (!obj || obj->type != MKT_JOBJ)
        return NULL;
    for (size_t i = 0; i < obj->u.obj.n; i++)
        if (strcmp(obj->u.obj.m[i].key, key) == 0)
            return &obj->u.obj.m[i];
    return NULL;
}

mkt_jval *mkt_json_get(mkt_jval *obj, const char *key)
{
    mkt_jmember *m = mkt_json_member(obj, key);
    if (!m)
        return NULL;
    m->used = 1;
    return m->val;
}

mkt_jmember *mkt_json_first_unused(mkt_jval *obj)
{
    if (!obj || obj->type != MKT_JOBJ)
        return NULL;
    for (size_t i = 0; i < obj->u.obj.n; i++)
        if (!obj->u.obj.m[i].used)
            return &obj->u.obj.m[i];
    return NULL;
}

const char *mkt_json_type_name(mkt_jtype t)
{
    switch (t) {
    case MKT_JNULL: return "null";
    case MKT_JBOOL: return "boolean";
    case MKT_JINT: return "integer";
    case MKT_JSTR: return "string";
    case MKT_JARR: return "array";
    case MKT_JOBJ: return "object";
    }
    return "?";
}
