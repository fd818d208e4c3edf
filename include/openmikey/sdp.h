/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file sdp.h
 * @brief SDP carriage of MIKEY (RFC 4567): the `a=key-mgmt` attribute,
 *        the bidding-down protection list ("SDP IDs"), offer/answer helpers
 *        (RFC 3264), the RTSP KeyMgmt header (RFC 4567 §3.2, erratum 2247)
 *        and a strict base64 codec (RFC 4648 §4).
 *
 * Everything here is sans-I/O: text in, text out, no sockets, no files.
 *
 * **Text inputs** are slices: a pointer and a length. Nothing assumes NUL
 * termination and a NUL byte inside SDP text is an error.
 *
 * **Text outputs** (base64, SDP bodies, attribute lines, protocol lists)
 * follow one convention: the function writes the text followed by a NUL
 * byte into @c out (capacity @c cap, counting the NUL). On success
 * @c *outlen is the length of the text *without* the NUL. When @c cap is
 * too small the function returns ::MIKEY_ERR_NOBUF, writes nothing useful,
 * and sets @c *outlen to the capacity needed *including* the NUL (so
 * "call with cap 0, allocate *outlen, call again" works; @c out may be NULL
 * when @c cap is 0).
 *
 * **Views.** A parsed ::mikey_sdp keeps ::mikey_sdp_str views into the
 * caller's SDP text (which must outlive it) and owns the decoded key
 * management data (::mikey_sdp_keymgmt::data, valid until mikey_sdp_free()).
 *
 * Typical use, offerer (MIKEY at session level, bidding-down protected):
 * @code
 *   const char *ids[] = {"mikey"};
 *   char list[64]; size_t n;
 *   mikey_sdp_ids_build(ids, 1, list, sizeof list, &n);      // "mikey"
 *   opts.sdp_ids = list;                                     // session layer adds General Ext "SDP IDs"
 *   mikey_offer(ctx, &opts, msg, sizeof msg, &msglen);
 *   mikey_sdp_km_item km = {"mikey", msg, msglen};
 *   desc.km = &km; desc.nkm = 1;                             // + streams, addresses
 *   mikey_sdp_offer_build(&desc, sdp, sizeof sdp, &sdplen);
 * @endcode
 * Answerer:
 * @code
 *   mikey_sdp_parse(env, text, len, NULL, &offer, &perr);
 *   mikey_sdp_streams(offer, "mikey", info, 8, &ninfo);      // per-stream MIKEY bytes, address, port
 *   mikey_answer(ctx, info[0].mikey.p, info[0].mikey.len, resp, sizeof resp, &resplen);
 *   mikey_msg_parse(env, info[0].mikey.p, info[0].mikey.len, NULL, &m, NULL);
 *   mikey_sdp_ids_check_sdp(m, offer, info[0].km_scope, 0, &verdict);  // RFC 4567 §7
 *   mikey_sdp_answer_build(offer, &ans, sdp, sizeof sdp, &sdplen);
 * @endcode
 * See docs/sdp.md for the choices made where the RFCs leave room.
 */
#ifndef OPENMIKEY_SDP_H
#define OPENMIKEY_SDP_H

#include "common.h"
#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Strict base64 (RFC 4648 §4, the alphabet and padding SDP requires)      */
/* ---------------------------------------------------------------------- */

/** Number of base64 characters (without NUL) for @p len bytes: 4*ceil(len/3).
 *  Returns SIZE_MAX if that does not fit in a size_t. */
MIKEY_EXPORT size_t mikey_base64_encoded_len(size_t len);

/**
 * Encode @p len bytes as padded base64 (RFC 4648 §4) into @p out, followed
 * by a NUL (text output convention above).
 * @return MIKEY_OK; MIKEY_ERR_NOBUF (*outlen = needed capacity incl. NUL);
 *         MIKEY_ERR_INVALID_ARG (NULL @p in with @p len > 0, NULL @p outlen,
 *         NULL @p out with @p cap > 0, or a length that overflows).
 */
MIKEY_EXPORT int mikey_base64_encode(const uint8_t *in, size_t len, char *out, size_t cap, size_t *outlen);

