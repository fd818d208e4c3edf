#!/usr/bin/env bash
# `make install` delivers a usable library: install the build into a
# temporary prefix, then build a small consumer twice, once with pkg-config
# and once with CMake's find_package(openmikey), and run both against the
# installed shared library.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { echo "ok - $1"; pass=$((pass+1)); }
ko() { echo "not ok - $1"; fail=$((fail+1)); }

if cmake --install "$MIKEY_BUILD" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then ok "cmake --install"; else ko "cmake --install"; cat "$tmp/install.log"; fi
libdir=$(dirname "$(find "$tmp/prefix" -name 'libmikey.so.0' | head -1)")
[ -f "$tmp/prefix/include/openmikey/openmikey.h" ] && ok "headers installed" || ko "headers installed"
[ -f "$tmp/prefix/include/openmikey/version.h" ] && ok "version.h installed" || ko "version.h installed"
[ -n "$libdir" ] && ok "libmikey.so.0 installed" || ko "libmikey.so.0 installed"

cat >"$tmp/consumer.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <openmikey/openmikey.h>
#include <openmikey/version.h>
int main(void)
{
    /* RFC 4567 §5.1 answer: HDR T ID V */
    static const unsigned char msg[] = {0x01,0x01,0x05,0x80,0xcd,0x17,0x7e,0x50,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x06,0x00,0xc8,0xe3,0x50,0xea,0x00,0x00,0x00,0x00,0x09,0x00,0x00,0x10,0x6d,0x69,0x63,0x6b,0x65,0x79,0x40,0x6d,0x6f,0x75,0x73,0x65,0x2e,0x63,0x6f,0x6d,0x00,0x01,0x9f,0xc1,0xdd,0x18,0x4e,0x41,0x30,0x35,0xc5,0x22,0xe1,0x84,0x81,0xaf,0xba,0xd8,0x08,0x18,0xe5,0xc7};
    mikey_msg *m = NULL;
    if (mikey_msg_parse(NULL, msg, sizeof msg, NULL, &m, NULL) != MIKEY_OK) return 1;
    int ok = mikey_msg_count(m) == 4 && strcmp(mikey_version(), MIKEY_VERSION) == 0;
    printf("%s %zu payloads\n", mikey_version(), mikey_msg_count(m));
    mikey_msg_free(m);
    return ok ? 0 : 1;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# A sanitizer build installs an instrumented library: its consumers need the
# same runtime first in line, so build them with the same flags.
san=""
deps=$(ldd "$libdir/libmikey.so.0" 2>/dev/null || true) # not piped into grep -q: with pipefail, SIGPIPE would hide a match
case "$deps" in *libasan*) san="-fsanitize=address,undefined" ;; esac
if cc $san "$tmp/consumer.c" -o "$tmp/pc" $(pkg-config --cflags --libs openmikey) 2>"$tmp/pc.log" && LD_LIBRARY_PATH="$libdir" "$tmp/pc"; then
  ok "pkg-config consumer builds and runs"
else ko "pkg-config consumer"; cat "$tmp/pc.log"; fi
if ldd "$tmp/pc" 2>/dev/null | grep -q "libmikey.so.0 => $libdir"; then :; fi

mkdir -p "$tmp/cm"
cat >"$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(openmikey REQUIRED)
add_executable(consumer ../consumer.c)
target_link_libraries(consumer PRIVATE openmikey::mikey)
CM
if cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$san" >"$tmp/cm.log" 2>&1 &&
   cmake --build "$tmp/cm/b" >>"$tmp/cm.log" 2>&1 && LD_LIBRARY_PATH="$libdir" "$tmp/cm/b/consumer"; then
  ok "CMake find_package consumer builds and runs"
else ko "CMake find_package consumer"; tail -30 "$tmp/cm.log"; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
