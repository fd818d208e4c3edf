/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SIP adapter of mikey-ua: the only code that talks to libre's SIP
 * (sip, sipsess, sipreg, tls). Everything else in the UA sees this small
 * API: a stack object (::ua_sip) with transports and registration, call
 * objects (::ua_call), and one event callback that reports what happened,
 * each event stamped with the monotonic microsecond clock (clock.h) at the
 * moment libre delivered it.
 *
 * libre 1.1 facts this file deals with (see docs/mikey-ua.md):
 *  - libre's SIP TLS transport does not verify the peer certificate; the
 *    adapter installs an OpenSSL verify callback on libre's SSL_CTX
 *    (tls_openssl_context()) that checks the chain against the configured
 *    CAs and the leaf against the host names the UA is connecting to.
 *  - libre never sets TCP_NODELAY; the adapter sets it on every TCP socket
 *    of the process (listening sockets, whose accepted sockets inherit it on
 *    Linux, and connections, before the first SIP byte is written).
 *  - Closing right after hang-up loses the 200 to the BYE: ua_sip_close()
 *    lingers until libre's pending transactions finish (or a time limit).
 *
 * Threading: single-threaded, everything runs in libre's main loop
 * (ua_sip_run()). Event handlers may call any function of this API.
 */
#ifndef MIKEY_UA_SIP_ADAPTER_H
#define MIKEY_UA_SIP_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct ua_sip ua_sip;
typedef struct ua_call ua_call;

/** SIP transports. */
typedef enum ua_tp { UA_TP_UDP = 0, UA_TP_TCP = 1, UA_TP_TLS = 2 } ua_tp;
#define UA_TP_BIT(tp) (1u << (tp))

const char *ua_tp_name(ua_tp tp);
/** "udp", "tcp", "tls" -> 0 and *tp; -1 otherwise. */
int ua_tp_parse(const char *s, ua_tp *tp);

/** Configuration of the stack. Strings are copied by ua_sip_new(). */
typedef struct ua_sip_cfg {
    const char *laddr;          /**< IP address to bind SIP (and advertise in Contact) */
    uint16_t port;              /**< UDP and TCP port; 0: ephemeral */
    uint16_t tls_port;          /**< TLS port; 0: ephemeral */
    unsigned transports;        /**< UA_TP_BIT mask */
    const char *aor;            /**< our address of record, "sip:alice@a.test" (From, REGISTER To) */
    const char *display_name;   /**< may be NULL */
    const char *auth_user;      /**< digest user name (NULL: user part of the AOR) */
    const char *auth_pass;      /**< digest password (NULL: no credentials) */
    const char *outbound_proxy; /**< route set of one URI, e.g. "sip:127.0.0.1:5060;lr"; NULL: none */
    const char *tls_cert;       /**< PEM: our certificate chain, and the key if tls_key is NULL */
    const char *tls_key;        /**< PEM private key (NULL: in tls_cert) */
    const char *tls_ca;         /**< PEM CA bundle to verify peers (NULL: the system's) */
    int tls_insecure;           /**< 1: do not verify the peer certificate (logged loudly) */
    int tls_verify_client;      /**< 1: request and verify client certificates on inbound TLS */
    const char *user_agent;     /**< User-Agent / Server header value */
    int trace;                  /**< 1: print every SIP message sent/received on stderr */
} ua_sip_cfg;

