/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file negotiate.h
 * @brief Negotiation of the key-agreement method (PSK, PKE, DH, ...) and of
 *        the SRTP crypto suite between two parties that each rank what they
 *        support, with capability discovery when the first offer fails.
 *
 * Four layers, each usable on its own (docs/negotiation.md has the design
 * and the RFC reasoning):
 *
 *  1. **Preferences and the rule** (pure functions): a ::mikey_neg_prefs
 *     ranks methods (::mikey_mode values) and suites (::mikey_neg_suite);
 *     mikey_neg_choose() combines the offerer's and the answerer's ranking:
 *     the common method and the common suite with the **lowest sum of the two
 *     ranks**, ties broken by the **answerer's** order. The seed paper's
 *     example (Alice PSK,PKE,DH / CM-80,CM-32; Bob PKE,DH,PSK / CM-32,F8-80)
 *     gives PKE with AES_CM_128_HMAC_SHA1_32.
 *
 *  2. **Capability discovery** (RFC 3830 §5.1.1-5.1.2): an answerer that
 *     finds nothing in common, or whose rule result the offer cannot
 *     deliver, replies with an Error message carrying its suites as SP
 *     payloads (RFC 3830) and its ranked methods and suites in the
 *     negotiation General Extension below; the initiator applies the same
 *     rule and retries once (one extra round trip).
 *
 *  3. **The negotiation General Extension** (EXPERIMENTAL, private-use type
 *     ::MIKEY_NEG_GENEXT_TYPE = 241, RFC 3830 §10: 241-255 are Private Use):
 *     ranked methods and suites plus the position of the message among the
 *     offered alternatives. Inside a MACed or signed message it is integrity
 *     protected. Sent in negotiation Error messages; see docs/negotiation.md
 *     for its use in offers.
 *
 *  4. **Offer and answer helpers**: an initiator object that builds one
 *     offer (the default, RFC 4567 conforming: one `a=key-mgmt:mikey`) or,
 *     opt-in, one I_MESSAGE per ranked method (several `a=key-mgmt:mikey`
 *     attributes in preference order, beyond RFC 4567 §4.1.2 — see the
 *     docs), processes the answer or the Error and retries; an answerer
 *     function that reads every offered message, applies the rule, answers
 *     the chosen one and checks the bidding-down list; and SDP helpers that
 *     write and read several session-level `mikey` attributes (which the
 *     plain sdp.h parser refuses).
 *
 * Sans-I/O like the rest of the library.
 */
#ifndef OPENMIKEY_NEGOTIATE_H
#define OPENMIKEY_NEGOTIATE_H

#include "common.h"
#include "message.h"
#include "sdp.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* SRTP crypto suites                                                      */
/* ---------------------------------------------------------------------- */

/** Crypto suites known to the negotiation (the names of
 *  mikey_srtp_params_suite()). The numbers are also the wire codes of the
 *  negotiation extension. */
enum mikey_neg_suite {
    MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_80 = 1,
    MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32 = 2,
    MIKEY_NEG_SUITE_AES_F8_128_HMAC_SHA1_80 = 3,
    MIKEY_NEG_SUITE_AES_256_CM_HMAC_SHA1_80 = 4,
    MIKEY_NEG_SUITE_AEAD_AES_128_GCM = 5,
    MIKEY_NEG_SUITE_AEAD_AES_256_GCM = 6,
    MIKEY_NEG_SUITE_NULL_HMAC_SHA1_80 = 7
};
/** Highest ::mikey_neg_suite value. */
#define MIKEY_NEG_SUITE_LAST 7

/** "AES_CM_128_HMAC_SHA1_80", ...; "unknown" otherwise. Never NULL. */
MIKEY_EXPORT const char *mikey_neg_suite_name(unsigned suite);
/** The suite named @p name (@p len characters, case-sensitive as in
 *  RFC 4568 / session.h). @return the ::mikey_neg_suite (> 0) or
 *  MIKEY_ERR_NOT_FOUND; MIKEY_ERR_INVALID_ARG for NULL. */
