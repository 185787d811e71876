# shellcheck shell=bash
# Source this file; it defines one function:
#
#   handin_build_grpc_cli <build_root>
#
# Ensures <build_root>/tools/grpc_cli/grpc_cli exists and runs, then prints
# one line on stdout: "grpc_cli: <absolute path>". Progress goes to stderr.
# Debian 12 packages neither grpc_cli nor grpcurl, so the tool is built from
# Debian's own grpc source package (the 1.51.1 the system libraries come
# from) with tools/grpc_cli/CMakeLists.txt.
#   - Idempotent: a working binary returns at once; the checksum-verified
#     source download is cached in <build_root>/tools/grpc-src.
#   - Installs only the missing build packages (root needed only then).
#   - Noise goes to <build_root>/tools/grpc_cli.log. On any failure it names
#     that log on stderr and returns non-zero, also when called as `... ||`.
#   - Leaves the system's apt sources and state alone: the deb-src index
#     lives in a temporary directory that is removed afterwards.

_HANDIN_GRPC_CLI_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_HANDIN_GRPC_SRC_VERSION="1.51.1-3"  # source of the installed libgrpc 1.51.1-3+b1
_HANDIN_GRPC_CLI_PKGS=(cmake make g++ protobuf-compiler protobuf-compiler-grpc
  libprotobuf-dev libprotoc-dev libgrpc++-dev libabsl-dev)

# The body is a subshell: cd, traps and `exit` stay local to the call.
handin_build_grpc_cli() (
  set -euo pipefail
  local root="${1:?usage: handin_build_grpc_cli <build_root>}"
  mkdir -p "$root/tools" || exit 1
  root="$(cd "$root" && pwd)" || exit 1
  local tools="$root/tools"
  local cli="$tools/grpc_cli/grpc_cli" log="$tools/grpc_cli.log"

  # "Runs" means: prints its own usage text.
  _works() { [[ -x "$cli" && "$("$cli" help ls 2>&1)" == *"List services"* ]]; }
  if _works; then
    echo "grpc_cli: $cli"
    exit 0
  fi

  : >"$log" || exit 1
  _die() { echo "handin_build_grpc_cli: $*; see $log" >&2; exit 1; }
  # Runs a noisy command with its output appended to the log.
  _quiet() { echo "+ $*" >>"$log"; "$@" >>"$log" 2>&1 || _die "failed: $*"; }

  # 1. Build dependencies: install only the missing ones.
  local p missing=()
  for p in "${_HANDIN_GRPC_CLI_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
      missing+=("$p")
  done
  if ((${#missing[@]})); then
    ((EUID == 0)) || _die "need root to install: ${missing[*]}"
    echo "grpc_cli: installing ${missing[*]}" >&2
    _quiet apt-get update
    _quiet env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}"
  fi

  # 2. Source: Debian's grpc source package. apt checks it against the signed
  #    archive index; _verify re-checks the orig tarball against the .dsc.
  #    Only the pristine orig tarball is used: Debian's patches touch no file
  #    that grpc_cli compiles.
  local srcdir="$tools/grpc-src" ver="$_HANDIN_GRPC_SRC_VERSION"
  local upver="${ver%-*}"
  local dsc="$srcdir/grpc_$ver.dsc" orig="$srcdir/grpc_$upver.orig.tar.gz"
  _verify() {
    [[ -f "$dsc" && -f "$orig" ]] &&
      sed -n '/^Checksums-Sha256:/,/^[^ ]/p' "$dsc" |
      awk -v f="${orig##*/}" -v d="$srcdir" '$3 == f {print $1 "  " d "/" $3}' |
        grep . | sha256sum --check --status
  }
  if ! _verify; then
    local tmp
    tmp="$(mktemp -d)" || exit 1
    # shellcheck disable=SC2064  # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/cache" "$tmp/dl" || exit 1
    printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
      "Suites: bookworm" "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
      >"$tmp/src.sources" || exit 1
    # Let apt's sandbox user write there (else apt warns and runs as root).
    if ((EUID == 0)) && id _apt >/dev/null 2>&1; then chown -R _apt "$tmp"; fi
    local apt_opts=(-o Dir::Etc::SourceList="$tmp/src.sources"
      -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$tmp/lists"
      -o Dir::Cache="$tmp/cache")
    echo "grpc_cli: fetching Debian source grpc=$ver" >&2
    _quiet apt-get "${apt_opts[@]}" update
    _quiet env -C "$tmp/dl" apt-get "${apt_opts[@]}" source --download-only "grpc=$ver"
    mkdir -p "$srcdir" || exit 1
    mv -f "$tmp/dl/${dsc##*/}" "$tmp/dl/${orig##*/}" "$srcdir/" || exit 1
    rm -rf "$srcdir/grpc-$upver"
    _verify || _die "checksum mismatch for $orig"
  fi

  # Unpack only what grpc_cli compiles or includes (~20 MB of 77 MB), plus
  # health.proto: gRPC's default health service registers no descriptor, so
  # reflection cannot describe it and `grpc_cli call ADDR
  # grpc.health.v1.Health.Check ''` also needs
  # --proto_path=<tree>/src/proto --protofiles=grpc/health/v1/health.proto.
  local tree="$srcdir/grpc-$upver"
  if [[ ! -f "$tree/test/cpp/util/grpc_cli.cc" ||
        ! -f "$tree/src/proto/grpc/health/v1/health.proto" ]]; then
    _quiet tar -xzf "$orig" -C "$srcdir" "grpc-$upver/test/cpp/util" \
      "grpc-$upver/src/core" "grpc-$upver/src/proto/grpc/reflection" \
      "grpc-$upver/src/proto/grpc/health"
  fi

  # 3. Configure (from scratch: we only get here without a working binary)
  #    and build.
  echo "grpc_cli: building (log: $log)" >&2
  _quiet cmake --fresh -S "$_HANDIN_GRPC_CLI_REPO/tools/grpc_cli" \
    -B "$tools/grpc_cli" -DCMAKE_BUILD_TYPE=Release -DGRPC_SOURCE_DIR="$tree"
  _quiet cmake --build "$tools/grpc_cli" --parallel "$(nproc)"
  _works || _die "built $cli but it does not run"
  echo "grpc_cli: $cli"
)
