/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey: inspect and craft MIKEY messages (RFC 3830 and family).
 * A subcommand table in the style of wireguard-tools' wg.c; each
 * subcommand lives in cmd_<name>.c and has its own --help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mikey.h"

static const mkt_cmd cmds[] = {
    {"dump", mkt_cmd_dump, "Decode a MIKEY message (raw, hex, base64, SDP) and show every field, as text or JSON",
     mkt_dump_help},
    {"encode", mkt_cmd_encode, "Build a MIKEY message from the JSON that `mikey dump --json` writes", mkt_encode_help},
    {"keygen", mkt_cmd_keygen, "Make credentials: a pre-shared key, a test CA, an RSA key and certificate",
     mkt_keygen_help},
    {"offer", mkt_cmd_offer, "Start a key agreement (initiator): write the I_MESSAGE, keep the state",
     mkt_offer_help},
    {"answer", mkt_cmd_answer, "Answer an I_MESSAGE (responder): write the R_MESSAGE or an Error message",
     mkt_answer_help},
    {"finish", mkt_cmd_finish, "Complete a key agreement (initiator): check the R_MESSAGE", mkt_finish_help},
    {"bench", mkt_cmd_bench, "Time offer/answer/finish of every mode against the OpenSSL floor",
     mkt_bench_help},
};

#define NCMDS (sizeof cmds / sizeof cmds[0])

void mkt_err(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("mikey: ", stderr);
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int mkt_usage_err(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("mikey: ", stderr);
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (cmd)
        fprintf(stderr, "Try 'mikey help %s'.\n", cmd);
    else
        fputs("Try 'mikey --help'.\n", stderr);
    return MKT_EXIT_USAGE;
}

static void main_help(FILE *f)
{
    fprintf(f,
            "Usage: mikey <command> [options] [arguments]\n"
            "       mikey help [<command>]\n"
            "       mikey --version\n"
            "\n"
            "Inspect and craft MIKEY messages (RFC 3830, 4563, 4650, 4738, 6043, 6267, 6509),\n"
            "and agree SRTP keys with them (PSK, PKE, DH, DH-HMAC, RSA-R, MIKEY-NULL).\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < NCMDS; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f,
            "\n"
            "Exit status: 0 success, 1 bad input (a parse or encoding error, reported\n"
            "on stderr with the payload, offset and reason) or a refused exchange,\n"
            "2 usage error.\n"
            "\n"
            "'mikey help <command>' or 'mikey <command> --help' describes a command;\n"
            "man mikey has the details.\n");
}

static const mkt_cmd *find(const char *name)
{
    for (size_t i = 0; i < NCMDS; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_help(stderr);
        return MKT_EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        main_help(stdout);
        return MKT_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0 || strcmp(a, "version") == 0) {
        printf("mikey (openmikey) %s\n", mikey_version());
        return MKT_EXIT_OK;
    }
    if (strcmp(a, "help") == 0) {
        if (argc == 2) {
            main_help(stdout);
            return MKT_EXIT_OK;
        }
        if (argc > 3)
            return mkt_usage_err("help", "too many arguments");
        const mkt_cmd *c = find(argv[2]);
        if (!c)
            return mkt_usage_err(NULL, "help: unknown command '%s'", argv[2]);
        fputs(c->help, stdout);
        return MKT_EXIT_OK;
    }
    const mkt_cmd *c = find(a);
    if (!c)
        return mkt_usage_err(NULL, "unknown command '%s'", a);
    /* `mikey <cmd> --help` anywhere before "--" */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(c->help, stdout);
            return MKT_EXIT_OK;
        }
    }
    return c->run(argc - 1, argv + 1);
}
