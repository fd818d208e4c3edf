/* SPDX-License-Identifier: BSD-2-Clause */
/* DH data (RFC 3830 §6.4). The DH-value length is implicit from the group
 * (Table 6.4); then Reserv(4) KV(4) and optional KV data (§6.14). */
#include "wire/wire.h"

int mk_dh_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_dh *h = &pl->u.dh;
    uint8_t np, rk;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "DH-Group", &h->group)))
        return rc;
    int vl = mikey_dh_value_len(h->group);
    if (vl < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "DH-Group",
                       "unknown DH-Group %u: the DH-value length cannot be known", h->group);
    if ((rc = mk_rd_bytes(d, r, "DH-value", (size_t)vl, &h->value)) || (rc = mk_rd_u8(d, r, "Reserv/KV", &rk)))
        return rc;
    h->reserved = rk >> 4;
    if ((rc = mk_kv_decode(d, r, rk & 0x0f, &h->kv)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_dh_enc_len(const mikey_payload *pl) { return 3 + pl->u.dh.value.len + mk_kv_len(&pl->u.dh.kv); }

void mk_dh_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_dh *h = &pl->u.dh;
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, h->group);
    mk_wr_span(w, h->value);
    mk_wr_u8(w, (uint8_t)(h->reserved << 4 | h->kv.type));
    mk_kv_encode(w, &h->kv);
}

int mk_dh_check(const mikey_payload *pl)
{
    const mikey_dh *h = &pl->u.dh;
    int vl = mikey_dh_value_len(h->group);
    if (vl < 0 || h->value.len != (size_t)vl || h->reserved > 15)
        return MIKEY_ERR_FIELD;
    return mk_kv_check(&h->kv);
}
