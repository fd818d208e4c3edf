/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Local policy (session.h): modes accepted as responder, replay window,
 * PRF, KEMAC algorithms, DH groups, signature, SRTP policies; and the
 * precomputed DH key pairs (the seed paper's optimisation, RFC 4650 §3
 * "off-line pre-computation").
 */
#include "session/session_int.h"

int mikey_policy_new(const mikey_env *env, mikey_policy **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_policy *p = mk_calloc(&e, 1, sizeof *p);
    if (!p)
        return MIKEY_ERR_NOMEM;
    p->pool = mk_calloc(&e, 1, sizeof *p->pool);
    if (!p->pool) {
        mk_free(&e, p);
        return MIKEY_ERR_NOMEM;
    }
    p->env = e;
    p->ops = mk_crypto_ossl();
    /* Defaults documented in session.h. MIKEY-NULL is off: it is only
     * safe over a secured transport (RFC 3830 §4.2.3-4.2.4). */
    p->modes = MIKEY_MODE_BIT(MIKEY_MODE_PSK) | MIKEY_MODE_BIT(MIKEY_MODE_PKE) | MIKEY_MODE_BIT(MIKEY_MODE_DH) |
               MIKEY_MODE_BIT(MIKEY_MODE_DHHMAC) | MIKEY_MODE_BIT(MIKEY_MODE_RSAR);
    p->skew = 300;
    p->cache_size = 1024;
    p->prf = MIKEY_PRF_MIKEY1;
    p->min_prf = MIKEY_PRF_MIKEY1;
    p->encr_alg = MIKEY_ENCR_AES_CM_128;
    p->mac_alg = MIKEY_MAC_HMAC_SHA1_160;
    p->dh_group = MIKEY_DH_OAKLEY5;
    p->dh_accepted = 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 | 1u << MIKEY_DH_OAKLEY2;
    p->s_type = MIKEY_SIGN_RSA_PKCS1;
    p->hash = MIKEY_HASH_SHA256;
    *out = p;
    return MIKEY_OK;
}

void mikey_policy_free(mikey_policy *p)
{
    if (!p)
        return;
    mikey_env env = p->env;
    for (int g = 0; g < 3; g++)
        if (p->pool->dh[g])
            p->ops->dh_free(p->pool->dh[g]);
    mk_wipe(p->pool, sizeof *p->pool);
    mk_free(&env, p->pool);
    mk_free(&env, p->srtp);
    mk_free(&env, p);
}

int mikey_policy_set_modes(mikey_policy *p, unsigned mask)
{
    unsigned all = 0;
    for (unsigned m = MIKEY_MODE_PSK; m <= MIKEY_MODE_NULL; m++)
        all |= MIKEY_MODE_BIT(m);
    if (!p || (mask & ~all))
        return MIKEY_ERR_INVALID_ARG;
    p->modes = mask;
    return MIKEY_OK;
}

int mikey_policy_set_replay(mikey_policy *p, uint32_t skew_seconds, size_t cache_size)
{
    /* The skew is compared as a signed 32-bit difference (NTP era wrap). */
    if (!p || cache_size == 0 || skew_seconds > 0x7fffffffu || cache_size > ((size_t)1 << 24))
        return MIKEY_ERR_INVALID_ARG;
    p->skew = skew_seconds;
    p->cache_size = cache_size;
    return MIKEY_OK;
}

int mikey_policy_set_prf(mikey_policy *p, unsigned prf, unsigned min_prf)
{
    /* Ranked by value: MIKEY-1 (0) < PRF-HMAC-SHA-256 (1). */
    if (!p || prf > MIKEY_PRF_HMAC_SHA256 || min_prf > MIKEY_PRF_HMAC_SHA256 || prf < min_prf)
        return MIKEY_ERR_INVALID_ARG;
    p->prf = prf;
    p->min_prf = min_prf;
    return MIKEY_OK;
}

int mk_encr_rank(unsigned encr_alg)
{
    switch (encr_alg) {
    case MIKEY_ENCR_NULL: return 0;
    case MIKEY_ENCR_AES_CM_128:
    case MIKEY_ENCR_AES_KW_128: return 1;
    case MIKEY_ENCR_AES_CM_256: return 2;
    default: return -1;
    }
}

int mk_mac_rank(unsigned mac_alg)
{
    switch (mac_alg) {
    case MIKEY_MAC_NULL: return 0;
    case MIKEY_MAC_HMAC_SHA1_160: return 1;
    case MIKEY_MAC_HMAC_SHA256_256: return 2;
    default: return -1;
    }
}

int mikey_policy_set_kemac(mikey_policy *p, unsigned encr_alg, unsigned mac_alg)
{
    /* NULL algorithms are what MIKEY-NULL sends, not a policy: the PSK
     * and public-key modes never use them (RFC 3830 §4.2.3-4.2.4). */
    if (!p || mk_encr_rank(encr_alg) < 1 || mk_mac_rank(mac_alg) < 1)
        return MIKEY_ERR_INVALID_ARG;
    p->encr_alg = encr_alg;
    p->mac_alg = mac_alg;
    return MIKEY_OK;
}

