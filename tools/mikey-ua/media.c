/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RTP/RTCP media for mikey-ua (see media.h). Packets are built and parsed
 * here byte by byte (RFC 3550 §5.1, §6.4); libre only provides the UDP
 * sockets and the timers of its main loop.
 */
#include "media.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "clock.h"
#include "g711.h"
#include "wav.h"

enum {
    RATE = 8000,
    FRAME = 160,            /* 20 ms at 8 kHz (RFC 3551 §4.5: default packetization) */
    FRAME_US = 20000,
    RTP_HDR = 12,
    PKT_CAP = 1500,
    PRESTART_MAX = 64,
    RTCP_MIN_MS = 5000,     /* RFC 3550 §6.2 minimum interval */
    MAX_GAP = 10 * RATE,    /* silence filled into the recording at most */
    MAX_CATCHUP = 5,        /* frames sent at once when the timer was late */
};

#define UA_PI 3.14159265358979323846

typedef struct queued {
    size_t len;
    uint8_t buf[PKT_CAP];
} queued;

struct ua_media {
    struct udp_sock *rtp, *rtcp;
    struct udp_sock *rtp_old, *rtcp_old; /* left by ua_media_rebind(), still receiving */
    uint16_t port;
    char laddr[64];
    char cname[96];
    struct sa raddr, raddr_rtcp;
    ua_media_xform xf;
    int have_xform;
    int running, stopped;
    int pt;
    /* sender */
    struct tmr tx_tmr, rtcp_tmr;
    uint64_t t0_us;
    uint64_t frames;
    uint16_t seq;
    uint32_t ts0, ssrc;
    int16_t *tone;          /* one second of tone: 8000 samples */
    unsigned tone_hz;
    const int16_t *wav;
    size_t wav_n;
    /* receiver (RFC 3550 A.1, A.3, A.8) */
    int have_remote;
    uint32_t rssrc;
    uint16_t max_seq;
    uint32_t cycles, base_seq, bad_seq;
    uint64_t received, expected_prior, received_prior;
    int64_t transit_prev;
    int have_transit;
    double jitter;
    uint32_t rts0;          /* RTP timestamp of sample 0 of the recording */
    uint64_t rec_written;
    ua_wav_writer rec;
    int recording;
    uint32_t lsr;           /* middle 32 bits of the last SR's NTP time */
    uint64_t lsr_at_us;
    queued *q;
    size_t nq;
    int await_source;       /* ua_media_set_remote(new_source): the next new SSRC is the peer */
    int hold_source;        /* ua_media_hold_new_source(): queue packets of other SSRCs */
    int64_t lost_prev;      /* loss counted for earlier sources */
    ua_media_stats st;
};

/* ---------------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* NTP timestamp (RFC 3550 §4) from the wall clock: RTCP SR needs it. */
static uint64_t ntp_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t sec = (uint64_t)ts.tv_sec + 2208988800ull;
    uint64_t frac = ((uint64_t)ts.tv_nsec << 32) / 1000000000ull;
    return sec << 32 | frac;
}

static int send_raw(struct udp_sock *us, const struct sa *dst, uint8_t *buf, size_t len)
{
    struct mbuf mb;

    mb.buf = buf;
    mb.size = PKT_CAP;
    mb.pos = 0;
    mb.end = len;
    return udp_send(us, dst, &mb);
}

/* ---------------------------------------------------------------------- */
/* Source                                                                  */
/* ---------------------------------------------------------------------- */

/* Sample n of the source. The tone is a table of one second, so every
 * sample is reproducible exactly by anyone who evaluates
 * floor(amp * sin(2 pi k / 8000) + 0.5) for k = n * hz mod 8000 (the e2e
 * test does, in Python). */
static int16_t source_sample(const ua_media *m, uint64_t n)
{
    if (m->wav)
        return m->wav[n % m->wav_n];
    return m->tone[(n * m->tone_hz) % RATE];
}

