/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bidding-down protection (RFC 4567 §4.1.4, §7): the MIKEY message carries
 * the offered protocol list in a General Extension of type 1 "SDP IDs"
 * (RFC 3830 §6.15); the answerer compares it with the key-mgmt attributes it
 * actually received. The messages here are the RFC 4567 §5.1 offer rebuilt
 * with such extensions; the SDPs are the §4.1.4 example and variants an
 * attacker could produce (attribute stripped, reordered, extension removed).
 */
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/sdp.h"

#define EX1_OFFER_B64                                                                                                  \
    "AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVk"     \
    "Daawi9whVBtBt0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV"
#define KEYP1 "a=key-mgmt:keyp1 727gkdOshsuiSDF9sdhsdKnD/dhsoSJokdo7eWA=\r\n"
#define KEYP2 "a=key-mgmt:keyp2 DFsnuiSDSh9sdhKksd/dhsoddo7eOok727gWsA==\r\n"
#define MIKEY "a=key-mgmt:mikey " EX1_OFFER_B64 "\r\n"
#define HEAD "v=0\r\no=alice 2891092738 2891092738 IN IP4 lost.example.com\r\ns=Secret discussion\r\n" \
             "c=IN IP4 lost.example.com\r\nt=0 0\r\n"
#define MEDIA "m=audio 39000 RTP/SAVP 98\r\na=rtpmap:98 AMR/8000\r\nm=video 42000 RTP/SAVP 31\r\n"

/* The RFC 4567 §5.1 offer message with `n` SDP IDs extensions appended
 * (Data = lists[i], as ASCII without NUL). Returns the parsed message; *buf
 * holds its bytes (the message's spans point into it). */
static mikey_msg *msg_with_ids(const char *const *lists, size_t n, uint8_t **buf)
{
    uint8_t orig[200];
    size_t olen = 0;
    MT_CHECK(mikey_base64_decode(EX1_OFFER_B64, strlen(EX1_OFFER_B64), orig, sizeof orig, &olen, NULL) == MIKEY_OK);
    mikey_msg *m = NULL, *b = NULL;
    if (mikey_msg_parse(NULL, orig, olen, NULL, &m, NULL) != MIKEY_OK || mikey_msg_new(NULL, 0, &b) != MIKEY_OK)
        return NULL;
    for (size_t i = 0; i < mikey_msg_count(m); i++)
        MT_CHECK(mikey_msg_append(b, mikey_msg_at(m, i)) == MIKEY_OK);
    for (size_t i = 0; i < n; i++) {
        mikey_payload pl;
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_GENEXT;
        pl.u.genext.type = MIKEY_GENEXT_SDP_IDS;
        pl.u.genext.data.p = (const uint8_t *)lists[i];
        pl.u.genext.data.len = strlen(lists[i]);
        MT_CHECK(mikey_msg_append(b, &pl) == MIKEY_OK);
    }
    size_t need = mikey_msg_encoded_len(b), outlen;
    *buf = malloc(need);
    MT_CHECK(mikey_msg_encode(b, *buf, need, &outlen) == MIKEY_OK);
    mikey_msg_free(b);
    mikey_msg_free(m);
    mikey_msg *r = NULL;
    MT_CHECK(mikey_msg_parse(NULL, *buf, outlen, NULL, &r, NULL) == MIKEY_OK);
    return r;
}

static mikey_sdp *sdp_of(const char *text)
{
    mikey_sdp *s = NULL;
    mikey_sdp_error e;
    int rc = mikey_sdp_parse(NULL, text, strlen(text), NULL, &s, &e);
    if (rc != MIKEY_OK)
        mt_fail(__FILE__, __LINE__, "parse: %s line %zu: %s", mikey_err_name(rc), e.line, e.detail);
    return s;
}

