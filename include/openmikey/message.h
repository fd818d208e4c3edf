/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file message.h
 * @brief Level 3 API: parse a MIKEY message into a navigable model, and build
 *        one payload by payload (RFC 3830 §6, RFC 4563, 4650, 4738, 6043,
 *        6267, 6509).
 *
 * The model is a common header (HDR) followed by a list of payloads. Each
 * payload is a ::mikey_payload: its type, the exact bytes it occupied on the
 * wire (@c raw, so MACs and signatures can be computed over received bytes),
 * its offset, and its fields.
 *
 * Variable-length and compound fields are ::mikey_span views:
 * - in a *parsed* message they point into the input buffer, which must
 *   outlive the ::mikey_msg;
 * - in a *built* message they point into memory owned by the ::mikey_msg
 *   (mikey_msg_append() copies everything the caller passes).
 *
 * Compound fields (the CS ID map info, SP policy params, KEMAC encrypted
 * data, TP data) are kept as their wire bytes, validated on parse, and
 * walked with the iterators below; the mikey_build_*() helpers produce
 * those bytes. Decode followed by encode is byte-identical for every
 * message the decoder accepts.
 */
#ifndef OPENMIKEY_MESSAGE_H
#define OPENMIKEY_MESSAGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Code points (IANA "MIKEY Payload Name Spaces")                          */
/* ---------------------------------------------------------------------- */

/** Payload types: the Next payload values, plus a pseudo type for HDR. */
enum mikey_pt {
    MIKEY_PT_LAST = 0,
    MIKEY_PT_KEMAC = 1,
    MIKEY_PT_PKE = 2,
    MIKEY_PT_DH = 3,
    MIKEY_PT_SIGN = 4,
    MIKEY_PT_T = 5,
    MIKEY_PT_ID = 6,
    MIKEY_PT_CERT = 7,
    MIKEY_PT_CHASH = 8,
    MIKEY_PT_V = 9,
    MIKEY_PT_SP = 10,
    MIKEY_PT_RAND = 11,
    MIKEY_PT_ERR = 12,
    MIKEY_PT_TR = 13,     /**< RFC 6043 */
    MIKEY_PT_IDR = 14,    /**< RFC 6043 */
    MIKEY_PT_RANDR = 15,  /**< RFC 6043 */
    MIKEY_PT_TP = 16,     /**< RFC 6043 */
    MIKEY_PT_TICKET = 17, /**< RFC 6043 */
    MIKEY_PT_KEYDATA = 20,
    MIKEY_PT_GENEXT = 21,
    MIKEY_PT_IBAKE = 22, /**< RFC 6267 */
    MIKEY_PT_ESK = 23,   /**< RFC 6267 */
    MIKEY_PT_SK = 24,    /**< RFC 6267 */
    MIKEY_PT_ECCPT = 25, /**< RFC 6267 */
    MIKEY_PT_SAKKE = 26, /**< RFC 6509 */
    MIKEY_PT_HDR = 256   /**< pseudo type: the common header */
};

/** HDR data types (RFC 3830 Table 6.1.a and later). */
enum mikey_data_type {
    MIKEY_DT_PSK_INIT = 0,
    MIKEY_DT_PSK_RESP = 1,
    MIKEY_DT_PK_INIT = 2,
    MIKEY_DT_PK_RESP = 3,
    MIKEY_DT_DH_INIT = 4,
    MIKEY_DT_DH_RESP = 5,
    MIKEY_DT_ERROR = 6,
    MIKEY_DT_DHHMAC_INIT = 7,
    MIKEY_DT_DHHMAC_RESP = 8,
    MIKEY_DT_RSAR_INIT = 9,
    MIKEY_DT_RSAR_RESP = 10,
    MIKEY_DT_REQUEST_INIT_PSK = 11,
    MIKEY_DT_REQUEST_INIT_PK = 12,
    MIKEY_DT_REQUEST_RESP = 13,
    MIKEY_DT_TRANSFER_INIT = 14,
    MIKEY_DT_TRANSFER_RESP = 15,
    MIKEY_DT_RESOLVE_INIT_PSK = 16,
    MIKEY_DT_RESOLVE_INIT_PK = 17,
    MIKEY_DT_RESOLVE_RESP = 18,
    MIKEY_DT_REQUEST_KEY_PSK = 19,
    MIKEY_DT_REQUEST_KEY_PKE = 20,
    MIKEY_DT_REQUEST_KEY_RESP = 21,
    MIKEY_DT_I_MESSAGE_1 = 22,
    MIKEY_DT_R_MESSAGE_1 = 23,
    MIKEY_DT_I_MESSAGE_2 = 24,
    MIKEY_DT_R_MESSAGE_2 = 25,
    MIKEY_DT_SAKKE = 26
};

