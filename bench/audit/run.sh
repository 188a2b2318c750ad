#!/usr/bin/env bash
# Benchmarks aksnet audit on a generated cluster of 150,000 pods (see
# docs/benchmarks.md, "Audit: 150,000 pods"):
#
#   1. go test benchmarks: the whole audit through the CLI, and the pod
#      stream alone, with time, throughput and peak heap;
#   2. the aksnet binary under /usr/bin/time (wall time and peak RSS),
#      side by side with jq extracting the same pod IPs.
#
# Usage: bench/audit/run.sh                 (from anywhere in the repository)
#        PODS=20000 COUNT=1 bench/audit/run.sh   for a quick run
#
# The generated bundle (about 820 MB for 150,000 pods) and all output go to
# bench/out/audit/, which git ignores.
set -euo pipefail

cd "$(dirname "$0")/../.."
out=bench/out/audit
mkdir -p "$out"
PODS=${PODS:-150000}
COUNT=${COUNT:-3}
data="$out/bundle"

{
	echo "== machine"
	go version
	echo "cores: $(nproc)"
	grep -m1 'model name' /proc/cpuinfo || true
	jq --version || true

	echo
	echo "== go test ./bench/audit/ -bench . (AKSNET_BENCH_PODS=$PODS)"
	AKSNET_BENCH_PODS=$PODS go test ./bench/audit/ -run '^$' -bench . -benchtime 1x -count "$COUNT" -timeout 60m

	echo
	echo "== generated bundle"
	rm -rf "$data"
	go run ./bench/audit/gen -pods "$PODS" -outside 3 "$data"
	go build -o "$out/aksnet" ./cmd/aksnet

	for i in $(seq "$COUNT"); do
		echo
		echo "== aksnet audit -o json (run $i)"
		# Exit 1 is expected: three pods are outside the pod CIDR.
		/usr/bin/time -f 'wall %e s, user %U s, sys %S s, max RSS %M KB' "$out/aksnet" audit -o json "$data" >"$out/audit.json" || [ $? -eq 1 ]
		grep -c '"rule": "audit-pod-ip-outside-range"' "$out/audit.json"

		echo "== jq -r '.items[].status.podIP' (run $i)"
		/usr/bin/time -f 'wall %e s, user %U s, sys %S s, max RSS %M KB' jq -r '.items[].status.podIP' "$data/pods.json" >"$out/jq.txt"
		wc -l <"$out/jq.txt"

		echo "== jq --stream, the same IPs without loading the document (run $i)"
		/usr/bin/time -f 'wall %e s, user %U s, sys %S s, max RSS %M KB' \
			jq -rn --stream 'inputs | select(length == 2 and .[0][0] == "items" and .[0][2] == "status" and .[0][3] == "podIP") | .[1]' \
			"$data/pods.json" >"$out/jq-stream.txt"
		wc -l <"$out/jq-stream.txt"
	done
} 2>&1 | tee "$out/bench.txt"
