/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * THE MIKEY SEAM of mikey-ua. The call controller (main.c) calls exactly
 * these functions, at these points of a call, and nothing else touches
 * key management or SRTP:
 *
 *   caller                                   callee
 *   ------                                   ------
 *   ua_sec_new(), ua_sec_set_local_ssrc()    ua_sec_new()
 *   ua_sec_offer(sdp)        -- INVITE -->   ua_sec_answer(offer, answer, &reject)
 *                                              reject.scode != 0: 488/606 (+ MIKEY Error in the body)
 *                                              ua_sec_local_ssrc(): the SSRC our media must use
 *   ua_sec_finish(answer)    <-- 200 OK --
 *     != 0: the call is ended (ACK+BYE)
 *   ua_sec_peer_rejected(body) <-- 488/606 (caller: the peer's MIKEY Error, for the report)
 *   ua_sec_media_xform()                     ua_sec_media_xform()
 *   ua_media_start()         <--  ACK  -->   ua_media_start()
 *   ua_sec_free()                            ua_sec_free()
 *
 * Key management: include/openmikey/session.h (one mikey_ctx per call, the
 * credentials, policy and replay cache per process); SDP carriage:
 * sdp_ua.h over include/openmikey/sdp.h (RFC 4567); media protection:
 * include/openmikey/srtp.h, one mikey_srtp session per call keyed with
 * mikey_srtp_stream_from_cs().
 *
 * Crypto sessions (RFC 4567 §7.1: two consecutive CS IDs per SRTP stream):
 * CS 1 keys the caller's RTP (its SSRC in the offer), CS 2 the callee's
 * (SSRC 0 in the offer, filled in by the callee as MIKEY responder, RFC
 * 3830 §6.1.1, which our media then uses). PSK and PKE offers ask for the
 * verification message (V), so every mode has an R_MESSAGE in the 200.
 *
 * Re-INVITEs (security_update.c, "Updates" below): the mikey_ctx stays in
 * the ua_sec after the call is set up; mikey_offer()/mikey_answer() on the
 * established context make/accept an update (RFC 3830 §4.5) carried in a
 * re-INVITE, and the new master keys go to the running SRTP streams with
 * mikey_srtp_add_key() (an MKI lets the receiver pick the key of each
 * packet during the switch): rekeying, device mobility (the same keys,
 * proven by the update) and session mobility (another device of the peer
 * joins the CSB, ua_sec_export_csb() / ua_sec_cfg.join_file).
 */
#ifndef MIKEY_UA_SECURITY_H
#define MIKEY_UA_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#include "media.h"
#include "sdp_ua.h"

/** Security policy of a call (DESIGN.md "The user agent"). */
typedef enum ua_sec_policy {
    UA_SEC_OFF = 0,       /**< RTP/AVP only, no key management */
    UA_SEC_PREFERRED = 1, /**< RTP/SAVP + a=key-mgmt stream, plus an RTP/AVP fallback stream */
    UA_SEC_REQUIRED = 2,  /**< RTP/SAVP + a=key-mgmt only; a peer without MIKEY is refused */
} ua_sec_policy;

const char *ua_sec_policy_name(ua_sec_policy p);
int ua_sec_policy_parse(const char *s, ua_sec_policy *out);

/** Key-agreement mode names as on the command line: "psk", "pke", "dh",
 *  "dhhmac" (or "dh-hmac"), "rsar" (or "rsa-r"), "null" -> mikey_mode
 *  values of session.h (1..6); -1 for unknown. */
int ua_sec_mode_parse(const char *s, int *mode);
const char *ua_sec_mode_name(int mode);

/** Per-process security configuration (identities, credentials, policy).
 *  Strings are borrowed for the life of the process. */
typedef struct ua_sec_cfg {
    ua_sec_policy policy;
    int mode;                 /**< mikey_mode for offers (caller) */
    const char *identity;     /**< our URI (IDi/IDr); NULL: the SAN URI of cert_file, else aor */
    const char *aor;          /**< our SIP address of record (identity fallback) */
    const char *peer_id;      /**< caller: the callee's MIKEY identity; NULL: the SAN of peer_cert_file, else any */
    const char *psk_hex;      /**< PSK / DH-HMAC key for any peer, hex */
    const char *psk_file;     /**< one hex line and/or "URI HEX" lines */
    const char *key_file;     /**< our RSA key (PEM) */
    const char *cert_file;    /**< our certificate chain (PEM) */
    const char *ca_file;      /**< trusted CAs (PEM) */
    const char *peer_cert_file; /**< the peer's certificate (PKE initiators) */
    const char *srtp_suite;   /**< comma list, e.g. "AES_CM_128_HMAC_SHA1_80" */
    const char *accept_modes; /**< comma list of modes accepted as responder; NULL: the library default */
    unsigned dh_group;        /**< OAKLEY group number 5, 1 or 2; 0: 5 */
    int precompute_dh;        /**< keep a DH key pair ready */
    const char *replay_file;  /**< persist the replay cache here; NULL: memory only */
    int km_media_level;       /**< 1: a=key-mgmt at media level; 0: session level (tshark decodes it there) */
    unsigned mki_len;         /**< KV = SPI with an MKI of this length (0: none) */
    const char *join_file;    /**< session mobility: a CSB written by ua_sec_export_csb() that an
                                   INVITE's update message may name (consumed when used) */
    int verbose;              /**< log the library's messages */
} ua_sec_cfg;

/** The result of a refused offer (callee). */
typedef struct ua_sec_reject {
    uint16_t scode;           /**< 0: not refused; 488 or 606 */
    char reason[64];
    char warning[160];        /**< Warning 399 text, "" if none */
    char *body;               /**< SDP with the MIKEY Error message (malloc'd) or NULL */
    size_t body_len;
} ua_sec_reject;

/** Microseconds spent in each MIKEY step of a call (0 if not run), and in
 *  creating the SRTP contexts from the keys. */
typedef struct ua_sec_times {
    uint64_t offer_us, answer_us, finish_us, srtp_us;
} ua_sec_times;

/** SRTP/SRTCP counters of a call (the transform's own view). */
typedef struct ua_sec_srtp_stats {
    uint64_t rtp_protected, rtp_authenticated, rtp_auth_failed, rtp_replayed, rtp_failed;
    uint64_t rtcp_protected, rtcp_authenticated, rtcp_auth_failed, rtcp_replayed, rtcp_failed;
    uint64_t protect_failed;    /**< RTP or RTCP packets our side could not protect (not sent) */
    uint32_t ssrc_out, ssrc_in; /**< 0: any-SSRC template */
    size_t mki_len;
    const char *suite;          /**< e.g. "AES_CM_128_HMAC_SHA1_80", or "other" */
} ua_sec_srtp_stats;

/** SRTP packets per master key (per MKI), for the report. */
typedef struct ua_sec_key_count {
    char mki[12];               /**< hex */
    uint64_t rtp_out, rtp_in;   /**< RTP packets protected / authenticated under it */
} ua_sec_key_count;

enum { UA_SEC_MAX_KEY_COUNTS = 8 };

/** Updates of the CSB carried in re-INVITEs (RFC 3830 §4.5). */
typedef struct ua_sec_update_stats {
    unsigned sent, ok, refused;          /**< MIKEY initiator: update offers sent, completed, refused by the peer */
    unsigned received, accepted, rejected; /**< responder: update offers received, accepted, refused by us */
    unsigned generations;                /**< SRTP key sets installed (1 after the set-up; +1 per new keys) */
    int joined;                          /**< session mobility: the CSB came from a transfer file */
    size_t nkeys;
    ua_sec_key_count keys[UA_SEC_MAX_KEY_COUNTS]; /**< with an MKI only */
} ua_sec_update_stats;

/** What the report says about key management. Strings live with the ua_sec. */
typedef struct ua_sec_info {
    const char *mode;         /**< negotiated mode name, NULL if none */
    uint32_t csb_id;
    const char *peer_id;      /**< authenticated peer identity or NULL */
    size_t ncs;
    const char *sdp_ids;      /**< bidding-down verdict ("match", "absent-single", ...) or NULL */
    int error_code;           /**< RFC 3830 Error no sent or received, -1 if none */
    const char *error_from;   /**< "us" (we sent it) or "peer", NULL if none */
    const char *error;        /**< what went wrong in key management, NULL if nothing */
    int have_srtp;
    ua_sec_srtp_stats srtp;
    ua_sec_update_stats upd;
} ua_sec_info;

typedef struct ua_sec ua_sec;

/** Validate @p cfg and load credentials once per process (err filled on failure). */
int ua_sec_global_init(const ua_sec_cfg *cfg, char *err, size_t errlen);
/** Caller: check that the credentials the offering mode needs are there. */
int ua_sec_check_caller(char *err, size_t errlen);
/** Save the replay cache (if a file is configured); 0 or -1 with a message. */
int ua_sec_global_save(char *err, size_t errlen);
void ua_sec_global_free(void);
/** Between calls: prepare a fresh DH key pair if one was used (the seed
 *  paper's optimisation; outside the measured delays). */
void ua_sec_refill(void);

/** Per-call state. @p peer_uri: the other party's SIP URI (logs). */
int ua_sec_new(ua_sec **out, const ua_sec_cfg *cfg, const char *peer_uri, char *err, size_t errlen);
void ua_sec_free(ua_sec *s);

/** Caller, before ua_sec_offer(): the SSRC our media sends with. */
void ua_sec_set_local_ssrc(ua_sec *s, uint32_t ssrc);

/**
 * Caller, before the INVITE. @p sdp holds one RTP/AVP stream template
 * (port, payload types) filled by the controller; this function turns it
 * into the offer of the policy: unchanged for `off`; for `preferred` the
 * template becomes an RTP/SAVP stream keyed by a=key-mgmt and a copy of it
 * is appended as the RTP/AVP fallback; for `required` RTP/SAVP only.
 * Returns 0, or -1 with a message in @p err.
 */
int ua_sec_offer(ua_sec *s, ua_sdp *sdp, char *err, size_t errlen);

/**
 * Callee, on the INVITE. Reads the offer, picks the stream to use
 * (*stream, index into the offer), sets the answer's protocol and key-mgmt
 * for it (the controller fills ports and payload types; every other stream
 * is refused with port 0). On refusal returns -1 and fills @p rej: 488 Not
 * Acceptable Here (RFC 4567 §4.1.1) when the offer cannot be served under
 * our policy or its MIKEY message failed (bad MAC or signature, replay,
 * unknown peer...), 606 Not Acceptable when our security policy can never
 * accept what the message asks for (mode, algorithms, SRTP policy); with
 * the MIKEY Error message (RFC 3830 §5.1.2) in the body when there is one.
 */
int ua_sec_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t *stream, ua_sec_reject *rej);

