# Weft: the one entry point for people and CI.
#   make run    set up what is missing, build, open the app on the bundled demo case
#   make test   set up what is missing, run every test
#   make bench  ingest benchmarks on generated data (BENCH=large for the large set)
#   make package  the release .deb (target/release/bundle/deb/), see "packaging" below
#   make fmt / make lint

SHELL := /bin/bash
CARGO ?= cargo
DEMO_CASE ?= target/demo/demo.weft
BENCH ?= medium

# Debian packages: building the engine, building the app, testing the app window.
ENGINE_PKGS := build-essential pkg-config
APP_PKGS := libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev file
E2E_PKGS := xvfb xauth webkit2gtk-driver xdotool python3-gi
# Fonts for what logs hold: emoji and CJK text render instead of empty boxes (issue 23).
FONT_PKGS := fonts-noto-color-emoji fonts-noto-cjk
BENCH_PKGS := time python3

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench fmt lint deps-engine engine-test demo demo-report deps-otel otel-test

# Installs only the packages that dpkg says are missing, so a prepared machine is not touched.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps-engine:
	$(call apt_install,$(ENGINE_PKGS))

engine-test: deps-engine
	$(CARGO) test --locked

# ---- real OpenTelemetry clients against `weft receive` (issue 20) ---------------------------
# deps-otel: a test-only Python venv with the SDK and its OTLP exporters, pinned in
# tests/otel/requirements.txt (made again when that file changes).
OTEL_VENV := target/otel-venv
OTEL_PYTHON ?= python3

deps-otel: $(OTEL_VENV)/.installed

$(OTEL_VENV)/.installed: tests/otel/requirements.txt
	$(call apt_install,python3-venv)
	rm -rf $(OTEL_VENV)
	$(OTEL_PYTHON) -m venv $(OTEL_VENV)
	$(OTEL_VENV)/bin/pip install -q --disable-pip-version-check -r tests/otel/requirements.txt
	@touch $@

# otel-test: the Python SDK exports spans and logs over HTTP and gRPC to the real
# `weft receive` (tests/otel/test_python_sdk.py).
otel-test: deps-engine deps-otel
	$(CARGO) build --locked --bin weft
	$(OTEL_VENV)/bin/python -m unittest discover -s tests/otel -p 'test_*.py' -v

demo: deps-engine
	$(CARGO) build --locked --bin weft
	scripts/demo-case.sh $(DEMO_CASE)

# demo-report: the demo case with the marks that tell its story (scripts/demo-notebook.sh),
# and its postmortem report in both formats in docs/reports/ (review the diff).
demo-report: deps-engine
	$(CARGO) build --locked --bin weft
	scripts/demo-notebook.sh $(DEMO_CASE) docs/reports

bench: deps-engine
	$(call apt_install,$(BENCH_PKGS))
	scripts/bench.sh $(BENCH)

fmt:
	$(CARGO) fmt --all

# ---- the two commands ------------------------------------------------------------------
# run: the demo incident (tests/fixtures/demo) loaded into $(DEMO_CASE), then the app on it.
run: demo
	$(MAKE) open-app

# test: the engine (cargo test), the app's Rust tests, the UI's Vitest and type check,
# and the real app window end to end under Xvfb.
test: engine-test app
	$(CARGO) test --locked -p weft-app --features weft-app/custom-protocol
	$(MAKE) otel-test
	$(MAKE) ui-test
	$(MAKE) e2e
	$(MAKE) otel-node-test
	$(MAKE) package-test

lint: deps-app-build
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	cd ui && $(NPM) run check

# ---- app targets (src-tauri/, ui/, tests/e2e/) go below -------------------------------
#   deps-app  everything below needs: apt packages, node modules, tauri-driver
#   ui-test   Vitest and svelte-check + tsc of ui/
#   app       ui/dist, then target/debug/weft-app with it embedded, and target/debug/weft
#   e2e       the real window under Xvfb, driven through tauri-driver (tests/e2e/)
#   open-app  target/debug/weft-app on $(DEMO_CASE); under xvfb-run when there is no display
#   bindings  rewrites ui/src/lib/api/generated/bindings.ts from the Rust types (a test of
#             `make test` fails while it is stale); review the diff
#   screenshots  the real window on the demo case under Xvfb: PNGs of the main views in docs/screenshots/

NPM ?= npm
CARGO_BIN ?= $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
XVFB_RUN := xvfb-run -a -s "-screen 0 1400x900x24"
APP_BIN := target/debug/weft-app

.PHONY: deps-app deps-app-build deps-e2e node-version ui-test app e2e open-app screenshots bindings

deps-app: deps-app-build deps-e2e

# What `app` needs: the WebKit build packages and ui/node_modules.
deps-app-build: node-version ui/node_modules/.package-lock.json
	$(call apt_install,$(ENGINE_PKGS) $(APP_PKGS) $(FONT_PKGS))

# What `e2e` needs on top: Xvfb, WebKitWebDriver, webdriverio, tauri-driver.
deps-e2e: node-version tests/e2e/node_modules/.package-lock.json
	$(call apt_install,$(E2E_PKGS))
	@command -v tauri-driver >/dev/null || [ -x "$(CARGO_BIN)/tauri-driver" ] || \
	  $(CARGO) install tauri-driver --locked

# Vite 8 needs Node 20.19 or newer; say so plainly instead of failing deep in a build.
node-version:
	@node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' 2>/dev/null || \
	  { echo "Node.js >= 20.19 with npm is needed (found: $$(node --version 2>&1))"; exit 1; }

# `npm ci` only when node_modules is missing or older than the lock file.
%/node_modules/.package-lock.json: %/package-lock.json
	cd $* && $(NPM) ci --no-audit --no-fund
	@touch $@

