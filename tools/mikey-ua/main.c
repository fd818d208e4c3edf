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
    unsigned active_calls; /* call contexts alive (a transfer makes two) */
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
    /* re-INVITE: rekeying, device and session mobility (see "Re-INVITEs") */
    struct tmr rekey_tmr, move_tmr, transfer_tmr;
    unsigned rekeys_left;
    uint64_t sess_ver;          /* our o= version: +1 per new description (RFC 3264 §8) */
    char raddr[64];             /* where our media goes */
    uint16_t rport;
    int moving;                 /* our move's re-INVITE is pending */
    char moved_to[80];
    unsigned reinv_sent, reinv_ok, reinv_failed, reinv_received, reinv_accepted, reinv_refused;
    struct call_ctx *xfer_leg;  /* REFER recipient: the call made for it */
    struct call_ctx *xfer_from; /* that call: the one whose session it takes over */
    int borrowed;               /* sec and media still belong to xfer_from */
    int xfer_leg_call;          /* this call was made for a REFER */
    int transferred;            /* our session went on in xfer_leg */
    char refer_to[256];
    const char *transfer_role;
    unsigned transfer_status;
    char transfer_call[128];
    uint64_t t_end;             /* inherited end of the media (a transfer leg) */
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
    tmr_init(&c->rekey_tmr);
    tmr_init(&c->move_tmr);
    tmr_init(&c->transfer_tmr);
    a->active_calls++;
    return c;
}

static void ctx_free(call_ctx *c)
{
    if (!c)
        return;
    tmr_cancel(&c->answer_tmr);
    tmr_cancel(&c->dur_tmr);
    tmr_cancel(&c->timeout_tmr);
    tmr_cancel(&c->rekey_tmr);
    tmr_cancel(&c->move_tmr);
    tmr_cancel(&c->transfer_tmr);
    if (c->xfer_from)
        c->xfer_from->xfer_leg = NULL;
    if (c->xfer_leg)
        c->xfer_leg->xfer_from = NULL;
    if (c->borrowed) {
        /* A transfer leg that never took the session over: it is not ours. */
        c->media = NULL;
        c->sec = NULL;
    }
    c->a->active_calls--;
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
    snprintf(c->raddr, sizeof(c->raddr), "%s", addr);
    c->rport = port;
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
    r.reinv_sent = c->reinv_sent;
    r.reinv_ok = c->reinv_ok;
    r.reinv_failed = c->reinv_failed;
    r.reinv_received = c->reinv_received;
    r.reinv_accepted = c->reinv_accepted;
    r.reinv_refused = c->reinv_refused;
    r.moved_to = c->moved_to[0] ? c->moved_to : NULL;
    r.transfer_role = c->transfer_role;
    r.transfer_to = c->refer_to[0] ? c->refer_to : NULL;
    r.transfer_status = c->transfer_status;
    r.transfer_call = c->transfer_call[0] ? c->transfer_call : NULL;
    r.transferred = c->transferred;
    if (ua_report_write(a->json, &r))
        fprintf(stderr, "mikey-ua: cannot write the JSON report\n");
    /* Exit status: a call gives 0 only if it succeeded; listen gives 1 if
     * any call failed (refusals and cancellations are normal outcomes). */
    if (!strcmp(result, "ok"))
        a->calls_ok++;
    else if ((a->mode == MODE_CALL && !c->xfer_leg_call) || !strcmp(result, "failed"))
        a->failed = 1; /* a refused transfer leg is the REFER's outcome (reported), not a failed call */
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
    if (c->media && c->media_started && !c->t_media1) {
        c->t_media1 = ua_now_us();
        ua_media_stop(c->media);
    }
}

