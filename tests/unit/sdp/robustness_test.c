/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Untrusted SDP: every prefix of the RFC 4567 examples, single-byte
 * mutations at every position, random garbage, the size limits, failing
 * allocations, and the precise error (code, line, offset) for each class of
 * malformed line. Run under ASan/UBSan (-DMIKEY_SANITIZE=ON) this also
 * checks for leaks and out-of-bounds reads; text is copied into exactly
 * sized heap buffers so a read past the end is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/sdp.h"

#define B64                                                                                                            \
    "AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVk"     \
    "Daawi9whVBtBt0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV"

static const char ex1[] = "v=0\r\n"
                          "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\n"
                          "s=Cool stuff\r\n"
                          "e=alice@w-land.example.com\r\n"
                          "t=0 0\r\n"
                          "c=IN IP4 w-land.example.com\r\n"
                          "a=key-mgmt:mikey " B64 "\r\n"
                          "m=audio 49000 RTP/SAVP 98\r\n"
                          "a=rtpmap:98 AMR/8000\r\n"
                          "m=video 52230 RTP/SAVP 31\r\n"
                          "a=rtpmap:31 H261/90000\r\n";

static const char ex4[] = "v=0\n"
                          "o=actionmovie 2891092738 2891092738 IN IP4 movie.example.com\n"
                          "s=Action Movie\n"
                          "c=IN IP4 movie.example.com\n"
                          "t=0 0\n"
                          "a=control:rtsp://movie.example.com/action\n"
                          "a=key-mgmt:keyp1 AAAA\n"
                          "m=audio 0 RTP/SAVP 98\n"
                          "a=rtpmap:98 AMR/8000\n"
                          "a=key-mgmt:mikey " B64 "\n"
                          "a=sendonly\n"
                          "m=video 0/2 RTP/SAVP 31 32\n"
                          "c=IN IP4 233.252.0.1/127/2\n"
                          "a=key-mgmt:mikey AQEF\n";

static int allowed_error(int rc)
{
    return rc == MIKEY_ERR_ENCODING || rc == MIKEY_ERR_TRUNCATED || rc == MIKEY_ERR_LIMIT ||
           rc == MIKEY_ERR_VERSION;
}

/* Parse a heap copy of exactly len bytes; check the contract either way. */
static int parse_copy(const char *text, size_t len, unsigned strict, const mikey_sdp_limits *lim)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, text, len);
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    mikey_sdp_parse_opts o = {lim, strict};
    int rc = mikey_sdp_parse(NULL, copy, len, &o, &sdp, &e);
    if (rc == MIKEY_OK) {
        MT_CHECK(sdp != NULL);
        /* Walk everything the model exposes. */
        mikey_sdp_stream_info info[40];
        size_t n;
        MT_CHECK(mikey_sdp_streams(sdp, NULL, info, 40, &n) == MIKEY_OK);
        char list[2048];
        for (int s = -1; s < (int)mikey_sdp_media_count(sdp); s++) {
            int r = mikey_sdp_ids_from_sdp(sdp, s, list, sizeof list, &n);
            MT_CHECK(r == MIKEY_OK || r == MIKEY_ERR_NOT_FOUND);
        }
        for (size_t i = 0; i < mikey_sdp_keymgmt_count(sdp); i++) {
            const mikey_sdp_keymgmt *k = mikey_sdp_keymgmt_at(sdp, i);
            MT_CHECK(k->data.len > 0 && k->data.len <= k->b64.len);
        }
        mikey_sdp_free(sdp);
    } else {
        MT_CHECK(sdp == NULL);
        if (!allowed_error(rc))
            mt_fail(__FILE__, __LINE__, "unexpected %s", mikey_err_name(rc));
        MT_EQ_INT(e.err, rc);
        MT_CHECK(e.offset <= len);
        MT_CHECK(e.detail[0] != '\0');
    }
    free(copy);
    return rc;
}

