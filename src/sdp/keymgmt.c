/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The a=key-mgmt attribute value (RFC 4567 §3.1), the protocol-identifier
 * list that defeats bidding-down attacks (RFC 4567 §4.1.4, carried by MIKEY
 * in a General Extension "SDP IDs", RFC 3830 §6.15 / RFC 4567 §7) and the
 * check a receiver runs on it.
 */
#include "sdp/sdp_int.h"
#include "util/base64.h"

/* key-mgmt-att-value = 0*1SP prtcl-id SP keymgmt-data (RFC 4567 §3.1). */
int mk_sdp_km_value(mk_str v, size_t max_id, mk_str *id, mk_str *b64, size_t *decoded_len, mikey_sdp_error *perr)
{
    size_t base = 0;
    mk_str rest = v, tok;
    if (rest.len && rest.p[0] == ' ') { /* the optional single leading SP */
        rest = mk_str_make(rest.p + 1, rest.len - 1);
        base = 1;
    }
    int found = mk_str_split(&rest, ' ', &tok);
    if (tok.len == 0) {
        mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, base, 0, "key-mgmt: empty prtcl-id");
        return MIKEY_ERR_ENCODING;
    }
    for (size_t i = 0; i < tok.len; i++) {
        if (!mk_str_is_kmpid(mk_str_make(tok.p + i, 1), 1)) {
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, base + i, 0,
                          "key-mgmt: prtcl-id character 0x%02x is not ALPHA / DIGIT (RFC 4567 §3)",
                          (unsigned char)tok.p[i]);
            return MIKEY_ERR_ENCODING;
        }
    }
    if (tok.len > max_id) {
        mk_sdp_seterr(perr, MIKEY_ERR_LIMIT, base, 0, "key-mgmt: prtcl-id of %zu characters exceeds the limit %zu",
                      tok.len, max_id);
        return MIKEY_ERR_LIMIT;
    }
    if (!found) {
        mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, v.len, 0, "key-mgmt: no SP and keymgmt-data after the prtcl-id");
        return MIKEY_ERR_ENCODING;
    }
    base += tok.len + 1;
    if (rest.len == 0) {
        mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, base, 0, "key-mgmt: empty keymgmt-data");
        return MIKEY_ERR_ENCODING;
    }
    size_t n = 0, ep = 0;
    if (mk_b64_check(rest.p, rest.len, &n, &ep) != MIKEY_OK) {
        if (ep == rest.len)
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, base + ep, 0,
                          "key-mgmt: base64 ends inside a quantum (length %zu is not a multiple of 4)", rest.len);
        else
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, base + ep, 0,
                          "key-mgmt: invalid base64 character 0x%02x at data index %zu", (unsigned char)rest.p[ep],
                          ep);
        return MIKEY_ERR_ENCODING;
    }
    *id = tok;
    *b64 = rest;
    *decoded_len = n;
    return MIKEY_OK;
}

int mikey_sdp_keymgmt_parse_value(const char *value, size_t len, mikey_sdp_str *prtcl_id, mikey_sdp_str *b64,
                                  mikey_sdp_error *perr)
{
    if ((!value && len) || !prtcl_id || !b64)
        return MIKEY_ERR_INVALID_ARG;
    if (perr)
        memset(perr, 0, sizeof *perr);
    mk_str v = mk_str_make(value, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == 0 || c == '\r' || c == '\n') { /* RFC 8866 §5.13: not in attribute values */
            mk_sdp_seterr(perr, MIKEY_ERR_ENCODING, i, 0, "key-mgmt: NUL, CR or LF in the attribute value");
            return MIKEY_ERR_ENCODING;
        }
    }
    size_t n;
    return mk_sdp_km_value(v, MK_SDP_KMPID_MAX, prtcl_id, b64, &n, perr);
}

static int valid_kmpid_cstr(const char *id)
{
    return id && mk_str_is_kmpid(mk_str_make(id, strlen(id)), MK_SDP_KMPID_MAX);
}

