#!/usr/bin/env bash
# Builds the ibc-go counterparty for the IBC end-to-end test: the Cosmos SDK v0.50 test chain `simd`
# from github.com/cosmos/ibc-go/v8's testing/simapp, into ~/.cache/agora/simd (outside the clone,
# like the cargo target directory), unless that version is already there. Prints the path of the
# binary on its last line.
#
# ibc-go's go.mod carries a replace directive, so `go install pkg@version` refuses it: the module
# is downloaded from the Go module proxy, copied out of the read-only module cache, and built inside
# the copy, where the replace applies.
set -euo pipefail

IBC_GO_VERSION="${IBC_GO_VERSION:-v8.8.0}"
root="${AGORA_SIMD_ROOT:-$HOME/.cache/agora/simd}"
bin="$root/bin/simd-$IBC_GO_VERSION"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

echo "building simd (ibc-go $IBC_GO_VERSION testing/simapp; a few minutes the first time)..." >&2
module_dir="$(go mod download -json "github.com/cosmos/ibc-go/v8@$IBC_GO_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [ ! -d "$module_dir" ]; then
  echo "go mod download did not give ibc-go $IBC_GO_VERSION's source directory" >&2
  exit 1
fi
src="$root/src-$IBC_GO_VERSION"
rm -rf "$src"
mkdir -p "$root/bin"
cp -r "$module_dir" "$src"
chmod -R u+w "$src"
(cd "$src" && go build -o "$bin.partial" ./testing/simapp/simd)
mv "$bin.partial" "$bin"
rm -rf "$src"
"$bin" version >&2 || true
echo "$bin"