/** Event types. */
typedef enum ua_ev_type {
    /** Callee: a new INVITE. The handler MUST call ua_call_accept() or
     *  ua_call_reject() before returning (otherwise the adapter answers
     *  500). body/ctype: the offer. */
    UA_EV_INCOMING = 1,
    /** Caller: a provisional response (scode 1xx). */
    UA_EV_PROGRESS,
    /** Caller: a 2xx carrying the SDP answer (body). The stack sends the
     *  ACK after the handler returns; a handler return value != 0 ends the
     *  call (ACK then BYE), see ::ua_event_h. */
    UA_EV_ANSWERED,
    /** Caller: the 2xx was ACKed. Callee: the ACK was received. */
    UA_EV_ESTABLISHED,
    /** A re-INVITE with a new offer (body). The handler may call
     *  ua_call_set_reoffer_answer(); without an answer it is refused
     *  with 488 (libre 1.1 cannot send another code here). */
    UA_EV_REOFFER,
    /** The call is over (see scode, reason, err, by_peer, body). After the
     *  handler returns the ::ua_call is freed: drop every pointer to it. */
    UA_EV_CLOSED,
    /** REGISTER succeeded (scode 200) or failed (scode/err). */
    UA_EV_REGISTER_OK,
    UA_EV_REGISTER_FAILED,
    /* ---- re-INVITE and REFER (rekey, device and session mobility) ---- */
    /** Our re-INVITE (ua_call_reinvite()) got a 2xx: body is the answer.
     *  libre sends the ACK after the handler returns (its return value is
     *  not used: end the call with ua_call_hangup() if the answer is bad). */
    UA_EV_REANSWERED,
    /** Our re-INVITE got a final failure (scode >= 300, body: e.g. the
     *  MIKEY Error in SDP). The session and its old state go on. */
    UA_EV_REOFFER_FAILED,
    /** The ACK of our 200 to the peer's re-INVITE arrived. */
    UA_EV_REOFFER_ACKED,
    /** In-dialog REFER (RFC 3515), already answered 202 Accepted: refer_to
     *  is the Refer-To URI. Report progress with ua_call_notify(). */
    UA_EV_REFER,
    /** The final response to our REFER (scode; 202: accepted). */
    UA_EV_REFER_ANSWERED,
    /** A NOTIFY of our REFER's implicit subscription: scode/reason from its
     *  message/sipfrag body ("SIP/2.0 200 OK"); err = 1 when the
     *  subscription is terminated (final). */
    UA_EV_NOTIFY,
} ua_ev_type;

const char *ua_ev_name(ua_ev_type t);

/** One event. Pointers are valid only during the handler call. */
typedef struct ua_event {
    ua_ev_type type;
    uint64_t t_us;          /**< monotonic time the stack delivered it (clock.h) */
    ua_call *call;          /**< NULL for registration events */
    uint16_t scode;         /**< response status code, 0 if the event is not a response */
    const char *reason;     /**< reason phrase or a description ("" if none) */
    const char *ctype;      /**< Content-Type of body, NULL if no body */
    const uint8_t *body;
    size_t body_len;
    int err;                /**< errno-style error from the stack (0: none) */
    int by_peer;            /**< CLOSED: 1 if the peer (or the network) ended the call */
    const char *detail;     /**< CLOSED: extra cause, e.g. a TLS verification failure; may be NULL */
    const char *refer_to;   /**< REFER: the Refer-To URI */
} ua_event;

/** The event handler. Its return value matters only for UA_EV_ANSWERED
 *  (non-zero: the answer is unacceptable, end the call) and for
 *  UA_EV_REOFFER (non-zero: refuse with 488). */
typedef int (*ua_event_h)(const ua_event *ev, void *arg);

/**
 * Start libre (once per process), create the SIP stack, bind the transports
 * in cfg->transports. Returns 0 or an errno value with a message in @p err.
 */
int ua_sip_new(ua_sip **out, const ua_sip_cfg *cfg, ua_event_h h, void *arg, char *err, size_t errlen);

/** Bound address of a transport, "ip:port" (for logs and tests). */
int ua_sip_local(const ua_sip *s, ua_tp tp, char *buf, size_t len);

/** REGISTER our AOR at @p registrar (a SIP URI) for @p expires seconds,
 *  refreshed by libre; digest credentials from the config. Events:
 *  UA_EV_REGISTER_OK / UA_EV_REGISTER_FAILED. */
int ua_sip_register(ua_sip *s, const char *registrar, uint32_t expires);

/** Run the main loop until ua_sip_stop() or ua_sip_close() finishes. */
int ua_sip_run(ua_sip *s);
/** Leave ua_sip_run() at the next iteration. */
void ua_sip_stop(ua_sip *s);

/**
 * Graceful shutdown: hang up every call, un-REGISTER, then keep the loop
 * running until libre's pending transactions (BYE, CANCEL, REGISTER
 * expires=0) complete, at most @p linger_ms; then ua_sip_run() returns.
 */
void ua_sip_close(ua_sip *s, unsigned linger_ms);

/** Free the stack (after ua_sip_run() returned) and stop libre. */
void ua_sip_free(ua_sip *s);

/* ---------------------------------------------------------------------- */
/* Calls                                                                   */
/* ---------------------------------------------------------------------- */

