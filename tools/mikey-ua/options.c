/* SPDX-License-Identifier: BSD-2-Clause */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openmikey/version.h>

enum otype { O_STR, O_UINT, O_DOUBLE, O_FLAG };

typedef struct opt {
    const char *name;
    enum otype type;
    size_t off;
    const char *arg;
    const char *help;
} opt;

#define S(n, f, a, h) {n, O_STR, offsetof(ua_opts, f), a, h}
#define U(n, f, a, h) {n, O_UINT, offsetof(ua_opts, f), a, h}
#define D(n, f, a, h) {n, O_DOUBLE, offsetof(ua_opts, f), a, h}
#define F(n, f, h) {n, O_FLAG, offsetof(ua_opts, f), NULL, h}

static const opt table[] = {
    S("config", config, "FILE", "read name = value options from FILE (command line wins)"),
    S("local", local, "ADDR[:PORT]", "bind SIP (UDP/TCP) and media here (default: the default route's address, port 5060 listen, any call)"),
    S("transport", transport, "udp|tcp|tls", "call: transport to use; listen: comma list (default udp,tcp[,tls])"),
    U("tls-port", tls_port, "PORT", "listen: TLS port (default SIP port + 1; 0 with --local :0)"),
    S("tls-cert", tls_cert, "FILE", "PEM certificate chain (and key, unless --tls-key) for TLS"),
    S("tls-key", tls_key, "FILE", "PEM private key for TLS"),
    S("tls-ca", tls_ca, "FILE", "PEM CAs trusted to verify the TLS peer (default: the system's)"),
    F("tls-insecure", tls_insecure, "do NOT verify the TLS peer certificate (debugging only)"),
    F("tls-verify-client", tls_verify_client, "listen: require and verify TLS client certificates"),
    S("aor", aor, "URI", "our address of record (From), e.g. sip:alice@a.test"),
    S("display", display, "NAME", "display name in From"),
    S("user", user, "NAME", "digest user name (default: user part of the AOR)"),
    S("password", password, "SECRET", "digest password (prefer the config file)"),
    S("registrar", registrar, "URI", "REGISTER the AOR there before calling / while listening"),
    U("expires", expires, "S", "registration lifetime (default 3600)"),
    S("outbound-proxy", outbound_proxy, "URI", "send every request via this proxy, e.g. sip:10.0.0.1;lr"),
    S("user-agent", user_agent, "TEXT", "User-Agent/Server header"),
    U("rtp-port", rtp_port, "PORT", "even local RTP port (RTCP = +1; default: random free pair)"),
    S("codec", codec, "pcmu|pcma", "preferred G.711 law (default pcmu)"),
    U("tone", tone, "HZ", "send a generated tone of HZ (default 440)"),
    U("amplitude", amplitude, "N", "tone amplitude 1..32767 (default 8000)"),
    S("wav", wav, "FILE", "send this WAV (16-bit PCM mono 8 kHz), looped"),
    S("record", record, "FILE", "write the received audio to this WAV file"),
    S("security", security, "off|preferred|required", "security policy of calls (default off)"),
    S("mode", mode, "psk|pke|dh|dhhmac|rsar", "MIKEY mode offered (default psk)"),
    S("identity", identity, "URI", "our MIKEY identity (default: the SAN URI of --cert, else --aor)"),
    S("peer-id", peer_id, "URI", "call: the callee's MIKEY identity (default: the SAN URI of --peer-cert)"),
    S("psk", psk, "HEX", "pre-shared key for any peer (PSK, DH-HMAC; prefer --psk-file)"),
    S("psk-file", psk_file, "FILE", "PSKs: one hex line (any peer) and/or \"URI HEX\" lines"),
    S("key", key, "FILE", "our RSA private key for MIKEY (PEM)"),
    S("cert", cert, "FILE", "our certificate chain for MIKEY (PEM, leaf first)"),
    S("ca", ca, "FILE", "CAs trusted for MIKEY certificates (PEM)"),
    S("peer-cert", peer_cert, "FILE", "call: the callee's certificate (needed for PKE)"),
    S("srtp-suite", srtp_suite, "LIST", "SRTP suites, comma list: the first is offered, all are accepted "
      "(default AES_CM_128_HMAC_SHA1_80)"),
    S("accept-modes", accept_modes, "LIST", "modes accepted from callers (default psk,pke,dh,dhhmac,rsar)"),
    U("dh-group", dh_group, "5|1|2", "OAKLEY group for DH and DH-HMAC offers (default 5)"),
    F("precompute-dh", precompute_dh, "keep a DH key pair ready before each call (default yes)"),
    S("replay-file", replay_file, "FILE", "keep the MIKEY replay cache in FILE across restarts"),
    S("km-level", km_level, "session|media", "where the offer's a=key-mgmt goes (default session)"),
    U("mki-len", mki_len, "N", "MKI bytes in every SRTP packet (KV = SPI), 0..4 (default 0)"),
    D("duration", duration, "S", "seconds of media before hanging up (0: wait for the peer; default call 5, listen 0)"),
    D("timeout", timeout, "S", "call: CANCEL if not answered within S (default 30)"),
    F("auto-answer", auto_answer, "listen: answer every call (otherwise press Enter to answer)"),
    U("answer-delay", answer_delay, "MS", "listen: ring MS milliseconds before answering (default 0)"),
    U("max-calls", max_calls, "N", "listen: exit after N calls (default 0: never)"),
    U("reject", reject, "CODE", "listen: refuse every call with status CODE (tests)"),
    S("json", json, "FILE", "append the per-call JSON reports to FILE (default stdout)"),
    U("linger", linger, "MS", "after the last call, let pending transactions finish (default 2000)"),
    F("verbose", verbose, "print SIP messages and events on stderr"),
    /* re-INVITE: rekeying, device and session mobility (docs/mikey-ua.md "Re-INVITEs") */
    D("rekey-after", rekey_after, "S",
      "call: S s after the set-up, rekey in a re-INVITE (MIKEY update; needs --mki-len)"),
    U("rekey-count", rekey_count, "N", "call: rekey N times, S s apart (default 1)"),
    D("move-after", move_after, "S", "call: S s after the set-up, move to --move-to (re-INVITE proven by MIKEY)"),
    S("move-to", move_to, "ADDR[:PORT]", "call: the new local address for SIP and media"),
    S("transfer-to", transfer_to, "URI", "REFER the peer to URI (session mobility) after --transfer-after"),
    D("transfer-after", transfer_after, "S", "seconds after the set-up to send the REFER (default 0)"),
    S("transfer-file", transfer_file, "FILE", "write our MIKEY CSB (secrets, 0600) here for the new device"),
    S("join-file", join_file, "FILE", "listen: take over the transferred CSB in FILE when an INVITE names it"),
};

