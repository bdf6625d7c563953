#!/usr/bin/env bash
# Installs the pinned CometBFT v0.38.x with `go install` unless that version is already on PATH
# (or in Go's bin directory). Prints the path of the binary on its last line.
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.26}"
want="${COMETBFT_VERSION#v}"

gobin="$(go env GOBIN 2>/dev/null || true)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"

for candidate in "$(command -v cometbft 2>/dev/null || true)" "$gobin/cometbft"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$("$candidate" version 2>/dev/null)" = "$want" ]; then
    echo "$candidate"
    exit 0
  fi
done

echo "installing CometBFT $COMETBFT_VERSION with go install (a few minutes the first time)..." >&2
GOBIN="$gobin" go install "github.com/cometbft/cometbft/cmd/cometbft@${COMETBFT_VERSION}" >&2
installed="$("$gobin/cometbft" version)"
if [ "$installed" != "$want" ]; then
  echo "expected CometBFT $want, got $installed" >&2
  exit 1
fi
echo "$gobin/cometbft"
