/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed Diffie-Hellman (RFC 3830 §3.3):
 *
 *   I_MESSAGE = HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, DHi, SIGNi
 *   R_MESSAGE = HDR, T, [IDr|CERTr], IDi, DHr, DHi, SIGNr
 *
 * TGK = g^(xi*xr) (§3.3), groups OAKLEY 5 (mandatory), 1, 2 (§4.2.7). Both
 * signatures cover the whole message except the signature field (§5.2).
 * The peer's DH value is validated by the backend (1 < y < p-1 and
 * y^q = 1) before use. Key pairs may come precomputed from the policy
 * (mikey_policy_precompute_dh). Update messages (§4.5, Figure 4.1) carry
 * a new DHi (a new TGK) or none.
 */
#include "session/mode.h"

const mikey_payload *mk_dh_nth(const mikey_msg *m, size_t n) { return mikey_msg_find(m, MIKEY_PT_DH, n); }

void mk_offer_kv(const mk_offer_st *of, uint8_t *mki_buf, mikey_kv *kv)
{
    memset(kv, 0, sizeof *kv);
    size_t ml = of->o->mki_len;
    if (ml && ml <= 16) {
        /* KV = SPI, the MKI numbering the key generation (as csb.c). */
        memset(mki_buf, 0, ml);
        for (size_t i = 0; i < ml && i < 4; i++)
            mki_buf[ml - 1 - i] = (uint8_t)(of->keygen >> (8 * i));
        kv->type = MIKEY_KV_SPI;
        kv->spi.p = mki_buf;
        kv->spi.len = ml;
    }
}

static int dh_offer(mk_offer_st *of)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    const mikey_creds *c = ctx->creds;
    const mikey_policy *pol = ctx->policy;
    const mk_crypto_ops *ops = ctx->ops;
    if (!c->key)
        return MIKEY_ERR_NOT_FOUND;
    if (o->mki_len > 16)
        return MIKEY_ERR_INVALID_ARG;
    unsigned group = pol->dh_group;
    mk_dh *dh = NULL;
    uint8_t seed[MK_DH_SEED_LEN], pub[MK_MAX_DH_LEN], mki[16];
    mikey_msg *m = NULL;
    mikey_kv kv;
    /* keep_keys: no DHi, so no new TGK (§4.5, Figure 4.1); the response
     * then carries no DHr/DHi and the CSB keeps its keys. */
    int rc = o->keep_keys ? MIKEY_OK : mk_policy_take_dh(pol, ops, &ctx->env, group, seed, &dh);
    if (rc)
        return rc;
    size_t vlen = (size_t)mikey_dh_value_len(group);
    size_t siglen = ops->pkey_size(c->key);
    mikey_span tv = {of->t, 8}, pv = {pub, vlen};
    const char *id = c->identity;
    mk_offer_kv(of, mki, &kv);
    if ((dh && (rc = ops->dh_public(dh, pub))) || (rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_DH_INIT, 1, of->prf, of->csb_id, of->plans, of->n)) ||
        (rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, tv)) || (of->rand_new.len && (rc = mk_b_rand(m, of->rand_new))) ||
        (id && (rc = mk_b_id(m, id))) || (rc = mk_b_certs(m, c)) ||
        (id && o->peer_id && (rc = mk_b_id(m, o->peer_id))) || (rc = mk_offer_sps(m, of)))
        goto out;
    if ((rc = mk_offer_exts(m, of)))
        goto out;
    if ((dh && (rc = mk_b_dh(m, (uint8_t)group, pv, &kv))) || (rc = mk_b_sign(m, (uint8_t)pol->s_type, siglen)) ||
        (rc = mk_b_encode(m, of->out, of->cap, &of->outlen)) ||
        (rc = mk_sign_msg(ctx, of->out, of->outlen - siglen, of->out + of->outlen - siglen, siglen, NULL, 0)))
        goto out;
    of->pend.dh = dh;
    if (dh)
        memcpy(of->pend.dh_seed, seed, sizeof seed);
    dh = NULL;
out:
    if (dh)
        ops->dh_free(dh);
    mk_wipe(seed, sizeof seed);
    mikey_msg_free(m);
    return rc;
}

