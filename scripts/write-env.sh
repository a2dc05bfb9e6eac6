#!/usr/bin/env bash
# Writes .env (in the current directory) with a fresh AUTH_SECRET if there is none, readable by its owner only:
# the secret lets whoever reads it sign in as anyone. An existing .env is tightened to 0600 as well.
set -euo pipefail
if [ ! -f .env ]; then
  (umask 077 && echo "AUTH_SECRET=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64url"))')" > .env)
  echo "wrote .env with a fresh AUTH_SECRET"
fi
chmod 600 .env
