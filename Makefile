# xdptop: `make run` and `make test` do everything on a fresh Debian/Ubuntu machine as root.

CLANG ?= clang
OUTPUT := build
ARCH_INCLUDE := /usr/include/$(shell uname -m)-linux-gnu
BPF_CFLAGS := -O2 -g -Wall -Werror -target bpfel -I$(ARCH_INCLUDE) -Ibpf
# Debian/Ubuntu packages the build, the tool and the tests need; installed only when missing.
APT_PACKAGES := clang libbpf-dev libbpf1 bpftool iproute2 netsniff-ng tmux
# Only `make bench` needs these: its anchors (top, bmon) and CPU pinning (taskset).
BENCH_APT_PACKAGES := procps bmon util-linux strace
NODE_TESTS = $(shell find test -name '*.test.ts' -o -name '*.test.tsx' | sort)

ifeq ($(V),1)
Q :=
else
Q := @
endif

BPF_OBJECTS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(wildcard bpf/*.bpf.c))
FIXTURE_OBJECTS := $(patsubst test/fixtures/%.bpf.c,$(OUTPUT)/fixtures/%.bpf.o,$(wildcard test/fixtures/*.bpf.c))
BENCH_OBJECTS := $(patsubst bench/%.bpf.c,$(OUTPUT)/bench/%.bpf.o,$(wildcard bench/*.bpf.c))
SOURCES := $(shell find source test -name '*.ts' -o -name '*.tsx')

.PHONY: all deps apt-deps node-check node-deps bpf build run test test-long bench clean
.DELETE_ON_ERROR:

all: build

deps: node-check apt-deps node-deps

apt-deps:
	$(Q)missing=$$(for p in $(APT_PACKAGES) $(EXTRA_APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

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

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/xdp_stats.h bpf/xdp_stats_maps.h
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/fixtures/%.bpf.o: test/fixtures/%.bpf.c bpf/xdp_stats.bpf.c bpf/xdp_stats.h bpf/xdp_stats_maps.h
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c
	@echo "  BPF     $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

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

build: deps bpf dist/xdptop.mjs $(OUTPUT)/xdptop-test.mjs

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

test: build $(NODE18)
	$(Q)node --import tsx --test --test-concurrency=1 $(NODE_TESTS)

# Scale and soak (500 interfaces, 100,000 ticks): minutes, not seconds; CI runs it too.
test-long: build
	$(Q)node --import tsx --test --test-concurrency=1 $(shell find test-long -name '*.test.ts' | sort)

# Prints every figure with its anchor; BENCH_JSON=FILE also writes them as JSON.
$(OUTPUT)/bench/batch_lookup: bench/batch_lookup.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -Wall -o $@ $< -lbpf

bench:
	$(Q)$(MAKE) --no-print-directory build $(OUTPUT)/bench/batch_lookup $(OUTPUT)/bench/frames.mjs EXTRA_APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	$(Q)node --import tsx bench/run.ts

clean:
	$(Q)rm -rf $(OUTPUT) dist