/**
 * Decode strict base64: only the RFC 4648 §4 alphabet (A-Z a-z 0-9 + /),
 * the length must be a multiple of 4, '=' padding only at the end (one or
 * two), the unused bits of the last character must be zero (canonical
 * encoding, RFC 4648 §3.5), and nothing may follow the padding. No
 * whitespace, no line breaks, no URL-safe alphabet. An empty input decodes
 * to zero bytes.
 *
 * The whole input is validated before the capacity is checked, so
 * MIKEY_ERR_NOBUF is only returned for valid input.
 *
 * @param in      the text (not NUL-terminated; @p len characters).
 * @param out     output buffer (may be NULL when @p cap is 0).
 * @param outlen  receives the number of bytes written, or with
 *                MIKEY_ERR_NOBUF the exact number needed.
 * @param errpos  optional: with MIKEY_ERR_ENCODING, the 0-based index in
 *                @p in of the offending character (@p len when the input
 *                ends too early, i.e. missing padding).
 * @return MIKEY_OK, MIKEY_ERR_ENCODING, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                                     size_t *errpos);

/* ---------------------------------------------------------------------- */
/* Common types                                                            */
/* ---------------------------------------------------------------------- */

/** A read-only view of text: @c len bytes at @c p, not NUL-terminated.
 *  Print it with printf("%.*s", (int)s.len, s.p). */
typedef struct mikey_sdp_str {
    const char *p;
    size_t len;
} mikey_sdp_str;

/** Scope value meaning "session level" (otherwise a 0-based m= index). */
#define MIKEY_SDP_SESSION (-1)
/** Scope value meaning "no key-mgmt attribute applies". */
#define MIKEY_SDP_NONE (-2)

/** Media direction attributes (RFC 8866 §6.7, RFC 3264 §5.1). */
enum mikey_sdp_dir {
    MIKEY_SDP_DIR_UNSPEC = 0,   /**< no attribute (defaults to sendrecv); builders emit nothing */
    MIKEY_SDP_DIR_SENDRECV = 1,
    MIKEY_SDP_DIR_SENDONLY = 2,
    MIKEY_SDP_DIR_RECVONLY = 3,
    MIKEY_SDP_DIR_INACTIVE = 4
};

/** "sendrecv", "sendonly", ...; "unspecified" for 0; "unknown" otherwise. Never NULL. */
MIKEY_EXPORT const char *mikey_sdp_dir_name(int dir);

/** Where and why SDP (or RTSP header, or key-mgmt value) parsing failed. */
typedef struct mikey_sdp_error {
    int err;          /**< the ::mikey_err returned */
    size_t offset;    /**< byte offset in the input where the problem is */
    size_t line;      /**< 1-based line number (0 when not line-based) */
    char detail[128]; /**< one sentence: what is wrong */
} mikey_sdp_error;

/* ---------------------------------------------------------------------- */
/* Limits and leniencies                                                   */
/* ---------------------------------------------------------------------- */

/** Caps applied while parsing untrusted SDP. */
typedef struct mikey_sdp_limits {
    size_t max_sdp_len;      /**< whole description, bytes (default 65536) */
    size_t max_line_len;     /**< one line without its line end, bytes (default 32768) */
    size_t max_keymgmt;      /**< a=key-mgmt attributes in the whole description (default 16) */
    size_t max_media;        /**< m= sections (default 32) */
} mikey_sdp_limits;

/** Longest key management protocol identifier accepted anywhere (KMPID has
 *  no length in RFC 4567 §3; the one registered, "mikey", has 5). */
#define MIKEY_SDP_KMPID_MAX 32

/** Fill @p lim with the defaults documented on ::mikey_sdp_limits. */
MIKEY_EXPORT void mikey_sdp_limits_default(mikey_sdp_limits *lim);

/**
 * Named leniencies: deviations from RFC 8866 §9 seen in deployed SDP that
 * do not affect key management. Each is accepted unless
 * ::mikey_sdp_parse_opts::strict is set; mikey_sdp_leniencies() reports the
 * ones a description needed.
 */
