/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of code points, from the IANA "MIKEY Payload Name Spaces" registry
 * (shared/specs/iana/mikey-payloads.txt). */
#include "wire/wire.h"

#define NAME_FN(fn, tab)                                                                                               \
    const char *fn(unsigned v)                                                                                         \
    {                                                                                                                  \
        return v < MK_ARRAY_LEN(tab) && tab[v] ? tab[v] : "unknown";                                                   \
    }

static const char *const pt_names[] = {
    [0] = "Last payload", [1] = "KEMAC", [2] = "PKE", [3] = "DH", [4] = "SIGN", [5] = "T", [6] = "ID",
    [7] = "CERT", [8] = "CHASH", [9] = "V", [10] = "SP", [11] = "RAND", [12] = "ERR", [13] = "TR", [14] = "IDR",
    [15] = "RANDR", [16] = "TP", [17] = "TICKET", [20] = "Key data", [21] = "General Ext.", [22] = "IBAKE",
    [23] = "ESK", [24] = "SK", [25] = "ECCPT", [26] = "SAKKE"};

const char *mikey_pt_name(unsigned v)
{
    if (v == MIKEY_PT_HDR)
        return "HDR";
    return v < MK_ARRAY_LEN(pt_names) && pt_names[v] ? pt_names[v] : "unknown";
}

static const char *const dt_names[] = {
    "Pre-shared", "PSK ver msg", "Public key", "PK ver msg", "D-H init", "D-H resp", "Error", "DHHMAC init",
    "DHHMAC resp", "RSA-R I_MSG", "RSA-R R_MSG", "REQUEST_INIT_PSK", "REQUEST_INIT_PK", "REQUEST_RESP",
    "TRANSFER_INIT", "TRANSFER_RESP", "RESOLVE_INIT_PSK", "RESOLVE_INIT_PK", "RESOLVE_RESP", "REQUEST_KEY_PSK",
    "REQUEST_KEY_PKE", "REQUEST_KEY_RESP", "I_MESSAGE_1", "R_MESSAGE_1", "I_MESSAGE_2", "R_MESSAGE_2", "SAKKE msg"};
NAME_FN(mikey_data_type_name, dt_names)

static const char *const prf_names[] = {"MIKEY-1", "PRF-HMAC-SHA-256"};
NAME_FN(mikey_prf_name, prf_names)

static const char *const map_names[] = {"SRTP-ID", "Empty map", "GENERIC-ID"};
NAME_FN(mikey_map_type_name, map_names)

static const char *const encr_names[] = {"NULL", "AES-CM-128", "AES-KW-128", "AES-CM-256"};
NAME_FN(mikey_encr_alg_name, encr_names)

static const char *const mac_names[] = {"NULL", "HMAC-SHA-1-160", "HMAC-SHA-256-256"};
NAME_FN(mikey_mac_alg_name, mac_names)

static const char *const dh_names[] = {"OAKLEY 5", "OAKLEY 1", "OAKLEY 2"};
NAME_FN(mikey_dh_group_name, dh_names)

static const char *const sign_names[] = {"RSA/PKCS#1/1.5", "RSA/PSS", "ECCSI"};
NAME_FN(mikey_sign_type_name, sign_names)

static const char *const ts_names[] = {"NTP-UTC", "NTP", "COUNTER", "NTP-UTC-32"};
NAME_FN(mikey_ts_type_name, ts_names)

static const char *const id_names[] = {"NAI", "URI", "Byte string"};
NAME_FN(mikey_id_type_name, id_names)

static const char *const cert_names[] = {"X.509v3", "X.509v3 URL", "X.509v3 Sign", "X.509v3 Encr"};
NAME_FN(mikey_cert_type_name, cert_names)

static const char *const hash_names[] = {"SHA-1", "MD5", "SHA-256"};
NAME_FN(mikey_hash_func_name, hash_names)

static const char *const prot_names[] = {"SRTP", "TESLA"};
NAME_FN(mikey_prot_type_name, prot_names)

static const char *const sp_names[] = {"Encryption algorithm", "Session Encr. key length",
                                       "Authentication algorithm", "Session Auth. key length",
                                       "Session Salt key length", "SRTP Pseudo Random Function",
                                       "Key derivation rate", "SRTP encryption off/on", "SRTCP encryption off/on",
                                       "sender's FEC order", "SRTP authentication off/on",
                                       "Authentication tag length", "SRTP prefix length", "ROC transmission rate",
                                       "SRTP Auth. algorithm", "SRTCP Auth. algorithm", "SRTP Session Auth. key len",
                                       "SRTCP Session Auth. key len", "SRTP Authentication tag len",
                                       "SRTCP Authentication tag len", "AEAD authentication tag length"};
NAME_FN(mikey_srtp_param_name, sp_names)

static const char *const rfc_err_names[] = {"Auth failure", "Invalid TS", "Invalid PRF", "Invalid MAC",
                                            "Invalid EA", "Invalid HA", "Invalid DH", "Invalid ID",
                                            "Invalid Cert", "Invalid SP", "Invalid SPpar", "Invalid DT",
                                            "Unspecified error", "Unsupported message type", "Invalid TICKET",
                                            "Invalid TPpar"};
NAME_FN(mikey_rfc_error_name, rfc_err_names)

static const char *const key_names[] = {"TGK", "TGK+SALT", "TEK", "TEK+SALT", "GTGK", "GTGK+SALT", "MPK", "K_PR"};
NAME_FN(mikey_key_type_name, key_names)

static const char *const kv_names[] = {"Null", "SPI", "Interval"};
NAME_FN(mikey_kv_type_name, kv_names)

static const char *const genext_names[] = {"Vendor ID", "SDP IDs", "TESLA I-Key", "Key ID", "CSB_ID",
                                           "OMA BCAST", "SAKKE-to-self", "3GPP key parameters"};
NAME_FN(mikey_genext_type_name, genext_names)

static const char *const id_role_names[] = {"Reserved", "Initiator (IDRi)", "Responder (IDRr)", "KMS (IDRkms)",
                                            "Pre-Shared Key (IDRpsk)", "Application (IDRapp)",
                                            "Initiator's KMS (IDRkmsi)", "Responder's KMS (IDRkmsr)",
                                            "Hashed Initiator (IDRuidi)", "Hashed Responder (IDRuidr)"};
NAME_FN(mikey_id_role_name, id_role_names)

static const char *const ts_role_names[] = {"Reserved", "Time of issue (TRi)", "Start of validity period (TRs)",
                                            "End of validity period (TRe)", "Rekeying interval (TRr)"};
NAME_FN(mikey_ts_role_name, ts_role_names)

static const char *const rand_role_names[] = {"Reserved", "Initiator (RANDRi)", "Responder (RANDRr)",
                                              "KMS (RANDRkms)"};
NAME_FN(mikey_rand_role_name, rand_role_names)

const char *mikey_lenient_name(unsigned bit)
{
    switch (bit) {
    case MIKEY_LENIENT_EMPTY_MAP_INFO16:
        return "empty-map-info16";
    default:
        return "unknown";
    }
}