/** Callee, after a successful ua_sec_answer(): the SSRC our media must
 *  send with (the one the MIKEY crypto session names), 0: keep ours. */
uint32_t ua_sec_local_ssrc(const ua_sec *s);

/**
 * Caller, on the 2xx. Reads the answer; *stream: the accepted stream to
 * use. -1 with @p err: the answer is unacceptable (the controller ends the
 * call with ACK then BYE and reports the error).
 */
int ua_sec_finish(ua_sec *s, const ua_sdp *offer, const ua_sdp *answer, size_t *stream, char *err, size_t errlen);

/** Caller, on a 488/606 final response (with its SDP body, if any): read
 *  the MIKEY Error message in it (RFC 4567 §4.1.1) for the report. */
void ua_sec_peer_rejected(ua_sec *s, uint16_t scode, const uint8_t *body, size_t len);

/** The transform for the media of the chosen stream (identity for
 *  RTP/AVP, SRTP otherwise). 0, or -1 with @p err (no usable keys). */
int ua_sec_media_xform(ua_sec *s, ua_media_xform *out, char *err, size_t errlen);

/** "off", or the MIKEY mode negotiated, for reports. */
const char *ua_sec_result_name(const ua_sec *s);
/** 1 if the chosen stream is SRTP. */
int ua_sec_is_srtp(const ua_sec *s);
void ua_sec_times_get(const ua_sec *s, ua_sec_times *t);
void ua_sec_info_get(const ua_sec *s, ua_sec_info *info);
void ua_sec_reject_clear(ua_sec_reject *r);

