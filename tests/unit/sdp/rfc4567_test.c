/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RFC 4567 §4.1.4 and §5 example SDPs, parsed, with the MIKEY messages
 * inside decoded by mikey_msg_parse(). In the RFC text the base64 of §5.1 is
 * split over lines; here it is reassembled. The expected message bytes were
 * decoded independently (Python's base64 module) and checked field by field
 * against the RFC 3830 §6 diagrams: e.g. the offer is HDR(PSK init, V=1,
 * CSB ID 0xcd177e50, 1 CS) T RAND ID("donald@duck.com") SP KEMAC.
 * Examples whose base64 the RFC elides with "..." are used in two forms: as
 * printed (must be rejected at the '.'), and completed with the §5.1 data.
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/sdp.h"

#define EX1_OFFER_B64                                                                                                  \
    "AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2"                                                            \
    "UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt"                                           \
    "0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV"
#define EX1_ANSWER_B64                                                                                                 \
    "AQEFgM0XflABAAAAAAAAAAAAAAYAyONQ6gAAAAAJAAAQbWlja2"                                                              \
    "V5QG1vdXNlLmNvbQABn8HdGE5BMDXFIuGEga+62AgY5cc="

/* Independent decode (Python base64.b64decode) of the two messages. */
static const char *ex1_offer_hex =
    "01000580cd177e5001000000000000000000000b00c8e350ea0000000006104a28da979ee21a7651a0d7f19136d98c0a00000f646f6e"
    "616c64406475636b2e636f6d010000000000010024d092a981a5640da6b08bdc21541b41b74299d78ca636ebbadbe36fde8ccf2f2830"
    "2bf19b015f627a69c6508675f5f59050e4abcca4c0bfdcd5";
static const char *ex1_answer_hex =
    "01010580cd177e5001000000000000000000000600c8e350ea00000000090000106d69636b6579406d6f7573652e636f6d00019fc1dd"
    "184e413035c522e18481afbad80818e5c7";

/* RFC 4567 §5.1, Alice's offer, with CRLF line ends. Note the RFC writes
 * t= before c=, against the RFC 8866 §5 order. */
static const char ex1_offer[] = "v=0\r\n"
                                "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\n"
                                "s=Cool stuff\r\n"
                                "e=alice@w-land.example.com\r\n"
                                "t=0 0\r\n"
                                "c=IN IP4 w-land.example.com\r\n"
                                "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
                                "m=audio 49000 RTP/SAVP 98\r\n"
                                "a=rtpmap:98 AMR/8000\r\n"
                                "m=video 52230 RTP/SAVP 31\r\n"
                                "a=rtpmap:31 H261/90000\r\n";

/* RFC 4567 §5.1, Bob's answer. */
static const char ex1_answer[] = "v=0\r\n"
                                 "o=bob 2891092897 2891092897 IN IP4 foo.example.com\r\n"
                                 "s=Cool stuff\r\n"
                                 "e=bob@foo.example.com\r\n"
                                 "t=0 0\r\n"
                                 "c=IN IP4 foo.example.com\r\n"
                                 "a=key-mgmt:mikey " EX1_ANSWER_B64 "\r\n"
                                 "m=audio 49030 RTP/SAVP 98\r\n"
                                 "a=rtpmap:98 AMR/8000\r\n"
                                 "m=video 52230 RTP/SAVP 31\r\n"
                                 "a=rtpmap:31 H261/90000\r\n";

/* RFC 4567 §5.2 as printed (the base64 ends in "..."). */
static const char ex2_printed[] = "v=0\r\n"
                                  "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\n"
                                  "s=Cool stuff\r\n"
                                  "e=alice@w-land.example.com\r\n"
                                  "t=0 0\r\n"
                                  "c=IN IP4 w-land.example.com\r\n"
                                  "m=audio 49000 RTP/SAVP 98\r\n"
                                  "a=rtpmap:98 AMR/8000\r\n"
                                  "a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAy...\r\n"
                                  "m=video 52230 RTP/AVP 31\r\n"
                                  "a=rtpmap:31 H261/90000\r\n";

/* §5.2 completed with the §5.1 message, and LF-only line ends. */
static const char ex2[] = "v=0\n"
                          "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\n"
                          "s=Cool stuff\n"
                          "e=alice@w-land.example.com\n"
                          "t=0 0\n"
                          "c=IN IP4 w-land.example.com\n"
                          "m=audio 49000 RTP/SAVP 98\n"
                          "a=rtpmap:98 AMR/8000\n"
                          "a=key-mgmt:mikey " EX1_OFFER_B64 "\n"
                          "m=video 52230 RTP/AVP 31\n"
                          "a=rtpmap:31 H261/90000\n";

/* RFC 4567 §5.3 (RTSP DESCRIBE response body), completed. */
static const char ex3[] = "v=0\r\n"
                          "o=actionmovie 2891092738 2891092738 IN IP4 movie.example.com\r\n"
                          "s=Action Movie\r\n"
                          "e=action@movie.example.com\r\n"
                          "t=0 0\r\n"
                          "c=IN IP4 movie.example.com\r\n"
                          "a=control:rtsp://movie.example.com/action\r\n"
                          "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
                          "m=audio 0 RTP/SAVP 98\r\n"
                          "a=rtpmap:98 AMR/8000\r\n"
                          "a=control:rtsp://movie.example.com/action/audio\r\n"
                          "m=video 0 RTP/SAVP 31\r\n"
                          "a=rtpmap:31 H261/90000\r\n"
                          "a=control:rtsp://movie.example.com/action/video\r\n";

/* RFC 4567 §5.4: one MIKEY attribute per media, completed (the video one
 * with the §5.1 answer bytes so the two differ). */
static const char ex4[] = "v=0\r\n"
                          "o=actionmovie 2891092738 2891092738 IN IP4 movie.example.com\r\n"
                          "s=Action Movie\r\n"
                          "e=action@movie.example.com\r\n"
                          "t=0 0\r\n"
                          "c=IN IP4 movie.example.com\r\n"
                          "a=control:rtsp://movie.example.com/action\r\n"
                          "m=audio 0 RTP/SAVP 98\r\n"
                          "a=rtpmap:98 AMR/8000\r\n"
                          "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
                          "a=control:rtsp://movie.example.com/action/audio\r\n"
                          "m=video 0 RTP/SAVP 31\r\n"
                          "a=rtpmap:31 H261/90000\r\n"
                          "a=key-mgmt:mikey " EX1_ANSWER_B64 "\r\n"
                          "a=control:rtsp://movie.example.com/action/video\r\n";

/* RFC 4567 §4.1.4: three protocols at session level, as printed (elided
 * data, and a space inside keyp2's), then completed with valid base64. */
static const char ex_bid_printed[] = "v=0\r\n"
                                     "o=alice 2891092738 2891092738 IN IP4 lost.example.com\r\n"
                                     "s=Secret discussion\r\n"
                                     "t=0 0\r\n"
                                     "c=IN IP4 lost.example.com\r\n"
                                     "a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAyO...\r\n"
                                     "a=key-mgmt:keyp1 727gkdOshsuiSDF9sdhsdKnD/dhsoSJokdo7eWD...\r\n"
                                     "a=key-mgmt:keyp2 DFsnuiSDSh9sdh Kksd/dhsoddo7eOok727gWsJD...\r\n"
                                     "m=audio 39000 RTP/SAVP 98\r\n"
                                     "a=rtpmap:98 AMR/8000\r\n"
                                     "m=video 42000 RTP/SAVP 31\r\n"
                                     "a=rtpmap:31 H261/90000\r\n";

static const char ex_bid[] = "v=0\r\n"
                             "o=alice 2891092738 2891092738 IN IP4 lost.example.com\r\n"
                             "s=Secret discussion\r\n"
                             "c=IN IP4 lost.example.com\r\n"
                             "t=0 0\r\n"
                             "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
                             "a=key-mgmt:keyp1 727gkdOshsuiSDF9sdhsdKnD/dhsoSJokdo7eWA=\r\n"
                             "a=key-mgmt:keyp2 DFsnuiSDSh9sdhKksd/dhsoddo7eOok727gWsA==\r\n"
                             "m=audio 39000 RTP/SAVP 98\r\n"
                             "a=rtpmap:98 AMR/8000\r\n"
                             "m=video 42000 RTP/SAVP 31\r\n"
                             "a=rtpmap:31 H261/90000\r\n";

static int streq(mikey_sdp_str s, const char *lit) { return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0; }

static mikey_sdp *parse_ok(const char *text, size_t len, unsigned strict)
{
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    mikey_sdp_parse_opts o = {NULL, strict};
    int rc = mikey_sdp_parse(NULL, text, len, &o, &sdp, &e);
    if (rc != MIKEY_OK)
        mt_fail(__FILE__, __LINE__, "parse: %s at offset %zu line %zu: %s", mikey_err_name(rc), e.offset, e.line,
                e.detail);
    return sdp;
}

/* Walk a parsed message's payload types. */
static void check_types(const mikey_msg *m, const unsigned *types, size_t n)
{
    MT_EQ_INT(mikey_msg_count(m), n);
    for (size_t i = 0; i < n && i < mikey_msg_count(m); i++)
        MT_EQ_INT(mikey_msg_at(m, i)->type, types[i]);
}

static void test_ex1_offer(void)
{
    /* Strict mode refuses the RFC's t=-before-c= order, at the c= line. */
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    mikey_sdp_parse_opts strict = {NULL, 1};
    MT_EQ_INT(mikey_sdp_parse(NULL, ex1_offer, strlen(ex1_offer), &strict, &sdp, &e), MIKEY_ERR_ENCODING);
    MT_CHECK(sdp == NULL);
    MT_EQ_INT(e.line, 6);
    MT_EQ_INT(e.offset, (size_t)(strstr(ex1_offer, "c=IN") - ex1_offer));

    sdp = parse_ok(ex1_offer, strlen(ex1_offer), 0);
    MT_REQUIRE(sdp);
    MT_EQ_INT(mikey_sdp_leniencies(sdp), MIKEY_SDP_LENIENT_ORDER);
    const mikey_sdp_session *s = mikey_sdp_session_get(sdp);
    MT_CHECK(streq(s->username, "alice"));
    MT_CHECK(streq(s->sess_id, "2891092738"));
    MT_CHECK(streq(s->o_addr, "w-land.example.com"));
    MT_CHECK(streq(s->name, "Cool stuff"));
    MT_CHECK(streq(s->addrtype, "IP4"));
    MT_CHECK(streq(s->addr, "w-land.example.com"));
    MT_CHECK(streq(s->time, "0 0"));
    MT_EQ_INT(s->km_count, 1);
    MT_EQ_INT(mikey_sdp_media_count(sdp), 2);
    MT_EQ_INT(mikey_sdp_keymgmt_count(sdp), 1);

    const mikey_sdp_media *a = mikey_sdp_media_at(sdp, 0), *v = mikey_sdp_media_at(sdp, 1);
    MT_REQUIRE(a && v && !mikey_sdp_media_at(sdp, 2));
    MT_CHECK(streq(a->media, "audio") && a->port == 49000 && streq(a->proto, "RTP/SAVP") && streq(a->fmts, "98"));
    MT_CHECK(streq(v->media, "video") && v->port == 52230 && streq(v->fmts, "31"));
    MT_CHECK(a->secure && v->secure);
    MT_EQ_INT(a->km_scope, MIKEY_SDP_SESSION);
    MT_EQ_INT(v->km_scope, MIKEY_SDP_SESSION);
    MT_CHECK(streq(a->addr, "w-land.example.com"));
    MT_EQ_INT(a->dir, MIKEY_SDP_DIR_SENDRECV);

    const mikey_sdp_keymgmt *k = NULL;
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, 1, "mikey", &k), MIKEY_OK);
    MT_REQUIRE(k);
    MT_EQ_INT(k->scope, MIKEY_SDP_SESSION);
    MT_EQ_INT(k->line, 7);
    MT_CHECK(streq(k->prtcl_id, "mikey"));
    MT_CHECK(streq(k->b64, EX1_OFFER_B64));
    size_t elen;
    unsigned char *expect = mt_hex(ex1_offer_hex, &elen);
    MT_MEMEQ(k->data.p, k->data.len, expect, elen);
    free(expect);
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, MIKEY_SDP_SESSION, "keyp1", &k), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, 2, "mikey", &k), MIKEY_ERR_INVALID_ARG);

    /* The MIKEY message inside (RFC 4567 §5.1: the pre-shared key method). */
    mikey_msg *m = NULL;
    mikey_parse_error pe;
    MT_REQUIRE(mikey_msg_parse(NULL, mikey_sdp_keymgmt_at(sdp, 0)->data.p, mikey_sdp_keymgmt_at(sdp, 0)->data.len,
                               NULL, &m, &pe) == MIKEY_OK);
    static const unsigned types[] = {MIKEY_PT_HDR, MIKEY_PT_T, MIKEY_PT_RAND, MIKEY_PT_ID, MIKEY_PT_SP,
                                     MIKEY_PT_KEMAC};
    check_types(m, types, 6);
    const mikey_hdr *h = mikey_msg_hdr(m);
    MT_EQ_INT(h->data_type, MIKEY_DT_PSK_INIT);
    MT_EQ_INT(h->v, 1);
    MT_EQ_INT(h->csb_id, 0xcd177e50u);
    MT_EQ_INT(h->ncs, 1);
    const mikey_payload *id = mikey_msg_find(m, MIKEY_PT_ID, 0);
    MT_MEMEQ(id->u.id.data.p, id->u.id.data.len, "donald@duck.com", 15);
    mikey_msg_free(m);

    /* Per-stream view: both streams keyed by the one session-level message,
     * CS ids 1-2 and 3-4 (RFC 4567 §7.1). */
    mikey_sdp_stream_info info[2];
    size_t n = 0;
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 1, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 2);
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 2, &n), MIKEY_OK);
    MT_EQ_INT(info[0].cs_id_first, 1);
    MT_EQ_INT(info[1].cs_id_first, 3);
    MT_EQ_INT(info[0].km_index, 0);
    MT_EQ_INT(info[1].km_index, 0);
    MT_CHECK(info[0].mikey.p == info[1].mikey.p && info[0].mikey.len == 132);
    MT_CHECK(streq(info[1].addr, "w-land.example.com") && info[1].port == 52230 && !info[1].rejected);
    mikey_sdp_free(sdp);
}

