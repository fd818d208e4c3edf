/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Offer/answer builders (RFC 3264 §5-6 with RFC 4567 key-mgmt). The expected
 * SDP texts are written by hand: the RFC 4567 §5.1/§5.2 examples put in the
 * RFC 8866 §5 line order (c= before t=) with CRLF line ends, without the
 * optional e= line. The MIKEY messages are the §5.1 ones.
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/sdp.h"

#define OFFER_B64                                                                                                      \
    "AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVk"     \
    "Daawi9whVBtBt0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV"
#define ANSWER_B64 "AQEFgM0XflABAAAAAAAAAAAAAAYAyONQ6gAAAAAJAAAQbWlja2V5QG1vdXNlLmNvbQABn8HdGE5BMDXFIuGEga+62AgY5cc="

static uint8_t offer_msg[132], answer_msg[71];

static void load_msgs(void)
{
    size_t n;
    MT_CHECK(mikey_base64_decode(OFFER_B64, strlen(OFFER_B64), offer_msg, sizeof offer_msg, &n, NULL) == MIKEY_OK &&
             n == sizeof offer_msg);
    MT_CHECK(mikey_base64_decode(ANSWER_B64, strlen(ANSWER_B64), answer_msg, sizeof answer_msg, &n, NULL) ==
                 MIKEY_OK &&
             n == sizeof answer_msg);
}

static const char expect_offer[] = "v=0\r\n"
                                   "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\n"
                                   "s=Cool stuff\r\n"
                                   "c=IN IP4 w-land.example.com\r\n"
                                   "t=0 0\r\n"
                                   "a=key-mgmt:mikey " OFFER_B64 "\r\n"
                                   "m=audio 49000 RTP/SAVP 98\r\n"
                                   "a=rtpmap:98 AMR/8000\r\n"
                                   "m=video 52230 RTP/SAVP 31\r\n"
                                   "a=rtpmap:31 H261/90000\r\n";

static const char expect_answer[] = "v=0\r\n"
                                    "o=bob 2891092897 2891092897 IN IP4 foo.example.com\r\n"
                                    "s=Cool stuff\r\n"
                                    "c=IN IP4 foo.example.com\r\n"
                                    "t=0 0\r\n"
                                    "a=key-mgmt:mikey " ANSWER_B64 "\r\n"
                                    "m=audio 49030 RTP/SAVP 98\r\n"
                                    "a=rtpmap:98 AMR/8000\r\n"
                                    "m=video 52230 RTP/SAVP 31\r\n"
                                    "a=rtpmap:31 H261/90000\r\n";

static const unsigned pt98[] = {98}, pt31[] = {31};
static const char *const rtpmap98[] = {"rtpmap:98 AMR/8000"};
static const char *const rtpmap31[] = {"rtpmap:31 H261/90000"};

static void ex1_desc(mikey_sdp_desc *d, mikey_sdp_stream_desc st[2], mikey_sdp_km_item *km)
{
    memset(d, 0, sizeof *d);
    memset(st, 0, 2 * sizeof *st);
    km->prtcl_id = "mikey";
    km->data = offer_msg;
    km->len = sizeof offer_msg;
    st[0].media = "audio";
    st[0].port = 49000;
    st[0].fmts = pt98;
    st[0].nfmts = 1;
    st[0].attrs = rtpmap98;
    st[0].nattrs = 1;
    st[1].media = "video";
    st[1].port = 52230;
    st[1].fmts = pt31;
    st[1].nfmts = 1;
    st[1].attrs = rtpmap31;
    st[1].nattrs = 1;
    d->username = "alice";
    d->sess_id = 2891092738u;
    d->sess_version = 2891092738u;
    d->addr = "w-land.example.com";
    d->name = "Cool stuff";
    d->km = km;
    d->nkm = 1;
    d->streams = st;
    d->nstreams = 2;
}

