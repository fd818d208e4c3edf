/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz SRTP and SRTCP unprotect (and the protect -> unprotect round trip)
 * under a deterministic env with an allocator that fails on demand.
 *
 * Input: byte 0 selects the setup, the rest is the packet.
 *   bits 0-2  suite (table below)       bit 3  4-byte MKI
 *   bit 4     RTCP instead of RTP       bit 5  round trip: the packet is
 *                                              plaintext, protect it first
 *   bit 6     in place                  bit 7  receiver is an any-SSRC template
 * Oracles (abort on violation):
 *   - unprotect never reports more bytes than it was given, and on failure
 *     leaves the input unchanged (also when working in place);
 *   - a protected packet unprotects to the original bytes, and with
 *     authentication any single flipped bit is refused.
 * The seeds in fuzz/corpus/srtp_unprotect/ are packets protected under the
 * fixed keys below, so the fuzzer starts past the authentication check.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "openmikey/srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int suites[8] = {
    MIKEY_SRTP_AES_CM_128_HMAC_SHA1_80, MIKEY_SRTP_AES_CM_128_HMAC_SHA1_32, MIKEY_SRTP_AES_256_CM_HMAC_SHA1_80,
    MIKEY_SRTP_F8_128_HMAC_SHA1_80,     MIKEY_SRTP_NULL_HMAC_SHA1_80,       MIKEY_SRTP_AEAD_AES_128_GCM,
    MIKEY_SRTP_AEAD_AES_256_GCM_8,      MIKEY_SRTP_AES_CM_128_NULL_AUTH,
};

static const uint8_t KEY[32] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15,
                                0x88, 0x09, 0xcf, 0x4f, 0x3c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t SALT[14] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
static const uint8_t MKI[4] = {0, 0, 0, 1};
#define FUZZ_SSRC 0xcafebabeu

static mikey_srtp *make(const mikey_env *env, const mikey_srtp_policy *pol, int dir, int any)
{
    mikey_srtp *s = NULL;
    mikey_srtp_key k;
    memset(&k, 0, sizeof k);
    k.key = KEY;
    k.key_len = mikey_srtp_master_key_len(pol->cipher);
    k.salt = SALT;
    k.salt_len = mikey_srtp_master_salt_len(pol->cipher);
    k.mki = pol->mki_len ? MKI : NULL;
    mikey_srtp_stream_params sp;
    memset(&sp, 0, sizeof sp);
    sp.ssrc = FUZZ_SSRC;
    sp.dir = (uint8_t)dir;
    sp.any_ssrc = (uint8_t)any;
    sp.roc = 1;
    sp.policy = pol;
    sp.keys = &k;
    sp.nkeys = 1;
    if (mikey_srtp_new(env, NULL, &s) != MIKEY_OK)
        return NULL;
    if (mikey_srtp_add_stream(s, &sp) != MIKEY_OK) {
        mikey_srtp_free(s);
        return NULL;
    }
    return s;
}

static int unprot(mikey_srtp *s, int rtcp, const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *ol)
{
    return rtcp ? mikey_srtp_unprotect_rtcp(s, in, len, out, cap, ol) : mikey_srtp_unprotect(s, in, len, out, cap, ol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    uint8_t sel = data[0];
    const uint8_t *pkt = data + 1;
    size_t len = size - 1;
    int rtcp = (sel >> 4) & 1, roundtrip = (sel >> 5) & 1, inplace = (sel >> 6) & 1, any = sel >> 7;
    mikey_env env;
    unsigned fail_at = len > 0 && (pkt[len - 1] & 0xf0) == 0xf0 ? (pkt[len - 1] & 0x0f) + 1u : 0;
    fuzz_env_init(&env, 7, fail_at);

    mikey_srtp_policy pol;
    if (mikey_srtp_policy_suite(&pol, (mikey_srtp_suite)suites[sel & 7]) != MIKEY_OK)
        abort();
    pol.mki_len = (sel & 8) ? 4 : 0;
    mikey_srtp *rx = make(&env, &pol, MIKEY_SRTP_INBOUND, any);
    mikey_srtp *tx = roundtrip ? make(&env, &pol, MIKEY_SRTP_OUTBOUND, 0) : NULL;
    if (!rx || (roundtrip && !tx))
        goto done;

    uint8_t *buf = malloc(len + 200), *out = malloc(len + 200), *copy = malloc(len + 200);
    size_t ol = 0, blen = len;
    memcpy(buf, pkt, len);
    if (roundtrip) {
        /* The packet is plaintext: protect, then the round trip must hold. */
        int rc = rtcp ? mikey_srtp_protect_rtcp(tx, pkt, len, buf, len + 200, &blen)
                      : mikey_srtp_protect(tx, pkt, len, buf, len + 200, &blen);
        if (rc != MIKEY_OK)
            goto free_bufs;
        /* First a copy with one bit flipped (chosen by the input): with a
         * tag every flip must be refused (an MKI flip as an unknown MKI),
         * and a refusal leaves no trace for the genuine packet below. */
        size_t tag = rtcp ? mikey_srtp_rtcp_overhead(&pol) - 4 - pol.mki_len
                          : mikey_srtp_rtp_overhead(&pol) - pol.mki_len;
        memcpy(copy, buf, blen);
        size_t pos = (len ? pkt[0] * 31u + pkt[len / 2] : 0) % blen;
        copy[pos] ^= (uint8_t)(1u << (sel % 8));
        rc = unprot(rx, rtcp, copy, blen, out, len + 200, &ol);
        if (tag > 0 && rc == MIKEY_OK)
            abort();
        if (rc == MIKEY_OK)
            goto free_bufs; /* no tag: the flipped packet took the index */
        memcpy(copy, buf, blen);
        rc = unprot(rx, rtcp, buf, blen, out, len + 200, &ol);
        if (rc == MIKEY_ERR_NOMEM || rc == MIKEY_ERR_LIMIT)
            goto free_bufs; /* template stream creation under the failing allocator */
        if (rc != MIKEY_OK || ol != len || memcmp(out, pkt, len) != 0)
            abort();
        if (memcmp(copy, buf, blen) != 0)
            abort();
        goto free_bufs;
    }
    memcpy(copy, pkt, len);
    int rc;
    if (inplace)
        rc = unprot(rx, rtcp, buf, blen, buf, len + 200, &ol);
    else
        rc = unprot(rx, rtcp, buf, blen, out, len + 200, &ol);
    if (rc == MIKEY_OK) {
        if (ol > len)
            abort();
        /* A packet accepted once is a replay the second time. */
        memcpy(buf, pkt, len);
        if (unprot(rx, rtcp, buf, len, out, len + 200, &ol) != MIKEY_ERR_REPLAY)
            abort();
    } else if (memcmp(buf, copy, len) != 0) {
        abort(); /* failure must leave the input unchanged */
    }
    /* Too small an output: NOBUF or an earlier error, never a write past cap. */
    if (len > 20) {
        uint8_t *tiny = malloc(8);
        memcpy(buf, pkt, len);
        size_t need = 0;
        (void)unprot(rx, rtcp, buf, len, tiny, 8, &need);
        free(tiny);
    }
free_bufs:
    free(buf);
    free(out);
    free(copy);
done:
    mikey_srtp_free(rx);
    mikey_srtp_free(tx);
    return 0;
}
