/* SPDX-License-Identifier: BSD-2-Clause */
/* Payload type -> codec table, implicit field lengths, span enumeration. */
#include "wire/wire.h"

#define C(t, n) {t, mk_##n##_decode, mk_##n##_enc_len, mk_##n##_encode, mk_##n##_check}

static const mk_codec codecs[] = {
    C(MIKEY_PT_KEMAC, kemac),   C(MIKEY_PT_PKE, pke),     C(MIKEY_PT_DH, dh),         C(MIKEY_PT_SIGN, sign),
    C(MIKEY_PT_T, ts),          C(MIKEY_PT_ID, id),       C(MIKEY_PT_CERT, id),       C(MIKEY_PT_CHASH, chash),
    C(MIKEY_PT_V, v),           C(MIKEY_PT_SP, sp),       C(MIKEY_PT_RAND, rand),     C(MIKEY_PT_ERR, err),
    C(MIKEY_PT_TR, ts),         C(MIKEY_PT_IDR, id),      C(MIKEY_PT_RANDR, rand),    C(MIKEY_PT_TP, ticket),
    C(MIKEY_PT_TICKET, ticket), C(MIKEY_PT_KEYDATA, keydata), C(MIKEY_PT_GENEXT, genext),
    C(MIKEY_PT_IBAKE, ibe),     C(MIKEY_PT_ESK, ibe),     C(MIKEY_PT_SK, sk),         C(MIKEY_PT_ECCPT, eccpt),
    C(MIKEY_PT_SAKKE, sakke),
};

const mk_codec *mk_codec_find(unsigned type)
{
    for (size_t i = 0; i < MK_ARRAY_LEN(codecs); i++)
        if (codecs[i].type == type)
            return &codecs[i];
    return NULL;
}

static size_t kv_spans(mikey_kv *kv, mikey_span **out, size_t n, size_t max)
{
    mikey_span *s[] = {&kv->spi, &kv->valid_from, &kv->valid_to};
    for (size_t i = 0; i < 3 && n < max; i++)
        out[n++] = s[i];
    return n;
}

size_t mk_payload_spans(mikey_payload *pl, mikey_span **out, size_t max)
{
    size_t n = 0;
#define ADD(x)                                                                                                         \
    do {                                                                                                               \
        if (n < max)                                                                                                   \
            out[n++] = &(x);                                                                                           \
    } while (0)
    switch (pl->type) {
    case MIKEY_PT_HDR: ADD(pl->u.hdr.map_info); break;
    case MIKEY_PT_KEMAC: ADD(pl->u.kemac.encr_data); ADD(pl->u.kemac.mac); break;
    case MIKEY_PT_PKE: ADD(pl->u.pke.data); break;
    case MIKEY_PT_DH: ADD(pl->u.dh.value); n = kv_spans(&pl->u.dh.kv, out, n, max); break;
    case MIKEY_PT_SIGN: ADD(pl->u.sign.sig); break;
    case MIKEY_PT_T: case MIKEY_PT_TR: ADD(pl->u.ts.value); break;
    case MIKEY_PT_ID: case MIKEY_PT_CERT: case MIKEY_PT_IDR: ADD(pl->u.id.data); break;
    case MIKEY_PT_CHASH: ADD(pl->u.chash.hash); break;
    case MIKEY_PT_V: ADD(pl->u.v.data); break;
    case MIKEY_PT_SP: ADD(pl->u.sp.params); break;
    case MIKEY_PT_RAND: case MIKEY_PT_RANDR: ADD(pl->u.rand.data); break;
    case MIKEY_PT_KEYDATA:
        ADD(pl->u.keydata.key); ADD(pl->u.keydata.salt); n = kv_spans(&pl->u.keydata.kv, out, n, max); break;
    case MIKEY_PT_GENEXT: ADD(pl->u.genext.data); break;
    case MIKEY_PT_TP: case MIKEY_PT_TICKET:
        ADD(pl->u.ticket.tp_data); ADD(pl->u.ticket.ticket_data); ADD(pl->u.ticket.initiator_data); break;
    case MIKEY_PT_IBAKE: case MIKEY_PT_ESK: ADD(pl->u.ibe.encr_data); break;
    case MIKEY_PT_SK: ADD(pl->u.sk.key); n = kv_spans(&pl->u.sk.kv, out, n, max); break;
    case MIKEY_PT_ECCPT: ADD(pl->u.eccpt.point); n = kv_spans(&pl->u.eccpt.kv, out, n, max); break;
    case MIKEY_PT_SAKKE: ADD(pl->u.sakke.data); break;
    default: break;
    }
#undef ADD
    return n;
}

/* RFC 3830 Table 6.4 (DH value length = group modulus size). */
int mikey_dh_value_len(unsigned group)
{
    switch (group) {
    case MIKEY_DH_OAKLEY5: return 192;
    case MIKEY_DH_OAKLEY1: return 96;
    case MIKEY_DH_OAKLEY2: return 128;
    default: return -1;
    }
}

/* RFC 3830 Table 6.6, RFC 6043 Table 6.8. */
int mikey_ts_value_len(unsigned t)
{
    switch (t) {
    case MIKEY_TS_NTP_UTC: case MIKEY_TS_NTP: return 8;
    case MIKEY_TS_COUNTER: case MIKEY_TS_NTP_UTC_32: return 4;
    default: return -1;
    }
}

/* RFC 3830 Table 6.2.b, RFC 6043 Table 6.6. */
int mikey_mac_len(unsigned a)
{
    switch (a) {
    case MIKEY_MAC_NULL: return 0;
    case MIKEY_MAC_HMAC_SHA1_160: return 20;
    case MIKEY_MAC_HMAC_SHA256_256: return 32;
    default: return -1;
    }
}

/* RFC 3830 Table 6.8, RFC 6043 Table 6.12. */
int mikey_hash_len(unsigned h)
{
    switch (h) {
    case MIKEY_HASH_SHA1: return 20;
    case MIKEY_HASH_MD5: return 16;
    case MIKEY_HASH_SHA256: return 32;
    default: return -1;
    }
}

/* RFC 6267 §6.1.4, Table 5. The point is the uncompressed octet string
 * (0x04 || X || Y, field size f bytes: 1 + 2f), then zero padding so that
 * the payload's fixed part plus the point (2 + len) ends on a 32-bit
 * boundary. This is our reading; no peer decodes ECCPT (docs/interop.md). */
int mikey_eccpt_point_len(unsigned curve)
{
    static const unsigned char fsz[17] = {0, 24, 21, 21, 21, 28, 30, 30, 32, 36, 36, 48, 52, 52, 66, 72, 72};
    if (curve == 0 || curve > 16)
        return -1;
    unsigned len = 1 + 2u * fsz[curve];
    while ((2 + len) % 4)
        len++;
    return (int)len;
}
