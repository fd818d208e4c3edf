/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * WAV (RIFF/WAVE) files for mikey-ua: read a 16-bit PCM mono 8 kHz source,
 * write the received audio in the same format. Other formats are refused
 * with a message naming what was found (no resampling here: convert with
 * `sox in.wav -r 8000 -c 1 -b 16 out.wav`).
 */
#ifndef MIKEY_UA_WAV_H
#define MIKEY_UA_WAV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * Load all samples of @p path. On success *samples (malloc'd, caller frees)
 * and *n are set and 0 is returned; on failure -1 with a message in @p err.
 */
int ua_wav_load(const char *path, int16_t **samples, size_t *n, char *err, size_t errlen);

/** A WAV file being written. */
typedef struct ua_wav_writer {
    FILE *f;
    uint32_t samples; /* written so far */
    int failed;
} ua_wav_writer;

/** Create @p path (truncating) and write a header. 0 or -1 (errno set). */
int ua_wav_open(ua_wav_writer *w, const char *path);
/** Append samples. */
void ua_wav_write(ua_wav_writer *w, const int16_t *pcm, size_t n);
/** Patch the sizes and close. 0, or -1 if any write failed. */
int ua_wav_close(ua_wav_writer *w);

#endif
