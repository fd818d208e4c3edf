/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey offer / answer / finish: a MIKEY key agreement between two
 * processes, through files or pipes (session.h level 1).
 *
 *   initiator: mikey offer  --state S ... > I      (I_MESSAGE; state in S)
 *   responder: mikey answer ... I > R               (R_MESSAGE, or an Error message)
 *   initiator: mikey finish --state S ... R         (keys agreed)
 *
 * The initiator's context lives in the state file between offer and finish
 * (mikey_ctx_export / mikey_ctx_import; mode 0600: it holds the TGK or the
 * DH private value). Credentials and policy come from options and/or a
 * configuration file (conf.h); the same settings serve all three commands,
 * each taking what applies to it. Keys are printed only on request
 * (--show-keys).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "codec.h"
#include "conf.h"
#include "input.h"
#include "mikey.h"
#include "msgio.h"
#include "secret.h"

#define MAXMSG 65536
#define MAX_STREAMS 32
#define MAX_PATH_FILE (1u << 20)
#define MAX_STATE (1u << 20)

/* ---------------------------------------------------------------------- */
/* Help                                                                    */
/* ---------------------------------------------------------------------- */

#define HELP_CREDS                                                                                                     \
    "Credentials and policy (also as 'name = value' lines of a --config file):\n"                                     \
    "  -c, --config FILE    read settings from FILE first (docs/cli.md); options\n"                                 \
    "                       given on the command line come after it (list\n"                                         \
    "                       settings given here replace the file's)\n"                                               \
    "      --id URI         own identity, e.g. sip:alice@a.example\n"                                             \
    "      --psk HEX        pre-shared key (any peer; visible in ps: prefer\n"                                 \
    "                       --psk-file); in a file: psk [URI] = HEX\n"                              \
    "      --psk-file FILE  the same, read from FILE (hex, as 'mikey keygen psk'\n"                               \
    "                       writes it); in a file: psk-file [URI] = FILE\n"                                        \
    "      --key FILE       own RSA private key (PEM)\n"                                                          \
    "      --cert FILE      own certificate (PEM, leaf first; repeatable)\n"                                       \
    "      --trust FILE     trusted CA certificates (PEM; repeatable)\n"                                          \
    "      --peer-cert FILE a peer's certificate known in advance (PKE); in a\n"                                  \
    "                       file: peer-cert [URI] = FILE\n"                                                      \
    "      --suite NAME     SRTP suite offered / accepted (repeatable; the first is\n"                          \
    "                       offered): AES_CM_128_HMAC_SHA1_80,\n"                                            \
    "                       AES_CM_128_HMAC_SHA1_32, AES_256_CM_HMAC_SHA1_80,\n"                                 \
    "                       AES_F8_128_HMAC_SHA1_80,\n"                                                          \
    "                       AEAD_AES_128_GCM, AEAD_AES_256_GCM, NULL_HMAC_SHA1_80\n"                              \
    "                       (default: AES_CM_128_HMAC_SHA1_80 offered; those and\n"                              \
    "                       AES_CM_128_HMAC_SHA1_32, AES_256_CM_HMAC_SHA1_80 and the\n"                          \
    "                       two GCM suites accepted)\n"                                                          \
    "      --dh-group N     DH group sent: 5 (default), 1 or 2 (all three accepted)\n"                           \
    "      --prf NAME       PRF sent: mikey-1 (default) or hmac-sha-256\n"                                       \
    "      --min-prf NAME   weakest PRF accepted (default mikey-1)\n"                                            \
    "      --kemac E,M      KEMAC algorithms sent: E = aes-cm-128 (default),\n"                                   \
    "                       aes-kw-128 or aes-cm-256; M = hmac-sha-1 (default) or\n"                             \
    "                       hmac-sha-256\n"                                                                      \
    "      --sign T[,H]     signature: pkcs1 (default) or pss, hash sha256\n"                                    \
    "                       (default) or sha1\n"                                                                 \
    "      --skew SECONDS   clock skew accepted on timestamps (default 300)\n"                                   \
    "  -v, --verbose        print the library's informational log on stderr\n"

const char mkt_offer_help[] =
    "Usage: mikey offer [options] [OUT|-]\n"
    "\n"
    "Start a MIKEY key agreement as the initiator: write the I_MESSAGE to OUT\n"
    "(standard output when OUT is '-' or absent). When a response is due (the\n"
    "DH, DH-HMAC and RSA-R modes, or --verify) the initiator's context is saved\n"
    "to the --state file for 'mikey finish'. THE STATE FILE HOLDS SECRETS (the\n"
    "TGK or the DH private value): it is created with mode 0600, and 'mikey\n"
    "finish' deletes it once the exchange is complete.\n"
    "\n"
    "Exchange:\n"
    "  -m, --mode MODE      psk (default), pke, dh, dhhmac, rsar or null\n"
    "                       (null: MIKEY-NULL, keys in the clear; only over a\n"
    "                       secured transport)\n"
    "      --peer URI       the responder's identity (PSK / certificate lookup,\n"
    "                       IDr payload)\n"
    "  -s, --state FILE     where to keep the initiator's context (mode 0600)\n"
    "      --ssrc N         one crypto session per --ssrc (0: the responder\n"
    "                       chooses it); default one crypto session, SSRC 0\n"
    "      --verify         ask for a verification message (PSK, PKE: V flag)\n"
    "      --mki-len N      send KV = SPI with an MKI of N bytes (0-16)\n"
    "      --key-transport T  PSK/PKE/RSA-R/null: tgk (default: SRTP keys derived),\n"
    "                       tgk+salt, or tek (master key || salt, RTSP practice)\n"
    "  -o, --out FORMAT     base64 (default), hex, raw or sdp\n"
    "      --show-keys      print the agreed keys on standard output when no\n"
    "                       response is due (after the message if it goes there too)\n"
    "\n" HELP_CREDS
    "\n"
    "Exit status: 0 the offer was written, 1 it could not be made (stderr\n"
    "says why), 2 usage error.\n"
    "\n"
    "Example:\n"
    "  mikey offer -c alice.conf --mode dh --peer sip:bob@b.example -s st i.b64\n";