MIKEY_EXPORT int mikey_neg_suite_by_name(const char *name, size_t len);
/** The SP parameters of @p suite (mikey_srtp_params_suite()).
 *  @return MIKEY_OK, MIKEY_ERR_NOT_FOUND, MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_suite_params(unsigned suite, mikey_srtp_params *out);
/** Which suite @p p is, comparing the values in effect (RFC 3711 / RFC 7714
 *  defaults filled in for absent parameters), so an SP payload that omits
 *  defaults is still recognised. @return the ::mikey_neg_suite (> 0),
 *  MIKEY_ERR_NOT_FOUND (not one of the named suites), MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_suite_of(const mikey_srtp_params *p);

/* ---------------------------------------------------------------------- */
/* Preferences                                                             */
/* ---------------------------------------------------------------------- */

#define MIKEY_NEG_MAX_METHODS 6 /**< every ::mikey_mode once */
#define MIKEY_NEG_MAX_SUITES 7  /**< every ::mikey_neg_suite once */

/** A ranking: most preferred first (rank 0), each value at most once, at
 *  least one of each. A plain value type: copy it freely. */
typedef struct mikey_neg_prefs {
    uint8_t methods[MIKEY_NEG_MAX_METHODS]; /**< ::mikey_mode values */
    size_t nmethods;
    uint8_t suites[MIKEY_NEG_MAX_SUITES];   /**< ::mikey_neg_suite values */
    size_t nsuites;
} mikey_neg_prefs;

/** Check a ranking: counts 1..max, known values, no repeats.
 *  @return MIKEY_OK or MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_prefs_check(const mikey_neg_prefs *p);

/** The mode named @p name: "psk", "pke", "dh", "dhhmac" (or "dh-hmac"),
 *  "rsar" (or "rsa-r"), "null" (or "mikey-null"), case-insensitive.
 *  @return the ::mikey_mode (> 0), MIKEY_ERR_NOT_FOUND, MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_method_by_name(const char *name, size_t len);

/**
 * Parse a ranking from two comma-separated lists, most preferred first,
 * e.g. "pke,dh,psk" and "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80"
 * (no spaces). Either may be NULL to leave that half of @p p unchanged.
 * @param errpos optional: with an error, the 0-based offset of the bad
 *        element in the list that failed.
 * @return MIKEY_OK; MIKEY_ERR_ENCODING (empty element, unknown name,
 *         repeated name, too many); MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_neg_prefs_parse(mikey_neg_prefs *p, const char *methods, const char *suites, size_t *errpos);

/** Write "PKE,DH,PSK/AES_CM_128_HMAC_SHA1_32,..." (text output convention
 *  of sdp.h: NUL-terminated, NOBUF sets *outlen to the size incl. NUL). */
MIKEY_EXPORT int mikey_neg_prefs_format(const mikey_neg_prefs *p, char *out, size_t cap, size_t *outlen);

/** Rank (0 = best) of @p mode / @p suite in @p p, or -1 if absent. */
MIKEY_EXPORT int mikey_neg_method_rank(const mikey_neg_prefs *p, unsigned mode);
MIKEY_EXPORT int mikey_neg_suite_rank(const mikey_neg_prefs *p, unsigned suite);

/**
 * Make @p pol accept what @p p ranks: the responder modes become exactly
 * the ranked methods, and every ranked suite missing from the policy's SRTP
 * list is appended (mikey_policy_add_srtp(), in rank order). Call it once
 * on a new policy: the negotiation offers suites by their position in that
 * list.
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOMEM.
 */
MIKEY_EXPORT int mikey_neg_policy_apply(mikey_policy *pol, const mikey_neg_prefs *p);

/** Preferences per peer identity (exact URI match) with a default. */
typedef struct mikey_neg_store mikey_neg_store;

MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_store_new(const mikey_env *env, mikey_neg_store **out);
MIKEY_EXPORT void mikey_neg_store_free(mikey_neg_store *s);
/** Set the ranking for @p peer_uri (NULL: the default). Replaces an earlier one.
 *  @return MIKEY_OK, MIKEY_ERR_INVALID_ARG (bad prefs), MIKEY_ERR_NOMEM. */
MIKEY_EXPORT int mikey_neg_store_set(mikey_neg_store *s, const char *peer_uri, const mikey_neg_prefs *p);
/** The ranking for @p peer_uri, else the default, else NULL. Valid until
 *  the next set/free. */
