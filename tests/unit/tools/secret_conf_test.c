/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tools/common/secret.c, conf.c, msgio.c: constant-time hex keys (every
 * byte value against a table computed here with sprintf, every non-hex
 * character refused, errors that do not echo the key), atomic files with
 * mode 0600 / 0644, the configuration file format (docs/cli.md), and one
 * message through every output format and back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "conf.h"
#include "msgio.h"
#include "mt.h"
#include "secret.h"

static void test_ct_hex_all_bytes(void)
{
    /* 256 bytes written by sprintf (an independent encoder), both cases. */
    char hex[513], upper[513];
    for (int i = 0; i < 256; i++) {
        snprintf(hex + 2 * i, 3, "%02x", i);
        snprintf(upper + 2 * i, 3, "%02X", i);
    }
    uint8_t out[256], want[256];
    for (int i = 0; i < 256; i++)
        want[i] = (uint8_t)i;
    size_t n = 0;
    char err[160];
    MT_EQ_INT(mkt_ct_hex_decode(hex, 512, out, sizeof out, &n, err, sizeof err), 0);
    MT_MEMEQ(out, n, want, 256);
    MT_EQ_INT(mkt_ct_hex_decode(upper, 512, out, sizeof out, &n, err, sizeof err), 0);
    MT_MEMEQ(out, n, want, 256);
    /* surrounding whitespace, as in a file written with a newline */
    const char *ws = " \t00ff7a\r\n";
    MT_EQ_INT(mkt_ct_hex_decode(ws, strlen(ws), out, sizeof out, &n, err, sizeof err), 0);
    MT_MEMEQ(out, n, "\x00\xff\x7a", 3);
}

static void test_ct_hex_refusals(void)
{
    uint8_t out[64];
    size_t n = 99;
    char err[160];
    /* every character that is not a hex digit, in the middle of a key */
    for (int c = 0; c < 256; c++) {
        int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        char s[8] = {'a', 'b', (char)c, 'd', 'e', 'f', 0, 0};
        int rc = mkt_ct_hex_decode(s, 6, out, sizeof out, &n, err, sizeof err);
        if (rc != (ok ? 0 : -1))
            mt_fail(__FILE__, __LINE__, "character 0x%02x: rc %d", c, rc);
        if (!ok && n != 0)
            mt_fail(__FILE__, __LINE__, "character 0x%02x: output length %zu on failure", c, n);
    }
    MT_EQ_INT(mkt_ct_hex_decode("abc", 3, out, sizeof out, &n, err, sizeof err), -1);
    MT_CHECK(strstr(err, "odd") != NULL);
    MT_EQ_INT(mkt_ct_hex_decode("  \n", 3, out, sizeof out, &n, err, sizeof err), -1);
    MT_EQ_INT(mkt_ct_hex_decode("00 11", 5, out, sizeof out, &n, err, sizeof err), -1); /* blanks inside */
    MT_EQ_INT(mkt_ct_hex_decode("0011", 4, out, 1, &n, err, sizeof err), -1);           /* too long */
    /* the error never quotes the key */
    const char *key = "0123456789abcdefQQ";
    MT_EQ_INT(mkt_ct_hex_decode(key, strlen(key), out, sizeof out, &n, err, sizeof err), -1);
    MT_CHECK(strstr(err, "0123") == NULL && strstr(err, "QQ") == NULL);
}

static char tmpdir[256];

