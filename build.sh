#!/usr/bin/env bash
# Sets up a Debian 12 machine for apiserver, builds it, and serves or tests it.
#
#   ./build.sh serve [SPEC] [apiserver options]   install, build, serve SPEC (default examples/todo.yaml)
#   ./build.sh test                               install, build (warnings are errors), lint, run every test,
#                                                 the benchmark smoke, and the sanitizer and fuzzing stage
#   ./build.sh build                              install and build only
#   ./build.sh package                            install, build, make the .deb and .rpm in build/
#   ./build.sh deps                               install the Debian packages only
set -euo pipefail

cd "$(dirname "$0")"
BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libyaml-cpp-dev libpistache-dev libsoci-dev libsqlite3-dev libpq-dev libhiredis-dev libboost-dev libvalijson-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libre2-dev libpcre2-dev libgtest-dev libgmock-dev
  libssl-dev libcrypt-dev libargon2-dev libidn2-dev libcurl4-openssl-dev libgoogle-perftools-dev
)
# What `test` needs besides: the static checks of .ci/lint, clang with its sanitizer and
# libFuzzer runtimes (and the symbolizer for their reports) for .ci/sanitizers, and the
# PostgreSQL and Redis servers the end-to-end tests start scratch instances of, and openssl,
# which makes the certificate of the TLS upstream they start.
TEST_PACKAGES=(clang-format clang-tidy clang-14 libclang-rt-14-dev llvm-14
               python3-fastapi python3-uvicorn python3-multipart postgresql redis-server openssl)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # The build fetches the /docs and /redoc browser files with `npm ci`. Any npm will do (a
  # NodeSource nodejs brings its own and conflicts with Debian's npm package).
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# WERROR=ON (what `test` uses) makes every compiler warning an error.
build() {
  deps
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAPISERVER_WERROR="${WERROR:-OFF}" >/dev/null
  cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

command=${1:-serve}
[ $# -gt 0 ] && shift
case "$command" in
  deps) deps ;;
  build) build ;;
  serve)
    build
    spec=${1:-examples/todo.yaml}
    [ $# -gt 0 ] && shift
    exec "$BUILD_DIR/apiserver" "$spec" "$@"
    ;;
  test)
    deps "${TEST_PACKAGES[@]}"
    WERROR=ON build
    # The contract test's tools (Portman, newman), exactly as tests/contract/package-lock.json
    # pins them; the test itself downloads nothing.
    (cd tests/contract && npm ci --loglevel=error)
    .ci/lint "$BUILD_DIR"
    (cd "$BUILD_DIR" && ctest --output-on-failure --parallel "$(nproc)" --timeout 300)
    BUILD_DIR=$BUILD_DIR .ci/packages
    bench/run --smoke --apiserver "$BUILD_DIR/apiserver"
    BUILD_DIR=$BUILD_DIR .ci/sanitizers asan fuzz tsan
    ;;
  package)
    build
    packaging/build-packages "$BUILD_DIR"
    ;;
  *)
    echo "usage: $0 serve [SPEC] [options] | test | build | package | deps" >&2
    exit 2
    ;;
esac
