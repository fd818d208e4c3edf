/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-call report of mikey-ua: one JSON object per call, on one line
 * (JSON Lines), written when the call ends. Delays are microseconds on the
 * monotonic clock; a delay that does not apply to the role is null.
 */
#ifndef MIKEY_UA_REPORT_H
#define MIKEY_UA_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "media.h"
#include "security.h"

typedef struct ua_report {
    const char *role;            /**< "caller" or "callee" */
    const char *call_id;
    const char *peer;
    const char *transport;       /**< "udp", "tcp", "tls" */
    const char *policy;          /**< "off", "preferred", "required" */
    const char *security;        /**< "off" or the MIKEY mode negotiated */
    const char *xform;           /**< media transform: "none", "srtp" */
    const char *codec;           /**< "PCMU", "PCMA" or NULL */
    const char *result;          /**< "ok", "rejected", "failed", "cancelled" */
    unsigned scode;              /**< final SIP status seen (0: none) */
    const char *reason;
    const char *error;           /**< our error, NULL if none */
    int64_t calling_delay_us;    /**< caller: dial -> 180 received; -1: n/a */
    int64_t answering_delay_us;  /**< callee: pick-up (200 sent) -> ACK received; -1: n/a */
    int64_t setup_us;            /**< caller: dial -> 200 received; callee: INVITE -> ACK; -1: n/a */
    int64_t media_ms;            /**< media started -> stopped */
    ua_sec_times mikey;
    ua_sec_info sec;             /**< key management and SRTP of the call */
    int have_media;
    ua_media_stats media;
    const char *record;          /**< recording file or NULL */
    /* re-INVITEs (rekey, device mobility) and REFER (session mobility) */
    unsigned reinv_sent, reinv_ok, reinv_failed;         /**< re-INVITEs we sent: answered 2xx, refused */
    unsigned reinv_received, reinv_accepted, reinv_refused; /**< re-INVITEs the peer sent */
    const char *moved_to;        /**< our new address after --move-to, or NULL */
    const char *transfer_role;   /**< "transferor" (we sent REFER), "transferee" (we got it), or NULL */
    const char *transfer_to;     /**< the Refer-To URI */
    unsigned transfer_status;    /**< the outcome (NOTIFY sipfrag status), 0 if none */
    const char *transfer_call;   /**< transferee: the Call-ID of the new call, or NULL */
    int transferred;             /**< transferee: the session continued in that call */
} ua_report;

/** Write @p r as one JSON line; returns 0 or -1 on a write error. */
int ua_report_write(FILE *f, const ua_report *r);

#endif
