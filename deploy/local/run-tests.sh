#!/usr/bin/env bash
# Runs inside the test stack (`make test`): every Python test, then the router's own tests.
# Any failure, and pytest collecting no test at all (exit 5), fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
uv_bin="${UV:-$(command -v uv || echo .cache/tools/bin/uv)}"
status=0
# Lint first: ruff, mypy --strict and the import contracts are part of the bar, so CI enforces them too.
"$uv_bin" run --frozen ruff check . || status=$?
"$uv_bin" run --frozen ruff format --check . || status=$?
"$uv_bin" run --frozen mypy || status=$?
"$uv_bin" run --frozen lint-imports || status=$?
"$uv_bin" run --frozen pytest -q -p no:cacheprovider "$@" || status=$?
npm --prefix router test || status=$((status == 0 ? $? : status))
npm --prefix rest run --silent typecheck || status=$((status == 0 ? $? : status))
npm --prefix rest test || status=$((status == 0 ? $? : status))
exit "$status"
