#!/usr/bin/env bash
# Runs every test suite of the project: lint and format (Biome), types, unit and integration (Vitest,
# real PostgreSQL), the trainer (pytest), then the production build (which must print no warning) under
# browser and HTTP tests.
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

# `next build` exits 0 on warnings (say, a file-tracing warning that puts the whole project into
# .next/standalone); a new warning fails this step.
clean_build() {
  local log
  log=$(mktemp)
  # With CI set, Next.js warns "No build cache found" when .next/cache is absent, which it always is in a
  # fresh clone; an empty cache folder is a cold build all the same.
  mkdir -p .next/cache
  npx next build 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ] && grep -Eqi '⚠|warning' "$log"; then
    echo "next build printed a warning (above): fix it, the build must be clean" >&2
    status=1
  fi
  rm -f "$log"
  return "$status"
}

run lint npx biome ci .
run typecheck npx tsc --noEmit
run vitest npx vitest run
run pytest /usr/bin/python3 -m pytest test/training -q -p no:cacheprovider
run build clean_build
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