MIKEY_EXPORT const mikey_neg_prefs *mikey_neg_store_get(const mikey_neg_store *s, const char *peer_uri);

/* ---------------------------------------------------------------------- */
/* The rule                                                                */
/* ---------------------------------------------------------------------- */

/** Bits of ::mikey_neg_result::missing. */
#define MIKEY_NEG_NO_METHOD 0x1u /**< no method in common */
#define MIKEY_NEG_NO_SUITE 0x2u  /**< no suite in common */

/** Outcome of the rule. On failure method/suite are 0 for the missing half. */
typedef struct mikey_neg_result {
    unsigned method;          /**< ::mikey_mode */
    unsigned suite;           /**< ::mikey_neg_suite */
    int method_rank_offerer;  /**< ranks of the chosen values (-1 if none) */
    int method_rank_answerer;
    int suite_rank_offerer;
    int suite_rank_answerer;
    unsigned score;           /**< sum of the four ranks (the quantity minimised) */
    unsigned missing;         /**< MIKEY_NEG_NO_METHOD | MIKEY_NEG_NO_SUITE */
} mikey_neg_result;

/**
 * The rule. Among the methods both rank, take the one with the lowest
 * rank_offerer + rank_answerer; ties go to the answerer's better rank. The
 * same, independently, for suites (any method can carry any suite, so this
 * is also the pair (method, suite) with the lowest sum of the four ranks,
 * ties broken by the answerer's method order, then its suite order).
 * Deterministic: both sides compute the same result from the same rankings.
 *
 * @return MIKEY_OK; MIKEY_ERR_NEGOTIATION (no common method and/or suite:
 *         r->missing says which); MIKEY_ERR_INVALID_ARG (NULL, or a ranking
 *         that fails mikey_neg_prefs_check()).
 */
MIKEY_EXPORT int mikey_neg_choose(const mikey_neg_prefs *offerer, const mikey_neg_prefs *answerer,
                                  mikey_neg_result *r);

/* ---------------------------------------------------------------------- */
/* The negotiation General Extension (EXPERIMENTAL)                        */
/* ---------------------------------------------------------------------- */

/** General Extension type used (RFC 3830 §6.15 / §10: 241-255 Private Use). */
#define MIKEY_NEG_GENEXT_TYPE 241
/** Format version written and the only one read. */
#define MIKEY_NEG_GENEXT_VERSION 1

/**
 * Content of the extension. Wire format (all one byte each):
 * `version(1) | index | count | nmethods | methods... | nsuites | suites...`
 * - in an I_MESSAGE: the initiator's ranking; @c index / @c count = the
 *   position of this message among the offered alternatives (0 / 1 for a
 *   single offer);
 * - in an Error message: the answerer's ranking (index 0, count 1).
 * Unknown method or suite codes are skipped when decoding (a newer peer may
 * know more); repeats, counts over the maxima, a short or long payload and
 * an index not below count are refused.
 */
typedef struct mikey_neg_cap {
    mikey_neg_prefs prefs;
    uint8_t index;
    uint8_t count;
} mikey_neg_cap;

/** Encode (binary output: NOBUF sets *outlen to the size needed). */
MIKEY_EXPORT int mikey_neg_cap_encode(const mikey_neg_cap *cap, uint8_t *out, size_t outcap, size_t *outlen);
/** Decode the Data of an extension. @return MIKEY_OK, MIKEY_ERR_ENCODING
 *  (malformed, or nothing known in a list), MIKEY_ERR_VERSION, MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_cap_decode(const uint8_t *data, size_t len, mikey_neg_cap *out);
/** Find and decode the extension in @p msg. @return MIKEY_OK,
 *  MIKEY_ERR_NOT_FOUND, MIKEY_ERR_POLICY (more than one: ambiguous), or the
 *  decode errors. */
MIKEY_EXPORT int mikey_neg_cap_find(const mikey_msg *msg, mikey_neg_cap *out);

/* ---------------------------------------------------------------------- */
/* What a received I_MESSAGE offers                                        */
/* ---------------------------------------------------------------------- */

/** The negotiable content of one offered I_MESSAGE. Read without
 *  authentication: use it to choose, then authenticate by processing the
 *  chosen message (mikey_answer()). */
