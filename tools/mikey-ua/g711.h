/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ITU-T G.711 µ-law (PCMU, RTP payload type 0) and A-law (PCMA, payload
 * type 8) companding (RFC 3551 §4.5.14). 16-bit linear samples in, 8-bit
 * code words out and back.
 */
#ifndef MIKEY_UA_G711_H
#define MIKEY_UA_G711_H

#include <stddef.h>
#include <stdint.h>

uint8_t ua_g711_ulaw_encode(int16_t pcm);
int16_t ua_g711_ulaw_decode(uint8_t code);
uint8_t ua_g711_alaw_encode(int16_t pcm);
int16_t ua_g711_alaw_decode(uint8_t code);

/** Codecs by RTP static payload type. */
enum { UA_PT_PCMU = 0, UA_PT_PCMA = 8 };

/** Encode @p n samples with payload type @p pt (0 or 8). */
void ua_g711_encode(int pt, const int16_t *pcm, uint8_t *out, size_t n);
/** Decode @p n code words with payload type @p pt (0 or 8). */
void ua_g711_decode(int pt, const uint8_t *in, int16_t *pcm, size_t n);

#endif
