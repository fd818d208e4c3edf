/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SRTP sessions: streams by (SSRC, direction), templates, master keys,
 * key selection (MKI, <From, To>), key lifetime and events.
 */
#include "srtp/srtp_int.h"

/* ---------------------------------------------------------------------- */
/* Master keys and slots                                                   */
/* ---------------------------------------------------------------------- */

static void mkey_unref(mikey_srtp *s, mk_srtp_mkey *mk)
{
    if (!mk || --mk->refs > 0)
        return;
    mk_sc_ctr_clear(&mk->prf);
    mk_wipe(mk, sizeof *mk);
    mk_free(&s->env, mk);
}

static int mkey_new(mikey_srtp *s, const mikey_srtp_policy *p, const mikey_srtp_key *k, mk_srtp_mkey **out)
{
    mk_srtp_mkey *mk = mk_calloc(&s->env, 1, sizeof *mk);
    int rc;
    if (!mk)
        return MIKEY_ERR_NOMEM;
    mk->refs = 1;
    memcpy(mk->key, k->key, k->key_len);
    mk->key_len = (uint8_t)k->key_len;
    /* RFC 7714 erratum 4938: a 96-bit GCM master salt is multiplied by
     * 2^16, i.e. padded on the right with two zero bytes, for the KDF. */
    memcpy(mk->salt, k->salt, k->salt_len);
    mk->mki_len = p->mki_len;
    if (p->mki_len)
        memcpy(mk->mki, k->mki, p->mki_len);
    mk->has_range = k->has_range;
    mk->from = k->from;
    mk->to = k->to;
    mk->lifetime[0] = k->lifetime ? k->lifetime : MK_SRTP_MAX_INDEX;      /* RFC 3711 §9.2 */
    mk->lifetime[1] = k->lifetime_rtcp ? k->lifetime_rtcp : MK_SRTCP_MAX_INDEX;
    mk->serial = ++s->key_serial;
    rc = mk_sc_ctr_init(&mk->prf, &s->algs, mk->key, mk->key_len);
    if (rc != MIKEY_OK) {
        mkey_unref(s, mk);
        return rc;
    }
    *out = mk;
    return MIKEY_OK;
}

static void slot_free(mikey_srtp *s, mk_srtp_slot *slot)
{
    if (!slot)
        return;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 2; i++)
            mk_srtp_keyset_clear(&slot->ks[t][i]);
    mkey_unref(s, slot->mk);
    mk_free(&s->env, slot);
}

/* A slot for mk on a stream with policy p; with KDR 0 the session keys are
 * derived now, so packets never pay for a derivation. */