const char mkt_answer_help[] =
    "Usage: mikey answer [options] [IN|- [OUT|-]]\n"
    "\n"
    "Answer a MIKEY I_MESSAGE as the responder: read it from IN (standard input\n"
    "when IN is '-' or absent; raw, base64, hex or SDP as 'mikey dump' detects\n"
    "them), check it against the credentials and policy, and write the\n"
    "R_MESSAGE to OUT (standard output when OUT is '-' or absent). No R_MESSAGE\n"
    "is due for PSK and PKE without the V flag, nor for MIKEY-NULL: then\n"
    "nothing is written. A refused message gives exit status 1, the reason on\n"
    "stderr and, where RFC 3830 section 5.1.2 calls for one, the Error message\n"
    "written to OUT; its RFC 3830 error number is printed.\n"
    "\n"
    "Exchange:\n"
    "      --modes LIST     modes accepted, comma-separated (default:\n"
    "                       psk,pke,dh,dhhmac,rsar; add null for MIKEY-NULL)\n"
    "  -r, --replay-cache FILE  RFC 3830 section 5.4 replay cache: loaded\n"
    "                       before, saved after (a missing file is an empty cache)\n"
    "      --cache-size N   messages kept in the replay cache (default 1024)\n"
    "  -i, --in FORMAT      input format: raw, base64, hex or sdp (default: detect)\n"
    "  -o, --out FORMAT     base64 (default), hex, raw or sdp\n"
    "      --show-keys      print the agreed keys on standard output (after the\n"
    "                       response if it goes there too)\n"
    "\n" HELP_CREDS
    "\n"
    "Exit status: 0 the exchange is accepted, 1 refused or bad input, 2 usage\n"
    "error.\n"
    "\n"
    "Example:\n"
    "  mikey answer -c bob.conf -r replay.cache i.b64 r.b64\n";

const char mkt_finish_help[] =
    "Usage: mikey finish [options] [IN|-]\n"
    "\n"
    "Complete a key agreement as the initiator: load the context that 'mikey\n"
    "offer' saved in the --state file, read the responder's R_MESSAGE (or its\n"
    "Error message) from IN (standard input when IN is '-' or absent), and\n"
    "verify it. On success the state file is deleted. An Error message from\n"
    "the responder is reported with its RFC 3830 error number and leaves the\n"
    "offer pending (the state file is kept).\n"
    "\n"
    "Exchange:\n"
    "  -s, --state FILE     the initiator's context written by 'mikey offer'\n"
    "  -i, --in FORMAT      input format: raw, base64, hex or sdp (default: detect)\n"
    "      --show-keys      print the agreed keys on standard output\n"
    "\n" HELP_CREDS
    "\n"
    "Give the same credentials and policy as to 'mikey offer' (e.g. the same\n"
    "--config): the responder's signature is checked against --trust.\n"
    "\n"
    "Exit status: 0 the keys are agreed, 1 the response is refused, the\n"
    "responder sent an Error message, or bad input, 2 usage error.\n"
    "\n"
    "Example:\n"
    "  mikey finish -c alice.conf -s st --show-keys r.b64\n";

/* ---------------------------------------------------------------------- */
/* Settings: the option table shared by the command line and config files  */
/* ---------------------------------------------------------------------- */

enum { C_OFFER = 1, C_ANSWER = 2, C_FINISH = 4, C_ALL = 7 };
enum { V_NONE = 0, V_VALUE = 1 };
/* Settings that form a list: the command line's replace the file's. */
enum { F_LIST = 1, F_ARG = 2 /* may carry a peer argument in a file */, F_CLI = 4 /* command line only */ };

typedef struct optdef {
    const char *name;
    char shrt;
    int value;
    unsigned cmds;
    unsigned flags;
} optdef;

static const optdef opts[] = {
    {"config", 'c', V_VALUE, C_ALL, F_CLI},
    {"id", 0, V_VALUE, C_ALL, 0},
    {"identity", 0, V_VALUE, C_ALL, 0},
    {"psk", 0, V_VALUE, C_ALL, F_LIST | F_ARG},
    {"psk-file", 0, V_VALUE, C_ALL, F_LIST | F_ARG},
    {"key", 0, V_VALUE, C_ALL, 0},
    {"cert", 0, V_VALUE, C_ALL, F_LIST},
    {"trust", 0, V_VALUE, C_ALL, F_LIST},
    {"peer-cert", 0, V_VALUE, C_ALL, F_LIST | F_ARG},
    {"suite", 0, V_VALUE, C_ALL, F_LIST},
    {"dh-group", 0, V_VALUE, C_ALL, 0},
    {"prf", 0, V_VALUE, C_ALL, 0},
    {"min-prf", 0, V_VALUE, C_ALL, 0},
    {"kemac", 0, V_VALUE, C_ALL, 0},
    {"sign", 0, V_VALUE, C_ALL, 0},
    {"skew", 0, V_VALUE, C_ALL, 0},
    {"verbose", 'v', V_NONE, C_ALL, F_CLI},
    /* offer */
    {"mode", 'm', V_VALUE, C_OFFER, 0},
    {"peer", 0, V_VALUE, C_OFFER, 0},
    {"state", 's', V_VALUE, C_OFFER | C_FINISH, 0},
    {"ssrc", 0, V_VALUE, C_OFFER, F_LIST},
    {"verify", 0, V_NONE, C_OFFER, 0},
    {"mki-len", 0, V_VALUE, C_OFFER, 0},
    {"key-transport", 0, V_VALUE, C_OFFER, 0},
    /* answer */
    {"modes", 0, V_VALUE, C_ANSWER, 0},
    {"replay-cache", 'r', V_VALUE, C_ANSWER, 0},
    {"cache-size", 0, V_VALUE, C_ANSWER, 0},
    /* input / output */
    {"in", 'i', V_VALUE, C_ANSWER | C_FINISH, F_CLI},
    {"out", 'o', V_VALUE, C_OFFER | C_ANSWER, F_CLI},
    {"show-keys", 0, V_NONE, C_ALL, F_CLI},
};

#define NOPTS (sizeof opts / sizeof opts[0])

typedef struct setting {
    const optdef *def;
    const char *arg;   /* peer argument (config files only) */
    const char *value; /* "1" for flags */
    int cli;
    char where[300];   /* "FILE:LINE" or "option --x" for messages */
} setting;