ui-test: node-version ui/node_modules/.package-lock.json
	cd ui && $(NPM) test
	cd ui && $(NPM) run check

# Vite runs only when a UI source changed: a fresh ui/dist makes cargo relink weft-app.
UI_SOURCES := $(shell find ui/src -type f) ui/index.html ui/package-lock.json \
	ui/vite.config.ts ui/svelte.config.js ui/tsconfig.json
ui/dist/index.html: $(UI_SOURCES) | ui/node_modules/.package-lock.json
	cd ui && $(NPM) run build

app: deps-app-build ui/dist/index.html
	$(CARGO) build --locked -p weft-app -p weft --features weft-app/custom-protocol

bindings: deps-app-build ui/dist/index.html
	UPDATE_BINDINGS=1 $(CARGO) test --locked -p weft-app --features weft-app/custom-protocol bindings

e2e: app deps-e2e deps-otel-node
	PATH="$(CARGO_BIN):$$PATH" $(XVFB_RUN) node --test --test-concurrency=1 tests/e2e/*.test.mjs

# otel-node-test: the OpenTelemetry Node SDK (tests/otel/node, a test-only npm project)
# exports spans and logs to the real `weft receive`; the case must hold exactly them (issue 20).
.PHONY: deps-otel-node otel-node-test
deps-otel-node: node-version tests/otel/node/node_modules/.package-lock.json

otel-node-test: deps-engine deps-otel-node
	$(CARGO) build --locked --bin weft
	node --test --test-concurrency=1 tests/otel/node/sdk.test.mjs

open-app: app
	@[ -e "$(DEMO_CASE)" ] || echo "note: $(DEMO_CASE) does not exist yet; the app opens it empty (make demo loads it)"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(APP_BIN) --case "$(DEMO_CASE)"; \
	else echo "no display: running under xvfb-run"; $(XVFB_RUN) $(APP_BIN) --case "$(DEMO_CASE)"; fi

SHOTS_DIR := docs/screenshots

screenshots: app deps-e2e demo
	PATH="$(CARGO_BIN):$$PATH" xvfb-run -a -s "-screen 0 1600x1000x24" \
	  node tests/e2e/screenshots.mjs "$(DEMO_CASE)" $(SHOTS_DIR)

# ---- packaging (issue 21) ---------------------------------------------------------------
#   package       the release .deb with Tauri's bundler (scripts/package.sh; the files it adds
#                 are in packaging/linux/ and src-tauri/tauri.conf.json bundle.linux.deb)
#   package-test  a debug .deb built, installed (dpkg -i as root, else dpkg -x into a scratch
#                 root), checked and removed (tests/package/package-test.sh; PACKAGE_PROFILE=release
#                 checks the release one)
PACKAGE_PKGS := dpkg-dev desktop-file-utils xdg-utils shared-mime-info libglib2.0-bin dbus

.PHONY: package package-test

package: deps-app-build ui/dist/index.html
	scripts/package.sh

package-test: deps-app deps-package ui/dist/index.html
	PATH="$(CARGO_BIN):$$PATH" tests/package/package-test.sh

deps-package:
	$(call apt_install,$(PACKAGE_PKGS))

# ---- hardening (issue 8): fuzzing and the long kill run ---------------------------------
#   fuzz   each fuzz target of fuzz/ (every decoder, the sniffers, the query parser) for
#          FUZZ_SECONDS (default 60) with libFuzzer on the stable toolchain (fuzz/run.sh);
#          FUZZ_TARGETS="sniff query_parse" runs only those. Crashes land in fuzz/artifacts/.
#   soak   the kill harness (tests/it/kill.rs) with WEFT_KILLS kills (default 200) instead
#          of the 20 of `make test`; WEFT_KILL_SEED=N replays a run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
WEFT_KILLS ?= 200

.PHONY: fuzz soak

fuzz: deps-engine
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ_TARGETS)

soak: deps-engine
	WEFT_KILLS=$(WEFT_KILLS) $(CARGO) test --locked --test it kill -- --nocapture

# ---- measuring the app (not part of `make test`) ---------------------------------------
#   measure-app  the release app under Xvfb: launch to first paint of the demo case, opening
#                its traces, a 100k-span trace, a 5M-line log view (scripts/measure-app.mjs prints tables).
#                MEASURE_TARGET: cargo target dir for the release build; PARTS=launch,open,trace,logs.

MEASURE_TARGET ?= target

# measure-frames  the release app under Xvfb: the web view's frame floor (an empty page, a
#                canvas, the waterfall's structure) and the 1M-span waterfall's JS per frame
#                (scripts/measure-frames.mjs; PARTS=floor,trace, TRACE_SPANS, FRAMES).
.PHONY: measure-frames
measure-frames: deps-app ui/dist/index.html
	CARGO_TARGET_DIR=$(MEASURE_TARGET) $(CARGO) build --locked --release -p weft-app -p weft --features weft-app/custom-protocol
	PATH="$(CARGO_BIN):$$PATH" CARGO_TARGET_DIR=$(MEASURE_TARGET) $(XVFB_RUN) node scripts/measure-frames.mjs

.PHONY: measure-app
measure-app: deps-app ui/dist/index.html demo
	$(call apt_install,sqlite3)
	CARGO_TARGET_DIR=$(MEASURE_TARGET) $(CARGO) build --locked --release -p weft-app -p weft --features weft-app/custom-protocol
	PATH="$(CARGO_BIN):$$PATH" CARGO_TARGET_DIR=$(MEASURE_TARGET) $(XVFB_RUN) node scripts/measure-app.mjs
