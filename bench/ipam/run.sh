#!/usr/bin/env bash
# Benchmarks the ipam registry's storage (see docs/benchmarks.md, "IPAM:
# allocating 10,000 /24s"): 10,000 /24s allocated lowest first from an
# empty /8 through store.Registry, each a full transaction (lock, decide,
# insert, audit entry, durable commit), from 1 and from 32 goroutines.
#
#   - SQLite: a new database file per run, WAL, synchronous=FULL.
#   - PostgreSQL: a new schema per run, under each guard (exclusion
#     constraints; serializable transactions), with PostgreSQL's durable
#     defaults (fsync on, synchronous_commit on). Uses AKSNET_TEST_POSTGRES
#     when set, else starts a throwaway cluster with .ci/postgres.sh
#     (needs root on Debian, or PostgreSQL installed).
#
# Usage: bench/ipam/run.sh             (from anywhere in the repository)
#        COUNT=1 bench/ipam/run.sh     for a quick run
#
# Output goes to the terminal and to bench/out/ipam/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/../.."
out=bench/out/ipam
mkdir -p "$out"
COUNT=${COUNT:-3}

echo "== machine"
go version
echo "cores: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -z "${AKSNET_TEST_POSTGRES:-}" ]]; then
	AKSNET_TEST_POSTGRES="$(bash .ci/postgres.sh)"
	export AKSNET_TEST_POSTGRES
fi
psql "$AKSNET_TEST_POSTGRES" -Atc 'SELECT version()' 2>/dev/null || true
psql "$AKSNET_TEST_POSTGRES" -Atc "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')" 2>/dev/null || true

for pkg in sqlite postgres; do
	echo
	cmd="go test ./ipam/store/$pkg/ -run '^\$' -bench Allocate10k -benchtime 1x -count $COUNT -timeout 60m"
	echo "\$ $cmd"
	eval "$cmd" | tee "$out/$pkg.txt"
done

echo
echo "== summary (median of $COUNT runs)"
for pkg in sqlite postgres; do
	awk -v pkg="$pkg" '
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkAllocate10k\//, "", name)
		name = pkg "/" name
		for (i = 3; i < NF; i++) {
			if ($(i+1) == "allocs/s") r[name] = r[name] " " $i
			if ($(i+1) == "p50-ms") a[name] = a[name] " " $i
			if ($(i+1) == "p99-ms") b[name] = b[name] " " $i
		}
		if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	}
	function median(s,   x, k, i, j, t) {
		k = split(s, x, " ")
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
		return x[int((k + 1) / 2)]
	}
	END {
		for (i = 1; i <= n; i++) printf "%-45s %10.0f %8.2f %8.2f\n", order[i], median(r[order[i]]), median(a[order[i]]), median(b[order[i]])
	}' "$out/$pkg.txt"
done | { printf "%-45s %10s %8s %8s\n" benchmark allocs/s "p50 ms" "p99 ms"; cat; } | tee "$out/summary.txt"
