/* SPDX-License-Identifier: BSD-2-Clause */
/* Secrets in the tools; see secret.h. */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void errf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

int mkt_ct_hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
    /* Whitespace only at the ends: its position says nothing about the key. */
    while (n && is_ws((unsigned char)s[0])) {
        s++;
        n--;
    }
    while (n && is_ws((unsigned char)s[n - 1]))
        n--;
    *outlen = 0;
    if (n == 0) {
        errf(err, errlen, "no hex digits");
        return -1;
    }
    if (n % 2) {
        errf(err, errlen, "an odd number of hex digits (%zu)", n);
        return -1;
    }
    if (n / 2 > cap) {
        errf(err, errlen, "%zu bytes: longer than %zu", n / 2, cap);
        return -1;
    }
    /* libsodium's sodium_hex2bin arithmetic: no branch or table lookup
     * depends on a digit's value; bad characters are accumulated. */
    unsigned bad = 0, acc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i];
        unsigned c_num = c ^ 48u;
        unsigned c_num0 = ((c_num - 10u) >> 8) & 0xffu;
        unsigned c_alpha = (c & ~32u) - 55u;
        unsigned c_alpha0 = (((c_alpha - 10u) ^ (c_alpha - 16u)) >> 8) & 0xffu;
        bad |= ((c_num0 | c_alpha0) - 1u) >> 8; /* all-ones when neither matched */
        unsigned v = ((c_num0 & c_num) | (c_alpha0 & c_alpha)) & 0xfu;
        if (i % 2 == 0) {
            acc = v << 4;
        } else {
            out[i / 2] = (uint8_t)(acc | v);
        }
    }
    if (bad & 1u) {
        mkt_wipe(out, n / 2);
        errf(err, errlen, "not a hex string (only 0-9, a-f, A-F and surrounding whitespace are allowed)");
        return -1;
    }
    *outlen = n / 2;
    return 0;
}

void mkt_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void mkt_free_secret(void *p, size_t n)
{
    mkt_wipe(p, n);
    free(p);
}

int mkt_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int mkt_write_file(const char *path, const uint8_t *p, size_t n, int secret, char *err, size_t errlen)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + sizeof ".tmp.XXXXXX");
    if (!tmp) {
        errf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    /* mkstemp creates the file with mode 0600 (POSIX.1-2008). */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        errf(err, errlen, "%s: cannot create a file next to it: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    int rc = 0;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            errf(err, errlen, "%s: write failed: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    if (rc == 0 && !secret) {
        mode_t um = umask(0);
        umask(um);
        if (fchmod(fd, 0644 & ~um) != 0) {
            errf(err, errlen, "%s: chmod failed: %s", path, strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0 && fsync(fd) != 0) {
        errf(err, errlen, "%s: fsync failed: %s", path, strerror(errno));
        rc = -1;
    }
    if (close(fd) != 0 && rc == 0) {
        errf(err, errlen, "%s: close failed: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        errf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
