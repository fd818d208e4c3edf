/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * THE MIKEY SEAM of mikey-ua. The call controller (main.c) calls exactly
 * these functions, at these points of a call, and nothing else touches
 * key management or SRTP:
 *
 *   caller                                   callee
 *   ------                                   ------
 *   ua_sec_new()                             ua_sec_new()
 *   ua_sec_offer(sdp)        -- INVITE -->   ua_sec_answer(offer, answer, &reject)
 *                                              reject.scode != 0: 488/606 (+ body)
 *   ua_sec_finish(answer)    <-- 200 OK --
 *     != 0: the call is ended (ACK+BYE)
 *   ua_sec_media_xform()                     ua_sec_media_xform()
 *   ua_media_start()         <--  ACK  -->   ua_media_start()
 *   ua_sec_free()                            ua_sec_free()
 *
 * Today only the `off` policy is implemented: plain RTP/AVP, identity
 * transform. The TODO(mikey) notes below say which session.h / srtp.h call
 * goes where; the SDP side (a=key-mgmt) is the km fields of sdp_ua.h.
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
 *  values of session.h (1..6); 0 and -1 for unknown. */
int ua_sec_mode_parse(const char *s, int *mode);
const char *ua_sec_mode_name(int mode);

/** Per-process security configuration (identities, credentials, policy). */
typedef struct ua_sec_cfg {
    ua_sec_policy policy;
    int mode;                 /**< mikey_mode for offers (caller) */
    const char *identity;     /**< our URI (IDi/IDr) */
    const char *psk_hex;      /**< PSK / DH-HMAC key, hex */
    const char *key_file;     /**< our RSA key (PEM) */
    const char *cert_file;    /**< our certificate chain (PEM) */
    const char *ca_file;      /**< trusted CAs (PEM) */
    const char *peer_cert_file; /**< the peer's certificate (PKE/RSA-R initiators) */
    const char *srtp_suite;   /**< e.g. "AES_CM_128_HMAC_SHA1_80" */
} ua_sec_cfg;

/** The result of a refused offer (callee). */
typedef struct ua_sec_reject {
    uint16_t scode;           /**< 0: not refused; 488 or 606 */
    char reason[64];
    char *body;               /**< SDP with the MIKEY Error message (malloc'd) or NULL */
    size_t body_len;
} ua_sec_reject;

/** Microseconds spent in each MIKEY step of a call (0 if not run). */
typedef struct ua_sec_times {
    uint64_t offer_us, answer_us, finish_us;
} ua_sec_times;

typedef struct ua_sec ua_sec;

/** Validate @p cfg and load credentials once per process (err filled on failure). */
int ua_sec_global_init(const ua_sec_cfg *cfg, char *err, size_t errlen);
void ua_sec_global_free(void);

/** Per-call state. @p peer_uri: the other party (PSK lookup, IDr). */
int ua_sec_new(ua_sec **out, const ua_sec_cfg *cfg, const char *peer_uri, char *err, size_t errlen);
void ua_sec_free(ua_sec *s);

/**
 * Caller, before the INVITE. @p sdp holds one RTP/AVP stream template
 * (port, payload types) filled by the controller; this function turns it
 * into the offer of the policy: unchanged for `off`; for `preferred` the
 * template becomes an RTP/SAVP stream with a=key-mgmt and a copy of it is
 * appended as the RTP/AVP fallback; for `required` RTP/SAVP only.
 * Returns 0, or -1 with a message in @p err.
 */
int ua_sec_offer(ua_sec *s, ua_sdp *sdp, char *err, size_t errlen);

/**
 * Callee, on the INVITE. Reads the offer, picks the stream to use
 * (*stream, index into the offer), sets the answer's protocol and key-mgmt
 * for it (the controller fills ports and payload types; every other stream
 * is refused with port 0). On refusal returns -1 and fills @p rej (488 Not
 * Acceptable Here when the offer cannot be served under our policy; 606
 * when the peer's MIKEY message is unacceptable (RFC 4567 §4.1.3), with
 * the MIKEY Error message in the body).
 */
int ua_sec_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t *stream, ua_sec_reject *rej);

/**
 * Caller, on the 2xx. Reads the answer; *stream: the accepted stream to
 * use. -1 with @p err: the answer is unacceptable (the controller ends the
 * call with ACK then BYE and reports the error).
 */
int ua_sec_finish(ua_sec *s, const ua_sdp *offer, const ua_sdp *answer, size_t *stream, char *err, size_t errlen);

/** The transform for the media of the chosen stream (identity for RTP/AVP). */
void ua_sec_media_xform(ua_sec *s, ua_media_xform *out);

/** "off", or the MIKEY mode name negotiated, for reports. */
const char *ua_sec_result_name(const ua_sec *s);
/** 1 if the chosen stream is SRTP. */
int ua_sec_is_srtp(const ua_sec *s);
void ua_sec_times_get(const ua_sec *s, ua_sec_times *t);
void ua_sec_reject_clear(ua_sec_reject *r);

#endif
