#!/usr/bin/env bash
# Installs the pinned Hermes relayer (crates.io `ibc-relayer-cli`, which gives `hermes`) with
# `cargo install --locked` into ~/.cache/agora/hermes, outside the clone like the cargo target
# directory, unless that version is already there. Prints the path of the binary on its last line.
#
# 1.10.5 is the newest release without Namada's SDK among its dependencies (1.11 on): those
# need protoc and roughly double the build, for a chain type Agora never relays to. It speaks
# the same ibc-proto 0.51 and tendermint 0.40 as Agora.
set -euo pipefail

HERMES_VERSION="${HERMES_VERSION:-1.10.5}"
root="${AGORA_HERMES_ROOT:-$HOME/.cache/agora/hermes}"
bin="$root/bin/hermes"

if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "$HERMES_VERSION"; then
  echo "$bin"
  exit 0
fi

echo "installing Hermes $HERMES_VERSION with cargo install (ibc-relayer-cli; many minutes the first time on two cores)..." >&2
# Its own target directory, kept so a version bump rebuilds only what changed.
CARGO_TARGET_DIR="$root/target" cargo install ibc-relayer-cli --version "$HERMES_VERSION" --locked --bin hermes --root "$root" >&2
"$bin" version >&2
echo "$bin"
