/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Updates of an established CSB carried in re-INVITEs (security.h
 * "Updates in re-INVITEs"; docs/mikey-ua.md "Re-INVITEs"):
 *
 *  - rekeying: the MIKEY initiator (the caller) sends an update I_MESSAGE,
 *    mikey_offer() on the established context (RFC 3830 §4.5: same CSB
 *    ID, new T, no RAND, new key material); the responder answers with the
 *    R_MESSAGE in the 200. The new SRTP master keys are added to the
 *    running streams with mikey_srtp_add_key(), the old ones stay for the
 *    packets in flight: with an MKI (KV = SPI, RFC 3830 §6.13) the receiver
 *    picks each packet's key by it (RFC 3711 §3.2.1). Switch order, so no
 *    packet meets a receiver without its key: the responder installs the
 *    new receive key when it accepts the update, the initiator both keys
 *    when the 200 arrives (before its ACK), the responder its new send key
 *    when that ACK arrives.
 *  - device mobility (thesis §15.2): the update proves the CSB (its MAC or
 *    signature, the same CSB ID, the same peer) for a re-INVITE that moves
 *    the media. It carries no key material (mikey_offer_opts::keep_keys;
 *    RFC 3830 §4.5, RFC 4650 §3.1 b): no Key data in PSK/PKE, no DHi in
 *    the DH modes, so the same SRTP keys stay in every mode. A re-INVITE
 *    that moves the media of an SRTP call without such an update is
 *    refused.
 *  - session mobility (thesis §15.1): the device giving the session away
 *    writes its CSB state to a transfer file (mikey_ctx_export()); the new
 *    device, INVITEd by the initiator with an update of that CSB (the TGK
 *    again, its own SSRC a placeholder), imports it (mikey_ctx_import())
 *    and proves it holds it with its R_MESSAGE.
 */
#include "security_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "secret.h"

enum { UPD_MSG_CAP = 65536, JOIN_MAX = 1 << 20 };

const char *ua_sec_update_kind_name(ua_sec_update_kind k)
{
    switch (k) {
    case UA_SEC_UPD_REKEY: return "rekey";
    case UA_SEC_UPD_SAME_KEYS: return "same-keys";
    case UA_SEC_UPD_NEW_PEER: return "new-peer";
    }
    return "?";
}

static int tgk_mode(int mode)
{
    return mode == MIKEY_MODE_PSK || mode == MIKEY_MODE_PKE || mode == MIKEY_MODE_NULL;
}

/* ---------------------------------------------------------------------- */
/* Hooks from security.c                                                   */
/* ---------------------------------------------------------------------- */

int ua_sec_int_own_tgk(ua_sec *s, mikey_offer_opts *o)
{
    const mikey_env *env = ua_sec_int_env();

    /* Level 2 of session.h: we choose the TGK the I_MESSAGE transports, so
     * a later session transfer (NEW_PEER) can carry the same one. */
    if (!tgk_mode((int)o->mode) || o->salt_mode != 0 || o->tgk)
        return 0;
    if (!env->rng || env->rng(s->upd.tgk, sizeof(s->upd.tgk), env->user_data) != 0)
        return -1;
    s->upd.tgk_len = sizeof(s->upd.tgk);
    o->tgk = s->upd.tgk;
    o->tgk_len = s->upd.tgk_len;
    return 0;
}

static void keymat_set(ua_sec_keymat *m, const mikey_cs_keys *k)
{
    memset(m, 0, sizeof(*m));
    m->set = 1;
    m->ssrc = k->ssrc;
    m->key_len = k->master_key_len <= sizeof(m->key) ? k->master_key_len : 0;
    m->salt_len = k->master_salt_len <= sizeof(m->salt) ? k->master_salt_len : 0;
    m->mki_len = k->mki_len <= sizeof(m->mki) ? k->mki_len : 0;
    memcpy(m->key, k->master_key, m->key_len);
    memcpy(m->salt, k->master_salt, m->salt_len);
    memcpy(m->mki, k->mki, m->mki_len);
}

