/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file srtp.h
 * @brief SRTP and SRTCP (RFC 3711, RFC 6188, RFC 7714) keyed from MIKEY.
 *
 * A ::mikey_srtp is one SRTP *session*: a set of streams, each identified
 * by its SSRC and direction (outbound = protect, inbound = unprotect), each
 * with up to ::MIKEY_SRTP_MAX_KEYS master keys. Packets are transformed
 * with mikey_srtp_protect() / mikey_srtp_unprotect() (RTP) and
 * mikey_srtp_protect_rtcp() / mikey_srtp_unprotect_rtcp() (RTCP).
 *
 * Supported transforms (see docs/srtp.md for the full feature matrix):
 * - ciphers AES-CM-128/192/256 (RFC 3711 §4.1.1, RFC 6188), AES-F8-128
 *   (RFC 3711 §4.1.2), NULL, AEAD AES-GCM-128/256 (RFC 7714, erratum 4938);
 * - HMAC-SHA1 with any tag length from 4 to 20 bytes (80 and 32 bits are
 *   the usual ones), or no authentication where the policy says so;
 * - the AES-CM PRF key derivation (RFC 3711 §4.3, RFC 6188 §3) with key
 *   derivation rate 0 or 2^n (n <= 24);
 * - MKI, <From, To> key validity by index (RFC 3711 §8.1.1), master key
 *   lifetime with a soft-limit event asking for a rekey;
 * - replay protection (window 64 by default, up to 32768) and roll-over
 *   counter estimation (RFC 3711 §3.3.1) across sequence wrap and
 *   reordering; SRTCP index and E flag (RFC 3711 §3.4).
 *
 * **Buffers.** Every transform reads @p in_len bytes at @p in and writes the
 * result at @p out (capacity @p out_cap). @p out may equal @p in (in-place);
 * partially overlapping buffers are not allowed. A too small @p out_cap gives
 * MIKEY_ERR_NOBUF with @p *out_len set to the size needed and nothing changed
 * (@p out may be NULL when @p out_cap is 0: a size query).
 * The transforms allocate nothing (except when a template creates a stream,
 * once per new SSRC) and never block. (OpenSSL 3.0 itself mallocs and frees
 * a digest state twice per HMAC-SHA1 packet inside EVP_MD_CTX_copy_ex; the
 * AES and GCM paths allocate nothing.)
 *
 * **Failure leaves no trace.** When a transform returns an error, the
 * session state (ROC, highest index, replay window, SRTCP index, key usage
 * counters) is unchanged and @p in is unchanged, also when working in place
 * (an AES-GCM packet that fails authentication after in-place decryption is
 * re-encrypted). In the out-of-place case the bytes of @p out are
 * unspecified (never unauthenticated plaintext). The one exception is
 * MIKEY_ERR_CRYPTO (OpenSSL itself failed), after which an in-place buffer
 * may be garbled.
 *
 * **Threads.** A session has no global state and keeps all crypto objects
 * to itself: different sessions may be used from different threads at the
 * same time; one session must not be used by two threads at once
 * (thread-compatible, like libsrtp's srtp_t).
 *
 * **Security notes.** AES-GCM must never see the same (SSRC, ROC, SEQ) twice
 * under one key (RFC 7714 §8.4): protect refuses an index it has already used
 * unless ::mikey_srtp_policy::allow_repeat_tx is set, and never set that with
 * GCM. Keys are copied into the session and wiped when removed or freed.
 */
#ifndef OPENMIKEY_SRTP_H
#define OPENMIKEY_SRTP_H

#include "common.h"
#include "message.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Maximum number of master keys per stream (as libsrtp2). */
#define MIKEY_SRTP_MAX_KEYS 16
/** Maximum MKI length in bytes. */
#define MIKEY_SRTP_MAX_MKI_LEN 128
/** Maximum replay window in packets (a power of two, RFC 3711 §3.3.2). */
#define MIKEY_SRTP_MAX_WINDOW 32768
/** Default replay window in packets (RFC 3711 §3.3.2 minimum). */
#define MIKEY_SRTP_DEFAULT_WINDOW 64
/** Upper bound on the bytes protect adds to an RTP packet (MKI + tag). */
#define MIKEY_SRTP_MAX_TRAILER (MIKEY_SRTP_MAX_MKI_LEN + 20)
/** Upper bound on the bytes protect_rtcp adds (E flag + index, MKI, tag). */
#define MIKEY_SRTCP_MAX_TRAILER (4 + MIKEY_SRTP_MAX_MKI_LEN + 20)
/** Default maximum number of streams in a session (see ::mikey_srtp_config). */
#define MIKEY_SRTP_DEFAULT_MAX_STREAMS 4096

/** Encryption transforms. The cipher also fixes the master key length. */
typedef enum mikey_srtp_cipher {
    MIKEY_SRTP_CIPHER_NULL = 0,        /**< no encryption (RFC 3711 §4.1.3); master key 16, 24 or 32 bytes */
    MIKEY_SRTP_CIPHER_AES_CM_128 = 1,  /**< AES-128 counter mode (RFC 3711 §4.1.1) */
    MIKEY_SRTP_CIPHER_AES_CM_192 = 2,  /**< AES-192 counter mode (RFC 6188) */
    MIKEY_SRTP_CIPHER_AES_CM_256 = 3,  /**< AES-256 counter mode (RFC 6188) */
    MIKEY_SRTP_CIPHER_AES_F8_128 = 4,  /**< AES-128 f8 mode (RFC 3711 §4.1.2) */
    MIKEY_SRTP_CIPHER_AES_GCM_128 = 5, /**< AEAD_AES_128_GCM (RFC 7714) */
    MIKEY_SRTP_CIPHER_AES_GCM_256 = 6  /**< AEAD_AES_256_GCM (RFC 7714) */
} mikey_srtp_cipher;

/** Message authentication (ignored with the AEAD ciphers, which carry their own tag). */
typedef enum mikey_srtp_auth {
    MIKEY_SRTP_AUTH_NULL = 0,     /**< no authentication (NOT for real use: RFC 3711 §9.5) */
    MIKEY_SRTP_AUTH_HMAC_SHA1 = 1 /**< HMAC-SHA1 (RFC 3711 §4.2.1) */
} mikey_srtp_auth;

/** Named crypto suites (SDES / DTLS-SRTP names) for mikey_srtp_policy_suite(). */
typedef enum mikey_srtp_suite {
    MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80 = 1, /**< RFC 4568 */
    MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32,     /**< RFC 4568: 32-bit SRTP tag, 80-bit SRTCP tag */
    MIKEY_SRTP_AES_192_CM_HMAC_SHA1_80,     /**< RFC 6188 */
    MIKEY_SRTP_AES_192_CM_HMAC_SHA1_32,     /**< RFC 6188 */
    MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80,     /**< RFC 6188 */
    MIKEY_SRTP_AES_256_CM_HMAC_SHA1_32,     /**< RFC 6188 */
    MIKEY_SRTP_F8_128_HMAC_SHA1_80,         /**< RFC 4568 */
    MIKEY_SRTP_NULL_HMAC_SHA1_80,           /**< NULL cipher, 80-bit tags */
    MIKEY_SRTP_NULL_HMAC_SHA1_32,           /**< NULL cipher, 32-bit SRTP tag, 80-bit SRTCP tag */
    MIKEY_SRTP_AES_CM_128_NULL_AUTH,        /**< no authentication (libsrtp2's aes_cm_128_null_auth) */
    MIKEY_SRTP_NULL_NULL,                   /**< neither (testing only) */
    MIKEY_SRTP_AEAD_AES_128_GCM,            /**< RFC 7714, 16-byte tag */
    MIKEY_SRTP_AEAD_AES_256_GCM,            /**< RFC 7714, 16-byte tag */
    MIKEY_SRTP_AEAD_AES_128_GCM_8,          /**< 8-byte GCM tag (libsrtp2 aes_gcm_128_8_auth) */
    MIKEY_SRTP_AEAD_AES_256_GCM_8           /**< 8-byte GCM tag (libsrtp2 aes_gcm_256_8_auth) */
} mikey_srtp_suite;

/** Stream direction. */
typedef enum mikey_srtp_dir {
    MIKEY_SRTP_OUTBOUND = 0, /**< packets we send: protect */
    MIKEY_SRTP_INBOUND = 1   /**< packets we receive: unprotect */
} mikey_srtp_dir;

/**
 * Crypto policy of a stream: what RFC 3830 §6.10.1 calls the SRTP policy.
 * Fill it with mikey_srtp_policy_suite() or mikey_srtp_policy_from_mikey(),
 * then adjust fields. A plain value: the session copies it.
 */
typedef struct mikey_srtp_policy {
    uint8_t cipher;        /**< ::mikey_srtp_cipher, for SRTP and SRTCP */
    uint8_t auth;          /**< ::mikey_srtp_auth, for SRTP and SRTCP (ignored with GCM) */
    uint8_t rtp_encrypt;   /**< 1: encrypt SRTP payloads (MIKEY SP 7). With GCM 0 means
                                authentication only (the RFC 7714 §16.1.3 layout) */
    uint8_t rtcp_encrypt;  /**< 1: encrypt SRTCP and set the E flag (MIKEY SP 8) */
    uint8_t rtp_auth;      /**< 1: authenticate SRTP (MIKEY SP 10). SRTCP is always
                                authenticated unless @c auth is NULL (RFC 3711 §3.4) */
    uint8_t rtp_tag_len;   /**< SRTP tag bytes: HMAC 4..20 (10 = 80 bits); GCM 8, 12 or 16.
                                Ignored when SRTP is not authenticated (auth NULL or rtp_auth 0) */
    uint8_t rtcp_tag_len;  /**< SRTCP tag bytes, same ranges; ignored with auth NULL */
    uint8_t auth_key_len;  /**< HMAC session authentication key bytes, 1..64 (default 20);
                                ignored without HMAC */
    uint8_t mki_len;       /**< MKI bytes in every packet, 0..::MIKEY_SRTP_MAX_MKI_LEN */
    uint8_t allow_repeat_tx; /**< 1: protect may reuse an index (retransmission of the
                                  same payload; dangerous, never with GCM) */
    uint16_t replay_window;  /**< packets; 0 means ::MIKEY_SRTP_DEFAULT_WINDOW; 64..32768 */
    uint32_t kdr;            /**< key derivation rate: 0 or 2^n with n <= 24 (RFC 3711 §4.3.1) */
} mikey_srtp_policy;

/**
 * Fill @p p for a named suite: encryption on for SRTP and SRTCP, SRTP
 * authentication on (off for the NULL-auth suites), 20-byte HMAC key, no MKI,
 * default window, KDR 0.
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG (NULL @p p or unknown @p suite).
 */
MIKEY_EXPORT int mikey_srtp_policy_suite(mikey_srtp_policy *p, mikey_srtp_suite suite);

/** Master key length in bytes implied by @p cipher (16, 24 or 32; 16 for NULL), or 0 if unknown. */
MIKEY_EXPORT size_t mikey_srtp_master_key_len(unsigned cipher);
/** Master salt length in bytes for @p cipher: 14, or 12 for AES-GCM (RFC 7714 §12); 0 if unknown. */
MIKEY_EXPORT size_t mikey_srtp_master_salt_len(unsigned cipher);

/**
 * Check a policy.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG (NULL); MIKEY_ERR_ALGORITHM (unknown
 *         cipher or auth); MIKEY_ERR_POLICY (a tag, key, MKI, window or KDR
 *         value out of range, or a flag that is not 0 or 1).
 */
MIKEY_EXPORT int mikey_srtp_policy_check(const mikey_srtp_policy *p);

/** Bytes protect adds to an RTP packet under @p p (tag + MKI); 0 for NULL. */
MIKEY_EXPORT size_t mikey_srtp_rtp_overhead(const mikey_srtp_policy *p);
/** Bytes protect_rtcp adds to an RTCP packet under @p p (E+index, MKI, tag); 0 for NULL. */
MIKEY_EXPORT size_t mikey_srtp_rtcp_overhead(const mikey_srtp_policy *p);

/**
 * A master key and what goes with it. All pointers are read during the call
 * only: the session copies the bytes (and wipes its copy when done).
 */
typedef struct mikey_srtp_key {
    const uint8_t *key;   /**< master key (the MIKEY TEK) */
    size_t key_len;       /**< must equal mikey_srtp_master_key_len(cipher) */
    const uint8_t *salt;  /**< master salt */
    size_t salt_len;      /**< 14 (AES-CM, F8, NULL); 12 or 14 for GCM (RFC 7714 §12: a
                               12-byte salt is padded with two zero bytes for the KDF,
                               erratum 4938) */
    const uint8_t *mki;   /**< policy.mki_len bytes (the MIKEY KV SPI), NULL when mki_len is 0 */
    uint64_t lifetime;    /**< SRTP packets this key may protect; 0 = 2^48 (RFC 3711 §9.2) */
    uint32_t lifetime_rtcp; /**< SRTCP packets; 0 = 2^31 */
    uint8_t has_range;    /**< 1: the key is valid only for SRTP indices from..to
                               (RFC 3711 §8.1.1 <From, To>; MIKEY KV interval) */
    uint64_t from;        /**< first SRTP index (ROC << 16 | SEQ), inclusive */
    uint64_t to;          /**< last SRTP index, inclusive */
} mikey_srtp_key;

/** Parameters of a stream for mikey_srtp_add_stream(). */
typedef struct mikey_srtp_stream_params {
    uint32_t ssrc;        /**< the SSRC (ignored when @c any_ssrc is set) */
    uint8_t dir;          /**< ::mikey_srtp_dir */
    uint8_t any_ssrc;     /**< 1: template for every SSRC without a stream of its own
                               in this direction (libsrtp's ssrc_any_inbound/outbound,
                               MIKEY SSRC 0 placeholders, RFC 3830 §6.1.1). A concrete
                               stream is created from it for each new SSRC: for inbound
                               traffic only after the first packet authenticated */
    uint32_t roc;         /**< initial roll-over counter (the MIKEY CS ROC) */
    const mikey_srtp_policy *policy; /**< copied */
    const mikey_srtp_key *keys;      /**< @c nkeys master keys, 1..::MIKEY_SRTP_MAX_KEYS;
                                          the last one is the preferred outbound key */
    size_t nkeys;
} mikey_srtp_stream_params;

/** Events reported through ::mikey_srtp_config::event. */
typedef enum mikey_srtp_event_type {
    /** A master key reached its soft limit: ::mikey_srtp_config::soft_limit packets
     *  are left before it is exhausted. Rekey now (e.g. a MIKEY re-offer), then
     *  install the new key with mikey_srtp_add_key(). Reported once per key and
     *  packet type. */
    MIKEY_SRTP_EVENT_KEY_SOFT_LIMIT = 1,
    /** A master key is exhausted: packets needing it fail with MIKEY_ERR_STATE. */
    MIKEY_SRTP_EVENT_KEY_HARD_LIMIT = 2,
    /** A stream was created from an any-SSRC template. */
    MIKEY_SRTP_EVENT_STREAM_ADDED = 3
} mikey_srtp_event_type;

/** An event. Pointers are valid during the callback only. */
typedef struct mikey_srtp_event {
    int type;          /**< ::mikey_srtp_event_type */
    uint32_t ssrc;     /**< the stream concerned */
    uint8_t dir;       /**< ::mikey_srtp_dir */
    uint8_t rtcp;      /**< 1 if the limit is the SRTCP one */
    const uint8_t *mki; /**< MKI of the key concerned (NULL without MKI) */
    size_t mki_len;
} mikey_srtp_event;

/** Session options; zero-initialised (or NULL) means the defaults. */
typedef struct mikey_srtp_config {
    size_t max_streams;   /**< streams (templates included); 0 = ::MIKEY_SRTP_DEFAULT_MAX_STREAMS */
    uint64_t soft_limit;  /**< packets left in a key's lifetime (SRTP or SRTCP) when the
                               soft-limit event fires; 0 = 2^16 */
    /** Event callback, called at the end of the transform that caused it (the packet
     *  has been fully processed, the state committed). It may call any function on
     *  the session (mikey_srtp_add_key() to rekey, mikey_srtp_remove_stream(), even
     *  another transform) except mikey_srtp_free(). NULL: none. */
    void (*event)(const mikey_srtp_event *ev, void *user_data);
    void *user_data;
} mikey_srtp_config;

/** An SRTP session (opaque). */
typedef struct mikey_srtp mikey_srtp;

/**
 * Create an empty session.
 * @param env  allocator (NULL: defaults); copied. Only its @c mem is used.
 * @param cfg  NULL for defaults; copied.
 * @param out  receives the session; free with mikey_srtp_free().
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOMEM, MIKEY_ERR_CRYPTO
 *         (OpenSSL lacks an algorithm).
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_new(const mikey_env *env, const mikey_srtp_config *cfg,
                                                  mikey_srtp **out);

/** Free a session, wiping every key. NULL is allowed. */
MIKEY_EXPORT void mikey_srtp_free(mikey_srtp *s);

/**
 * Add a stream (or a template, see ::mikey_srtp_stream_params::any_ssrc).
 * Session keys are derived here (KDR 0) so the first packet pays nothing.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG (NULL, @c nkeys 0 or too many, bad
 *         @c dir); MIKEY_ERR_ALGORITHM / MIKEY_ERR_POLICY (see
 *         mikey_srtp_policy_check()); MIKEY_ERR_LENGTH (a key, salt or MKI of
 *         the wrong length); MIKEY_ERR_FIELD (two keys with the same MKI, or a
 *         range with from > to); MIKEY_ERR_STATE (a stream with that SSRC and
 *         direction, or that template, exists); MIKEY_ERR_LIMIT (max_streams
 *         reached); MIKEY_ERR_NOMEM; MIKEY_ERR_CRYPTO.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_add_stream(mikey_srtp *s, const mikey_srtp_stream_params *p);

/**
 * Remove a stream (@p any_ssrc: the template, which also removes the streams
 * created from it).
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOT_FOUND.
 */
MIKEY_EXPORT int mikey_srtp_remove_stream(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc);

/**
 * Install another master key on a stream (a MIKEY rekey) without disturbing
 * packets in flight: the old keys stay until removed. The new key becomes the
 * preferred outbound key at once (with MKI, the receiver picks the key by
 * MKI), or from its @c from index (key switch by index, RFC 3711 §8.1.1).
 * Inbound, a key is chosen by MKI, else by index range, else the newest key.
 * Called on a template (@p any_ssrc), the key goes to the template and to every
 * stream created from it.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG; MIKEY_ERR_NOT_FOUND (no such
 *         stream); MIKEY_ERR_LENGTH, MIKEY_ERR_FIELD (as mikey_srtp_add_stream(),
 *         including an MKI already installed); MIKEY_ERR_LIMIT
 *         (::MIKEY_SRTP_MAX_KEYS reached); MIKEY_ERR_NOMEM; MIKEY_ERR_CRYPTO.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_add_key(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc,
                                                      const mikey_srtp_key *key);

/**
 * Remove a master key from a stream (and, on a template, from the streams
 * created from it), by MKI; with no MKI (@p mki_len 0) the oldest key goes.
 * The last key of a stream cannot be removed.
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOT_FOUND, MIKEY_ERR_STATE
 *         (it is the only key).
 */
MIKEY_EXPORT int mikey_srtp_remove_key(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc, const uint8_t *mki,
                                       size_t mki_len);

/**
 * Set the roll-over counter of a stream that has not carried a packet yet
 * (e.g. the ROC from a late MIKEY message).
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOT_FOUND, MIKEY_ERR_STATE
 *         (packets have been processed).
 */
MIKEY_EXPORT int mikey_srtp_set_roc(mikey_srtp *s, uint32_t ssrc, int dir, uint32_t roc);

/** State of a stream, for statistics and the MIKEY layer. */
typedef struct mikey_srtp_stream_info {
    uint32_t roc;          /**< current roll-over counter */
    uint16_t seq;          /**< highest sequence number seen or sent (valid if @c rtp_packets) */
    uint64_t index;        /**< highest SRTP index (ROC << 16 | SEQ) */
    uint32_t rtcp_index;   /**< next SRTCP index to send (outbound) or highest received (inbound) */
    uint64_t rtp_packets;  /**< packets protected / accepted */
    uint64_t rtcp_packets;
    size_t nkeys;          /**< master keys installed */
} mikey_srtp_stream_info;

/**
 * Read a stream's state.
 * @return MIKEY_OK, MIKEY_ERR_INVALID_ARG, MIKEY_ERR_NOT_FOUND.
 */
MIKEY_EXPORT int mikey_srtp_stream_get(const mikey_srtp *s, uint32_t ssrc, int dir, mikey_srtp_stream_info *out);

/**
 * Protect an RTP packet (RFC 3711 §3.3): encrypt the payload, append the
 * MKI and the tag (RFC 7714 §8: the GCM tag follows the cipher, the MKI
 * follows the tag). The stream is found by the SSRC in the header (outbound),
 * or created from the outbound template.
 * @param in      the RTP packet: at least 12 bytes, version 2, CSRCs and
 *                header extension inside the packet.
 * @param out     may equal @p in; needs in_len + mikey_srtp_rtp_overhead().
 * @param out_len receives the SRTP packet length (or the size needed on NOBUF).
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG (NULL); MIKEY_ERR_TRUNCATED (shorter
 *         than its header); MIKEY_ERR_FIELD (RTP version not 2); MIKEY_ERR_NOBUF;
 *         MIKEY_ERR_NOT_FOUND (no stream for the SSRC, or no key valid for the
 *         index); MIKEY_ERR_REPLAY (index already used or older than the window);
 *         MIKEY_ERR_STATE (key exhausted: the hard limit was reached);
 *         MIKEY_ERR_LIMIT, MIKEY_ERR_NOMEM (template stream creation);
 *         MIKEY_ERR_CRYPTO.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_protect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out,
                                                      size_t out_cap, size_t *out_len);

/**
 * Verify and decrypt an SRTP packet (RFC 3711 §3.3): estimate the index
 * (§3.3.1), check replay (§3.3.2), select the key (MKI or index), verify the
 * tag in constant time, then decrypt. The state moves only when everything
 * succeeded.
 * @param out     may equal @p in; needs at least in_len - trailer bytes.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG; MIKEY_ERR_TRUNCATED (shorter than
 *         header + MKI + tag); MIKEY_ERR_FIELD (version not 2); MIKEY_ERR_NOBUF;
 *         MIKEY_ERR_NOT_FOUND (unknown SSRC, or unknown MKI, or no key for the
 *         index); MIKEY_ERR_REPLAY (replayed, or older than the window, or
 *         before the stream's first ROC); MIKEY_ERR_AUTH (tag mismatch: tampered,
 *         wrong key); MIKEY_ERR_STATE (key exhausted); MIKEY_ERR_LIMIT,
 *         MIKEY_ERR_NOMEM (template stream creation); MIKEY_ERR_CRYPTO.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_unprotect(mikey_srtp *s, const uint8_t *in, size_t in_len,
                                                        uint8_t *out, size_t out_cap, size_t *out_len);

/**
 * Protect an RTCP compound packet (RFC 3711 §3.4, RFC 7714 §9): the stream is
 * found by the sender SSRC (bytes 4-7); the next SRTCP index (first 0) and the
 * E flag are appended, then the MKI and the tag.
 * @param in  at least 8 bytes, version 2.
 * @return as mikey_srtp_protect(); MIKEY_ERR_STATE also when the 31-bit SRTCP
 *         index is exhausted.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_protect_rtcp(mikey_srtp *s, const uint8_t *in, size_t in_len,
                                                           uint8_t *out, size_t out_cap, size_t *out_len);

/**
 * Verify and decrypt an SRTCP packet (RFC 3711 §3.4). The E flag of the packet
 * says whether it is encrypted (it is covered by the tag).
 * @return as mikey_srtp_unprotect().
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_srtp_unprotect_rtcp(mikey_srtp *s, const uint8_t *in, size_t in_len,
                                                             uint8_t *out, size_t out_cap, size_t *out_len);

/* ---------------------------------------------------------------------- */
/* From MIKEY                                                              */
/* ---------------------------------------------------------------------- */

/** Leniencies for mikey_srtp_policy_from_mikey() (docs/srtp.md, INTEROP.md). */
enum mikey_srtp_map_flags {
    /** Strict RFC 3830 reading: SP param 3 is always the auth *key* length. Without
     *  this flag a param 3 of 4 or 10 with no param 11 is read as the tag length,
     *  as GStreamer and Axis write it. */
    MIKEY_SRTP_MAP_STRICT = 1u << 0
};

/**
 * Build an SRTP policy from a MIKEY SP payload (RFC 3830 §6.10.1, RFC 4771,
 * RFC 7714 §15). Absent parameters take SRTP's defaults: AES-CM, 16-byte
 * session key, HMAC-SHA1 with a 20-byte key and 10-byte tag, 14-byte salt,
 * AES-CM PRF, KDR 0, encryption and authentication on. AES-GCM (param 0 = 6)
 * takes its key length from param 1 (16 or 32) and its tag from param 20
 * (default 16); params 2, 3 and 11 are then ignored (the AEAD fully decides,
 * RFC 7714 §14.3). SP params 18 / 19 (RFC 4771) set separate SRTP / SRTCP tag
 * lengths. Param 6 (KDR) is the rate itself as a big-endian integer.
 * The MKI length is not in the SP: set policy->mki_len from the KV SPI.
 *
 * Interop: a GStreamer / Axis param 3 of 4 or 10 (and no param 11) is the tag
 * length unless @p flags has ::MIKEY_SRTP_MAP_STRICT. Such peers also send the
 * TEK as master key || salt in one 30- or 46-byte field (KV NULL): split it
 * before filling ::mikey_srtp_key (mikey_srtp_key_from_mikey() does).
 *
 * @param sp   the SP payload (prot type must be SRTP, 0).
 * @param out  the policy; written only on success.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG; MIKEY_ERR_UNSUPPORTED (not SRTP, or a
 *         parameter this engine does not implement: RCC auth, SEED/ARIA, prefix
 *         length != 0, FEC order != 0); MIKEY_ERR_FIELD (a value that is not one
 *         byte where one byte is required, an on/off that is not 0/1, a length
 *         that does not match the cipher); MIKEY_ERR_POLICY (the resulting
 *         policy fails mikey_srtp_policy_check()).
 */
MIKEY_EXPORT int mikey_srtp_policy_from_mikey(const mikey_sp *sp, unsigned flags, mikey_srtp_policy *out);

/**
 * Fill a ::mikey_srtp_key from MIKEY key data: the TEK, the salt (NULL span
 * if none), the KV SPI (NULL span if none). When no salt is given and the TEK
 * is exactly master key || master salt for @p policy's cipher (30, 38 or 46
 * bytes; 28 or 44 for GCM), it is split (the RTSP camera practice, INTEROP.md).
 * @p out points into the given spans.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG; MIKEY_ERR_LENGTH (TEK, salt or MKI
 *         length does not fit the policy).
 */
MIKEY_EXPORT int mikey_srtp_key_from_mikey(const mikey_srtp_policy *policy, mikey_span tek, mikey_span salt,
                                           mikey_span spi, mikey_srtp_key *out);

/**
 * One MIKEY crypto session to stream parameters in one call: @p policy from
 * @p sp (mikey_srtp_policy_from_mikey(), with policy->mki_len set to the KV SPI
 * length), @p key from the key data (mikey_srtp_key_from_mikey()), and @p out
 * for the CS's @p ssrc and @p roc in direction @p dir, pointing at @p policy and
 * @p key. An SSRC of 0 (not known to the initiator, RFC 3830 §6.1.1) gives an
 * any-SSRC template. Then call mikey_srtp_add_stream(s, out); @p policy, @p key
 * and the spans must live until then.
 * @return MIKEY_OK or an error of the two functions above; MIKEY_ERR_LENGTH
 *         for an SPI longer than ::MIKEY_SRTP_MAX_MKI_LEN; MIKEY_ERR_INVALID_ARG.
 */
MIKEY_EXPORT int mikey_srtp_stream_from_mikey(const mikey_sp *sp, unsigned flags, mikey_span tek, mikey_span salt,
                                              mikey_span spi, uint32_t ssrc, uint32_t roc, int dir,
                                              mikey_srtp_policy *policy, mikey_srtp_key *key,
                                              mikey_srtp_stream_params *out);


/**
 * One negotiated crypto session of the session layer (mikey_ctx_cs_keys())
 * to stream parameters: the bridge for applications that run the exchange
 * with session.h. The SP of @p k (already decoded by the session layer, its
 * named leniencies applied) is re-encoded as SP parameters and mapped by
 * mikey_srtp_stream_from_mikey() with ::MIKEY_SRTP_MAP_STRICT, so there is
 * one SP -> policy mapping in the library; the master key, salt and MKI of
 * @p k, its SSRC (0: an any-SSRC template, RFC 3830 §6.1.1) and ROC, in
 * direction @p dir (::mikey_srtp_dir).
 *
 * @p out points at @p policy and @p key, and @p key into @p k: all three must
 * live until mikey_srtp_add_stream(s, out); the caller wipes @p k afterwards.
 * @return MIKEY_OK; MIKEY_ERR_INVALID_ARG (NULL, bad @p dir, key/salt/MKI
 *         lengths beyond the struct); the errors of mikey_srtp_stream_from_mikey().
 */
MIKEY_EXPORT int mikey_srtp_stream_from_cs(const mikey_cs_keys *k, int dir, mikey_srtp_policy *policy,
                                           mikey_srtp_key *key, mikey_srtp_stream_params *out);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_SRTP_H */
