/* SPDX-License-Identifier: BSD-2-Clause */
/* Security policy SP (RFC 3830 §6.10): Policy no, Prot type, a 16-bit
 * Policy param length and Type/Length/Value params. The TLV structure must
 * fill the param length exactly. */
#include "wire/wire.h"

static int walk_params(mk_dctx *d, mikey_span params, size_t max)
{
    mk_rd r = {params.p, params.p + params.len};
    size_t n = 0;
    while (mk_rd_left(&r) > 0) {
        uint8_t type;
        mikey_span v;
        const uint8_t *at = r.p;
        int rc;
        if (++n > max)
            return mk_fail(d, MIKEY_ERR_LIMIT, at, "Policy param", "more than %zu policy params", max);
        if ((rc = mk_rd_u8(d, &r, "Type", &type)))
            return rc;
        if ((rc = mk_rd_lv(d, &r, "Length", "Value", 1, &v)))
            return rc;
    }
    return MIKEY_OK;
}

int mk_sp_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_sp *s = &pl->u.sp;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Policy no", &s->policy_no)) ||
        (rc = mk_rd_u8(d, r, "Prot type", &s->prot_type)) ||
        (rc = mk_rd_lv(d, r, "Policy param length", "Policy param", 2, &s->params)))
        return rc;
    if ((rc = walk_params(d, s->params, d->lim->max_sp_params)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_sp_enc_len(const mikey_payload *pl) { return 5 + pl->u.sp.params.len; }

void mk_sp_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.sp.policy_no);
    mk_wr_u8(w, pl->u.sp.prot_type);
    mk_wr_u16(w, (uint16_t)pl->u.sp.params.len);
    mk_wr_span(w, pl->u.sp.params);
}

int mk_sp_check(const mikey_payload *pl)
{
    mk_dctx d;
    memset(&d, 0, sizeof d);
    if (pl->u.sp.params.len > 0xffff || walk_params(&d, pl->u.sp.params, SIZE_MAX))
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}

int mikey_sp_param_next(const mikey_sp *sp, size_t *off, mikey_sp_param *out)
{
    if (!sp || !off || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (*off >= sp->params.len)
        return MIKEY_ERR_NOT_FOUND;
    mk_dctx d;
    memset(&d, 0, sizeof d);
    mk_rd r = {sp->params.p + *off, sp->params.p + sp->params.len};
    int rc;
    if ((rc = mk_rd_u8(&d, &r, "Type", &out->type)) || (rc = mk_rd_lv(&d, &r, "Length", "Value", 1, &out->value)))
        return rc;
    *off = (size_t)(r.p - sp->params.p);
    return MIKEY_OK;
}

int mikey_sp_param_find(const mikey_sp *sp, uint8_t type, mikey_sp_param *out)
{
    size_t off = 0;
    mikey_sp_param p;
    int rc;
    while ((rc = mikey_sp_param_next(sp, &off, &p)) == MIKEY_OK) {
        if (p.type == type) {
            if (out)
                *out = p;
            return MIKEY_OK;
        }
    }
    return rc;
}

int mikey_build_sp_params(const mikey_sp_param *p, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    if ((!p && n) || !outlen)
        return MIKEY_ERR_INVALID_ARG;
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].value.len > 255)
            return MIKEY_ERR_FIELD;
        need += 2 + p[i].value.len;
    }
    *outlen = need;
    if (!out || cap < need)
        return MIKEY_ERR_NOBUF;
    mk_wr w = {out, out + cap, 0};
    for (size_t i = 0; i < n; i++) {
        mk_wr_u8(&w, p[i].type);
        mk_wr_u8(&w, (uint8_t)p[i].value.len);
        mk_wr_span(&w, p[i].value);
    }
    return w.overflow ? MIKEY_ERR_INTERNAL : MIKEY_OK;
}
