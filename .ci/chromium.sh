#!/usr/bin/env bash
# chromium.sh makes sure Debian's Chromium is installed, for the browser
# test of the ipam web page, and prints the path of the browser:
#
#   export AKSNET_CHROMIUM="$(bash .ci/chromium.sh)"
#   go test ./internal/ipamtest/ -run Browser
#
# On a fresh Debian machine (as root) it installs the chromium package.
set -euo pipefail

say() { echo "chromium.sh: $*" >&2; }

bin=/usr/bin/chromium
if [[ ! -x "$bin" ]]; then
	if [[ "$(id -u)" != 0 ]]; then
		say "Chromium is not installed; run as root on Debian to install it, or: sudo apt-get install -y chromium"
		exit 1
	fi
	say "installing Debian's chromium"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq chromium >&2
fi
if [[ ! -x "$bin" ]]; then
	say "the chromium package did not install $bin"
	exit 1
fi
say "$("$bin" --version 2>/dev/null || echo "$bin")"
echo "$bin"