typedef struct st {
    const char *cmd;
    unsigned cmdbit;
    setting *set;
    size_t nset;
    mkt_conf conf;
    int verbose;
    /* results of applying the settings */
    mikey_env env;
    mikey_creds *creds;
    mikey_policy *pol;
    const char *peer, *state_path, *replay_path, *identity;
    unsigned mode, prf, min_prf;
    int verify, show_keys, salt_mode;
    size_t mki_len;
    uint32_t ssrc[MAX_STREAMS];
    size_t nssrc;
    uint32_t skew;
    size_t cache_size;
    mkt_fmt in_fmt, out_fmt;
    int have_psk, have_key, have_cert, have_peer_cert;
} st;

static const optdef *find_opt(const char *name)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

static int add_setting(st *s, const optdef *d, const char *arg, const char *value, int cli, const char *where)
{
    setting *n = realloc(s->set, (s->nset + 1) * sizeof *n);
    if (!n) {
        mkt_err(s->cmd, "out of memory");
        return -1;
    }
    s->set = n;
    setting *x = &s->set[s->nset++];
    memset(x, 0, sizeof *x);
    x->def = d;
    x->arg = arg;
    x->value = value;
    x->cli = cli;
    snprintf(x->where, sizeof x->where, "%s", where);
    return 0;
}

/* ---- value parsers ---- */

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
    if (!v[0])
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long x = strtoul(v, &end, 0);
    if (errno || *end || v[0] == '-' || x > max)
        return -1;
    *out = x;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int mode_by_name(const char *v, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned mode;
    } t[] = {{"psk", MIKEY_MODE_PSK},       {"pke", MIKEY_MODE_PKE},       {"dh", MIKEY_MODE_DH},
             {"dhhmac", MIKEY_MODE_DHHMAC}, {"dh-hmac", MIKEY_MODE_DHHMAC}, {"rsar", MIKEY_MODE_RSAR},
             {"rsa-r", MIKEY_MODE_RSAR},    {"null", MIKEY_MODE_NULL},     {"mikey-null", MIKEY_MODE_NULL}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(v, t[i].name) == 0) {
            *out = t[i].mode;
            return 0;
        }
    return -1;
}

static int prf_by_name(const char *v, unsigned *out)
{
    if (!strcmp(v, "mikey-1") || !strcmp(v, "0")) {
        *out = MIKEY_PRF_MIKEY1;
        return 0;
    }
    if (!strcmp(v, "hmac-sha-256") || !strcmp(v, "1")) {
        *out = MIKEY_PRF_HMAC_SHA256;
        return 0;
    }
    return -1;
}

static int bad_value(st *s, const setting *x, const char *expected)
{
    /* Never quote the value of a key setting. */
    int secret = !strcmp(x->def->name, "psk");
    if (secret)
        mkt_err(s->cmd, "%s: invalid value for '%s' (%s)", x->where, x->def->name, expected);
    else
        mkt_err(s->cmd, "%s: invalid value '%s' for '%s' (%s)", x->where, x->value, x->def->name, expected);
    return -1;
}

static int read_file(st *s, const setting *x, const char *what, uint8_t **buf, size_t *len)
{
    char err[512];
    if (mkt_read_input(x->value, MAX_PATH_FILE, buf, len, err, sizeof err)) {
        mkt_err(s->cmd, "%s: %s: %s", x->where, what, err);
        return -1;
    }
    if (*len == 0) {
        mkt_err(s->cmd, "%s: %s: %s is empty", x->where, what, x->value);
        free(*buf);
        return -1;
    }
    return 0;
}

static int lib_fail(st *s, const setting *x, const char *what, int rc)
{
    mkt_err(s->cmd, "%s: %s: %s [%s]", x->where, what, mikey_strerror(rc), mikey_err_name(rc));
    return -1;
}

static int add_psk_hex(st *s, const setting *x, const char *hex, size_t n)
{
    uint8_t key[256];
    size_t klen = 0;
    char err[160];
    if (mkt_ct_hex_decode(hex, n, key, sizeof key, &klen, err, sizeof err)) {
        mkt_err(s->cmd, "%s: pre-shared key: %s", x->where, err);
        return -1;
    }
    int rc = mikey_creds_add_psk(s->creds, x->arg, key, klen);
    mkt_wipe(key, sizeof key);
    if (rc)
        return lib_fail(s, x, "pre-shared key", rc);
    s->have_psk = 1;
    return 0;
}

static int add_suite(st *s, const setting *x)
{
    mikey_srtp_params p;
    if (mikey_srtp_params_suite(&p, x->value) != MIKEY_OK)
        return bad_value(s, x, "a suite name: see 'mikey help offer'");
    int rc = mikey_policy_add_srtp(s->pol, &p);
    return rc ? lib_fail(s, x, "suite", rc) : 0;
}

static int apply_modes(st *s, const setting *x)
{
    unsigned mask = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", x->value);
    for (char *tok = buf, *next; tok && *tok; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        while (*tok == ' ')
            tok++;
        size_t l = strlen(tok);
        while (l && tok[l - 1] == ' ')
            tok[--l] = '\0';
        unsigned m;
        if (mode_by_name(tok, &m))
            return bad_value(s, x, "a comma-separated list of psk, pke, dh, dhhmac, rsar, null");
        mask |= MIKEY_MODE_BIT(m);
    }
    if (!mask)
        return bad_value(s, x, "at least one mode");
    int rc = mikey_policy_set_modes(s->pol, mask);
    return rc ? lib_fail(s, x, "modes", rc) : 0;
}

