#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lockfile, and
# generates the Prisma client (offline: the generator is WASM; see docs/architecture.md).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies…"
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages out of the
  # lockfile and `npm ci` then refuses it. Versions still come from the lockfile.
  npm install --no-audit --no-fund --loglevel=error
fi

if [ ! -f lib/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt lib/generated/prisma/client.ts ]; then
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx --no-install prisma generate >/dev/null
  echo "Generated the Prisma client."
fi
