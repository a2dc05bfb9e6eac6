#!/usr/bin/env bash
# Runs every test suite of the project: types, unit and integration (Vitest, real PostgreSQL),
# the trainer (pytest), then the production build under browser and HTTP tests.
# Every suite runs even when an earlier one fails; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh || exit 1
export NEXT_TELEMETRY_DISABLED=1

failed=()
run() {
  local name=$1
  shift
  echo
  echo "=== $name: $*"
  "$@" || failed+=("$name")
}

run typecheck npx tsc --noEmit
run vitest npx vitest run
run pytest /usr/bin/python3 -m pytest test/training -q -p no:cacheprovider
run build npx next build
if [[ ! " ${failed[*]} " =~ " build " ]]; then
  run e2e npx vitest run -c vitest.e2e.config.ts
  run faults npx vitest run -c vitest.faults.config.ts
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "All suites passed."
