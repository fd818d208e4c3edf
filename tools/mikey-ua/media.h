/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Media of mikey-ua: one RTP audio stream (RFC 3550) with G.711 PCMU or
 * PCMA (RFC 3551), 20 ms packets paced by a libre timer from a generated
 * tone or a WAV file, both directions; received audio decoded into a WAV
 * file; RTCP sender/receiver reports on the next port.
 *
 * THE SRTP HOOK. Every outgoing RTP/RTCP packet passes through
 * xform.protect / xform.protect_rtcp just before it is sent, and every
 * incoming one through xform.unprotect / xform.unprotect_rtcp before it is
 * parsed. The default transform is the identity (plain RTP/AVP). The
 * security seam (security.h) installs the SRTP transform of the library
 * (include/openmikey/srtp.h: mikey_srtp_protect / mikey_srtp_unprotect /
 * mikey_srtp_protect_rtcp / mikey_srtp_unprotect_rtcp) keyed from MIKEY.
 * Packets that arrive before ua_media_start() (the peer may start sending
 * before our 200/ACK processing has installed keys) are queued and
 * processed once the stream starts.
 */
#ifndef MIKEY_UA_MEDIA_H
#define MIKEY_UA_MEDIA_H

#include <stddef.h>
#include <stdint.h>

/** Packet transform: SRTP or identity. Each function works in place: @p pkt
 *  holds *len bytes and has room for @p cap; on success it returns 0 and
 *  sets *len to the new length; a negative return drops the packet (for
 *  unprotect: authentication or replay failure). */
typedef struct ua_media_xform {
    const char *name; /**< "none", "srtp", ... (reports) */
    int (*protect)(void *ctx, uint8_t *pkt, size_t *len, size_t cap);
    int (*unprotect)(void *ctx, uint8_t *pkt, size_t *len);
    int (*protect_rtcp)(void *ctx, uint8_t *pkt, size_t *len, size_t cap);
    int (*unprotect_rtcp)(void *ctx, uint8_t *pkt, size_t *len);
    void *ctx;
} ua_media_xform;

/** Room a transform may add to a packet (SRTP tag, MKI, SRTCP index). */
enum { UA_MEDIA_XFORM_MAX_OVERHEAD = 64 };
/** Peer SSRCs tracked in the statistics. */
enum { UA_MEDIA_MAX_SOURCES = 4 };

typedef struct ua_media_cfg {
    const char *laddr;       /**< local IP for RTP/RTCP */
    uint16_t port;           /**< even RTP port; 0: pick a free even pair */
    int pt;                  /**< payload type to send: 0 (PCMU) or 8 (PCMA) */
    unsigned tone_hz;        /**< tone frequency when wav is NULL (integer Hz, 1..3999) */
    int tone_amp;            /**< tone amplitude (1..32767) */
    const int16_t *wav;      /**< source samples, looped (borrowed); NULL: tone */
    size_t wav_n;
    const char *record_path; /**< write received audio here; NULL: do not record */
    const char *cname;       /**< RTCP SDES CNAME */
} ua_media_cfg;