static int dh_check(mk_in_st *in)
{
    const mikey_policy *pol = in->ctx->policy;
    const mikey_payload *s = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const mikey_payload *d = mk_dh_nth(in->msg, 0);
    if (!mk_sign_type_ok(pol, s->u.sign.s_type))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
    if (!d && !in->update)
        return mk_failf(&in->f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE); /* no DHi, no TGK */
    if (d && (d->u.dh.group > MIKEY_DH_OAKLEY2 || !(pol->dh_accepted & (1u << d->u.dh.group))))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
    if (!in->ctx->creds->key)
        return mk_failf(&in->f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT); /* we could not sign the response */
    return MIKEY_OK;
}

/* Our half and the TGK from the peer's DH payload. */
int mk_dh_respond(mk_in_st *in, const mikey_payload *peer, uint8_t *pub, mk_dh **dh_out)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    uint8_t seed[MK_DH_SEED_LEN], secret[MK_MAX_DH_LEN];
    mk_dh *dh = NULL;
    unsigned group = peer->u.dh.group;
    size_t vlen = (size_t)mikey_dh_value_len(group);
    int rc = mk_policy_take_dh(ctx->policy, ops, &ctx->env, group, seed, &dh);
    mk_wipe(seed, sizeof seed);
    if (rc)
        return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
    if ((rc = ops->dh_compute(dh, peer->u.dh.value.p, peer->u.dh.value.len, secret))) {
        ops->dh_free(dh);
        return mk_failf(&in->f, rc == MIKEY_ERR_DH_VALUE ? rc : MIKEY_ERR_CRYPTO,
                        rc == MIKEY_ERR_DH_VALUE ? MIKEY_E_INVALID_DH : MIKEY_E_UNSPECIFIED);
    }
    rc = ops->dh_public(dh, pub);
    if (rc == MIKEY_OK)
        rc = mk_keys_from_tgk(ops, &ctx->env, in->hdr->prf, in->hdr->csb_id, in->rand, secret, vlen, &peer->u.dh.kv,
                              in->plans, in->n, &in->keys, &in->f);
    mk_wipe(secret, sizeof secret);
    if (rc) {
        ops->dh_free(dh);
        return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
    }
    *dh_out = dh;
    return MIKEY_OK;
}

static int dh_answer(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_creds *c = ctx->creds;
    const mikey_payload *sp = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const mikey_payload *dhi = mk_dh_nth(in->msg, 0);
    mk_pkey *pk = NULL;
    mk_dh *dh = NULL;
    mikey_msg *m = NULL;
    uint8_t pub[MK_MAX_DH_LEN];
    int rc;

    if ((rc = mk_peer_pubkey(ctx, in->msg, in->idi_str, &pk, &in->f)))
        return rc;
    mikey_span cover = {in->buf, in->len - sp->u.sign.sig.len};
    if ((rc = mk_verify_sig(ops, pk, sp->u.sign.s_type, &cover, 1, sp->u.sign.sig))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        goto out;
    }
    /* Only an authenticated DHi costs us an exponentiation. */
    if (dhi)
        rc = mk_dh_respond(in, dhi, pub, &dh);
    else
        rc = mk_keys_from_prev(ops, &ctx->env, in->hdr->prf, in->hdr->csb_id, in->rand, in->prev, in->plans, in->n,
                               &in->keys, &in->f);
    if (rc)
        goto out;
    if (in->idi_str && !(in->peer_id = mk_strndup(&ctx->env, in->idi_str, strlen(in->idi_str)))) {
        rc = mk_failf(&in->f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
        goto out;
    }

    size_t siglen = ops->pkey_size(c->key);
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_DH_RESP, 0, in->hdr->prf, in->hdr->csb_id, in->plans, in->n)) ||
        (rc = mk_b_ts(m, in->t->u.ts.ts_type, in->t->u.ts.value)) ||
        (c->identity && (rc = mk_b_id(m, c->identity))) || (rc = mk_b_certs(m, c)) ||
        (in->idi && (rc = mk_b_id_raw(m, in->idi->u.id.type, in->idi->u.id.data))))
        goto fail;
    if (dhi) {
        mikey_span pv = {pub, dhi->u.dh.value.len};
        if ((rc = mk_b_dh(m, dhi->u.dh.group, pv, &dhi->u.dh.kv)) ||
            (rc = mk_b_dh(m, dhi->u.dh.group, dhi->u.dh.value, &dhi->u.dh.kv)))
            goto fail;
    }
    if ((rc = mk_b_sign(m, (uint8_t)ctx->policy->s_type, siglen)) ||
        (rc = mk_b_encode(m, in->out, in->cap, &in->outlen)))
        goto fail;
    if ((rc = mk_sign_msg(ctx, in->out, in->outlen - siglen, in->out + in->outlen - siglen, siglen, NULL, 0)))
        goto fail;
    goto out;
