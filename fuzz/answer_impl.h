/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The responder fuzz targets: fuzz/answer_<mode>.c define FZ_ANSWER_MODE and
 * include this file. One target per mode (not one target dispatching on a
 * byte) because the modes cost very different amounts per execution (a
 * signed DH answer does an RSA verification, a DH exponentiation and an RSA
 * signature; a PSK answer a few HMACs): in one target the expensive modes
 * would take most of the time, and the executions per mode would not be
 * known. Each target's seeds are that mode's I_MESSAGEs (fuzz_seeds), but
 * the responder accepts every mode, so a mutated data type still goes
 * somewhere.
 *
 * Input: [flags][fail][I_MESSAGE]
 *   flags  bits 0-1: fix-up (fuzz_mikey.h: 1 re-MAC / re-sign, 2 KEMAC
 *                    Encr data in the clear); bit 2: 24-byte output buffer;
 *          bit 3: to a responder that has already accepted the mode's base
 *                 offer (the update path of RFC 3830 §4.5; seeds: the
 *                 initiator's update messages)
 *   fail   0, or the allocation (1-255) that fails (fuzz_env)
 * Oracles (abort on violation):
 *   - a refusal changes nothing: a new context stays NEW with no crypto
 *     session and an empty replay cache; an established one exports to the
 *     same bytes as before (keys, CSB, peer, everything) and keeps its
 *     replay cache; what is written back is an Error message (or nothing),
 *     never more than the buffer;
 *   - an accepted message establishes the context with sane keys; the
 *     response, if any, parses and re-encodes to the same bytes; the same
 *     message again (fresh context, same replay cache) is a replay.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "fuzz_mikey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    int ready;
    mikey_env env;
    mikey_creds *creds;
    mikey_policy *pol;
    fz_keys keys;
    mikey_creds *alice;
    mikey_ctx *est; /* bob, established with the base offer */
    uint8_t est_blob[FZ_MAXMSG];
    size_t est_len;
} G;

static void check_keys(const mikey_ctx *ctx)
{
    for (size_t i = 0; i < mikey_ctx_cs_count(ctx); i++) {
        mikey_cs_keys k;
        if (mikey_ctx_cs_keys(ctx, i, &k) != MIKEY_OK || k.cs_id != i + 1 || k.master_key_len > 32 ||
            k.master_salt_len > 14 || k.mki_len > 16)
            abort();
    }
}

static void init_once(void)
{
    if (G.ready)
        return;
    fuzz_env_init(&G.env, 1, 0);
    G.creds = fz_creds(&G.env, 1);
    G.pol = fz_policy(&G.env);
    if (!G.creds || !G.pol || fz_keys_init(&G.keys))
        abort();
    G.alice = fz_creds(&G.env, 0);
    mikey_env env;
    G.est = fz_established_bob(FZ_ANSWER_MODE, &env, G.alice, G.creds, G.pol);
    if (!G.alice || !G.est || mikey_ctx_export(G.est, G.est_blob, sizeof G.est_blob, &G.est_len) != MIKEY_OK)
        abort();
    G.ready = 1;
}