static void test_ex1_answer(void)
{
    mikey_sdp *sdp = parse_ok(ex1_answer, strlen(ex1_answer), 0);
    MT_REQUIRE(sdp);
    const mikey_sdp_keymgmt *k = NULL;
    MT_REQUIRE(mikey_sdp_keymgmt_find(sdp, MIKEY_SDP_SESSION, "mikey", &k) == MIKEY_OK);
    size_t elen;
    unsigned char *expect = mt_hex(ex1_answer_hex, &elen);
    MT_MEMEQ(k->data.p, k->data.len, expect, elen);
    free(expect);
    mikey_msg *m = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, k->data.p, k->data.len, NULL, &m, NULL) == MIKEY_OK);
    static const unsigned types[] = {MIKEY_PT_HDR, MIKEY_PT_T, MIKEY_PT_ID, MIKEY_PT_V};
    check_types(m, types, 4);
    MT_EQ_INT(mikey_msg_hdr(m)->data_type, MIKEY_DT_PSK_RESP);
    MT_EQ_INT(mikey_msg_hdr(m)->csb_id, 0xcd177e50u); /* same CSB as the offer */
    const mikey_payload *id = mikey_msg_find(m, MIKEY_PT_ID, 0);
    MT_MEMEQ(id->u.id.data.p, id->u.id.data.len, "mickey@mouse.com", 16);
    mikey_msg_free(m);
    MT_EQ_INT(mikey_sdp_media_at(sdp, 0)->port, 49030);
    MT_CHECK(streq(mikey_sdp_session_get(sdp)->username, "bob"));
    mikey_sdp_free(sdp);
}

