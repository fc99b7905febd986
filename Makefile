# zohosync — see README.md. `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
BUF      := tools/node_modules/.bin/buf
VENV     := .venv
PY       := $(VENV)/bin/python
BIN      := bin/zohosync
FAKES    := bin/zohosync-fakes
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GEN_DIRS := server/gen client/python/gen
export GOTOOLCHAIN ?= local

.PHONY: build generate check-generated lint lint-addon test test-go test-python bench demo tools tools-proto tools-python tools-grpcurl clean test-faults test-odoo test-real-odoo fuzz-short deb test-deb check-debian-python check-citations staticcheck wheel test-wheel bench-real-odoo

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./server/cmd/zohosync
	$(GO) build -o $(FAKES) ./server/cmd/zohosync-fakes

## tools: what generation needs (buf from npm; protoc 3.21 and grpc_python_plugin from Debian)
tools: tools-proto tools-python

tools-proto: $(BUF)
	@command -v protoc >/dev/null && command -v grpc_python_plugin >/dev/null || { \
	  echo "installing protoc and grpc_python_plugin from Debian"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends protobuf-compiler protobuf-compiler-grpc >/dev/null; }

$(BUF): tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund --loglevel=error
	@touch $(BUF)

tools-python: $(PY)

$(PY): client/python/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e client/python pytest pylint-odoo whool wheel babel
	@touch $(PY)

## generate: Go and Python code from proto/ (committed; CI checks it is up to date)
generate: tools-proto
	$(BUF) generate

check-generated: tools-proto
	$(BUF) generate
	@if [ -n "$$(git status --porcelain -- $(GEN_DIRS))" ]; then \
	  git status --short -- $(GEN_DIRS); \
	  echo "generated code is out of date: run 'make generate' and commit the result"; exit 1; fi

## lint: buf lint and format, buf breaking, gofmt, vet, the addon's static checks.
## buf breaking compares proto/ with the git branch main (FILE rules: wire and generated code).
## v1 was reshaped once before release (issue 10: ErrorReason, enums for closed sets, GetStatus
## embeds Schedule); that branch differs from the main it started from, and the check is meant to
## pass once it is merged, when main is that shape. From then on every change must keep v1
## compatible with main; a deliberate break needs a new package version (zohosync.v2).
## BUF_AGAINST overrides what is compared with (e.g. '.git\#ref=HEAD~1').
BUF_AGAINST ?= .git\#branch=main
lint: tools-proto lint-addon staticcheck check-citations
	$(BUF) lint
	$(BUF) format --diff --exit-code
	$(BUF) breaking --against '$(BUF_AGAINST)'
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@# the engine speaks in products and results; only package odoo knows the wire (docs/architecture.md)
	@if grep -nE 'image_1920|/\.id|"\.id"|xmlrpc|execute_kw|\.Code (==|!=)|odoo\.Fault' $$(git ls-files 'server/internal/engine/*.go' | grep -v '_test\.go$$'); then \
	  echo "server/internal/engine names an Odoo wire detail: move it into package odoo"; exit 1; fi

## staticcheck: no dead code (staticcheck's unused check, U1000, tests included); staticcheck is pinned in tools/go.mod
staticcheck:
	$(GO) tool -modfile=tools/go.mod staticcheck -checks U1000 -tests ./...

## check-citations: comments cite docs/, never the reference specs outside the repository
check-citations:
	tools/check-citations.sh

## test: everything CI runs
test: check-generated lint test-go test-python fuzz-short

## fuzz-short: a short run of every fuzz target (their seed corpora run in every `go test`)
## A count, not a duration: Go 1.26's fuzz coordinator can fail a run with "context deadline
## exceeded" when a -fuzztime duration ends mid-execution (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 40000x
fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./server/internal/images
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeItems$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./server/internal/zoho
	$(GO) test -run '^$$' -fuzz '^FuzzMap$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./server/internal/mapping
	$(GO) test -run '^$$' -fuzz '^FuzzParseMapping$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./server/internal/config

