/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict text codecs for the tools: hex and base64 (RFC 4648 §4).
 *
 * Strict means: a decoder accepts exactly one spelling of each byte string
 * (apart from the separators a caller explicitly allows) and says where and
 * why it refused the rest — bad characters, missing or misplaced '=' padding,
 * data after the padding, non-zero unused bits (RFC 4648 §3.5 lets decoders
 * reject those; we do, so that a message has a single base64 form), an odd
 * number of hex digits. CONVENTIONS.md §2.2.15: "reject bad padding and
 * trailing garbage".
 *
 * These are for message data, which is public; they are not constant time.
 * Key files need constant-time decoding and will get their own functions.
 *
 * Tool helpers use the prefix mkt_ (not the library's mk_) so a static link
 * with libmikey can never clash with an internal library symbol.
 */
#ifndef MIKEY_TOOLS_CODEC_H
#define MIKEY_TOOLS_CODEC_H

#include <stddef.h>
#include <stdint.h>

/** Where and why a text decoder failed. @c pos is a byte offset into the text. */
typedef struct mkt_cerr {
    size_t pos;
    char msg[160];
} mkt_cerr;

/** Hex decoding flags. */
enum {
    /** Allow ASCII whitespace and ':' between bytes (never inside a byte). */
    MKT_HEX_SEPARATORS = 1u << 0
};

/**
 * Decode hex digits (either case) from @p s / @p n into @p out.
 * @p out may be NULL to only validate / size; otherwise it needs
 * mkt_hex_decoded_max(n) bytes. Returns 0, or -1 with @p e filled.
 */
int mkt_hex_decode(const char *s, size_t n, unsigned flags, uint8_t *out, size_t *outlen, mkt_cerr *e);
/** An upper bound of the decoded size of @p n hex characters. */
size_t mkt_hex_decoded_max(size_t n);
/** Write 2*n lowercase hex digits and a NUL into @p out (size 2*n+1). */
void mkt_hex_encode(const uint8_t *p, size_t n, char *out);

/** Base64 decoding flags. */
enum {
    /** Skip ASCII whitespace anywhere (wrapped base64). Everything else is strict. */
    MKT_B64_SKIP_WS = 1u << 0
};

/**
 * Decode standard base64 (RFC 4648 §4, '+' '/' and '=' padding required).
 * @p out may be NULL to only validate; otherwise it needs
 * mkt_b64_decoded_max(n) bytes. Returns 0, or -1 with @p e filled.
 */
int mkt_b64_decode(const char *s, size_t n, unsigned flags, uint8_t *out, size_t *outlen, mkt_cerr *e);
size_t mkt_b64_decoded_max(size_t n);
/** Length of the base64 text for @p n bytes (without the NUL). */
size_t mkt_b64_encoded_len(size_t n);
/** Write the padded base64 of @p p and a NUL into @p out (mkt_b64_encoded_len(n)+1 bytes). */
void mkt_b64_encode(const uint8_t *p, size_t n, char *out);

#endif
