/* SPDX-License-Identifier: BSD-2-Clause */
/* SRTCP packet transforms (RFC 3711 §3.4, §4; RFC 7714 §9). */
#include "srtp/srtp_int.h"

#define E_FLAG 0x80000000u

/* RFC 3711 §4.1.1 with the SRTCP index in place of the SRTP index. */
static inline void cm_iv(uint8_t iv[16], const uint8_t salt[14], uint32_t ssrc, uint32_t index)
{
    memcpy(iv, salt, 14);
    iv[14] = iv[15] = 0;
    iv[4] ^= (uint8_t)(ssrc >> 24);
    iv[5] ^= (uint8_t)(ssrc >> 16);
    iv[6] ^= (uint8_t)(ssrc >> 8);
    iv[7] ^= (uint8_t)ssrc;
    iv[10] ^= (uint8_t)(index >> 24);
    iv[11] ^= (uint8_t)(index >> 16);
    iv[12] ^= (uint8_t)(index >> 8);
    iv[13] ^= (uint8_t)index;
}

/* RFC 3711 §4.1.2.3: IV = 0..0 (32 bits) || E || SRTCP index || V || P ||
 * RC || PT || length || SSRC. */
static inline void f8_iv(uint8_t iv[16], uint32_t eidx, const uint8_t *hdr)
{
    memset(iv, 0, 4);
    mk_put32(iv + 4, eidx);
    memcpy(iv + 8, hdr, 8);
}

/* RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || index) XOR salt. */
static inline void gcm_iv(uint8_t iv[12], const uint8_t salt[14], uint32_t ssrc, uint32_t index)
{
    uint8_t b[12] = {0};
    mk_put32(b + 2, ssrc);
    mk_put32(b + 8, index);
    for (int i = 0; i < 12; i++)
        iv[i] = b[i] ^ salt[i];
}

static int xor_payload(const mikey_srtp_policy *p, mk_srtp_keyset *ks, const uint8_t *hdr, uint32_t ssrc,
                       uint32_t eidx, const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t iv[16];
    if (p->cipher == MIKEY_SRTP_CIPHER_AES_F8_128) {
        f8_iv(iv, eidx, hdr);
        return mk_sc_f8_xor(&ks->f8, iv, in, out, len);
    }
    cm_iv(iv, ks->salt, ssrc, eidx & ~E_FLAG);
    return mk_sc_ctr_xor(&ks->ctr, iv, in, out, len);
}

/* RFC 3711 §8.1.1: SRTCP picks its key by the stream's latest SRTP index. */
static uint64_t rtp_index_of(const mk_srtp_stream *st)
{
    return st->rtp.started ? st->rtp.top : (uint64_t)st->roc0 << 16;
}

static int rtcp_check_header(const uint8_t *in, size_t in_len)
{
    if (in_len < 8)
        return MIKEY_ERR_TRUNCATED;
    if ((in[0] >> 6) != 2)
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}

