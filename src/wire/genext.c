/* SPDX-License-Identifier: BSD-2-Clause */
/* General extension (RFC 3830 §6.15): Type, 16-bit Length, Data. */
#include "wire/wire.h"

int mk_genext_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Type", &pl->u.genext.type)) ||
        (rc = mk_rd_lv(d, r, "Length", "Data", 2, &pl->u.genext.data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_genext_enc_len(const mikey_payload *pl) { return 4 + pl->u.genext.data.len; }

void mk_genext_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.genext.type);
    mk_wr_u16(w, (uint16_t)pl->u.genext.data.len);
    mk_wr_span(w, pl->u.genext.data);
}

int mk_genext_check(const mikey_payload *pl) { return pl->u.genext.data.len <= 0xffff ? MIKEY_OK : MIKEY_ERR_FIELD; }
