/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SIP adapter on libre 1.1 (Debian 12). See sip_adapter.h for the contract
 * and docs/mikey-ua.md for the libre pitfalls handled here.
 */
#define USE_OPENSSL 1 /* makes re_tls.h declare tls_openssl_context() */
#include "sip_adapter.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <re.h>

#include "clock.h"

enum { UA_MAX_TLS_NAMES = 16 };

#define UA_ALLOW "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY\r\n"

struct ua_sip {
    struct sip *sip;
    struct sipsess_sock *sock;
    struct sip_lsnr *lsnr;      /* after the session layer: OPTIONS */
    struct sip_lsnr *lsnr_pre;  /* before the session layer: notes BYE/CANCEL */
    struct sipreg *reg;
    struct tls *tls;
    struct dnsc *dnsc;
    ua_event_h h;
    void *arg;
    char *aor;
    char *display;
    char *auth_user;
    char *auth_pass;
    char *obproxy;
    char *cuser;
    struct sa bound[3];
    unsigned transports;
    int tls_insecure;
    int tls_verify_client;
    int trace;
    struct list calls;
    char *tls_names[UA_MAX_TLS_NAMES];
    size_t ntls_names;
    char tls_error[512];
    struct tmr linger_tmr;
    struct tmr drain_tmr;
    int sip_given; /* sip_close(false) called: libre owns the last reference */
    struct tmr house_tmr;
    int closing;
    int exited;
    /* calls with a re-INVITE of ours pending / an ACK of a re-INVITE
     * awaited: the per-message checks scan the calls only when non-zero */
    unsigned n_reinv_pending, n_reoffer_wait_ack;
};

enum call_state { CS_NEW, CS_INVITING, CS_RINGING, CS_ANSWERED, CS_ESTABLISHED, CS_CLOSED };

struct ua_call {
    struct le le;
    ua_sip *ua;
    struct sipsess *sess;
    struct sip_msg *inv; /* incoming INVITE (our reference) until answered or rejected */
    int incoming;
    enum call_state state;
    int decided;     /* UA_EV_INCOMING: accept or reject was called */
    int hangup_req;  /* ua_call_hangup(): sess released from the main loop */
    char *callid;
    char *peer;
    ua_tp tp;
    void *user;
    struct tmr tmr;  /* deferred release */
    struct mbuf *reanswer;
    uint16_t close_scode;
    char close_reason[64];
    int close_by_peer;
    int close_err;
    char peer_req[16]; /* "BYE" / "CANCEL" received from the peer */
    /* re-INVITE (see "re-INVITE and REFER" below) */
    int reinv_pending;          /* ours is out: waiting for its final response */
    uint32_t reoffer_cseq;      /* CSeq of the last peer re-INVITE we answered 2xx */
    int reoffer_wait_ack;       /* ... and its ACK has not arrived yet */
    int reoffer_decided;        /* UA_EV_REOFFER handler refused it (reply sent) */
    const struct sip_msg *reoffer_msg; /* the re-INVITE being decided */
    struct sip_request *refer_req;
};

static int g_ssl_ex_idx = -1;

/* libre and OpenSSL hand us const pointers to objects we must reference
 * or configure through non-const APIs. */
static void *unconst(const void *p)
{
    union {
        const void *c;
        void *v;
    } u;

    u.c = p;
    return u.v;
}
static volatile sig_atomic_t g_signal;
static int g_libre_users;

const char *ua_tp_name(ua_tp tp)
{
    switch (tp) {
    case UA_TP_UDP: return "udp";
    case UA_TP_TCP: return "tcp";
    case UA_TP_TLS: return "tls";
    }
    return "?";
}

int ua_tp_parse(const char *s, ua_tp *tp)
{
    if (!strcmp(s, "udp"))
        *tp = UA_TP_UDP;
    else if (!strcmp(s, "tcp"))
        *tp = UA_TP_TCP;
    else if (!strcmp(s, "tls"))
        *tp = UA_TP_TLS;
    else
        return -1;
    return 0;
}

const char *ua_ev_name(ua_ev_type t)
{
    switch (t) {
    case UA_EV_INCOMING: return "incoming";
    case UA_EV_PROGRESS: return "progress";
    case UA_EV_ANSWERED: return "answered";
    case UA_EV_ESTABLISHED: return "established";
    case UA_EV_REOFFER: return "reoffer";
    case UA_EV_CLOSED: return "closed";
    case UA_EV_REGISTER_OK: return "register-ok";
    case UA_EV_REGISTER_FAILED: return "register-failed";
    case UA_EV_REANSWERED: return "reanswered";
    case UA_EV_REOFFER_FAILED: return "reoffer-failed";
    case UA_EV_REOFFER_ACKED: return "reoffer-acked";
    case UA_EV_REFER: return "refer";
    case UA_EV_REFER_ANSWERED: return "refer-answered";
    case UA_EV_NOTIFY: return "notify";
    }
    return "?";
}

static enum sip_transp to_libre_tp(ua_tp tp)
{
    return tp == UA_TP_TLS ? SIP_TRANSP_TLS : tp == UA_TP_TCP ? SIP_TRANSP_TCP : SIP_TRANSP_UDP;
}

static ua_tp from_libre_tp(enum sip_transp tp)
{
    return tp == SIP_TRANSP_TLS ? UA_TP_TLS : tp == SIP_TRANSP_TCP ? UA_TP_TCP : UA_TP_UDP;
}

