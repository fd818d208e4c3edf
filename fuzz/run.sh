#!/usr/bin/env bash
# Run every libFuzzer target for a bounded time over its seed corpus.
# Usage: fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET
# Prints one line per target: executions reached, and fails on any crash.
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
status=0
count=0
mkdir -p "$build/fuzz-work"
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}
  count=$((count + 1))
  corpus="$here/corpus/$name"
  work="$build/fuzz-work/$name"
  mkdir -p "$work"
  args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
  [ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
  dirs=("$work")
  [ -d "$corpus" ] && dirs+=("$corpus")
  if "$bin" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$work/log" | awk '{print $2}')
    echo "fuzz $name: ok, ${execs:-?} executions in ${secs}s"
  else
    echo "fuzz $name: FAILED (see $work/log)"; tail -40 "$work/log"; status=1
  fi
done
if [ $count -eq 0 ]; then echo "fuzz: no targets built in $build/fuzz"; exit 1; fi
if [ $status -eq 0 ]; then echo "fuzz: all targets clean"; fi
exit $status
