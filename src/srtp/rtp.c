/* SPDX-License-Identifier: BSD-2-Clause */
/* SRTP packet transforms (RFC 3711 §3.3, §4; RFC 7714 §8). */
#include "srtp/srtp_int.h"

/* RTP header length (RFC 3550 §5.1, §5.3.1): fixed part, CSRCs, extension. */
static int rtp_header_len(const uint8_t *p, size_t len, size_t *hl)
{
    if (len < 12)
        return MIKEY_ERR_TRUNCATED;
    if ((p[0] >> 6) != 2)
        return MIKEY_ERR_FIELD;
    size_t h = 12 + 4 * (size_t)(p[0] & 0x0f);
    if (p[0] & 0x10) {
        if (len < h + 4)
            return MIKEY_ERR_TRUNCATED;
        h += 4 + 4 * (size_t)mk_be16(p + h + 2);
    }
    if (h > len)
        return MIKEY_ERR_TRUNCATED;
    *hl = h;
    return MIKEY_OK;
}

/* RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static inline void cm_iv(uint8_t iv[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index)
{
    memcpy(iv, salt, 14);
    iv[14] = iv[15] = 0;
    iv[4] ^= (uint8_t)(ssrc >> 24);
    iv[5] ^= (uint8_t)(ssrc >> 16);
    iv[6] ^= (uint8_t)(ssrc >> 8);
    iv[7] ^= (uint8_t)ssrc;
    for (int i = 0; i < 6; i++)
        iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
}

/* RFC 3711 §4.1.2.2: IV = 0x00 || M || PT || SEQ || TS || SSRC || ROC. */
static inline void f8_iv(uint8_t iv[16], const uint8_t *hdr, uint32_t roc)
{
    iv[0] = 0;
    memcpy(iv + 1, hdr + 1, 11);
    mk_put32(iv + 12, roc);
}

/* RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt. */
static inline void gcm_iv(uint8_t iv[12], const uint8_t salt[14], uint32_t ssrc, uint32_t roc, uint16_t seq)
{
    uint8_t b[12] = {0};
    mk_put32(b + 2, ssrc);
    mk_put32(b + 6, roc);
    mk_put16(b + 10, seq);
    for (int i = 0; i < 12; i++)
        iv[i] = b[i] ^ salt[i];
}

static inline uint64_t kdr_r(const mikey_srtp_policy *p, uint64_t index)
{
    return p->kdr ? index / p->kdr : 0; /* "a DIV 0 = 0" (RFC 3711 §4.3.1) */
}

/* Encrypt or decrypt (the same XOR) the payload with a stream cipher. */
static int cm_f8_xor(const mikey_srtp_policy *p, mk_srtp_keyset *ks, const uint8_t *hdr, uint32_t ssrc,
                     uint64_t index, const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t iv[16];
    if (p->cipher == MIKEY_SRTP_CIPHER_AES_F8_128) {
        f8_iv(iv, hdr, (uint32_t)(index >> 16));
        return mk_sc_f8_xor(&ks->f8, iv, in, out, len);
    }
    cm_iv(iv, ks->salt, ssrc, index);
    return mk_sc_ctr_xor(&ks->ctr, iv, in, out, len);
}

