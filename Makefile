# FaceAdversary: two commands set up a fresh Debian 12 machine and run the tests.
#   make setup   system packages (apt) and the dlib model files (PyPI); safe to re-run
#   make test    the whole test suite (release mode: tests run real networks)
# Also: make build (CLI at .build/release/advcli), make bench, make lint, make fuzz (libFuzzer,
# FUZZ_SECONDS per target, default 60), make fuzz-smoke (replay every kept fuzz input).

SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev libpng-dev libjpeg-dev libhdf5-dev \
                libfreetype-dev fonts-dejavu-core pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCHMARKS := gemm-bench layer-bench model-bench mtcnn-bench jpeg-bench dlib-bench hog-bench \
              attack-bench attack-cli-bench

.PHONY: setup build test bench lint fuzz fuzz-smoke

setup:
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "system packages present: $(APT_PACKAGES)"; \
	else \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(APT_PACKAGES); \
	fi
	bash Scripts/install_models.sh

build:
	swift build -c release --product advcli
	@echo "built .build/release/advcli"

test:
	swift test -c release

# Every benchmark twice: with the environment as it is, then with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset for that one command (what a machine without them gets).
bench:
	swift build -c release --product advcli $(addprefix --product ,$(BENCHMARKS))
	@for b in $(BENCHMARKS); do \
	  echo "### $$b, environment as it is"; .build/release/$$b || exit 1; \
	  echo "### $$b, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset"; \
	  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .build/release/$$b || exit 1; \
	done

lint:
	swift format lint --recursive --strict Sources Tests Benchmarks

fuzz:
	Fuzz/fuzz.sh run

fuzz-smoke:
	Fuzz/fuzz.sh smoke
