#ifndef HANDIN_BENCH_LOADGEN_PLAN_H_
#define HANDIN_BENCH_LOADGEN_PLAN_H_

// Who uploads what, and when: the schedule of one deadline rush.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench/loadgen/content.h"

namespace handin::bench {

// Relative weights of the three kinds of file.
struct Mix {
  double question = 1;
  double pdf = 0;
  double zip = 0;
};

// Parses "question:0.9,pdf:0.1,zip:0" (kinds may be left out: weight 0).
// INVALID_ARGUMENT for an unknown kind, a negative weight, or all zero.
absl::StatusOr<Mix> ParseMix(absl::string_view text);

// An inclusive range of sizes in bytes.
struct SizeRange {
  int64_t min_bytes = 0;
  int64_t max_bytes = 0;
};

// Parses "2-10" or "64" (MiB; decimals allowed, "0.5-1"). INVALID_ARGUMENT
// for anything else or min > max.
absl::StatusOr<SizeRange> ParseMiBRange(absl::string_view text);

// How arrivals are spread over PlanOptions::duration.
enum class Arrivals {
  // Denser towards the end (the deadline): upload i of U arrives at
  // duration * sqrt((i + 0.5) / U), i.e. the arrival rate grows linearly
  // to twice the average at the deadline.
  kBunched,
  // At a constant rate: upload i of U arrives at duration * (i + 0.5) / U.
  // An offered load that does not wait for answers, for latency at a rate
  // below the servers' limit.
  kSteady,
};

// Parses "bunched" or "steady". INVALID_ARGUMENT for anything else.
absl::StatusOr<Arrivals> ParseArrivals(absl::string_view text);

struct PlanOptions {
  int students = 1;
  int uploads = 1;
  Mix mix;
  SizeRange pdf;
  SizeRange zip;
  // Arrivals spread over this window as `arrivals` says. Zero: all arrive
  // at once.
  absl::Duration duration;
  Arrivals arrivals = Arrivals::kBunched;
  // Seeds the kinds, sizes and contents.
  uint64_t seed = 1;
};

struct PlannedUpload {
  // Index of the student (StudentId) who uploads.
  int student = 0;
  FileKind kind = FileKind::kQuestion;
  int64_t target_bytes = 0;
  // When it starts, from the start of the rush.
  absl::Duration arrival;
  // Seed of its content.
  uint64_t content_seed = 0;
};

// Upload i is by student i % students, in arrival order.
std::vector<PlannedUpload> MakePlan(const PlanOptions& options);

// The item a file of `kind` goes to (bench_course.h).
const char* ItemFor(FileKind kind);

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_PLAN_H_
