/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small configuration file format for the tools (docs/cli.md):
 *
 *     # a comment (a line whose first non-blank character is '#')
 *     identity = sip:alice@a.example
 *     psk sip:bob@b.example = 00112233...   (a key, an argument, a value)
 *     suite = AES_CM_128_HMAC_SHA1_80
 *
 * One setting per line: a key (letters, digits, '-'), optionally one
 * argument (no blanks, no '='), '=', and the value: the rest of the line
 * with surrounding blanks removed (it may contain blanks and '='). A key
 * may repeat; meaning and order are the caller's. No quoting, no
 * continuation lines, no includes.
 */
#ifndef MIKEY_TOOLS_CONF_H
#define MIKEY_TOOLS_CONF_H

#include <stddef.h>

typedef struct mkt_conf_item {
    char *key;
    char *arg;   /* NULL when the line has none */
    char *value; /* may be "" */
    unsigned line;
} mkt_conf_item;

typedef struct mkt_conf {
    char *path;
    mkt_conf_item *items;
    size_t n;
} mkt_conf;

/**
 * Read and parse @p path (at most 1 MiB). Returns 0, or -1 with
 * "PATH:LINE: reason" in @p err. Errors never quote a value (it may be
 * a key).
 */
int mkt_conf_load(const char *path, mkt_conf *out, char *err, size_t errlen);

/** Free (and wipe: values may be keys) the parsed file. */
void mkt_conf_free(mkt_conf *c);

#endif
