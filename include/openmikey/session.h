/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file session.h
 * @brief Levels 1 and 2 of the API: key agreement (RFC 3830 PSK, PKE,
 *        signed DH; RFC 4650 DH-HMAC; RFC 4738 RSA-R; MIKEY-NULL).
 *
 * Level 1: configure a ::mikey_ctx once with credentials and policy; the
 * initiator calls mikey_offer() (I_MESSAGE) and mikey_finish() (R_MESSAGE),
 * the responder calls mikey_answer(). The result is one ::mikey_cs_keys per
 * crypto session: SRTP master key, salt, SSRC, ROC, MKI and policy.
 *
 * Level 2: the same calls, with the caller choosing the mode and supplying
 * the keys of one exchange in ::mikey_offer_opts (TGK, PSK override, CSB ID).
 *
 * The library is sans-I/O: credentials are passed as bytes (PEM/DER), time
 * and randomness come from the ::mikey_env. Nothing here reads files.
 */
#ifndef OPENMIKEY_SESSION_H
#define OPENMIKEY_SESSION_H

#include "common.h"
#include "message.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Key-agreement modes. */
typedef enum mikey_mode {
    MIKEY_MODE_PSK = 1,    /**< RFC 3830 §3.1 pre-shared key */
    MIKEY_MODE_PKE = 2,    /**< RFC 3830 §3.2 public-key envelope */
    MIKEY_MODE_DH = 3,     /**< RFC 3830 §3.3 signed Diffie-Hellman */
    MIKEY_MODE_DHHMAC = 4, /**< RFC 4650 HMAC-authenticated Diffie-Hellman */
    MIKEY_MODE_RSAR = 5,   /**< RFC 4738 RSA in reverse mode */
    MIKEY_MODE_NULL = 6    /**< PSK data type, KEMAC NULL/NULL over a secured transport ("MIKEY-NULL", RTSP cameras) */
} mikey_mode;

/** Bit for @p mode in policy masks. */
#define MIKEY_MODE_BIT(mode) (1u << (mode))

MIKEY_EXPORT const char *mikey_mode_name(unsigned mode);

/* ---------------------------------------------------------------------- */
/* Credentials                                                             */
/* ---------------------------------------------------------------------- */

/** A credential store: own identity, PSKs per peer, own RSA key and
 *  certificate chain, trusted CAs, known peer certificates. */
typedef struct mikey_creds mikey_creds;

MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_creds_new(const mikey_env *env, mikey_creds **out);
MIKEY_EXPORT void mikey_creds_free(mikey_creds *c);
/** Own identity, a URI (e.g. "sip:alice@a.example"), sent in ID payloads. */
MIKEY_EXPORT int mikey_creds_set_identity(mikey_creds *c, const char *uri);
/** Add a pre-shared key for @p peer_uri (NULL: the default key for any peer). The key is copied. */
MIKEY_EXPORT int mikey_creds_add_psk(mikey_creds *c, const char *peer_uri, const uint8_t *key, size_t len);
/** Own RSA private key, PEM or DER. */
MIKEY_EXPORT int mikey_creds_set_key(mikey_creds *c, const uint8_t *pem, size_t len);
/** Own certificate chain, leaf first, PEM (possibly several) or DER. */
MIKEY_EXPORT int mikey_creds_add_cert(mikey_creds *c, const uint8_t *pem, size_t len);
/** A trusted CA certificate (PEM, possibly several, or DER). */
MIKEY_EXPORT int mikey_creds_add_trust(mikey_creds *c, const uint8_t *pem, size_t len);
/** A peer's certificate known in advance (PKE initiators need the responder's). */
MIKEY_EXPORT int mikey_creds_add_peer_cert(mikey_creds *c, const char *peer_uri, const uint8_t *pem, size_t len);

/* ---------------------------------------------------------------------- */
/* Security policy for SRTP (RFC 3830 §6.10.1)                             */
/* ---------------------------------------------------------------------- */

/** SRTP parameters of one SP payload. Fields whose bit is not set in
 *  @c present are not sent (the SRTP default applies). */
