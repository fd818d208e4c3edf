#!/usr/bin/env bash
# The shared library exports only mikey_* symbols (hidden visibility plus the
# version script src/libmikey.map) and carries a SONAME.
set -euo pipefail
lib=$(ls "$MIKEY_BUILD"/libmikey.so.*.*.* 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "libmikey.so not built in $MIKEY_BUILD"; echo "0 passed, 1 failed"; exit 1; }
pass=0; fail=0
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sed 's/@.*//')
bad=$(echo "$syms" | grep -v '^mikey_' || true)
if [ -n "$bad" ]; then echo "not ok - non-mikey_ symbols exported:"; echo "$bad" | head -20; fail=$((fail+1))
else echo "ok - $(echo "$syms" | wc -l) exported symbols, all mikey_*"; pass=$((pass+1)); fi
for s in mikey_msg_parse mikey_msg_encode mikey_strerror mikey_env_default mikey_version; do
  if echo "$syms" | grep -qx "$s"; then pass=$((pass+1)); else echo "not ok - $s not exported"; fail=$((fail+1)); fi
done
if echo "$syms" | grep -q '^mk_'; then echo "not ok - internal mk_ symbols leak"; fail=$((fail+1)); else pass=$((pass+1)); fi
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = "libmikey.so.0" ]; then echo "ok - SONAME $soname"; pass=$((pass+1)); else echo "not ok - SONAME '$soname'"; fail=$((fail+1)); fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
