# xdptop: `make run` and `make test` do everything on a fresh Debian/Ubuntu machine as root.

CLANG ?= clang
OUTPUT := build
ARCH_INCLUDE := /usr/include/$(shell uname -m)-linux-gnu
BPF_CFLAGS := -O2 -g -Wall -Werror -target bpfel -I$(ARCH_INCLUDE) -Ibpf
# Debian/Ubuntu packages, a set per goal, installed only when missing. Building and running:
# clang and libbpf-dev build the BPF object (clang brings libc6-dev, whose linux-libc-dev has the
# asm/ headers), libbpf1 and iproute2 run it, and --demo runs nsenter (util-linux). make is there
# if this runs; Node.js is node-check's.
APT_PACKAGES := clang libbpf-dev libbpf1 iproute2 util-linux
# `make test` and `make test-long` add: bpftool (tests read programs and maps with it), trafgen
# (netsniff-ng: the test traffic), tmux (the monitor on a real terminal), git (the tree's file list
# for the install tests), procps (pgrep, sysctl), util-linux (nsenter, unshare, setpriv) and systemd
# (systemd-analyze verify, for the README's unit; nothing starts systemd).
TEST_APT_PACKAGES := bpftool netsniff-ng tmux git procps util-linux systemd
# `make bench` adds: its anchors (top, bmon, bpftool), trafgen, tmux, strace (write counts), CPU
# pinning (taskset) and a C compiler (cc) for bench/map_read.c and bench/stats_dump.c.
BENCH_APT_PACKAGES := procps bmon bpftool netsniff-ng tmux strace util-linux gcc
NODE_TESTS = $(shell find test -name '*.test.ts' -o -name '*.test.tsx' | sort)

ifeq ($(V),1)
Q :=
else
Q := @
endif

