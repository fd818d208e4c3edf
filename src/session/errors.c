/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error messages (RFC 3830 §5.1.2): HDR, T, {ERR}, {SP}. Library errors map
 * to the Error no of Table 6.12 (plus RFC 4738's "Unsupported message
 * type"). The session layer records the precise Error no where it knows
 * more (e.g. Invalid PRF vs Invalid EA for MIKEY_ERR_ALGORITHM); this table
 * is the general mapping.
 *
 * Error messages are not authenticated: §5.1.2 makes authentication of an
 * Error message optional and warns that signing one in answer to a failed
 * authentication is a DoS lever against the responder. A receiver treats
 * them as a recommendation (mikey_finish returns MIKEY_ERR_PEER_ERROR and
 * leaves the exchange pending).
 */
#include "session/session_int.h"

int mikey_err_to_rfc3830(int err)
{
    switch (err) {
    case MIKEY_ERR_AUTH:
    case MIKEY_ERR_DECRYPT: return MIKEY_E_AUTH_FAILURE;
    case MIKEY_ERR_REPLAY:
    case MIKEY_ERR_TIMESTAMP: return MIKEY_E_INVALID_TS;
    case MIKEY_ERR_DH_VALUE: return MIKEY_E_INVALID_DH;
    case MIKEY_ERR_IDENTITY: return MIKEY_E_INVALID_ID;
    case MIKEY_ERR_CERT: return MIKEY_E_INVALID_CERT;
    case MIKEY_ERR_POLICY: return MIKEY_E_INVALID_SPPAR;
    case MIKEY_ERR_NEGOTIATION: return MIKEY_E_INVALID_SP;
    case MIKEY_ERR_UNSUPPORTED_MODE: return MIKEY_E_INVALID_DT;
    /* RFC 4738 §3.5: "Message type not supported" when the message cannot
     * be parsed. */
    case MIKEY_ERR_TRUNCATED:
    case MIKEY_ERR_LENGTH:
    case MIKEY_ERR_TRAILING:
    case MIKEY_ERR_UNKNOWN_PAYLOAD:
    case MIKEY_ERR_UNSUPPORTED:
    case MIKEY_ERR_VERSION:
    case MIKEY_ERR_LIMIT:
    case MIKEY_ERR_SYNTAX:
    case MIKEY_ERR_FIELD: return MIKEY_E_UNSUPPORTED_MSG_TYPE;
    /* MIKEY_ERR_ALGORITHM names no algorithm family by itself. */
    default: return MIKEY_E_UNSPECIFIED;
    }
}

int mk_error_msg(const mikey_ctx *ctx, const mikey_hdr *hdr, const mikey_ts *t, int rfc, int with_sps, uint8_t *out,
                 size_t cap, size_t *outlen)
{
    mikey_msg *m = NULL;
    uint8_t tv[8];
    int rc = mikey_msg_new(&ctx->env, 0, &m);
    if (rc)
        return rc;
    mikey_span none = {NULL, 0};
    /* Same CSB ID and PRF as the offending message (so the initiator can
     * match the error to its offer); #CS 0. */
    rc = mk_b_hdr_raw(m, MIKEY_DT_ERROR, 0, hdr ? hdr->prf : 0, hdr ? hdr->csb_id : 0, 0, MIKEY_MAP_SRTP_ID, none);
    if (rc == MIKEY_OK) {
        if (t) {
            /* §5.2: "The Responder does not create a new timestamp, but uses
             * the timestamp used by the Initiator." */
            rc = mk_b_ts(m, t->ts_type, t->value);
        } else {
            uint64_t now = 0;
            if ((rc = mk_now(&ctx->env, &now)) == MIKEY_OK) {
                mk_put64(tv, now);
                mikey_span v = {tv, 8};
                rc = mk_b_ts(m, MIKEY_TS_NTP_UTC, v);
            }
        }
    }
    if (rc == MIKEY_OK) {
        mikey_payload pl;
        memset(&pl, 0, sizeof pl);
        pl.type = MIKEY_PT_ERR;
        pl.u.err.error_no = (uint8_t)rfc;
        rc = mikey_msg_append(m, &pl);
    }
    if (rc == MIKEY_OK && with_sps) {
        /* §5.1.1 capability discovery: what this responder accepts. */
        const mikey_srtp_params *list;
        size_t n = mk_policy_srtp(ctx->policy, &list);
        for (size_t i = 0; i < n && rc == MIKEY_OK; i++)
            rc = mk_b_sp(m, (uint8_t)i, &list[i]);
    }
    if (rc == MIKEY_OK)
        rc = mk_b_encode(m, out, cap, outlen);
    mikey_msg_free(m);
    return rc;
}

int mk_error_no(const mikey_msg *m)
{
    const mikey_payload *e = mikey_msg_find(m, MIKEY_PT_ERR, 0);
    return e ? e->u.err.error_no : -1;
}