/* Check msg (with ids ext list, or none if NULL) against SDP text at session scope. */
static void expect(const char *ext, const char *sdp_text, unsigned flags, int want_rc, int want_verdict, int line)
{
    uint8_t *buf = NULL;
    const char *lists[1] = {ext};
    mikey_msg *m = msg_with_ids(lists, ext ? 1 : 0, &buf);
    mikey_sdp *s = sdp_of(sdp_text);
    if (!m || !s) {
        mt_fail(__FILE__, line, "setup failed");
    } else {
        int v = -1;
        int rc = mikey_sdp_ids_check_sdp(m, s, MIKEY_SDP_SESSION, flags, &v);
        if (rc != want_rc || v != want_verdict)
            mt_fail(__FILE__, line, "ext \"%s\": rc %s verdict %s, expected %s / %s", ext ? ext : "(none)",
                    mikey_err_name(rc), mikey_sdp_ids_verdict_name(v), mikey_err_name(want_rc),
                    mikey_sdp_ids_verdict_name(want_verdict));
    }
    mikey_sdp_free(s);
    mikey_msg_free(m);
    free(buf);
}

static const char sdp3[] = HEAD MIKEY KEYP1 KEYP2 MEDIA;
static const char sdp_stripped[] = HEAD MIKEY KEYP1 MEDIA;    /* keyp2 peeled off */
static const char sdp_only_mikey[] = HEAD MIKEY MEDIA;        /* both peeled off */
static const char sdp_reordered[] = HEAD KEYP1 MIKEY KEYP2 MEDIA;
static const char sdp_added[] = HEAD MIKEY KEYP1 KEYP2 "a=key-mgmt:keyp3 AAAA\r\n" MEDIA;
static const char sdp_no_mikey[] = HEAD KEYP1 MEDIA;

static void test_match(void)
{
    expect("mikey;keyp1;keyp2", sdp3, 0, MIKEY_OK, MIKEY_SDP_IDS_MATCH, __LINE__);
    expect("mikey;keyp1;keyp2", sdp3, MIKEY_SDP_IDS_REQUIRE, MIKEY_OK, MIKEY_SDP_IDS_MATCH, __LINE__);
    expect("mikey", sdp_only_mikey, MIKEY_SDP_IDS_REQUIRE, MIKEY_OK, MIKEY_SDP_IDS_MATCH, __LINE__);
}

static void test_attacks(void)
{
    /* A man in the middle removed keyp2 (RFC 4567 §4.1.4 "peel off"). */
    expect("mikey;keyp1;keyp2", sdp_stripped, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_STRIPPED, __LINE__);
    expect("mikey;keyp1;keyp2", sdp_only_mikey, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_STRIPPED, __LINE__);
    /* ... or changed the preference order (RFC 4567 §4.1.2). */
    expect("mikey;keyp1;keyp2", sdp_reordered, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_REORDERED, __LINE__);
    /* ... or added an attribute the offerer did not send. */
    expect("mikey;keyp1;keyp2", sdp_added, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_ADDED, __LINE__);
    /* Same length, different ids; case matters (RFC 4567 §3: KMPID is case sensitive). */
    expect("MIKEY;keyp1;keyp2", sdp3, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_DIFFERENT, __LINE__);
    expect("mikey;keyp1;keyp9", sdp3, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_DIFFERENT, __LINE__);
    expect("mikey;keyp9", sdp_stripped, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_DIFFERENT, __LINE__);
}

static void test_missing(void)
{
    /* Several protocols offered and no list: cannot tell what was offered. */
    expect(NULL, sdp3, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_MISSING, __LINE__);
    expect(NULL, sdp_stripped, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_MISSING, __LINE__);
    /* A lone mikey offer without the list (RFC 4567 §5.1 itself): accepted
     * unless the policy requires the list. */
    expect(NULL, sdp_only_mikey, 0, MIKEY_OK, MIKEY_SDP_IDS_ABSENT_SINGLE, __LINE__);
    expect(NULL, sdp_only_mikey, MIKEY_SDP_IDS_REQUIRE, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_MISSING, __LINE__);
    /* Checked against a level where mikey is not offered. */
    expect(NULL, sdp_no_mikey, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_NO_MIKEY, __LINE__);
    expect("keyp1", sdp_no_mikey, 0, MIKEY_ERR_POLICY, MIKEY_SDP_IDS_NO_MIKEY, __LINE__);
}

