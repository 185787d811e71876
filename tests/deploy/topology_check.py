#!/usr/bin/python3
"""Checks that docker-compose.yml and k8s/ run the topology of scripts/up.

Usage: topology_check.py --up scripts/up --compose docker-compose.yml
                         --k8s k8s/

scripts/up is the reference: which services run, the port of each, which
require mutual TLS (--mtls), and which flags each gets (--storage_addr,
--receipt_key, ...). For every service of scripts/up this checks that
  - docker-compose.yml has it, listening on the same port, with --mtls
    exactly when scripts/up gives it, with every flag scripts/up gives it
    and no other, a health check with handin-health and
    `restart: unless-stopped`;
  - k8s/ has a workload for it (Deployment, or StatefulSet for storage)
    whose container runs handin-<service> with the same port, --mtls
    and flags (and no others but K8S_ONLY_FLAGS), a Service for that port,
    and native `grpc:` probes only on the port of its --health_listen;
  - in k8s/, every --storage_addr lists each of the storage StatefulSet's
    replicas (the shards) once, in shard order: storage-0, storage-1, ...
Exit 0 when all hold; otherwise prints each difference and exits 1.
Needs PyYAML (Debian's python3-yaml, which docker-compose depends on).
"""

import argparse
import glob
import os
import re
import shlex
import sys

import yaml

# Flags k8s/ may give a service although scripts/up and docker-compose.yml
# do not, each with the reason. Any other flag one of them gives beyond
# scripts/up's is a difference: the topologies drift apart one flag at a
# time.
K8S_ONLY_FLAGS = {
    "--health_listen":
        "the plaintext grpc.health.v1 port for the kubelet's native gRPC "
        "probes, which cannot speak TLS; scripts/up and Docker (which has "
        "no gRPC probe) ask handin-health over TLS instead",
    "--shutdown_grace":
        "sized to each pod's terminationGracePeriodSeconds; scripts/up and "
        "compose keep the default",
}


def up_topology(path):
    """{service: (port, set of flag names)} from scripts/up."""
    text = open(path, encoding="utf-8").read()
    ports = dict(re.findall(
        r'\[(\w+)\]="\$\{HANDIN_\w+_PORT:-(\d+)\}"', text))
    flags = {}
    for name, args in re.findall(r'^\s*\[(\w+)\]="(--[^"]*)"', text, re.M):
        flags[name] = {a.split("=", 1)[0] for a in args.split()
                       if a.startswith("--")}
    common = re.search(r"common=\(([^)]*)\)", text, re.S)
    shared = {a.split("=", 1)[0] for a in common.group(1).split()
              if a.startswith("--")} if common else set()
    services = re.search(r"^services=\(([^)]*)\)", text, re.M)
    names = services.group(1).split() if services else []
    return {n: (ports.get(n), flags.get(n, set()) | shared | {"--listen"})
            for n in names}


def flag_map(words):
    """['--a=1', '--b'] -> {'--a': '1', '--b': ''}"""
    return {w.split("=", 1)[0]: (w.split("=", 1) + [""])[1]
            for w in words if w.startswith("--")}


def listen_port(flags):
    return flags.get("--listen", "").rsplit(":", 1)[-1]


def check_service(where, name, words, port, want_flags, problems,
                  allowed_extra=()):
    """Checks one service's command line; `allowed_extra`: flags it may
    give beyond scripts/up's."""
    if not words or os.path.basename(words[0]) != "handin-" + name:
        problems.append("%s: %s does not run handin-%s (runs %r)"
                        % (where, name, name, words[:1]))
        return
    flags = flag_map(words[1:])
    if listen_port(flags) != port:
        problems.append("%s: %s listens on port %r; scripts/up uses %s"
                        % (where, name, listen_port(flags), port))
    if ("--mtls" in flags) != ("--mtls" in want_flags):
        problems.append("%s: %s %s --mtls, scripts/up %s" % (
            where, name, "has" if "--mtls" in flags else "lacks",
            "gives it" if "--mtls" in want_flags else "does not"))
    for flag in sorted(want_flags - set(flags) - {"--mtls"}):
        problems.append("%s: %s lacks %s, which scripts/up gives it"
                        % (where, name, flag))
    for flag in sorted(set(flags) - want_flags - set(allowed_extra)):
        problems.append("%s: %s has %s, which scripts/up does not give it "
                        "(give it there too, or, in k8s/ only, add it to "
                        "K8S_ONLY_FLAGS with the reason)" % (where, name, flag))


