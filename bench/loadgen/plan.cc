#include "bench/loadgen/plan.h"

#include <cmath>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/loadgen/bench_course.h"

namespace handin::bench {

absl::StatusOr<Mix> ParseMix(absl::string_view text) {
  Mix mix{0, 0, 0};
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits(':', 1));
    double weight = 0;
    if (!absl::SimpleAtod(kv.second, &weight) || weight < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--mix: \"", part, "\" is not kind:weight with a weight >= 0"));
    }
    if (kv.first == "question") {
      mix.question = weight;
    } else if (kv.first == "pdf") {
      mix.pdf = weight;
    } else if (kv.first == "zip") {
      mix.zip = weight;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--mix: unknown kind \"", kv.first, "\"; use question, pdf, zip"));
    }
  }
  if (mix.question + mix.pdf + mix.zip <= 0) {
    return absl::InvalidArgumentError("--mix: every weight is zero");
  }
  return mix;
}

absl::StatusOr<SizeRange> ParseMiBRange(absl::string_view text) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('-', 1));
  if (parts.second.empty()) parts.second = parts.first;
  double low = 0, high = 0;
  if (!absl::SimpleAtod(parts.first, &low) ||
      !absl::SimpleAtod(parts.second, &high) || low < 0 || low > high) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a size range in MiB such as 2-10 or 64"));
  }
  return SizeRange{static_cast<int64_t>(low * (1 << 20)),
                   static_cast<int64_t>(high * (1 << 20))};
}

absl::StatusOr<Arrivals> ParseArrivals(absl::string_view text) {
  if (text == "bunched") return Arrivals::kBunched;
  if (text == "steady") return Arrivals::kSteady;
  return absl::InvalidArgumentError(
      absl::StrCat("--arrivals: \"", text, "\" is neither bunched nor steady"));
}

std::vector<PlannedUpload> MakePlan(const PlanOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::discrete_distribution<int> kind(
      {options.mix.question, options.mix.pdf, options.mix.zip});
  std::vector<PlannedUpload> plan;
  plan.reserve(static_cast<size_t>(options.uploads));
  for (int i = 0; i < options.uploads; ++i) {
    PlannedUpload upload;
    upload.student = i % options.students;
    upload.kind = static_cast<FileKind>(kind(rng));
    const SizeRange& range =
        upload.kind == FileKind::kPdf ? options.pdf : options.zip;
    if (upload.kind != FileKind::kQuestion) {
      upload.target_bytes = std::uniform_int_distribution<int64_t>(
          range.min_bytes, range.max_bytes)(rng);
    }
    const double share = (i + 0.5) / static_cast<double>(options.uploads);
    upload.arrival =
        options.duration *
        (options.arrivals == Arrivals::kSteady ? share : std::sqrt(share));
    upload.content_seed = options.seed * 1000003 + static_cast<uint64_t>(i);
    plan.push_back(upload);
  }
  return plan;
}

const char* ItemFor(FileKind kind) {
  switch (kind) {
    case FileKind::kQuestion:
      return kQuestionItem;
    case FileKind::kPdf:
      return kReportItem;
    case FileKind::kZip:
      return kCodeItem;
  }
  return kQuestionItem;
}

}  // namespace handin::bench
