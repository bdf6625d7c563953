# Sourced by the scripts that build Agora: one place for the build's environment.
#   agora_setup [--tests]   installs what a fresh machine lacks (scripts/install-deps.sh; --tests
#                           adds what the test suite needs) and puts the pinned CometBFT first on PATH
# RocksDB: by default the build links the RocksDB that Debian packages (librocksdb-dev, RocksDB 7.8)
# instead of compiling its C++ sources, which is most of a cold build on two cores. For a binary that
# must run where librocksdb is not installed, AGORA_ROCKSDB=bundled compiles RocksDB from source and
# links it statically (as a plain `cargo build` without this file does).
# shellcheck shell=bash

AGORA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"

agora_rocksdb_env() {
  unset ROCKSDB_LIB_DIR
  [ "${AGORA_ROCKSDB:-system}" = bundled ] && return
  local dir
  dir="/usr/lib/$(cc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || true)"
  for dir in "$dir" /usr/lib; do
    if [ -e "$dir/librocksdb.so" ]; then
      export ROCKSDB_LIB_DIR="$dir"
      return
    fi
  done
}

agora_setup() {
  local cometbft
  cometbft="$("$AGORA_ROOT/scripts/install-deps.sh" "$@" | tail -n 1)"
  if [ ! -x "$cometbft" ]; then
    echo "scripts/install-deps.sh did not install CometBFT (see above)" >&2
    return 1
  fi
  export PATH="$(dirname "$cometbft"):$PATH"
  agora_rocksdb_env
}

agora_rocksdb_env
