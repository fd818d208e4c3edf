/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private header of src/sdp (RFC 4567 carriage). Text is handled as slices
 * (mk_str = mikey_sdp_str: pointer + length) with bounded tokenizers, in the
 * manner of libre's `pl` and curl's strparse (CONVENTIONS.md 2.2.15): no
 * regex, no NUL-terminated assumptions, every token length capped.
 */
#ifndef MIKEY_SDP_INT_H
#define MIKEY_SDP_INT_H

#include <stdarg.h>

#include "internal.h"
#include "openmikey/sdp.h"

typedef mikey_sdp_str mk_str;

/* ---- slices (text.c) ---- */

static inline mk_str mk_str_make(const char *p, size_t len)
{
    mk_str s;
    s.p = p;
    s.len = len;
    return s;
}
static inline mk_str mk_str_empty(void) { return mk_str_make(NULL, 0); }

/* Exact, case-sensitive comparison with a NUL-terminated literal. */
int mk_str_eq(mk_str s, const char *lit);
/* Same, ASCII case-insensitive. */
int mk_str_eq_nocase(mk_str s, const char *lit);
/* Split *s at the first `sep`: *tok receives what precedes it and *s what
 * follows. Returns 1 if `sep` was found; otherwise *tok = *s, *s = empty
 * and 0 is returned. */
int mk_str_split(mk_str *s, char sep, mk_str *tok);
/* Split s into SP-separated fields (exactly one SP between fields, none
 * leading or trailing: RFC 8866 §5 "delimited by a single space
 * character"). At most cap fields. Returns MIKEY_OK with *n fields, or
 * MIKEY_ERR_ENCODING with *bad pointing at the empty field or the first
 * field past cap. */
int mk_str_fields(mk_str s, mk_str *f, size_t cap, size_t *n, const char **bad);
/* 1*DIGIT, at most 20 digits, value <= max. MIKEY_ERR_ENCODING otherwise. */
int mk_str_u64(mk_str s, uint64_t max, uint64_t *out);
/* RFC 8866 §9 token (1*token-char). */
int mk_str_is_token(mk_str s);
/* proto = token *("/" token). */
int mk_str_is_proto(mk_str s);
/* non-ws-string = 1*(VCHAR / %x80-FF). */
int mk_str_is_nonws(mk_str s);
/* byte-string = 1*(%x01-09 / %x0B-0C / %x0E-FF). */
int mk_str_is_bytes(mk_str s);
/* KMPID = 1*(ALPHA / DIGIT) (RFC 4567 §3), at most max characters. */
int mk_str_is_kmpid(mk_str s, size_t max);

/* Default cap on a KMPID; also used by emitters. */
#define MK_SDP_KMPID_MAX MIKEY_SDP_KMPID_MAX

/* ---- text writer (text.c): counts past the end so one pass yields the
 * needed size, like the wire writer's sticky overflow ---- */

typedef struct mk_tw {
    char *out;
    size_t cap;
    size_t len; /* characters produced so far (may exceed cap) */
} mk_tw;

void mk_tw_init(mk_tw *w, char *out, size_t cap);
void mk_tw_mem(mk_tw *w, const char *p, size_t n);
void mk_tw_str(mk_tw *w, const char *s);
void mk_tw_slice(mk_tw *w, mk_str s);
void mk_tw_u64(mk_tw *w, uint64_t v);
void mk_tw_b64(mk_tw *w, const uint8_t *p, size_t n);
/* Finish: NUL-terminate and apply the text output convention of sdp.h. */
int mk_tw_finish(mk_tw *w, size_t *outlen);

/* ---- errors ---- */

void mk_sdp_seterr(mikey_sdp_error *perr, int err, size_t offset, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* ---- key-mgmt value and protocol lists (keymgmt.c) ---- */

/* Parse a key-mgmt-att-value; offsets in *perr are relative to v.p. Also
 * validates the base64 and returns its decoded size. */
int mk_sdp_km_value(mk_str v, size_t max_id, mk_str *id, mk_str *b64, size_t *decoded_len, mikey_sdp_error *perr);

/* Split a prtcl-list into at most `cap` ids. MIKEY_ERR_ENCODING if it is not
 * KMPID *(";" KMPID) or has more than `cap` entries. */
int mk_sdp_ids_split(mk_str list, mk_str *ids, size_t cap, size_t *n);

/* ---- the parsed description (parse.c) ---- */

struct mikey_sdp {
    mikey_env env;
    const char *text;
    size_t len;
    mikey_sdp_session sess;
    mikey_sdp_media *media;
    size_t nmedia;
    mikey_sdp_keymgmt *km;
    size_t nkm;
    uint8_t *data; /* decoded key-mgmt data of every attribute, back to back */
    size_t data_len;
    unsigned lenient_used;
};

/* Range [first, first+count) of key-mgmt attributes applying to scope, and
 * the scope they come from (RFC 4567 §3.1). MIKEY_ERR_INVALID_ARG for a bad
 * scope. */
int mk_sdp_scope_range(const mikey_sdp *sdp, int scope, size_t *first, size_t *count, int *from);

#endif /* MIKEY_SDP_INT_H */
