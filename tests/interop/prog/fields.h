/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fields.h: print what Wireshark/tshark 4.0 shows for a MIKEY message, in
 * tshark's field names and `tshark -T fields` formatting, computed from
 * OUR parse of the bytes (mikey_msg_parse). Shared by gen_corpus and
 * mikey_fields (each prog/ .c is its own executable, hence static
 * functions in a header).
 *
 * One line per field occurrence, "name=value", in wire order. The
 * interop script (tests/interop/tshark_dissect.sh) groups both sides by
 * field name and compares the lists of values.
 *
 * What tshark 4.0 prints was read off its real output (docs/interop.md):
 * - integers in decimal, except CSB ID, SSRC, ROC ("0x%08x") and the DH
 *   Reserv nibble ("0x%02x");
 * - bytes as lowercase hex without separators, "<MISSING>" when empty;
 * - strings (ID data, SDP-IDs) as their raw bytes;
 * - NTP timestamps as "Mon DD, YYYY HH:MM:SS.nnnnnnnnn UTC" (day padded
 *   with a space), with proto.c's ENC_TIME_NTP conversion (era by the
 *   top bit, nanoseconds = (int)(1e9 * frac / 2^32));
 * - the Key data sub-payloads of a KEMAC only for NULL encryption in a
 *   PSK init message, and only the first one; the Key data's own Next
 *   payload is not shown; otherwise the encrypted data as "Key data";
 * - no TS value for COUNTER;
 * - SIGN has no Next payload; SP params 0-12 add a named field each;
 * - "Certificate len" is read one byte too early: tshark shows
 *   (Cert type << 8) | (high byte of the length) (a tshark 4.0 bug).
 *
 * Messages with anything tshark 4.0 cannot show (INTEROP.md and
 * docs/interop.md) are refused with FIELDS_NOT_TSHARK and a reason.
 */
#ifndef INTEROP_FIELDS_H
#define INTEROP_FIELDS_H

#include <stdio.h>
#include <string.h>

#include "openmikey/message.h"

#define FIELDS_NOT_TSHARK 1

static void fields_bytes(FILE *o, const char *name, mikey_span s)
{
    fprintf(o, "%s=", name);
    if (s.len == 0)
        fputs("<MISSING>", o);
    for (size_t i = 0; i < s.len; i++)
        fprintf(o, "%02x", s.p[i]);
    fputc('\n', o);
}

static void fields_str(FILE *o, const char *name, mikey_span s)
{
    fprintf(o, "%s=", name);
    if (s.len)
        fwrite(s.p, 1, s.len, o);
    fputc('\n', o);
}

static void fields_u(FILE *o, const char *name, unsigned long v) { fprintf(o, "%s=%lu\n", name, v); }

static void fields_x32(FILE *o, const char *name, uint32_t v) { fprintf(o, "%s=0x%08lx\n", name, (unsigned long)v); }

static uint32_t fields_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), so no
 * gmtime_r and no locale. */
static void fields_civil(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static void fields_ntp(FILE *o, const char *name, const uint8_t *v)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    uint32_t s = fields_be32(v), f = fields_be32(v + 4);
    long long secs;
    int ns;
    if (s == 0 && f == 0) {
        secs = 0;
        ns = 0;
    } else {
        /* RFC 4330 §3 eras, as tshark's proto.c reads them */
        secs = (s & 0x80000000u) ? (long long)s - 2208988800LL : (long long)s + 2085978496LL;
        ns = (int)(1000000000 * (f / 4294967296.0));
    }
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long rem = secs - days * 86400, y;
    unsigned m, d;
    fields_civil(days, &y, &m, &d);
    fprintf(o, "%s=%s %2u, %lld %02u:%02u:%02u.%09d UTC\n", name, mon[m - 1], d, y, (unsigned)(rem / 3600),
            (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), ns);
}

static void fields_next(FILE *o, const mikey_msg *m, size_t i)
{
    const mikey_payload *n = mikey_msg_at(m, i + 1);
    fields_u(o, "mikey.next_payload", n ? n->type : 0);
}

