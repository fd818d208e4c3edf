/* SPDX-License-Identifier: BSD-2-Clause */
/* tools/common/codec.c: strict hex and base64. Vectors: RFC 4648 §10. */
#include <string.h>

#include "codec.h"
#include "mt.h"

/* RFC 4648 §10 Test Vectors (BASE64 and BASE16 of "", "f", ... "foobar"). */
static const struct {
    const char *in, *b64, *hex;
} rfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "66"},
    {"fo", "Zm8=", "666F"},
    {"foo", "Zm9v", "666F6F"},
    {"foob", "Zm9vYg==", "666F6F62"},
    {"fooba", "Zm9vYmE=", "666F6F6261"},
    {"foobar", "Zm9vYmFy", "666F6F626172"},
};

static void test_b64_rfc4648_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        const char *in = rfc4648[i].in, *b64 = rfc4648[i].b64;
        char enc[16];
        uint8_t dec[16];
        size_t n = 99;
        mkt_cerr e;
        MT_EQ_INT(mkt_b64_encoded_len(strlen(in)), strlen(b64));
        mkt_b64_encode((const uint8_t *)in, strlen(in), enc);
        MT_EQ_STR(enc, b64);
        MT_EQ_INT(mkt_b64_decode(b64, strlen(b64), 0, dec, &n, &e), 0);
        MT_MEMEQ(dec, n, in, strlen(in));
    }
}

static void test_hex_rfc4648_vectors(void)
{
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        const char *in = rfc4648[i].in, *hex = rfc4648[i].hex;
        char enc[16], lower[16];
        uint8_t dec[16];
        size_t n = 99;
        mkt_cerr e;
        mkt_hex_encode((const uint8_t *)in, strlen(in), enc);
        /* We write lowercase (RFC 4648 §8 allows either case on input). */
        for (size_t k = 0; k <= strlen(hex); k++)
            lower[k] = (char)(hex[k] >= 'A' && hex[k] <= 'F' ? hex[k] - 'A' + 'a' : hex[k]);
        MT_EQ_STR(enc, lower);
        MT_EQ_INT(mkt_hex_decode(hex, strlen(hex), 0, dec, &n, &e), 0);
        MT_MEMEQ(dec, n, in, strlen(in));
        MT_EQ_INT(mkt_hex_decode(lower, strlen(lower), 0, dec, &n, &e), 0);
        MT_MEMEQ(dec, n, in, strlen(in));
    }
}

/* Every byte value survives encode -> decode (an independent check of the
 * alphabet tables: 256 distinct bytes cover all 64 characters). */
static void test_b64_all_bytes(void)
{
    uint8_t all[256], dec[300];
    char enc[400];
    size_t n;
    mkt_cerr e;
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    for (size_t len = 250; len <= 256; len++) {
        mkt_b64_encode(all, len, enc);
        MT_EQ_INT(strlen(enc), mkt_b64_encoded_len(len));
        MT_EQ_INT(mkt_b64_decode(enc, strlen(enc), 0, dec, &n, &e), 0);
        MT_MEMEQ(dec, n, all, len);
    }
}

static void expect_b64_fail(const char *s, unsigned flags, size_t pos, const char *needle)
{
    uint8_t out[64];
    size_t n;
    mkt_cerr e;
    memset(&e, 0, sizeof e);
    int rc = mkt_b64_decode(s, strlen(s), flags, out, &n, &e);
    if (rc != -1) {
        mt_fail(__FILE__, __LINE__, "base64 \"%s\" was accepted", s);
        return;
    }
    if (e.pos != pos)
        mt_fail(__FILE__, __LINE__, "base64 \"%s\": error at %zu, expected %zu (%s)", s, e.pos, pos, e.msg);
    if (!strstr(e.msg, needle))
        mt_fail(__FILE__, __LINE__, "base64 \"%s\": message \"%s\" lacks \"%s\"", s, e.msg, needle);
}

