/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Common header (RFC 3830 §6.1) and its CS ID map info:
 *   SRTP-ID (§6.1.1): #CS entries of Policy_no(8) SSRC(32) ROC(32);
 *   Empty (RFC 4563 §5): no info;
 *   GENERIC-ID (RFC 6043 §6.1.1): #CS variable-length blocks.
 * Erratum 2654 (Verified): the map info is variable length, not 16 bits.
 */
#include "wire/wire.h"

#define SRTP_CS_LEN 9

/* Walk one GENERIC-ID block at r; fills out when non-NULL. */
static int generic_block(mk_dctx *d, mk_rd *r, mikey_generic_cs *out)
{
    mikey_generic_cs g;
    uint8_t sp;
    int rc;
    memset(&g, 0, sizeof g);
    if ((rc = mk_rd_u8(d, r, "CS ID", &g.cs_id)) || (rc = mk_rd_u8(d, r, "Prot type", &g.prot_type)) ||
        (rc = mk_rd_u8(d, r, "S/#P", &sp)))
        return rc;
    g.s = sp >> 7;
    if ((rc = mk_rd_bytes(d, r, "Ps", sp & 0x7f, &g.policies)) ||
        (rc = mk_rd_lv(d, r, "Session Data Length", "Session Data", 2, &g.session_data)) ||
        (rc = mk_rd_lv(d, r, "SPI Length", "SPI", 1, &g.spi)))
        return rc;
    if (out)
        *out = g;
    return MIKEY_OK;
}

int mk_hdr_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next, size_t empty_info_len)
{
    mikey_hdr *h = &pl->u.hdr;
    uint8_t np, vprf;
    int rc;
    const uint8_t *start = r->p;

    if ((rc = mk_rd_u8(d, r, "version", &h->version)))
        return rc;
    if (h->version != 1)
        return mk_fail(d, MIKEY_ERR_VERSION, start, "version", "MIKEY version %u is not supported (only 1)",
                       h->version);
    if ((rc = mk_rd_u8(d, r, "data type", &h->data_type)) || (rc = mk_rd_u8(d, r, "next payload", &np)) ||
        (rc = mk_rd_u8(d, r, "V/PRF func", &vprf)) || (rc = mk_rd_u32(d, r, "CSB ID", &h->csb_id)) ||
        (rc = mk_rd_u8(d, r, "#CS", &h->ncs)) || (rc = mk_rd_u8(d, r, "CS ID map type", &h->map_type)))
        return rc;
    h->v = vprf >> 7;
    h->prf = vprf & 0x7f;

    const uint8_t *info = r->p;
    switch (h->map_type) {
    case MIKEY_MAP_SRTP_ID:
        rc = mk_rd_bytes(d, r, "CS ID map info", (size_t)h->ncs * SRTP_CS_LEN, &h->map_info);
        break;
    case MIKEY_MAP_EMPTY:
        /* RFC 4563 §5: no map information. empty_info_len is 2 only when the
         * caller retries with the MIKEY_LENIENT_EMPTY_MAP_INFO16 reading. */
        rc = mk_rd_bytes(d, r, "CS ID map info", empty_info_len, &h->map_info);
        break;
    case MIKEY_MAP_GENERIC_ID:
        for (unsigned i = 0; i < h->ncs && rc == MIKEY_OK; i++)
            rc = generic_block(d, r, NULL);
        if (rc == MIKEY_OK) {
            h->map_info.p = info;
            h->map_info.len = (size_t)(r->p - info);
        }
        break;
    default:
        rc = mk_fail(d, MIKEY_ERR_UNSUPPORTED, info - 1, "CS ID map type",
                     "unknown CS ID map type %u: the map info length cannot be known", h->map_type);
    }
    if (rc)
        return rc;
    *next = np;
    return MIKEY_OK;
}

size_t mk_hdr_enc_len(const mikey_payload *pl) { return 10 + pl->u.hdr.map_info.len; }

void mk_hdr_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_hdr *h = &pl->u.hdr;
    mk_wr_u8(w, h->version);
    mk_wr_u8(w, h->data_type);
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u8(w, (uint8_t)((h->v ? 0x80 : 0) | (h->prf & 0x7f)));
    mk_wr_u32(w, h->csb_id);
    mk_wr_u8(w, h->ncs);
    mk_wr_u8(w, h->map_type);
    mk_wr_span(w, h->map_info);
}