static void test_every_prefix(void)
{
    const char *texts[] = {ex1, ex4};
    for (size_t t = 0; t < 2; t++) {
        size_t len = strlen(texts[t]);
        size_t ok = 0;
        for (size_t i = 0; i <= len; i++) {
            if (parse_copy(texts[t], i, 0, NULL) == MIKEY_OK)
                ok++;
            int rs = parse_copy(texts[t], i, 1, NULL);
            /* Strictly, only prefixes ending at a line end may parse. */
            if (rs == MIKEY_OK)
                MT_CHECK(i > 0 && texts[t][i - 1] == '\n');
        }
        MT_CHECK(ok > 0); /* the full text and complete-line prefixes after the first m= */
        MT_EQ_INT(parse_copy(texts[t], len, 0, NULL), MIKEY_OK);
    }
    /* The truncated final line: an error in strict mode, a leniency otherwise. */
    size_t cut = strlen(ex4) - 1;
    MT_EQ_INT(parse_copy(ex4, cut, 1, NULL), MIKEY_ERR_TRUNCATED);
    mikey_sdp *sdp = NULL;
    MT_EQ_INT(mikey_sdp_parse(NULL, ex4, cut, NULL, &sdp, NULL), MIKEY_OK);
    MT_EQ_INT(mikey_sdp_leniencies(sdp), MIKEY_SDP_LENIENT_NO_FINAL_EOL);
    mikey_sdp_free(sdp);
}

