/* SPDX-License-Identifier: BSD-2-Clause */
/* Key data sub-payload (RFC 3830 §6.13; types from RFC 6043 §6.2.1 and
 * RFC 6267 §6.1.3). Salt len/Salt data are present only for the types that
 * name a salt; KV data per §6.14. */
#include "wire/wire.h"

static int has_salt(unsigned type)
{
    return type == MIKEY_KEY_TGK_SALT || type == MIKEY_KEY_TEK_SALT || type == MIKEY_KEY_GTGK_SALT;
}

int mk_keydata_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_keydata *k = &pl->u.keydata;
    uint8_t np, tkv;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Type/KV", &tkv)))
        return rc;
    k->type = tkv >> 4;
    if (k->type > MIKEY_KEY_K_PR)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "Type",
                       "unknown key data Type %u: whether a salt follows cannot be known", k->type);
    if ((rc = mk_rd_lv(d, r, "Key data len", "Key data", 2, &k->key)))
        return rc;
    k->salt.p = NULL;
    k->salt.len = 0;
    if (has_salt(k->type) && (rc = mk_rd_lv(d, r, "Salt len", "Salt data", 2, &k->salt)))
        return rc;
    if ((rc = mk_kv_decode(d, r, tkv & 0x0f, &k->kv)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_keydata_enc_len(const mikey_payload *pl)
{
    const mikey_keydata *k = &pl->u.keydata;
    return 4 + k->key.len + (has_salt(k->type) ? 2 + k->salt.len : 0) + mk_kv_len(&k->kv);
}

void mk_keydata_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_keydata *k = &pl->u.keydata;
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, (uint8_t)(k->type << 4 | k->kv.type));
    mk_wr_u16(w, (uint16_t)k->key.len);
    mk_wr_span(w, k->key);
    if (has_salt(k->type)) {
        mk_wr_u16(w, (uint16_t)k->salt.len);
        mk_wr_span(w, k->salt);
    }
    mk_kv_encode(w, &k->kv);
}

int mk_keydata_check(const mikey_payload *pl)
{
    const mikey_keydata *k = &pl->u.keydata;
    if (k->type > MIKEY_KEY_K_PR || k->key.len > 0xffff || k->salt.len > 0xffff ||
        (!has_salt(k->type) && k->salt.len))
        return MIKEY_ERR_FIELD;
    return mk_kv_check(&k->kv);
}
