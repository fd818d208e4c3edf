/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HMAC-authenticated Diffie-Hellman (RFC 4650):
 *
 *   I_MESSAGE = HDR, T, RAND, [IDi], IDr, {SP}, DHi, KEMAC
 *   R_MESSAGE = HDR, T, [IDr], IDi, DHr, DHi, KEMAC
 *
 * The KEMAC carries no keys, only the HMAC over the entire message except
 * the MAC field (RFC 4650 §3, §4.2), keyed with auth_key derived from the
 * pre-shared key (RFC 3830 §4.1.4). Code points: RFC 4650's Table 4.2.a
 * lists "NULL = 2" for the Encr alg and swaps the MAC alg numbers; we use
 * RFC 3830's registry values (Encr alg NULL = 0, MAC HMAC-SHA-1-160 = 1),
 * as the IANA registry and every dissector do (docs/interop.md). A
 * received Encr alg 2 with no Encr data is accepted as RFC 4650's
 * literal "NULL" (named leniency: nothing is decrypted either way).
 * The MAC is verified before the DH exponentiation.
 */
#include "session/mode.h"

static int dhhmac_psk(const mikey_ctx *ctx, const mikey_offer_opts *o, const char *peer, const uint8_t **psk,
                      size_t *len)
{
    if (o && o->psk && o->psk_len) {
        *psk = o->psk;
        *len = o->psk_len;
        return MIKEY_OK;
    }
    return mk_creds_psk(ctx->creds, peer, psk, len);
}

static int dhhmac_offer(mk_offer_st *of)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    const mikey_policy *pol = ctx->policy;
    const mk_crypto_ops *ops = ctx->ops;
    const uint8_t *psk;
    size_t psk_len;
    /* RFC 4650 §3: "The initiator SHALL always include the recipient's
     * identity." */
    if (!o->peer_id || o->mki_len > 16)
        return MIKEY_ERR_INVALID_ARG;
    int rc = dhhmac_psk(ctx, o, o->peer_id, &psk, &psk_len);
    if (rc)
        return rc;
    unsigned mac = pol->mac_alg, group = pol->dh_group;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    mk_dh *dh = NULL;
    mikey_msg *m = NULL;
    uint8_t seed[MK_DH_SEED_LEN], pub[MK_MAX_DH_LEN], mki[16];
    mikey_kv kv;
    mk_offer_kv(of, mki, &kv);
    /* keep_keys: no DHi (RFC 4650 §3.1 b), the CSB keeps its TGK; the
     * KEMAC still carries the MAC over the whole message. */
    if ((rc = mk_derive_msg_keys(ops, of->prf, psk, psk_len, of->csb_id, of->rand, MIKEY_ENCR_NULL, mac, &mk)) ||
        (!o->keep_keys &&
         ((rc = mk_policy_take_dh(pol, ops, &ctx->env, group, seed, &dh)) || (rc = ops->dh_public(dh, pub)))))
        goto out;
    mikey_span tv = {of->t, 8}, pv = {pub, (size_t)mikey_dh_value_len(group)}, none = {NULL, 0};
    const char *id = ctx->creds->identity;
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_DHHMAC_INIT, 1, of->prf, of->csb_id, of->plans, of->n)) ||
        (rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, tv)) || (of->rand_new.len && (rc = mk_b_rand(m, of->rand_new))) ||
        (id && (rc = mk_b_id(m, id))) || (rc = mk_b_id(m, o->peer_id)) ||
        (rc = mk_offer_sps(m, of)))
        goto out;
    if ((rc = mk_offer_exts(m, of)))
        goto out;
    if ((dh && (rc = mk_b_dh(m, (uint8_t)group, pv, &kv))) ||
        (rc = mk_b_kemac(m, MIKEY_ENCR_NULL, none, (uint8_t)mac)) ||
        (rc = mk_b_encode(m, of->out, of->cap, &of->outlen)))
        goto out;
    size_t ml = (size_t)mikey_mac_len(mac);
    mikey_span cover = {of->out, of->outlen - ml};
    if ((rc = mk_mac(ops, mac, mk.auth_key, mk.auth_len, &cover, 1, of->out + of->outlen - ml)))
        goto out;
    of->pend.dh = dh;
    if (dh)
        memcpy(of->pend.dh_seed, seed, sizeof seed);
    dh = NULL;
    memcpy(of->pend.auth_key, mk.auth_key, mk.auth_len);
    of->pend.auth_len = mk.auth_len;
out:
    if (dh)
        ops->dh_free(dh);
    mk_wipe(seed, sizeof seed);
    mk_msg_keys_wipe(&mk);
    mikey_msg_free(m);
    return rc;
}