/* Apply one setting to the state, the credentials or the policy. */
static int apply(st *s, const setting *x)
{
    const char *n = x->def->name, *v = x->value;
    unsigned long u;
    int rc;
    uint8_t *buf = NULL;
    size_t len = 0;

    if (!strcmp(n, "id") || !strcmp(n, "identity")) {
        if ((rc = mikey_creds_set_identity(s->creds, v)))
            return lib_fail(s, x, "identity", rc);
        s->identity = v;
    } else if (!strcmp(n, "psk")) {
        return add_psk_hex(s, x, v, strlen(v));
    } else if (!strcmp(n, "psk-file")) {
        if (read_file(s, x, "pre-shared key file", &buf, &len))
            return -1;
        rc = add_psk_hex(s, x, (const char *)buf, len);
        mkt_free_secret(buf, len);
        return rc;
    } else if (!strcmp(n, "key")) {
        if (read_file(s, x, "private key", &buf, &len))
            return -1;
        rc = mikey_creds_set_key(s->creds, buf, len);
        mkt_free_secret(buf, len);
        if (rc)
            return lib_fail(s, x, v, rc);
        s->have_key = 1;
    } else if (!strcmp(n, "cert") || !strcmp(n, "trust") || !strcmp(n, "peer-cert")) {
        if (read_file(s, x, "certificate", &buf, &len))
            return -1;
        if (!strcmp(n, "cert"))
            rc = mikey_creds_add_cert(s->creds, buf, len);
        else if (!strcmp(n, "trust"))
            rc = mikey_creds_add_trust(s->creds, buf, len);
        else
            rc = mikey_creds_add_peer_cert(s->creds, x->arg, buf, len);
        free(buf);
        if (rc)
            return lib_fail(s, x, v, rc);
        s->have_cert |= !strcmp(n, "cert");
        s->have_peer_cert |= !strcmp(n, "peer-cert");
    } else if (!strcmp(n, "suite")) {
        return add_suite(s, x);
    } else if (!strcmp(n, "dh-group")) {
        /* RFC 3830 Table 6.4: OAKLEY 5 = 0, OAKLEY 1 = 1, OAKLEY 2 = 2 */
        unsigned g = !strcmp(v, "5") ? MIKEY_DH_OAKLEY5 : !strcmp(v, "1") ? MIKEY_DH_OAKLEY1
                                                        : !strcmp(v, "2") ? MIKEY_DH_OAKLEY2 : 99;
        if (g == 99)
            return bad_value(s, x, "5, 1 or 2: the OAKLEY group");
        unsigned all = 1u << MIKEY_DH_OAKLEY5 | 1u << MIKEY_DH_OAKLEY1 | 1u << MIKEY_DH_OAKLEY2;
        if ((rc = mikey_policy_set_dh(s->pol, g, all)))
            return lib_fail(s, x, "DH group", rc);
    } else if (!strcmp(n, "prf") || !strcmp(n, "min-prf")) {
        unsigned p;
        if (prf_by_name(v, &p))
            return bad_value(s, x, "mikey-1 or hmac-sha-256");
        if (!strcmp(n, "prf"))
            s->prf = p;
        else
            s->min_prf = p;
        /* Sending a PRF weaker than the minimum makes no sense: raise it. */
        if ((rc = mikey_policy_set_prf(s->pol, s->prf < s->min_prf ? s->min_prf : s->prf, s->min_prf)))
            return lib_fail(s, x, "PRF", rc);
    } else if (!strcmp(n, "kemac")) {
        const char *c = strchr(v, ',');
        unsigned e = 99, m = 99;
        if (c) {
            size_t el = (size_t)(c - v);
            e = el == 10 && !strncmp(v, "aes-cm-128", el)   ? MIKEY_ENCR_AES_CM_128
                : el == 10 && !strncmp(v, "aes-kw-128", el) ? MIKEY_ENCR_AES_KW_128
                : el == 10 && !strncmp(v, "aes-cm-256", el) ? MIKEY_ENCR_AES_CM_256
                                                            : 99;
            m = !strcmp(c + 1, "hmac-sha-1") ? MIKEY_MAC_HMAC_SHA1_160
                : !strcmp(c + 1, "hmac-sha-256") ? MIKEY_MAC_HMAC_SHA256_256 : 99;
        }
        if (e == 99 || m == 99)
            return bad_value(s, x, "ENCR,MAC with ENCR aes-cm-128, aes-kw-128 or aes-cm-256 and MAC hmac-sha-1 "
                                   "or hmac-sha-256");
        if ((rc = mikey_policy_set_kemac(s->pol, e, m)))
            return lib_fail(s, x, "KEMAC algorithms", rc);
    } else if (!strcmp(n, "sign")) {
        char t[32];
        snprintf(t, sizeof t, "%s", v);
        char *h = strchr(t, ',');
        if (h)
            *h++ = '\0';
        unsigned ty = !strcmp(t, "pkcs1") ? MIKEY_SIGN_RSA_PKCS1 : !strcmp(t, "pss") ? MIKEY_SIGN_RSA_PSS : 99;
        unsigned hf = !h || !strcmp(h, "sha256") ? MIKEY_HASH_SHA256 : !strcmp(h, "sha1") ? MIKEY_HASH_SHA1 : 99;
        if (ty == 99 || hf == 99)
            return bad_value(s, x, "pkcs1 or pss, optionally followed by ,sha256 or ,sha1");
        if ((rc = mikey_policy_set_sign(s->pol, ty, hf)))
            return lib_fail(s, x, "signature", rc);
    } else if (!strcmp(n, "skew")) {
        if (parse_uint(v, 0x7fffffffu, &u))
            return bad_value(s, x, "seconds");
        s->skew = (uint32_t)u;
    } else if (!strcmp(n, "cache-size")) {
        if (parse_uint(v, 1u << 24, &u) || u == 0)
            return bad_value(s, x, "1 to 16777216");
        s->cache_size = u;
    } else if (!strcmp(n, "mode")) {
        if (mode_by_name(v, &s->mode))
            return bad_value(s, x, "psk, pke, dh, dhhmac, rsar or null");
    } else if (!strcmp(n, "modes")) {
        return apply_modes(s, x);
    } else if (!strcmp(n, "peer")) {
        s->peer = v;
    } else if (!strcmp(n, "state")) {
        s->state_path = v;
    } else if (!strcmp(n, "replay-cache")) {
        s->replay_path = v;
    } else if (!strcmp(n, "ssrc")) {
        if (parse_uint(v, 0xffffffffu, &u))
            return bad_value(s, x, "a 32-bit number, decimal or 0x hex");
        if (s->nssrc == MAX_STREAMS) {
            mkt_err(s->cmd, "%s: more than %d crypto sessions", x->where, MAX_STREAMS);
            return -1;
        }
        s->ssrc[s->nssrc++] = (uint32_t)u;
    } else if (!strcmp(n, "verify")) {
        if (parse_bool(v, &s->verify))
            return bad_value(s, x, "yes or no");
    } else if (!strcmp(n, "mki-len")) {
        if (parse_uint(v, 16, &u))
            return bad_value(s, x, "0 to 16 bytes");
        s->mki_len = u;
    } else if (!strcmp(n, "key-transport")) {
        s->salt_mode = !strcmp(v, "tgk") ? 0 : !strcmp(v, "tgk+salt") ? 1 : !strcmp(v, "tek") ? 2 : -1;
        if (s->salt_mode < 0)
            return bad_value(s, x, "tgk, tgk+salt or tek");
    } else if (!strcmp(n, "in")) {
        if (mkt_fmt_parse(v, 1, &s->in_fmt))
            return bad_value(s, x, "raw, base64, hex or sdp");
    } else if (!strcmp(n, "out")) {
        if (mkt_out_fmt_parse(v, &s->out_fmt))
            return bad_value(s, x, "base64, hex, raw or sdp");
    } else if (!strcmp(n, "show-keys")) {
        s->show_keys = 1;
    } else if (!strcmp(n, "verbose")) {
        s->verbose = 1;
    }
    return 0;
}

