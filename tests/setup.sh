#!/usr/bin/env bash
# What the tests need, on a Debian machine with Python 3.11 (the README's second command runs this, then
# pytest): the system tools some tests start for real, then the locked Python packages in .venv.
#   R with survival, brglm2 and rms  tests/test_reference.py re-derives the reference fits
#   chromium                        the report, a screening page and the squad pages opened in a browser
#   slurm-wlm, munge                tests/test_slurm.py starts a one-node cluster (as root)
# A test that needs one of them fails when it is missing; none is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(r-base-core r-cran-survival r-cran-brglm2 r-cran-rms chromium slurm-wlm munge)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "tests/setup.sh: the tests need the Debian packages ${missing[*]}; install them as root, then run this again" >&2
    exit 1
  fi
  echo "tests/setup.sh: installing ${missing[*]} with apt-get (log: /tmp/runrisk-apt.log)"
  if ! { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}"; } \
    >/tmp/runrisk-apt.log 2>&1; then
    echo "tests/setup.sh: apt-get could not install ${missing[*]}; see /tmp/runrisk-apt.log" >&2
    exit 1
  fi
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --require-hashes -r requirements-test.lock
.venv/bin/pip install --quiet --no-deps -e .
