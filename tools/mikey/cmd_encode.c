/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey encode: build a MIKEY message from the JSON of docs/json.md (what
 * `mikey dump --json` prints) and write it as base64, hex, raw bytes or an
 * SDP attribute. Raw fields are authoritative; a compound field that is
 * absent is built from its decoded view (HDR "cs", SP "param_list", KEMAC
 * "key_data", TP/TICKET "tp_payloads"); when both are present they must
 * agree, so that editing one and forgetting the other cannot go unnoticed.
 * Unknown keys are refused (typo protection); informational keys
 * (*_name, offset, length, time, ...) are ignored.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "codec.h"
#include "input.h"
#include "json.h"
#include "mikey.h"

const char mkt_encode_help[] =
    "Usage: mikey encode [--out base64|hex|raw|sdp] [FILE|-]\n"
    "\n"
    "Build a MIKEY message from JSON in the format 'mikey dump --json' prints\n"
    "(docs/json.md) and write it to standard output. Reads FILE, or standard\n"
    "input when FILE is '-' or absent.\n"
    "\n"
    "Options:\n"
    "  -o, --out FORMAT   output format (default: base64):\n"
    "                       base64  standard base64 with padding, then a newline\n"
    "                       hex     lowercase hex, then a newline\n"
    "                       raw     the bytes (refused when stdout is a terminal)\n"
    "                       sdp     an SDP attribute line: a=key-mgmt:mikey <base64>\n"
    "  -h, --help         show this help\n"
    "\n"
    "Only \"type\" (or \"type_id\") and the raw fields of each payload are needed;\n"
    "informational fields (*_name, offset, length, time, text, ...) are ignored.\n"
    "A compound field may be left out and is then built from its decoded view:\n"
    "HDR map_info from \"cs\", SP params from \"param_list\", a NULL-encrypted\n"
    "KEMAC's encr_data from \"key_data\", TP/TICKET tp_data from \"tp_payloads\".\n"
    "If both are given they must agree. Unknown keys are errors.\n"
    "A JSON array of messages (as dump prints for SDP with several MIKEY lines)\n"
    "gives one output line per message (not with --out raw).\n"
    "\n"
    "'mikey dump --json X | mikey encode --out raw' reproduces X byte for byte.\n"
    "\n"
    "Exit status: 0 success, 1 invalid JSON or fields (stderr gives\n"
    "FILE:LINE:COLUMN, the payload and the reason), 2 usage error.\n";

/* ---------------------------------------------------------------------- */
/* Build context: error reporting with a JSON path, owned allocations      */
/* ---------------------------------------------------------------------- */

typedef struct blob {
    struct blob *next;
} blob;

typedef struct bctx {
    const char *name;  /* input name */
    char path[512];    /* "payloads[3] (KEMAC)" */
    blob *blobs;
} bctx;

