#!/usr/bin/env bash
# `npm test`: every tier, one after the other, each against its own database and queue prefix:
# static checks, unit, integration (real Postgres and Redis), end to end (production build,
# real processes, Chromium), chaos (the production build on a private PostgreSQL and Redis that
# it crashes; scripts/chaos). The last line sums them all up.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh || exit 1
bash scripts/ensure-chromium.sh || exit 1
bash scripts/ensure-prometheus.sh || exit 1

results=.data/test-results
rm -rf "$results" && mkdir -p "$results"

run_check() { # name, command…
  local name=$1
  shift
  if "$@" >"$results/$name.log" 2>&1; then
    echo "✓ $name"
    echo pass >"$results/$name.check"
  else
    echo "✗ $name (see $results/$name.log)"
    tail -n 30 "$results/$name.log"
    echo fail >"$results/$name.check"
  fi
}

echo "== static checks"
run_check typecheck npx --no-install tsc --noEmit -p .
run_check lint npx --no-install eslint . --max-warnings 0
run_check format npx --no-install prettier --check .
# The OpenAPI document as GET /api/v1/openapi.json serves it, linted with redocly.yaml's rules.
run_check openapi bash -c "npx --no-install tsx scripts/write-openapi.ts $results/openapi.json \
  && npx --no-install redocly lint $results/openapi.json"

echo "== production build (for the end-to-end and chaos tiers)"
run_check build env NEXT_TELEMETRY_DISABLED=1 npm run --silent build

for tier in unit integration e2e chaos; do
  echo "== $tier"
  npx --no-install vitest run --project "$tier" --reporter=default \
    --reporter=json --outputFile.json="$results/$tier.json"
done

node scripts/summarize-tests.mjs "$results"
