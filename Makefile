# FaceAdversary: two commands set up a fresh Debian 12 machine and run the tests.
#   make setup   system packages (apt) and the dlib model files (PyPI); safe to re-run
#   make test    the examples, the API docs and the whole test suite (release: tests run real
#                networks; the README test runs the README's shell examples)
# Also: make build (CLI and examples in .build/release/), make docs, make bench, make lint,
# make fuzz (libFuzzer, FUZZ_SECONDS per target, default 60, or FUZZ_RUNS inputs if sooner), make fuzz-smoke (replay every kept
# fuzz input).

SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev libpng-dev libjpeg-dev libhdf5-dev \
                libfreetype-dev fonts-dejavu-core pkg-config python3-pip python3-yaml chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCHMARKS := gemm-bench layer-bench model-bench mtcnn-bench jpeg-bench dlib-bench hog-bench cnn-bench \
              attack-bench attack-cli-bench
EXAMPLES := toy-attack photo-attack detect-faces

.PHONY: setup build test docs bench lint fuzz fuzz-smoke

setup:
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "system packages present: $(APT_PACKAGES)"; \
	else \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(APT_PACKAGES); \
	fi
	bash Scripts/install_models.sh

build:
	swift build -c release --product advcli $(addprefix --product ,$(EXAMPLES))
	@echo "built .build/release/advcli and the examples: $(EXAMPLES)"

# The suite builds everything (CLI, examples, benchmarks, tests) in release; the docs then reuse
# that build's modules (`swift build` would rebuild them: it does not enable testing).
test:
	swift test -c release
	bash Scripts/build_docs.sh

# DocC documentation of the four libraries in .build/docs/<Module>; a DocC warning fails it.
docs:
	bash Scripts/build_docs.sh

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
	swift format lint --recursive --strict Sources Tests Benchmarks Examples Fuzz/Sources

fuzz:
	Fuzz/fuzz.sh run

fuzz-smoke:
	Fuzz/fuzz.sh smoke