static char *xstrdup(const char *s)
{
    char *d;
    size_t n;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *pl_xstrdup(const struct pl *pl)
{
    char *d = malloc(pl->l + 1);

    if (d) {
        memcpy(d, pl->p, pl->l);
        d[pl->l] = '\0';
    }
    return d;
}

/* ---------------------------------------------------------------------- */
/* TCP_NODELAY                                                             */
/* ---------------------------------------------------------------------- */

/*
 * libre 1.1 creates its TCP sockets internally and never disables Nagle's
 * algorithm; a SIP message written while an earlier small segment (a TLS
 * handshake record, the previous SIP message) is unacknowledged then waits
 * for the peer's delayed ACK, ~40 ms on Linux (INTEROP.md measured ~50 ms
 * instead of ~5 ms for a TLS call on loopback). libre exposes no hook at
 * socket creation, so we walk our own descriptors and set TCP_NODELAY on
 * every TCP socket: the media is UDP, so every TCP socket of this process
 * is a SIP one. Called after binding (listening sockets: Linux copies the
 * option to accepted sockets), after every API call that may open a
 * connection (the connect is issued synchronously, before any byte is
 * written), and from the trace hook that libre calls before it writes a SIP
 * message. Idempotent and cheap (a handful of descriptors).
 */
static void nodelay_all(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(de->d_name, &end, 10);
        int type = 0, one = 1;
        socklen_t tl = sizeof(type);
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);

        if (*end || end == de->d_name || fd < 0 || fd == dirfd(d))
            continue;
        if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_STREAM)
            continue;
        if (getsockname((int)fd, (struct sockaddr *)&ss, &sl) ||
            (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
            continue;
        (void)setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    closedir(d);
}

static void reinvite_failure_check(ua_sip *ua, const uint8_t *pkt, size_t len);

static void trace_handler(bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
                          const uint8_t *pkt, size_t len, void *arg)
{
    ua_sip *ua = arg;

    if (tp == SIP_TRANSP_TCP || tp == SIP_TRANSP_TLS)
        nodelay_all();
    if (ua && ua->trace) {
        (void)re_fprintf(stderr, "---- %s %s %J -> %J (%zu bytes)\n%b\n", tx ? "sent" : "received",
                         sip_transp_name(tp), src, dst, len, (const char *)pkt, len);
    }
    if (ua && !tx)
        reinvite_failure_check(ua, pkt, len);
}

/* ---------------------------------------------------------------------- */
/* TLS peer verification                                                   */
/* ---------------------------------------------------------------------- */

/*
 * libre 1.1's SIP transport starts client TLS without any verification
 * (sip/transp.c calls tls_start_tcp() and nothing else; tls_alloc() leaves
 * SSL_VERIFY_NONE). The SSL objects are private to libre, but the SSL_CTX
 * they are made from is reachable with tls_openssl_context(). We make
 * OpenSSL verify on that context:
 *  - the chain against the configured CA file (or the system store);
 *  - the leaf against the names of the hosts we connect to (the next hop:
 *    outbound proxy, registrar or the request URI's host), with
 *    X509_check_host / X509_check_ip_asc (RFC 5922 §7.2: the peer's
 *    identity is checked against the host part of the URI contacted).
 * Because one SSL_CTX serves every connection and libre does not tell us
 * which host a given SSL object belongs to, the leaf must match one of the
 * names this UA contacts (a small set: one per process in practice). The
 * info callback turns verification off again for the server role, unless
 * client certificates are required.
 */
static int is_ip_literal(const char *s)
{
    struct sa tmp;

    return sa_set_str(&tmp, s, 0) == 0;
}

static void tls_expect(ua_sip *ua, const struct pl *host)
{
    char *name;

    if (!pl_isset(host))
        return;
    for (size_t i = 0; i < ua->ntls_names; i++) {
        if (!pl_strcasecmp(host, ua->tls_names[i]))
            return;
    }
    if (ua->ntls_names == UA_MAX_TLS_NAMES)
        return;
    name = pl_xstrdup(host);
    if (name)
        ua->tls_names[ua->ntls_names++] = name;
}

static void tls_expect_uri(ua_sip *ua, const char *uristr)
{
    struct uri uri;
    struct pl pl;
    const char *lt, *gt;

    if (!uristr)
        return;
    /* Accept "<sip:...>" too. */
    lt = strchr(uristr, '<');
    gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt) {
        pl.p = lt + 1;
        pl.l = (size_t)(gt - lt - 1);
    } else
        pl_set_str(&pl, uristr);
    if (uri_decode(&uri, &pl) == 0)
        tls_expect(ua, &uri.host);
}

/* In-dialog requests go to the peer's Contact (the remote target), over a
 * new connection when it is not the one already open: that host is one we
 * will contact too. */
static void tls_expect_contact(ua_sip *ua, const struct sip_msg *msg)
{
    const struct sip_hdr *hdr;
    struct sip_addr addr;

    if (!msg || msg->tp != SIP_TRANSP_TLS)
        return;
    hdr = sip_msg_hdr(msg, SIP_HDR_CONTACT);
    if (hdr && sip_addr_decode(&addr, &hdr->val) == 0)
        tls_expect(ua, &addr.uri.host);
}

static int ssl_verify_cb(int preverify_ok, X509_STORE_CTX *x)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
    ua_sip *ua = ssl ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ssl_ex_idx) : NULL;
    int depth = X509_STORE_CTX_get_error_depth(x);
    X509 *cert = X509_STORE_CTX_get_current_cert(x);
    char subj[128] = "?";

    if (!ua)
        return 0;
    if (cert)
        X509_NAME_oneline(X509_get_subject_name(cert), subj, sizeof(subj));
    if (!preverify_ok) {
        int e = X509_STORE_CTX_get_error(x);
        snprintf(ua->tls_error, sizeof(ua->tls_error), "TLS peer certificate rejected: %s (depth %d, %s)",
                 X509_verify_cert_error_string(e), depth, subj);
        return 0;
    }
    if (depth == 0 && !SSL_is_server(ssl)) {
        char names[160] = "";
        size_t off = 0;

        for (size_t i = 0; i < ua->ntls_names; i++) {
            const char *n = ua->tls_names[i];
            int ok = is_ip_literal(n) ? X509_check_ip_asc(cert, n, 0) : X509_check_host(cert, n, 0, 0, NULL);
            if (ok == 1)
                return 1;
            off += (size_t)snprintf(names + off, off < sizeof(names) ? sizeof(names) - off : 0, "%s%s",
                                    i ? ", " : "", n);
            if (off >= sizeof(names))
                off = sizeof(names) - 1;
        }
        snprintf(ua->tls_error, sizeof(ua->tls_error),
                 "TLS peer certificate rejected: %s does not match the host contacted (%s)", subj,
                 ua->ntls_names ? names : "none known");
        X509_STORE_CTX_set_error(x, X509_V_ERR_HOSTNAME_MISMATCH);
        return 0;
    }
    return 1;
}

static void ssl_info_cb(const SSL *ssl, int where, int ret)
{
    ua_sip *ua = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_ssl_ex_idx);

    (void)ret;
    if (!ua || !(where & SSL_CB_HANDSHAKE_START))
        return;
    if (SSL_is_server(ssl)) {
        /* Server role: a client certificate is only asked for on request. */
        int mode = ua->tls_verify_client ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_NONE;
        SSL_set_verify(unconst(ssl), mode, ua->tls_verify_client ? ssl_verify_cb : NULL);
    }
}

static int tls_setup(ua_sip *ua, const ua_sip_cfg *cfg, char *err, size_t errlen)
{
    SSL_CTX *ctx;
    int e;

    e = tls_alloc(&ua->tls, TLS_METHOD_SSLV23, NULL, NULL);
    if (e) {
        snprintf(err, errlen, "TLS: tls_alloc failed: %s", strerror(e));
        return e;
    }
    ctx = tls_openssl_context(ua->tls);
    if (!ctx) {
        snprintf(err, errlen, "TLS: libre gives no OpenSSL context");
        return ENOTSUP;
    }
    ERR_clear_error();
    if (cfg->tls_cert) {
        const char *key = cfg->tls_key ? cfg->tls_key : cfg->tls_cert;
        if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
            unsigned long oe = ERR_get_error();
            snprintf(err, errlen, "TLS: cannot use certificate %s / key %s: %s", cfg->tls_cert, key,
                     oe ? ERR_reason_error_string(oe) : "?");
            return EINVAL;
        }
    }
    if (g_ssl_ex_idx < 0)
        g_ssl_ex_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (g_ssl_ex_idx < 0 || !SSL_CTX_set_ex_data(ctx, g_ssl_ex_idx, ua)) {
        snprintf(err, errlen, "TLS: cannot attach verification state");
        return ENOMEM;
    }
    if (cfg->tls_insecure) {
        fprintf(stderr, "mikey-ua: WARNING: --tls-insecure: TLS peer certificates are NOT verified\n");
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return 0;
    }
    if (cfg->tls_ca ? SSL_CTX_load_verify_locations(ctx, cfg->tls_ca, NULL) != 1
                    : SSL_CTX_set_default_verify_paths(ctx) != 1) {
        unsigned long oe = ERR_get_error();
        snprintf(err, errlen, "TLS: cannot load CA %s: %s", cfg->tls_ca ? cfg->tls_ca : "(system default)",
                 oe ? ERR_reason_error_string(oe) : "?");
        return EINVAL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, ssl_verify_cb);
    SSL_CTX_set_info_callback(ctx, ssl_info_cb);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */
