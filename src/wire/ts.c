/* SPDX-License-Identifier: BSD-2-Clause */
/* Timestamp T (RFC 3830 §6.6) and TR (RFC 6043 §6.4, with a TS Role byte).
 * The value length is implicit: NTP-UTC and NTP 8 bytes, COUNTER and
 * NTP-UTC-32 (RFC 6043 §6.3) 4 bytes. */
#include "wire/wire.h"

int mk_ts_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_ts *t = &pl->u.ts;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)))
        return rc;
    t->role = 0;
    if (pl->type == MIKEY_PT_TR && (rc = mk_rd_u8(d, r, "TS Role", &t->role)))
        return rc;
    if ((rc = mk_rd_u8(d, r, "TS type", &t->ts_type)))
        return rc;
    int vl = mikey_ts_value_len(t->ts_type);
    if (vl < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "TS type",
                       "unknown TS type %u: the TS value length cannot be known", t->ts_type);
    if ((rc = mk_rd_bytes(d, r, "TS value", (size_t)vl, &t->value)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_ts_enc_len(const mikey_payload *pl) { return (pl->type == MIKEY_PT_TR ? 3 : 2) + pl->u.ts.value.len; }

void mk_ts_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    if (pl->type == MIKEY_PT_TR)
        mk_wr_u8(w, pl->u.ts.role);
    mk_wr_u8(w, pl->u.ts.ts_type);
    mk_wr_span(w, pl->u.ts.value);
}

int mk_ts_check(const mikey_payload *pl)
{
    int vl = mikey_ts_value_len(pl->u.ts.ts_type);
    if (vl < 0 || pl->u.ts.value.len != (size_t)vl || (pl->type == MIKEY_PT_T && pl->u.ts.role))
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}