typedef struct mikey_neg_offered {
    unsigned method;       /**< from the data type (PSK with a NULL/NULL KEMAC: MIKEY-NULL); 0 if not an offer */
    uint8_t data_type;
    uint32_t csb_id;
    size_t ncs;            /**< crypto sessions in the HDR map */
    /** Suites of the SP payloads the crypto sessions use, in CS order, each
     *  once (an unrecognised SP is left out), followed by those of SP payloads
     *  no crypto session uses (alternatives), in payload order. */
    uint8_t suites[MIKEY_NEG_MAX_SUITES];
    uint8_t policy_nos[MIKEY_NEG_MAX_SUITES]; /**< the SP Policy no of each entry of @c suites */
    size_t nsuites;
    /** Suite every crypto session uses, 0 if they differ or one is unrecognised. */
    unsigned mapped_suite;
    int v;                 /**< HDR V flag (a PSK/PKE response is due) */
    int has_cap;           /**< the negotiation extension was present and decoded */
    mikey_neg_cap cap;
} mikey_neg_offered;

/** Fill @p out from a parsed message. @return MIKEY_OK (also for a message
 *  that is no offer: method 0; an extension of another version is ignored:
 *  has_cap 0), MIKEY_ERR_INVALID_ARG, or MIKEY_ERR_POLICY (two extensions) /
 *  MIKEY_ERR_ENCODING (malformed extension). */
MIKEY_EXPORT int mikey_neg_offered_read(const mikey_msg *msg, mikey_neg_offered *out);

/* ---------------------------------------------------------------------- */
/* Capability discovery (RFC 3830 §5.1.1, §5.1.2)                          */
/* ---------------------------------------------------------------------- */

/**
 * Build the Error message an answerer sends when the offer cannot be taken
 * as is: `HDR(Error; CSB ID and PRF of the offer; #CS 0), T (the offer's,
 * RFC 3830 §5.2), ERR x n, SP x nsuites, GENEXT(241)`. The SP payloads are
 * @p mine's suites in rank order (policy no = rank), as §5.1.1 asks; the
 * extension carries @p mine (methods too). Not authenticated (§5.1.2).
 * @param offer   the parsed I_MESSAGE (its HDR and T are used), or NULL:
 *                CSB ID 0, T from env->now.
 * @param errs    RFC 3830 Error numbers (e.g. MIKEY_E_INVALID_DT for "no
 *                common method", MIKEY_E_INVALID_SPPAR for "no common suite").
 * @return MIKEY_OK, MIKEY_ERR_NOBUF (*outlen = size needed),
 *         MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOMEM, MIKEY_ERR_CALLBACK (no clock).
 */
MIKEY_EXPORT int mikey_neg_error_build(const mikey_env *env, const mikey_msg *offer, const uint8_t *errs, size_t nerrs,
                                       const mikey_neg_prefs *mine, uint8_t *out, size_t cap, size_t *outlen);

/** What a peer's Error message says it supports. */
typedef struct mikey_neg_peer_caps {
    uint32_t csb_id;       /**< the CSB ID the Error names */
    uint8_t errors[8];     /**< Error numbers, in order */
    size_t nerrors;
    mikey_neg_prefs prefs; /**< what it ranks; only the halves below are meaningful */
    int have_methods;      /**< methods known (negotiation extension present) */
    int have_suites;       /**< suites known (extension, else recognised SP payloads in order) */
} mikey_neg_peer_caps;

/** Read an Error message. @return MIKEY_OK; MIKEY_ERR_UNSUPPORTED_MODE (not
 *  an Error message); parse errors; MIKEY_ERR_INVALID_ARG. */
MIKEY_EXPORT int mikey_neg_error_read(const mikey_env *env, const uint8_t *msg, size_t len, mikey_neg_peer_caps *out);

/* ---------------------------------------------------------------------- */
/* Answerer                                                                */
/* ---------------------------------------------------------------------- */

/** Most offered messages considered (one per method). */
#define MIKEY_NEG_MAX_OFFERS MIKEY_NEG_MAX_METHODS