int mikey_sdp_keymgmt_emit(const char *prtcl_id, const uint8_t *data, size_t len, char *out, size_t cap,
                           size_t *outlen)
{
    if (!outlen || !valid_kmpid_cstr(prtcl_id) || !data || len == 0 || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    mk_tw w;
    mk_tw_init(&w, out, cap);
    mk_tw_str(&w, "a=key-mgmt:");
    mk_tw_str(&w, prtcl_id);
    mk_tw_str(&w, " ");
    mk_tw_b64(&w, data, len);
    mk_tw_str(&w, "\r\n");
    return mk_tw_finish(&w, outlen);
}

/* ---------------------------------------------------------------------- */
/* Protocol lists: prtcl-list = KMPID *(";" KMPID) (RFC 4567 §4.1.4)       */
/* ---------------------------------------------------------------------- */

int mk_sdp_ids_split(mk_str list, mk_str *ids, size_t cap, size_t *n)
{
    size_t k = 0;
    mk_str rest = list, tok;
    if (list.len == 0)
        return MIKEY_ERR_ENCODING;
    for (;;) {
        int more = mk_str_split(&rest, ';', &tok);
        /* No spaces, no empty element, no trailing ';': exactly the ABNF. */
        if (!mk_str_is_kmpid(tok, MK_SDP_KMPID_MAX) || k >= cap)
            return MIKEY_ERR_ENCODING;
        ids[k++] = tok;
        if (!more)
            break;
    }
    *n = k;
    return MIKEY_OK;
}

int mikey_sdp_ids_build(const char *const *ids, size_t n, char *out, size_t cap, size_t *outlen)
{
    if (!ids || !outlen || n == 0 || n > MIKEY_SDP_IDS_MAX || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        if (!valid_kmpid_cstr(ids[i]))
            return MIKEY_ERR_INVALID_ARG;
        /* RFC 4567 §4.1.2: each attribute carries a different protocol. */
        for (size_t j = 0; j < i; j++)
            if (strcmp(ids[i], ids[j]) == 0)
                return MIKEY_ERR_INVALID_ARG;
    }
    mk_tw w;
    mk_tw_init(&w, out, cap);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mk_tw_str(&w, ";");
        mk_tw_str(&w, ids[i]);
    }
    return mk_tw_finish(&w, outlen);
}

int mikey_sdp_ids_from_sdp(const mikey_sdp *sdp, int scope, char *out, size_t cap, size_t *outlen)
{
    size_t first, count;
    int from;
    if (!sdp || !outlen || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    int rc = mk_sdp_scope_range(sdp, scope, &first, &count, &from);
    if (rc != MIKEY_OK)
        return rc;
    if (count == 0)
        return MIKEY_ERR_NOT_FOUND;
    mk_tw w;
    mk_tw_init(&w, out, cap);
    for (size_t i = 0; i < count; i++) {
        if (i)
            mk_tw_str(&w, ";");
        mk_tw_slice(&w, sdp->km[first + i].prtcl_id);
    }
    return mk_tw_finish(&w, outlen);
}

int mikey_sdp_ids_payload(const char *list, size_t len, mikey_payload *out)
{
    mk_str ids[MIKEY_SDP_IDS_MAX];
    size_t n;
    if ((!list && len) || !out || len > 0xffff)
        return MIKEY_ERR_INVALID_ARG;
    if (mk_sdp_ids_split(mk_str_make(list, len), ids, MIKEY_SDP_IDS_MAX, &n) != MIKEY_OK)
        return MIKEY_ERR_ENCODING;
    memset(out, 0, sizeof *out);
    out->type = MIKEY_PT_GENEXT;
    out->u.genext.type = MIKEY_GENEXT_SDP_IDS;
    out->u.genext.data.p = (const uint8_t *)list;
    out->u.genext.data.len = len;
    return MIKEY_OK;
}

int mikey_sdp_ids_get(const mikey_msg *msg, mikey_span *list)
{
    if (!msg || !list)
        return MIKEY_ERR_INVALID_ARG;
    const mikey_payload *found = NULL;
    for (size_t i = 0;; i++) {
        const mikey_payload *p = mikey_msg_find(msg, MIKEY_PT_GENEXT, i);
        if (!p)
            break;
        if (p->u.genext.type != MIKEY_GENEXT_SDP_IDS)
            continue;
        if (found) /* two lists: which one did the sender mean? refuse */
            return MIKEY_ERR_POLICY;
        found = p;
    }
    if (!found)
        return MIKEY_ERR_NOT_FOUND;
    *list = found->u.genext.data;
    return MIKEY_OK;
}

const char *mikey_sdp_ids_verdict_name(int verdict)
{
    static const char *const names[] = {"match",    "absent-single", "missing",   "stripped",  "added",
                                        "reordered", "different",    "malformed", "duplicate", "no-mikey"};
    if (verdict < 0 || (size_t)verdict >= MK_ARRAY_LEN(names))
        return "unknown";
    return names[verdict];
}

static int str_eq(mk_str a, mk_str b) { return a.len == b.len && memcmp(a.p, b.p, a.len) == 0; }

/* Every element of a[] matches a distinct element of b[] (multiset inclusion). */
static int multiset_in(const mk_str *a, size_t na, const mk_str *b, size_t nb)
{
    unsigned char used[MIKEY_SDP_IDS_MAX] = {0};
    for (size_t i = 0; i < na; i++) {
        size_t j;
        for (j = 0; j < nb; j++)
            if (!used[j] && str_eq(a[i], b[j]))
                break;
        if (j == nb)
            return 0;
        used[j] = 1;
    }
    return 1;
}

static int contains_mikey(const mk_str *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mk_str_eq(a[i], "mikey"))
            return 1;
    return 0;
}

