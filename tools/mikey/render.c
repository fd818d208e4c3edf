/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rendering a parsed MIKEY message, either as indented text in the spirit of
 * `tshark -V` or as the JSON of docs/json.md. One walk over the message
 * drives both through a small emitter, so the two outputs always show the
 * same fields. JSON keys are the C struct member names of message.h (with
 * the exceptions listed in docs/json.md); text labels follow the RFC field
 * names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "mikey.h"

/* ---------------------------------------------------------------------- */
/* Emitter                                                                 */
/* ---------------------------------------------------------------------- */

typedef struct em {
    int json;
    mkt_jw *jw;
    FILE *f;
    int ind;  /* text: indentation level (4 spaces each) */
    int inl;  /* text: inside a one-line object; 1 + fields printed so far */
    const uint8_t *base; /* start of the message: offsets are relative to it */
} em;

enum {
    F_HEX32 = 1u << 0, /* text: 0x%08x */
    F_HEX = 1u << 1,   /* text: 0x%x */
    F_JSON = 1u << 2,  /* JSON only */
    F_TEXT = 1u << 3   /* text only */
};

static void indent(em *e)
{
    for (int i = 0; i < e->ind; i++)
        fputs("    ", e->f);
}

/* Print "label: value" (own line) or "label value" (inside a one-line object). */
static void tfield(em *e, const char *label, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void tfield(em *e, const char *label, const char *fmt, ...)
{
    va_list ap;
    if (e->inl) {
        if (e->inl++ > 1)
            fputs(", ", e->f);
        fprintf(e->f, "%s ", label);
    } else {
        indent(e);
        fprintf(e->f, "%s: ", label);
    }
    va_start(ap, fmt);
    vfprintf(e->f, fmt, ap);
    va_end(ap);
    if (!e->inl)
        fputc('\n', e->f);
}

static void tline(em *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void tline(em *e, const char *fmt, ...)
{
    va_list ap;
    if (e->json)
        return;
    indent(e);
    va_start(ap, fmt);
    vfprintf(e->f, fmt, ap);
    va_end(ap);
    fputc('\n', e->f);
}

static void e_uint(em *e, const char *key, const char *label, unsigned long long v, const char *name, unsigned fl)
{
    if (e->json) {
        if (fl & F_TEXT)
            return;
        mkt_jw_uint(e->jw, key, v);
        if (name) {
            char k[64];
            snprintf(k, sizeof k, "%s_name", key);
            mkt_jw_str(e->jw, k, name);
        }
        return;
    }
    if (fl & F_JSON)
        return;
    char num[32];
    if (fl & F_HEX32)
        snprintf(num, sizeof num, "0x%08llx", v);
    else if (fl & F_HEX)
        snprintf(num, sizeof num, "0x%llx", v);
    else
        snprintf(num, sizeof num, "%llu", v);
    if (name)
        tfield(e, label, "%s (%s)", name, num);
    else
        tfield(e, label, "%s", num);
}

static void e_hex(em *e, const char *key, const char *label, mikey_span s, unsigned fl)
{
    if (e->json) {
        if (!(fl & F_TEXT))
            mkt_jw_hex(e->jw, key, s.p, s.len);
        return;
    }
    if (fl & F_JSON)
        return;
    if (s.len == 0) {
        tfield(e, label, "(empty)");
        return;
    }
    if (e->inl) {
        if (e->inl++ > 1)
            fputs(", ", e->f);
        fprintf(e->f, "%s ", label);
    } else {
        indent(e);
        fprintf(e->f, "%s (%zu byte%s): ", label, s.len, s.len == 1 ? "" : "s");
    }
    for (size_t i = 0; i < s.len; i++)
        fprintf(e->f, "%02x", s.p[i]);
    if (!e->inl)
        fputc('\n', e->f);
}

static void e_str(em *e, const char *key, const char *label, const char *s, unsigned fl)
{
    if (e->json) {
        if (!(fl & F_TEXT))
            mkt_jw_str(e->jw, key, s);
        return;
    }
    if (!(fl & F_JSON))
        tfield(e, label, "%s", s);
}

/* An object: JSON {..}; text "label:" then indented fields, or, when
 * one_line, "label: a 1, b 2" on a single line. key is NULL in arrays. */
static void e_obj(em *e, const char *key, const char *label, int one_line)
{
    if (e->json) {
        mkt_jw_obj_begin(e->jw, key);
        return;
    }
    indent(e);
    fprintf(e->f, "%s:", label);
    if (one_line) {
        fputc(' ', e->f);
        e->inl = 1;
    } else {
        fputc('\n', e->f);
        e->ind++;
    }
}

static void e_obj_end(em *e)
{
    if (e->json) {
        mkt_jw_obj_end(e->jw);
        return;
    }
    if (e->inl) {
        fputc('\n', e->f);
        e->inl = 0;
    } else {
        e->ind--;
    }
}

/* An array: JSON [..]; text: an optional "label:" line, entries indented. */
static void e_arr(em *e, const char *key, const char *label)
{
    if (e->json) {
        mkt_jw_arr_begin(e->jw, key);
        return;
    }
    if (label) {
        indent(e);
        fprintf(e->f, "%s:\n", label);
    }
    e->ind++;
}

static void e_arr_end(em *e)
{
    if (e->json)
        mkt_jw_arr_end(e->jw);
    else
        e->ind--;
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

static int printable(mikey_span s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] < 0x20 || s.p[i] > 0x7e)
            return 0;
    return 1;
}

/* Text view of a byte string that is printable ASCII (IDs, URIs, vendor IDs). */
static void e_text(em *e, mikey_span s)
{
    if (!printable(s))
        return;
    if (e->json) {
        mkt_jw_strn(e->jw, "text", (const char *)s.p, s.len);
        return;
    }
    indent(e);
    fprintf(e->f, "Text: \"%.*s\"\n", (int)s.len, (const char *)s.p);
}

static unsigned long long be(const uint8_t *p, size_t n)
{
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Days since 1970-01-01 -> civil date (H. Hinnant's algorithm, proleptic Gregorian). */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
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

/* NTP seconds (+ fraction) as ISO-8601 UTC. RFC 4330 §3 (mandatory for
 * NTP-UTC-32 per RFC 6043 §6.3): with the most significant bit clear the
 * time is in era 1, counted from 2036-02-07T06:28:16Z. */
static void ntp_iso(uint32_t sec, uint32_t frac, int with_frac, char *out, size_t outlen)
{
    long long s = (long long)sec + ((sec & 0x80000000u) ? 0 : 0x100000000LL);
    s -= 2208988800LL; /* 1900-01-01 -> 1970-01-01 */
    long long days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    long long rem = s - days * 86400;
    long long y;
    unsigned mo, d;
    civil_from_days(days, &y, &mo, &d);
    int n = snprintf(out, outlen, "%04lld-%02u-%02uT%02u:%02u:%02u", y, mo, d, (unsigned)(rem / 3600),
                     (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
    if (n < 0 || (size_t)n >= outlen)
        return;
    if (with_frac) {
        unsigned long us = (unsigned long)(((unsigned long long)frac * 1000000u) >> 32);
        snprintf(out + n, outlen - (size_t)n, ".%06luZ", us);
    } else {
        snprintf(out + n, outlen - (size_t)n, "Z");
    }
}

static void e_kv(em *e, const mikey_kv *kv)
{
    e_obj(e, "kv", "KV", 1);
    e_uint(e, "type", "type", kv->type, mikey_kv_type_name(kv->type), 0);
    if (kv->type == MIKEY_KV_SPI)
        e_hex(e, "spi", "SPI", kv->spi, 0);
    else if (kv->type == MIKEY_KV_INTERVAL) {
        e_hex(e, "valid_from", "valid from", kv->valid_from, 0);
        e_hex(e, "valid_to", "valid to", kv->valid_to, 0);
    }
    e_obj_end(e);
}

/* ---------------------------------------------------------------------- */
/* Payloads                                                                */
/* ---------------------------------------------------------------------- */

static void render_payload(em *e, const mikey_payload *pl, unsigned next, int has_next, unsigned data_type);

/* Render the payloads of a (sub-)chain as array `key`. */
static void render_chain(em *e, const char *key, const mikey_msg *m, unsigned data_type)
{
    size_t n = mikey_msg_count(m);
    e_arr(e, key, NULL);
    for (size_t i = 0; i < n; i++) {
        const mikey_payload *pl = mikey_msg_at(m, i);
        const mikey_payload *nx = mikey_msg_at(m, i + 1);
        render_payload(e, pl, nx ? nx->type : MIKEY_PT_LAST, 1, data_type);
    }
    e_arr_end(e);
}

/* A sub-chain parse failure: informational, since the raw bytes are shown. */
static void sub_error(em *e, const char *key, const char *what, const mikey_parse_error *pe, size_t base_off)
{
    mikey_parse_error abs = *pe;
    char msg[400];
    abs.offset += base_off;
    mkt_format_parse_error(&abs, msg, sizeof msg);
    if (e->json)
        mkt_jw_str(e->jw, key, msg);
    else
        tline(e, "(%s not decoded: %s)", what, msg);
}

static void render_hdr(em *e, const mikey_hdr *h)
{
    e_uint(e, "version", "Version", h->version, NULL, 0);
    e_uint(e, "data_type", "Data type", h->data_type, mikey_data_type_name(h->data_type), 0);
    e_uint(e, "v", "V", h->v, NULL, 0);
    e_uint(e, "prf", "PRF func", h->prf, mikey_prf_name(h->prf), 0);
    e_uint(e, "csb_id", "CSB ID", h->csb_id, NULL, F_HEX32);
    e_uint(e, "ncs", "#CS", h->ncs, NULL, 0);
    e_uint(e, "map_type", "CS ID map type", h->map_type, mikey_map_type_name(h->map_type), 0);
    /* The raw info in JSON; in text only when there is no decoded view. */
    int decoded = h->map_type == MIKEY_MAP_SRTP_ID || h->map_type == MIKEY_MAP_GENERIC_ID;
    e_hex(e, "map_info", "CS ID map info", h->map_info, decoded || h->map_info.len == 0 ? F_JSON : 0);
    /* The decoded view exists only for the maps that have entries; an
     * Empty map (RFC 4563) has none, and its leniency form (two zero
     * bytes) has no view at all. */
    if (!decoded)
        return;
    e_arr(e, "cs", NULL);
    if (h->map_type == MIKEY_MAP_SRTP_ID) {
        mikey_srtp_cs cs;
        for (size_t i = 0; mikey_hdr_srtp_cs(h, i, &cs) == MIKEY_OK; i++) {
            char label[32];
            snprintf(label, sizeof label, "CS %zu", i + 1);
            e_obj(e, NULL, label, 1);
            e_uint(e, "policy_no", "policy", cs.policy_no, NULL, 0);
            e_uint(e, "ssrc", "SSRC", cs.ssrc, NULL, F_HEX32);
            e_uint(e, "roc", "ROC", cs.roc, NULL, 0);
            e_obj_end(e);
        }
    } else if (h->map_type == MIKEY_MAP_GENERIC_ID) {
        mikey_generic_cs g;
        size_t off = 0;
        for (size_t i = 0; mikey_hdr_generic_cs_next(h, &off, &g) == MIKEY_OK; i++) {
            char label[32];
            snprintf(label, sizeof label, "CS %zu", i + 1);
            e_obj(e, NULL, label, 0);
            e_uint(e, "cs_id", "CS ID", g.cs_id, NULL, 0);
            e_uint(e, "prot_type", "Prot type", g.prot_type, mikey_prot_type_name(g.prot_type), 0);
            e_uint(e, "s", "S", g.s, NULL, 0);
            e_hex(e, "policies", "Policies", g.policies, 0);
            e_hex(e, "session_data", "Session data", g.session_data, 0);
            e_hex(e, "spi", "SPI", g.spi, 0);
            e_obj_end(e);
        }
    }
    e_arr_end(e);
}

static void render_kemac(em *e, const mikey_kemac *k, unsigned data_type)
{
    e_uint(e, "encr_alg", "Encr alg", k->encr_alg, mikey_encr_alg_name(k->encr_alg), 0);
    e_uint(e, NULL, "Encr data len", k->encr_data.len, NULL, F_TEXT);
    mikey_msg *sub = NULL;
    mikey_parse_error pe, first;
    if (k->encr_alg == MIKEY_ENCR_NULL) {
        /* RFC 3830 §3.2 (KEMAC = E(encr_key, IDi || {TGK})) and RFC 4738
         * §3 (R_MSG: IDr || {TGK}) put an ID before the key data; the other
         * modes start with Key data (§3.1). Try the expected first type,
         * then the other. */
        unsigned order[2] = {MIKEY_PT_KEYDATA, MIKEY_PT_ID};
        if (data_type == MIKEY_DT_PK_INIT || data_type == MIKEY_DT_RSAR_RESP) {
            order[0] = MIKEY_PT_ID;
            order[1] = MIKEY_PT_KEYDATA;
        }
        if (mikey_chain_parse(NULL, order[0], k->encr_data.p, k->encr_data.len, NULL, &sub, &first) != MIKEY_OK &&
            mikey_chain_parse(NULL, order[1], k->encr_data.p, k->encr_data.len, NULL, &sub, &pe) != MIKEY_OK)
            sub = NULL;
    }
    e_hex(e, "encr_data", "Encr data", k->encr_data, sub ? F_JSON : 0);
    if (sub) {
        render_chain(e, "key_data", sub, data_type);
        mikey_msg_free(sub);
    } else if (k->encr_alg == MIKEY_ENCR_NULL) {
        sub_error(e, "key_data_error", "Key data", &first, (size_t)(k->encr_data.p - e->base));
    }
    e_uint(e, "mac_alg", "MAC alg", k->mac_alg, mikey_mac_alg_name(k->mac_alg), 0);
    e_hex(e, "mac", "MAC", k->mac, 0);
}

static void render_sp(em *e, const mikey_sp *sp)
{
    e_uint(e, "policy_no", "Policy no", sp->policy_no, NULL, 0);
    e_uint(e, "prot_type", "Prot type", sp->prot_type, mikey_prot_type_name(sp->prot_type), 0);
    e_hex(e, "params", "Policy params", sp->params, F_JSON);
    int srtp = sp->prot_type == MIKEY_PROT_SRTP;
    size_t off = 0;
    mikey_sp_param p;
    if (e->json)
        mkt_jw_arr_begin(e->jw, "param_list");
    else if (sp->params.len == 0)
        tline(e, "Policy params: (none)");
    else
        tline(e, "Policy params (%zu bytes):", sp->params.len);
    while (mikey_sp_param_next(sp, &off, &p) == MIKEY_OK) {
        int is_int = p.value.len >= 1 && p.value.len <= 4;
        unsigned long long iv = is_int ? be(p.value.p, p.value.len) : 0;
        if (e->json) {
            mkt_jw_obj_begin(e->jw, NULL);
            mkt_jw_uint(e->jw, "type", p.type);
            if (srtp)
                mkt_jw_str(e->jw, "type_name", mikey_srtp_param_name(p.type));
            mkt_jw_uint(e->jw, "length", p.value.len);
            mkt_jw_hex(e->jw, "value", p.value.p, p.value.len);
            if (is_int)
                mkt_jw_uint(e->jw, "int", iv);
            mkt_jw_obj_end(e->jw);
            continue;
        }
        char val[600];
        if (is_int) {
            const char *vn = srtp ? mkt_srtp_param_value_name(p.type, (unsigned long)iv) : NULL;
            if (vn)
                snprintf(val, sizeof val, "%llu (%s)", iv, vn);
            else
                snprintf(val, sizeof val, "%llu", iv);
        } else {
            mkt_hex_encode(p.value.p, p.value.len, val); /* <= 255 bytes */
            if (p.value.len == 0)
                snprintf(val, sizeof val, "(empty)");
        }
        e->ind++;
        tline(e, "%s (%u): %s", srtp ? mikey_srtp_param_name(p.type) : "Param", p.type, val);
        e->ind--;
    }
    if (e->json)
        mkt_jw_arr_end(e->jw);
}

static void render_ts(em *e, const mikey_payload *pl)
{
    const mikey_ts *t = &pl->u.ts;
    if (pl->type == MIKEY_PT_TR)
        e_uint(e, "role", "TS role", t->role, mikey_ts_role_name(t->role), 0);
    e_uint(e, "ts_type", "TS type", t->ts_type, mikey_ts_type_name(t->ts_type), 0);
    e_hex(e, "value", "TS value", t->value, 0);
    char iso[48];
    if (pl->type == MIKEY_PT_TR && t->role == 4 && t->value.len == 4) {
        /* RFC 6043 §6.4: TRr is a rekeying interval in seconds, not a date. */
        e_uint(e, "seconds", "Interval (s)", be(t->value.p, 4), NULL, 0);
    } else if ((t->ts_type == MIKEY_TS_NTP_UTC || t->ts_type == MIKEY_TS_NTP) && t->value.len == 8) {
        ntp_iso((uint32_t)be(t->value.p, 4), (uint32_t)be(t->value.p + 4, 4), 1, iso, sizeof iso);
        e_str(e, "time", "Time", iso, 0);
    } else if (t->ts_type == MIKEY_TS_NTP_UTC_32 && t->value.len == 4) {
        ntp_iso((uint32_t)be(t->value.p, 4), 0, 0, iso, sizeof iso);
        e_str(e, "time", "Time", iso, 0);
    } else if (t->ts_type == MIKEY_TS_COUNTER && t->value.len == 4) {
        e_uint(e, "counter", "Counter", be(t->value.p, 4), NULL, 0);
    }
}

static void render_ticket(em *e, const mikey_payload *pl, unsigned data_type)
{
    const mikey_ticket *t = &pl->u.ticket;
    e_uint(e, "ticket_type", "Ticket type", t->ticket_type, NULL, 0);
    e_uint(e, "subtype", "Subtype", t->subtype, NULL, 0);
    e_uint(e, "version", "Version", t->version, NULL, 0);
    e_uint(e, "prf", "PRF func", t->prf, mikey_prf_name(t->prf), 0);
    e_uint(e, "flags", "Flags", t->flags, NULL, F_HEX);
    struct {
        const char *key, *view, *err, *label;
        mikey_span s;
        int on;
    } parts[] = {
        {"tp_data", "tp_payloads", "tp_payloads_error", "TP data", t->tp_data, 1},
        {"ticket_data", NULL, NULL, "Ticket data", t->ticket_data, pl->type == MIKEY_PT_TICKET},
        {"initiator_data", "initiator_payloads", "initiator_payloads_error", "Initiator data", t->initiator_data,
         pl->type == MIKEY_PT_TICKET},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].on)
            continue;
        mikey_msg *sub = NULL;
        mikey_parse_error pe;
        if (parts[i].view &&
            mikey_chain_parse_prefixed(NULL, parts[i].s.p, parts[i].s.len, NULL, &sub, &pe) != MIKEY_OK)
            sub = NULL;
        /* Text shows the decoded payloads instead of the bytes when it can. */
        e_hex(e, parts[i].key, parts[i].label, parts[i].s, sub && parts[i].s.len ? F_JSON : 0);
        if (sub) {
            if (!e->json && parts[i].s.len)
                tline(e, "%s (%zu bytes), first payload %s (%u):", parts[i].label, parts[i].s.len,
                      mikey_pt_name(parts[i].s.p[0]), parts[i].s.p[0]);
            render_chain(e, parts[i].view, sub, data_type);
            mikey_msg_free(sub);
        } else if (parts[i].view) {
            sub_error(e, parts[i].err, parts[i].label, &pe, (size_t)(parts[i].s.p - e->base));
        }
    }
}

static void render_payload(em *e, const mikey_payload *pl, unsigned next, int has_next, unsigned data_type)
{
    size_t off = (size_t)(pl->raw.p - e->base);
    const char *name = mikey_pt_name(pl->type);
    if (e->json) {
        mkt_jw_obj_begin(e->jw, NULL);
        mkt_jw_str(e->jw, "type", name);
        mkt_jw_uint(e->jw, "type_id", pl->type);
        mkt_jw_uint(e->jw, "offset", off);
        mkt_jw_uint(e->jw, "length", pl->raw.len);
    } else {
        tline(e, "%s (offset %zu, %zu byte%s)", name, off, pl->raw.len, pl->raw.len == 1 ? "" : "s");
        e->ind++;
        if (has_next && pl->type != MIKEY_PT_SIGN)
            tline(e, "Next payload: %s (%u)", mikey_pt_name(next), next);
    }
    switch (pl->type) {
    case MIKEY_PT_HDR: render_hdr(e, &pl->u.hdr); break;
    case MIKEY_PT_KEMAC: render_kemac(e, &pl->u.kemac, data_type); break;
    case MIKEY_PT_PKE:
        e_uint(e, "c", "C", pl->u.pke.c, NULL, 0);
        e_hex(e, "data", "Data", pl->u.pke.data, 0);
        break;
    case MIKEY_PT_DH:
        e_uint(e, "group", "DH-Group", pl->u.dh.group, mikey_dh_group_name(pl->u.dh.group), 0);
        e_hex(e, "value", "DH-value", pl->u.dh.value, 0);
        e_uint(e, "reserved", "Reserved", pl->u.dh.reserved, NULL, 0);
        e_kv(e, &pl->u.dh.kv);
        break;
    case MIKEY_PT_SIGN:
        e_uint(e, "s_type", "S type", pl->u.sign.s_type, mikey_sign_type_name(pl->u.sign.s_type), 0);
        e_hex(e, "sig", "Signature", pl->u.sign.sig, 0);
        break;
    case MIKEY_PT_T:
    case MIKEY_PT_TR: render_ts(e, pl); break;
    case MIKEY_PT_ID:
    case MIKEY_PT_IDR:
    case MIKEY_PT_CERT:
        if (pl->type == MIKEY_PT_IDR)
            e_uint(e, "role", "ID role", pl->u.id.role, mikey_id_role_name(pl->u.id.role), 0);
        if (pl->type == MIKEY_PT_CERT)
            e_uint(e, "cert_type", "Cert type", pl->u.id.type, mikey_cert_type_name(pl->u.id.type), 0);
        else
            e_uint(e, "id_type", "ID type", pl->u.id.type, mikey_id_type_name(pl->u.id.type), 0);
        e_hex(e, "data", pl->type == MIKEY_PT_CERT ? "Certificate" : "ID data", pl->u.id.data, 0);
        e_text(e, pl->u.id.data);
        break;
    case MIKEY_PT_CHASH:
        e_uint(e, "hash_func", "Hash func", pl->u.chash.hash_func, mikey_hash_func_name(pl->u.chash.hash_func), 0);
        e_hex(e, "hash", "Hash", pl->u.chash.hash, 0);
        break;
    case MIKEY_PT_V:
        e_uint(e, "auth_alg", "Auth alg", pl->u.v.auth_alg, mikey_mac_alg_name(pl->u.v.auth_alg), 0);
        e_hex(e, "data", "Ver data", pl->u.v.data, 0);
        break;
    case MIKEY_PT_SP: render_sp(e, &pl->u.sp); break;
    case MIKEY_PT_RAND:
    case MIKEY_PT_RANDR:
        if (pl->type == MIKEY_PT_RANDR)
            e_uint(e, "role", "RAND role", pl->u.rand.role, mikey_rand_role_name(pl->u.rand.role), 0);
        e_hex(e, "data", "RAND", pl->u.rand.data, 0);
        break;
    case MIKEY_PT_ERR:
        e_uint(e, "error_no", "Error no", pl->u.err.error_no, mikey_rfc_error_name(pl->u.err.error_no), 0);
        e_uint(e, "reserved", "Reserved", pl->u.err.reserved, NULL, 0);
        break;
    case MIKEY_PT_KEYDATA: {
        const mikey_keydata *k = &pl->u.keydata;
        e_uint(e, "key_type", "Type", k->type, mikey_key_type_name(k->type), 0);
        e_hex(e, "key", "Key data", k->key, 0);
        if (k->type == MIKEY_KEY_TGK_SALT || k->type == MIKEY_KEY_TEK_SALT || k->type == MIKEY_KEY_GTGK_SALT)
            e_hex(e, "salt", "Salt data", k->salt, 0);
        e_kv(e, &k->kv);
        break;
    }
    case MIKEY_PT_GENEXT:
        e_uint(e, "ext_type", "Type", pl->u.genext.type, mikey_genext_type_name(pl->u.genext.type), 0);
        e_hex(e, "data", "Data", pl->u.genext.data, 0);
        e_text(e, pl->u.genext.data);
        break;
    case MIKEY_PT_TP:
    case MIKEY_PT_TICKET: render_ticket(e, pl, data_type); break;
    case MIKEY_PT_IBAKE:
    case MIKEY_PT_ESK: e_hex(e, "encr_data", "Encr data", pl->u.ibe.encr_data, 0); break;
    case MIKEY_PT_SK:
        e_uint(e, "sk_type", "Type", pl->u.sk.type, NULL, 0);
        e_hex(e, "key", "Key data", pl->u.sk.key, 0);
        e_kv(e, &pl->u.sk.kv);
        break;
    case MIKEY_PT_ECCPT: {
        const mikey_eccpt *c = &pl->u.eccpt;
        e_uint(e, "curve", "ECC curve", c->curve, NULL, 0);
        e_hex(e, "point", "ECC point", c->point, 0);
        e_uint(e, "auth_alg", "Auth alg", c->auth_alg, NULL, 0);
        e_uint(e, "tgk_len", "TGK len", c->tgk_len, NULL, 0);
        e_uint(e, "reserved", "Reserved", c->reserved, NULL, 0);
        e_kv(e, &c->kv);
        break;
    }
    case MIKEY_PT_SAKKE:
        e_uint(e, "params", "SAKKE params", pl->u.sakke.params, NULL, 0);
        e_uint(e, "id_scheme", "ID scheme", pl->u.sakke.id_scheme, NULL, 0);
        e_hex(e, "data", "SAKKE data", pl->u.sakke.data, 0);
        break;
    default: break;
    }
    if (e->json)
        mkt_jw_obj_end(e->jw);
    else
        e->ind--;
}

/* ---------------------------------------------------------------------- */
/* Messages and errors                                                     */
/* ---------------------------------------------------------------------- */

void mkt_render_msg(const mikey_msg *msg, const uint8_t *buf, size_t len, const mkt_render_opts *o, mkt_jw *jw,
                    FILE *f)
{
    em e;
    memset(&e, 0, sizeof e);
    e.json = o->json;
    e.jw = jw;
    e.f = f;
    e.base = buf;
    unsigned len_bits = mikey_msg_leniencies(msg);
    const mikey_hdr *h = mikey_msg_hdr(msg);
    unsigned dt = h ? h->data_type : 0;

    if (e.json) {
        mkt_jw_obj_begin(jw, NULL);
        if (o->source)
            mkt_jw_str(jw, "source", o->source);
        mkt_jw_uint(jw, "length", len);
        mkt_jw_arr_begin(jw, "leniencies");
        for (unsigned b = 1; b; b <<= 1)
            if (len_bits & b)
                mkt_jw_str(jw, NULL, mikey_lenient_name(b));
        mkt_jw_arr_end(jw);
    } else {
        if (o->source)
            fprintf(f, "MIKEY message from %s, %zu bytes\n", o->source, len);
        else
            fprintf(f, "MIKEY message, %zu bytes\n", len);
        if (len_bits) {
            fputs("Leniencies used:", f);
            for (unsigned b = 1; b; b <<= 1)
                if (len_bits & b)
                    fprintf(f, " %s", mikey_lenient_name(b));
            fputs(" (a deviation from the RFC that deployed peers produce; see docs/interop.md)\n", f);
        }
    }
    size_t n = mikey_msg_count(msg);
    if (e.json)
        mkt_jw_arr_begin(jw, "payloads");
    for (size_t i = 0; i < n; i++) {
        const mikey_payload *pl = mikey_msg_at(msg, i);
        const mikey_payload *nx = mikey_msg_at(msg, i + 1);
        render_payload(&e, pl, nx ? nx->type : MIKEY_PT_LAST, 1, dt);
    }
    if (e.json) {
        mkt_jw_arr_end(jw);
        mkt_jw_obj_end(jw);
    }
}

void mkt_format_parse_error(const mikey_parse_error *pe, char *out, size_t outlen)
{
    char where[64] = "";
    if (pe->payload_index >= 0)
        snprintf(where, sizeof where, "%s (payload %d)", mikey_pt_name(pe->payload_type), pe->payload_index);
    else if (pe->payload_type)
        snprintf(where, sizeof where, "%s", mikey_pt_name(pe->payload_type));
    else
        snprintf(where, sizeof where, "message");
    char quoted[40];
    size_t ql = (size_t)snprintf(quoted, sizeof quoted, "'%s'", pe->field);
    const char *err = mikey_err_name(pe->err);
    /* Name the field once: many details already start with it. */
    if (!pe->field[0] || strncmp(pe->detail, "field '", 7) == 0)
        snprintf(out, outlen, "%s at offset %zu: %s [%s]", where, pe->offset, pe->detail, err);
    else if (strncmp(pe->detail, quoted, ql) == 0)
        snprintf(out, outlen, "%s at offset %zu: field %s [%s]", where, pe->offset, pe->detail, err);
    else
        snprintf(out, outlen, "%s at offset %zu: field %s: %s [%s]", where, pe->offset, quoted, pe->detail, err);
}

/* IANA "MIKEY Security Protocol Parameters" value registries (RFC 3830
 * §6.10.1 Tables 6.10.1.b-e, RFC 4771, 5748, 7714, 8269). */
const char *mkt_srtp_param_value_name(unsigned type, unsigned long v)
{
    static const char *const encr[] = {"NULL", "AES-CM", "AES-F8", "SEED-CTR", "SEED-CCM",
                                       "SEED-GCM", "AES-GCM", "ARIA-CTR", "ARIA-GCM"};
    static const char *const auth[] = {"NULL", "HMAC-SHA-1", "RCCm1", "RCCm2", "RCCm3"};
    static const char *const prf[] = {"AES-CM", "SEED-CTR", "ARIA-CTR"};
    switch (type) {
    case MIKEY_SP_ENCR_ALG: return v < 9 ? encr[v] : NULL;
    case MIKEY_SP_AUTH_ALG: return v < 5 ? auth[v] : NULL;
    case MIKEY_SP_PRF: return v < 3 ? prf[v] : NULL;
    case MIKEY_SP_FEC_ORDER: return v == 0 ? "FEC-SRTP" : NULL;
    case MIKEY_SP_SRTP_ENCR:
    case MIKEY_SP_SRTCP_ENCR:
    case MIKEY_SP_SRTP_AUTH: return v == 0 ? "off" : v == 1 ? "on" : NULL;
    default: return NULL;
    }
}
