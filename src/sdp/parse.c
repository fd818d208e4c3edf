/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SDP parser (RFC 8866 §5 and §9) for the RFC 4567 key management carriage.
 *
 * Two passes over the text. The first only counts m= lines and a=key-mgmt
 * lines, so limits are enforced before anything is allocated and the arrays
 * are allocated once at their exact size. The second validates every line
 * and fills the model. Everything the model exposes is a view into the
 * caller's text, except the decoded key-mgmt data which lives in one buffer
 * owned by the mikey_sdp.
 */
#include <stdio.h>

#include "sdp/sdp_int.h"
#include "util/base64.h"

void mikey_sdp_limits_default(mikey_sdp_limits *lim)
{
    if (!lim)
        return;
    lim->max_sdp_len = 65536;
    lim->max_line_len = 32768;
    lim->max_keymgmt = 16;
    lim->max_media = 32;
}

const char *mikey_sdp_lenient_name(unsigned bit)
{
    switch (bit) {
    case MIKEY_SDP_LENIENT_ORDER:
        return "order";
    case MIKEY_SDP_LENIENT_NO_FINAL_EOL:
        return "no-final-eol";
    case MIKEY_SDP_LENIENT_TRAILING_BLANK:
        return "trailing-blank";
    case MIKEY_SDP_LENIENT_MISSING_TIME:
        return "missing-time";
    case MIKEY_SDP_LENIENT_MISSING_CONN:
        return "missing-conn";
    default:
        return "unknown";
    }
}

const char *mikey_sdp_dir_name(int dir)
{
    switch (dir) {
    case MIKEY_SDP_DIR_UNSPEC:
        return "unspecified";
    case MIKEY_SDP_DIR_SENDRECV:
        return "sendrecv";
    case MIKEY_SDP_DIR_SENDONLY:
        return "sendonly";
    case MIKEY_SDP_DIR_RECVONLY:
        return "recvonly";
    case MIKEY_SDP_DIR_INACTIVE:
        return "inactive";
    default:
        return "unknown";
    }
}

/* Parser state. A "section" is the session part or one media description. */
typedef struct pctx {
    const char *text;
    size_t len;
    mikey_sdp_limits lim;
    unsigned strict;
    mikey_sdp_error *perr;
    mikey_sdp *sdp;
    size_t line_no;
    size_t line_off;
    int media;          /* MIKEY_SDP_SESSION, or the current m= index */
    int rank;           /* highest RFC 8866 §5 position seen in the section */
    uint32_t seen;      /* line types seen in the section (bit per letter) */
    int sess_dir_set;
    int media_dir_set;
    int media_has_conn;
    int seen_time;
} pctx;

#define LETTER_BIT(c) (1u << ((c) - 'a'))

static size_t off_of(const pctx *c, const char *p) { return (size_t)(p - c->text); }