/* The library's log: warnings always (they say why a message was refused),
 * informational lines with --verbose. */
static void log_cb(int level, const char *msg, void *ud)
{
    st *s = ud;
    if (level <= MIKEY_LOG_WARN || s->verbose)
        fprintf(stderr, "mikey: %s: %s\n", s->cmd, msg);
}

static void st_free(st *s)
{
    mikey_creds_free(s->creds);
    mikey_policy_free(s->pol);
    mkt_conf_free(&s->conf);
    free(s->set);
}

/*
 * Parse the command line: options into settings (after those of --config),
 * up to @p maxpos positional arguments. Returns 0, or an exit code.
 */
static int parse_args(st *s, int argc, char **argv, const char **pos, size_t maxpos, size_t *npos)
{
    int only_pos = 0;
    const char *config = NULL;
    *npos = 0;
    /* The config file first: its settings come before the command line's. */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        const char *v;
        int rc = mkt_opt_value(argc, argv, &i, "--config", "-c", &v);
        if (rc < 0)
            return mkt_usage_err(s->cmd, "option '%s' needs a value", argv[i]);
        if (rc > 0) {
            if (config)
                return mkt_usage_err(s->cmd, "more than one --config");
            config = v;
        }
    }
    if (config) {
        char err[512];
        if (mkt_conf_load(config, &s->conf, err, sizeof err)) {
            mkt_err(s->cmd, "%s", err);
            return MKT_EXIT_FAIL;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            if (*npos == maxpos)
                return mkt_usage_err(s->cmd, "too many arguments ('%s')", a);
            pos[(*npos)++] = a;
            continue;
        }
        const optdef *d = NULL;
        const char *val = NULL;
        char where[128];
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < NOPTS && !d; k++)
                if (strlen(opts[k].name) == nl && !strncmp(opts[k].name, name, nl))
                    d = &opts[k];
            if (!d)
                return mkt_usage_err(s->cmd, "unknown option '%s'", a);
            if (eq) {
                if (!d->value)
                    return mkt_usage_err(s->cmd, "option '--%s' takes no value", d->name);
                val = eq + 1;
            }
        } else {
            for (size_t k = 0; k < NOPTS && !d; k++)
                if (opts[k].shrt && a[1] == opts[k].shrt && a[2] == '\0')
                    d = &opts[k];
            if (!d)
                return mkt_usage_err(s->cmd, "unknown option '%s'", a);
        }
        if (!(d->cmds & s->cmdbit))
            return mkt_usage_err(s->cmd, "option '--%s' does not apply to '%s'", d->name, s->cmd);
        if (d->value && !val) {
            if (i + 1 >= argc)
                return mkt_usage_err(s->cmd, "option '%s' needs a value", a);
            val = argv[++i];
        }
        if (!strcmp(d->name, "config"))
            continue;
        snprintf(where, sizeof where, "option --%s", d->name);
        if (add_setting(s, d, NULL, d->value ? val : "1", 1, where))
            return MKT_EXIT_FAIL;
    }
    /* Config settings go first; a list given on the command line replaces
     * the file's entries of that list. */
    setting *cli = s->set;
    size_t ncli = s->nset;
    s->set = NULL;
    s->nset = 0;
    int rc = 0;
    for (size_t k = 0; k < s->conf.n && !rc; k++) {
        const mkt_conf_item *it = &s->conf.items[k];
        const optdef *d = find_opt(it->key);
        char where[300];
        snprintf(where, sizeof where, "%s:%u", s->conf.path, it->line);
        if (!d || (d->flags & F_CLI)) {
            mkt_err(s->cmd, "%s: unknown setting '%s'", where, it->key);
            rc = MKT_EXIT_FAIL;
            break;
        }
        if (it->arg && !(d->flags & F_ARG)) {
            mkt_err(s->cmd, "%s: '%s' takes no argument before '='", where, it->key);
            rc = MKT_EXIT_FAIL;
            break;
        }
        if (!(d->cmds & s->cmdbit))
            continue; /* a setting of another command (one file serves all three) */
        int replaced = 0;
        for (size_t j = 0; j < ncli && (d->flags & F_LIST); j++)
            replaced |= cli[j].def == d;
        if (replaced)
            continue;
        const char *val = it->value;
        if (!d->value) {
            int b;
            if (parse_bool(val, &b)) {
                mkt_err(s->cmd, "%s: '%s' must be yes or no", where, it->key);
                rc = MKT_EXIT_FAIL;
                break;
            }
            val = b ? "1" : "0";
        }
        if (add_setting(s, d, it->arg, val, 0, where))
            rc = MKT_EXIT_FAIL;
    }
    for (size_t j = 0; j < ncli && !rc; j++)
        if (add_setting(s, cli[j].def, NULL, cli[j].value, 1, cli[j].where))
            rc = MKT_EXIT_FAIL;
    free(cli);
    return rc;
}