typedef struct mikey_srtp_params {
    uint32_t present;      /**< bit (1u << MIKEY_SP_*) per field below */
    uint8_t encr_alg;      /**< SRTP encr alg: 0 NULL, 1 AES-CM, 2 AES-F8, 6 AES-GCM */
    uint8_t encr_key_len;  /**< bytes */
    uint8_t auth_alg;      /**< 0 NULL, 1 HMAC-SHA-1 */
    uint8_t auth_key_len;  /**< bytes */
    uint8_t salt_key_len;  /**< bytes */
    uint8_t prf;           /**< 0 AES-CM */
    uint32_t kdr;          /**< key derivation rate itself (RFC 3711 §4.3.1: 0 or 2^n, n <= 24), sent as a
                                1-4 byte big-endian integer (the reading libsrtp-style SP mapping uses; docs/interop.md) */
    uint8_t srtp_encr;     /**< 0 off, 1 on */
    uint8_t srtcp_encr;
    uint8_t fec_order;
    uint8_t srtp_auth;
    uint8_t auth_tag_len;  /**< bytes */
    uint8_t prefix_len;
    uint8_t aead_tag_len;  /**< RFC 7714 §15, param 20 */
} mikey_srtp_params;

/** Fill @p p with a named suite: "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
 *  "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32", "AES_F8_128_HMAC_SHA1_80", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM",
 *  "NULL_HMAC_SHA1_80". MIKEY_ERR_NOT_FOUND for other names. */
MIKEY_EXPORT int mikey_srtp_params_suite(mikey_srtp_params *p, const char *name);
/** Decode an SP payload's SRTP params (unknown types are ignored, repeated ones: last wins). */
MIKEY_EXPORT int mikey_srtp_params_from_sp(const mikey_sp *sp, mikey_srtp_params *out);

/* ---------------------------------------------------------------------- */
/* Policy                                                                  */
/* ---------------------------------------------------------------------- */

typedef struct mikey_policy mikey_policy;

MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_policy_new(const mikey_env *env, mikey_policy **out);
MIKEY_EXPORT void mikey_policy_free(mikey_policy *p);
/** Modes accepted as responder (MIKEY_MODE_BIT mask). Default: PSK, PKE, DH, DHHMAC, RSAR (not NULL). */
MIKEY_EXPORT int mikey_policy_set_modes(mikey_policy *p, unsigned mask);
/** Replay protection (RFC 3830 §5.4): allowed clock skew in seconds (default 300)
 *  and the number of cached messages (default 1024). */
MIKEY_EXPORT int mikey_policy_set_replay(mikey_policy *p, uint32_t skew_seconds, size_t cache_size);
/** PRF sent as initiator (default MIKEY-1) and the weakest accepted as responder/initiator (default MIKEY-1). */
MIKEY_EXPORT int mikey_policy_set_prf(mikey_policy *p, unsigned prf, unsigned min_prf);
/** KEMAC algorithms sent as initiator (default AES-CM-128 / HMAC-SHA-1-160). */
MIKEY_EXPORT int mikey_policy_set_kemac(mikey_policy *p, unsigned encr_alg, unsigned mac_alg);
/** DH group sent (default OAKLEY 5) and groups accepted (mask of 1u << group; default all three). */
MIKEY_EXPORT int mikey_policy_set_dh(mikey_policy *p, unsigned group, unsigned accepted_mask);
/** Precompute a DH key pair for @p group so the next offer/answer does not wait for it
 *  (the seed paper's proposed optimisation). Uses env->rng. */
MIKEY_EXPORT int mikey_policy_precompute_dh(mikey_policy *p, unsigned group);
/** Signature type and hash used when signing (default RSA/PKCS#1 v1.5 with SHA-256). Verification of
 *  PKCS#1 v1.5 accepts SHA-256 and SHA-1 (RFC 3830 §4.2.1's default hash); see docs/interop.md. */
MIKEY_EXPORT int mikey_policy_set_sign(mikey_policy *p, unsigned s_type, unsigned hash_func);
/** Add an SRTP policy: offered by an initiator (in order), accepted by a responder
 *  (an offered SP is accepted if it equals one of these on every parameter present). */
MIKEY_EXPORT int mikey_policy_add_srtp(mikey_policy *p, const mikey_srtp_params *sp);

/* ---------------------------------------------------------------------- */
/* Replay cache (RFC 3830 §5.4), shared by the contexts of a responder     */
/* ---------------------------------------------------------------------- */

typedef struct mikey_replay mikey_replay;

MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_replay_new(const mikey_env *env, uint32_t skew_seconds, size_t cache_size,
                                                   mikey_replay **out);
