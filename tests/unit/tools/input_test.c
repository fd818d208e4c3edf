/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tools/common/input.c: format detection (the order documented in
 * docs/mikey.1) and key-mgmt attribute extraction from SDP (RFC 4567 §3.1,
 * the §5.1 example) and RTSP KeyMgmt headers (RFC 4567 §3.2).
 */
#include <string.h>

#include "input.h"
#include "mt.h"

static mkt_fmt det(const char *s) { return mkt_detect_format((const uint8_t *)s, strlen(s)); }

static void test_detect(void)
{
    MT_EQ_INT(det("v=0\r\no=- 1 1 IN IP4 x\r\n"), MKT_FMT_SDP);
    MT_EQ_INT(det("  v=0\n"), MKT_FMT_SDP);
    MT_EQ_INT(det("a=key-mgmt:mikey AQAF\n"), MKT_FMT_SDP);
    MT_EQ_INT(det("m=audio 1 RTP/SAVP 0\na=key-mgmt:mikey AQAF\n"), MKT_FMT_SDP);
    MT_EQ_INT(det("SETUP rtsp://x RTSP/1.0\r\nkeymgmt: prot=mikey; data=\"AQAF\"\r\n"), MKT_FMT_SDP);
    MT_EQ_INT(det("0100050a"), MKT_FMT_HEX);
    MT_EQ_INT(det("01:00:05:0A\n"), MKT_FMT_HEX);
    MT_EQ_INT(det("01 00\n05 0a\n"), MKT_FMT_HEX);
    /* Odd digit count: not hex, but every character is base64. */
    MT_EQ_INT(det("0100050"), MKT_FMT_BASE64);
    MT_EQ_INT(det("AQAFAJy5yWQBAAB=\n"), MKT_FMT_BASE64);
    MT_EQ_INT(det("AQAF\nAJy5\n"), MKT_FMT_BASE64);
    /* A ':' is a hex separator, never base64. */
    MT_EQ_INT(det("AQ:AF"), MKT_FMT_RAW);
    MT_EQ_INT(mkt_detect_format((const uint8_t *)"\x01\x00\x05\x00", 4), MKT_FMT_RAW);
    MT_EQ_INT(det(""), MKT_FMT_RAW);
    MT_EQ_INT(det(" \n"), MKT_FMT_RAW);
}

static void test_fmt_names(void)
{
    mkt_fmt f;
    MT_EQ_INT(mkt_fmt_parse("hex", 0, &f), 0);
    MT_EQ_INT(f, MKT_FMT_HEX);
    MT_EQ_INT(mkt_fmt_parse("auto", 0, &f), -1);
    MT_EQ_INT(mkt_fmt_parse("auto", 1, &f), 0);
    MT_EQ_INT(f, MKT_FMT_AUTO);
    MT_EQ_INT(mkt_fmt_parse("HEX", 1, &f), -1);
    MT_EQ_STR(mkt_fmt_name(MKT_FMT_BASE64), "base64");
}

/* RFC 4567 §5.1 (Bob's answer, joined onto one line), plus a media-level
 * MIKEY attribute and another protocol. */
static const char sdp[] = "v=0\r\n"
                          "o=bob 2891092897 2891092897 IN IP4 foo.example.com\r\n"
                          "s=Cool stuff\r\n"
                          "t=0 0\r\n"
                          "a=key-mgmt:mikey AQEFgM0XflABAAAAAAAAAAAAAAYAyONQ6gAAAAAJAAAQbWlja2V5QG1vdXNlLmNvbQABn8HdGE5BMDXFIuGEga+62AgY5cc=\r\n"
                          "m=audio 49030 RTP/SAVP 98\r\n"
                          "a=key-mgmt:foo Zm9v   \r\n"
                          "m=video 52230 RTP/SAVP 31\r\n"
                          "  a=key-mgmt: mikey QUJD\n";