static void rtp_send_frame(ua_media *m)
{
    uint8_t pkt[PKT_CAP];
    int16_t pcm[FRAME];
    size_t len = RTP_HDR + FRAME;
    uint64_t n0 = m->frames * FRAME;

    for (size_t i = 0; i < FRAME; i++)
        pcm[i] = source_sample(m, n0 + i);
    /* RFC 3550 §5.1: V=2, no padding/extension/CSRC; marker on the first
     * packet of a talkspurt (RFC 3551 §4.1). */
    pkt[0] = 0x80;
    pkt[1] = (uint8_t)((m->frames == 0 ? 0x80 : 0) | (m->pt & 0x7f));
    put16(pkt + 2, m->seq);
    put32(pkt + 4, m->ts0 + (uint32_t)n0);
    put32(pkt + 8, m->ssrc);
    ua_g711_encode(m->pt, pcm, pkt + RTP_HDR, FRAME);
    if (m->have_xform && m->xf.protect && m->xf.protect(m->xf.ctx, pkt, &len, sizeof(pkt)) < 0)
        return; /* not sent: the transform refused (e.g. key exhausted) */
    if (send_raw(m->rtp, &m->raddr, pkt, len) == 0) {
        m->st.rtp_sent++;
        m->st.rtp_bytes_sent += len;
    }
    m->seq++;
    m->frames++;
    m->st.samples_sent += FRAME;
}

static void tx_tmr_h(void *arg)
{
    ua_media *m = arg;
    uint64_t now = ua_now_us();
    int k = 0;

    /* Send every frame due by now (the timer has millisecond resolution
     * and may fire late), paced from the start time so no drift builds up. */
    while (m->t0_us + m->frames * FRAME_US <= now && k++ < MAX_CATCHUP)
        rtp_send_frame(m);
    if (m->t0_us + m->frames * FRAME_US <= now)
        m->frames = (now - m->t0_us) / FRAME_US; /* far behind: skip, do not burst */
    uint64_t next = m->t0_us + m->frames * FRAME_US;
    tmr_start(&m->tx_tmr, next > now ? (next - now + 999) / 1000 : 0, tx_tmr_h, m);
}

/* ---------------------------------------------------------------------- */
/* RTCP                                                                    */
/* ---------------------------------------------------------------------- */

/* Build SR (+ report block) + SDES CNAME (+ BYE): RFC 3550 §6.4.1, §6.5, §6.6. */
static size_t rtcp_build(ua_media *m, uint8_t *p, int bye)
{
    size_t off = 0;
    int rc = m->have_remote ? 1 : 0;
    uint64_t ntp = ntp_now();
    uint64_t now = ua_now_us();

    /* SR */
    p[0] = (uint8_t)(0x80 | rc);
    p[1] = 200;
    put16(p + 2, (uint16_t)(6 + 6 * rc));
    put32(p + 4, m->ssrc);
    put32(p + 8, (uint32_t)(ntp >> 32));
    put32(p + 12, (uint32_t)ntp);
    uint64_t elapsed = m->running ? (now - m->t0_us) * RATE / 1000000u : 0;
    put32(p + 16, m->ts0 + (uint32_t)elapsed);
    put32(p + 20, (uint32_t)m->st.rtp_sent);
    put32(p + 24, (uint32_t)(m->st.rtp_sent * FRAME));
    off = 28;
    if (rc) {
        /* Report block, RFC 3550 A.3. */
        uint32_t ext_max = m->cycles + m->max_seq;
        uint64_t expected = (uint64_t)ext_max - m->base_seq + 1;
        int64_t lost = (int64_t)expected - (int64_t)m->received;
        uint64_t exp_int = expected - m->expected_prior;
        uint64_t rec_int = m->received - m->received_prior;
        int64_t lost_int = (int64_t)exp_int - (int64_t)rec_int;
        uint8_t fraction = (exp_int == 0 || lost_int <= 0) ? 0 : (uint8_t)((lost_int << 8) / (int64_t)exp_int);
        m->expected_prior = expected;
        m->received_prior = m->received;
        if (lost > 0x7fffff)
            lost = 0x7fffff;
        if (lost < -0x800000)
            lost = -0x800000;
        put32(p + off, m->rssrc);
        put32(p + off + 4, (uint32_t)fraction << 24 | ((uint32_t)lost & 0xffffff));
        put32(p + off + 8, ext_max);
        put32(p + off + 12, (uint32_t)m->jitter);
        put32(p + off + 16, m->lsr);
        put32(p + off + 20, m->lsr ? (uint32_t)((now - m->lsr_at_us) * 65536u / 1000000u) : 0);
        off += 24;
    }
    /* SDES with CNAME, padded to a 32-bit boundary with the null item. */
    {
        size_t cl = strlen(m->cname);
        size_t chunk = 4 + 2 + cl + 1;         /* SSRC, type, len, text, end */
        size_t padded = (chunk + 3) & ~(size_t)3;
        uint8_t *s = p + off;
        s[0] = 0x81;
        s[1] = 202;
        put16(s + 2, (uint16_t)(padded / 4));
        put32(s + 4, m->ssrc);
        s[8] = 1; /* CNAME */
        s[9] = (uint8_t)cl;
        memcpy(s + 10, m->cname, cl);
        memset(s + 10 + cl, 0, padded - (chunk - 1));
        off += 4 + padded;
    }
    if (bye) {
        uint8_t *b = p + off;
        b[0] = 0x81;
        b[1] = 203;
        put16(b + 2, 1);
        put32(b + 4, m->ssrc);
        off += 8;
    }
    return off;
}

