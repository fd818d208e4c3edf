/* SPDX-License-Identifier: BSD-2-Clause */
/* Checked reader: a read past the end never returns a silent zero; it fails
 * with MIKEY_ERR_TRUNCATED and names the field (CONVENTIONS.md §2.2.7). */
#include <stdarg.h>
#include <stdio.h>

#include "wire/wire.h"

int mk_fail(mk_dctx *d, int err, const uint8_t *at, const char *field, const char *fmt, ...)
{
    mikey_parse_error *e = d ? d->perr : NULL;
    if (!e || e->err != 0) /* the innermost (first) failure is the precise one */
        return err;
    e->err = err;
    e->offset = (at && d->base && at >= d->base) ? (size_t)(at - d->base) : 0;
    e->payload_type = d->cur_type;
    e->payload_index = d->cur_index;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    return err;
}

static int need(mk_dctx *d, mk_rd *r, const char *field, size_t n)
{
    size_t left = mk_rd_left(r);
    if (left < n)
        return mk_fail(d, MIKEY_ERR_TRUNCATED, r->p, field, "field '%s' needs %zu byte%s, only %zu left", field, n,
                       n == 1 ? "" : "s", left);
    return MIKEY_OK;
}

int mk_rd_u8(mk_dctx *d, mk_rd *r, const char *field, uint8_t *v)
{
    int rc = need(d, r, field, 1);
    if (rc)
        return rc;
    *v = *r->p++;
    return MIKEY_OK;
}

int mk_rd_u16(mk_dctx *d, mk_rd *r, const char *field, uint16_t *v)
{
    int rc = need(d, r, field, 2);
    if (rc)
        return rc;
    *v = mk_be16(r->p);
    r->p += 2;
    return MIKEY_OK;
}

int mk_rd_u32(mk_dctx *d, mk_rd *r, const char *field, uint32_t *v)
{
    int rc = need(d, r, field, 4);
    if (rc)
        return rc;
    *v = mk_be32(r->p);
    r->p += 4;
    return MIKEY_OK;
}

int mk_rd_bytes(mk_dctx *d, mk_rd *r, const char *field, size_t n, mikey_span *out)
{
    int rc = need(d, r, field, n);
    if (rc)
        return rc;
    out->p = r->p;
    out->len = n;
    r->p += n;
    return MIKEY_OK;
}

int mk_rd_lv(mk_dctx *d, mk_rd *r, const char *lenfield, const char *field, unsigned lenbytes, mikey_span *out)
{
    const uint8_t *at = r->p;
    size_t n;
    int rc;
    if (lenbytes == 1) {
        uint8_t v;
        if ((rc = mk_rd_u8(d, r, lenfield, &v)))
            return rc;
        n = v;
    } else {
        uint16_t v;
        if ((rc = mk_rd_u16(d, r, lenfield, &v)))
            return rc;
        n = v;
    }
    if (mk_rd_left(r) < n)
        return mk_fail(d, MIKEY_ERR_LENGTH, at, lenfield, "'%s' = %zu but only %zu byte%s follow", lenfield, n,
                       mk_rd_left(r), mk_rd_left(r) == 1 ? "" : "s");
    return mk_rd_bytes(d, r, field, n, out);
}
