/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pre-shared key mode (RFC 3830 §3.1) and MIKEY-NULL:
 *
 *   I_MESSAGE = HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC
 *   R_MESSAGE = HDR, T, [IDr], V                        (if V was asked)
 *
 * KEMAC = E(encr_key, {TGK}) || MAC, the MAC covering the whole message
 * up to the MAC field (§5.2), keys derived from the PSK (§4.1.4).
 *
 * MIKEY-NULL is the practice of RTSP cameras and stacks (GStreamer, Axis,
 * Live555; INTEROP.md §1 item 7): the PSK data type with a NULL/NULL KEMAC
 * carrying the SRTP key in the clear, relying on a secured transport
 * (RTSPS) — the "Use this option with caution!" case of §4.2.3-4.2.4. A
 * responder accepts it only when its policy enables MIKEY_MODE_NULL.
 *
 * Also here: the V payload and the KEMAC encryption helpers other modes
 * share.
 */
#include "session/mode.h"

void mk_free_secret(const mikey_env *env, uint8_t *p, size_t len)
{
    if (!p)
        return;
    mk_wipe(p, len);
    mk_free(env, p);
}

int mk_kemac_algs_ok(const mikey_policy *p, unsigned mode, const mikey_kemac *k, mk_fail *f)
{
    if (mode == MIKEY_MODE_NULL)
        return MIKEY_OK; /* NULL/NULL, allowed by the mode check */
    int er = mk_encr_rank(k->encr_alg), mr = mk_mac_rank(k->mac_alg);
    if (er < 0)
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
    /* §4.2.4: the NULL MAC only "together with the NULL encryption", i.e.
     * MIKEY-NULL; and in the PSK mode the MAC covers the whole message. */
    if (mr <= 0)
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
    if (er == 0) {
        /* NULL encryption (keys in the clear, MAC kept): only where the
         * policy trusts the transport, i.e. allows MIKEY-NULL. */
        if (mode != MIKEY_MODE_PSK || !(p->modes & MIKEY_MODE_BIT(MIKEY_MODE_NULL)))
            return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
    } else if (er < mk_encr_rank(p->encr_alg)) {
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_EA);
    }
    if (mr < mk_mac_rank(p->mac_alg))
        return mk_failf(f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_MAC);
    return MIKEY_OK;
}

int mk_kemac_seal(const mk_crypto_ops *ops, const mikey_env *env, unsigned encr_alg, const mk_msg_keys *mk,
                  uint32_t csb_id, const uint8_t t64[8], const uint8_t *plain, size_t plain_len, uint8_t **enc,
                  size_t *enc_len)
{
    *enc = NULL;
    *enc_len = 0;
    if (plain_len == 0)
        return MIKEY_OK; /* §6.2: an update may carry no Key data */
    uint8_t *e = mk_malloc(env, plain_len + 8);
    if (!e)
        return MIKEY_ERR_NOMEM;
    int rc = mk_kemac_encrypt(ops, encr_alg, mk, csb_id, t64, plain, plain_len, e, plain_len + 8, enc_len);
    if (rc) {
        mk_free_secret(env, e, plain_len + 8);
        return rc;
    }
    *enc = e;
    return MIKEY_OK;
}