MIKEY_EXPORT void mikey_replay_free(mikey_replay *r);
/** Serialise the cache (so a restarted responder keeps refusing replays); NOBUF sets *outlen. */
MIKEY_EXPORT int mikey_replay_save(const mikey_replay *r, uint8_t *out, size_t cap, size_t *outlen);
/** Load a saved cache (entries older than the window are dropped). MIKEY_ERR_ENCODING if corrupt. */
MIKEY_EXPORT int mikey_replay_load(mikey_replay *r, const uint8_t *buf, size_t len);
MIKEY_EXPORT size_t mikey_replay_count(const mikey_replay *r);

/* ---------------------------------------------------------------------- */
/* Exchanges                                                               */
/* ---------------------------------------------------------------------- */

typedef struct mikey_ctx mikey_ctx;

/** One crypto session to offer. */
typedef struct mikey_stream_desc {
    uint32_t ssrc;  /**< 0: not known yet; the responder fills it (RFC 3830 §6.1.1) */
    uint32_t roc;
    size_t srtp_index; /**< which policy_add_srtp() entry applies (0-based) */
} mikey_stream_desc;

/** Options of one offer (level 1 leaves most at zero). */
typedef struct mikey_offer_opts {
    unsigned mode;                   /**< ::mikey_mode */
    const char *peer_id;             /**< responder identity URI (PSK lookup, IDr, cert binding); may be NULL */
    const mikey_stream_desc *streams;
    size_t nstreams;
    int want_verification;           /**< V flag (PSK/PKE); DH modes always answer */
    const char *sdp_ids;             /**< RFC 4567 §4.1.4 key-mgmt protocol list for a General Ext "SDP IDs"; NULL: none */
    /* level 2 overrides (0 / NULL: chosen by the library) */
    uint32_t csb_id;
    const uint8_t *tgk;              /**< PSK/PKE/RSA-R: the TGK to transport */
    size_t tgk_len;                  /**< default 16 */
    const uint8_t *psk;              /**< PSK/DH-HMAC: key for this exchange instead of the store's */
    size_t psk_len;
    size_t mki_len;                  /**< KV = SPI with an MKI of this length (0: KV NULL) */
    int salt_mode;                   /**< 0: derive the salt (§4.1.3); 1: TGK+SALT; 2: TEK with key||salt (RTSP practice) */
    /* negotiation (negotiate.h) */
    const mikey_genext *ext;         /**< extra General Extension payloads, sent after the SDP IDs one and so inside
                                          the MAC / signature (e.g. the negotiation extension, type 241); copied */
    size_t next;                     /**< number of @c ext entries (at most 4) */
    int alt_sps;                     /**< also send one SP per other entry of the policy's SRTP list (Policy no = its
                                          index) as alternatives the responder may choose (mikey_ctx_set_sp_choice());
                                          the crypto sessions still map to their srtp_index. Not with salt_mode 2 */
    int keep_keys;                   /**< update only: send no new key material (RFC 3830 §4.5; RFC 4650 §3.1 b):
                                          the crypto sessions keep their keys (same master keys, same MKI); used to
                                          authenticate a device move or a policy change. PSK/PKE: a KEMAC without
                                          Key data (PKE: IDi still inside); DH/DH-HMAC: no DHi (the response then
                                          carries no DHr/DHi). MIKEY_ERR_INVALID_ARG on a context that is not
                                          established, with @c tgk, and in RSA-R (the responder chooses the keys) */
} mikey_offer_opts;

/** Context states. */
enum mikey_state { MIKEY_STATE_NEW = 0, MIKEY_STATE_OFFERED = 1, MIKEY_STATE_ESTABLISHED = 2, MIKEY_STATE_FAILED = 3 };

/** Create a context. @p creds and @p policy are borrowed and must outlive it. */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_ctx_new(const mikey_env *env, const mikey_creds *creds,
                                                const mikey_policy *policy, mikey_ctx **out);
MIKEY_EXPORT void mikey_ctx_free(mikey_ctx *ctx);
/** Share a replay cache between contexts (borrowed). Without one a context keeps its own. */
MIKEY_EXPORT int mikey_ctx_set_replay(mikey_ctx *ctx, mikey_replay *r);
MIKEY_EXPORT int mikey_ctx_state(const mikey_ctx *ctx);

