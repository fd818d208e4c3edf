/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Crypto sessions of a CSB: the plan from the HDR's SRTP-ID map and the SP
 * payloads (RFC 3830 §6.1.1, §6.10), the Key data an initiator transports,
 * and the per-CS SRTP master key and salt (§4.1.3):
 *
 *   TGK       TEK  = PRF(TGK, 0x2AD01C64 || cs_id || csb_id || RAND)
 *             salt = PRF(TGK, 0x39A2C14B || cs_id || csb_id || RAND)
 *   TGK+SALT  TEK as above, salt = the transported salt ("SHALL use the
 *             salt key carried in the Key data sub-payload, when present")
 *   TEK       master key || salt in one field when its length is key +
 *             salt length (RTSP practice, INTEROP.md §1 item 7); a TEK of
 *             exactly the key length gets its salt derived from it with
 *             the TGK salt label (our reading: §4.1.3 allows deriving the
 *             salt "if that is not sent")
 *   TEK+SALT  both transported
 *
 * One Key data payload serves every CS; when there are as many Key data
 * payloads as crypto sessions (and more than one), the i-th serves CS i.
 */
#include "session/session_int.h"

static int fail(mk_fail *f, int err, int rfc) { return mk_failf(f, err, rfc); }

int mk_plans_from_msg(const mikey_env *env, const mikey_msg *msg, mk_cs_plan **plans, size_t *n, mk_fail *f)
{
    const mikey_hdr *h = mikey_msg_hdr(msg);
    *plans = NULL;
    *n = 0;
    if (!h)
        return fail(f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
    size_t ncs = h->ncs;
    if (h->map_type == MIKEY_MAP_GENERIC_ID)
        return fail(f, MIKEY_ERR_UNSUPPORTED, MIKEY_E_UNSPECIFIED); /* RFC 6043 maps: not for SRTP keys here */
    int implicit = 0;
    if (ncs == 0) {
        /* Named leniency "implicit-cs" (docs/interop.md): RTSP stacks
         * (GStreamer's gst_mikey_message_new_from_caps) send a PSK-type
         * I_MESSAGE with a KEMAC, V = 0 and #CS = 0 — the key is for "the"
         * stream. RFC 3830 §6.1 reads #CS = 0 as no crypto session, which
         * would drop the key; we give such a message one crypto session
         * with SSRC 0 (any stream: a template for SRTP) under the first SP.
         * Only in an initial exchange (RAND present; an update keeps its
         * crypto sessions) and without V, so no response has to describe
         * a map the initiator did not send. The initiator side mirrors it
         * (ctx.c). */
        if (h->data_type != MIKEY_DT_PSK_INIT || h->v || h->map_type != MIKEY_MAP_SRTP_ID ||
            !mikey_msg_find(msg, MIKEY_PT_KEMAC, 0) || !mikey_msg_find(msg, MIKEY_PT_RAND, 0))
            return MIKEY_OK;
        implicit = 1;
        ncs = 1;
    }
    mk_cs_plan *p = mk_calloc(env, ncs, sizeof *p);
    if (!p)
        return fail(f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
    for (size_t i = 0; i < ncs; i++) {
        mikey_srtp_cs cs;
        memset(&cs, 0, sizeof cs);
        if (implicit) {
            const mikey_payload *sp0 = mikey_msg_find(msg, MIKEY_PT_SP, 0);
            cs.policy_no = sp0 ? sp0->u.sp.policy_no : 0;
        }
        /* RFC 4563 Empty map: crypto sessions without SSRC information. */
        if (!implicit && h->map_type == MIKEY_MAP_SRTP_ID && mikey_hdr_srtp_cs(h, i, &cs) != MIKEY_OK) {
            mk_free(env, p);
            return fail(f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
        }
        p[i].policy_no = cs.policy_no;
        p[i].ssrc = cs.ssrc;
        p[i].roc = cs.roc;
        /* The SP payload with this Policy no (the last one if repeated). */
        const mikey_payload *sp = NULL, *x;
        for (size_t k = 0; (x = mikey_msg_find(msg, MIKEY_PT_SP, k)) != NULL; k++)
            if (x->u.sp.policy_no == cs.policy_no)
                sp = x;
        if (!sp)
            continue; /* no SP: SRTP's defaults (§6.10.1 "the default is used") */
        if (sp->u.sp.prot_type != MIKEY_PROT_SRTP) {
            mk_free(env, p);
            return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SP);
        }
        if (mikey_srtp_params_from_sp(&sp->u.sp, &p[i].srtp) != MIKEY_OK) {
            mk_free(env, p);
            f->with_sps = 1;
            return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
        }
        p[i].has_sp = 1;
    }
    *plans = p;
    *n = ncs;
    return MIKEY_OK;
}

int mk_plans_map(const mk_cs_plan *plans, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    mikey_srtp_cs cs[MK_MAX_CS];
    if (n > MK_MAX_CS)
        return MIKEY_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        cs[i].policy_no = plans[i].policy_no;
        cs[i].ssrc = plans[i].ssrc;
        cs[i].roc = plans[i].roc;
    }
    return mikey_build_srtp_map(cs, n, out, cap, outlen);
}

/* ---- what an initiator transports ---- */

static void kv_for(const mikey_offer_opts *o, uint32_t keygen, uint8_t *mki, mikey_kv *kv)
{
    memset(kv, 0, sizeof *kv);
    if (o->mki_len) {
        /* KV = SPI: the MKI numbers the key generation (1, 2, ... big-endian),
         * so a rekey installs a distinguishable key (RFC 3830 §4.5: "it is
         * RECOMMENDED that an SPI or MKI be used, if more than one CS"). */
        memset(mki, 0, o->mki_len);
        for (size_t i = 0; i < o->mki_len && i < 4; i++)
            mki[o->mki_len - 1 - i] = (uint8_t)(keygen >> (8 * i));
        kv->type = MIKEY_KV_SPI;
        kv->spi.p = mki;
        kv->spi.len = o->mki_len;
    }
}

static int add_keydata(mikey_msg *chain, uint8_t type, const uint8_t *key, size_t klen, const uint8_t *salt,
                       size_t slen, const mikey_kv *kv)
{
    mikey_payload pl;
    memset(&pl, 0, sizeof pl);
    pl.type = MIKEY_PT_KEYDATA;
    pl.u.keydata.type = type;
    pl.u.keydata.key.p = key;
    pl.u.keydata.key.len = klen;
    pl.u.keydata.salt.p = salt;
    pl.u.keydata.salt.len = slen;
    pl.u.keydata.kv = *kv;
    return mikey_msg_append(chain, &pl);
}

int mk_keys_build(const mikey_env *env, const mikey_offer_opts *o, unsigned encr_alg, uint32_t keygen,
                  const mk_cs_plan *plans, size_t n, size_t prefix_len, mikey_msg *chain)
{
    uint8_t mki[16], buf[64 + 14];
    mikey_kv kv;
    int rc, kw = encr_alg == MIKEY_ENCR_AES_KW_128;
    if (o->salt_mode < 0 || o->salt_mode > 2 || o->mki_len > sizeof mki || (o->tgk && !o->tgk_len) ||
        o->tgk_len > 255)
        return MIKEY_ERR_INVALID_ARG;
    kv_for(o, keygen, mki, &kv);
    size_t kvlen = kv.type == MIKEY_KV_SPI ? 1 + kv.spi.len : 0;
    mikey_srtp_params none;
    memset(&none, 0, sizeof none);
    const mikey_srtp_params *first = n ? &plans[0].srtp : &none;
    size_t total = prefix_len;

    if (o->salt_mode == 0 || o->salt_mode == 1) {
        size_t slen = o->salt_mode == 1 ? mk_srtp_salt_len(first) : 0;
        size_t tlen = o->tgk ? o->tgk_len : (o->tgk_len ? o->tgk_len : MK_TGK_LEN);
        if (kw && !o->tgk) {
            /* RFC 3394 wraps whole 64-bit blocks and RFC 3830 defines no
             * padding: size the TGK (16..23 bytes) so the Encr data is a
             * multiple of 8 (docs/session.md). */
            while ((prefix_len + 4 + tlen + (slen ? 2 + slen : 0) + kvlen) % 8)
                tlen++;
        }
        uint8_t *tgk = mk_malloc(env, tlen);
        if (!tgk)
            return MIKEY_ERR_NOMEM;
        if (o->tgk)
            memcpy(tgk, o->tgk, tlen);
        else if ((rc = mk_random(env, tgk, tlen))) {
            mk_free(env, tgk);
            return rc;
        }
        uint8_t salt[14];
        rc = slen ? mk_random(env, salt, slen) : MIKEY_OK;
        if (rc == MIKEY_OK)
            rc = add_keydata(chain, slen ? MIKEY_KEY_TGK_SALT : MIKEY_KEY_TGK, tgk, tlen, salt, slen, &kv);
        total += 4 + tlen + (slen ? 2 + slen : 0) + kvlen;
        mk_wipe(salt, sizeof salt);
        mk_wipe(tgk, tlen);
        mk_free(env, tgk);
        if (rc)
            return rc;
    } else {
        /* TEK = master key || master salt in one field (RTSP practice:
         * GStreamer, Axis, Live555; INTEROP.md §1 item 7), one per CS. */
        size_t count = o->tgk || n == 0 ? 1 : n;
        for (size_t i = 0; i < count; i++) {
            const mikey_srtp_params *sp = n ? &plans[i].srtp : &none;
            size_t len = o->tgk ? o->tgk_len : mk_srtp_key_len(sp) + mk_srtp_salt_len(sp);
            if (len > sizeof buf)
                return MIKEY_ERR_INVALID_ARG;
            if (o->tgk)
                memcpy(buf, o->tgk, len);
            else if ((rc = mk_random(env, buf, len)))
                return rc;
            rc = add_keydata(chain, MIKEY_KEY_TEK, buf, len, NULL, 0, &kv);
            mk_wipe(buf, sizeof buf);
            if (rc)
                return rc;
            total += 4 + len + kvlen;
        }
    }
    if (kw && total % 8)
        return MIKEY_ERR_INVALID_ARG; /* AES-KW cannot carry this length */
    return MIKEY_OK;
}

/* ---- keys of each crypto session ---- */

static int derive(const mk_crypto_ops *ops, unsigned prf, const uint8_t *inkey, size_t inlen, uint32_t constant,
                  uint8_t cs_id, uint32_t csb_id, mikey_span rand, uint8_t *out, size_t outlen)
{
    uint8_t label[9 + 255];
    size_t ll = mk_label_tgk(label, constant, cs_id, csb_id, rand);
    if (!ll)
        return MIKEY_ERR_INVALID_ARG;
    return mk_prf(ops, prf, inkey, inlen, label, ll, out, outlen);
}

static int check_lens(const mk_cs_plan *pl, size_t *klen, size_t *slen, mk_fail *f)
{
    mikey_srtp_params e;
    mk_srtp_effective(&pl->srtp, &e);
    *klen = e.encr_key_len;
    *slen = e.salt_key_len;
    if (*klen == 0 || *klen > 32 || *slen > 14) {
        f->with_sps = 1;
        return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
    }
    return MIKEY_OK;
}

static void cs_init(mikey_cs_keys *k, size_t i, const mk_cs_plan *pl)
{
    memset(k, 0, sizeof *k);
    k->cs_id = (uint8_t)(i + 1);
    k->ssrc = pl->ssrc;
    k->roc = pl->roc;
    k->policy_no = pl->policy_no;
    k->srtp = pl->srtp;
}

static int set_mki(mikey_cs_keys *k, const mikey_kv *kv, mk_fail *f)
{
    if (kv && kv->type == MIKEY_KV_SPI) {
        if (kv->spi.len > sizeof k->mki)
            return fail(f, MIKEY_ERR_FIELD, MIKEY_E_UNSPECIFIED);
        if (kv->spi.len)
            memcpy(k->mki, kv->spi.p, kv->spi.len);
        k->mki_len = kv->spi.len;
    }
    /* KV = Interval (SRTP index range, §6.14) is accepted; the SRTP layer
     * is told only the MKI, an interval simply bounds the key's use. */
    return MIKEY_OK;
}

static int keyset_alloc(const mikey_env *env, size_t n, mk_keyset *out, mk_fail *f)
{
    memset(out, 0, sizeof *out);
    if (n && !(out->cs = mk_calloc(env, n, sizeof *out->cs)))
        return fail(f, MIKEY_ERR_NOMEM, MIKEY_E_UNSPECIFIED);
    out->ncs = n;
    return MIKEY_OK;
}

void mk_keyset_wipe(const mikey_env *env, mk_keyset *k)
{
    if (!k)
        return;
    if (k->cs) {
        mk_wipe(k->cs, k->ncs * sizeof *k->cs);
        mk_free(env, k->cs);
    }
    mk_wipe(k, sizeof *k);
}

static int from_tgk_one(const mk_crypto_ops *ops, unsigned prf, uint32_t csb_id, mikey_span rand, const uint8_t *tgk,
                        size_t tgk_len, const uint8_t *salt, size_t salt_len, size_t i, const mk_cs_plan *pl,
                        mikey_cs_keys *k, mk_fail *f)
{
    size_t klen, slen;
    int rc;
    if ((rc = check_lens(pl, &klen, &slen, f)))
        return rc;
    cs_init(k, i, pl);
    uint8_t cs_id = (uint8_t)(i + 1);
    if ((rc = derive(ops, prf, tgk, tgk_len, MK_C_TEK, cs_id, csb_id, rand, k->master_key, klen)))
        return fail(f, rc, MIKEY_E_UNSPECIFIED);
    k->master_key_len = klen;
    if (salt) {
        memcpy(k->master_salt, salt, salt_len);
        k->master_salt_len = salt_len;
    } else if (slen) {
        if ((rc = derive(ops, prf, tgk, tgk_len, MK_C_TGK_SALT, cs_id, csb_id, rand, k->master_salt, slen)))
            return fail(f, rc, MIKEY_E_UNSPECIFIED);
        k->master_salt_len = slen;
    }
    return MIKEY_OK;
}

static void keep_tgk(mk_keyset *out, const uint8_t *tgk, size_t len, const uint8_t *salt, size_t slen)
{
    if (out->tgk_len || len > sizeof out->tgk)
        return;
    memcpy(out->tgk, tgk, len);
    out->tgk_len = len;
    if (salt && slen <= sizeof out->tgk_salt) {
        memcpy(out->tgk_salt, salt, slen);
        out->tgk_salt_len = slen;
    }
}

int mk_keys_from_tgk(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                     const uint8_t *tgk, size_t tgk_len, const mikey_kv *kv, const mk_cs_plan *plans, size_t n,
                     mk_keyset *out, mk_fail *f)
{
    int rc;
    if (!tgk_len)
        return fail(f, MIKEY_ERR_FIELD, MIKEY_E_UNSPECIFIED);
    if ((rc = keyset_alloc(env, n, out, f)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = from_tgk_one(ops, prf, csb_id, rand, tgk, tgk_len, NULL, 0, i, &plans[i], &out->cs[i], f)) ||
            (rc = set_mki(&out->cs[i], kv, f))) {
            mk_keyset_wipe(env, out);
            return rc;
        }
    }
    keep_tgk(out, tgk, tgk_len, NULL, 0);
    return MIKEY_OK;
}

/* One CS from one Key data payload. */
static int from_keydata(const mk_crypto_ops *ops, unsigned prf, uint32_t csb_id, mikey_span rand,
                        const mikey_keydata *kd, size_t i, const mk_cs_plan *pl, mk_keyset *out, mk_fail *f)
{
    mikey_cs_keys *k = &out->cs[i];
    size_t klen, slen;
    int rc;
    if (kd->key.len == 0)
        return fail(f, MIKEY_ERR_FIELD, MIKEY_E_UNSPECIFIED);
    switch (kd->type) {
    case MIKEY_KEY_TGK:
    case MIKEY_KEY_TGK_SALT: {
        const uint8_t *salt = kd->type == MIKEY_KEY_TGK_SALT ? kd->salt.p : NULL;
        if (salt && (kd->salt.len == 0 || kd->salt.len > sizeof k->master_salt)) {
            f->with_sps = 1;
            return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
        }
        if ((rc = from_tgk_one(ops, prf, csb_id, rand, kd->key.p, kd->key.len, salt, kd->salt.len, i, pl, k, f)))
            return rc;
        keep_tgk(out, kd->key.p, kd->key.len, salt, kd->salt.len);
        break;
    }
    case MIKEY_KEY_TEK:
    case MIKEY_KEY_TEK_SALT:
        if ((rc = check_lens(pl, &klen, &slen, f)))
            return rc;
        cs_init(k, i, pl);
        if (kd->type == MIKEY_KEY_TEK_SALT) {
            if (kd->key.len != klen || kd->salt.len > sizeof k->master_salt) {
                f->with_sps = 1;
                return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
            }
            memcpy(k->master_key, kd->key.p, klen);
            k->master_key_len = klen;
            if (kd->salt.len)
                memcpy(k->master_salt, kd->salt.p, kd->salt.len);
            k->master_salt_len = kd->salt.len;
            break;
        }
        if (!pl->has_sp && (kd->key.len == 30 || kd->key.len == 46)) {
            /* No SP: the RTSP sizes tell the suite (16 or 32 + 14). */
            klen = kd->key.len - 14;
            slen = 14;
        }
        if (kd->key.len == klen + slen) {
            memcpy(k->master_key, kd->key.p, klen);
            memcpy(k->master_salt, kd->key.p + klen, slen);
            k->master_key_len = klen;
            k->master_salt_len = slen;
        } else if (kd->key.len == klen) {
            memcpy(k->master_key, kd->key.p, klen);
            k->master_key_len = klen;
            if (slen && (rc = derive(ops, prf, kd->key.p, klen, MK_C_TGK_SALT, (uint8_t)(i + 1), csb_id, rand,
                                     k->master_salt, slen)))
                return fail(f, rc, MIKEY_E_UNSPECIFIED);
            k->master_salt_len = slen;
        } else {
            f->with_sps = 1;
            return fail(f, MIKEY_ERR_POLICY, MIKEY_E_INVALID_SPPAR);
        }
        break;
    default:
        /* GTGK, MPK, K_PR: group keys of other RFCs, not for this mode. */
        return fail(f, MIKEY_ERR_UNSUPPORTED, MIKEY_E_UNSPECIFIED);
    }
    return set_mki(k, &kd->kv, f);
}

int mk_keys_from_prev(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                      const mk_keyset *prev, const mk_cs_plan *plans, size_t n, mk_keyset *out, mk_fail *f)
{
    int rc;
    if (!prev->tgk_len) {
        /* TEKs were transported: existing crypto sessions keep theirs. */
        if ((rc = keyset_alloc(env, n, out, f)))
            return rc;
        for (size_t i = 0; i < n; i++) {
            if (i >= prev->ncs) {
                mk_keyset_wipe(env, out);
                return fail(f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSPECIFIED); /* a new CS and no key for it */
            }
            out->cs[i] = prev->cs[i];
            out->cs[i].ssrc = plans[i].ssrc;
            out->cs[i].roc = plans[i].roc;
            out->cs[i].policy_no = plans[i].policy_no;
            out->cs[i].srtp = plans[i].srtp;
        }
        return MIKEY_OK;
    }
    if ((rc = keyset_alloc(env, n, out, f)))
        return rc;
    const uint8_t *salt = prev->tgk_salt_len ? prev->tgk_salt : NULL;
    for (size_t i = 0; i < n; i++) {
        if ((rc = from_tgk_one(ops, prf, csb_id, rand, prev->tgk, prev->tgk_len, salt, prev->tgk_salt_len, i,
                               &plans[i], &out->cs[i], f))) {
            mk_keyset_wipe(env, out);
            return rc;
        }
        if (i < prev->ncs) {
            memcpy(out->cs[i].mki, prev->cs[i].mki, prev->cs[i].mki_len);
            out->cs[i].mki_len = prev->cs[i].mki_len;
        }
    }
    keep_tgk(out, prev->tgk, prev->tgk_len, salt, prev->tgk_salt_len);
    return MIKEY_OK;
}

int mk_keys_from_chain(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                       const mikey_msg *chain, size_t first, const mk_cs_plan *plans, size_t n, const mk_keyset *prev,
                       mk_keyset *out, mk_fail *f)
{
    const mikey_keydata *kd[MK_MAX_CS];
    size_t nkd = 0;
    int rc;
    for (size_t i = first; i < mikey_msg_count(chain); i++) {
        const mikey_payload *pl = mikey_msg_at(chain, i);
        if (pl->type != MIKEY_PT_KEYDATA)
            return fail(f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
        if (nkd == MK_MAX_CS)
            return fail(f, MIKEY_ERR_LIMIT, MIKEY_E_UNSUPPORTED_MSG_TYPE);
        kd[nkd++] = &pl->u.keydata;
    }
    if (nkd == 0) {
        /* RFC 3830 §4.5 / §6.2: an update may carry no Key data; the crypto
         * sessions keep the keying material of the CSB. */
        if (!prev)
            return fail(f, MIKEY_ERR_SYNTAX, MIKEY_E_UNSUPPORTED_MSG_TYPE);
        return mk_keys_from_prev(ops, env, prf, csb_id, rand, prev, plans, n, out, f);
    }
    if ((rc = keyset_alloc(env, n, out, f)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const mikey_keydata *k = nkd == n && n > 1 ? kd[i] : kd[0];
        if ((rc = from_keydata(ops, prf, csb_id, rand, k, i, &plans[i], out, f))) {
            mk_keyset_wipe(env, out);
            return rc;
        }
    }
    if (n == 0 && (kd[0]->type == MIKEY_KEY_TGK || kd[0]->type == MIKEY_KEY_TGK_SALT))
        keep_tgk(out, kd[0]->key.p, kd[0]->key.len, kd[0]->salt.p, kd[0]->salt.len);
    return MIKEY_OK;
}
