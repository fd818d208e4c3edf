/* SPDX-License-Identifier: BSD-2-Clause */
#include "wav.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { WAV_RATE = 8000, WAV_MAX_BYTES = 512u * 1024u * 1024u };

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int ua_wav_load(const char *path, int16_t **samples, size_t *n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t hdr[12], ck[8], fmt[16];
    int have_fmt = 0;
    int rc = -1;

    *samples = NULL;
    *n = 0;
    if (!f)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)) {
        fail(err, errlen, "%s: not a RIFF/WAVE file", path);
        goto out;
    }
    /* Walk the chunks: "fmt " must precede "data"; others are skipped
     * (RIFF pads odd-sized chunks to an even length). */
    while (fread(ck, 1, 8, f) == 8) {
        uint32_t len = rd32(ck + 4);
        if (!memcmp(ck, "fmt ", 4)) {
            if (len < 16 || fread(fmt, 1, 16, f) != 16) {
                fail(err, errlen, "%s: truncated fmt chunk", path);
                goto out;
            }
            if (rd16(fmt) != 1 || rd16(fmt + 2) != 1 || rd32(fmt + 4) != WAV_RATE || rd16(fmt + 14) != 16) {
                fail(err, errlen,
                     "%s: need 16-bit PCM mono 8000 Hz, found format %u, %u channel(s), %lu Hz, %u bits",
                     path, rd16(fmt), rd16(fmt + 2), (unsigned long)rd32(fmt + 4), rd16(fmt + 14));
                goto out;
            }
            have_fmt = 1;
            if (fseek(f, (long)(len - 16 + (len & 1)), SEEK_CUR)) {
                fail(err, errlen, "%s: truncated", path);
                goto out;
            }
        } else if (!memcmp(ck, "data", 4)) {
            if (!have_fmt) {
                fail(err, errlen, "%s: data chunk before fmt chunk", path);
                goto out;
            }
            if (len > WAV_MAX_BYTES) {
                fail(err, errlen, "%s: data chunk of %lu bytes is too large", path, (unsigned long)len);
                goto out;
            }
            size_t cnt = len / 2;
            uint8_t *raw = malloc(len ? len : 1);
            int16_t *pcm = malloc(cnt ? cnt * sizeof(*pcm) : 1);
            if (!raw || !pcm) {
                free(raw);
                free(pcm);
                fail(err, errlen, "%s: out of memory", path);
                goto out;
            }
            if (fread(raw, 1, len, f) != len) {
                free(raw);
                free(pcm);
                fail(err, errlen, "%s: data chunk truncated", path);
                goto out;
            }
            for (size_t i = 0; i < cnt; i++)
                pcm[i] = (int16_t)rd16(raw + 2 * i);
            free(raw);
            if (cnt == 0) {
                free(pcm);
                fail(err, errlen, "%s: no samples", path);
                goto out;
            }
            *samples = pcm;
            *n = cnt;
            rc = 0;
            goto out;
        } else if (fseek(f, (long)len + (long)(len & 1), SEEK_CUR)) {
            fail(err, errlen, "%s: truncated", path);
            goto out;
        }
    }
    fail(err, errlen, "%s: no data chunk", path);
out:
    fclose(f);
    return rc;
}

static void put_header(uint8_t h[44], uint32_t samples)
{
    uint32_t data = samples * 2u;

    memcpy(h, "RIFF", 4);
    wr32(h + 4, 36u + data);
    memcpy(h + 8, "WAVEfmt ", 8);
    wr32(h + 16, 16);
    wr16(h + 20, 1);            /* PCM */
    wr16(h + 22, 1);            /* mono */
    wr32(h + 24, WAV_RATE);
    wr32(h + 28, WAV_RATE * 2); /* byte rate */
    wr16(h + 32, 2);            /* block align */
    wr16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    wr32(h + 40, data);
}

int ua_wav_open(ua_wav_writer *w, const char *path)
{
    uint8_t h[44];

    memset(w, 0, sizeof(*w));
    w->f = fopen(path, "wb");
    if (!w->f)
        return -1;
    put_header(h, 0);
    if (fwrite(h, 1, sizeof(h), w->f) != sizeof(h))
        w->failed = 1;
    return 0;
}

void ua_wav_write(ua_wav_writer *w, const int16_t *pcm, size_t n)
{
    uint8_t buf[2 * 320];

    if (!w->f)
        return;
    while (n > 0) {
        size_t k = n > 320 ? 320 : n;
        for (size_t i = 0; i < k; i++)
            wr16(buf + 2 * i, (uint16_t)pcm[i]);
        if (fwrite(buf, 2, k, w->f) != k)
            w->failed = 1;
        w->samples += (uint32_t)k;
        pcm += k;
        n -= k;
    }
}

int ua_wav_close(ua_wav_writer *w)
{
    uint8_t h[44];
    int rc;

    if (!w->f)
        return 0;
    put_header(h, w->samples);
    if (fseek(w->f, 0, SEEK_SET) || fwrite(h, 1, sizeof(h), w->f) != sizeof(h))
        w->failed = 1;
    rc = fclose(w->f) ? -1 : 0;
    w->f = NULL;
    return (rc || w->failed) ? -1 : 0;
}