int mk_kemac_open(const mk_crypto_ops *ops, const mikey_env *env, const mikey_kemac *k, const mk_msg_keys *mk,
                  uint32_t csb_id, const uint8_t t64[8], unsigned first_type, uint8_t **plain, size_t *plain_len,
                  mikey_msg **chain, mk_fail *f)
{
    *plain = NULL;
    *plain_len = 0;
    *chain = NULL;
    int rc;
    size_t n = k->encr_data.len;
    if (n == 0) {
        if ((rc = mikey_chain_parse(env, first_type, NULL, 0, NULL, chain, NULL)))
            return mk_failf(f, rc, MIKEY_E_UNSPECIFIED);
        return MIKEY_OK;
    }
    uint8_t *p = mk_malloc(env, n);
    if (!p)
        return mk_failf(f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
    size_t pl = 0;
    rc = mk_kemac_decrypt(ops, k->encr_alg, mk, csb_id, t64, k->encr_data.p, n, p, n, &pl);
    if (rc) {
        mk_free_secret(env, p, n);
        /* AES-KW integrity failure: the key wrap authenticates (§4.2.3). */
        return mk_failf(f, rc == MIKEY_ERR_DECRYPT ? MIKEY_ERR_AUTH : rc,
                        rc == MIKEY_ERR_DECRYPT ? MIKEY_E_AUTH_FAILURE : MIKEY_E_UNSPECIFIED);
    }
    if ((rc = mikey_chain_parse(env, first_type, p, pl, NULL, chain, NULL))) {
        mk_free_secret(env, p, n);
        return mk_failf(f, rc, mikey_err_to_rfc3830(rc));
    }
    *plain = p;
    *plain_len = n;
    return MIKEY_OK;
}

/* ---- V payload (§5.2, §6.9) ---- */

static mikey_span id_data(const mikey_payload *id)
{
    mikey_span none = {NULL, 0};
    return id ? id->u.id.data : none;
}

int mk_v_seal(mk_in_st *in, const mikey_msg *resp, unsigned auth_alg, const uint8_t *key, size_t keylen)
{
    if (auth_alg == MIKEY_MAC_NULL)
        return MIKEY_OK;
    size_t ml = (size_t)mikey_mac_len(auth_alg);
    /* MAC(R_MESSAGE without the MAC field || IDi || IDr || T): the raw ID
     * data of the I_MESSAGE's IDi and of our IDr, and the initiator's T
     * value (INTEROP.md §1 item 5, docs/interop.md). */
    const mikey_payload *idr = mikey_msg_find(resp, MIKEY_PT_ID, 0);
    mikey_span parts[4] = {{in->out, in->outlen - ml}, id_data(in->idi), id_data(idr), in->t->u.ts.value};
    return mk_mac(in->ctx->ops, auth_alg, key, keylen, parts, 4, in->out + in->outlen - ml);
}

int mk_v_response(mk_in_st *in, uint8_t dt, unsigned auth_alg, const uint8_t *key, size_t keylen)
{
    mikey_ctx *ctx = in->ctx;
    mikey_msg *m = NULL;
    int rc = mikey_msg_new(&ctx->env, 0, &m);
    if (rc)
        return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
    /* HDR with the SSRCs we filled in (§6.1.1), T of the initiator (§5.2). */
    if ((rc = mk_b_hdr(m, dt, 0, in->hdr->prf, in->hdr->csb_id, in->plans, in->n)) ||
        (rc = mk_b_ts(m, in->t->u.ts.ts_type, in->t->u.ts.value)) ||
        (ctx->creds->identity && (rc = mk_b_id(m, ctx->creds->identity))) || (rc = mk_b_v(m, (uint8_t)auth_alg)))
        goto out;
    if ((rc = mk_b_encode(m, in->out, in->cap, &in->outlen)))
        goto out;
    rc = mk_v_seal(in, m, auth_alg, key, keylen);
out:
    mikey_msg_free(m);
    if (rc && rc != MIKEY_ERR_NOBUF)
        mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
    return rc;
}

int mk_v_open(mk_in_st *in, const uint8_t *key, size_t keylen, unsigned auth_alg)
{
    const mikey_payload *v = mikey_msg_find(in->msg, MIKEY_PT_V, 0);
    if (v->u.v.auth_alg != auth_alg)
        return mk_failf(&in->f, MIKEY_ERR_AUTH, MK_NO_ERRMSG); /* not the MAC we asked for */
    if (auth_alg == MIKEY_MAC_NULL)
        return MIKEY_OK; /* MIKEY-NULL: the transport authenticates */
    size_t ml = v->u.v.data.len;
    mikey_span parts[4] = {{in->buf, in->len - ml}, id_data(in->i_idi), id_data(in->idr), in->t->u.ts.value};
    int rc = mk_mac_verify(in->ctx->ops, auth_alg, key, keylen, parts, 4, v->u.v.data.p);
    if (rc == MIKEY_ERR_AUTH) {
        /* Named leniency "V without identities" (docs/interop.md): minisip
         * computes MAC(R_MESSAGE || T). Safe: the key is this CSB's and T is
         * ours, so the response is still bound to this offer. */
        mikey_span p2[2] = {parts[0], parts[3]};
        rc = mk_mac_verify(in->ctx->ops, auth_alg, key, keylen, p2, 2, v->u.v.data.p);
        if (rc == MIKEY_OK)
            mk_log(&in->ctx->env, MIKEY_LOG_INFO, "MIKEY: accepted V without identities (minisip)");
    }
    if (rc)
        return mk_failf(&in->f, rc, MK_NO_ERRMSG);
    return MIKEY_OK;
}

/* ---- the mode ---- */

static int psk_offer_common(mk_offer_st *of, int null_mode)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    const mikey_policy *pol = ctx->policy;
    unsigned encr = null_mode ? MIKEY_ENCR_NULL : pol->encr_alg;
    unsigned mac = null_mode ? MIKEY_MAC_NULL : pol->mac_alg;
    const uint8_t *psk = NULL;
    size_t psk_len = 0;
    int rc;
    if (!null_mode) {
        if (o->psk && o->psk_len) {
            psk = o->psk;
            psk_len = o->psk_len;
        } else if ((rc = mk_creds_psk(ctx->creds, o->peer_id, &psk, &psk_len))) {
            return rc;
        }
    }
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    if (!null_mode &&
        (rc = mk_derive_msg_keys(ctx->ops, of->prf, psk, psk_len, of->csb_id, of->rand, encr, mac, &mk)))
        return rc;

    mikey_msg *chain = NULL, *m = NULL;
    uint8_t *plain = NULL, *enc = NULL;
    size_t plain_len = 0, enc_len = 0;
    /* keep_keys: a KEMAC without Key data, the MAC still over the whole
     * message (RFC 3830 §4.5, §6.2); the CSB keeps its keying material. */
    if ((rc = mikey_msg_new(&ctx->env, 1, &chain)) ||
        (!o->keep_keys && (rc = mk_keys_build(&ctx->env, o, encr, of->keygen, of->plans, of->n, 0, chain))))
        goto out;
    plain_len = mikey_msg_encoded_len(chain);
    if (plain_len && !(plain = mk_malloc(&ctx->env, plain_len))) {
        rc = MIKEY_ERR_NOMEM;
        goto out;
    }
    if ((plain_len && (rc = mikey_msg_encode(chain, plain, plain_len, &plain_len))) ||
        (rc = mk_kemac_seal(ctx->ops, &ctx->env, encr, &mk, of->csb_id, of->t, plain, plain_len, &enc, &enc_len)))
        goto out;

    mikey_span tv = {of->t, 8}, encr_span = {enc, enc_len};
    const char *id = ctx->creds->identity;
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_PSK_INIT, o->want_verification, of->prf, of->csb_id, of->plans, of->n)) ||
        (rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, tv)) || (of->rand_new.len && (rc = mk_b_rand(m, of->rand_new))) ||
        (id && (rc = mk_b_id(m, id))) || (id && o->peer_id && (rc = mk_b_id(m, o->peer_id))) ||
        (rc = mk_offer_sps(m, of)))
        goto out;
    if ((rc = mk_offer_exts(m, of)))
        goto out;
    if ((rc = mk_b_kemac(m, (uint8_t)encr, encr_span, (uint8_t)mac)) ||
        (rc = mk_b_encode(m, of->out, of->cap, &of->outlen)))
        goto out;
    if (mac != MIKEY_MAC_NULL) {
        /* §5.2: MAC over the entire message except the MAC field (the
         * KEMAC is the last payload). */
        size_t ml = (size_t)mikey_mac_len(mac);
        mikey_span cover = {of->out, of->outlen - ml};
        if ((rc = mk_mac(ctx->ops, mac, mk.auth_key, mk.auth_len, &cover, 1, of->out + of->outlen - ml)))
            goto out;
    }
    of->pend.keys = plain;
    of->pend.keys_len = plain_len;
    of->pend.keys_first = MIKEY_PT_KEYDATA;
    plain = NULL;
    memcpy(of->pend.auth_key, mk.auth_key, mk.auth_len);
    of->pend.auth_len = mk.auth_len;
    of->pend.want_v = o->want_verification;
    of->established = !o->want_verification;