/* Equal key material, without a data-dependent early exit. */
static int keymat_same(const ua_sec_keymat *a, const ua_sec_keymat *b)
{
    unsigned d = 0;

    if (!a->set || !b->set || a->key_len != b->key_len || a->salt_len != b->salt_len || a->mki_len != b->mki_len)
        return 0;
    for (size_t i = 0; i < a->key_len; i++)
        d |= (unsigned)(a->key[i] ^ b->key[i]);
    for (size_t i = 0; i < a->salt_len; i++)
        d |= (unsigned)(a->salt[i] ^ b->salt[i]);
    for (size_t i = 0; i < a->mki_len; i++)
        d |= (unsigned)(a->mki[i] ^ b->mki[i]);
    return d == 0;
}

void ua_sec_int_keys_installed(ua_sec *s, int dir, const mikey_cs_keys *k, const mikey_srtp_policy *pol)
{
    int gcm = pol->cipher == MIKEY_SRTP_CIPHER_AES_GCM_128 || pol->cipher == MIKEY_SRTP_CIPHER_AES_GCM_256;
    size_t tag = gcm || (pol->auth == MIKEY_SRTP_AUTH_HMAC_SHA1 && pol->rtp_auth) ? pol->rtp_tag_len : 0;

    if (dir != MIKEY_SRTP_OUTBOUND && dir != MIKEY_SRTP_INBOUND)
        return;
    keymat_set(&s->upd.cur[dir], k);
    /* RFC 3711 §3.1: the MKI precedes the authentication tag; RFC 7714 §8:
     * with AES-GCM it follows the tag (srtp.h). */
    s->upd.mki_back[dir] = pol->mki_len ? (gcm ? pol->mki_len : tag + pol->mki_len) : 0;
    if (!s->upd.st.generations)
        s->upd.st.generations = 1;
}

size_t ua_sec_int_mki_of(const ua_sec *s, int dir, const uint8_t *pkt, size_t len, uint8_t *mki)
{
    size_t ml, back;

    if (dir != MIKEY_SRTP_OUTBOUND && dir != MIKEY_SRTP_INBOUND)
        return 0;
    ml = s->upd.cur[dir].mki_len;
    back = s->upd.mki_back[dir];
    if (!ml || back < ml || len < 12 + back)
        return 0;
    memcpy(mki, pkt + len - back, ml);
    return ml;
}

void ua_sec_int_count_key(ua_sec *s, int dir, const uint8_t *mki, size_t mki_len)
{
    ua_sec_update_stats *st = &s->upd.st;
    char hex[sizeof(st->keys[0].mki)];
    size_t i, n = mki_len < (sizeof(hex) - 1) / 2 ? mki_len : (sizeof(hex) - 1) / 2;

    for (i = 0; i < n; i++)
        snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", mki[i]);
    hex[2 * n] = '\0';
    for (i = 0; i < st->nkeys && strcmp(st->keys[i].mki, hex); i++)
        ;
    if (i == st->nkeys) {
        if (st->nkeys == UA_SEC_MAX_KEY_COUNTS)
            return;
        memcpy(st->keys[i].mki, hex, sizeof(hex));
        st->nkeys++;
    }
    if (dir == MIKEY_SRTP_OUTBOUND)
        st->keys[i].rtp_out++;
    else
        st->keys[i].rtp_in++;
}