/* ---------------------------------------------------------------------- */

static void ev_init(ua_event *ev, ua_ev_type type, ua_call *c)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->t_us = ua_now_us();
    ev->call = c;
    ev->reason = "";
}

/* Fill status, reason and body from a SIP message. reason_buf keeps the
 * NUL-terminated reason phrase for the duration of the event. */
static void ev_from_msg(ua_event *ev, const struct sip_msg *msg, char *reason_buf, size_t rlen, char *ctype_buf,
                        size_t clen)
{
    if (!msg)
        return;
    if (!msg->req) {
        ev->scode = msg->scode;
        (void)pl_strcpy(&msg->reason, reason_buf, rlen);
        ev->reason = reason_buf;
    }
    if (msg->mb && mbuf_get_left(msg->mb) > 0) {
        ev->body = mbuf_buf(msg->mb);
        ev->body_len = mbuf_get_left(msg->mb);
        if (pl_isset(&msg->ctyp.type)) {
            (void)re_snprintf(ctype_buf, clen, "%r/%r", &msg->ctyp.type, &msg->ctyp.subtype);
            ev->ctype = ctype_buf;
        }
    }
}

static int emit(ua_sip *ua, const ua_event *ev)
{
    return ua->h ? ua->h(ev, ua->arg) : 0;
}

static void call_release_tmr(void *arg);

/* Deliver UA_EV_CLOSED once and schedule the release of the call. */
static void call_closed(ua_call *c, const ua_event *ev)
{
    if (c->state == CS_CLOSED)
        return;
    c->state = CS_CLOSED;
    emit(c->ua, ev);
    tmr_start(&c->tmr, 0, call_release_tmr, c);
}

static void set_reinv_pending(ua_call *c, int on)
{
    if (!c->reinv_pending == !on)
        return;
    c->reinv_pending = on;
    if (on)
        c->ua->n_reinv_pending++;
    else
        c->ua->n_reinv_pending--;
}

static void set_reoffer_wait_ack(ua_call *c, int on)
{
    if (!c->reoffer_wait_ack == !on)
        return;
    c->reoffer_wait_ack = on;
    if (on)
        c->ua->n_reoffer_wait_ack++;
    else
        c->ua->n_reoffer_wait_ack--;
}

static void call_free(ua_call *c)
{
    set_reinv_pending(c, 0);
    set_reoffer_wait_ack(c, 0);
    tmr_cancel(&c->tmr);
    list_unlink(&c->le);
    c->sess = mem_deref(c->sess);
    c->inv = mem_deref(c->inv);
    c->reanswer = mem_deref(c->reanswer);
    c->refer_req = mem_deref(c->refer_req); /* libre stops reporting on it */
    free(c->callid);
    free(c->peer);
    free(c);
}

static void call_release_tmr(void *arg)
{
    ua_call *c = arg;

    if (c->state != CS_CLOSED) {
        /* ua_call_hangup(): release the session (libre sends CANCEL, the
         * 486 or the BYE as the state requires) and report. */
        ua_event ev;
        c->sess = mem_deref(c->sess);
        nodelay_all();
        ev_init(&ev, UA_EV_CLOSED, c);
        ev.reason = "hung up locally";
        ev.by_peer = 0;
        c->state = CS_CLOSED;
        emit(c->ua, &ev);
    }
    call_free(c);
}

static ua_call *call_new(ua_sip *ua, int incoming)
{
    ua_call *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->ua = ua;
    c->incoming = incoming;
    tmr_init(&c->tmr);
    list_append(&ua->calls, &c->le, c);
    return c;
}

/* ---------------------------------------------------------------------- */
/* libre session handlers                                                  */
/* ---------------------------------------------------------------------- */

static int auth_handler(char **user, char **pass, const char *realm, void *arg)
{
    ua_sip *ua = arg;
    int err;

    (void)realm;
    if (!ua->auth_pass)
        return EAUTH;
    err = str_dup(user, ua->auth_user ? ua->auth_user : ua->cuser);
    err |= str_dup(pass, ua->auth_pass);
    return err;
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];
    int rc;

    if (c->reanswer) {
        /* Prepared by reoffer_check() when the re-INVITE went past the
         * request listener that runs ahead of libre's session layer. */
        *descp = c->reanswer;
        c->reanswer = NULL;
        return 0;
    }
    /* Not seen by that listener (not expected): ask the controller here;
     * libre can only refuse with a bodiless 488. */
    ev_init(&ev, UA_EV_REOFFER, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    c->reoffer_msg = NULL;
    rc = emit(c->ua, &ev);
    if (rc || !c->reanswer)
        return rc ? rc : EPROTO; /* libre answers 488 */
    *descp = c->reanswer;
    c->reanswer = NULL;
    return 0;
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];

    tls_expect_contact(c->ua, msg);
    if (c->reinv_pending && c->state == CS_ESTABLISHED) {
        /* libre calls the answer handler for the 2xx of our re-INVITE too
         * (sipsess/modify.c), then ACKs it whatever we return. */
        set_reinv_pending(c, 0);
        ev_init(&ev, UA_EV_REANSWERED, c);
        ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
        (void)emit(c->ua, &ev);
        return 0;
    }
    ev_init(&ev, UA_EV_ANSWERED, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    c->state = CS_ANSWERED;
    return emit(c->ua, &ev);
}

static void progress_handler(const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];

    ev_init(&ev, UA_EV_PROGRESS, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    if (msg && msg->scode >= 180)
        c->state = CS_RINGING;
    emit(c->ua, &ev);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;

    (void)msg;
    ev_init(&ev, UA_EV_ESTABLISHED, c);
    c->state = CS_ESTABLISHED;
    emit(c->ua, &ev);
}

static void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg);

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];

    ev_init(&ev, UA_EV_CLOSED, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    ev.err = err;
    ev.by_peer = 1;
    if (!msg && !c->peer_req[0] && c->incoming && c->state == CS_RINGING && err == ECONNRESET) {
        /* libre 1.1 matches a CANCEL to the INVITE transaction before any
         * listener sees it, then terminates the session like this. */
        snprintf(c->peer_req, sizeof(c->peer_req), "CANCEL");
    }
    if (!msg && c->peer_req[0]) {
        (void)re_snprintf(rbuf, sizeof(rbuf), "%s received", c->peer_req);
        ev.reason = rbuf;
    } else if (msg && msg->req) {
        /* BYE or CANCEL from the peer: say which. */
        (void)re_snprintf(rbuf, sizeof(rbuf), "%r received", &msg->met);
        ev.reason = rbuf;
        ev.body = NULL;
        ev.body_len = 0;
        ev.ctype = NULL;
    } else if (!msg && err) {
        (void)re_snprintf(rbuf, sizeof(rbuf), "%m", err);
        ev.reason = rbuf;
    }
    if (c->tp == UA_TP_TLS && c->ua->tls_error[0])
        ev.detail = c->ua->tls_error;
    call_closed(c, &ev);
}

