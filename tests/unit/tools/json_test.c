/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tools/common/json.c: the strict JSON parser and the writer. Expected
 * values come from RFC 8259 (grammar, §7 escapes and surrogate pairs) and
 * RFC 3629 (UTF-8: U+1F600 is F0 9F 98 80, U+00E9 is C3 A9).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mt.h"

static mkt_jval *parse_ok(const char *s)
{
    mkt_jval *v = NULL;
    mkt_json_error e;
    if (mkt_json_parse(s, strlen(s), NULL, &v, &e) != 0) {
        mt_fail(__FILE__, __LINE__, "rejected %s: %u:%u %s", s, e.line, e.col, e.msg);
        return NULL;
    }
    return v;
}

static void test_values(void)
{
    const char *doc = "{\n"
                      "  \"a\": [0, -1, 9223372036854775807, -9223372036854775808],\n"
                      "  \"s\": \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\",\n"
                      "  \"t\": true, \"f\": false, \"n\": null, \"o\": {}, \"e\": []\n"
                      "}\n";
    mkt_jval *v = parse_ok(doc);
    MT_REQUIRE(v);
    MT_EQ_INT(v->type, MKT_JOBJ);
    MT_EQ_INT(v->u.obj.n, 7);
    mkt_jval *a = mkt_json_get(v, "a");
    MT_REQUIRE(a && a->type == MKT_JARR && a->u.arr.n == 4);
    MT_EQ_INT(a->u.arr.items[0]->u.i, 0);
    MT_EQ_INT(a->u.arr.items[1]->u.i, -1);
    MT_CHECK(a->u.arr.items[2]->u.i == 9223372036854775807LL);
    MT_CHECK(a->u.arr.items[3]->u.i == -9223372036854775807LL - 1);
    /* Positions: "a" value at line 2, column 8; its third element at column 16. */
    MT_EQ_INT(a->line, 2);
    MT_EQ_INT(a->col, 8);
    MT_EQ_INT(a->u.arr.items[2]->col, 16);
    mkt_jval *s = mkt_json_get(v, "s");
    MT_REQUIRE(s && s->type == MKT_JSTR);
    MT_MEMEQ(s->u.str.s, s->u.str.len, "q\"b\\s/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80", 17);
    MT_EQ_INT(mkt_json_get(v, "t")->u.b, 1);
    MT_EQ_INT(mkt_json_get(v, "f")->u.b, 0);
    MT_EQ_INT(mkt_json_get(v, "n")->type, MKT_JNULL);
    MT_CHECK(mkt_json_first_unused(v) != NULL); /* "o" and "e" not read yet */
    MT_EQ_INT(mkt_json_get(v, "o")->type, MKT_JOBJ);
    MT_EQ_INT(mkt_json_get(v, "e")->type, MKT_JARR);
    MT_CHECK(mkt_json_first_unused(v) == NULL);
    MT_CHECK(mkt_json_get(v, "missing") == NULL);
    mkt_json_free(v);

    /* Raw UTF-8 is accepted as is; a NUL via \u0000 is kept with its length. */
    v = parse_ok("[\"\xc3\xa9\", \"a\\u0000b\"]");
    MT_REQUIRE(v);
    MT_MEMEQ(v->u.arr.items[0]->u.str.s, v->u.arr.items[0]->u.str.len, "\xc3\xa9", 2);
    MT_MEMEQ(v->u.arr.items[1]->u.str.s, v->u.arr.items[1]->u.str.len, "a\0b", 3);
    mkt_json_free(v);

    v = parse_ok("  42  ");
    MT_REQUIRE(v);
    MT_EQ_INT(v->u.i, 42);
    mkt_json_free(v);
}

static void expect_fail(int line, const char *doc, size_t len, unsigned eline, unsigned ecol, const char *needle)
{
    mkt_jval *v = NULL;
    mkt_json_error e;
    memset(&e, 0, sizeof e);
    if (mkt_json_parse(doc, len, NULL, &v, &e) == 0) {
        mt_fail(__FILE__, line, "accepted: %s", doc);
        mkt_json_free(v);
        return;
    }
    MT_CHECK(v == NULL);
    if (e.line != eline || e.col != ecol)
        mt_fail(__FILE__, line, "error at %u:%u, expected %u:%u (%s)", e.line, e.col, eline, ecol, e.msg);
    if (!strstr(e.msg, needle))
        mt_fail(__FILE__, line, "message \"%s\" lacks \"%s\"", e.msg, needle);
}

#define FAIL(doc, l, c, needle) expect_fail(__LINE__, doc, strlen(doc), l, c, needle)

