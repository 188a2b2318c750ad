#!/usr/bin/env bash
# Runs the differential test of aksnet's NetworkPolicy connectivity against
# np-guard netpol-analyzer v1.4.4 (tools/netpoldiff, a module of its own so
# that aksnet's binary never links np-guard).
set -euo pipefail
cd "$(dirname "$0")/../tools/netpoldiff"

# np-guard's dependency github.com/np-guard/models v0.5.7 is missing from the
# Go checksum database; its hash is pinned in this module's go.sum instead.
export GONOSUMDB=github.com/np-guard/models
# The module builds aksnet from the work tree (replace ../..), so a module
# that aksnet's go.mod adds needs a go.sum entry here too; -mod=mod lets go
# record it instead of failing.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"

echo "== tools/netpoldiff: gofmt"
unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
echo "== tools/netpoldiff: go vet"
go vet ./...
echo "== tools/netpoldiff: go test"
go test ./...