#define NOPTS (sizeof(table) / sizeof(table[0]))

void ua_opts_defaults(ua_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->expires = 3600;
    o->tone = 440;
    o->amplitude = 8000;
    o->timeout = 30;
    o->duration = -1; /* the command decides */
    o->linger = 2000;
    o->precompute_dh = 1;
    o->rekey_count = 1;
}

void ua_opts_free(ua_opts *o)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (table[i].type == O_STR) {
            char **p = (char **)((char *)o + table[i].off);
            if (*p && (!strcmp(table[i].name, "password") || !strcmp(table[i].name, "psk"))) {
                volatile char *v = *p;
                while (*v)
                    *v++ = 0;
            }
            free(*p);
            *p = NULL;
        }
    }
}

static const opt *find(const char *name, size_t len)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if (strlen(table[i].name) == len && !strncmp(table[i].name, name, len))
            return &table[i];
    }
    return NULL;
}

static int set(ua_opts *o, const opt *op, const char *val, const char *where)
{
    void *p = (char *)o + op->off;

    switch (op->type) {
    case O_STR: {
        char *d = strdup(val);
        if (!d) {
            fprintf(stderr, "mikey-ua: out of memory\n");
            return -1;
        }
        free(*(char **)p);
        *(char **)p = d;
        return 0;
    }
    case O_UINT: {
        char *end;
        errno = 0;
        unsigned long v = strtoul(val, &end, 10);
        if (errno || end == val || *end || v > 0x7fffffffUL || val[0] == '-') {
            fprintf(stderr, "mikey-ua: %s: --%s needs a non-negative integer, got \"%s\"\n", where, op->name, val);
            return -1;
        }
        *(unsigned *)p = (unsigned)v;
        return 0;
    }
    case O_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(val, &end);
        if (errno || end == val || *end || !(v >= 0) || v > 1e7) {
            fprintf(stderr, "mikey-ua: %s: --%s needs a number of seconds, got \"%s\"\n", where, op->name, val);
            return -1;
        }
        *(double *)p = v;
        return 0;
    }
    case O_FLAG:
        if (!val || !strcmp(val, "1") || !strcmp(val, "yes") || !strcmp(val, "true")) {
            *(int *)p = 1;
        } else if (!strcmp(val, "0") || !strcmp(val, "no") || !strcmp(val, "false")) {
            *(int *)p = 0;
        } else {
            fprintf(stderr, "mikey-ua: %s: %s is a flag (yes/no), got \"%s\"\n", where, op->name, val);
            return -1;
        }
        return 0;
    }
    return -1;
}