static void test_sdp(void)
{
    mkt_keymgmt k[8];
    size_t n = 0;
    mkt_cerr e;
    MT_EQ_INT(mkt_keymgmt_find(sdp, strlen(sdp), k, 8, &n, &e), 0);
    MT_REQUIRE(n == 3);
    MT_EQ_STR(k[0].label, "session");
    MT_EQ_STR(k[0].proto, "mikey");
    MT_EQ_INT(k[0].line, 5);
    MT_EQ_INT(k[0].data_len, 96);
    MT_CHECK(memcmp(k[0].data, "AQEFgM0X", 8) == 0 && k[0].data[95] == '=');
    MT_EQ_STR(k[1].label, "media 1 (audio)");
    MT_EQ_STR(k[1].proto, "foo");
    MT_MEMEQ(k[1].data, k[1].data_len, "Zm9v", 4); /* trailing blanks trimmed */
    MT_EQ_STR(k[2].label, "media 2 (video)");
    MT_EQ_STR(k[2].proto, "mikey"); /* "0*1SP prtcl-id": one space allowed after ':' */
    MT_MEMEQ(k[2].data, k[2].data_len, "QUJD", 4);
    MT_EQ_INT(k[2].line, 9);

    /* More attributes than room: the count is still reported. */
    MT_EQ_INT(mkt_keymgmt_find(sdp, strlen(sdp), k, 1, &n, &e), 0);
    MT_EQ_INT(n, 3);
}

static void test_sdp_errors(void)
{
    mkt_keymgmt k[2];
    size_t n;
    mkt_cerr e;
    const char *a = "v=0\na=key-mgmt:mikey\n";
    MT_EQ_INT(mkt_keymgmt_find(a, strlen(a), k, 2, &n, &e), -1);
    MT_CHECK(strstr(e.msg, "line 2: a=key-mgmt:mikey has no key management data") != NULL);
    const char *b = "v=0\n\na=key-mgmt:\n";
    MT_EQ_INT(mkt_keymgmt_find(b, strlen(b), k, 2, &n, &e), -1);
    MT_CHECK(strstr(e.msg, "line 3: a=key-mgmt attribute without a protocol identifier") != NULL);
}

static void test_rtsp(void)
{
    const char *r = "SETUP rtsp://cam/stream RTSP/1.0\r\n"
                    "CSeq: 3\r\n"
                    "KeyMgmt: prot=mikey; uri=\"rtsp://cam/stream\"; data=\"QUJD\", prot=foo; data=\"REVG\"\r\n";
    mkt_keymgmt k[4];
    size_t n;
    mkt_cerr e;
    MT_EQ_INT(mkt_keymgmt_find(r, strlen(r), k, 4, &n, &e), 0);
    MT_REQUIRE(n == 2);
    MT_EQ_STR(k[0].label, "RTSP KeyMgmt");
    MT_EQ_STR(k[0].proto, "mikey");
    MT_MEMEQ(k[0].data, k[0].data_len, "QUJD", 4);
    MT_EQ_INT(k[0].line, 3);
    MT_EQ_STR(k[1].proto, "foo");
    MT_MEMEQ(k[1].data, k[1].data_len, "REVG", 4);
    const char *bad = "KeyMgmt: prot=mikey; data=\"QUJD\r\n";
    MT_EQ_INT(mkt_keymgmt_find(bad, strlen(bad), k, 4, &n, &e), -1);
    MT_CHECK(strstr(e.msg, "unterminated quoted") != NULL);
    const char *nodata = "KeyMgmt: prot=mikey\r\n";
    MT_EQ_INT(mkt_keymgmt_find(nodata, strlen(nodata), k, 4, &n, &e), -1);
    MT_CHECK(strstr(e.msg, "without data=") != NULL);
}

/* Labels and protocol names are made printable (they reach JSON and stderr). */
static void test_labels_printable(void)
{
    const char *t = "v=0\nm=au\xffio 1 RTP/AVP 0\na=key-mgmt:mi\x01key QUJD\n";
    mkt_keymgmt k[2];
    size_t n;
    mkt_cerr e;
    MT_EQ_INT(mkt_keymgmt_find(t, strlen(t), k, 2, &n, &e), 0);
    MT_REQUIRE(n == 1);
    MT_EQ_STR(k[0].label, "media 1 (au?io)");
    MT_EQ_STR(k[0].proto, "mi?key");
}

MT_MAIN(test_labels_printable, test_detect, test_fmt_names, test_sdp, test_sdp_errors, test_rtsp)