static void test_malformed(void)
{
    static const char *const bad[] = {"", "mikey;", ";mikey", "mikey;;keyp1", "mikey; keyp1", "mikey keyp1",
                                      "mikey\n", "mi-key", "mikey;keyp1;keyp2;"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(bad[i], sdp3, 0, MIKEY_ERR_ENCODING, MIKEY_SDP_IDS_MALFORMED, __LINE__);
    /* A NUL-terminated list is not the prtcl-list either. */
    uint8_t *buf = NULL;
    mikey_msg *m = NULL;
    {
        static const char *const lists[1] = {"mikey"};
        m = msg_with_ids(lists, 1, &buf);
    }
    MT_REQUIRE(m);
    int v;
    MT_EQ_INT(mikey_sdp_ids_check(m, "mikey", 5, 0, &v), MIKEY_OK);
    MT_EQ_INT(mikey_sdp_ids_check(m, "mikey\0", 6, 0, &v), MIKEY_ERR_ENCODING); /* bad expected list */
    MT_EQ_INT(mikey_sdp_ids_check(m, NULL, 3, 0, &v), MIKEY_ERR_INVALID_ARG);
    mikey_msg_free(m);
    free(buf);
}

static void test_duplicate_ext(void)
{
    static const char *const lists[2] = {"mikey;keyp1;keyp2", "mikey"};
    uint8_t *buf = NULL;
    mikey_msg *m = msg_with_ids(lists, 2, &buf);
    MT_REQUIRE(m);
    mikey_span sp;
    MT_EQ_INT(mikey_sdp_ids_get(m, &sp), MIKEY_ERR_POLICY);
    int v = -1;
    MT_EQ_INT(mikey_sdp_ids_check(m, "mikey", 5, 0, &v), MIKEY_ERR_POLICY);
    MT_EQ_INT(v, MIKEY_SDP_IDS_DUPLICATE);
    mikey_msg_free(m);
    free(buf);
}

/* Other General Extension types are not the list. */
static void test_other_genext_ignored(void)
{
    uint8_t *buf = NULL;
    mikey_msg *m = msg_with_ids(NULL, 0, &buf);
    MT_REQUIRE(m);
    mikey_msg *b = NULL;
    MT_REQUIRE(mikey_msg_new(NULL, 0, &b) == MIKEY_OK);
    for (size_t i = 0; i < mikey_msg_count(m); i++)
        MT_CHECK(mikey_msg_append(b, mikey_msg_at(m, i)) == MIKEY_OK);
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_GENEXT;
    pl.u.genext.type = MIKEY_GENEXT_VENDOR_ID;
    pl.u.genext.data.p = (const uint8_t *)"mikey;keyp1";
    pl.u.genext.data.len = 11;
    MT_CHECK(mikey_msg_append(b, &pl) == MIKEY_OK);
    mikey_span sp;
    MT_EQ_INT(mikey_sdp_ids_get(b, &sp), MIKEY_ERR_NOT_FOUND);
    int v;
    MT_EQ_INT(mikey_sdp_ids_check(b, "mikey;keyp1", 11, 0, &v), MIKEY_ERR_POLICY);
    MT_EQ_INT(v, MIKEY_SDP_IDS_MISSING);
    /* With the payload helper the list is found on a built message too. */
    MT_EQ_INT(mikey_sdp_ids_payload("mikey;keyp1", 11, &pl), MIKEY_OK);
    MT_EQ_INT(pl.type, MIKEY_PT_GENEXT);
    MT_EQ_INT(pl.u.genext.type, 1);
    MT_CHECK(mikey_msg_append(b, &pl) == MIKEY_OK);
    MT_EQ_INT(mikey_sdp_ids_get(b, &sp), MIKEY_OK);
    MT_MEMEQ(sp.p, sp.len, "mikey;keyp1", 11);
    MT_EQ_INT(mikey_sdp_ids_check(b, "mikey;keyp1", 11, 0, &v), MIKEY_OK);
    MT_EQ_INT(mikey_sdp_ids_payload("mikey;", 6, &pl), MIKEY_ERR_ENCODING);
    mikey_msg_free(b);
    mikey_msg_free(m);
    free(buf);
}

/* The list of a media-level attribute is that media section's attributes. */
static void test_media_scope(void)
{
    static const char t[] = HEAD MIKEY KEYP1 "m=audio 39000 RTP/SAVP 98\r\n" KEYP2 MIKEY
                            "m=video 42000 RTP/SAVP 31\r\n";
    mikey_sdp *s = sdp_of(t);
    MT_REQUIRE(s);
    char list[64];
    size_t n;
    MT_EQ_INT(mikey_sdp_ids_from_sdp(s, 0, list, sizeof list, &n), MIKEY_OK);
    MT_EQ_STR(list, "keyp2;mikey");
    MT_EQ_INT(mikey_sdp_ids_from_sdp(s, 1, list, sizeof list, &n), MIKEY_OK);
    MT_EQ_STR(list, "mikey;keyp1");
    MT_EQ_INT(mikey_sdp_ids_from_sdp(s, 2, list, sizeof list, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const l0[1] = {"keyp2;mikey"};
    uint8_t *buf = NULL;
    mikey_msg *m = msg_with_ids(l0, 1, &buf);
    int v;
    MT_EQ_INT(mikey_sdp_ids_check_sdp(m, s, 0, 0, &v), MIKEY_OK);
    MT_EQ_INT(mikey_sdp_ids_check_sdp(m, s, 1, 0, &v), MIKEY_ERR_POLICY);
    MT_EQ_INT(v, MIKEY_SDP_IDS_DIFFERENT);
    MT_EQ_INT(mikey_sdp_ids_check_sdp(m, s, MIKEY_SDP_SESSION, 0, &v), MIKEY_ERR_POLICY);
    mikey_msg_free(m);
    free(buf);
    mikey_sdp_free(s);
}

static void test_ids_build(void)
{
    char out[64];
    size_t n = 0;
    static const char *const three[] = {"mikey", "keyp1", "keyp2"};
    MT_EQ_INT(mikey_sdp_ids_build(three, 3, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, "mikey;keyp1;keyp2");
    MT_EQ_INT(n, 17);
    MT_EQ_INT(mikey_sdp_ids_build(three, 3, out, 17, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, 18);
    MT_EQ_INT(mikey_sdp_ids_build(three, 3, NULL, 0, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(mikey_sdp_ids_build(three, 1, out, sizeof out, &n), MIKEY_OK);
    MT_EQ_STR(out, "mikey");
    static const char *const dup[] = {"mikey", "keyp1", "mikey"};
    MT_EQ_INT(mikey_sdp_ids_build(dup, 3, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const badc[] = {"mikey", "key-p1"};
    MT_EQ_INT(mikey_sdp_ids_build(badc, 2, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const empty[] = {""};
    MT_EQ_INT(mikey_sdp_ids_build(empty, 1, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const semi[] = {"mikey;keyp1"};
    MT_EQ_INT(mikey_sdp_ids_build(semi, 1, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const nul[] = {NULL};
    MT_EQ_INT(mikey_sdp_ids_build(nul, 1, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_sdp_ids_build(three, 0, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
    static const char *const longid[] = {"a234567890123456789012345678901234"};
    MT_EQ_INT(mikey_sdp_ids_build(longid, 1, out, sizeof out, &n), MIKEY_ERR_INVALID_ARG);
}

/* End to end: the offerer builds list, message and SDP; an attacker deletes
 * one key-mgmt line of the SDP text; the answerer detects it. */
static void test_offer_strip_end_to_end(void)
{
    static const char *const ids[] = {"mikey", "keyp1"};
    char list[32];
    size_t n;
    MT_REQUIRE(mikey_sdp_ids_build(ids, 2, list, sizeof list, &n) == MIKEY_OK);
    const char *lists[1] = {list};
    uint8_t *buf = NULL;
    mikey_msg *m = msg_with_ids(lists, 1, &buf);
    MT_REQUIRE(m);
    size_t mlen = mikey_msg_encoded_len(m);
    static const uint8_t keyp1_data[] = {1, 2, 3, 4, 5};
    mikey_sdp_km_item km[2] = {{"mikey", buf, mlen}, {"keyp1", keyp1_data, sizeof keyp1_data}};
    static const unsigned pt[] = {0};
    mikey_sdp_stream_desc st = {"audio", 49170, NULL, pt, 1, NULL, NULL, 0, NULL, 0, NULL, 0};
    mikey_sdp_desc d;
    memset(&d, 0, sizeof d);
    d.username = "alice";
    d.sess_id = 1;
    d.sess_version = 1;
    d.addr = "192.0.2.10";
    d.km = km;
    d.nkm = 2;
    d.streams = &st;
    d.nstreams = 1;
    char sdp[2048];
    MT_REQUIRE(mikey_sdp_offer_build(&d, sdp, sizeof sdp, &n) == MIKEY_OK);

    /* Untouched: the answerer finds mikey, decodes it, the list matches. */
    mikey_sdp *s = sdp_of(sdp);
    MT_REQUIRE(s);
    mikey_sdp_stream_info info[1];
    MT_REQUIRE(mikey_sdp_streams(s, "mikey", info, 1, &n) == MIKEY_OK);
    mikey_msg *rm = NULL;
    MT_REQUIRE(mikey_msg_parse(NULL, info[0].mikey.p, info[0].mikey.len, NULL, &rm, NULL) == MIKEY_OK);
    int v;
    MT_EQ_INT(mikey_sdp_ids_check_sdp(rm, s, info[0].km_scope, 0, &v), MIKEY_OK);

    /* Attacker: delete the "a=key-mgmt:keyp1 ..." line (of a copy: rm's
     * spans point into s, which points into sdp). */
    char tampered[2048];
    memcpy(tampered, sdp, strlen(sdp) + 1);
    char *k = strstr(tampered, "a=key-mgmt:keyp1");
    MT_REQUIRE(k);
    char *eol = strstr(k, "\r\n");
    memmove(k, eol + 2, strlen(eol + 2) + 1);
    mikey_sdp *t = sdp_of(tampered);
    MT_REQUIRE(t);
    MT_EQ_INT(mikey_sdp_ids_check_sdp(rm, t, info[0].km_scope, 0, &v), MIKEY_ERR_POLICY);
    MT_EQ_INT(v, MIKEY_SDP_IDS_STRIPPED);
    mikey_sdp_free(t);
    mikey_msg_free(rm);
    mikey_sdp_free(s);
    mikey_msg_free(m);
    free(buf);
}

static void test_verdict_names(void)
{
    MT_EQ_STR(mikey_sdp_ids_verdict_name(MIKEY_SDP_IDS_STRIPPED), "stripped");
    MT_EQ_STR(mikey_sdp_ids_verdict_name(MIKEY_SDP_IDS_NO_MIKEY), "no-mikey");
    MT_EQ_STR(mikey_sdp_ids_verdict_name(99), "unknown");
    MT_EQ_STR(mikey_sdp_ids_verdict_name(-1), "unknown");
}

MT_MAIN(test_match, test_attacks, test_missing, test_malformed, test_duplicate_ext, test_other_genext_ignored,
        test_media_scope, test_ids_build, test_offer_strip_end_to_end, test_verdict_names)
