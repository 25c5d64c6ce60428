# Two commands for a new user: `make run` and `make test`. Both create .venv when needed and
# install exactly the locked versions (packaging/locks/, with hashes); `make lock` is the only
# thing that moves a version. The stamp file records the last install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCKS := packaging/locks
# dev: the tests' environment (onnxruntime on the CPU); dev-cuda: the same with onnxruntime-gpu,
# for a developer's machine with an NVIDIA GPU (`make test LOCK=dev-cuda`).
LOCK ?= dev
APT_PACKAGES := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libpulse0 \
  poppler-utils strace espeak-ng
export WORKSTATION_DATA ?= $(abspath ../shared/data)
# uv reads no pip configuration: hand it the folders pip is configured to search for wheels
# (where a machine keeps the CPU build of torch), so both installers see the same sources.
export UV_FIND_LINKS ?= $(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null)
UV := $(BIN)/uv
UV_COMPILE := $(UV) pip compile --quiet --generate-hashes --python-version 3.11 \
  --python-platform x86_64-manylinux_2_36 --only-binary :all: -c $(LOCKS)/onnxruntime.txt

.PHONY: run test bench fuzz lint lock system-deps venv clean

run: venv
	$(BIN)/workstation

test: venv system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python benchmarks/run_all.py

# Reader fuzzing (#14): mutated real files through every reader in capped worker processes;
# figures to benchmarks/out/fuzz_readers.json. A quick pass: make fuzz FUZZ_ARGS="--per-reader 300"
FUZZ_ARGS ?= --per-reader 10000 --seed 0 --workers 2
fuzz: venv
	$(BIN)/python benchmarks/fuzz_readers.py $(FUZZ_ARGS)

lint: venv
	$(BIN)/ruff check src tests benchmarks packaging
	$(BIN)/ruff format --check src tests benchmarks packaging
	$(BIN)/lint-imports --no-cache

venv: $(STAMP)

# uv is bootstrapped with pip from its own hashed lock, then installs the development lock
# (sync: what is not in the lock is removed) and the project itself, editable, with the
# locked build backend.
$(STAMP): pyproject.toml $(LOCKS)/$(LOCK).txt $(LOCKS)/uv.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCKS)/uv.txt
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCKS)/$(LOCK).txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-resolves every lock from pyproject.toml and the .in files: the one way versions move.
# A version already locked stays unless it no longer fits; `make lock UPGRADE=--upgrade` moves
# everything to the newest release. dev.txt is what the tests run; the other locks take their
# shared versions from it, so the ward runs what the tests ran.
lock: venv
	$(UV_COMPILE) $(UPGRADE) pyproject.toml $(LOCKS)/tools.in --extra cpu --extra dev --extra train \
	  -o $(LOCKS)/dev.txt
	$(UV_COMPILE) pyproject.toml $(LOCKS)/tools.in --extra gpu --extra dev --extra train \
	  -c $(LOCKS)/dev.txt -o $(LOCKS)/dev-cuda.txt
	$(UV_COMPILE) $(LOCKS)/uv.in -c $(LOCKS)/dev.txt -o $(LOCKS)/uv.txt
	$(UV_COMPILE) pyproject.toml --extra cpu -c $(LOCKS)/dev.txt -o $(LOCKS)/cpu.txt
	$(UV_COMPILE) pyproject.toml --extra gpu -c $(LOCKS)/dev.txt -o $(LOCKS)/cuda.txt
	$(UV_COMPILE) $(LOCKS)/bundle.in -c $(LOCKS)/cpu.txt -o $(LOCKS)/bundle.txt

# Debian packages for a real Qt window under Xvfb, for rendering and printing PDFs, the syscall
# audit (strace) and speech at set rates (espeak-ng); installed only when one is missing (needs
# root, as on the ward build machines and CI).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache

# Offline installation for air-gapped wards (packaging/README.md). Only `wheelhouse` (it
# downloads the locked wheels) and the build venv's PyInstaller need the package index; the
# installs and smoke tests run in a network namespace with no interfaces (`unshare -rn`, as
# root or with user namespaces).
WHEELHOUSE := dist/wheelhouse
BUILD_VENV := .build-venv
BUNDLE := dist/bundle/workstation

.PHONY: wheelhouse wheelhouse-test bundle bundle-test

wheelhouse: venv
	$(BIN)/python packaging/wheelhouse.py --out $(WHEELHOUSE)

# Installs the CPU wheelhouse into a fresh venv with no network and smoke-tests it.
wheelhouse-test:
	rm -rf build/offline-install
	unshare -rn sh -c '$(WHEELHOUSE)/cpu/install-offline.sh $(CURDIR)/build/offline-install \
	  && packaging/smoke-test.sh build/offline-install/bin/workstation'

# The bundle is built from the ward's own wheels (the CPU wheelhouse, installed offline) plus
# PyInstaller, in a venv of its own, so nothing from the dev venv leaks in.
bundle: wheelhouse
	rm -rf $(BUILD_VENV)
	unshare -rn $(WHEELHOUSE)/cpu/install-offline.sh $(CURDIR)/$(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --require-hashes -r $(LOCKS)/bundle.txt
	$(BUILD_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath $(dir $(BUNDLE)) \
	  --workpath build/pyinstaller packaging/workstation.spec

bundle-test:
	unshare -rn packaging/smoke-test.sh $(BUNDLE)/workstation
