/* SPDX-License-Identifier: BSD-2-Clause */
/* Verification message V (RFC 3830 §6.9). The Ver data length is implicit
 * from the Auth alg (the KEMAC MAC alg values, §6.2). */
#include "wire/wire.h"

int mk_v_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_v *v = &pl->u.v;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Auth alg", &v->auth_alg)))
        return rc;
    int ml = mikey_mac_len(v->auth_alg);
    if (ml < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "Auth alg",
                       "unknown Auth alg %u: the Ver data length cannot be known", v->auth_alg);
    if ((rc = mk_rd_bytes(d, r, "Ver data", (size_t)ml, &v->data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_v_enc_len(const mikey_payload *pl) { return 2 + pl->u.v.data.len; }

void mk_v_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, pl->u.v.auth_alg);
    mk_wr_span(w, pl->u.v.data);
}

int mk_v_check(const mikey_payload *pl)
{
    int ml = mikey_mac_len(pl->u.v.auth_alg);
    return ml >= 0 && pl->u.v.data.len == (size_t)ml ? MIKEY_OK : MIKEY_ERR_FIELD;
}
