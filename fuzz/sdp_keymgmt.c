/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the SDP key-mgmt carriage (src/sdp): the SDP parser, the a=key-mgmt
 * value parser, the RTSP KeyMgmt header parser and strict base64, under a
 * deterministic env whose allocator fails on demand. Oracles (abort on
 * violation):
 *  - strict base64 is canonical: whatever decodes re-encodes to the same text
 *    (both for the whole input and for every key-mgmt attribute parsed);
 *  - an accepted description yields an answer (mikey_sdp_answer_build) that
 *    parses in strict mode with the same m= lines, media types and protos,
 *    and the same session-level key-mgmt data;
 *  - protocol lists rebuilt from the SDP are valid prtcl-lists;
 *  - on failure nothing is returned and the error offset is inside the input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "openmikey/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_b64_canonical(const char *b64, size_t len)
{
    size_t n = 0, pos = 0;
    if (mikey_base64_decode(b64, len, NULL, 0, &n, &pos) == MIKEY_ERR_ENCODING) {
        if (pos > len)
            abort();
        return;
    }
    uint8_t *bin = malloc(n ? n : 1);
    size_t got = 0;
    if (mikey_base64_decode(b64, len, bin, n, &got, NULL) != MIKEY_OK || got != n)
        abort();
    char *txt = malloc(len + 1);
    size_t tl = 0;
    if (mikey_base64_encode(bin, n, txt, len + 1, &tl) != MIKEY_OK || tl != len || memcmp(txt, b64, len) != 0)
        abort();
    free(txt);
    free(bin);
}

static int str_eq(mikey_sdp_str a, mikey_sdp_str b) { return a.len == b.len && memcmp(a.p, b.p, a.len) == 0; }

/* Build an answer accepting streams with a port and rejecting the others,
 * and check what comes back. */