enum mikey_prf { MIKEY_PRF_MIKEY1 = 0, MIKEY_PRF_HMAC_SHA256 = 1 };
enum mikey_map_type { MIKEY_MAP_SRTP_ID = 0, MIKEY_MAP_EMPTY = 1, MIKEY_MAP_GENERIC_ID = 2 };
enum mikey_encr_alg { MIKEY_ENCR_NULL = 0, MIKEY_ENCR_AES_CM_128 = 1, MIKEY_ENCR_AES_KW_128 = 2, MIKEY_ENCR_AES_CM_256 = 3 };
enum mikey_mac_alg { MIKEY_MAC_NULL = 0, MIKEY_MAC_HMAC_SHA1_160 = 1, MIKEY_MAC_HMAC_SHA256_256 = 2 };
enum mikey_dh_group { MIKEY_DH_OAKLEY5 = 0, MIKEY_DH_OAKLEY1 = 1, MIKEY_DH_OAKLEY2 = 2 };
enum mikey_sign_type { MIKEY_SIGN_RSA_PKCS1 = 0, MIKEY_SIGN_RSA_PSS = 1, MIKEY_SIGN_ECCSI = 2 };
enum mikey_ts_type { MIKEY_TS_NTP_UTC = 0, MIKEY_TS_NTP = 1, MIKEY_TS_COUNTER = 2, MIKEY_TS_NTP_UTC_32 = 3 };
enum mikey_id_type { MIKEY_ID_NAI = 0, MIKEY_ID_URI = 1, MIKEY_ID_BYTES = 2 };
enum mikey_cert_type { MIKEY_CERT_X509 = 0, MIKEY_CERT_X509_URL = 1, MIKEY_CERT_X509_SIGN = 2, MIKEY_CERT_X509_ENCR = 3 };
enum mikey_hash_func { MIKEY_HASH_SHA1 = 0, MIKEY_HASH_MD5 = 1, MIKEY_HASH_SHA256 = 2 };
enum mikey_prot_type { MIKEY_PROT_SRTP = 0, MIKEY_PROT_TESLA = 1 };
enum mikey_key_type {
    MIKEY_KEY_TGK = 0, MIKEY_KEY_TGK_SALT = 1, MIKEY_KEY_TEK = 2, MIKEY_KEY_TEK_SALT = 3,
    MIKEY_KEY_GTGK = 4, MIKEY_KEY_GTGK_SALT = 5, MIKEY_KEY_MPK = 6, MIKEY_KEY_K_PR = 7
};
enum mikey_kv_type { MIKEY_KV_NULL = 0, MIKEY_KV_SPI = 1, MIKEY_KV_INTERVAL = 2 };
/** SRTP policy parameter types (RFC 3830 §6.10.1, RFC 4771, RFC 7714). */
enum mikey_srtp_param {
    MIKEY_SP_ENCR_ALG = 0, MIKEY_SP_ENCR_KEY_LEN = 1, MIKEY_SP_AUTH_ALG = 2,
    MIKEY_SP_AUTH_KEY_LEN = 3, MIKEY_SP_SALT_KEY_LEN = 4, MIKEY_SP_PRF = 5,
    MIKEY_SP_KDR = 6, MIKEY_SP_SRTP_ENCR = 7, MIKEY_SP_SRTCP_ENCR = 8,
    MIKEY_SP_FEC_ORDER = 9, MIKEY_SP_SRTP_AUTH = 10, MIKEY_SP_AUTH_TAG_LEN = 11,
    MIKEY_SP_PREFIX_LEN = 12, MIKEY_SP_ROC_RATE = 13, MIKEY_SP_SRTP_AUTH_ALG = 14,
    MIKEY_SP_SRTCP_AUTH_ALG = 15, MIKEY_SP_SRTP_AUTH_KEY_LEN = 16,
    MIKEY_SP_SRTCP_AUTH_KEY_LEN = 17, MIKEY_SP_SRTP_AUTH_TAG_LEN = 18,
    MIKEY_SP_SRTCP_AUTH_TAG_LEN = 19, MIKEY_SP_AEAD_TAG_LEN = 20
};
/** Error payload numbers (RFC 3830 Table 6.12, RFC 4738, RFC 6043). */
enum mikey_rfc_error {
    MIKEY_E_AUTH_FAILURE = 0, MIKEY_E_INVALID_TS = 1, MIKEY_E_INVALID_PRF = 2,
    MIKEY_E_INVALID_MAC = 3, MIKEY_E_INVALID_EA = 4, MIKEY_E_INVALID_HA = 5,
    MIKEY_E_INVALID_DH = 6, MIKEY_E_INVALID_ID = 7, MIKEY_E_INVALID_CERT = 8,
    MIKEY_E_INVALID_SP = 9, MIKEY_E_INVALID_SPPAR = 10, MIKEY_E_INVALID_DT = 11,
    MIKEY_E_UNSPECIFIED = 12, MIKEY_E_UNSUPPORTED_MSG_TYPE = 13,
    MIKEY_E_INVALID_TICKET = 14, MIKEY_E_INVALID_TPPAR = 15
};
enum mikey_genext_type {
    MIKEY_GENEXT_VENDOR_ID = 0, MIKEY_GENEXT_SDP_IDS = 1, MIKEY_GENEXT_TESLA_IKEY = 2,
    MIKEY_GENEXT_KEY_ID = 3, MIKEY_GENEXT_CSB_ID = 4, MIKEY_GENEXT_OMA_BCAST = 5,
    MIKEY_GENEXT_SAKKE_TO_SELF = 6, MIKEY_GENEXT_3GPP_KEY_PARAMS = 7
};