static mikey_sdp *parse_strict(const char *text, size_t len)
{
    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    mikey_sdp_parse_opts o = {NULL, 1};
    int rc = mikey_sdp_parse(NULL, text, len, &o, &sdp, &e);
    if (rc != MIKEY_OK)
        mt_fail(__FILE__, __LINE__, "parse: %s line %zu: %s", mikey_err_name(rc), e.line, e.detail);
    return sdp;
}

static void test_offer_session_level(void)
{
    load_msgs();
    mikey_sdp_desc d;
    mikey_sdp_stream_desc st[2];
    mikey_sdp_km_item km;
    ex1_desc(&d, st, &km);
    char out[1024];
    size_t n = 0;
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_INT(n, strlen(expect_offer));
    MT_EQ_STR(out, expect_offer);
    /* Sizing: cap 0 reports text + NUL; one short is NOBUF; exact fits. */
    size_t need = 0;
    MT_EQ_INT(mikey_sdp_offer_build(&d, NULL, 0, &need), MIKEY_ERR_NOBUF);
    MT_EQ_INT(need, n + 1);
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, n, &need), MIKEY_ERR_NOBUF);
    MT_EQ_INT(need, n + 1);
    char *exact = malloc(n + 1);
    MT_EQ_INT(mikey_sdp_offer_build(&d, exact, n + 1, &need), MIKEY_OK);
    MT_EQ_STR(exact, expect_offer);
    free(exact);
    /* What we emit parses strictly, with the message intact. */
    mikey_sdp *sdp = parse_strict(out, n);
    MT_REQUIRE(sdp);
    MT_EQ_INT(mikey_sdp_leniencies(sdp), 0);
    const mikey_sdp_keymgmt *k;
    MT_REQUIRE(mikey_sdp_keymgmt_find(sdp, 0, "mikey", &k) == MIKEY_OK);
    MT_MEMEQ(k->data.p, k->data.len, offer_msg, sizeof offer_msg);
    mikey_sdp_free(sdp);
}

static void test_offer_media_level(void)
{
    load_msgs();
    static const char expect[] = "v=0\r\n"
                                 "o=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\n"
                                 "s=Cool stuff\r\n"
                                 "c=IN IP4 w-land.example.com\r\n"
                                 "t=0 0\r\n"
                                 "m=audio 49000 RTP/SAVP 98\r\n"
                                 "a=rtpmap:98 AMR/8000\r\n"
                                 "a=key-mgmt:mikey " OFFER_B64 "\r\n"
                                 "m=video 52230 RTP/AVP 31\r\n"
                                 "a=rtpmap:31 H261/90000\r\n";
    mikey_sdp_desc d;
    mikey_sdp_stream_desc st[2];
    mikey_sdp_km_item km;
    ex1_desc(&d, st, &km);
    d.km = NULL;
    d.nkm = 0;
    st[0].km = &km; /* RFC 4567 §5.2: only the audio stream is keyed */
    st[0].nkm = 1;
    char out[1024];
    size_t n;
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, expect);
}