static void answer_oracle(const mikey_env *env, const mikey_sdp *offer)
{
    size_t nm = mikey_sdp_media_count(offer);
    mikey_sdp_answer_stream *as = calloc(nm ? nm : 1, sizeof *as);
    for (size_t i = 0; i < nm; i++) {
        const mikey_sdp_media *m = mikey_sdp_media_at(offer, i);
        as[i].accept = m->port != 0;
        as[i].port = (uint16_t)(40000 + i);
    }
    static const uint8_t resp[] = {1, 1, 5, 0x80}; /* stand-in key-mgmt response */
    mikey_sdp_km_item km = {"mikey", resp, sizeof resp};
    mikey_sdp_answer_desc a;
    memset(&a, 0, sizeof a);
    a.sess_id = 1;
    a.sess_version = 1;
    a.addr = "192.0.2.1";
    a.km = &km;
    a.nkm = 1;
    a.streams = as;
    a.nstreams = nm;
    size_t need = 0;
    int rc = mikey_sdp_answer_build(offer, &a, NULL, 0, &need);
    if (rc != MIKEY_ERR_NOBUF)
        abort(); /* everything the parser accepted is valid input for the builder */
    char *out = malloc(need);
    size_t len = 0;
    if (mikey_sdp_answer_build(offer, &a, out, need, &len) != MIKEY_OK || len + 1 != need)
        abort();
    mikey_sdp *ans = NULL;
    mikey_sdp_parse_opts strict = {NULL, 1};
    mikey_sdp_limits lim;
    mikey_sdp_limits_default(&lim);
    lim.max_sdp_len = (size_t)-1; /* the answer may be longer than the offer's cap */
    lim.max_line_len = (size_t)-1;
    strict.limits = &lim;
    rc = mikey_sdp_parse(env, out, len, &strict, &ans, NULL);
    if (rc == MIKEY_ERR_NOMEM) {
        free(out);
        free(as);
        return;
    }
    if (rc != MIKEY_OK || mikey_sdp_media_count(ans) != nm)
        abort();
    for (size_t i = 0; i < nm; i++) {
        const mikey_sdp_media *o = mikey_sdp_media_at(offer, i), *r = mikey_sdp_media_at(ans, i);
        if (!str_eq(o->media, r->media) || !str_eq(o->proto, r->proto) ||
            r->port != (as[i].accept ? as[i].port : 0) || !str_eq(o->fmts, r->fmts))
            abort();
    }
    const mikey_sdp_keymgmt *k = NULL;
    if (mikey_sdp_keymgmt_find(ans, MIKEY_SDP_SESSION, "mikey", &k) != MIKEY_OK || k->data.len != sizeof resp ||
        memcmp(k->data.p, resp, sizeof resp) != 0)
        abort();
    mikey_sdp_free(ans);
    free(out);
    free(as);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mikey_env env;
    unsigned fail_at = (size % 7 == 3) ? (unsigned)(size % 5) + 1 : 0;
    fuzz_env_init(&env, 1, fail_at);
    const char *text = (const char *)data;

    mikey_sdp *sdp = NULL;
    mikey_sdp_error e;
    mikey_sdp_parse_opts o = {NULL, (unsigned)(size & 1)};
    int rc = mikey_sdp_parse(&env, text, size, &o, &sdp, &e);
    if (rc != MIKEY_OK) {
        if (sdp != NULL || e.err != rc || e.offset > size)
            abort();
    } else {
        fuzz_env_init(&env, 1, 0);
        for (size_t i = 0; i < mikey_sdp_keymgmt_count(sdp); i++) {
            const mikey_sdp_keymgmt *k = mikey_sdp_keymgmt_at(sdp, i);
            check_b64_canonical(k->b64.p, k->b64.len);
            if (k->data.len == 0)
                abort();
            /* The MIKEY message inside, and its SDP IDs against the SDP. */
            mikey_msg *m = NULL;
            if (mikey_msg_parse(&env, k->data.p, k->data.len, NULL, &m, NULL) == MIKEY_OK) {
                int v = -1;
                int crc = mikey_sdp_ids_check_sdp(m, sdp, k->scope, 0, &v);
                if (crc != MIKEY_OK && crc != MIKEY_ERR_POLICY && crc != MIKEY_ERR_ENCODING)
                    abort();
                if (v < MIKEY_SDP_IDS_MATCH || v > MIKEY_SDP_IDS_NO_MIKEY)
                    abort();
                mikey_msg_free(m);
            }
        }
        char list[MIKEY_SDP_IDS_MAX * (MIKEY_SDP_KMPID_MAX + 1) + 1];
        for (int s = -1; s < (int)mikey_sdp_media_count(sdp); s++) {
            size_t n = 0;
            int lrc = mikey_sdp_ids_from_sdp(sdp, s, list, sizeof list, &n);
            if (lrc == MIKEY_OK) {
                mikey_payload pl;
                if (mikey_sdp_ids_payload(list, n, &pl) != MIKEY_OK)
                    abort();
            } else if (lrc != MIKEY_ERR_NOT_FOUND) {
                abort();
            }
        }
        size_t ns = 0;
        if (mikey_sdp_streams(sdp, NULL, NULL, 0, &ns) != (ns ? MIKEY_ERR_NOBUF : MIKEY_OK))
            abort();
        mikey_sdp_stream_info *info = calloc(ns ? ns : 1, sizeof *info);
        if (mikey_sdp_streams(sdp, NULL, info, ns, &ns) != MIKEY_OK)
            abort();
        free(info);
        answer_oracle(&env, sdp);
        mikey_sdp_free(sdp);
    }

    /* The same bytes as other text the library reads. */
    mikey_sdp_str id, b64;
    rc = mikey_sdp_keymgmt_parse_value(text, size, &id, &b64, &e);
    if (rc == MIKEY_OK)
        check_b64_canonical(b64.p, b64.len);
    else if (rc != MIKEY_ERR_ENCODING && rc != MIKEY_ERR_LIMIT)
        abort();
    mikey_sdp_rtsp_km km[4];
    size_t n = 0;
    rc = mikey_sdp_rtsp_keymgmt_parse(text, size, km, 4, &n, &e);
    if (rc == MIKEY_OK) {
        for (size_t i = 0; i < n; i++)
            check_b64_canonical(km[i].data.p, km[i].data.len);
    } else if (rc != MIKEY_ERR_ENCODING && rc != MIKEY_ERR_NOBUF) {
        abort();
    }
    check_b64_canonical(text, size);
    return 0;
}