static void conn_handler(const struct sip_msg *msg, void *arg)
{
    ua_sip *ua = arg;
    ua_call *c;
    ua_event ev;
    char rbuf[64], cbuf[64];

    nodelay_all();
    if (ua->closing) {
        (void)sip_treply(NULL, ua->sip, msg, 503, "Service Unavailable");
        return;
    }
    c = call_new(ua, 1);
    if (!c) {
        (void)sip_treply(NULL, ua->sip, msg, 500, "Server Internal Error");
        return;
    }
    c->inv = mem_ref(unconst(msg));
    tls_expect_contact(ua, msg);
    c->callid = pl_xstrdup(&msg->callid);
    c->peer = pl_xstrdup(&msg->from.auri);
    c->tp = from_libre_tp(msg->tp);
    ev_init(&ev, UA_EV_INCOMING, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    emit(ua, &ev);
    if (!c->decided) {
        fprintf(stderr, "mikey-ua: internal: incoming call neither accepted nor rejected; answering 500\n");
        (void)ua_call_reject(c, 500, "Server Internal Error", NULL, NULL, 0);
    }
}

/*
 * Sees every request before libre's session layer (registered first) and
 * lets it through. libre 1.1 reports a BYE and a CANCEL alike to the close
 * handler (ECONNRESET, no message); noting the method here lets the CLOSED
 * event say which one ended the call.
 */
static bool reoffer_check(ua_sip *ua, const struct sip_msg *msg);
static void reoffer_ack_check(ua_sip *ua, const struct sip_msg *msg);

static bool pre_request_handler(const struct sip_msg *msg, void *arg)
{
    ua_sip *ua = arg;
    int bye = !pl_strcmp(&msg->met, "BYE");
    int cancel = !pl_strcmp(&msg->met, "CANCEL");

    if (!pl_strcmp(&msg->met, "INVITE") && pl_isset(&msg->to.tag))
        return reoffer_check(ua, msg);
    if (!pl_strcmp(&msg->met, "ACK")) {
        reoffer_ack_check(ua, msg);
        return false;
    }
    if (!bye && !cancel)
        return false;
    for (struct le *le = ua->calls.head; le; le = le->next) {
        ua_call *c = le->data;
        if (c->state == CS_CLOSED || !c->callid || pl_strcmp(&msg->callid, c->callid))
            continue;
        if (cancel && !c->incoming)
            continue;
        snprintf(c->peer_req, sizeof(c->peer_req), "%s", bye ? "BYE" : "CANCEL");
    }
    return false;
}

/* Out-of-dialog requests libre's session layer did not take: OPTIONS. */
static bool notify_handler(ua_sip *ua, const struct sip_msg *msg);

static bool request_handler(const struct sip_msg *msg, void *arg)
{
    ua_sip *ua = arg;

    if (!pl_strcmp(&msg->met, "NOTIFY"))
        return notify_handler(ua, msg);
    if (!pl_strcmp(&msg->met, "OPTIONS")) {
        (void)sip_treplyf(NULL, NULL, ua->sip, msg, false, 200, "OK",
                          UA_ALLOW "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n");
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Stack                                                                   */
/* ---------------------------------------------------------------------- */

static void exit_handler(void *arg)
{
    ua_sip *ua = arg;

    ua->exited = 1;
    re_cancel();
}

static void signal_handler(int sig)
{
    /* libre calls this from the signal context: only set a flag; the
     * housekeeping timer acts on it. */
    g_signal = sig;
}

static void house_tmr(void *arg)
{
    ua_sip *ua = arg;

    if (g_signal) {
        int sig = g_signal;
        g_signal = 0;
        if (ua->closing) {
            fprintf(stderr, "mikey-ua: signal %d again: stopping now\n", sig);
            re_cancel();
            return;
        }
        fprintf(stderr, "mikey-ua: signal %d: hanging up\n", sig);
        ua_sip_close(ua, 2000);
    }
    tmr_start(&ua->house_tmr, 100, house_tmr, ua);
}

static int add_transport(ua_sip *ua, ua_tp tp, const char *laddr, uint16_t port, char *err, size_t errlen)
{
    struct sa sa;
    int e;

    e = sa_set_str(&sa, laddr, port);
    if (e) {
        snprintf(err, errlen, "bad local address %s", laddr);
        return e;
    }
    if (tp == UA_TP_TLS)
        e = sip_transp_add(ua->sip, SIP_TRANSP_TLS, &sa, ua->tls);
    else
        e = sip_transp_add(ua->sip, to_libre_tp(tp), &sa);
    if (e) {
        snprintf(err, errlen, "cannot bind SIP %s on %s:%u: %s", ua_tp_name(tp), laddr, port, strerror(e));
        return e;
    }
    /* Learn the port the kernel chose. */
    if (sip_transp_laddr(ua->sip, &ua->bound[tp], to_libre_tp(tp), NULL) != 0)
        ua->bound[tp] = sa;
    return 0;
}

int ua_sip_new(ua_sip **out, const ua_sip_cfg *cfg, ua_event_h h, void *arg, char *err, size_t errlen)
{
    ua_sip *ua;
    const char *laddr = cfg->laddr ? cfg->laddr : "0.0.0.0";
    int e;

    *out = NULL;
    if (g_libre_users++ == 0) {
        e = libre_init();
        if (e) {
            g_libre_users--;
            snprintf(err, errlen, "libre_init: %s", strerror(e));
            return e;
        }
    }
    ua = calloc(1, sizeof(*ua));
    if (!ua) {
        snprintf(err, errlen, "out of memory");
        e = ENOMEM;
        goto fail;
    }
    ua->h = h;
    ua->arg = arg;
    ua->trace = cfg->trace;
    ua->tls_insecure = cfg->tls_insecure;
    ua->tls_verify_client = cfg->tls_verify_client;
    ua->transports = cfg->transports;
    list_init(&ua->calls);
    tmr_init(&ua->linger_tmr);
    tmr_init(&ua->drain_tmr);
    tmr_init(&ua->house_tmr);

    if (cfg->aor) {
        ua->aor = xstrdup(cfg->aor);
    } else {
        char buf[128];
        snprintf(buf, sizeof(buf), "sip:mikey-ua@%s", laddr);
        ua->aor = xstrdup(buf);
    }
    {
        /* Contact user = user part of the AOR. */
        struct uri uri;
        struct pl pl;
        pl_set_str(&pl, ua->aor ? ua->aor : "");
        if (ua->aor && uri_decode(&uri, &pl) == 0 && pl_isset(&uri.user))
            ua->cuser = pl_xstrdup(&uri.user);
        else
            ua->cuser = xstrdup("mikey-ua");
    }
    ua->display = xstrdup(cfg->display_name);
    ua->auth_user = xstrdup(cfg->auth_user);
    ua->auth_pass = xstrdup(cfg->auth_pass);
    ua->obproxy = xstrdup(cfg->outbound_proxy);
    if (!ua->aor || !ua->cuser) {
        snprintf(err, errlen, "out of memory");
        e = ENOMEM;
        goto fail;
    }

    {
        /* DNS: the system's resolvers, for SIP URIs with host names. */
        struct sa nsv[4];
        uint32_t nsn = 4;
        char domain[64];
        if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) == 0 && nsn > 0)
            (void)dnsc_alloc(&ua->dnsc, NULL, nsv, nsn);
    }
    e = sip_alloc(&ua->sip, ua->dnsc, 32, 32, 32, cfg->user_agent ? cfg->user_agent : "mikey-ua", exit_handler,
                  ua);
    if (e) {
        snprintf(err, errlen, "sip_alloc: %s", strerror(e));
        goto fail;
    }
    sip_set_trace_handler(ua->sip, trace_handler);
    /* libre 1.1 passes sip->arg to the trace handler: that is ua. */

    if (cfg->transports & UA_TP_BIT(UA_TP_TLS)) {
        e = tls_setup(ua, cfg, err, errlen);
        if (e)
            goto fail;
    }
    for (int tp = UA_TP_UDP; tp <= UA_TP_TLS; tp++) {
        if (!(cfg->transports & UA_TP_BIT(tp)))
            continue;
        e = add_transport(ua, (ua_tp)tp, laddr, tp == UA_TP_TLS ? cfg->tls_port : cfg->port, err, errlen);
        if (e)
            goto fail;
    }
    nodelay_all();

    e = sip_listen(&ua->lsnr_pre, ua->sip, true, pre_request_handler, ua);
    if (!e)
        e = sipsess_listen(&ua->sock, ua->sip, 32, conn_handler, ua);
    if (!e)
        e = sip_listen(&ua->lsnr, ua->sip, true, request_handler, ua);
    if (e) {
        snprintf(err, errlen, "SIP listen: %s", strerror(e));
        goto fail;
    }
    if (ua->obproxy)
        tls_expect_uri(ua, ua->obproxy);
    tmr_start(&ua->house_tmr, 100, house_tmr, ua);
    *out = ua;
    return 0;

fail:
    if (ua) {
        ua->exited = 1;
        ua_sip_free(ua);
    } else if (--g_libre_users == 0) {
        libre_close();
    }
    return e;
}

int ua_sip_local(const ua_sip *s, ua_tp tp, char *buf, size_t len)
{
    if (!(s->transports & UA_TP_BIT(tp)))
        return -1;
    return re_snprintf(buf, len, "%J", &s->bound[tp]) < 0 ? -1 : 0;
}

static void register_resp(int err, const struct sip_msg *msg, void *arg)
{
    ua_sip *ua = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];

    ev_init(&ev, (!err && msg && msg->scode >= 200 && msg->scode < 300) ? UA_EV_REGISTER_OK : UA_EV_REGISTER_FAILED,
            NULL);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    ev.err = err;
    if (!msg && err) {
        (void)re_snprintf(rbuf, sizeof(rbuf), "%m", err);
        ev.reason = rbuf;
    }
    if (ua->tls_error[0])
        ev.detail = ua->tls_error;
    emit(ua, &ev);
}