## test-faults: the fault suite alone, verbose (make test runs it too)
test-faults: build
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -v -run 'TestFaults|TestKill' -timeout 60m ./server/e2e

## grpcurl: the README's grpcurl commands run in the Go tests (TestReadmeGrpcurl)
tools-grpcurl:
	@command -v grpcurl >/dev/null || [ -x "$$($(GO) env GOPATH)/bin/grpcurl" ] || \
	  $(GO) install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4

# In-process tests run with the race detector; the e2e tests drive the normal
# binary (their in-process twins in server/internal already race-check the same code).
test-go: build tools-grpcurl
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) $(GO) test -race -count=1 -parallel 4 -timeout 15m ./...
	$(GO) test -count=1 -run '^TestFreePlanKeepsInSync$$' -timeout 10m ./server/internal/engine # skipped under -race (9 minutes there)

# The client tests run twice: on the newest grpcio/protobuf (.venv) and on the oldest
# supported, Debian's python3-grpcio 1.51 / python3-protobuf 4.21 (.ci/run installs them).
# A leg that cannot run fails: skipping it would claim a check that did not happen.
DEBIAN_PY ?= /usr/bin/python3
test-python: build tools-python check-debian-python
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) ZOHOSYNC_FAKES=$(CURDIR)/$(FAKES) $(PY) -m pytest -q client/python/tests
	@echo "client tests on $(DEBIAN_PY) (Debian grpcio/protobuf):"
	PYTHONPATH=client/python/src:client/python/gen ZOHOSYNC_BIN=$(CURDIR)/$(BIN) ZOHOSYNC_FAKES=$(CURDIR)/$(FAKES) \
	  $(DEBIAN_PY) -m pytest -q -p no:cacheprovider client/python/tests

check-debian-python:
	@$(DEBIAN_PY) -c 'import grpc, google.protobuf, pytest' 2>/dev/null || { \
	  echo "test-python: $(DEBIAN_PY) cannot import grpc, google.protobuf and pytest: apt-get install python3-grpcio python3-protobuf python3-pytest"; exit 1; }

## lint-addon: static checks of the Odoo addon (manifest, XML, fields/actions, ACLs, every pylint-odoo check)
## and that i18n/zoho_sync.pot lists every translatable string of the addon (no drift)
lint-addon: tools-python
	$(PY) odoo_addon/tools/check_addon.py --pylint odoo_addon/zoho_sync
	$(PY) odoo_addon/tools/check_pot.py odoo_addon/zoho_sync

## wheel: dist/ gets zohosync-client, odoo-addon-zoho_sync 17.0 and its 18.0 port (OCA's whool;
## versions from the manifests). Install: pip install --find-links dist odoo-addon-zoho_sync
## (The port is built outside the checkout: inside it, whool would take git's file list, which lacks it.)
wheel: tools-python
	rm -rf dist && mkdir -p dist
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist client/python
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist odoo_addon/zoho_sync
	port=$$(mktemp -d) && trap 'rm -rf "$$port"' EXIT && \
	  $(PY) odoo_addon/tools/port_addon.py --series 18 odoo_addon/zoho_sync "$$port" >/dev/null && \
	  $(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist "$$port/zoho_sync"
	@ls -1 dist

## test-wheel: the wheels installed into a real Odoo's Python and the module installed from them,
## then both uninstalled (ODOO_SERIES=17|18; not in CI, which has no Odoo)
test-wheel: wheel
	bash odoo_addon/tools/test_wheel.sh

## test-odoo: the addon's tests on a real Odoo 17 (not in `make test`: CI has no Odoo).
## ODOO_SERIES=18 for Odoo 18; ODOO_DIR, ODOO_CONF, ODOO_PYTHON, ODOO_TEST_PORT override the paths.
test-odoo: build
	bash odoo_addon/tools/test_odoo.sh

## test-real-odoo: the e2e sync tests against a real Odoo (not in CI, which has none).
## Copies $(REAL_ODOO_TEMPLATE) for each test and drops the copy afterwards.
REAL_ODOO          ?= http://127.0.0.1:8069
REAL_ODOO_TEMPLATE ?= odoo17
REAL_ODOO_MASTER   ?= local-master-17
test-real-odoo: build
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) ZOHOSYNC_REAL_ODOO=$(REAL_ODOO) ZOHOSYNC_REAL_ODOO_TEMPLATE=$(REAL_ODOO_TEMPLATE) \
	ZOHOSYNC_REAL_ODOO_MASTER=$(REAL_ODOO_MASTER) $(GO) test -count=1 -v -run RealOdoo -timeout 30m ./server/e2e

