/* SPDX-License-Identifier: BSD-2-Clause */
/* RAND (RFC 3830 §6.11) and RANDR (RFC 6043 §6.8, with a RAND Role byte):
 * an 8-bit length and the bytes. The RFC's "SHOULD be at least 16" is a
 * policy matter, checked by the session layer, not here. */
#include "wire/wire.h"

int mk_rand_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_rand *x = &pl->u.rand;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)))
        return rc;
    x->role = 0;
    if (pl->type == MIKEY_PT_RANDR && (rc = mk_rd_u8(d, r, "RAND Role", &x->role)))
        return rc;
    if ((rc = mk_rd_lv(d, r, "RAND len", "RAND", 1, &x->data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_rand_enc_len(const mikey_payload *pl) { return (pl->type == MIKEY_PT_RANDR ? 3 : 2) + pl->u.rand.data.len; }

void mk_rand_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    if (pl->type == MIKEY_PT_RANDR)
        mk_wr_u8(w, pl->u.rand.role);
    mk_wr_u8(w, (uint8_t)pl->u.rand.data.len);
    mk_wr_span(w, pl->u.rand.data);
}

int mk_rand_check(const mikey_payload *pl)
{
    return pl->u.rand.data.len <= 255 && (pl->type == MIKEY_PT_RANDR || !pl->u.rand.role) ? MIKEY_OK
                                                                                            : MIKEY_ERR_FIELD;
}