static int slot_new(mikey_srtp *s, const mikey_srtp_policy *p, mk_srtp_mkey *mk, mk_srtp_slot **out)
{
    mk_srtp_slot *slot = mk_calloc(&s->env, 1, sizeof *slot);
    int rc = MIKEY_OK;
    if (!slot)
        return MIKEY_ERR_NOMEM;
    slot->mk = mk;
    mk->refs++;
    if (p->kdr == 0) {
        rc = mk_srtp_derive(&s->algs, p, mk, 0, 0, &slot->ks[0][0]);
        if (rc == MIKEY_OK)
            rc = mk_srtp_derive(&s->algs, p, mk, 1, 0, &slot->ks[1][0]);
    }
    if (rc != MIKEY_OK) {
        slot_free(s, slot);
        return rc;
    }
    *out = slot;
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Streams and the SSRC table                                              */
/* ---------------------------------------------------------------------- */

static size_t hash_of(uint32_t ssrc, int dir, size_t mask)
{
    uint32_t h = (ssrc ^ (dir ? 0x5bd1e995u : 0)) * 2654435761u;
    return (size_t)(h ^ (h >> 15)) & mask;
}

/* Probe the table (no side effect). */
static mk_srtp_stream *lookup(const mikey_srtp *s, uint32_t ssrc, int dir)
{
    if (!s->tab)
        return NULL;
    size_t mask = s->tab_size - 1;
    for (size_t i = hash_of(ssrc, dir, mask);; i = (i + 1) & mask) {
        mk_srtp_stream *st = s->tab[i];
        if (!st)
            return NULL;
        if (st->ssrc == ssrc && st->dir == dir)
            return st;
    }
}

mk_srtp_stream *mk_srtp_find(mikey_srtp *s, uint32_t ssrc, int dir)
{
    mk_srtp_stream *c = s->last[dir];
    if (c && c->ssrc == ssrc)
        return c;
    if ((c = lookup(s, ssrc, dir)) != NULL)
        s->last[dir] = c;
    return c;
}

static int tab_insert(mikey_srtp *s, mk_srtp_stream *st)
{
    if ((s->count + 1) * 2 > s->tab_size) {
        size_t nsize = s->tab_size ? s->tab_size * 2 : 16;
        mk_srtp_stream **nt = mk_calloc(&s->env, nsize, sizeof *nt);
        if (!nt)
            return MIKEY_ERR_NOMEM;
        for (size_t i = 0; i < s->tab_size; i++) {
            mk_srtp_stream *x = s->tab[i];
            if (!x)
                continue;
            size_t j = hash_of(x->ssrc, x->dir, nsize - 1);
            while (nt[j])
                j = (j + 1) & (nsize - 1);
            nt[j] = x;
        }
        mk_free(&s->env, s->tab);
        s->tab = nt;
        s->tab_size = nsize;
    }
    size_t mask = s->tab_size - 1, i = hash_of(st->ssrc, st->dir, mask);
    while (s->tab[i])
        i = (i + 1) & mask;
    s->tab[i] = st;
    s->count++;
    return MIKEY_OK;
}

static void tab_remove(mikey_srtp *s, mk_srtp_stream *st)
{
    size_t mask = s->tab_size - 1, i = hash_of(st->ssrc, st->dir, mask);
    while (s->tab[i] != st)
        i = (i + 1) & mask;
    /* Backward-shift deletion keeps every probe chain unbroken. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        mk_srtp_stream *x = s->tab[j];
        if (!x)
            break;
        size_t k = hash_of(x->ssrc, x->dir, mask);
        /* Move x into the hole at i if its home k is not in (i, j]. */
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            s->tab[i] = x;
            i = j;
        }
    }
    s->tab[i] = NULL;
    s->count--;
    if (s->last[st->dir] == st)
        s->last[st->dir] = NULL;
}

static void stream_free(mikey_srtp *s, mk_srtp_stream *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nslots; i++)
        slot_free(s, st->slots[i]);
    mk_free(&s->env, st);
}

/* Allocate a stream with its replay rings, no keys. */
static mk_srtp_stream *stream_alloc(mikey_srtp *s, const mikey_srtp_policy *p)
{
    uint32_t window = p->replay_window ? p->replay_window : MIKEY_SRTP_DEFAULT_WINDOW;
    uint32_t nwords = 1;
    while ((uint64_t)nwords * 64 < (uint64_t)window + 64)
        nwords <<= 1;
    mk_srtp_stream *st = mk_calloc(&s->env, 1, sizeof *st + 2 * (size_t)nwords * sizeof(uint64_t));
    if (!st)
        return NULL;
    st->pol = *p;
    st->pol.replay_window = (uint16_t)window;
    st->window = window;
    st->nwords = nwords;
    st->rtp.bits = st->words;
    st->rtcp.bits = st->words + nwords;
    return st;
}