/**
 * Initiator: build the I_MESSAGE. Called again on an established context it
 * builds an update message (same CSB ID, new T, no RAND, new TGK, or none with
 * mikey_offer_opts::keep_keys; RFC 3830 §4.5).
 * NOBUF sets *outlen.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_offer(mikey_ctx *ctx, const mikey_offer_opts *opts, uint8_t *out,
                                              size_t cap, size_t *outlen);

/**
 * Responder: process an I_MESSAGE and build the R_MESSAGE (*outlen = 0 when
 * none is due: PSK/PKE without V). On failure returns the error and, when
 * RFC 3830 §5.1.2 calls for one, writes the Error message to send back in
 * @p out (*outlen > 0; otherwise 0). State is unchanged on failure.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_answer(mikey_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
                                               size_t cap, size_t *outlen);

/**
 * Responder: key every crypto session of the offers this context answers
 * with the offered SP payload numbered @p policy_no (an alternative sent
 * with mikey_offer_opts::alt_sps) instead of the SP the HDR map names; the
 * response's map then carries @p policy_no, which the response's MAC or
 * signature covers, and the initiator takes it (mikey_finish() accepts a
 * Policy no its own I_MESSAGE offered). -1 (the default) follows the map.
 * An offer without that SP, or whose SP is not acceptable, fails with
 * MIKEY_ERR_POLICY (Invalid SP / SPpar); so does an offer that asks for no
 * response (PSK/PKE without V), since the initiator could not learn the choice.
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG (@p policy_no outside -1..255).
 */
MIKEY_EXPORT int mikey_ctx_set_sp_choice(mikey_ctx *ctx, int policy_no);

/**
 * Initiator: process the R_MESSAGE (or an Error message:
 * MIKEY_ERR_PEER_ERROR, code via mikey_ctx_peer_error()).
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_finish(mikey_ctx *ctx, const uint8_t *in, size_t len);

/** The RFC 3830 error number of the last Error message received, or -1. */
MIKEY_EXPORT int mikey_ctx_peer_error(const mikey_ctx *ctx);
/** The RFC 3830 §6.12 Error no to report for a library error (Unspecified error if none fits). */
MIKEY_EXPORT int mikey_err_to_rfc3830(int err);

/** Negotiated keys of one crypto session. */
typedef struct mikey_cs_keys {
    uint8_t cs_id;          /**< 1-based crypto session number */
    uint32_t ssrc;
    uint32_t roc;
    uint8_t policy_no;
    mikey_srtp_params srtp; /**< the SP of this crypto session */
    uint8_t master_key[32];
    size_t master_key_len;
    uint8_t master_salt[14];
    size_t master_salt_len;
    uint8_t mki[16];        /**< from KV = SPI, if any */
    size_t mki_len;
} mikey_cs_keys;

/** Number of crypto sessions established. */
MIKEY_EXPORT size_t mikey_ctx_cs_count(const mikey_ctx *ctx);
/** Keys of crypto session @p i (0-based). The caller must wipe @p out after use. */
MIKEY_EXPORT int mikey_ctx_cs_keys(const mikey_ctx *ctx, size_t i, mikey_cs_keys *out);
/** The authenticated peer identity (URI), or NULL. */
MIKEY_EXPORT const char *mikey_ctx_peer_id(const mikey_ctx *ctx);
/** The key-management protocol list (RFC 4567 §4.1.4, e.g. "mikey;keyp1")
 *  that the peer's authenticated General Extension "SDP IDs" carried in the
 *  last message processed, or NULL if it had none. The receiver must compare
 *  it with the a=key-mgmt attributes it saw (see mikey_sdp_ids_check() in
 *  sdp.h): the MAC/signature makes it a bidding-down check. Valid while
 *  @p ctx lives. */
MIKEY_EXPORT const char *mikey_ctx_sdp_ids(const mikey_ctx *ctx);
/** The mode of the exchange. */
MIKEY_EXPORT int mikey_ctx_mode(const mikey_ctx *ctx);
/** The CSB ID. */
MIKEY_EXPORT uint32_t mikey_ctx_csb_id(const mikey_ctx *ctx);

/**
 * Save / restore an initiator context between mikey_offer() and
 * mikey_finish() (the CLI runs them in separate processes). The blob holds
 * secrets (TGK, DH private value): the caller protects it and wipes it.
 */
MIKEY_EXPORT int mikey_ctx_export(const mikey_ctx *ctx, uint8_t *out, size_t cap, size_t *outlen);
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_ctx_import(const mikey_env *env, const mikey_creds *creds,
                                                   const mikey_policy *policy, const uint8_t *buf, size_t len,
                                                   mikey_ctx **out);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_SESSION_H */
