#!/usr/bin/env bash
# Installs what building and running Agora needs and a fresh machine may lack, checking for each
# thing the way the build uses it:
#   - libclang, the shared library bindgen loads (librocksdb-sys generates its bindings at build
#     time), and the headers of that same LLVM version; `libclang-cpp` is another library;
#   - the RocksDB that Debian packages (librocksdb-dev), which the build links instead of
#     compiling RocksDB's C++ sources (AGORA_ROCKSDB=bundled skips it: see scripts/env.sh);
#   - a C and a C++ compiler, python3 and curl (the localnet scripts);
#   - with --tests, Node.js and npm (the cosmjs end-to-end tests);
#   - CometBFT, with `go install` (scripts/install-cometbft.sh).
# Rust and Go are not installed here: without them it stops and says what to install.
# System packages come from apt-get, as root or through sudo without a password prompt.
# Progress goes to stderr; the last line on stdout is the path of the CometBFT binary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOR_TESTS=""
[ "${1:-}" = "--tests" ] && FOR_TESTS=1

die() { echo "install-deps: error: $*" >&2; exit 1; }

command -v cargo >/dev/null 2>&1 || die "Rust is required (cargo not found): install it with rustup (https://rustup.rs)"
command -v go >/dev/null 2>&1 || die "Go is required to install CometBFT (go not found): https://go.dev/doc/install"

# Debian's multiarch triple (x86_64-linux-gnu), which names the system library directory.
multiarch_dir() {
  cc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || true
}

has_libclang_in() {
  compgen -G "$1/libclang.so*" >/dev/null || compgen -G "$1/libclang-[0-9]*.so*" >/dev/null
}

# The LLVM directories, newest version first: clang-sys prefers the newest libclang it finds.
llvm_dirs() {
  compgen -G "/usr/lib/llvm-*" | sort -t- -k2 -V -r
}

# Where clang-sys finds libclang: only $LIBCLANG_PATH if set, else the system directories.
has_libclang() {
  if [ -n "${LIBCLANG_PATH:-}" ]; then
    # A directory, or the library file itself.
    [ -f "$LIBCLANG_PATH" ] || has_libclang_in "$LIBCLANG_PATH"
    return
  fi
  local dir
  for dir in $(llvm_dirs); do
    has_libclang_in "$dir/lib" && return 0
  done
  local multiarch
  multiarch="$(multiarch_dir)"
  for dir in /usr/lib /usr/lib64 /usr/local/lib ${multiarch:+/usr/lib/$multiarch}; do
    [ -d "$dir" ] && has_libclang_in "$dir" && return 0
  done
  return 1
}

# The LLVM major version of the newest libclang installed (empty if none is in an llvm-N dir).
libclang_version() {
  local dir
  for dir in $(llvm_dirs); do
    if has_libclang_in "$dir/lib"; then
      echo "${dir##*/llvm-}"
      return
    fi
  done
}

# libclang parses C headers with its own resource directory (stddef.h, stdarg.h), which Debian
# ships apart from the library.
has_clang_headers() {
  local version
  version="$(libclang_version)"
  if [ -n "$version" ]; then
    compgen -G "/usr/lib/llvm-$version/lib/clang/*/include/stddef.h" >/dev/null
  else
    compgen -G "/usr/lib/clang/*/include/stddef.h" >/dev/null
  fi
}

clang_headers_package() {
  local version
  version="$(libclang_version)"
  if [ -n "$version" ]; then echo "libclang-common-$version-dev"; else echo clang; fi
}

has_system_rocksdb() {
  [ -f /usr/include/rocksdb/c.h ] || return 1
  local multiarch
  multiarch="$(multiarch_dir)"
  { [ -n "$multiarch" ] && [ -e "/usr/lib/$multiarch/librocksdb.so" ]; } || [ -e /usr/lib/librocksdb.so ]
}

apt_updated=""
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing system packages: $* (install them as root: apt-get install $*)"
    sudo -n true 2>/dev/null || die "missing system packages: $* (sudo needs a password here; run: sudo apt-get install $*)"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing: $* (Debian package names); install the equivalent with your package manager"
  echo "install-deps: installing $*..." >&2
  if [ -z "$apt_updated" ]; then
    "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed; install $* by hand"
    apt_updated=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed; install them by hand"
}

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v c++ >/dev/null 2>&1 || missing+=(g++)
has_libclang || missing+=(libclang1)
if [ "${AGORA_ROCKSDB:-system}" != bundled ]; then
  has_system_rocksdb || missing+=(librocksdb-dev)
fi
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ -n "$FOR_TESTS" ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
# Which headers fit depends on the libclang installed, so they come second.
has_clang_headers || apt_install "$(clang_headers_package)"

has_libclang || die "libclang (libclang.so, which bindgen loads) is still missing${LIBCLANG_PATH:+ from LIBCLANG_PATH=$LIBCLANG_PATH}"
has_clang_headers || die "the headers of libclang $(libclang_version) (stddef.h) are still missing; install $(clang_headers_package)"
if [ "${AGORA_ROCKSDB:-system}" != bundled ]; then
  has_system_rocksdb || die "librocksdb.so or rocksdb/c.h not found after installing librocksdb-dev; AGORA_ROCKSDB=bundled compiles RocksDB from source instead"
fi

"$ROOT/scripts/install-cometbft.sh"