enum mikey_sdp_lenient {
    /** Lines of a section out of the RFC 8866 §5 order (e.g. a= before t=,
     *  b= before c=). Which section a line belongs to is never relaxed. */
    MIKEY_SDP_LENIENT_ORDER = 1u << 0,
    /** The last line has no CRLF/LF (RFC 8866 §9 ends every line with CRLF). */
    MIKEY_SDP_LENIENT_NO_FINAL_EOL = 1u << 1,
    /** Empty lines at the very end of the description. */
    MIKEY_SDP_LENIENT_TRAILING_BLANK = 1u << 2,
    /** No t= line (some RTSP servers omit it). */
    MIKEY_SDP_LENIENT_MISSING_TIME = 1u << 3,
    /** A media section with no c= line at either level (RFC 8866 §5.7). */
    MIKEY_SDP_LENIENT_MISSING_CONN = 1u << 4,
    MIKEY_SDP_LENIENT_ALL = 0x1fu
};

/** "order", "no-final-eol", ... for one bit; "unknown" otherwise. Never NULL. */
MIKEY_EXPORT const char *mikey_sdp_lenient_name(unsigned bit);

/** Parse options. Zero-initialised: default limits, leniencies accepted. */
typedef struct mikey_sdp_parse_opts {
    const mikey_sdp_limits *limits; /**< NULL: defaults */
    unsigned strict;                /**< non-zero: refuse every leniency */
} mikey_sdp_parse_opts;

/* ---------------------------------------------------------------------- */
/* Parsed description                                                      */
/* ---------------------------------------------------------------------- */

/** One a=key-mgmt attribute (RFC 4567 §3.1). */
typedef struct mikey_sdp_keymgmt {
    mikey_sdp_str prtcl_id; /**< KMPID, e.g. "mikey" (case-sensitive, RFC 4567 §3) */
    mikey_sdp_str b64;      /**< keymgmt-data as written (base64 text) */
    mikey_span data;        /**< decoded keymgmt-data; owned by the ::mikey_sdp */
    int scope;              /**< MIKEY_SDP_SESSION or the 0-based index of its m= section */
    size_t line;            /**< 1-based line number of the attribute */
    size_t offset;          /**< byte offset of the "a=" */
} mikey_sdp_keymgmt;

/** Session-level fields. Absent fields are empty views (len 0). */
typedef struct mikey_sdp_session {
    mikey_sdp_str username, sess_id, sess_version; /**< o= */
    mikey_sdp_str o_nettype, o_addrtype, o_addr;    /**< o= */
    mikey_sdp_str name;                             /**< s= */
    mikey_sdp_str nettype, addrtype, addr;          /**< session-level c=; @c addr without "/ttl/n" */
    mikey_sdp_str time;                             /**< value of the first t= line, e.g. "0 0" */
    int dir;                                        /**< session-level ::mikey_sdp_dir attribute or UNSPEC */
    size_t km_first, km_count;                      /**< session-level key-mgmt attributes (index range) */
} mikey_sdp_session;

/** One media section (m= line and what follows it). */
typedef struct mikey_sdp_media {
    size_t index;             /**< 0-based m= index */
    mikey_sdp_str media;      /**< "audio", "video", ... */
    uint16_t port;            /**< 0: stream disabled / rejected (RFC 3264 §5.1, §6) */
    unsigned nports;          /**< the "/<number of ports>" value, 1 when absent */
    mikey_sdp_str proto;      /**< "RTP/SAVP", "RTP/AVP", ... */
    mikey_sdp_str fmts;       /**< the format list as written ("98 31"); walk with mikey_sdp_fmt_next() */
    size_t nfmts;             /**< number of formats (>= 1) */
    int secure;               /**< proto is RTP/SAVP or RTP/SAVPF (SRTP) */
    mikey_sdp_str nettype, addrtype, addr; /**< effective connection: the first media-level c=, else the session's */
    int dir;                  /**< effective direction: media attribute, else session's, else SENDRECV */
    /** Where the key-mgmt attributes that apply to this media come from
     *  (RFC 4567 §3.1: media level overrides session level): this media's
     *  index, MIKEY_SDP_SESSION, or MIKEY_SDP_NONE. */
    int km_scope;
    size_t km_first, km_count; /**< those attributes (index range for mikey_sdp_keymgmt_at()) */
    size_t line;               /**< 1-based line number of the m= line */
} mikey_sdp_media;

/** A parsed session description. */
typedef struct mikey_sdp mikey_sdp;

