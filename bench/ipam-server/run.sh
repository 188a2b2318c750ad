#!/usr/bin/env bash
# Benchmarks aksnet ipam serve end to end (see docs/benchmarks.md, "IPAM
# server: allocations over HTTP"): 32 concurrent clients allocate /24s from
# a /8 over loopback HTTP, on SQLite (WAL, synchronous=FULL) and on
# PostgreSQL (durable defaults). Uses AKSNET_TEST_POSTGRES when set, else
# starts a throwaway cluster with .ci/postgres.sh.
#
# Usage: bench/ipam-server/run.sh   (N=5000 for a quick run)
# Output goes to the terminal and to bench/out/ipam-server/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/../.."
out=bench/out/ipam-server
mkdir -p "$out"
N=${N:-20000}
COUNT=${COUNT:-3}

echo "== machine"
go version
echo "cores: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true

if [[ -z "${AKSNET_TEST_POSTGRES:-}" ]]; then
	AKSNET_TEST_POSTGRES="$(bash .ci/postgres.sh)"
	export AKSNET_TEST_POSTGRES
fi

go build -o "$out/ipam-server" ./bench/ipam-server
for i in $(seq "$COUNT"); do
	echo
	echo "== SQLite, run $i"
	"$out/ipam-server" -clients 32 -n "$N" | tee "$out/sqlite-$i.txt"
	echo
	echo "== PostgreSQL, run $i"
	"$out/ipam-server" -clients 32 -n "$N" -db "$AKSNET_TEST_POSTGRES" | tee "$out/postgres-$i.txt"
done