/* The input to the established responder: an update, or anything else. */
static int to_established(const uint8_t *buf, size_t len, unsigned fail)
{
    static uint8_t out[FZ_MAXMSG], before[FZ_MAXMSG], after[FZ_MAXMSG];
    mikey_env env;
    size_t bl = 0, al = 0, outlen = 0;
    fuzz_env_init(&env, 7, 0);
    if (mikey_ctx_export(G.est, before, sizeof before, &bl) != MIKEY_OK)
        abort();
    size_t cached = mikey_replay_count(G.est->replay);
    fuzz_env_init(&env, fz_seed(FZ_ANSWER_MODE) ^ 0xe57, fail);
    int rc = mikey_answer(G.est, buf, len, out, sizeof out, &outlen);
    fuzz_env_init(&env, 8, 0);
    if (mikey_ctx_state(G.est) != MIKEY_STATE_ESTABLISHED || (rc != MIKEY_ERR_NOBUF && outlen > sizeof out))
        abort();
    if (rc != MIKEY_OK) {
        if (mikey_ctx_export(G.est, after, sizeof after, &al) != MIKEY_OK || al != bl || memcmp(before, after, bl) ||
            mikey_replay_count(G.est->replay) != cached)
            abort(); /* a refused update changes nothing */
        return 0;
    }
    check_keys(G.est);
    size_t now_cached = mikey_replay_count(G.est->replay);
    if (now_cached > cached + 1 || now_cached < cached || (fail == 0 && now_cached != cached + 1))
        abort(); /* stored (or, storage not grown, the oldest evicted into the floor) */
    /* Accepted: back to the state after the base offer for the next input. */
    mikey_ctx_free(G.est);
    G.est = NULL;
    if (mikey_ctx_import(&env, G.creds, G.pol, G.est_blob, G.est_len, &G.est) != MIKEY_OK)
        abort();
    return 0;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[FZ_MAXMSG], out[FZ_MAXMSG];
    if (size < 2 || size - 2 > sizeof buf)
        return 0;
    init_once();
    unsigned flags = data[0], fail = data[1];
    size_t len = size - 2;
    memcpy(buf, data + 2, len);
    mikey_span csb_rand = {G.est->rand, G.est->rand_len};
    fz_fix_imsg(&G.keys, (int)(flags & FZ_FIX_MASK) == 3 ? 0 : (int)(flags & FZ_FIX_MASK), buf, len, csb_rand);
    if (flags & FZ_ESTABLISHED)
        return to_established(buf, len, fail);

    mikey_env env;
    fuzz_env_init(&env, fz_seed(FZ_ANSWER_MODE) ^ 0xb0b, fail);
    mikey_ctx *ctx = NULL;
    if (mikey_ctx_new(&env, G.creds, G.pol, &ctx) != MIKEY_OK)
        return 0;
    size_t cap = (flags & FZ_SMALL_OUT) ? 24 : sizeof out, outlen = 0;
    int rc = mikey_answer(ctx, buf, len, out, cap, &outlen);
    if (rc == MIKEY_ERR_NOBUF ? outlen <= cap : outlen > cap)
        abort(); /* NOBUF gives the size needed; otherwise what was written */
    if (rc != MIKEY_OK) {
        if (mikey_ctx_state(ctx) != MIKEY_STATE_NEW || mikey_ctx_cs_count(ctx) != 0 ||
            mikey_replay_count(ctx->replay) != 0)
            abort(); /* a refusal changes nothing */
        if (outlen && rc != MIKEY_ERR_NOBUF) {
            mikey_msg *e = NULL;
            fuzz_env_init(&env, 2, 0);
            if (mikey_msg_parse(NULL, out, outlen, NULL, &e, NULL) != MIKEY_OK ||
                mikey_msg_hdr(e)->data_type != MIKEY_DT_ERROR)
                abort(); /* only Error messages go back on failure */
            mikey_msg_free(e);
        }
        mikey_ctx_free(ctx);
        return 0;
    }
    fuzz_env_init(&env, 3, 0); /* no more failing allocations */
    /* The cache holds the message, or (its storage could not grow under the
     * failing allocator) its T became the cache's floor: see replay.c. */
    if (mikey_ctx_state(ctx) != MIKEY_STATE_ESTABLISHED || mikey_replay_count(ctx->replay) > 1 ||
        (fail == 0 && mikey_replay_count(ctx->replay) != 1))
        abort();
    check_keys(ctx);
    if (outlen) {
        mikey_msg *r = NULL;
        uint8_t re[FZ_MAXMSG];
        size_t rl = 0;
        if (mikey_msg_parse(NULL, out, outlen, NULL, &r, NULL) != MIKEY_OK ||
            mikey_msg_encode(r, re, sizeof re, &rl) != MIKEY_OK || rl != outlen || memcmp(re, out, rl) != 0)
            abort(); /* our response must be a clean message */
        mikey_msg_free(r);
    }
    /* The same message again, to a fresh context sharing the cache. */
    mikey_ctx *again = NULL;
    if (mikey_ctx_new(&env, G.creds, G.pol, &again) != MIKEY_OK || mikey_ctx_set_replay(again, ctx->replay))
        abort();
    int rc2 = mikey_answer(again, buf, len, out, sizeof out, &outlen);
    if ((rc2 != MIKEY_ERR_REPLAY && (fail == 0 || rc2 != MIKEY_ERR_TIMESTAMP)) ||
        mikey_ctx_state(again) != MIKEY_STATE_NEW)
        abort(); /* refused as a replay (or as older than the floor) */
    mikey_ctx_free(again);
    mikey_ctx_free(ctx);
    return 0;
}
