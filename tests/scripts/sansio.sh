#!/usr/bin/env bash
# Sans-I/O core (DESIGN.md): nothing under src/ reads the clock, the OS RNG,
# files or sockets, except the default environment in src/platform/. Only
# src/crypto/ossl_*.c and src/platform/ include OpenSSL (CONVENTIONS.md 2.2.6).
set -uo pipefail
cd "$MIKEY_SRC"
pass=0; fail=0
check() { # name, grep-regex, allowed-path-regex
  local hits
  hits=$(grep -rnE "$2" src --include='*.c' --include='*.h' | grep -vE "$3" || true)
  if [ -n "$hits" ]; then echo "not ok - $1:"; echo "$hits" | head; fail=$((fail+1)); else echo "ok - $1"; pass=$((pass+1)); fi
}
check "no clock reads outside src/platform" '\b(clock_gettime|gettimeofday|time\(|localtime|gmtime)\b' '^src/platform/'
check "no OS randomness outside src/platform" '\b(RAND_bytes|RAND_priv_bytes|getrandom|/dev/u?random|rand\(|random\(|arc4random)' '^src/platform/'
check "no file or socket I/O in src" '\b(fopen|open\(|socket\(|connect\(|sendto|recvfrom|printf\(|puts\(|sleep\(|usleep)' 'snprintf|vsnprintf|^src/platform/'
check "OpenSSL only in src/crypto/ossl_*.c and src/platform" '#include <openssl/' '^src/crypto/ossl_[a-z0-9_]+\.c:|^src/platform/'
check "no abort/exit in the library" '\b(abort|exit|assert)\(' '^$'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