/** ::mikey_neg_decision::action */
enum mikey_neg_action {
    MIKEY_NEG_ANSWERED = 1,  /**< one offer was answered: the context is established */
    MIKEY_NEG_REFUSED = 2,   /**< nothing in common: Error with our capabilities */
    MIKEY_NEG_RETRY = 3      /**< the rule's result is not what the offer delivers: Error with our capabilities, the initiator retries */
};

/** Bits of ::mikey_neg_decision::knew: what the answerer knew of the initiator's ranking. */
#define MIKEY_NEG_KNEW_ORDER 0x1u /**< methods: several offers, their order */
#define MIKEY_NEG_KNEW_CAP 0x2u   /**< methods and suites: the negotiation extension */

typedef struct mikey_neg_decision {
    int action;             /**< ::mikey_neg_action, 0 if processing failed before a decision */
    size_t index;           /**< ANSWERED: 0-based position of the offer answered */
    size_t noffers;         /**< offers read */
    mikey_neg_prefs offerer; /**< the initiator's ranking as the answerer reconstructed it */
    mikey_neg_result rule;  /**< the rule on (offerer, our prefs) */
    unsigned knew;
    int ids_verdict;        /**< ::mikey_sdp_ids_verdict of the bidding-down check, -1 if not run */
} mikey_neg_decision;

/** Answerer configuration. */
typedef struct mikey_neg_answer_cfg {
    const mikey_neg_prefs *prefs; /**< our ranking (required) */
    /** The prtcl-list of the session-level key-mgmt attributes of the SDP
     *  as received (mikey_neg_sdp_list()), e.g. "mikey;mikey": checked
     *  against the answered message's authenticated SDP IDs extension
     *  (RFC 4567 §4.1.4, §7). NULL: no check (not SDP, or checked by the caller). */
    const char *sdp_list;
    unsigned ids_flags;           /**< MIKEY_SDP_IDS_REQUIRE */
    mikey_replay *replay;         /**< shared replay cache for the new context, or NULL */
} mikey_neg_answer_cfg;

/**
 * Answer an offer of @p n alternative I_MESSAGEs (@p offers, the decoded
 * `a=key-mgmt:mikey` data in SDP order; one for a conforming offer).
 *
 * The initiator's ranking is reconstructed from the order of the offers
 * (methods) and from the suites they carry, or from the negotiation
 * extension when the offers carry it. The rule (mikey_neg_choose(), the
 * initiator as offerer) picks a method and a suite:
 *  - nothing in common: Error (Invalid DT and/or Invalid SPpar) with our
 *    capabilities in @p out, MIKEY_ERR_NEGOTIATION, action REFUSED;
 *  - the offer of the chosen method carries the chosen suite: a new context
 *    processes only that message (mikey_answer(), which authenticates it);
 *    then, on the authenticated message, the bidding-down list is checked
 *    against @p cfg->sdp_list and, if it carries the negotiation extension,
 *    its position and method list against the offers actually received
 *    (reordering, stripping or altering an alternative is detected:
 *    MIKEY_ERR_POLICY, the context is discarded and no message is due);
 *    MIKEY_OK with the response (if any) in @p out and the context in
 *    @p *ctx_out (the caller frees it);
 *  - otherwise (the offer cannot deliver the rule's result): Error with our
 *    capabilities, MIKEY_ERR_NEGOTIATION, action RETRY.
 * An offer the session layer refuses returns its error and its Error message
 * (mikey_answer()). With several offers, one that does not parse, is no
 * I_MESSAGE or repeats a method can only be an alteration in transit: the
 * whole offer is refused (MIKEY_ERR_POLICY, no message due). A single
 * unusable offer gets the session layer's error and Error message, except
 * that a malformed or repeated negotiation extension in it is refused with
 * the decode error (MIKEY_ERR_ENCODING / MIKEY_ERR_POLICY, no message); an
 * extension of an unknown version is ignored.
 *
 * @return MIKEY_OK, MIKEY_ERR_NEGOTIATION, MIKEY_ERR_POLICY, any
 *         mikey_answer() error, MIKEY_ERR_LIMIT (n > MIKEY_NEG_MAX_OFFERS),
 *         MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOMEM. With NOBUF nothing changed.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_answer(const mikey_env *env, const mikey_creds *creds,
                                                   const mikey_policy *policy, const mikey_neg_answer_cfg *cfg,
                                                   const mikey_span *offers, size_t n, uint8_t *out, size_t cap,
                                                   size_t *outlen, mikey_neg_decision *d, mikey_ctx **ctx_out);

/* ---------------------------------------------------------------------- */
/* Initiator                                                               */
/* ---------------------------------------------------------------------- */

