/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Public-key envelope mode (RFC 3830 §3.2):
 *
 *   I_MESSAGE = HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, KEMAC, [CHASH],
 *               PKE, SIGNi
 *   R_MESSAGE = HDR, T, [IDr], V                       (if V was asked)
 *
 * PKE = E(PKr, env_key) with RSAES-PKCS1-v1_5 (§4.2.5, mandatory);
 * KEMAC = E(encr_key, IDi || {TGK}) || MAC, keys from env_key (§4.1.4),
 * the MAC over the KEMAC payload only with its Next payload set to 0
 * (§5.2); SIGNi over the whole message except the signature field.
 *
 * CHASH names which responder certificate was used; since tshark 4.0 and
 * GStreamer cannot decode it, it is sent only when the initiator knows
 * several certificates for the responder (the case §3.2 gives for it).
 * A responder checks a received CHASH (SHA-1 or SHA-256) against its own
 * certificate before any public-key operation.
 */
#include "session/mode.h"

int mk_kemac_payload_mac(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                         const mikey_payload *kemac, uint8_t *mac_out)
{
    /* §5.2: "The MAC is calculated over the entire Key data transport
     * payload except the MAC field. Before calculating the MAC, the Next
     * payload field is set to zero." */
    static const uint8_t zero = 0;
    size_t ml = (size_t)mikey_mac_len(mac_alg);
    mikey_span parts[2] = {{&zero, 1}, {kemac->raw.p + 1, kemac->raw.len - 1 - ml}};
    return mk_mac(ops, mac_alg, key, keylen, parts, 2, mac_out);
}

int mk_kemac_payload_mac_check(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                               const mikey_payload *kemac)
{
    static const uint8_t zero = 0;
    size_t ml = kemac->u.kemac.mac.len;
    mikey_span parts[2] = {{&zero, 1}, {kemac->raw.p + 1, kemac->raw.len - 1 - ml}};
    return mk_mac_verify(ops, mac_alg, key, keylen, parts, 2, kemac->u.kemac.mac.p);
}

