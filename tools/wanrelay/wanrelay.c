/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wanrelay: an emulated WAN link between two hosts, in user space.
 *
 * The kernel of the test machine has no netem (INTEROP.md, "SIP stack
 * facts"), so the two-proxy testbed (docs/testbed.md) puts this relay
 * between the proxies of the two domains. Each proxy advertises the relay's
 * address as its own on the inter-domain side (Kamailio `advertise`), and
 * routes to the relay's face of the other proxy, so every inter-domain
 * packet, in both directions, crosses the relay and waits the one-way delay.
 *
 *   --udp HOST_A/FACE_A/HOST_B/FACE_B   (each ADDR:PORT, IPv4)
 *       datagrams arriving at FACE_B are sent from FACE_A to HOST_B after the
 *       delay, datagrams arriving at FACE_A are sent from FACE_B to HOST_A:
 *       A sees B at FACE_B, B sees A at FACE_A.
 *   --tcp HOST_A/FACE_A/HOST_B/FACE_B
 *       the same for TCP byte streams (TLS passes through untouched): a
 *       connection accepted on FACE_B is relayed to a connection from
 *       FACE_A's address to HOST_B, and the other way round.
 *   --delay-ms D   one-way delay in milliseconds (fractions allowed; 0 = forward at once)
 *
 * TCP set-up is emulated too: a real connection's first data byte reaches
 * the server three one-way delays after connect() (SYN, SYN-ACK, data),
 * while the relay accepts the client at once. So the relay opens the
 * upstream connection one delay after the accept (the SYN's arrival) and
 * holds client->server bytes until max(read + D, accept + 3D).
 *
 * Timing: every packet is stamped with CLOCK_MONOTONIC when read and sent
 * from an absolute timerfd deadline, so the delay does not drift with the
 * load; the relay's own cost is a few tens of microseconds per packet.
 * One thread, epoll. SIGINT/SIGTERM print the counters and exit 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINKS 16
#define MAX_CONNS 256
#define CHUNK 65536
#define QUEUE_LIMIT (8u * 1024u * 1024u) /* per direction: stop reading above this */

typedef struct pkt {
    struct pkt *next;
    uint64_t due;   /* CLOCK_MONOTONIC, ns */
    size_t len, off;
    int eof;        /* TCP: shut the write side down when due */
    unsigned char data[];
} pkt;

typedef struct queue {
    pkt *head, *tail;
    size_t bytes;
} queue;

typedef struct udp_side {
    int fd;                    /* bound to this side's face */
    struct sockaddr_in to;     /* where datagrams received here go */
    struct udp_side *out;      /* the socket they leave from */
    queue q;
} udp_side;

typedef struct tcp_link {
    struct sockaddr_in host[2], face[2];
    int lfd[2];                /* listening on face[i]: clients on side 1-i */
} tcp_link;

struct conn;
typedef struct conn_end {
    struct conn *c;
    int fd;
    int which;                 /* 0: accepted (client), 1: upstream (server) */
} conn_end;

typedef struct conn {
    int used;
    conn_end e[2];                  /* e[0] client end, e[1] upstream end */
    queue q[2];                /* q[0]: client -> server, q[1]: server -> client */
    struct sockaddr_in up_to, up_from;
    uint64_t t_accept;
    uint64_t connect_due;      /* 0 once the upstream connect was started */
    int connected;
    int rd_eof[2];             /* read side of e[i] saw EOF */
    int wr_shut[2];            /* write side of e[i] shut down */
    int blocked[2];            /* e[i]'s send buffer is full: wait for EPOLLOUT */
    int watched[2];            /* e[i] is in the epoll set */
    unsigned long long bytes[2];
} conn;

/* epoll tags */
enum { TAG_TIMER = 1, TAG_UDP, TAG_LISTEN, TAG_END };
typedef struct tag {
    int kind;
    void *p;
    int idx;
} tag;

static uint64_t g_delay_ns;
static int g_ep = -1, g_tfd = -1;
static udp_side g_udp[MAX_LINKS][2];
static tag g_udp_tag[MAX_LINKS][2];
static int g_nudp;
static tcp_link g_tcp[MAX_LINKS];
static tag g_tcp_tag[MAX_LINKS][2];
static int g_ntcp;
static conn g_conn[MAX_CONNS];
static tag g_end_tag[MAX_CONNS][2];
static volatile sig_atomic_t g_stop;
static unsigned long long g_udp_pkts, g_udp_bytes, g_udp_drop, g_tcp_conns, g_tcp_bytes, g_tcp_refused;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void die(const char *what)
{
    fprintf(stderr, "wanrelay: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    char *end;
    unsigned long port;

    if (!colon || (size_t)(colon - s) >= sizeof(host) || colon == s)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    port = strtoul(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port == 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* "HOST_A/FACE_A/HOST_B/FACE_B" */
static int parse_link(const char *arg, struct sockaddr_in host[2], struct sockaddr_in face[2])
{
    char buf[300], *parts[4], *save = NULL;
    int n = 0;

    if (strlen(arg) >= sizeof(buf))
        return -1;
    strcpy(buf, arg);
    for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (n == 4)
            return -1;
        parts[n++] = t;
    }
    if (n != 4)
        return -1;
    return parse_addr(parts[0], &host[0]) || parse_addr(parts[1], &face[0]) || parse_addr(parts[2], &host[1]) ||
                   parse_addr(parts[3], &face[1])
               ? -1
               : 0;
}

static void ep_add(int fd, uint32_t events, tag *t)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = t;
    if (epoll_ctl(g_ep, EPOLL_CTL_ADD, fd, &ev))
        die("epoll_ctl add");
}

static void ep_mod(int fd, uint32_t events, tag *t)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = t;
    (void)epoll_ctl(g_ep, EPOLL_CTL_MOD, fd, &ev);
}

static int bound_socket(int type, const struct sockaddr_in *sa, int reuse)
{
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd < 0)
        die("socket");
    if (reuse)
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
        fprintf(stderr, "wanrelay: cannot bind %s:%u: %s\n", a, ntohs(sa->sin_port), strerror(errno));
        exit(2);
    }
    return fd;
}

