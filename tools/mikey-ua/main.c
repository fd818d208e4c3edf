/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey-ua: a SIP user agent for openmikey's secured calls.
 *
 *   mikey-ua call URI [options]     one outgoing call, then exit
 *   mikey-ua listen [options]       answer incoming calls
 *
 * This file is the call controller: it reacts to the SIP adapter's events
 * (sip_adapter.h), builds the SDP (sdp_ua.h, over the library's sdp.h), calls the MIKEY seam at the
 * points of the call where key management happens (security.h), runs the
 * media (media.h) and writes one JSON report per call (report.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "clock.h"
#include "g711.h"
#include "media.h"
#include "options.h"
#include "report.h"
#include "sdp_ua.h"
#include "security.h"
#include "sip_adapter.h"
#include "wav.h"

typedef enum { MODE_CALL, MODE_LISTEN } app_mode;

typedef struct app {
    app_mode mode;
    ua_opts o;
    const char *target;
    ua_sip *sip;
    ua_tp call_tp;
    char laddr[64];        /* SIP bind address */
    char media_addr[64];   /* address in SDP and for RTP */
    uint16_t sip_port;
    int pt_pref;           /* preferred payload type */
    int16_t *wav;
    size_t wav_n;
    ua_sec_cfg sec;
    ua_sec_policy policy;
    FILE *json;
    unsigned calls_done;
    unsigned calls_ok;
    int failed;            /* exit status 1 */
    int closing;
    struct call_ctx *ringing; /* listen without --auto-answer: the call Enter answers */
    int stdin_watch;
} app;

typedef struct call_ctx {
    app *a;
    ua_call *call;
    int callee;
    ua_sec *sec;
    ua_media *media;
    ua_sdp offer, answer;
    size_t stream;
    int pt;
    char *answer_text;
    size_t answer_len;
    uint64_t t_dial, t_ringing, t_200, t_invite, t_pickup, t_ack, t_media0, t_media1;
    struct tmr answer_tmr, dur_tmr, timeout_tmr;
    int media_started;
    int established;
    int rejected_by_us;
    char error[400];
} call_ctx;

static app g_app;

static void logv(const app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logv(const app *a, const char *fmt, ...)
{
    va_list ap;

    if (!a->o.verbose)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "mikey-ua: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* Per call                                                                */
/* ---------------------------------------------------------------------- */

static const char *pt_name(int pt)
{
    return ua_sdp_pt_name(pt);
}

static call_ctx *ctx_new(app *a, int callee)
{
    call_ctx *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->a = a;
    c->callee = callee;
    c->pt = -1;
    tmr_init(&c->answer_tmr);
    tmr_init(&c->dur_tmr);
    tmr_init(&c->timeout_tmr);
    return c;
}

static void ctx_free(call_ctx *c)
{
    if (!c)
        return;
    tmr_cancel(&c->answer_tmr);
    tmr_cancel(&c->dur_tmr);
    tmr_cancel(&c->timeout_tmr);
    ua_media_free(c->media);
    ua_sec_free(c->sec);
    ua_sdp_clear(&c->offer);
    ua_sdp_clear(&c->answer);
    free(c->answer_text);
    if (c->a->ringing == c)
        c->a->ringing = NULL;
    free(c);
}

static int media_create(call_ctx *c, char *err, size_t errlen)
{
    app *a = c->a;
    ua_media_cfg mc;
    char cname[128];

    memset(&mc, 0, sizeof(mc));
    mc.laddr = a->media_addr;
    mc.port = (uint16_t)a->o.rtp_port;
    mc.pt = a->pt_pref;
    mc.tone_hz = a->o.tone;
    mc.tone_amp = (int)a->o.amplitude;
    mc.wav = a->wav;
    mc.wav_n = a->wav_n;
    mc.record_path = a->o.record;
    snprintf(cname, sizeof(cname), "mikey-ua@%s", a->media_addr);
    mc.cname = cname;
    return ua_media_new(&c->media, &mc, err, errlen);
}

/* The template stream: our port and both G.711 laws, preferred first. */
static void sdp_template(call_ctx *c, ua_sdp *s)
{
    app *a = c->a;

    memset(s, 0, sizeof(*s));
    s->sess_id = (uint64_t)rand_u32();
    s->sess_ver = s->sess_id;
    snprintf(s->addr, sizeof(s->addr), "%s", a->media_addr);
    s->nstreams = 1;
    s->streams[0].port = ua_media_port(c->media);
    snprintf(s->streams[0].proto, sizeof(s->streams[0].proto), "RTP/AVP");
    s->streams[0].pts[0] = a->pt_pref;
    s->streams[0].pts[1] = a->pt_pref == UA_PT_PCMU ? UA_PT_PCMA : UA_PT_PCMU;
    s->streams[0].npts = 2;
}

static int first_g711(const ua_sdp_stream *m)
{
    for (size_t i = 0; i < m->npts; i++) {
        if (m->pts[i] == UA_PT_PCMU || m->pts[i] == UA_PT_PCMA)
            return m->pts[i];
    }
    return -1;
}

static int start_media(call_ctx *c, const ua_sdp *remote)
{
    ua_media_xform xf;
    char err[256];
    const char *addr = remote->streams[c->stream].addr;
    uint16_t port = remote->streams[c->stream].port;

    /* THE SRTP HOOK: the transform keyed from MIKEY (identity for RTP/AVP). */
    if (ua_sec_media_xform(c->sec, &xf, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "%s", err);
        return -1;
    }
    ua_media_set_xform(c->media, &xf);
    if (!addr[0] || ua_media_start(c->media, addr, port, c->pt)) {
        snprintf(c->error, sizeof(c->error), "cannot start media towards %s:%u", addr, port);
        return -1;
    }
    c->media_started = 1;
    c->t_media0 = ua_now_us();
    logv(c->a, "media: %s to %s:%u, transform %s", pt_name(c->pt), addr, port, xf.name);
    return 0;
}

static void report(call_ctx *c, const ua_event *ev)
{
    app *a = c->a;
    ua_report r;
    const char *result;

    memset(&r, 0, sizeof(r));
    r.role = c->callee ? "callee" : "caller";
    r.call_id = ua_call_id(c->call);
    r.peer = ua_call_peer(c->call);
    r.transport = ua_tp_name(ua_call_transport(c->call));
    r.policy = ua_sec_policy_name(a->policy);
    r.security = c->sec ? ua_sec_result_name(c->sec) : "off";
    r.xform = c->sec && ua_sec_is_srtp(c->sec) ? "srtp" : "none";
    r.codec = c->pt >= 0 ? pt_name(c->pt) : NULL;
    if (c->sec)
        ua_sec_info_get(c->sec, &r.sec);
    else
        r.sec.error_code = -1;
    if (c->error[0])
        result = "failed";
    else if (c->established)
        result = "ok";
    else if (c->rejected_by_us || (ev->scode >= 300 && ev->by_peer))
        result = "rejected";
    else if (c->callee && ev->by_peer && ev->reason && !strcmp(ev->reason, "CANCEL received"))
        result = "cancelled";
    else
        result = "failed";
    r.result = result;
    r.scode = ev->scode;
    r.reason = ev->reason;
    /* Our error; else what key management said (a refusal we sent or got,
     * RFC 4567 §4.1.1); else the stack's detail. */
    r.error = c->error[0] ? c->error : r.sec.error ? r.sec.error : ev->detail;
    r.calling_delay_us = (!c->callee && c->t_ringing) ? (int64_t)(c->t_ringing - c->t_dial) : -1;
    r.answering_delay_us = (c->callee && c->t_ack && c->t_pickup) ? (int64_t)(c->t_ack - c->t_pickup) : -1;
    if (!c->callee)
        r.setup_us = c->t_200 ? (int64_t)(c->t_200 - c->t_dial) : -1;
    else
        r.setup_us = c->t_ack ? (int64_t)(c->t_ack - c->t_invite) : -1;
    r.media_ms = c->media_started ? (int64_t)((c->t_media1 - c->t_media0) / 1000) : -1;
    if (c->sec)
        ua_sec_times_get(c->sec, &r.mikey);
    if (c->media) {
        r.have_media = 1;
        ua_media_stats_get(c->media, &r.media);
    }
    r.record = a->o.record;
    if (ua_report_write(a->json, &r))
        fprintf(stderr, "mikey-ua: cannot write the JSON report\n");
    /* Exit status: a call gives 0 only if it succeeded; listen gives 1 if
     * any call failed (refusals and cancellations are normal outcomes). */
    if (!strcmp(result, "ok"))
        a->calls_ok++;
    else if (a->mode == MODE_CALL || !strcmp(result, "failed"))
        a->failed = 1;
    if (ev->scode)
        fprintf(stderr, "mikey-ua: call %s: %u %s\n", result, ev->scode, ev->reason ? ev->reason : "");
    else
        fprintf(stderr, "mikey-ua: call %s: %s\n", result, ev->reason ? ev->reason : "");
    if (c->error[0])
        fprintf(stderr, "mikey-ua: error: %s\n", c->error);
    else if (r.sec.error)
        fprintf(stderr, "mikey-ua: %s\n", r.sec.error);
    else if (ev->detail)
        fprintf(stderr, "mikey-ua: %s\n", ev->detail);
}

/* Our media ends before our BYE goes out, so the RTCP BYE (RFC 3550
 * §6.6) reaches a peer that is still listening. */
static void stop_media(call_ctx *c)
{
    if (c->media_started && !c->t_media1) {
        c->t_media1 = ua_now_us();
        ua_media_stop(c->media);
    }
}

static void dur_tmr_h(void *arg)
{
    call_ctx *c = arg;

    logv(c->a, "duration reached: hanging up");
    stop_media(c);
    ua_call_hangup(c->call);
}

static void timeout_tmr_h(void *arg)
{
    call_ctx *c = arg;

    snprintf(c->error, sizeof(c->error), "no answer within %.1f s", c->a->o.timeout);
    ua_call_hangup(c->call);
}

static void start_duration(call_ctx *c)
{
    if (c->a->o.duration > 0)
        tmr_start(&c->dur_tmr, (uint64_t)(c->a->o.duration * 1000.0), dur_tmr_h, c);
}

/* ---------------------------------------------------------------------- */
/* Caller                                                                  */
/* ---------------------------------------------------------------------- */

static int dial(app *a)
{
    call_ctx *c = ctx_new(a, 0);
    char err[256];
    char *text;
    size_t len;
    int e;

    if (!c)
        return -1;
    if (strncmp(a->target, "sip:", 4) != 0 && strncmp(a->target, "sips:", 5) != 0) {
        fprintf(stderr, "mikey-ua: \"%s\" is not a SIP URI (sip:user@host[:port])\n", a->target);
        ctx_free(c);
        return -1;
    }
    /* "Dial": the user asked for the call. Everything from here counts in
     * the calling delay, the building of the offer (and of the MIKEY
     * I_MESSAGE in it) included, as in the seed paper. */
    c->t_dial = ua_now_us();
    if (media_create(c, err, sizeof(err)) || ua_sec_new(&c->sec, &a->sec, a->target, err, sizeof(err))) {
        fprintf(stderr, "mikey-ua: %s\n", err);
        ctx_free(c);
        return -1;
    }
    sdp_template(c, &c->offer);
    /* CS 1 of the MIKEY offer names our RTP SSRC. */
    ua_sec_set_local_ssrc(c->sec, ua_media_ssrc(c->media));
    /* THE SEAM, caller side, step 1: the offer (I_MESSAGE in a=key-mgmt). */
    if (ua_sec_offer(c->sec, &c->offer, err, sizeof(err))) {
        fprintf(stderr, "mikey-ua: building the offer: %s\n", err);
        ctx_free(c);
        return -1;
    }
    text = ua_sdp_offer_text(&c->offer, &len, err, sizeof(err));
    if (!text) {
        fprintf(stderr, "mikey-ua: %s\n", err);
        ctx_free(c);
        return -1;
    }
    logv(a, "offer:\n%s", text);
    e = ua_call_dial(a->sip, &c->call, a->target, a->call_tp, text, len, c);
    free(text);
    if (e) {
        fprintf(stderr, "mikey-ua: cannot call %s: %s\n", a->target, strerror(e));
        ctx_free(c);
        return -1;
    }
    if (a->o.timeout > 0)
        tmr_start(&c->timeout_tmr, (uint64_t)(a->o.timeout * 1000.0), timeout_tmr_h, c);
    fprintf(stderr, "mikey-ua: calling %s over %s\n", a->target, ua_tp_name(a->call_tp));
    return 0;
}

static int on_answered(call_ctx *c, const ua_event *ev)
{
    char err[256];

    c->t_200 = ev->t_us;
    tmr_cancel(&c->timeout_tmr);
    if (!ev->body || ua_sdp_parse((const char *)ev->body, ev->body_len, &c->answer, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "bad SDP answer: %s", ev->body ? err : "no body");
        return -1;
    }
    /* THE SEAM, caller side, step 2: the answer (R_MESSAGE); a failure ends
     * the call (the adapter ACKs then sends BYE). */
    if (ua_sec_finish(c->sec, &c->offer, &c->answer, &c->stream, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "%s", err);
        return -1;
    }
    c->pt = first_g711(&c->answer.streams[c->stream]);
    if (c->pt < 0) {
        snprintf(c->error, sizeof(c->error), "the answer has no G.711 payload type");
        return -1;
    }
    return start_media(c, &c->answer);
}

/* ---------------------------------------------------------------------- */
/* Callee                                                                  */
/* ---------------------------------------------------------------------- */

static void do_answer(call_ctx *c)
{
    int e;

    c->t_pickup = ua_now_us();
    e = ua_call_answer(c->call, c->answer_text, c->answer_len);
    if (e) {
        snprintf(c->error, sizeof(c->error), "cannot send 200 OK: %s", strerror(e));
        ua_call_hangup(c->call);
        return;
    }
    if (c->a->ringing == c)
        c->a->ringing = NULL;
    /* Media may flow as soon as the answer is out (RFC 3264 §6). */
    if (start_media(c, &c->offer))
        ua_call_hangup(c->call);
}

static void answer_tmr_h(void *arg)
{
    do_answer(arg);
}

static void stdin_h(int flags, void *arg)
{
    app *a = arg;
    char buf[256];
    ssize_t n;

    (void)flags;
    n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n <= 0) {
        fd_close(STDIN_FILENO);
        a->stdin_watch = 0;
        return;
    }
    if (a->ringing) {
        call_ctx *c = a->ringing;
        a->ringing = NULL;
        do_answer(c);
    }
}

/* Note: ua_call_reject() (and a failed ua_call_accept()) ends the call at
 * once: the CLOSED event frees c before the call returns, so every such
 * call below is followed by return and c is prepared before it. */
static void on_incoming(app *a, const ua_event *ev)
{
    call_ctx *c = ctx_new(a, 1);
    ua_sec_reject rej;
    char err[256];

    if (!c) {
        (void)ua_call_reject(ev->call, 500, "Server Internal Error", NULL, NULL, 0);
        return;
    }
    c->call = ev->call;
    c->t_invite = ev->t_us;
    ua_call_set_user(ev->call, c);
    fprintf(stderr, "mikey-ua: incoming call from %s over %s\n", ua_call_peer(ev->call),
            ua_tp_name(ua_call_transport(ev->call)));
    if (a->closing) {
        (void)ua_call_reject(ev->call, 503, "Service Unavailable", NULL, NULL, 0);
        return;
    }
    if (a->o.reject) {
        c->rejected_by_us = 1;
        (void)ua_call_reject(ev->call, (uint16_t)a->o.reject, "Rejected", NULL, NULL, 0);
        return;
    }
    if (!ev->body || !ev->ctype || strcmp(ev->ctype, "application/sdp") ||
        ua_sdp_parse((const char *)ev->body, ev->body_len, &c->offer, err, sizeof(err))) {
        /* No offer in the INVITE: this UA does not do late offers. */
        snprintf(c->error, sizeof(c->error), "INVITE without a usable SDP offer%s%s", ev->body ? ": " : "",
                 ev->body ? err : "");
        (void)ua_call_reject(ev->call, 488, "Not Acceptable Here", NULL, NULL, 0);
        return;
    }
    if (media_create(c, err, sizeof(err)) || ua_sec_new(&c->sec, &a->sec, ua_call_peer(ev->call), err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "%s", err);
        (void)ua_call_reject(ev->call, 500, "Server Internal Error", NULL, NULL, 0);
        return;
    }
    /* The answer mirrors the offer's streams, all refused (port 0) but the
     * one the seam chooses (RFC 3264 §6: same number and order of m= lines). */
    memset(&c->answer, 0, sizeof(c->answer));
    c->answer.sess_id = (uint64_t)rand_u32();
    c->answer.sess_ver = c->answer.sess_id;
    snprintf(c->answer.addr, sizeof(c->answer.addr), "%s", a->media_addr);
    c->answer.nstreams = c->offer.nstreams;
    for (size_t i = 0; i < c->offer.nstreams; i++) {
        ua_sdp_stream *m = &c->answer.streams[i];
        snprintf(m->proto, sizeof(m->proto), "%s", c->offer.streams[i].proto);
        m->port = 0;
    }
    /* THE SEAM, callee side: the offer's I_MESSAGE in, the R_MESSAGE (or a
     * refusal with the MIKEY Error message) out. */
    if (ua_sec_answer(c->sec, &c->offer, &c->answer, &c->stream, &rej)) {
        /* RFC 4567 §4.1.1: 488 (or 606) with a Warning and, when there is
         * one, the MIKEY Error message in the SDP body. Sent before any
         * session exists: libre's sipsess_reject() cannot carry a body. */
        c->rejected_by_us = 1;
        (void)ua_call_reject_warn(ev->call, rej.scode ? rej.scode : 488,
                                  rej.reason[0] ? rej.reason : "Not Acceptable Here",
                                  rej.warning[0] ? rej.warning : NULL, "application/sdp", (const uint8_t *)rej.body,
                                  rej.body_len);
        ua_sec_reject_clear(&rej);
        return;
    }
    /* The callee's RTP SSRC is the one it filled into the MIKEY placeholder
     * (RFC 3830 §6.1.1) and the SRTP stream is keyed for. */
    if (ua_sec_local_ssrc(c->sec))
        (void)ua_media_set_ssrc(c->media, ua_sec_local_ssrc(c->sec));
    c->pt = first_g711(&c->offer.streams[c->stream]);
    if (c->pt < 0) {
        c->rejected_by_us = 1;
        (void)ua_call_reject(ev->call, 488, "Not Acceptable Here", NULL, NULL, 0);
        return;
    }
    {
        ua_sdp_stream *m = &c->answer.streams[c->stream];
        m->port = ua_media_port(c->media);
        m->pts[0] = c->pt;
        m->npts = 1;
    }
    c->answer_text = ua_sdp_answer_text(&c->offer, &c->answer, &c->answer_len, err, sizeof(err));
    if (!c->answer_text) {
        snprintf(c->error, sizeof(c->error), "building the answer: %s", err);
        (void)ua_call_reject(ev->call, 500, "Server Internal Error", NULL, NULL, 0);
        return;
    }
    /* A failed accept ends the call at once (CLOSED frees c): set the error
     * before, clear it after. */
    snprintf(c->error, sizeof(c->error), "cannot accept the call");
    if (ua_call_accept(ev->call))
        return;
    c->error[0] = '\0';
    logv(a, "answer:\n%s", c->answer_text);
    if (a->o.auto_answer) {
        tmr_start(&c->answer_tmr, a->o.answer_delay, answer_tmr_h, c);
    } else {
        if (a->stdin_watch) {
            fprintf(stderr, "mikey-ua: ringing -- press Enter to answer\n");
            a->ringing = c;
        } else {
            fprintf(stderr, "mikey-ua: ringing (no --auto-answer and stdin is not a terminal: not answering)\n");
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */
/* ---------------------------------------------------------------------- */

static void maybe_finish(app *a)
{
    if (a->closing)
        return;
    if (a->mode == MODE_CALL || (a->o.max_calls && a->calls_done >= a->o.max_calls)) {
        a->closing = 1;
        ua_sip_close(a->sip, a->o.linger);
    }
}

static int on_event(const ua_event *ev, void *arg)
{
    app *a = arg;
    call_ctx *c = ev->call ? ua_call_user(ev->call) : NULL;

    logv(a, "event %s scode=%u %s", ua_ev_name(ev->type), ev->scode, ev->reason ? ev->reason : "");
    switch (ev->type) {
    case UA_EV_INCOMING:
        on_incoming(a, ev);
        return 0;
    case UA_EV_PROGRESS:
        if (c && !c->t_ringing && (ev->scode == 180 || ev->scode == 183)) {
            /* The seed paper's calling delay: dial -> 180 Ringing received. */
            c->t_ringing = ev->t_us;
            fprintf(stderr, "mikey-ua: ringing (%u %s)\n", ev->scode, ev->reason);
        }
        return 0;
    case UA_EV_ANSWERED:
        return c ? on_answered(c, ev) : -1;
    case UA_EV_ESTABLISHED:
        if (c) {
            c->established = 1;
            if (c->callee)
                c->t_ack = ev->t_us; /* answering delay: pick-up -> ACK received */
            fprintf(stderr, "mikey-ua: call established%s%s\n", ua_sec_is_srtp(c->sec) ? ", SRTP keyed by MIKEY " : "",
                    ua_sec_is_srtp(c->sec) ? ua_sec_result_name(c->sec) : "");
            start_duration(c);
            /* Outside both measured delays: a fresh DH pair for the next call. */
            ua_sec_refill();
        }
        return 0;
    case UA_EV_REOFFER:
        /* RE-INVITE HOOK (rekey, device mobility): ev->body is the new
         * offer. The call's ua_sec keeps its established mikey_ctx and SRTP
         * session (security.h "Rekeying"): parse the offer, run the update
         * exchange on that context (ua_sec_answer's mikey_answer path
         * accepts an update of the established CSB, RFC 3830 §4.5), give the
         * answer with ua_call_set_reoffer_answer() and install the new keys
         * (security.c install_srtp(), the REKEY HOOK) while the media runs.
         * Refused (488) for now. */
        return -1;
    case UA_EV_CLOSED:
        if (c) {
            stop_media(c);
            if (c->media)
                ua_media_stop(c->media);
            /* Caller refused with 488/606: the MIKEY Error in the body. */
            if (!c->callee && ev->scode >= 300)
                ua_sec_peer_rejected(c->sec, ev->scode,
                                     ev->ctype && !strcmp(ev->ctype, "application/sdp") ? ev->body : NULL,
                                     ev->body_len);
            report(c, ev);
            {
                char e[256];
                if (ua_sec_global_save(e, sizeof(e)))
                    fprintf(stderr, "mikey-ua: %s\n", e);
            }
            ctx_free(c);
            ua_call_set_user(ev->call, NULL);
        } else {
            a->failed = 1;
        }
        a->calls_done++;
        maybe_finish(a);
        return 0;
    case UA_EV_REGISTER_OK:
        fprintf(stderr, "mikey-ua: registered (%u %s)\n", ev->scode, ev->reason);
        if (a->mode == MODE_CALL && a->calls_done == 0 && !a->closing) {
            static int dialed;
            if (!dialed) {
                dialed = 1;
                if (dial(a)) {
                    a->failed = 1;
                    a->closing = 1;
                    ua_sip_close(a->sip, a->o.linger);
                }
            }
        }
        return 0;
    case UA_EV_REGISTER_FAILED:
        fprintf(stderr, "mikey-ua: registration failed: %u %s%s%s\n", ev->scode, ev->reason,
                ev->detail ? " -- " : "", ev->detail ? ev->detail : "");
        a->failed = 1;
        if (!a->closing) {
            a->closing = 1;
            ua_sip_close(a->sip, a->o.linger);
        }
        return 0;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Set-up                                                                  */
/* ---------------------------------------------------------------------- */

static int split_local(app *a, const char *local, uint16_t def_port)
{
    const char *colon;

    if (!local) {
        snprintf(a->laddr, sizeof(a->laddr), "0.0.0.0");
        a->sip_port = def_port;
        return 0;
    }
    if (local[0] == '[') {
        const char *rb = strchr(local, ']');
        if (!rb || (size_t)(rb - local - 1) >= sizeof(a->laddr))
            return -1;
        memcpy(a->laddr, local + 1, (size_t)(rb - local - 1));
        a->laddr[rb - local - 1] = '\0';
        colon = rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = strrchr(local, ':');
        if (colon && strchr(local, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        size_t n = colon ? (size_t)(colon - local) : strlen(local);
        if (n == 0 || n >= sizeof(a->laddr))
            return -1;
        memcpy(a->laddr, local, n);
        a->laddr[n] = '\0';
    }
    if (colon) {
        char *end;
        unsigned long p = strtoul(colon + 1, &end, 10);
        if (*end || p > 65535 || end == colon + 1)
            return -1;
        a->sip_port = (uint16_t)p;
    } else {
        a->sip_port = def_port;
    }
    {
        struct sa sa;
        if (sa_set_str(&sa, a->laddr, 0))
            return -1;
    }
    return 0;
}

static int setup(app *a, char *err, size_t errlen)
{
    ua_sip_cfg sc;
    unsigned tps = 0;

    if (split_local(a, a->o.local, a->mode == MODE_LISTEN ? 5060 : 0)) {
        snprintf(err, errlen, "bad --local \"%s\" (ADDR[:PORT])", a->o.local);
        return -1;
    }
    /* libre's SIP transports need a concrete address (it goes into Via and
     * Contact), and so does SDP: for a wildcard use the address of the
     * default route. */
    {
        struct sa sa;
        if (sa_set_str(&sa, a->laddr, 0) == 0 && sa_is_any(&sa)) {
            struct sa def;
            if (net_default_source_addr_get(sa_af(&sa), &def) != 0 ||
                sa_ntop(&def, a->laddr, sizeof(a->laddr)) != 0) {
                snprintf(err, errlen, "no default network address: give --local ADDR[:PORT]");
                return -1;
            }
        }
    }
    snprintf(a->media_addr, sizeof(a->media_addr), "%s", a->laddr);
    if (!a->o.codec || !strcmp(a->o.codec, "pcmu"))
        a->pt_pref = UA_PT_PCMU;
    else if (!strcmp(a->o.codec, "pcma"))
        a->pt_pref = UA_PT_PCMA;
    else {
        snprintf(err, errlen, "--codec must be pcmu or pcma");
        return -1;
    }
    if (a->o.wav) {
        if (ua_wav_load(a->o.wav, &a->wav, &a->wav_n, err, errlen))
            return -1;
    }
    /* Security policy: the seam validates and loads credentials. */
    if (ua_sec_policy_parse(a->o.security ? a->o.security : "off", &a->policy)) {
        snprintf(err, errlen, "--security must be off, preferred or required");
        return -1;
    }
    memset(&a->sec, 0, sizeof(a->sec));
    a->sec.policy = a->policy;
    a->sec.mode = 1;
    if (a->o.mode && ua_sec_mode_parse(a->o.mode, &a->sec.mode)) {
        snprintf(err, errlen, "--mode must be psk, pke, dh, dhhmac or rsar");
        return -1;
    }
    a->sec.identity = a->o.identity;
    a->sec.aor = a->o.aor;
    a->sec.peer_id = a->o.peer_id;
    a->sec.psk_hex = a->o.psk;
    a->sec.psk_file = a->o.psk_file;
    a->sec.key_file = a->o.key;
    a->sec.cert_file = a->o.cert;
    a->sec.ca_file = a->o.ca;
    a->sec.peer_cert_file = a->o.peer_cert;
    a->sec.srtp_suite = a->o.srtp_suite ? a->o.srtp_suite : "AES_CM_128_HMAC_SHA1_80";
    a->sec.accept_modes = a->o.accept_modes;
    a->sec.dh_group = a->o.dh_group;
    a->sec.precompute_dh = a->o.precompute_dh;
    a->sec.replay_file = a->o.replay_file;
    a->sec.mki_len = a->o.mki_len;
    a->sec.verbose = a->o.verbose;
    if (a->o.km_level && strcmp(a->o.km_level, "session") && strcmp(a->o.km_level, "media")) {
        snprintf(err, errlen, "--km-level must be session or media");
        return -1;
    }
    a->sec.km_media_level = a->o.km_level && !strcmp(a->o.km_level, "media");
    if (ua_sec_global_init(&a->sec, err, errlen))
        return -1;
    if (a->mode == MODE_CALL && ua_sec_check_caller(err, errlen))
        return -1;

    /* Transports. */
    if (a->mode == MODE_CALL) {
        if (a->o.transport && ua_tp_parse(a->o.transport, &a->call_tp)) {
            snprintf(err, errlen, "--transport must be udp, tcp or tls");
            return -1;
        }
        tps = UA_TP_BIT(UA_TP_UDP) | UA_TP_BIT(a->call_tp);
    } else if (a->o.transport) {
        char *list = strdup(a->o.transport), *save = NULL;
        if (!list)
            return -1;
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            ua_tp tp;
            if (ua_tp_parse(t, &tp)) {
                snprintf(err, errlen, "--transport: unknown transport \"%s\"", t);
                free(list);
                return -1;
            }
            tps |= UA_TP_BIT(tp);
        }
        free(list);
    } else {
        tps = UA_TP_BIT(UA_TP_UDP) | UA_TP_BIT(UA_TP_TCP);
        if (a->o.tls_cert)
            tps |= UA_TP_BIT(UA_TP_TLS);
    }
    if (a->mode == MODE_LISTEN && (tps & UA_TP_BIT(UA_TP_TLS)) && !a->o.tls_cert) {
        snprintf(err, errlen, "listening on TLS needs --tls-cert");
        return -1;
    }

    memset(&sc, 0, sizeof(sc));
    sc.laddr = a->laddr;
    sc.port = a->sip_port;
    sc.tls_port = (uint16_t)(a->o.tls_port ? a->o.tls_port : (a->sip_port ? (unsigned)a->sip_port + 1u : 0u));
    sc.transports = tps;
    sc.aor = a->o.aor;
    sc.display_name = a->o.display;
    sc.auth_user = a->o.user;
    sc.auth_pass = a->o.password;
    sc.outbound_proxy = a->o.outbound_proxy;
    sc.tls_cert = a->o.tls_cert;
    sc.tls_key = a->o.tls_key;
    sc.tls_ca = a->o.tls_ca;
    sc.tls_insecure = a->o.tls_insecure;
    sc.tls_verify_client = a->o.tls_verify_client;
    sc.user_agent = a->o.user_agent;
    sc.trace = a->o.verbose;
    if (ua_sip_new(&a->sip, &sc, on_event, a, err, errlen))
        return -1;
    /* libre draws its random numbers (SSRC, sequence numbers, session ids)
     * from OpenSSL's DRBG, which initialises itself on first use (~1 ms):
     * do that now, so no call's measured delay pays for process start-up
     * (under `off` nothing else would have touched OpenSSL before the dial). */
    (void)rand_u32();
    for (int tp = UA_TP_UDP; tp <= UA_TP_TLS; tp++) {
        char buf[80];
        if (ua_sip_local(a->sip, (ua_tp)tp, buf, sizeof(buf)) == 0)
            fprintf(stderr, "mikey-ua: SIP %s on %s\n", ua_tp_name((ua_tp)tp), buf);
    }
    return 0;
}

int main(int argc, char **argv)
{
    app *a = &g_app;
    char *pos[2];
    int npos = 0, rc;
    char err[512];

    memset(a, 0, sizeof(*a));
    ua_opts_defaults(&a->o);
    if (argc < 2) {
        ua_opts_usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        ua_opts_usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "call"))
        a->mode = MODE_CALL;
    else if (!strcmp(argv[1], "listen"))
        a->mode = MODE_LISTEN;
    else if (!strcmp(argv[1], "--version")) {
        rc = ua_opts_parse_argv(&a->o, argc, argv, 1, pos, 0, &npos);
        ua_opts_free(&a->o);
        return rc == 1 ? 0 : 2;
    } else {
        fprintf(stderr, "mikey-ua: unknown command \"%s\" (call, listen; try --help)\n", argv[1]);
        return 2;
    }
    /* --config first, so the command line overrides the file. */
    for (int i = 2; i < argc; i++) {
        const char *path = NULL;
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            path = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9))
            path = argv[i] + 9;
        if (path && ua_opts_load_file(&a->o, path)) {
            ua_opts_free(&a->o);
            return 2;
        }
    }
    rc = ua_opts_parse_argv(&a->o, argc, argv, 2, pos, a->mode == MODE_CALL ? 1 : 0, &npos);
    if (rc) {
        ua_opts_free(&a->o);
        return rc == 1 ? 0 : 2;
    }
    if (a->mode == MODE_CALL) {
        if (npos != 1) {
            fprintf(stderr, "mikey-ua: call needs the URI to call, e.g. mikey-ua call sip:bob@127.0.0.1:5070\n");
            ua_opts_free(&a->o);
            return 2;
        }
        a->target = pos[0];
        if (a->o.duration < 0)
            a->o.duration = 5;
    } else if (a->o.duration < 0) {
        a->o.duration = 0;
    }
    if (a->o.json) {
        a->json = fopen(a->o.json, "a");
        if (!a->json) {
            fprintf(stderr, "mikey-ua: %s: %s\n", a->o.json, strerror(errno));
            ua_opts_free(&a->o);
            return 2;
        }
    } else {
        a->json = stdout;
    }

    rc = 2;
    if (setup(a, err, sizeof(err))) {
        fprintf(stderr, "mikey-ua: %s\n", err);
        goto out;
    }
    if (a->mode == MODE_LISTEN && !a->o.auto_answer && isatty(STDIN_FILENO)) {
        if (fd_listen(STDIN_FILENO, FD_READ, stdin_h, a) == 0)
            a->stdin_watch = 1;
    }
    if (a->o.registrar) {
        int e = ua_sip_register(a->sip, a->o.registrar, a->o.expires);
        if (e) {
            fprintf(stderr, "mikey-ua: REGISTER to %s: %s\n", a->o.registrar, strerror(e));
            goto out;
        }
    } else if (a->mode == MODE_CALL && dial(a)) {
        goto out;
    }
    (void)ua_sip_run(a->sip);
    rc = a->failed ? 1 : 0;
    if (a->mode == MODE_CALL && a->calls_ok == 0)
        rc = 1;
out:
    if (a->stdin_watch)
        fd_close(STDIN_FILENO);
    ua_sip_free(a->sip);
    ua_sec_global_free();
    free(a->wav);
    if (a->json && a->json != stdout)
        fclose(a->json);
    ua_opts_free(&a->o);
    return rc;
}
