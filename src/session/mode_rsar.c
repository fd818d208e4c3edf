/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RSA in reverse mode (RFC 4738):
 *
 *   I_MESSAGE = HDR, T, [RAND], [IDi|CERTi], [IDr], {SP}, SIGNi
 *   R_MESSAGE = HDR, T, [RAND], [IDr|CERTr], [SP], KEMAC, PKE, SIGNr
 *
 * The responder chooses the TGK, sends it in KEMAC = E(encr_key, IDr ||
 * {TGK}) || MAC with the keys from an envelope key it encrypts to the
 * initiator's public key (PKE). The KEMAC MAC follows RFC 3830 §5.2's
 * public-key rule (KEMAC payload only, Next payload = 0). SIGNi covers the
 * I_MESSAGE except the signature field (RFC 3830 §5.2); SIGNr covers
 * "R_MESSAGE (excluding the SIGNr payload itself) || IDi || IDr || T"
 * (§3.6), IDi/IDr being the raw ID data and T the timestamp value.
 *
 * RAND: exactly one of the two messages carries it (§3.6-3.7). An update
 * I_MESSAGE has none (RFC 3830 §4.5), so the responder sends a fresh one:
 * it is the RAND of the new keys (our reading; RFC 4738 defines no update).
 * Unicast only: the group mode's CSB_ID General Extension is not sent.
 */
#include "session/mode.h"

static int rsar_offer(mk_offer_st *of)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    const mikey_creds *c = ctx->creds;
    const mk_crypto_ops *ops = ctx->ops;
    if (!c->key)
        return MIKEY_ERR_NOT_FOUND; /* to sign, and to open the responder's envelope */
    size_t siglen = ops->pkey_size(c->key);
    mikey_span tv = {of->t, 8};
    const char *id = c->identity;
    mikey_msg *m = NULL;
    int rc;
    /* §3.4: "The V bit MUST be set to '1'". */
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_RSAR_INIT, 1, of->prf, of->csb_id, of->plans, of->n)) ||
        (rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, tv)) || (of->rand_new.len && (rc = mk_b_rand(m, of->rand_new))) ||
        (id && (rc = mk_b_id(m, id))) || (rc = mk_b_certs(m, c)) ||
        (id && o->peer_id && (rc = mk_b_id(m, o->peer_id))) || (rc = mk_offer_sps(m, of)))
        goto out;
    if ((rc = mk_offer_exts(m, of)))
        goto out;
    if ((rc = mk_b_sign(m, (uint8_t)ctx->policy->s_type, siglen)) ||
        (rc = mk_b_encode(m, of->out, of->cap, &of->outlen)) ||
        (rc = mk_sign_msg(ctx, of->out, of->outlen - siglen, of->out + of->outlen - siglen, siglen, NULL, 0)))
        goto out;
out:
    mikey_msg_free(m);
    return rc;
}