static pkt *pkt_new(size_t len)
{
    pkt *p = malloc(sizeof(*p) + (len ? len : 1));

    if (!p)
        die("malloc");
    memset(p, 0, sizeof(*p));
    p->len = len;
    return p;
}

static void q_push(queue *q, pkt *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->bytes += p->len;
}

static pkt *q_pop(queue *q)
{
    pkt *p = q->head;

    if (p) {
        q->head = p->next;
        if (!q->head)
            q->tail = NULL;
        q->bytes -= p->len;
    }
    return p;
}

static void q_clear(queue *q)
{
    pkt *p;

    while ((p = q_pop(q)) != NULL)
        free(p);
}

/* ---------------------------------------------------------------- UDP */

static void udp_send(udp_side *from, const struct sockaddr_in *to, const unsigned char *d, size_t n)
{
    if (sendto(from->fd, d, n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
        g_udp_drop++;
}

static void udp_readable(udp_side *s)
{
    unsigned char buf[CHUNK];

    for (;;) {
        ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
        if (n < 0)
            return; /* EAGAIN, or an ICMP error reported on the socket: nothing to relay */
        g_udp_pkts++;
        g_udp_bytes += (unsigned long long)n;
        if (g_delay_ns == 0) {
            udp_send(s->out, &s->to, buf, (size_t)n);
            continue;
        }
        pkt *p = pkt_new((size_t)n);
        memcpy(p->data, buf, (size_t)n);
        p->due = now_ns() + g_delay_ns;
        q_push(&s->q, p);
    }
}

static void udp_flush(udp_side *s, uint64_t now)
{
    while (s->q.head && s->q.head->due <= now) {
        pkt *p = q_pop(&s->q);
        udp_send(s->out, &s->to, p->data, p->len);
        free(p);
    }
}

/* ---------------------------------------------------------------- TCP */

static void conn_close(conn *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->e[i].fd >= 0) {
            if (c->watched[i])
                (void)epoll_ctl(g_ep, EPOLL_CTL_DEL, c->e[i].fd, NULL);
            close(c->e[i].fd);
            c->e[i].fd = -1;
        }
        q_clear(&c->q[i]);
    }
    c->used = 0;
}