static int pke_offer(mk_offer_st *of)
{
    mikey_ctx *ctx = of->ctx;
    const mikey_offer_opts *o = of->o;
    const mikey_creds *c = ctx->creds;
    const mikey_policy *pol = ctx->policy;
    const mk_crypto_ops *ops = ctx->ops;
    const char *id = c->identity;
    /* The KEMAC carries IDi (§3.2), SIGNi needs our key. */
    if (!id || !c->key)
        return MIKEY_ERR_NOT_FOUND;
    const mk_cert *rcert = mk_creds_peer_cert(c, o->peer_id, 0);
    if (!rcert)
        return MIKEY_ERR_NOT_FOUND;
    mk_pkey *pub = NULL;
    int rc = ops->cert_pubkey(&ctx->env, rcert, &pub);
    if (rc)
        return rc;
    uint8_t env_key[MK_ENV_KEY_LEN], pke[MK_MAX_SIG_LEN];
    size_t pke_len = 0;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    mikey_msg *chain = NULL, *m = NULL;
    uint8_t *plain = NULL, *enc = NULL;
    size_t plain_len = 0, enc_len = 0;
    unsigned encr = pol->encr_alg, mac = pol->mac_alg;

    if ((rc = mk_random(&ctx->env, env_key, sizeof env_key)) ||
        (rc = mk_derive_msg_keys(ops, of->prf, env_key, sizeof env_key, of->csb_id, of->rand, encr, mac, &mk)))
        goto out;
    if (ops->pkey_size(pub) > sizeof pke) {
        rc = MIKEY_ERR_UNSUPPORTED;
        goto out;
    }
    if ((rc = ops->rsa_encrypt(&ctx->env, pub, MK_RSA_PKCS1, env_key, sizeof env_key, pke, &pke_len)))
        goto out;
    /* KEMAC Encr data = IDi || {Key data} (§3.2). keep_keys: no Key data,
     * but "for an update message, the ID is still sent encrypted" (§3.2). */
    if ((rc = mikey_msg_new(&ctx->env, 1, &chain)) || (rc = mk_b_id(chain, id)) ||
        (!o->keep_keys &&
         (rc = mk_keys_build(&ctx->env, o, encr, of->keygen, of->plans, of->n, 4 + strlen(id), chain))))
        goto out;
    /* AES-KW wraps whole 64-bit blocks (RFC 3394): IDi alone must fit. */
    if (o->keep_keys && encr == MIKEY_ENCR_AES_KW_128 && (4 + strlen(id)) % 8) {
        rc = MIKEY_ERR_INVALID_ARG;
        goto out;
    }
    plain_len = mikey_msg_encoded_len(chain);
    if (!(plain = mk_malloc(&ctx->env, plain_len))) {
        rc = MIKEY_ERR_NOMEM;
        goto out;
    }
    if ((rc = mikey_msg_encode(chain, plain, plain_len, &plain_len)) ||
        (rc = mk_kemac_seal(ops, &ctx->env, encr, &mk, of->csb_id, of->t, plain, plain_len, &enc, &enc_len)))
        goto out;

    size_t siglen = ops->pkey_size(c->key);
    mikey_span tv = {of->t, 8}, es = {enc, enc_len}, ps = {pke, pke_len};
    if ((rc = mikey_msg_new(&ctx->env, 0, &m)) ||
        (rc = mk_b_hdr(m, MIKEY_DT_PK_INIT, o->want_verification, of->prf, of->csb_id, of->plans, of->n)) ||
        (rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, tv)) || (of->rand_new.len && (rc = mk_b_rand(m, of->rand_new))) ||
        (rc = mk_b_id(m, id)) || (rc = mk_b_certs(m, c)) || (o->peer_id && (rc = mk_b_id(m, o->peer_id))) ||
        (rc = mk_offer_sps(m, of)))
        goto out;
    if ((rc = mk_offer_exts(m, of)))
        goto out;
    if ((rc = mk_b_kemac(m, (uint8_t)encr, es, (uint8_t)mac)))
        goto out;
    if (mk_creds_peer_cert_count(c, o->peer_id) > 1) {
        uint8_t hash[20];
        mikey_span der = ops->cert_der(rcert);
        mikey_payload pl;
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_CHASH;
        pl.u.chash.hash_func = MIKEY_HASH_SHA1; /* the mandatory one (§6.8) */
        pl.u.chash.hash.p = hash;
        pl.u.chash.hash.len = sizeof hash;
        if ((rc = ops->digest(MIKEY_HASH_SHA1, &der, 1, hash)) || (rc = mikey_msg_append(m, &pl)))
            goto out;
    }
    if ((rc = mk_b_pke(m, 0, ps)) || (rc = mk_b_sign(m, (uint8_t)pol->s_type, siglen)) ||
        (rc = mk_b_encode(m, of->out, of->cap, &of->outlen)))
        goto out;
    /* First the KEMAC MAC (inside the signed part), then the signature. */
    const mikey_payload *kp = mikey_msg_find(m, MIKEY_PT_KEMAC, 0);
    size_t ml = (size_t)mikey_mac_len(mac);
    if ((rc = mk_kemac_payload_mac(ops, mac, mk.auth_key, mk.auth_len, kp,
                                   of->out + kp->offset + kp->raw.len - ml)) ||
        (rc = mk_sign_msg(ctx, of->out, of->outlen - siglen, of->out + of->outlen - siglen, siglen, NULL, 0)))
        goto out;
    of->pend.keys = plain;
    of->pend.keys_len = plain_len;
    of->pend.keys_first = MIKEY_PT_ID;
    plain = NULL;
    memcpy(of->pend.auth_key, mk.auth_key, mk.auth_len);
    of->pend.auth_len = mk.auth_len;
    of->pend.want_v = o->want_verification;
    of->established = !o->want_verification;
out:
    mk_wipe(env_key, sizeof env_key);
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_free_secret(&ctx->env, enc, enc_len);
    mikey_msg_free(chain);
    mikey_msg_free(m);
    mk_msg_keys_wipe(&mk);
    ops->pkey_free(pub);
    return rc;
}

/* Cheap checks, before any public-key operation. */
static int pke_check(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_creds *c = ctx->creds;
    const mikey_payload *k = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *s = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const mikey_payload *ch = mikey_msg_find(in->msg, MIKEY_PT_CHASH, 0);
    int rc;
    if ((rc = mk_kemac_algs_ok(ctx->policy, in->mode, &k->u.kemac, &in->f)))
        return rc;
    if (!mk_sign_type_ok(ctx->policy, s->u.sign.s_type))
        return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
    if (!c->key || !c->nchain)
        return mk_failf(&in->f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT); /* we cannot open an envelope */
    if (ch) {
        unsigned hf = ch->u.chash.hash_func;
        if (hf != MIKEY_HASH_SHA1 && hf != MIKEY_HASH_SHA256)
            return mk_failf(&in->f, MIKEY_ERR_ALGORITHM, MIKEY_E_INVALID_HA);
        uint8_t h[MK_MAX_HASH_LEN];
        mikey_span der = ops->cert_der(c->chain[0]);
        if ((rc = ops->digest(hf, &der, 1, h)))
            return mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
        if (mk_ct_memcmp(h, ch->u.chash.hash.p, ch->u.chash.hash.len) != 0)
            return mk_failf(&in->f, MIKEY_ERR_CERT, MIKEY_E_INVALID_CERT); /* another key of ours? not held */
    }
    return MIKEY_OK;
}

