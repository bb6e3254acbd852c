# Makefile -- the two commands (make run, make test) and the usual targets over CMake.
#
# Every target first runs scripts/install-deps.sh, which installs only the Debian
# packages that are missing, so a fresh Debian 12 machine needs nothing else.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
CTEST_ARGS ?= --output-on-failure

.PHONY: all deps build build-asan test test-fast test-asan run install clean \
    bench-quick bench-gate

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

# The whole suite on the normal build, then once more under ASan+UBSan.
test: test-fast test-asan

test-fast: build
	ctest --test-dir $(BUILD) $(CTEST_ARGS)

test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --test-dir $(ASAN_BUILD) $(CTEST_ARGS)

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

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
