/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bridge from the session layer's negotiated keys (mikey_cs_keys, with
 * the SP already decoded into mikey_srtp_params) to an SRTP stream. There
 * is deliberately no third SP decoder here: the decoded params are encoded
 * back into SP policy param TLVs with the session layer's own encoder
 * (mk_srtp_to_params) and handed to the SRTP module's one mapping
 * (mikey_srtp_stream_from_mikey, map.c). MIKEY_SRTP_MAP_STRICT, because the
 * session decoder has already applied the "param 3 as tag length" leniency
 * (docs/session.md): applying it a second time could turn a genuine 4- or
 * 10-byte auth key length of our own policy into a tag length.
 */
#include "session/session_int.h"
#include "srtp/srtp_int.h"

int mikey_srtp_stream_from_cs(const mikey_cs_keys *k, int dir, mikey_srtp_policy *policy, mikey_srtp_key *key,
                              mikey_srtp_stream_params *out)
{
    /* 14 one-byte params of 3 bytes each fit easily (RFC 3830 §6.10). */
    uint8_t params[64];
    size_t plen = 0;
    int rc;

    if (!k || !policy || !key || !out || (dir != MIKEY_SRTP_OUTBOUND && dir != MIKEY_SRTP_INBOUND))
        return MIKEY_ERR_INVALID_ARG;
    if (k->master_key_len > sizeof k->master_key || k->master_salt_len > sizeof k->master_salt ||
        k->mki_len > sizeof k->mki)
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = mk_srtp_to_params(&k->srtp, params, sizeof params, &plen)) != MIKEY_OK)
        return rc == MIKEY_ERR_NOBUF ? MIKEY_ERR_INTERNAL : rc;

    mikey_sp sp;
    memset(&sp, 0, sizeof sp);
    sp.policy_no = k->policy_no;
    sp.prot_type = MIKEY_PROT_SRTP;
    sp.params.p = params;
    sp.params.len = plen;
    mikey_span tek = {k->master_key, k->master_key_len};
    /* The session layer always reports the salt separately (derived,
     * transported or split from a key||salt TEK, RFC 3830 §4.1.3). */
    mikey_span salt = {k->master_salt, k->master_salt_len};
    mikey_span spi = {k->mki_len ? k->mki : NULL, k->mki_len};
    /* The policy struct holds no pointer into params, so the local TLV
     * buffer may go out of scope after this call. */
    return mikey_srtp_stream_from_mikey(&sp, MIKEY_SRTP_MAP_STRICT, tek, salt, spi, k->ssrc, k->roc, dir, policy,
                                        key, out);
}