/* ---------------------------------------------------------------------- */
/* Payload fields                                                          */
/* ---------------------------------------------------------------------- */

/** Key validity data (RFC 3830 §6.14): by kv type, spi or valid_from/valid_to. */
typedef struct mikey_kv {
    uint8_t type;          /**< ::mikey_kv_type */
    mikey_span spi;        /**< KV = SPI: the SPI / MKI */
    mikey_span valid_from; /**< KV = Interval */
    mikey_span valid_to;   /**< KV = Interval */
} mikey_kv;

/** Common header (RFC 3830 §6.1; erratum 2654: CS ID map info is variable). */
typedef struct mikey_hdr {
    uint8_t version;   /**< 1 */
    uint8_t data_type; /**< ::mikey_data_type */
    uint8_t v;         /**< V flag, 0 or 1 */
    uint8_t prf;       /**< 7-bit PRF func, ::mikey_prf */
    uint32_t csb_id;
    uint8_t ncs;       /**< #CS */
    uint8_t map_type;  /**< ::mikey_map_type */
    mikey_span map_info; /**< the CS ID map info bytes; walk with mikey_hdr_srtp_cs() / mikey_hdr_generic_cs() */
} mikey_hdr;

/** One SRTP-ID map entry (RFC 3830 §6.1.1). */
typedef struct mikey_srtp_cs {
    uint8_t policy_no;
    uint32_t ssrc; /**< 0 = not known by the initiator; the responder fills it */
    uint32_t roc;
} mikey_srtp_cs;

/** One GENERIC-ID map entry (RFC 6043 §6.1.1). */
typedef struct mikey_generic_cs {
    uint8_t cs_id;
    uint8_t prot_type;
    uint8_t s;             /**< S flag */
    mikey_span policies;   /**< #P policy numbers, one byte each */
    mikey_span session_data;
    mikey_span spi;
} mikey_generic_cs;

/** KEMAC (RFC 3830 §6.2; RFC 6043 §6.2). */
typedef struct mikey_kemac {
    uint8_t encr_alg;     /**< ::mikey_encr_alg */
    mikey_span encr_data; /**< encrypted Key data sub-payloads (plaintext when NULL) */
    uint8_t mac_alg;      /**< ::mikey_mac_alg; fixes the MAC length */
    mikey_span mac;
} mikey_kemac;

