/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private header of src/session: the objects behind the opaque handles of
 * session.h (credentials, policy, replay cache, context), the per-crypto-
 * session plan, the failure record that carries the RFC 3830 §6.12 Error
 * number to send back, and the helpers shared by the mode files.
 *
 * Layering: this directory only calls src/wire (through message.h) and
 * src/crypto (through crypto.h); it never includes OpenSSL.
 */
#ifndef MIKEY_SESSION_INT_H
#define MIKEY_SESSION_INT_H

#include "crypto/crypto.h"
#include "internal.h"
#include "openmikey/message.h"
#include "openmikey/session.h"

#define MK_MAX_CS 255      /* #CS is 8 bits (RFC 3830 §6.1) */
#define MK_RAND_LEN 16     /* RFC 3830 §6.11: "SHOULD be at least 16" */
#define MK_TGK_LEN 16      /* default TGK length (session.h) */
#define MK_ENV_KEY_LEN 16  /* envelope key (RFC 3830 §3.2), 128 bits */
#define MK_MAX_CERTS 8     /* CERT payloads accepted per message */
#define MK_MAX_GENEXT 8
#define MK_DH_SEED_LEN 32
#define MK_REPLAY_HASH 32  /* SHA-256 of the message */

/* No Error message is due (session.h: *outlen = 0). */
#define MK_NO_ERRMSG (-1)

/* ---------------------------------------------------------------------- */
/* Failure record                                                          */
/* ---------------------------------------------------------------------- */

/* What went wrong while processing a message: the library error returned,
 * the RFC 3830 §6.12 Error no to send back (MK_NO_ERRMSG: none) and
 * whether the Error message carries the responder's acceptable SPs
 * (§5.1.1 capability discovery). */
typedef struct mk_fail {
    int err;
    int rfc;
    int with_sps;
} mk_fail;

/* Record a failure (the first one wins) and return err. */
int mk_failf(mk_fail *f, int err, int rfc);

/* ---------------------------------------------------------------------- */
/* Credentials (creds.c)                                                   */
/* ---------------------------------------------------------------------- */

typedef struct mk_psk_entry {
    char *peer; /* NULL: the default key */
    uint8_t *key;
    size_t len;
} mk_psk_entry;

typedef struct mk_peer_cert {
    char *peer;
    mk_cert *cert;
} mk_peer_cert;

struct mikey_creds {
    mikey_env env;
    const mk_crypto_ops *ops;
    char *identity;
    mk_psk_entry *psk;
    size_t npsk;
    mk_pkey *key;
    mk_cert **chain; /* own chain, leaf first */
    size_t nchain;
    mk_trust *trust;
    mk_cert **cas;
    size_t ncas;
    mk_peer_cert *peers;
    size_t npeers;
};

/* PSK for peer (exact match), else the default key. MIKEY_ERR_NOT_FOUND. */
int mk_creds_psk(const mikey_creds *c, const char *peer, const uint8_t **key, size_t *len);
/* The n-th known certificate of peer (NULL peer: any peer). NULL if none. */
const mk_cert *mk_creds_peer_cert(const mikey_creds *c, const char *peer, size_t n);
size_t mk_creds_peer_cert_count(const mikey_creds *c, const char *peer);

/* ---------------------------------------------------------------------- */
/* Policy (policy.c)                                                       */
/* ---------------------------------------------------------------------- */

/* Precomputed DH key pairs, one per group. A separate allocation so that a
 * const policy (borrowed by contexts) can still hand out its key pair. */
typedef struct mk_dh_pool {
    mk_dh *dh[3];
    uint8_t seed[3][MK_DH_SEED_LEN];
} mk_dh_pool;

struct mikey_policy {
    mikey_env env;
    const mk_crypto_ops *ops;
    unsigned modes;
    uint32_t skew;
    size_t cache_size;
    unsigned prf, min_prf;
    unsigned encr_alg, mac_alg;
    unsigned dh_group, dh_accepted;
    unsigned s_type, hash;
    mikey_srtp_params *srtp;
    size_t nsrtp;
    mk_dh_pool *pool;
};

/* Strength ranks used by the downgrade checks (higher is stronger). */
int mk_encr_rank(unsigned encr_alg);
int mk_mac_rank(unsigned mac_alg);

