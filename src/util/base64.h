/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict base64 (RFC 4648 §4), shared by src/sdp and anything else that
 * carries MIKEY messages as text. Public wrappers: mikey_base64_* (sdp.h).
 * Not constant time: it handles messages, not keys (tools decoding key
 * files use their own constant-time codec, CONVENTIONS.md 2.2.9).
 */
#ifndef MIKEY_UTIL_BASE64_H
#define MIKEY_UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* 4*ceil(n/3), or SIZE_MAX on overflow. */
size_t mk_b64_encoded_len(size_t n);

/* Write exactly mk_b64_encoded_len(n) characters (no NUL) to out. */
void mk_b64_encode_raw(const uint8_t *in, size_t n, char *out);

/* Validate strict base64 and compute the decoded size. MIKEY_OK, or
 * MIKEY_ERR_ENCODING with *errpos = index of the offending character (len
 * when the input is too short for its padding). */
int mk_b64_check(const char *in, size_t len, size_t *decoded_len, size_t *errpos);

/* Decode input already accepted by mk_b64_check() into out (room for
 * decoded_len bytes). */
void mk_b64_decode_raw(const char *in, size_t len, uint8_t *out);

#endif