int mk_srtp_clone(mikey_srtp *s, mk_srtp_stream *tmpl, uint32_t ssrc, mk_srtp_stream **out)
{
    if (s->nstreams >= s->cfg.max_streams)
        return MIKEY_ERR_LIMIT;
    mk_srtp_stream *st = stream_alloc(s, &tmpl->pol);
    int rc = MIKEY_OK;
    if (!st)
        return MIKEY_ERR_NOMEM;
    st->ssrc = ssrc;
    st->dir = tmpl->dir;
    st->tmpl = tmpl;
    st->roc0 = tmpl->roc0;
    for (size_t i = 0; i < tmpl->nslots && rc == MIKEY_OK; i++) {
        rc = slot_new(s, &st->pol, tmpl->slots[i]->mk, &st->slots[i]);
        if (rc == MIKEY_OK)
            st->nslots++;
    }
    if (rc == MIKEY_OK)
        rc = tab_insert(s, st);
    if (rc != MIKEY_OK) {
        stream_free(s, st);
        return rc;
    }
    s->nstreams++;
    *out = st;
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Session                                                                 */
/* ---------------------------------------------------------------------- */

int mikey_srtp_new(const mikey_env *env, const mikey_srtp_config *cfg, mikey_srtp **out)
{
    mikey_env e;
    if (!out)
        return MIKEY_ERR_INVALID_ARG;
    *out = NULL;
    mk_env_init(&e, env);
    mikey_srtp *s = mk_calloc(&e, 1, sizeof *s);
    if (!s)
        return MIKEY_ERR_NOMEM;
    s->env = e;
    if (cfg)
        s->cfg = *cfg;
    if (!s->cfg.max_streams)
        s->cfg.max_streams = MIKEY_SRTP_DEFAULT_MAX_STREAMS;
    if (!s->cfg.soft_limit)
        s->cfg.soft_limit = (uint64_t)1 << 16;
    int rc = mk_sc_algs_init(&s->algs);
    if (rc != MIKEY_OK) {
        mk_free(&e, s);
        return rc;
    }
    *out = s;
    return MIKEY_OK;
}

void mikey_srtp_free(mikey_srtp *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->tab_size; i++)
        stream_free(s, s->tab[i]);
    stream_free(s, s->tmpl[0]);
    stream_free(s, s->tmpl[1]);
    mk_sc_algs_clear(&s->algs);
    mikey_env e = s->env;
    mk_free(&e, s->tab);
    mk_wipe(s, sizeof *s);
    mk_free(&e, s);
}

static int mki_in_use(const mk_srtp_stream *st, const uint8_t *mki)
{
    for (size_t i = 0; i < st->nslots; i++)
        if (memcmp(st->slots[i]->mk->mki, mki, st->pol.mki_len) == 0)
            return 1;
    return 0;
}

int mikey_srtp_add_stream(mikey_srtp *s, const mikey_srtp_stream_params *p)
{
    int rc;
    if (!s || !p || !p->policy || !p->keys || p->nkeys == 0 || p->dir > 1 || p->any_ssrc > 1)
        return MIKEY_ERR_INVALID_ARG;
    if (p->nkeys > MIKEY_SRTP_MAX_KEYS)
        return MIKEY_ERR_INVALID_ARG;
    if ((rc = mikey_srtp_policy_check(p->policy)) != MIKEY_OK)
        return rc;
    for (size_t i = 0; i < p->nkeys; i++) {
        if ((rc = mk_srtp_key_check(p->policy, &p->keys[i])) != MIKEY_OK)
            return rc;
        for (size_t j = 0; j < i && p->policy->mki_len; j++)
            if (memcmp(p->keys[i].mki, p->keys[j].mki, p->policy->mki_len) == 0)
                return MIKEY_ERR_FIELD;
    }
    if (p->any_ssrc ? s->tmpl[p->dir] != NULL : mk_srtp_find(s, p->ssrc, p->dir) != NULL)
        return MIKEY_ERR_STATE;
    if (s->nstreams >= s->cfg.max_streams)
        return MIKEY_ERR_LIMIT;
    mk_srtp_stream *st = stream_alloc(s, p->policy);
    if (!st)
        return MIKEY_ERR_NOMEM;
    st->ssrc = p->any_ssrc ? 0 : p->ssrc;
    st->dir = p->dir;
    st->is_template = p->any_ssrc;
    st->roc0 = p->roc;
    for (size_t i = 0; i < p->nkeys; i++) {
        mk_srtp_mkey *mk = NULL;
        rc = mkey_new(s, &st->pol, &p->keys[i], &mk);
        if (rc == MIKEY_OK) {
            rc = slot_new(s, &st->pol, mk, &st->slots[i]);
            mkey_unref(s, mk); /* the slot holds the reference now */
        }
        if (rc != MIKEY_OK)
            goto fail;
        st->nslots++;
    }
    if (p->any_ssrc) {
        s->tmpl[p->dir] = st;
    } else if ((rc = tab_insert(s, st)) != MIKEY_OK) {
        goto fail;
    }
    s->nstreams++;
    return MIKEY_OK;
fail:
    stream_free(s, st);
    return rc;
}