def check_compose(path, topology, problems):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    services = doc.get("services", {})
    for name, (port, want) in topology.items():
        s = services.get(name)
        if s is None:
            problems.append("%s: no service %s" % (path, name))
            continue
        command = s.get("command", "")
        words = shlex.split(command) if isinstance(command, str) else command
        check_service(path, name, words, port, want, problems)
        test = (s.get("healthcheck") or {}).get("test") or []
        if "handin-health" not in " ".join(test if isinstance(test, list)
                                           else [test]):
            problems.append("%s: %s has no health check with handin-health"
                            % (path, name))
        if s.get("restart") != "unless-stopped":
            problems.append("%s: %s restart is %r, not unless-stopped"
                            % (path, name, s.get("restart")))


def check_grpc_probes(where, name, container, flags, problems):
    """The kubelet's gRPC probes speak plaintext: they must ask the port of
    --health_listen, the only plaintext port a handin server has."""
    health_port = listen_port({"--listen": flags["--health_listen"]}) \
        if "--health_listen" in flags else None
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        grpc = (container.get(kind) or {}).get("grpc")
        if grpc is None:
            continue
        if health_port is None:
            problems.append("%s: %s has a gRPC %s but no --health_listen "
                            "(its other ports are TLS)" % (where, name, kind))
        elif str(grpc.get("port")) != health_port:
            problems.append("%s: %s's gRPC %s asks port %s; --health_listen "
                            "is on %s" % (where, name, kind, grpc.get("port"),
                                          health_port))


def storage_replicas(docs):
    """The storage StatefulSet's replicas (1 when it has none)."""
    for _, d in docs:
        if d.get("kind") == "StatefulSet" and d["metadata"]["name"] == "storage":
            return int(d["spec"].get("replicas", 1))
    return 1


def check_storage_shards(where, name, flags, replicas, problems):
    """A service that lists fewer shards, or lists them out of order, sends
    courses to the wrong shard (docs/deploy.md, "Storage shards")."""
    if "--storage_addr" not in flags:
        return
    hosts = [a.strip().split(".", 1)[0]
             for a in flags["--storage_addr"].split(",")]
    want = ["storage-%d" % i for i in range(replicas)]
    if hosts != want:
        problems.append("%s: %s's --storage_addr lists %d storage shard(s) "
                        "%s; the storage StatefulSet has %d replicas, so it "
                        "must list %s in that order"
                        % (where, name, len(hosts), ",".join(hosts),
                           replicas, ",".join(want)))


def check_k8s(directory, topology, problems):
    docs = []
    for f in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        docs += [(f, d) for d in yaml.safe_load_all(open(f, encoding="utf-8"))
                 if isinstance(d, dict)]
    for name, (port, want) in topology.items():
        workloads = [(f, d) for f, d in docs
                     if d.get("kind") in ("Deployment", "StatefulSet")
                     and d["metadata"]["name"] == name]
        if not workloads:
            problems.append("%s: no Deployment or StatefulSet %s"
                            % (directory, name))
            continue
        f, d = workloads[0]
        container = d["spec"]["template"]["spec"]["containers"][0]
        words = (container.get("command") or []) + (container.get("args") or [])
        check_service(f, name, words, port, want, problems, K8S_ONLY_FLAGS)
        check_grpc_probes(f, name, container, flag_map(words[1:]), problems)
        check_storage_shards(f, name, flag_map(words[1:]),
                             storage_replicas(docs), problems)
        services = [d for _, d in docs if d.get("kind") == "Service"
                    and d["metadata"]["name"] == name]
        if not services or not any(str(p.get("port")) == port
                                   for p in services[0]["spec"]["ports"]):
            problems.append("%s: no Service %s on port %s"
                            % (directory, name, port))
    if not any(d.get("kind") == "StatefulSet" and d["metadata"]["name"] ==
               "storage" for _, d in docs):
        problems.append("%s: storage is not a StatefulSet" % directory)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--up", required=True)
    parser.add_argument("--compose", required=True)
    parser.add_argument("--k8s", required=True)
    args = parser.parse_args()
    topology = up_topology(args.up)
    problems = []
    if set(topology) != {"storage", "deadline", "intake", "grading",
                         "gateway"} or \
            any(port is None for port, _ in topology.values()):
        problems.append("%s: cannot read the services and ports (found %r); "
                        "update this check with scripts/up" % (args.up,
                                                               topology))
    else:
        check_compose(args.compose, topology, problems)
        check_k8s(args.k8s, topology, problems)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("%d difference(s) from scripts/up" % len(problems),
              file=sys.stderr)
        return 1
    print("docker-compose.yml and k8s/ run scripts/up's topology: %s" %
          ", ".join("%s:%s" % (n, p) for n, (p, _) in topology.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
