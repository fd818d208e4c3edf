/* SPDX-License-Identifier: BSD-2-Clause */
/* One MIKEY message in and out; see msgio.h. */
#include "msgio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "secret.h"

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

static int ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int mkt_out_fmt_parse(const char *s, mkt_fmt *out)
{
    if (mkt_fmt_parse(s, 0, out) != 0)
        return -1;
    return 0;
}

#define MAX_ATTRS 64

int mkt_read_message(const char *path, mkt_fmt fmt, size_t max, uint8_t **msg, size_t *len, char *err,
                     size_t errlen)
{
    const char *name = !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
    uint8_t *in = NULL, *out = NULL;
    size_t n = 0;
    mkt_cerr ce;
    *msg = NULL;
    *len = 0;
    if (mkt_read_input(path, max, &in, &n, err, errlen))
        return -1;
    if (n == 0) {
        errf(err, errlen, "%s: empty input", name);
        free(in);
        return -1;
    }
    int detected = fmt == MKT_FMT_AUTO;
    if (detected)
        fmt = mkt_detect_format(in, n);
    const char *how = detected ? " (format detected automatically; use --in to choose another)" : "";
    int rc = -1;
    switch (fmt) {
    case MKT_FMT_RAW:
        *msg = in;
        *len = n;
        return 0;
    case MKT_FMT_HEX:
    case MKT_FMT_BASE64: {
        size_t cap = fmt == MKT_FMT_HEX ? mkt_hex_decoded_max(n) : mkt_b64_decoded_max(n);
        if (!(out = malloc(cap ? cap : 1))) {
            errf(err, errlen, "%s: out of memory", name);
            break;
        }
        int d = fmt == MKT_FMT_HEX ? mkt_hex_decode((const char *)in, n, MKT_HEX_SEPARATORS, out, len, &ce)
                                   : mkt_b64_decode((const char *)in, n, MKT_B64_SKIP_WS, out, len, &ce);
        if (d) {
            errf(err, errlen, "%s: %s%s", name, ce.msg, how);
            break;
        }
        rc = 0;
        break;
    }
    case MKT_FMT_SDP: {
        mkt_keymgmt km[MAX_ATTRS];
        size_t nkm = 0, found = 0, which = 0;
        if (mkt_keymgmt_find((const char *)in, n, km, MAX_ATTRS, &nkm, &ce)) {
            errf(err, errlen, "%s: %s", name, ce.msg);
            break;
        }
        for (size_t k = 0; k < nkm && k < MAX_ATTRS; k++)
            if (ci_eq(km[k].proto, "mikey") && found++ == 0)
                which = k;
        if (found != 1) {
            errf(err, errlen, "%s: %s", name,
                 found ? "more than one a=key-mgmt:mikey attribute (give the one message to use)"
                       : "no a=key-mgmt:mikey attribute");
            break;
        }
        if (!(out = malloc(mkt_b64_decoded_max(km[which].data_len) + 1))) {
            errf(err, errlen, "%s: out of memory", name);
            break;
        }
        /* RFC 4567 §3.1: the key-mgmt data is one base64 token. */
        if (mkt_b64_decode(km[which].data, km[which].data_len, 0, out, len, &ce)) {
            errf(err, errlen, "%s: %s (line %u): key-mgmt data: %s", name, km[which].label, km[which].line, ce.msg);
            break;
        }
        rc = 0;
        break;
    }
    default:
        errf(err, errlen, "%s: unknown input format", name);
        break;
    }
    free(in);
    if (rc) {
        free(out);
        *len = 0;
        return -1;
    }
    *msg = out;
    return 0;
}

int mkt_write_message(const char *path, mkt_fmt fmt, const uint8_t *p, size_t n, char *err, size_t errlen)
{
    int to_stdout = !path || strcmp(path, "-") == 0;
    char *t = NULL;
    const uint8_t *data = p;
    size_t dlen = n;
    if (fmt != MKT_FMT_RAW) {
        size_t tl = fmt == MKT_FMT_HEX ? 2 * n : mkt_b64_encoded_len(n);
        const char *pre = fmt == MKT_FMT_SDP ? "a=key-mgmt:mikey " : "";
        size_t pl = strlen(pre);
        if (!(t = malloc(pl + tl + 2))) {
            errf(err, errlen, "out of memory");
            return -1;
        }
        memcpy(t, pre, pl);
        if (fmt == MKT_FMT_HEX)
            mkt_hex_encode(p, n, t + pl);
        else
            mkt_b64_encode(p, n, t + pl);
        /* RFC 4567 §3.1 SDP lines end in CRLF on the wire; a file or a
         * terminal gets LF, as `mikey encode --out sdp` writes. */
        t[pl + tl] = '\n';
        t[pl + tl + 1] = '\0';
        data = (const uint8_t *)t;
        dlen = pl + tl + 1;
    }
    int rc = 0;
    if (to_stdout) {
        if (fmt == MKT_FMT_RAW && isatty(STDOUT_FILENO)) {
            errf(err, errlen, "refusing to write raw bytes to a terminal: redirect the output or use --out base64/hex");
            rc = -1;
        } else if (fwrite(data, 1, dlen, stdout) != dlen || fflush(stdout) != 0) {
            errf(err, errlen, "writing to standard output failed");
            rc = -1;
        }
    } else {
        rc = mkt_write_file(path, data, dlen, 0, err, errlen);
    }
    free(t);
    return rc;
}