/* The streams a key operation applies to: the stream, or a template and
 * every stream created from it. Iterate with index -1 (the target) then the
 * table. */
static mk_srtp_stream *target_next(mikey_srtp *s, mk_srtp_stream *target, size_t *i)
{
    if (*i == (size_t)-1) {
        *i = 0;
        return target;
    }
    if (!target->is_template)
        return NULL;
    for (; *i < s->tab_size; (*i)++) {
        mk_srtp_stream *x = s->tab[*i];
        if (x && x->tmpl == target) {
            (*i)++;
            return x;
        }
    }
    return NULL;
}

static mk_srtp_stream *target_of(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc)
{
    return any_ssrc ? s->tmpl[dir] : mk_srtp_find(s, ssrc, dir);
}

int mikey_srtp_remove_stream(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc)
{
    if (!s || dir < 0 || dir > 1)
        return MIKEY_ERR_INVALID_ARG;
    mk_srtp_stream *st = target_of(s, ssrc, dir, any_ssrc);
    if (!st)
        return MIKEY_ERR_NOT_FOUND;
    if (st->is_template) {
        /* Removing from the table reorders it: restart the scan each time. */
        for (;;) {
            mk_srtp_stream *x = NULL;
            for (size_t i = 0; i < s->tab_size && !x; i++)
                if (s->tab[i] && s->tab[i]->tmpl == st)
                    x = s->tab[i];
            if (!x)
                break;
            tab_remove(s, x);
            stream_free(s, x);
            s->nstreams--;
        }
        s->tmpl[dir] = NULL;
    } else {
        tab_remove(s, st);
    }
    stream_free(s, st);
    s->nstreams--;
    return MIKEY_OK;
}

int mikey_srtp_add_key(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc, const mikey_srtp_key *key)
{
    int rc;
    if (!s || !key || dir < 0 || dir > 1)
        return MIKEY_ERR_INVALID_ARG;
    mk_srtp_stream *target = target_of(s, ssrc, dir, any_ssrc), *st;
    if (!target)
        return MIKEY_ERR_NOT_FOUND;
    if ((rc = mk_srtp_key_check(&target->pol, key)) != MIKEY_OK)
        return rc;
    size_t it = (size_t)-1;
    while ((st = target_next(s, target, &it)) != NULL) {
        if (st->pol.mki_len && mki_in_use(st, key->mki))
            return MIKEY_ERR_FIELD;
        if (st->nslots >= MIKEY_SRTP_MAX_KEYS)
            return MIKEY_ERR_LIMIT;
    }
    mk_srtp_mkey *mk = NULL;
    if ((rc = mkey_new(s, &target->pol, key, &mk)) != MIKEY_OK)
        return rc;
    it = (size_t)-1;
    while ((st = target_next(s, target, &it)) != NULL) {
        mk_srtp_slot *slot = NULL;
        rc = slot_new(s, &st->pol, mk, &slot);
        if (rc != MIKEY_OK)
            break;
        st->slots[st->nslots++] = slot;
    }
    if (rc != MIKEY_OK) {
        /* Undo: drop the slot of this key wherever it was added. */
        it = (size_t)-1;
        while ((st = target_next(s, target, &it)) != NULL)
            if (st->nslots && st->slots[st->nslots - 1]->mk == mk)
                slot_free(s, st->slots[--st->nslots]);
    }
    mkey_unref(s, mk);
    return rc;
}

static int find_slot(const mk_srtp_stream *st, const uint8_t *mki, size_t mki_len)
{
    if (mki_len == 0)
        return st->nslots ? 0 : -1;
    if (mki_len != st->pol.mki_len)
        return -1;
    for (size_t i = 0; i < st->nslots; i++)
        if (memcmp(st->slots[i]->mk->mki, mki, mki_len) == 0)
            return (int)i;
    return -1;
}

