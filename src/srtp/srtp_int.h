/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private definitions of the SRTP engine (src/srtp/). Not installed.
 *
 * Object model:
 *   mikey_srtp        a session: streams in a hash table keyed by (SSRC,
 *                     direction), plus at most one any-SSRC template per
 *                     direction; the fetched OpenSSL algorithms.
 *   mk_srtp_stream    one SSRC in one direction: its policy, its key slots,
 *                     the SRTP state (highest index = ROC||SEQ, replay
 *                     window) and the SRTCP state (index, replay window).
 *   mk_srtp_slot      one master key as used by one stream: a pointer to the
 *                     shared master key plus the session keys derived from
 *                     it for that stream (RTP and RTCP).
 *   mk_srtp_mkey      a master key, reference counted so that a template and
 *                     the streams created from it share one key-usage count
 *                     (RFC 3711 §9.2 limits packets per *master key*).
 *   mk_srtp_keyset    session keys for one packet type, derived for one
 *                     r = index DIV kdr (RFC 3711 §4.3.1); two per slot and
 *                     type when kdr != 0 so that reordered packets across a
 *                     derivation boundary do not thrash the keys.
 */
#ifndef MIKEY_SRTP_INT_H
#define MIKEY_SRTP_INT_H

#include "crypto/srtp_crypto.h"
#include "internal.h"
#include "openmikey/srtp.h"

/* KDF labels (RFC 3711 §4.3.1-4.3.2). */
enum {
    MK_SRTP_LABEL_RTP_ENC = 0,
    MK_SRTP_LABEL_RTP_AUTH = 1,
    MK_SRTP_LABEL_RTP_SALT = 2,
    MK_SRTP_LABEL_RTCP_ENC = 3,
    MK_SRTP_LABEL_RTCP_AUTH = 4,
    MK_SRTP_LABEL_RTCP_SALT = 5
};

#define MK_SRTP_MAX_INDEX ((uint64_t)1 << 48)   /* SRTP index space */
#define MK_SRTCP_MAX_INDEX ((uint32_t)1 << 31)  /* SRTCP index space */

typedef struct mk_srtp_mkey {
    unsigned refs;
    uint8_t key[32];
    uint8_t salt[14]; /* 112-bit KDF salt: a 96-bit GCM salt padded with 00 00 (erratum 4938) */
    uint8_t key_len;
    uint8_t mki_len;
    uint8_t mki[MIKEY_SRTP_MAX_MKI_LEN];
    uint8_t has_range;
    uint8_t soft_fired[2], hard_fired[2]; /* [0] SRTP, [1] SRTCP */
    uint64_t from, to;
    uint64_t lifetime[2]; /* packets: SRTP, SRTCP */
    uint64_t used[2];
    uint64_t serial;      /* installation order: newer keys are preferred */
    mk_sc_ctr prf;        /* AES-CM PRF keyed with the master key (RFC 3711 §4.3.3) */
} mk_srtp_mkey;

typedef struct mk_srtp_keyset {
    uint64_t r;       /* index DIV kdr this set was derived for */
    uint8_t valid;
    uint8_t salt[14]; /* session salt k_s (12 bytes used with GCM) */
    mk_sc_ctr ctr;    /* AES-CM */
    mk_sc_f8 f8;      /* AES-F8 */
    mk_sc_gcm gcm;    /* AES-GCM */
    mk_sc_hmac hmac;  /* HMAC-SHA1 with the session auth key */
} mk_srtp_keyset;

typedef struct mk_srtp_slot {
    mk_srtp_mkey *mk;
    mk_srtp_keyset ks[2][2]; /* [0] SRTP, [1] SRTCP; [.][0] current, [.][1] alternate */
} mk_srtp_slot;

/* Replay window over 64-bit indices: a ring of nwords 64-bit words (a power
 * of two, at least window + 64 bits) in the spirit of RFC 6479, so that
 * advancing by any amount costs at most nwords word clears and checking is
 * O(1). Invariant: bits of indices above `top` are zero. */
typedef struct mk_srtp_replay {
    uint8_t started;  /* a packet has been accepted (or sent) */
    uint64_t top;     /* highest index accepted */
    uint64_t *bits;
} mk_srtp_replay;

typedef struct mk_srtp_stream mk_srtp_stream;
struct mk_srtp_stream {
    uint32_t ssrc;
    uint8_t dir;
    uint8_t is_template;
    mk_srtp_stream *tmpl;   /* template this stream was created from, or NULL */
    mikey_srtp_policy pol;  /* checked; replay_window resolved */
    size_t nslots;
    mk_srtp_slot *slots[MIKEY_SRTP_MAX_KEYS]; /* in installation order */
    uint32_t roc0;          /* initial ROC, until the first packet */
    uint32_t window;        /* replay window, packets */
    uint32_t nwords;        /* ring words per window */
    mk_srtp_replay rtp, rtcp;
    uint32_t rtcp_next;     /* outbound: next SRTCP index to send */
    uint64_t npackets[2];   /* SRTP, SRTCP packets processed */
    uint64_t words[];       /* 2 * nwords: the two rings */
};

#define MK_SRTP_MAX_EVENTS 4

