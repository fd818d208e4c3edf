/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mode interface (DESIGN.md: one file per key-agreement mode behind one
 * interface). ctx.c does everything the modes share: argument and state
 * checks, parsing, the timestamp window and the replay cache, the data
 * type / mode / PRF / identity checks, security-policy negotiation, the
 * Error message, and installing the result. A mode supplies:
 *
 *  - offer:  build the I_MESSAGE (payloads, MAC or signature);
 *  - check:  the responder's cheap algorithm checks (downgrade protection),
 *            run before any public-key operation (docs/session.md);
 *  - answer: authenticate the I_MESSAGE, obtain the keys, build the
 *            R_MESSAGE (if one is due);
 *  - finish: authenticate the R_MESSAGE and obtain the keys.
 *
 * No mode function changes the context: results go into the exchange
 * structure and ctx.c installs them only when everything succeeded.
 */
#ifndef MIKEY_SESSION_MODE_H
#define MIKEY_SESSION_MODE_H

#include "session/session_int.h"

/* An initiator building an offer. */
typedef struct mk_offer_st {
    mikey_ctx *ctx;
    const mikey_offer_opts *o;
    int update;            /* RFC 3830 §4.5 update message */
    uint32_t csb_id;
    uint8_t prf;
    uint8_t t[8];          /* NTP-UTC T of this message */
    uint8_t rand_buf[MK_RAND_LEN];
    mikey_span rand_new;   /* RAND payload to send (empty for an update) */
    mikey_span rand;       /* RAND for the key derivations */
    mk_cs_plan *plans;
    size_t n;
    uint32_t keygen;       /* key generation of this offer (MKI numbering) */
    uint8_t *out;
    size_t cap;
    size_t outlen;
    mk_pending pend;       /* what finish() will need */
    int established;       /* the offer alone establishes the keys (no response due) */
} mk_offer_st;

/* A responder processing an I_MESSAGE, or an initiator processing the
 * R_MESSAGE (finish). */
typedef struct mk_in_st {
    mikey_ctx *ctx;
    uint64_t now;
    const uint8_t *buf;
    size_t len;
    mikey_msg *msg;
    const mikey_hdr *hdr;
    unsigned mode;
    int update;
    const mikey_payload *t;
    uint8_t t64[8];
    const mikey_payload *randp; /* RAND payload of msg, if any */
    mikey_span rand;            /* RAND for the derivations */
    uint8_t rand_buf[MK_RAND_LEN];
    const mikey_payload *idi, *idr;
    char *idi_str, *idr_str;
    mk_cs_plan *plans;
    size_t n;
    const mk_keyset *prev;      /* established keys (update) */
    mk_fail f;
    /* finish only: our I_MESSAGE */
    mikey_msg *imsg;
    const mikey_payload *i_idi, *i_idr;
    /* results */
    mk_keyset keys;
    char *peer_id;
    char *sdp_ids;
    /* response (answer) */
    uint8_t *out;
    size_t cap;
    size_t outlen;
} mk_in_st;

typedef struct mk_mode_ops {
    unsigned mode;
    uint8_t dt_init, dt_resp;
    int (*offer)(mk_offer_st *of);
    int (*check)(mk_in_st *in);
    int (*answer)(mk_in_st *in);
    int (*finish)(mk_in_st *in);
} mk_mode_ops;

extern const mk_mode_ops mk_mode_psk;
extern const mk_mode_ops mk_mode_null;
extern const mk_mode_ops mk_mode_pke;
extern const mk_mode_ops mk_mode_dh;
extern const mk_mode_ops mk_mode_dhhmac;
extern const mk_mode_ops mk_mode_rsar;

const mk_mode_ops *mk_mode_get(unsigned mode);

/* ---- shared by several modes ---- */

/* The offer's SP payloads: those the crypto sessions use, then (alt_sps)
 * one per other entry of the policy's SRTP list, Policy no = its index. */
int mk_offer_sps(mikey_msg *m, const mk_offer_st *of);
/* The offer's General Extensions: SDP IDs (RFC 4567 §4.1.4), then the
 * caller's (mikey_offer_opts::ext), all inside the MAC / signature. */
int mk_offer_exts(mikey_msg *m, const mk_offer_st *of);

/* The ID payloads of msg read as IDi / IDr for this mode and direction
 * (RFC 3830 §3, RFC 4650 §3: a single ID in a DH-HMAC I_MESSAGE is IDr;
 * a single ID in a DH / DH-HMAC R_MESSAGE is the mandatory IDi). */
