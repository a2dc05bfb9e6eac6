#!/usr/bin/env bash
# Installs everything Switchboard and its tests need on a fresh Debian machine. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# matplotlib: the cold-start plot of `python -m training evaluate-personas`
/usr/bin/python3 -c "import torch, numpy, sklearn, onnx, pytest, matplotlib" 2>/dev/null || need_apt+=(python3-torch python3-numpy python3-sklearn python3-onnx python3-pytest python3-matplotlib)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need_apt[*]} (run: sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# onnxruntime-node's install script downloads CUDA binaries; the CPU provider ships in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
# `npm install`, not `npm ci`: registry mirrors without other platforms' optional binaries
# (tailwind's oxide builds) leave those out of the lock file, which `npm ci` then rejects.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

# prisma generate needs no engine binary with the prisma-client generator; point the variable anywhere.
PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate >/dev/null

# The sentence encoder (USE-lite) as ONNX, converted from the weights in node_modules; skipped when up to date.
/usr/bin/python3 scripts/build-use-lite-onnx.py
