/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reader for the "key = value" vector files under tests/vectors/ (blocks
 * separated by blank lines, '#' comments, hex byte strings). Header-only,
 * shared by the crypto unit tests.
 */
#ifndef MK_TEST_VEC_H
#define MK_TEST_VEC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt.h"

#define VEC_MAX_KEYS 32

typedef struct vec_block {
    const char *key[VEC_MAX_KEYS];
    const char *val[VEC_MAX_KEYS];
    int n;
    int line; /* line of the block's first key, for messages */
} vec_block;

typedef struct vec_file {
    char *text;
    char *cur;
    int line;
} vec_file;

/* Open a file relative to the source tree; 0 on failure (test fails). */
static inline int vec_open(vec_file *f, const char *rel)
{
    size_t len;
    unsigned char *raw = mt_read_file(mt_src_path(rel), &len);
    memset(f, 0, sizeof *f);
    if (!raw) {
        mt_fail(__FILE__, __LINE__, "cannot read %s", rel);
        return 0;
    }
    f->text = malloc(len + 1);
    memcpy(f->text, raw, len);
    f->text[len] = 0;
    free(raw);
    f->cur = f->text;
    f->line = 1;
    return 1;
}

static inline void vec_close(vec_file *f)
{
    free(f->text);
    f->text = f->cur = NULL;
}

static inline char *vec_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

/* Next block; 0 at the end of the file. */
static inline int vec_next(vec_file *f, vec_block *b)
{
    memset(b, 0, sizeof *b);
    while (f->cur && *f->cur) {
        char *nl = strchr(f->cur, '\n');
        char *line = f->cur;
        if (nl) {
            *nl = 0;
            f->cur = nl + 1;
        } else {
            f->cur = line + strlen(line);
        }
        int ln = f->line++;
        char *t = vec_trim(line);
        if (*t == '#')
            continue;
        if (*t == 0) {
            if (b->n)
                return 1;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq || b->n == VEC_MAX_KEYS) {
            mt_fail(__FILE__, __LINE__, "vector file line %d: bad line", ln);
            continue;
        }
        *eq = 0;
        if (!b->n)
            b->line = ln;
        b->key[b->n] = vec_trim(t);
        b->val[b->n] = vec_trim(eq + 1);
        b->n++;
    }
    return b->n > 0;
}

static inline const char *vec_get(const vec_block *b, const char *key)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->key[i], key) == 0)
            return b->val[i];
    return NULL;
}

/* Hex value (malloc'd, at least 1 byte allocated); aborts the test run if
 * the key is missing (vector files are trusted test data). */
static inline uint8_t *vec_hex(const vec_block *b, const char *key, size_t *len)
{
    const char *v = vec_get(b, key);
    if (!v) {
        fprintf(stderr, "vector at line %d: no key %s\n", b->line, key);
        abort();
    }
    return mt_hex(v, len);
}

static inline unsigned long vec_num(const vec_block *b, const char *key, int base)
{
    const char *v = vec_get(b, key);
    if (!v) {
        fprintf(stderr, "vector at line %d: no key %s\n", b->line, key);
        abort();
    }
    return strtoul(v, NULL, base);
}

/* Name a failing vector: VEC_CTX_BEGIN before the checks of one vector,
 * VEC_CTX_END(fmt, ...) after them adds a line saying which vector it was. */
#define VEC_CTX_BEGIN() int vec_fails_before_ = mt_failed_checks
#define VEC_CTX_END(...)                                                                                               \
    do {                                                                                                               \
        if (mt_failed_checks != vec_fails_before_)                                                                     \
            mt_fail(__FILE__, __LINE__, __VA_ARGS__);                                                                  \
    } while (0)

#endif