static int kemac_ok(const mikey_policy *pol, const mikey_kemac *k, mk_fail *f)
{
    /* No Encr data: NULL (0), or RFC 4650's literal "2 (NULL)". */
    if (k->encr_data.len != 0 || (k->encr_alg != MIKEY_ENCR_NULL && k->encr_alg != MIKEY_ENCR_AES_KW_128))
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
    int mr = mk_mac_rank(k->mac_alg);
    if (mr <= 0 || mr < mk_mac_rank(pol->mac_alg))
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
    return MIKEY_OK;
}

static int dhhmac_check(mk_in_st *in)
{
    const mikey_policy *pol = in->ctx->policy;
    const mikey_payload *k = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *d = mk_dh_nth(in->msg, 0);
    int rc;
    if ((rc = kemac_ok(pol, &k->u.kemac, &in->f)))
        return rc;
    if (!d && !in->update)
        return mk_failf(&in->f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    if (d && (d->u.dh.group > MIKEY_DH_OAKLEY2 || !(pol->dh_accepted & (1u << d->u.dh.group))))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_DH);
    return MIKEY_OK;
}

static int dhhmac_answer(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_payload *kp = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *dhi = mk_dh_nth(in->msg, 0);
    unsigned mac = kp->u.kemac.mac_alg;
    const uint8_t *psk;
    size_t psk_len;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    mk_dh *dh = NULL;
    mikey_msg *m = NULL;
    uint8_t pub[MK_MAX_DH_LEN];
    int rc;
    if (dhhmac_psk(ctx, NULL, in->idi_str, &psk, &psk_len))
        return mk_failf(&in->f, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
    if ((rc = mk_derive_msg_keys(ops, in->hdr->prf, psk, psk_len, in->hdr->csb_id, in->rand, MIKEY_ENCR_NULL, mac,
                                 &mk)))
        return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
    mikey_span cover = {in->buf, in->len - kp->u.kemac.mac.len};
    if ((rc = mk_mac_verify(ops, mac, mk.auth_key, mk.auth_len, &cover, 1, kp->u.kemac.mac.p))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        goto out;
    }
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
    mikey_span none = {NULL, 0};
    const char *id = ctx->creds->identity;
    /* RFC 4650 §3: "The responder SHALL always include the initiator's
     * identity IDi regardless of whether the I_message conveyed any IDi" —
     * we echo the one we were given (an unnamed initiator cannot be named). */
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_DHHMAC_RESP, 0, in->hdr->prf, in->hdr->csb_id, in->plans, in->n)) ||
        (rc = mk_b_ts(m, in->t->u.ts.ts_type, in->t->u.ts.value)) || (id && (rc = mk_b_id(m, id))) ||
        (in->idi && (rc = mk_b_id_raw(m, in->idi->u.id.type, in->idi->u.id.data))))
        goto fail;
    if (dhi) {
        mikey_span pv = {pub, dhi->u.dh.value.len};
        if ((rc = mk_b_dh(m, dhi->u.dh.group, pv, &dhi->u.dh.kv)) ||
            (rc = mk_b_dh(m, dhi->u.dh.group, dhi->u.dh.value, &dhi->u.dh.kv)))
            goto fail;
    }
    if ((rc = mk_b_kemac(m, MIKEY_ENCR_NULL, none, (uint8_t)mac)) ||
        (rc = mk_b_encode(m, in->out, in->cap, &in->outlen)))
        goto fail;
    size_t ml = (size_t)mikey_mac_len(mac);
    mikey_span rc_cover = {in->out, in->outlen - ml};
    if ((rc = mk_mac(ops, mac, mk.auth_key, mk.auth_len, &rc_cover, 1, in->out + in->outlen - ml)))
        goto fail;
    goto out;
fail:
    if (rc != MIKEY_ERR_NOBUF)
        mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
out:
    mikey_msg_free(m);
    if (dh)
        ops->dh_free(dh);
    mk_msg_keys_wipe(&mk);
    return rc;
}

static int dhhmac_finish(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mikey_payload *kp = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *ikp = mikey_msg_find(in->imsg, MIKEY_PT_KEMAC, 0);
    const char *claimed;
    int rc;
    if (kp->u.kemac.mac_alg != ikp->u.kemac.mac_alg || kp->u.kemac.encr_data.len)
        return mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG);
    mikey_span cover = {in->buf, in->len - kp->u.kemac.mac.len};
    if ((rc = mk_mac_verify(ctx->ops, kp->u.kemac.mac_alg, ctx->pend.auth_key, ctx->pend.auth_len, &cover, 1,
                            kp->u.kemac.mac.p)))
        return mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG);
    if ((rc = mk_expected_peer(in, &claimed)))
        return rc;
    return mk_dh_complete(in);
}

const mk_mode_ops mk_mode_dhhmac = {MIKEY_MODE_DHHMAC, MIKEY_DT_DHHMAC_INIT, MIKEY_DT_DHHMAC_RESP, dhhmac_offer,
                                    dhhmac_check,      dhhmac_answer,        dhhmac_finish};