fail:
    if (rc != MIKEY_ERR_NOBUF)
        mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
out:
    mikey_msg_free(m);
    if (dh)
        ops->dh_free(dh);
    if (pk)
        ops->pkey_free(pk);
    return rc;
}

static int same_payload_data(mikey_span a, mikey_span b) { return a.len == b.len && memcmp(a.p, b.p, a.len) == 0; }

/* The initiator's side of a DH response: DHi echoed, TGK from DHr. */
int mk_dh_complete(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_payload *ours = mk_dh_nth(in->imsg, 0);
    const mikey_payload *dhr = mk_dh_nth(in->msg, 0), *dhi = mk_dh_nth(in->msg, 1);
    uint8_t secret[MK_MAX_DH_LEN];
    int rc;
    /* IDi is echoed by the responder: it must be ours. */
    if (in->idi && in->i_idi && !same_payload_data(in->idi->u.id.data, in->i_idi->u.id.data))
        return mk_failf(&in->f, MIKEY_ERR_IDENTITY, MK_NO_ERRMSG);
    if (!ours) {
        /* §4.5: no DHi, so no DHr and DHi in the response either. */
        if (dhr)
            return mk_failf(&in->f, MIKEY_ERR_SYNTAX, MK_NO_ERRMSG);
        return mk_keys_from_prev(ops, &ctx->env, ctx->prf, ctx->csb_id, in->rand, in->prev, in->plans, in->n,
                                 &in->keys, &in->f);
    }
    if (!dhr || !dhi || dhi->u.dh.group != ours->u.dh.group ||
        !same_payload_data(dhi->u.dh.value, ours->u.dh.value))
        return mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG); /* an answer to another offer */
    if (dhr->u.dh.group != ours->u.dh.group)
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MK_NO_ERRMSG);
    if (!ctx->pend.dh)
        return mk_failf(&in->f, MIKEY_ERR_STATE, MK_NO_ERRMSG);
    if ((rc = ops->dh_compute(ctx->pend.dh, dhr->u.dh.value.p, dhr->u.dh.value.len, secret)))
        return mk_failf(&in->f, rc == MIKEY_ERR_DH_VALUE ? rc : MIKEY_ERR_CRYPTO, MK_NO_ERRMSG);
    rc = mk_keys_from_tgk(ops, &ctx->env, ctx->prf, ctx->csb_id, in->rand, secret, ours->u.dh.value.len,
                          &ours->u.dh.kv, in->plans, in->n, &in->keys, &in->f);
    mk_wipe(secret, sizeof secret);
    return rc;
}

/* Whom the response must come from: the peer we asked for (opts->peer_id),
 * else whoever the response names. */
int mk_expected_peer(mk_in_st *in, const char **claimed)
{
    const char *want = in->ctx->pend.peer_id;
    if (want && in->idr_str && strcmp(want, in->idr_str) != 0)
        return mk_failf(&in->f, MIKEY_ERR_IDENTITY, MK_NO_ERRMSG);
    *claimed = want ? want : in->idr_str;
    if (*claimed && !(in->peer_id = mk_strndup(&in->ctx->env, *claimed, strlen(*claimed))))
        return mk_failf(&in->f, MIKEY_ERR_NOMEM, MK_NO_ERRMSG);
    return MIKEY_OK;
}

static int dh_finish(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mikey_payload *sp = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const char *claimed = NULL;
    mk_pkey *pk = NULL;
    int rc;
    if (!mk_sign_type_ok(ctx->policy, sp->u.sign.s_type))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MK_NO_ERRMSG);
    if ((rc = mk_expected_peer(in, &claimed)) || (rc = mk_peer_pubkey(ctx, in->msg, claimed, &pk, &in->f)))
        return rc;
    mikey_span cover = {in->buf, in->len - sp->u.sign.sig.len};
    if ((rc = mk_verify_sig(ctx->ops, pk, sp->u.sign.s_type, &cover, 1, sp->u.sign.sig)))
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG);
    else
        rc = mk_dh_complete(in);
    ctx->ops->pkey_free(pk);
    return rc;
}

const mk_mode_ops mk_mode_dh = {MIKEY_MODE_DH, MIKEY_DT_DH_INIT, MIKEY_DT_DH_RESP, dh_offer,
                                dh_check,      dh_answer,        dh_finish};
