/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict hex and base64 (RFC 4648 §4, §8) for message data. See codec.h. */
#include "codec.h"

#include <stdarg.h>
#include <stdio.h>

static int fail(mkt_cerr *e, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(mkt_cerr *e, size_t pos, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        e->pos = pos;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/* A printable rendering of a byte for error messages. */
static const char *show(unsigned char c, char buf[8])
{
    if (c >= 0x21 && c <= 0x7e)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "0x%02x", c);
    return buf;
}

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

size_t mkt_hex_decoded_max(size_t n) { return n / 2; }

int mkt_hex_decode(const char *s, size_t n, unsigned flags, uint8_t *out, size_t *outlen, mkt_cerr *e)
{
    size_t o = 0;
    int hi = -1; /* pending high nibble */
    size_t hi_pos = 0;
    char b[8];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int v = hexval(c);
        if (v < 0) {
            if ((flags & MKT_HEX_SEPARATORS) && (is_ws(c) || c == ':')) {
                if (hi >= 0) {
                    /* Only separators left: the real problem is the odd count. */
                    size_t k = i;
                    while (k < n && (is_ws((unsigned char)s[k]) || s[k] == ':'))
                        k++;
                    if (k == n)
                        break;
                    return fail(e, i, "hex: separator %s at offset %zu splits a byte (digits come in pairs)",
                                show(c, b), i);
                }
                continue;
            }
            return fail(e, i, "hex: invalid character %s at offset %zu", show(c, b), i);
        }
        if (hi < 0) {
            hi = v;
            hi_pos = i;
        } else {
            if (out)
                out[o] = (uint8_t)(hi << 4 | v);
            o++;
            hi = -1;
        }
    }
    if (hi >= 0)
        return fail(e, hi_pos, "hex: odd number of hex digits (the last digit, at offset %zu, has no pair)", hi_pos);
    if (outlen)
        *outlen = o;
    return 0;
}

void mkt_hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* RFC 4648 Table 1. */
static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

size_t mkt_b64_decoded_max(size_t n) { return n / 4 * 3 + 3; }

size_t mkt_b64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }

int mkt_b64_decode(const char *s, size_t n, unsigned flags, uint8_t *out, size_t *outlen, mkt_cerr *e)
{
    uint32_t acc = 0;
    unsigned q = 0;        /* characters in the current quantum (data and '=') */
    unsigned pad = 0;      /* '=' seen in the current quantum */
    int done = 0;          /* a padded quantum ended the data */
    size_t o = 0, last_pos = 0, pad_pos = 0;
    char b[8];

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((flags & MKT_B64_SKIP_WS) && is_ws(c))
            continue;
        if (done)
            return fail(e, i, "base64: data after the '=' padding at offset %zu (trailing garbage?)", i);
        if (c == '=') {
            /* RFC 4648 §4: padding only completes the final quantum, and a
             * quantum carries at least one byte (two characters). */
            if (q < 2)
                return fail(e, i, "base64: misplaced '=' at offset %zu (padding may only end a 4-character group "
                            "after at least 2 characters)", i);
            if (pad == 0)
                pad_pos = i;
            pad++;
            q++;
        } else {
            int v = b64val(c);
            if (v < 0)
                return fail(e, i, "base64: invalid character %s at offset %zu", show(c, b), i);
            if (pad)
                return fail(e, i, "base64: data after the '=' padding at offset %zu (trailing garbage?)", i);
            acc = acc << 6 | (uint32_t)v;
            q++;
            last_pos = i;
        }
        if (q == 4) {
            unsigned nbytes = 3 - pad;
            /* acc holds 4-pad sextets: drop the unused low bits. */
            unsigned bits = (4 - pad) * 6, keep = nbytes * 8;
            uint32_t unused = acc & ((1u << (bits - keep)) - 1u);
            if (pad && unused)
                return fail(e, last_pos, "base64: non-canonical encoding: the unused low bits of the character at "
                            "offset %zu are not zero", last_pos);
            acc >>= bits - keep;
            for (unsigned k = 0; k < nbytes; k++) {
                if (out)
                    out[o] = (uint8_t)(acc >> (8 * (nbytes - 1 - k)));
                o++;
            }
            if (pad)
                done = 1;
            acc = 0;
            q = 0;
            pad = 0;
        }
    }
    if (q != 0) {
        if (pad)
            return fail(e, pad_pos, "base64: incomplete padding at offset %zu: %u character%s in the last group, "
                        "need 4", pad_pos, q, q == 1 ? "" : "s");
        return fail(e, n, "base64: length is not a multiple of 4: the last group has %u character%s (missing '=' "
                    "padding?)", q, q == 1 ? "" : "s");
    }
    if (outlen)
        *outlen = o;
    return 0;
}

void mkt_b64_encode(const uint8_t *p, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
}
