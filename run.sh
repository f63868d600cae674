#!/usr/bin/env bash
# The project's two commands (see README):
#   ./run.sh book   set up .venv, execute every chapter (profile default, or $SERTL_PROFILE) into
#                   _build/run/<profile>-<data>/ and render that book; the committed book/ is
#                   not touched (python -m sertl.book run --outdir book updates it)
#   ./run.sh test   set up .venv, lint, and run the test suite
# Corpora: $SERTL_DATA, or ../shared/corpora when it exists; otherwise synthetic stand-ins.
set -euo pipefail
cd "$(dirname "$0")"
VENV=${SERTL_VENV:-.venv}
PY=${PYTHON:-python3}

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # shellcheck disable=SC1091
  . "$VENV/bin/activate"
  local stamp="$VENV/.sertl-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    python -m pip install -q --upgrade pip
    # the CPU wheel first: a looser torch requirement would pull the CUDA build
    python -m pip install -q "torch==2.13.0"
    python -m pip install -q -e ".[book,dev,ssl,cluster]"
    touch "$stamp"
  fi
  if [ -z "${SERTL_DATA:-}" ] && [ -d ../shared/corpora ]; then
    SERTL_DATA=$(cd ../shared/corpora && pwd)
    export SERTL_DATA
  fi
  # Agg for the tests; the book runner gives the chapters' kernels the inline backend
  export MPLBACKEND=Agg PYTHONHASHSEED=0
  echo "sertl: data ${SERTL_DATA:-<none: synthetic corpora>}"
}

browser() {
  # headless Chromium for the rendered-book test (Debian's package)
  if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "sertl: chromium could not be installed; the browser test will be skipped"
  fi
}

case "${1:-}" in
  book)
    setup
    # executes every chapter, renders the book (also when a chapter failed, showing the
    # failure on its page) and ends with a one-line summary; exit 1 when a chapter failed
    python -m sertl.book run --profile "${SERTL_PROFILE:-default}" "${@:2}"
    ;;
  test)
    setup
    browser
    ruff check sertl tests notebooks benchmarks
    ruff format --check sertl tests notebooks benchmarks
    python -m pytest -q "${@:2}"
    ;;
  *)
    echo "usage: ./run.sh book | ./run.sh test" >&2
    exit 2
    ;;
esac
