#!/usr/bin/env bash
# Installs what building and running Agora needs and a fresh machine may lack, and checks for it
# the way the build will use it:
#   - libclang, the shared library that bindgen loads (librocksdb-sys generates its bindings at
#     build time); `libclang-cpp` is a different library and does not count;
#   - the RocksDB that Debian packages (librocksdb-dev), which the build links instead of
#     compiling RocksDB's C++ sources (AGORA_ROCKSDB=bundled skips it: see scripts/env.sh);
#   - a C and a C++ compiler, python3 and curl (the localnet scripts), Node.js and npm (cosmjs tests);
#   - CometBFT, with `go install` (scripts/install-cometbft.sh).
# Rust and Go are not installed here: their absence ends the script with what to install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() { echo "install-deps: error: $*" >&2; exit 1; }

command -v cargo >/dev/null 2>&1 || die "Rust is required (cargo not found): install it with rustup (https://rustup.rs)"
command -v go >/dev/null 2>&1 || die "Go is required to install CometBFT (go not found): https://go.dev/doc/install"

# The directories clang-sys searches for libclang, and the names it accepts.
has_libclang() {
  local dir
  if [ -n "${LIBCLANG_PATH:-}" ]; then
    compgen -G "$LIBCLANG_PATH/libclang*.so*" | grep -qv 'libclang-cpp' && return 0
  fi
  for dir in /usr/lib /usr/lib64 /usr/local/lib /usr/lib/*-linux-gnu /usr/lib/llvm-*/lib; do
    [ -d "$dir" ] || continue
    if compgen -G "$dir/libclang.so*" >/dev/null || compgen -G "$dir/libclang-[0-9]*.so*" >/dev/null; then
      return 0
    fi
  done
  return 1
}

# libclang parses headers with its own resource directory, which holds stdarg.h and stddef.h.
has_clang_headers() {
  compgen -G "/usr/lib/llvm-*/lib/clang/*/include/stdarg.h" >/dev/null || compgen -G "/usr/lib/clang/*/include/stdarg.h" >/dev/null
}

# Debian names the resource headers after the LLVM major version of the libclang installed.
clang_headers_package() {
  local dir
  for dir in /usr/lib/llvm-*/lib; do
    if compgen -G "$dir/libclang.so*" >/dev/null || compgen -G "$dir/libclang-[0-9]*.so*" >/dev/null; then
      dir="${dir%/lib}"
      echo "libclang-common-${dir##*llvm-}-dev"
      return
    fi
  done
  echo clang
}

has_system_rocksdb() {
  [ -f /usr/include/rocksdb/c.h ] || return 1
  compgen -G "/usr/lib/*-linux-gnu/librocksdb.so" >/dev/null || compgen -G "/usr/lib/librocksdb.so" >/dev/null
}

apt_updated=""
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing system packages: $* (install them as root: apt-get install $*)"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing: $* (Debian package names); install the equivalent with your package manager"
  echo "install-deps: installing $*..." >&2
  if [ -z "$apt_updated" ]; then
    $sudo apt-get update -qq >&2 || die "apt-get update failed; install $* by hand"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed; install them by hand"
}

missing=()
has_libclang || missing+=(libclang1)
if [ "${AGORA_ROCKSDB:-system}" != bundled ]; then
  has_system_rocksdb || missing+=(librocksdb-dev)
fi
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v c++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# Node.js runs the cosmjs end-to-end tests.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
# Which headers package fits depends on the libclang installed, so this comes second.
has_clang_headers || apt_install "$(clang_headers_package)"

has_libclang || die "libclang (libclang.so, which bindgen loads) is still missing; set LIBCLANG_PATH to the directory that holds it"
has_clang_headers || die "libclang's resource headers (stdarg.h) are still missing; install clang"
if [ "${AGORA_ROCKSDB:-system}" != bundled ]; then
  has_system_rocksdb || die "librocksdb.so or rocksdb/c.h not found after installing librocksdb-dev; AGORA_ROCKSDB=bundled compiles RocksDB from source instead"
fi

# Its path, on the last line of stdout, is what scripts/env.sh puts on PATH.
"$ROOT/scripts/install-cometbft.sh"
