/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict base64 (sdp.h mikey_base64_*). Known answers are the RFC 4648 §10
 * test vectors; the rejection cases follow RFC 4648 §3.3 (non-alphabet
 * characters), §3.5 (canonical encoding) and the SDP base64 grammar
 * (RFC 8866 §9: padding mandatory). A cross-check against OpenSSL's
 * EVP_EncodeBlock (an independent implementation) covers every length 0..300.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/sdp.h"

static const struct {
    const char *plain, *b64;
} rfc4648_10[] = {
    {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc4648_10 / sizeof rfc4648_10[0]; i++) {
        const char *p = rfc4648_10[i].plain, *b = rfc4648_10[i].b64;
        char enc[32];
        size_t n = 99;
        MT_EQ_INT(mikey_base64_encode((const uint8_t *)p, strlen(p), enc, sizeof enc, &n), MIKEY_OK);
        MT_EQ_INT(n, strlen(b));
        MT_EQ_STR(enc, b); /* NUL-terminated */
        uint8_t dec[32];
        MT_EQ_INT(mikey_base64_decode(b, strlen(b), dec, sizeof dec, &n, NULL), MIKEY_OK);
        MT_MEMEQ(dec, n, p, strlen(p));
        MT_EQ_INT(mikey_base64_encoded_len(strlen(p)), strlen(b));
    }
}

static void test_nobuf(void)
{
    char enc[8];
    size_t n = 0;
    /* "foobar" needs 8 characters + NUL. */
    MT_EQ_INT(mikey_base64_encode((const uint8_t *)"foobar", 6, enc, 8, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 9);
    MT_EQ_INT(mikey_base64_encode((const uint8_t *)"foobar", 6, NULL, 0, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 9);
    uint8_t dec[8];
    MT_EQ_INT(mikey_base64_decode("Zm9vYmE=", 8, dec, 4, &n, NULL), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 5);
    MT_EQ_INT(mikey_base64_decode("Zm9vYmE=", 8, NULL, 0, &n, NULL), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 5);
    /* Validation comes first: bad input is ENCODING even with no buffer. */
    MT_EQ_INT(mikey_base64_decode("Zm9vYm!=", 8, NULL, 0, &n, NULL), MIKEY_ERR_ENCODING);
    MT_EQ_INT(mikey_base64_encode(NULL, 1, enc, 8, &n), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_base64_decode("Zg==", 4, dec, 8, NULL, NULL), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_base64_decode(NULL, 0, NULL, 0, &n, NULL), MIKEY_OK);
    MT_EQ_INT(n, 0);
}

/* Each bad input with the index the decoder must blame. */
static const struct {
    const char *in;
    size_t pos;
    const char *why;
} bad[] = {
    {"Zg", 2, "missing padding (RFC 8866 base64-pad)"},
    {"Zg=", 3, "half the padding"},
    {"Zm9", 3, "3 characters, no padding"},
    {"Zm9vY", 5, "length 5"},
    {"Z===", 1, "padding after one character"},
    {"====", 0, "padding only"},
    {"Zg=a", 3, "character after '=' inside the quantum"},
    {"Zg==Zm9v", 4, "trailing data after the padding"},
    {"Zm8=Zg==", 4, "two padded quanta"},
    {"Zg==\n", 4, "trailing newline"},
    {"Zg== ", 4, "trailing space"},
    {" Zg==", 0, "leading space"},
    {"Zm9v\r\nYmFy", 4, "line break inside (RFC 2045 style is not allowed)"},
    {"Zm9-", 3, "URL-safe alphabet '-'"},
    {"Zm9_", 3, "URL-safe alphabet '_'"},
    {"Zm9v\x80", 4, "8-bit byte"},
    {"Zh==", 1, "non-canonical: low bits of the 2nd char set (RFC 4648 §3.5)"},
    {"Zm9=", 2, "non-canonical: low bits of the 3rd char set"},
    {"Zm9vYmF=", 6, "non-canonical in the last quantum"},
};

static void test_rejects(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t n = 0, pos = 12345;
        int rc = mikey_base64_decode(bad[i].in, strlen(bad[i].in), out, sizeof out, &n, &pos);
        if (rc != MIKEY_ERR_ENCODING || pos != bad[i].pos)
            mt_fail(__FILE__, __LINE__, "\"%s\" (%s): rc %s pos %zu, expected ENCODING at %zu", bad[i].in, bad[i].why,
                    mikey_err_name(rc), pos, bad[i].pos);
    }
    /* An embedded NUL is just another character outside the alphabet. */
    size_t n, pos = 0;
    uint8_t out[8];
    MT_EQ_INT(mikey_base64_decode("Zm\0v", 4, out, sizeof out, &n, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pos, 2);
}

/* Cross-check with OpenSSL's encoder for every length and a fixed pattern. */
static void test_cross_openssl(void)
{
    uint8_t in[300];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof in; len++) {
        unsigned char ref[512];
        int rl = EVP_EncodeBlock(ref, in, (int)len);
        char enc[512];
        size_t n = 0;
        MT_REQUIRE(mikey_base64_encode(in, len, enc, sizeof enc, &n) == MIKEY_OK);
        MT_MEMEQ(enc, n, ref, (size_t)rl);
        uint8_t dec[300];
        MT_REQUIRE(mikey_base64_decode((const char *)ref, (size_t)rl, dec, sizeof dec, &n, NULL) == MIKEY_OK);
        MT_MEMEQ(dec, n, in, len);
    }
}

MT_MAIN(test_rfc4648_vectors, test_nobuf, test_rejects, test_cross_openssl)