int ua_sip_register(ua_sip *s, const char *registrar, uint32_t expires)
{
    const char *routev[1];
    int e;

    if (!s || !registrar || s->closing)
        return EINVAL;
    routev[0] = s->obproxy;
    tls_expect_uri(s, s->obproxy ? s->obproxy : registrar);
    s->reg = mem_deref(s->reg);
    e = sipreg_register(&s->reg, s->sip, registrar, s->aor, s->display, s->aor, expires, s->cuser,
                        s->obproxy ? routev : NULL, s->obproxy ? 1 : 0, 0, auth_handler, s, false, register_resp, s,
                        NULL, UA_ALLOW);
    nodelay_all();
    return e;
}

int ua_sip_run(ua_sip *s)
{
    (void)s;
    return re_main(signal_handler);
}

void ua_sip_stop(ua_sip *s)
{
    (void)s;
    re_cancel();
}

static void linger_tmr(void *arg)
{
    ua_sip *ua = arg;

    /* Transactions still pending after the linger time: give up on them
     * (the object is alive: the pending transactions hold references). */
    if (!ua->exited)
        sip_close(ua->sip, true);
    re_cancel();
}

static void drain_tmr(void *arg)
{
    ua_sip *ua = arg;

    /* The calls were released just before (their timers ran first). Drop
     * our session socket and listener, then let libre finish: sip_close()
     * without force waits until the last transaction (the BYE, the CANCEL,
     * the REGISTER with Expires: 0) has released the stack, then calls
     * exit_handler. From here on the stack's last reference is libre's. */
    ua->lsnr = mem_deref(ua->lsnr);
    ua->lsnr_pre = mem_deref(ua->lsnr_pre);
    ua->sock = mem_deref(ua->sock);
    ua->sip_given = 1;
    sip_close(ua->sip, false);
}

void ua_sip_close(ua_sip *s, unsigned linger_ms)
{
    struct le *le;

    if (!s || s->closing)
        return;
    s->closing = 1;
    /* Hang up what is still up; the CLOSED events come from the loop. */
    for (le = s->calls.head; le; le = le->next) {
        ua_call *c = le->data;
        if (c->state != CS_CLOSED)
            ua_call_hangup(c);
    }
    /* An established registration is removed (REGISTER Expires: 0). */
    s->reg = mem_deref(s->reg);
    tmr_start(&s->drain_tmr, 0, drain_tmr, s);
    tmr_start(&s->linger_tmr, linger_ms, linger_tmr, s);
}

static void close_stack(ua_sip *ua)
{
    /* Called after the loop: release in the order libre wants. */
    struct le *le;

    while ((le = ua->calls.head) != NULL)
        call_free(le->data);
    ua->reg = mem_deref(ua->reg);
    ua->lsnr = mem_deref(ua->lsnr);
    ua->lsnr_pre = mem_deref(ua->lsnr_pre);
    if (ua->sock) {
        sipsess_close_all(ua->sock);
        ua->sock = mem_deref(ua->sock);
    }
    if (ua->sip) {
        if (!ua->sip_given) {
            sip_close(ua->sip, true);
            ua->sip = mem_deref(ua->sip);
        } else if (ua->exited) {
            /* exit_handler ran: libre handed the last reference back. */
            ua->sip = mem_deref(ua->sip);
        } else {
            fprintf(stderr, "mikey-ua: SIP stack still busy at exit\n");
            ua->sip = NULL;
        }
    }
    ua->tls = mem_deref(ua->tls);
    ua->dnsc = mem_deref(ua->dnsc);
}

void ua_sip_free(ua_sip *s)
{
    if (!s)
        return;
    tmr_cancel(&s->linger_tmr);
    tmr_cancel(&s->drain_tmr);
    tmr_cancel(&s->house_tmr);
    close_stack(s);
    for (size_t i = 0; i < s->ntls_names; i++)
        free(s->tls_names[i]);
    free(s->aor);
    free(s->display);
    free(s->auth_user);
    if (s->auth_pass) {
        /* A secret: do not leave it in freed memory. */
        volatile char *p = s->auth_pass;
        while (*p)
            *p++ = 0;
        free(s->auth_pass);
    }
    free(s->obproxy);
    free(s->cuser);
    free(s);
    if (--g_libre_users == 0)
        libre_close();
}