/* RSA decryption of an envelope key. Any failure yields a random key (the
 * implicit rejection of RFC 8017 §7.2.2's note / the Marvin fix): the
 * KEMAC MAC check that follows then fails like any wrong key, so neither
 * the error nor its timing tells a padding failure apart. */
int mk_open_envelope(const mikey_ctx *ctx, mikey_span data, uint8_t *key, size_t cap, size_t *keylen)
{
    uint8_t rnd[MK_ENV_KEY_LEN];
    int rc = mk_random(&ctx->env, rnd, sizeof rnd);
    if (rc)
        return rc;
    size_t n = 0;
    rc = ctx->ops->rsa_decrypt(ctx->creds->key, MK_RSA_PKCS1, data.p, data.len, key, cap, &n);
    if (rc || n < 16 || n > cap) {
        memcpy(key, rnd, sizeof rnd);
        n = sizeof rnd;
    }
    mk_wipe(rnd, sizeof rnd);
    *keylen = n;
    return MIKEY_OK;
}

static int pke_answer(mk_in_st *in)
{
    mikey_ctx *ctx = in->ctx;
    const mk_crypto_ops *ops = ctx->ops;
    const mikey_payload *kp = mikey_msg_find(in->msg, MIKEY_PT_KEMAC, 0);
    const mikey_payload *sp = mikey_msg_find(in->msg, MIKEY_PT_SIGN, 0);
    const mikey_payload *pp = mikey_msg_find(in->msg, MIKEY_PT_PKE, 0);
    const mikey_kemac *k = &kp->u.kemac;
    mk_pkey *pk = NULL;
    uint8_t env_key[256];
    size_t ek_len = 0;
    mk_msg_keys mk;
    memset(&mk, 0, sizeof mk);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    mikey_msg *chain = NULL;
    int rc;

    /* The initiator's certificate, then its signature (public-key
     * operations, cheap), then our private-key operation. */
    if ((rc = mk_peer_pubkey(ctx, in->msg, in->idi_str, &pk, &in->f)))
        return rc;
    mikey_span cover = {in->buf, in->len - sp->u.sign.sig.len};
    if ((rc = mk_verify_sig(ops, pk, sp->u.sign.s_type, &cover, 1, sp->u.sign.sig))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        goto out;
    }
    if ((rc = mk_open_envelope(ctx, pp->u.pke.data, env_key, sizeof env_key, &ek_len)) ||
        (rc = mk_derive_msg_keys(ops, in->hdr->prf, env_key, ek_len, in->hdr->csb_id, in->rand, k->encr_alg,
                                 k->mac_alg, &mk))) {
        rc = mk_failf(&in->f, rc, MIKEY_E_UNSPECIFIED);
        goto out;
    }
    if ((rc = mk_kemac_payload_mac_check(ops, k->mac_alg, mk.auth_key, mk.auth_len, kp))) {
        rc = mk_failf(&in->f, MIKEY_ERR_AUTH, MIKEY_E_AUTH_FAILURE);
        goto out;
    }
    if ((rc = mk_kemac_open(ops, &ctx->env, k, &mk, in->hdr->csb_id, in->t64, MIKEY_PT_ID, &plain, &plain_len,
                            &chain, &in->f)))
        goto out;
    /* §3.2: "The encrypted IDi MUST always be verified to be equal with the
     * expected IDi." */
    const mikey_payload *eid = mikey_msg_at(chain, 0);
    if (!eid || eid->type != MIKEY_PT_ID ||
        (in->idi && (eid->u.id.data.len != in->idi->u.id.data.len ||
                     memcmp(eid->u.id.data.p, in->idi->u.id.data.p, eid->u.id.data.len) != 0))) {
        rc = mk_failf(&in->f, MIKEY_ERR_IDENTITY, MIKEY_E_INVALID_ID);
        goto out;
    }
    if ((rc = mk_keys_from_chain(ops, &ctx->env, in->hdr->prf, in->hdr->csb_id, in->rand, chain, 1, in->plans, in->n,
                                 in->prev, &in->keys, &in->f)))
        goto out;
    if (in->idi_str && !(in->peer_id = mk_strndup(&ctx->env, in->idi_str, strlen(in->idi_str)))) {
        rc = mk_failf(&in->f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
        goto out;
    }
    if (in->hdr->v)
        rc = mk_v_response(in, MIKEY_DT_PK_RESP, k->mac_alg, mk.auth_key, mk.auth_len);
out:
    mk_wipe(env_key, sizeof env_key);
    mikey_msg_free(chain);
    mk_free_secret(&ctx->env, plain, plain_len);
    mk_msg_keys_wipe(&mk);
    if (pk)
        ops->pkey_free(pk);
    return rc;
}

const mk_mode_ops mk_mode_pke = {MIKEY_MODE_PKE, MIKEY_DT_PK_INIT, MIKEY_DT_PK_RESP,
                                 pke_offer,      pke_check,        pke_answer,
                                 mk_psk_finish};
