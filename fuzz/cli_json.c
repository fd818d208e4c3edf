/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the tools' strict JSON parser (tools/common/json.c; `mikey encode`
 * reads untrusted JSON with it). Oracles (abort on violation):
 *  - an accepted document written back with the tools' writer (compact and
 *    pretty) parses again to an equal tree, and writing that tree gives the
 *    same text (the writer and the parser agree, nothing is lost);
 *  - parsing under tighter limits (depth, nodes, size) either fails or gives
 *    the same tree: a limit never changes what is accepted, only whether;
 *  - a refusal has a position (line and column >= 1) and a message;
 *  - mkt_json_get finds every member by its key, and afterwards no member
 *    is left unused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int equal(const mkt_jval *a, const mkt_jval *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case MKT_JNULL: return 1;
    case MKT_JBOOL: return !a->u.b == !b->u.b;
    case MKT_JINT: return a->u.i == b->u.i;
    case MKT_JSTR: return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case MKT_JARR:
        if (a->u.arr.n != b->u.arr.n)
            return 0;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!equal(a->u.arr.items[i], b->u.arr.items[i]))
                return 0;
        return 1;
    case MKT_JOBJ:
        if (a->u.obj.n != b->u.obj.n)
            return 0;
        for (size_t i = 0; i < a->u.obj.n; i++) {
            const mkt_jmember *x = &a->u.obj.m[i], *y = &b->u.obj.m[i];
            if (x->keylen != y->keylen || memcmp(x->key, y->key, x->keylen) != 0 || !equal(x->val, y->val))
                return 0;
        }
        return 1;
    }
    return 0;
}

static void write_val(mkt_jw *w, const char *key, const mkt_jval *v)
{
    switch (v->type) {
    case MKT_JNULL: mkt_jw_null(w, key); break;
    case MKT_JBOOL: mkt_jw_bool(w, key, v->u.b); break;
    case MKT_JINT: mkt_jw_int(w, key, v->u.i); break;
    case MKT_JSTR: mkt_jw_strn(w, key, v->u.str.s, v->u.str.len); break;
    case MKT_JARR:
        mkt_jw_arr_begin(w, key);
        for (size_t i = 0; i < v->u.arr.n; i++)
            write_val(w, NULL, v->u.arr.items[i]);
        mkt_jw_arr_end(w);
        break;
    case MKT_JOBJ:
        mkt_jw_obj_begin(w, key);
        for (size_t i = 0; i < v->u.obj.n; i++) {
            const mkt_jmember *m = &v->u.obj.m[i];
            if (strlen(m->key) != m->keylen)
                abort(); /* keys with a NUL are refused */
            write_val(w, m->key, m->val);
        }
        mkt_jw_obj_end(w);
        break;
    }
}

/* The tree as text (malloc'd, *len), or NULL if the writer failed. */
static char *to_text(const mkt_jval *v, int pretty, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    mkt_jw w;
    mkt_jw_init(&w, f, pretty);
    write_val(&w, NULL, v);
    int rc = mkt_jw_finish(&w);
    fclose(f);
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void check_error(const mkt_json_error *e)
{
    if (e->line < 1 || e->col < 1 || e->msg[0] == '\0' || !memchr(e->msg, 0, sizeof e->msg))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    mkt_jval *v = NULL;
    mkt_json_error e;
    memset(&e, 0, sizeof e);
    if (mkt_json_parse(text, size, NULL, &v, &e) != 0) {
        if (v)
            abort();
        check_error(&e);
        return 0;
    }
    for (int pretty = 0; pretty < 2; pretty++) {
        size_t l1 = 0, l2 = 0;
        char *t1 = to_text(v, pretty, &l1);
        if (!t1)
            abort(); /* whatever the parser accepts, the writer can write */
        mkt_jval *v2 = NULL;
        if (mkt_json_parse(t1, l1, NULL, &v2, &e) != 0 || !equal(v, v2))
            abort();
        char *t2 = to_text(v2, pretty, &l2);
        if (!t2 || l1 != l2 || memcmp(t1, t2, l1) != 0)
            abort();
        free(t1);
        free(t2);
        mkt_json_free(v2);
    }
    /* Tighter limits: refused or the same tree. */
    mkt_json_limits lim = {3, size ? size - 1 : 0, 16};
    for (int i = 0; i < 3; i++) {
        mkt_json_limits l = {64, (size_t)16 << 20, 1000000};
        if (i == 0)
            l.max_depth = lim.max_depth;
        else if (i == 1)
            l.max_input = lim.max_input;
        else
            l.max_nodes = lim.max_nodes;
        mkt_jval *v3 = NULL;
        if (mkt_json_parse(text, size, &l, &v3, &e) == 0) {
            if (!equal(v, v3))
                abort();
            mkt_json_free(v3);
        } else {
            check_error(&e);
        }
    }
    /* Member lookup. */
    if (v->type == MKT_JOBJ) {
        for (size_t i = 0; i < v->u.obj.n; i++)
            if (mkt_json_get(v, v->u.obj.m[i].key) != v->u.obj.m[i].val)
                abort(); /* keys are unique, so lookup finds this one */
        if (mkt_json_first_unused(v) != NULL)
            abort();
    } else if (mkt_json_get(v, "x") != NULL) {
        abort();
    }
    mkt_json_free(v);
    return 0;
}
