#!/usr/bin/env bash
# postgres.sh starts a throwaway PostgreSQL cluster for the ipam storage
# tests and prints its connection string (DSN) on stdout:
#
#   export AKSNET_TEST_POSTGRES="$(bash .ci/postgres.sh)"
#   go test ./ipam/store/postgres/
#
# On a fresh Debian machine (as root) it installs Debian's postgresql
# package. The cluster lives in a new temporary folder, listens only on
# 127.0.0.1 on a free port, trusts local connections (it holds nothing but
# test data) and keeps PostgreSQL's durable defaults (fsync on). It is
# left running when the script ends; stderr says how to stop it.
#
# Environment:
#   AKSNET_PG_DIR  folder for the cluster (default: a new mktemp folder)
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin="$(find_bin)"
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
	if [[ "$(id -u)" != 0 ]]; then
		say "PostgreSQL is not installed; run as root on Debian to install it, or: sudo apt-get install -y postgresql"
		exit 1
	fi
	say "installing Debian's postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	bin="$(find_bin)"
fi

# PostgreSQL refuses to run as root: use the postgres account then.
as_pg=()
if [[ "$(id -u)" == 0 ]]; then
	as_pg=(runuser -u postgres --)
fi

dir="${AKSNET_PG_DIR:-$(mktemp -d /tmp/aksnet-pg.XXXXXX)}"
mkdir -p "$dir"
if [[ "$(id -u)" == 0 ]]; then
	chown postgres: "$dir"
fi

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2

# Start on the first port in 54320-54419 that nothing answers on. Another
# cluster may take the same port between the check and the start, so a
# start that fails moves on to the next port.
port=""
for p in $(seq 54320 54419); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		continue
	fi
	if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
		-o "-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories=$dir -c max_connections=200" start >&2; then
		port="$p"
		break
	fi
	say "port $p was taken while starting; trying the next one"
done
if [[ -z "$port" ]]; then
	say "could not start PostgreSQL on any port in 54320-54419; see $dir/server.log"
	exit 1
fi
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres aksnet >&2

say "cluster in $dir on 127.0.0.1:$port; stop it with: ${as_pg[*]} $bin/pg_ctl -D $dir/data stop"
echo "postgres://postgres@127.0.0.1:$port/aksnet?sslmode=disable"