void ua_opts_usage(FILE *f)
{
    fprintf(f,
            "usage: mikey-ua call URI [options]      place a call, e.g. mikey-ua call sip:bob@127.0.0.1:5070\n"
            "       mikey-ua listen [options]        wait for calls (--auto-answer to pick up)\n"
            "       mikey-ua --help | --version\n"
            "\n"
            "A SIP user agent (libre 1.1) with G.711 RTP media, the MIKEY/SRTP test bed of openmikey.\n"
            "Prints one JSON object per call (calling/answering delays in microseconds).\n"
            "\noptions:\n");
    for (size_t i = 0; i < NOPTS; i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", table[i].name, table[i].arg ? " " : "",
                 table[i].arg ? table[i].arg : "");
        fprintf(f, "  %-32s %s\n", left, table[i].help);
    }
    fprintf(f, "\nSee mikey-ua(1) and docs/mikey-ua.md.\n");
}

int ua_opts_parse_argv(ua_opts *o, int argc, char **argv, int first, char **pos, int maxpos, int *npos)
{
    *npos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ua_opts_usage(stdout);
            return 1;
        }
        if (!strcmp(a, "--version")) {
            printf("mikey-ua (openmikey %s)\n", MIKEY_VERSION);
            return 1;
        }
        if (!strcmp(a, "-v")) {
            o->verbose = 1;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (*npos >= maxpos) {
                fprintf(stderr, "mikey-ua: unexpected argument \"%s\" (try --help)\n", a);
                return -1;
            }
            pos[(*npos)++] = argv[i];
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        const opt *op = find(name, nl);
        if (!op) {
            fprintf(stderr, "mikey-ua: unknown option --%.*s (try --help)\n", (int)nl, name);
            return -1;
        }
        const char *val = eq ? eq + 1 : NULL;
        if (op->type != O_FLAG && !val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "mikey-ua: --%s needs a value (%s)\n", op->name, op->arg);
                return -1;
            }
            val = argv[++i];
        }
        if (set(o, op, val, "command line"))
            return -1;
    }
    return 0;
}

int ua_opts_load_file(ua_opts *o, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    unsigned lineno = 0;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "mikey-ua: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char where[256];
        char *p = line, *e, *eq, *k_end, *v;
        lineno++;
        snprintf(where, sizeof(where), "%s:%u", path, lineno);
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "mikey-ua: %s: line too long\n", where);
            rc = -1;
            break;
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '#' || *p == '\0')
            continue;
        e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        eq = strchr(p, '=');
        if (!eq) {
            fprintf(stderr, "mikey-ua: %s: expected name = value\n", where);
            rc = -1;
            break;
        }
        k_end = eq;
        while (k_end > p && isspace((unsigned char)k_end[-1]))
            k_end--;
        v = eq + 1;
        while (isspace((unsigned char)*v))
            v++;
        const opt *op = find(p, (size_t)(k_end - p));
        if (!op || !strcmp(op->name, "config")) {
            fprintf(stderr, "mikey-ua: %s: unknown option \"%.*s\"\n", where, (int)(k_end - p), p);
            rc = -1;
            break;
        }
        if (set(o, op, v, where)) {
            rc = -1;
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "mikey-ua: %s: read error\n", path);
        rc = -1;
    }
    fclose(f);
    /* The line buffer may have held a secret. */
    volatile char *vl = line;
    for (size_t i = 0; i < sizeof(line); i++)
        vl[i] = 0;
    return rc;
}