static void test_offer_options(void)
{
    load_msgs();
    static const char expect[] = "v=0\r\n"
                                 "o=- 1 2 IN IP6 2001:db8::1\r\n"
                                 "s=-\r\n"
                                 "t=0 0\r\n"
                                 "a=recvonly\r\n"
                                 "a=tool:openmikey\r\n"
                                 "a=key-mgmt:mikey " OFFER_B64 "\r\n"
                                 "a=key-mgmt:keyp1 AQID\r\n"
                                 "m=audio 5004 RTP/SAVPF 0 8 101\r\n"
                                 "c=IN IP6 2001:db8::2\r\n"
                                 "a=sendonly\r\n"
                                 "m=application 0 RTP/AVP 96\r\n"
                                 "c=IN IP4 192.0.2.7\r\n";
    static const uint8_t three[] = {1, 2, 3};
    mikey_sdp_km_item km[2] = {{"mikey", offer_msg, sizeof offer_msg}, {"keyp1", three, 3}};
    static const unsigned pts[] = {0, 8, 101}, pt96[] = {96};
    static const char *const sattrs[] = {"tool:openmikey"};
    mikey_sdp_stream_desc st[2];
    memset(st, 0, sizeof st);
    st[0].media = "audio";
    st[0].port = 5004;
    st[0].proto = "RTP/SAVPF";
    st[0].fmts = pts;
    st[0].nfmts = 3;
    st[0].addr = "2001:db8::2";
    st[0].dir = MIKEY_SDP_DIR_SENDONLY;
    st[1].media = "application";
    st[1].port = 0; /* offered disabled (RFC 3264 §5.1) */
    st[1].proto = "RTP/AVP";
    st[1].fmts = pt96;
    st[1].nfmts = 1;
    st[1].addr = "192.0.2.7";
    st[1].addrtype = "IP4";
    mikey_sdp_desc d;
    memset(&d, 0, sizeof d);
    d.sess_id = 1;
    d.sess_version = 2;
    d.addrtype = "IP6";
    d.origin_addr = "2001:db8::1";
    d.dir = MIKEY_SDP_DIR_RECVONLY;
    d.attrs = sattrs;
    d.nattrs = 1;
    d.km = km;
    d.nkm = 2;
    d.streams = st;
    d.nstreams = 2;
    char out[1024];
    size_t n;
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, expect);
    mikey_sdp *sdp = parse_strict(out, n);
    MT_REQUIRE(sdp);
    mikey_sdp_stream_info info[2];
    MT_EQ_INT(mikey_sdp_streams(sdp, NULL, info, 2, &n), MIKEY_OK);
    MT_EQ_INT(info[0].dir, MIKEY_SDP_DIR_SENDONLY);
    MT_EQ_INT(info[1].dir, MIKEY_SDP_DIR_RECVONLY); /* inherited from the session */
    MT_CHECK(info[0].addr.len == 11 && memcmp(info[0].addr.p, "2001:db8::2", 11) == 0);
    MT_EQ_INT(info[0].cs_id_first, 1);
    MT_EQ_INT(info[1].km_index, -1);
    MT_CHECK(info[1].rejected);
    MT_EQ_INT(mikey_sdp_media_at(sdp, 0)->nfmts, 3);
    size_t off = 0;
    mikey_sdp_str f;
    const char *want[] = {"0", "8", "101"};
    for (int i = 0; i < 3; i++) {
        MT_REQUIRE(mikey_sdp_fmt_next(mikey_sdp_media_at(sdp, 0), &off, &f) == MIKEY_OK);
        MT_CHECK(f.len == strlen(want[i]) && memcmp(f.p, want[i], f.len) == 0);
    }
    MT_EQ_INT(mikey_sdp_fmt_next(mikey_sdp_media_at(sdp, 0), &off, &f), MIKEY_ERR_NOT_FOUND);
    mikey_sdp_free(sdp);
}

static void answer_desc(mikey_sdp_answer_desc *a, mikey_sdp_answer_stream as[2], mikey_sdp_km_item *km)
{
    memset(a, 0, sizeof *a);
    memset(as, 0, 2 * sizeof *as);
    km->prtcl_id = "mikey";
    km->data = answer_msg;
    km->len = sizeof answer_msg;
    as[0].accept = 1;
    as[0].port = 49030;
    as[0].attrs = rtpmap98;
    as[0].nattrs = 1;
    as[1].accept = 1;
    as[1].port = 52230;
    as[1].attrs = rtpmap31;
    as[1].nattrs = 1;
    a->username = "bob";
    a->sess_id = 2891092897u;
    a->sess_version = 2891092897u;
    a->addr = "foo.example.com";
    a->name = "Cool stuff";
    a->km = km;
    a->nkm = 1;
    a->streams = as;
    a->nstreams = 2;
}