static int rtcp_protect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                        size_t *out_len)
{
    int rc;
    if (!s || !in || (!out && out_cap) || !out_len) /* out NULL, cap 0: size query */
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = rtcp_check_header(in, in_len)) != MIKEY_OK)
        return rc;
    if (in_len > SIZE_MAX / 2) /* in_len + trailer must not wrap */
        return MIKEY_ERR_INVALID_ARG;
    uint32_t ssrc = mk_be32(in + 4);
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, MIKEY_SRTP_OUTBOUND), *tmpl = NULL;
    if (!st) {
        if (!(tmpl = s->tmpl[MIKEY_SRTP_OUTBOUND]))
            return MIKEY_ERR_NOT_FOUND;
        st = tmpl;
    }
    const mikey_srtp_policy *p = &st->pol;
    size_t tag = mk_srtp_rtcp_tag_len(p), mki = p->mki_len, need = in_len + 4 + mki + tag;
    if (out_cap < need) {
        *out_len = need;
        return MIKEY_ERR_NOBUF;
    }
    if (tmpl) {
        if ((rc = mk_srtp_clone(s, tmpl, ssrc, &st)) != MIKEY_OK)
            return rc;
        p = &st->pol;
    }
    uint32_t idx = st->rtcp_next;
    mk_srtp_slot *slot = NULL;
    mk_srtp_keyset *ks = NULL;
    rc = MIKEY_OK;
    /* §3.4: the index is 31 bits and must not wrap under one master key. */
    if (idx >= MK_SRTCP_MAX_INDEX)
        rc = MIKEY_ERR_STATE;
    if (rc == MIKEY_OK && !(slot = mk_srtp_select_key(st, NULL, rtp_index_of(st))))
        rc = MIKEY_ERR_NOT_FOUND;
    if (rc == MIKEY_OK)
        rc = mk_srtp_key_usable(s, st, slot->mk, 1);
    if (rc == MIKEY_OK)
        rc = mk_srtp_keyset_get(s, st, slot, 1, p->kdr ? idx / p->kdr : 0, &ks);
    if (rc != MIKEY_OK)
        goto fail;

    int enc = p->rtcp_encrypt && p->cipher != MIKEY_SRTP_CIPHER_NULL;
    uint32_t eidx = (enc ? E_FLAG : 0) | idx;
    uint8_t eb[4];
    size_t plen = in_len - 8;
    mk_put32(eb, eidx);
    if (out != in)
        memcpy(out, in, 8);
    if (mk_srtp_is_gcm(p->cipher)) {
        uint8_t iv[12];
        gcm_iv(iv, ks->salt, ssrc, idx);
        /* §9.2: E = 1: AAD = header || E||index, the rest is plaintext;
         * §9.3: E = 0: AAD = the whole packet || E||index. The tag goes
         * before E||index, the MKI after it. */
        if (enc) {
            rc = mk_sc_gcm_seal(&ks->gcm, iv, in, 8, eb, 4, in + 8, out + 8, plen, out + in_len, tag);
        } else {
            if (out != in)
                memcpy(out + 8, in + 8, plen);
            rc = mk_sc_gcm_seal(&ks->gcm, iv, out, in_len, eb, 4, NULL, NULL, 0, out + in_len, tag);
        }
        if (rc != MIKEY_OK)
            goto fail;
        memcpy(out + in_len + tag, eb, 4);
        if (mki)
            memcpy(out + in_len + tag + 4, slot->mk->mki, mki);
    } else {
        if (enc)
            rc = xor_payload(p, ks, in, ssrc, eidx, in + 8, out + 8, plen);
        else if (out != in)
            memcpy(out + 8, in + 8, plen);
        if (rc != MIKEY_OK)
            goto fail;
        /* §3.4: E||index is authenticated, the MKI is not. */
        memcpy(out + in_len, eb, 4);
        if (mki)
            memcpy(out + in_len + 4, slot->mk->mki, mki);
        if (tag) {
            uint8_t mac[20];
            if ((rc = mk_sc_hmac2(&ks->hmac, out, in_len + 4, NULL, 0, mac)) != MIKEY_OK)
                goto fail;
            memcpy(out + in_len + 4 + mki, mac, tag);
        }
    }
    st->rtcp_next = idx + 1;
    mk_srtp_keyset_promote(slot, 1, ks);
    mk_srtp_key_count(s, st, slot->mk, 1);
    st->npackets[1]++;
    if (tmpl)
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_STREAM_ADDED, st, 1, NULL);
    *out_len = need;
    return MIKEY_OK;
fail:
    if (tmpl)
        (void)mikey_srtp_remove_stream(s, ssrc, MIKEY_SRTP_OUTBOUND, 0);
    return rc;
}

