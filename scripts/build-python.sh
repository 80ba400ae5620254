#!/usr/bin/env bash
# `npm run build:python`: the Python package of the construct, built from its jsii assembly.
#
#   1. `npm run build:construct`: jsii compiles lib/ (dist/, .jsii) and the Lambda bundles are
#      built (assets/lambda/); the Python package embeds the npm tarball of both.
#   2. `jsii-pacmak --code-only --targets python`: generates the Python sources (dist/jsii/python)
#      around the npm tarball of step 1 (packed without running `prepack` again).
#   3. pip builds the wheel into dist/python/ from those sources, offline, with the setuptools and
#      wheel already installed for $PYTHON (Debian's python3-setuptools and python3-wheel).
#
# jsii-pacmak's own build step would create a virtualenv and install its build tools from PyPI,
# which this workplace cannot reach; the wheel it would build is the same setuptools build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-/usr/bin/python3}"
if ! "$PYTHON" -c 'import setuptools, wheel, pip' >/dev/null 2>&1; then
  echo "build-python: $PYTHON needs pip, setuptools and wheel (Debian: apt-get install python3-pip python3-setuptools python3-wheel)" >&2
  exit 3
fi
npm run --silent build:construct >/dev/null
rm -rf dist/jsii/python dist/python
npx --no -- jsii-pacmak --code-only --targets python --outdir dist/jsii --pack-command 'npm pack --ignore-scripts'
"$PYTHON" -m pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir dist/python dist/jsii/python
ls dist/python/*.whl
