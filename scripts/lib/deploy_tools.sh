# shellcheck shell=bash
# Sourced by scripts/test. Installs what the deployment checks of
# tests/deploy need beyond HANDIN_DEBIAN_PACKAGES:
#
#   handin_install_deploy_tools
#
# - Node.js and npm: the machine's own if `npm` runs, else Debian's nodejs
#   and npm packages;
# - k8s/validate's npm packages, exactly as its package-lock.json pins
#   them, with `npm ci` — only when node_modules is missing or older than
#   the lockfile, so a second run does nothing.
# Nothing is fetched when the tests run; only here, from the npm registry.

_HANDIN_DEPLOY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

handin_install_deploy_tools() {
  local dir="$_HANDIN_DEPLOY_ROOT/k8s/validate"
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    handin_install_packages nodejs npm
  fi
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
    return 0
  fi
  echo "handin: installing k8s/validate's npm packages (npm ci) ..." >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "handin: npm ci in k8s/validate failed" >&2
    return 1
  }
}