static void rtcp_send(ua_media *m, int bye)
{
    uint8_t pkt[PKT_CAP];
    size_t len = rtcp_build(m, pkt, bye);

    if (m->have_xform && m->xf.protect_rtcp && m->xf.protect_rtcp(m->xf.ctx, pkt, &len, sizeof(pkt)) < 0)
        return;
    if (send_raw(m->rtcp, &m->raddr_rtcp, pkt, len) == 0)
        m->st.rtcp_sent++;
}

static void rtcp_tmr_h(void *arg)
{
    ua_media *m = arg;

    rtcp_send(m, 0);
    /* RFC 3550 §6.3.1: randomise the interval to [0.5, 1.5] x. */
    tmr_start(&m->rtcp_tmr, RTCP_MIN_MS / 2 + rand_u32() % RTCP_MIN_MS, rtcp_tmr_h, m);
}

static void media_rtcp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
    ua_media *m = arg;
    uint8_t pkt[PKT_CAP];
    size_t len = mbuf_get_left(mb);

    (void)src;
    if (len > sizeof(pkt) || len < 8)
        return;
    memcpy(pkt, mbuf_buf(mb), len);
    m->st.rtcp_recv++;
    if (m->have_xform && m->xf.unprotect_rtcp && m->xf.unprotect_rtcp(m->xf.ctx, pkt, &len) < 0) {
        m->st.rtcp_unprotect_fail++;
        return;
    }
    /* Walk the compound packet (RFC 3550 §6.1). */
    for (size_t off = 0; off + 4 <= len;) {
        uint8_t *p = pkt + off;
        size_t plen = ((size_t)get16(p + 2) + 1) * 4;
        if ((p[0] >> 6) != 2 || off + plen > len)
            break;
        switch (p[1]) {
        case 200:
            m->st.rtcp_sr_recv++;
            if (plen >= 28) {
                m->lsr = get32(p + 8) << 16 | get32(p + 12) >> 16;
                m->lsr_at_us = ua_now_us();
            }
            break;
        case 201: m->st.rtcp_rr_recv++; break;
        case 203: m->st.rtcp_bye_recv++; break;
        default: break;
        }
        off += plen;
    }
}

/* ---------------------------------------------------------------------- */
/* RTP receive                                                             */
/* ---------------------------------------------------------------------- */

