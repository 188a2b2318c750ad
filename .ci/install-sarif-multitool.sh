#!/usr/bin/env bash
# install-sarif-multitool.sh installs Microsoft's SARIF multitool (the npm
# package @microsoft/sarif-multitool-linux) into a cache folder outside the
# repository and prints the path of the Sarif.Multitool binary on stdout.
#
# The report package's SARIF tests use it:
#
#   export AKSNET_SARIF_MULTITOOL="$(bash .ci/install-sarif-multitool.sh)"
#   go test ./report/ -run SARIF
#
# The package also ships the official sarif-2.1.0.json schema beside the
# binary; the tests validate against that file too.
#
# Note: `Sarif.Multitool validate FILE -o OUT` exits 0 even when FILE breaks
# the schema; it exits non-zero only when it cannot run at all. Problems are
# the results of OUT with level "error" (the tests check those).
#
# Environment:
#   AKSNET_TOOLS  cache root (default $HOME/.cache/aksnet-tools); the tool goes
#                 into $AKSNET_TOOLS/sarif.
set -euo pipefail

version=5.7.0
pkg=@microsoft/sarif-multitool-linux
dir="${AKSNET_TOOLS:-${HOME:?set HOME or AKSNET_TOOLS}/.cache/aksnet-tools}/sarif"
bin="$dir/node_modules/$pkg/Sarif.Multitool"

# Reuse an existing install of the pinned version.
installed=""
if [[ -f "$dir/node_modules/$pkg/package.json" ]]; then
	installed="$(node -p "require(process.argv[1]).version" "$dir/node_modules/$pkg/package.json" 2>/dev/null || true)"
fi

if [[ "$installed" != "$version" || ! -f "$bin" ]]; then
	mkdir -p "$dir"
	# npm's progress and notices go to stderr so that stdout is only the path.
	npm install --no-audit --no-fund --prefix "$dir" "$pkg@$version" >&2
fi

if [[ ! -f "$bin" ]]; then
	echo "install-sarif-multitool: $bin not found after npm install" >&2
	exit 1
fi

# The package's postinstall (which sets the execute bit) does not run under
# npm's install-script policy here, so set it ourselves.
chmod u+x "$bin"

if [[ ! -f "$(dirname "$bin")/sarif-2.1.0.json" ]]; then
	echo "install-sarif-multitool: warning: schema sarif-2.1.0.json not found beside $bin" >&2
fi

echo "$bin"
