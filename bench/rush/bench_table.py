#!/usr/bin/env python3
"""Prints scripts/bench's one table (Markdown) from its raw results.

Usage: bench_table.py RESULTS FIO_SEQ_JSON FIO_SYNC_JSON

RESULTS holds "key value" lines about the machine and one "RESULT k=v ..."
line per handin-loadgen run (label = scenario, target = webdav or handin);
the two JSON files are fio's output for the sequential write and the
write+fdatasync jobs. The targets are issue 7's.
"""

import json
import sys

LARGE_SHARE_OF_DISK = 0.5
LARGE_VS_NGINX = 1.0
SMALL_PER_S = 3000
SMALL_P99_MS = 20
PEAK_RSS_MIB = 256


def read_results(path):
    facts, runs = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("RESULT "):
                fields = dict(kv.split("=", 1) for kv in line.split()[1:])
                runs[(fields["label"], fields["target"])] = fields
            elif line:
                key, _, value = line.partition(" ")
                facts[key] = value
    return facts, runs


def fio_job(path):
    with open(path) as f:
        return json.load(f)["jobs"][0]


def num(run, key):
    return float(run[key]) if run and key in run else None


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def ratio(a, b):
    if a is None or not b:
        return "—"
    return f"{a / b:.2f}×"


def latency(run):
    if not run:
        return "—"
    return "{} / {} / {}".format(
        fmt(num(run, "p50_ms"), 1), fmt(num(run, "p99_ms"), 1),
        fmt(num(run, "max_ms"), 1))


def services_peak(run):
    if not run:
        return None
    return num(run, "hwm_mib_intake") + num(run, "hwm_mib_storage")


def services_start(run):
    if not run or "rss_start_mib_intake" not in run:
        return None
    return num(run, "rss_start_mib_intake") + num(run, "rss_start_mib_storage")


def nginx_peak(run):
    if not run:
        return None
    return sum(float(v) for k, v in run.items() if k.startswith("hwm_mib_nginx"))


def offered_seconds(run):
    return fmt(num(run, "arrivals_s"))


def offered_per_s(run):
    seconds = num(run, "arrivals_s")
    return num(run, "uploads") / seconds if seconds else None


def outcome(run):
    if not run:
        return "not run"
    return "{}/{} stored, {} refused, {} failed".format(
        run["stored"], run["uploads"], run["refused"], run["failed"])


def verdict(ok):
    return "**met**" if ok else "**missed**"