static int rsar_check(mk_in_st *in)
{
    const mikey_creds *c = in->ctx->creds;
    const mikey_payload *s = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    if (!mk_sign_type_ok(in->ctx->policy, s->u.sign.s_type))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
    /* We sign the response and put IDr in the KEMAC (§3.6). */
    if (!c->key || !c->identity)
        return mk_failf(&in->f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
    return MIKEY_OK;
}

static mikey_span id_data(const mikey_payload *id)
{
    mikey_span none = {NULL, 0};
    return id ? id->u.id.data : none;
}

static int rsar_answer(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_creds *c = ctx->creds;
    const mikey_policy *pol = ctx->policy;
    const mikey_payload *sp = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    mk_pkey *pk = NULL;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    mikey_msg *chain = NULL, *m = NULL;
    uint8_t *plain = NULL, *enc = NULL;
    size_t plain_len = 0, enc_len = 0, pke_len = 0;
    uint8_t env_key[MK_ENV_KEY_LEN], pke[MK_MAX_SIG_LEN];
    unsigned encr = pol->encr_alg, mac = pol->mac_alg;
    int rc;

    if ((rc = mk_peer_pubkey(ctx, in->msg, in->idi_str, &pk, &in->f)))
        return rc;
    mikey_span cover = {in->buf, in->len - sp->u.sign.sig.len};
    if ((rc = mk_verify_sig(ops, pk, sp->u.sign.s_type, &cover, 1, sp->u.sign.sig))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        goto out;
    }
    if (!in->randp) {
        /* §3.6: "If the I_MESSAGE did not include the RAND payload, it
         * MUST be present in the R_MESSAGE." */
        if ((rc = mk_random(&ctx->env, in->rand_buf, MK_RAND_LEN)))
            goto fail;
        in->rand.p = in->rand_buf;
        in->rand.len = MK_RAND_LEN;
    }
    if (ops->pkey_size(pk) > sizeof pke) {
        rc = mk_failf(&in->f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT);
        goto out;
    }
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    const char *id = c->identity;
    if ((rc = mk_random(&ctx->env, env_key, sizeof env_key)) ||
        (rc = mk_derive_msg_keys(ops, in->hdr->prf, env_key, sizeof env_key, in->hdr->csb_id, in->rand, encr, mac,
                                 &mk)) ||
        (rc = ops->rsa_encrypt(&ctx->env, pk, MK_RSA_PKCS1, env_key, sizeof env_key, pke, &pke_len)) ||
        (rc = mikey_msg_new(&ctx->env, 1, &chain)) || (rc = mk_b_id(chain, id)) ||
        (rc = mk_keys_build(&ctx->env, &o, encr, 1, in->plans, in->n, 4 + strlen(id), chain)))
        goto fail;
    if ((rc = mk_keys_from_chain(ops, &ctx->env, in->hdr->prf, in->hdr->csb_id, in->rand, chain, 1, in->plans, in->n,
                                 NULL, &in->keys, &in->f)))
        goto out;
    plain_len = mikey_msg_encoded_len(chain);
    if (!(plain = mk_malloc(&ctx->env, plain_len))) {
        rc = MIKEY_ERR_NOMEM;
        goto fail;
    }
    if ((rc = mikey_msg_encode(chain, plain, plain_len, &plain_len)) ||
        (rc = mk_kemac_seal(ops, &ctx->env, encr, &mk, in->hdr->csb_id, in->t64, plain, plain_len, &enc, &enc_len)))
        goto fail;
    if (in->idi_str && !(in->peer_id = mk_strndup(&ctx->env, in->idi_str, strlen(in->idi_str)))) {
        rc = MIKEY_ERR_NOMEM;
        goto fail;
    }

    size_t siglen = ops->pkey_size(c->key);
    mikey_span es = {enc, enc_len}, ps = {pke, pke_len};
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_RSAR_RESP, 0, in->hdr->prf, in->hdr->csb_id, in->plans, in->n)) ||
        (rc = mk_b_ts(m, in->t->u.ts.ts_type, in->t->u.ts.value)) ||
        (!in->randp && (rc = mk_b_rand(m, in->rand))) || (rc = mk_b_id(m, id)) || (rc = mk_b_certs(m, c)))
        goto fail;
    /* §3.6: the chosen policies (each CS's SP, once per Policy no). */
    for (size_t i = 0; i < in->n; i++) {
        int seen = !in->plans[i].has_sp;
        for (size_t j = 0; j < i && !seen; j++)
            seen = in->plans[j].has_sp && in->plans[j].policy_no == in->plans[i].policy_no;
        if (!seen && (rc = mk_b_sp(m, in->plans[i].policy_no, &in->plans[i].srtp)))
            goto fail;
    }
    if ((rc = mk_b_kemac(m, (uint8_t)encr, es, (uint8_t)mac)) || (rc = mk_b_pke(m, 0, ps)) ||
        (rc = mk_b_sign(m, (uint8_t)pol->s_type, siglen)) || (rc = mk_b_encode(m, in->out, in->cap, &in->outlen)))
        goto fail;
    const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
    const mikey_payload *sg = mikey_msg_find(m, MIKEY_PT_SIGN, 0);
    size_t ml = (size_t)mikey_mac_len(mac);
    mikey_span idr = {(const uint8_t *)id, strlen(id)};
    mikey_span extra[3] = {id_data(in->idi), idr, in->t->u.ts.value};
    if ((rc = mk_kemac_payload_mac(ops, mac, mk.auth_key, mk.auth_len, kp, in->out + kp->offset + kp->raw.len - ml)) ||
        (rc = mk_sign_msg(ctx, in->out, sg->offset, in->out + in->outlen - siglen, siglen, extra, 3)))
        goto fail;
    goto out;
fail:
    if (rc != MIKEY_ERR_NOBUF)
        mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
out:
    mk_wipe(env_key, sizeof env_key);
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_free_secret(&ctx->env, enc, enc_len);
    mikey_msg_free(chain);
    mikey_msg_free(m);
    mk_msg_keys_wipe(&mk);
    if (pk)
        ops->pkey_free(pk);
    return rc;
}