/* ---------------------------------------------------------------------- */
/* Calls                                                                   */
/* ---------------------------------------------------------------------- */

static struct mbuf *body_mbuf(const char *sdp, size_t len)
{
    struct mbuf *mb = mbuf_alloc(len ? len : 1);

    if (!mb)
        return NULL;
    if (len && mbuf_write_mem(mb, (const uint8_t *)sdp, len)) {
        mem_deref(mb);
        return NULL;
    }
    mb->pos = 0;
    return mb;
}

int ua_call_dial(ua_sip *s, ua_call **out, const char *uri, ua_tp tp, const char *sdp, size_t sdp_len,
                 void *user)
{
    ua_call *c;
    struct mbuf *desc;
    const char *routev[1];
    char *target;
    size_t ulen;
    int e;

    *out = NULL;
    if (!s || !uri || s->closing)
        return EINVAL;
    /* Force the transport with the URI parameter (RFC 3261 §19.1.1) unless
     * the URI already says which. */
    ulen = strlen(uri) + 32;
    target = malloc(ulen);
    if (!target)
        return ENOMEM;
    if (tp != UA_TP_UDP && !strstr(uri, "transport=") && strncmp(uri, "sips:", 5) != 0)
        snprintf(target, ulen, "%s;transport=%s", uri, ua_tp_name(tp));
    else
        snprintf(target, ulen, "%s", uri);

    c = call_new(s, 0);
    desc = body_mbuf(sdp, sdp_len);
    if (!c || !desc) {
        free(target);
        if (c)
            call_free(c);
        mem_deref(desc);
        return ENOMEM;
    }
    c->user = user;
    c->peer = xstrdup(uri);
    c->tp = (tp == UA_TP_UDP && (strstr(target, "transport=tls") || !strncmp(target, "sips:", 5))) ? UA_TP_TLS
            : (tp == UA_TP_UDP && strstr(target, "transport=tcp")) ? UA_TP_TCP
                                                                   : tp;
    tls_expect_uri(s, s->obproxy ? s->obproxy : target);
    routev[0] = s->obproxy;
    c->state = CS_INVITING;
    e = sipsess_connect(&c->sess, s->sock, target, s->display, s->aor, s->cuser, s->obproxy ? routev : NULL,
                        s->obproxy ? 1 : 0, "application/sdp", desc, auth_handler, s, false, offer_handler,
                        answer_handler, progress_handler, estab_handler, NULL, refer_handler, close_handler, c,
                        UA_ALLOW);
    mem_deref(desc);
    free(target);
    nodelay_all();
    if (e) {
        call_free(c);
        return e;
    }
    c->callid = xstrdup(sip_dialog_callid(sipsess_dialog(c->sess)));
    *out = c;
    return 0;
}

int ua_call_accept(ua_call *c)
{
    ua_sip *ua;
    int e;

    if (!c || !c->incoming || !c->inv || c->sess)
        return EINVAL;
    ua = c->ua;
    c->decided = 1;
    e = sipsess_accept(&c->sess, ua->sock, c->inv, 180, "Ringing", ua->cuser, "application/sdp", NULL,
                       auth_handler, ua, false, offer_handler, answer_handler, estab_handler, NULL, refer_handler,
                       close_handler, c, UA_ALLOW);
    nodelay_all();
    if (e) {
        (void)sip_treply(NULL, ua->sip, c->inv, 500, "Server Internal Error");
        c->inv = mem_deref(c->inv);
        c->close_by_peer = 0;
        {
            ua_event ev;
            ev_init(&ev, UA_EV_CLOSED, c);
            ev.err = e;
            ev.reason = "accept failed";
            call_closed(c, &ev);
        }
        return e;
    }
    c->state = CS_RINGING;
    return 0;
}

int ua_call_answer(ua_call *c, const char *sdp, size_t sdp_len)
{
    struct mbuf *desc;
    int e;

    if (!c || !c->incoming || !c->sess || c->state != CS_RINGING)
        return EINVAL;
    desc = body_mbuf(sdp, sdp_len);
    if (!desc)
        return ENOMEM;
    e = sipsess_answer(c->sess, 200, "OK", desc, UA_ALLOW);
    mem_deref(desc);
    nodelay_all();
    if (!e) {
        c->state = CS_ANSWERED;
        c->inv = mem_deref(c->inv);
    }
    return e;
}

int ua_call_reject(ua_call *c, uint16_t scode, const char *reason, const char *ctype, const uint8_t *body,
                   size_t body_len)
{
    return ua_call_reject_warn(c, scode, reason, NULL, ctype, body, body_len);
}