/**
 * Parse one SDP description (RFC 8866; exactly one, RFC 3264 §5).
 *
 * Checked: line syntax (`<letter>=<value>`, CRLF or LF line ends, no NUL or
 * bare CR), known line types only (RFC 8866 §5: others are rejected), the
 * session/media section structure and line order (see
 * ::MIKEY_SDP_LENIENT_ORDER), v=0 first, exactly one o= and s=, the o=, c=,
 * t= and m= field syntax, direction attributes (at most one per section),
 * and every a=key-mgmt attribute (RFC 4567 §3.1 ABNF, strict base64, at most
 * one attribute per protocol id and MIKEY_SDP_IDS_MAX attributes in a
 * section). Other attributes are kept opaque (RFC 8866 §5.13: ignore what is
 * not understood); k= lines are discarded (RFC 8866 §5.12).
 *
 * @param env   allocator source (NULL: defaults); copied.
 * @param text  the description; must outlive @p *out (views point into it).
 * @param opts  NULL: defaults.
 * @param out   receives the new object; free with mikey_sdp_free().
 * @param perr  optional: offset, line and reason on failure.
 * @return MIKEY_OK; MIKEY_ERR_ENCODING (bad SDP text or base64: perr says
 *         where); MIKEY_ERR_VERSION (v= not 0); MIKEY_ERR_TRUNCATED (last
 *         line unterminated, strict mode); MIKEY_ERR_LIMIT (a
 *         ::mikey_sdp_limits cap); MIKEY_ERR_INVALID_ARG; MIKEY_ERR_NOMEM.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_sdp_parse(const mikey_env *env, const char *text, size_t len,
                                                  const mikey_sdp_parse_opts *opts, mikey_sdp **out,
                                                  mikey_sdp_error *perr);

/** Free a parsed description. NULL is allowed. */
MIKEY_EXPORT void mikey_sdp_free(mikey_sdp *sdp);

/** Session-level fields (never NULL for a parsed description). */
MIKEY_EXPORT const mikey_sdp_session *mikey_sdp_session_get(const mikey_sdp *sdp);
/** Number of m= sections. */
MIKEY_EXPORT size_t mikey_sdp_media_count(const mikey_sdp *sdp);
/** Media section @p i, or NULL if out of range. */
MIKEY_EXPORT const mikey_sdp_media *mikey_sdp_media_at(const mikey_sdp *sdp, size_t i);
/** Number of a=key-mgmt attributes (all levels). */
MIKEY_EXPORT size_t mikey_sdp_keymgmt_count(const mikey_sdp *sdp);
/** Key-mgmt attribute @p i in document order, or NULL if out of range. */
MIKEY_EXPORT const mikey_sdp_keymgmt *mikey_sdp_keymgmt_at(const mikey_sdp *sdp, size_t i);
/** Bit mask of ::mikey_sdp_lenient cases the parser had to use. */
MIKEY_EXPORT unsigned mikey_sdp_leniencies(const mikey_sdp *sdp);

/**
 * Find the attribute of protocol @p prtcl_id (NUL-terminated, e.g. "mikey")
 * that applies to @p scope: for MIKEY_SDP_SESSION the session-level ones;
 * for a media index the media-level ones if that section has any, else the
 * session-level ones (RFC 4567 §3.1).
 * @return MIKEY_OK; MIKEY_ERR_NOT_FOUND; MIKEY_ERR_INVALID_ARG (bad scope).
 */
MIKEY_EXPORT int mikey_sdp_keymgmt_find(const mikey_sdp *sdp, int scope, const char *prtcl_id,
                                        const mikey_sdp_keymgmt **out);

/** Walk the formats of @p m: start with *off = 0; MIKEY_ERR_NOT_FOUND at the end. */
MIKEY_EXPORT int mikey_sdp_fmt_next(const mikey_sdp_media *m, size_t *off, mikey_sdp_str *fmt);

/* ---------------------------------------------------------------------- */
/* Per-stream view for the caller (e.g. to create SRTP contexts)           */
/* ---------------------------------------------------------------------- */

