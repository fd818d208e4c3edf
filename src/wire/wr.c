/* SPDX-License-Identifier: BSD-2-Clause */
/* Writer over a caller buffer; overflow is sticky and checked once at the
 * end (the encoder computes sizes first, so overflow means a bug). */
#include "wire/wire.h"

void mk_wr_bytes(mk_wr *w, const void *p, size_t n)
{
    if (w->overflow || (size_t)(w->end - w->p) < n) {
        w->overflow = 1;
        return;
    }
    if (n)
        memcpy(w->p, p, n);
    w->p += n;
}

void mk_wr_u8(mk_wr *w, uint8_t v) { mk_wr_bytes(w, &v, 1); }

void mk_wr_u16(mk_wr *w, uint16_t v)
{
    uint8_t b[2];
    mk_put16(b, v);
    mk_wr_bytes(w, b, 2);
}

void mk_wr_u32(mk_wr *w, uint32_t v)
{
    uint8_t b[4];
    mk_put32(b, v);
    mk_wr_bytes(w, b, 4);
}

void mk_wr_span(mk_wr *w, mikey_span s) { mk_wr_bytes(w, s.p, s.len); }
