#!/usr/bin/env bash
# Static checks: lint, format, types, that generated code is up to date, and the docs site builds.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
# Markdown and YAML escape ruff and mypy: a merge's leftover conflict markers fail here.
echo "== conflict markers"
if git grep -n -I -E '^(<<<<<<<|>>>>>>>) |^=======$' -- . ':!*.lock'; then
  echo "!! conflict markers left (above)"; exit 1
fi
echo "== ruff lint";      "$PY" -m ruff check .
echo "== ruff format";    "$PY" -m ruff format --check .
echo "== generated API";  "$PY" scripts/generate_api.py --check
echo "== unasync";        "$PY" scripts/unasync.py --check
echo "== mypy --strict";  "$PY" -m mypy runloop_api runloop_sdk runloop_local tests scripts bench examples
# The docs site (docs/, mkdocs.yml): broken links, anchors and docstrings fail the build.
echo "== mkdocs build --strict"; NO_MKDOCS_2_WARNING=1 "$PY" -m mkdocs build --strict --quiet
