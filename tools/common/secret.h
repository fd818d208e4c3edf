/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secrets in the tools: pre-shared keys written as hex, decoded in constant
 * time and never echoed (CONVENTIONS.md §2.2.9, wireguard-tools'
 * encoding.c); files that hold secrets (keys, the initiator state of
 * `mikey offer`) written with mode 0600 through a temporary file and a
 * rename, so a reader never sees half a file and no other user can read it.
 */
#ifndef MIKEY_TOOLS_SECRET_H
#define MIKEY_TOOLS_SECRET_H

#include <stddef.h>
#include <stdint.h>

/**
 * Decode hex digits (either case) in constant time with respect to their
 * values: leading and trailing ASCII whitespace is skipped, anything else
 * that is not a hex digit, or an odd number of digits, fails. The error
 * names no position and no character, so a key is never echoed.
 * @p out needs mkt_hex_decoded_max(n) bytes (at most @p cap are written).
 * Returns 0, or -1 with a reason in @p err.
 */
int mkt_ct_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen, char *err, size_t errlen);

/** Wipe @p n bytes in a way the compiler cannot drop (OPENSSL_cleanse). */
void mkt_wipe(void *p, size_t n);

/** Wipe and free a buffer of @p n bytes (NULL allowed). */
void mkt_free_secret(void *p, size_t n);

/**
 * Write @p n bytes to @p path atomically: a temporary file in the same
 * directory (mkstemp: mode 0600), fsync, then rename over @p path. With
 * @p secret the file keeps mode 0600; otherwise it gets 0644 (before
 * umask). Returns 0, or -1 with a message in @p err.
 */
int mkt_write_file(const char *path, const uint8_t *p, size_t n, int secret, char *err, size_t errlen);

/** 1 if @p path exists (any type), 0 if not. */
int mkt_file_exists(const char *path);

#endif
