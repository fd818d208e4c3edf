/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SDP with several session-level a=key-mgmt:mikey attributes (negotiate.h):
 * the offer text written against hand-written expected text (RFC 8866 line
 * order, RFC 4567 §3.1 attribute syntax, RFC 4648 base64 computed by hand),
 * reading it back (the messages in order, the prtcl-list of RFC 4567
 * §4.1.4, the description with one attribute kept for the per-stream view
 * and the answer), and the errors: their offsets and lines refer to the text
 * as received although the parser saw it without the other attributes.
 */
#include "mt.h"
#include "openmikey/negotiate.h"
#include "openmikey/sdp.h"

#include <string.h>

static const unsigned pts[] = {0, 8};

static size_t build(const mikey_sdp_km_item *km, size_t n, char *out, size_t cap, int *rc)
{
    mikey_sdp_stream_desc audio;
    memset(&audio, 0, sizeof audio);
    audio.media = "audio";
    audio.port = 49170;
    audio.fmts = pts;
    audio.nfmts = 2;
    mikey_sdp_desc d;
    memset(&d, 0, sizeof d);
    d.username = "alice";
    d.sess_id = 1;
    d.sess_version = 2;
    d.addr = "192.0.2.10";
    d.streams = &audio;
    d.nstreams = 1;
    size_t len = 0;
    *rc = mikey_neg_sdp_offer_build(&d, km, n, out, cap, &len);
    return len;
}

/* "A", "BC", "DEF" are base64 "QQ==", "QkM=", "REVG" (RFC 4648 §4 by hand). */
static const char EXPECTED[] = "v=0\r\n"
                               "o=alice 1 2 IN IP4 192.0.2.10\r\n"
                               "s=-\r\n"
                               "c=IN IP4 192.0.2.10\r\n"
                               "t=0 0\r\n"
                               "a=key-mgmt:mikey QQ==\r\n"
                               "a=key-mgmt:mikey QkM=\r\n"
                               "a=key-mgmt:mikey REVG\r\n"
                               "m=audio 49170 RTP/SAVP 0 8\r\n";

static const mikey_sdp_km_item KM[3] = {
    {"mikey", (const uint8_t *)"A", 1}, {"mikey", (const uint8_t *)"BC", 2}, {"mikey", (const uint8_t *)"DEF", 3}};