static void conn_update_events(conn *c)
{
    for (int i = 0; i < 2; i++) {
        uint32_t ev = 0;
        int fd = c->e[i].fd;
        if (fd < 0)
            continue;
        if (!c->watched[i])
            continue;
        if (c->rd_eof[i] && c->wr_shut[i]) {
            /* both directions of this socket are done: epoll would report
             * EPOLLHUP on it forever while the other direction drains */
            (void)epoll_ctl(g_ep, EPOLL_CTL_DEL, fd, NULL);
            c->watched[i] = 0;
            continue;
        }
        if (i == 1 && !c->connected) {
            ev = EPOLLOUT; /* connect in progress */
        } else {
            /* read from e[i] into q[i] unless that queue is full */
            if (!c->rd_eof[i] && c->q[i].bytes < QUEUE_LIMIT && (i == 0 || c->connected))
                ev |= EPOLLIN;
            if (c->blocked[i])
                ev |= EPOLLOUT;
        }
        ep_mod(fd, ev, &g_end_tag[c - g_conn][i]);
    }
}

/* Write what is due from q[dir] to the other end. Returns -1 on a fatal error. */
static int conn_flush_dir(conn *c, int dir, uint64_t now)
{
    int out = 1 - dir;
    queue *q = &c->q[dir];

    if (!c->connected || c->blocked[out])
        return 0;
    while (q->head && q->head->due <= now) {
        pkt *p = q->head;
        if (p->eof) {
            (void)shutdown(c->e[out].fd, SHUT_WR);
            c->wr_shut[out] = 1;
            free(q_pop(q));
            continue;
        }
        ssize_t n = send(c->e[out].fd, p->data + p->off, p->len - p->off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                c->blocked[out] = 1;
                return 0;
            }
            return -1;
        }
        p->off += (size_t)n;
        if (p->off < p->len) {
            c->blocked[out] = 1;
            return 0;
        }
        free(q_pop(q));
    }
    return 0;
}

static void conn_check_done(conn *c)
{
    if (c->wr_shut[0] && c->wr_shut[1])
        conn_close(c);
}

static void conn_readable(conn *c, int i)
{
    unsigned char buf[CHUNK];
    uint64_t t = now_ns();

    if (c->rd_eof[i])
        return;
    for (;;) {
        ssize_t n = recv(c->e[i].fd, buf, sizeof(buf), 0);
        if (n == 0) {
            pkt *p = pkt_new(0);
            p->eof = 1;
            p->due = t + g_delay_ns;
            c->rd_eof[i] = 1;
            q_push(&c->q[i], p);
            break;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_close(c);
            return;
        }
        c->bytes[i] += (unsigned long long)n;
        g_tcp_bytes += (unsigned long long)n;
        pkt *p = pkt_new((size_t)n);
        memcpy(p->data, buf, (size_t)n);
        p->due = t + g_delay_ns;
        if (i == 0 && p->due < c->t_accept + 3 * g_delay_ns)
            p->due = c->t_accept + 3 * g_delay_ns; /* SYN, SYN-ACK, then the data */
        q_push(&c->q[i], p);
        if (c->q[i].bytes >= QUEUE_LIMIT)
            break;
    }
    if (conn_flush_dir(c, i, now_ns())) {
        conn_close(c);
        return;
    }
    conn_update_events(c);
}

static void conn_start_connect(conn *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;

    c->connect_due = 0;
    if (fd < 0) {
        conn_close(c);
        return;
    }
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)&c->up_from, sizeof(c->up_from)) ||
        (connect(fd, (const struct sockaddr *)&c->up_to, sizeof(c->up_to)) && errno != EINPROGRESS)) {
        close(fd);
        g_tcp_refused++;
        conn_close(c);
        return;
    }
    c->e[1].fd = fd;
    c->watched[1] = 1;
    ep_add(fd, EPOLLOUT, &g_end_tag[c - g_conn][1]);
}

static void conn_writable(conn *c, int i)
{
    if (i == 1 && !c->connected) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(c->e[1].fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
            g_tcp_refused++;
            conn_close(c);
            return;
        }
        c->connected = 1;
    }
    c->blocked[i] = 0;
    uint64_t t = now_ns();
    if (conn_flush_dir(c, 0, t) || conn_flush_dir(c, 1, t)) {
        conn_close(c);
        return;
    }
    conn_update_events(c);
    conn_check_done(c);
}