/** PKE envelope (RFC 3830 §6.3). */
typedef struct mikey_pke {
    uint8_t c;       /**< 2-bit cache indicator */
    mikey_span data; /**< 14-bit length */
} mikey_pke;

/** DH data (RFC 3830 §6.4). The value length is fixed by the group. */
typedef struct mikey_dh {
    uint8_t group;    /**< ::mikey_dh_group */
    mikey_span value;
    uint8_t reserved; /**< the 4 reserved bits, kept for lossless re-encoding */
    mikey_kv kv;
} mikey_dh;

/** Signature (RFC 3830 §6.5; RFC 6509 §4.3). Always last; has no Next payload. */
typedef struct mikey_sign {
    uint8_t s_type;  /**< ::mikey_sign_type (4 bits) */
    mikey_span sig;  /**< 12-bit length */
} mikey_sign;

/** Timestamp T (RFC 3830 §6.6) and TR (RFC 6043 §6.4; role 0 for T). */
typedef struct mikey_ts {
    uint8_t role;     /**< TR only */
    uint8_t ts_type;  /**< ::mikey_ts_type; fixes the value length (8 or 4) */
    mikey_span value;
} mikey_ts;

/** ID, CERT (RFC 3830 §6.7) and IDR (RFC 6043 §6.6; role 0 otherwise). */
typedef struct mikey_id {
    uint8_t role; /**< IDR only */
    uint8_t type; /**< ::mikey_id_type or ::mikey_cert_type */
    mikey_span data;
} mikey_id;

/** Cert hash (RFC 3830 §6.8). The hash length is fixed by the function. */
typedef struct mikey_chash {
    uint8_t hash_func; /**< ::mikey_hash_func */
    mikey_span hash;
} mikey_chash;

/** Verification message V (RFC 3830 §6.9). Length fixed by the algorithm. */
typedef struct mikey_v {
    uint8_t auth_alg; /**< ::mikey_mac_alg */
    mikey_span data;
} mikey_v;

/** Security policy (RFC 3830 §6.10). */
typedef struct mikey_sp {
    uint8_t policy_no;
    uint8_t prot_type;  /**< ::mikey_prot_type */
    mikey_span params;  /**< TLV bytes; walk with mikey_sp_param_next() */
} mikey_sp;

/** One SP policy parameter. */
typedef struct mikey_sp_param {
    uint8_t type;
    mikey_span value;
} mikey_sp_param;

/** RAND (RFC 3830 §6.11) and RANDR (RFC 6043 §6.8; role 0 for RAND). */
typedef struct mikey_rand {
    uint8_t role;
    mikey_span data;
} mikey_rand;

/** Error payload (RFC 3830 §6.12). */
typedef struct mikey_errp {
    uint8_t error_no;  /**< ::mikey_rfc_error */
    uint16_t reserved;
} mikey_errp;

/** Key data sub-payload (RFC 3830 §6.13; RFC 6043 §6.2.1; RFC 6267 §6.1.3). */
typedef struct mikey_keydata {
    uint8_t type;    /**< ::mikey_key_type (4 bits) */
    mikey_span key;
    mikey_span salt; /**< present iff the type carries a salt (TGK+SALT, TEK+SALT, GTGK+SALT) */
    mikey_kv kv;
} mikey_keydata;

/** General extension (RFC 3830 §6.15). */
typedef struct mikey_genext {
    uint8_t type; /**< ::mikey_genext_type */
    mikey_span data;
} mikey_genext;

/** TP and TICKET (RFC 6043 §6.10). */
typedef struct mikey_ticket {
    uint16_t ticket_type;
    uint8_t subtype;
    uint8_t version;
    uint8_t prf;      /**< 7-bit PRF func */
    uint32_t flags;   /**< D..O flags and the 5 reserved bits: the low 17 bits, D = bit 16 */
    mikey_span tp_data;        /**< First payload byte followed by MIKEY payloads */
    mikey_span ticket_data;    /**< TICKET only */
    mikey_span initiator_data; /**< TICKET only */
} mikey_ticket;

/** IBAKE and ESK (RFC 6267 §6.1.1-6.1.2): IBE-encrypted sub-payloads. */
typedef struct mikey_ibe {
    mikey_span encr_data;
} mikey_ibe;

