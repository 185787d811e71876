# Sourced by scripts/up and scripts/test. Installs, from Debian's archive, the
# packages handin needs that are not installed yet, and nothing else.

# Everything handin builds, runs and tests with.
HANDIN_DEBIAN_PACKAGES=(
  cmake ninja-build g++ pkg-config git ca-certificates openssl tzdata procps
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  librocksdb-dev libabsl-dev libssl-dev libspdlog-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format grpc-proto
  libqpdf-dev libarchive-dev libmagic-dev libmagic-mgc  # content checks of uploads
  qpdf  # makes a PDF for the README's tour
  libpoco-dev  # signed bearer tokens (ES256, POCO JWT)
  libcpp-httplib-dev  # servers' Prometheus /metrics endpoint
  python3-icalendar  # the calendar export is checked by an independent parser
  docker-compose  # tests/deploy validates docker-compose.yml (no engine needed)
  chromium  # the dashboard's end-to-end test (headless, via playwright-core)
)

# handin_missing_packages PKG... — prints those of PKG not installed.
handin_missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || echo "$pkg"
  done
}

# handin_install_packages PKG... — installs the missing ones with apt-get.
# Needs root (or sudo) only when something is missing.
handin_install_packages() {
  local missing
  missing=$(handin_missing_packages "$@")
  [ -z "$missing" ] && return 0
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "handin: installing missing Debian packages: $(echo $missing)" >&2
  # Package lists may be absent on a fresh machine; refresh once if so.
  if ! apt-cache show $missing >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends $missing >/dev/null
}

handin_install_deps() {
  handin_install_packages "${HANDIN_DEBIAN_PACKAGES[@]}"
}

# handin_build BUILD_DIR [CMAKE_ARGS...] — configures (once) and builds.
handin_build() {
  local build_dir=$1
  shift
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  fi
  cmake --build "$build_dir" -- -j"$(nproc)"
}