int ua_call_reject_warn(ua_call *c, uint16_t scode, const char *reason, const char *warning, const char *ctype,
                        const uint8_t *body, size_t body_len)
{
    ua_event ev;
    char whdr[256];
    int e;

    if (!c || !c->incoming || scode < 300 || c->state == CS_CLOSED)
        return EINVAL;
    if (!reason)
        reason = "Rejected";
    if (!c->sess) {
        if (!c->inv)
            return EINVAL;
        c->decided = 1;
        whdr[0] = '\0';
        if (warning) {
            /* RFC 3261 §20.43: Warning: code agent "text"; the text is
             * ours, printable ASCII without quotes (RFC 4567 §4.1.1 suggests
             * 399 with the key management's reason); the agent is a
             * pseudonym, as §20.43 allows. */
            size_t n = (size_t)snprintf(whdr, sizeof(whdr), "Warning: 399 mikey-ua \"");
            for (const char *p = warning; *p && n + 4 < sizeof(whdr); p++)
                whdr[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '?';
            snprintf(whdr + n, sizeof(whdr) - n, "\"\r\n");
        }
        if (body && body_len) {
            e = sip_treplyf(NULL, NULL, c->ua->sip, c->inv, false, scode, reason,
                            "%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%b", whdr,
                            ctype ? ctype : "application/sdp", body_len, (const char *)body, body_len);
        } else if (whdr[0]) {
            e = sip_treplyf(NULL, NULL, c->ua->sip, c->inv, false, scode, reason, "%sContent-Length: 0\r\n\r\n",
                            whdr);
        } else {
            e = sip_treply(NULL, c->ua->sip, c->inv, scode, reason);
        }
    } else {
        if (body && body_len)
            return ENOTSUP; /* libre 1.1's sipsess_reject() sends no body */
        if (c->state != CS_RINGING)
            return EINVAL;
        e = sipsess_reject(c->sess, scode, reason, NULL);
    }
    nodelay_all();
    ev_init(&ev, UA_EV_CLOSED, c);
    ev.scode = scode;
    ev.reason = reason;
    ev.err = e;
    ev.by_peer = 0;
    call_closed(c, &ev);
    return e;
}

int ua_call_set_reoffer_answer(ua_call *c, const char *sdp, size_t sdp_len)
{
    if (!c)
        return EINVAL;
    c->reanswer = mem_deref(c->reanswer);
    c->reanswer = body_mbuf(sdp, sdp_len);
    return c->reanswer ? 0 : ENOMEM;
}

void ua_call_hangup(ua_call *c)
{
    if (!c || c->state == CS_CLOSED || c->hangup_req)
        return;
    c->hangup_req = 1;
    if (c->incoming && c->sess && c->state == CS_RINGING) {
        /* Not answered yet: decline instead of a bare 486 from libre. */
        (void)sipsess_reject(c->sess, 603, "Decline", NULL);
    }
    /* The session is released from the main loop, never from inside one
     * of its own handlers (libre may still be using it). */
    tmr_start(&c->tmr, 0, call_release_tmr, c);
}

void *ua_call_user(const ua_call *c)
{
    return c ? c->user : NULL;
}

void ua_call_set_user(ua_call *c, void *user)
{
    if (c)
        c->user = user;
}

int ua_call_incoming(const ua_call *c)
{
    return c ? c->incoming : 0;
}

const char *ua_call_id(const ua_call *c)
{
    return c && c->callid ? c->callid : "";
}

const char *ua_call_peer(const ua_call *c)
{
    return c && c->peer ? c->peer : "";
}

ua_tp ua_call_transport(const ua_call *c)
{
    return c ? c->tp : UA_TP_UDP;
}

/* ---------------------------------------------------------------------- */
/* re-INVITE and REFER (rekey, device and session mobility)                */
/* ---------------------------------------------------------------------- */

/*
 * libre 1.1 and re-INVITEs:
 *  - sending: sipsess_modify() sends the re-INVITE and hands the 2xx to the
 *    answer handler, then ACKs it; a failure response (488, 606...) is
 *    handled inside libre without any callback (sipsess/modify.c). The SIP
 *    trace hook sees every received message first, so the adapter decodes
 *    responses there while one of ours is pending and reports the final
 *    failure (UA_EV_REOFFER_FAILED).
 *  - receiving: libre's session layer calls the offer handler and answers
 *    a refusal with a bodiless 488 only. A request listener registered
 *    ahead of the session layer (pre_request_handler) asks the controller
 *    first: an accepted re-offer goes on to libre, which sends the 200 with
 *    the prepared answer; a refused one is answered here with the status,
 *    Warning and body the controller chose (e.g. 488 + the MIKEY Error,
 *    RFC 4567 §4.1.1), and libre never sees it. Its ACK is noted the same
 *    way (UA_EV_REOFFER_ACKED): libre does not report ACKs of re-INVITEs.
 */

static ua_call *call_by_callid(ua_sip *ua, const struct pl *callid)
{
    for (struct le *le = ua->calls.head; le; le = le->next) {
        ua_call *c = le->data;
        if (c->state != CS_CLOSED && c->callid && !pl_strcmp(callid, c->callid))
            return c;
    }
    return NULL;
}

static void reinvite_failure_check(ua_sip *ua, const uint8_t *pkt, size_t len)
{
    struct mbuf *mb;
    struct sip_msg *msg = NULL;

    if (!ua->n_reinv_pending || len < 12 || memcmp(pkt, "SIP/2.0 ", 8) != 0)
        return;
    mb = mbuf_alloc(len);
    if (!mb)
        return;
    if (mbuf_write_mem(mb, pkt, len) == 0) {
        mb->pos = 0;
        if (sip_msg_decode(&msg, mb) != 0)
            msg = NULL;
    }
    /* Final failures only; libre retries after 401/407 (credentials), 491
     * (glare, RFC 3261 §14.1) and 500 with Retry-After by itself. */
    if (msg && !pl_strcmp(&msg->cseq.met, "INVITE") && msg->scode >= 300 && msg->scode != 401 &&
        msg->scode != 407 && msg->scode != 491 && !(msg->scode == 500 && sip_msg_hdr(msg, SIP_HDR_RETRY_AFTER))) {
        ua_call *c = call_by_callid(ua, &msg->callid);
        if (c && c->reinv_pending && c->state == CS_ESTABLISHED) {
            ua_event ev;
            char rbuf[64], cbuf[64];
            set_reinv_pending(c, 0);
            ev_init(&ev, UA_EV_REOFFER_FAILED, c);
            ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
            emit(ua, &ev);
        }
    }
    mem_deref(msg);
    mem_deref(mb);
}

static bool reoffer_check(ua_sip *ua, const struct sip_msg *msg)
{
    ua_call *c = call_by_callid(ua, &msg->callid);
    ua_event ev;
    char rbuf[64], cbuf[64];
    int rc;

    /* Anything but an established call: libre's session layer answers
     * (481, 500 Retry-After, ...). */
    if (!c || c->state != CS_ESTABLISHED || !c->sess || c->hangup_req)
        return false;
    if (c->reoffer_cseq && msg->cseq.num == c->reoffer_cseq)
        return true; /* a retransmission of the one we accepted: libre retransmits its 200 */
    if (c->reinv_pending) {
        /* RFC 3261 §14.2: an INVITE while ours is pending gets 491. */
        (void)sip_treply(NULL, ua->sip, msg, 491, "Request Pending");
        return true;
    }
    tls_expect_contact(ua, msg);
    c->reanswer = mem_deref(c->reanswer);
    c->reoffer_decided = 0;
    c->reoffer_msg = msg;
    ev_init(&ev, UA_EV_REOFFER, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    rc = emit(ua, &ev);
    c->reoffer_msg = NULL;
    if (c->reoffer_decided) {
        c->reanswer = mem_deref(c->reanswer);
        return true;
    }
    if (rc || !c->reanswer) {
        c->reanswer = mem_deref(c->reanswer);
        (void)sip_treply(NULL, ua->sip, msg, 488, "Not Acceptable Here");
        nodelay_all();
        return true;
    }
    c->reoffer_cseq = msg->cseq.num;
    set_reoffer_wait_ack(c, 1);
    return false; /* libre's target refresh: dialog update, 200 with c->reanswer */
}

static void reoffer_ack_check(ua_sip *ua, const struct sip_msg *msg)
{
    ua_call *c;
    ua_event ev;

    if (!ua->n_reoffer_wait_ack)
        return; /* the common case: an ACK of an initial INVITE */
    c = call_by_callid(ua, &msg->callid);
    if (!c || !c->reoffer_wait_ack || msg->cseq.num != c->reoffer_cseq)
        return;
    set_reoffer_wait_ack(c, 0);
    ev_init(&ev, UA_EV_REOFFER_ACKED, c);
    emit(ua, &ev);
}

int ua_call_reject_reoffer(ua_call *c, uint16_t scode, const char *reason, const char *warning, const char *ctype,
                           const uint8_t *body, size_t body_len)
{
    char whdr[256];
    int e;

    if (!c || !c->reoffer_msg || scode < 300 || c->reoffer_decided)
        return EINVAL;
    if (!reason)
        reason = "Not Acceptable Here";
    whdr[0] = '\0';
    if (warning) {
        /* RFC 3261 §20.43, as ua_call_reject_warn(). */
        size_t n = (size_t)snprintf(whdr, sizeof(whdr), "Warning: 399 mikey-ua \"");
        for (const char *p = warning; *p && n + 4 < sizeof(whdr); p++)
            whdr[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '?';
        snprintf(whdr + n, sizeof(whdr) - n, "\"\r\n");
    }
    if (body && body_len)
        e = sip_treplyf(NULL, NULL, c->ua->sip, c->reoffer_msg, false, scode, reason,
                        "%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%b", whdr, ctype ? ctype : "application/sdp",
                        body_len, (const char *)body, body_len);
    else
        e = sip_treplyf(NULL, NULL, c->ua->sip, c->reoffer_msg, false, scode, reason,
                        "%sContent-Length: 0\r\n\r\n", whdr);
    nodelay_all();
    c->reoffer_decided = 1;
    return e;
}

int ua_call_reinvite(ua_call *c, const char *sdp, size_t sdp_len)
{
    struct mbuf *desc;
    int e;

    if (!c || !c->sess || c->state != CS_ESTABLISHED || c->hangup_req)
        return EINVAL;
    if (c->reinv_pending)
        return EBUSY;
    desc = body_mbuf(sdp, sdp_len);
    if (!desc)
        return ENOMEM;
    e = sipsess_modify(c->sess, desc);
    mem_deref(desc);
    nodelay_all();
    if (!e)
        set_reinv_pending(c, 1);
    return e;
}

/* Contact of in-dialog requests we send ourselves (REFER, NOTIFY), as
 * libre's sipsess does for its own: the address the request leaves from. */
static int contact_send_handler(enum sip_transp tp, const struct sa *src, const struct sa *dst, struct mbuf *mb,
                                void *arg)
{
    ua_sip *ua = arg;
    struct sip_contact contact;

    (void)dst;
    sip_contact_set(&contact, ua->cuser, src, tp);
    return mbuf_printf(mb, "%H", sip_contact_print, &contact);
}

static void refer_resp_handler(int err, const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    ua_event ev;
    char rbuf[64], cbuf[64];

    if (msg && msg->scode < 200)
        return;
    ev_init(&ev, UA_EV_REFER_ANSWERED, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    ev.err = err;
    if (!msg) {
        (void)re_snprintf(rbuf, sizeof(rbuf), "%m", err);
        ev.reason = rbuf;
    }
    emit(c->ua, &ev);
}

int ua_call_refer(ua_call *c, const char *target)
{
    int e;

    if (!c || !c->sess || c->state != CS_ESTABLISHED || c->hangup_req || !target)
        return EINVAL;
    if (c->refer_req)
        return EBUSY;
    /* RFC 3515 §2.1: exactly one Refer-To; Referred-By (RFC 3892) names us. */
    e = sip_drequestf(&c->refer_req, c->ua->sip, true, "REFER", sipsess_dialog(c->sess), 0, NULL,
                      contact_send_handler, refer_resp_handler, c,
                      "Refer-To: <%s>\r\nReferred-By: <%s>\r\nContent-Length: 0\r\n\r\n", target, c->ua->aor);
    nodelay_all();
    return e;
}

static void refer_handler(struct sip *sip, const struct sip_msg *msg, void *arg)
{
    ua_call *c = arg;
    const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
    struct sip_addr addr;
    ua_event ev;
    char rbuf[64], cbuf[64];
    char *uri;

    if (!hdr || sip_addr_decode(&addr, &hdr->val) != 0 || !(uri = pl_xstrdup(&addr.auri))) {
        (void)sip_treply(NULL, sip, msg, 400, "Bad Refer-To");
        return;
    }
    if (c->state != CS_ESTABLISHED || c->hangup_req) {
        (void)sip_treply(NULL, sip, msg, 603, "Declined");
        free(uri);
        return;
    }
    /* RFC 3515 §2.4.2: 202 Accepted, the outcome follows in NOTIFYs. */
    (void)sip_treplyf(NULL, NULL, sip, msg, false, 202, "Accepted", "Content-Length: 0\r\n\r\n");
    nodelay_all();
    ev_init(&ev, UA_EV_REFER, c);
    ev_from_msg(&ev, msg, rbuf, sizeof(rbuf), cbuf, sizeof(cbuf));
    ev.refer_to = uri;
    emit(c->ua, &ev);
    free(uri);
}

int ua_call_notify(ua_call *c, uint16_t scode, const char *reason, int final)
{
    char frag[96];
    int n, e;

    if (!c || !c->sess || c->state == CS_CLOSED)
        return EINVAL;
    /* RFC 3515 §2.4.4-2.4.5: Event: refer, a message/sipfrag body with the
     * status line of the new call; the last one terminates the implicit
     * subscription. Fire and forget: libre keeps the transaction. */
    n = snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", scode, reason ? reason : "");
    if (n < 0 || (size_t)n >= sizeof(frag))
        return EINVAL;
    e = sip_drequestf(NULL, c->ua->sip, true, "NOTIFY", sipsess_dialog(c->sess), 0, NULL, contact_send_handler, NULL,
                      c->ua,
                      "Event: refer\r\nSubscription-State: %s\r\nContent-Type: message/sipfrag;version=2.0\r\n"
                      "Content-Length: %d\r\n\r\n%s",
                      final ? "terminated;reason=noresource" : "active;expires=60", n, frag);
    nodelay_all();
    return e;
}

/* Case-insensitive prefix test of a header value (libre 1.1 has no pl_strncasecmp). */
static int pl_prefix(const struct pl *pl, const char *prefix)
{
    size_t n = strlen(prefix);
    struct pl head;

    if (!pl || pl->l < n)
        return 0;
    head.p = pl->p;
    head.l = n;
    return pl_strcasecmp(&head, prefix) == 0;
}

static bool notify_handler(ua_sip *ua, const struct sip_msg *msg)
{
    ua_call *c = call_by_callid(ua, &msg->callid);
    const struct sip_hdr *ss = sip_msg_hdr(msg, SIP_HDR_SUBSCRIPTION_STATE);
    const struct sip_hdr *evh = sip_msg_hdr(msg, SIP_HDR_EVENT);
    struct pl ver, code, reason;
    char rbuf[64];
    ua_event ev;

    if (!c) {
        (void)sip_treply(NULL, ua->sip, msg, 481, "Subscription Does Not Exist");
        return true;
    }
    if (!evh || !pl_prefix(&evh->val, "refer")) {
        (void)sip_treply(NULL, ua->sip, msg, 489, "Bad Event");
        return true;
    }
    (void)sip_treply(NULL, ua->sip, msg, 200, "OK");
    nodelay_all();
    ev_init(&ev, UA_EV_NOTIFY, c);
    if (msg->mb && re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
                            "SIP/[0-9.]+ [0-9]+ [^\r\n]*", &ver, &code, &reason) == 0) {
        ev.scode = (uint16_t)pl_u32(&code);
        (void)pl_strcpy(&reason, rbuf, sizeof(rbuf));
        ev.reason = rbuf;
    }
    ev.err = ss && pl_prefix(&ss->val, "terminated");
    emit(ua, &ev);
    return true;
}

int ua_sip_move(ua_sip *s, const char *laddr, uint16_t port, char *err, size_t errlen)
{
    int e;

    if (!s || !laddr || s->closing) {
        snprintf(err, errlen, "cannot move now");
        return EINVAL;
    }
    /* The old sockets go (and with them TCP/TLS connections): the device
     * left that address. */
    sip_transp_flush(s->sip);
    for (int tp = UA_TP_UDP; tp <= UA_TP_TLS; tp++) {
        if (!(s->transports & UA_TP_BIT(tp)))
            continue;
        e = add_transport(s, (ua_tp)tp, laddr, port, err, errlen);
        if (e)
            return e;
    }
    nodelay_all();
    return 0;
}