static int rtcp_unprotect(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                          size_t *out_len)
{
    int rc;
    if (!s || !in || (!out && out_cap) || !out_len) /* out NULL, cap 0: size query */
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = rtcp_check_header(in, in_len)) != MIKEY_OK)
        return rc;
    uint32_t ssrc = mk_be32(in + 4);
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, MIKEY_SRTP_INBOUND);
    if (!st && !(st = s->tmpl[MIKEY_SRTP_INBOUND]))
        return MIKEY_ERR_NOT_FOUND;
    mk_srtp_stream *tmpl = st->is_template ? st : NULL;
    const mikey_srtp_policy *p = &st->pol;
    size_t tag = mk_srtp_rtcp_tag_len(p), mki = p->mki_len;
    int gcm = mk_srtp_is_gcm(p->cipher);
    if (in_len < 8 + 4 + mki + tag)
        return MIKEY_ERR_TRUNCATED;
    /* Trailer: HMAC: E||index, MKI, tag. GCM: tag, E||index, MKI. */
    size_t eoff = gcm ? in_len - mki - 4 : in_len - tag - mki - 4;
    size_t need = gcm ? eoff - tag : eoff, plen = need - 8;
    if (out_cap < need) {
        *out_len = need;
        return MIKEY_ERR_NOBUF;
    }
    uint32_t eidx = mk_be32(in + eoff), idx = eidx & ~E_FLAG;
    int enc = (eidx & E_FLAG) != 0;
    if ((rc = mk_srtp_replay_check(&st->rtcp, st->window, st->nwords, idx)) != MIKEY_OK)
        return rc;
    const uint8_t *mkip = mki ? in + eoff + 4 : NULL;
    mk_srtp_slot *slot = mk_srtp_select_key(st, mkip, rtp_index_of(st));
    if (!slot)
        return MIKEY_ERR_NOT_FOUND;
    if ((rc = mk_srtp_key_usable(s, st, slot->mk, 1)) != MIKEY_OK)
        return rc;
    mk_srtp_keyset *ks = NULL;
    if ((rc = mk_srtp_keyset_get(s, st, slot, 1, p->kdr ? idx / p->kdr : 0, &ks)) != MIKEY_OK)
        return rc;

    uint8_t iv[12] = {0};
    if (gcm) {
        gcm_iv(iv, ks->salt, ssrc, idx);
        if (out != in)
            memcpy(out, in, 8);
        if (enc) {
            rc = mk_sc_gcm_open(&ks->gcm, iv, in, 8, in + eoff, 4, in + 8, out + 8, plen, in + need, tag);
        } else {
            rc = mk_sc_gcm_open(&ks->gcm, iv, in, need, in + eoff, 4, NULL, NULL, 0, in + need, tag);
            if (rc == MIKEY_OK && out != in)
                memcpy(out + 8, in + 8, plen);
        }
        if (rc != MIKEY_OK)
            goto undo;
    } else if (tag) {
        uint8_t mac[20];
        if ((rc = mk_sc_hmac2(&ks->hmac, in, eoff + 4, NULL, 0, mac)) != MIKEY_OK)
            return rc;
        if (mk_ct_memcmp(mac, in + in_len - tag, tag) != 0)
            return MIKEY_ERR_AUTH;
    }
    if (tmpl) {
        if ((rc = mk_srtp_clone(s, tmpl, ssrc, &st)) != MIKEY_OK)
            goto undo;
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_STREAM_ADDED, st, 1, NULL);
    }
    if (!gcm) {
        if (out != in)
            memcpy(out, in, 8);
        /* The (authenticated) E flag says whether this packet is encrypted. */
        if (enc && p->cipher != MIKEY_SRTP_CIPHER_NULL)
            rc = xor_payload(p, ks, in, ssrc, eidx, in + 8, out + 8, plen);
        else if (out != in)
            memcpy(out + 8, in + 8, plen);
        if (rc != MIKEY_OK)
            return rc;
    }
    mk_srtp_replay_add(&st->rtcp, st->nwords, idx);
    mk_srtp_keyset_promote(slot, 1, ks);
    mk_srtp_key_count(s, st, slot->mk, 1);
    st->npackets[1]++;
    *out_len = need;
    return MIKEY_OK;
undo:
    if (gcm && enc && plen) {
        if (out == in) {
            uint8_t junk[16];
            if (mk_sc_gcm_seal(&ks->gcm, iv, out, 8, in + eoff, 4, out + 8, out + 8, plen, junk, tag) != MIKEY_OK)
                mk_wipe(out + 8, plen);
        } else {
            mk_wipe(out + 8, plen);
        }
    }
    return rc;
}

int mikey_srtp_protect_rtcp(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                            size_t *out_len)
{
    int rc = rtcp_protect(s, in, in_len, out, out_cap, out_len);
    if (s && s->nev)
        mk_srtp_flush_events(s);
    return rc;
}

int mikey_srtp_unprotect_rtcp(mikey_srtp *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                              size_t *out_len)
{
    int rc = rtcp_unprotect(s, in, in_len, out, out_cap, out_len);
    if (s && s->nev)
        mk_srtp_flush_events(s);
    return rc;
}
