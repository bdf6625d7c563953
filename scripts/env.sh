# Sourced by the scripts that build Agora: one place for the build's environment.
#   agora_setup   installs what a fresh machine lacks (scripts/install-deps.sh) and puts the pinned
#                 CometBFT first on PATH
# RocksDB: by default the build links the RocksDB that Debian packages (librocksdb-dev, RocksDB 7.8)
# instead of compiling its C++ sources, which is most of a cold build on two cores. For a binary that
# must run where librocksdb is not installed, AGORA_ROCKSDB=bundled compiles RocksDB from source and
# links it statically (as a plain `cargo build` without this file does).
# shellcheck shell=bash

AGORA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"

agora_rocksdb_env() {
  if [ "${AGORA_ROCKSDB:-system}" = bundled ]; then
    unset ROCKSDB_LIB_DIR
    return
  fi
  local lib
  for lib in /usr/lib/*-linux-gnu/librocksdb.so /usr/lib/librocksdb.so; do
    if [ -e "$lib" ]; then
      export ROCKSDB_LIB_DIR="$(dirname "$lib")"
      return
    fi
  done
}

agora_setup() {
  local cometbft
  cometbft="$("$AGORA_ROOT/scripts/install-deps.sh" | tail -n 1)" || return 1
  export PATH="$(dirname "$cometbft"):$PATH"
  agora_rocksdb_env
}

agora_rocksdb_env
