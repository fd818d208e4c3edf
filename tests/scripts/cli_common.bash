# SPDX-License-Identifier: BSD-2-Clause
# Helpers sourced by tests/scripts/cli_*.sh (not a test itself: CTest picks
# up *.sh only). Env from CTest: MIKEY_BIN (the mikey CLI), MIKEY_SRC,
# MIKEY_BUILD. A missing tool FAILS the test; it never skips.
set -u

SRC=${MIKEY_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
M=${MIKEY_BIN:-${MIKEY_BUILD:-$SRC/build}/tools/mikey}
T=$(mktemp -d "${TMPDIR:-/tmp}/mikey-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "FAIL: '$tool' is not installed (run scripts/setup.sh)" >&2
      exit 1
    fi
  done
}
need python3 xxd base64
if [ ! -x "$M" ]; then
  echo "FAIL: the mikey CLI is not built at $M" >&2
  exit 1
fi

# run CMD...: stdout in $T/out, stderr in $T/err, exit code in $RC.
run() {
  "$@" >"$T/out" 2>"$T/err"
  RC=$?
}

# expect_rc WHAT RC: the last run ended with exit code RC.
expect_rc() {
  if [ "$RC" -ne "$2" ]; then
    fail "$1: exit code $RC, expected $2; stderr: $(head -c 600 "$T/err")"
  else
    pass
  fi
}

# expect_err WHAT TEXT...: stderr of the last run contains every TEXT (fixed strings).
expect_err() {
  local what=$1
  shift
  for s in "$@"; do
    if grep -qF -- "$s" "$T/err"; then pass; else fail "$what: stderr lacks [$s]; stderr: $(head -c 600 "$T/err")"; fi
  done
}

# expect_out WHAT TEXT...: stdout of the last run contains every TEXT.
expect_out() {
  local what=$1
  shift
  for s in "$@"; do
    if grep -qF -- "$s" "$T/out"; then pass; else fail "$what: stdout lacks [$s]"; fi
  done
}

finish() {
  echo "$CHECKS checks passed, $FAILS failed"
  [ "$FAILS" -eq 0 ] && exit 0
  exit 1
}

# The valid messages of tests/golden/wire-corpus.txt (real and hand-written;
# "chain-" lines are header-less chains, not messages) as $T/msg/<name>.bin.
load_corpus() {
  mkdir -p "$T/msg"
  local n=0
  while read -r name hex; do
    case "$name" in ''|'#'*|chain-*) continue ;; esac
    printf '%s' "$hex" | xxd -r -p >"$T/msg/$name.bin"
    n=$((n + 1))
  done <"$SRC/tests/golden/wire-corpus.txt"
  if [ "$n" -lt 10 ]; then
    echo "FAIL: only $n messages in tests/golden/wire-corpus.txt" >&2
    exit 1
  fi
}
