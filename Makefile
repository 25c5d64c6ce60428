# Two commands for a new user: `make run` and `make test`. Both create .venv when needed and
# reinstall only when pyproject.toml changed (the stamp file records the last install).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= cpu,dev,train
APT_PACKAGES := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libpulse0 poppler-utils
export WORKSTATION_DATA ?= $(abspath ../shared/data)

.PHONY: run test bench lint system-deps venv clean

run: venv
	$(BIN)/workstation

test: venv system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python benchmarks/run_all.py

lint: venv
	$(BIN)/ruff check src tests benchmarks

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

# Debian packages for a real Qt window under Xvfb and for rendering PDFs; installed only when
# one is missing (needs root, as on the ward build machines and CI).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache

# Offline installation for air-gapped wards (packaging/README.md). Only `wheelhouse` and the
# build venv's PyInstaller need the package index; the installs and smoke tests run in a
# network namespace with no interfaces (`unshare -rn`, as root or with user namespaces).
WHEELHOUSE := dist/wheelhouse
BUILD_VENV := .build-venv
BUNDLE := dist/bundle/workstation
PYINSTALLER := pyinstaller==6.22.3

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
	$(BUILD_VENV)/bin/python -m pip install --quiet $(PYINSTALLER)
	$(BUILD_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath $(dir $(BUNDLE)) \
	  --workpath build/pyinstaller packaging/workstation.spec

bundle-test:
	unshare -rn packaging/smoke-test.sh $(BUNDLE)/workstation
