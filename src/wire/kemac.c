/* SPDX-License-Identifier: BSD-2-Clause */
/* KEMAC (RFC 3830 §6.2; RFC 6043 §6.2 adds AES-CM-256 and HMAC-SHA-256-256).
 * The MAC length is implicit from the MAC alg. */
#include "wire/wire.h"

int mk_kemac_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_kemac *k = &pl->u.kemac;
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Encr alg", &k->encr_alg)) ||
        (rc = mk_rd_lv(d, r, "Encr data len", "Encr data", 2, &k->encr_data)) ||
        (rc = mk_rd_u8(d, r, "Mac alg", &k->mac_alg)))
        return rc;
    int ml = mikey_mac_len(k->mac_alg);
    if (ml < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "Mac alg",
                       "unknown MAC alg %u: the MAC length cannot be known", k->mac_alg);
    if ((rc = mk_rd_bytes(d, r, "MAC", (size_t)ml, &k->mac)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_kemac_enc_len(const mikey_payload *pl) { return 5 + pl->u.kemac.encr_data.len + pl->u.kemac.mac.len; }

void mk_kemac_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_kemac *k = &pl->u.kemac;
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, k->encr_alg);
    mk_wr_u16(w, (uint16_t)k->encr_data.len);
    mk_wr_span(w, k->encr_data);
    mk_wr_u8(w, k->mac_alg);
    mk_wr_span(w, k->mac);
}

int mk_kemac_check(const mikey_payload *pl)
{
    const mikey_kemac *k = &pl->u.kemac;
    int ml = mikey_mac_len(k->mac_alg);
    if (k->encr_data.len > 0xffff || ml < 0 || k->mac.len != (size_t)ml)
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}