void ua_sec_int_join(ua_sec *s, const uint8_t *km, size_t km_len)
{
    const mikey_env *env = ua_sec_int_env();
    const char *path = s->cfg.join_file;
    mikey_msg *m = NULL;
    mikey_ctx *ctx = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    uint32_t csb;
    int update, rc;
    char e[256];

    if (!path || !km || !km_len || !s->ctx)
        return;
    if (mikey_msg_parse(env, km, km_len, NULL, &m, NULL) != MIKEY_OK)
        return; /* mikey_answer() reports it */
    csb = mikey_msg_hdr(m)->csb_id;
    /* RFC 3830 §4.5: an update has no RAND; an initial exchange is an
     * ordinary call even when a join file is waiting. */
    update = mikey_msg_hdr(m)->data_type != MIKEY_DT_ERROR && !mikey_msg_find(m, MIKEY_PT_RAND, 0);
    mikey_msg_free(m);
    if (!update || !mkt_file_exists(path))
        return;
    if (mkt_read_input(path, JOIN_MAX, &buf, &len, e, sizeof(e))) {
        fprintf(stderr, "mikey-ua: join file: %s\n", e);
        return;
    }
    rc = mikey_ctx_import(env, ua_sec_int_creds(), ua_sec_int_policy(), buf, len, &ctx);
    mkt_free_secret(buf, len);
    if (rc) {
        fprintf(stderr, "mikey-ua: join file %s: %s\n", path, mikey_strerror(rc));
        return;
    }
    if (mikey_ctx_csb_id(ctx) != csb || mikey_ctx_state(ctx) != MIKEY_STATE_ESTABLISHED) {
        /* Another CSB: this update is not for the transferred session (and
         * will fail on the fresh context, as it should). */
        mikey_ctx_free(ctx);
        return;
    }
    (void)mikey_ctx_set_replay(ctx, ua_sec_int_replay());
    mikey_ctx_free(s->ctx);
    s->ctx = ctx;
    s->upd.st.joined = 1;
    fprintf(stderr, "mikey-ua: the update names the transferred CSB 0x%08x (%s): joining it\n", csb, path);
}

/* ---------------------------------------------------------------------- */
/* Installing the keys of an update                                        */
/* ---------------------------------------------------------------------- */

static int add_key_now(ua_sec *s, int dir, const ua_sec_keymat *nk, char *err, size_t errlen)
{
    mikey_srtp_key key;
    ua_sec_keymat *cur = &s->upd.cur[dir];
    mikey_srtp_stream_info info;
    int any = nk->ssrc == 0, rc;

    memset(&key, 0, sizeof(key));
    key.key = nk->key;
    key.key_len = nk->key_len;
    key.salt = nk->salt;
    key.salt_len = nk->salt_len;
    key.mki = nk->mki_len ? nk->mki : NULL;
    /* Keep the current key (packets in flight) and the new one: the key
     * before the current one goes (with no MKI the library removes the
     * oldest, which is the same key). */
    if (mikey_srtp_stream_get(s->ss, nk->ssrc, dir, &info) == MIKEY_OK && info.nkeys >= 2)
        (void)mikey_srtp_remove_key(s->ss, nk->ssrc, dir, any, NULL, 0);
    rc = mikey_srtp_add_key(s->ss, nk->ssrc, dir, any, &key);
    mkt_wipe(&key, sizeof(key));
    if (rc) {
        snprintf(err, errlen, "SRTP %s key of the update: %s [%s]", dir == MIKEY_SRTP_OUTBOUND ? "send" : "receive",
                 mikey_strerror(rc), mikey_err_name(rc));
        return -1;
    }
    *cur = *nk;
    return 0;
}

/* The keys of the context's crypto sessions (after an update) onto the
 * running streams. defer_out: the responder keeps its new send key for
 * the ACK. */
