# shellcheck shell=bash
# Source this file; it defines one function:
#
#   handin_build_grpc_cli <build_root>
#
# Ensures <build_root>/tools/grpc_cli/grpc_cli exists and runs, then prints
# one line naming it. Debian 12 packages neither grpc_cli nor grpcurl, so the
# tool is built from Debian's own grpc source package (the same 1.51.1 the
# system libraries come from) with tools/grpc_cli/CMakeLists.txt.
#   - Idempotent: an existing working binary returns at once; the verified
#     source download is cached in <build_root>/tools/grpc-src.
#   - Installs only the missing build packages (needs root when any are).
#   - Noise goes to <build_root>/tools/grpc_cli.log; on failure the function
#     prints that path and returns non-zero (safe under `set -euo pipefail`).
#   - Leaves the system's apt configuration and state alone: the deb-src
#     index lives in a temporary directory.

_HANDIN_GRPC_CLI_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_HANDIN_GRPC_SRC_VERSION="1.51.1-3"  # Debian source of the installed libgrpc 1.51.1-3+b1
_HANDIN_GRPC_CLI_PKGS=(cmake make g++ protobuf-compiler protobuf-compiler-grpc
  libprotobuf-dev libprotoc-dev libgrpc++-dev libabsl-dev)

# Runs in a subshell so that cd, traps and `set` stay local to the call.
handin_build_grpc_cli() (
  set -euo pipefail
  local root="${1:?usage: handin_build_grpc_cli <build_root>}"
  mkdir -p "$root/tools"
  root="$(cd "$root" && pwd)"
  local tools="$root/tools"
  local cli="$tools/grpc_cli/grpc_cli" log="$tools/grpc_cli.log"

  if [[ -x "$cli" ]] && "$cli" help ls >/dev/null 2>&1; then
    echo "grpc_cli: $cli"
    return 0
  fi

  : >"$log"
  # Run a noisy command with its output in the log; report the log on failure.
  _quiet() {
    echo "+ $*" >>"$log"
    "$@" >>"$log" 2>&1 || {
      echo "handin_build_grpc_cli: failed: $*" >&2
      echo "handin_build_grpc_cli: see $log" >&2
      return 1
    }
  }

  # 1. Build dependencies: install only the missing ones.
  local p missing=()
  for p in "${_HANDIN_GRPC_CLI_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
      missing+=("$p")
  done
  if ((${#missing[@]})); then
    if ((EUID != 0)); then
      echo "handin_build_grpc_cli: need root to install: ${missing[*]}" >&2
      return 1
    fi
    echo "grpc_cli: installing ${missing[*]}"
    _quiet apt-get update
    _quiet env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}"
  fi

  # 2. Source: Debian's grpc source package, checked by apt against the
  #    signed archive index and below against the .dsc. Only the pristine
  #    orig tarball is used (Debian's patches touch no file grpc_cli needs).
  local srcdir="$tools/grpc-src" ver="${_HANDIN_GRPC_SRC_VERSION}"
  local upver="${ver%-*}"
  local dsc="$srcdir/grpc_${ver}.dsc" orig="$srcdir/grpc_${upver}.orig.tar.gz"
  _verify() { # sha256 of the orig tarball as listed in the .dsc
    [[ -f "$dsc" && -f "$orig" ]] || return 1
    (cd "$srcdir" && sed -n '/^Checksums-Sha256:/,/^[^ ]/p' "$dsc" |
      awk -v f="${orig##*/}" '$3 == f {print $1 "  " $3}' | grep . |
      sha256sum --check --status)
  }
  if ! _verify; then
    local tmp
    tmp="$(mktemp -d)"
    # shellcheck disable=SC2064  # expand $tmp now
    trap "rm -rf '$tmp'" EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/cache" "$tmp/dl"
    cat >"$tmp/src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # apt downloads as the unprivileged _apt user when it can write there.
    if ((EUID == 0)) && id _apt >/dev/null 2>&1; then chown -R _apt "$tmp"; fi
    local apt_opts=(-o Dir::Etc::SourceList="$tmp/src.sources"
      -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$tmp/lists"
      -o Dir::Cache="$tmp/cache")
    echo "grpc_cli: fetching Debian source grpc=$ver"
    _quiet apt-get "${apt_opts[@]}" update
    (cd "$tmp/dl" && _quiet apt-get "${apt_opts[@]}" source --download-only "grpc=$ver")
    mkdir -p "$srcdir"
    mv -f "$tmp/dl/${dsc##*/}" "$tmp/dl/${orig##*/}" "$srcdir/"
    rm -rf "$srcdir/grpc-$upver"
    _verify || { echo "handin_build_grpc_cli: checksum mismatch for $orig" >&2; return 1; }
  fi
  # Unpack only what grpc_cli compiles or includes (~25 MB of 77 MB).
  local tree="$srcdir/grpc-$upver"
  if [[ ! -f "$tree/test/cpp/util/grpc_cli.cc" ]]; then
    _quiet tar -xzf "$orig" -C "$srcdir" \
      "grpc-$upver/test/cpp/util" "grpc-$upver/src/proto/grpc/reflection" \
      "grpc-$upver/src/core"
  fi

  # 3. Configure and build.
  echo "grpc_cli: building (log: $log)"
  _quiet cmake -S "$_HANDIN_GRPC_CLI_REPO/tools/grpc_cli" -B "$tools/grpc_cli" \
    -DCMAKE_BUILD_TYPE=Release -DGRPC_SOURCE_DIR="$tree"
  _quiet cmake --build "$tools/grpc_cli" --parallel "$(nproc)"
  "$cli" help ls >/dev/null 2>&1 || {
    echo "handin_build_grpc_cli: built $cli but it does not run; see $log" >&2
    return 1
  }
  echo "grpc_cli: $cli"
)
