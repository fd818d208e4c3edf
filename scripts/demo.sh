#!/usr/bin/env bash
# make demo: the most useful thing openmikey can show on a fresh machine.
# Decodes the real MIKEY messages of RTSP cameras and of RFC 4567 with the
# `mikey` tool, then (when the key-agreement commands exist) runs a PSK and a
# DH exchange between an initiator and a responder and prints the agreed keys.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
mikey="$build/tools/mikey"
[ -x "$mikey" ] || { echo "demo: $mikey not built"; exit 1; }

hr() { printf '\n== %s ==\n' "$*"; }

hr "An Axis camera's MIKEY-NULL message (RTSP, GStreamer format), decoded"
echo "AQAFAJy5yWQBAABpbxJIAAAAAAsA7h7wcVt3bEgKEBTiXX9BnS8aH1LdCb0NcUEBAAAAFQABAQEBEAIBAQMBCgcBAQgBAQoBAQAAACIAIAAeO741gC1/tzaOFlwe89iZTkduk6SfjkL+dWJJDI8aAA==" | "$mikey" dump -

hr "RFC 4567 §5.1: the SDP offer of a SIP call, with its a=key-mgmt:mikey line"
cat <<'SDP' | "$mikey" dump -
v=0
o=alice 2891092738 2891092738 IN IP4 w-land.example.com
s=Cool stuff
e=alice@w-land.example.com
t=0 0
c=IN IP4 w-land.example.com
a=key-mgmt:mikey AQAFgM0XflABAAAAAAAAAAAAAAsAyONQ6gAAAAAGEEoo2pee4hp2UaDX8ZE22YwKAAAPZG9uYWxkQGR1Y2suY29tAQAAAAAAAQAk0JKpgaVkDaawi9whVBtBt0KZ14ymNuu62+Nv3ozPLygwK/GbAV9iemnGUIZ19fWQUOSrzKTAv9zV
m=audio 49000 RTP/SAVP 98
a=rtpmap:98 AMR/8000
m=video 52230 RTP/SAVP 31
a=rtpmap:31 H261/90000
SDP

if "$mikey" help 2>&1 | grep -q '^ *offer'; then
  bash "$here/scripts/demo-exchange.sh" "$build"
fi
echo
echo "demo: done"
