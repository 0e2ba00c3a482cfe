#!/bin/sh
# The whole test suite: build, type-check, n8n's community-node lint, then unit, integration and e2e tests.
# Installs dependencies first on a fresh checkout, so `npm test` is the only command a newcomer needs.
set -eu
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
npm run build
npm run typecheck
npm run lint
if [ "$#" -gt 0 ]; then
	node scripts/with-emulator-ca.js jest --ci "$@"
else
	# Unit and integration first, then the real-n8n suite on its own, so that n8n's start-up does not compete
	# with n8n-core and the emulators for the same two cores.
	node scripts/with-emulator-ca.js jest --ci --selectProjects unit integration
	# Installs (first run only) with progress, outside jest, then the real-n8n suite.
	node scripts/with-emulator-ca.js tsx scripts/n8n-runtime/prepare.ts
	node scripts/with-emulator-ca.js jest --ci --selectProjects e2e --runInBand
fi