static int fail(pctx *c, int err, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(pctx *c, int err, size_t off, const char *fmt, ...)
{
    if (c->perr) {
        c->perr->err = err;
        c->perr->offset = off;
        c->perr->line = c->line_no;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->perr->detail, sizeof c->perr->detail, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* Use a leniency, or fail in strict mode. */
static int lenient(pctx *c, unsigned bit, int err, size_t off, const char *what)
{
    if (c->strict)
        return fail(c, err, off, "%s", what);
    c->sdp->lenient_used |= bit;
    return MIKEY_OK;
}

static int is_digits(mk_str s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    return 1;
}

/* ---- pass 1: count what needs storage ---- */

static int prescan(pctx *c, size_t *nmedia, size_t *nkm, size_t *data_bytes)
{
    size_t pos = 0, line = 0;
    *nmedia = *nkm = *data_bytes = 0;
    while (pos < c->len) {
        const char *nl = memchr(c->text + pos, '\n', c->len - pos);
        size_t end = nl ? (size_t)(nl - c->text) : c->len;
        size_t n = end - pos;
        line++;
        c->line_no = line;
        if (n >= 2 && c->text[pos] == 'm' && c->text[pos + 1] == '=') {
            if (++*nmedia > c->lim.max_media)
                return fail(c, MIKEY_ERR_LIMIT, pos, "more than %zu media sections", c->lim.max_media);
        } else if (n >= 11 && memcmp(c->text + pos, "a=key-mgmt:", 11) == 0) {
            if (++*nkm > c->lim.max_keymgmt)
                return fail(c, MIKEY_ERR_LIMIT, pos, "more than %zu key-mgmt attributes", c->lim.max_keymgmt);
            *data_bytes += n; /* the decoded data is shorter than its line */
        }
        pos = nl ? end + 1 : c->len;
    }
    c->line_no = 0;
    return MIKEY_OK;
}

/* ---- field parsers ---- */

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
static int parse_origin(pctx *c, mk_str v)
{
    mikey_sdp_session *s = &c->sdp->sess;
    mk_str f[6];
    size_t n = 0;
    const char *bad = NULL;
    if (mk_str_fields(v, f, 6, &n, &bad) != MIKEY_OK)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, bad), "o=: empty or extra field (RFC 8866 §5.2)");
    if (n != 6)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, v.p + v.len), "o=: %zu fields instead of 6 (RFC 8866 §5.2)", n);
    if (!mk_str_is_nonws(f[0]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[0].p), "o=: bad username");
    if (!is_digits(f[1]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[1].p), "o=: sess-id is not 1*DIGIT");
    if (!is_digits(f[2]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[2].p), "o=: sess-version is not 1*DIGIT");
    if (!mk_str_is_token(f[3]) || !mk_str_is_token(f[4]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[3].p), "o=: nettype / addrtype is not a token");
    if (!mk_str_is_nonws(f[5]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[5].p), "o=: bad unicast-address");
    s->username = f[0];
    s->sess_id = f[1];
    s->sess_version = f[2];
    s->o_nettype = f[3];
    s->o_addrtype = f[4];
    s->o_addr = f[5];
    return MIKEY_OK;
}

/* c=<nettype> <addrtype> <connection-address>; the address keeps only the
 * part before "/ttl/n" (RFC 8866 §5.7). */
static int parse_conn(pctx *c, mk_str v, mk_str *nettype, mk_str *addrtype, mk_str *addr)
{
    mk_str f[3];
    size_t n = 0;
    const char *bad = NULL;
    if (mk_str_fields(v, f, 3, &n, &bad) != MIKEY_OK || n != 3)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, bad ? bad : v.p + v.len),
                    "c=: expected <nettype> <addrtype> <connection-address> (RFC 8866 §5.7)");
    if (!mk_str_is_token(f[0]) || !mk_str_is_token(f[1]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[0].p), "c=: nettype / addrtype is not a token");
    if (!mk_str_is_nonws(f[2]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[2].p), "c=: bad connection address");
    mk_str a = f[2], host;
    mk_str_split(&a, '/', &host);
    if (host.len == 0)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[2].p), "c=: empty address before '/'");
    *nettype = f[0];
    *addrtype = f[1];
    *addr = host;
    return MIKEY_OK;
}

/* t=<start-time> <stop-time> */
static int parse_time(pctx *c, mk_str v)
{
    mk_str f[2];
    size_t n = 0;
    const char *bad = NULL;
    if (mk_str_fields(v, f, 2, &n, &bad) != MIKEY_OK || n != 2 || !is_digits(f[0]) || !is_digits(f[1]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, bad ? bad : v.p),
                    "t=: expected <start-time> <stop-time> (RFC 8866 §5.9)");
    if (c->sdp->sess.time.len == 0)
        c->sdp->sess.time = v;
    return MIKEY_OK;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14).
 * The format list is bounded by the line length, so it is kept as text. */
