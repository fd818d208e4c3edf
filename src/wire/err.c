/* SPDX-License-Identifier: BSD-2-Clause */
/* Error payload ERR (RFC 3830 §6.12): Error no and 16 reserved bits (kept
 * as received so that re-encoding is byte-identical). */
#include "wire/wire.h"

int mk_err_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Error no", &pl->u.err.error_no)) ||
        (rc = mk_rd_u16(d, r, "Reserved", &pl->u.err.reserved)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_err_enc_len(const mikey_payload *pl)
{
    MK_UNUSED(pl);
    return 4;
}

void mk_err_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.err.error_no);
    mk_wr_u16(w, pl->u.err.reserved);
}

int mk_err_check(const mikey_payload *pl)
{
    MK_UNUSED(pl);
    return MIKEY_OK;
}
