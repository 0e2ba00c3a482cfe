#!/bin/sh
# Runs every benchmark (bench/*.bench.ts) against the emulator, one after another so they do not disturb each
# other's timings, then writes bench/results/latest.md and latest.png.
set -u
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
failed=""
for bench in bench/*.bench.ts; do
	echo "== $bench"
	node scripts/with-emulator-ca.js npx tsx "$bench" || failed="$failed $bench"
done
npx tsx bench/report.ts
if [ -n "$failed" ]; then
	echo "benchmarks that failed:$failed" >&2
	exit 1
fi