int mikey_policy_set_dh(mikey_policy *p, unsigned group, unsigned accepted_mask)
{
    unsigned all = 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 | 1u << MIKEY_DH_OAKLEY2;
    if (!p || group > MIKEY_DH_OAKLEY2 || (accepted_mask & ~all) || !(accepted_mask & (1u << group)))
        return MIKEY_ERR_INVALID_ARG;
    p->dh_group = group;
    p->dh_accepted = accepted_mask;
    return MIKEY_OK;
}

int mikey_policy_set_sign(mikey_policy *p, unsigned s_type, unsigned hash_func)
{
    if (!p || (s_type != MIKEY_SIGN_RSA_PKCS1 && s_type != MIKEY_SIGN_RSA_PSS) ||
        (hash_func != MIKEY_HASH_SHA1 && hash_func != MIKEY_HASH_SHA256))
        return MIKEY_ERR_INVALID_ARG;
    p->s_type = s_type;
    p->hash = hash_func;
    return MIKEY_OK;
}

int mikey_policy_add_srtp(mikey_policy *p, const mikey_srtp_params *sp)
{
    if (!p || !sp || p->nsrtp >= MK_MAX_CS)
        return MIKEY_ERR_INVALID_ARG;
    uint8_t tmp[128];
    size_t n;
    if (mk_srtp_to_params(sp, tmp, sizeof tmp, &n))
        return MIKEY_ERR_INVALID_ARG;
    mikey_srtp_params *np = mk_realloc(&p->env, p->srtp, (p->nsrtp + 1) * sizeof *np);
    if (!np)
        return MIKEY_ERR_NOMEM;
    p->srtp = np;
    p->srtp[p->nsrtp++] = *sp;
    return MIKEY_OK;
}

/* ---- DH key pairs from a seed ---- */

typedef struct seed_rng {
    const mk_crypto_ops *ops;
    const uint8_t *seed;
    uint32_t counter;
} seed_rng;

/* A deterministic expansion of the seed: HMAC-SHA-256(seed, counter ||
 * "openmikey dh"), block after block. dh_generate draws the private
 * exponent from env->rng (crypto.h), so the same seed gives the same key
 * pair: that lets mikey_ctx_export() store 32 bytes instead of a backend
 * key object. */
static int seed_rng_fill(uint8_t *out, size_t len, void *ud)
{
    seed_rng *s = ud;
    static const uint8_t tag[] = "openmikey dh";
    while (len) {
        uint8_t ctr[4], blk[32];
        mk_put32(ctr, s->counter++);
        mikey_span parts[2] = {{ctr, 4}, {tag, sizeof tag - 1}};
        if (s->ops->hmac(MIKEY_MAC_HMAC_SHA256_256, s->seed, MK_DH_SEED_LEN, parts, 2, blk))
            return -1;
        size_t n = MK_MIN(len, sizeof blk);
        memcpy(out, blk, n);
        mk_wipe(blk, sizeof blk);
        out += n;
        len -= n;
    }
    return 0;
}

int mk_dh_from_seed(const mk_crypto_ops *ops, const mikey_env *env, unsigned group, const uint8_t seed[MK_DH_SEED_LEN],
                    mk_dh **out)
{
    seed_rng s = {ops, seed, 0};
    mikey_env e = *env;
    /* Only rng is redirected; now/log would get the wrong user_data. */
    e.rng = seed_rng_fill;
    e.now = NULL;
    e.log = NULL;
    e.user_data = &s;
    int rc = ops->dh_generate(&e, group, out);
    mk_wipe(&s, sizeof s);
    return rc;
}

int mikey_policy_precompute_dh(mikey_policy *p, unsigned group)
{
    if (!p || group > MIKEY_DH_OAKLEY2)
        return MIKEY_ERR_INVALID_ARG;
    uint8_t seed[MK_DH_SEED_LEN];
    int rc = mk_random(&p->env, seed, sizeof seed);
    if (rc)
        return rc;
    mk_dh *dh = NULL;
    if ((rc = mk_dh_from_seed(p->ops, &p->env, group, seed, &dh))) {
        mk_wipe(seed, sizeof seed);
        return rc;
    }
    if (p->pool->dh[group])
        p->ops->dh_free(p->pool->dh[group]);
    p->pool->dh[group] = dh;
    memcpy(p->pool->seed[group], seed, sizeof seed);
    mk_wipe(seed, sizeof seed);
    return MIKEY_OK;
}

int mk_policy_take_dh(const mikey_policy *p, const mk_crypto_ops *ops, const mikey_env *env, unsigned group,
                      uint8_t seed[MK_DH_SEED_LEN], mk_dh **out)
{
    if (group > MIKEY_DH_OAKLEY2)
        return MIKEY_ERR_UNSUPPORTED;
    /* A precomputed pair is used once: reusing it across exchanges would
     * give up the forward secrecy the DH modes are chosen for. */
    if (p && p->pool->dh[group]) {
        *out = p->pool->dh[group];
        memcpy(seed, p->pool->seed[group], MK_DH_SEED_LEN);
        p->pool->dh[group] = NULL;
        mk_wipe(p->pool->seed[group], MK_DH_SEED_LEN);
        return MIKEY_OK;
    }
    int rc = mk_random(env, seed, MK_DH_SEED_LEN);
    if (rc)
        return rc;
    return mk_dh_from_seed(ops, env, group, seed, out);
}
