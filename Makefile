# Makefile -- the two commands (make run, make test) and the usual targets over CMake.
#
# Every target first runs scripts/install-deps.sh, which installs only the Debian
# packages that are missing, so a fresh Debian 12 machine needs nothing else.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 3
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps build build-asan build-fuzz test test-fast test-asan test-fuzz test-valgrind \
    fuzz fuzz-merge run install clean bench-quick bench-gate

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMEF_SANITIZE=ON

build-asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The libFuzzer targets (tests/fuzz): the whole tree with clang, coverage, ASan, UBSan.
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DMEF_FUZZ=ON

build-fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all

# The whole suite on the normal build, the integration drivers once more under valgrind
# (memcheck), the whole suite under ASan+UBSan, then every fuzz target on its seed
# corpus and a few seconds of fuzzing (a crash fails the test).
test: test-fast test-valgrind test-asan test-fuzz

test-fast: build
	ctest --test-dir $(BUILD) -LE valgrind $(CTEST_ARGS)

# The integration drivers with mefd, mef-gate and the CLIs under memcheck: any error
# or leak fails (tests/integration/wrap.sh). Three at a time: much of it is waiting
# (sleeps, timeouts), not CPU.
VALGRIND_JOBS ?= 3
test-valgrind: build
	ctest --test-dir $(BUILD) -L valgrind -j $(VALGRIND_JOBS) $(CTEST_ARGS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --test-dir $(ASAN_BUILD) $(CTEST_ARGS)

test-fuzz: build-fuzz
	FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BUILD)

# Each fuzz target for FUZZ_SECONDS (default 60) on a copy of its corpus; prints
# executions, crashes and time per target. fuzz-merge then adds the new inputs that
# bring coverage to the git corpus (tests/fuzz/corpus/).
fuzz: build-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BUILD)

fuzz-merge: build-fuzz
	sh tests/fuzz/run.sh --merge $(FUZZ_BUILD)

run: build
	sh scripts/run-demo.sh $(BUILD)

# A first quick measurement: bootstrap and fetch rates against a private mefd.
bench-quick: build
	sh bench/quick.sh $(BUILD)

# mef-gate: handshake rates (key cached, not cached) and added request latency,
# each against the upstream directly.
bench-gate: build
	sh bench/gate.sh $(BUILD)

# bench-cert: certificate against PSK bootstraps in one run.
.PHONY: bench-cert
bench-cert: build
	sh bench/cert.sh $(BUILD)

# bench: every metric of the performance goals against its reference (nginx, a bare
# OpenSSL PSK server), measured in one run; installs nginx when missing. BENCH_BIG
# (default 10000000) sets the size of the big store; see bench/bench.sh.
.PHONY: bench
bench: build
	sh bench/bench.sh $(BUILD)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