static int update_install(ua_sec *s, int defer_out, char *err, size_t errlen)
{
    size_t n = mikey_ctx_cs_count(s->ctx), cs[2];
    int changed = 0, rc = 0;

    if (n == 0) {
        snprintf(err, errlen, "the MIKEY update keyed no crypto session");
        return -1;
    }
    /* The CS layout of install_srtp() (security.c). */
    cs[MIKEY_SRTP_OUTBOUND] = n == 1 ? 0 : s->callee ? 1 : 0;
    cs[MIKEY_SRTP_INBOUND] = n == 1 ? 0 : s->callee ? 0 : 1;
    for (int dir = 0; dir < 2 && !rc; dir++) {
        mikey_cs_keys k;
        mikey_srtp_policy pol;
        mikey_srtp_key key;
        mikey_srtp_stream_params p;
        ua_sec_keymat nk;

        if ((rc = mikey_ctx_cs_keys(s->ctx, cs[dir], &k))) {
            snprintf(err, errlen, "MIKEY keys of CS %zu: %s", cs[dir] + 1, mikey_strerror(rc));
            return -1;
        }
        if (n == 1 && (dir == MIKEY_SRTP_OUTBOUND) != !s->callee)
            k.ssrc = 0;
        keymat_set(&nk, &k);
        rc = mikey_srtp_stream_from_cs(&k, dir, &pol, &key, &p);
        if (rc) {
            snprintf(err, errlen, "SRTP from the update's CS %zu: %s", cs[dir] + 1, mikey_strerror(rc));
        } else if (dir == MIKEY_SRTP_INBOUND && nk.ssrc && s->upd.cur[dir].ssrc && nk.ssrc != s->upd.cur[dir].ssrc) {
            /* Session mobility: another device of the peer sends under its
             * own SSRC (it filled the placeholder, RFC 3830 §6.1.1): a new
             * receive stream; the old one stays for the old device's last
             * packets. */
            rc = mikey_srtp_add_stream(s->ss, &p);
            if (rc)
                snprintf(err, errlen, "SRTP receive stream for SSRC %08x: %s", nk.ssrc, mikey_strerror(rc));
            else {
                s->upd.cur[dir] = nk;
                s->st.ssrc_in = nk.ssrc;
                changed = 1;
            }
        } else if (dir == MIKEY_SRTP_OUTBOUND && nk.ssrc != s->upd.cur[dir].ssrc) {
            snprintf(err, errlen, "the MIKEY update changed our SSRC (%08x -> %08x)", s->upd.cur[dir].ssrc, nk.ssrc);
            rc = -1;
        } else if (!keymat_same(&nk, &s->upd.cur[dir])) {
            if (dir == MIKEY_SRTP_OUTBOUND && defer_out)
                s->upd.pend_out = nk;
            else
                rc = add_key_now(s, dir, &nk, err, errlen);
            changed = 1;
        }
        mkt_wipe(&k, sizeof(k));
        mkt_wipe(&key, sizeof(key));
        mkt_wipe(&nk, sizeof(nk));
    }
    if (rc)
        return -1;
    if (changed)
        s->upd.st.generations++;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Initiator                                                               */
/* ---------------------------------------------------------------------- */

int ua_sec_update_offer(ua_sec *s, ua_sdp *sdp, size_t stream, ua_sec_update_kind kind, char *err, size_t errlen)
{
    static const char *const idv[] = {"mikey"};
    mikey_stream_desc st[2];
    mikey_srtp_stream_info info;
    mikey_offer_opts o;
    char ids[64];
    size_t idl = 0, len = 0;
    uint8_t *msg;
    int rc;

    if (!s->srtp || !s->ctx || !s->ss) {
        snprintf(err, errlen, "the call is not keyed by MIKEY: nothing to update");
        return -1;
    }
    if (s->callee) {
        /* RFC 3830 §4.5: the update comes from the CSB's initiator. */
        snprintf(err, errlen, "only the MIKEY initiator (the caller) can update the CSB");
        return -1;
    }
    if (s->upd.offered) {
        snprintf(err, errlen, "an update is already pending");
        return -1;
    }
    if (stream >= sdp->nstreams || mikey_ctx_cs_count(s->ctx) != 2) {
        snprintf(err, errlen, "updates need the call's two crypto sessions (security.h)");
        return -1;
    }
    if ((rc = mikey_sdp_ids_build(idv, 1, ids, sizeof(ids), &idl))) {
        snprintf(err, errlen, "SDP IDs: %s", mikey_strerror(rc));
        return -1;
    }
    /* CS 1: our stream, its current ROC; CS 2: the peer's, or a
     * placeholder for another device of the peer (RFC 3830 §6.1). */
    memset(st, 0, sizeof(st));
    st[0].ssrc = s->st.ssrc_out;
    if (mikey_srtp_stream_get(s->ss, s->st.ssrc_out, MIKEY_SRTP_OUTBOUND, &info) == MIKEY_OK)
        st[0].roc = info.roc;
    if (kind != UA_SEC_UPD_NEW_PEER) {
        st[1].ssrc = s->st.ssrc_in;
        if (mikey_srtp_stream_get(s->ss, s->st.ssrc_in, MIKEY_SRTP_INBOUND, &info) == MIKEY_OK)
            st[1].roc = info.roc;
    }
    memset(&o, 0, sizeof(o));
    o.mode = (unsigned)s->mode;
    o.peer_id = mikey_ctx_peer_id(s->ctx);
    o.streams = st;
    o.nstreams = 2;
    o.want_verification = 1;
    o.sdp_ids = ids;
    /* The MKI length is part of the SRTP policy of the running streams. */
    o.mki_len = s->upd.cur[MIKEY_SRTP_OUTBOUND].mki_len;
    if (kind == UA_SEC_UPD_SAME_KEYS) {
        /* Device mobility: an update without key material (RFC 3830 §4.5;
         * RFC 4650 §3.1 b): the CSB keeps its keys in every mode. */
        o.keep_keys = 1;
    } else if (kind == UA_SEC_UPD_NEW_PEER) {
        if (s->upd.tgk_len && tgk_mode(s->mode)) {
            o.tgk = s->upd.tgk;
            o.tgk_len = s->upd.tgk_len;
        } else {
            fprintf(stderr, "mikey-ua: mode %s cannot repeat its key material: the %s update brings new keys\n",
                    ua_sec_mode_name(s->mode), ua_sec_update_kind_name(kind));
        }
    }
    if (!(msg = malloc(UPD_MSG_CAP))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = mikey_offer(s->ctx, &o, msg, UPD_MSG_CAP, &len);
    if (rc) {
        snprintf(err, errlen, "MIKEY update offer: %s [%s]", mikey_strerror(rc), mikey_err_name(rc));
        free(msg);
        return -1;
    }
    snprintf(sdp->streams[stream].proto, sizeof(sdp->streams[stream].proto), "RTP/SAVP");
    rc = s->cfg.km_media_level ? ua_sdp_set_km(sdp, stream, msg, len) : ua_sdp_set_session_km(sdp, msg, len);
    free(msg);
    if (rc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->upd.offered = 1;
    s->upd.st.sent++;
    return 0;
}

int ua_sec_update_finish(ua_sec *s, const ua_sdp *answer, size_t stream, char *err, size_t errlen)
{
    const ua_sdp_stream *a;
    char e[256];
    int rc;

    if (!s->upd.offered) {
        snprintf(err, errlen, "no MIKEY update pending");
        return -1;
    }
    s->upd.offered = 0;
    if (stream >= answer->nstreams || answer->streams[stream].port == 0) {
        snprintf(err, errlen, "the answer to the update refuses the SRTP stream");
        goto fail;
    }
    a = &answer->streams[stream];
    if (!ua_sec_int_is_secure_proto(a->proto)) {
        snprintf(err, errlen, "the answer to the update changed the protocol to %s", a->proto);
        goto fail;
    }
    if (!a->km_len) {
        snprintf(err, errlen, "the answer to the update has no MIKEY response (a=key-mgmt:mikey)");
        goto fail;
    }
    rc = mikey_finish(s->ctx, a->km, a->km_len);
    if (rc == MIKEY_ERR_PEER_ERROR) {
        int no = mikey_ctx_peer_error(s->ctx);
        snprintf(err, errlen, "the peer answered the update with a MIKEY Error: %s (%d)",
                 mikey_rfc_error_name((unsigned)no), no);
        s->upd.st.refused++;
        ua_sec_int_set_error(s, no, "peer", err);
        return -1;
    }
    if (rc) {
        snprintf(err, errlen, "the MIKEY response to the update was refused: %s [%s]", mikey_strerror(rc),
                 mikey_err_name(rc));
        goto fail;
    }
    {
        /* Bidding-down check of the answer, as for the set-up (RFC 4567 §7). */
        mikey_msg *rm = NULL;
        int verdict = -1;
        rc = mikey_msg_parse(ua_sec_int_env(), a->km, a->km_len, NULL, &rm, NULL);
        if (!rc)
            rc = mikey_sdp_ids_check_sdp(rm, answer->parsed, a->km_scope, 0, &verdict);
        mikey_msg_free(rm);
        if (rc) {
            snprintf(err, errlen, "bidding-down check of the update's answer failed (RFC 4567 §7): %s",
                     verdict >= 0 ? mikey_sdp_ids_verdict_name(verdict) : mikey_strerror(rc));
            goto fail;
        }
    }
    if (update_install(s, 0, e, sizeof(e))) {
        snprintf(err, errlen, "%s", e);
        goto fail;
    }
    s->upd.st.ok++;
    return 0;
fail:
    ua_sec_int_set_error(s, -1, NULL, err);
    return -1;
}

void ua_sec_update_refused(ua_sec *s, uint16_t scode, const uint8_t *body, size_t len)
{
    ua_sdp sd;
    char e[128], text[256];
    const uint8_t *km = NULL;
    size_t kml = 0;

    if (!s->upd.offered)
        return;
    s->upd.offered = 0;
    s->upd.st.refused++;
    snprintf(text, sizeof(text), "the peer refused the update's re-INVITE (%u) without a MIKEY Error message", scode);
    ua_sec_int_set_error(s, -1, NULL, text);
    if (!body || !len || ua_sdp_parse((const char *)body, len, &sd, e, sizeof(e)))
        return;
    if (sd.km_len) {
        km = sd.km;
        kml = sd.km_len;
    }
    for (size_t i = 0; !km && i < sd.nstreams; i++) {
        if (sd.streams[i].km_len) {
            km = sd.streams[i].km;
            kml = sd.streams[i].km_len;
        }
    }
    /* An unauthenticated Error is a recommendation (RFC 3830 §5.1.2): the
     * update stays pending in the context, the old keys in the streams. */
    if (km && mikey_finish(s->ctx, km, kml) == MIKEY_ERR_PEER_ERROR) {
        int no = mikey_ctx_peer_error(s->ctx);
        snprintf(text, sizeof(text), "the peer refused the MIKEY update (%u): Error %s (%d)", scode,
                 mikey_rfc_error_name((unsigned)no), no);
        ua_sec_int_set_error(s, no, "peer", text);
    }
    ua_sdp_clear(&sd);
}

/* ---------------------------------------------------------------------- */
/* Responder                                                               */
/* ---------------------------------------------------------------------- */

int ua_sec_update_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t stream, int moved,
                         ua_sec_reject *rej)
{
    const ua_sdp_stream *m;
    uint8_t *out;
    size_t olen = 0;
    char e[256], w[200];
    int rc;

    memset(rej, 0, sizeof(*rej));
    if (!s->srtp || !s->ctx || !s->ss)
        return 0; /* a plain call: nothing to key */
    if (stream >= offer->nstreams || offer->streams[stream].port == 0 ||
        !ua_sec_int_is_secure_proto(offer->streams[stream].proto)) {
        ua_sec_int_reject(rej, 488, "the re-offer drops the SRTP stream keyed by MIKEY");
        s->upd.st.rejected++;
        return -1;
    }
    m = &offer->streams[stream];
    if (!m->km_len) {
        if (moved) {
            /* Thesis §15.2: a new media address must come with proof that
             * the sender holds the CSB; otherwise anyone who can send a
             * re-INVITE in the dialog could divert the (encrypted) media. */
            ua_sec_int_reject(rej, 488, "moving the media needs an authenticated MIKEY update (RFC 3830 4.5)");
            ua_sec_int_set_error(s, -1, NULL, "refused a re-INVITE that moves the SRTP media without a MIKEY update");
            s->upd.st.rejected++;
            return -1;
        }
        return 0; /* same place, same keys (e.g. a session refresh) */
    }
    s->upd.st.received++;
    if (!(out = malloc(UPD_MSG_CAP))) {
        ua_sec_int_reject(rej, 488, "out of memory");
        return -1;
    }
    rc = mikey_answer(s->ctx, m->km, m->km_len, out, UPD_MSG_CAP, &olen);
    if (rc) {
        int no = olen ? ua_sec_int_error_no(out, olen) : -1;
        snprintf(w, sizeof(w), "MIKEY: %s (%s)", mikey_strerror(rc),
                 no >= 0 ? mikey_rfc_error_name((unsigned)no) : "no Error message");
        ua_sec_int_reject(rej, ua_sec_int_never_acceptable(rc) ? 606 : 488, w);
        if (olen)
            ua_sec_int_reject_body(offer, answer, out, olen, rej);
        snprintf(e, sizeof(e), "the MIKEY update was refused: %s [%s]%s%s%s", mikey_strerror(rc), mikey_err_name(rc),
                 olen ? "; Error " : "", olen && no >= 0 ? mikey_rfc_error_name((unsigned)no) : "",
                 olen ? " sent" : "");
        ua_sec_int_set_error(s, olen ? no : -1, olen ? "us" : NULL, e);
        s->upd.st.rejected++;
        free(out);
        return -1;
    }
    {
        mikey_msg *im = NULL;
        int verdict = -1;
        rc = mikey_msg_parse(ua_sec_int_env(), m->km, m->km_len, NULL, &im, NULL);
        if (!rc)
            rc = mikey_sdp_ids_check_sdp(im, offer->parsed, m->km_scope, 0, &verdict);
        mikey_msg_free(im);
        if (rc) {
            /* The context took the update already: the keys are not
             * installed, the re-INVITE is refused, the call keeps its keys. */
            ua_sec_int_reject(rej, 488, "MIKEY: key management protocol list does not match the SDP");
            ua_sec_int_set_error(s, -1, NULL, "bidding-down check of the update failed (RFC 4567 7)");
            s->upd.st.rejected++;
            free(out);
            return -1;
        }
    }
    rc = 0;
    if (olen)
        rc = m->km_scope == (int)stream ? ua_sdp_set_km(answer, stream, out, olen)
                                        : ua_sdp_set_session_km(answer, out, olen);
    free(out);
    if (rc) {
        ua_sec_int_reject(rej, 488, "out of memory");
        return -1;
    }
    if (update_install(s, 1, e, sizeof(e))) {
        ua_sec_int_reject(rej, 488, e);
        ua_sec_int_set_error(s, -1, NULL, e);
        s->upd.st.rejected++;
        return -1;
    }
    s->upd.st.accepted++;
    return 0;
}

void ua_sec_update_acked(ua_sec *s)
{
    char e[200];

    if (!s->upd.pend_out.set)
        return;
    if (add_key_now(s, MIKEY_SRTP_OUTBOUND, &s->upd.pend_out, e, sizeof(e)))
        ua_sec_int_set_error(s, -1, NULL, e);
    mkt_wipe(&s->upd.pend_out, sizeof(s->upd.pend_out));
}

uint32_t ua_sec_peer_ssrc(const ua_sec *s)
{
    return s ? s->st.ssrc_in : 0;
}

int ua_sec_export_csb(const ua_sec *s, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t need = 0;
    int rc;

    if (!s || !s->ctx || !s->srtp || mikey_ctx_state(s->ctx) != MIKEY_STATE_ESTABLISHED) {
        snprintf(err, errlen, "no established MIKEY CSB to hand over");
        return -1;
    }
    rc = mikey_ctx_export(s->ctx, NULL, 0, &need);
    if ((rc != MIKEY_ERR_NOBUF && rc != MIKEY_OK) || !need || !(buf = malloc(need))) {
        snprintf(err, errlen, "exporting the CSB: %s", rc ? mikey_strerror(rc) : "out of memory");
        return -1;
    }
    rc = mikey_ctx_export(s->ctx, buf, need, &need);
    if (rc) {
        mkt_free_secret(buf, need);
        snprintf(err, errlen, "exporting the CSB: %s", mikey_strerror(rc));
        return -1;
    }
    rc = mkt_write_file(path, buf, need, 1, err, errlen);
    mkt_free_secret(buf, need);
    return rc ? -1 : 0;
}
