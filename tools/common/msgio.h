/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One MIKEY message in and out of a file or a pipe, in the forms the tools
 * share (input.h): raw bytes, base64, hex, or an SDP / RTSP text carrying
 * one a=key-mgmt:mikey attribute (RFC 4567).
 */
#ifndef MIKEY_TOOLS_MSGIO_H
#define MIKEY_TOOLS_MSGIO_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

/**
 * Read one message from @p path (NULL or "-": standard input) in format
 * @p fmt (MKT_FMT_AUTO: detected as mikey dump does). SDP/RTSP text must
 * hold exactly one MIKEY key-mgmt attribute. Returns 0 with a malloc'd
 * buffer, or -1 with "NAME: reason" in @p err.
 */
int mkt_read_message(const char *path, mkt_fmt fmt, size_t max, uint8_t **msg, size_t *len, char *err,
                     size_t errlen);

/**
 * Write @p p as @p fmt (MKT_FMT_BASE64, _HEX: one line; _RAW: the bytes;
 * _SDP: "a=key-mgmt:mikey <base64>" line) to @p path (NULL or "-":
 * standard output, where raw bytes are refused on a terminal). Returns 0,
 * or -1 with a reason in @p err.
 */
int mkt_write_message(const char *path, mkt_fmt fmt, const uint8_t *p, size_t n, char *err, size_t errlen);

/** Parse an output format name: base64, hex, raw, sdp. Returns 0 or -1. */
int mkt_out_fmt_parse(const char *s, mkt_fmt *out);

#endif
