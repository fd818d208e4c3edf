/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the responder (mikey_answer) with PSK-mode I_MESSAGEs; see answer_impl.h. */
#define FZ_ANSWER_MODE MIKEY_MODE_PSK
#include "answer_impl.h"