int mikey_srtp_remove_key(mikey_srtp *s, uint32_t ssrc, int dir, int any_ssrc, const uint8_t *mki, size_t mki_len)
{
    if (!s || dir < 0 || dir > 1 || (mki_len && !mki))
        return MIKEY_ERR_INVALID_ARG;
    mk_srtp_stream *target = target_of(s, ssrc, dir, any_ssrc), *st;
    if (!target)
        return MIKEY_ERR_NOT_FOUND;
    int idx = find_slot(target, mki, mki_len);
    if (idx < 0)
        return MIKEY_ERR_NOT_FOUND;
    if (target->nslots == 1)
        return MIKEY_ERR_STATE;
    mk_srtp_mkey *mk = target->slots[idx]->mk;
    mk->refs++; /* keep it alive (and its address unique) while we walk */
    size_t it = (size_t)-1;
    while ((st = target_next(s, target, &it)) != NULL) {
        for (size_t i = 0; i < st->nslots; i++) {
            if (st->slots[i]->mk != mk || st->nslots == 1)
                continue;
            slot_free(s, st->slots[i]);
            memmove(&st->slots[i], &st->slots[i + 1], (st->nslots - i - 1) * sizeof st->slots[0]);
            st->slots[--st->nslots] = NULL;
            break;
        }
    }
    mkey_unref(s, mk);
    return MIKEY_OK;
}

int mikey_srtp_set_roc(mikey_srtp *s, uint32_t ssrc, int dir, uint32_t roc)
{
    if (!s || dir < 0 || dir > 1)
        return MIKEY_ERR_INVALID_ARG;
    mk_srtp_stream *st = mk_srtp_find(s, ssrc, dir);
    if (!st)
        return MIKEY_ERR_NOT_FOUND;
    if (st->rtp.started)
        return MIKEY_ERR_STATE;
    st->roc0 = roc;
    return MIKEY_OK;
}

int mikey_srtp_stream_get(const mikey_srtp *s, uint32_t ssrc, int dir, mikey_srtp_stream_info *out)
{
    if (!s || !out || dir < 0 || dir > 1)
        return MIKEY_ERR_INVALID_ARG;
    const mk_srtp_stream *st = lookup(s, ssrc, dir);
    if (!st)
        return MIKEY_ERR_NOT_FOUND;
    memset(out, 0, sizeof *out);
    out->roc = st->rtp.started ? (uint32_t)(st->rtp.top >> 16) : st->roc0;
    out->seq = (uint16_t)st->rtp.top;
    out->index = st->rtp.started ? st->rtp.top : (uint64_t)st->roc0 << 16;
    out->rtcp_index = dir == MIKEY_SRTP_OUTBOUND ? st->rtcp_next : (uint32_t)st->rtcp.top;
    out->rtp_packets = st->npackets[0];
    out->rtcp_packets = st->npackets[1];
    out->nkeys = st->nslots;
    return MIKEY_OK;
}

/* ---------------------------------------------------------------------- */
/* Key selection, session keys, lifetime                                   */
/* ---------------------------------------------------------------------- */

mk_srtp_slot *mk_srtp_select_key(mk_srtp_stream *st, const uint8_t *mki, uint64_t rtp_index)
{
    if (st->nslots == 1 && !mki) {
        mk_srtp_mkey *mk = st->slots[0]->mk;
        if (!mk->has_range || (rtp_index >= mk->from && rtp_index <= mk->to))
            return st->slots[0];
        return NULL;
    }
    if (mki) {
        /* RFC 3711 §8.1.1: with an MKI the packet names its key; a range
         * then only tells the *sender* when to start using it. */
        for (size_t i = 0; i < st->nslots; i++)
            if (memcmp(st->slots[i]->mk->mki, mki, st->pol.mki_len) == 0)
                return st->slots[i];
        return NULL;
    }
    /* Newest key whose <From, To> covers the index. */
    mk_srtp_slot *best = NULL;
    for (size_t i = 0; i < st->nslots; i++) {
        mk_srtp_mkey *mk = st->slots[i]->mk;
        if (mk->has_range && (rtp_index < mk->from || rtp_index > mk->to))
            continue;
        if (!best || mk->serial > best->mk->serial)
            best = st->slots[i];
    }
    return best;
}