static void record(ua_media *m, uint32_t ts, const int16_t *pcm, size_t n)
{
    /* Place the samples by RTP timestamp: gaps become silence, late or
     * duplicate packets are dropped (counted). */
    int64_t pos = (int64_t)(int32_t)(ts - m->rts0);

    if (pos < 0 || (uint64_t)pos < m->rec_written) {
        m->st.rtp_late++;
        return;
    }
    if ((uint64_t)pos > m->rec_written) {
        uint64_t gap = (uint64_t)pos - m->rec_written;
        static const int16_t zeros[FRAME];
        if (gap > MAX_GAP) {
            m->st.rtp_late++;
            return;
        }
        while (gap > 0) {
            size_t k = gap > FRAME ? FRAME : (size_t)gap;
            if (m->recording)
                ua_wav_write(&m->rec, zeros, k);
            m->rec_written += k;
            gap -= k;
        }
    }
    if (m->recording)
        ua_wav_write(&m->rec, pcm, n);
    m->rec_written += n;
    m->st.samples_recorded = m->rec_written;
}

/* RFC 3550 A.1, shortened: no probation (the peer is known from SDP). */
static void seq_update(ua_media *m, uint16_t seq)
{
    uint16_t udelta = (uint16_t)(seq - m->max_seq);

    if (udelta < 3000) {
        if (seq < m->max_seq)
            m->cycles += 65536;
        m->max_seq = seq;
    } else if (udelta <= 65536 - 100) {
        /* a large jump: restart if it repeats (A.1 bad_seq) */
        if (seq == m->bad_seq) {
            m->base_seq = seq;
            m->max_seq = seq;
            m->cycles = 0;
            m->received = 0;
            m->expected_prior = m->received_prior = 0;
        } else {
            m->bad_seq = (uint32_t)((seq + 1) & 0xffff);
            return;
        }
    }
    m->received++;
}

static void rtp_process(ua_media *m, uint8_t *pkt, size_t len)
{
    size_t hl;
    uint8_t pt;
    uint16_t seq;
    uint32_t ts, ssrc;
    int16_t pcm[PKT_CAP];

    if (m->have_xform && m->xf.unprotect) {
        if (m->xf.unprotect(m->xf.ctx, pkt, &len) < 0) {
            m->st.rtp_unprotect_fail++;
            return;
        }
        m->st.rtp_auth_ok++;
    }
    /* RFC 3550 §5.1 header; CSRCs, extension (§5.3.1) and padding skipped. */
    if (len < RTP_HDR || (pkt[0] >> 6) != 2) {
        m->st.rtp_malformed++;
        return;
    }
    hl = RTP_HDR + 4u * (pkt[0] & 0x0f);
    if (pkt[0] & 0x10) {
        if (len < hl + 4) {
            m->st.rtp_malformed++;
            return;
        }
        hl += 4 + 4u * get16(pkt + hl + 2);
    }
    if (pkt[0] & 0x20) {
        uint8_t padlen = pkt[len - 1];
        if (padlen == 0 || padlen > len - hl) {
            m->st.rtp_malformed++;
            return;
        }
        len -= padlen;
    }
    if (len < hl) {
        m->st.rtp_malformed++;
        return;
    }
    pt = pkt[1] & 0x7f;
    seq = get16(pkt + 2);
    ts = get32(pkt + 4);
    ssrc = get32(pkt + 8);
    if (m->have_remote && ssrc != m->rssrc && m->await_source) {
        /* Session mobility: the device that took the session over sends
         * with its own SSRC, sequence numbers and timestamps. Count the
         * old source's loss, then start afresh (RFC 3550 §8.2: a new SSRC
         * is a new source); its audio continues the recording. */
        uint64_t expected = (uint64_t)(m->cycles + m->max_seq) - m->base_seq + 1;
        m->lost_prev += (int64_t)expected - (int64_t)m->received;
        m->have_remote = 0;
        m->have_transit = 0;
        m->received = m->expected_prior = m->received_prior = 0;
        m->cycles = 0;
        m->jitter = 0;
        m->lsr = 0;
    }
    if (!m->have_remote) {
        m->have_remote = 1;
        m->await_source = 0;
        m->rssrc = ssrc;
        m->base_seq = seq;
        m->max_seq = seq;
        m->bad_seq = (uint32_t)seq + 65537u; /* impossible value */
        /* The first source starts the recording at 0; a later one goes on
         * where the recording is. */
        m->rts0 = ts - (uint32_t)m->rec_written;
        m->st.ssrc_remote = ssrc;
        if (m->st.nsources < UA_MEDIA_MAX_SOURCES) {
            m->st.sources[m->st.nsources].ssrc = ssrc;
            m->st.sources[m->st.nsources].first_sample = m->rec_written;
            m->st.nsources++;
        }
    } else if (ssrc != m->rssrc) {
        m->st.rtp_foreign_ssrc++;
        return;
    }
    if (pt != UA_PT_PCMU && pt != UA_PT_PCMA) {
        m->st.rtp_malformed++; /* not negotiated */
        return;
    }
    m->st.rtp_ok++;
    if (m->st.nsources && m->st.sources[m->st.nsources - 1].ssrc == ssrc)
        m->st.sources[m->st.nsources - 1].accepted++;
    seq_update(m, seq);
    {
        /* Interarrival jitter, RFC 3550 A.8. */
        int64_t arrival = (int64_t)(ua_now_us() * RATE / 1000000u);
        int64_t transit = arrival - (int64_t)ts;
        if (m->have_transit) {
            int64_t d = transit - m->transit_prev;
            if (d < 0)
                d = -d;
            m->jitter += ((double)d - m->jitter) / 16.0;
        }
        m->transit_prev = transit;
        m->have_transit = 1;
    }
    ua_g711_decode(pt, pkt + hl, pcm, len - hl);
    record(m, ts, pcm, len - hl);
}