static void test_build(void)
{
    char out[1024];
    int rc;
    size_t n = build(KM, 3, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_EQ_STR(out, EXPECTED);
    MT_EQ_INT(n, strlen(EXPECTED));
    /* NOBUF: the size with the NUL, and exactly that much suffices */
    n = build(KM, 3, out, 10, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, strlen(EXPECTED) + 1);
    n = build(KM, 3, out, strlen(EXPECTED) + 1, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_EQ_STR(out, EXPECTED);
    n = build(KM, 3, out, strlen(EXPECTED), &rc);
    MT_EQ_INT(rc, MIKEY_ERR_NOBUF);
    /* one attribute: the plain builder's output */
    n = build(KM, 1, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_CHECK(strstr(out, "a=key-mgmt:mikey QQ==\r\nm=audio") != NULL);
    /* none: no attribute, RTP/AVP */
    n = build(KM, 0, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_OK);
    MT_CHECK(strstr(out, "key-mgmt") == NULL && strstr(out, "RTP/AVP") != NULL);
    /* bad ids and empty data are refused, also in the inserted attributes */
    mikey_sdp_km_item bad[2] = {{"mikey", (const uint8_t *)"A", 1}, {"mi key", (const uint8_t *)"A", 1}};
    build(bad, 2, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_INVALID_ARG);
    bad[1].prtcl_id = "mikey";
    bad[1].len = 0;
    build(bad, 2, out, sizeof out, &rc);
    MT_EQ_INT(rc, MIKEY_ERR_INVALID_ARG);
    mikey_sdp_desc d;
    memset(&d, 0, sizeof d);
    d.km = KM; /* km belongs in the argument */
    d.nkm = 1;
    size_t len;
    MT_EQ_INT(mikey_neg_sdp_offer_build(&d, KM, 1, out, sizeof out, &len), MIKEY_ERR_INVALID_ARG);
}

static void test_parse_select(void)
{
    mikey_neg_sdp *s = NULL;
    mikey_sdp_error pe;
    MT_REQUIRE(mikey_neg_sdp_parse(NULL, EXPECTED, strlen(EXPECTED), NULL, &s, &pe) == MIKEY_OK);
    size_t n = 0;
    const mikey_span *o = mikey_neg_sdp_offers(s, &n);
    MT_EQ_INT(n, 3);
    MT_MEMEQ(o[0].p, o[0].len, "A", 1);
    MT_MEMEQ(o[1].p, o[1].len, "BC", 2);
    MT_MEMEQ(o[2].p, o[2].len, "DEF", 3);
    MT_EQ_STR(mikey_neg_sdp_list(s), "mikey;mikey;mikey");
    for (size_t i = 0; i < 3; i++) {
        const mikey_sdp *sdp = NULL;
        MT_REQUIRE(mikey_neg_sdp_select(s, i, &sdp) == MIKEY_OK);
        MT_EQ_INT(mikey_sdp_keymgmt_count(sdp), 1);
        const mikey_sdp_keymgmt *k = mikey_sdp_keymgmt_at(sdp, 0);
        MT_MEMEQ(k->data.p, k->data.len, o[i].p, o[i].len);
        mikey_sdp_stream_info info[2];
        size_t ns = 0;
        MT_EQ_INT(mikey_sdp_streams(sdp, "mikey", info, 2, &ns), MIKEY_OK);
        MT_EQ_INT(ns, 1);
        MT_MEMEQ(info[0].mikey.p, info[0].mikey.len, o[i].p, o[i].len);
        MT_EQ_INT(info[0].port, 49170);
        MT_EQ_INT(info[0].cs_id_first, 1);
        /* the answer to the selected description */
        mikey_sdp_km_item km = {"mikey", (const uint8_t *)"R", 1};
        mikey_sdp_answer_stream as;
        memset(&as, 0, sizeof as);
        as.accept = 1;
        as.port = 5004;
        mikey_sdp_answer_desc a;
        memset(&a, 0, sizeof a);
        a.addr = "192.0.2.20";
        a.km = &km;
        a.nkm = 1;
        a.streams = &as;
        a.nstreams = 1;
        char ans[1024];
        size_t al = 0;
        MT_EQ_INT(mikey_sdp_answer_build(sdp, &a, ans, sizeof ans, &al), MIKEY_OK);
        MT_CHECK(strstr(ans, "a=key-mgmt:mikey Ug==\r\n") != NULL);
    }
    const mikey_sdp *sdp = NULL;
    MT_EQ_INT(mikey_neg_sdp_select(s, 3, &sdp), MIKEY_ERR_NOT_FOUND);
    mikey_neg_sdp_free(s);
}

static void test_other_protocols_and_lf(void)
{
    static const char t[] = "v=0\n"
                            "o=- 1 1 IN IP4 192.0.2.10\n"
                            "s=-\n"
                            "c=IN IP4 192.0.2.10\n"
                            "t=0 0\n"
                            "a=key-mgmt:mikey QQ==\n"
                            "a=key-mgmt:keyp1 QkM=\n"
                            "a=key-mgmt:mikey REVG\n"
                            "m=audio 49170 RTP/SAVP 0\n"
                            "a=key-mgmt:mikey Ug==\n";
    mikey_neg_sdp *s = NULL;
    mikey_sdp_error pe;
    MT_REQUIRE(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe) == MIKEY_OK);
    size_t n = 0;
    mikey_neg_sdp_offers(s, &n);
    MT_EQ_INT(n, 2);                                   /* session level only */
    MT_EQ_STR(mikey_neg_sdp_list(s), "mikey;keyp1;mikey"); /* every protocol, SDP order */
    const mikey_sdp *sdp = NULL;
    MT_REQUIRE(mikey_neg_sdp_select(s, 1, &sdp) == MIKEY_OK);
    MT_EQ_INT(mikey_sdp_keymgmt_count(sdp), 3); /* keyp1, the kept mikey, the media one */
    /* the media-level attribute overrides for the stream (RFC 4567 §3.1) */
    mikey_sdp_stream_info info;
    size_t ns = 0;
    MT_EQ_INT(mikey_sdp_streams(sdp, "mikey", &info, 1, &ns), MIKEY_OK);
    MT_MEMEQ(info.mikey.p, info.mikey.len, "R", 1);
    mikey_neg_sdp_free(s);
}

/* Errors point into the text as received. */
static void test_errors(void)
{
    char t[2048];
    mikey_neg_sdp *s = NULL;
    mikey_sdp_error pe;
    /* an unknown line after the removed attributes: line 10, its offset */
    snprintf(t, sizeof t, "%sy=oops\r\n", EXPECTED);
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_ENCODING);
    MT_CHECK(s == NULL);
    MT_EQ_INT(pe.line, 10);
    MT_EQ_INT(pe.offset, strlen(EXPECTED));
    /* bad base64 in an attribute the parser never sees: its exact character */
    snprintf(t, sizeof t, "%s", EXPECTED);
    char *p = strstr(t, "QkM=");
    p[2] = '*';
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pe.line, 7);
    MT_EQ_INT(pe.offset, (size_t)(p + 2 - t));
    /* non-canonical base64 (RFC 4648 §3.5) */
    snprintf(t, sizeof t, "%s", EXPECTED);
    p = strstr(t, "QkM=");
    p[2] = 'N'; /* "QkN=": unused bits set */
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_ENCODING);
    /* a bad attribute value: two spaces */
    snprintf(t, sizeof t, "%s", EXPECTED);
    p = strstr(t, "mikey REVG");
    memcpy(p, "mikey  EVG", 10);
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pe.line, 8);
    /* seven mikey attributes: more than methods */
    size_t k = (size_t)snprintf(t, sizeof t, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n");
    for (int i = 0; i < 7; i++)
        k += (size_t)snprintf(t + k, sizeof t - k, "a=key-mgmt:mikey QQ==\r\n");
    snprintf(t + k, sizeof t - k, "m=audio 1 RTP/SAVP 0\r\n");
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_LIMIT);
    MT_EQ_INT(pe.line, 12);
    /* six is fine */
    strcpy(strstr(t, "a=key-mgmt:mikey QQ==\r\nm="), "m=audio 1 RTP/SAVP 0\r\n");
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_OK);
    mikey_neg_sdp_free(s);
    s = NULL;
    /* no session-level mikey attribute */
    static const char media_only[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                                     "m=audio 1 RTP/SAVP 0\r\na=key-mgmt:mikey QQ==\r\n";
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, media_only, strlen(media_only), NULL, &s, &pe), MIKEY_ERR_NOT_FOUND);
    /* repeated at media level: the sdp.h parser refuses it */
    snprintf(t, sizeof t, "%sa=key-mgmt:mikey QQ==\r\na=key-mgmt:mikey QQ==\r\n", EXPECTED);
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pe.line, 11);
    /* strict mode is passed on */
    snprintf(t, sizeof t, "%s", EXPECTED);
    t[strlen(t) - 2] = 0; /* no final CRLF */
    mikey_sdp_parse_opts so;
    memset(&so, 0, sizeof so);
    so.strict = 1;
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), &so, &s, &pe), MIKEY_ERR_TRUNCATED);
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, t, strlen(t), NULL, &s, &pe), MIKEY_OK);
    mikey_neg_sdp_free(s);
    /* limits are passed on */
    mikey_sdp_limits lim;
    mikey_sdp_limits_default(&lim);
    lim.max_sdp_len = 50;
    so.strict = 0;
    so.limits = &lim;
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, EXPECTED, strlen(EXPECTED), &so, &s, &pe), MIKEY_ERR_LIMIT);
    MT_EQ_INT(mikey_neg_sdp_parse(NULL, NULL, 5, NULL, &s, &pe), MIKEY_ERR_INVALID_ARG);
}

