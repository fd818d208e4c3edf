# openmikey: this Makefile only wraps CMake. The README's two commands:
#   make test   install what is missing, build with gcc (-Werror), run the
#               suite, run it again under ASan+UBSan, run each fuzzer briefly
#   make demo   install what is missing, build, run the demo
SHELL := /bin/bash
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
VG_BUILD   ?= build-valgrind
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 20
PREFIX     ?= /usr/local

.PHONY: all setup build check test test-asan test-valgrind fuzz fuzz-smoke demo install bench clean format \
        testbed bench-calls bench-load

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The suite once, gcc build.
check: build
	@ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc -DMIKEY_SANITIZE=ON -DMIKEY_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) -LE nosan

# The unit tests under valgrind memcheck (gcc Debug, no sanitizers): any
# error or definite/indirect leak fails (scripts/valgrind-tests.py,
# docs/security.md).
test-valgrind: setup
	@cmake -S . -B $(VG_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc -DMIKEY_BENCH=OFF >/dev/null
	@cmake --build $(VG_BUILD) -j$(JOBS)
	@python3 scripts/valgrind-tests.py $(VG_BUILD) --jobs $(JOBS) --label unit

# libFuzzer targets (clang), each for FUZZ_SECONDS.
fuzz: setup
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DMIKEY_FUZZ=ON \
	  -DMIKEY_TESTS=OFF -DMIKEY_TOOLS=OFF -DMIKEY_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)
	@bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

test: check test-asan fuzz-smoke
	@echo "make test: all suites passed"

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: build
	@bash bench/run.sh $(BUILD)

# Two-domain SIP testbed (docs/testbed.md): two Kamailio proxies, emulated
# WAN, alice and bob registered; demo calls, then everything stops.
# Options: make testbed TESTBED_ARGS="--transport udp --wan-ms 0 --seconds 300"
testbed: build
	@bash scripts/testbed.sh --build $(BUILD) $(TESTBED_ARGS)

# Calling/answering delays per transport, WAN delay and MIKEY mode (long:
# minutes per mode). Options: BENCH_CALLS_ARGS="--calls 20 --modes off,psk"
bench-calls: build
	@bash bench/call-delay.sh --build $(BUILD) $(BENCH_CALLS_ARGS)

# Answering capacity under sipp load per MIKEY mode (long: minutes per mode).
bench-load: build
	@bash bench/load.sh --build $(BUILD) $(BENCH_LOAD_ARGS)

install: build
	@cmake --install $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(VG_BUILD)
