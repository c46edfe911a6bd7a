# Frontline Care — the few commands a newcomer and CI need. The build itself is CMake's.
#   make demo   install what is missing, start everything, play the demo, stop everything
#   make test   install what is missing, build twice (-Werror; ASan+UBSan) and run the suite
#   make up / make down / make bench / make clean
SHELL := /bin/bash
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build build-asan test test-fast demo up down bench clean

all: build

deps:
	@bash infra/scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFC_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)
	@if ! command -v npm >/dev/null; then \
	   echo "web console not built: npm is missing (infra/scripts/deps.sh --with-extras)"; \
	 elif ! bash infra/scripts/web.sh; then \
	   echo "web console not built: infra/scripts/web.sh failed (is the npm registry reachable?)"; fi

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFC_SANITIZE=ON -DFC_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

# The whole suite twice: the -Werror build, then AddressSanitizer + UndefinedBehaviorSanitizer.
test: build build-asan
	@bash infra/scripts/run-tests.sh $(BUILD) $(ASAN_BUILD)

# One build only, for a quick local loop.
test-fast: build
	@bash infra/scripts/run-tests.sh $(BUILD)

demo: build
	@bash infra/scripts/demo.sh $(BUILD)

up: build
	@bash infra/scripts/up.sh $(BUILD)

down:
	@bash infra/scripts/down.sh

bench: build
	@bash tests/bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz out bench/results.json web/dist