/* NULL if tshark 4.0 shows everything in the message, else why not. */
static const char *fields_tshark_limit(const mikey_msg *m)
{
    const mikey_hdr *h = mikey_msg_hdr(m);
    if (!h)
        return "no HDR";
    if (mikey_msg_leniencies(m))
        return "parsed only with a leniency";
    if (h->data_type > MIKEY_DT_RSAR_RESP && h->data_type != MIKEY_DT_SAKKE)
        return "data type not known to tshark 4.0";
    if (h->prf != MIKEY_PRF_MIKEY1)
        return "PRF func other than MIKEY-1";
    if (h->map_type == MIKEY_MAP_GENERIC_ID)
        return "GENERIC-ID CS map";
    if (h->map_type == MIKEY_MAP_EMPTY && h->ncs != 0)
        return "Empty CS map with #CS > 0";
    for (size_t i = 1; i < mikey_msg_count(m); i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        switch (p->type) {
        case MIKEY_PT_KEMAC:
            if (p->u.kemac.encr_alg > MIKEY_ENCR_AES_KW_128)
                return "KEMAC encryption other than NULL/AES-CM-128/AES-KW-128";
            if (p->u.kemac.mac_alg > MIKEY_MAC_HMAC_SHA1_160)
                return "KEMAC MAC other than NULL/HMAC-SHA-1-160";
            if (p->u.kemac.encr_alg == MIKEY_ENCR_NULL && h->data_type == MIKEY_DT_PSK_INIT &&
                p->u.kemac.encr_data.len) {
                mikey_msg *c = NULL;
                if (mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, p->u.kemac.encr_data.p, p->u.kemac.encr_data.len,
                                      NULL, &c, NULL) != MIKEY_OK)
                    return "KEMAC Encr data is not a Key data chain";
                const mikey_payload *k = mikey_msg_at(c, 0);
                int bad = !k || k->type != MIKEY_PT_KEYDATA || k->u.keydata.type > MIKEY_KEY_TEK_SALT ||
                          mikey_msg_count(c) != 1;
                mikey_msg_free(c);
                if (bad)
                    return "Key data other than one TGK/TGK+SALT/TEK/TEK+SALT";
            }
            break;
        case MIKEY_PT_PKE:
            if (p->u.pke.data.len >= 1024)
                return "PKE data of 1024 bytes or more";
            break;
        case MIKEY_PT_DH:
            if (p->u.dh.kv.type != MIKEY_KV_NULL)
                return "DH with KV other than NULL";
            break;
        case MIKEY_PT_SIGN:
            if (p->u.sign.s_type > MIKEY_SIGN_ECCSI)
                return "SIGN type above 2";
            break;
        case MIKEY_PT_T:
            if (p->u.ts.ts_type > MIKEY_TS_COUNTER)
                return "TS type other than NTP-UTC/NTP/COUNTER";
            break;
        case MIKEY_PT_ID:
            if (p->u.id.type > MIKEY_ID_URI)
                return "ID type other than NAI/URI";
            break;
        case MIKEY_PT_IDR:
            if (p->u.id.role < 1 || p->u.id.role > 7)
                return "IDR role other than 1-7";
            if (p->u.id.type > MIKEY_ID_URI)
                return "ID type other than NAI/URI";
            break;
        case MIKEY_PT_CERT:
            if (p->u.id.type > MIKEY_CERT_X509_ENCR)
                return "CERT type above 3";
            if (p->u.id.type == MIKEY_CERT_X509_URL)
                return "CERT X.509v3 URL (tshark 4.0 dissects every certificate as DER)";
            break;
        case MIKEY_PT_V:
            if (p->u.v.auth_alg > MIKEY_MAC_HMAC_SHA1_160)
                return "V auth alg other than NULL/HMAC-SHA-1-160";
            break;
        case MIKEY_PT_SP: {
            size_t off = 0;
            mikey_sp_param sp;
            if (p->u.sp.prot_type != MIKEY_PROT_SRTP)
                return "SP protocol other than SRTP";
            while (mikey_sp_param_next(&p->u.sp, &off, &sp) == MIKEY_OK)
                if (sp.type > MIKEY_SP_PREFIX_LEN || sp.value.len != 1)
                    return "SP param type above 12 or a value not 1 byte long";
            break;
        }
        case MIKEY_PT_GENEXT:
            if (p->u.genext.type > MIKEY_GENEXT_SDP_IDS)
                return "General Extension type above 1";
            break;
        case MIKEY_PT_RAND:
        case MIKEY_PT_ERR:
        case MIKEY_PT_SAKKE:
            break;
        default:
            return "payload not decoded by tshark 4.0 (CHASH, TR, RANDR, TP, TICKET, IBAKE family, Key data)";
        }
    }
    return NULL;
}

