#!/usr/bin/env bash
# `npm start`: installs what is missing, migrates, builds when the sources changed, then runs
# the web server (Next + Socket.IO) and a worker, and prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh

# Sessions are signed with AUTH_SECRET: keep one per installation unless you set your own.
if [ -z "${AUTH_SECRET:-}" ] && ! grep -qs "^AUTH_SECRET=" .env; then
  mkdir -p .data
  [ -s .data/auth-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" >.data/auth-secret
  AUTH_SECRET=$(cat .data/auth-secret)
  export AUTH_SECRET
fi

node --import tsx scripts/migrate.ts
node --import tsx scripts/seed.ts

# Rebuild when there is no build or any source is newer than it.
if [ ! -f .next/BUILD_ID ] || [ ! -f dist/worker.mjs ] || [ -n "$(find app components lib server worker public next.config.ts package-lock.json \
  -newer .next/BUILD_ID -type f -not -path 'lib/generated/*' -print -quit 2>/dev/null)" ]; then
  echo "Building the app (next build, then the server bundles)…"
  NEXT_TELEMETRY_DISABLED=1 npm run --silent build >/dev/null
fi

exec node --import tsx scripts/supervise.ts prod