static int parse_media_line(pctx *c, mk_str v, mikey_sdp_media *m)
{
    mk_str f[3];
    size_t n = 0;
    const char *bad = NULL;
    /* The first three fields, then the rest of the line is the fmt list. */
    mk_str head = v, rest = v, tok;
    size_t i;
    for (i = 0; i < 3; i++) {
        if (!mk_str_split(&rest, ' ', &tok))
            break;
    }
    if (i < 3)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, v.p + v.len),
                    "m=: expected <media> <port> <proto> <fmt> ... (RFC 8866 §5.14)");
    head.len = (size_t)(rest.p - v.p) - 1;
    if (mk_str_fields(head, f, 3, &n, &bad) != MIKEY_OK || n != 3)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, bad ? bad : v.p), "m=: empty field");
    if (!mk_str_is_token(f[0]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[0].p), "m=: media type is not a token");
    mk_str nports = f[1], port;
    uint64_t pv = 0, nv = 1;
    int slash = mk_str_split(&nports, '/', &port);
    if (mk_str_u64(port, 65535, &pv) != MIKEY_OK)
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[1].p), "m=: port is not a number in 0..65535");
    if (slash && (nports.len == 0 || nports.p[0] == '0' || mk_str_u64(nports, 65535, &nv) != MIKEY_OK))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[1].p), "m=: bad <number of ports> (RFC 8866 §5.14)");
    if (!mk_str_is_proto(f[2]))
        return fail(c, MIKEY_ERR_ENCODING, off_of(c, f[2].p), "m=: proto is not token *(\"/\" token)");
    /* fmts: 1*(SP fmt), each a token. */
    size_t nf = 0;
    mk_str fl = rest;
    for (;;) {
        const char *at = fl.p;
        int more = mk_str_split(&fl, ' ', &tok);
        if (!mk_str_is_token(tok))
            return fail(c, MIKEY_ERR_ENCODING, off_of(c, at), "m=: empty or bad fmt");
        nf++;
        if (!more)
            break;
    }
    m->media = f[0];
    m->port = (uint16_t)pv;
    m->nports = (unsigned)nv;
    m->proto = f[2];
    m->fmts = rest;
    m->nfmts = nf;
    m->secure = mk_str_eq(f[2], "RTP/SAVP") || mk_str_eq(f[2], "RTP/SAVPF");
    return MIKEY_OK;
}

static int dir_of(mk_str name)
{
    if (mk_str_eq(name, "sendrecv"))
        return MIKEY_SDP_DIR_SENDRECV;
    if (mk_str_eq(name, "sendonly"))
        return MIKEY_SDP_DIR_SENDONLY;
    if (mk_str_eq(name, "recvonly"))
        return MIKEY_SDP_DIR_RECVONLY;
    if (mk_str_eq(name, "inactive"))
        return MIKEY_SDP_DIR_INACTIVE;
    return 0;
}

static int parse_keymgmt(pctx *c, mk_str v, size_t line_off)
{
    mikey_sdp *sdp = c->sdp;
    mk_str id, b64;
    size_t dlen = 0;
    mikey_sdp_error e;
    memset(&e, 0, sizeof e);
    int rc = mk_sdp_km_value(v, MK_SDP_KMPID_MAX, &id, &b64, &dlen, &e);
    if (rc != MIKEY_OK)
        return fail(c, rc, off_of(c, v.p) + e.offset, "%s", e.detail);
    /* Which scope, and the attributes already in it. */
    size_t *first, *count;
    if (c->media == MIKEY_SDP_SESSION) {
        first = &sdp->sess.km_first;
        count = &sdp->sess.km_count;
    } else {
        first = &sdp->media[c->media].km_first;
        count = &sdp->media[c->media].km_count;
    }
    for (size_t i = 0; i < *count; i++)
        if (sdp->km[*first + i].prtcl_id.len == id.len &&
            memcmp(sdp->km[*first + i].prtcl_id.p, id.p, id.len) == 0)
            return fail(c, MIKEY_ERR_ENCODING, line_off,
                        "second key-mgmt attribute for protocol \"%.*s\" in one section (RFC 4567 §4.1.2)",
                        (int)id.len, id.p);
    if (*count >= MIKEY_SDP_IDS_MAX)
        return fail(c, MIKEY_ERR_LIMIT, line_off, "more than %d key-mgmt attributes in one section",
                    MIKEY_SDP_IDS_MAX);
    if (*count == 0)
        *first = sdp->nkm;
    mikey_sdp_keymgmt *k = &sdp->km[sdp->nkm++];
    k->prtcl_id = id;
    k->b64 = b64;
    mk_b64_decode_raw(b64.p, b64.len, sdp->data + sdp->data_len);
    k->data.p = sdp->data + sdp->data_len;
    k->data.len = dlen;
    sdp->data_len += dlen;
    k->scope = c->media;
    k->line = c->line_no;
    k->offset = line_off;
    (*count)++;
    return MIKEY_OK;
}

