/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 6267 payloads:
 *   IBAKE and ESK (§6.1.1-6.1.2): Next(8) Encr data len(16) Encr data;
 *   SK (§6.1.5): Next(8) Type(4) KV(4) Key data len(16) Key data KV data;
 *   ECCPT (§6.1.4): Next(8) ECC Curve(8) ECC Point Auth alg(8) TGK len(16)
 *                   Reserv(4) KV(4) KV data.
 * The ECC point length is implicit from the curve; see mikey_eccpt_point_len()
 * for our reading of "padded to end on a 32-bit boundary" (docs/interop.md).
 */
#include "wire/wire.h"

int mk_ibe_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    uint8_t np;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) ||
        (rc = mk_rd_lv(d, r, "Encr data len", "Encr data", 2, &pl->u.ibe.encr_data)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_ibe_enc_len(const mikey_payload *pl) { return 3 + pl->u.ibe.encr_data.len; }

void mk_ibe_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u16(w, (uint16_t)pl->u.ibe.encr_data.len);
    mk_wr_span(w, pl->u.ibe.encr_data);
}

int mk_ibe_check(const mikey_payload *pl) { return pl->u.ibe.encr_data.len <= 0xffff ? MIKEY_OK : MIKEY_ERR_FIELD; }

int mk_sk_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_sk *s = &pl->u.sk;
    uint8_t np, tkv;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "Type/KV", &tkv)))
        return rc;
    s->type = tkv >> 4;
    if ((rc = mk_rd_lv(d, r, "Key data len", "Key data", 2, &s->key)) || (rc = mk_kv_decode(d, r, tkv & 0x0f, &s->kv)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_sk_enc_len(const mikey_payload *pl) { return 4 + pl->u.sk.key.len + mk_kv_len(&pl->u.sk.kv); }

void mk_sk_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, (uint8_t)(pl->u.sk.type << 4 | pl->u.sk.kv.type));
    mk_wr_u16(w, (uint16_t)pl->u.sk.key.len);
    mk_wr_span(w, pl->u.sk.key);
    mk_kv_encode(w, &pl->u.sk.kv);
}

int mk_sk_check(const mikey_payload *pl)
{
    if (pl->u.sk.type > 15 || pl->u.sk.key.len > 0xffff)
        return MIKEY_ERR_FIELD;
    return mk_kv_check(&pl->u.sk.kv);
}

int mk_eccpt_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_eccpt *e = &pl->u.eccpt;
    uint8_t np, rk;
    int rc;
    if ((rc = mk_rd_u8(d, r, "Next payload", &np)) || (rc = mk_rd_u8(d, r, "ECC Curve", &e->curve)))
        return rc;
    int pl_len = mikey_eccpt_point_len(e->curve);
    if (pl_len < 0)
        return mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p - 1, "ECC Curve",
                       "unknown ECC curve %u: the ECC point length cannot be known", e->curve);
    if ((rc = mk_rd_bytes(d, r, "ECC Point", (size_t)pl_len, &e->point)) ||
        (rc = mk_rd_u8(d, r, "Auth alg", &e->auth_alg)) || (rc = mk_rd_u16(d, r, "TGK len", &e->tgk_len)) ||
        (rc = mk_rd_u8(d, r, "Reserv/KV", &rk)))
        return rc;
    e->reserved = rk >> 4;
    if ((rc = mk_kv_decode(d, r, rk & 0x0f, &e->kv)))
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_eccpt_enc_len(const mikey_payload *pl)
{
    return 6 + pl->u.eccpt.point.len + mk_kv_len(&pl->u.eccpt.kv);
}

void mk_eccpt_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_eccpt *e = &pl->u.eccpt;
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, e->curve);
    mk_wr_span(w, e->point);
    mk_wr_u8(w, e->auth_alg);
    mk_wr_u16(w, e->tgk_len);
    mk_wr_u8(w, (uint8_t)(e->reserved << 4 | e->kv.type));
    mk_kv_encode(w, &e->kv);
}

int mk_eccpt_check(const mikey_payload *pl)
{
    const mikey_eccpt *e = &pl->u.eccpt;
    int n = mikey_eccpt_point_len(e->curve);
    if (n < 0 || e->point.len != (size_t)n || e->reserved > 15)
        return MIKEY_ERR_FIELD;
    return mk_kv_check(&e->kv);
}