struct mikey_srtp {
    mikey_env env;
    mikey_srtp_config cfg;
    mk_sc_algs algs;
    mk_srtp_stream **tab; /* open addressing, linear probing; size a power of two */
    size_t tab_size, count;
    mk_srtp_stream *tmpl[2];
    mk_srtp_stream *last[2]; /* one-entry lookup cache per direction */
    size_t nstreams;         /* concrete streams + templates */
    uint64_t key_serial;
    /* Events raised during a transform, delivered when it is done. */
    size_t nev;
    mikey_srtp_event ev[MK_SRTP_MAX_EVENTS];
    uint8_t ev_mki[MK_SRTP_MAX_EVENTS][MIKEY_SRTP_MAX_MKI_LEN];
};

/* ---- policy.c ---- */
/* Tag bytes of SRTP / SRTCP under a checked policy (0 when none). */
size_t mk_srtp_rtp_tag_len(const mikey_srtp_policy *p);
size_t mk_srtp_rtcp_tag_len(const mikey_srtp_policy *p);
static inline int mk_srtp_is_gcm(unsigned cipher)
{
    return cipher == MIKEY_SRTP_CIPHER_AES_GCM_128 || cipher == MIKEY_SRTP_CIPHER_AES_GCM_256;
}
/* Session encryption key bytes for the cipher (0 for NULL). */
size_t mk_srtp_enc_key_len(unsigned cipher);
/* Session salt bytes: 14, 12 for GCM, 0 for NULL. */
size_t mk_srtp_session_salt_len(unsigned cipher);
/* Check master key material against a checked policy: MIKEY_ERR_LENGTH,
 * MIKEY_ERR_FIELD or MIKEY_OK. */
int mk_srtp_key_check(const mikey_srtp_policy *p, const mikey_srtp_key *k);

/* ---- kdf.c ---- */
/* The AES-CM PRF (RFC 3711 §4.3.3, RFC 6188 §3): write `len` bytes of key
 * material for `label` and r = index DIV kdr (48 bits) into out. `prf` is
 * keyed with the master key, `salt` is the 112-bit master salt. */
int mk_srtp_prf(mk_sc_ctr *prf, const uint8_t salt[14], uint8_t label, uint64_t r, uint8_t *out, size_t len);
/* Derive (or re-derive) a keyset for packet type `rtcp` and r. */
int mk_srtp_derive(const mk_sc_algs *algs, const mikey_srtp_policy *p, mk_srtp_mkey *mk, int rtcp, uint64_t r,
                   mk_srtp_keyset *ks);
void mk_srtp_keyset_clear(mk_srtp_keyset *ks);
/* Test hook: install session keys directly (the RFC 7714 and RFC 3711 B.1
 * vectors give session keys, not master keys). Same keys for SRTP and
 * SRTCP; salt_len is the session salt length (any length up to 14 for
 * F8, as in RFC 3711 B.1). For unit tests only. */
int mk_srtp_test_set_session_keys(mikey_srtp *s, uint32_t ssrc, int dir, const uint8_t *enc, size_t enc_len,
                                  const uint8_t *salt, size_t salt_len, const uint8_t *auth, size_t auth_len);

/* ---- replay.c ---- */
/* RFC 3711 §3.3.1 / Appendix A: estimate the SRTP index of seq against the
 * highest index. MIKEY_ERR_REPLAY if it falls before index 0,
 * MIKEY_ERR_STATE past 2^48. */
int mk_srtp_estimate(const mk_srtp_replay *r, uint32_t roc0, uint16_t seq, uint64_t *index);
/* 0 if `index` may be accepted, MIKEY_ERR_REPLAY if seen or too old. */
int mk_srtp_replay_check(const mk_srtp_replay *r, uint32_t window, uint32_t nwords, uint64_t index);
/* Record an accepted index (advances top when newer). */
void mk_srtp_replay_add(mk_srtp_replay *r, uint32_t nwords, uint64_t index);

/* ---- ctx.c ---- */
mk_srtp_stream *mk_srtp_find(mikey_srtp *s, uint32_t ssrc, int dir);
/* Create a stream for ssrc from the direction's template and insert it. */
int mk_srtp_clone(mikey_srtp *s, mk_srtp_stream *tmpl, uint32_t ssrc, mk_srtp_stream **out);
/* Key selection: outbound by index range (newest first), inbound by MKI
 * when the policy has one, else by index range. NULL if none. */
mk_srtp_slot *mk_srtp_select_key(mk_srtp_stream *st, const uint8_t *mki, uint64_t rtp_index);
/* The keyset of slot for (rtcp, r), deriving it if needed. *alt is set when
 * it is the alternate set (to be promoted by mk_srtp_keyset_promote). */
int mk_srtp_keyset_get(mikey_srtp *s, mk_srtp_stream *st, mk_srtp_slot *slot, int rtcp, uint64_t r,
                       mk_srtp_keyset **out);
void mk_srtp_keyset_promote(mk_srtp_slot *slot, int rtcp, mk_srtp_keyset *used);
/* Lifetime check before use: MIKEY_ERR_STATE when exhausted (queues the
 * hard-limit event once). */
int mk_srtp_key_usable(mikey_srtp *s, const mk_srtp_stream *st, mk_srtp_mkey *mk, int rtcp);
/* Count one packet on the key; queues the soft-limit event when reached. */
void mk_srtp_key_count(mikey_srtp *s, const mk_srtp_stream *st, mk_srtp_mkey *mk, int rtcp);
void mk_srtp_queue_event(mikey_srtp *s, int type, const mk_srtp_stream *st, int rtcp, const mk_srtp_mkey *mk);
void mk_srtp_flush_events(mikey_srtp *s);

#endif /* MIKEY_SRTP_INT_H */
