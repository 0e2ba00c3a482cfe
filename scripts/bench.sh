#!/bin/sh
# Runs every benchmark (bench/*.bench.ts) against the emulator, one after another so they do not disturb each
# other's timings, then writes bench/results/latest.md and latest.png.
# With arguments, only the benchmarks whose names contain one of them (npm run bench -- mailbox-poll); the report
# still gathers every bench/results/*.json, and says when each benchmark ran.
set -u
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
failed=""
ran=0
for bench in bench/*.bench.ts; do
	if [ "$#" -gt 0 ]; then
		wanted=""
		for name in "$@"; do
			case "$bench" in *"$name"*) wanted=1 ;; esac
		done
		[ -n "$wanted" ] || continue
	fi
	ran=$((ran + 1))
	echo "== $bench"
	node scripts/with-emulator-ca.js npx tsx "$bench" || failed="$failed $bench"
done
if [ "$ran" -eq 0 ]; then
	echo "no benchmark matches: $*" >&2
	exit 1
fi
npx tsx bench/report.ts
if [ -n "$failed" ]; then
	echo "benchmarks that failed:$failed" >&2
	exit 1
fi
