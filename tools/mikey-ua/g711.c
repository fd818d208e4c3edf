/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * G.711 companding, written from the segment tables of ITU-T G.711
 * (Tables 1a/1b and 2a/2b). µ-law works on 14-bit magnitudes with a bias of
 * 33 (0x84 on the 16-bit scale); A-law on 13-bit magnitudes. Both invert
 * bits as the Recommendation specifies (µ-law: all bits; A-law: the even
 * bits, i.e. XOR 0x55). The e2e test checks these against Python's
 * audioop, an independent implementation.
 */
#include "g711.h"

enum { ULAW_BIAS = 0x84, ULAW_BIAS14 = 0x21, ULAW_CLIP14 = 8159 };

/* v / 2^n rounded toward minus infinity, without relying on the
 * implementation-defined right shift of negative values. */
static int floor_shift(int v, int n)
{
    if (v >= 0)
        return v >> n;
    return -((-v + (1 << n) - 1) >> n);
}

uint8_t ua_g711_ulaw_encode(int16_t pcm)
{
    /* G.711 µ-law takes 14-bit input: the 14 most significant bits of the
     * 16-bit sample, rounded toward minus infinity (the Sun reference code's
     * arithmetic shift, which SoX and Python's audioop also use). */
    int v = floor_shift(pcm, 2);
    int mask = 0xff;
    int seg;

    if (v < 0) {
        v = -v;
        mask = 0x7f;
    }
    if (v > ULAW_CLIP14)
        v = ULAW_CLIP14;
    v += ULAW_BIAS14;
    /* Segment: the smallest s with v < 0x40 << s (G.711 Table 2a). */
    for (seg = 0; seg < 8 && v >= (0x40 << seg); seg++)
        ;
    if (seg >= 8)
        return (uint8_t)(0x7f ^ mask);
    return (uint8_t)(((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask);
}

int16_t ua_g711_ulaw_decode(uint8_t code)
{
    int c = (uint8_t)~code;
    int exp = (c >> 4) & 0x07;
    int mant = c & 0x0f;
    int v = (((mant << 3) + ULAW_BIAS) << exp) - ULAW_BIAS;

    return (int16_t)((c & 0x80) ? -v : v);
}

uint8_t ua_g711_alaw_encode(int16_t pcm)
{
    /* A-law takes 13-bit input (G.711 Table 1a); same rounding as µ-law. */
    int v = floor_shift(pcm, 3);
    int mask;
    int seg;

    if (v >= 0) {
        mask = 0xd5; /* sign bit set for positive values, even bits inverted */
    } else {
        mask = 0x55;
        v = -v - 1;
    }
    for (seg = 0; seg < 8 && v >= (0x20 << seg); seg++)
        ;
    if (seg >= 8)
        return (uint8_t)(0x7f ^ mask);
    return (uint8_t)(((seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0x0f)) ^ mask);
}

int16_t ua_g711_alaw_decode(uint8_t code)
{
    int c = code ^ 0x55;
    int exp = (c >> 4) & 0x07;
    int mant = c & 0x0f;
    int v;

    if (exp == 0)
        v = (mant << 4) + 8;
    else
        v = ((mant << 4) + 0x108) << (exp - 1);
    return (int16_t)((c & 0x80) ? v : -v);
}

void ua_g711_encode(int pt, const int16_t *pcm, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = pt == UA_PT_PCMA ? ua_g711_alaw_encode(pcm[i]) : ua_g711_ulaw_encode(pcm[i]);
}

void ua_g711_decode(int pt, const uint8_t *in, int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pcm[i] = pt == UA_PT_PCMA ? ua_g711_alaw_decode(in[i]) : ua_g711_ulaw_decode(in[i]);
}
