/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The negotiation rule (negotiate.h): rankings, the combine rule and its
 * tie-break, checked against
 *  - the seed paper's worked example (Alice PSK 0, PKE 1, DH 2 / CM-80 0,
 *    CM-32 1; Bob PKE 0, DH 1, PSK 2 / CM-32 0, F8-80 1: the paper's result
 *    is PKE with AES_CM_128_HMAC_SHA1_32);
 *  - an independent brute force written from the rule's definition (every
 *    common (method, suite) PAIR scored by the sum of its four ranks, the
 *    minimum taken, ties to the answerer's method rank, then its suite
 *    rank), over exhaustive matrices of capability sets;
 *  - hand-worked tie cases.
 * Plus the preference parser/formatter, the suite table, the per-peer store
 * and policy application.
 */
#include "mt.h"
#include "openmikey/negotiate.h"

#include <stdint.h>
#include <string.h>

static mikey_neg_prefs P(const char *methods, const char *suites)
{
    mikey_neg_prefs p;
    memset(&p, 0, sizeof p);
    MT_CHECK(mikey_neg_prefs_parse(&p, methods, suites, NULL) == MIKEY_OK);
    MT_CHECK(mikey_neg_prefs_check(&p) == MIKEY_OK);
    return p;
}

/* The paper's example: must produce PKE with AES_CM_128_HMAC_SHA1_32. */
static void test_paper_example(void)
{
    mikey_neg_prefs alice = P("psk,pke,dh", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs bob = P("pke,dh,psk", "AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80");
    mikey_neg_result r;
    MT_EQ_INT(mikey_neg_choose(&alice, &bob, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_STR(mikey_mode_name(r.method), "PKE");
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_STR(mikey_neg_suite_name(r.suite), "AES_CM_128_HMAC_SHA1_32");
    /* By hand: PSK 0+2, PKE 1+0, DH 2+1 -> PKE (1); CM-32 1+0 is the only
     * common suite -> score 1 + 1. */
    MT_EQ_INT(r.method_rank_offerer, 1);
    MT_EQ_INT(r.method_rank_answerer, 0);
    MT_EQ_INT(r.suite_rank_offerer, 1);
    MT_EQ_INT(r.suite_rank_answerer, 0);
    MT_EQ_INT(r.score, 2);
    MT_EQ_INT(r.missing, 0);
    /* Bob offering to Alice: PSK 0+2=2... PKE 0+1=1 still wins; same suite. */
    MT_EQ_INT(mikey_neg_choose(&bob, &alice, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
}

static void test_ties(void)
{
    mikey_neg_result r;
    /* PSK 0+1 = PKE 1+0: the answerer's order decides. */
    mikey_neg_prefs a = P("psk,pke", "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    mikey_neg_prefs b = P("pke,psk", "AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80");
    MT_EQ_INT(mikey_neg_choose(&a, &b, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PKE);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    MT_EQ_INT(r.score, 2);
    MT_EQ_INT(mikey_neg_choose(&b, &a, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PSK);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_80);
    /* Three-way tie (sums 2,2,2): the answerer's first. */
    mikey_neg_prefs c = P("dh,pke,psk", "AEAD_AES_128_GCM");
    mikey_neg_prefs d = P("psk,pke,dh", "AEAD_AES_128_GCM");
    MT_EQ_INT(mikey_neg_choose(&c, &d, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PSK);
    /* A lower sum beats the answerer's favourite: DH 0+2=2 vs RSAR 3+0=3. */
    mikey_neg_prefs e = P("dh,psk,pke,rsar", "AEAD_AES_128_GCM");
    mikey_neg_prefs f = P("rsar,psk,dh", "AEAD_AES_128_GCM");
    MT_EQ_INT(mikey_neg_choose(&e, &f, &r), MIKEY_OK);
    MT_EQ_INT(r.method, MIKEY_MODE_PSK); /* PSK 1+1=2 ties DH 0+2=2: answerer ranks PSK (1) before DH (2) */
    MT_EQ_INT(r.score, 2);
}

static void test_no_common(void)
{
    mikey_neg_result r;
    mikey_neg_prefs a = P("psk", "AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs b = P("dh", "AES_CM_128_HMAC_SHA1_32");
    MT_EQ_INT(mikey_neg_choose(&a, &b, &r), MIKEY_ERR_NEGOTIATION);
    MT_EQ_INT(r.missing, MIKEY_NEG_NO_METHOD | MIKEY_NEG_NO_SUITE);
    MT_EQ_INT(r.method, 0);
    MT_EQ_INT(r.suite, 0);
    mikey_neg_prefs c = P("psk", "AES_CM_128_HMAC_SHA1_32");
    MT_EQ_INT(mikey_neg_choose(&a, &c, &r), MIKEY_ERR_NEGOTIATION);
    MT_EQ_INT(r.missing, MIKEY_NEG_NO_SUITE);
    MT_EQ_INT(r.method, MIKEY_MODE_PSK); /* the half that exists is reported */
    MT_EQ_INT(mikey_neg_choose(&b, &c, &r), MIKEY_ERR_NEGOTIATION);
    MT_EQ_INT(r.missing, MIKEY_NEG_NO_METHOD);
    MT_EQ_INT(r.suite, MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
}

/* ---- independent brute force ---- */

static int rank_in(const uint8_t *v, size_t n, unsigned x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return (int)i;
    return -1;
}

/* Every common pair scored; min sum, ties by (answerer method rank,
 * answerer suite rank) lexicographically. Returns 0 if no pair. */
static int brute(const mikey_neg_prefs *o, const mikey_neg_prefs *a, unsigned *m, unsigned *s, unsigned *score)
{
    int found = 0;
    int best = 0, bma = 0, bsa = 0;
    for (unsigned mm = 1; mm <= 6; mm++) {
        int mo = rank_in(o->methods, o->nmethods, mm), ma = rank_in(a->methods, a->nmethods, mm);
        if (mo < 0 || ma < 0)
            continue;
        for (unsigned ss = 1; ss <= MIKEY_NEG_SUITE_LAST; ss++) {
            int so = rank_in(o->suites, o->nsuites, ss), sa = rank_in(a->suites, a->nsuites, ss);
            if (so < 0 || sa < 0)
                continue;
            int sc = mo + ma + so + sa;
            if (!found || sc < best || (sc == best && (ma < bma || (ma == bma && sa < bsa)))) {
                found = 1;
                best = sc;
                bma = ma;
                bsa = sa;
                *m = mm;
                *s = ss;
            }
        }
    }
    *score = (unsigned)best;
    return found;
}

static int has_common(const uint8_t *x, size_t nx, const uint8_t *y, size_t ny)
{
    for (size_t i = 0; i < nx; i++)
        if (rank_in(y, ny, x[i]) >= 0)
            return 1;
    return 0;
}

static size_t g_checked;

static void check_pair(const mikey_neg_prefs *o, const mikey_neg_prefs *a)
{
    mikey_neg_result r;
    unsigned bm = 0, bs = 0, bscore = 0;
    int found = brute(o, a, &bm, &bs, &bscore);
    int rc = mikey_neg_choose(o, a, &r);
    g_checked++;
    if (found) {
        if (rc != MIKEY_OK || r.method != bm || r.suite != bs || r.score != bscore) {
            MT_CHECK(0 && "rule differs from the brute force");
            return;
        }
        /* The reported ranks are the chosen values' ranks. */
        MT_CHECK(r.method_rank_offerer == rank_in(o->methods, o->nmethods, bm));
        MT_CHECK(r.suite_rank_answerer == rank_in(a->suites, a->nsuites, bs));
    } else {
        unsigned want = (has_common(o->methods, o->nmethods, a->methods, a->nmethods) ? 0 : MIKEY_NEG_NO_METHOD) |
                        (has_common(o->suites, o->nsuites, a->suites, a->nsuites) ? 0 : MIKEY_NEG_NO_SUITE);
        if (rc != MIKEY_ERR_NEGOTIATION || r.missing != want || want == 0)
            MT_CHECK(0 && "a pair without a common method or suite must fail with MIKEY_ERR_NEGOTIATION");
    }
}

/* Ordered list number k of the non-empty subsets of {1..n} with all their
 * orderings (enumerated by mixed radix), written to v. */
static size_t perms(unsigned n, uint8_t out[][8], size_t cap)
{
    size_t cnt = 0;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        uint8_t items[8];
        size_t k = 0;
        for (unsigned i = 0; i < n; i++)
            if (mask & (1u << i))
                items[k++] = (uint8_t)(i + 1);
        /* Heap's algorithm, iterative. */
        unsigned c[8] = {0};
        uint8_t a[8];
        memcpy(a, items, k);
        if (cnt < cap) {
            memcpy(out[cnt], a, k);
            out[cnt][7] = (uint8_t)k;
        }
        cnt++;
        size_t i = 1;
        while (i < k) {
            if (c[i] < i) {
                size_t j = (i % 2 == 0) ? 0 : c[i];
                uint8_t t = a[j];
                a[j] = a[i];
                a[i] = t;
                if (cnt < cap) {
                    memcpy(out[cnt], a, k);
                    out[cnt][7] = (uint8_t)k;
                }
                cnt++;
                c[i]++;
                i = 1;
            } else {
                c[i] = 0;
                i++;
            }
        }
    }
    return cnt;
}

/* Every pair of rankings (all subsets, all orders) over 4 methods x 3
 * suites: 64 method lists x 15 suite lists per side, 960^2 pairs. */
static void test_matrix_all_orders(void)
{
    static uint8_t ml[64][8], sl[16][8];
    size_t nm = perms(4, ml, 64), ns = perms(3, sl, 16);
    MT_EQ_INT(nm, 64); /* 4 + 12 + 24 + 24 */
    MT_EQ_INT(ns, 15); /* 3 + 6 + 6 */
    /* methods 1..4 = PSK, PKE, DH, DH-HMAC; suites 1..3 = CM-80, CM-32, F8 */
    g_checked = 0;
    size_t before = (size_t)mt_failed_checks;
    for (size_t i = 0; i < nm && (size_t)mt_failed_checks == before; i++)
        for (size_t j = 0; j < ns; j++) {
            mikey_neg_prefs o;
            memset(&o, 0, sizeof o);
            o.nmethods = ml[i][7];
            memcpy(o.methods, ml[i], o.nmethods);
            o.nsuites = sl[j][7];
            memcpy(o.suites, sl[j], o.nsuites);
            for (size_t k = 0; k < nm; k++)
                for (size_t l = 0; l < ns; l++) {
                    mikey_neg_prefs a;
                    memset(&a, 0, sizeof a);
                    a.nmethods = ml[k][7];
                    memcpy(a.methods, ml[k], a.nmethods);
                    a.nsuites = sl[l][7];
                    memcpy(a.suites, sl[l], a.nsuites);
                    check_pair(&o, &a);
                }
        }
    MT_EQ_INT(g_checked, 960 * 960);
}

/* Every pair of capability SUBSETS over the full universes (6 methods, 7
 * suites), each side ranking its subset in one of three orders (ascending,
 * descending, rotated by half its size): all method-subset pairs x all
 * order pairs against a few fixed suite lists, and all suite-subset pairs x
 * all order pairs against a few fixed method lists (the full product would
 * be 575 M pairs). */
static void order_subset(unsigned mask, unsigned n, int how, uint8_t *v, size_t *k)
{
    *k = 0;
    for (unsigned i = 0; i < n; i++)
        if (mask & (1u << i))
            v[(*k)++] = (uint8_t)(i + 1);
    if (how == 1) {
        for (size_t i = 0; i < *k / 2; i++) {
            uint8_t t = v[i];
            v[i] = v[*k - 1 - i];
            v[*k - 1 - i] = t;
        }
    } else if (how == 2 && *k > 1) {
        size_t r = *k / 2;
        uint8_t t[8];
        for (size_t i = 0; i < *k; i++)
            t[i] = v[(i + r) % *k];
        memcpy(v, t, *k);
    }
}

static void test_matrix_all_subsets(void)
{
    /* fixed other-dimension pairs: (offerer mask, answerer mask, orders) */
    static const unsigned fixed[4][4] = {{0x7f, 0x7f, 0, 1}, {0x03, 0x06, 0, 0}, {0x41, 0x01, 1, 2}, {0x3c, 0x0f, 2, 1}};
    g_checked = 0;
    size_t before = (size_t)mt_failed_checks;
    for (unsigned mo = 1; mo < 64 && (size_t)mt_failed_checks == before; mo++)
        for (unsigned ma = 1; ma < 64; ma++)
            for (int h = 0; h < 9; h++)
                for (int f = 0; f < 4; f++) {
                    mikey_neg_prefs o, a;
                    memset(&o, 0, sizeof o);
                    memset(&a, 0, sizeof a);
                    order_subset(mo, 6, h / 3, o.methods, &o.nmethods);
                    order_subset(ma, 6, h % 3, a.methods, &a.nmethods);
                    order_subset(fixed[f][0], 7, (int)fixed[f][2], o.suites, &o.nsuites);
                    order_subset(fixed[f][1], 7, (int)fixed[f][3], a.suites, &a.nsuites);
                    check_pair(&o, &a);
                }
    for (unsigned so = 1; so < 128 && (size_t)mt_failed_checks == before; so++)
        for (unsigned sa = 1; sa < 128; sa++)
            for (int h = 0; h < 9; h++)
                for (int f = 0; f < 4; f++) {
                    mikey_neg_prefs o, a;
                    memset(&o, 0, sizeof o);
                    memset(&a, 0, sizeof a);
                    order_subset(so, 7, h / 3, o.suites, &o.nsuites);
                    order_subset(sa, 7, h % 3, a.suites, &a.nsuites);
                    order_subset(fixed[f][0] & 0x3f, 6, (int)fixed[f][2], o.methods, &o.nmethods);
                    order_subset(fixed[f][1] & 0x3f, 6, (int)fixed[f][3], a.methods, &a.nmethods);
                    check_pair(&o, &a);
                }
    MT_EQ_INT(g_checked, (size_t)63 * 63 * 9 * 4 + (size_t)127 * 127 * 9 * 4);
}

/* ---- preferences, suites, store, policy ---- */

static void test_prefs_parse(void)
{
    mikey_neg_prefs p;
    memset(&p, 0, sizeof p);
    size_t pos = 99;
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "PKE,Dh-HMAC,rsa-r,mikey-null,dh,psk", "AEAD_AES_256_GCM", &pos), MIKEY_OK);
    MT_EQ_INT(p.nmethods, 6);
    MT_EQ_INT(p.methods[0], MIKEY_MODE_PKE);
    MT_EQ_INT(p.methods[1], MIKEY_MODE_DHHMAC);
    MT_EQ_INT(p.methods[2], MIKEY_MODE_RSAR);
    MT_EQ_INT(p.methods[3], MIKEY_MODE_NULL);
    MT_EQ_INT(p.methods[5], MIKEY_MODE_PSK);
    MT_EQ_INT(p.nsuites, 1);
    MT_EQ_INT(p.suites[0], MIKEY_NEG_SUITE_AEAD_AES_256_GCM);
    char buf[256];
    size_t n;
    MT_EQ_INT(mikey_neg_prefs_format(&p, buf, sizeof buf, &n), MIKEY_OK);
    MT_EQ_STR(buf, "PKE,DHHMAC,RSAR,NULL,DH,PSK/AEAD_AES_256_GCM");
    MT_EQ_INT(n, strlen(buf));
    MT_EQ_INT(mikey_neg_prefs_format(&p, buf, 5, &n), MIKEY_ERR_NOBUF);
    MT_EQ_INT(n, strlen("PKE,DHHMAC,RSAR,NULL,DH,PSK/AEAD_AES_256_GCM") + 1);
    /* errors name the element; p is unchanged */
    mikey_neg_prefs q = p;
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "psk,foo", NULL, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pos, 4);
    MT_CHECK(memcmp(&p, &q, sizeof p) == 0);
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "psk,,dh", NULL, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pos, 4);
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "psk,dh,psk", NULL, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(pos, 7);
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "", NULL, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(mikey_neg_prefs_parse(&p, "psk ", NULL, &pos), MIKEY_ERR_ENCODING);
    MT_EQ_INT(mikey_neg_prefs_parse(&p, NULL, "aes_cm_128_hmac_sha1_80", &pos), MIKEY_ERR_ENCODING); /* case-sensitive */
    MT_EQ_INT(mikey_neg_prefs_parse(&p,
                                    NULL,
                                    "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32,AES_F8_128_HMAC_SHA1_80,"
                                    "AES_256_CM_HMAC_SHA1_80,AEAD_AES_128_GCM,AEAD_AES_256_GCM,NULL_HMAC_SHA1_80",
                                    &pos),
              MIKEY_OK);
    MT_EQ_INT(p.nsuites, 7);
    MT_EQ_INT(mikey_neg_prefs_parse(NULL, "psk", NULL, NULL), MIKEY_ERR_INVALID_ARG);
    /* check */
    mikey_neg_prefs bad = p;
    bad.nmethods = 0;
    MT_EQ_INT(mikey_neg_prefs_check(&bad), MIKEY_ERR_INVALID_ARG);
    bad = p;
    bad.methods[1] = bad.methods[0];
    MT_EQ_INT(mikey_neg_prefs_check(&bad), MIKEY_ERR_INVALID_ARG);
    bad = p;
    bad.suites[0] = 0;
    MT_EQ_INT(mikey_neg_prefs_check(&bad), MIKEY_ERR_INVALID_ARG);
    bad = p;
    bad.methods[0] = 7;
    MT_EQ_INT(mikey_neg_prefs_check(&bad), MIKEY_ERR_INVALID_ARG);
    bad = p;
    bad.nsuites = 8;
    MT_EQ_INT(mikey_neg_prefs_check(&bad), MIKEY_ERR_INVALID_ARG);
    mikey_neg_result r;
    MT_EQ_INT(mikey_neg_choose(&bad, &p, &r), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_neg_choose(&p, &p, NULL), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_neg_method_rank(&p, MIKEY_MODE_DH), 4);
    MT_EQ_INT(mikey_neg_method_rank(&p, 9), -1);
    MT_EQ_INT(mikey_neg_suite_rank(&p, MIKEY_NEG_SUITE_NULL_HMAC_SHA1_80), 6);
}

static void test_suites(void)
{
    for (unsigned s = 1; s <= MIKEY_NEG_SUITE_LAST; s++) {
        const char *name = mikey_neg_suite_name(s);
        MT_EQ_INT(mikey_neg_suite_by_name(name, strlen(name)), (int)s);
        mikey_srtp_params a, b;
        MT_EQ_INT(mikey_neg_suite_params(s, &a), MIKEY_OK);
        MT_EQ_INT(mikey_srtp_params_suite(&b, name), MIKEY_OK);
        MT_CHECK(memcmp(&a, &b, sizeof a) == 0);
        MT_EQ_INT(mikey_neg_suite_of(&a), (int)s);
    }
    MT_EQ_STR(mikey_neg_suite_name(0), "unknown");
    MT_EQ_STR(mikey_neg_suite_name(8), "unknown");
    MT_EQ_INT(mikey_neg_suite_by_name("AES_CM_128_HMAC_SHA1_8", 22), MIKEY_ERR_NOT_FOUND);
    mikey_srtp_params p;
    MT_EQ_INT(mikey_neg_suite_params(0, &p), MIKEY_ERR_NOT_FOUND);
    /* An SP with every parameter left out means RFC 3711's defaults
     * (§8.2): AES-CM 128, HMAC-SHA1, 80-bit tag. */
    memset(&p, 0, sizeof p);
    MT_EQ_INT(mikey_neg_suite_of(&p), MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_80);
    /* Only the tag length (param 11) given: 4 bytes -> the _32 suite. */
    p.present = 1u << MIKEY_SP_AUTH_TAG_LEN;
    p.auth_tag_len = 4;
    MT_EQ_INT(mikey_neg_suite_of(&p), MIKEY_NEG_SUITE_AES_CM_128_HMAC_SHA1_32);
    /* KDR 2^1 is none of the named suites. */
    p.present |= 1u << MIKEY_SP_KDR;
    p.kdr = 1;
    MT_EQ_INT(mikey_neg_suite_of(&p), MIKEY_ERR_NOT_FOUND);
    MT_EQ_INT(mikey_neg_method_by_name("DH", 2), MIKEY_MODE_DH);
    MT_EQ_INT(mikey_neg_method_by_name("dhx", 3), MIKEY_ERR_NOT_FOUND);
}

static void test_store(void)
{
    mikey_neg_store *s = NULL;
    MT_REQUIRE(mikey_neg_store_new(NULL, &s) == MIKEY_OK);
    MT_CHECK(mikey_neg_store_get(s, "sip:bob@b.example") == NULL);
    mikey_neg_prefs def = P("psk,pke", "AES_CM_128_HMAC_SHA1_80");
    mikey_neg_prefs bob = P("dh", "AEAD_AES_128_GCM");
    MT_EQ_INT(mikey_neg_store_set(s, NULL, &def), MIKEY_OK);
    MT_EQ_INT(mikey_neg_store_set(s, "sip:bob@b.example", &bob), MIKEY_OK);
    MT_EQ_INT(mikey_neg_store_get(s, "sip:bob@b.example")->methods[0], MIKEY_MODE_DH);
    MT_EQ_INT(mikey_neg_store_get(s, "sip:carol@c.example")->methods[0], MIKEY_MODE_PSK);
    MT_EQ_INT(mikey_neg_store_get(s, NULL)->methods[0], MIKEY_MODE_PSK);
    bob.methods[0] = MIKEY_MODE_RSAR;
    MT_EQ_INT(mikey_neg_store_set(s, "sip:bob@b.example", &bob), MIKEY_OK); /* replaces */
    MT_EQ_INT(mikey_neg_store_get(s, "sip:bob@b.example")->methods[0], MIKEY_MODE_RSAR);
    bob.nmethods = 0;
    MT_EQ_INT(mikey_neg_store_set(s, "sip:x@y", &bob), MIKEY_ERR_INVALID_ARG);
    mikey_neg_store_free(s);
}

/* mikey_neg_policy_apply: the responder then accepts exactly the ranked
 * modes and suites (checked through the session layer's own acceptance in
 * the exchange tests); here the policy's modes mask. */
static void test_policy_apply(void)
{
    mikey_policy *pol = NULL;
    MT_REQUIRE(mikey_policy_new(NULL, &pol) == MIKEY_OK);
    mikey_neg_prefs p = P("pke,dh", "AES_F8_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
    MT_EQ_INT(mikey_neg_policy_apply(pol, &p), MIKEY_OK);
    MT_EQ_INT(mikey_neg_policy_apply(pol, &p), MIKEY_OK); /* idempotent: nothing added twice */
    p.nsuites = 0;
    MT_EQ_INT(mikey_neg_policy_apply(pol, &p), MIKEY_ERR_INVALID_ARG);
    mikey_policy_free(pol);
}

MT_MAIN(test_paper_example, test_ties, test_no_common, test_matrix_all_orders, test_matrix_all_subsets,
        test_prefs_parse, test_suites, test_store, test_policy_apply)
