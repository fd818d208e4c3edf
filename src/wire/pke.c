/* SPDX-License-Identifier: BSD-2-Clause */
/* Envelope data PKE (RFC 3830 §6.3): C (2 bits) and a 14-bit Data len. */
#include "wire/wire.h"

int mk_pke_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_pke *k = &pl->u.pke;
    uint8_t np;
    uint16_t cl;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)))
        return rc;
    const uint8_t *at = r->p;
    if ((rc = mk_rd_u16(d, r, "C/Data len", &cl)))
        return rc;
    k->c = (uint8_t)(cl >> 14);
    size_t n = cl & 0x3fff;
    if (mk_rd_left(r) < n)
        return mk_fail(d, MIKEY_ERR_LENGTH, at, "Data len", "'Data len' = %zu but only %zu bytes follow", n,
                       mk_rd_left(r));
    if ((rc = mk_rd_bytes(d, r, "Data", n, &k->data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_pke_enc_len(const mikey_payload *pl) { return 3 + pl->u.pke.data.len; }

void mk_pke_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u16(w, (uint16_t)((unsigned)pl->u.pke.c << 14 | pl->u.pke.data.len));
    mk_wr_span(w, pl->u.pke.data);
}

int mk_pke_check(const mikey_payload *pl)
{
    return pl->u.pke.c <= 3 && pl->u.pke.data.len <= 0x3fff ? MIKEY_OK : MIKEY_ERR_FIELD;
}
