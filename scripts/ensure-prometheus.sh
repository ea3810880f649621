#!/usr/bin/env bash
# The metrics test (tests/e2e/metrics-prometheus.test.ts) has a real Prometheus read /metrics:
# Debian's package brings `promtool` and the server. The test runs its own server on a free
# port with a temporary config and storage; the package's own service must not start and stay
# on :9090, so the install runs with a policy-rc.d that refuses every service start (unless the
# machine already has one), and the policy is removed again afterwards.
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Prometheus is missing: run 'sudo apt-get install -y --no-install-recommends prometheus' and try again." >&2
  exit 1
fi
echo "Installing Prometheus (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
placed_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# placed by taskdeck scripts/ensure-prometheus.sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  placed_policy=true
fi
cleanup() { if [ "$placed_policy" = true ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
