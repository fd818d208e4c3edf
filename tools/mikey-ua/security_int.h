/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internals of the MIKEY seam shared by security.c (call set-up) and
 * security_update.c (updates in re-INVITEs: rekeying, device and session
 * mobility). Not for the call controller: it uses security.h only.
 */
#ifndef MIKEY_UA_SECURITY_INT_H
#define MIKEY_UA_SECURITY_INT_H

#include "security.h"

#include <openmikey/sdp.h>
#include <openmikey/session.h>
#include <openmikey/srtp.h>

/** One direction's current SRTP master key (what the running stream uses). */
typedef struct ua_sec_keymat {
    int set;
    uint32_t ssrc;               /**< 0: any-SSRC template */
    uint8_t key[32], salt[14], mki[16];
    size_t key_len, salt_len, mki_len;
} ua_sec_keymat;

/** Update state of a call (security_update.c). Holds secrets: wiped with the ua_sec. */
typedef struct ua_sec_upd {
    uint8_t tgk[16];             /**< PSK/PKE initiator: the TGK we chose (re-sent by NEW_PEER updates) */
    size_t tgk_len;
    ua_sec_keymat cur[2];        /**< indexed by mikey_srtp_dir */
    ua_sec_keymat pend_out;      /**< responder: the send key to switch to at the ACK */
    size_t mki_back[2];          /**< bytes from an SRTP packet's end to its MKI (tag + MKI, or MKI after a GCM tag) */
    int offered;                 /**< an update offer awaits its answer */
    ua_sec_update_stats st;
} ua_sec_upd;

struct ua_sec {
    ua_sec_cfg cfg;
    int callee;
    char peer_uri[256];
    mikey_ctx *ctx;
    int offered;              /* caller: a MIKEY offer went out */
    uint32_t local_ssrc;
    int srtp;                 /* the chosen stream is RTP/SAVP, keyed */
    int mode;                 /* negotiated mode, 0 if none */
    ua_sec_times times;
    mikey_srtp *ss;
    ua_sec_srtp_stats st;
    char suite[40];
    int err_code;
    const char *err_from;
    char err_text[320];
    const char *sdp_ids;
    char peer_id[256];
    ua_sec_upd upd;
};

/* security.c: the per-process objects and helpers the update code reuses. */
const mikey_env *ua_sec_int_env(void);
const mikey_creds *ua_sec_int_creds(void);
const mikey_policy *ua_sec_int_policy(void);
mikey_replay *ua_sec_int_replay(void);
void ua_sec_int_set_error(ua_sec *s, int code, const char *from, const char *text);
void ua_sec_int_reject(ua_sec_reject *rej, uint16_t scode, const char *warning);
void ua_sec_int_reject_body(const ua_sdp *offer, const ua_sdp *answer, const uint8_t *emsg, size_t elen,
                            ua_sec_reject *rej);
int ua_sec_int_error_no(const uint8_t *msg, size_t len);
int ua_sec_int_never_acceptable(int rc);
int ua_sec_int_is_secure_proto(const char *proto);

/* security_update.c: hooks called from security.c. */
/** Initial PSK/PKE offer: use a TGK of ours (kept for NEW_PEER updates). */
int ua_sec_int_own_tgk(ua_sec *s, mikey_offer_opts *o);
/** install_srtp() keyed direction @p dir with @p k under @p pol: remember it. */
void ua_sec_int_keys_installed(ua_sec *s, int dir, const mikey_cs_keys *k, const mikey_srtp_policy *pol);
/** The MKI of an SRTP packet of direction @p dir (as sent, or as received
 *  before unprotect) into @p mki (16 bytes); 0 if it has none. */
size_t ua_sec_int_mki_of(const ua_sec *s, int dir, const uint8_t *pkt, size_t len, uint8_t *mki);
/** Count one RTP packet under the key with this MKI. */
void ua_sec_int_count_key(ua_sec *s, int dir, const uint8_t *mki, size_t mki_len);
/** Callee, before mikey_answer(): an update naming the CSB of the join file
 *  makes that CSB this call's context (session mobility). */
void ua_sec_int_join(ua_sec *s, const uint8_t *km, size_t km_len);

#endif
