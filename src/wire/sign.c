/* SPDX-License-Identifier: BSD-2-Clause */
/* Signature (RFC 3830 §6.5; RFC 6509 §4.3 adds ECCSI): S type(4) and a
 * 12-bit length. It has no Next payload field: it is always the last
 * payload ("The signature payload is always the last payload"). */
#include "wire/wire.h"

int mk_sign_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_sign *s = &pl->u.sign;
    uint16_t tl;
    int rc;
    const uint8_t *at = r->p;
    if ((rc = mk_rd_u16(d, r, "S type/Signature len", &tl)))
        return rc;
    s->s_type = (uint8_t)(tl >> 12);
    size_t n = tl & 0x0fff;
    if (mk_rd_left(r) < n)
        return mk_fail(d, MIKEY_ERR_LENGTH, at, "Signature len", "'Signature len' = %zu but only %zu bytes follow",
                       n, mk_rd_left(r));
    if ((rc = mk_rd_bytes(d, r, "Signature", n, &s->sig)))
        return rc;
    *next = MK_NEXT_NONE;
    return MIKEY_OK;
}

size_t mk_sign_enc_len(const mikey_payload *pl) { return 2 + pl->u.sign.sig.len; }

void mk_sign_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    MK_UNUSED(next);
    mk_wr_u16(w, (uint16_t)((unsigned)pl->u.sign.s_type << 12 | pl->u.sign.sig.len));
    mk_wr_span(w, pl->u.sign.sig);
}

int mk_sign_check(const mikey_payload *pl)
{
    return pl->u.sign.s_type <= 15 && pl->u.sign.sig.len <= 0x0fff ? MIKEY_OK : MIKEY_ERR_FIELD;
}