static int parse_attr(pctx *c, mk_str v, size_t line_off)
{
    mk_str rest = v, name;
    int has_value = mk_str_split(&rest, ':', &name);
    if (!mk_str_is_token(name))
        return fail(c, MIKEY_ERR_ENCODING, line_off + 2, "a=: attribute name is not a token (RFC 8866 §9)");
    if (mk_str_eq(name, "key-mgmt")) {
        if (!has_value)
            return fail(c, MIKEY_ERR_ENCODING, line_off + 2 + name.len, "a=key-mgmt without a value");
        return parse_keymgmt(c, rest, line_off);
    }
    int d = has_value ? 0 : dir_of(name);
    if (d) {
        int *set = c->media == MIKEY_SDP_SESSION ? &c->sess_dir_set : &c->media_dir_set;
        if (*set)
            return fail(c, MIKEY_ERR_ENCODING, line_off, "a second direction attribute in one section");
        *set = 1;
        if (c->media == MIKEY_SDP_SESSION)
            c->sdp->sess.dir = d;
        else
            c->sdp->media[c->media].dir = d;
    }
    /* Any other attribute is ignored (RFC 8866 §5.13). */
    return MIKEY_OK;
}

/* RFC 8866 §5: position of each line type in its section, -1 if not allowed. */
static int session_rank(char t)
{
    switch (t) {
    case 'v': return 0;
    case 'o': return 1;
    case 's': return 2;
    case 'i': return 3;
    case 'u': return 4;
    case 'e': return 5;
    case 'p': return 6;
    case 'c': return 7;
    case 'b': return 8;
    case 't': case 'r': case 'z': return 9;
    case 'k': return 10;
    case 'a': return 11;
    default: return -1;
    }
}

static int media_rank(char t)
{
    switch (t) {
    case 'm': return 0;
    case 'i': return 1;
    case 'c': return 2;
    case 'b': return 3;
    case 'k': return 4;
    case 'a': return 5;
    default: return -1;
    }
}

/* Checks due when the session section ends (first m= or end of text). */
static int end_session(pctx *c)
{
    size_t at = c->line_off;
    if (!(c->seen & LETTER_BIT('o')))
        return fail(c, MIKEY_ERR_ENCODING, at, "no o= line (RFC 8866 §5.2)");
    if (!(c->seen & LETTER_BIT('s')))
        return fail(c, MIKEY_ERR_ENCODING, at, "no s= line (RFC 8866 §5.3)");
    if (!c->seen_time) {
        int rc = lenient(c, MIKEY_SDP_LENIENT_MISSING_TIME, MIKEY_ERR_ENCODING, at, "no t= line (RFC 8866 §5.9)");
        if (rc)
            return rc;
    }
    return MIKEY_OK;
}