/** Secret key sub-payload SK (RFC 6267 §6.1.5). */
typedef struct mikey_sk {
    uint8_t type; /**< 4 bits, 1 = SK */
    mikey_span key;
    mikey_kv kv;
} mikey_sk;

/** EC Diffie-Hellman sub-payload ECCPT (RFC 6267 §6.1.4). */
typedef struct mikey_eccpt {
    uint8_t curve;
    mikey_span point; /**< length fixed by the curve (see docs/interop.md) */
    uint8_t auth_alg;
    uint16_t tgk_len;
    uint8_t reserved; /**< 4 bits */
    mikey_kv kv;
} mikey_eccpt;

/** SAKKE (RFC 6509 §4.2). */
typedef struct mikey_sakke {
    uint8_t params;    /**< SAKKE parameter set, 1 */
    uint8_t id_scheme; /**< 1 = tel URI with monthly keys, 2 = 3GPP MCX hashed UID */
    mikey_span data;
} mikey_sakke;

/** One payload of a message. */
typedef struct mikey_payload {
    unsigned type;  /**< ::mikey_pt */
    mikey_span raw; /**< the payload's exact bytes (parsed) or its encoding (built, after encode) */
    size_t offset;  /**< offset of @c raw in the message */
    union {
        mikey_hdr hdr;
        mikey_kemac kemac;
        mikey_pke pke;
        mikey_dh dh;
        mikey_sign sign;
        mikey_ts ts;       /**< T, TR */
        mikey_id id;       /**< ID, CERT, IDR */
        mikey_chash chash;
        mikey_v v;
        mikey_sp sp;
        mikey_rand rand;   /**< RAND, RANDR */
        mikey_errp err;
        mikey_keydata keydata;
        mikey_genext genext;
        mikey_ticket ticket; /**< TP, TICKET */
        mikey_ibe ibe;     /**< IBAKE, ESK */
        mikey_sk sk;
        mikey_eccpt eccpt;
        mikey_sakke sakke;
    } u;
} mikey_payload;

/* ---------------------------------------------------------------------- */
/* Limits, leniencies, parse errors                                        */
/* ---------------------------------------------------------------------- */

/** Caps applied while parsing untrusted input (curl-style limits table). */
typedef struct mikey_limits {
    size_t max_msg_len;      /**< whole message, bytes (default 65536) */
    size_t max_payloads;     /**< payloads per message or sub-chain (default 64) */
    size_t max_id_len;       /**< ID / IDR data (default 2048) */
    size_t max_cert_len;     /**< one CERT payload (default 16384) */
    size_t max_sp_params;    /**< TLVs per SP payload (default 64) */
    size_t max_depth;        /**< nesting of sub-chains (TP data, KEMAC) (default 4) */
} mikey_limits;

/** Fill @p lim with the defaults documented on ::mikey_limits. */
MIKEY_EXPORT void mikey_limits_default(mikey_limits *lim);

/**
 * Named leniencies (docs/interop.md). Each accepts a deviation that a
 * deployed peer is known to produce; the parser reports which ones it used.
 */
enum mikey_lenient {
    /** wolfSSL writes a 2-byte CS ID map info (the pre-erratum-2654 reading)
     *  for the Empty map with #CS = 0. Accepted only if both bytes are zero
     *  and the message does not parse with an empty info. */
    MIKEY_LENIENT_EMPTY_MAP_INFO16 = 1u << 0,
    /** A GENERIC-ID map with #CS = 0 and a non-empty info is not accepted;
     *  reserved for future named cases. */
    MIKEY_LENIENT_ALL = 0x1u
};

/** Parse options. Zero-initialised means: default limits, all leniencies on. */
typedef struct mikey_parse_opts {
    const mikey_limits *limits; /**< NULL: defaults */
    unsigned strict;            /**< non-zero: refuse every leniency */
} mikey_parse_opts;

/** Where and why parsing failed. */
typedef struct mikey_parse_error {
    int err;               /**< the ::mikey_err returned */
    size_t offset;         /**< byte offset in the input where the problem is */
    unsigned payload_type; /**< ::mikey_pt of the payload being decoded */
    int payload_index;     /**< index in the message (0 = HDR), -1 if none */
    char field[32];        /**< field name, e.g. "Encr data len" */
    char detail[128];      /**< a sentence: what is wrong */
} mikey_parse_error;

