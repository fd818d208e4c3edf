/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay cache (RFC 3830 §5.4). A responder accepts a message only if its
 * timestamp is within the allowed clock skew of now and the message is not
 * in the cache; only successfully authenticated messages are stored
 * (§5.3). Entries are the SHA-256 of the whole message and its T.
 *
 * Bounded size: when the cache is full of entries still inside the window,
 * the oldest entry is evicted and its T becomes a floor: messages with a
 * T at or below the floor are refused as stale, because a replay of the
 * evicted message could no longer be recognised. This is §5.4's "MIKEY MAY
 * dynamically decrease the looseness" done per entry, and never accepts a
 * message the cache cannot vouch for.
 *
 * Storage grows with use (16, 32, ... entries up to the configured size):
 * every context has a cache of its own, and most hold one entry or none
 * (mikey bench: allocating and zeroing 1024 entries per context cost more
 * than the PSK mode's cryptography). If growing fails, the insert behaves
 * as at the configured size: the oldest entry is evicted into the floor
 * (with no entry at all, the new T itself becomes the floor), so inserting
 * still never fails and a replay is still refused.
 *
 * The cache can be saved and loaded (a restarted responder must keep
 * refusing replays for the whole window). Format, big-endian:
 *   "MKRC" | version 1 (u8) | skew (u32) | floor (u64) | count (u32) |
 *   count x { T (u64) | hash (32) }
 */
#include "session/session_int.h"

#define SAVE_MAGIC "MKRC"
#define SAVE_HDR 21
#define SAVE_ENT (8 + MK_REPLAY_HASH)

int64_t mk_ntp_diff_sec(uint64_t a, uint64_t b)
{
    /* NTP seconds wrap every 136 years (RFC 3830 §4.2.8): compare in the
     * era of the other value, as a signed 32-bit difference. */
    return (int64_t)(int32_t)((uint32_t)(a >> 32) - (uint32_t)(b >> 32));
}

int mikey_replay_new(const mikey_env *env, uint32_t skew_seconds, size_t cache_size, mikey_replay **out)
{
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    if (cache_size == 0 || cache_size > ((size_t)1 << 24) || skew_seconds > 0x7fffffffu)
        return MIKEY_ERR_INVALID_ARG;
    mikey_env e;
    mk_env_init(&e, env);
    mikey_replay *r = mk_calloc(&e, 1, sizeof *r);
    if (!r)
        return MIKEY_ERR_NOMEM;
    /* Entries are allocated by the first insert (see the top). */
    r->e = NULL;
    r->env = e;
    r->ops = mk_crypto_ossl();
    r->skew = skew_seconds;
    r->cap = cache_size;
    *out = r;
    return MIKEY_OK;
}

void mikey_replay_free(mikey_replay *r)
{
    if (!r)
        return;
    mikey_env env = r->env;
    if (r->e)
        mk_free(&env, r->e - 1);
    mk_free(&env, r);
}

size_t mikey_replay_count(const mikey_replay *r) { return r ? r->n : 0; }

/* a <= b for NTP timestamps of neighbouring eras. */
static int ntp_le(uint64_t a, uint64_t b)
{
    int64_t d = mk_ntp_diff_sec(a, b);
    return d < 0 || (d == 0 && (uint32_t)a <= (uint32_t)b);
}

static int expired(const mikey_replay *r, uint64_t now, uint64_t t)
{
    return mk_ntp_diff_sec(t, now) < -(int64_t)r->skew;
}

int mk_replay_check(const mikey_replay *r, uint64_t now, uint64_t t, const uint8_t h[MK_REPLAY_HASH])
{
    int64_t d = mk_ntp_diff_sec(t, now);
    if (d < -(int64_t)r->skew || d > (int64_t)r->skew)
        return MIKEY_ERR_TIMESTAMP;
    if (r->floor && ntp_le(t, r->floor))
        return MIKEY_ERR_TIMESTAMP;
    for (size_t i = 0; i < r->n; i++)
        if (mk_ct_memcmp(r->e[i].h, h, MK_REPLAY_HASH) == 0)
            return MIKEY_ERR_REPLAY;
    return MIKEY_OK;
}

/* Drop the entries whose T left the window. */
static void purge(mikey_replay *r, uint64_t now)
{
    size_t j = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!expired(r, now, r->e[i].t))
            r->e[j++] = r->e[i];
    r->n = j;
}

/* Entry storage: one allocation of room + 1 entries whose first one holds
 * room (in .t); r->e points just after it. Grows to 16, 32, 64, ...
 * entries, at most r->cap. */