/* ---------------------------------------------------------------------- */
/* Updates in re-INVITEs (security_update.c)                               */
/* ---------------------------------------------------------------------- */

/** What an update offer is for. */
typedef enum ua_sec_update_kind {
    /** New key material (a new TGK, or new DH values): new SRTP master keys. */
    UA_SEC_UPD_REKEY = 1,
    /** Device mobility: prove the CSB without changing the keys: an update
     *  without key material (mikey_offer_opts::keep_keys), in every mode. */
    UA_SEC_UPD_SAME_KEYS = 2,
    /** Session mobility: the same keys (PSK/PKE re-send the CSB's TGK; the
     *  DH modes rekey), offered to another device of the
     *  peer, whose SSRC is a placeholder again (RFC 3830 §6.1.1: the new
     *  device fills in its own). */
    UA_SEC_UPD_NEW_PEER = 3,
} ua_sec_update_kind;

const char *ua_sec_update_kind_name(ua_sec_update_kind k);

/**
 * MIKEY initiator of an established SRTP call: put an update I_MESSAGE
 * (mikey_offer() on the established context: same CSB ID, new T, no RAND;
 * RFC 3830 §4.5) into @p sdp, a re-offer the controller filled (the call's
 * stream at index @p stream, the other m= lines refused with port 0).
 * 0, or -1 with a message in @p err (e.g. a plain call, or we are the
 * responder: only the initiator of a CSB can update it).
 */
