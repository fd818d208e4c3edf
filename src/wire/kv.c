/* SPDX-License-Identifier: BSD-2-Clause */
/* Key validity data (RFC 3830 §6.14): part of the Key data sub-payload,
 * the DH payload and the RFC 6267 SK/ECCPT sub-payloads. */
#include "wire/wire.h"

int mk_kv_decode(mk_dctx *d, mk_rd *r, uint8_t kv_type, mikey_kv *kv)
{
    int rc = MIKEY_OK;
    memset(kv, 0, sizeof *kv);
    kv->type = kv_type;
    switch (kv_type) {
    case MIKEY_KV_NULL: /* "If KV is NULL, this field is not included." */
        break;
    case MIKEY_KV_SPI:
        rc = mk_rd_lv(d, r, "SPI Length", "SPI", 1, &kv->spi);
        break;
    case MIKEY_KV_INTERVAL:
        if ((rc = mk_rd_lv(d, r, "VF Length", "Valid From", 1, &kv->valid_from)))
            break;
        rc = mk_rd_lv(d, r, "VT Length", "Valid To", 1, &kv->valid_to);
        break;
    default:
        rc = mk_fail(d, MIKEY_ERR_UNSUPPORTED, r->p, "KV", "unknown KV type %u: the KV data length cannot be known",
                     kv_type);
    }
    return rc;
}

size_t mk_kv_len(const mikey_kv *kv)
{
    switch (kv->type) {
    case MIKEY_KV_SPI:
        return 1 + kv->spi.len;
    case MIKEY_KV_INTERVAL:
        return 2 + kv->valid_from.len + kv->valid_to.len;
    default:
        return 0;
    }
}

void mk_kv_encode(mk_wr *w, const mikey_kv *kv)
{
    switch (kv->type) {
    case MIKEY_KV_SPI:
        mk_wr_u8(w, (uint8_t)kv->spi.len);
        mk_wr_span(w, kv->spi);
        break;
    case MIKEY_KV_INTERVAL:
        mk_wr_u8(w, (uint8_t)kv->valid_from.len);
        mk_wr_span(w, kv->valid_from);
        mk_wr_u8(w, (uint8_t)kv->valid_to.len);
        mk_wr_span(w, kv->valid_to);
        break;
    default:
        break;
    }
}

int mk_kv_check(const mikey_kv *kv)
{
    switch (kv->type) {
    case MIKEY_KV_NULL:
        return MIKEY_OK;
    case MIKEY_KV_SPI:
        return kv->spi.len <= 255 ? MIKEY_OK : MIKEY_ERR_FIELD;
    case MIKEY_KV_INTERVAL:
        return kv->valid_from.len <= 255 && kv->valid_to.len <= 255 ? MIKEY_OK : MIKEY_ERR_FIELD;
    default:
        return MIKEY_ERR_FIELD;
    }
}
