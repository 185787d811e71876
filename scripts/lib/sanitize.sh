# shellcheck shell=bash
# Sourced by scripts/test. The AddressSanitizer + UndefinedBehaviorSanitizer
# build of the whole test suite (docs/testing.md):
#
#   handin_sanitizer_env            exports ASAN/UBSAN/LSAN_OPTIONS
#   handin_test_sanitized BUILD_DIR [CTEST_ARGS...]
#                                   configures BUILD_DIR with HANDIN_SANITIZE
#                                   (once), builds everything, runs ctest
#
# Any report (memory error, undefined behaviour, leak) aborts the process
# that made it, so the test that ran it fails. Spawned binaries (the
# integration tests' services) inherit the options.

_HANDIN_SANITIZE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Exports the sanitizer options; keeps any the caller already set (they come
# last, so they win).
handin_sanitizer_env() {
  local root=$_HANDIN_SANITIZE_ROOT
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:\
detect_stack_use_after_return=1:check_initialization_order=1:\
strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1\
${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  # Suppressions name only third-party frames; see the file.
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:\
print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
}

handin_test_sanitized() {
  local build=$1
  shift
  local root=$_HANDIN_SANITIZE_ROOT
  handin_sanitizer_env
  echo "handin: building with ASan+UBSan in $build ..."
  # The build runs the test binaries to list their tests: with the options.
  # -O0 -g1: instrumented code at -O2 -g took about 4x the Release build's
  # CPU to compile, at -O0 -g1 about the same (docs/testing.md, "Times");
  # the suite's time goes to the uninstrumented gRPC, protobuf and RocksDB
  # libraries and to I/O, so it barely slows. -g1 keeps line numbers in
  # reports.
  if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O0 -g1" -DHANDIN_SANITIZE=ON >/dev/null
  fi
  cmake --build "$build" -- -j"$(nproc)"
  # grpc_cli is a tool the tests run, not code under test: reuse the normal
  # build's (built once, from source) instead of building a second one.
  local normal="${HANDIN_BUILD_DIR:-$root/build-test}"
  local cli
  cli=$(handin_build_grpc_cli "$normal" | sed -n 's/^grpc_cli: //p')
  mkdir -p "$build/tools/grpc_cli"
  ln -sf "$cli" "$build/tools/grpc_cli/grpc_cli"
  echo "handin: running the test suite under ASan+UBSan ..."
  # Instrumented binaries run 2-4x slower: a longer per-test timeout.
  # Left out, and only these three, which the normal suite runs: the
  # sandbox's memory limit (RLIMIT_AS) cannot apply to an ASan child, which
  # reserves terabytes of address space, so the build drops it
  # (confined_process.cc) and the two tests that check it cannot pass; and
  # the Dockerfile check, which lists the shared libraries of the Release
  # binaries the image ships (these link libasan and libubsan).
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600 \
    -E '^(SandboxTest\.(RefusesAFileThatNeedsTooMuchMemory|ConfinesTheChild)|deploy\.DockerfileRuntimeHasEveryLibrary)$' \
    "$@"
}