static int bfail(bctx *b, const mkt_jval *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int bfail(bctx *b, const mkt_jval *at, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mikey: encode: %s", b->name);
    if (at)
        fprintf(stderr, ":%u:%u", at->line, at->col);
    fputs(": ", stderr);
    if (b->path[0])
        fprintf(stderr, "%s: ", b->path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static uint8_t *balloc(bctx *b, size_t n)
{
    blob *x = malloc(sizeof *x + (n ? n : 1));
    if (!x)
        return NULL;
    x->next = b->blobs;
    b->blobs = x;
    return (uint8_t *)(x + 1);
}

static void bfree(bctx *b)
{
    while (b->blobs) {
        blob *n = b->blobs->next;
        free(b->blobs);
        b->blobs = n;
    }
}

/* ---------------------------------------------------------------------- */
/* Field getters                                                           */
/* ---------------------------------------------------------------------- */

static const char *article(mkt_jtype t) { return t == MKT_JARR || t == MKT_JINT || t == MKT_JOBJ ? "an" : "a"; }

static int opt_uint(bctx *b, mkt_jval *o, const char *key, unsigned long long max, unsigned long long *out,
                    int *present)
{
    mkt_jval *v = mkt_json_get(o, key);
    *present = v != NULL;
    if (!v)
        return 0;
    if (v->type != MKT_JINT)
        return bfail(b, v, "'%s' must be an integer, not %s %s", key, article(v->type), mkt_json_type_name(v->type));
    if (v->u.i < 0 || (unsigned long long)v->u.i > max)
        return bfail(b, v, "'%s' = %lld is out of range 0..%llu", key, v->u.i, max);
    *out = (unsigned long long)v->u.i;
    return 0;
}

static int get_uint(bctx *b, mkt_jval *o, const char *key, unsigned long long max, unsigned long long *out)
{
    int present;
    if (opt_uint(b, o, key, max, out, &present))
        return -1;
    if (!present)
        return bfail(b, o, "missing key '%s'", key);
    return 0;
}

static int get_u8(bctx *b, mkt_jval *o, const char *key, unsigned max, uint8_t *out)
{
    unsigned long long v;
    if (get_uint(b, o, key, max, &v))
        return -1;
    *out = (uint8_t)v;
    return 0;
}

static int opt_hex(bctx *b, mkt_jval *o, const char *key, size_t maxlen, mikey_span *out, int *present)
{
    mkt_jval *v = mkt_json_get(o, key);
    mkt_cerr ce;
    size_t n;
    *present = v != NULL;
    out->p = NULL;
    out->len = 0;
    if (!v)
        return 0;
    if (v->type != MKT_JSTR)
        return bfail(b, v, "'%s' must be a hex string, not %s %s", key, article(v->type),
                     mkt_json_type_name(v->type));
    if (mkt_hex_decode(v->u.str.s, v->u.str.len, 0, NULL, &n, &ce))
        return bfail(b, v, "'%s': %s", key, ce.msg);
    if (n > maxlen)
        return bfail(b, v, "'%s' is %zu bytes; its length field holds at most %zu", key, n, maxlen);
    uint8_t *p = balloc(b, n);
    if (!p)
        return bfail(b, v, "out of memory");
    if (mkt_hex_decode(v->u.str.s, v->u.str.len, 0, p, &n, &ce))
        return bfail(b, v, "'%s': %s", key, ce.msg);
    out->p = p;
    out->len = n;
    return 0;
}

static int get_hex(bctx *b, mkt_jval *o, const char *key, size_t maxlen, mikey_span *out)
{
    int present;
    if (opt_hex(b, o, key, maxlen, out, &present))
        return -1;
    if (!present)
        return bfail(b, o, "missing key '%s'", key);
    return 0;
}

/* A byte field that may also be given as printable "text" (ID, General Ext.). */
static int get_data_or_text(bctx *b, mkt_jval *o, const char *key, size_t maxlen, mikey_span *out)
{
    int present;
    if (opt_hex(b, o, key, maxlen, out, &present))
        return -1;
    mkt_jval *t = mkt_json_get(o, "text");
    if (!t) {
        if (!present)
            return bfail(b, o, "missing key '%s'", key);
        return 0;
    }
    if (t->type != MKT_JSTR)
        return bfail(b, t, "'text' must be a string, not %s", mkt_json_type_name(t->type));
    if (t->u.str.len > maxlen)
        return bfail(b, t, "'text' is %zu bytes; the length field holds at most %zu", t->u.str.len, maxlen);
    if (present) {
        if (out->len != t->u.str.len || memcmp(out->p, t->u.str.s, out->len) != 0)
            return bfail(b, t, "'text' does not match '%s' (edit one and delete the other)", key);
        return 0;
    }
    out->p = (const uint8_t *)t->u.str.s; /* lives as long as the JSON tree */
    out->len = t->u.str.len;
    return 0;
}

static void ignore(mkt_jval *o, const char *const *keys)
{
    for (; *keys; keys++)
        (void)mkt_json_get(o, *keys);
}

static int no_unknown(bctx *b, mkt_jval *o)
{
    mkt_jmember *m = mkt_json_first_unused(o);
    if (!m)
        return 0;
    fprintf(stderr, "mikey: encode: %s:%u:%u: %s%sunknown key '%s'\n", b->name, m->line, m->col, b->path,
            b->path[0] ? ": " : "", m->key);
    return -1;
}

static int want_obj(bctx *b, mkt_jval *v, const char *what)
{
    if (!v || v->type != MKT_JOBJ)
        return bfail(b, v, "%s must be an object%s%s", what, v ? ", not " : "", v ? mkt_json_type_name(v->type) : "");
    return 0;
}

static int want_arr(bctx *b, mkt_jval *v, const char *what)
{
    if (v->type != MKT_JARR)
        return bfail(b, v, "'%s' must be an array, not %s", what, mkt_json_type_name(v->type));
    return 0;
}

static size_t path_push(bctx *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static size_t path_push(bctx *b, const char *fmt, ...)
{
    size_t old = strlen(b->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->path + old, sizeof b->path - old, fmt, ap);
    va_end(ap);
    return old;
}

static void path_pop(bctx *b, size_t old) { b->path[old] = '\0'; }

/* Raw field vs. decoded view: both given must agree. */
static int agree(bctx *b, mkt_jval *view_node, const char *view, const char *raw, mikey_span built, mikey_span given)
{
    if (built.len != given.len || (built.len && memcmp(built.p, given.p, built.len) != 0))
        return bfail(b, view_node, "'%s' does not match '%s' (edit one of them and delete the other)", view, raw);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Payloads                                                                */
/* ---------------------------------------------------------------------- */

static int append_list(bctx *b, mkt_jval *arr, mikey_msg *m, int is_msg, const char *key);

static int ci_eq(const char *a, const char *c)
{
    for (; *a && *c; a++, c++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
        if (x != y)
            return 0;
    }
    return *a == *c;
}

static int known_pt(unsigned t) { return t == MIKEY_PT_HDR || (t > 0 && t < 256 && strcmp(mikey_pt_name(t), "unknown") != 0); }

/* Payload type from "type" (name, case-insensitive) and/or "type_id". */
static int payload_type(bctx *b, mkt_jval *o, unsigned *out)
{
    mkt_jval *tn = mkt_json_get(o, "type"), *ti = mkt_json_get(o, "type_id");
    unsigned from_name = 0, from_id = 0;
    if (!tn && !ti)
        return bfail(b, o, "missing key 'type' (the payload name, e.g. \"KEMAC\") or 'type_id'");
    if (tn) {
        if (tn->type != MKT_JSTR)
            return bfail(b, tn, "'type' must be a payload name string (e.g. \"HDR\", \"KEMAC\"), not %s",
                         mkt_json_type_name(tn->type));
        if (ci_eq(tn->u.str.s, "HDR"))
            from_name = MIKEY_PT_HDR;
        for (unsigned t = 1; t < 256 && !from_name; t++)
            if (known_pt(t) && ci_eq(tn->u.str.s, mikey_pt_name(t)))
                from_name = t;
        if (!from_name)
            return bfail(b, tn, "unknown payload type \"%.40s\" (names as mikey_pt_name() gives: HDR, KEMAC, "
                         "T, RAND, SP, Key data, General Ext., ...)", tn->u.str.s);
    }
    if (ti) {
        if (ti->type != MKT_JINT || ti->u.i < 0 || ti->u.i > 256 || !known_pt((unsigned)ti->u.i))
            return bfail(b, ti, "'type_id' must be a known payload type number (1-26, or 256 for HDR)");
        from_id = (unsigned)ti->u.i;
    }
    if (tn && ti && from_name != from_id)
        return bfail(b, ti, "'type_id' %u does not match 'type' \"%s\" (%u)", from_id, tn->u.str.s, from_name);
    *out = tn ? from_name : from_id;
    return 0;
}

static int build_kv(bctx *b, mkt_jval *o, mikey_kv *kv)
{
    mkt_jval *v = mkt_json_get(o, "kv");
    memset(kv, 0, sizeof *kv);
    if (!v)
        return 0; /* KV NULL */
    size_t old = path_push(b, ".kv");
    int rc = -1;
    if (want_obj(b, v, "'kv'"))
        goto out;
    if (get_u8(b, v, "type", 15, &kv->type))
        goto out;
    static const char *const info[] = {"type_name", NULL};
    ignore(v, info);
    if (kv->type == MIKEY_KV_SPI) {
        if (get_hex(b, v, "spi", 255, &kv->spi))
            goto out;
    } else if (kv->type == MIKEY_KV_INTERVAL) {
        if (get_hex(b, v, "valid_from", 255, &kv->valid_from) || get_hex(b, v, "valid_to", 255, &kv->valid_to))
            goto out;
    } else if (kv->type != MIKEY_KV_NULL) {
        bfail(b, v, "KV type %u is unknown (0 Null, 1 SPI, 2 Interval): its data length cannot be encoded", kv->type);
        goto out;
    }
    rc = no_unknown(b, v);
out:
    path_pop(b, old);
    return rc;
}

/* A header-less payload list as bytes; prefixed: RFC 6043 TP/Initiator
 * Data, whose first byte names the first payload. */
static int build_subchain(bctx *b, mkt_jval *arr, const char *key, int prefixed, mikey_span *out)
{
    mikey_msg *m = NULL;
    size_t n, len;
    int rc = -1;
    if (want_arr(b, arr, key))
        return -1;
    if (mikey_msg_new(NULL, 1, &m) != MIKEY_OK)
        return bfail(b, arr, "out of memory");
    if (append_list(b, arr, m, 0, key))
        goto out;
    n = mikey_msg_encoded_len(m);
    size_t pre = prefixed && arr->u.arr.n ? 1 : 0;
    uint8_t *p = balloc(b, n + pre);
    if (!p) {
        bfail(b, arr, "out of memory");
        goto out;
    }
    int erc = mikey_msg_encode(m, p + pre, n, &len);
    if (erc != MIKEY_OK) {
        bfail(b, arr, "'%s' cannot be encoded [%s]", key, mikey_err_name(erc));
        goto out;
    }
    if (pre)
        p[0] = (uint8_t)mikey_msg_at(m, 0)->type;
    out->p = p;
    out->len = len + pre;
    rc = 0;
out:
    mikey_msg_free(m);
    return rc;
}

/* A raw compound field or its decoded view (built by a callback). */
typedef int (*view_fn)(bctx *b, mkt_jval *view, void *ctx, mikey_span *out);

static int raw_or_view(bctx *b, mkt_jval *o, const char *raw, size_t maxlen, const char *view, view_fn fn, void *ctx,
                       mikey_span *out)
{
    int present;
    if (opt_hex(b, o, raw, maxlen, out, &present))
        return -1;
    mkt_jval *vw = view ? mkt_json_get(o, view) : NULL;
    if (!vw) {
        if (!present)
            return view ? bfail(b, o, "missing key '%s' (or its decoded view '%s')", raw, view)
                        : bfail(b, o, "missing key '%s'", raw);
        return 0;
    }
    mikey_span built;
    if (fn(b, vw, ctx, &built))
        return -1;
    if (built.len > maxlen)
        return bfail(b, vw, "'%s' builds %zu bytes; '%s' holds at most %zu", view, built.len, raw, maxlen);
    if (present)
        return agree(b, vw, view, raw, built, *out);
    *out = built;
    return 0;
}

/* HDR "cs" -> map info (RFC 3830 §6.1.1, RFC 6043 §6.1.1). */
static int view_cs(bctx *b, mkt_jval *cs, void *ctx, mikey_span *out)
{
    const mikey_hdr *h = ctx;
    size_t n, len;
    int rc = -1;
    if (want_arr(b, cs, "cs"))
        return -1;
    n = cs->u.arr.n;
    if (n > 255)
        return bfail(b, cs, "'cs' has %zu entries; #CS holds at most 255", n);
    if (h->map_type == MIKEY_MAP_EMPTY) {
        if (n)
            return bfail(b, cs, "map type 1 (Empty map, RFC 4563) has no CS entries; 'cs' must be empty");
        out->p = NULL;
        out->len = 0;
        return 0;
    }
    if (h->map_type != MIKEY_MAP_SRTP_ID && h->map_type != MIKEY_MAP_GENERIC_ID)
        return bfail(b, cs, "cannot build the map info of map type %u from 'cs': give 'map_info'", h->map_type);
    mikey_srtp_cs *s = calloc(n ? n : 1, sizeof *s);
    mikey_generic_cs *g = calloc(n ? n : 1, sizeof *g);
    if (!s || !g) {
        bfail(b, cs, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        mkt_jval *e = cs->u.arr.items[i];
        size_t old = path_push(b, ".cs[%zu]", i);
        unsigned long long v;
        if (want_obj(b, e, "a CS entry"))
            goto fail_entry;
        if (h->map_type == MIKEY_MAP_SRTP_ID) {
            if (get_u8(b, e, "policy_no", 255, &s[i].policy_no) || get_uint(b, e, "ssrc", 0xffffffffu, &v))
                goto fail_entry;
            s[i].ssrc = (uint32_t)v;
            if (get_uint(b, e, "roc", 0xffffffffu, &v))
                goto fail_entry;
            s[i].roc = (uint32_t)v;
        } else {
            static const char *const info[] = {"prot_type_name", NULL};
            ignore(e, info);
            if (get_u8(b, e, "cs_id", 255, &g[i].cs_id) || get_u8(b, e, "prot_type", 255, &g[i].prot_type) ||
                get_u8(b, e, "s", 1, &g[i].s) || get_hex(b, e, "policies", 127, &g[i].policies) ||
                get_hex(b, e, "session_data", 0xffff, &g[i].session_data) || get_hex(b, e, "spi", 255, &g[i].spi))
                goto fail_entry;
        }
        if (no_unknown(b, e))
            goto fail_entry;
        path_pop(b, old);
        continue;
    fail_entry:
        path_pop(b, old);
        goto out;
    }
    int brc = h->map_type == MIKEY_MAP_SRTP_ID ? mikey_build_srtp_map(s, n, NULL, 0, &len)
                                                : mikey_build_generic_map(g, n, NULL, 0, &len);
    if (brc != MIKEY_ERR_NOBUF && brc != MIKEY_OK) {
        bfail(b, cs, "'cs' cannot be encoded [%s]", mikey_err_name(brc));
        goto out;
    }
    uint8_t *p = balloc(b, len);
    if (!p) {
        bfail(b, cs, "out of memory");
        goto out;
    }
    brc = h->map_type == MIKEY_MAP_SRTP_ID ? mikey_build_srtp_map(s, n, p, len, &len)
                                            : mikey_build_generic_map(g, n, p, len, &len);
    if (brc != MIKEY_OK) {
        bfail(b, cs, "'cs' cannot be encoded [%s]", mikey_err_name(brc));
        goto out;
    }
    out->p = p;
    out->len = len;
    rc = 0;
out:
    free(s);
    free(g);
    return rc;
}

static int build_hdr(bctx *b, mkt_jval *o, mikey_hdr *h)
{
    static const char *const info[] = {"data_type_name", "prf_name", "map_type_name", NULL};
    unsigned long long v;
    int ncs_present;
    ignore(o, info);
    if (get_u8(b, o, "version", 255, &h->version) || get_u8(b, o, "data_type", 255, &h->data_type) ||
        get_u8(b, o, "v", 1, &h->v) || get_u8(b, o, "prf", 127, &h->prf) ||
        get_uint(b, o, "csb_id", 0xffffffffu, &v))
        return -1;
    h->csb_id = (uint32_t)v;
    if (get_u8(b, o, "map_type", 255, &h->map_type) || opt_uint(b, o, "ncs", 255, &v, &ncs_present))
        return -1;
    mkt_jval *cs = mkt_json_member(o, "cs") ? mkt_json_member(o, "cs")->val : NULL;
    if (!ncs_present && !cs)
        return bfail(b, o, "missing key 'ncs'");
    h->ncs = ncs_present ? (uint8_t)v : (cs->type == MKT_JARR ? (uint8_t)(cs->u.arr.n > 255 ? 255 : cs->u.arr.n) : 0);
    if (!mkt_json_member(o, "map_info") && !cs && h->map_type == MIKEY_MAP_EMPTY) {
        h->map_info.p = NULL;
        h->map_info.len = 0;
    } else if (raw_or_view(b, o, "map_info", 65535, "cs", view_cs, h, &h->map_info)) {
        return -1;
    }
    if (ncs_present && cs && cs->type == MKT_JARR && cs->u.arr.n != h->ncs)
        return bfail(b, mkt_json_member(o, "ncs")->val, "'ncs' = %u but 'cs' has %zu entries", h->ncs, cs->u.arr.n);
    if (h->map_type == MIKEY_MAP_SRTP_ID && h->map_info.len != (size_t)h->ncs * 9)
        return bfail(b, o, "'map_info' is %zu bytes; map type SRTP-ID needs #CS x 9 = %u (RFC 3830 §6.1.1)",
                     h->map_info.len, h->ncs * 9u);
    if (h->map_type > MIKEY_MAP_GENERIC_ID)
        return bfail(b, mkt_json_member(o, "map_type")->val,
                     "map type %u is unknown: a parser could not find where its map info ends", h->map_type);
    return 0;
}

static int view_key_data(bctx *b, mkt_jval *v, void *ctx, mikey_span *out)
{
    (void)ctx;
    return build_subchain(b, v, "key_data", 0, out);
}

static int view_prefixed(bctx *b, mkt_jval *v, void *ctx, mikey_span *out)
{
    return build_subchain(b, v, ctx, 1, out);
}

/* SP "param_list" -> TLVs (RFC 3830 §6.10). */
static int view_params(bctx *b, mkt_jval *lst, void *ctx, mikey_span *out)
{
    (void)ctx;
    size_t n, len;
    int rc = -1;
    if (want_arr(b, lst, "param_list"))
        return -1;
    n = lst->u.arr.n;
    mikey_sp_param *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return bfail(b, lst, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mkt_jval *e = lst->u.arr.items[i];
        size_t old = path_push(b, ".param_list[%zu]", i);
        static const char *const info[] = {"type_name", NULL};
        unsigned long long iv = 0, ln = 0;
        int have_v, have_i, have_l;
        if (want_obj(b, e, "a policy param") || get_u8(b, e, "type", 255, &p[i].type) ||
            opt_hex(b, e, "value", 255, &p[i].value, &have_v) ||
            opt_uint(b, e, "int", 0xffffffffu, &iv, &have_i) || opt_uint(b, e, "length", 255, &ln, &have_l))
            goto fail_entry;
        ignore(e, info);
        if (!have_v) {
            if (!have_i) {
                bfail(b, e, "missing key 'value' (hex) or 'int'");
                goto fail_entry;
            }
            size_t need = iv > 0xffffff ? 4 : iv > 0xffff ? 3 : iv > 0xff ? 2 : 1;
            size_t l = have_l ? (size_t)ln : need;
            if (l < need || l > 4) {
                bfail(b, e, "'int' %llu does not fit in 'length' %zu (1-4 bytes)", iv, l);
                goto fail_entry;
            }
            uint8_t *q = balloc(b, l);
            if (!q) {
                bfail(b, e, "out of memory");
                goto fail_entry;
            }
            for (size_t k = 0; k < l; k++)
                q[k] = (uint8_t)(iv >> (8 * (l - 1 - k)));
            p[i].value.p = q;
            p[i].value.len = l;
        } else {
            if (have_l && ln != p[i].value.len) {
                bfail(b, mkt_json_get(e, "length"), "'length' %llu does not match 'value' (%zu bytes)", ln,
                      p[i].value.len);
                goto fail_entry;
            }
            if (have_i) {
                unsigned long long vv = 0;
                for (size_t k = 0; k < p[i].value.len; k++)
                    vv = vv << 8 | p[i].value.p[k];
                if (p[i].value.len < 1 || p[i].value.len > 4 || vv != iv) {
                    bfail(b, mkt_json_get(e, "int"), "'int' does not match 'value' (edit one and delete the other)");
                    goto fail_entry;
                }
            }
        }
        if (no_unknown(b, e))
            goto fail_entry;
        path_pop(b, old);
        continue;
    fail_entry:
        path_pop(b, old);
        goto out;
    }
    int brc = mikey_build_sp_params(p, n, NULL, 0, &len);
    if (brc != MIKEY_ERR_NOBUF && brc != MIKEY_OK) {
        bfail(b, lst, "'param_list' cannot be encoded [%s]", mikey_err_name(brc));
        goto out;
    }
    uint8_t *q = balloc(b, len);
    if (!q || mikey_build_sp_params(p, n, q, len, &len) != MIKEY_OK) {
        bfail(b, lst, "'param_list' cannot be encoded");
        goto out;
    }
    out->p = q;
    out->len = len;
    rc = 0;
out:
    free(p);
    return rc;
}

/* An implicit length (fixed by an algorithm or group): say what is expected. */
static int implicit_len(bctx *b, mkt_jval *o, const char *key, mikey_span s, int want, const char *by, unsigned val)
{
    if (want < 0)
        return bfail(b, mkt_json_member(o, by) ? mkt_json_member(o, by)->val : o,
                     "'%s' %u is unknown, so the length of '%s' cannot be known", by, val, key);
    if (s.len != (size_t)want)
        return bfail(b, mkt_json_member(o, key)->val, "'%s' is %zu byte%s; %s %u needs %d", key, s.len,
                     s.len == 1 ? "" : "s", by, val, want);
    return 0;
}

static int build_fields(bctx *b, mkt_jval *o, mikey_payload *pl)
{
    int present;
    switch (pl->type) {
    case MIKEY_PT_HDR: return build_hdr(b, o, &pl->u.hdr);
    case MIKEY_PT_KEMAC: {
        static const char *const info[] = {"encr_alg_name", "mac_alg_name", "key_data_error", NULL};
        mikey_kemac *k = &pl->u.kemac;
        ignore(o, info);
        if (get_u8(b, o, "encr_alg", 255, &k->encr_alg) || get_u8(b, o, "mac_alg", 255, &k->mac_alg) ||
            get_hex(b, o, "mac", 65535, &k->mac) ||
            implicit_len(b, o, "mac", k->mac, mikey_mac_len(k->mac_alg), "mac_alg", k->mac_alg))
            return -1;
        mkt_jmember *kd = mkt_json_member(o, "key_data");
        if (kd && k->encr_alg != MIKEY_ENCR_NULL)
            return bfail(b, kd->val, "'key_data' can only build the encr_data of a NULL-encrypted KEMAC "
                         "(encr_alg 0); give 'encr_data' for encr_alg %u", k->encr_alg);
        return raw_or_view(b, o, "encr_data", 65535, "key_data", view_key_data, NULL, &k->encr_data);
    }
    case MIKEY_PT_PKE:
        return get_u8(b, o, "c", 3, &pl->u.pke.c) || get_hex(b, o, "data", 0x3fff, &pl->u.pke.data) ? -1 : 0;
    case MIKEY_PT_DH: {
        static const char *const info[] = {"group_name", NULL};
        unsigned long long r = 0;
        mikey_dh *d = &pl->u.dh;
        ignore(o, info);
        if (get_u8(b, o, "group", 255, &d->group) || get_hex(b, o, "value", 65535, &d->value) ||
            implicit_len(b, o, "value", d->value, mikey_dh_value_len(d->group), "group", d->group) ||
            opt_uint(b, o, "reserved", 15, &r, &present))
            return -1;
        d->reserved = (uint8_t)r;
        return build_kv(b, o, &d->kv);
    }
    case MIKEY_PT_SIGN: {
        static const char *const info[] = {"s_type_name", NULL};
        ignore(o, info);
        return get_u8(b, o, "s_type", 15, &pl->u.sign.s_type) || get_hex(b, o, "sig", 0x0fff, &pl->u.sign.sig)
                   ? -1 : 0;
    }
    case MIKEY_PT_T:
    case MIKEY_PT_TR: {
        static const char *const info[] = {"role_name", "ts_type_name", "time", "counter", "seconds", NULL};
        mikey_ts *t = &pl->u.ts;
        ignore(o, info);
        if (pl->type == MIKEY_PT_TR && get_u8(b, o, "role", 255, &t->role))
            return -1;
        if (get_u8(b, o, "ts_type", 255, &t->ts_type) || get_hex(b, o, "value", 255, &t->value))
            return -1;
        return implicit_len(b, o, "value", t->value, mikey_ts_value_len(t->ts_type), "ts_type", t->ts_type);
    }
    case MIKEY_PT_ID:
    case MIKEY_PT_IDR:
    case MIKEY_PT_CERT: {
        static const char *const info[] = {"role_name", "id_type_name", "cert_type_name", NULL};
        mikey_id *id = &pl->u.id;
        const char *tk = pl->type == MIKEY_PT_CERT ? "cert_type" : "id_type";
        ignore(o, info);
        if (pl->type == MIKEY_PT_IDR && get_u8(b, o, "role", 255, &id->role))
            return -1;
        return get_u8(b, o, tk, 255, &id->type) || get_data_or_text(b, o, "data", 0xffff, &id->data) ? -1 : 0;
    }
    case MIKEY_PT_CHASH: {
        static const char *const info[] = {"hash_func_name", NULL};
        mikey_chash *c = &pl->u.chash;
        ignore(o, info);
        return get_u8(b, o, "hash_func", 255, &c->hash_func) || get_hex(b, o, "hash", 255, &c->hash) ||
                       implicit_len(b, o, "hash", c->hash, mikey_hash_len(c->hash_func), "hash_func", c->hash_func)
                   ? -1 : 0;
    }
    case MIKEY_PT_V: {
        static const char *const info[] = {"auth_alg_name", NULL};
        mikey_v *v = &pl->u.v;
        ignore(o, info);
        return get_u8(b, o, "auth_alg", 255, &v->auth_alg) || get_hex(b, o, "data", 255, &v->data) ||
                       implicit_len(b, o, "data", v->data, mikey_mac_len(v->auth_alg), "auth_alg", v->auth_alg)
                   ? -1 : 0;
    }
    case MIKEY_PT_SP: {
        static const char *const info[] = {"prot_type_name", NULL};
        mikey_sp *s = &pl->u.sp;
        ignore(o, info);
        return get_u8(b, o, "policy_no", 255, &s->policy_no) || get_u8(b, o, "prot_type", 255, &s->prot_type) ||
                       raw_or_view(b, o, "params", 0xffff, "param_list", view_params, NULL, &s->params)
                   ? -1 : 0;
    }
    case MIKEY_PT_RAND:
    case MIKEY_PT_RANDR: {
        static const char *const info[] = {"role_name", NULL};
        ignore(o, info);
        if (pl->type == MIKEY_PT_RANDR && get_u8(b, o, "role", 255, &pl->u.rand.role))
            return -1;
        return get_hex(b, o, "data", 255, &pl->u.rand.data);
    }
    case MIKEY_PT_ERR: {
        static const char *const info[] = {"error_no_name", NULL};
        unsigned long long r = 0;
        ignore(o, info);
        if (get_u8(b, o, "error_no", 255, &pl->u.err.error_no) || opt_uint(b, o, "reserved", 0xffff, &r, &present))
            return -1;
        pl->u.err.reserved = (uint16_t)r;
        return 0;
    }
    case MIKEY_PT_KEYDATA: {
        static const char *const info[] = {"key_type_name", NULL};
        mikey_keydata *k = &pl->u.keydata;
        ignore(o, info);
        if (get_u8(b, o, "key_type", 15, &k->type))
            return -1;
        if (k->type > MIKEY_KEY_K_PR)
            return bfail(b, mkt_json_get(o, "key_type"),
                         "'key_type' %u is unknown (0-7): a parser could not know whether a salt follows", k->type);
        if (get_hex(b, o, "key", 0xffff, &k->key) || opt_hex(b, o, "salt", 0xffff, &k->salt, &present))
            return -1;
        int salted = k->type == MIKEY_KEY_TGK_SALT || k->type == MIKEY_KEY_TEK_SALT || k->type == MIKEY_KEY_GTGK_SALT;
        if (!salted && k->salt.len)
            return bfail(b, mkt_json_get(o, "salt"), "'salt' is only carried by key types 1, 3 and 5 "
                         "(TGK+SALT, TEK+SALT, GTGK+SALT; RFC 3830 §6.13), not %u", k->type);
        return build_kv(b, o, &k->kv);
    }
    case MIKEY_PT_GENEXT: {
        static const char *const info[] = {"ext_type_name", NULL};
        ignore(o, info);
        return get_u8(b, o, "ext_type", 255, &pl->u.genext.type) ||
                       get_data_or_text(b, o, "data", 0xffff, &pl->u.genext.data)
                   ? -1 : 0;
    }
    case MIKEY_PT_TP:
    case MIKEY_PT_TICKET: {
        static const char *const info[] = {"prf_name", "tp_payloads_error", "initiator_payloads_error", NULL};
        mikey_ticket *t = &pl->u.ticket;
        unsigned long long v;
        ignore(o, info);
        if (get_uint(b, o, "ticket_type", 0xffff, &v))
            return -1;
        t->ticket_type = (uint16_t)v;
        if (get_u8(b, o, "subtype", 255, &t->subtype) || get_u8(b, o, "version", 255, &t->version) ||
            get_u8(b, o, "prf", 127, &t->prf) || get_uint(b, o, "flags", 0x1ffff, &v))
            return -1;
        t->flags = (uint32_t)v;
        if (raw_or_view(b, o, "tp_data", 0xffff, "tp_payloads", view_prefixed, "tp_payloads", &t->tp_data))
            return -1;
        if (pl->type == MIKEY_PT_TICKET &&
            (get_hex(b, o, "ticket_data", 0xffff, &t->ticket_data) ||
             raw_or_view(b, o, "initiator_data", 0xffff, "initiator_payloads", view_prefixed, "initiator_payloads",
                         &t->initiator_data)))
            return -1;
        return 0;
    }
    case MIKEY_PT_IBAKE:
    case MIKEY_PT_ESK: return get_hex(b, o, "encr_data", 0xffff, &pl->u.ibe.encr_data);
    case MIKEY_PT_SK:
        return get_u8(b, o, "sk_type", 15, &pl->u.sk.type) || get_hex(b, o, "key", 0xffff, &pl->u.sk.key) ||
                       build_kv(b, o, &pl->u.sk.kv)
                   ? -1 : 0;
    case MIKEY_PT_ECCPT: {
        mikey_eccpt *c = &pl->u.eccpt;
        unsigned long long v = 0;
        if (get_u8(b, o, "curve", 255, &c->curve) || get_hex(b, o, "point", 0xffff, &c->point) ||
            implicit_len(b, o, "point", c->point, mikey_eccpt_point_len(c->curve), "curve", c->curve) ||
            get_u8(b, o, "auth_alg", 255, &c->auth_alg) || get_uint(b, o, "tgk_len", 0xffff, &v))
            return -1;
        c->tgk_len = (uint16_t)v;
        if (opt_uint(b, o, "reserved", 15, &v, &present))
            return -1;
        c->reserved = present ? (uint8_t)v : 0;
        return build_kv(b, o, &c->kv);
    }
    case MIKEY_PT_SAKKE:
        return get_u8(b, o, "params", 255, &pl->u.sakke.params) ||
                       get_u8(b, o, "id_scheme", 255, &pl->u.sakke.id_scheme) ||
                       get_hex(b, o, "data", 0xffff, &pl->u.sakke.data)
                   ? -1 : 0;
    default: return bfail(b, o, "payload type %u cannot be built", pl->type);
    }
}

/* Append every payload object of `arr` to m. */
static int append_list(bctx *b, mkt_jval *arr, mikey_msg *m, int is_msg, const char *key)
{
    size_t n = arr->u.arr.n;
    for (size_t i = 0; i < n; i++) {
        mkt_jval *o = arr->u.arr.items[i];
        size_t old = path_push(b, "%s%s[%zu]", b->path[0] ? "." : "", key, i);
        mikey_payload pl;
        unsigned type = 0;
        int rc = -1;
        memset(&pl, 0, sizeof pl);
        if (want_obj(b, o, "a payload") || payload_type(b, o, &type))
            goto next;
        path_push(b, " (%s)", mikey_pt_name(type));
        static const char *const common[] = {"offset", "length", NULL};
        ignore(o, common);
        pl.type = type;
        if (type == MIKEY_PT_HDR && (!is_msg || i != 0)) {
            bfail(b, o, is_msg ? "the HDR may only be the first payload" : "a HDR cannot appear in a sub-chain");
            goto next;
        }
        if (is_msg && i == 0 && type != MIKEY_PT_HDR) {
            bfail(b, o, "the first payload of a message must be the HDR (RFC 3830 §6.1)");
            goto next;
        }
        if (i > 0 && mikey_msg_at(m, i - 1)->type == MIKEY_PT_SIGN) {
            bfail(b, o, "no payload may follow SIGN (RFC 3830 §6.5: SIGN is always the last payload)");
            goto next;
        }
        if (build_fields(b, o, &pl) || no_unknown(b, o))
            goto next;
        int arc = mikey_msg_append(m, &pl);
        if (arc != MIKEY_OK) {
            bfail(b, o, "the library refused this payload's fields: %s [%s]", mikey_strerror(arc),
                  mikey_err_name(arc));
            goto next;
        }
        rc = 0;
    next:
        path_pop(b, old);
        if (rc)
            return -1;
    }
    return 0;
}

/* One message object -> bytes (malloc'd). */
static int build_message(bctx *b, mkt_jval *doc, uint8_t **out, size_t *outlen)
{
    static const char *const info[] = {"length", "leniencies", "source", NULL};
    mikey_msg *m = NULL;
    int rc = -1;
    *out = NULL;
    if (want_obj(b, doc, "a message"))
        return -1;
    ignore(doc, info);
    mkt_jval *pls = mkt_json_get(doc, "payloads");
    if (!pls)
        return bfail(b, doc, "missing key 'payloads' (the list of payloads, HDR first)");
    if (want_arr(b, pls, "payloads") || no_unknown(b, doc))
        return -1;
    if (pls->u.arr.n == 0)
        return bfail(b, pls, "'payloads' is empty: a message needs at least the HDR");
    if (mikey_msg_new(NULL, 0, &m) != MIKEY_OK)
        return bfail(b, doc, "out of memory");
    if (append_list(b, pls, m, 1, "payloads"))
        goto done;
    size_t n = mikey_msg_encoded_len(m), len;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        bfail(b, doc, "out of memory");
        goto done;
    }
    int erc = mikey_msg_encode(m, p, n, &len);
    if (erc != MIKEY_OK) {
        free(p);
        bfail(b, doc, "the message cannot be encoded: %s [%s]", mikey_strerror(erc), mikey_err_name(erc));
        goto done;
    }
    /* Crafted messages may legitimately break rules the parser enforces
     * (limits, for instance): say so, but still write them. */
    mikey_msg *chk = NULL;
    mikey_parse_error pe;
    if (mikey_msg_parse(NULL, p, len, NULL, &chk, &pe) != MIKEY_OK) {
        char msg[400];
        mkt_format_parse_error(&pe, msg, sizeof msg);
        fprintf(stderr, "mikey: encode: %s: warning: the encoded message does not parse back: %s\n", b->name, msg);
    }
    mikey_msg_free(chk);
    *out = p;
    *outlen = len;
    rc = 0;
done:
    mikey_msg_free(m);
    return rc;
}

static int write_out(mkt_fmt fmt, int sdp, const uint8_t *p, size_t n)
{
    if (fmt == MKT_FMT_RAW)
        return fwrite(p, 1, n, stdout) == n ? 0 : -1;
    char *t = malloc((fmt == MKT_FMT_HEX ? 2 * n : mkt_b64_encoded_len(n)) + 1);
    if (!t)
        return -1;
    if (fmt == MKT_FMT_HEX)
        mkt_hex_encode(p, n, t);
    else
        mkt_b64_encode(p, n, t);
    /* RFC 4567 §3.1: a=key-mgmt:<prtcl-id> SP <base64>; SDP lines end in CRLF
     * on the wire, but a tool printing to a terminal or file uses LF. */
    int rc = printf("%s%s\n", sdp ? "a=key-mgmt:mikey " : "", t) < 0 ? -1 : 0;
    free(t);
    return rc;
}

int mkt_cmd_encode(int argc, char **argv)
{
    mkt_fmt fmt = MKT_FMT_BASE64;
    int sdp = 0, only_pos = 0, rc;
    const char *path = NULL, *val;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && a[0] == '-' && a[1] != '\0') {
            if ((rc = mkt_opt_value(argc, argv, &i, "--out", "-o", &val)) != 0) {
                if (rc < 0)
                    return mkt_usage_err("encode", "option '%s' needs a value (base64, hex, raw or sdp)", a);
                if (strcmp(val, "sdp") == 0) {
                    sdp = 1;
                    fmt = MKT_FMT_BASE64;
                } else if (mkt_fmt_parse(val, 0, &fmt) == 0 && fmt != MKT_FMT_SDP) {
                    sdp = 0;
                } else {
                    return mkt_usage_err("encode", "unknown output format '%s' (expected base64, hex, raw or sdp)",
                                         val);
                }
            } else {
                return mkt_usage_err("encode", "unknown option '%s'", a);
            }
        } else {
            if (path)
                return mkt_usage_err("encode", "more than one input file ('%s' and '%s')", path, a);
            path = a;
        }
    }
    if (fmt == MKT_FMT_RAW && isatty(STDOUT_FILENO))
        return mkt_usage_err("encode", "refusing to write raw bytes to a terminal: redirect the output or use "
                             "--out base64/hex");

    bctx b;
    memset(&b, 0, sizeof b);
    b.name = !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
    uint8_t *in = NULL;
    size_t n = 0;
    char err[256];
    if (mkt_read_input(path, MKT_MAX_INPUT, &in, &n, err, sizeof err)) {
        mkt_err("encode", "%s", err);
        return MKT_EXIT_FAIL;
    }
    mkt_jval *doc = NULL;
    mkt_json_error je;
    if (mkt_json_parse((const char *)in, n, NULL, &doc, &je)) {
        fprintf(stderr, "mikey: encode: %s:%u:%u: invalid JSON: %s\n", b.name, je.line, je.col, je.msg);
        free(in);
        return MKT_EXIT_FAIL;
    }
    free(in);

    int status = MKT_EXIT_OK;
    size_t count = doc->type == MKT_JARR ? doc->u.arr.n : 1;
    if (doc->type == MKT_JARR && fmt == MKT_FMT_RAW) {
        mkt_json_free(doc);
        return mkt_usage_err("encode", "the input is an array of %zu messages: raw output cannot separate them; "
                             "use --out base64, hex or sdp", count);
    }
    if (doc->type == MKT_JARR && count == 0) {
        bfail(&b, doc, "the array holds no message");
        status = MKT_EXIT_FAIL;
    }
    /* Build everything first, so that an error leaves no partial output. */
    uint8_t **msgs = calloc(count ? count : 1, sizeof *msgs);
    size_t *lens = calloc(count ? count : 1, sizeof *lens);
    if (!msgs || !lens) {
        mkt_err("encode", "out of memory");
        status = MKT_EXIT_FAIL;
    }
    for (size_t i = 0; status == MKT_EXIT_OK && i < count; i++) {
        mkt_jval *m = doc->type == MKT_JARR ? doc->u.arr.items[i] : doc;
        size_t old = doc->type == MKT_JARR ? path_push(&b, "[%zu]", i) : 0;
        if (build_message(&b, m, &msgs[i], &lens[i]))
            status = MKT_EXIT_FAIL;
        path_pop(&b, old);
    }
    for (size_t i = 0; status == MKT_EXIT_OK && i < count; i++) {
        if (write_out(fmt, sdp, msgs[i], lens[i])) {
            mkt_err("encode", "writing the output failed");
            status = MKT_EXIT_FAIL;
        }
    }
    if (status == MKT_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        mkt_err("encode", "writing the output failed");
        status = MKT_EXIT_FAIL;
    }
    for (size_t i = 0; msgs && i < count; i++)
        free(msgs[i]);
    free(msgs);
    free(lens);
    bfree(&b);
    mkt_json_free(doc);
    return status;
}
