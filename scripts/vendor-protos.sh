#!/usr/bin/env bash
# Copies the upstream .proto sources the REST gateway and gRPC reflection describe into
# proto/vendor/, untouched, from the Go module proxy (Go is on every machine). Run it to move to
# new upstream versions; the build itself reads only the checked-in copies.
#   Cosmos SDK v0.50.9 (cosmos/*, amino), CometBFT v0.38.26 (tendermint/*), gogoproto v1.7.0,
#   cosmos-proto v1.0.0-beta.5, googleapis' google/api (from grpc-gateway v1.16.0).
set -euo pipefail
cd "$(dirname "$0")/.."
out=proto/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir_of() { (cd "$work" && go mod init vendor >/dev/null 2>&1 || true; cd "$work" && go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'); }
sdk="$(dir_of github.com/cosmos/cosmos-sdk@v0.50.9)"
cometbft="$(dir_of github.com/cometbft/cometbft@v0.38.26)"
gogo="$(dir_of github.com/cosmos/gogoproto@v1.7.0)"
cosmos_proto="$(dir_of github.com/cosmos/cosmos-proto@v1.0.0-beta.5)"
gateway="$(dir_of github.com/grpc-ecosystem/grpc-gateway@v1.16.0)"

rm -rf "$out"
mkdir -p "$out"
copy() { # copy <source root> <relative path>...
  local root="$1"; shift
  for rel in "$@"; do
    mkdir -p "$out/$(dirname "$rel")"
    cp -r "$root/$rel" "$out/$rel"
  done
}
for module in auth bank base crypto staking slashing distribution mint gov upgrade consensus tx msg query; do
  copy "$sdk/proto" "cosmos/$module"
done
copy "$sdk/proto" amino
# App-wiring descriptions (cosmos/<module>/module/v1) describe Go's depinject, not the chain.
find "$out/cosmos" -type d -name module -prune -exec rm -rf {} +
grep -rl 'cosmos/app/v1alpha1/module.proto' "$out/cosmos" | xargs -r rm -f
copy "$cometbft/proto" tendermint/abci tendermint/types tendermint/version tendermint/p2p tendermint/crypto
copy "$gogo" gogoproto/gogo.proto
copy "$cosmos_proto/proto" cosmos_proto/cosmos.proto
copy "$gateway/third_party/googleapis" google/api/annotations.proto google/api/http.proto
find "$out" -type f ! -name '*.proto' -delete
find "$out" -type d -empty -delete
chmod -R u+w "$out"
echo "vendored $(find "$out" -name '*.proto' | wc -l) files into $out"