static int rtp_protect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len)
{
    size_t hl;
    int rc;
    if (!s || !in || (!out && out_cap) || !out_len) /* out NULL, cap 0: size query */
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = rtp_header_len(in, in_len, &hl)) != MIKEY_OK)
        return rc;
    if (in_len > SIZE_MAX / 2) /* in_len + trailer must not wrap */
        return MIKEY_ERR_INVALID_ARG;
    uint32_t ssrc = mk_be32(in + 8);
    uint16_t seq = mk_be16(in + 2);
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, MIKEY_SRTP_OUTBOUND), *tmpl = NULL;
    if (!st) {
        if (!(tmpl = s->tmpl[MIKEY_SRTP_OUTBOUND]))
            return MIKEY_ERR_NOT_FOUND;
        st = tmpl;
    }
    const mikey_srtp_policy *p = &st->pol;
    size_t tag = mk_srtp_rtp_tag_len(p), mki = p->mki_len, need = in_len + mki + tag;
    if (out_cap < need) {
        *out_len = need;
        return MIKEY_ERR_NOBUF;
    }
    if (tmpl) {
        /* A new outbound SSRC under the template's keys (libsrtp's
         * ssrc_any_outbound): the sender is trusted, create it now. */
        if ((rc = mk_srtp_clone(s, tmpl, ssrc, &st)) != MIKEY_OK)
            return rc;
        p = &st->pol;
    }
    uint64_t index;
    rc = mk_srtp_estimate(&st->rtp, st->roc0, seq, &index);
    /* The sender too refuses an index it has used: a keystream (and for GCM
     * the authentication key) must never be reused (RFC 7714 §8.4). */
    if (rc == MIKEY_OK && !p->allow_repeat_tx)
        rc = mk_srtp_replay_check(&st->rtp, st->window, st->nwords, index);
    mk_srtp_slot *slot = NULL;
    mk_srtp_keyset *ks = NULL;
    if (rc == MIKEY_OK && !(slot = mk_srtp_select_key(st, NULL, index)))
        rc = MIKEY_ERR_NOT_FOUND;
    if (rc == MIKEY_OK)
        rc = mk_srtp_key_usable(s, st, slot->mk, 0);
    if (rc == MIKEY_OK)
        rc = mk_srtp_keyset_get(s, st, slot, 0, kdr_r(p, index), &ks);
    if (rc != MIKEY_OK)
        goto fail;

    uint32_t roc = (uint32_t)(index >> 16);
    size_t plen = in_len - hl;
    if (out != in)
        memcpy(out, in, hl);
    if (mk_srtp_is_gcm(p->cipher)) {
        uint8_t iv[12];
        gcm_iv(iv, ks->salt, ssrc, roc, seq);
        if (p->rtp_encrypt) {
            rc = mk_sc_gcm_seal(&ks->gcm, iv, in, hl, NULL, 0, in + hl, out + hl, plen, out + in_len, tag);
        } else {
            /* Authentication only: the whole packet is AAD (RFC 7714 §16.1.3). */
            if (out != in)
                memcpy(out + hl, in + hl, plen);
            rc = mk_sc_gcm_seal(&ks->gcm, iv, out, in_len, NULL, 0, NULL, NULL, 0, out + in_len, tag);
        }
        if (rc != MIKEY_OK)
            goto fail;
        /* RFC 7714 §8.2 figure 3: the MKI follows the AEAD tag. */
        if (mki)
            memcpy(out + in_len + tag, slot->mk->mki, mki);
    } else {
        if (p->cipher != MIKEY_SRTP_CIPHER_NULL && p->rtp_encrypt)
            rc = cm_f8_xor(p, ks, in, ssrc, index, in + hl, out + hl, plen);
        else if (out != in)
            memcpy(out + hl, in + hl, plen);
        if (rc != MIKEY_OK)
            goto fail;
        /* RFC 3711 §3.1: the MKI is not authenticated; the tag covers the
         * header and encrypted portion, then the ROC (§4.2). */
        if (mki)
            memcpy(out + in_len, slot->mk->mki, mki);
        if (tag) {
            uint8_t mac[20], rocb[4];
            mk_put32(rocb, roc);
            if ((rc = mk_sc_hmac2(&ks->hmac, out, in_len, rocb, 4, mac)) != MIKEY_OK)
                goto fail;
            memcpy(out + in_len + mki, mac, tag);
        }
    }
    mk_srtp_replay_add(&st->rtp, st->nwords, index);
    mk_srtp_keyset_promote(slot, 0, ks);
    mk_srtp_key_count(s, st, slot->mk, 0);
    st->npackets[0]++;
    if (tmpl)
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_STREAM_ADDED, st, 0, NULL);
    *out_len = need;
    return MIKEY_OK;
fail:
    if (tmpl) /* leave no stream behind for a packet that was refused */
        (void)mikey_srtp_remove_stream(s, ssrc, MIKEY_SRTP_OUTBOUND, 0);
    return rc;
}

