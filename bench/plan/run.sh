#!/usr/bin/env bash
# Benchmarks the planner on 2,000 clusters (see docs/benchmarks.md,
# "Planner: 2,000 clusters"): Plan end to end, and Plan's allocation
# sequence replayed through the planner's allocator, cidr.FirstFree and a
# naive first-fit allocator.
#
# Usage: bench/plan/run.sh              (from anywhere in the repository)
#        COUNT=1 TIMES=1x bench/plan/run.sh   for a quick run
#
# The naive replay takes about half a minute per run, so the full command
# runs for several minutes. Output goes to the terminal and to
# bench/out/plan/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/../.."
out=bench/out/plan
mkdir -p "$out"
COUNT=${COUNT:-3}
TIMES=${TIMES:-3x}

{
	echo "== machine"
	go version
	echo "cores: $(nproc)"
	grep -m1 'model name' /proc/cpuinfo || true
	echo
	echo "== go test ./plan/ -run '^\$' -bench Plan -benchtime $TIMES -count $COUNT"
	go test ./plan/ -run '^$' -bench Plan -benchtime "$TIMES" -count "$COUNT" -timeout 60m
} 2>&1 | tee "$out/bench.txt"