/* Build env, credentials and policy, then apply every setting in order. */
static int setup(st *s)
{
    mikey_env_default(&s->env);
    s->env.log = log_cb;
    s->env.user_data = s;
    s->skew = 300;
    s->cache_size = 1024;
    s->mode = MIKEY_MODE_PSK;
    s->out_fmt = MKT_FMT_BASE64;
    s->in_fmt = MKT_FMT_AUTO;
    /* --verbose first, so the library log of everything below obeys it */
    for (size_t i = 0; i < s->nset; i++)
        if (!strcmp(s->set[i].def->name, "verbose"))
            s->verbose = 1;
    int rc;
    if ((rc = mikey_creds_new(&s->env, &s->creds)) || (rc = mikey_policy_new(&s->env, &s->pol))) {
        mkt_err(s->cmd, "%s", mikey_strerror(rc));
        return MKT_EXIT_FAIL;
    }
    for (size_t i = 0; i < s->nset; i++)
        if (apply(s, &s->set[i]))
            return MKT_EXIT_FAIL;
    if ((rc = mikey_policy_set_replay(s->pol, s->skew, s->cache_size))) {
        mkt_err(s->cmd, "replay settings: %s", mikey_strerror(rc));
        return MKT_EXIT_FAIL;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Output of keys                                                          */
/* ---------------------------------------------------------------------- */

/* The SRTP suite a policy amounts to, with RFC 3830 §6.10.1's defaults for
 * what it leaves out (RFC 7714 §14.2 for GCM). NULL if none of the names. */
static const char *suite_name(const mikey_srtp_params *p)
{
    static const char *const names[] = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
                                        "AES_256_CM_HMAC_SHA1_80", "AES_F8_128_HMAC_SHA1_80",
                                        "AEAD_AES_128_GCM",        "AEAD_AES_256_GCM",
                                        "NULL_HMAC_SHA1_80"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        mikey_srtp_params n;
        if (mikey_srtp_params_suite(&n, names[i]) != MIKEY_OK)
            continue;
        const mikey_srtp_params *q[2] = {p, &n};
        unsigned e[2], kl[2], aa[2], tl[2], at[2], sl[2];
        for (int j = 0; j < 2; j++) {
            uint32_t pr = q[j]->present;
            e[j] = pr & (1u << MIKEY_SP_ENCR_ALG) ? q[j]->encr_alg : 1;
            int gcm = e[j] == 6;
            kl[j] = pr & (1u << MIKEY_SP_ENCR_KEY_LEN) ? q[j]->encr_key_len : 16;
            sl[j] = pr & (1u << MIKEY_SP_SALT_KEY_LEN) ? q[j]->salt_key_len : gcm ? 12 : 14;
            aa[j] = gcm ? 0 : pr & (1u << MIKEY_SP_AUTH_ALG) ? q[j]->auth_alg : 1;
            tl[j] = gcm ? 0 : pr & (1u << MIKEY_SP_AUTH_TAG_LEN) ? q[j]->auth_tag_len : 10;
            at[j] = !gcm ? 0 : pr & (1u << MIKEY_SP_AEAD_TAG_LEN) ? q[j]->aead_tag_len : 16;
        }
        if (e[0] == e[1] && kl[0] == kl[1] && sl[0] == sl[1] && aa[0] == aa[1] && tl[0] == tl[1] && at[0] == at[1])
            return names[i];
    }
    return NULL;
}

static void hexline(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

/* The agreed keys: one "cs" line per crypto session, identical on both sides. */
static int print_keys(FILE *f, const mikey_ctx *ctx)
{
    const char *peer = mikey_ctx_peer_id(ctx);
    fprintf(f, "mode %s, CSB ID 0x%08lx, peer %s\n", mikey_mode_name((unsigned)mikey_ctx_mode(ctx)),
            (unsigned long)mikey_ctx_csb_id(ctx), peer ? peer : "(none)");
    size_t n = mikey_ctx_cs_count(ctx);
    if (n == 0)
        fprintf(f, "no crypto session\n");
    for (size_t i = 0; i < n; i++) {
        mikey_cs_keys k;
        if (mikey_ctx_cs_keys(ctx, i, &k) != MIKEY_OK)
            return -1;
        const char *suite = suite_name(&k.srtp);
        fprintf(f, "cs %u: ssrc 0x%08lx roc %lu policy %u %s key ", k.cs_id, (unsigned long)k.ssrc,
                (unsigned long)k.roc, k.policy_no, suite ? suite : "(other SRTP policy)");
        hexline(f, k.master_key, k.master_key_len);
        fputs(" salt ", f);
        hexline(f, k.master_salt, k.master_salt_len);
        if (k.mki_len) {
            fputs(" mki ", f);
            hexline(f, k.mki, k.mki_len);
        }
        fputc('\n', f);
        mkt_wipe(&k, sizeof k);
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

static int out_is_stdout(const char *path) { return !path || !strcmp(path, "-"); }

static int write_msg(st *s, const char *path, const uint8_t *p, size_t n)
{
    char err[512];
    if (mkt_write_message(path, s->out_fmt, p, n, err, sizeof err)) {
        mkt_err(s->cmd, "%s", err);
        return -1;
    }
    return 0;
}

/* The RFC 3830 error number of an Error message we built or received. */
static int error_no_of(const uint8_t *p, size_t n)
{
    mikey_msg *m = NULL;
    int no = -1;
    if (mikey_msg_parse(NULL, p, n, NULL, &m, NULL) == MIKEY_OK) {
        const mikey_payload *e = mikey_msg_find(m, MIKEY_PT_ERR, 0);
        if (e)
            no = e->u.err.error_no;
        mikey_msg_free(m);
    }
    return no;
}

/* ---------------------------------------------------------------------- */
/* mikey offer                                                             */
/* ---------------------------------------------------------------------- */

static int response_due(const st *s)
{
    return s->mode == MIKEY_MODE_DH || s->mode == MIKEY_MODE_DHHMAC || s->mode == MIKEY_MODE_RSAR || s->verify;
}

/* What a mode needs, checked before any work so the message is precise. */
static int check_creds(st *s)
{
    switch (s->mode) {
    case MIKEY_MODE_PSK:
    case MIKEY_MODE_DHHMAC:
        if (!s->have_psk)
            return mkt_usage_err(s->cmd, "mode %s needs a pre-shared key (--psk or --psk-file)",
                                 mikey_mode_name(s->mode));
        break;
    case MIKEY_MODE_PKE:
        if (!s->have_peer_cert)
            return mkt_usage_err(s->cmd, "mode PKE needs the responder's certificate (--peer-cert)");
        /* the I_MESSAGE is signed too */
        __attribute__((fallthrough));
    case MIKEY_MODE_DH:
    case MIKEY_MODE_RSAR:
        if (!s->have_key || !s->have_cert)
            return mkt_usage_err(s->cmd, "mode %s needs an RSA key and a certificate (--key, --cert)",
                                 mikey_mode_name(s->mode));
        break;
    default:
        break;
    }
    return 0;
}

int mkt_cmd_offer(int argc, char **argv)
{
    st s;
    memset(&s, 0, sizeof s);
    s.cmd = "offer";
    s.cmdbit = C_OFFER;
    const char *pos[1];
    size_t npos = 0;
    int rc = parse_args(&s, argc, argv, pos, 1, &npos);
    if (!rc)
        rc = setup(&s);
    if (rc) {
        st_free(&s);
        return rc;
    }
    const char *out_path = npos ? pos[0] : NULL;
    int due = response_due(&s);
    if (due && !s.state_path)
        rc = mkt_usage_err(s.cmd, "a response is due in this exchange: --state FILE is needed for 'mikey finish'");
    else if (s.show_keys && out_is_stdout(out_path) && s.out_fmt == MKT_FMT_RAW)
        rc = mkt_usage_err(s.cmd, "--show-keys: raw bytes and key lines cannot share standard output");
    else if (s.out_fmt == MKT_FMT_RAW && out_is_stdout(out_path) && isatty(STDOUT_FILENO))
        rc = mkt_usage_err(s.cmd, "refusing to write raw bytes to a terminal: give an OUT file or --out base64");
    else
        rc = check_creds(&s);
    if (rc) {
        st_free(&s);
        return rc;
    }

    mikey_ctx *ctx = NULL;
    mikey_stream_desc streams[MAX_STREAMS];
    memset(streams, 0, sizeof streams);
    size_t ns = s.nssrc ? s.nssrc : 1;
    for (size_t i = 0; i < s.nssrc; i++)
        streams[i].ssrc = s.ssrc[i];
    mikey_offer_opts o;
    memset(&o, 0, sizeof o);
    o.mode = s.mode;
    o.peer_id = s.peer;
    o.streams = streams;
    o.nstreams = ns;
    o.want_verification = s.verify;
    o.mki_len = s.mki_len;
    o.salt_mode = s.salt_mode;

    static uint8_t msg[MAXMSG];
    size_t mlen = 0;
    uint8_t *blob = NULL;
    size_t blen = 0;
    int status = MKT_EXIT_FAIL;
    if ((rc = mikey_ctx_new(&s.env, s.creds, s.pol, &ctx))) {
        mkt_err(s.cmd, "%s", mikey_strerror(rc));
        goto out;
    }
    if ((rc = mikey_offer(ctx, &o, msg, sizeof msg, &mlen))) {
        mkt_err(s.cmd, "cannot make the offer: %s [%s]%s", mikey_strerror(rc), mikey_err_name(rc),
                rc == MIKEY_ERR_NOT_FOUND ? " (a credential for this peer is missing)" : "");
        goto out;
    }
    if (due) {
        rc = mikey_ctx_export(ctx, NULL, 0, &blen);
        if (rc != MIKEY_ERR_NOBUF && rc != MIKEY_OK) {
            mkt_err(s.cmd, "cannot save the state: %s", mikey_strerror(rc));
            goto out;
        }
        if (!(blob = malloc(blen ? blen : 1)) || (rc = mikey_ctx_export(ctx, blob, blen, &blen))) {
            mkt_err(s.cmd, "cannot save the state: %s", blob ? mikey_strerror(rc) : "out of memory");
            goto out;
        }
        char err[512];
        /* The state goes to disk before the offer leaves: an offer whose
         * state is lost could never be finished. */
        if (mkt_write_file(s.state_path, blob, blen, 1, err, sizeof err)) {
            mkt_err(s.cmd, "state file: %s", err);
            goto out;
        }
    }
    if (write_msg(&s, out_path, msg, mlen))
        goto out;
    if (due && s.show_keys)
        mkt_err(s.cmd, "note: --show-keys: the keys are known after 'mikey finish'");
    if (!due) {
        if (s.state_path)
            mkt_err(s.cmd, "note: no response is due in this exchange: nothing saved to %s", s.state_path);
        if (s.show_keys && print_keys(stdout, ctx)) {
            mkt_err(s.cmd, "writing the keys failed");
            goto out;
        }
    }
    status = MKT_EXIT_OK;
out:
    mkt_free_secret(blob, blen);
    mkt_wipe(msg, sizeof msg);
    mikey_ctx_free(ctx);
    st_free(&s);
    return status;
}

/* ---------------------------------------------------------------------- */
/* mikey answer                                                            */
/* ---------------------------------------------------------------------- */

int mkt_cmd_answer(int argc, char **argv)
{
    st s;
    memset(&s, 0, sizeof s);
    s.cmd = "answer";
    s.cmdbit = C_ANSWER;
    const char *pos[2];
    size_t npos = 0;
    int rc = parse_args(&s, argc, argv, pos, 2, &npos);
    if (!rc)
        rc = setup(&s);
    if (rc) {
        st_free(&s);
        return rc;
    }
    const char *in_path = npos > 0 ? pos[0] : NULL, *out_path = npos > 1 ? pos[1] : NULL;
    if (s.show_keys && out_is_stdout(out_path) && s.out_fmt == MKT_FMT_RAW) {
        st_free(&s);
        return mkt_usage_err(s.cmd, "--show-keys: raw bytes and key lines cannot share standard output");
    }
    if (s.out_fmt == MKT_FMT_RAW && out_is_stdout(out_path) && isatty(STDOUT_FILENO)) {
        st_free(&s);
        return mkt_usage_err(s.cmd, "refusing to write raw bytes to a terminal: give an OUT file or --out base64");
    }

    int status = MKT_EXIT_FAIL;
    mikey_ctx *ctx = NULL;
    mikey_replay *rp = NULL;
    uint8_t *in = NULL, *cache = NULL;
    size_t inlen = 0, clen = 0;
    static uint8_t out[MAXMSG];
    size_t olen = 0;
    char err[512];

    if (mkt_read_message(in_path, s.in_fmt, MKT_MAX_INPUT, &in, &inlen, err, sizeof err)) {
        mkt_err(s.cmd, "%s", err);
        goto done;
    }
    if ((rc = mikey_ctx_new(&s.env, s.creds, s.pol, &ctx))) {
        mkt_err(s.cmd, "%s", mikey_strerror(rc));
        goto done;
    }
    if (s.replay_path) {
        /* RFC 3830 §5.4: the cache must outlive this process, or a replay
         * to the next `mikey answer` would be accepted. */
        if ((rc = mikey_replay_new(&s.env, s.skew, s.cache_size, &rp)) || (rc = mikey_ctx_set_replay(ctx, rp))) {
            mkt_err(s.cmd, "replay cache: %s", mikey_strerror(rc));
            goto done;
        }
        if (mkt_file_exists(s.replay_path)) {
            if (mkt_read_input(s.replay_path, 64u << 20, &cache, &clen, err, sizeof err)) {
                mkt_err(s.cmd, "replay cache: %s", err);
                goto done;
            }
            if ((rc = mikey_replay_load(rp, cache, clen))) {
                mkt_err(s.cmd, "replay cache %s: %s [%s]", s.replay_path, mikey_strerror(rc), mikey_err_name(rc));
                goto done;
            }
        }
    }
    rc = mikey_answer(ctx, in, inlen, out, sizeof out, &olen);
    if (rp) {
        size_t need = 0;
        int src = mikey_replay_save(rp, NULL, 0, &need);
        free(cache);
        cache = NULL;
        if ((src == MIKEY_ERR_NOBUF || src == MIKEY_OK) && (cache = malloc(need ? need : 1)) &&
            mikey_replay_save(rp, cache, need, &clen) == MIKEY_OK) {
            if (mkt_write_file(s.replay_path, cache, clen, 1, err, sizeof err)) {
                mkt_err(s.cmd, "replay cache: %s", err);
                rc = rc ? rc : MIKEY_ERR_IO;
            }
        } else {
            mkt_err(s.cmd, "replay cache: cannot serialise it");
            rc = rc ? rc : MIKEY_ERR_IO;
        }
    }
    if (rc != MIKEY_OK) {
        mkt_err(s.cmd, "refused: %s [%s]", mikey_strerror(rc), mikey_err_name(rc));
        if (olen) {
            int no = error_no_of(out, olen);
            if (write_msg(&s, out_path, out, olen) == 0)
                mkt_err(s.cmd, "Error message written to %s: RFC 3830 error %d (%s)",
                        out_is_stdout(out_path) ? "standard output" : out_path, no,
                        no >= 0 ? mikey_rfc_error_name((unsigned)no) : "?");
        } else {
            mkt_err(s.cmd, "no Error message is due (RFC 3830 section 5.1.2)");
        }
        goto done;
    }
    if (olen) {
        if (write_msg(&s, out_path, out, olen))
            goto done;
    } else {
        mkt_err(s.cmd, "note: no response is due (%s without the V flag): nothing written",
                mikey_mode_name((unsigned)mikey_ctx_mode(ctx)));
    }
    if (s.show_keys && print_keys(stdout, ctx)) {
        mkt_err(s.cmd, "writing the keys failed");
        goto done;
    }
    status = MKT_EXIT_OK;
done:
    free(in);
    free(cache);
    mkt_wipe(out, sizeof out);
    mikey_ctx_free(ctx);
    mikey_replay_free(rp);
    st_free(&s);
    return status;
}

/* ---------------------------------------------------------------------- */
/* mikey finish                                                            */
/* ---------------------------------------------------------------------- */

int mkt_cmd_finish(int argc, char **argv)
{
    st s;
    memset(&s, 0, sizeof s);
    s.cmd = "finish";
    s.cmdbit = C_FINISH;
    const char *pos[1];
    size_t npos = 0;
    int rc = parse_args(&s, argc, argv, pos, 1, &npos);
    if (!rc)
        rc = setup(&s);
    if (!rc && !s.state_path)
        rc = mkt_usage_err(s.cmd, "--state FILE (written by 'mikey offer') is needed");
    if (rc) {
        st_free(&s);
        return rc;
    }
    int status = MKT_EXIT_FAIL;
    uint8_t *in = NULL, *blob = NULL;
    size_t inlen = 0, blen = 0;
    mikey_ctx *ctx = NULL;
    char err[512];
    /* The response first: in a pipeline (offer | answer | finish) it
     * arrives only after `mikey offer` has written the state file. */
    if (mkt_read_message(npos ? pos[0] : NULL, s.in_fmt, MKT_MAX_INPUT, &in, &inlen, err, sizeof err)) {
        mkt_err(s.cmd, "%s", err);
        goto done;
    }
    if (mkt_read_input(s.state_path, MAX_STATE, &blob, &blen, err, sizeof err)) {
        mkt_err(s.cmd, "state file: %s", err);
        goto done;
    }
    if ((rc = mikey_ctx_import(&s.env, s.creds, s.pol, blob, blen, &ctx))) {
        mkt_err(s.cmd, "state file %s: %s [%s]", s.state_path, mikey_strerror(rc), mikey_err_name(rc));
        goto done;
    }
    if (mikey_ctx_state(ctx) != MIKEY_STATE_OFFERED) {
        mkt_err(s.cmd, "state file %s: no offer is pending in it", s.state_path);
        goto done;
    }
    rc = mikey_finish(ctx, in, inlen);
    if (rc == MIKEY_ERR_PEER_ERROR) {
        int no = mikey_ctx_peer_error(ctx);
        mkt_err(s.cmd, "the responder sent an Error message: RFC 3830 error %d (%s); the offer stays pending in %s",
                no, no >= 0 ? mikey_rfc_error_name((unsigned)no) : "?", s.state_path);
        goto done;
    }
    if (rc) {
        mkt_err(s.cmd, "refused: %s [%s]", mikey_strerror(rc), mikey_err_name(rc));
        goto done;
    }
    /* The exchange is complete: the secrets in the state file are no
     * longer needed. */
    if (unlink(s.state_path) != 0)
        mkt_err(s.cmd, "warning: cannot delete the state file %s: %s", s.state_path, strerror(errno));
    if (s.show_keys && print_keys(stdout, ctx)) {
        mkt_err(s.cmd, "writing the keys failed");
        goto done;
    }
    status = MKT_EXIT_OK;
done:
    free(in);
    mkt_free_secret(blob, blen);
    mikey_ctx_free(ctx);
    st_free(&s);
    return status;
}