## bench-real-odoo: a first sync of 1,000 items with pictures into a real Odoo (not in CI), timed against
## a plain load() writer on another copy, with and without an API key (README "Against a real Odoo 18").
BENCH_ODOO          ?= http://127.0.0.1:8070
BENCH_ODOO_TEMPLATE ?= odoo18
BENCH_ODOO_MASTER   ?= local-master-18
BENCH_ODOO_PID      ?= # the Odoo server's pid, when it runs here: its CPU time is reported too
bench-real-odoo: build
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) ZOHOSYNC_REAL_ODOO=$(BENCH_ODOO) ZOHOSYNC_REAL_ODOO_TEMPLATE=$(BENCH_ODOO_TEMPLATE) \
	ZOHOSYNC_REAL_ODOO_MASTER=$(BENCH_ODOO_MASTER) ZOHOSYNC_REAL_ODOO_PID=$(BENCH_ODOO_PID) $(GO) test -count=1 -run '^$$' -bench RealOdoo -benchtime 1x -timeout 60m -v ./server/e2e

## bench: figures for the README (Go testing.B; see README "Performance")
bench: build
	ZOHOSYNC_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 90m ./server/e2e

## demo: emulated Zoho (600 items) + Odoo double (or DIR/odoo_config.json), real server, a run with progress
demo: build
	rm -rf .demo/config .demo/data
	$(FAKES) demo --dir .demo --bin $(BIN)

## deb: bin/zohosync_<version>_<arch>.deb (nfpm, pinned in tools/go.mod): the binary, the systemd
## unit, an example config and the Python client. Not part of `make test`; `make test-deb` installs it.
DEB_STAGE   := bin/deb-stage
DEB_VERSION ?= 0.0.$(shell git rev-list --count HEAD 2>/dev/null || echo 0)+g$(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
deb:
	rm -rf $(DEB_STAGE) bin/zohosync_*.deb
	mkdir -p $(DEB_STAGE)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(DEB_STAGE)/zohosync ./server/cmd/zohosync
	$(DEB_STAGE)/zohosync init --config-dir $(DEB_STAGE)/examples >/dev/null
	chmod 0755 $(DEB_STAGE)/examples && chmod 0644 $(DEB_STAGE)/examples/*
	git ls-files client/python | grep -v '^client/python/tests/' | while read -r f; do \
	  install -D -m 0644 "$$f" "$(DEB_STAGE)/python-client/$${f#client/python/}"; done
	DEB_VERSION='$(DEB_VERSION)' DEB_ARCH=$$($(GO) env GOARCH) \
	  $(GO) tool -modfile=tools/go.mod nfpm pkg --packager deb --config packaging/nfpm.yaml --target bin/
	@ls bin/zohosync_*.deb

## test-deb: build the package, install it here (root), check the unit, serve with the installed
## binary against the emulated Zoho and Odoo, remove it (the data directory stays).
test-deb: deb build
	bash packaging/test-deb.sh bin/zohosync_*.deb

clean:
	rm -rf bin .demo dist $(VENV)
