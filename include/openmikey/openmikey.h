/* SPDX-License-Identifier: BSD-2-Clause */
/** @file openmikey.h  Umbrella header: includes every public header. */
#ifndef OPENMIKEY_OPENMIKEY_H
#define OPENMIKEY_OPENMIKEY_H
#include "common.h"
#include "message.h"
#include "srtp.h"
#include "session.h"
#include "negotiate.h"
#include "sdp.h"
#endif