/** What one m= line means for keying. Views live as long as the ::mikey_sdp. */
typedef struct mikey_sdp_stream_info {
    size_t index;           /**< m= index */
    mikey_sdp_str media;    /**< "audio", ... */
    mikey_sdp_str proto;
    int secure;             /**< SRTP profile (RTP/SAVP, RTP/SAVPF) */
    int rejected;           /**< port 0 */
    uint16_t port;          /**< the peer's RTP port from this description */
    mikey_sdp_str addrtype; /**< "IP4"/"IP6" of the effective c= line */
    mikey_sdp_str addr;     /**< the peer's address from the effective c= line */
    int dir;                /**< effective ::mikey_sdp_dir */
    /** Index (document order) of the key-mgmt attribute of the requested
     *  protocol that applies, or -1. Only set for secure streams: a
     *  session-level attribute does not key an RTP/AVP stream (RFC 4567 §5.2). */
    int km_index;
    int km_scope;           /**< MIKEY_SDP_SESSION, this index, or MIKEY_SDP_NONE */
    /** The decoded key management message for this stream (empty if none).
     *  Streams under one session-level attribute share the same bytes: one
     *  message, one crypto session bundle. */
    mikey_span mikey;
    /** RFC 4567 §7.1: first of the two consecutive crypto session ids of
     *  this stream within its message (1, 3, 5 ... counting the secure m=
     *  lines the same attribute covers, rejected ones included); 0 if the
     *  stream is not keyed. */
    uint8_t cs_id_first;
} mikey_sdp_stream_info;

/**
 * Describe every m= line of @p sdp for protocol @p prtcl_id (NULL: "mikey").
 * @param out  array of @p cap entries (may be NULL when @p cap is 0).
 * @param n    receives the number of entries written, or with
 *             MIKEY_ERR_NOBUF the number needed (= mikey_sdp_media_count()).
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_streams(const mikey_sdp *sdp, const char *prtcl_id, mikey_sdp_stream_info *out,
                                   size_t cap, size_t *n);

/* ---------------------------------------------------------------------- */
/* The a=key-mgmt attribute on its own                                     */
/* ---------------------------------------------------------------------- */

/**
 * Parse a key-mgmt-att-value (the text after "a=key-mgmt:"):
 * `0*1SP prtcl-id SP keymgmt-data` (RFC 4567 §3.1), prtcl-id = 1*(ALPHA /
 * DIGIT) of at most MIKEY_SDP_KMPID_MAX characters, keymgmt-data non-empty strict base64.
 * Views point into @p value. Use mikey_base64_decode() on @p b64.
 * @return MIKEY_OK, MIKEY_ERR_ENCODING (perr->offset is in @p value),
 *         MIKEY_ERR_LIMIT (prtcl-id too long), MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_keymgmt_parse_value(const char *value, size_t len, mikey_sdp_str *prtcl_id,
                                               mikey_sdp_str *b64, mikey_sdp_error *perr);

/**
 * Emit one attribute line "a=key-mgmt:<prtcl_id> <base64 of data>\r\n"
 * (text output convention). @p prtcl_id is a NUL-terminated KMPID.
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG (bad id, empty data).
 */
MIKEY_EXPORT int mikey_sdp_keymgmt_emit(const char *prtcl_id, const uint8_t *data, size_t len, char *out,
                                        size_t cap, size_t *outlen);

/* ---------------------------------------------------------------------- */
/* Bidding-down protection (RFC 4567 §4.1.4, §7)                           */
/* ---------------------------------------------------------------------- */

/**
 * The protocol list is `prtcl-list = KMPID *(";" KMPID)` (RFC 4567 §4.1.4):
 * the prtcl-ids of the key-mgmt attributes offered, in SDP order, joined by
 * ";" with no spaces. MIKEY carries it, as these exact ASCII bytes (no NUL),
 * in the Data of a General Extension payload of type 1 "SDP IDs" (RFC 3830
 * §6.15, RFC 4567 §7), which the MAC or signature covers.
 *
 * The list that applies to an attribute is the list of its own level: the
 * session-level attributes for a session-level one, the attributes of the
 * media section for a media-level one (the alternatives the answerer chooses
 * from at that level, RFC 4567 §4.1.2). See docs/sdp.md.
 */

/** Most identifiers in one list. */
#define MIKEY_SDP_IDS_MAX 32

