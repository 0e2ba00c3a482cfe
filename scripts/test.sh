#!/bin/sh
# The whole test suite: build, type-check, n8n's community-node lint, then unit, integration and e2e tests.
# Installs dependencies first on a fresh checkout, so `npm test` is the only command a newcomer needs.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm install --no-audit --no-fund
fi
npm run build
npm run typecheck
npm run lint
node scripts/with-emulator-ca.js jest --ci "$@"