static void test_mutations(void)
{
    static const char subst[] = {'\0', '\r', '\n', ' ', '=', ':', '/', 'x', 'm', 'a', '0', (char)0xff, '.'};
    const char *texts[] = {ex1, ex4};
    for (size_t t = 0; t < 2; t++) {
        size_t len = strlen(texts[t]);
        char *buf = malloc(len);
        for (size_t i = 0; i < len; i++) {
            for (size_t k = 0; k < sizeof subst; k++) {
                memcpy(buf, texts[t], len);
                buf[i] = subst[k];
                parse_copy(buf, len, (unsigned)(k & 1), NULL);
            }
            /* deletion of byte i */
            memcpy(buf, texts[t], i);
            memcpy(buf + i, texts[t] + i + 1, len - i - 1);
            parse_copy(buf, len - 1, 0, NULL);
        }
        free(buf);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t xorshift(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_garbage(void)
{
    /* Random text made of SDP-ish pieces, and raw random bytes. */
    static const char *const pieces[] = {"v=0\r\n", "o=- 1 1 IN IP4 a\r\n", "s=-\r\n", "t=0 0\r\n",
                                         "c=IN IP4 1.2.3.4\r\n", "m=audio 1 RTP/SAVP 0\r\n",
                                         "a=key-mgmt:mikey AAAA\r\n", "a=key-mgmt:k AQ==\r\n", "a=sendonly\r\n",
                                         "\r\n", "\n", "a=", "key-mgmt:", "=", " ", "m=", "\0"};
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        if (iter & 1) {
            size_t n = xorshift() % 300;
            for (size_t i = 0; i < n; i++)
                buf[len++] = (char)xorshift();
        } else {
            size_t n = xorshift() % 12;
            for (size_t i = 0; i < n; i++) {
                const char *p = pieces[xorshift() % (sizeof pieces / sizeof pieces[0])];
                size_t pl = *p ? strlen(p) : 1;
                if (len + pl > sizeof buf)
                    break;
                memcpy(buf + len, p, pl);
                len += pl;
            }
        }
        parse_copy(buf, len, (unsigned)(iter & 2), NULL);
        /* The same bytes as a key-mgmt value and an RTSP header value. */
        mikey_sdp_str id, b64;
        mikey_sdp_error e;
        int rc = mikey_sdp_keymgmt_parse_value(buf, len, &id, &b64, &e);
        MT_CHECK(rc == MIKEY_OK || rc == MIKEY_ERR_ENCODING || rc == MIKEY_ERR_LIMIT);
        mikey_sdp_rtsp_km km[4];
        size_t n;
        rc = mikey_sdp_rtsp_keymgmt_parse(buf, len, km, 4, &n, &e);
        MT_CHECK(rc == MIKEY_OK || rc == MIKEY_ERR_ENCODING || rc == MIKEY_ERR_NOBUF);
        uint8_t out[512];
        size_t pos;
        rc = mikey_base64_decode(buf, len, out, sizeof out, &n, &pos);
        MT_CHECK(rc == MIKEY_OK || (rc == MIKEY_ERR_ENCODING && pos <= len));
    }
}

static void test_limits(void)
{
    mikey_sdp_limits lim;
    mikey_sdp_limits_default(&lim);
    MT_EQ_INT(lim.max_sdp_len, 65536);
    MT_EQ_INT(lim.max_line_len, 32768);
    MT_EQ_INT(lim.max_keymgmt, 16);
    MT_EQ_INT(lim.max_media, 32);
    size_t len = strlen(ex1);

    /* Whole size: 64 KiB + 1 is refused before anything is read. */
    char *big = malloc(65537);
    memset(big, 'a', 65537);
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    MT_EQ_INT(mikey_sdp_parse(NULL, big, 65537, NULL, &sdp, &e), MIKEY_ERR_LIMIT);
    MT_EQ_INT(e.offset, 65536);
    free(big);
    lim.max_sdp_len = len - 1;
    MT_EQ_INT(parse_copy(ex1, len, 0, &lim), MIKEY_ERR_LIMIT);
    lim.max_sdp_len = len;
    MT_EQ_INT(parse_copy(ex1, len, 0, &lim), MIKEY_OK);

    /* Line length: the key-mgmt line is the longest (193 bytes). */
    mikey_sdp_limits_default(&lim);
    lim.max_line_len = 192;
    MT_EQ_INT(mikey_sdp_parse(NULL, ex1, len, &(mikey_sdp_parse_opts){&lim, 0}, &sdp, &e), MIKEY_ERR_LIMIT);
    MT_EQ_INT(e.line, 7);
    lim.max_line_len = 193;
    MT_EQ_INT(parse_copy(ex1, len, 0, &lim), MIKEY_OK);

    /* Media sections and key-mgmt attributes. */
    mikey_sdp_limits_default(&lim);
    lim.max_media = 1;
    MT_EQ_INT(mikey_sdp_parse(NULL, ex1, len, &(mikey_sdp_parse_opts){&lim, 0}, &sdp, &e), MIKEY_ERR_LIMIT);
    MT_EQ_INT(e.line, 10);
    mikey_sdp_limits_default(&lim);
    lim.max_keymgmt = 2;
    MT_EQ_INT(mikey_sdp_parse(NULL, ex4, strlen(ex4), &(mikey_sdp_parse_opts){&lim, 0}, &sdp, &e), MIKEY_ERR_LIMIT);
    MT_EQ_INT(e.line, 14);
    lim.max_keymgmt = 3;
    MT_EQ_INT(parse_copy(ex4, strlen(ex4), 0, &lim), MIKEY_OK);

    /* 33 media sections, 17 key-mgmt attributes with the defaults. */
    char *t = malloc(4096);
    size_t n = (size_t)snprintf(t, 4096, "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\nt=0 0\r\n");
    for (int i = 0; i < 33; i++)
        n += (size_t)snprintf(t + n, 4096 - n, "m=audio %d RTP/AVP 0\r\n", 1000 + i);
    MT_EQ_INT(parse_copy(t, n, 0, NULL), MIKEY_ERR_LIMIT);
    n = (size_t)snprintf(t, 4096, "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\nt=0 0\r\n");
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(t + n, 4096 - n, "a=key-mgmt:p%d AAAA\r\n", i);
    MT_EQ_INT(parse_copy(t, n, 0, NULL), MIKEY_ERR_LIMIT);
    /* More than MIKEY_SDP_IDS_MAX in one section even with a raised cap. */
    mikey_sdp_limits_default(&lim);
    lim.max_keymgmt = 100;
    n = (size_t)snprintf(t, 4096, "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\nt=0 0\r\n");
    for (int i = 0; i < MIKEY_SDP_IDS_MAX; i++)
        n += (size_t)snprintf(t + n, 4096 - n, "a=key-mgmt:p%d AAAA\r\n", i);
    MT_EQ_INT(parse_copy(t, n, 1, &lim), MIKEY_OK);
    n += (size_t)snprintf(t + n, 4096 - n, "a=key-mgmt:last AAAA\r\n");
    MT_EQ_INT(parse_copy(t, n, 1, &lim), MIKEY_ERR_LIMIT);
    free(t);
}

/* Allocator failing the k-th allocation. */
static int alloc_count, alloc_fail_at;
static void *fail_malloc(size_t n, void *u)
{
    (void)u;
    if (++alloc_count == alloc_fail_at)
        return NULL;
    return malloc(n);
}
static void fail_free(void *p, void *u)
{
    (void)u;
    free(p);
}

static void test_alloc_failures(void)
{
    mikey_env env;
    memset(&env, 0, sizeof env);
    env.mem.malloc = fail_malloc;
    env.mem.free = fail_free;
    int saw_ok = 0;
    for (int k = 1; k <= 8; k++) {
        alloc_count = 0;
        alloc_fail_at = k;
        mikey_sdp *sdp = NULL;
        mikey_sdp_error e;
        int rc = mikey_sdp_parse(&env, ex4, strlen(ex4), NULL, &sdp, &e);
        if (rc == MIKEY_OK) {
            saw_ok = 1;
            mikey_sdp_free(sdp);
        } else {
            MT_EQ_INT(rc, MIKEY_ERR_NOMEM);
            MT_CHECK(sdp == NULL);
        }
    }
    MT_CHECK(saw_ok);
}

/* Each malformed line: the error code, the 1-based line and the offset. */
#define HDR "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\nt=0 0\r\n" /* 5 lines, 47 bytes */
static const struct {
    const char *text;
    int rc;
    size_t line;
    size_t off;
    const char *what;
} cases[] = {
    {"", MIKEY_ERR_ENCODING, 0, 0, "empty description"},
    {"o=- 1 1 IN IP4 a\r\n", MIKEY_ERR_ENCODING, 1, 0, "no v= first"},
    {"v=1\r\n", MIKEY_ERR_VERSION, 1, 2, "version 1"},
    {"v=x\r\n", MIKEY_ERR_ENCODING, 1, 2, "version not a number"},
    {HDR "v=0\r\n", MIKEY_ERR_ENCODING, 6, 47, "second description"},
    {HDR "x=1\r\n", MIKEY_ERR_ENCODING, 6, 47, "unknown type letter"},
    {HDR "A=1\r\n", MIKEY_ERR_ENCODING, 6, 47, "upper-case type"},
    {HDR "a\r\n", MIKEY_ERR_ENCODING, 6, 47, "no '='"},
    {HDR "\r\na=x\r\n", MIKEY_ERR_ENCODING, 6, 47, "empty line inside"},
    {HDR "a=x\ry\r\n", MIKEY_ERR_ENCODING, 6, 50, "bare CR"},
    {HDR "a=x\0y\r\n", MIKEY_ERR_ENCODING, 6, 50, "NUL"},
    {"v=0\r\ns=-\r\nt=0 0\r\n", MIKEY_ERR_ENCODING, 4, 17, "no o="},
    {"v=0\r\no=- 1 1 IN IP4 a\r\nt=0 0\r\n", MIKEY_ERR_ENCODING, 4, 30, "no s="},
    {"v=0\r\no=- 1 1 IN IP4 a\r\ns=\r\n", MIKEY_ERR_ENCODING, 3, 23, "empty s="},
    {"v=0\r\no=- 1 1 IN IP4\r\n", MIKEY_ERR_ENCODING, 2, 19, "o= with 5 fields"},
    {"v=0\r\no=- 1 1 IN IP4  a\r\n", MIKEY_ERR_ENCODING, 2, 20, "o= double space"},
    {"v=0\r\no=- x 1 IN IP4 a\r\n", MIKEY_ERR_ENCODING, 2, 9, "o= sess-id"},
    {"v=0\r\no=- 1 1 IN IP4 a\r\no=- 1 1 IN IP4 a\r\n", MIKEY_ERR_ENCODING, 3, 23, "two o="},
    {HDR "c=IN IP4 b\r\n", MIKEY_ERR_ENCODING, 6, 47, "two session c="},
    {HDR "r=1 1 0\r\nz=1 1\r\nt=1 2\r\n", MIKEY_OK, 0, 0, "r= z= after t= then another t="},
    {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nr=1 1 0\r\nt=0 0\r\n", MIKEY_ERR_ENCODING, 4, 28, "r= before t="},
    {HDR "t=0\r\n", MIKEY_ERR_ENCODING, 6, 49, "t= one field"},
    {HDR "m=audio 1 RTP/AVP 0\r\nt=0 0\r\n", MIKEY_ERR_ENCODING, 7, 68, "t= in a media section"},
    {HDR "m=audio 1 RTP/AVP 0\r\no=- 1 1 IN IP4 a\r\n", MIKEY_ERR_ENCODING, 7, 68, "o= in media"},
    {HDR "m=audio 1 RTP/AVP\r\n", MIKEY_ERR_ENCODING, 6, 64, "m= without fmt"},
    {HDR "m=audio 1 RTP/AVP \r\n", MIKEY_ERR_ENCODING, 6, 65, "m= trailing SP"},
    {HDR "m=audio 65536 RTP/AVP 0\r\n", MIKEY_ERR_ENCODING, 6, 55, "port 65536"},
    {HDR "m=audio -1 RTP/AVP 0\r\n", MIKEY_ERR_ENCODING, 6, 55, "port -1"},
    {HDR "m=audio 1/0 RTP/AVP 0\r\n", MIKEY_ERR_ENCODING, 6, 55, "zero ports"},
    {HDR "m=audio 1 RTP//AVP 0\r\n", MIKEY_ERR_ENCODING, 6, 57, "empty proto part"},
    {HDR "m=au:dio 1 RTP/AVP 0\r\n", MIKEY_ERR_ENCODING, 6, 49, "media not a token"},
    {HDR "m=audio 1 RTP/AVP 0 \"\r\n", MIKEY_ERR_ENCODING, 6, 67, "fmt not a token"},
    {HDR "m=audio 1 RTP/AVP 0\r\ni=a\r\ni=b\r\n", MIKEY_ERR_ENCODING, 8, 73, "two media i="},
    {HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4\r\n", MIKEY_ERR_ENCODING, 7, 76, "c= two fields"},
    {HDR "m=audio 1 RTP/AVP 0\r\nc=IN IP4 /2\r\n", MIKEY_ERR_ENCODING, 7, 77, "c= empty address"},
    {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n", MIKEY_ERR_ENCODING, 5, 35,
     "no c= at all (strict)"},
    {HDR "a=:x\r\n", MIKEY_ERR_ENCODING, 6, 49, "empty attribute name"},
    {HDR "a=key-mgmt\r\n", MIKEY_ERR_ENCODING, 6, 57, "key-mgmt without value"},
    {HDR "a=key-mgmt:mikey\r\n", MIKEY_ERR_ENCODING, 6, 63, "key-mgmt without data"},
    {HDR "a=key-mgmt:mikey AAA\r\n", MIKEY_ERR_ENCODING, 6, 67, "key-mgmt bad padding"},
    {HDR "a=key-mgmt:mikey AA=A\r\n", MIKEY_ERR_ENCODING, 6, 67, "key-mgmt char after '='"},
    {HDR "a=key-mgmt:mikey AAAA \r\n", MIKEY_ERR_ENCODING, 6, 68, "key-mgmt trailing SP"},
    {HDR "a=key-mgmt:mikey AAAA\r\na=key-mgmt:mikey AQ==\r\n", MIKEY_ERR_ENCODING, 7, 70,
     "same protocol twice in a section"},
    {HDR "a=key-mgmt:mikey AAAA\r\nm=audio 1 RTP/SAVP 0\r\na=key-mgmt:mikey AQ==\r\n", MIKEY_OK, 0, 0,
     "same protocol at session and media level"},
    {HDR "a=sendonly\r\na=recvonly\r\n", MIKEY_ERR_ENCODING, 7, 59, "two direction attributes"},
    {HDR "a=sendonly:x\r\na=recvonly\r\n", MIKEY_OK, 0, 0, "sendonly with a value is another attribute"},
    {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\n", MIKEY_ERR_ENCODING, 5, 40, "no t= (strict)"},
    {HDR "a=x\r\n\r\n", MIKEY_ERR_ENCODING, 7, 52, "trailing blank line (strict)"},
    {HDR "b=AS:64\r\n", MIKEY_ERR_ENCODING, 6, 47, "b= after t= (strict order)"},
    {HDR "k=prompt\r\na=x\r\n", MIKEY_OK, 0, 0, "k= is discarded (RFC 8866 §5.12)"},
};

static void test_precise_errors(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* sizeof-based length so the embedded NUL case is complete */
        size_t len = strlen(cases[i].text);
        if (strcmp(cases[i].what, "NUL") == 0)
            len = strlen(HDR "a=x") + 1 + strlen("y\r\n");
        mikey_sdp *sdp = NULL;
        mikey_sdp_error e;
        memset(&e, 0, sizeof e);
        mikey_sdp_parse_opts o = {NULL, 1};
        int rc = mikey_sdp_parse(NULL, cases[i].text, len, &o, &sdp, &e);
        if (rc != cases[i].rc || (rc != MIKEY_OK && (e.line != cases[i].line || e.offset != cases[i].off)))
            mt_fail(__FILE__, __LINE__, "%s: %s line %zu offset %zu (%s); expected %s line %zu offset %zu",
                    cases[i].what, mikey_err_name(rc), e.line, e.offset, e.detail, mikey_err_name(cases[i].rc),
                    cases[i].line, cases[i].off);
        mikey_sdp_free(sdp);
    }
}

/* The named leniencies: each accepted by default and reported. */
static void test_leniencies(void)
{
    static const struct {
        const char *text;
        unsigned bits;
    } l[] = {
        {HDR "a=x\r\n\r\n\r\n", MIKEY_SDP_LENIENT_TRAILING_BLANK},
        {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a\r\nm=audio 1 RTP/AVP 0\r\n", MIKEY_SDP_LENIENT_MISSING_TIME},
        {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n", MIKEY_SDP_LENIENT_MISSING_CONN},
        {HDR "a=x", MIKEY_SDP_LENIENT_NO_FINAL_EOL},
        {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\na=x\r\nc=IN IP4 a\r\nm=audio 1 RTP/AVP 0\r\na=y\r\nc=IN IP4 b\r\n",
         MIKEY_SDP_LENIENT_ORDER},
    };
    for (size_t i = 0; i < sizeof l / sizeof l[0]; i++) {
        mikey_sdp *sdp = NULL;
        MT_EQ_INT(mikey_sdp_parse(NULL, l[i].text, strlen(l[i].text), NULL, &sdp, NULL), MIKEY_OK);
        MT_EQ_INT(mikey_sdp_leniencies(sdp), l[i].bits);
        mikey_sdp_free(sdp);
        MT_CHECK(parse_copy(l[i].text, strlen(l[i].text), 1, NULL) != MIKEY_OK);
    }
    MT_EQ_STR(mikey_sdp_lenient_name(MIKEY_SDP_LENIENT_ORDER), "order");
    MT_EQ_STR(mikey_sdp_lenient_name(3), "unknown");
    MT_EQ_STR(mikey_sdp_dir_name(MIKEY_SDP_DIR_INACTIVE), "inactive");
    MT_EQ_STR(mikey_sdp_dir_name(9), "unknown");
}

static void test_api_misuse(void)
{
    mikey_sdp *sdp = (mikey_sdp *)&sdp;
    mikey_sdp_error e;
    MT_EQ_INT(mikey_sdp_parse(NULL, NULL, 5, NULL, &sdp, &e), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_parse(NULL, "v=0\r\n", 5, NULL, NULL, &e), MIKEY_ERR_INVALID_ARG);
    mikey_sdp_free(NULL);
    MT_CHECK(mikey_sdp_session_get(NULL) == NULL);
    MT_EQ_INT(mikey_sdp_media_count(NULL), 0);
    MT_CHECK(mikey_sdp_keymgmt_at(NULL, 0) == NULL);
    size_t n;
    MT_EQ_INT(mikey_sdp_streams(NULL, NULL, NULL, 0, &n), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_ids_from_sdp(NULL, -1, NULL, 0, &n), MIKEY_ERR_INVALID_ARG);
}

MT_MAIN(test_every_prefix, test_mutations, test_garbage, test_limits, test_alloc_failures, test_precise_errors,
        test_leniencies, test_api_misuse)