static void media_rtp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
    ua_media *m = arg;
    size_t len = mbuf_get_left(mb);

    (void)src;
    if (m->stopped)
        return;
    m->st.rtp_recv++;
    m->st.rtp_bytes_recv += len;
    if (len > PKT_CAP) {
        m->st.rtp_malformed++;
        return;
    }
    if (!m->running) {
        /* Not started (keys may not be installed yet): keep for later. */
        if (m->nq == PRESTART_MAX) {
            m->st.rtp_queued_dropped++;
            return;
        }
        m->q[m->nq].len = len;
        memcpy(m->q[m->nq].buf, mbuf_buf(mb), len);
        m->nq++;
        return;
    }
    if (m->hold_source && m->have_remote && len >= RTP_HDR && get32(mbuf_buf(mb) + 8) != m->rssrc) {
        /* The device taking the session over, before its keys are here. */
        if (m->nq == PRESTART_MAX) {
            m->st.rtp_queued_dropped++;
            return;
        }
        m->q[m->nq].len = len;
        memcpy(m->q[m->nq].buf, mbuf_buf(mb), len);
        m->nq++;
        return;
    }
    {
        uint8_t pkt[PKT_CAP];
        memcpy(pkt, mbuf_buf(mb), len);
        rtp_process(m, pkt, len);
    }
}

/* ---------------------------------------------------------------------- */

static int bind_pair(ua_media *m, const char *laddr, uint16_t port)
{
    struct sa sa;

    for (int tries = 0; tries < 64; tries++) {
        uint16_t p = port ? port : (uint16_t)(16384 + 2 * (rand_u16() % 8192));
        if (sa_set_str(&sa, laddr, p))
            return EINVAL;
        if (udp_listen(&m->rtp, &sa, media_rtp_recv, m) == 0) {
            sa_set_port(&sa, (uint16_t)(p + 1));
            if (udp_listen(&m->rtcp, &sa, media_rtcp_recv, m) == 0) {
                m->port = p;
                return 0;
            }
            m->rtp = mem_deref(m->rtp);
        }
        if (port)
            break;
    }
    return EADDRINUSE;
}

