/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mikey dump: decode a MIKEY message and show every field, as text or JSON.
 * Input: raw bytes, hex, base64, or SDP/RTSP text with key-mgmt attributes
 * (RFC 4567), auto-detected (input.h documents the order) or forced with
 * --in.
 */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "codec.h"
#include "input.h"
#include "mikey.h"

const char mkt_dump_help[] =
    "Usage: mikey dump [--json] [--in raw|base64|hex|sdp] [--strict] [FILE|-]\n"
    "\n"
    "Decode a MIKEY message and print every field: as indented text (like\n"
    "tshark -V), or with --json as the JSON that 'mikey encode' reads back.\n"
    "Reads FILE, or standard input when FILE is '-' or absent.\n"
    "\n"
    "Options:\n"
    "  -j, --json         print JSON (docs/json.md) instead of text\n"
    "  -i, --in FORMAT    input format: raw, base64, hex or sdp (default: detect)\n"
    "      --strict       refuse the named leniencies (e.g. wolfSSL's 2-byte\n"
    "                     Empty map info); by default they are accepted and listed\n"
    "  -h, --help         show this help\n"
    "\n"
    "Format detection, in this order:\n"
    "  sdp     the text contains \"a=key-mgmt\", starts with \"v=0\", or has a line\n"
    "          starting with \"KeyMgmt:\" (RTSP header, RFC 4567 section 3.2)\n"
    "  hex     only hex digits, whitespace and ':' with an even number of digits\n"
    "  base64  only base64 characters (A-Z a-z 0-9 + / =) and whitespace\n"
    "  raw     anything else\n"
    "Base64 is decoded strictly: '=' padding is required, nothing may follow it,\n"
    "and the unused bits of the last character must be zero.\n"
    "\n"
    "SDP input may hold several a=key-mgmt lines (session and media level):\n"
    "each MIKEY one is decoded and labelled (\"session\", \"media 1 (audio)\");\n"
    "other protocols (a=key-mgmt:foo) are listed and skipped. With --json and\n"
    "more than one MIKEY attribute the output is an array of messages.\n"
    "\n"
    "Exit status: 0 all messages decoded, 1 a message or the input is malformed\n"
    "(stderr names the payload, its index, the offset, the field and the reason),\n"
    "2 usage error.\n"
    "\n"
    "Examples:\n"
    "  mikey dump msg.b64\n"
    "  echo 'a=key-mgmt:mikey AQAFgM0X...' | mikey dump\n"
    "  mikey dump --json --in hex msg.hex > msg.json\n";

#define MAX_ITEMS 64

typedef struct item {
    char label[80];  /* "" for a whole-input message */
    char skipped[32]; /* non-empty: an attribute of this other protocol, listed only */
    unsigned line;   /* SDP line, 0 if none */
    uint8_t *buf;    /* owned */
    size_t len;
} item;

static int decode_text(const char *name, mkt_fmt fmt, int detected, const uint8_t *in, size_t n, item *it)
{
    mkt_cerr ce;
    size_t max = fmt == MKT_FMT_HEX ? mkt_hex_decoded_max(n) : mkt_b64_decoded_max(n);
    it->buf = malloc(max ? max : 1);
    if (!it->buf) {
        mkt_err("dump", "out of memory");
        return -1;
    }
    int rc = fmt == MKT_FMT_HEX
                 ? mkt_hex_decode((const char *)in, n, MKT_HEX_SEPARATORS, it->buf, &it->len, &ce)
                 : mkt_b64_decode((const char *)in, n, MKT_B64_SKIP_WS, it->buf, &it->len, &ce);
    if (rc) {
        /* The codec message names the offset and the problem. */
        mkt_err("dump", "%s: %s%s", name, ce.msg,
                detected ? " (format detected automatically; use --in to choose another)" : "");
        return -1;
    }
    return 0;
}