static void test_answer_round_trip(void)
{
    load_msgs();
    mikey_sdp *offer = parse_strict(expect_offer, strlen(expect_offer));
    MT_REQUIRE(offer);
    mikey_sdp_answer_desc a;
    mikey_sdp_answer_stream as[2];
    mikey_sdp_km_item km;
    answer_desc(&a, as, &km);
    char out[1024];
    size_t n;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, expect_answer);
    size_t need;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, n, &need), MIKEY_ERR_NOBUF);
    MT_EQ_INT(need, n + 1);

    /* The offerer reads the answer: per-stream remote address and port, and
     * the MIKEY response for mikey_finish(). */
    mikey_sdp *ans = parse_strict(out, n);
    MT_REQUIRE(ans);
    mikey_sdp_stream_info info[2];
    MT_EQ_INT(mikey_sdp_streams(ans, NULL, info, 2, &n), MIKEY_OK);
    MT_CHECK(info[0].port == 49030 && info[1].port == 52230);
    MT_CHECK(info[0].addr.len == 15 && memcmp(info[0].addr.p, "foo.example.com", 15) == 0);
    MT_MEMEQ(info[0].mikey.p, info[0].mikey.len, answer_msg, sizeof answer_msg);
    MT_CHECK(info[1].mikey.p == info[0].mikey.p);
    MT_EQ_INT(info[1].cs_id_first, 3);
    mikey_sdp_free(ans);
    mikey_sdp_free(offer);
}

static void test_answer_reject(void)
{
    load_msgs();
    mikey_sdp *offer = parse_strict(expect_offer, strlen(expect_offer));
    MT_REQUIRE(offer);
    mikey_sdp_answer_desc a;
    mikey_sdp_answer_stream as[2];
    mikey_sdp_km_item km;
    answer_desc(&a, as, &km);
    memset(&as[1], 0, sizeof as[1]); /* reject the video stream (RFC 3264 §6) */
    static const unsigned pts[] = {98, 99};
    as[0].fmts = pts;
    as[0].nfmts = 2;
    as[0].dir = MIKEY_SDP_DIR_RECVONLY;
    static const char expect[] = "v=0\r\n"
                                 "o=bob 2891092897 2891092897 IN IP4 foo.example.com\r\n"
                                 "s=Cool stuff\r\n"
                                 "c=IN IP4 foo.example.com\r\n"
                                 "t=0 0\r\n"
                                 "a=key-mgmt:mikey " ANSWER_B64 "\r\n"
                                 "m=audio 49030 RTP/SAVP 98 99\r\n"
                                 "a=rtpmap:98 AMR/8000\r\n"
                                 "a=recvonly\r\n"
                                 "m=video 0 RTP/SAVP 31\r\n";
    char out[1024];
    size_t n;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, expect);
    mikey_sdp *ans = parse_strict(out, n);
    MT_REQUIRE(ans);
    mikey_sdp_stream_info info[2];
    MT_EQ_INT(mikey_sdp_streams(ans, NULL, info, 2, &n), MIKEY_OK);
    MT_CHECK(!info[0].rejected && info[1].rejected);
    MT_EQ_INT(info[1].port, 0);
    mikey_sdp_free(ans);

    /* Rejecting everything, including a session-level answer without key-mgmt. */
    memset(as, 0, sizeof as);
    a.km = NULL;
    a.nkm = 0;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_OK);
    MT_CHECK(strstr(out, "m=audio 0 RTP/SAVP 98\r\nm=video 0 RTP/SAVP 31\r\n") != NULL);
    MT_CHECK(strstr(out, "key-mgmt") == NULL);
    mikey_sdp_free(offer);
}