static void test_ex2_media_level(void)
{
    /* As printed: the '.' of "..." is the first bad base64 character. */
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    MT_EQ_INT(mikey_sdp_parse(NULL, ex2_printed, strlen(ex2_printed), NULL, &sdp, &e), MIKEY_ERR_ENCODING);
    MT_EQ_INT(e.offset, (size_t)(strstr(ex2_printed, "...") - ex2_printed));
    MT_EQ_INT(e.line, 9);

    sdp = parse_ok(ex2, strlen(ex2), 0);
    MT_REQUIRE(sdp);
    const mikey_sdp_media *a = mikey_sdp_media_at(sdp, 0), *v = mikey_sdp_media_at(sdp, 1);
    MT_EQ_INT(mikey_sdp_session_get(sdp)->km_count, 0);
    MT_EQ_INT(a->km_scope, 0);
    MT_EQ_INT(a->km_count, 1);
    MT_EQ_INT(v->km_scope, MIKEY_SDP_NONE);
    MT_CHECK(!v->secure && streq(v->proto, "RTP/AVP"));
    const mikey_sdp_keymgmt *k;
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, 0, "mikey", &k), MIKEY_OK);
    MT_EQ_INT(k->scope, 0);
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, 1, "mikey", &k), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, MIKEY_SDP_SESSION, "mikey", &k), MIKEY_ERR_NOT_FOUND);
    mikey_sdp_stream_info info[2];
    size_t n;
    MT_EQ_INT(mikey_sdp_streams(sdp, "mikey", info, 2, &n), MIKEY_OK);
    MT_EQ_INT(info[0].km_scope, 0);
    MT_EQ_INT(info[0].cs_id_first, 1);
    MT_EQ_INT(info[0].mikey.len, 132);
    MT_EQ_INT(info[1].km_index, -1);
    MT_EQ_INT(info[1].mikey.len, 0);
    MT_EQ_INT(info[1].cs_id_first, 0);
    mikey_sdp_free(sdp);
}