/* Classify the difference between the authenticated list (msg) and the one
 * rebuilt from the SDP received (sdp). */
static int compare_lists(const mk_str *m, size_t nm, const mk_str *s, size_t ns)
{
    if (nm == ns) {
        size_t i;
        for (i = 0; i < nm && str_eq(m[i], s[i]); i++)
            ;
        if (i == nm)
            return contains_mikey(m, nm) ? MIKEY_SDP_IDS_MATCH : MIKEY_SDP_IDS_NO_MIKEY;
        if (multiset_in(m, nm, s, ns))
            return MIKEY_SDP_IDS_REORDERED;
        return MIKEY_SDP_IDS_DIFFERENT;
    }
    if (ns < nm && multiset_in(s, ns, m, nm))
        return MIKEY_SDP_IDS_STRIPPED; /* the RFC 4567 §4.1.4 "peel off" attack */
    if (nm < ns && multiset_in(m, nm, s, ns))
        return MIKEY_SDP_IDS_ADDED;
    return MIKEY_SDP_IDS_DIFFERENT;
}

static int verdict_rc(int v, unsigned flags)
{
    switch (v) {
    case MIKEY_SDP_IDS_MATCH:
        return MIKEY_OK;
    case MIKEY_SDP_IDS_ABSENT_SINGLE:
        return (flags & MIKEY_SDP_IDS_REQUIRE) ? MIKEY_ERR_POLICY : MIKEY_OK;
    case MIKEY_SDP_IDS_MALFORMED:
        return MIKEY_ERR_ENCODING;
    default:
        return MIKEY_ERR_POLICY;
    }
}

int mikey_sdp_ids_check(const mikey_msg *msg, const char *expected, size_t len, unsigned flags, int *verdict)
{
    mk_str s[MIKEY_SDP_IDS_MAX], m[MIKEY_SDP_IDS_MAX];
    size_t ns = 0, nm = 0;
    int v;
    if (!msg || (!expected && len))
        return MIKEY_ERR_INVALID_ARG;
    if (mk_sdp_ids_split(mk_str_make(expected, len), s, MIKEY_SDP_IDS_MAX, &ns) != MIKEY_OK)
        return MIKEY_ERR_ENCODING;
    mikey_span ext;
    int rc = mikey_sdp_ids_get(msg, &ext);
    if (rc == MIKEY_ERR_POLICY) {
        v = MIKEY_SDP_IDS_DUPLICATE;
    } else if (rc == MIKEY_ERR_NOT_FOUND) {
        /* RFC 4567 §4.1.4 wants the list even for one protocol, but deployed
         * senders omit it; a lone "mikey" offer cannot be bid down. */
        if (!contains_mikey(s, ns))
            v = MIKEY_SDP_IDS_NO_MIKEY;
        else if (ns == 1 && !(flags & MIKEY_SDP_IDS_REQUIRE))
            v = MIKEY_SDP_IDS_ABSENT_SINGLE;
        else
            v = MIKEY_SDP_IDS_MISSING;
    } else if (rc != MIKEY_OK) {
        return rc;
    } else if (mk_sdp_ids_split(mk_str_make((const char *)ext.p, ext.len), m, MIKEY_SDP_IDS_MAX, &nm) != MIKEY_OK) {
        v = MIKEY_SDP_IDS_MALFORMED;
    } else {
        v = compare_lists(m, nm, s, ns);
    }
    if (verdict)
        *verdict = v;
    return verdict_rc(v, flags);
}

int mikey_sdp_ids_check_sdp(const mikey_msg *msg, const mikey_sdp *sdp, int scope, unsigned flags, int *verdict)
{
    /* MIKEY_SDP_IDS_MAX ids of at most MK_SDP_KMPID_MAX chars plus separators. */
    char buf[MIKEY_SDP_IDS_MAX * (MK_SDP_KMPID_MAX + 1) + 1];
    size_t n;
    if (!msg || !sdp)
        return MIKEY_ERR_INVALID_ARG;
    int rc = mikey_sdp_ids_from_sdp(sdp, scope, buf, sizeof buf, &n);
    if (rc == MIKEY_ERR_NOBUF) /* longer ids than a list may hold: not a list we could have built */
        return MIKEY_ERR_LIMIT;
    if (rc != MIKEY_OK)
        return rc;
    return mikey_sdp_ids_check(msg, buf, n, flags, verdict);
}
