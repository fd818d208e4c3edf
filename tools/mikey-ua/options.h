/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options of mikey-ua. One table serves the command line (--name value,
 * --name=value, --flag) and the configuration file (name = value lines,
 * '#' comments), so every option can live in either; the command line
 * wins. Secrets (password, psk) are better kept in the file (mode 0600)
 * than on a command line that other users can read in ps.
 */
#ifndef MIKEY_UA_OPTIONS_H
#define MIKEY_UA_OPTIONS_H

#include <stdio.h>

typedef struct ua_opts {
    /* SIP */
    char *local;          /* ADDR[:PORT] to bind SIP; media uses ADDR too */
    char *transport;      /* call: udp|tcp|tls; listen: comma list */
    unsigned tls_port;
    char *tls_cert, *tls_key, *tls_ca;
    int tls_insecure, tls_verify_client;
    char *aor, *display, *user, *password;
    char *registrar;
    unsigned expires;
    char *outbound_proxy;
    char *user_agent;
    /* media */
    unsigned rtp_port;
    char *codec;
    unsigned tone;
    unsigned amplitude;
    char *wav;
    char *record;
    /* security (the MIKEY seam) */
    char *security;
    char *mode;
    char *identity;       /* our MIKEY identity (IDi/IDr); default: --cert's SAN URI, else --aor */
    char *peer_id;        /* the callee's MIKEY identity; default: --peer-cert's SAN URI, else any */
    char *psk;            /* hex, the default PSK for any peer */
    char *psk_file;       /* one hex line, or "URI HEX" lines */
    char *key, *cert, *ca, *peer_cert;
    char *srtp_suite;     /* comma list: offered (first) / accepted */
    char *accept_modes;   /* comma list of modes accepted as responder */
    unsigned dh_group;    /* OAKLEY 5 (default), 1 or 2 */
    int precompute_dh;    /* keep a DH key pair ready (default yes) */
    char *replay_file;    /* persist the MIKEY replay cache here */
    char *km_level;       /* session|media: where a=key-mgmt goes */
    unsigned mki_len;     /* KV = SPI with an MKI of this many bytes (0: none) */
    /* behaviour */
    double duration;      /* seconds of media before we hang up (0: until the peer does) */
    double timeout;       /* caller: give up (CANCEL) if not answered by then */
    int auto_answer;
    unsigned answer_delay; /* ms between 180 and 200 */
    unsigned max_calls;   /* listen: exit after this many calls (0: never) */
    unsigned reject;      /* listen: refuse every call with this status (tests) */
    char *json;           /* append the JSON reports here (default stdout) */
    unsigned linger;      /* ms to let transactions finish after the last call */
    int verbose;
    char *config;
    /* re-INVITE: rekeying, device and session mobility */
    double rekey_after;   /* caller: seconds after the set-up (and between rekeys) to rekey; 0: never */
    unsigned rekey_count; /* how many rekeys (default 1) */
    double move_after;    /* caller: seconds after the set-up to move to move_to; 0: never */
    char *move_to;        /* the new local address, ADDR[:PORT] (SIP port; media: a free pair) */
    char *transfer_to;    /* REFER the peer to this URI (session mobility) */
    double transfer_after; /* seconds after the set-up */
    char *transfer_file;  /* write our CSB here for the device taking the session over */
    char *join_file;      /* listen: a transferred CSB an INVITE's update may name */
} ua_opts;

void ua_opts_defaults(ua_opts *o);
void ua_opts_free(ua_opts *o);

/**
 * Parse argv[first..argc). Positional arguments are returned in pos[]
 * (at most maxpos; extra ones are an error). Returns 0, 1 for --help /
 * --version (already printed), or -1 with a message printed.
 */
int ua_opts_parse_argv(ua_opts *o, int argc, char **argv, int first, char **pos, int maxpos, int *npos);

/** Load name = value lines from @p path. 0 or -1 (message printed). */
int ua_opts_load_file(ua_opts *o, const char *path);

void ua_opts_usage(FILE *f);

#endif