static void test_write_file_modes(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/secret", tmpdir);
    char err[512];
    mode_t um = umask(022);
    MT_EQ_INT(mkt_write_file(path, (const uint8_t *)"k1", 2, 1, err, sizeof err), 0);
    struct stat st;
    MT_EQ_INT(stat(path, &st), 0);
    MT_EQ_INT(st.st_mode & 0777, 0600);
    /* rewriting keeps the mode and replaces the content */
    MT_EQ_INT(mkt_write_file(path, (const uint8_t *)"key2", 4, 1, err, sizeof err), 0);
    MT_EQ_INT(stat(path, &st), 0);
    MT_EQ_INT(st.st_mode & 0777, 0600);
    MT_EQ_INT(st.st_size, 4);
    snprintf(path, sizeof path, "%s/public", tmpdir);
    MT_EQ_INT(mkt_write_file(path, (const uint8_t *)"x", 1, 0, err, sizeof err), 0);
    MT_EQ_INT(stat(path, &st), 0);
    MT_EQ_INT(st.st_mode & 0777, 0644);
    umask(um);
    MT_CHECK(mkt_file_exists(path));
    /* an unwritable place: an error naming the file, no temporary left */
    MT_EQ_INT(mkt_write_file("/nonexistent-dir/x", (const uint8_t *)"x", 1, 1, err, sizeof err), -1);
    MT_CHECK(strstr(err, "/nonexistent-dir/x") != NULL);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    MT_REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void test_conf(void)
{
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/a.conf", tmpdir);
    write_text(path, "# a comment\n"
                     "\n"
                     "id = sip:alice@a.example\n"
                     "   psk   sip:bob@b.example =  00112233  \r\n"
                     "suite=AES_CM_128_HMAC_SHA1_80\n"
                     "note = a value = with = signs\n"
                     "empty =\n"
                     "  # indented comment\n"
                     "last = no newline");
    mkt_conf c;
    MT_EQ_INT(mkt_conf_load(path, &c, err, sizeof err), 0);
    MT_EQ_INT(c.n, 6);
    if (c.n == 6) {
        MT_EQ_STR(c.items[0].key, "id");
        MT_CHECK(c.items[0].arg == NULL);
        MT_EQ_STR(c.items[0].value, "sip:alice@a.example");
        MT_EQ_INT(c.items[0].line, 3);
        MT_EQ_STR(c.items[1].key, "psk");
        MT_EQ_STR(c.items[1].arg, "sip:bob@b.example");
        MT_EQ_STR(c.items[1].value, "00112233");
        MT_EQ_STR(c.items[2].value, "AES_CM_128_HMAC_SHA1_80");
        MT_EQ_STR(c.items[3].value, "a value = with = signs");
        MT_EQ_STR(c.items[4].value, "");
        MT_EQ_STR(c.items[5].value, "no newline");
        MT_EQ_INT(c.items[5].line, 9);
    }
    mkt_conf_free(&c);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"id sip:x\n", ":1: expected '=' after 'id sip:x'"},
        {"ok = 1\n= value\n", ":2: expected a setting name"},
        {"psk a b = 1\n", ":1: expected '=' after 'psk a'"},
        {"x = 1\n\xff = 2\n", ":2: expected a setting name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text(path, bad[i].text);
        err[0] = 0;
        MT_EQ_INT(mkt_conf_load(path, &c, err, sizeof err), -1);
        if (!strstr(err, bad[i].want))
            mt_fail(__FILE__, __LINE__, "case %zu: error '%s' lacks '%s'", i, err, bad[i].want);
    }
    /* a NUL byte in a line */
    FILE *f = fopen(path, "wb");
    MT_REQUIRE(f != NULL);
    fwrite("a = b\0c\n", 1, 8, f);
    fclose(f);
    MT_EQ_INT(mkt_conf_load(path, &c, err, sizeof err), -1);
    MT_CHECK(strstr(err, ":1: a NUL byte") != NULL);
    /* missing file, stdin */
    snprintf(path, sizeof path, "%s/missing.conf", tmpdir);
    MT_EQ_INT(mkt_conf_load(path, &c, err, sizeof err), -1);
    MT_CHECK(strstr(err, "missing.conf") != NULL);
    MT_EQ_INT(mkt_conf_load("-", &c, err, sizeof err), -1);
}

static void test_msgio_round_trip(void)
{
    /* The Axis camera sample (tests/golden/wire-corpus.txt) in every form. */
    static const char b64[] = "AQAFAJy5yWQBAABpbxJIAAAAAAsA7h7wcVt3bEgKEBTiXX9BnS8aH1LdCb0NcUEBAAAAFQABAQEBEAIBAQMBCgcBA"
                              "QgBAQoBAQAAACIAIAAeO741gC1/tzaOFlwe89iZTkduk6SfjkL+dWJJDI8aAA==";
    uint8_t msg[200];
    size_t mlen = 0;
    mkt_cerr ce;
    MT_REQUIRE(mkt_b64_decode(b64, strlen(b64), 0, msg, &mlen, &ce) == 0);
    static const mkt_fmt fmts[] = {MKT_FMT_BASE64, MKT_FMT_HEX, MKT_FMT_RAW, MKT_FMT_SDP};
    for (size_t i = 0; i < 4; i++) {
        char path[300], err[512];
        snprintf(path, sizeof path, "%s/msg.%zu", tmpdir, i);
        MT_EQ_INT(mkt_write_message(path, fmts[i], msg, mlen, err, sizeof err), 0);
        for (int forced = 0; forced < 2; forced++) {
            uint8_t *back = NULL;
            size_t blen = 0;
            MT_EQ_INT(mkt_read_message(path, forced ? fmts[i] : MKT_FMT_AUTO, 1u << 20, &back, &blen, err, sizeof err),
                      0);
            MT_MEMEQ(back, blen, msg, mlen);
            free(back);
        }
    }
    char path[300], err[512];
    uint8_t *back = NULL;
    size_t blen = 0;
    snprintf(path, sizeof path, "%s/two.sdp", tmpdir);
    write_text(path, "v=0\na=key-mgmt:mikey AQAF\nm=audio 1 RTP/SAVP 0\na=key-mgmt:mikey AQAF\n");
    MT_EQ_INT(mkt_read_message(path, MKT_FMT_AUTO, 1u << 20, &back, &blen, err, sizeof err), -1);
    MT_CHECK(strstr(err, "more than one") != NULL);
    write_text(path, "v=0\na=key-mgmt:other AQAF\n");
    MT_EQ_INT(mkt_read_message(path, MKT_FMT_AUTO, 1u << 20, &back, &blen, err, sizeof err), -1);
    MT_CHECK(strstr(err, "no a=key-mgmt:mikey") != NULL);
    write_text(path, "");
    MT_EQ_INT(mkt_read_message(path, MKT_FMT_AUTO, 1u << 20, &back, &blen, err, sizeof err), -1);
    MT_CHECK(strstr(err, "empty") != NULL);
    write_text(path, "AQAF=\n");
    MT_EQ_INT(mkt_read_message(path, MKT_FMT_AUTO, 1u << 20, &back, &blen, err, sizeof err), -1);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mkt-secret-test.XXXXXX");
    if (!mkdtemp(tmpdir))
        abort();
}

static void teardown(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

static void test_all(void)
{
    setup();
    test_ct_hex_all_bytes();
    test_ct_hex_refusals();
    test_write_file_modes();
    test_conf();
    test_msgio_round_trip();
    teardown();
}

MT_MAIN(test_all)
