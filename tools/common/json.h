/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small JSON writer and a small strict JSON parser (RFC 8259), only as much
 * as the tools need: objects, arrays, strings with every escape, integers,
 * true/false/null. No floating point: a number with a fraction or an
 * exponent is refused with a clear error, since every MIKEY field is an
 * integer or a byte string.
 *
 * The parser builds a tree whose nodes remember their line and column, so
 * that a caller checking the *meaning* of a document (mikey encode) can
 * point at the offending value. It refuses: duplicate keys, invalid UTF-8,
 * lone surrogates, control characters in strings, leading zeros, trailing
 * commas, trailing data, nesting deeper than the limit, input larger than
 * the limit.
 */
#ifndef MIKEY_TOOLS_JSON_H
#define MIKEY_TOOLS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------------- */
/* Writer                                                                  */
/* ---------------------------------------------------------------------- */

#define MKT_JW_MAX_DEPTH 64

/** Streaming writer. Pretty output: 2-space indentation, one member per line. */
typedef struct mkt_jw {
    FILE *f;
    int pretty;
    int depth;
    int count[MKT_JW_MAX_DEPTH + 1]; /* values written at each level */
    int overflow;                    /* nesting beyond MKT_JW_MAX_DEPTH: output truncated */
} mkt_jw;

void mkt_jw_init(mkt_jw *w, FILE *f, int pretty);
/* In each call, @p key names the member when inside an object and must be
 * NULL inside an array or at the top level. */
void mkt_jw_obj_begin(mkt_jw *w, const char *key);
void mkt_jw_obj_end(mkt_jw *w);
void mkt_jw_arr_begin(mkt_jw *w, const char *key);
void mkt_jw_arr_end(mkt_jw *w);
void mkt_jw_int(mkt_jw *w, const char *key, long long v);
void mkt_jw_uint(mkt_jw *w, const char *key, unsigned long long v);
void mkt_jw_bool(mkt_jw *w, const char *key, int v);
void mkt_jw_null(mkt_jw *w, const char *key);
void mkt_jw_str(mkt_jw *w, const char *key, const char *s);
void mkt_jw_strn(mkt_jw *w, const char *key, const char *s, size_t n);
/** A byte string as a lowercase hex JSON string. */
void mkt_jw_hex(mkt_jw *w, const char *key, const uint8_t *p, size_t n);
/** End the document (newline). Returns -1 if a write failed or nesting overflowed. */
int mkt_jw_finish(mkt_jw *w);

/* ---------------------------------------------------------------------- */
/* Parser                                                                  */
/* ---------------------------------------------------------------------- */

typedef enum mkt_jtype { MKT_JNULL, MKT_JBOOL, MKT_JINT, MKT_JSTR, MKT_JARR, MKT_JOBJ } mkt_jtype;

typedef struct mkt_jval mkt_jval;

typedef struct mkt_jmember {
    char *key;      /* NUL-terminated; keys with an embedded NUL are refused */
    size_t keylen;
    unsigned line, col; /* of the key */
    int used;       /* set by mkt_json_get(): lets callers find unknown keys */
    mkt_jval *val;
} mkt_jmember;

struct mkt_jval {
    mkt_jtype type;
    unsigned line, col; /* 1-based; the column counts bytes */
    union {
        int b;
        long long i;
        struct {
            char *s; /* NUL-terminated UTF-8; may contain NUL (\u0000), see len */
            size_t len;
        } str;
        struct {
            mkt_jval **items;
            size_t n;
        } arr;
        struct {
            mkt_jmember *m;
            size_t n;
        } obj;
    } u;
};

typedef struct mkt_json_limits {
    size_t max_depth;    /* nesting of arrays/objects (default 64) */
    size_t max_input;    /* bytes (default 16 MiB) */
    size_t max_nodes;    /* values in the document (default 1,000,000) */
} mkt_json_limits;

typedef struct mkt_json_error {
    unsigned line, col;
    char msg[160];
} mkt_json_error;

/**
 * Parse one JSON document (surrounding whitespace allowed). @p lim may be
 * NULL for the defaults. Returns 0 and the tree in @p *out, or -1 with
 * @p err filled (out of memory is reported the same way).
 */
int mkt_json_parse(const char *text, size_t len, const mkt_json_limits *lim, mkt_jval **out, mkt_json_error *err);
void mkt_json_free(mkt_jval *v);

/** Member @p key of object @p obj (NULL if absent or @p obj not an object); marks it used. */
mkt_jval *mkt_json_get(mkt_jval *obj, const char *key);
/** The member entry of @p key, without marking it. */
mkt_jmember *mkt_json_member(mkt_jval *obj, const char *key);
/** The first member not yet returned by mkt_json_get(), or NULL. */
mkt_jmember *mkt_json_first_unused(mkt_jval *obj);
/** "null", "boolean", "integer", "string", "array", "object". */
const char *mkt_json_type_name(mkt_jtype t);

#endif