BPF_OBJECTS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(wildcard bpf/*.bpf.c bpf/legacy/*.bpf.c))
FIXTURE_OBJECTS := $(patsubst test/fixtures/%.bpf.c,$(OUTPUT)/fixtures/%.bpf.o,$(wildcard test/fixtures/*.bpf.c))
BENCH_OBJECTS := $(patsubst bench/%.bpf.c,$(OUTPUT)/bench/%.bpf.o,$(wildcard bench/*.bpf.c))
SOURCES := $(shell find source test -name '*.ts' -o -name '*.tsx')

.PHONY: all deps apt-deps test-apt-deps test-bpffs bench-apt-deps node-check node-deps bpf build run test test-long bench install install-check uninstall clean single
.DELETE_ON_ERROR:

all: build

deps: node-check apt-deps node-deps

# A set found installed leaves a stamp named by its packages, so that the next make asks dpkg
# nothing (dpkg-query is most of what a repeated `make run` costs); a changed set has another
# name and is checked again; `make clean` forgets them. APT_STAMPS moves them (the tests do).
APT_STAMPS := $(OUTPUT)
comma := ,
space := $() $()
apt-stamp = $(APT_STAMPS)/.apt-$(subst $(space),$(comma),$(sort $(1)))

apt-deps: $(call apt-stamp,$(APT_PACKAGES))
test-apt-deps: $(call apt-stamp,$(TEST_APT_PACKAGES))
bench-apt-deps: $(call apt-stamp,$(BENCH_APT_PACKAGES))

# dpkg's status file changes with every install and removal: a package removed since the stamp
# is found missing again, and installed, instead of a build failing on a missing program.
DPKG_STATUS := /var/lib/dpkg/status
$(APT_STAMPS)/.apt-%: $(wildcard $(DPKG_STATUS))
	$(Q)missing=$$(for p in $(subst $(comma),$(space),$*); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     "$$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends $$missing >/dev/null; \
	fi
	$(Q)mkdir -p $(@D) && touch $@

# Says what is wrong where node is missing or too old, instead of `npm: No such file` (exit 127)
# or pages of minified source from a bundled library.
node-check:
	@version=$$(node -p process.versions.node 2>/dev/null) || { echo "xdptop needs Node.js 20 or newer, and there is no node on PATH: install Node.js 20 or newer" >&2; exit 1; }; \
	[ "$${version%%.*}" -ge 20 ] || { echo "xdptop needs Node.js 20 or newer; this is $$version" >&2; exit 1; }

node-deps: node-check node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	@echo "  NPM     ci"
	$(Q)npm ci --no-audit --no-fund --loglevel=error
	$(Q)touch $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/fixtures/%.bpf.o: test/fixtures/%.bpf.c $(wildcard test/fixtures/*.h) bpf/xdp_stats.bpf.c $(wildcard bpf/*.h)
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c $(wildcard bpf/*.h)
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# bounds.bpf.c is rows.bpf.c built again with a bounds check.
$(OUTPUT)/bench/bounds.bpf.o: bench/rows.bpf.c

bpf: $(BPF_OBJECTS) $(FIXTURE_OBJECTS) $(BENCH_OBJECTS)

# One bundled file (source/bundle/build.ts): Node parses it in ~0.1 s, where loading Ink's
# modules one by one takes ~0.4 s. dist/xdptop.mjs is the launcher that checks the Node version
# first, in syntax any Node parses.
dist/xdptop-main.mjs: $(SOURCES) tsconfig.json node_modules/.package-lock.json
	@echo "  TSC     --noEmit"
	$(Q)npx tsc -p tsconfig.json
	@echo "  BUNDLE  $@"
	$(Q)node --import tsx source/bundle/build.ts source/cli.tsx $@

dist/xdptop.mjs: source/launcher.mjs dist/xdptop-main.mjs
	$(Q)cp source/launcher.mjs $@
	$(Q)chmod +x $@

# The same bundle with test-only hooks (test/helpers/xdptop-test-main.tsx), for the tests that need
# them (an injected render crash). Kept out of dist/: what ships has no hooks.
$(OUTPUT)/xdptop-test.mjs: $(SOURCES) tsconfig.json node_modules/.package-lock.json
	@echo "  BUNDLE  $@"
	$(Q)mkdir -p $(@D)
	$(Q)node --import tsx source/bundle/build.ts test/helpers/xdptop-test-main.tsx $@

# The frame benchmark renders the UI as shipped: bundled with the same flags.
$(OUTPUT)/bench/frames.mjs: bench/frames.ts $(SOURCES) node_modules/.package-lock.json
	@echo "  BUNDLE  $@"
	$(Q)node --import tsx source/bundle/build.ts bench/frames.ts $@

# The Ink floor (bench/ink-floor.tsx): React and Ink, bundled as xdptop is, drawing one line a second.
$(OUTPUT)/bench/ink-floor.mjs: bench/ink-floor.tsx $(SOURCES) node_modules/.package-lock.json
	@echo "  BUNDLE  $@"
	$(Q)node --import tsx source/bundle/build.ts bench/ink-floor.tsx $@

build: deps bpf dist/xdptop.mjs $(OUTPUT)/xdptop-test.mjs

# One file for hosts without Node (Node's single executable applications): the node this make runs,
# stripped, carrying the single bundle, the BPF objects and koffi's native module (source/single/).
SINGLE := $(OUTPUT)/xdptop
SEA_FUSE := NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2

$(OUTPUT)/single/xdptop.mjs: $(SOURCES) tsconfig.json package.json node_modules/.package-lock.json
	@echo "  BUNDLE  $@"
	$(Q)mkdir -p $(@D)
	$(Q)node --import tsx source/bundle/build.ts source/cli.tsx $@ single

$(SINGLE): source/single/main.cjs $(OUTPUT)/single/xdptop.mjs $(BPF_OBJECTS)
	@echo "  SEA     $@"
	$(Q)node=$$(node -p process.execPath) && arch=$$(node -p process.arch) && \
	if ldd "$$node" | grep -q libnode; then echo "make single needs a Node.js with its runtime built in (an official build); $$node loads libnode" >&2; exit 1; fi && \
	printf '{"main":"%s","output":"%s","disableExperimentalSEAWarning":true,"assets":{"xdptop.mjs":"%s","xdp_stats.bpf.o":"%s","xdp_exceptions.bpf.o":"%s","legacy/xdp_stats_v1.bpf.o":"%s","legacy/xdp_stats_v2.bpf.o":"%s","legacy/xdp_stats_v3.bpf.o":"%s","legacy/xdp_stats_v4.bpf.o":"%s","koffi.node":"%s"}}\n' \
		source/single/main.cjs $(OUTPUT)/single/sea.blob $(OUTPUT)/single/xdptop.mjs $(OUTPUT)/xdp_stats.bpf.o $(OUTPUT)/xdp_exceptions.bpf.o $(OUTPUT)/legacy/xdp_stats_v1.bpf.o $(OUTPUT)/legacy/xdp_stats_v2.bpf.o $(OUTPUT)/legacy/xdp_stats_v3.bpf.o $(OUTPUT)/legacy/xdp_stats_v4.bpf.o \
		node_modules/@koromix/koffi-linux-$$arch/linux_$$arch/koffi.node >$(OUTPUT)/single/sea-config.json && \
	strip -o $@.tmp "$$node" && \
	{ { node --experimental-sea-config $(OUTPUT)/single/sea-config.json && \
		npx postject $@.tmp NODE_SEA_BLOB $(OUTPUT)/single/sea.blob --sentinel-fuse $(SEA_FUSE); } >$(OUTPUT)/single/sea.log 2>&1 || \
		{ cat $(OUTPUT)/single/sea.log >&2; exit 1; }; } && \
	mv $@.tmp $@

single: deps $(SINGLE)

# ARGS passes flags through: make run ARGS='--demo'
run: build
	$(Q)./dist/xdptop.mjs $(ARGS)

# A real Node 18 for the test that an old Node gets one line (the npm package node-linux-<arch>@18
# holds the binary); fetched once into build/.
NODE18 := $(OUTPUT)/node18/bin/node
$(NODE18):
	@echo "  NPM     node-linux-$$(node -p process.arch)@18"
	$(Q)rm -rf $(OUTPUT)/node18 && mkdir -p $(OUTPUT)/node18
	$(Q)cd $(OUTPUT)/node18 && npm pack --silent "node-linux-$$(node -p process.arch)@18" >/dev/null && tar xzf node-linux-*.tgz --strip-components=1 && rm node-linux-*.tgz

# Prometheus and promtool for the exporter's tests, from Debian's prometheus package, unpacked into
# build/: installing the package would start a Prometheus on every address of the host (its
# postinst starts the service) and enable it at boot, which a test setup must not do.
PROMETHEUS := $(OUTPUT)/prometheus/usr/bin/prometheus
$(PROMETHEUS):
	@echo "  APT     download prometheus (unpacked into $(OUTPUT)/prometheus: no service, no user)"
	$(Q)rm -rf $(OUTPUT)/prometheus && mkdir -p $(OUTPUT)/prometheus
	$(Q)cd $(OUTPUT)/prometheus && export DEBIAN_FRONTEND=noninteractive && \
	{ apt-get download -qq -o APT::Sandbox::User=root prometheus 2>/dev/null || \
		{ apt-get update -qq -o DPkg::Lock::Timeout=300 && apt-get download -qq -o APT::Sandbox::User=root prometheus; }; } && \
	dpkg-deb -x prometheus_*.deb . && rm prometheus_*.deb
	$(Q)$(PROMETHEUS) --version >/dev/null

# The tests keep attachments (pins under /sys/fs/bpf): bpffs is mounted there, as systemd does at
# boot, where a machine has none (xdptop mounts it itself only where it can tell that it runs in
# the host's mount namespace).
test-bpffs:
	$(Q)mountpoint -q /sys/fs/bpf || { echo "  MOUNT   bpffs at /sys/fs/bpf (mode 700)"; mount -t bpf -o mode=700 bpf /sys/fs/bpf; }

test: build test-apt-deps test-bpffs $(NODE18) $(SINGLE) $(PROMETHEUS)
	$(Q)node --import tsx --test --test-concurrency=1 $(NODE_TESTS)

# Scale and soak (500 interfaces, 100,000 ticks): minutes, not seconds; CI runs it too.
test-long: build test-apt-deps test-bpffs $(PROMETHEUS)
	$(Q)node --import tsx --test --test-concurrency=1 $(shell find test-long -name '*.test.ts' | sort)

# Prints every figure with its anchor; BENCH_JSON=FILE also writes them as JSON.
$(OUTPUT)/bench/map_read: bench/map_read.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -o $@ $< -lbpf

$(OUTPUT)/bench/stats_dump: bench/stats_dump.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -o $@ $<

bench:
	$(Q)$(MAKE) --no-print-directory build bench-apt-deps $(OUTPUT)/bench/map_read $(OUTPUT)/bench/stats_dump $(OUTPUT)/bench/frames.mjs $(OUTPUT)/bench/ink-floor.mjs
	$(Q)node --import tsx bench/run.ts

# The npm package's layout (package.json "files", and the run-time modules npm would install:
# koffi) in $(PREFIX)/lib/xdptop, and a launcher in $(PREFIX)/bin. DESTDIR stages it, as packagers
# do: files land under $(DESTDIR), and what they say names $(PREFIX) alone.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_LIB = $(DESTDIR)$(PREFIX)/lib/xdptop
INSTALL_BIN = $(DESTDIR)$(PREFIX)/bin/xdptop
# A path in sh single quotes, whatever it holds.
sq = '$(subst ','\'',$(1))'
# The node this make runs (process.execPath: a real binary, never a version manager's shim); read
# only when install's recipe runs, after node-check.
INSTALL_NODE = $(shell node -p process.execPath)
# The V8 flags of the entry's shebang (source/launcher.mjs), one list for both ways in.
V8_FLAGS = $(filter --%,$(shell head -n 1 source/launcher.mjs))
# `sudo xdptop` has root's PATH (secure_path), where a node from nvm is not: the launcher names
# its node by absolute path. Its second line is how install and uninstall know it from someone
# else's xdptop (npm's link, the single file); NODE_OPTIONS could make that node run any file.
LAUNCHER_1 := \#!/bin/sh
LAUNCHER_2 = \# xdptop launcher, written by make install: the Node.js it ran with, and xdptop from $(PREFIX).
LAUNCHER_3 = node=$(call sq,$(INSTALL_NODE))
LAUNCHER_4 = [ -x "$$node" ] || { echo "xdptop: $$node, the Node.js it was installed with, is gone: install xdptop again" >&2; exit 1; }
LAUNCHER_5 := unset NODE_OPTIONS
LAUNCHER_6 = exec "$$node" $(V8_FLAGS) $(call sq,$(PREFIX)/lib/xdptop/dist/xdptop.mjs) "$$@"
# Each line one sh word, for printf: written by the recipe, so `make -n install` writes nothing.
LAUNCHER_LINES = $(foreach line,1 2 3 4 5 6,$(call sq,$(LAUNCHER_$(line))))
LAUNCHER_MARK := \# xdptop launcher, written by make install.*
# In lib/xdptop: what says the directory is install's to replace or remove.
INSTALL_MARK := .installed-by-make-install

ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
ifeq ($(filter /%,$(firstword $(PREFIX))),)
$(error PREFIX must be an absolute path, and it is '$(PREFIX)')
endif
endif

# Refuses before anything changes: a bin/xdptop or lib/xdptop that is not install's own (npm's
# symlink, the single file, someone's directory) is never written through or removed; and root
# installs only a node that only root can change (every directory above it root's, and closed to
# others or sticky like /tmp), since the launcher runs it as root.
install-check:
	$(Q)bin=$(call sq,$(INSTALL_BIN)); lib=$(call sq,$(INSTALL_LIB)); \
	if [ -L "$$bin" ] || { [ -e "$$bin" ] && ! grep -qsx '$(LAUNCHER_MARK)' "$$bin"; }; then \
		echo "make install: $$bin is not make install's launcher (npm's link or another xdptop?): remove it first" >&2; exit 1; fi; \
	if [ -L "$$lib" ] || { [ -e "$$lib" ] && [ ! -e "$$lib/$(INSTALL_MARK)" ]; }; then \
		echo "make install: $$lib was not made by make install: remove it first" >&2; exit 1; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		path=$(call sq,$(INSTALL_NODE)); while :; do \
			set -- $$(stat -L -c '%u %a' "$$path"); \
			if [ "$$1" != 0 ] || { [ $$(( 0$$2 & 022 )) != 0 ] && [ $$(( 0$$2 & 01000 )) = 0 ]; }; then \
				echo "make install: root would run "$(call sq,$(INSTALL_NODE))" as root, but $$path can be changed by others than root (owner uid $$1, mode $$2): install with a node only root can change" >&2; exit 1; fi; \
			[ "$$path" = / ] && break; path=$$(dirname "$$path"); \
		done; \
	fi

# What ships, nothing of the tests. cp without -p: the files belong to whoever installs (root),
# not to the checkout's owner, since root loads the BPF object and runs the code. Run-time modules
# as npm ls lists them for production, less any package nobody depends on (EXTRANEOUS).
install: deps dist/xdptop.mjs $(BPF_OBJECTS) install-check
	@echo "  INSTALL "$(call sq,$(INSTALL_LIB))
	$(Q)rm -rf $(call sq,$(INSTALL_LIB))
	$(Q)mkdir -p $(call sq,$(INSTALL_LIB)) $(call sq,$(DESTDIR)$(PREFIX)/bin)
	$(Q)touch $(call sq,$(INSTALL_LIB)/$(INSTALL_MARK))
	$(Q)cp --parents package.json $$(node -p 'require("./package.json").files.join(" ")') $(call sq,$(INSTALL_LIB))
	$(Q)root=$$(pwd -P) && modules=$$(npm ls --omit=dev --all --parseable --long) && \
	printf '%s\n' "$$modules" | while IFS= read -r line; do \
		module=$${line%%:*}; \
		case "$$line" in *:EXTRANEOUS) continue;; esac; \
		[ "$$module" = "$$root" ] || cp -R --parents "$${module#"$$root"/}" $(call sq,$(INSTALL_LIB)) || exit 1; \
	done
	$(Q)chmod -R u=rwX,go=rX $(call sq,$(INSTALL_LIB))
	$(Q)printf '%s\n' $(LAUNCHER_LINES) >$(call sq,$(INSTALL_BIN).new) && chmod 755 $(call sq,$(INSTALL_BIN).new) && \
	mv -f $(call sq,$(INSTALL_BIN).new) $(call sq,$(INSTALL_BIN))

# Exactly what install put there: a bin/xdptop or lib/xdptop that is not install's own stays.
uninstall:
	$(Q)lib=$(call sq,$(INSTALL_LIB)); bin=$(call sq,$(INSTALL_BIN)); \
	if [ ! -L "$$lib" ] && [ -e "$$lib/$(INSTALL_MARK)" ]; then echo "  RM      $$lib"; rm -rf "$$lib"; \
	elif [ -e "$$lib" ] || [ -L "$$lib" ]; then echo "  KEPT    $$lib: not made by make install"; fi; \
	if [ ! -L "$$bin" ] && grep -qsx '$(LAUNCHER_MARK)' "$$bin"; then rm -f "$$bin"; \
	elif [ -e "$$bin" ] || [ -L "$$bin" ]; then echo "  KEPT    $$bin: not make install's launcher"; fi

clean:
	$(Q)rm -rf $(OUTPUT) dist
