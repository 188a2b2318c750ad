#!/usr/bin/env bash
# Makes ready what the live-cluster integration test (internal/integration)
# runs: etcd from Debian's etcd-server package, and a kube-apiserver built
# from the k8s.io/kubernetes module pinned in tools/kubeapiserver/go.mod.
#
# The binary is cached outside the work tree, in
#   ${AKSNET_CACHE_DIR:-$HOME/.cache/aksnet}/kube-apiserver-<version>-<hash>
# where <hash> covers tools/kubeapiserver/go.mod and go.sum, this script
# and the Go version, so a change of pins, build flags or toolchain builds
# a new one (and removes the old ones). A cached binary is reused when it
# reports the expected version.
#
# Prints the path of the kube-apiserver binary on stdout and nothing else;
# progress goes to stderr. Usage:
#   AKSNET_KUBE_APISERVER="$(bash .ci/kube-apiserver.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "kube-apiserver.sh: $*" >&2; }

if ! command -v etcd >/dev/null 2>&1; then
	say "installing etcd-server from Debian"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq etcd-server >&2
fi
# The package's service is not wanted: the test starts its own etcd on a
# free loopback port with a throw-away data directory.
say "$(etcd --version | head -n 1)"

mod=tools/kubeapiserver
version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$mod/go.mod")"
if [[ -z "$version" ]]; then
	say "$mod/go.mod does not require k8s.io/kubernetes"
	exit 1
fi
hash="$( (cat "$mod/go.mod" "$mod/go.sum" .ci/kube-apiserver.sh; go version) | sha256sum | cut -c1-12)"
cache="${AKSNET_CACHE_DIR:-$HOME/.cache/aksnet}"
bin="$cache/kube-apiserver-$version-$hash"

if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -qx "Kubernetes $version"; then
	say "reusing $bin"
	echo "$bin"
	exit 0
fi

say "building kube-apiserver $version (a cold build takes several minutes)"
mkdir -p "$cache"
tmp="$(mktemp "$cache/.kube-apiserver-build.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
# The version variables are the ones Kubernetes' own build sets, so the
# server reports v1.x.y instead of a development version.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitTreeState=clean"
done
start=$SECONDS
(
	cd "$mod"
	GOWORK=off CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "$ldflags" \
		-o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver
)
chmod 0755 "$tmp"
if ! "$tmp" --version | grep -qx "Kubernetes $version"; then
	say "the built binary reports '$("$tmp" --version)', not Kubernetes $version"
	exit 1
fi
mv -f "$tmp" "$bin"
trap - EXIT
for old in "$cache"/kube-apiserver-*; do
	[[ "$old" == "$bin" ]] || rm -f "$old"
done
say "built $bin in $((SECONDS - start))s ($(du -h "$bin" | cut -f1))"
echo "$bin"