static void test_errors(void)
{
    FAIL("", 1, 1, "unexpected end of input");
    FAIL("[1,]", 1, 4, "trailing comma");
    FAIL("{\"a\":1,}", 1, 8, "trailing comma");
    FAIL("{\"a\":1\n \"b\":2}", 2, 2, "expected ',' or '}'");
    FAIL("[1 2]", 1, 4, "expected ',' or ']'");
    FAIL("{\"a\" 1}", 1, 6, "expected ':'");
    FAIL("{a:1}", 1, 2, "expected a string key");
    FAIL("{'a':1}", 1, 2, "expected a string key");
    FAIL("[01]", 1, 2, "leading zeros");
    FAIL("[1.5]", 1, 2, "only integers");
    FAIL("[1e3]", 1, 2, "only integers");
    FAIL("[-]", 1, 3, "expected a digit");
    FAIL("9223372036854775808", 1, 1, "out of range");
    FAIL("-9223372036854775809", 1, 1, "out of range");
    FAIL("{\"k\":1,\n\"k\":2}", 2, 1, "duplicate key \"k\" (first at line 1, column 2)");
    FAIL("\"abc", 1, 1, "unterminated string");
    FAIL("\"a\nb\"", 1, 3, "control character 0x0a");
    FAIL("\"\\q\"", 1, 2, "invalid escape");
    FAIL("\"\\u12G4\"", 1, 6, "invalid hex digit 'G'");
    FAIL("\"\\udc00\"", 1, 2, "lone low surrogate");
    FAIL("\"\\ud800x\"", 1, 2, "not followed by a low surrogate");
    FAIL("\"\\ud800\\u0041\"", 1, 2, "not followed by a low surrogate");
    FAIL("\"\xc0\x80\"", 1, 2, "invalid UTF-8");          /* overlong NUL */
    FAIL("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8");      /* UTF-8 encoded surrogate */
    FAIL("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8");  /* above U+10FFFF */
    FAIL("\"\xe2\x82\"", 1, 2, "invalid UTF-8");          /* truncated sequence */
    FAIL("tru", 1, 1, "expected a value");
    FAIL("nulll", 1, 1, "expected a value");
    FAIL("{} {}", 1, 4, "trailing data");
    FAIL("\xef\xbb\xbf{}", 1, 1, "byte order mark");
    FAIL("[1]\n\n  x", 3, 3, "trailing data");
    expect_fail(__LINE__, "[\0]", 3, 1, 2, "byte 0x00");
}

static void test_limits(void)
{
    char deep[200];
    mkt_jval *v = NULL;
    mkt_json_error e;
    mkt_json_limits lim = {8, 1000, 100};
    memset(deep, '[', 9);
    memset(deep + 9, ']', 9);
    deep[18] = '\0';
    MT_EQ_INT(mkt_json_parse(deep, strlen(deep), &lim, &v, &e), -1);
    MT_CHECK(strstr(e.msg, "nesting deeper than 8") != NULL);
    MT_EQ_INT(e.col, 9);
    /* Exactly the limit is fine. */
    MT_EQ_INT(mkt_json_parse(deep + 1, strlen(deep) - 2, &lim, &v, &e), 0);
    mkt_json_free(v);
    /* Default depth limit (64) holds for a hostile 100000-deep input without recursion blow-up. */
    size_t n = 100000;
    char *big = malloc(2 * n + 1);
    MT_REQUIRE(big);
    memset(big, '[', n);
    memset(big + n, ']', n);
    big[2 * n] = '\0';
    MT_EQ_INT(mkt_json_parse(big, 2 * n, NULL, &v, &e), -1);
    MT_CHECK(strstr(e.msg, "nesting deeper than 64") != NULL);
    free(big);
    MT_EQ_INT(mkt_json_parse("[1,2,3]", 7, &(mkt_json_limits){8, 6, 100}, &v, &e), -1);
    MT_CHECK(strstr(e.msg, "exceeds the limit of 6") != NULL);
    MT_EQ_INT(mkt_json_parse("[1,2,3]", 7, &(mkt_json_limits){8, 100, 3}, &v, &e), -1);
    MT_CHECK(strstr(e.msg, "more than 3 values") != NULL);
}

static void test_writer_roundtrip(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    MT_REQUIRE(f);
    mkt_jw w;
    mkt_jw_init(&w, f, 1);
    mkt_jw_obj_begin(&w, NULL);
    mkt_jw_str(&w, "s", "a\"b\\c\n\x01\x7f\xc3\xa9");
    mkt_jw_int(&w, "i", -5);
    mkt_jw_uint(&w, "u", 4294967295u);
    mkt_jw_hex(&w, "h", (const uint8_t *)"\x00\xab\xff", 3);
    mkt_jw_bool(&w, "b", 1);
    mkt_jw_null(&w, "z");
    mkt_jw_arr_begin(&w, "a");
    mkt_jw_arr_end(&w);
    mkt_jw_obj_begin(&w, "o");
    mkt_jw_int(&w, "x", 1);
    mkt_jw_obj_end(&w);
    mkt_jw_obj_end(&w);
    MT_EQ_INT(mkt_jw_finish(&w), 0);
    fclose(f);
    /* Control characters are escaped, quotes and backslashes too. */
    MT_CHECK(strstr(buf, "\"a\\\"b\\\\c\\n\\u0001\\u007f\xc3\xa9\"") != NULL);
    MT_CHECK(strstr(buf, "\"h\": \"00abff\"") != NULL);
    MT_CHECK(strstr(buf, "\"a\": []") != NULL);
    mkt_jval *v = parse_ok(buf);
    MT_REQUIRE(v);
    MT_MEMEQ(mkt_json_get(v, "s")->u.str.s, mkt_json_get(v, "s")->u.str.len, "a\"b\\c\n\x01\x7f\xc3\xa9", 10);
    MT_EQ_INT(mkt_json_get(v, "i")->u.i, -5);
    MT_EQ_INT(mkt_json_get(v, "u")->u.i, 4294967295LL);
    MT_EQ_INT(mkt_json_get(mkt_json_get(v, "o"), "x")->u.i, 1);
    mkt_json_free(v);
    free(buf);
}

MT_MAIN(test_values, test_errors, test_limits, test_writer_roundtrip)