static int handle_line(pctx *c, mk_str line)
{
    size_t lo = c->line_off;
    if (line.len < 2 || line.p[1] != '=' || line.p[0] < 'a' || line.p[0] > 'z')
        return fail(c, MIKEY_ERR_ENCODING, lo, "line is not <type>=<value> (RFC 8866 §5)");
    char t = line.p[0];
    mk_str v = mk_str_make(line.p + 2, line.len - 2);
    if (c->line_no == 1) {
        if (t != 'v')
            return fail(c, MIKEY_ERR_ENCODING, lo, "a description starts with v= (RFC 8866 §5)");
    } else if (t == 'v') {
        return fail(c, MIKEY_ERR_ENCODING, lo, "second v= line: one session description only (RFC 3264 §5)");
    }
    if (!strchr("vosiuepcbtrzkam", t))
        return fail(c, MIKEY_ERR_ENCODING, lo, "unknown line type '%c' (RFC 8866 §5: rejected)", t);

    if (t == 'm') {
        if (c->media == MIKEY_SDP_SESSION) {
            int rc = end_session(c);
            if (rc)
                return rc;
        }
        size_t idx = c->sdp->nmedia; /* the prescan bounded this */
        mikey_sdp_media *m = &c->sdp->media[idx];
        memset(m, 0, sizeof *m);
        m->index = idx;
        m->line = c->line_no;
        int rc = parse_media_line(c, v, m);
        if (rc)
            return rc;
        c->sdp->nmedia++;
        c->media = (int)idx;
        c->rank = 0;
        c->seen = LETTER_BIT('m');
        c->media_dir_set = 0;
        c->media_has_conn = 0;
        return MIKEY_OK;
    }

    int in_media = c->media != MIKEY_SDP_SESSION;
    int rank = in_media ? media_rank(t) : session_rank(t);
    if (rank < 0)
        return fail(c, MIKEY_ERR_ENCODING, lo, "%c= line not allowed in a media section (RFC 8866 §5)", t);
    /* Lines that may appear once per section (c= may repeat in a media
     * section for layered multicast, RFC 8866 §5.7). */
    const char *once = in_media ? "ik" : "vosiuck";
    if (strchr(once, t) && (c->seen & LETTER_BIT(t)))
        return fail(c, MIKEY_ERR_ENCODING, lo, "more than one %c= line in a section (RFC 8866 §5)", t);
    if ((t == 'r' || t == 'z') && !c->seen_time)
        return fail(c, MIKEY_ERR_ENCODING, lo, "%c= before any t= line (RFC 8866 §5.10)", t);
    if (rank < c->rank) {
        int rc = lenient(c, MIKEY_SDP_LENIENT_ORDER, MIKEY_ERR_ENCODING, lo,
                         "line out of the RFC 8866 §5 order");
        if (rc)
            return rc;
    } else {
        c->rank = rank;
    }
    c->seen |= LETTER_BIT(t);

    mikey_sdp_session *s = &c->sdp->sess;
    switch (t) {
    case 'v':
        if (mk_str_eq(v, "0"))
            return MIKEY_OK;
        if (is_digits(v))
            return fail(c, MIKEY_ERR_VERSION, lo + 2, "SDP version %.*s is not 0 (RFC 8866 §5.1)", (int)v.len, v.p);
        return fail(c, MIKEY_ERR_ENCODING, lo + 2, "v= value is not a number");
    case 'o':
        return parse_origin(c, v);
    case 's':
        /* RFC 8866 §5.3: "The s= line MUST NOT be empty" (a single SP is fine). */
        if (v.len == 0)
            return fail(c, MIKEY_ERR_ENCODING, lo, "empty s= line (RFC 8866 §5.3)");
        s->name = v;
        return MIKEY_OK;
    case 'c':
        if (in_media) {
            mikey_sdp_media *m = &c->sdp->media[c->media];
            mk_str nt, at, ad;
            int rc = parse_conn(c, v, &nt, &at, &ad);
            if (rc)
                return rc;
            if (!c->media_has_conn) { /* the first one; more are multicast layers */
                m->nettype = nt;
                m->addrtype = at;
                m->addr = ad;
                c->media_has_conn = 1;
            }
            return MIKEY_OK;
        }
        return parse_conn(c, v, &s->nettype, &s->addrtype, &s->addr);
    case 't':
        c->seen_time = 1;
        return parse_time(c, v);
    case 'a':
        return parse_attr(c, v, lo);
    case 'k':
        /* RFC 8866 §5.12: obsolete, MUST be discarded. */
        return MIKEY_OK;
    default:
        /* i u e p b r z: free text we do not interpret; must not be empty. */
        if (v.len == 0)
            return fail(c, MIKEY_ERR_ENCODING, lo, "empty %c= line", t);
        return MIKEY_OK;
    }
}