typedef struct ua_media_stats {
    uint32_t ssrc_local, ssrc_remote;
    uint64_t rtp_sent, rtp_bytes_sent;    /**< packets/bytes on the wire */
    uint64_t rtp_recv, rtp_bytes_recv;    /**< datagrams received on the RTP port */
    uint64_t rtp_ok;                      /**< passed unprotect and parsed, from the peer's SSRC */
    uint64_t rtp_unprotect_fail;          /**< dropped by xform.unprotect (SRTP auth/replay) */
    uint64_t rtp_auth_ok;                 /**< passed a non-identity unprotect (SRTP authenticated) */
    uint64_t rtp_malformed, rtp_foreign_ssrc, rtp_late, rtp_queued_dropped;
    int64_t rtp_lost;                     /**< RFC 3550 A.3 cumulative loss */
    uint64_t rtcp_sent, rtcp_recv, rtcp_unprotect_fail, rtcp_sr_recv, rtcp_rr_recv, rtcp_bye_recv;
    uint64_t samples_sent;
    uint64_t samples_recorded;
    uint32_t jitter;                      /**< RFC 3550 A.8, timestamp units */
    /* re-INVITE: mobility */
    uint64_t remote_changes;              /**< ua_media_set_remote() calls that changed the destination */
    uint64_t rtp_recv_old;                /**< datagrams received on the sockets ua_media_rebind() left */
    char remote[80];                      /**< where RTP goes now, "ip:port" ("" before the start) */
    char local[80];                       /**< where RTP is received now, "ip:port" */
    size_t nsources;                      /**< peer SSRCs accepted, in order (session mobility: > 1) */
    struct {
        uint32_t ssrc;
        uint64_t accepted;                /**< packets accepted from it */
        uint64_t first_sample;            /**< recording position of its first sample */
    } sources[UA_MEDIA_MAX_SOURCES];
} ua_media_stats;

typedef struct ua_media ua_media;

/** Bind the RTP and RTCP sockets, prepare the source and the recorder.
 *  0 or -1 with a message in @p err. */
int ua_media_new(ua_media **out, const ua_media_cfg *cfg, char *err, size_t errlen);
uint16_t ua_media_port(const ua_media *m);

/** Our RTP SSRC (random, RFC 3550 §5.1, unless set). */
uint32_t ua_media_ssrc(const ua_media *m);
/** Use @p ssrc for our RTP and RTCP (e.g. the SSRC the MIKEY responder
 *  filled into a placeholder, RFC 3830 §6.1.1). Only before ua_media_start();
 *  0 is ignored. 0 or -1. */
int ua_media_set_ssrc(ua_media *m, uint32_t ssrc);

/** Install the packet transform (the SRTP seam). NULL: identity. */
void ua_media_set_xform(ua_media *m, const ua_media_xform *x);

/** Start sending to @p raddr:@p rport (RTCP to rport + 1) with payload type
 *  @p pt and process what was received so far. 0 or -1. */
int ua_media_start(ua_media *m, const char *raddr, uint16_t rport, int pt);
/** Stop sending (an RTCP BYE goes out), close the recording. */
void ua_media_stop(ua_media *m);
void ua_media_stats_get(const ua_media *m, ua_media_stats *st);
void ua_media_free(ua_media *m);

/* ---- re-INVITE: device and session mobility --------------------------- */

/**
 * Send to @p raddr:@p rport from now on (RTCP to rport + 1): the peer moved
 * (device mobility, thesis §15.2) or another device took the session over
 * (session mobility, §15.1). With @p new_source the next packet from an
 * SSRC other than the current peer's starts a new source (its sequence
 * numbers, loss and jitter are counted afresh, and its audio is appended
 * to the recording where the previous source's ended); without it such
 * packets stay foreign. 0, or -1 (bad address, not started).
 */
int ua_media_set_remote(ua_media *m, const char *raddr, uint16_t rport, int new_source);

/**
 * Session mobility, while another device is being called to take the
 * session over: packets from an SSRC other than the peer's are held (up to
 * 64), not processed, since the new device may start sending before its
 * 200 OK (and its keys) reach us. ua_media_set_remote(new_source = 1)
 * processes them; @p on = 0 drops them (counted as foreign).
 */
void ua_media_hold_new_source(ua_media *m, int on);

/**
 * We moved (device mobility): bind a new RTP/RTCP pair on @p laddr (@p port,
 * 0: a free even pair) and send from it at once. The old pair keeps
 * receiving (make before break) until ua_media_close_old(), so packets the
 * peer sends before it learns the new address are not lost. 0, or -1 with
 * a message in @p err (the old pair stays in use).
 */
int ua_media_rebind(ua_media *m, const char *laddr, uint16_t port, char *err, size_t errlen);
/** Close the pair ua_media_rebind() left. */
void ua_media_close_old(ua_media *m);

#endif