static void fields_keydata(FILE *o, const mikey_keydata *k)
{
    fields_u(o, "mikey.key.type", k->type);
    fields_u(o, "mikey.key.kv", k->kv.type);
    fields_u(o, "mikey.key.data.len", k->key.len);
    fields_bytes(o, "mikey.key.data", k->key);
    if (k->type == MIKEY_KEY_TGK_SALT || k->type == MIKEY_KEY_TEK_SALT) {
        fields_u(o, "mikey.key.salt.len", k->salt.len);
        fields_bytes(o, "mikey.key.salt", k->salt);
    }
    if (k->kv.type == MIKEY_KV_SPI) {
        fields_u(o, "mikey.key.kv.spi.len", k->kv.spi.len);
        fields_bytes(o, "mikey.key.kv.spi", k->kv.spi);
    } else if (k->kv.type == MIKEY_KV_INTERVAL) {
        fields_u(o, "mikey.key.kv.from.len", k->kv.valid_from.len);
        fields_bytes(o, "mikey.key.kv.from", k->kv.valid_from);
        fields_u(o, "mikey.key.kv.to.len", k->kv.valid_to.len);
        fields_bytes(o, "mikey.key.kv.to", k->kv.valid_to);
    }
}

static void fields_kemac(FILE *o, const mikey_hdr *h, const mikey_kemac *k)
{
    fields_u(o, "mikey.kemac.encr_alg", k->encr_alg);
    fields_u(o, "mikey.kemac.key_data_len", k->encr_data.len);
    if (k->encr_alg == MIKEY_ENCR_NULL && h->data_type == MIKEY_DT_PSK_INIT && k->encr_data.len) {
        mikey_msg *c = NULL;
        if (mikey_chain_parse(NULL, MIKEY_PT_KEYDATA, k->encr_data.p, k->encr_data.len, NULL, &c, NULL) ==
            MIKEY_OK) {
            const mikey_payload *kd = mikey_msg_at(c, 0);
            if (kd) /* tshark shows only the first Key data */
                fields_keydata(o, &kd->u.keydata);
        }
        mikey_msg_free(c);
    } else {
        fields_bytes(o, "mikey.kemac.key_data", k->encr_data);
    }
    fields_u(o, "mikey.kemac.mac_alg", k->mac_alg);
    fields_bytes(o, "mikey.kemac.mac", k->mac);
}

static void fields_sp(FILE *o, const mikey_sp *s)
{
    static const char *const named[] = {
        "mikey.sp.encr_alg", "mikey.sp.encr_len",   "mikey.sp.auth_alg",   "mikey.sp.auth_key_len",
        "mikey.sp.salt_len", "mikey.sp.prf",        "mikey.sp.kd_rate",    "mikey.sp.srtp_encr",
        "mikey.sp.srtcp_encr", "mikey.sp.fec",      "mikey.sp.srtp_auth",  "mikey.sp.auth_tag_len",
        "mikey.sp.srtp_prefix"};
    size_t off = 0;
    mikey_sp_param p;
    fields_u(o, "mikey.sp.no", s->policy_no);
    fields_u(o, "mikey.sp.proto_type", s->prot_type);
    fields_u(o, "mikey.sp.param_len", s->params.len);
    while (mikey_sp_param_next(s, &off, &p) == MIKEY_OK) {
        if (p.type < sizeof named / sizeof named[0] && p.value.len == 1)
            fields_u(o, named[p.type], p.value.p[0]);
        fields_u(o, "mikey.sp.param.type", p.type);
        fields_u(o, "mikey.sp.param.len", p.value.len);
        fields_bytes(o, "mikey.sp.patam.value", p.value); /* sic: tshark 4.0's field name */
    }
}