/* Only empty lines remain from pos? */
static int rest_is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n')
            continue;
        if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
            i++;
            continue;
        }
        return 0;
    }
    return 1;
}

static int parse_lines(pctx *c)
{
    size_t pos = 0;
    c->media = MIKEY_SDP_SESSION;
    while (pos < c->len) {
        const char *nl = memchr(c->text + pos, '\n', c->len - pos);
        size_t end = nl ? (size_t)(nl - c->text) : c->len;
        size_t lend = end;
        c->line_no++;
        c->line_off = pos;
        if (lend > pos && c->text[lend - 1] == '\r')
            lend--;
        if (lend == pos) {
            if (c->line_no > 1 && rest_is_blank(c->text + pos, c->len - pos)) {
                int rc = lenient(c, MIKEY_SDP_LENIENT_TRAILING_BLANK, MIKEY_ERR_ENCODING, pos,
                                 "empty line(s) at the end of the description");
                if (rc)
                    return rc;
                break;
            }
            return fail(c, MIKEY_ERR_ENCODING, pos, "empty line (RFC 8866 §5)");
        }
        if (lend - pos > c->lim.max_line_len)
            return fail(c, MIKEY_ERR_LIMIT, pos, "line of %zu bytes exceeds the limit %zu", lend - pos,
                        c->lim.max_line_len);
        for (size_t i = pos; i < lend; i++) {
            if (c->text[i] == '\0')
                return fail(c, MIKEY_ERR_ENCODING, i, "NUL byte in the description");
            if (c->text[i] == '\r')
                return fail(c, MIKEY_ERR_ENCODING, i, "CR not followed by LF");
        }
        if (!nl) {
            int rc = lenient(c, MIKEY_SDP_LENIENT_NO_FINAL_EOL, MIKEY_ERR_TRUNCATED, c->len,
                             "the last line has no CRLF (RFC 8866 §9)");
            if (rc)
                return rc;
        }
        int rc = handle_line(c, mk_str_make(c->text + pos, lend - pos));
        if (rc)
            return rc;
        pos = nl ? end + 1 : c->len;
    }
    if (c->line_no == 0)
        return fail(c, MIKEY_ERR_ENCODING, 0, "empty description");
    /* Errors found at the end point just past the last line. */
    c->line_off = c->len;
    c->line_no++;
    if (c->media == MIKEY_SDP_SESSION) {
        int rc = end_session(c);
        if (rc)
            return rc;
    }
    return MIKEY_OK;
}

/* Resolve per-media defaults once every line is read. */
static int finish_media(pctx *c)
{
    mikey_sdp *sdp = c->sdp;
    for (size_t i = 0; i < sdp->nmedia; i++) {
        mikey_sdp_media *m = &sdp->media[i];
        if (m->addr.len == 0) {
            if (sdp->sess.addr.len) {
                m->nettype = sdp->sess.nettype;
                m->addrtype = sdp->sess.addrtype;
                m->addr = sdp->sess.addr;
            } else {
                c->line_no = m->line;
                int rc = lenient(c, MIKEY_SDP_LENIENT_MISSING_CONN, MIKEY_ERR_ENCODING, 0,
                                 "media section without a c= line at either level (RFC 8866 §5.7)");
                if (rc) {
                    if (c->perr)
                        c->perr->offset = (size_t)(m->media.p - c->text) - 2;
                    return rc;
                }
            }
        }
        if (m->dir == MIKEY_SDP_DIR_UNSPEC)
            m->dir = sdp->sess.dir ? sdp->sess.dir : MIKEY_SDP_DIR_SENDRECV;
        /* RFC 4567 §3.1: media-level key-mgmt overrides session-level. */
        if (m->km_count) {
            m->km_scope = (int)i;
        } else if (sdp->sess.km_count) {
            m->km_scope = MIKEY_SDP_SESSION;
            m->km_first = sdp->sess.km_first;
            m->km_count = sdp->sess.km_count;
        } else {
            m->km_scope = MIKEY_SDP_NONE;
        }
    }
    return MIKEY_OK;
}

