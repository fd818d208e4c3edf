/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading tool input and recognising its format: raw bytes, hex, base64,
 * or SDP / RTSP text carrying key management attributes (RFC 4567).
 */
#ifndef MIKEY_TOOLS_INPUT_H
#define MIKEY_TOOLS_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

typedef enum mkt_fmt { MKT_FMT_AUTO = 0, MKT_FMT_RAW, MKT_FMT_BASE64, MKT_FMT_HEX, MKT_FMT_SDP } mkt_fmt;

/** "auto", "raw", "base64", "hex", "sdp". */
const char *mkt_fmt_name(mkt_fmt f);
/** Parse a format name (not "auto" unless @p allow_auto). Returns 0 or -1. */
int mkt_fmt_parse(const char *s, int allow_auto, mkt_fmt *out);

/**
 * Guess the format of @p p, in this order (documented in docs/mikey.1):
 *  1. SDP: the text contains "a=key-mgmt", or starts with "v=0" (after
 *     leading whitespace), or has a line starting with "KeyMgmt:" (RTSP);
 *  2. hex: only hex digits, whitespace and ':', with an even number of digits;
 *  3. base64: only base64 characters ('A'-'Z' 'a'-'z' '0'-'9' '+' '/' '='),
 *     and whitespace;
 *  4. raw: anything else.
 * Empty or whitespace-only input is reported as raw (callers refuse it).
 */
mkt_fmt mkt_detect_format(const uint8_t *p, size_t n);

/**
 * Read a whole file, or standard input when @p path is NULL or "-".
 * Refuses more than @p max bytes. Returns 0 with a malloc'd buffer (plus a
 * NUL byte after @p *len, not counted), or -1 with a message in @p err.
 */
int mkt_read_input(const char *path, size_t max, uint8_t **buf, size_t *len, char *err, size_t errlen);

/** One key management attribute found in SDP or RTSP text. */
typedef struct mkt_keymgmt {
    char label[48];     /**< "session", "media 1 (audio)", "RTSP KeyMgmt" */
    char proto[32];     /**< the protocol identifier, e.g. "mikey" (truncated if longer) */
    const char *data;   /**< the key management data (a view into the text) */
    size_t data_len;
    size_t data_off;    /**< offset of @c data in the text */
    unsigned line;      /**< 1-based line number */
} mkt_keymgmt;

/**
 * Find every key management attribute: SDP "a=key-mgmt:<prtcl-id> <data>"
 * lines (RFC 4567 §3.1), labelled by their level ("session" before the
 * first m= line, then "media N (<media>)"), and RTSP "KeyMgmt:" headers
 * (RFC 4567 §3.2: prot=<id>; [uri="..";] data="..").
 * Stores at most @p max entries and sets @p *n to the number found (which
 * may exceed @p max). Returns 0, or -1 with @p e filled for a malformed
 * attribute (e.g. no protocol identifier or no data).
 */
int mkt_keymgmt_find(const char *text, size_t len, mkt_keymgmt *out, size_t max, size_t *n, mkt_cerr *e);

#endif