/* ---------------------------------------------------------------------- */
/* Messages                                                                */
/* ---------------------------------------------------------------------- */

/** A message: HDR (index 0) and payloads, or a header-less sub-chain. */
typedef struct mikey_msg mikey_msg;

/**
 * Parse a whole MIKEY message.
 *
 * @param env   allocator source (NULL: defaults); copied.
 * @param buf   the message; must outlive @p *out (spans point into it).
 * @param opts  NULL for defaults.
 * @param out   receives the new message on success; free with mikey_msg_free().
 * @param perr  optional: filled on failure with the offset, payload and reason.
 * @return MIKEY_OK, MIKEY_ERR_TRUNCATED, _LENGTH, _TRAILING, _UNKNOWN_PAYLOAD,
 *         _UNSUPPORTED, _VERSION, _LIMIT, _SYNTAX, _FIELD, _INVALID_ARG, _NOMEM.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_msg_parse(const mikey_env *env, const uint8_t *buf, size_t len,
                                                   const mikey_parse_opts *opts, mikey_msg **out,
                                                   mikey_parse_error *perr);

/**
 * Parse a header-less chain of payloads whose first type is @p first_type
 * (e.g. the Key data sub-payloads inside a KEMAC, MIKEY_PT_KEYDATA, or an
 * ID followed by Key data in the public-key case). Same contract as
 * mikey_msg_parse().
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_chain_parse(const mikey_env *env, unsigned first_type,
                                                     const uint8_t *buf, size_t len,
                                                     const mikey_parse_opts *opts, mikey_msg **out,
                                                     mikey_parse_error *perr);

/**
 * Parse a chain prefixed by its first payload type byte (RFC 6043 TP Data,
 * Initiator Data: "the first 8 bits identify the first payload").
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_chain_parse_prefixed(const mikey_env *env, const uint8_t *buf,
                                                              size_t len, const mikey_parse_opts *opts,
                                                              mikey_msg **out, mikey_parse_error *perr);

/** Create an empty message to build (or a header-less chain if @p chain). */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_msg_new(const mikey_env *env, int chain, mikey_msg **out);

/** Free a message. NULL is allowed. Memory a built message copied spans
 *  into (mikey_msg_append) is wiped first, since it may hold keys. */
MIKEY_EXPORT void mikey_msg_free(mikey_msg *msg);

/** Number of payloads, including the HDR (index 0) for a message. */
MIKEY_EXPORT size_t mikey_msg_count(const mikey_msg *msg);

/** Payload @p i, or NULL if out of range. */
MIKEY_EXPORT const mikey_payload *mikey_msg_at(const mikey_msg *msg, size_t i);

/** The @p nth (0-based) payload of @p type, or NULL. */
MIKEY_EXPORT const mikey_payload *mikey_msg_find(const mikey_msg *msg, unsigned type, size_t nth);

/** The header, or NULL for a header-less chain / an empty built message. */
MIKEY_EXPORT const mikey_hdr *mikey_msg_hdr(const mikey_msg *msg);

/** Bit mask of ::mikey_lenient cases the parser had to use (0 if none). */
MIKEY_EXPORT unsigned mikey_msg_leniencies(const mikey_msg *msg);

/** Non-zero for a header-less chain. */
MIKEY_EXPORT int mikey_msg_is_chain(const mikey_msg *msg);

/**
 * Append a copy of @p pl (type and fields; @c raw and @c offset are ignored).
 * Every span is copied into memory owned by @p msg. For a message, the first
 * payload appended must be the HDR and no payload may follow a SIGN.
 * Field values that cannot be encoded (a length over its field width, an
 * unknown value whose length is implicit, a wrong implicit length) are
 * refused with MIKEY_ERR_FIELD.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_msg_append(mikey_msg *msg, const mikey_payload *pl);

/**
 * Encode. Next payload fields follow the list order. Returns MIKEY_ERR_NOBUF
 * with @p *outlen set to the needed size when @p cap is too small
 * (@p out may then be NULL). After a successful encode of a built message,
 * each payload's @c raw and @c offset describe its bytes in @p out.
 */
MIKEY_EXPORT MIKEY_WARN_UNUSED int mikey_msg_encode(mikey_msg *msg, uint8_t *out, size_t cap, size_t *outlen);