/* Print the fields of an already parsed message (see the header comment). */
static void fields_print_msg(FILE *o, const mikey_msg *m)
{
    const mikey_hdr *h = mikey_msg_hdr(m);
    for (size_t i = 0; i < mikey_msg_count(m); i++) {
        const mikey_payload *p = mikey_msg_at(m, i);
        if (p->type != MIKEY_PT_SIGN && p->type != MIKEY_PT_HDR)
            fields_next(o, m, i);
        switch (p->type) {
        case MIKEY_PT_HDR: {
            fields_u(o, "mikey.version", h->version);
            fields_u(o, "mikey.type", h->data_type);
            fields_next(o, m, i);
            fields_u(o, "mikey.v.set", h->v);
            fields_u(o, "mikey.prf_func", h->prf);
            fields_x32(o, "mikey.csb_id", h->csb_id);
            fields_u(o, "mikey.cs_count", h->ncs);
            fields_u(o, "mikey.cs_id_map_type", h->map_type);
            mikey_srtp_cs cs;
            for (size_t j = 0; h->map_type == MIKEY_MAP_SRTP_ID && mikey_hdr_srtp_cs(h, j, &cs) == MIKEY_OK; j++) {
                fields_u(o, "mikey.srtp_id.policy_no", cs.policy_no);
                fields_x32(o, "mikey.srtp_id.ssrc", cs.ssrc);
                fields_x32(o, "mikey.srtp_id.roc", cs.roc);
            }
            break;
        }
        case MIKEY_PT_KEMAC:
            fields_kemac(o, h, &p->u.kemac);
            break;
        case MIKEY_PT_PKE:
            fields_u(o, "mikey.pke.c", p->u.pke.c);
            fields_u(o, "mikey.pke.len", p->u.pke.data.len);
            fields_bytes(o, "mikey.pke.data", p->u.pke.data);
            break;
        case MIKEY_PT_DH:
            fields_u(o, "mikey.dh.group", p->u.dh.group);
            fields_bytes(o, "mikey.dh.value", p->u.dh.value);
            fprintf(o, "mikey.dh.reserv=0x%02x\n", p->u.dh.reserved);
            fields_u(o, "mikey.dh.kv", p->u.dh.kv.type);
            break;
        case MIKEY_PT_SIGN:
            fields_u(o, "mikey.sign.type", p->u.sign.s_type);
            fields_u(o, "mikey.sign.len", p->u.sign.sig.len);
            fields_bytes(o, "mikey.sign.data", p->u.sign.sig);
            break;
        case MIKEY_PT_T:
            fields_u(o, "mikey.t.ts_type", p->u.ts.ts_type);
            if (p->u.ts.ts_type == MIKEY_TS_NTP_UTC || p->u.ts.ts_type == MIKEY_TS_NTP)
                fields_ntp(o, "mikey.t.ntp", p->u.ts.value.p);
            break;
        case MIKEY_PT_IDR:
            fields_u(o, "mikey.id.role", p->u.id.role);
            /* fall through */
        case MIKEY_PT_ID:
            fields_u(o, "mikey.id.type", p->u.id.type);
            fields_u(o, "mikey.id.len", p->u.id.data.len);
            fields_str(o, "mikey.id.data", p->u.id.data);
            break;
        case MIKEY_PT_CERT:
            fields_u(o, "mikey.cert.type", p->u.id.type);
            /* tshark 4.0 reads the 16-bit Cert len at offset 1 instead of
             * 2 (the Cert type and the high length byte). */
            fields_u(o, "mikey.cert.len", (unsigned long)p->u.id.type << 8 | (p->u.id.data.len >> 8));
            fields_bytes(o, "mikey.cert.data", p->u.id.data);
            break;
        case MIKEY_PT_V:
            fields_u(o, "mikey.v.auth_alg", p->u.v.auth_alg);
            fields_bytes(o, "mikey.v.ver_data", p->u.v.data);
            break;
        case MIKEY_PT_SP:
            fields_sp(o, &p->u.sp);
            break;
        case MIKEY_PT_RAND:
            fields_u(o, "mikey.rand.len", p->u.rand.data.len);
            fields_bytes(o, "mikey.rand.data", p->u.rand.data);
            break;
        case MIKEY_PT_ERR: {
            uint8_t r[2] = {(uint8_t)(p->u.err.reserved >> 8), (uint8_t)p->u.err.reserved};
            mikey_span rs = {r, 2};
            fields_u(o, "mikey.err.no", p->u.err.error_no);
            fields_bytes(o, "mikey.err.reserved", rs);
            break;
        }
        case MIKEY_PT_GENEXT:
            fields_u(o, "mikey.ext.type", p->u.genext.type);
            fields_u(o, "mikey.ext.len", p->u.genext.data.len);
            if (p->u.genext.type == MIKEY_GENEXT_SDP_IDS)
                fields_str(o, "mikey.ext.value", p->u.genext.data);
            else
                fields_bytes(o, "mikey.ext.data", p->u.genext.data);
            break;
        case MIKEY_PT_SAKKE:
            fields_u(o, "mikey.sakke.params", p->u.sakke.params);
            fields_u(o, "mikey.sakke.idscheme", p->u.sakke.id_scheme);
            fields_u(o, "mikey.sakke.len", p->u.sakke.data.len);
            fields_bytes(o, "mikey.sakke.data", p->u.sakke.data);
            break;
        default:
            break;
        }
    }
}

/*
 * Parse buf and print its tshark fields. Returns MIKEY_OK, a ::mikey_err
 * from the parser (perr filled), or FIELDS_NOT_TSHARK with *why set when
 * the message holds something tshark 4.0 cannot show.
 */
static int fields_print(FILE *o, const uint8_t *buf, size_t len, mikey_parse_error *perr, const char **why)
{
    mikey_msg *m = NULL;
    int rc = mikey_msg_parse(NULL, buf, len, NULL, &m, perr);
    if (rc != MIKEY_OK)
        return rc;
    const char *lim = fields_tshark_limit(m);
    if (why)
        *why = lim;
    if (lim) {
        mikey_msg_free(m);
        return FIELDS_NOT_TSHARK;
    }
    fields_print_msg(o, m);
    mikey_msg_free(m);
    return MIKEY_OK;
}

#endif