static int ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int mkt_cmd_dump(int argc, char **argv)
{
    int json = 0, strict = 0, only_pos = 0, rc;
    mkt_fmt fmt = MKT_FMT_AUTO;
    const char *path = NULL, *val;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && a[0] == '-' && a[1] != '\0') {
            if (mkt_opt_flag(a, "--json", "-j")) {
                json = 1;
            } else if (mkt_opt_flag(a, "--strict", NULL)) {
                strict = 1;
            } else if ((rc = mkt_opt_value(argc, argv, &i, "--in", "-i", &val)) != 0) {
                if (rc < 0)
                    return mkt_usage_err("dump", "option '%s' needs a value (raw, base64, hex or sdp)", a);
                if (mkt_fmt_parse(val, 1, &fmt))
                    return mkt_usage_err("dump", "unknown input format '%s' (expected raw, base64, hex or sdp)", val);
            } else {
                return mkt_usage_err("dump", "unknown option '%s'", a);
            }
        } else {
            if (path)
                return mkt_usage_err("dump", "more than one input file ('%s' and '%s')", path, a);
            path = a;
        }
    }

    const char *name = !path || strcmp(path, "-") == 0 ? "<stdin>" : path;
    uint8_t *in = NULL;
    size_t n = 0;
    char err[256];
    if (mkt_read_input(path, MKT_MAX_INPUT, &in, &n, err, sizeof err)) {
        mkt_err("dump", "%s", err);
        return MKT_EXIT_FAIL;
    }
    if (n == 0) {
        mkt_err("dump", "%s: empty input", name);
        free(in);
        return MKT_EXIT_FAIL;
    }

    int detected = fmt == MKT_FMT_AUTO;
    if (detected)
        fmt = mkt_detect_format(in, n);

    item items[MAX_ITEMS];
    size_t nitems = 0;
    int status = MKT_EXIT_OK;
    memset(items, 0, sizeof items);

    if (fmt == MKT_FMT_RAW) {
        items[0].buf = malloc(n);
        if (!items[0].buf) {
            mkt_err("dump", "out of memory");
            free(in);
            return MKT_EXIT_FAIL;
        }
        memcpy(items[0].buf, in, n);
        items[0].len = n;
        nitems = 1;
    } else if (fmt == MKT_FMT_HEX || fmt == MKT_FMT_BASE64) {
        if (decode_text(name, fmt, detected, in, n, &items[0])) {
            free(items[0].buf);
            free(in);
            return MKT_EXIT_FAIL;
        }
        nitems = 1;
    } else {
        mkt_keymgmt km[MAX_ITEMS];
        size_t nkm = 0, skipped = 0;
        mkt_cerr ce;
        if (mkt_keymgmt_find((const char *)in, n, km, MAX_ITEMS, &nkm, &ce)) {
            mkt_err("dump", "%s: %s", name, ce.msg);
            free(in);
            return MKT_EXIT_FAIL;
        }
        if (nkm > MAX_ITEMS) {
            mkt_err("dump", "%s: %zu key management attributes; at most %d are supported", name, nkm, MAX_ITEMS);
            free(in);
            return MKT_EXIT_FAIL;
        }
        for (size_t k = 0; k < nkm; k++) {
            item *it = &items[nitems];
            memset(it, 0, sizeof *it);
            snprintf(it->label, sizeof it->label, "%s", km[k].label);
            it->line = km[k].line;
            if (!ci_eq(km[k].proto, "mikey")) {
                /* RFC 4567 §3.1: other key management protocols are not ours to decode. */
                snprintf(it->skipped, sizeof it->skipped, "%s", km[k].proto);
                nitems++;
                skipped++;
                continue;
            }
            it->buf = malloc(mkt_b64_decoded_max(km[k].data_len) + 1);
            if (!it->buf) {
                mkt_err("dump", "out of memory");
                status = MKT_EXIT_FAIL;
                break;
            }
            /* RFC 4567 §3.1: keymgmt-data is base64, one token: no whitespace inside. */
            if (mkt_b64_decode(km[k].data, km[k].data_len, 0, it->buf, &it->len, &ce)) {
                mkt_err("dump", "%s: %s (line %u): key-mgmt data: %s", name, it->label, it->line, ce.msg);
                free(it->buf);
                it->buf = NULL;
                status = MKT_EXIT_FAIL;
                continue;
            }
            nitems++;
        }
        if (nitems == skipped && status == MKT_EXIT_OK) {
            mkt_err("dump", "%s: no a=key-mgmt:mikey attribute found%s", name,
                    skipped ? " (only other key management protocols)" : "");
            status = MKT_EXIT_FAIL;
        }
    }
    free(in);

    mikey_parse_opts po;
    memset(&po, 0, sizeof po);
    po.strict = (unsigned)strict;
    mkt_jw jw;
    mkt_jw_init(&jw, stdout, 1);
    /* The array/object choice depends on what the input holds, not on which
     * messages parse, so scripts see a stable shape. */
    size_t nmikey = 0;
    for (size_t k = 0; k < nitems; k++)
        nmikey += items[k].skipped[0] == '\0';
    int as_array = json && nmikey > 1;
    if (as_array)
        mkt_jw_arr_begin(&jw, NULL);
    int printed = 0;
    for (size_t k = 0; k < nitems; k++) {
        mikey_msg *msg = NULL;
        mikey_parse_error pe;
        item *it = &items[k];
        if (it->skipped[0]) {
            if (json)
                mkt_err("dump", "note: %s (line %u): key-mgmt protocol '%s' is not MIKEY: skipped", it->label,
                        it->line, it->skipped);
            else
                printf("%sSkipped %s (line %u): key-mgmt protocol '%s' is not MIKEY\n", printed++ ? "\n" : "",
                       it->label, it->line, it->skipped);
            continue;
        }
        int prc = mikey_msg_parse(NULL, it->buf, it->len, &po, &msg, &pe);
        if (prc != MIKEY_OK) {
            char msgbuf[400];
            mkt_format_parse_error(&pe, msgbuf, sizeof msgbuf);
            if (it->label[0])
                mkt_err("dump", "%s (line %u): %s", it->label, it->line, msgbuf);
            else
                mkt_err("dump", "%s", msgbuf);
            status = MKT_EXIT_FAIL;
            if (strict) {
                /* Say when only --strict refused it. */
                mikey_msg *lax = NULL;
                if (mikey_msg_parse(NULL, it->buf, it->len, NULL, &lax, NULL) == MIKEY_OK) {
                    unsigned bits = mikey_msg_leniencies(lax);
                    for (unsigned bit = 1; bit; bit <<= 1)
                        if (bits & bit)
                            mkt_err("dump", "note: without --strict the leniency '%s' accepts this message",
                                    mikey_lenient_name(bit));
                }
                mikey_msg_free(lax);
            }
            continue;
        }
        mkt_render_opts ro = {json, it->label[0] ? it->label : NULL};
        if (!json && printed++)
            putchar('\n');
        mkt_render_msg(msg, it->buf, it->len, &ro, &jw, stdout);
        if (json && !as_array)
            printed = 1;
        mikey_msg_free(msg);
    }
    if (as_array)
        mkt_jw_arr_end(&jw);
    if (json && (as_array || printed)) {
        if (mkt_jw_finish(&jw)) {
            mkt_err("dump", "writing the output failed");
            status = MKT_EXIT_FAIL;
        }
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        mkt_err("dump", "writing the output failed");
        status = MKT_EXIT_FAIL;
    }
    for (size_t k = 0; k < nitems; k++)
        free(items[k].buf);
    return status;
}
