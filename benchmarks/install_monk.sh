#!/bin/sh
# Installs Monk itself (monk-gluon-cpu 0.0.1 on MXNet 1.9.1 Gluon, CPU) into a virtual
# environment, for `benchmarks/run_vs_torch.py --monk VENV/bin/python`. Safe to rerun: an
# environment that already passes the check is left as it is.
#
#   sh benchmarks/install_monk.sh [VENV]      (default: venv-monk beside the repository)
#   PYTHON=python3.11 sh benchmarks/install_monk.sh /work/venv-monk
#
# Why it is done this way (see docs/FACTS.md, "MXNet Gluon"):
# - Monk's pinned dependencies (mxnet 1.5.1, torch 1.4.0, pillow 6.0.0) do not install on a
#   current Python, so Monk goes in with --no-deps and its dependencies are named here, with
#   mxnet 1.9.1 (the last release), which needs numpy older than 1.24 — hence Python 3.11 at
#   most (newer Pythons have no such numpy wheels) and numpy<1.24 as a constraint throughout.
# - Monk imports torch only to split the data. The environment sees the base Python's packages
#   (--system-site-packages) so that it reuses the torch that run_vs_torch.py needs anyway
#   (checked here to import under numpy 1.23: torch 2.15); everything else is installed into
#   the environment itself (--ignore-installed), since the base Python's scipy, pandas, … are
#   built for numpy 2. Without a torch in the base Python, torch is installed into the venv.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${1:-$(dirname "$HERE")/../venv-monk}
PYTHON=${PYTHON:-python3}
DRIVER="$HERE/monk_epoch.py"
# Monk's dependencies as its own code imports them (cv2, GPUtil, pylg, IPython through
# ipywidgets, …), without the versions it pins.
DEPS="gluoncv==0.6.0 pillow opencv-python-headless tqdm pandas matplotlib scikit-learn scipy tabulate psutil GPUtil gpustat networkx pylg ipywidgets"

step() { printf '==> %s\n' "$*"; }

if [ -x "$VENV/bin/python" ] && checked=$("$VENV/bin/python" "$DRIVER" --check 2>/dev/null); then
    step "Monk is already installed in $VENV (the check passes); nothing to do"
    printf '%s\n' "$checked" | tail -n 1
    exit 0
fi

if ! version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); then
    echo "error: cannot run $PYTHON: set PYTHON to a Python 3.8-3.11" >&2
    exit 1
fi
case $version in
    3.8|3.9|3.10|3.11) ;;
    *) echo "error: $PYTHON is Python $version; mxnet 1.9.1 needs numpy<1.24, which has wheels" \
            "only up to Python 3.11: set PYTHON to a Python 3.8-3.11" >&2
       exit 1 ;;
esac

if [ ! -x "$VENV/bin/python" ]; then
    step "creating the virtual environment $VENV ($PYTHON $version, seeing the base Python's packages for torch)"
    "$PYTHON" -m venv --system-site-packages "$VENV"
fi
PIP="$VENV/bin/python -m pip --disable-pip-version-check"
CONSTRAINTS="$VENV/monk-constraints.txt"
echo 'numpy<1.24' > "$CONSTRAINTS"

step "installing mxnet==1.9.1 with numpy<1.24"
$PIP install -c "$CONSTRAINTS" mxnet==1.9.1 'numpy<1.24'

step "installing monk-gluon-cpu==0.0.1 without its pinned dependencies"
$PIP install --no-deps monk-gluon-cpu==0.0.1

step "installing Monk's dependencies into the environment: $DEPS"
# shellcheck disable=SC2086 # DEPS is a list of requirement words
$PIP install --ignore-installed -c "$CONSTRAINTS" $DEPS

if "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    step "torch: $("$VENV/bin/python" -c 'import torch; print(torch.__version__, "from", torch.__file__)')"
else
    step "the base Python has no torch: installing torch into the environment"
    $PIP install -c "$CONSTRAINTS" torch
fi

step "checking: importing Monk and building one network"
"$VENV/bin/python" "$DRIVER" --check
step "done: python3 benchmarks/run_vs_torch.py --monk $VENV/bin/python"