out:
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_free_secret(&ctx->env, enc, enc_len);
    mikey_msg_free(chain);
    mikey_msg_free(m);
    mk_msg_keys_wipe(&mk);
    return rc;
}

static int psk_offer(mk_offer_st *of) { return psk_offer_common(of, 0); }
static int null_offer(mk_offer_st *of) { return psk_offer_common(of, 1); }

static int psk_check(mk_in_st *in)
{
    const mikey_payload *k = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    return mk_kemac_algs_ok(in->ctx->policy, in->mode, &k->u.kemac, &in->f);
}

static int psk_answer(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mikey_payload *kp = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_kemac *k = &kp->u.kemac;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    mikey_msg *chain = NULL;
    int rc;
    if (in->mode != MIKEY_MODE_NULL) {
        const uint8_t *psk;
        size_t psk_len;
        if (mk_creds_psk(ctx->creds, in->idi_str, &psk, &psk_len))
            return mk_failf(&in->f, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID); /* no key for this peer */
        if ((rc = mk_derive_msg_keys(ctx->ops, in->hdr->prf, psk, psk_len, in->hdr->csb_id, in->rand, k->encr_alg,
                                     k->mac_alg, &mk)))
            return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
        /* The MAC is checked before anything is decrypted (CONVENTIONS.md
         * §2.2.9). It covers the whole message up to the MAC field. */
        mikey_span cover = {in->buf, in->len - k->mac.len};
        if ((rc = mk_mac_verify(ctx->ops, k->mac_alg, mk.auth_key, mk.auth_len, &cover, 1, k->mac.p))) {
            rc = mk_failf(&in->f, rc == MIKEY_ERR_AUTH ? rc : MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
            goto out;
        }
    }
    if ((rc = mk_kemac_open(ctx->ops, &ctx->env, k, &mk, in->hdr->csb_id, in->t64, MIKEY_PT_KEYDATA, &plain,
                            &plain_len, &chain, &in->f)) ||
        (rc = mk_keys_from_chain(ctx->ops, &ctx->env, in->hdr->prf, in->hdr->csb_id, in->rand, chain, 0, in->plans,
                                 in->n, in->prev, &in->keys, &in->f)))
        goto out;
    if (in->idi_str && !(in->peer_id = mk_strndup(&ctx->env, in->idi_str, strlen(in->idi_str)))) {
        rc = mk_failf(&in->f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
        goto out;
    }
    if (in->hdr->v)
        rc = mk_v_response(in, MIKEY_DT_PSK_RESP, k->mac_alg, mk.auth_key, mk.auth_len);
out:
    mikey_msg_free(chain);
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_msg_keys_wipe(&mk);
    return rc;
}

int mk_psk_finish(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mikey_payload *k = mikey_msg_find(in->imsg, MIKEY_PT_KEMAC, 0);
    int rc;
    if ((rc = mk_v_open(in, ctx->pend.auth_key, ctx->pend.auth_len, k->u.kemac.mac_alg)))
        return rc;
    if (ctx->pend.peer_id && in->idr_str && strcmp(ctx->pend.peer_id, in->idr_str) != 0)
        return mk_failf(&in->f, MIKEY_ERR_IDENTITY, MK_NO_ERRMSG);
    if ((rc = mk_keys_from_pending(ctx, &ctx->pend, ctx->prf, ctx->csb_id, in->rand, in->plans, in->n, in->prev,
                                   &in->keys, &in->f)))
        return rc;
    if (in->idr_str && !(in->peer_id = mk_strndup(&ctx->env, in->idr_str, strlen(in->idr_str))))
        return mk_failf(&in->f, MIKEY_ERR_NOMEM, MK_NO_ERRMSG);
    return MIKEY_OK;
}

const mk_mode_ops mk_mode_psk = {MIKEY_MODE_PSK, MIKEY_DT_PSK_INIT, MIKEY_DT_PSK_RESP,
                                 psk_offer,      psk_check,         psk_answer,
                                 mk_psk_finish};

const mk_mode_ops mk_mode_null = {MIKEY_MODE_NULL, MIKEY_DT_PSK_INIT, MIKEY_DT_PSK_RESP,
                                  null_offer,      psk_check,         psk_answer,
                                  mk_psk_finish};
