/* SPDX-License-Identifier: BSD-2-Clause */
/* Error codes: names and descriptions (common.h). */
#include "internal.h"
#include "openmikey/version.h"

static const struct {
    int code;
    const char *name;
    const char *text;
} errtab[] = {
    {MIKEY_OK, "MIKEY_OK", "success"},
    {MIKEY_ERR_INVALID_ARG, "MIKEY_ERR_INVALID_ARG", "invalid argument"},
    {MIKEY_ERR_NOBUF, "MIKEY_ERR_NOBUF", "output buffer too small"},
    {MIKEY_ERR_NOT_FOUND, "MIKEY_ERR_NOT_FOUND", "not found"},
    {MIKEY_ERR_STATE, "MIKEY_ERR_STATE", "call not valid in this state"},
    {MIKEY_ERR_IO, "MIKEY_ERR_IO", "input/output error"},
    {MIKEY_ERR_TRUNCATED, "MIKEY_ERR_TRUNCATED", "message truncated"},
    {MIKEY_ERR_LENGTH, "MIKEY_ERR_LENGTH", "length field inconsistent with the data"},
    {MIKEY_ERR_TRAILING, "MIKEY_ERR_TRAILING", "trailing bytes after the last payload"},
    {MIKEY_ERR_UNKNOWN_PAYLOAD, "MIKEY_ERR_UNKNOWN_PAYLOAD", "unknown payload type"},
    {MIKEY_ERR_UNSUPPORTED, "MIKEY_ERR_UNSUPPORTED", "unsupported value (its encoding is unknown)"},
    {MIKEY_ERR_VERSION, "MIKEY_ERR_VERSION", "unsupported MIKEY version"},
    {MIKEY_ERR_LIMIT, "MIKEY_ERR_LIMIT", "size or count exceeds a configured limit"},
    {MIKEY_ERR_SYNTAX, "MIKEY_ERR_SYNTAX", "payload order or structure invalid"},
    {MIKEY_ERR_ENCODING, "MIKEY_ERR_ENCODING", "invalid text encoding"},
    {MIKEY_ERR_FIELD, "MIKEY_ERR_FIELD", "field value not allowed"},
    {MIKEY_ERR_AUTH, "MIKEY_ERR_AUTH", "authentication failed (MAC or signature)"},
    {MIKEY_ERR_DECRYPT, "MIKEY_ERR_DECRYPT", "decryption failed"},
    {MIKEY_ERR_REPLAY, "MIKEY_ERR_REPLAY", "replayed message"},
    {MIKEY_ERR_TIMESTAMP, "MIKEY_ERR_TIMESTAMP", "timestamp outside the allowed window"},
    {MIKEY_ERR_CERT, "MIKEY_ERR_CERT", "certificate invalid or untrusted"},
    {MIKEY_ERR_IDENTITY, "MIKEY_ERR_IDENTITY", "identity unknown or mismatched"},
    {MIKEY_ERR_DH_VALUE, "MIKEY_ERR_DH_VALUE", "invalid Diffie-Hellman value"},
    {MIKEY_ERR_CRYPTO, "MIKEY_ERR_CRYPTO", "crypto backend failure"},
    {MIKEY_ERR_POLICY, "MIKEY_ERR_POLICY", "security policy not acceptable"},
    {MIKEY_ERR_UNSUPPORTED_MODE, "MIKEY_ERR_UNSUPPORTED_MODE", "key-agreement mode not supported"},
    {MIKEY_ERR_ALGORITHM, "MIKEY_ERR_ALGORITHM", "algorithm not supported or not allowed"},
    {MIKEY_ERR_PEER_ERROR, "MIKEY_ERR_PEER_ERROR", "peer sent a MIKEY Error message"},
    {MIKEY_ERR_NEGOTIATION, "MIKEY_ERR_NEGOTIATION", "no common method or suite"},
    {MIKEY_ERR_NOMEM, "MIKEY_ERR_NOMEM", "out of memory"},
    {MIKEY_ERR_INTERNAL, "MIKEY_ERR_INTERNAL", "internal error"},
    {MIKEY_ERR_CALLBACK, "MIKEY_ERR_CALLBACK", "environment callback failed"},
};

const char *mikey_strerror(int err)
{
    for (size_t i = 0; i < MK_ARRAY_LEN(errtab); i++)
        if (errtab[i].code == err)
            return errtab[i].text;
    return "unknown error";
}

const char *mikey_err_name(int err)
{
    for (size_t i = 0; i < MK_ARRAY_LEN(errtab); i++)
        if (errtab[i].code == err)
            return errtab[i].name;
    return "MIKEY_ERR_UNKNOWN";
}

int mikey_err_is_fatal(int err) { return err <= -900 && err > -1000; }

const char *mikey_version(void) { return MIKEY_VERSION; }

unsigned long mikey_version_num(void) { return (unsigned long)MIKEY_VERSION_NUM; }