/** Size mikey_msg_encode() needs. */
MIKEY_EXPORT size_t mikey_msg_encoded_len(const mikey_msg *msg);

/* ---------------------------------------------------------------------- */
/* Iterators over compound fields (views into the same memory)             */
/* ---------------------------------------------------------------------- */

/** SRTP-ID map entry @p i (0 <= i < #CS). MIKEY_ERR_NOT_FOUND past the end. */
MIKEY_EXPORT int mikey_hdr_srtp_cs(const mikey_hdr *hdr, size_t i, mikey_srtp_cs *out);

/** GENERIC-ID map: read the entry at @p *off and advance it. Start at 0;
 *  MIKEY_ERR_NOT_FOUND at the end. */
MIKEY_EXPORT int mikey_hdr_generic_cs_next(const mikey_hdr *hdr, size_t *off, mikey_generic_cs *out);

/** SP params: read the TLV at @p *off and advance. MIKEY_ERR_NOT_FOUND at the end. */
MIKEY_EXPORT int mikey_sp_param_next(const mikey_sp *sp, size_t *off, mikey_sp_param *out);

/** Find the first SP param of @p type; MIKEY_ERR_NOT_FOUND if absent. */
MIKEY_EXPORT int mikey_sp_param_find(const mikey_sp *sp, uint8_t type, mikey_sp_param *out);

/* ---------------------------------------------------------------------- */
/* Builders for compound fields: write wire bytes into caller buffers      */
/* ---------------------------------------------------------------------- */

/** Encode @p n SRTP-ID map entries (9 bytes each). NOBUF sets *outlen. */
MIKEY_EXPORT int mikey_build_srtp_map(const mikey_srtp_cs *cs, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/** Encode @p n GENERIC-ID map entries. NOBUF sets *outlen. */
MIKEY_EXPORT int mikey_build_generic_map(const mikey_generic_cs *cs, size_t n, uint8_t *out, size_t cap,
                                         size_t *outlen);

/** Encode @p n SP params as TLVs. Values over 255 bytes: MIKEY_ERR_FIELD. */
MIKEY_EXPORT int mikey_build_sp_params(const mikey_sp_param *p, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* ---------------------------------------------------------------------- */
/* Names (for tools and logs); never NULL ("unknown" if unassigned)        */
/* ---------------------------------------------------------------------- */

MIKEY_EXPORT const char *mikey_pt_name(unsigned type);
MIKEY_EXPORT const char *mikey_data_type_name(unsigned dt);
MIKEY_EXPORT const char *mikey_prf_name(unsigned prf);
MIKEY_EXPORT const char *mikey_map_type_name(unsigned mt);
MIKEY_EXPORT const char *mikey_encr_alg_name(unsigned a);
MIKEY_EXPORT const char *mikey_mac_alg_name(unsigned a);
MIKEY_EXPORT const char *mikey_dh_group_name(unsigned g);
MIKEY_EXPORT const char *mikey_sign_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_ts_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_id_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_cert_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_hash_func_name(unsigned h);
MIKEY_EXPORT const char *mikey_prot_type_name(unsigned p);
MIKEY_EXPORT const char *mikey_srtp_param_name(unsigned t);
MIKEY_EXPORT const char *mikey_rfc_error_name(unsigned e);
MIKEY_EXPORT const char *mikey_key_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_kv_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_genext_type_name(unsigned t);
MIKEY_EXPORT const char *mikey_id_role_name(unsigned r);
MIKEY_EXPORT const char *mikey_ts_role_name(unsigned r);
MIKEY_EXPORT const char *mikey_rand_role_name(unsigned r);
MIKEY_EXPORT const char *mikey_lenient_name(unsigned bit);

/** Length in bytes implied by a value, or -1 if the value is unknown. */
MIKEY_EXPORT int mikey_dh_value_len(unsigned group);
MIKEY_EXPORT int mikey_ts_value_len(unsigned ts_type);
MIKEY_EXPORT int mikey_mac_len(unsigned mac_alg);
MIKEY_EXPORT int mikey_hash_len(unsigned hash_func);
MIKEY_EXPORT int mikey_eccpt_point_len(unsigned curve);

#ifdef __cplusplus
}
#endif
#endif /* OPENMIKEY_MESSAGE_H */
