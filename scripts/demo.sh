#!/bin/sh
# `npm run demo`: n8n with this package, the example workflows and the emulator tenant, on a fresh checkout too.
# Installs dependencies when they are missing or stale; the package is built into a cache folder (dist/ is left
# alone); Node 24 and n8n are installed into ~/.cache/n8n-nodes-m365-integration on first use.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
exec node scripts/with-emulator-ca.js tsx scripts/demo/main.ts "$@"
