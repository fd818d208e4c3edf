/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the SRTP unit tests: a reader for the vector files in
 * tests/vectors/srtp/ and small session builders. Header-only (static). */
#ifndef SRTP_UTIL_H
#define SRTP_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mt.h"
#include "openmikey/srtp.h"

/* ---- vector records ---- */

#define VREC_MAX_FIELDS 32

typedef struct vfield {
    char name[32];
    char *value; /* points into the file buffer, NUL-terminated */
} vfield;

typedef struct vrec {
    int line;
    size_t n;
    vfield f[VREC_MAX_FIELDS];
} vrec;

typedef struct vfile {
    char *buf;
    size_t nrec;
    vrec *rec;
} vfile;

static inline char *vtrim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Load a vector file (path relative to the source tree); aborts on a
 * malformed file (test data is trusted, but a broken file must not pass). */
static inline vfile vfile_load(const char *rel)
{
    vfile vf = {0};
    size_t len;
    unsigned char *raw = mt_read_file(mt_src_path(rel), &len);
    if (!raw) {
        fprintf(stderr, "cannot read %s\n", rel);
        abort();
    }
    vf.buf = malloc(len + 1);
    memcpy(vf.buf, raw, len);
    vf.buf[len] = 0;
    free(raw);
    vf.rec = calloc(64, sizeof *vf.rec);
    vrec *cur = NULL;
    int lineno = 0;
    for (char *line = vf.buf, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        char *t = vtrim(line);
        if (*t == '#')
            continue;
        if (*t == 0) {
            cur = NULL;
            continue;
        }
        char *colon = strchr(t, ':');
        if (!colon) {
            fprintf(stderr, "%s:%d: no ':'\n", rel, lineno);
            abort();
        }
        *colon = 0;
        if (!cur) {
            if (vf.nrec == 64)
                abort();
            cur = &vf.rec[vf.nrec++];
            cur->line = lineno;
        }
        if (cur->n == VREC_MAX_FIELDS)
            abort();
        vfield *f = &cur->f[cur->n++];
        snprintf(f->name, sizeof f->name, "%s", vtrim(t));
        f->value = vtrim(colon + 1);
    }
    return vf;
}

static inline void vfile_free(vfile *vf)
{
    free(vf->buf);
    free(vf->rec);
}

/* The nth field called name, or NULL. */
static inline const char *vget_n(const vrec *r, const char *name, int nth)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].name, name) == 0 && nth-- == 0)
            return r->f[i].value;
    return NULL;
}

static inline const char *vget(const vrec *r, const char *name)
{
    const char *v = vget_n(r, name, 0);
    if (!v) {
        fprintf(stderr, "record at line %d: missing field %s\n", r->line, name);
        abort();
    }
    return v;
}

/* Hex field as bytes (malloc'd). */
static inline unsigned char *vhex(const vrec *r, const char *name, size_t *len)
{
    return mt_hex(vget(r, name), len);
}

static inline unsigned long vulong(const vrec *r, const char *name)
{
    return strtoul(vget(r, name), NULL, 0);
}

/* ---- sessions ---- */

/* A session with one stream, one key. */
static inline mikey_srtp *one_stream(const mikey_srtp_policy *pol, int dir, uint32_t ssrc, uint32_t roc,
                                     const uint8_t *key, size_t key_len, const uint8_t *salt, size_t salt_len)
{
    mikey_srtp *s = NULL;
    if (mikey_srtp_new(NULL, NULL, &s) != MIKEY_OK)
        return NULL;
    mikey_srtp_key k = {0};
    k.key = key;
    k.key_len = key_len;
    k.salt = salt;
    k.salt_len = salt_len;
    mikey_srtp_stream_params sp = {0};
    sp.ssrc = ssrc;
    sp.dir = (uint8_t)dir;
    sp.roc = roc;
    sp.policy = pol;
    sp.keys = &k;
    sp.nkeys = 1;
    int rc = mikey_srtp_add_stream(s, &sp);
    if (rc != MIKEY_OK) {
        fprintf(stdout, "# add_stream: %s\n", mikey_err_name(rc));
        mikey_srtp_free(s);
        return NULL;
    }
    return s;
}

/* Deterministic bytes (xorshift), for keys and payloads in tests that do
 * not come from an RFC. */
static inline void fill_rand(uint8_t *p, size_t n, uint64_t *st)
{
    for (size_t i = 0; i < n; i++) {
        *st ^= *st << 13;
        *st ^= *st >> 7;
        *st ^= *st << 17;
        p[i] = (uint8_t)(*st >> 24);
    }
}

/* An RTP packet: V=2, PT 96, seq, ts, ssrc, payload of plen bytes. */
static inline size_t make_rtp(uint8_t *out, uint16_t seq, uint32_t ts, uint32_t ssrc, const uint8_t *payload,
                              size_t plen)
{
    out[0] = 0x80;
    out[1] = 96;
    out[2] = (uint8_t)(seq >> 8);
    out[3] = (uint8_t)seq;
    out[4] = (uint8_t)(ts >> 24);
    out[5] = (uint8_t)(ts >> 16);
    out[6] = (uint8_t)(ts >> 8);
    out[7] = (uint8_t)ts;
    out[8] = (uint8_t)(ssrc >> 24);
    out[9] = (uint8_t)(ssrc >> 16);
    out[10] = (uint8_t)(ssrc >> 8);
    out[11] = (uint8_t)ssrc;
    if (plen)
        memcpy(out + 12, payload, plen);
    return 12 + plen;
}

/* An RTCP receiver report (PT 201) with no report blocks plus `extra`
 * bytes of an APP-like tail, sender SSRC ssrc. */
static inline size_t make_rtcp(uint8_t *out, uint32_t ssrc, const uint8_t *extra, size_t elen)
{
    size_t len = 8 + elen;
    out[0] = 0x80;
    out[1] = 201;
    out[2] = (uint8_t)(((len / 4) - 1) >> 8);
    out[3] = (uint8_t)((len / 4) - 1);
    out[4] = (uint8_t)(ssrc >> 24);
    out[5] = (uint8_t)(ssrc >> 16);
    out[6] = (uint8_t)(ssrc >> 8);
    out[7] = (uint8_t)ssrc;
    if (elen)
        memcpy(out + 8, extra, elen);
    return len;
}

#endif