int mk_read_ids(const mikey_msg *msg, unsigned mode, int response, const mikey_payload **idi,
                const mikey_payload **idr);

/* KEMAC checks common to PSK / PKE / RSA-R: NULL only for MIKEY-NULL,
 * nothing weaker than the policy (Invalid EA / Invalid MAC). */
int mk_kemac_algs_ok(const mikey_policy *p, unsigned mode, const mikey_kemac *k, mk_fail *f);

/* V payload (RFC 3830 §5.2): MAC over the R_MESSAGE without the MAC field
 * || IDi || IDr || T, identities = the raw ID data (INTEROP.md §1 item 5).
 * Build: patches the V data of the encoded response in in->out. */
int mk_v_seal(mk_in_st *in, const mikey_msg *resp, unsigned auth_alg, const uint8_t *key, size_t keylen);
/* Check the V of a response against our I_MESSAGE (accepts the minisip
 * variant without identities, docs/interop.md). */
int mk_v_open(mk_in_st *in, const uint8_t *key, size_t keylen, unsigned auth_alg);
/* Build the PSK/PKE verification response (HDR, T, [IDr], V). */
int mk_v_response(mk_in_st *in, uint8_t dt, unsigned auth_alg, const uint8_t *key, size_t keylen);

/* The PSK / PKE / MIKEY-NULL finish: check V, install the transported keys. */
int mk_psk_finish(mk_in_st *in);

/* The PKE / RSA-R KEMAC MAC (RFC 3830 §5.2): over the KEMAC payload with
 * its Next payload set to 0, except the MAC field. out_mac: where the MAC
 * goes in buf (patch) or is read from (check). */
int mk_kemac_payload_mac(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                         const mikey_payload *kemac, uint8_t *mac_out);
int mk_kemac_payload_mac_check(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen,
                               const mikey_payload *kemac);
/* Decrypt a KEMAC's Encr data and parse it as a chain starting with
 * first_type. *plain (allocated) backs *chain; wipe and free both. */
int mk_kemac_open(const mk_crypto_ops *ops, const mikey_env *env, const mikey_kemac *k, const mk_msg_keys *mk,
                  uint32_t csb_id, const uint8_t t64[8], unsigned first_type, uint8_t **plain, size_t *plain_len,
                  mikey_msg **chain, mk_fail *f);
/* Encrypt a plaintext chain into a new buffer. */
int mk_kemac_seal(const mk_crypto_ops *ops, const mikey_env *env, unsigned encr_alg, const mk_msg_keys *mk,
                  uint32_t csb_id, const uint8_t t64[8], const uint8_t *plain, size_t plain_len, uint8_t **enc,
                  size_t *enc_len);
void mk_free_secret(const mikey_env *env, uint8_t *p, size_t len);

/* RSA decryption of an envelope key with our key; a failure yields a
 * random key (implicit rejection), so only the MAC check reports it. */
int mk_open_envelope(const mikey_ctx *ctx, mikey_span data, uint8_t *key, size_t cap, size_t *keylen);

/* Keys from the plaintext Key data chain an initiator transported. */
int mk_keys_from_pending(mikey_ctx *ctx, const mk_pending *p, unsigned prf, uint32_t csb_id, mikey_span rand,
                         const mk_cs_plan *plans, size_t n, const mk_keyset *prev, mk_keyset *out, mk_fail *f);

/* DH helpers (mode_dh.c): the DH payloads of a message in order. */
const mikey_payload *mk_dh_nth(const mikey_msg *m, size_t n);
/* Responder: our key pair for the peer's DH payload, the TGK and the keys
 * (into in->keys); pub gets our public value. */
int mk_dh_respond(mk_in_st *in, const mikey_payload *peer, uint8_t *pub, mk_dh **dh_out);
/* Initiator: check the echoed IDi/DHi, compute the TGK from DHr, keys. */
int mk_dh_complete(mk_in_st *in);
/* Initiator: the identity the response must be bound to (opts->peer_id,
 * else the response's IDr); sets in->peer_id. */
int mk_expected_peer(mk_in_st *in, const char **claimed);
/* The KV of the DH payload for this offer (MKI when opts->mki_len). */
void mk_offer_kv(const mk_offer_st *of, uint8_t *mki_buf, mikey_kv *kv);

#endif /* MIKEY_SESSION_MODE_H */
