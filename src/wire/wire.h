/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private header of src/wire: the checked reader/writer cursors, the decode
 * context that turns every failure into a precise mikey_parse_error, and the
 * payload codec table (one codec per payload family, one file each).
 */
#ifndef MIKEY_WIRE_H
#define MIKEY_WIRE_H

#include "internal.h"
#include "openmikey/message.h"

/* ---- decode context ---- */

typedef struct mk_dctx {
    const uint8_t *base;      /* start of the outermost input: offsets are relative to it */
    const mikey_limits *lim;
    unsigned strict;
    mikey_parse_error *perr;  /* may be NULL */
    unsigned cur_type;        /* payload being decoded, for error reports */
    int cur_index;
    unsigned depth;           /* nesting of sub-chains */
    unsigned leniencies;      /* mikey_lenient bits used */
} mk_dctx;

/* Record a failure (first one wins) and return err. `at` points into the
 * input (NULL: unknown offset). */
int mk_fail(mk_dctx *d, int err, const uint8_t *at, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* ---- reader: every read is checked; a failed read names the field ---- */

typedef struct mk_rd {
    const uint8_t *p;
    const uint8_t *end;
} mk_rd;

static inline size_t mk_rd_left(const mk_rd *r) { return (size_t)(r->end - r->p); }

int mk_rd_u8(mk_dctx *d, mk_rd *r, const char *field, uint8_t *v);
int mk_rd_u16(mk_dctx *d, mk_rd *r, const char *field, uint16_t *v);
int mk_rd_u32(mk_dctx *d, mk_rd *r, const char *field, uint32_t *v);
/* Take n bytes as a span. */
int mk_rd_bytes(mk_dctx *d, mk_rd *r, const char *field, size_t n, mikey_span *out);
/* Read a length of lenbytes (1 or 2) then that many bytes. */
int mk_rd_lv(mk_dctx *d, mk_rd *r, const char *lenfield, const char *field, unsigned lenbytes, mikey_span *out);

/* ---- writer: over a buffer of known size; overflow is sticky ---- */

typedef struct mk_wr {
    uint8_t *p;
    uint8_t *end;
    int overflow;
} mk_wr;

void mk_wr_u8(mk_wr *w, uint8_t v);
void mk_wr_u16(mk_wr *w, uint16_t v);
void mk_wr_u32(mk_wr *w, uint32_t v);
void mk_wr_span(mk_wr *w, mikey_span s);
void mk_wr_bytes(mk_wr *w, const void *p, size_t n);

/* ---- key validity data (RFC 3830 §6.14), shared by several payloads ---- */
int mk_kv_decode(mk_dctx *d, mk_rd *r, uint8_t kv_type, mikey_kv *kv);
size_t mk_kv_len(const mikey_kv *kv);
void mk_kv_encode(mk_wr *w, const mikey_kv *kv);
int mk_kv_check(const mikey_kv *kv);

/* ---- payload codecs ---- */

/* "This payload has no Next payload field" (SIGN). */
#define MK_NEXT_NONE 0x100u

typedef struct mk_codec {
    unsigned type;
    /* Decode one payload starting at r->p. Sets *next to the Next payload
     * value, or MK_NEXT_NONE if the payload has no such field. */
    int (*decode)(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next);
    /* Encoded size of a payload whose fields passed check(). */
    size_t (*enc_len)(const mikey_payload *pl);
    /* Write the payload with the given Next payload value. */
    void (*encode)(mk_wr *w, const mikey_payload *pl, unsigned next);
    /* 0 if every field can be encoded, else MIKEY_ERR_FIELD. */
    int (*check)(const mikey_payload *pl);
} mk_codec;

const mk_codec *mk_codec_find(unsigned type);

/* The spans a payload holds (for deep copies); returns the count. */
size_t mk_payload_spans(mikey_payload *pl, mikey_span **out, size_t max);

/* Validate (without storing) a prefixed sub-chain such as TP Data: one byte
 * naming the first payload, then payloads. Empty is allowed. */
int mk_chain_validate_prefixed(mk_dctx *d, mikey_span s);

/* Codec entry points (one file per payload family). */
int mk_hdr_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next, size_t empty_info_len);
size_t mk_hdr_enc_len(const mikey_payload *pl);
void mk_hdr_encode(mk_wr *w, const mikey_payload *pl, unsigned next);
int mk_hdr_check(const mikey_payload *pl);

#define MK_CODEC_DECL(name)                                                                    \
    int mk_##name##_decode(mk_dctx *d, mk_rd *r, mikey_payload *pl, unsigned *next);           \
    size_t mk_##name##_enc_len(const mikey_payload *pl);                                       \
    void mk_##name##_encode(mk_wr *w, const mikey_payload *pl, unsigned next);                 \
    int mk_##name##_check(const mikey_payload *pl);

MK_CODEC_DECL(kemac)
MK_CODEC_DECL(pke)
MK_CODEC_DECL(dh)
MK_CODEC_DECL(sign)
MK_CODEC_DECL(ts)
MK_CODEC_DECL(id)
MK_CODEC_DECL(chash)
MK_CODEC_DECL(v)
MK_CODEC_DECL(sp)
MK_CODEC_DECL(rand)
MK_CODEC_DECL(err)
MK_CODEC_DECL(keydata)
MK_CODEC_DECL(genext)
MK_CODEC_DECL(ticket)
MK_CODEC_DECL(ibe)
MK_CODEC_DECL(sk)
MK_CODEC_DECL(eccpt)
MK_CODEC_DECL(sakke)

#endif /* MIKEY_WIRE_H */