/* A DH key pair generated from a seed: the private exponent is drawn from
 * a deterministic expansion of the seed (so an exported initiator context
 * can rebuild it, session.h mikey_ctx_export). */
int mk_dh_from_seed(const mk_crypto_ops *ops, const mikey_env *env, unsigned group, const uint8_t seed[MK_DH_SEED_LEN],
                    mk_dh **out);
/* Take a precomputed key pair for group (or make a fresh one); the seed is
 * returned in seed. */
int mk_policy_take_dh(const mikey_policy *p, const mk_crypto_ops *ops, const mikey_env *env, unsigned group,
                      uint8_t seed[MK_DH_SEED_LEN], mk_dh **out);

/* ---------------------------------------------------------------------- */
/* SRTP parameters (srtp_params.c)                                         */
/* ---------------------------------------------------------------------- */

/* Fill every field with the value in effect (RFC 3711 defaults for the
 * absent ones, RFC 7714 ones for AES-GCM); present = all bits. */
void mk_srtp_effective(const mikey_srtp_params *in, mikey_srtp_params *out);
/* Master key and salt lengths in effect. */
size_t mk_srtp_key_len(const mikey_srtp_params *p);
size_t mk_srtp_salt_len(const mikey_srtp_params *p);
/* Encode the present fields as SP policy param TLVs. */
int mk_srtp_to_params(const mikey_srtp_params *p, uint8_t *out, size_t cap, size_t *outlen);
/* The policy's SRTP list, or the built-in default list when none was added. */
size_t mk_policy_srtp(const mikey_policy *p, const mikey_srtp_params **list);
/* Accept an offered SRTP policy: MIKEY_OK, or MIKEY_ERR_POLICY with the
 * first offending parameter type in *bad. */
int mk_srtp_acceptable(const mikey_policy *p, const mikey_srtp_params *offered, unsigned *bad, unsigned *bad_value);
/* Two policies equal in effect. */
int mk_srtp_equal(const mikey_srtp_params *a, const mikey_srtp_params *b);

/* ---------------------------------------------------------------------- */
/* Replay cache (replay.c)                                                 */
/* ---------------------------------------------------------------------- */

typedef struct mk_replay_ent {
    uint64_t t; /* the message's NTP timestamp */
    uint8_t h[MK_REPLAY_HASH];
} mk_replay_ent;

struct mikey_replay {
    mikey_env env;
    const mk_crypto_ops *ops;
    uint32_t skew;
    size_t cap;
    mk_replay_ent *e;
    size_t n;
    uint64_t floor; /* messages with T <= floor are refused (evictions) */
};

/* Timestamp window and cache lookup; changes nothing. MIKEY_ERR_TIMESTAMP
 * or MIKEY_ERR_REPLAY. */
int mk_replay_check(const mikey_replay *r, uint64_t now, uint64_t t, const uint8_t h[MK_REPLAY_HASH]);
/* Remember an authenticated message. */
int mk_replay_insert(mikey_replay *r, uint64_t now, uint64_t t, const uint8_t h[MK_REPLAY_HASH]);
/* Seconds of a against b as a signed 32-bit difference (NTP era wrap). */
int64_t mk_ntp_diff_sec(uint64_t a, uint64_t b);

/* ---------------------------------------------------------------------- */
/* Crypto sessions (csb.c)                                                 */
/* ---------------------------------------------------------------------- */

/* One crypto session as the HDR map and the SP payloads describe it. */
typedef struct mk_cs_plan {
    uint8_t policy_no;
    uint32_t ssrc;
    uint32_t roc;
    mikey_srtp_params srtp; /* as in the SP (present bits), defaults if none */
    int has_sp;
} mk_cs_plan;

/* The keys a message transports or a DH exchange yields, before they are
 * installed in a context. */
typedef struct mk_keyset {
    mikey_cs_keys *cs;
    size_t ncs;
    uint8_t tgk[MK_MAX_DH_LEN]; /* kept for updates without Key data (§4.5) */
    size_t tgk_len;
    uint8_t tgk_salt[14];
    size_t tgk_salt_len;
} mk_keyset;