int mikey_sdp_parse(const mikey_env *env, const char *text, size_t len, const mikey_sdp_parse_opts *opts,
                    mikey_sdp **out, mikey_sdp_error *perr)
{
    if (perr)
        memset(perr, 0, sizeof *perr);
    if (!out || (!text && len)) {
        if (perr)
            perr->err = MIKEY_ERR_INVALID_ARG;
        return MIKEY_ERR_INVALID_ARG;
    }
    *out = NULL;
    pctx c;
    memset(&c, 0, sizeof c);
    c.text = text;
    c.len = len;
    c.perr = perr;
    c.strict = opts ? opts->strict : 0;
    if (opts && opts->limits)
        c.lim = *opts->limits;
    else
        mikey_sdp_limits_default(&c.lim);
    if (len > c.lim.max_sdp_len)
        return fail(&c, MIKEY_ERR_LIMIT, c.lim.max_sdp_len, "description of %zu bytes exceeds the limit %zu", len,
                    c.lim.max_sdp_len);

    size_t nmedia, nkm, dbytes;
    int rc = prescan(&c, &nmedia, &nkm, &dbytes);
    if (rc)
        return rc;

    mikey_env e;
    mk_env_init(&e, env);
    mikey_sdp *sdp = mk_calloc(&e, 1, sizeof *sdp);
    if (!sdp)
        return fail(&c, MIKEY_ERR_NOMEM, 0, "out of memory");
    sdp->env = e;
    sdp->text = text;
    sdp->len = len;
    if ((nmedia && !(sdp->media = mk_calloc(&e, nmedia, sizeof *sdp->media))) ||
        (nkm && !(sdp->km = mk_calloc(&e, nkm, sizeof *sdp->km))) ||
        (dbytes && !(sdp->data = mk_malloc(&e, dbytes)))) {
        mikey_sdp_free(sdp);
        return fail(&c, MIKEY_ERR_NOMEM, 0, "out of memory");
    }
    c.sdp = sdp;
    rc = parse_lines(&c);
    if (rc == MIKEY_OK)
        rc = finish_media(&c);
    if (rc != MIKEY_OK) {
        mikey_sdp_free(sdp);
        return rc;
    }
    *out = sdp;
    return MIKEY_OK;
}

void mikey_sdp_free(mikey_sdp *sdp)
{
    if (!sdp)
        return;
    mikey_env e = sdp->env;
    mk_free(&e, sdp->media);
    mk_free(&e, sdp->km);
    mk_free(&e, sdp->data);
    mk_free(&e, sdp);
}

const mikey_sdp_session *mikey_sdp_session_get(const mikey_sdp *sdp) { return sdp ? &sdp->sess : NULL; }

size_t mikey_sdp_media_count(const mikey_sdp *sdp) { return sdp ? sdp->nmedia : 0; }

const mikey_sdp_media *mikey_sdp_media_at(const mikey_sdp *sdp, size_t i)
{
    return (sdp && i < sdp->nmedia) ? &sdp->media[i] : NULL;
}

size_t mikey_sdp_keymgmt_count(const mikey_sdp *sdp) { return sdp ? sdp->nkm : 0; }

const mikey_sdp_keymgmt *mikey_sdp_keymgmt_at(const mikey_sdp *sdp, size_t i)
{
    return (sdp && i < sdp->nkm) ? &sdp->km[i] : NULL;
}

unsigned mikey_sdp_leniencies(const mikey_sdp *sdp) { return sdp ? sdp->lenient_used : 0; }

