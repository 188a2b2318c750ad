#!/usr/bin/env bash
# Benchmarks cidr's all-overlapping-pairs search (see docs/benchmarks.md,
# "CIDR: all overlapping pairs").
#
#   1. go test benchmarks on 1,000,000 generated prefixes: the sort floor,
#      cidr.ForEachOverlap and github.com/gaissmai/bart (insert + lookup);
#   2. bench/cidr/overlaps.py, the plain O(n^2) Python ipaddress loop,
#      cidr.ForEachOverlap and the same O(n^2) loop in Go on the same files,
#      at sizes Python can finish.
#
# Usage: bench/cidr/run.sh            (from anywhere in the repository)
#        PY_SIZES="2000" COUNT=1 bench/cidr/run.sh   for a quick run
#
# Output goes to the terminal and to bench/out/cidr/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/../.."
out=bench/out/cidr
mkdir -p "$out"
PY_SIZES=${PY_SIZES:-"2000 5000 10000"}
COUNT=${COUNT:-3}

echo "== machine"
go version
echo "cores: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
python3 --version

echo
echo "== go test benchmarks (1,000,000 prefixes, -count $COUNT)"
cmd="go test ./cidr/ -run '^\$' -bench 'SortFloor|OverlapPairs|Bart' -benchmem -count $COUNT"
echo "\$ $cmd"
eval "$cmd" | tee "$out/bench.txt"

echo
echo "== summary (median ns/op of $COUNT runs, ratio to BenchmarkSortFloor)"
awk '
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 3; i < NF; i++) if ($(i+1) == "ns/op") v[name] = v[name] " " $i
		for (i = 3; i < NF; i++) if ($(i+1) == "pairs") pairs[name] = $i
	}
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		floor = median(v["BenchmarkSortFloor"])
		split("BenchmarkSortFloor BenchmarkOverlapPairs BenchmarkBartInsertLookup", order, " ")
		for (k = 1; k <= 3; k++) {
			b = order[k]
			if (!(b in v)) continue
			m = median(v[b])
			printf "%-28s %14.0f ns/op  %6.2fx floor  %s\n", b, m, m / floor, (b in pairs) ? "pairs=" pairs[b] : ""
		}
	}' "$out/bench.txt" | tee "$out/summary.txt"

echo
echo "== Python ipaddress O(n^2) vs cidr.ForEachOverlap on the same files"
go build -o "$out/goover" ./bench/cidr/goover
for n in $PY_SIZES; do
	f="$out/prefixes-$n.txt"
	go run ./bench/cidr/gen -n "$n" -o "$f"
	py=$(python3 bench/cidr/overlaps.py "$f")
	go=$("$out/goover" -runs 200 "$f")
	naive=$("$out/goover" -naive -runs 3 "$f")
	echo "$py"
	echo "$go"
	echo "$naive"
	pyp=${py#*pairs=}; pyp=${pyp%% *}
	gop=${go#*pairs=}; gop=${gop%% *}
	if [ "$pyp" != "$gop" ]; then
		echo "pair counts differ: python $pyp, go $gop" >&2
		exit 1
	fi
	pys=${py##*seconds=}
	gos=${go##*seconds=}
	nas=${naive##*seconds=}
	awk -v n="$n" -v p="$pys" -v g="$gos" -v q="$nas" 'BEGIN {
		printf "n=%d: python %.3f s, go %.6f s, python/go = %.0fx; go O(n^2) loop %.3f s (python/go-naive = %.0fx, go-naive/go = %.0fx)\n", n, p, g, p / g, q, p / q, q / g
	}'
done | tee "$out/python.txt"