static size_t room(const mikey_replay *r) { return r->e ? (size_t)r->e[-1].t : 0; }

/* Room for n entries (n <= cap); 0 if the allocation failed (nothing
 * changed then). */
static int reserve(mikey_replay *r, size_t n)
{
    if (n <= room(r))
        return 1;
    size_t want = 16;
    while (want < n && want < r->cap)
        want *= 2;
    want = MK_MIN(want, r->cap);
    mk_replay_ent *e = mk_malloc(&r->env, (want + 1) * sizeof *e);
    if (!e)
        return 0;
    e[0].t = want;
    if (r->n)
        memcpy(e + 1, r->e, r->n * sizeof *e);
    if (r->e)
        mk_free(&r->env, r->e - 1);
    r->e = e + 1;
    return 1;
}

static void raise_floor(mikey_replay *r, uint64_t t)
{
    if (!r->floor || !ntp_le(t, r->floor))
        r->floor = t;
}

int mk_replay_insert(mikey_replay *r, uint64_t now, uint64_t t, const uint8_t h[MK_REPLAY_HASH])
{
    purge(r, now);
    if (r->n == r->cap || !reserve(r, r->n + 1)) {
        if (r->n == 0) {
            raise_floor(r, t); /* no room at all: refuse T and older from now on */
            return MIKEY_OK;
        }
        /* Full (or could not grow): evict the oldest into the floor. */
        size_t oldest = 0;
        for (size_t i = 1; i < r->n; i++)
            if (!ntp_le(r->e[oldest].t, r->e[i].t))
                oldest = i;
        raise_floor(r, r->e[oldest].t);
        r->e[oldest] = r->e[--r->n];
    }
    r->e[r->n].t = t;
    memcpy(r->e[r->n].h, h, MK_REPLAY_HASH);
    r->n++;
    return MIKEY_OK;
}

int mikey_replay_save(const mikey_replay *r, uint8_t *out, size_t cap, size_t *outlen)
{
    if (!r || !outlen)
        return MIKEY_ERR_INVALID_ARG;
    size_t need = SAVE_HDR + r->n * SAVE_ENT;
    *outlen = need;
    if (!out || cap < need)
        return MIKEY_ERR_NOBUF;
    memcpy(out, SAVE_MAGIC, 4);
    out[4] = 1;
    mk_put32(out + 5, r->skew);
    mk_put64(out + 9, r->floor);
    mk_put32(out + 17, (uint32_t)r->n);
    uint8_t *p = out + SAVE_HDR;
    for (size_t i = 0; i < r->n; i++, p += SAVE_ENT) {
        mk_put64(p, r->e[i].t);
        memcpy(p + 8, r->e[i].h, MK_REPLAY_HASH);
    }
    return MIKEY_OK;
}

int mikey_replay_load(mikey_replay *r, const uint8_t *buf, size_t len)
{
    if (!r || (!buf && len))
        return MIKEY_ERR_INVALID_ARG;
    if (len < SAVE_HDR || memcmp(buf, SAVE_MAGIC, 4) != 0 || buf[4] != 1)
        return MIKEY_ERR_ENCODING;
    uint32_t count = mk_be32(buf + 17);
    if ((len - SAVE_HDR) % SAVE_ENT || (len - SAVE_HDR) / SAVE_ENT != count)
        return MIKEY_ERR_ENCODING;
    uint64_t now = 0;
    int rc = mk_now(&r->env, &now);
    if (rc)
        return rc;
    /* Room for everything first: a load either merges or changes nothing. */
    if (!reserve(r, MK_MIN(r->cap, r->n + (size_t)count)))
        return MIKEY_ERR_NOMEM;
    /* Merge into the current cache (nothing is lost if it was in use). */
    uint64_t floor = mk_be64(buf + 9);
    if (floor && (!r->floor || !ntp_le(floor, r->floor)))
        r->floor = floor;
    const uint8_t *p = buf + SAVE_HDR;
    for (uint32_t i = 0; i < count; i++, p += SAVE_ENT) {
        uint64_t t = mk_be64(p);
        if (expired(r, now, t))
            continue;
        int dup = 0;
        for (size_t k = 0; k < r->n && !dup; k++)
            dup = memcmp(r->e[k].h, p + 8, MK_REPLAY_HASH) == 0;
        if (!dup)
            mk_replay_insert(r, now, t, p + 8);
    }
    return MIKEY_OK;
}
