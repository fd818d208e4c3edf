/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the responder (mikey_answer) with MIKEY-NULL I_MESSAGEs; see answer_impl.h. */
#define FZ_ANSWER_MODE MIKEY_MODE_NULL
#include "answer_impl.h"
