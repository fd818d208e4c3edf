/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Robustness of the session layer against its environment: every
 * allocation failing in turn (the failmalloc loop of CONVENTIONS.md §2.2.11)
 * during offer, answer and finish in each mode; a failing or degenerate
 * RNG; a missing clock. Each failure is an error, never a crash or a leak
 * (run under ASan), and leaves the context usable.
 */
#include "sess_env.h"

typedef struct failmem {
    long countdown; /* allocations left before failing; < 0: never fail */
    long calls;
} failmem;

static failmem fm;

static void *fm_malloc(size_t n, void *ud)
{
    (void)ud;
    fm.calls++;
    if (fm.countdown == 0)
        return NULL;
    if (fm.countdown > 0)
        fm.countdown--;
    return malloc(n);
}

static void *fm_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    fm.calls++;
    if (fm.countdown == 0)
        return NULL;
    if (fm.countdown > 0)
        fm.countdown--;
    return realloc(p, n);
}

static void fm_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static void use_failmem(party *p)
{
    p->te.env.mem.malloc = fm_malloc;
    p->te.env.mem.realloc = fm_realloc;
    p->te.env.mem.free = fm_free;
}

static void test_allocation_failures(void)
{
    static const unsigned modes[] = {MIKEY_MODE_PSK, MIKEY_MODE_PKE, MIKEY_MODE_DH, MIKEY_MODE_DHHMAC,
                                     MIKEY_MODE_RSAR};
    static xbuf x;
    for (size_t mi = 0; mi < 5; mi++) {
        party A, B;
        fm.countdown = -1;
        party_init(&A, ALICE, 0x10 + mi);
        party_init(&B, BOB, 0x20 + mi);
        use_failmem(&A);
        use_failmem(&B);
        mikey_stream_desc s[2] = {{1, 0, 0}, {0, 0, 0}};
        mikey_offer_opts o = t_opts(modes[mi], BOB, s, 2);
        o.want_verification = 1;
        int done = 0;
        long n;
        for (n = 0; n < 5000 && !done; n++) {
            mikey_ctx *a = NULL, *b = NULL;
            fm.countdown = n;
            int rc = mikey_ctx_new(&A.te.env, A.creds, A.pol, &a);
            if (rc == MIKEY_OK)
                rc = mikey_ctx_new(&B.te.env, B.creds, B.pol, &b);
            if (rc == MIKEY_OK)
                rc = mikey_offer(a, &o, x.i, sizeof x.i, &x.ilen);
            if (rc == MIKEY_OK) {
                rc = mikey_answer(b, x.i, x.ilen, x.r, sizeof x.r, &x.rlen);
                if (rc)
                    MT_EQ_INT(mikey_ctx_state(b), MIKEY_STATE_NEW);
            }
            if (rc == MIKEY_OK) {
                rc = mikey_finish(a, x.r, x.rlen);
                if (rc)
                    MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_OFFERED);
            }
            if (rc == MIKEY_OK) {
                done = 1;
                fm.countdown = -1;
                t_same_keys(a, b);
            } else if (rc != MIKEY_ERR_NOMEM && rc != MIKEY_ERR_CRYPTO) {
                mt_fail(__FILE__, __LINE__, "%s, allocation %ld failing: %s", mikey_mode_name(modes[mi]), n,
                        mikey_err_name(rc));
            }
            fm.countdown = -1;
            mikey_ctx_free(a);
            mikey_ctx_free(b);
        }
        MT_CHECK(done);
        printf("# %s: %ld allocation failure points\n", mikey_mode_name(modes[mi]), n - 1);
        party_free(&A);
        party_free(&B);
    }
}

static int rng_fail(uint8_t *out, size_t len, void *ud)
{
    (void)out;
    (void)len;
    (void)ud;
    return -1;
}

static int rng_zero(uint8_t *out, size_t len, void *ud)
{
    (void)ud;
    memset(out, 0, len);
    return 0;
}

static void test_bad_environment(void)
{
    static xbuf x;
    party A, B;
    party_init(&A, ALICE, 1);
    party_init(&B, BOB, 2);
    mikey_offer_opts o = t_opts(MIKEY_MODE_PSK, BOB, NULL, 0);
    mikey_ctx *a = NULL;
    /* an RNG that fails */
    A.te.env.rng = rng_fail;
    MT_CHECK(mikey_ctx_new(&A.te.env, A.creds, A.pol, &a) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(a, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_CALLBACK);
    MT_EQ_INT(mikey_ctx_state(a), MIKEY_STATE_NEW);
    mikey_ctx_free(a);
    /* an RNG stuck at zero: no CSB ID can be drawn (bounded, not a hang) */
    A.te.env.rng = rng_zero;
    MT_CHECK(mikey_ctx_new(&A.te.env, A.creds, A.pol, &a) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(a, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_CALLBACK);
    mikey_ctx_free(a);
    /* no clock */
    A.te.env.rng = tenv_rng;
    A.te.env.now = NULL;
    MT_CHECK(mikey_ctx_new(&A.te.env, A.creds, A.pol, &a) == MIKEY_OK);
    MT_EQ_INT(mikey_offer(a, &o, x.i, sizeof x.i, &x.ilen), MIKEY_ERR_CALLBACK);
    mikey_ctx_free(a);
    /* a responder whose RNG fails when it must fill an SSRC: an error, no
     * state change */
    A.te.env.now = tenv_now;
    mikey_stream_desc s[1] = {{0, 0, 0}};
    o = t_opts(MIKEY_MODE_DH, BOB, s, 1);
    MT_EQ_INT(mikey_offer(A.ctx, &o, x.i, sizeof x.i, &x.ilen), MIKEY_OK);
    mikey_ctx *b = NULL;
    B.te.env.rng = rng_fail;
    MT_CHECK(mikey_ctx_new(&B.te.env, B.creds, B.pol, &b) == MIKEY_OK);
    MT_EQ_INT(mikey_answer(b, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_ERR_CALLBACK);
    MT_EQ_INT(mikey_ctx_state(b), MIKEY_STATE_NEW);
    mikey_ctx_free(b);
    MT_EQ_INT(mikey_answer(B.ctx, x.i, x.ilen, x.r, sizeof x.r, &x.rlen), MIKEY_OK);
    MT_EQ_INT(mikey_finish(A.ctx, x.r, x.rlen), MIKEY_OK);
    /* NULL arguments */
    size_t ol;
    MT_EQ_INT(mikey_offer(NULL, &o, x.i, sizeof x.i, &ol), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_answer(B.ctx, NULL, 3, x.r, sizeof x.r, &ol), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_finish(A.ctx, NULL, 0), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_ctx_new(NULL, NULL, B.pol, &b), MIKEY_ERR_INVALID_ARG);
    MT_EQ_INT(mikey_ctx_export(NULL, x.r, 1, &ol), MIKEY_ERR_INVALID_ARG);
    mikey_ctx_free(NULL);
    mikey_creds_free(NULL);
    mikey_policy_free(NULL);
    mikey_replay_free(NULL);
    party_free(&A);
    party_free(&B);
    pki_free();
}

MT_MAIN(test_allocation_failures, test_bad_environment)