/**
 * Join @p n identifiers (NUL-terminated KMPIDs) with ";" (text output
 * convention; the result can be passed as mikey_offer_opts::sdp_ids).
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG (n == 0 or over
 *         MIKEY_SDP_IDS_MAX, an invalid or repeated id).
 */
MIKEY_EXPORT int mikey_sdp_ids_build(const char *const *ids, size_t n, char *out, size_t cap, size_t *outlen);

/**
 * The list of the key-mgmt attributes that apply to @p scope of @p sdp
 * (same resolution as mikey_sdp_keymgmt_find()), text output convention.
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_NOT_FOUND (no attribute
 *         applies), MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_ids_from_sdp(const mikey_sdp *sdp, int scope, char *out, size_t cap, size_t *outlen);

/**
 * Fill @p out as a General Extension payload of type SDP IDs whose Data
 * is a view of @p list (for mikey_msg_append(), which copies it).
 * @return MIKEY_OK, MIKEY_ERR_ENCODING (@p list is not a prtcl-list),
 *         MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_ids_payload(const char *list, size_t len, mikey_payload *out);

/**
 * The Data of the message's SDP IDs General Extension (a view into the
 * message).
 * @return MIKEY_OK; MIKEY_ERR_NOT_FOUND (none); MIKEY_ERR_POLICY (more than
 *         one: ambiguous); MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_ids_get(const mikey_msg *msg, mikey_span *list);

/** Outcome of a bidding-down check. */
enum mikey_sdp_ids_verdict {
    MIKEY_SDP_IDS_MATCH = 0,     /**< the extension lists exactly the SDP's ids, in order */
    MIKEY_SDP_IDS_ABSENT_SINGLE = 1, /**< no extension, and "mikey" was the only protocol offered */
    MIKEY_SDP_IDS_MISSING = 2,   /**< no extension although several protocols were offered (or REQUIRE set) */
    MIKEY_SDP_IDS_STRIPPED = 3,  /**< the SDP lacks protocols the message lists: attributes were removed */
    MIKEY_SDP_IDS_ADDED = 4,     /**< the SDP has protocols the message does not list */
    MIKEY_SDP_IDS_REORDERED = 5, /**< same protocols, different order (preference changed) */
    MIKEY_SDP_IDS_DIFFERENT = 6, /**< the lists differ otherwise */
    MIKEY_SDP_IDS_MALFORMED = 7, /**< the extension's data is not a prtcl-list */
    MIKEY_SDP_IDS_DUPLICATE = 8, /**< more than one SDP IDs extension in the message */
    MIKEY_SDP_IDS_NO_MIKEY = 9   /**< the list does not contain "mikey" itself (RFC 4567 §4.1.4) */
};

/** Name of a verdict ("match", "stripped", ...); "unknown" otherwise. Never NULL. */
MIKEY_EXPORT const char *mikey_sdp_ids_verdict_name(int verdict);

/** Flag for the checks: refuse a message without the extension even when
 *  only "mikey" was offered (RFC 4567 §4.1.4: a single protocol still MUST
 *  authenticate its own identifier). Without it such messages pass with
 *  ::MIKEY_SDP_IDS_ABSENT_SINGLE, because deployed MIKEY senders (and the
 *  RFC 4567 §5.1 example itself) do not add it. */
#define MIKEY_SDP_IDS_REQUIRE 0x1u

/**
 * Check a received MIKEY message's SDP IDs extension against @p expected
 * (a prtcl-list built from the SDP actually received, e.g. by
 * mikey_sdp_ids_from_sdp()). Comparison is byte-exact (ids are
 * case-sensitive). Only meaningful once the message's MAC or signature has
 * verified (mikey_answer() / mikey_finish() succeeded), since that is what
 * protects the extension.
 *
 * @param verdict  optional: receives a ::mikey_sdp_ids_verdict.
 * @return MIKEY_OK (MATCH, or ABSENT_SINGLE without MIKEY_SDP_IDS_REQUIRE);
 *         MIKEY_ERR_POLICY (MISSING, STRIPPED, ADDED, REORDERED, DIFFERENT,
 *         DUPLICATE, NO_MIKEY: reject the offer, RFC 4567 §7);
 *         MIKEY_ERR_ENCODING (MALFORMED extension data, or @p expected is not
 *         a prtcl-list); MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_sdp_ids_check(const mikey_msg *msg, const char *expected, size_t len,
                                                      unsigned flags, int *verdict);

/**
 * mikey_sdp_ids_check() with the list of @p scope of @p sdp (the level the
 * message's key-mgmt attribute was found at: ::mikey_sdp_keymgmt::scope or
 * ::mikey_sdp_stream_info::km_scope).
 * @return as mikey_sdp_ids_check(); MIKEY_ERR_NOT_FOUND if no key-mgmt
 *         attribute applies to @p scope.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_sdp_ids_check_sdp(const mikey_msg *msg, const mikey_sdp *sdp, int scope,
                                                          unsigned flags, int *verdict);

/* ---------------------------------------------------------------------- */
/* Offer / answer builders (RFC 3264 §5-6)                                 */
/* ---------------------------------------------------------------------- */

