/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MIKEY seam (see security.h). Implemented: policy `off`. Every other
 * policy is refused at start-up with a clear message until the library's
 * session and SRTP layers are plugged in at the TODO(mikey) points.
 */
#include "security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

struct ua_sec {
    ua_sec_cfg cfg;
    int srtp;          /* the chosen stream is RTP/SAVP */
    ua_sec_times times;
    /* TODO(mikey): mikey_ctx *ctx; mikey_srtp *srtp_in, *srtp_out; */
};

const char *ua_sec_policy_name(ua_sec_policy p)
{
    switch (p) {
    case UA_SEC_OFF: return "off";
    case UA_SEC_PREFERRED: return "preferred";
    case UA_SEC_REQUIRED: return "required";
    }
    return "?";
}

int ua_sec_policy_parse(const char *s, ua_sec_policy *out)
{
    if (!strcmp(s, "off"))
        *out = UA_SEC_OFF;
    else if (!strcmp(s, "preferred"))
        *out = UA_SEC_PREFERRED;
    else if (!strcmp(s, "required"))
        *out = UA_SEC_REQUIRED;
    else
        return -1;
    return 0;
}

/* Values of enum mikey_mode (session.h), kept numeric here so this file
 * builds before the session layer exists. */
static const struct {
    const char *name;
    int mode;
} modes[] = {
    {"psk", 1}, {"pke", 2}, {"dh", 3}, {"dhhmac", 4}, {"dh-hmac", 4}, {"rsar", 5}, {"rsa-r", 5}, {"null", 6},
};

int ua_sec_mode_parse(const char *s, int *mode)
{
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (!strcmp(s, modes[i].name)) {
            *mode = modes[i].mode;
            return 0;
        }
    }
    return -1;
}

const char *ua_sec_mode_name(int mode)
{
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (modes[i].mode == mode)
            return modes[i].name;
    }
    return "off";
}

int ua_sec_global_init(const ua_sec_cfg *cfg, char *err, size_t errlen)
{
    if (cfg->policy != UA_SEC_OFF) {
        /* TODO(mikey): load credentials once per process:
         *   mikey_creds_new(); mikey_creds_set_identity(cfg->identity);
         *   mikey_creds_add_psk(NULL, psk) from cfg->psk_hex;
         *   mikey_creds_set_key / add_cert / add_trust / add_peer_cert from the PEM files;
         *   mikey_policy_new(); mikey_policy_add_srtp(mikey_srtp_params_suite(cfg->srtp_suite));
         *   mikey_policy_precompute_dh() for the DH modes (the seed paper's optimisation);
         *   mikey_replay_new() shared by every responder context. */
        snprintf(err, errlen, "security policy '%s' (mode %s) is not available yet: MIKEY/SRTP are not plugged "
                 "into mikey-ua (use --security off)",
                 ua_sec_policy_name(cfg->policy), ua_sec_mode_name(cfg->mode));
        return -1;
    }
    return 0;
}

void ua_sec_global_free(void)
{
    /* TODO(mikey): mikey_replay_free, mikey_policy_free, mikey_creds_free. */
}

int ua_sec_new(ua_sec **out, const ua_sec_cfg *cfg, const char *peer_uri, char *err, size_t errlen)
{
    ua_sec *s = calloc(1, sizeof(*s));

    (void)peer_uri; /* TODO(mikey): mikey_offer_opts.peer_id */
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->cfg = *cfg;
    /* TODO(mikey): mikey_ctx_new(env, creds, policy, &ctx); mikey_ctx_set_replay(ctx, replay). */
    *out = s;
    return 0;
}

void ua_sec_free(ua_sec *s)
{
    if (!s)
        return;
    /* TODO(mikey): mikey_ctx_free; mikey_srtp_free (wipes the keys). */
    free(s);
}

int ua_sec_offer(ua_sec *s, ua_sdp *sdp, char *err, size_t errlen)
{
    uint64_t t0 = ua_now_us();

    (void)err;
    (void)errlen;
    if (sdp->nstreams != 1)
        return -1;
    switch (s->cfg.policy) {
    case UA_SEC_OFF:
        snprintf(sdp->streams[0].proto, sizeof(sdp->streams[0].proto), "RTP/AVP");
        break;
    case UA_SEC_PREFERRED:
    case UA_SEC_REQUIRED:
        /* TODO(mikey): mikey_offer(ctx, &opts{mode, peer_id, streams = {ssrc of
         * our media, roc 0}, sdp_ids from mikey_sdp_ids_build({"mikey"})}, buf, ...)
         * -> I_MESSAGE; ua_sdp_set_km(sdp, 0, I_MESSAGE) (sdp_ua.c emits
         * "a=key-mgmt:mikey <base64>", RFC 4567 §3.1) with proto "RTP/SAVP";
         * for PREFERRED append a copy of the template as stream 1, proto
         * "RTP/AVP", no key-mgmt (the fallback). */
        return -1;
    }
    s->times.offer_us = ua_now_us() - t0;
    return 0;
}

