/* SPDX-License-Identifier: BSD-2-Clause */
/* ID and CERT (RFC 3830 §6.7, same layout) and IDR (RFC 6043 §6.6, with an
 * ID Role byte). Lengths are capped by the limits table (max_id_len,
 * max_cert_len). */
#include "wire/wire.h"

int mk_id_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_id *id = &pl->u.id;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)))
        return rc;
    id->role = 0;
    if (pl->type == MIKEY_PT_IDR && (rc = mk_rd_u8(d, r, "ID Role", &id->role)))
        return rc;
    const char *tf = pl->type == MIKEY_PT_CERT ? "Cert Type" : "ID Type";
    const char *lf = pl->type == MIKEY_PT_CERT ? "Cert len" : "ID len";
    if ((rc = mk_rd_u8(d, r, tf, &id->type)))
        return rc;
    const uint8_t *at = r->p;
    if ((rc = mk_rd_lv(d, r, lf, pl->type == MIKEY_PT_CERT ? "Certificate" : "ID Data", 2, &id->data)))
        return rc;
    size_t cap = pl->type == MIKEY_PT_CERT ? d->lim->max_cert_len : d->lim->max_id_len;
    if (id->data.len > cap)
        return mk_fail(d, MIKEY_ERR_LIMIT, at, lf, "'%s' = %zu exceeds the limit of %zu", lf, id->data.len, cap);
    *next = np;
    return MIKEY_OK;
}

size_t mk_id_enc_len(const mikey_payload *pl) { return (pl->type == MIKEY_PT_IDR ? 5 : 4) + pl->u.id.data.len; }

void mk_id_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    if (pl->type == MIKEY_PT_IDR)
        mk_wr_u8(w, pl->u.id.role);
    mk_wr_u8(w, pl->u.id.type);
    mk_wr_u16(w, (uint16_t)pl->u.id.data.len);
    mk_wr_span(w, pl->u.id.data);
}

int mk_id_check(const mikey_payload *pl)
{
    if (pl->u.id.data.len > 0xffff || (pl->type != MIKEY_PT_IDR && pl->u.id.role))
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}
