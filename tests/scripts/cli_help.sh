#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mikey --help / help <cmd> / <cmd> --help / --version, the man page
# (docs/mikey.1 must render without warnings and document every option),
# and the examples in docs/cli.md and docs/json.md (they must match what
# the tool really does).
. "$(dirname "$0")/cli_common.bash"
need groff
load_corpus

version=$(sed -n 's/^project(openmikey VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$version" ] || fail "no version in CMakeLists.txt"

for args in "--help" "-h" "help"; do
  # shellcheck disable=SC2086
  run "$M" $args
  expect_rc "mikey $args" 0
  expect_out "mikey $args" "Usage: mikey <command>" "  dump " "  encode " "Exit status"
done
for args in "--version" "version"; do
  run "$M" $args
  expect_rc "mikey $args" 0
  if [ "$(cat "$T/out")" = "mikey (openmikey) $version" ]; then pass; else fail "mikey $args: $(cat "$T/out")"; fi
done
run "$M"
expect_rc "mikey without a command" 2
expect_err "mikey without a command" "Usage: mikey <command>"

declare -A opts=([dump]="--json --in --strict raw base64 hex sdp" [encode]="--out base64 hex raw sdp")
for cmd in dump encode; do
  run "$M" help "$cmd"
  expect_rc "mikey help $cmd" 0
  cp "$T/out" "$T/help.$cmd"
  if head -1 "$T/help.$cmd" | grep -q "^Usage: mikey $cmd "; then pass; else fail "mikey help $cmd: no usage line"; fi
  for form in "--help" "-h"; do
    run "$M" "$cmd" "$form"
    expect_rc "mikey $cmd $form" 0
    if cmp -s "$T/out" "$T/help.$cmd"; then pass; else fail "mikey $cmd $form differs from mikey help $cmd"; fi
  done
  # Every option in the help is in the man page too.
  for o in ${opts[$cmd]}; do
    if grep -qF -- "$o" "$T/help.$cmd"; then pass; else fail "help $cmd lacks $o"; fi
  done
done

# ---- the man page ----
man1=$SRC/docs/mikey.1
groff -man -Tutf8 -ww -z "$man1" 2>"$T/groff.err"
if [ $? -eq 0 ] && [ ! -s "$T/groff.err" ]; then pass; else fail "groff warnings: $(cat "$T/groff.err")"; fi
MANWIDTH=100 groff -man -Tutf8 -rLL=100n "$man1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' >"$T/man.txt"
for s in "mikey - inspect and craft MIKEY messages" "mikey dump [--json] [--in FORMAT] [--strict] [FILE|-]" \
         "mikey encode [--out FORMAT] [FILE|-]" "-j, --json" "-i, --in FORMAT" "--strict" "-o, --out FORMAT" \
         "INPUT FORMATS" "EXIT STATUS" "a=key-mgmt" "v=0" "KeyMgmt:" "even number" "padding" "media N (type)"; do
  if grep -qF -- "$s" "$T/man.txt"; then pass; else fail "man page lacks [$s]"; fi
done
if grep -q "\"openmikey $version\"" "$man1"; then pass; else fail "man page version is not $version"; fi
if command -v man >/dev/null 2>&1; then
  if MANWIDTH=80 man -l "$man1" >/dev/null 2>"$T/man.err"; then pass; else fail "man -l: $(cat "$T/man.err")"; fi
fi

# ---- docs/cli.md: the dump example is real output ----
python3 - "$SRC/docs/cli.md" "$T" <<'PYEOF' || fail "docs/cli.md: example not found"
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"```console\n\$ echo '(a=key-mgmt:mikey [^']+)' \| mikey dump\n(.*?)```", text, re.S)
assert m, "no dump example"
open(sys.argv[2] + "/cli-in", "w").write(m.group(1) + "\n")
open(sys.argv[2] + "/cli-want", "w").write(m.group(2))
PYEOF
run "$M" dump "$T/cli-in"
if cmp -s "$T/out" "$T/cli-want"; then pass; else fail "docs/cli.md dump example differs: $(diff "$T/cli-want" "$T/out" | head -5)"; fi
# Its error example too.
head -c 100 "$T/msg/axis-camera.bin" >"$T/axis100"
run "$M" dump "$T/axis100"
want=$(grep '^mikey: dump: KEMAC' "$SRC/docs/cli.md")
if [ "$(cat "$T/err")" = "$want" ]; then pass; else fail "docs/cli.md error example differs"; fi

# ---- docs/json.md: the example encodes to the axis-camera sample ----
python3 - "$SRC/docs/json.md" >"$T/json-example.json" <<'PYEOF' || fail "docs/json.md: no example"
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"## Example.*?```json\n(.*?)```", text, re.S)
assert m
sys.stdout.write(m.group(1))
PYEOF
run "$M" encode --out raw "$T/json-example.json"
expect_rc "docs/json.md example" 0
if cmp -s "$T/out" "$T/msg/axis-camera.bin"; then pass; else fail "docs/json.md example does not encode to the axis sample"; fi

finish