int ua_media_new(ua_media **out, const ua_media_cfg *cfg, char *err, size_t errlen)
{
    ua_media *m;
    int e;

    *out = NULL;
    if (cfg->pt != UA_PT_PCMU && cfg->pt != UA_PT_PCMA) {
        snprintf(err, errlen, "payload type %d is not G.711", cfg->pt);
        return -1;
    }
    if (!cfg->wav && (cfg->tone_hz < 1 || cfg->tone_hz >= RATE / 2 || cfg->tone_amp < 1 || cfg->tone_amp > 32767)) {
        snprintf(err, errlen, "tone must be 1..3999 Hz with amplitude 1..32767");
        return -1;
    }
    m = calloc(1, sizeof(*m));
    if (!m || !(m->q = calloc(PRESTART_MAX, sizeof(*m->q)))) {
        free(m);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    tmr_init(&m->tx_tmr);
    tmr_init(&m->rtcp_tmr);
    snprintf(m->laddr, sizeof(m->laddr), "%s", cfg->laddr ? cfg->laddr : "0.0.0.0");
    /* cname[] is shorter than the 255 bytes an SDES item can carry. */
    snprintf(m->cname, sizeof(m->cname), "%s", cfg->cname ? cfg->cname : "mikey-ua");
    m->pt = cfg->pt;
    m->wav = cfg->wav;
    m->wav_n = cfg->wav_n;
    m->tone_hz = cfg->tone_hz;
    if (!m->wav) {
        m->tone = malloc(RATE * sizeof(*m->tone));
        if (!m->tone) {
            ua_media_free(m);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (int k = 0; k < RATE; k++)
            m->tone[k] = (int16_t)floor(cfg->tone_amp * sin(2.0 * UA_PI * k / RATE) + 0.5);
    }
    /* RFC 3550 §5.1: random initial sequence number, timestamp and SSRC. */
    m->seq = rand_u16();
    m->ts0 = rand_u32();
    m->ssrc = rand_u32();
    m->st.ssrc_local = m->ssrc;
    e = bind_pair(m, m->laddr, cfg->port);
    if (e) {
        snprintf(err, errlen, "cannot bind RTP/RTCP on %s:%u: %s", m->laddr, cfg->port, strerror(e));
        ua_media_free(m);
        return -1;
    }
    if (cfg->record_path) {
        if (ua_wav_open(&m->rec, cfg->record_path)) {
            snprintf(err, errlen, "cannot create %s: %s", cfg->record_path, strerror(errno));
            ua_media_free(m);
            return -1;
        }
        m->recording = 1;
    }
    *out = m;
    return 0;
}

uint16_t ua_media_port(const ua_media *m)
{
    return m->port;
}

uint32_t ua_media_ssrc(const ua_media *m)
{
    return m->ssrc;
}

int ua_media_set_ssrc(ua_media *m, uint32_t ssrc)
{
    if (m->running || m->stopped)
        return -1;
    if (ssrc) {
        m->ssrc = ssrc;
        m->st.ssrc_local = ssrc;
    }
    return 0;
}

void ua_media_set_xform(ua_media *m, const ua_media_xform *x)
{
    if (x) {
        m->xf = *x;
        m->have_xform = 1;
    } else {
        memset(&m->xf, 0, sizeof(m->xf));
        m->have_xform = 0;
    }
}

int ua_media_start(ua_media *m, const char *raddr, uint16_t rport, int pt)
{
    if (m->running || m->stopped)
        return -1;
    if (pt != UA_PT_PCMU && pt != UA_PT_PCMA)
        return -1;
    if (sa_set_str(&m->raddr, raddr, rport))
        return -1;
    m->raddr_rtcp = m->raddr;
    sa_set_port(&m->raddr_rtcp, (uint16_t)(rport + 1));
    m->pt = pt;
    m->running = 1;
    m->t0_us = ua_now_us();
    m->frames = 0;
    /* What arrived before the start, in arrival order. */
    for (size_t i = 0; i < m->nq; i++)
        rtp_process(m, m->q[i].buf, m->q[i].len);
    m->nq = 0;
    tx_tmr_h(m);
    /* RFC 3550 §6.2: the first report after half the minimum interval. */
    tmr_start(&m->rtcp_tmr, RTCP_MIN_MS / 2, rtcp_tmr_h, m);
    return 0;
}

void ua_media_stop(ua_media *m)
{
    if (!m || m->stopped)
        return;
    tmr_cancel(&m->tx_tmr);
    tmr_cancel(&m->rtcp_tmr);
    if (m->running)
        rtcp_send(m, 1);
    m->running = 0;
    m->stopped = 1;
    if (m->recording) {
        if (ua_wav_close(&m->rec))
            fprintf(stderr, "mikey-ua: writing the recording failed\n");
        m->recording = 0;
    }
}

void ua_media_stats_get(const ua_media *m, ua_media_stats *st)
{
    *st = m->st;
    if (m->have_remote) {
        uint64_t expected = (uint64_t)(m->cycles + m->max_seq) - m->base_seq + 1;
        st->rtp_lost = (int64_t)expected - (int64_t)m->received;
    }
    st->rtp_lost += m->lost_prev;
    if (sa_isset(&m->raddr, SA_ADDR))
        (void)re_snprintf(st->remote, sizeof(st->remote), "%J", &m->raddr);
    (void)re_snprintf(st->local, sizeof(st->local), "%s:%u", m->laddr, m->port);
    st->jitter = (uint32_t)m->jitter;
}

void ua_media_free(ua_media *m)
{
    if (!m)
        return;
    ua_media_stop(m);
    m->rtp = mem_deref(m->rtp);
    m->rtcp = mem_deref(m->rtcp);
    ua_media_close_old(m);
    free(m->tone);
    free(m->q);
    free(m);
}

/* ---------------------------------------------------------------------- */
/* re-INVITE: device and session mobility                                  */
/* ---------------------------------------------------------------------- */

int ua_media_set_remote(ua_media *m, const char *raddr, uint16_t rport, int new_source)
{
    struct sa sa;

    if (!m->running || m->stopped || sa_set_str(&sa, raddr, rport))
        return -1;
    if (!sa_cmp(&sa, &m->raddr, SA_ALL))
        m->st.remote_changes++;
    m->raddr = sa;
    m->raddr_rtcp = sa;
    sa_set_port(&m->raddr_rtcp, (uint16_t)(rport + 1));
    if (new_source) {
        m->await_source = 1;
        m->hold_source = 0;
        for (size_t i = 0; i < m->nq; i++)
            rtp_process(m, m->q[i].buf, m->q[i].len);
        m->nq = 0;
    }
    return 0;
}

void ua_media_hold_new_source(ua_media *m, int on)
{
    if (!m || !m->running)
        return;
    m->hold_source = on;
    if (!on) {
        m->st.rtp_foreign_ssrc += m->nq;
        m->nq = 0;
    }
}

static void media_rtp_recv_old(const struct sa *src, struct mbuf *mb, void *arg)
{
    ua_media *m = arg;

    m->st.rtp_recv_old++;
    media_rtp_recv(src, mb, arg);
}

int ua_media_rebind(ua_media *m, const char *laddr, uint16_t port, char *err, size_t errlen)
{
    struct udp_sock *rtp = m->rtp, *rtcp = m->rtcp;
    uint16_t oport = m->port;
    int e;

    if (m->stopped) {
        snprintf(err, errlen, "media stopped");
        return -1;
    }
    ua_media_close_old(m);
    m->rtp = m->rtcp = NULL;
    e = bind_pair(m, laddr, port);
    if (e) {
        m->rtp = rtp;
        m->rtcp = rtcp;
        m->port = oport;
        snprintf(err, errlen, "cannot bind RTP/RTCP on %s:%u: %s", laddr, port, strerror(e));
        return -1;
    }
    /* Make before break: the old pair still receives what the peer sends
     * until it has taken our new address. */
    m->rtp_old = rtp;
    m->rtcp_old = rtcp;
    udp_handler_set(m->rtp_old, media_rtp_recv_old, m);
    snprintf(m->laddr, sizeof(m->laddr), "%s", laddr);
    return 0;
}

void ua_media_close_old(ua_media *m)
{
    if (!m)
        return;
    m->rtp_old = mem_deref(m->rtp_old);
    m->rtcp_old = mem_deref(m->rtcp_old);
}