/* Plans from the HDR map and SP payloads of msg; *plans is allocated. */
int mk_plans_from_msg(const mikey_env *env, const mikey_msg *msg, mk_cs_plan **plans, size_t *n, mk_fail *f);
/* The HDR CS ID map info bytes for plans. */
int mk_plans_map(const mk_cs_plan *plans, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* Build the Key data sub-payloads (appended to chain) that an initiator
 * transports for plans; prefix_len is the length of what precedes them in
 * the KEMAC Encr data (the PKE IDi) so AES-KW gets whole 64-bit blocks. */
int mk_keys_build(const mikey_env *env, const mikey_offer_opts *o, unsigned encr_alg, uint32_t keygen,
                  const mk_cs_plan *plans, size_t n, size_t prefix_len, mikey_msg *chain);
/* Wipe the keys held by a built (not parsed) Key data chain before it is
 * freed. */
/* Keys from the Key data payloads of chain (from index first on). prev:
 * the established keys (an update may carry no Key data). */
int mk_keys_from_chain(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                       const mikey_msg *chain, size_t first, const mk_cs_plan *plans, size_t n, const mk_keyset *prev,
                       mk_keyset *out, mk_fail *f);
/* Keys of an update that carries no new keying material (§4.5). */
int mk_keys_from_prev(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                      const mk_keyset *prev, const mk_cs_plan *plans, size_t n, mk_keyset *out, mk_fail *f);
/* Keys from a TGK (DH modes); kv: the DH payload's key validity. */
int mk_keys_from_tgk(const mk_crypto_ops *ops, const mikey_env *env, unsigned prf, uint32_t csb_id, mikey_span rand,
                     const uint8_t *tgk, size_t tgk_len, const mikey_kv *kv, const mk_cs_plan *plans, size_t n,
                     mk_keyset *out, mk_fail *f);
void mk_keyset_wipe(const mikey_env *env, mk_keyset *k);

/* ---------------------------------------------------------------------- */
/* Context (ctx.c)                                                         */
/* ---------------------------------------------------------------------- */

enum mk_role { MK_ROLE_NONE = 0, MK_ROLE_INITIATOR = 1, MK_ROLE_RESPONDER = 2 };

/* Initiator state between offer and finish (exported by export.c). */
typedef struct mk_pending {
    uint8_t *imsg; /* our I_MESSAGE */
    size_t imsg_len;
    uint8_t *keys; /* the plaintext Key data chain we transported */
    size_t keys_len;
    uint8_t keys_first; /* payload type the chain starts with (ID for PKE) */
    uint8_t auth_key[32]; /* PSK/PKE: V key; DH-HMAC: response MAC key */
    size_t auth_len;
    uint8_t dh_seed[MK_DH_SEED_LEN];
    mk_dh *dh;
    char *peer_id; /* opts->peer_id */
    int want_v;
    uint8_t rand[255]; /* RAND of the I_MESSAGE (or the CSB's for an update) */
    size_t rand_len;
} mk_pending;

struct mikey_ctx {
    mikey_env env;
    const mk_crypto_ops *ops;
    const mikey_creds *creds;
    const mikey_policy *policy;
    mikey_replay *replay;
    mikey_replay *own_replay;
    int state;
    int role;
    int has_csb;       /* a CSB was established once: offers are updates */
    unsigned mode;
    int peer_error;
    uint32_t csb_id;
    uint8_t prf;
    uint8_t rand[255]; /* RAND of the initial exchange (§4.5: updates have none) */
    size_t rand_len;
    uint64_t last_t;   /* last T sent: T values are unique (§5.2) */
    uint32_t keygen;   /* key generation, numbers the MKIs */
    mk_keyset keys;    /* established */
    char *peer_id;
    char *sdp_ids;     /* authenticated SDP IDs General Extension (RFC 4567 §4.1.4) */
    int sp_choice;     /* responder: SP Policy no chosen among offered alternatives, -1: the map's */
    mk_pending pend;
};

void mk_pending_clear(mikey_ctx *ctx, mk_pending *p);
char *mk_strndup(const mikey_env *env, const char *s, size_t n);
/* Internal accessor for the SDP layer: the SDP IDs list the peer
 * authenticated in a General Extension payload, or NULL. */
const char *mk_ctx_sdp_ids(const mikey_ctx *ctx);

/* ---------------------------------------------------------------------- */
/* Building and authenticating messages (build.c, auth.c)                  */
/* ---------------------------------------------------------------------- */

int mk_b_hdr(mikey_msg *m, uint8_t dt, int v, uint8_t prf, uint32_t csb_id, const mk_cs_plan *plans, size_t n);
int mk_b_hdr_raw(mikey_msg *m, uint8_t dt, int v, uint8_t prf, uint32_t csb_id, uint8_t ncs, uint8_t map_type,
                 mikey_span map_info);
int mk_b_ts(mikey_msg *m, uint8_t ts_type, mikey_span value);
int mk_b_rand(mikey_msg *m, mikey_span r);
int mk_b_id(mikey_msg *m, const char *uri);
int mk_b_id_raw(mikey_msg *m, uint8_t type, mikey_span data);
int mk_b_certs(mikey_msg *m, const mikey_creds *c);
/* SP payloads for the policies the plans use (each policy_no once). */
int mk_b_sps_for_plans(mikey_msg *m, const mk_cs_plan *plans, size_t n);
int mk_b_sp(mikey_msg *m, uint8_t policy_no, const mikey_srtp_params *p);
int mk_b_genext(mikey_msg *m, uint8_t type, mikey_span data);
/* KEMAC with a zero MAC (patched after encoding). */
int mk_b_kemac(mikey_msg *m, uint8_t encr_alg, mikey_span encr, uint8_t mac_alg);
int mk_b_v(mikey_msg *m, uint8_t auth_alg);
int mk_b_dh(mikey_msg *m, uint8_t group, mikey_span value, const mikey_kv *kv);
/* SIGN with a zero signature of siglen bytes (patched after signing). */
int mk_b_sign(mikey_msg *m, uint8_t s_type, size_t siglen);
int mk_b_pke(mikey_msg *m, uint8_t c, mikey_span data);
/* Encode into out; NOBUF sets *outlen. */
int mk_b_encode(mikey_msg *m, uint8_t *out, size_t cap, size_t *outlen);
/* The ID type for an identity string: URI when it has a scheme, else NAI. */
uint8_t mk_id_type_for(const char *id);
/* NTP-64 from env->now (MIKEY_ERR_CALLBACK if none). */
int mk_now(const mikey_env *env, uint64_t *now);

/* MAC over parts (HMAC only; NULL refused by the caller). */
int mk_mac(const mk_crypto_ops *ops, unsigned mac_alg, const uint8_t *key, size_t keylen, const mikey_span *parts,
           size_t nparts, uint8_t *out);
/* Sign buf[0..covered) followed by the extra parts with the own key and
 * the policy's signature type and hash; the siglen-byte signature is
 * written to sig_field (the zeroed SIGN field of the encoded message). */
int mk_sign_msg(const mikey_ctx *ctx, const uint8_t *buf, size_t covered, uint8_t *sig_field, size_t siglen,
                const mikey_span *extra, size_t nextra);
/* Verify a signature made with s_type: SHA-256, then SHA-1 (RFC 3830
 * §4.2.1's default hash; docs/interop.md "accepted where safe"). */
int mk_verify_sig(const mk_crypto_ops *ops, const mk_pkey *k, unsigned s_type, const mikey_span *parts, size_t nparts,
                  mikey_span sig);
/* Signature types the policy accepts (downgrade check): RSA/PKCS#1 v1.5
 * unless the policy signs with PSS; PSS always; others never. */
int mk_sign_type_ok(const mikey_policy *p, unsigned s_type);
/* The peer's public key for a signed message: the CERT payloads of msg
 * (verified against the trust store and bound to claimed_id) or a known
 * peer certificate. *cert_out (may be NULL) receives the leaf. */
int mk_peer_pubkey(const mikey_ctx *ctx, const mikey_msg *msg, const char *claimed_id, mk_pkey **out, mk_fail *f);
/* The identity in an ID payload as a string (NUL-free), or NULL + error. */
int mk_id_string(const mikey_env *env, const mikey_payload *id, char **out);

/* ---------------------------------------------------------------------- */
/* Error messages (errors.c)                                               */
/* ---------------------------------------------------------------------- */

/* Build the Error message HDR, T, ERR, {SP} (RFC 3830 §5.1.2). hdr/t may be
 * NULL (unparseable input): CSB ID 0, T now. */
int mk_error_msg(const mikey_ctx *ctx, const mikey_hdr *hdr, const mikey_ts *t, int rfc, int with_sps, uint8_t *out,
                 size_t cap, size_t *outlen);
/* The first Error no of a parsed Error message (-1 if none). */
int mk_error_no(const mikey_msg *m);

#endif /* MIKEY_SESSION_INT_H */