/* "Even if the key management attribute were specified at the session
 * level, the video part would not be affected by this (as [...] the RTP/AVP
 * profile is signaled)" (RFC 4567 §5.2). */
static void test_session_level_skips_avp(void)
{
    static const char t[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                            "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
                            "m=video 52230 RTP/AVP 31\r\n"
                            "m=audio 49000 RTP/SAVP 98\r\n"
                            "m=audio 49002 RTP/SAVPF 97\r\n";
    mikey_sdp *sdp = parse_ok(t, strlen(t), 1);
    MT_REQUIRE(sdp);
    mikey_sdp_stream_info info[3];
    size_t n;
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 3, &n), MIKEY_OK);
    MT_EQ_INT(info[0].km_index, -1);
    MT_EQ_INT(info[0].cs_id_first, 0);
    MT_EQ_INT(info[1].km_index, 0);
    MT_EQ_INT(info[1].cs_id_first, 1); /* the RTP/AVP stream takes no CS ids */
    MT_EQ_INT(info[2].cs_id_first, 3);
    MT_EQ_INT(info[2].km_scope, MIKEY_SDP_SESSION);
    mikey_sdp_free(sdp);
}

static void test_ex3_rtsp(void)
{
    mikey_sdp *sdp = parse_ok(ex3, strlen(ex3), 0); /* t= before c= again */
    MT_REQUIRE(sdp);
    MT_EQ_INT(mikey_sdp_leniencies(sdp), MIKEY_SDP_LENIENT_ORDER);
    mikey_sdp_stream_info info[2];
    size_t n;
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 2, &n), MIKEY_OK);
    /* Port 0 in an RTSP DESCRIBE body: the streams are keyed anyway. */
    MT_CHECK(info[0].rejected && info[1].rejected);
    MT_EQ_INT(info[0].cs_id_first, 1);
    MT_EQ_INT(info[1].cs_id_first, 3);
    mikey_sdp_free(sdp);

    /* The SETUP's KeyMgmt header (§5.3, folded as printed), completed. */
    static const char hdr[] = "prot=mikey; uri=\"rtsp://movie.example.com/action\";\r\n"
                              "         data=\"" EX1_ANSWER_B64 "\"";
    mikey_sdp_rtsp_km km[2];
    mikey_sdp_error e;
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_parse(hdr, strlen(hdr), km, 2, &n, &e), MIKEY_OK);
    MT_EQ_INT(n, 1);
    MT_CHECK(streq(km[0].prot, "mikey"));
    MT_CHECK(streq(km[0].uri, "rtsp://movie.example.com/action"));
    MT_CHECK(streq(km[0].data, EX1_ANSWER_B64));
    /* As printed the data ends in "...": refused at the first '.'. */
    static const char printed[] = "prot=mikey; uri=\"rtsp://movie.example.com/action\";\r\n"
                                  "         data=\"AQEFgM0XflABAAAAAAAAAAAAAAYAyONQ6g...\"";
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_parse(printed, strlen(printed), km, 2, &n, &e), MIKEY_ERR_ENCODING);
    MT_EQ_INT(e.offset, (size_t)(strstr(printed, "...") - printed));
}