/* The RTSP §5.3 body has port 0 in the offer: such streams cannot be accepted. */
static void test_answer_refusals(void)
{
    load_msgs();
    mikey_sdp *offer = parse_strict(expect_offer, strlen(expect_offer));
    MT_REQUIRE(offer);
    mikey_sdp_answer_desc a;
    mikey_sdp_answer_stream as[2];
    mikey_sdp_km_item km;
    char out[1024];
    size_t n;

    answer_desc(&a, as, &km);
    a.nstreams = 1; /* RFC 3264 §6: same number of m= lines */
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    answer_desc(&a, as, &km);
    as[1].port = 0; /* accepted with port 0 */
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    answer_desc(&a, as, &km);
    as[1].accept = 0;
    as[1].km = &km; /* key-mgmt on a rejected stream */
    as[1].nkm = 1;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    answer_desc(&a, as, &km);
    static const unsigned bad_pt[] = {128};
    as[0].fmts = bad_pt;
    as[0].nfmts = 1;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    answer_desc(&a, as, &km);
    MT_EQ_INT(mikey_sdp_answer_build(NULL, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    mikey_sdp_free(offer);

    static const char rtsp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                               "m=audio 0 RTP/SAVP 98\r\nm=video 0 RTP/SAVP 31\r\n";
    offer = parse_strict(rtsp, strlen(rtsp));
    MT_REQUIRE(offer);
    answer_desc(&a, as, &km);
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    as[0].accept = as[1].accept = 0;
    as[0].attrs = as[1].attrs = NULL;
    as[0].nattrs = as[1].nattrs = 0;
    MT_EQ_INT(mikey_sdp_answer_build(offer, &a, out, sizeof out, &n), MIKEY_OK);
    mikey_sdp_free(offer);
}

static void test_offer_refusals(void)
{
    load_msgs();
    mikey_sdp_desc d;
    mikey_sdp_stream_desc st[2];
    mikey_sdp_km_item km;
    char out[2048];
    size_t n;
#define REFUSE(mutation)                                                                                               \
    do {                                                                                                               \
        ex1_desc(&d, st, &km);                                                                                         \
        mutation;                                                                                                      \
        int rc_ = mikey_sdp_offer_build(&d, out, sizeof out, &n);                                                      \
        if (rc_ != MIKEY_ERR_INVALID_ARG)                                                                              \
            mt_fail(__FILE__, __LINE__, "%s: %s", #mutation, mikey_err_name(rc_));                                     \
    } while (0)
    REFUSE(st[0].media = "au dio");
    REFUSE(st[0].media = "");
    REFUSE(st[0].media = NULL);
    REFUSE(st[0].proto = "RTP//SAVP");
    REFUSE(st[0].proto = "");
    static const unsigned p128[] = {128};
    REFUSE(st[0].fmts = p128);
    REFUSE(st[0].nfmts = 0);
    REFUSE(st[0].fmts = NULL);
    static const char *const inject[] = {"rtpmap:98 AMR/8000\r\na=key-mgmt:evil AAAA"};
    REFUSE(st[0].attrs = inject); /* no line injection through attributes */
    static const char *const km_attr[] = {"key-mgmt:mikey AAAA"};
    REFUSE(st[0].attrs = km_attr); /* key-mgmt only through km items */
    static const char *const bad_name[] = {"rt pmap:1"};
    REFUSE(st[0].attrs = bad_name);
    REFUSE(d.name = "Cool\nstuff");
    REFUSE(d.username = "al ice");
    REFUSE(d.addr = "w-land example.com");
    REFUSE(d.addr = NULL); /* no c= anywhere */
    REFUSE((d.addr = NULL, d.origin_addr = "x", st[0].addr = "192.0.2.1")); /* video still has none */
    REFUSE(d.addrtype = "IP 4");
    REFUSE(d.time = "0");
    REFUSE(d.time = "now 0");
    REFUSE(d.sess_id = (uint64_t)1 << 63);
    REFUSE(d.dir = 7);
    REFUSE(km.prtcl_id = "mi-key");
    REFUSE(km.prtcl_id = "");
    REFUSE(km.len = 0);
    REFUSE(km.data = NULL);
    mikey_sdp_km_item two[2] = {{"mikey", offer_msg, 1}, {"mikey", offer_msg, 2}};
    REFUSE((d.km = two, d.nkm = 2)); /* the same protocol twice in one level */
    REFUSE((d.nstreams = 3, d.streams = NULL));
#undef REFUSE
    ex1_desc(&d, st, &km);
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, sizeof out, NULL), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_offer_build(NULL, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    /* Without any stream: a session with no media (RFC 3264 §5). */
    d.nstreams = 0;
    MT_EQ_INT(mikey_sdp_offer_build(&d, out, sizeof out, &n), MIKEY_OK);
    mikey_sdp *sdp = parse_strict(out, n);
    MT_CHECK(sdp && mikey_sdp_media_count(sdp) == 0);
    mikey_sdp_free(sdp);
}

static void test_keymgmt_emit_and_value(void)
{
    load_msgs();
    char line[256];
    size_t n;
    MT_EQ_INT(mikey_sdp_keymgmt_emit("mikey", answer_msg, sizeof answer_msg, line, sizeof line, &n), MIKEY_OK);
    MT_EQ_STR(line, "a=key-mgmt:mikey " ANSWER_B64 "\r\n");
    size_t need;
    MT_EQ_INT(mikey_sdp_keymgmt_emit("mikey", answer_msg, sizeof answer_msg, NULL, 0, &need), MIKEY_ERR_NOBUF);
    MT_EQ_INT(need, n + 1);
    MT_EQ_INT(mikey_sdp_keymgmt_emit("mi key", answer_msg, 1, line, sizeof line, &n), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_keymgmt_emit("mikey", answer_msg, 0, line, sizeof line, &n), MIKEY_ERR_INVALID_ARG);

    /* key-mgmt-att-value = 0*1SP prtcl-id SP keymgmt-data */
    mikey_sdp_str id, b64;
    mikey_sdp_error e;
    MT_EQ_INT(mikey_sdp_keymgmt_parse_value("mikey Zm9v", 10, &id, &b64, &e), MIKEY_OK);
    MT_CHECK(id.len == 5 && b64.len == 4 && memcmp(b64.p, "Zm9v", 4) == 0);
    MT_EQ_INT(mikey_sdp_keymgmt_parse_value(" mikey Zm9v", 11, &id, &b64, &e), MIKEY_OK);
    MT_CHECK(id.p[0] == 'm');
    static const struct {
        const char *v;
        int rc;
        size_t off;
    } bad[] = {
        {"  mikey Zm9v", MIKEY_ERR_ENCODING, 1}, /* two leading SP */
        {"mikey  Zm9v", MIKEY_ERR_ENCODING, 6},  /* two SP between */
        {"mikey", MIKEY_ERR_ENCODING, 5},        /* no data */
        {"mikey ", MIKEY_ERR_ENCODING, 6},       /* empty data */
        {"mi-key Zm9v", MIKEY_ERR_ENCODING, 2},  /* KMPID = 1*(ALPHA / DIGIT) */
        {" Zm9v", MIKEY_ERR_ENCODING, 5},        /* read as prtcl-id "Zm9v" without data */
        {"  Zm9v", MIKEY_ERR_ENCODING, 1},       /* empty prtcl-id */
        {"mikey Zm9v ", MIKEY_ERR_ENCODING, 10}, /* trailing SP */
        {"mikey Zm9", MIKEY_ERR_ENCODING, 9},    /* missing padding */
        {"mikey Zg==Zg==", MIKEY_ERR_ENCODING, 10},
        {"mikey Zm9v\tx", MIKEY_ERR_ENCODING, 10},
        {"a23456789012345678901234567890123 Zm9v", MIKEY_ERR_LIMIT, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        int rc = mikey_sdp_keymgmt_parse_value(bad[i].v, strlen(bad[i].v), &id, &b64, &e);
        if (rc != bad[i].rc || e.offset != bad[i].off)
            mt_fail(__FILE__, __LINE__, "\"%s\": %s at %zu (%s), expected %s at %zu", bad[i].v, mikey_err_name(rc),
                    e.offset, e.detail, mikey_err_name(bad[i].rc), bad[i].off);
    }
    MT_EQ_INT(mikey_sdp_keymgmt_parse_value("mikey Zm\r\n", 10, &id, &b64, &e), MIKEY_ERR_ENCODING);
    MT_EQ_INT(e.offset, 8);
}

static void test_rtsp_header(void)
{
    load_msgs();
    char h[512];
    size_t n;
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_emit("mikey", "rtsp://movie.example.com/action", answer_msg, sizeof answer_msg,
                                          h, sizeof h, &n),
              MIKEY_OK);
    MT_EQ_STR(h, "prot=mikey; uri=\"rtsp://movie.example.com/action\"; data=\"" ANSWER_B64 "\"");
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_emit("mikey", NULL, answer_msg, 3, h, sizeof h, &n), MIKEY_OK);
    MT_EQ_STR(h, "prot=mikey; data=\"AQEF\"");
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_emit("mikey", "a\"b", answer_msg, 3, h, sizeof h, &n), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_emit("mikey", "a\r\nb", answer_msg, 3, h, sizeof h, &n), MIKEY_ERR_INVALID_ARG);

    mikey_sdp_rtsp_km km[3];
    mikey_sdp_error e;
    /* gortsplib / Nx style, erratum 2247 order swapped, two specs. */
    static const char two[] = "prot=mikey;data=\"Zm9v\";uri=\"rtsps://h/t=0\", prot=keyp1;";
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_parse(two, strlen(two), km, 3, &n, &e), MIKEY_OK);
    MT_EQ_INT(n, 2);
    MT_CHECK(km[0].data.len == 4 && km[0].uri.len == 13 && km[1].prot.len == 5 && km[1].data.len == 0);
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_parse(two, strlen(two), km, 1, &n, &e), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 2);
    /* Hanwha-style empty uri; uppercase parameter names. */
    static const char empty_uri[] = "Prot=mikey; URI=\"\"; Data=\"Zm9v\"";
    MT_EQ_INT(mikey_sdp_rtsp_keymgmt_parse(empty_uri, strlen(empty_uri), km, 3, &n, &e), MIKEY_OK);
    MT_CHECK(km[0].uri.len == 0 && km[0].data.len == 4);
    static const struct {
        const char *v;
        size_t off;
    } bad[] = {
        {"", 0},
        {"uri=\"x\"; prot=mikey", 0},            /* prot first */
        {"prot=", 5},                            /* empty KMPID */
        {"prot=mi-key", 7},                      /* '-' after the KMPID */
        {"prot=mikey; data=\"Zm9\"", 21},        /* bad base64 (ends inside a quantum) */
        {"prot=mikey; data=\"Zm9v", 22},         /* unterminated quote */
        {"prot=mikey; data=\"Zm9v\"; data=\"Zm9v\"", 25},
        {"prot=mikey; foo=\"x\"", 12},           /* unknown parameter */
        {"prot=mikey; uri=x", 15},               /* unquoted */
        {"prot=mikey uri=\"x\"", 11},            /* missing ';' */
        {"prot=mikey,", 11},                     /* empty spec after ',' */
        {"prot=mikey; data=\"\"", 18},           /* empty data */
        {"prot=mikey; uri=\"a\x01\"", 18},       /* control character */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        int rc = mikey_sdp_rtsp_keymgmt_parse(bad[i].v, strlen(bad[i].v), km, 3, &n, &e);
        if (rc != MIKEY_ERR_ENCODING || e.offset != bad[i].off)
            mt_fail(__FILE__, __LINE__, "\"%s\": %s at %zu (%s), expected ENCODING at %zu", bad[i].v,
                    mikey_err_name(rc), e.offset, e.detail, bad[i].off);
    }
}

MT_MAIN(test_offer_session_level, test_offer_media_level, test_offer_options, test_answer_round_trip,
        test_answer_reject, test_answer_refusals, test_offer_refusals, test_keymgmt_emit_and_value, test_rtsp_header)