static void tcp_accept(tcp_link *l, int side)
{
    for (;;) {
        int fd = accept4(l->lfd[side], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        int one = 1;
        if (fd < 0)
            return;
        int k;
        for (k = 0; k < MAX_CONNS && g_conn[k].used; k++)
            ;
        if (k == MAX_CONNS) {
            close(fd);
            continue;
        }
        conn *c = &g_conn[k];
        memset(c, 0, sizeof(*c));
        c->used = 1;
        c->e[0] = (conn_end){c, fd, 0};
        c->e[1] = (conn_end){c, -1, 1};
        g_end_tag[k][0] = (tag){TAG_END, c, 0};
        g_end_tag[k][1] = (tag){TAG_END, c, 1};
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        /* Accepted on face[side] = the face of host[side]: the client is on
         * the other side; connect from the client side's face to host[side]. */
        c->up_to = l->host[side];
        c->up_from = l->face[1 - side];
        c->up_from.sin_port = 0;
        c->t_accept = now_ns();
        g_tcp_conns++;
        c->watched[0] = 1;
        ep_add(fd, EPOLLIN, &g_end_tag[k][0]);
        if (g_delay_ns == 0)
            conn_start_connect(c);
        else
            c->connect_due = c->t_accept + g_delay_ns; /* the SYN's arrival */
    }
}

/* ---------------------------------------------------------------- timer */

static void arm_timer(void)
{
    uint64_t next = UINT64_MAX;
    struct itimerspec its;

    for (int i = 0; i < g_nudp; i++)
        for (int s = 0; s < 2; s++)
            if (g_udp[i][s].q.head && g_udp[i][s].q.head->due < next)
                next = g_udp[i][s].q.head->due;
    for (int k = 0; k < MAX_CONNS; k++) {
        conn *c = &g_conn[k];
        if (!c->used)
            continue;
        if (c->connect_due && c->connect_due < next)
            next = c->connect_due;
        if (!c->connected)
            continue;
        for (int d = 0; d < 2; d++) {
            const pkt *h = c->q[d].head;
            /* a blocked output waits for EPOLLOUT, not for the timer */
            if (h && !c->blocked[1 - d] && h->due < next)
                next = h->due;
        }
    }
    memset(&its, 0, sizeof(its));
    if (next != UINT64_MAX) {
        if (next == 0)
            next = 1;
        its.it_value.tv_sec = (time_t)(next / 1000000000u);
        its.it_value.tv_nsec = (long)(next % 1000000000u);
    }
    if (timerfd_settime(g_tfd, TFD_TIMER_ABSTIME, &its, NULL))
        die("timerfd_settime");
}

static void on_timer(void)
{
    uint64_t exp, t = now_ns();

    (void)!read(g_tfd, &exp, sizeof(exp));
    for (int i = 0; i < g_nudp; i++)
        for (int s = 0; s < 2; s++)
            udp_flush(&g_udp[i][s], t);
    for (int k = 0; k < MAX_CONNS; k++) {
        conn *c = &g_conn[k];
        if (!c->used)
            continue;
        if (c->connect_due && c->connect_due <= t) {
            conn_start_connect(c);
            continue;
        }
        if (conn_flush_dir(c, 0, t) || conn_flush_dir(c, 1, t)) {
            conn_close(c);
            continue;
        }
        if (c->used) {
            conn_update_events(c);
            conn_check_done(c);
        }
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: wanrelay --delay-ms D [--udp HOST_A/FACE_A/HOST_B/FACE_B]... [--tcp ...]...\n"
               "  Emulated WAN link: what reaches FACE_B goes (from FACE_A) to HOST_B after D ms,\n"
               "  what reaches FACE_A goes (from FACE_B) to HOST_A. Addresses are IPv4 ADDR:PORT.\n"
               "  Prints 'wanrelay: ready' on stderr once every socket is bound; SIGTERM prints counters.\n");
}

int main(int argc, char **argv)
{
    double delay_ms = -1;
    struct sigaction sa;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--delay-ms")) {
            char *end;
            delay_ms = strtod(v, &end);
            if (*end || end == v || !(delay_ms >= 0 && delay_ms <= 10000)) {
                fprintf(stderr, "wanrelay: --delay-ms must be 0..10000\n");
                return 2;
            }
        } else if (!strcmp(a, "--udp") || !strcmp(a, "--tcp")) {
            struct sockaddr_in host[2], face[2];
            if (parse_link(v, host, face)) {
                fprintf(stderr, "wanrelay: %s wants HOST_A/FACE_A/HOST_B/FACE_B (IPv4 ADDR:PORT), got \"%s\"\n", a, v);
                return 2;
            }
            if ((a[2] == 'u' ? g_nudp : g_ntcp) >= MAX_LINKS) {
                fprintf(stderr, "wanrelay: too many links\n");
                return 2;
            }
            if (a[2] == 'u') {
                udp_side *s = g_udp[g_nudp];
                for (int k = 0; k < 2; k++) {
                    s[k].fd = bound_socket(SOCK_DGRAM, &face[k], 0);
                    s[k].to = host[k];    /* received at face[k] (from the other side) -> host[k] */
                    s[k].out = &s[1 - k]; /* ... sent from the other side's face */
                    g_udp_tag[g_nudp][k] = (tag){TAG_UDP, &s[k], k};
                }
                g_nudp++;
            } else {
                tcp_link *l = &g_tcp[g_ntcp];
                for (int k = 0; k < 2; k++) {
                    l->host[k] = host[k];
                    l->face[k] = face[k];
                    l->lfd[k] = bound_socket(SOCK_STREAM, &face[k], 1);
                    if (listen(l->lfd[k], 64))
                        die("listen");
                    g_tcp_tag[g_ntcp][k] = (tag){TAG_LISTEN, l, k};
                }
                g_ntcp++;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (delay_ms < 0 || g_nudp + g_ntcp == 0) {
        usage(stderr);
        return 2;
    }
    g_delay_ns = (uint64_t)(delay_ms * 1e6 + 0.5);
    for (int k = 0; k < MAX_CONNS; k++)
        g_conn[k].e[0].fd = g_conn[k].e[1].fd = -1;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    g_ep = epoll_create1(EPOLL_CLOEXEC);
    g_tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (g_ep < 0 || g_tfd < 0)
        die("epoll/timerfd");
    static tag timer_tag = {TAG_TIMER, NULL, 0};
    ep_add(g_tfd, EPOLLIN, &timer_tag);
    for (int i = 0; i < g_nudp; i++)
        for (int s = 0; s < 2; s++)
            ep_add(g_udp[i][s].fd, EPOLLIN, &g_udp_tag[i][s]);
    for (int i = 0; i < g_ntcp; i++)
        for (int s = 0; s < 2; s++)
            ep_add(g_tcp[i].lfd[s], EPOLLIN, &g_tcp_tag[i][s]);

    fprintf(stderr, "wanrelay: ready (%d UDP, %d TCP links, one-way delay %.3f ms)\n", g_nudp, g_ntcp, delay_ms);
    fflush(stderr);

    while (!g_stop) {
        struct epoll_event evs[64];
        int n = epoll_wait(g_ep, evs, 64, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            tag *t = evs[i].data.ptr;
            switch (t->kind) {
            case TAG_TIMER:
                on_timer();
                break;
            case TAG_UDP:
                udp_readable(t->p);
                break;
            case TAG_LISTEN:
                tcp_accept(t->p, t->idx);
                break;
            case TAG_END: {
                conn *c = t->p;
                if (!c->used || c->e[t->idx].fd < 0)
                    break;
                if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                    conn_writable(c, t->idx);
                if (c->used && c->e[t->idx].fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    conn_readable(c, t->idx);
                if (c->used)
                    conn_check_done(c);
                break;
            }
            }
        }
        arm_timer();
    }
    fprintf(stderr, "wanrelay: udp %llu packets %llu bytes (%llu send errors), tcp %llu connections %llu bytes (%llu refused)\n",
            g_udp_pkts, g_udp_bytes, g_udp_drop, g_tcp_conns, g_tcp_bytes, g_tcp_refused);
    return 0;
}