int mk_sdp_scope_range(const mikey_sdp *sdp, int scope, size_t *first, size_t *count, int *from)
{
    if (scope == MIKEY_SDP_SESSION) {
        *first = sdp->sess.km_first;
        *count = sdp->sess.km_count;
        *from = sdp->sess.km_count ? MIKEY_SDP_SESSION : MIKEY_SDP_NONE;
        return MIKEY_OK;
    }
    if (scope < 0 || (size_t)scope >= sdp->nmedia)
        return MIKEY_ERR_INVALID_ARG;
    const mikey_sdp_media *m = &sdp->media[scope];
    *first = m->km_first;
    *count = m->km_count;
    *from = m->km_scope;
    return MIKEY_OK;
}

int mikey_sdp_keymgmt_find(const mikey_sdp *sdp, int scope, const char *prtcl_id, const mikey_sdp_keymgmt **out)
{
    size_t first, count;
    int from;
    if (!sdp || !prtcl_id || !out)
        return MIKEY_ERR_INVALID_ARG;
    int rc = mk_sdp_scope_range(sdp, scope, &first, &count, &from);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++) {
        if (mk_str_eq(sdp->km[first + i].prtcl_id, prtcl_id)) {
            *out = &sdp->km[first + i];
            return MIKEY_OK;
        }
    }
    return MIKEY_ERR_NOT_FOUND;
}

int mikey_sdp_fmt_next(const mikey_sdp_media *m, size_t *off, mikey_sdp_str *fmt)
{
    if (!m || !off || !fmt)
        return MIKEY_ERR_INVALID_ARG;
    if (*off >= m->fmts.len)
        return MIKEY_ERR_NOT_FOUND;
    mk_str rest = mk_str_make(m->fmts.p + *off, m->fmts.len - *off), tok;
    int more = mk_str_split(&rest, ' ', &tok);
    *fmt = tok;
    *off = more ? (size_t)(rest.p - m->fmts.p) : m->fmts.len;
    return MIKEY_OK;
}

int mikey_sdp_streams(const mikey_sdp *sdp, const char *prtcl_id, mikey_sdp_stream_info *out, size_t cap,
                      size_t *n)
{
    if (!sdp || !n || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    const char *id = prtcl_id ? prtcl_id : "mikey";
    *n = sdp->nmedia;
    if (cap < sdp->nmedia)
        return MIKEY_ERR_NOBUF;
    unsigned sess_cs = 0; /* secure m= lines covered by the session-level attribute so far */
    for (size_t i = 0; i < sdp->nmedia; i++) {
        const mikey_sdp_media *m = &sdp->media[i];
        mikey_sdp_stream_info *s = &out[i];
        memset(s, 0, sizeof *s);
        s->index = i;
        s->media = m->media;
        s->proto = m->proto;
        s->secure = m->secure;
        s->rejected = m->port == 0;
        s->port = m->port;
        s->addrtype = m->addrtype;
        s->addr = m->addr;
        s->dir = m->dir;
        s->km_index = -1;
        s->km_scope = MIKEY_SDP_NONE;
        if (!m->secure)
            continue; /* RFC 4567 §5.2: key-mgmt does not apply to RTP/AVP */
        const mikey_sdp_keymgmt *k = NULL;
        if (mikey_sdp_keymgmt_find(sdp, (int)i, id, &k) != MIKEY_OK)
            continue;
        s->km_index = (int)(k - sdp->km);
        s->km_scope = k->scope;
        s->mikey = k->data;
        /* RFC 4567 §7.1: two consecutive CS ids per stream, numbered over
         * the streams the same message covers. */
        if (k->scope == MIKEY_SDP_SESSION) {
            unsigned cs = 1 + 2 * sess_cs++;
            s->cs_id_first = cs <= 255 ? (uint8_t)cs : 0;
        } else {
            s->cs_id_first = 1;
        }
    }
    return MIKEY_OK;
}
