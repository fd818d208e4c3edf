/* SPDX-License-Identifier: BSD-2-Clause */
/* SAKKE payload (RFC 6509 §4.2): SAKKE params, ID scheme, 16-bit SAKKE
 * data length, SAKKE Encapsulated Data (RFC 6508 §4). */
#include "wire/wire.h"

int mk_sakke_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_sakke *s = &pl->u.sakke;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "SAKKE params", &s->params)) ||
        (rc = mk_rd_u8(d, r, "ID scheme", &s->id_scheme)) ||
        (rc = mk_rd_lv(d, r, "SAKKE data length", "SAKKE data", 2, &s->data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_sakke_enc_len(const mikey_payload *pl) { return 5 + pl->u.sakke.data.len; }

void mk_sakke_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.sakke.params);
    mk_wr_u8(w, pl->u.sakke.id_scheme);
    mk_wr_u16(w, (uint16_t)pl->u.sakke.data.len);
    mk_wr_span(w, pl->u.sakke.data);
}

int mk_sakke_check(const mikey_payload *pl) { return pl->u.sakke.data.len <= 0xffff ? MIKEY_OK : MIKEY_ERR_FIELD; }
