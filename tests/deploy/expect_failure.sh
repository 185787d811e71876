#!/usr/bin/env bash
# expect_failure.sh PATTERN... -- COMMAND [ARG...]
# Passes when COMMAND exits non-zero AND its output (stdout and stderr)
# matches every extended regex PATTERN: the check refused the broken input
# for each reason the fixture was broken for, not merely because it could
# not run.
set -uo pipefail
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  patterns+=("$1")
  shift
done
if [ $# -lt 2 ] || [ ${#patterns[@]} -eq 0 ]; then
  echo "usage: $0 PATTERN... -- COMMAND..." >&2
  exit 2
fi
shift
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -eq 0 ]; then
  echo "expect_failure: '$*' passed, but its input is broken on purpose" >&2
  exit 1
fi
for pattern in "${patterns[@]}"; do
  if ! grep -Eq -- "$pattern" <<<"$output"; then
    echo "expect_failure: '$*' failed (exit $status), but not with /$pattern/" >&2
    exit 1
  fi
done
echo "expect_failure: refused as expected (exit $status), for each reason"