static void test_ex4_rtsp_media_level(void)
{
    mikey_sdp *sdp = parse_ok(ex4, strlen(ex4), 0);
    MT_REQUIRE(sdp);
    MT_EQ_INT(mikey_sdp_keymgmt_count(sdp), 2);
    mikey_sdp_stream_info info[2];
    size_t n;
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 2, &n), MIKEY_OK);
    MT_EQ_INT(info[0].km_scope, 0);
    MT_EQ_INT(info[1].km_scope, 1);
    MT_EQ_INT(info[0].mikey.len, 132);
    MT_EQ_INT(info[1].mikey.len, 71);
    MT_EQ_INT(info[0].cs_id_first, 1); /* each message numbers its own crypto sessions */
    MT_EQ_INT(info[1].cs_id_first, 1);
    char list[64];
    MT_EQ_INT(mikey_sdp_ids_from_sdp(sdp, 1, list, sizeof list, &n), MIKEY_OK);
    MT_EQ_STR(list, "mikey");
    MT_EQ_INT(mikey_sdp_ids_from_sdp(sdp, MIKEY_SDP_SESSION, list, sizeof list, &n), MIKEY_ERR_NOT_FOUND);
    mikey_sdp_free(sdp);
}

static void test_bid_example(void)
{
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    /* As printed: refused at the first elided "...". */
    MT_EQ_INT(mikey_sdp_parse(NULL, ex_bid_printed, strlen(ex_bid_printed), NULL, &sdp, &e), MIKEY_ERR_ENCODING);
    MT_EQ_INT(e.line, 6);
    MT_EQ_INT(e.offset, (size_t)(strstr(ex_bid_printed, "...") - ex_bid_printed));
    /* keyp2's inner space alone is refused too, at the space. */
    static const char v[] = "keyp2 DFsnuiSDSh9sdh Kksd/dhsoddo7eOok727gWsA==";
    mikey_sdp_str id, b64;
    MT_EQ_INT(mikey_sdp_keymgmt_parse_value(v, strlen(v), &id, &b64, &e), MIKEY_ERR_ENCODING);
    MT_EQ_INT(e.offset, 20);
    sdp = parse_ok(ex_bid, strlen(ex_bid), 1);
    MT_REQUIRE(sdp);
    char list[64];
    size_t n;
    /* "The protocol list, "mikey;keyp1;keyp2", would be generated from the SDP". */
    MT_EQ_INT(mikey_sdp_ids_from_sdp(sdp, MIKEY_SDP_SESSION, list, sizeof list, &n), MIKEY_OK);
    MT_EQ_STR(list, "mikey;keyp1;keyp2");
    MT_EQ_INT(n, 17);
    MT_EQ_INT(mikey_sdp_ids_from_sdp(sdp, 0, list, sizeof list, &n), MIKEY_OK); /* media 0 inherits it */
    MT_EQ_STR(list, "mikey;keyp1;keyp2");
    MT_EQ_INT(mikey_sdp_ids_from_sdp(sdp, 0, list, 17, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 18);
    const mikey_sdp_keymgmt *k;
    MT_EQ_INT(mikey_sdp_keymgmt_find(sdp, 1, "keyp2", &k), MIKEY_OK);
    MT_EQ_INT(k->data.len, 28);
    mikey_sdp_stream_info info[2];
    MT_EQ_INT(mikey_sdp_streams(sdp, "keyp1", info, 2, &n), MIKEY_OK);
    MT_EQ_INT(info[1].km_index, 1);
    mikey_sdp_free(sdp);
}

MT_MAIN(test_ex1_offer, test_ex1_answer, test_ex2_media_level, test_session_level_skips_avp, test_ex3_rtsp,
        test_ex4_rtsp_media_level, test_bid_example)