/* §3.7: an SP the initiator did not offer means the R_MESSAGE is discarded. */
static int sps_offered(const mk_in_st *in)
{
    const mikey_payload *r, *i;
    for (size_t a = 0; (r = mikey_msg_find(in->msg, MIKEY_PT_SP, a)) != NULL; a++) {
        mikey_srtp_params rp, ip;
        int found = 0;
        if (mikey_srtp_params_from_sp(&r->u.sp, &rp))
            return 0;
        for (size_t b = 0; !found && (i = mikey_msg_find(in->imsg, MIKEY_PT_SP, b)) != NULL; b++)
            found = mikey_srtp_params_from_sp(&i->u.sp, &ip) == MIKEY_OK && mk_srtp_equal(&rp, &ip);
        if (!found && mikey_msg_find(in->imsg, MIKEY_PT_SP, 0))
            return 0;
    }
    return 1;
}

static int rsar_finish(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_payload *sp = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const mikey_payload *kp = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *pp = mikey_msg_find(in->msg, MIKEY_PT_PKE, 0);
    const mikey_kemac *k = &kp->u.kemac;
    const char *claimed = NULL;
    mk_pkey *pk = NULL;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    uint8_t env_key[256];
    size_t ek_len = 0;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    mikey_msg *chain = NULL;
    int rc;

    /* §3.7: RAND in exactly one of the two messages. */
    int i_rand = mikey_msg_find(in->imsg, MIKEY_PT_RAND, 0) != NULL;
    if (i_rand == (in->randp != NULL))
        return mk_failf(&in->f, MIKEY_ERR_SYNTAX, MK_NO_ERRMSG);
    if (in->randp)
        in->rand = in->randp->u.rand.data;
    if (!mk_sign_type_ok(ctx->policy, sp->u.sign.s_type))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MK_NO_ERRMSG);
    if ((rc = mk_kemac_algs_ok(ctx->policy, MIKEY_MODE_RSAR, k, &in->f)))
        return rc;
    if (!sps_offered(in))
        return mk_failf(&in->f, MIKEY_ERR_POLICY, MK_NO_ERRMSG);
    if ((rc = mk_expected_peer(in, &claimed)) || (rc = mk_peer_pubkey(ctx, in->msg, claimed, &pk, &in->f)))
        return rc;
    mikey_span parts[4] = {{in->buf, sp->offset}, id_data(in->i_idi), id_data(in->idr), in->t->u.ts.value};
    if ((rc = mk_verify_sig(ops, pk, sp->u.sign.s_type, parts, 4, sp->u.sign.sig))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG);
        goto out;
    }
    if ((rc = mk_open_envelope(ctx, pp->u.pke.data, env_key, sizeof env_key, &ek_len)) ||
        (rc = mk_derive_msg_keys(ops, ctx->prf, env_key, ek_len, ctx->csb_id, in->rand, k->encr_alg, k->mac_alg,
                                 &mk))) {
        rc = mk_failf(&in->f, rc, MK_NO_ERRMSG);
        goto out;
    }
    if ((rc = mk_kemac_payload_mac_check(ops, k->mac_alg, mk.auth_key, mk.auth_len, kp))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG);
        goto out;
    }
    if ((rc = mk_kemac_open(ops, &ctx->env, k, &mk, ctx->csb_id, in->t64, MIKEY_PT_ID, &plain, &plain_len, &chain,
                            &in->f)))
        goto out;
    /* The encrypted IDr must be the responder we authenticated. */
    const mikey_payload *eid = mikey_msg_at(chain, 0);
    if (!eid || eid->type != MIKEY_PT_ID ||
        (in->idr && (eid->u.id.data.len != in->idr->u.id.data.len ||
                     memcmp(eid->u.id.data.p, in->idr->u.id.data.p, eid->u.id.data.len) != 0))) {
        rc = mk_failf(&in->f, MIKEY_ERR_IDENTITY, MK_NO_ERRMSG);
        goto out;
    }
    rc = mk_keys_from_chain(ops, &ctx->env, ctx->prf, ctx->csb_id, in->rand, chain, 1, in->plans, in->n, in->prev,
                            &in->keys, &in->f);
out:
    mk_wipe(env_key, sizeof env_key);
    mikey_msg_free(chain);
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_msg_keys_wipe(&mk);
    if (pk)
        ops->pkey_free(pk);
    return rc;
}

const mk_mode_ops mk_mode_rsar = {MIKEY_MODE_RSAR, MIKEY_DT_RSAR_INIT, MIKEY_DT_RSAR_RESP, rsar_offer,
                                  rsar_check,      rsar_answer,        rsar_finish};
