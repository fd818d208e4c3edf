/* SPDX-License-Identifier: BSD-2-Clause */
#include "report.h"

#include <inttypes.h>

static void jstr(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void jdelay(FILE *f, const char *key, int64_t v)
{
    fprintf(f, ",\"%s\":", key);
    if (v < 0)
        fputs("null", f);
    else
        fprintf(f, "%" PRId64, v);
}

#define JS(key, val)                                                                                               \
    do {                                                                                                           \
        fputs(",\"" key "\":", f);                                                                                 \
        jstr(f, (val));                                                                                            \
    } while (0)
#define JU(key, val) fprintf(f, ",\"" key "\":%" PRIu64, (uint64_t)(val))
#define JI(key, val) fprintf(f, ",\"" key "\":%" PRId64, (int64_t)(val))

int ua_report_write(FILE *f, const ua_report *r)
{
    fputs("{\"role\":", f);
    jstr(f, r->role);
    JS("call_id", r->call_id);
    JS("peer", r->peer);
    JS("transport", r->transport);
    JS("policy", r->policy);
    JS("security", r->security);
    JS("xform", r->xform);
    JS("codec", r->codec);
    JS("result", r->result);
    JU("scode", r->scode);
    JS("reason", r->reason);
    JS("error", r->error);
    jdelay(f, "calling_delay_us", r->calling_delay_us);
    jdelay(f, "answering_delay_us", r->answering_delay_us);
    jdelay(f, "setup_us", r->setup_us);
    jdelay(f, "media_ms", r->media_ms);
    fprintf(f,
            ",\"mikey_us\":{\"offer\":%" PRIu64 ",\"answer\":%" PRIu64 ",\"finish\":%" PRIu64
            ",\"srtp_setup\":%" PRIu64 "}",
            r->mikey.offer_us, r->mikey.answer_us, r->mikey.finish_us, r->mikey.srtp_us);
    /* Key management: the negotiated mode and what went wrong, if anything. */
    {
        const ua_sec_info *k = &r->sec;
        fputs(",\"mikey\":{\"mode\":", f);
        jstr(f, k->mode);
        if (k->mode)
            fprintf(f, ",\"csb_id\":\"0x%08" PRIx32 "\",\"crypto_sessions\":%zu", k->csb_id, k->ncs);
        JS("peer_id", k->peer_id);
        JS("sdp_ids", k->sdp_ids);
        fputs(",\"error_code\":", f);
        if (k->error_code >= 0)
            fprintf(f, "%d", k->error_code);
        else
            fputs("null", f);
        JS("error_from", k->error_from);
        JS("error", k->error);
        /* Updates of the CSB in re-INVITEs (RFC 3830 §4.5). */
        fprintf(f,
                ",\"updates\":{\"sent\":%u,\"ok\":%u,\"refused\":%u,\"received\":%u,\"accepted\":%u,"
                "\"rejected\":%u,\"generations\":%u,\"joined\":%s}",
                k->upd.sent, k->upd.ok, k->upd.refused, k->upd.received, k->upd.accepted, k->upd.rejected,
                k->upd.generations, k->upd.joined ? "true" : "false");
        fputc('}', f);
        fputs(",\"srtp\":", f);
        if (k->have_srtp) {
            const ua_sec_srtp_stats *x = &k->srtp;
            fputs("{\"suite\":", f);
            jstr(f, x->suite);
            fprintf(f, ",\"mki_len\":%zu,\"ssrc_out\":%" PRIu32 ",\"ssrc_in\":%" PRIu32, x->mki_len, x->ssrc_out,
                    x->ssrc_in);
            JU("rtp_protected", x->rtp_protected);
            JU("rtp_authenticated", x->rtp_authenticated);
            JU("rtp_auth_failed", x->rtp_auth_failed);
            JU("rtp_replayed", x->rtp_replayed);
            JU("rtp_failed", x->rtp_failed);
            JU("rtcp_protected", x->rtcp_protected);
            JU("rtcp_authenticated", x->rtcp_authenticated);
            JU("rtcp_auth_failed", x->rtcp_auth_failed);
            JU("rtcp_replayed", x->rtcp_replayed);
            JU("rtcp_failed", x->rtcp_failed);
            JU("protect_failed", x->protect_failed);
            /* RTP packets per master key (MKI), when there is an MKI. */
            fputs(",\"keys\":[", f);
            for (size_t i = 0; i < k->upd.nkeys; i++) {
                fputs(i ? ",{\"mki\":" : "{\"mki\":", f);
                jstr(f, k->upd.keys[i].mki);
                fprintf(f, ",\"rtp_out\":%" PRIu64 ",\"rtp_in\":%" PRIu64 "}", k->upd.keys[i].rtp_out,
                        k->upd.keys[i].rtp_in);
            }
            fputc(']', f);
            fputc('}', f);
        } else {
            fputs("null", f);
        }
    }
    if (r->have_media) {
        const ua_media_stats *m = &r->media;
        fputs(",\"rtp\":{", f);
        fprintf(f, "\"ssrc_local\":%" PRIu32 ",\"ssrc_remote\":%" PRIu32, m->ssrc_local, m->ssrc_remote);
        JU("sent", m->rtp_sent);
        JU("bytes_sent", m->rtp_bytes_sent);
        JU("received", m->rtp_recv);
        JU("bytes_received", m->rtp_bytes_recv);
        JU("accepted", m->rtp_ok);
        JU("authenticated", m->rtp_auth_ok);
        JU("unprotect_failed", m->rtp_unprotect_fail);
        JU("malformed", m->rtp_malformed);
        JU("foreign_ssrc", m->rtp_foreign_ssrc);
        JU("late", m->rtp_late);
        JI("lost", m->rtp_lost);
        JU("jitter", m->jitter);
        JU("samples_sent", m->samples_sent);
        JU("samples_recorded", m->samples_recorded);
        JS("local", m->local);
        JS("remote", m->remote[0] ? m->remote : NULL);
        JU("remote_changes", m->remote_changes);
        JU("received_old", m->rtp_recv_old);
        fputs(",\"sources\":[", f);
        for (size_t i = 0; i < m->nsources; i++)
            fprintf(f, "%s{\"ssrc\":%" PRIu32 ",\"accepted\":%" PRIu64 ",\"first_sample\":%" PRIu64 "}", i ? "," : "",
                    m->sources[i].ssrc, m->sources[i].accepted, m->sources[i].first_sample);
        fputc(']', f);
        fputs("},\"rtcp\":{", f);
        fprintf(f, "\"sent\":%" PRIu64, m->rtcp_sent);
        JU("received", m->rtcp_recv);
        JU("sr_received", m->rtcp_sr_recv);
        JU("rr_received", m->rtcp_rr_recv);
        JU("bye_received", m->rtcp_bye_recv);
        JU("unprotect_failed", m->rtcp_unprotect_fail);
        fputc('}', f);
    }
    JS("record", r->record);
    fprintf(f,
            ",\"reinvite\":{\"sent\":%u,\"ok\":%u,\"failed\":%u,\"received\":%u,\"accepted\":%u,\"refused\":%u",
            r->reinv_sent, r->reinv_ok, r->reinv_failed, r->reinv_received, r->reinv_accepted, r->reinv_refused);
    JS("moved_to", r->moved_to);
    fputc('}', f);
    fputs(",\"transfer\":", f);
    if (r->transfer_role) {
        fputs("{\"role\":", f);
        jstr(f, r->transfer_role);
        JS("to", r->transfer_to);
        JU("status", r->transfer_status);
        JS("call_id", r->transfer_call);
        fprintf(f, ",\"transferred\":%s}", r->transferred ? "true" : "false");
    } else {
        fputs("null", f);
    }
    fputs("}\n", f);
    fflush(f);
    return ferror(f) ? -1 : 0;
}
