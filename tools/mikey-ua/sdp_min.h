/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal SDP (RFC 4566) for mikey-ua's offer/answer (RFC 3264): one
 * session with audio streams, each RTP/AVP or RTP/SAVP, static G.711
 * payload types, and the RFC 4567 a=key-mgmt attribute at session or media
 * level.
 *
 * TODO(sdp): replace by the library's include/openmikey/sdp.h
 * (mikey_sdp_*: a=key-mgmt parse/emit, offer/answer helpers) once it lands;
 * only the key-mgmt parts would move, this model of the streams stays.
 */
#ifndef MIKEY_UA_SDP_MIN_H
#define MIKEY_UA_SDP_MIN_H

#include <stddef.h>
#include <stdint.h>

enum { UA_SDP_MAX_STREAMS = 4, UA_SDP_MAX_PTS = 8 };

/** One m= line. */
typedef struct ua_sdp_stream {
    char proto[16];               /**< "RTP/AVP" or "RTP/SAVP" */
    uint16_t port;                /**< 0: stream refused (RFC 3264 §6) */
    int pts[UA_SDP_MAX_PTS];      /**< payload types, in preference order */
    size_t npts;
    char addr[64];                /**< media-level c= address, "" if none */
    char dir[10];                 /**< "sendrecv", "sendonly", "recvonly", "inactive" */
    char *key_mgmt;               /**< media-level a=key-mgmt value (malloc'd) or NULL */
} ua_sdp_stream;

/** A session description. */
typedef struct ua_sdp {
    uint64_t sess_id;
    uint64_t sess_ver;
    char origin_addr[64];         /**< o= address */
    char addr[64];                /**< session-level c= address */
    char *key_mgmt;               /**< session-level a=key-mgmt value (malloc'd) or NULL */
    ua_sdp_stream streams[UA_SDP_MAX_STREAMS];
    size_t nstreams;
} ua_sdp;

/** Release the key-mgmt strings and zero @p s. */
void ua_sdp_clear(ua_sdp *s);

/** Set a key-mgmt value (copied; NULL clears). 0 or -1 (out of memory). */
int ua_sdp_set_key_mgmt(char **slot, const char *value);

/**
 * Print @p s as SDP text (CRLF line ends). Returns the text, malloc'd and
 * NUL-terminated, with its length in @p *len; NULL if out of memory.
 */
char *ua_sdp_print(const ua_sdp *s, size_t *len);

/**
 * Parse SDP text. Unknown lines and attributes are ignored (RFC 4566 §5);
 * malformed v=, c= or m= lines, more than UA_SDP_MAX_STREAMS streams, or
 * lines longer than 64 KiB are refused with a message in @p err.
 * Returns 0 or -1.
 */
int ua_sdp_parse(const char *text, size_t len, ua_sdp *out, char *err, size_t errlen);

/** The connection address of stream @p i (media level, else session level). */
const char *ua_sdp_stream_addr(const ua_sdp *s, size_t i);

/** rtpmap encoding name of a static payload type we know, or NULL. */
const char *ua_sdp_pt_name(int pt);

#endif