/** Initiator flag: offer one I_MESSAGE per ranked method (several
 *  `a=key-mgmt:mikey` attributes). Opt-in: RFC 4567 §4.1.2 defines several
 *  attributes for different protocols only, and a strict answerer refuses
 *  the whole description (docs/negotiation.md). */
#define MIKEY_NEG_MULTI 0x1u
/** Initiator flag (EXPERIMENTAL): every offer carries the negotiation
 *  extension (our whole ranking; its position among the alternatives), so
 *  the answerer applies the rule to our full ranking and detects reordered
 *  or altered alternatives. Off by default (a private-use extension;
 *  GStreamer hangs on any General Extension). */
#define MIKEY_NEG_CAP 0x2u

/** Initiator states (mikey_neg_init_state()). */
enum mikey_neg_init_state {
    MIKEY_NEG_INIT_NEW = 0,
    MIKEY_NEG_INIT_OFFERED = 1,
    MIKEY_NEG_INIT_ESTABLISHED = 2,
    MIKEY_NEG_INIT_REFUSED = 3, /**< an Error came back; mikey_neg_init_retry() may follow */
    MIKEY_NEG_INIT_FAILED = 4
};

typedef struct mikey_neg_init mikey_neg_init;

/** @p creds and @p policy are borrowed; the policy's SRTP list must hold
 *  every suite @p mine ranks (mikey_neg_policy_apply()). @p mine is copied. */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_init_new(const mikey_env *env, const mikey_creds *creds,
                                                     const mikey_policy *policy, const mikey_neg_prefs *mine,
                                                     unsigned flags, mikey_neg_init **out);
MIKEY_EXPORT void mikey_neg_init_free(mikey_neg_init *ni);
/** Share a replay cache with the contexts created (borrowed). */
MIKEY_EXPORT int mikey_neg_init_set_replay(mikey_neg_init *ni, mikey_replay *r);

/**
 * Build the offer. Single (default): the best-ranked method for which an
 * offer can be built (credentials present) with the best-ranked suite.
 * MIKEY_NEG_MULTI: one I_MESSAGE per ranked method that can be built, in
 * rank order, each with its own random CSB ID and the V flag set (PSK/PKE:
 * the response tells which one the answerer took), all with the SDP IDs
 * list "mikey;...;mikey" (one per attribute).
 *
 * @p base supplies peer_id, streams (ssrc, roc; srtp_index is replaced by
 * the position of the chosen suite in the policy's list), want_verification
 * (single), mki_len, salt_mode, tgk/psk overrides; its mode, csb_id and
 * sdp_ids are ignored. @p items (capacity @p cap) receive the attributes to
 * emit at session level, in order (prtcl_id "mikey"; data owned by @p ni,
 * valid until the next offer/retry/free).
 *
 * @return MIKEY_OK; MIKEY_ERR_NOBUF (@p cap too small: *n = needed);
 *         MIKEY_ERR_NOT_FOUND (no ranked suite in the policy, or no ranked
 *         method has credentials); MIKEY_ERR_STATE; mikey_offer() errors.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_init_offer(mikey_neg_init *ni, const mikey_offer_opts *base,
                                                       mikey_sdp_km_item *items, size_t cap, size_t *n);

/**
 * Process the MIKEY message of the answer: an R_MESSAGE finishes the offer
 * it answers (matched by CSB ID and response data type; the others are
 * dropped); an Error message naming one of our CSB IDs is read for the
 * peer's capabilities (mikey_neg_init_peer_caps()) and the state becomes
 * REFUSED.
 * @return MIKEY_OK (established); MIKEY_ERR_PEER_ERROR (an Error);
 *         MIKEY_ERR_FIELD (answers none of our offers); mikey_finish()
 *         errors (the offers stay pending); MIKEY_ERR_STATE.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_init_finish(mikey_neg_init *ni, const uint8_t *in, size_t len);

/**
 * After an Error (state REFUSED): apply the rule to our ranking and the
 * capabilities the Error gave (where it gave none, our own remaining
 * ranking stands in: a refused method is dropped) and build one single
 * offer with the result. Allowed once per object (one extra round trip).
 * @return as mikey_neg_init_offer(); MIKEY_ERR_NEGOTIATION (nothing in
 *         common: give up); MIKEY_ERR_STATE (not REFUSED, or already retried).
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_init_retry(mikey_neg_init *ni, const mikey_offer_opts *base,
                                                       mikey_sdp_km_item *items, size_t cap, size_t *n);

MIKEY_EXPORT int mikey_neg_init_state(const mikey_neg_init *ni);
/** Offers built so far: 1, or 2 after a retry (the extra round trip). */
MIKEY_EXPORT unsigned mikey_neg_init_rounds(const mikey_neg_init *ni);
/** The capabilities of the last Error received, or NULL. */
MIKEY_EXPORT const mikey_neg_peer_caps *mikey_neg_init_peer_caps(const mikey_neg_init *ni);
/** The rule result used for the retry (zeroed before one). */
MIKEY_EXPORT const mikey_neg_result *mikey_neg_init_retry_result(const mikey_neg_init *ni);
/** Hand over the established context (the caller frees it); NULL unless ESTABLISHED. */
MIKEY_EXPORT mikey_ctx *mikey_neg_init_take(mikey_neg_init *ni);

