/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticket Policy TP and TICKET (RFC 6043 §6.10):
 *   Next(8) Ticket Type(16) Subtype(8) | Version(8) PRF Func(7) D(1)
 *   E..L(8) M N O Res(5) | TP Data length(16) TP Data
 *   [TICKET only: Ticket Data length(16) Ticket Data,
 *                 Initiator Data length(16) Initiator Data]
 * TP Data and Initiator Data are "First Payload" byte + MIKEY payloads; the
 * decoder validates them as nested chains (depth-limited).
 */
#include "wire/wire.h"

int mk_ticket_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next)
{
    mikey_ticket *t = &pl->u.ticket;
    uint8_t np, a, b, c;
    int rc;
    memset(t, 0, sizeof *t);
    if ((rc = mk_rd_u8(d, r, "Next Payload", &np)) || (rc = mk_rd_u16(d, r, "Ticket Type", &t->ticket_type)) ||
        (rc = mk_rd_u8(d, r, "Subtype", &t->subtype)) || (rc = mk_rd_u8(d, r, "Version", &t->version)) ||
        (rc = mk_rd_u8(d, r, "PRF Func/D", &a)) || (rc = mk_rd_u8(d, r, "Flags E-L", &b)) ||
        (rc = mk_rd_u8(d, r, "Flags M-O/Res", &c)))
        return rc;
    t->prf = a >> 1;
    t->flags = (uint32_t)(a & 1) << 16 | (uint32_t)b << 8 | c;
    if ((rc = mk_rd_lv(d, r, "TP Data length", "TP Data", 2, &t->tp_data)))
        return rc;
    if (pl->type == MIKEY_PT_TICKET) {
        if ((rc = mk_rd_lv(d, r, "Ticket Data length", "Ticket Data", 2, &t->ticket_data)) ||
            (rc = mk_rd_lv(d, r, "Initiator Data length", "Initiator Data", 2, &t->initiator_data)))
            return rc;
    }
    unsigned saved_type = d->cur_type;
    int saved_index = d->cur_index;
    if ((rc = mk_chain_validate_prefixed(d, t->tp_data)))
        return rc;
    if (pl->type == MIKEY_PT_TICKET && (rc = mk_chain_validate_prefixed(d, t->initiator_data)))
        return rc;
    d->cur_type = saved_type;
    d->cur_index = saved_index;
    *next = np;
    return MIKEY_OK;
}

size_t mk_ticket_enc_len(const mikey_payload *pl)
{
    const mikey_ticket *t = &pl->u.ticket;
    size_t n = 10 + t->tp_data.len;
    if (pl->type == MIKEY_PT_TICKET)
        n += 4 + t->ticket_data.len + t->initiator_data.len;
    return n;
}

void mk_ticket_encode(mk_wr *w, const mikey_payload *pl, unsigned next)
{
    const mikey_ticket *t = &pl->u.ticket;
    mk_wr_u8(w, (uint8_t)next);
    mk_wr_u16(w, t->ticket_type);
    mk_wr_u8(w, t->subtype);
    mk_wr_u8(w, t->version);
    mk_wr_u8(w, (uint8_t)(t->prf << 1 | ((t->flags >> 16) & 1)));
    mk_wr_u8(w, (uint8_t)(t->flags >> 8));
    mk_wr_u8(w, (uint8_t)t->flags);
    mk_wr_u16(w, (uint16_t)t->tp_data.len);
    mk_wr_span(w, t->tp_data);
    if (pl->type == MIKEY_PT_TICKET) {
        mk_wr_u16(w, (uint16_t)t->ticket_data.len);
        mk_wr_span(w, t->ticket_data);
        mk_wr_u16(w, (uint16_t)t->initiator_data.len);
        mk_wr_span(w, t->initiator_data);
    }
}

int mk_ticket_check(const mikey_payload *pl)
{
    const mikey_ticket *t = &pl->u.ticket;
    if (t->prf > 0x7f || t->flags > 0x1ffff || t->tp_data.len > 0xffff || t->ticket_data.len > 0xffff ||
        t->initiator_data.len > 0xffff)
        return MIKEY_ERR_FIELD;
    if (pl->type == MIKEY_PT_TP && (t->ticket_data.len || t->initiator_data.len))
        return MIKEY_ERR_FIELD;
    mikey_limits lim;
    mikey_limits_default(&lim);
    mk_dctx d;
    memset(&d, 0, sizeof d);
    d.lim = &lim;
    d.base = t->tp_data.p;
    if (mk_chain_validate_prefixed(&d, t->tp_data))
        return MIKEY_ERR_FIELD;
    d.base = t->initiator_data.p;
    if (mk_chain_validate_prefixed(&d, t->initiator_data))
        return MIKEY_ERR_FIELD;
    return MIKEY_OK;
}