int ua_sec_answer(ua_sec *s, const ua_sdp *offer, ua_sdp *answer, size_t *stream, ua_sec_reject *rej)
{
    uint64_t t0 = ua_now_us();

    memset(rej, 0, sizeof(*rej));
    (void)answer;
    /* Under `off` we serve the first RTP/AVP audio stream; RTP/SAVP streams
     * are refused with port 0 (RFC 3264 §6). An offer with no RTP/AVP stream
     * (a `required` caller) cannot be served: 488 (RFC 3261 §21.4.26).
     * TODO(mikey): for an RTP/SAVP stream with offer->streams[i].km (the
     * decoded a=key-mgmt that applies: media level, else session level), run
     * mikey_answer(ctx, km, km_len, R_MESSAGE, ...) and check the bidding-down
     * list with mikey_sdp_ids_check_sdp(msg, offer->parsed, ...) (RFC 4567 §7);
     * DH, DH-HMAC, RSA-R and PSK/PKE with V give an R_MESSAGE for
     * ua_sdp_set_km(answer, i, ...); on failure reply 606 carrying the Error
     * message mikey_answer() wrote (488 when the policy or the offer, not the
     * message, is at fault). */
    for (size_t i = 0; i < offer->nstreams; i++) {
        const ua_sdp_stream *m = &offer->streams[i];
        if (m->port != 0 && !strcmp(m->proto, "RTP/AVP")) {
            *stream = i;
            s->srtp = 0;
            s->times.answer_us = ua_now_us() - t0;
            return 0;
        }
    }
    rej->scode = 488;
    snprintf(rej->reason, sizeof(rej->reason), "Not Acceptable Here");
    s->times.answer_us = ua_now_us() - t0;
    return -1;
}

int ua_sec_finish(ua_sec *s, const ua_sdp *offer, const ua_sdp *answer, size_t *stream, char *err, size_t errlen)
{
    uint64_t t0 = ua_now_us();

    /* TODO(mikey): if the accepted stream is RTP/SAVP: mikey_finish(ctx,
     * answer->streams[i].km) (or, PSK/PKE without V, nothing to read);
     * MIKEY_ERR_PEER_ERROR -> report mikey_ctx_peer_error(); then the keys
     * via mikey_ctx_cs_keys() for the SRTP contexts. A `required` caller
     * whose callee answered RTP/AVP only fails here (the call is ended). */
    for (size_t i = 0; i < answer->nstreams && i < offer->nstreams; i++) {
        const ua_sdp_stream *m = &answer->streams[i];
        if (m->port != 0 && !strcmp(m->proto, "RTP/AVP") && !strcmp(offer->streams[i].proto, "RTP/AVP")) {
            *stream = i;
            s->srtp = 0;
            s->times.finish_us = ua_now_us() - t0;
            return 0;
        }
    }
    snprintf(err, errlen, "the answer accepts no stream we offered");
    s->times.finish_us = ua_now_us() - t0;
    return -1;
}

void ua_sec_media_xform(ua_sec *s, ua_media_xform *out)
{
    memset(out, 0, sizeof(*out));
    out->name = "none";
    /* TODO(mikey): when s->srtp: two mikey_srtp sessions keyed from
     * mikey_ctx_cs_keys() (our SSRC outbound, the peer's inbound), and
     * out->protect = mikey_srtp_protect wrapper, unprotect = mikey_srtp_unprotect,
     * protect_rtcp / unprotect_rtcp likewise; out->name = "srtp". */
    (void)s;
}

const char *ua_sec_result_name(const ua_sec *s)
{
    return s && s->srtp ? ua_sec_mode_name(s->cfg.mode) : "off";
}

int ua_sec_is_srtp(const ua_sec *s)
{
    return s ? s->srtp : 0;
}

void ua_sec_times_get(const ua_sec *s, ua_sec_times *t)
{
    *t = s->times;
}

void ua_sec_reject_clear(ua_sec_reject *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}