/** One key-mgmt attribute to emit. @c data is the raw message (base64 is
 *  applied by the builder). */
typedef struct mikey_sdp_km_item {
    const char *prtcl_id; /**< NUL-terminated KMPID, e.g. "mikey" */
    const uint8_t *data;
    size_t len;           /**< > 0 */
} mikey_sdp_km_item;

/** One media stream of an offer. Strings are NUL-terminated and copied into
 *  the output; none may contain CR, LF or NUL, tokens no spaces. */
typedef struct mikey_sdp_stream_desc {
    const char *media;        /**< media type token: "audio", "video", ... */
    uint16_t port;            /**< RTP port; 0 offers the stream disabled (RFC 3264 §5.1) */
    const char *proto;        /**< NULL: "RTP/SAVP" if a key-mgmt attribute applies, else "RTP/AVP" */
    const unsigned *fmts;     /**< RTP payload types 0..127, in preference order */
    size_t nfmts;             /**< >= 1 */
    const char *addr;         /**< media-level c= address; NULL: none (the session's applies) */
    const char *addrtype;     /**< for @c addr; NULL: the session's */
    int dir;                  /**< ::mikey_sdp_dir; UNSPEC: no attribute */
    const char *const *attrs; /**< extra attributes without "a=", e.g. "rtpmap:98 AMR/8000" */
    size_t nattrs;
    const mikey_sdp_km_item *km; /**< media-level key-mgmt attributes, in preference order */
    size_t nkm;
} mikey_sdp_stream_desc;

/** A whole offer. */
typedef struct mikey_sdp_desc {
    const char *username;     /**< o= username; NULL: "-" */
    uint64_t sess_id;         /**< o= sess-id (<= 2^63-1, RFC 3264 §5) */
    uint64_t sess_version;    /**< o= sess-version (< 2^62-1 initially, RFC 3264 §5) */
    const char *addrtype;     /**< "IP4" or "IP6"; NULL: "IP4" */
    const char *origin_addr;  /**< o= address; NULL: @c addr */
    const char *addr;         /**< session-level c= address; NULL: none (every stream then needs one) */
    const char *name;         /**< s=; NULL: "-" (RFC 3264 §5) */
    const char *time;         /**< t= value; NULL: "0 0" (RFC 3264 §5) */
    int dir;                  /**< session-level ::mikey_sdp_dir; UNSPEC: none */
    const char *const *attrs; /**< extra session-level attributes without "a=" */
    size_t nattrs;
    const mikey_sdp_km_item *km; /**< session-level key-mgmt attributes, in preference order */
    size_t nkm;
    const mikey_sdp_stream_desc *streams;
    size_t nstreams;
} mikey_sdp_desc;

/**
 * Write an offer (RFC 3264 §5, RFC 4567 §4.1.2) with CRLF line ends: v=, o=,
 * s=, c=, t=, session attributes, session key-mgmt attributes, then per
 * stream m=, c=, attributes, key-mgmt attributes, direction.
 * Text output convention. The result parses with mikey_sdp_parse() in
 * strict mode.
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG (a bad token or
 *         text, a payload type over 127, no fmts, no connection address for
 *         a stream, a repeated protocol id in one level, more than
 *         MIKEY_SDP_IDS_MAX key-mgmt attributes in one level).
 */
MIKEY_EXPORT int mikey_sdp_offer_build(const mikey_sdp_desc *d, char *out, size_t cap, size_t *outlen);

