/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTSP KeyMgmt header (RFC 4567 §3.2). The original ABNF has no "data"
 * parameter although the §5.3/§5.4 examples carry one; erratum 2247
 * (Verified) adds it, and the MMUSIC list agreed that "uri" and "data" may
 * come in any order after "prot":
 *
 *   KeyMgmt = "KeyMgmt" ":" key-mgmt-spec 0*("," key-mgmt-spec)
 *   key-mgmt-spec = "prot" "=" KMPID 0*(key-mgmt-spec-param)
 *   key-mgmt-spec-param = ";" "uri" "=" %22 URI %22 / ";" "data" "=" %22 base64 %22
 *
 * Deployed stacks write both `prot=mikey; uri="..."; data="..."` (live555,
 * the RFC examples, with a space after ";") and `prot=mikey;uri="...";data="..."`
 * (gortsplib, Nx), and the original ABNF ends each part with ";", so
 * whitespace after separators and a trailing ";" are accepted.
 */
#include "sdp/sdp_int.h"
#include "util/base64.h"

/* Optional whitespace: SP / HT, and line folding (CRLF or LF then SP / HT). */
static size_t skip_ows(const char *p, size_t len, size_t pos)
{
    while (pos < len) {
        if (p[pos] == ' ' || p[pos] == '\t') {
            pos++;
        } else if (p[pos] == '\r' && pos + 2 < len && p[pos + 1] == '\n' && (p[pos + 2] == ' ' || p[pos + 2] == '\t')) {
            pos += 3;
        } else if (p[pos] == '\n' && pos + 1 < len && (p[pos + 1] == ' ' || p[pos + 1] == '\t')) {
            pos += 2;
        } else {
            break;
        }
    }
    return pos;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A parameter name: letters only (prot, uri, data). */
static size_t name_end(const char *p, size_t len, size_t pos)
{
    while (pos < len && is_alpha(p[pos]))
        pos++;
    return pos;
}

int mikey_sdp_rtsp_keymgmt_parse(const char *value, size_t len, mikey_sdp_rtsp_km *out, size_t cap, size_t *n,
                                 mikey_sdp_error *perr)
{
    if ((!value && len) || !n || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    if (perr)
        memset(perr, 0, sizeof *perr);
    const char *p = value;
    size_t pos = skip_ows(p, len, 0), count = 0;
    for (;;) {
        mikey_sdp_rtsp_km km;
        memset(&km, 0, sizeof km);
        /* "prot" "=" KMPID */
        size_t ne = name_end(p, len, pos);
        if (!mk_str_eq_nocase(mk_str_make(p + pos, ne - pos), "prot") || ne >= len || p[ne] != '=') {
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, pos, 0, "KeyMgmt: a key-mgmt-spec starts with prot=");
            return MIKEY_ERR_ENCODING;
        }
        size_t s = ne + 1, e = s;
        while (e < len && mk_str_is_kmpid(mk_str_make(p + e, 1), 1))
            e++;
        if (e == s || e - s > MK_SDP_KMPID_MAX) {
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, s, 0, "KeyMgmt: prot is not a KMPID (RFC 4567 §3)");
            return MIKEY_ERR_ENCODING;
        }
        km.prot = mk_str_make(p + s, e - s);
        pos = e;
        int have_uri = 0, have_data = 0;
        /* 0*(";" param), any order, each once; a trailing ";" is allowed. */
        for (;;) {
            pos = skip_ows(p, len, pos);
            if (pos >= len || p[pos] == ',')
                break;
            if (p[pos] != ';') {
                mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, pos, 0, "KeyMgmt: expected ';' or ','");
                return MIKEY_ERR_ENCODING;
            }
            pos = skip_ows(p, len, pos + 1);
            if (pos >= len || p[pos] == ',')
                break;
            ne = name_end(p, len, pos);
            mk_str name = mk_str_make(p + pos, ne - pos);
            int is_uri = mk_str_eq_nocase(name, "uri"), is_data = mk_str_eq_nocase(name, "data");
            if (!is_uri && !is_data) {
                mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, pos, 0, "KeyMgmt: unknown parameter (erratum 2247: uri, data)");
                return MIKEY_ERR_ENCODING;
            }
            if ((is_uri && have_uri) || (is_data && have_data)) {
                mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, pos, 0, "KeyMgmt: parameter repeated");
                return MIKEY_ERR_ENCODING;
            }
            if (ne + 1 >= len || p[ne] != '=' || p[ne + 1] != '"') {
                mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, ne, 0, "KeyMgmt: expected =\" after the parameter name");
                return MIKEY_ERR_ENCODING;
            }
            s = ne + 2;
            e = s;
            while (e < len && p[e] != '"') {
                unsigned char ch = (unsigned char)p[e];
                if (ch < 0x20 || ch == 0x7f) {
                    mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, e, 0, "KeyMgmt: control character in a quoted value");
                    return MIKEY_ERR_ENCODING;
                }
                e++;
            }
            if (e >= len) {
                mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, len, 0, "KeyMgmt: unterminated quoted value");
                return MIKEY_ERR_ENCODING;
            }
            mk_str val = mk_str_make(p + s, e - s);
            if (is_uri) {
                km.uri = val; /* may be empty: some cameras send uri="" */
                have_uri = 1;
            } else {
                size_t dl, ep = 0;
                if (val.len == 0 || mk_b64_check(val.p, val.len, &dl, &ep) != MIKEY_OK) {
                    mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, s + ep, 0, "KeyMgmt: data is not strict base64");
                    return MIKEY_ERR_ENCODING;
                }
                km.data = val;
                have_data = 1;
            }
            pos = e + 1;
        }
        if (count < cap)
            out[count] = km;
        count++;
        if (pos >= len)
            break;
        pos = skip_ows(p, len, pos + 1); /* past ',' */
        if (pos >= len) {
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, pos, 0, "KeyMgmt: empty key-mgmt-spec after ','");
            return MIKEY_ERR_ENCODING;
        }
    }
    *n = count;
    return count > cap ? MIKEY_ERR_NOBUF : MIKEY_OK;
}

int mikey_sdp_rtsp_keymgmt_emit(const char *prot, const char *uri, const uint8_t *data, size_t len, char *out,
                                size_t cap, size_t *outlen)
{
    if (!outlen || !prot || !data || len == 0 || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    if (!mk_str_is_kmpid(mk_str_make(prot, strlen(prot)), MK_SDP_KMPID_MAX))
        return MIKEY_ERR_INVALID_ARG;
    if (uri) {
        for (const char *q = uri; *q; q++) {
            unsigned char ch = (unsigned char)*q;
            if (ch == '"' || ch < 0x20 || ch == 0x7f)
                return MIKEY_ERR_INVALID_ARG;
        }
    }
    mk_tw w;
    mk_tw_init(&w, out, cap);
    mk_tw_str(&w, "prot=");
    mk_tw_str(&w, prot);
    if (uri) {
        mk_tw_str(&w, "; uri=\"");
        mk_tw_str(&w, uri);
        mk_tw_str(&w, "\"");
    }
    mk_tw_str(&w, "; data=\"");
    mk_tw_b64(&w, data, len);
    mk_tw_str(&w, "\"");
    return mk_tw_finish(&w, outlen);
}