int ua_sec_update_offer(ua_sec *s, ua_sdp *sdp, size_t stream, ua_sec_update_kind kind, char *err, size_t errlen);
/** On the 2xx to that re-INVITE: check the R_MESSAGE and install the new
 *  keys (receive and send). -1 with @p err: the call must end. */
int ua_sec_update_finish(ua_sec *s, const ua_sdp *answer, size_t stream, char *err, size_t errlen);
/** The update's re-INVITE was refused (@p body: the SDP with the MIKEY
 *  Error, if any): the old keys stay; recorded for the report. */
void ua_sec_update_refused(ua_sec *s, uint16_t scode, const uint8_t *body, size_t len);

/**
 * Responder: a re-offer of an established call; @p answer is the
 * controller's answer template (our stream at @p stream). An RTP/SAVP
 * stream with a MIKEY update: mikey_answer() on the established context,
 * the R_MESSAGE into @p answer, the new receive key installed at once and
 * the new send key kept for ua_sec_update_acked(). Without key-mgmt the
 * keys stay, but only if the media does not move (@p moved: a new address
 * or port must be proven by an authenticated update, thesis §15.2). -1:
 * refuse with @p rej (488/606, the MIKEY Error in the body).
 */
int ua_sec_update_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t stream, int moved,
                         ua_sec_reject *rej);
/** Responder: the ACK of our 200 arrived, the initiator has the new keys:
 *  send under them from now on. */
void ua_sec_update_acked(ua_sec *s);
/** The peer's RTP SSRC the keys are for (after a session move, the new device's). */
uint32_t ua_sec_peer_ssrc(const ua_sec *s);
/** Session mobility, the device handing the session over: write the
 *  established CSB (mikey_ctx_export(): secrets, mode 0600) to @p path. */
int ua_sec_export_csb(const ua_sec *s, const char *path, char *err, size_t errlen);

#endif
