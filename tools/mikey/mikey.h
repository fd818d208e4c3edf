/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private header of the `mikey` command-line tool (wireguard-tools style:
 * main.c dispatches to one cmd_<name>.c per subcommand). The tool uses only
 * the public API (include/openmikey/).
 */
#ifndef MIKEY_TOOL_MIKEY_H
#define MIKEY_TOOL_MIKEY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "openmikey/openmikey.h"

/* Exit codes (docs/mikey.1). */
enum { MKT_EXIT_OK = 0, MKT_EXIT_FAIL = 1, MKT_EXIT_USAGE = 2 };

/* Input size limit for every subcommand (bytes). */
#define MKT_MAX_INPUT (8u << 20)

typedef struct mkt_cmd {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
    const char *summary;               /* one line for `mikey --help` */
    const char *help;                  /* full text for `mikey help <name>` */
} mkt_cmd;

/* "mikey: <cmd>: <message>" on stderr. */
void mkt_err(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A usage error: the message, then "Try 'mikey help <cmd>'."; returns MKT_EXIT_USAGE. */
int mkt_usage_err(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

int mkt_cmd_dump(int argc, char **argv);
int mkt_cmd_encode(int argc, char **argv);
extern const char mkt_dump_help[];
extern const char mkt_encode_help[];

/* Key agreement (cmd_keygen.c, cmd_offer.c, cmd_bench.c). */
int mkt_cmd_keygen(int argc, char **argv);
int mkt_cmd_offer(int argc, char **argv);
int mkt_cmd_answer(int argc, char **argv);
int mkt_cmd_finish(int argc, char **argv);
int mkt_cmd_bench(int argc, char **argv);
extern const char mkt_keygen_help[];
extern const char mkt_offer_help[];
extern const char mkt_answer_help[];
extern const char mkt_finish_help[];
extern const char mkt_bench_help[];

/* An RSA key of @p bits and a certificate (PEM strings, malloc'd): a CA
 * when @p is_ca, otherwise for @p uri (subjectAltName), issued by the CA
 * given as PEM, or self-signed when @p ca_key_pem is NULL. 0 or -1. */
int mkt_keygen_pem(unsigned bits, const char *cn, const char *uri, int is_ca, const char *ca_key_pem,
                   const char *ca_cert_pem, char **key_pem, char **cert_pem);

/* ---- render.c: a parsed message as human-readable text or JSON ---- */

typedef struct mkt_render_opts {
    int json;           /* JSON (docs/json.md) instead of text */
    const char *source; /* where the message came from ("media 1 (audio)"), or NULL */
} mkt_render_opts;

/* Render @p msg, parsed from @p buf / @p len. In JSON mode @p jw receives one
 * object; in text mode @p f receives the lines. */
void mkt_render_msg(const mikey_msg *msg, const uint8_t *buf, size_t len, const mkt_render_opts *o, mkt_jw *jw,
                    FILE *f);

/* "KEMAC (payload 4) at offset 37: field 'Encr data len': <detail> [MIKEY_ERR_LENGTH]" */
void mkt_format_parse_error(const mikey_parse_error *pe, char *out, size_t outlen);

/* ---- names the library does not provide (tool-local, from the IANA registry) ---- */

/* Value name of an SRTP policy parameter (RFC 3830 §6.10.1 and IANA
 * "MIKEY Security Protocol Parameters"), or NULL when not enumerated. */
const char *mkt_srtp_param_value_name(unsigned type, unsigned long value);

#endif