static void dur_tmr_h(void *arg)
{
    call_ctx *c = arg;

    logv(c->a, "duration reached: hanging up");
    if (c->xfer_leg)
        ua_call_hangup(c->xfer_leg->call); /* a transfer still under way ends with us */
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
    if (c->t_end) {
        /* A transfer leg: the media time left of the call it took over. */
        uint64_t now = ua_now_us();
        tmr_start(&c->dur_tmr, c->t_end > now + 100000 ? (c->t_end - now) / 1000 : 100, dur_tmr_h, c);
    } else if (c->a->o.duration > 0) {
        tmr_start(&c->dur_tmr, (uint64_t)(c->a->o.duration * 1000.0), dur_tmr_h, c);
    }
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

static int on_xfer_answered(call_ctx *c, const ua_event *ev);

static int on_answered(call_ctx *c, const ua_event *ev)
{
    char err[256];

    if (c->borrowed)
        return on_xfer_answered(c, ev);
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
/* Re-INVITEs: rekeying, device mobility, session mobility (REFER)         */
/* ---------------------------------------------------------------------- */

/* Our o= session id and the version of our next description. */
static uint64_t my_sess_id(const call_ctx *c)
{
    return c->callee ? c->answer.sess_id : c->offer.sess_id;
}

static uint64_t next_sess_ver(call_ctx *c)
{
    if (!c->sess_ver)
        c->sess_ver = c->callee ? c->answer.sess_ver : c->offer.sess_ver;
    return ++c->sess_ver;
}

/* The description of our side now, with @p n m= lines (RFC 3264 §8: a
 * re-offer keeps every m= line of the previous one; those not in use are
 * refused with port 0): the call's stream at c->stream with the codec in
 * use, the others refused with the protocols of @p like. */
static void sdp_now(call_ctx *c, ua_sdp *s, const ua_sdp *like, size_t n)
{
    memset(s, 0, sizeof(*s));
    s->sess_id = my_sess_id(c);
    s->sess_ver = next_sess_ver(c);
    snprintf(s->addr, sizeof(s->addr), "%s", c->a->media_addr);
    s->nstreams = n;
    for (size_t i = 0; i < n && i < UA_SDP_MAX_STREAMS; i++) {
        ua_sdp_stream *m = &s->streams[i];
        snprintf(m->proto, sizeof(m->proto), "%s", like->streams[i].proto);
        m->port = i == c->stream ? ua_media_port(c->media) : 0;
        m->pts[0] = c->pt;
        m->npts = 1;
    }
}

/* Caller: a re-INVITE with a new offer (and, for an SRTP call, a MIKEY
 * update of @p kind). */
static int send_reoffer(call_ctx *c, ua_sec_update_kind kind)
{
    ua_sdp sdp;
    char err[256];
    char *text;
    size_t len;
    int e;

    if (!c->media || !c->sec)
        return -1;
    sdp_now(c, &sdp, &c->offer, c->offer.nstreams);
    if (ua_sec_is_srtp(c->sec) && ua_sec_update_offer(c->sec, &sdp, c->stream, kind, err, sizeof(err))) {
        fprintf(stderr, "mikey-ua: re-INVITE (%s): %s\n", ua_sec_update_kind_name(kind), err);
        ua_sdp_clear(&sdp);
        return -1;
    }
    text = ua_sdp_offer_text(&sdp, &len, err, sizeof(err));
    ua_sdp_clear(&sdp);
    if (!text) {
        fprintf(stderr, "mikey-ua: re-INVITE: %s\n", err);
        return -1;
    }
    logv(c->a, "re-offer:\n%s", text);
    e = ua_call_reinvite(c->call, text, len);
    free(text);
    if (e) {
        fprintf(stderr, "mikey-ua: re-INVITE: %s\n", strerror(e));
        /* The MIKEY update went nowhere: forget it (the old keys stay). */
        ua_sec_update_refused(c->sec, 0, NULL, 0);
        return -1;
    }
    c->reinv_sent++;
    fprintf(stderr, "mikey-ua: re-INVITE sent (%s)\n",
            ua_sec_is_srtp(c->sec) ? ua_sec_update_kind_name(kind) : "plain");
    return 0;
}

static void rekey_tmr_h(void *arg)
{
    call_ctx *c = arg;

    if (c->rekeys_left == 0)
        return;
    if (send_reoffer(c, UA_SEC_UPD_REKEY) == 0)
        c->rekeys_left--;
    else
        tmr_start(&c->rekey_tmr, 500, rekey_tmr_h, c); /* e.g. the peer's re-INVITE was pending: again */
}

/* "ADDR[:PORT]" of --move-to. */
static int split_addr_port(const char *s, char *addr, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    size_t n;

    *port = 0;
    if (colon && strchr(s, ':') != colon)
        colon = NULL; /* a bare IPv6 address */
    n = colon ? (size_t)(colon - s) : strlen(s);
    if (n == 0 || n >= cap)
        return -1;
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (colon) {
        char *end;
        unsigned long p = strtoul(colon + 1, &end, 10);
        if (*end || p > 65535 || end == colon + 1)
            return -1;
        *port = (uint16_t)p;
    }
    return 0;
}

/* Device mobility (thesis §15.2), caller side: we "move" to another local
 * address: new SIP transports and a new RTP/RTCP pair there, then a
 * re-INVITE from the new address whose MIKEY update proves we hold the CSB
 * (no key material: the same keys in every mode). The old media pair keeps receiving until the 200. */
static void move_tmr_h(void *arg)
{
    call_ctx *c = arg;
    app *a = c->a;
    char addr[64], err[256], sipaddr[80];
    uint16_t port;

    if (split_addr_port(a->o.move_to, addr, sizeof(addr), &port)) {
        snprintf(c->error, sizeof(c->error), "bad --move-to \"%s\" (ADDR[:PORT])", a->o.move_to);
        ua_call_hangup(c->call);
        return;
    }
    if (ua_media_rebind(c->media, addr, 0, err, sizeof(err)) || ua_sip_move(a->sip, addr, port, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "moving to %s: %s", addr, err);
        ua_call_hangup(c->call);
        return;
    }
    snprintf(a->laddr, sizeof(a->laddr), "%s", addr);
    snprintf(a->media_addr, sizeof(a->media_addr), "%s", addr);
    if (ua_sip_local(a->sip, UA_TP_UDP, sipaddr, sizeof(sipaddr)))
        snprintf(sipaddr, sizeof(sipaddr), "%s", addr);
    snprintf(c->moved_to, sizeof(c->moved_to), "%s", sipaddr);
    fprintf(stderr, "mikey-ua: moved: SIP on %s, media on %s:%u\n", sipaddr, addr, ua_media_port(c->media));
    c->moving = 1;
    if (send_reoffer(c, UA_SEC_UPD_SAME_KEYS)) {
        snprintf(c->error, sizeof(c->error), "the move's re-INVITE could not be sent");
        ua_call_hangup(c->call);
    }
}

/* Session mobility (thesis §15.1), the side giving the session away: hand
 * our CSB to the new device (the transfer file) and REFER the peer to it. */
static void transfer_tmr_h(void *arg)
{
    call_ctx *c = arg;
    app *a = c->a;
    char err[256];
    int e;

    if (c->sec && ua_sec_is_srtp(c->sec)) {
        if (!a->o.transfer_file) {
            fprintf(stderr, "mikey-ua: transfer: an SRTP call needs --transfer-file for the new device\n");
            return;
        }
        if (ua_sec_export_csb(c->sec, a->o.transfer_file, err, sizeof(err))) {
            fprintf(stderr, "mikey-ua: transfer: %s\n", err);
            return;
        }
        fprintf(stderr, "mikey-ua: transfer: CSB written to %s\n", a->o.transfer_file);
    }
    e = ua_call_refer(c->call, a->o.transfer_to);
    if (e) {
        fprintf(stderr, "mikey-ua: REFER: %s\n", strerror(e));
        return;
    }
    c->transfer_role = "transferor";
    snprintf(c->refer_to, sizeof(c->refer_to), "%s", a->o.transfer_to);
    fprintf(stderr, "mikey-ua: REFER sent: Refer-To %s\n", a->o.transfer_to);
}

/* After the set-up: the timers of the options above. */
static void start_reinvite_timers(call_ctx *c)
{
    app *a = c->a;

    if (c->xfer_leg_call || c->transferred)
        return;
    if (!c->callee && a->o.rekey_after > 0 && a->o.rekey_count) {
        c->rekeys_left = a->o.rekey_count;
        tmr_start(&c->rekey_tmr, (uint64_t)(a->o.rekey_after * 1000.0), rekey_tmr_h, c);
    }
    if (!c->callee && a->o.move_after > 0 && a->o.move_to)
        tmr_start(&c->move_tmr, (uint64_t)(a->o.move_after * 1000.0), move_tmr_h, c);
    if (a->o.transfer_to)
        tmr_start(&c->transfer_tmr, (uint64_t)(a->o.transfer_after * 1000.0), transfer_tmr_h, c);
}

/* Our re-INVITE was answered 2xx. */
static void on_reanswered(call_ctx *c, const ua_event *ev)
{
    ua_sdp ans;
    char err[256];

    if (!ev->body || ua_sdp_parse((const char *)ev->body, ev->body_len, &ans, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "bad SDP in the answer to our re-INVITE: %s", ev->body ? err : "no body");
        ua_call_hangup(c->call);
        return;
    }
    if (ua_sec_is_srtp(c->sec) && ua_sec_update_finish(c->sec, &ans, c->stream, err, sizeof(err))) {
        /* The peer may have the new keys and we cannot use them: end. */
        snprintf(c->error, sizeof(c->error), "%s", err);
        ua_sdp_clear(&ans);
        c->reinv_failed++;
        ua_call_hangup(c->call);
        return;
    }
    if (c->stream < ans.nstreams && ans.streams[c->stream].port &&
        (strcmp(ans.streams[c->stream].addr, c->raddr) || ans.streams[c->stream].port != c->rport)) {
        const ua_sdp_stream *m = &ans.streams[c->stream];
        if (ua_media_set_remote(c->media, m->addr, m->port, 0) == 0) {
            snprintf(c->raddr, sizeof(c->raddr), "%s", m->addr);
            c->rport = m->port;
        }
    }
    ua_sdp_clear(&ans);
    c->reinv_ok++;
    if (c->moving) {
        /* The peer sends to our new address now: the old pair can go. */
        c->moving = 0;
        ua_media_close_old(c->media);
    }
    fprintf(stderr, "mikey-ua: re-INVITE answered (%u %s)%s\n", ev->scode, ev->reason,
            ua_sec_is_srtp(c->sec) ? ": new MIKEY keys installed" : "");
    if (c->rekeys_left)
        tmr_start(&c->rekey_tmr, (uint64_t)(c->a->o.rekey_after * 1000.0), rekey_tmr_h, c);
}

static void on_reoffer_failed(call_ctx *c, const ua_event *ev)
{
    c->reinv_failed++;
    ua_sec_update_refused(c->sec, ev->scode, ev->ctype && !strcmp(ev->ctype, "application/sdp") ? ev->body : NULL,
                          ev->body_len);
    fprintf(stderr, "mikey-ua: re-INVITE refused: %u %s\n", ev->scode, ev->reason);
    if (c->moving) {
        /* We left the old address: without the peer's consent to the new
         * one the media cannot flow. */
        snprintf(c->error, sizeof(c->error), "the peer refused our move (%u %s)", ev->scode, ev->reason);
        ua_call_hangup(c->call);
    }
}

static void refuse_reoffer(call_ctx *c, uint16_t scode, const char *warning, const ua_sec_reject *rej)
{
    c->reinv_refused++;
    (void)ua_call_reject_reoffer(c->call, scode, scode == 606 ? "Not Acceptable" : "Not Acceptable Here", warning,
                                 "application/sdp", rej ? (const uint8_t *)rej->body : NULL, rej ? rej->body_len : 0);
    fprintf(stderr, "mikey-ua: re-INVITE refused with %u: %s\n", scode, warning);
}

/* A re-INVITE from the peer (RE-INVITE HOOK): rekey, the peer moved, or
 * both. Returns non-zero only if nothing was sent (the adapter then answers
 * 488). */
static int on_reoffer(call_ctx *c, const ua_event *ev)
{
    ua_sdp offer, ans;
    ua_sec_reject rej;
    char err[256];
    char *text;
    size_t len;
    int pt, moved, srtp;
    const ua_sdp_stream *m;

    c->reinv_received++;
    if (!c->media || !c->sec || !c->media_started) {
        refuse_reoffer(c, 488, "no media session to modify", NULL);
        return 0;
    }
    if (!ev->body || !ev->ctype || strcmp(ev->ctype, "application/sdp") ||
        ua_sdp_parse((const char *)ev->body, ev->body_len, &offer, err, sizeof(err))) {
        /* A re-INVITE without an offer would need one of ours in the 200. */
        refuse_reoffer(c, 488, ev->body ? "unusable SDP in the re-offer" : "re-INVITE without an SDP offer", NULL);
        return 0;
    }
    srtp = ua_sec_is_srtp(c->sec);
    if (c->stream >= offer.nstreams || offer.streams[c->stream].port == 0) {
        refuse_reoffer(c, 488, "the re-offer removes the audio stream", NULL);
        ua_sdp_clear(&offer);
        return 0;
    }
    m = &offer.streams[c->stream];
    pt = c->pt;
    {
        int have = 0;
        for (size_t k = 0; k < m->npts; k++)
            have |= m->pts[k] == c->pt;
        if (!have)
            pt = first_g711(m);
    }
    if (pt < 0 || (srtp && strcmp(m->proto, "RTP/SAVP") && strcmp(m->proto, "RTP/SAVPF")) ||
        (!srtp && strcmp(m->proto, "RTP/AVP"))) {
        refuse_reoffer(c, 488,
                       srtp ? "the re-offer is not RTP/SAVP with G.711" : "the re-offer is not RTP/AVP with G.711",
                       NULL);
        ua_sdp_clear(&offer);
        return 0;
    }
    moved = strcmp(m->addr, c->raddr) != 0 || m->port != c->rport;
    sdp_now(c, &ans, &offer, offer.nstreams);
    ans.streams[c->stream].pts[0] = pt;
    /* THE SEAM: the MIKEY update in the re-offer (or its absence). */
    if (ua_sec_update_answer(c->sec, &offer, &ans, c->stream, moved, &rej)) {
        refuse_reoffer(c, rej.scode ? rej.scode : 488, rej.warning[0] ? rej.warning : "MIKEY update refused", &rej);
        ua_sec_reject_clear(&rej);
        ua_sdp_clear(&ans);
        ua_sdp_clear(&offer);
        return 0;
    }
    text = ua_sdp_answer_text(&offer, &ans, &len, err, sizeof(err));
    ua_sdp_clear(&ans);
    if (!text || ua_call_set_reoffer_answer(c->call, text, len)) {
        free(text);
        refuse_reoffer(c, 488, "cannot build the answer", NULL);
        ua_sdp_clear(&offer);
        return 0;
    }
    logv(c->a, "re-answer:\n%s", text);
    free(text);
    c->reinv_accepted++;
    if (moved) {
        if (ua_media_set_remote(c->media, m->addr, m->port, 0) == 0) {
            fprintf(stderr, "mikey-ua: the peer moved: media now to %s:%u%s\n", m->addr, m->port,
                    srtp ? " (proven by its MIKEY update)" : "");
            snprintf(c->raddr, sizeof(c->raddr), "%s", m->addr);
            c->rport = m->port;
        }
    }
    c->pt = pt;
    fprintf(stderr, "mikey-ua: re-INVITE accepted%s\n",
            srtp && (offer.km_len || m->km_len) ? " with a MIKEY update" : "");
    ua_sdp_clear(&offer);
    return 0;
}

/* Session mobility, the REFER's recipient (the MIKEY initiator of the
 * CSB): call the Refer-To target with an update of the CSB (its TGK again,
 * the new device's SSRC a placeholder) and move the media to it once its
 * R_MESSAGE proved that it holds the CSB. */
static void on_refer(call_ctx *c, const ua_event *ev)
{
    app *a = c->a;
    call_ctx *x;
    char err[256];
    char *text;
    size_t len;
    int srtp = c->sec && ua_sec_is_srtp(c->sec);

    c->transfer_role = "transferee";
    snprintf(c->refer_to, sizeof(c->refer_to), "%s", ev->refer_to ? ev->refer_to : "");
    fprintf(stderr, "mikey-ua: REFER: Refer-To %s\n", c->refer_to);
    if (c->xfer_leg || c->transferred || !c->media || !c->media_started || (srtp && c->callee) ||
        (strncmp(c->refer_to, "sip:", 4) && strncmp(c->refer_to, "sips:", 5))) {
        /* Only the CSB's initiator can offer it to another device (RFC
         * 3830 §4.5); one transfer at a time. */
        c->transfer_status = 603;
        (void)ua_call_notify(c->call, 603, "Declined", 1);
        fprintf(stderr, "mikey-ua: REFER declined%s\n", srtp && c->callee ? " (we are the MIKEY responder)" : "");
        return;
    }
    x = ctx_new(a, 0);
    if (!x) {
        (void)ua_call_notify(c->call, 500, "Server Internal Error", 1);
        return;
    }
    x->t_dial = ua_now_us();
    x->xfer_from = c;
    c->xfer_leg = x;
    x->borrowed = 1;
    x->xfer_leg_call = 1;
    x->sec = c->sec;
    x->media = c->media;
    x->pt = c->pt;
    x->stream = 0;
    memset(&x->offer, 0, sizeof(x->offer));
    x->offer.sess_id = (uint64_t)rand_u32();
    x->offer.sess_ver = x->offer.sess_id;
    snprintf(x->offer.addr, sizeof(x->offer.addr), "%s", a->media_addr);
    x->offer.nstreams = 1;
    snprintf(x->offer.streams[0].proto, sizeof(x->offer.streams[0].proto), "RTP/AVP");
    x->offer.streams[0].port = ua_media_port(c->media);
    x->offer.streams[0].pts[0] = c->pt;
    x->offer.streams[0].npts = 1;
    if (srtp && ua_sec_update_offer(c->sec, &x->offer, 0, UA_SEC_UPD_NEW_PEER, err, sizeof(err))) {
        fprintf(stderr, "mikey-ua: transfer: %s\n", err);
        goto fail;
    }
    text = ua_sdp_offer_text(&x->offer, &len, err, sizeof(err));
    if (!text) {
        fprintf(stderr, "mikey-ua: transfer: %s\n", err);
        goto fail;
    }
    logv(a, "transfer offer:\n%s", text);
    {
        int e = ua_call_dial(a->sip, &x->call, c->refer_to, a->call_tp, text, len, x);
        free(text);
        if (e) {
            fprintf(stderr, "mikey-ua: transfer: cannot call %s: %s\n", c->refer_to, strerror(e));
            goto fail;
        }
    }
    snprintf(c->transfer_call, sizeof(c->transfer_call), "%s", ua_call_id(x->call));
    ua_media_hold_new_source(c->media, 1); /* the new device may send before its 200 is here */
    (void)ua_call_notify(c->call, 100, "Trying", 0);
    fprintf(stderr, "mikey-ua: transfer: calling %s%s\n", c->refer_to, srtp ? " with a MIKEY update of the CSB" : "");
    if (a->o.timeout > 0)
        tmr_start(&x->timeout_tmr, (uint64_t)(a->o.timeout * 1000.0), timeout_tmr_h, x);
    return;
fail:
    if (srtp)
        ua_sec_update_refused(c->sec, 0, NULL, 0);
    c->transfer_status = 500;
    (void)ua_call_notify(c->call, 500, "Server Internal Error", 1);
    ctx_free(x);
}

/* The transfer leg's 2xx: check the new device's R_MESSAGE, install its
 * keys and move the media to it; the session is now this call's. */
static int on_xfer_answered(call_ctx *c, const ua_event *ev)
{
    call_ctx *from = c->xfer_from;
    char err[256];
    const ua_sdp_stream *m;

    c->t_200 = ev->t_us;
    tmr_cancel(&c->timeout_tmr);
    if (!ev->body || ua_sdp_parse((const char *)ev->body, ev->body_len, &c->answer, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "bad SDP answer: %s", ev->body ? err : "no body");
        return -1;
    }
    if (!from || c->answer.nstreams < 1 || !c->answer.streams[0].port) {
        snprintf(c->error, sizeof(c->error), "the transfer target refused the stream");
        return -1;
    }
    m = &c->answer.streams[0];
    if (ua_sec_is_srtp(c->sec) && ua_sec_update_finish(c->sec, &c->answer, 0, err, sizeof(err))) {
        snprintf(c->error, sizeof(c->error), "transfer: %s", err);
        return -1;
    }
    c->pt = first_g711(m);
    if (c->pt < 0 || ua_media_set_remote(c->media, m->addr, m->port, 1)) {
        snprintf(c->error, sizeof(c->error), "transfer: cannot send media to %s:%u", m->addr, m->port);
        return -1;
    }
    snprintf(c->raddr, sizeof(c->raddr), "%s", m->addr);
    c->rport = m->port;
    /* The session is ours now; the old call keeps only its signalling. */
    c->borrowed = 0;
    c->media_started = from->media_started;
    c->t_media0 = from->t_media0;
    if (c->a->o.duration > 0 && from->t_media0)
        c->t_end = from->t_media0 + (uint64_t)(c->a->o.duration * 1e6);
    from->sec = NULL;
    from->media = NULL;
    from->media_started = 0;
    from->transferred = 1;
    from->transfer_status = ev->scode;
    (void)ua_call_notify(from->call, ev->scode, ev->reason, 1);
    fprintf(stderr, "mikey-ua: transfer: %s answered%s; media moved to %s:%u\n", ua_call_peer(c->call),
            ua_sec_is_srtp(c->sec) ? " and proved the CSB with its MIKEY response" : "", m->addr, m->port);
    return 0;
}

/* The transfer leg ended before it took the session over. */
static void xfer_leg_failed(call_ctx *c, const ua_event *ev)
{
    call_ctx *from = c->xfer_from;
    uint16_t sc = ev->scode >= 300 ? ev->scode : 500;

    if (c->sec)
        ua_sec_update_refused(c->sec, ev->scode,
                              ev->ctype && !strcmp(ev->ctype, "application/sdp") ? ev->body : NULL, ev->body_len);
    ua_media_hold_new_source(c->media, 0);
    if (from) {
        from->transfer_status = sc;
        (void)ua_call_notify(from->call, sc, ev->scode >= 300 ? ev->reason : "Server Internal Error", 1);
    }
    fprintf(stderr, "mikey-ua: transfer failed (%u %s): the call goes on\n", ev->scode, ev->reason ? ev->reason : "");
}

/* The transferor: what the NOTIFYs say about the new call. */
static void on_notify(call_ctx *c, const ua_event *ev)
{
    fprintf(stderr, "mikey-ua: NOTIFY: %u %s%s\n", ev->scode, ev->reason ? ev->reason : "", ev->err ? " (final)" : "");
    if (!ev->err && ev->scode < 200)
        return;
    c->transfer_status = ev->scode;
    if (ev->scode >= 200 && ev->scode < 300) {
        /* The session went on with the new device: we leave (RFC 5589 §6). */
        c->transferred = 1;
        stop_media(c);
        ua_call_hangup(c->call);
    } else {
        fprintf(stderr, "mikey-ua: transfer failed: the call goes on\n");
    }
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */
/* ---------------------------------------------------------------------- */

static void maybe_finish(app *a)
{
    if (a->closing)
        return;
    /* A call process ends with its last call (a transfer makes a second). */
    if ((a->mode == MODE_CALL && a->active_calls == 0) || (a->o.max_calls && a->calls_done >= a->o.max_calls)) {
        a->closing = 1;
        ua_sip_close(a->sip, a->o.linger);
    }
}

/* A provisional response with an SDP answer (early media, RFC 3261
 * §13.2.1) that shows the callee will not key SRTP with MIKEY: under
 * `required` the call cannot succeed, so CANCEL it now instead of waiting
 * for a 200 we would have to end with ACK + BYE. */
static void check_early_answer(call_ctx *c, const ua_event *ev)
{
    ua_sdp early;
    char err[128];
    const ua_sdp_stream *m;

    if (c->callee || c->borrowed || c->a->policy != UA_SEC_REQUIRED || c->error[0] || !ev->body || !ev->body_len ||
        !ev->ctype || strcmp(ev->ctype, "application/sdp"))
        return;
    if (ua_sdp_parse((const char *)ev->body, ev->body_len, &early, err, sizeof(err)))
        return; /* not an answer we can read: the 200 decides */
    m = early.nstreams ? &early.streams[0] : NULL;
    if (!m || m->port == 0 || (strcmp(m->proto, "RTP/SAVP") && strcmp(m->proto, "RTP/SAVPF")) || !m->km_len) {
        snprintf(c->error, sizeof(c->error),
                 "the callee's early answer (%u) accepts no SRTP stream keyed by MIKEY and our policy is required: "
                 "cancelled",
                 ev->scode);
        fprintf(stderr, "mikey-ua: %s\n", c->error);
        ua_call_hangup(c->call);
    }
    ua_sdp_clear(&early);
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
        if (c)
            check_early_answer(c, ev);
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
            start_reinvite_timers(c);
            /* Outside both measured delays: a fresh DH pair for the next call. */
            ua_sec_refill();
        }
        return 0;
    case UA_EV_REOFFER:
        /* RE-INVITE HOOK: rekey (a MIKEY update), the peer moved (proven by
         * one), or both; see "Re-INVITEs" above. */
        return c ? on_reoffer(c, ev) : -1;
    case UA_EV_REOFFER_ACKED:
        /* The initiator has the new keys: send under them. */
        if (c && c->sec)
            ua_sec_update_acked(c->sec);
        return 0;
    case UA_EV_REANSWERED:
        if (c)
            on_reanswered(c, ev);
        return 0;
    case UA_EV_REOFFER_FAILED:
        if (c)
            on_reoffer_failed(c, ev);
        return 0;
    case UA_EV_REFER:
        if (c)
            on_refer(c, ev);
        return 0;
    case UA_EV_REFER_ANSWERED:
        if (c && (ev->scode < 200 || ev->scode >= 300)) {
            c->transfer_status = ev->scode;
            fprintf(stderr, "mikey-ua: REFER refused: %u %s\n", ev->scode, ev->reason);
        }
        return 0;
    case UA_EV_NOTIFY:
        if (c)
            on_notify(c, ev);
        return 0;
    case UA_EV_CLOSED:
        if (c) {
            if (c->borrowed && !c->established)
                xfer_leg_failed(c, ev);
            if (c->xfer_leg && c->xfer_leg->borrowed) {
                /* The peer left during our transfer: the new call takes
                 * the session whatever becomes of it. */
                c->xfer_leg->borrowed = 0;
                c->sec = NULL;
                c->media = NULL;
                c->media_started = 0;
            }
            stop_media(c);
            if (c->media && !c->borrowed)
                ua_media_stop(c->media);
            /* Caller refused with 488/606: the MIKEY Error in the body. */
            if (!c->callee && !c->borrowed && ev->scode >= 300)
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
    a->sec.join_file = a->o.join_file;
    /* Re-INVITE options (docs/mikey-ua.md "Re-INVITEs"). */
    if (a->o.rekey_after > 0) {
        if (a->mode != MODE_CALL || a->policy == UA_SEC_OFF || a->o.mki_len == 0) {
            /* RFC 3830 §4.5 updates come from the CSB's initiator; without
             * an MKI the receiver cannot tell the old key's packets from the
             * new one's during the switch (RFC 3711 §8.1). */
            snprintf(err, errlen, "--rekey-after needs call, --security preferred|required and --mki-len 1..4");
            return -1;
        }
    }
    if (a->o.move_after > 0 && (a->mode != MODE_CALL || !a->o.move_to)) {
        snprintf(err, errlen, "--move-after needs call and --move-to ADDR[:PORT]");
        return -1;
    }
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