static void test_b64_strict(void)
{
    expect_b64_fail("Zg", 0, 2, "not a multiple of 4");        /* padding missing */
    expect_b64_fail("Zg=", 0, 2, "incomplete padding");        /* half the padding */
    expect_b64_fail("Zm9vYg==AA==", 0, 8, "after the '=' padding");
    expect_b64_fail("Zg==\n", 0, 4, "after the '=' padding"); /* no whitespace unless asked */
    expect_b64_fail("Zm9v\nYg==", 0, 4, "invalid character 0x0a");
    expect_b64_fail("Zg==x", MKT_B64_SKIP_WS, 4, "after the '=' padding");
    expect_b64_fail("Z===", 0, 1, "misplaced '='");
    expect_b64_fail("====", 0, 0, "misplaced '='");
    expect_b64_fail("Zm=v", 0, 3, "after the '=' padding");
    expect_b64_fail("Zm9v!A==", 0, 4, "invalid character '!'");
    expect_b64_fail("Zm9v-_==", 0, 4, "invalid character '-'"); /* base64url is not base64 */
    /* RFC 4648 §3.5: "Zh==" decodes to 'f' only if the pad bits are
     * ignored; the canonical form is "Zg==". */
    expect_b64_fail("Zh==", 0, 1, "non-canonical");
    expect_b64_fail("Zm9=", 0, 2, "non-canonical");
}

static void test_b64_whitespace_when_allowed(void)
{
    const char *wrapped = "Zm9v\r\nYmFy\n";
    uint8_t out[16];
    size_t n;
    mkt_cerr e;
    MT_EQ_INT(mkt_b64_decode(wrapped, strlen(wrapped), MKT_B64_SKIP_WS, out, &n, &e), 0);
    MT_MEMEQ(out, n, "foobar", 6);
    /* Validation only (out == NULL) gives the length. */
    MT_EQ_INT(mkt_b64_decode("Zm9vYg==", 8, 0, NULL, &n, &e), 0);
    MT_EQ_INT(n, 4);
}

static void expect_hex_fail(const char *s, unsigned flags, size_t pos, const char *needle)
{
    uint8_t out[64];
    size_t n;
    mkt_cerr e;
    memset(&e, 0, sizeof e);
    if (mkt_hex_decode(s, strlen(s), flags, out, &n, &e) != -1) {
        mt_fail(__FILE__, __LINE__, "hex \"%s\" was accepted", s);
        return;
    }
    if (e.pos != pos)
        mt_fail(__FILE__, __LINE__, "hex \"%s\": error at %zu, expected %zu (%s)", s, e.pos, pos, e.msg);
    if (!strstr(e.msg, needle))
        mt_fail(__FILE__, __LINE__, "hex \"%s\": message \"%s\" lacks \"%s\"", s, e.msg, needle);
}

static void test_hex_strict(void)
{
    expect_hex_fail("abc", 0, 2, "odd number");
    expect_hex_fail("abc\n", MKT_HEX_SEPARATORS, 2, "odd number");
    expect_hex_fail("0g", 0, 1, "invalid character 'g'");
    expect_hex_fail("01 02", 0, 2, "invalid character 0x20"); /* separators only when asked */
    expect_hex_fail("0 102", MKT_HEX_SEPARATORS, 1, "splits a byte");
    expect_hex_fail("0x01", MKT_HEX_SEPARATORS, 1, "invalid character 'x'");

    uint8_t out[8];
    size_t n;
    mkt_cerr e;
    const char *sep = " 01:02\n0a\tFF \r\n";
    MT_EQ_INT(mkt_hex_decode(sep, strlen(sep), MKT_HEX_SEPARATORS, out, &n, &e), 0);
    MT_MEMEQ(out, n, "\x01\x02\x0a\xff", 4);
}

MT_MAIN(test_b64_rfc4648_vectors, test_hex_rfc4648_vectors, test_b64_all_bytes, test_b64_strict,
        test_b64_whitespace_when_allowed, test_hex_strict)
