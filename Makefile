# monkpipe — build, test and run. `make run` and `make test` work on a fresh Debian 12
# machine with the Swift toolchain, as root or through sudo.

SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev libjpeg-dev libpng-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/monkpipe

.PHONY: deps build test run bench clean

# Installs the native libraries only when one is missing (apt-get update first: a fresh
# machine's package lists may be empty or stale).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product monkpipe

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: build
	$(BIN) --version

bench: build
	$(BIN) bench

clean:
	rm -rf .build
