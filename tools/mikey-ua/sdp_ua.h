/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The UA's view of a session description: audio streams (RTP/AVP or
 * RTP/SAVP, G.711 payload types) and the MIKEY data of RFC 4567 a=key-mgmt
 * attributes. Text is produced and parsed by the library
 * (include/openmikey/sdp.h: mikey_sdp_offer_build, mikey_sdp_answer_build,
 * mikey_sdp_parse, mikey_sdp_streams); this file only maps between that
 * API and the flat model the call controller and the MIKEY seam use.
 */
#ifndef MIKEY_UA_SDP_UA_H
#define MIKEY_UA_SDP_UA_H

#include <stddef.h>
#include <stdint.h>

enum { UA_SDP_MAX_STREAMS = 4, UA_SDP_MAX_PTS = 8 };

/** One m= line. */
typedef struct ua_sdp_stream {
    char proto[16];           /**< "RTP/AVP" or "RTP/SAVP" */
    uint16_t port;            /**< 0: refused (RFC 3264 §6) */
    int pts[UA_SDP_MAX_PTS];  /**< payload types, preference order */
    size_t npts;
    char addr[64];            /**< effective connection address (parsed) */
    /** MIKEY message of the a=key-mgmt that keys this stream: when built,
     *  a media-level attribute (owned copy, see ua_sdp_set_km()); when
     *  parsed, the decoded data of the attribute that applies (media level,
     *  else session level; a view valid until ua_sdp_clear()). */
    const uint8_t *km;
    size_t km_len;
    uint8_t *km_owned;
    /** Parsed: where that attribute is (MIKEY_SDP_SESSION = -1, this
     *  stream's index, or MIKEY_SDP_NONE = -2). */
    int km_scope;
} ua_sdp_stream;

/** A session description. */
typedef struct ua_sdp {
    uint64_t sess_id, sess_ver;
    char addr[64];            /**< session-level c= address */
    ua_sdp_stream streams[UA_SDP_MAX_STREAMS];
    size_t nstreams;
    /** Session-level a=key-mgmt:mikey data: when built, emitted at session
     *  level (owned copy, ua_sdp_set_session_km()); when parsed, the decoded
     *  session-level attribute if any (a view). RFC 4567 §3.1: it keys every
     *  secured stream without a media-level attribute of its own. */
    const uint8_t *km;
    size_t km_len;
    uint8_t *km_owned;
    /* parsed descriptions: the library object and the text it points into */
    void *parsed;             /**< mikey_sdp * */
    char *text;
} ua_sdp;

/** Free everything and zero @p s. */
void ua_sdp_clear(ua_sdp *s);

/** Set stream @p i's media-level key-mgmt data (copied; NULL/0 clears). 0 or -1. */
int ua_sdp_set_km(ua_sdp *s, size_t i, const uint8_t *data, size_t len);

/** Set the session-level key-mgmt data (copied; NULL/0 clears). 0 or -1. */
int ua_sdp_set_session_km(ua_sdp *s, const uint8_t *data, size_t len);

/** Build an offer from @p s. The text (malloc'd, NUL-terminated) and its
 *  length; NULL with a message in @p err on failure. */
char *ua_sdp_offer_text(const ua_sdp *s, size_t *len, char *err, size_t errlen);

/** Build the answer to the parsed @p offer: @p ans has one stream per
 *  offered one (port 0 = refused). NULL with a message on failure. */
char *ua_sdp_answer_text(const ua_sdp *offer, const ua_sdp *ans, size_t *len, char *err, size_t errlen);

/** Parse SDP text into @p out (the text is copied). 0, or -1 with a message
 *  in @p err (what the library's parser said, with the line). */
int ua_sdp_parse(const char *text, size_t len, ua_sdp *out, char *err, size_t errlen);

/** rtpmap encoding name of a static payload type we know, or NULL. */
const char *ua_sdp_pt_name(int pt);

#endif
