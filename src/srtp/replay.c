/* SPDX-License-Identifier: BSD-2-Clause */
/* Index estimation (RFC 3711 §3.3.1, Appendix A) and the replay window
 * (RFC 3711 §3.3.2), used for SRTP indices (48 bits) and SRTCP indices
 * (31 bits) alike. */
#include "srtp/srtp_int.h"

int mk_srtp_estimate(const mk_srtp_replay *r, uint32_t roc0, uint16_t seq, uint64_t *index)
{
    if (!r->started) {
        /* §3.3.1: the first packet's SEQ initialises s_l; the ROC is the
         * signalled one (MIKEY CS ROC). */
        *index = (uint64_t)roc0 << 16 | seq;
        return MIKEY_OK;
    }
    uint32_t roc = (uint32_t)(r->top >> 16);
    uint32_t s_l = (uint32_t)(r->top & 0xffff);
    uint64_t v = roc;
    /* Appendix A: v is ROC-1, ROC or ROC+1, whichever puts SEQ closest to s_l. */
    if (s_l < 32768) {
        if (seq > s_l + 32768u) {
            if (roc == 0)
                return MIKEY_ERR_REPLAY; /* before the first index: cannot be fresh */
            v = (uint64_t)roc - 1;
        }
    } else if (s_l - 32768u > seq) {
        v = (uint64_t)roc + 1;
        if (v > 0xffffffffu)
            return MIKEY_ERR_STATE; /* the 48-bit index space is exhausted */
    }
    *index = v << 16 | seq;
    return MIKEY_OK;
}

static inline uint64_t bit_of(uint64_t index)
{
    return (uint64_t)1 << (index & 63);
}

int mk_srtp_replay_check(const mk_srtp_replay *r, uint32_t window, uint32_t nwords, uint64_t index)
{
    if (!r->started || index > r->top)
        return MIKEY_OK;
    if (r->top - index >= window)
        return MIKEY_ERR_REPLAY; /* too old to tell: reject (§3.3.2) */
    if (r->bits[(index >> 6) & (nwords - 1)] & bit_of(index))
        return MIKEY_ERR_REPLAY;
    return MIKEY_OK;
}

void mk_srtp_replay_add(mk_srtp_replay *r, uint32_t nwords, uint64_t index)
{
    if (!r->started || index > r->top) {
        /* Clear every word entered since the old top: they hold bits of
         * indices that fell out of the ring (RFC 6479 §2). */
        uint64_t wt = r->started ? r->top >> 6 : 0, wi = index >> 6;
        if (!r->started || wi - wt >= nwords) {
            memset(r->bits, 0, (size_t)nwords * sizeof r->bits[0]);
        } else {
            for (uint64_t w = wt + 1; w <= wi; w++)
                r->bits[w & (nwords - 1)] = 0;
        }
        r->top = index;
        r->started = 1;
    }
    r->bits[(index >> 6) & (nwords - 1)] |= bit_of(index);
}