/**
 * Caller: send an INVITE to @p uri with @p sdp as the offer. @p tp forces
 * the transport (adds ";transport=tcp|tls" when the URI has none); pass
 * UA_TP_UDP to keep the URI's own choice. Events follow on the handler.
 */
int ua_call_dial(ua_sip *s, ua_call **out, const char *uri, ua_tp tp, const char *sdp, size_t sdp_len,
                 void *user);

/** Callee, inside UA_EV_INCOMING: accept the INVITE and send 180 Ringing. */
int ua_call_accept(ua_call *c);
/** Callee, after ua_call_accept(): send 200 OK with @p sdp as the answer
 *  (the "pick-up"; the 2xx is retransmitted until the ACK arrives). */
int ua_call_answer(ua_call *c, const char *sdp, size_t sdp_len);
/**
 * Callee: refuse the INVITE with @p scode (>= 300). Inside UA_EV_INCOMING
 * a body may be sent with it (e.g. the SDP carrying a MIKEY Error message,
 * RFC 4567 §4.1); after ua_call_accept() libre 1.1 can only send a bodiless
 * rejection, so @p body must then be NULL.
 */
int ua_call_reject(ua_call *c, uint16_t scode, const char *reason, const char *ctype, const uint8_t *body,
                   size_t body_len);
/** ua_call_reject() with a "Warning: 399 <host> \"warning\"" header (RFC 3261
 *  §20.43; RFC 4567 §4.1.1), before ua_call_accept() only; NULL: none. */
int ua_call_reject_warn(ua_call *c, uint16_t scode, const char *reason, const char *warning, const char *ctype,
                        const uint8_t *body, size_t body_len);
/** Inside UA_EV_REOFFER: the SDP answer to send in the 200. */
int ua_call_set_reoffer_answer(ua_call *c, const char *sdp, size_t sdp_len);
/**
 * Inside UA_EV_REOFFER: refuse the re-INVITE with @p scode (e.g. 488, or
 * 606), a Warning 399 and an optional body (the MIKEY Error message in
 * SDP, RFC 4567 §4.1.1). The call goes on unchanged. (libre 1.1's own
 * re-INVITE refusal is a bodiless 488: the adapter answers re-INVITEs from
 * a request listener ahead of libre's session layer to do better.)
 */
int ua_call_reject_reoffer(ua_call *c, uint16_t scode, const char *reason, const char *warning, const char *ctype,
                           const uint8_t *body, size_t body_len);
/**
 * Established call: send a re-INVITE with @p sdp as the new offer (libre
 * sipsess_modify()). Outcome: UA_EV_REANSWERED or UA_EV_REOFFER_FAILED.
 * EBUSY while one is pending.
 */
int ua_call_reinvite(ua_call *c, const char *sdp, size_t sdp_len);
/** Established call: send REFER with Refer-To: <@p target> (RFC 3515).
 *  Outcome: UA_EV_REFER_ANSWERED, then UA_EV_NOTIFY events. */
int ua_call_refer(ua_call *c, const char *target);
/** After UA_EV_REFER: NOTIFY the referrer with the sipfrag "SIP/2.0
 *  @p scode @p reason"; @p final terminates the subscription. */
int ua_call_notify(ua_call *c, uint16_t scode, const char *reason, int final);
/**
 * Device mobility: move every SIP transport to @p laddr (port @p port, 0:
 * ephemeral). Established dialogs go on: their next request (a re-INVITE
 * from ua_call_reinvite()) leaves from the new address and carries it in
 * Via and Contact, so the peer's dialog takes the new remote target
 * (RFC 3261 §12.2.2). Requests to the old address are no longer received.
 */
int ua_sip_move(ua_sip *s, const char *laddr, uint16_t port, char *err, size_t errlen);
/**
 * End the call from our side: CANCEL (caller, not answered yet), 486/603
 * rejection (callee, not answered yet) or BYE (established). A UA_EV_CLOSED
 * event (by_peer = 0) follows from the main loop.
 */
void ua_call_hangup(ua_call *c);

void *ua_call_user(const ua_call *c);
void ua_call_set_user(ua_call *c, void *user);
/** 1 for an incoming call. */
int ua_call_incoming(const ua_call *c);
/** Call-ID, peer URI (To of an outgoing, From of an incoming call), transport. */
const char *ua_call_id(const ua_call *c);
const char *ua_call_peer(const ua_call *c);
ua_tp ua_call_transport(const ua_call *c);

#endif
