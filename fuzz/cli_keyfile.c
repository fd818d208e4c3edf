/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz what the `mikey` CLI reads from key and configuration files
 * (tools/mikey/cmd_offer.c's apply()): the configuration file parser
 * (tools/common/conf.c), the constant-time hex decoder of pre-shared keys
 * (tools/common/secret.c), and the credential loaders the CLI hands the
 * files' bytes to (mikey_creds_set_key / add_cert / add_trust /
 * add_peer_cert: PEM with several blocks, or DER).
 *
 * Input: [sel][bytes]
 *   sel % 4 == 0  a configuration file: parsed; its psk / identity settings
 *                 applied the way the CLI applies them
 *   sel % 4 == 1  a pre-shared key file (hex)
 *   sel % 4 == 2  a private key file
 *   sel % 4 == 3  a certificate file (own chain, trust anchor or peer
 *                 certificate by bits 2-3)
 *   sel >> 4      0, or the allocation of the library (1-15) that fails
 * Oracles (abort on violation):
 *  - every parsed setting is well-formed: a non-empty key of letters,
 *    digits, '-' and '_', an argument without blanks or '=', a value without
 *    surrounding blanks, no NUL or newline anywhere, line numbers increasing
 *    and within the file;
 *  - the constant-time hex decoder accepts exactly what a plain reference
 *    decoder (written here) accepts, with the same bytes;
 *  - the credential loaders return a defined error, never crash or leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz_env.h"
#include "openmikey/session.h"
#include "secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static int fd = -1;

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The reference: trim ASCII whitespace, then pairs of hex digits, at most
 * cap bytes. */
static int ref_hex(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    while (n && is_ws((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && is_ws((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int h = hexval((unsigned char)s[i]), l = hexval((unsigned char)s[i + 1]);
        if (h < 0 || l < 0)
            return -1;
        out[i / 2] = (uint8_t)(h << 4 | l);
    }
    *outlen = n / 2;
    return 0;
}

/* The CLI decodes a key into a 256-byte buffer (add_psk_hex). */
static int psk_hex(mikey_creds *c, const char *arg, const char *s, size_t n)
{
    uint8_t key[256], ref[256];
    size_t kl = 0, rl = 0;
    char err[160];
    int rc = mkt_ct_hex_decode(s, n, key, sizeof key, &kl, err, sizeof err);
    int rrc = ref_hex(s, n, ref, sizeof ref, &rl);
    if ((rc == 0) != (rrc == 0) || (rc == 0 && (kl != rl || memcmp(key, ref, kl) != 0)))
        abort();
    if (rc != 0 && (err[0] == '\0' || !memchr(err, 0, sizeof err)))
        abort();
    if (rc == 0 && c)
        (void)mikey_creds_add_psk(c, arg, key, kl);
    return rc;
}

static int blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

static int key_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

static void conf_file(mikey_creds *c, const uint8_t *p, size_t n)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, p, n, 0) != (ssize_t)n)
        abort();
    mkt_conf conf;
    char err[512];
    if (mkt_conf_load(path, &conf, err, sizeof err) != 0) {
        if (conf.n != 0 || conf.items != NULL || err[0] == '\0')
            abort(); /* nothing returned, a reason given */
        return;
    }
    unsigned lines = 1, prev = 0;
    for (size_t i = 0; i < n; i++)
        lines += p[i] == '\n';
    for (size_t i = 0; i < conf.n; i++) {
        const mkt_conf_item *it = &conf.items[i];
        size_t kl = strlen(it->key), vl = strlen(it->value);
        if (kl == 0 || it->line <= prev || it->line > lines)
            abort();
        prev = it->line;
        for (size_t j = 0; j < kl; j++)
            if (!key_char(it->key[j]))
                abort();
        if (it->arg) {
            if (it->arg[0] == '\0')
                abort();
            for (const char *a = it->arg; *a; a++)
                if (blank(*a) || *a == '=' || *a == '\n')
                    abort();
        }
        if (vl && (blank(it->value[0]) || blank(it->value[vl - 1])))
            abort(); /* conf.h: surrounding blanks (space, tab, CR) removed */
        if (strchr(it->value, '\n'))
            abort();
        if (!strcmp(it->key, "psk"))
            (void)psk_hex(c, it->arg, it->value, vl);
        else if (!strcmp(it->key, "identity") || !strcmp(it->key, "id"))
            (void)mikey_creds_set_identity(c, it->value);
    }
    mkt_conf_free(&conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    if (fd < 0) {
        /* One scratch file for the configuration text, unlinked at once and
         * read back through /proc (the parser takes a path). */
        char tmpl[] = "/tmp/fuzz_cli_keyfile.XXXXXX";
        fd = mkstemp(tmpl);
        if (fd < 0)
            abort();
        unlink(tmpl);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    unsigned sel = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    mikey_env env;
    fuzz_env_init(&env, 1, 0);
    mikey_creds *c = NULL;
    if (mikey_creds_new(&env, &c) != MIKEY_OK)
        abort();
    fuzz_env_init(&env, 1, sel >> 4); /* the creds' env copy shares the counters */
    switch (sel % 4) {
    case 0: conf_file(c, p, n); break;
    case 1: (void)psk_hex(c, "sip:bob@b.example", (const char *)p, n); break;
    case 2: {
        int rc = mikey_creds_set_key(c, p, n);
        if (rc != MIKEY_OK && rc != MIKEY_ERR_NOMEM && rc != MIKEY_ERR_ENCODING && rc != MIKEY_ERR_CRYPTO &&
            rc != MIKEY_ERR_INVALID_ARG && rc != MIKEY_ERR_ALGORITHM && rc != MIKEY_ERR_CERT && rc != MIKEY_ERR_LIMIT)
            abort();
        break;
    }
    default: {
        int rc;
        switch ((sel >> 2) & 3) {
        case 0: rc = mikey_creds_add_cert(c, p, n); break;
        case 1: rc = mikey_creds_add_trust(c, p, n); break;
        default: rc = mikey_creds_add_peer_cert(c, "sip:bob@b.example", p, n); break;
        }
        if (rc != MIKEY_OK && rc != MIKEY_ERR_NOMEM && rc != MIKEY_ERR_ENCODING && rc != MIKEY_ERR_CRYPTO &&
            rc != MIKEY_ERR_INVALID_ARG && rc != MIKEY_ERR_CERT && rc != MIKEY_ERR_LIMIT)
            abort();
        break;
    }
    }
    fuzz_env_init(&env, 1, 0);
    mikey_creds_free(c);
    return 0;
}
