/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the initiator's mikey_finish(): for each mode, alice's context has
 * made the base offer of fuzz_mikey.h (fixed clock, the mode's RNG seed, so
 * it is the offer tests/interop/prog/fuzz_seeds.c answered to make the
 * seeds); the input is the response.
 *
 * Input: [mode][flags][fail][R_MESSAGE or Error message]
 *   mode   1-6 (mikey_mode; other values wrap)
 *   flags  bits 0-1 != 0: re-MAC / re-sign the response (fuzz_mikey.h)
 *   fail   0, or the allocation (1-255) that fails (fuzz_env)
 * One target for all modes (unlike the responder): the initiator's
 * processing is cheap in every mode except the DH exponentiation, and the
 * offers are made once.
 * Oracles (abort on violation):
 *   - a refusal changes nothing: the context is still OFFERED and exports to
 *     the same bytes as before (the pending offer, its keys, everything);
 *   - an accepted response establishes the context with sane keys (then
 *     the context is rebuilt from the export made after the offer).
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
    struct {
        mikey_ctx *ctx;
        uint8_t blob[FZ_MAXMSG];
        size_t bloblen;
    } m[7];
} G;

static void init_once(void)
{
    if (G.ready)
        return;
    fuzz_env_init(&G.env, 1, 0);
    G.creds = fz_creds(&G.env, 0);
    G.pol = fz_policy(&G.env);
    if (!G.creds || !G.pol || fz_keys_init(&G.keys))
        abort();
    G.ready = 1;
}

static mikey_ctx *offered(unsigned mode)
{
    if (G.m[mode].ctx)
        return G.m[mode].ctx;
    mikey_env env;
    uint8_t imsg[FZ_MAXMSG];
    size_t il = 0;
    mikey_offer_opts o = fz_opts(mode);
    fuzz_env_init(&env, fz_seed(mode), 0);
    if (G.m[mode].bloblen) {
        if (mikey_ctx_import(&env, G.creds, G.pol, G.m[mode].blob, G.m[mode].bloblen, &G.m[mode].ctx) != MIKEY_OK)
            abort();
        return G.m[mode].ctx;
    }
    if (mikey_ctx_new(&env, G.creds, G.pol, &G.m[mode].ctx) != MIKEY_OK ||
        mikey_offer(G.m[mode].ctx, &o, imsg, sizeof imsg, &il) != MIKEY_OK ||
        mikey_ctx_export(G.m[mode].ctx, G.m[mode].blob, sizeof G.m[mode].blob, &G.m[mode].bloblen) != MIKEY_OK)
        abort();
    return G.m[mode].ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[FZ_MAXMSG], before[FZ_MAXMSG], after[FZ_MAXMSG];
    if (size < 3 || size - 3 > sizeof buf)
        return 0;
    init_once();
    unsigned mode = (unsigned)(data[0] % 6) + 1, fix = data[1] & FZ_FIX_MASK, fail = data[2];
    size_t len = size - 3, bl = 0, al = 0;
    mikey_ctx *ctx = offered(mode);
    memcpy(buf, data + 3, len);
    if (fix)
        fz_fix_rmsg(&G.keys, ctx, buf, len);
    mikey_env env;
    fuzz_env_init(&env, 4, 0);
    if (mikey_ctx_export(ctx, before, sizeof before, &bl) != MIKEY_OK)
        abort();
    fuzz_env_init(&env, 5, fail);
    int rc = mikey_finish(ctx, buf, len);
    fuzz_env_init(&env, 6, 0);
    if (rc != MIKEY_OK) {
        if (mikey_ctx_state(ctx) != MIKEY_STATE_OFFERED || mikey_ctx_cs_count(ctx) != 0 ||
            mikey_ctx_export(ctx, after, sizeof after, &al) != MIKEY_OK || al != bl || memcmp(before, after, bl) != 0)
            abort(); /* a refused response changes nothing */
        return 0;
    }
    if (mikey_ctx_state(ctx) != MIKEY_STATE_ESTABLISHED || mikey_ctx_cs_count(ctx) == 0)
        abort();
    for (size_t i = 0; i < mikey_ctx_cs_count(ctx); i++) {
        mikey_cs_keys k;
        if (mikey_ctx_cs_keys(ctx, i, &k) != MIKEY_OK || k.cs_id != i + 1 || k.master_key_len > 32 ||
            k.master_salt_len > 14)
            abort();
    }
    mikey_ctx_free(ctx);
    G.m[mode].ctx = NULL; /* rebuilt from the export on the next input */
    return 0;
}
