#!/usr/bin/env bash
# One command: install, prepare the database, build and start Switchboard (and the demo LLM server).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh

bash scripts/write-env.sh
set -a; . ./.env; set +a

npx tsx --conditions=react-server scripts/setup.ts
npx next build

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if grep -q '${DEMO_LLM_URL}' "${MODELS_FILE:-models.json}"; then
  npx tsx scripts/demo-llm.ts &
  pids+=($!)
fi

port="${PORT:-3000}"
npx next start -p "$port" &
pids+=($!)
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/login"; then break; fi
  sleep 1
done
echo
echo "Switchboard is running at http://localhost:$port"
wait -n "${pids[@]}"