int mk_hdr_check(const mikey_payload *pl)
{
    const mikey_hdr *h = &pl->u.hdr;
    if (h->v > 1 || h->prf > 0x7f)
        return MIKEY_ERR_FIELD;
    switch (h->map_type) {
    case MIKEY_MAP_SRTP_ID:
        return h->map_info.len == (size_t)h->ncs * SRTP_CS_LEN ? MIKEY_OK : MIKEY_ERR_FIELD;
    case MIKEY_MAP_EMPTY:
        /* 0, or the 2 zero bytes of the named leniency (so re-encoding a
         * wolfSSL message is byte-identical). */
        if (h->map_info.len == 0)
            return MIKEY_OK;
        return h->map_info.len == 2 && h->map_info.p[0] == 0 && h->map_info.p[1] == 0 ? MIKEY_OK : MIKEY_ERR_FIELD;
    case MIKEY_MAP_GENERIC_ID: {
        mk_dctx d;
        memset(&d, 0, sizeof d);
        mk_rd r = {h->map_info.p, h->map_info.p + h->map_info.len};
        for (unsigned i = 0; i < h->ncs; i++)
            if (generic_block(&d, &r, NULL))
                return MIKEY_ERR_FIELD;
        return mk_rd_left(&r) == 0 ? MIKEY_OK : MIKEY_ERR_FIELD;
    }
    default:
        /* An unknown map type cannot be parsed back: refuse to emit it. */
        return MIKEY_ERR_FIELD;
    }
}

int mikey_hdr_srtp_cs(const mikey_hdr *hdr, size_t i, mikey_srtp_cs *out)
{
    if (!hdr || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (hdr->map_type != MIKEY_MAP_SRTP_ID)
        return MIKEY_ERR_STATE;
    if (i >= hdr->map_info.len / SRTP_CS_LEN)
        return MIKEY_ERR_NOT_FOUND;
    const uint8_t *p = hdr->map_info.p + i * SRTP_CS_LEN;
    out->policy_no = p[0];
    out->ssrc = mk_be32(p + 1);
    out->roc = mk_be32(p + 5);
    return MIKEY_OK;
}

int mikey_hdr_generic_cs_next(const mikey_hdr *hdr, size_t *off, mikey_generic_cs *out)
{
    if (!hdr || !off || !out)
        return MIKEY_ERR_INVALID_ARG;
    if (hdr->map_type != MIKEY_MAP_GENERIC_ID)
        return MIKEY_ERR_STATE;
    if (*off >= hdr->map_info.len)
        return MIKEY_ERR_NOT_FOUND;
    mk_dctx d;
    memset(&d, 0, sizeof d);
    mk_rd r = {hdr->map_info.p + *off, hdr->map_info.p + hdr->map_info.len};
    int rc = generic_block(&d, &r, out);
    if (rc)
        return rc;
    *off = (size_t)(r.p - hdr->map_info.p);
    return MIKEY_OK;
}

int mikey_build_srtp_map(const mikey_srtp_cs *cs, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    if ((!cs && n) || !outlen || n > 255)
        return MIKEY_ERR_INVALID_ARG;
    *outlen = n * SRTP_CS_LEN;
    if (!out || cap < *outlen)
        return MIKEY_ERR_NOBUF;
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = out + i * SRTP_CS_LEN;
        p[0] = cs[i].policy_no;
        mk_put32(p + 1, cs[i].ssrc);
        mk_put32(p + 5, cs[i].roc);
    }
    return MIKEY_OK;
}

int mikey_build_generic_map(const mikey_generic_cs *cs, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    if ((!cs && n) || !outlen || n > 255)
        return MIKEY_ERR_INVALID_ARG;
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        if (cs[i].policies.len > 0x7f || cs[i].session_data.len > 0xffff || cs[i].spi.len > 0xff || cs[i].s > 1)
            return MIKEY_ERR_FIELD;
        need += 3 + cs[i].policies.len + 2 + cs[i].session_data.len + 1 + cs[i].spi.len;
    }
    *outlen = need;
    if (!out || cap < need)
        return MIKEY_ERR_NOBUF;
    mk_wr w = {out, out + cap, 0};
    for (size_t i = 0; i < n; i++) {
        mk_wr_u8(&w, cs[i].cs_id);
        mk_wr_u8(&w, cs[i].prot_type);
        mk_wr_u8(&w, (uint8_t)((cs[i].s ? 0x80 : 0) | cs[i].policies.len));
        mk_wr_span(&w, cs[i].policies);
        mk_wr_u16(&w, (uint16_t)cs[i].session_data.len);
        mk_wr_span(&w, cs[i].session_data);
        mk_wr_u8(&w, (uint8_t)cs[i].spi.len);
        mk_wr_span(&w, cs[i].spi);
    }
    return w.overflow ? MIKEY_ERR_INTERNAL : MIKEY_OK;
}