static int rtp_unprotect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    size_t hl;
    int rc;
    if (!s || !in || (!out && out_cap) || !out_len) /* out NULL, cap 0: size query */
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = rtp_header_len(in, in_len, &hl)) != MIKEY_OK)
        return rc;
    uint32_t ssrc = mk_be32(in + 8);
    uint16_t seq = mk_be16(in + 2);
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, MIKEY_SRTP_INBOUND);
    if (!st && !(st = s->tmpl[MIKEY_SRTP_INBOUND]))
        return MIKEY_ERR_NOT_FOUND;
    mk_srtp_stream *tmpl = st->is_template ? st : NULL;
    const mikey_srtp_policy *p = &st->pol;
    size_t tag = mk_srtp_rtp_tag_len(p), mki = p->mki_len;
    int gcm = mk_srtp_is_gcm(p->cipher);
    if (in_len < hl + mki + tag)
        return MIKEY_ERR_TRUNCATED;
    size_t need = in_len - mki - tag, plen = need - hl;
    if (out_cap < need) {
        *out_len = need;
        return MIKEY_ERR_NOBUF;
    }
    uint64_t index;
    if ((rc = mk_srtp_estimate(&st->rtp, st->roc0, seq, &index)) != MIKEY_OK)
        return rc;
    /* §3.3 step 2: replay check before any cryptography. */
    if ((rc = mk_srtp_replay_check(&st->rtp, st->window, st->nwords, index)) != MIKEY_OK)
        return rc;
    const uint8_t *mkip = NULL;
    if (mki)
        mkip = gcm ? in + in_len - mki : in + need;
    mk_srtp_slot *slot = mk_srtp_select_key(st, mkip, index);
    if (!slot)
        return MIKEY_ERR_NOT_FOUND;
    if ((rc = mk_srtp_key_usable(s, st, slot->mk, 0)) != MIKEY_OK)
        return rc;
    mk_srtp_keyset *ks = NULL;
    if ((rc = mk_srtp_keyset_get(s, st, slot, 0, kdr_r(p, index), &ks)) != MIKEY_OK)
        return rc;

    uint32_t roc = (uint32_t)(index >> 16);
    uint8_t iv[12] = {0};
    if (gcm) {
        const uint8_t *gtag = in + need;
        gcm_iv(iv, ks->salt, ssrc, roc, seq);
        if (out != in)
            memcpy(out, in, hl);
        if (p->rtp_encrypt) {
            rc = mk_sc_gcm_open(&ks->gcm, iv, in, hl, NULL, 0, in + hl, out + hl, plen, gtag, tag);
        } else {
            rc = mk_sc_gcm_open(&ks->gcm, iv, in, need, NULL, 0, NULL, NULL, 0, gtag, tag);
            if (rc == MIKEY_OK && out != in)
                memcpy(out + hl, in + hl, plen);
        }
        if (rc != MIKEY_OK)
            goto undo;
    } else if (tag) {
        /* §3.3 step 5: verify (in constant time) before decrypting. */
        uint8_t mac[20], rocb[4];
        mk_put32(rocb, roc);
        if ((rc = mk_sc_hmac2(&ks->hmac, in, need, rocb, 4, mac)) != MIKEY_OK)
            return rc;
        if (mk_ct_memcmp(mac, in + in_len - tag, tag) != 0)
            return MIKEY_ERR_AUTH;
    }
    if (tmpl) {
        /* Authenticated: only now does the new SSRC get a stream. */
        if ((rc = mk_srtp_clone(s, tmpl, ssrc, &st)) != MIKEY_OK)
            goto undo;
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_STREAM_ADDED, st, 0, NULL);
    }
    if (!gcm) {
        if (out != in)
            memcpy(out, in, hl);
        if (p->cipher != MIKEY_SRTP_CIPHER_NULL && p->rtp_encrypt)
            rc = cm_f8_xor(p, ks, in, ssrc, index, in + hl, out + hl, plen);
        else if (out != in)
            memcpy(out + hl, in + hl, plen);
        if (rc != MIKEY_OK)
            return rc;
    }
    mk_srtp_replay_add(&st->rtp, st->nwords, index);
    mk_srtp_keyset_promote(slot, 0, ks);
    mk_srtp_key_count(s, st, slot->mk, 0);
    st->npackets[0]++;
    *out_len = need;
    return MIKEY_OK;
undo:
    /* Only the GCM path gets here with plaintext written: put the caller's
     * ciphertext back when in place (CTR is its own inverse), otherwise wipe
     * what we wrote, so a failure never hands out unverified plaintext. */
    if (gcm && p->rtp_encrypt && plen) {
        if (out == in) {
            uint8_t junk[16];
            if (mk_sc_gcm_seal(&ks->gcm, iv, out, hl, NULL, 0, out + hl, out + hl, plen, junk, tag) != MIKEY_OK)
                mk_wipe(out + hl, plen);
        } else {
            mk_wipe(out + hl, plen);
        }
    }
    return rc;
}

int mikey_srtp_protect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len)
{
    int rc = rtp_protect(s, in, in_len, out, out_cap, out_len);
    if (s && s->nev)
        mk_srtp_flush_events(s);
    return rc;
}

int mikey_srtp_unprotect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    int rc = rtp_unprotect(s, in, in_len, out, out_cap, out_len);
    if (s && s->nev)
        mk_srtp_flush_events(s);
    return rc;
}