/* ---------------------------------------------------------------------- */
/* SDP with several session-level mikey attributes                         */
/* ---------------------------------------------------------------------- */

/**
 * mikey_sdp_offer_build() with the session-level key-mgmt attributes taken
 * from @p km (in order; prtcl-ids may repeat, e.g. several "mikey"); @p d
 * must have no km of its own. Text output convention of sdp.h.
 * @return as mikey_sdp_offer_build().
 */
MIKEY_EXPORT int mikey_neg_sdp_offer_build(const mikey_sdp_desc *d, const mikey_sdp_km_item *km, size_t nkm, char *out,
                                           size_t cap, size_t *outlen);

/** A received description whose session level may hold several
 *  `a=key-mgmt:mikey` attributes. */
typedef struct mikey_neg_sdp mikey_neg_sdp;

/**
 * Parse @p text (which must outlive the object): every session-level
 * key-mgmt attribute is read in order (mikey ones decoded; at most
 * MIKEY_NEG_MAX_OFFERS), then the description with only the first mikey
 * attribute kept is parsed by mikey_sdp_parse() (everything else is
 * validated there; error offsets and lines refer to @p text). Repeated mikey
 * attributes at media level are not supported (the sdp.h parser refuses them).
 * @return MIKEY_OK; mikey_sdp_parse() errors; MIKEY_ERR_LIMIT (too many
 *         mikey attributes); MIKEY_ERR_NOT_FOUND (no session-level mikey
 *         attribute); MIKEY_ERR_INVALID_ARG; MIKEY_ERR_NOMEM.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_neg_sdp_parse(const mikey_env *env, const char *text, size_t len,
                                                      const mikey_sdp_parse_opts *opts, mikey_neg_sdp **out,
                                                      mikey_sdp_error *perr);
MIKEY_EXPORT void mikey_neg_sdp_free(mikey_neg_sdp *s);
/** The decoded session-level mikey messages, in SDP order (owned by @p s). */
MIKEY_EXPORT const mikey_span *mikey_neg_sdp_offers(const mikey_neg_sdp *s, size_t *n);
/** The session-level prtcl-list as received ("mikey;mikey"), NUL-terminated. */
MIKEY_EXPORT const char *mikey_neg_sdp_list(const mikey_neg_sdp *s);
/**
 * The description with only mikey attribute @p i kept at session level
 * (for mikey_sdp_streams() and mikey_sdp_answer_build()); replaces the
 * previous selection (views into it become invalid).
 * @return MIKEY_OK, MIKEY_ERR_NOT_FOUND (@p i out of range), parse errors, MIKEY_ERR_NOMEM.
 */
MIKEY_EXPORT int mikey_neg_sdp_select(mikey_neg_sdp *s, size_t i, const mikey_sdp **sdp);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_NEGOTIATE_H */