int mk_srtp_keyset_get(mikey_srtp *s, mk_srtp_stream *st, mk_srtp_slot *slot, int rtcp, uint64_t r,
                       mk_srtp_keyset **out)
{
    mk_srtp_keyset *k = slot->ks[rtcp];
    int rc;
    if (k[0].valid && k[0].r == r) {
        *out = &k[0];
        return MIKEY_OK;
    }
    if (k[1].valid && k[1].r == r) {
        *out = &k[1];
        return MIKEY_OK;
    }
    /* KDR != 0 (or a first use): derive for r. The current set is kept so
     * that a forged or late packet cannot evict the keys in use. */
    mk_srtp_keyset *dst = k[0].valid ? &k[1] : &k[0];
    rc = mk_srtp_derive(&s->algs, &st->pol, slot->mk, rtcp, r, dst);
    if (rc != MIKEY_OK) {
        mk_srtp_keyset_clear(dst);
        return rc;
    }
    *out = dst;
    return MIKEY_OK;
}

void mk_srtp_keyset_promote(mk_srtp_slot *slot, int rtcp, mk_srtp_keyset *used)
{
    mk_srtp_keyset *k = slot->ks[rtcp];
    if (used == &k[1] && k[1].r > k[0].r) {
        mk_srtp_keyset t = k[0];
        k[0] = k[1];
        k[1] = t;
    }
}

void mk_srtp_queue_event(mikey_srtp *s, int type, const mk_srtp_stream *st, int rtcp, const mk_srtp_mkey *mk)
{
    if (!s->cfg.event || s->nev >= MK_SRTP_MAX_EVENTS)
        return;
    mikey_srtp_event *ev = &s->ev[s->nev];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->ssrc = st->ssrc;
    ev->dir = st->dir;
    ev->rtcp = (uint8_t)rtcp;
    if (mk && mk->mki_len) {
        memcpy(s->ev_mki[s->nev], mk->mki, mk->mki_len);
        ev->mki = s->ev_mki[s->nev];
        ev->mki_len = mk->mki_len;
    }
    s->nev++;
}

void mk_srtp_flush_events(mikey_srtp *s)
{
    /* Deliver copies: the callback may add or remove keys (and even run
     * another transform that queues events of its own). */
    mikey_srtp_event ev[MK_SRTP_MAX_EVENTS];
    uint8_t mki[MK_SRTP_MAX_EVENTS][MIKEY_SRTP_MAX_MKI_LEN];
    size_t n = s->nev;
    memcpy(ev, s->ev, n * sizeof ev[0]);
    memcpy(mki, s->ev_mki, n * sizeof mki[0]);
    s->nev = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].mki)
            ev[i].mki = mki[i];
        s->cfg.event(&ev[i], s->cfg.user_data);
    }
}

int mk_srtp_key_usable(mikey_srtp *s, const mk_srtp_stream *st, mk_srtp_mkey *mk, int rtcp)
{
    if (mk->used[rtcp] < mk->lifetime[rtcp])
        return MIKEY_OK;
    if (!mk->hard_fired[rtcp]) {
        mk->hard_fired[rtcp] = 1;
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_KEY_HARD_LIMIT, st, rtcp, mk);
    }
    return MIKEY_ERR_STATE;
}

void mk_srtp_key_count(mikey_srtp *s, const mk_srtp_stream *st, mk_srtp_mkey *mk, int rtcp)
{
    uint64_t left = mk->lifetime[rtcp] - ++mk->used[rtcp];
    if (left <= s->cfg.soft_limit && !mk->soft_fired[rtcp]) {
        mk->soft_fired[rtcp] = 1;
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_KEY_SOFT_LIMIT, st, rtcp, mk);
    }
    if (left == 0 && !mk->hard_fired[rtcp]) {
        mk->hard_fired[rtcp] = 1;
        mk_srtp_queue_event(s, MIKEY_SRTP_EVENT_KEY_HARD_LIMIT, st, rtcp, mk);
    }
}
