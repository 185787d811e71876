# shellcheck shell=bash
# Sourced by scripts/test. Builds the libFuzzer targets of fuzz/ with clang
# and runs each for a bounded time (docs/testing.md):
#
#   handin_fuzz BUILD_DIR SECONDS [TARGET...]
#
# BUILD_DIR is configured (once) with CC=clang CXX=clang++ -DHANDIN_FUZZ=ON;
# TARGETs are names as in fuzz/CMakeLists.txt (policy_loader, zip_walk...),
# all of them by default. Each target starts from its committed seeds
# (fuzz/corpus/<name>/) plus what earlier runs found (BUILD_DIR/fuzz-corpus/
# <name>/, where new inputs go; the repository is never written) and runs
# for SECONDS. A finding (crash, sanitizer report, leak, timeout, out of
# memory) is saved under BUILD_DIR/fuzz-findings/<name>/ and printed with
# the command that reproduces it; then handin_fuzz returns non-zero after
# running the other targets.

_HANDIN_FUZZ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# What the fuzz build needs beyond HANDIN_DEBIAN_PACKAGES.
HANDIN_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

handin_fuzz() {
  local build=$1 seconds=$2
  shift 2
  local root=$_HANDIN_FUZZ_ROOT
  handin_install_packages "${HANDIN_FUZZ_PACKAGES[@]}"
  echo "handin: building the fuzz targets with clang in $build ..."
  if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHANDIN_FUZZ=ON -DBUILD_TESTING=OFF \
      >/dev/null
  fi
  cmake --build "$build" --target fuzzers -- -j"$(nproc)"

  local targets=("$@")
  if [ ${#targets[@]} -eq 0 ]; then
    # Written by fuzz/CMakeLists.txt: one target name a line.
    mapfile -t targets <"$build/fuzz/targets.txt"
  fi
  local name failed=()
  for name in "${targets[@]}"; do
    _handin_fuzz_one "$build" "$seconds" "$name" || failed+=("$name")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "handin: fuzzing found problems in: ${failed[*]}" >&2
    return 1
  fi
  echo "handin: fuzzing found nothing (${#targets[@]} targets, ${seconds}s each)"
}

# _handin_fuzz_one BUILD_DIR SECONDS NAME — runs one target; prints a line,
# or on a finding the end of its log and how to reproduce it.
_handin_fuzz_one() {
  local build=$1 seconds=$2 name=$3
  local root=$_HANDIN_FUZZ_ROOT
  local bin="$build/bin/${name}_fuzz" seeds="$root/fuzz/corpus/$name"
  local corpus="$build/fuzz-corpus/$name" findings="$build/fuzz-findings/$name"
  local log="$build/fuzz-logs/$name.log"
  if [ ! -x "$bin" ]; then
    echo "handin: no fuzz target '$name' (see fuzz/CMakeLists.txt)" >&2
    return 1
  fi
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  local args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$findings/")
  [ -f "$root/fuzz/$name.dict" ] && args+=(-dict="$root/fuzz/$name.dict")
  [ -d "$seeds" ] || seeds=
  local start=$SECONDS status=0
  # Leaks are findings too (libFuzzer's -detect_leaks=1 is the default).
  ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    "$bin" "${args[@]}" "$corpus" ${seeds:+"$seeds"} >"$log" 2>&1 || status=$?
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    printf 'handin: fuzz %-16s ok    %4ds  %s runs, corpus %s\n' "$name" \
      $((SECONDS - start)) "${runs:-?}" "$(ls "$corpus" | wc -l)"
    return 0
  fi
  printf 'handin: fuzz %-16s FAILED (exit %d) after %ds; log: %s\n' "$name" \
    "$status" $((SECONDS - start)) "$log" >&2
  # The report itself: from the first error line to its SUMMARY, at most
  # 50 lines.
  awk '/ERROR: |runtime error:|ALARM: |out-of-memory|deadly signal/ {on = 1}
       on && n++ < 50 {print} on && /^SUMMARY: / {exit}' "$log" |
    sed 's/^/    /' >&2
  local artifact
  for artifact in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log"); do
    echo "  reproduce: $bin $artifact" >&2
  done
  return 1
}