def main():
    facts, runs = read_results(sys.argv[1])
    seq = fio_job(sys.argv[2])
    sync = fio_job(sys.argv[3])
    disk_mib_s = seq["write"]["bw_bytes"] / 2**20
    syncs_per_s = sync["write"]["iops"]
    sync_ms = sync.get("sync", {}).get("lat_ns", {}).get("mean", 0) / 1e6

    def run(label, target):
        return runs.get((label, target))

    ln, lh = run("large", "webdav"), run("large", "handin")
    sn, sh = run("small", "webdav"), run("small", "handin")
    rn, rh = run("rush", "webdav"), run("rush", "handin")
    gh = run("giant", "handin")
    pn, ph = run("paced", "webdav"), run("paced", "handin")

    print(f"Deadline-rush benchmark, {facts.get('date', '?')}, "
          f"commit {facts.get('commit', '?')}")
    print(f"Machine: {facts.get('cpu', '?')}, {facts.get('memory', '?')}, "
          f"disk {facts.get('disk', '?')}; load average before "
          f"{facts.get('load_before', '?')}, after {facts.get('load_after', '?')}")
    no_flags = "intake: none; storage: none; deadline: none"
    if facts.get("extra_flags", no_flags) != no_flags:
        print(f"Flags beyond the defaults: {facts['extra_flags']}")
    print()
    print("| scenario | measure | disk limit (fio, data dir) | nginx PUT "
          "(HTTPS; no hash, no check, no fsync) | handin (TLS, verdicts, "
          "checks, SHA-256, synced commit, signed receipt) | handin / nginx "
          "| handin / disk |")
    print("|---|---|---|---|---|---|---|")

    def row(scenario, measure, disk, nginx, handin, vs_nginx="", vs_disk=""):
        print(f"| {scenario} | {measure} | {disk} | {nginx} | {handin} | "
              f"{vs_nginx} | {vs_disk} |")

    large_name = "large: code zips 50–500 MiB"
    if lh:
        large_name += (f" ({lh['uploads']} uploads, {lh['stored_mib']} MiB, "
                       f"{lh['concurrency']} at once)")
    row(large_name, "MiB/s", f"{fmt(disk_mib_s)} (sequential, direct I/O)",
        fmt(num(ln, "mib_per_s"), 1), fmt(num(lh, "mib_per_s"), 1),
        ratio(num(lh, "mib_per_s"), num(ln, "mib_per_s")),
        ratio(num(lh, "mib_per_s"), disk_mib_s))
    row("", "last chunk → answer ms p50 / p99 / max", "", latency(ln),
        latency(lh))
    small_name = "small: 1 KiB questions"
    if sh:
        small_name += (f" ({sh['uploads']} uploads by {sh['students']} "
                       f"students, {sh['concurrency']} at once)")
    row(small_name, "submissions/s",
        f"{fmt(syncs_per_s)} fdatasync/s (4 KiB write + fdatasync, "
        f"{sync_ms:.2f} ms each)",
        fmt(num(sn, "per_s")), fmt(num(sh, "per_s")),
        ratio(num(sh, "per_s"), num(sn, "per_s")),
        ratio(num(sh, "per_s"), syncs_per_s) + " of fdatasync/s")
    row("", "last chunk → answer ms p50 / p99 / max",
        f"{sync_ms:.2f} (one fdatasync)", latency(sn), latency(sh))
    row("rush: 85 % questions, 14 % PDFs 2–10 MiB, 1 % zips, arrivals "
        "bunched before the deadline", "submissions/s; MiB/s",
        "", f"{fmt(num(rn, 'per_s'))}; {fmt(num(rn, 'mib_per_s'), 1)}",
        f"{fmt(num(rh, 'per_s'))}; {fmt(num(rh, 'mib_per_s'), 1)}")
    row("", "last chunk → answer ms p50 / p99 / max", "", latency(rn),
        latency(rh))
    paced_name = "paced: 1 KiB questions at a steady offered rate"
    if ph:
        paced_name += (f" ({ph['uploads']} uploads by {ph['students']} "
                       f"students in {offered_seconds(ph)} s: "
                       f"{fmt(offered_per_s(ph))}/s offered)")
    row(paced_name, "submissions/s", "", fmt(num(pn, "per_s")),
        fmt(num(ph, "per_s")))
    row("", "last chunk → answer ms p50 / p99 / max", "", latency(pn),
        latency(ph))
    row("giant: one 1 GiB zip" if gh else "giant", "MiB/s; ms to answer", "",
        "", f"{fmt(num(gh, 'mib_per_s'), 1)}; {fmt(num(gh, 'p50_ms'), 0)}")
    for label, (n, h) in (("large", (ln, lh)), ("small", (sn, sh)),
                          ("rush", (rn, rh)), ("giant", (None, gh))):
        row(f"peak RSS, {label}",
            "MiB: nginx workers; intake + storage (resident at the start)",
            "", fmt(nginx_peak(n), 1),
            f"{fmt(services_peak(h), 1)} ({fmt(services_start(h), 1)})")
    for label, (n, h) in (("large", (ln, lh)), ("small", (sn, sh)),
                          ("rush", (rn, rh)), ("giant", (None, gh)),
                          ("paced", (pn, ph))):
        row(f"outcome, {label}", "uploads", "", outcome(n) if n else "",
            outcome(h))
    print()
    print("CPU during each handin run (core-seconds per second of the run): "
          "machine busy / of which other processes on the machine")
    for label, h in (("large", lh), ("small", sh), ("rush", rh),
                     ("giant", gh), ("paced", ph)):
        if h:
            print(f"- {label}: {h['machine_busy_cores']} / "
                  f"{h['others_busy_cores']}; loadgen {h['cpu_s_loadgen']} s, "
                  f"intake {h['cpu_s_intake']} s, storage {h['cpu_s_storage']} "
                  f"s, deadline {h['cpu_s_deadline']} s in {h['seconds']} s")
    print()
    print("Targets (issue 7):")
    large = num(lh, "mib_per_s")
    if large is not None:
        print(f"- large ≥ {LARGE_SHARE_OF_DISK:.0%} of disk bandwidth: "
              f"{large / disk_mib_s:.0%} "
              f"{verdict(large >= LARGE_SHARE_OF_DISK * disk_mib_s)}")
    if large is not None and num(ln, "mib_per_s"):
        print(f"- large ≥ {LARGE_VS_NGINX:.1f}× nginx: "
              f"{large / num(ln, 'mib_per_s'):.2f}× "
              f"{verdict(large >= LARGE_VS_NGINX * num(ln, 'mib_per_s'))}")
    if sh:
        print(f"- small ≥ {SMALL_PER_S:,} submissions/s: "
              f"{num(sh, 'per_s'):,.0f} "
              f"{verdict(num(sh, 'per_s') >= SMALL_PER_S)}; p99 ≤ "
              f"{SMALL_P99_MS} ms: {num(sh, 'p99_ms'):.1f} ms "
              f"{verdict(num(sh, 'p99_ms') <= SMALL_P99_MS)}")
    if ph:
        print(f"- small p99 ≤ {SMALL_P99_MS} ms below the limit "
              f"({fmt(offered_per_s(ph))}/s offered): "
              f"{num(ph, 'p99_ms'):.1f} ms "
              f"{verdict(num(ph, 'p99_ms') <= SMALL_P99_MS)}")
    for label, h in (("small rush", sh), ("mixed rush", rh), ("1 GiB", gh)):
        peak = services_peak(h)
        if peak is not None:
            print(f"- peak RSS intake + storage ≤ {PEAK_RSS_MIB} MiB, "
                  f"{label}: {peak:.1f} MiB {verdict(peak <= PEAK_RSS_MIB)}")


if __name__ == "__main__":
    main()