/* Every prefix and every single-byte change of the offer: an error or a
 * description, never a crash (ASan build). */
static void test_robust(void)
{
    char t[1024];
    size_t len = strlen(EXPECTED), ok = 0;
    for (size_t l = 0; l <= len; l++) {
        mikey_neg_sdp *s = NULL;
        memcpy(t, EXPECTED, l);
        if (mikey_neg_sdp_parse(NULL, t, l, NULL, &s, NULL) == MIKEY_OK)
            ok++;
        mikey_neg_sdp_free(s);
    }
    static const char subst[] = {0, '\r', '\n', ' ', '=', 'a', ':', ';', '/', '\xff'};
    for (size_t i = 0; i < len; i++)
        for (size_t j = 0; j < sizeof subst; j++) {
            mikey_neg_sdp *s = NULL;
            memcpy(t, EXPECTED, len);
            t[i] = subst[j];
            mikey_sdp_error pe;
            int rc = mikey_neg_sdp_parse(NULL, t, len, NULL, &s, &pe);
            if (rc == MIKEY_OK) {
                const mikey_sdp *sdp;
                size_t n = 0;
                mikey_neg_sdp_offers(s, &n);
                for (size_t k = 0; k < n; k++)
                    MT_CHECK(mikey_neg_sdp_select(s, k, &sdp) == MIKEY_OK);
            } else {
                MT_CHECK(pe.offset <= len);
            }
            mikey_neg_sdp_free(s);
        }
    MT_CHECK(ok >= 1);
}

MT_MAIN(test_build, test_parse_select, test_other_protocols_and_lf, test_errors, test_robust)