/** The answer for one offered stream. */
typedef struct mikey_sdp_answer_stream {
    int accept;               /**< 0: reject (port 0, the offer's formats echoed, nothing else; RFC 3264 §6) */
    uint16_t port;            /**< accepted: the local RTP port (non-zero) */
    const unsigned *fmts;     /**< accepted: payload types; NULL/0: echo the offer's list */
    size_t nfmts;
    const char *addr;         /**< media-level c= address; NULL: none */
    int dir;                  /**< ::mikey_sdp_dir; UNSPEC: none */
    const char *const *attrs; /**< extra attributes without "a=" */
    size_t nattrs;
    const mikey_sdp_km_item *km; /**< media-level key-mgmt response(s) */
    size_t nkm;
} mikey_sdp_answer_stream;

/** A whole answer. Media types and protos are taken from the offer. */
typedef struct mikey_sdp_answer_desc {
    const char *username;     /**< NULL: "-" */
    uint64_t sess_id, sess_version;
    const char *addrtype;     /**< NULL: "IP4" */
    const char *origin_addr;  /**< NULL: @c addr */
    const char *addr;         /**< session-level c= address */
    const char *name;         /**< NULL: "-" */
    int dir;
    const char *const *attrs;
    size_t nattrs;
    const mikey_sdp_km_item *km; /**< session-level key-mgmt response(s) */
    size_t nkm;
    const mikey_sdp_answer_stream *streams; /**< exactly one per offered m= line (RFC 3264 §6) */
    size_t nstreams;
} mikey_sdp_answer_desc;

/**
 * Write the answer to @p offer (RFC 3264 §6): one m= line per offered one,
 * same media type and proto, same t= value; a rejected stream gets port 0,
 * the offered formats and no attributes.
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG (stream count
 *         differs from the offer, accepting a stream offered with port 0,
 *         port 0 for an accepted stream, key-mgmt for a rejected stream, and
 *         the mikey_sdp_offer_build() cases).
 */
MIKEY_EXPORT int mikey_sdp_answer_build(const mikey_sdp *offer, const mikey_sdp_answer_desc *a, char *out,
                                        size_t cap, size_t *outlen);

/* ---------------------------------------------------------------------- */
/* RTSP KeyMgmt header (RFC 4567 §3.2 as corrected by erratum 2247)        */
/* ---------------------------------------------------------------------- */

/** One key-mgmt-spec: prot=KMPID [;uri="..."] [;data="base64"]. */
typedef struct mikey_sdp_rtsp_km {
    mikey_sdp_str prot; /**< KMPID */
    mikey_sdp_str uri;  /**< without the quotes; empty if absent */
    mikey_sdp_str data; /**< base64 text without the quotes (validated strictly); empty if absent */
} mikey_sdp_rtsp_km;

/**
 * Parse the value of a KeyMgmt header (after "KeyMgmt:"): one or more
 * key-mgmt-specs separated by ",". Per erratum 2247 (Verified) a spec is
 * "prot" "=" KMPID followed by ";"-introduced parameters "uri" and "data"
 * in any order, each at most once; a trailing ";" and optional whitespace
 * (including line folding) around ";" "," and at the ends are accepted, as
 * in the RFC 4567 §5.3 examples. Parameter names are case-insensitive;
 * unknown parameters are an error.
 * @param out  array of @p cap entries; @p n receives the count (with NOBUF, the count needed).
 * @return MIKEY_OK, MIKEY_ERR_ENCODING, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_sdp_rtsp_keymgmt_parse(const char *value, size_t len, mikey_sdp_rtsp_km *out, size_t cap,
                                              size_t *n, mikey_sdp_error *perr);

/**
 * Emit one KeyMgmt header value: `prot=<prot>; uri="<uri>"; data="<base64>"`
 * (the uri part only when @p uri is non-NULL). Text output convention.
 * @return MIKEY_OK, MIKEY_ERR_NOBUF, MIKEY_ERR_INVALID_ARG (bad prot, a uri
 *         with '"', CR, LF or a control character, empty data).
 */
MIKEY_EXPORT int mikey_sdp_rtsp_keymgmt_emit(const char *prot, const char *uri, const uint8_t *data, size_t len,
                                             char *out, size_t cap, size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_SDP_H */
