#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print the last call of ALICE_JSON with bob's side from BOB_JSON (joined by Call-ID).
Usage: show_call.py ALICE_JSON BOB_JSON LABEL"""
import json
import sys
import time

alice_json, bob_json, label = sys.argv[1:4]
a = json.loads(open(alice_json).read().splitlines()[-1])
line = (f"{label}: {a['result']} over {a['transport']}, security {a['security']}, "
        f"calling delay {a['calling_delay_us'] / 1000:.2f} ms (alice)" if a.get("calling_delay_us")
        else f"{label}: {a['result']} over {a['transport']}, no calling delay")
b = None
for _ in range(20):  # bob writes his report when the BYE has been answered
    try:
        b = next((json.loads(l) for l in open(bob_json) if json.loads(l).get("call_id") == a["call_id"]), None)
    except OSError:
        b = None
    if b:
        break
    time.sleep(0.1)
if b and b.get("answering_delay_us"):
    line += f", answering delay {b['answering_delay_us'] / 1000:.2f} ms (bob), RTP {b['rtp']['received']} packets received"
else:
    line += " (no report from bob)"
print(line)
