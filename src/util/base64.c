/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict base64. RFC 4567 §3 requires keymgmt-data to be base64 as the SDP
 * grammar defines it (RFC 8866 §9: base64-unit = 4base64-char, base64-pad =
 * 2base64-char "==" / 3base64-char "="), i.e. the RFC 4648 §4 alphabet with
 * mandatory padding. CONVENTIONS.md 2.2.15 asks for strictness: no
 * whitespace, no missing or extra padding, nothing after the padding, and
 * canonical encodings only (the unused bits of the last character are zero,
 * RFC 4648 §3.5), so each message has exactly one accepted text form.
 */
#include "util/base64.h"

#include "internal.h"
#include "openmikey/sdp.h"

static const char b64_alphabet[64] = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
                                      'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
                                      'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
                                      'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
                                      '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '/'};

/* Value of an alphabet character, or -1 (including for '='). */
static int b64_val(unsigned char c)
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

size_t mk_b64_encoded_len(size_t n)
{
    size_t q = n / 3 + (n % 3 != 0);
    if (q > SIZE_MAX / 4)
        return SIZE_MAX;
    return q * 4;
}

void mk_b64_encode_raw(const uint8_t *in, size_t n, char *out)
{
    size_t i = 0, o = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
}

int mk_b64_check(const char *in, size_t len, size_t *decoded_len, size_t *errpos)
{
    size_t pos = 0;
    while (pos < len) {
        size_t q = pos; /* start of this quantum */
        /* A quantum needs four characters: anything shorter is missing its
         * padding (RFC 8866 base64 has no unpadded form). */
        for (size_t k = 0; k < 4; k++) {
            if (q + k >= len) {
                *errpos = len;
                return MIKEY_ERR_ENCODING;
            }
            unsigned char c = (unsigned char)in[q + k];
            if (b64_val(c) >= 0)
                continue;
            if (c != '=' || k < 2) {
                *errpos = q + k; /* outside the alphabet, or padding too early ("x===") */
                return MIKEY_ERR_ENCODING;
            }
            /* Padding at k = 2 must be "==", at k = 3 "=". */
            if (k == 2) {
                if (q + 3 >= len) {
                    *errpos = len;
                    return MIKEY_ERR_ENCODING;
                }
                if (in[q + 3] != '=') {
                    *errpos = q + 3;
                    return MIKEY_ERR_ENCODING;
                }
                /* One byte encoded: the low 4 bits of the 2nd char are unused. */
                if (b64_val((unsigned char)in[q + 1]) & 0x0f) {
                    *errpos = q + 1;
                    return MIKEY_ERR_ENCODING;
                }
            } else if (b64_val((unsigned char)in[q + 2]) & 0x03) {
                /* Two bytes encoded: the low 2 bits of the 3rd char are unused. */
                *errpos = q + 2;
                return MIKEY_ERR_ENCODING;
            }
            /* Padding ends the data: anything after it is trailing garbage. */
            if (q + 4 != len) {
                *errpos = q + 4;
                return MIKEY_ERR_ENCODING;
            }
            *decoded_len = (q / 4) * 3 + (k == 2 ? 1 : 2);
            return MIKEY_OK;
        }
        pos = q + 4;
    }
    *decoded_len = (len / 4) * 3;
    return MIKEY_OK;
}

void mk_b64_decode_raw(const char *in, size_t len, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i + 4 <= len; i += 4) {
        int a = b64_val((unsigned char)in[i]), b = b64_val((unsigned char)in[i + 1]);
        int c = b64_val((unsigned char)in[i + 2]), d = b64_val((unsigned char)in[i + 3]);
        out[o++] = (uint8_t)(a << 2 | b >> 4);
        if (c < 0)
            break;
        out[o++] = (uint8_t)((b & 0x0f) << 4 | c >> 2);
        if (d < 0)
            break;
        out[o++] = (uint8_t)((c & 0x03) << 6 | d);
    }
}

size_t mikey_base64_encoded_len(size_t len) { return mk_b64_encoded_len(len); }

int mikey_base64_encode(const uint8_t *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    if (!outlen || (!in && len) || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    size_t n = mk_b64_encoded_len(len);
    if (n == SIZE_MAX)
        return MIKEY_ERR_INVALID_ARG;
    if (cap < n + 1) {
        *outlen = n + 1;
        return MIKEY_ERR_NOBUF;
    }
    if (len)
        mk_b64_encode_raw(in, len, out);
    out[n] = '\0';
    *outlen = n;
    return MIKEY_OK;
}

int mikey_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen, size_t *errpos)
{
    if (!outlen || (!in && len) || (!out && cap))
        return MIKEY_ERR_INVALID_ARG;
    size_t n = 0, ep = 0;
    int rc = mk_b64_check(in, len, &n, &ep);
    if (rc != MIKEY_OK) {
        if (errpos)
            *errpos = ep;
        return rc;
    }
    *outlen = n;
    if (cap < n)
        return MIKEY_ERR_NOBUF;
    if (len)
        mk_b64_decode_raw(in, len, out);
    return MIKEY_OK;
}
