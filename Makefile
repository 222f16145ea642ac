# brig: a minimal, hardened OCI container runtime.
#   make                 build ./build/brig
#   make test            unit tests + bats end-to-end suite (as root)
#   make SANITIZE=1 ...  the same with ASan+UBSan (objects in build-asan/)
#   make test-asan       shorthand for `make SANITIZE=1 test`
#   make install PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
DESTDIR ?=
VERSION := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
DEPS    := libcap libseccomp libmnl libcjson

ifeq ($(SANITIZE),1)
BUILDDIR ?= build-asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILDDIR ?= build
SAN_FLAGS :=
endif

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter \
           -fstack-protector-strong -D_FORTIFY_SOURCE=2 -D_GNU_SOURCE \
           -DBRIG_VERSION=\"$(VERSION)\" -DBRIG_HOOKS_DIR=\"$(LIBEXECDIR)/brig/hooks\" \
           -Iinclude $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null) $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)

SRCS      := $(sort $(wildcard runtime/*/*.c))
MAIN_SRC  := runtime/cli/main.c
LIB_SRCS  := $(filter-out $(MAIN_SRC),$(SRCS))
OBJS      := $(SRCS:%.c=$(BUILDDIR)/%.o)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILDDIR)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILDDIR)/%.o)
HOOK_SRCS := $(sort $(wildcard hooks/*.c))
HOOK_BINS := $(HOOK_SRCS:hooks/%.c=$(BUILDDIR)/hooks/%)

BRIG      := $(BUILDDIR)/brig
UNIT      := $(BUILDDIR)/unit-tests

# Debian 12 packages for building, the tests (engines included) and the benchmarks.
DEB_PACKAGES := build-essential pkg-config libcap-dev libseccomp-dev libmnl-dev libcjson-dev \
                bats jq busybox-static iproute2 \
                containerd docker.io podman conmon \
                runc crun

.PHONY: deps all unit test test-unit test-e2e test-asan install uninstall clean bench check-deps demo test-cgroup-v2

all: $(BRIG) $(HOOK_BINS)

# Install what building and testing need (as root).
deps:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEB_PACKAGES)

check-deps:
	@$(PKG_CONFIG) --exists $(DEPS) || { echo "missing: $(DEPS) (apt-get install libcap-dev libseccomp-dev libmnl-dev libcjson-dev)"; exit 1; }

$(BRIG): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT): $(LIB_OBJS) $(UNIT_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILDDIR)/hooks/%: hooks/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# Objects depend on the flags they were built with: a different PREFIX (compiled in) rebuilds them.
FLAGS_STAMP := $(BUILDDIR)/.cflags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILDDIR)
	@echo '$(CFLAGS)' | cmp -s - $@ || echo '$(CFLAGS)' > $@

.PHONY: FORCE
FORCE:

$(BUILDDIR)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)

unit: $(UNIT)

test-unit: $(UNIT)
	$(UNIT)

# End-to-end tests need root; BRIG points them at the binary under test.
test-e2e: $(BRIG) $(HOOK_BINS)
	BRIG=$(abspath $(BRIG)) BRIG_HOOKS=$(abspath $(BUILDDIR)/hooks) bats --timing tests/e2e

test: test-unit test-e2e

# cgroup v2 for real: Debian's kernel under QEMU (software emulation) with brig in an initramfs,
# on a pure cgroup2 host; fails unless every check passes (needs root; see tests/vm/).
test-cgroup-v2: $(BRIG)
	tests/vm/cgroup-v2.sh $(abspath $(BRIG))

test-asan:
	$(MAKE) SANITIZE=1 test

# Build a busybox bundle and run one container from it (needs root).
demo: $(BRIG)
	rm -rf --one-file-system $(BUILDDIR)/demo
	tests/lib/make-bundle.sh $(BUILDDIR)/demo $(BRIG)
	cd $(BUILDDIR)/demo && jq '.process.args = ["sh", "-c", "echo hello from brig: $$(hostname), pid $$$$, uid $$(id -u)"]' \
		config.json > config.json.new && mv config.json.new config.json
	$(BRIG) --root $(abspath $(BUILDDIR))/demo-state run --bundle $(BUILDDIR)/demo brig-demo-$$$$

bench: $(BRIG)
	bench/run.sh $(abspath $(BRIG))

install: $(BRIG) $(HOOK_BINS)
	install -D -m 0755 $(BRIG) $(DESTDIR)$(BINDIR)/brig
	for h in $(HOOK_BINS); do install -D -m 0755 $$h $(DESTDIR)$(LIBEXECDIR)/brig/hooks/$$(basename $$h); done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/brig
	rm -rf $(DESTDIR)$(LIBEXECDIR)/brig

clean:
	rm -rf build build-asan
