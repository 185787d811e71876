#!/usr/bin/env python3
"""Keeps the Dockerfile honest without a container engine.

Usage: dockerfile_check.py --dockerfile FILE --bin-dir DIR

Reads two lists from FILE's `ARG NAME="..."` lines:
  HANDIN_BINARIES          what the build stage builds and the image ships;
  HANDIN_RUNTIME_PACKAGES  what the runtime stage installs.
and checks, on this Debian 12 machine (which built DIR with the packages of
scripts/lib/deps.sh):
  1. every binary in HANDIN_BINARIES exists in DIR and is executable;
  2. `ldd` resolves every shared library each of them needs;
  3. each library belongs (dpkg's file lists, as `dpkg -S`) to a package the runtime stage gets:
     one it names, one those depend on (Depends/Pre-Depends, recursively,
     from dpkg's database), or one of Debian's Essential packages;
  4. each package it names is a real, installed package here (a misspelt
     or wrong-release name fails, as apt-get would in the image);
  5. the data packages the binaries read at run time are named (tzdata);
  6. the build stage installs with scripts/lib/deps.sh, the runtime stage
     runs as a non-root USER and has a HEALTHCHECK with handin-health.
Exit 0 when all hold; otherwise prints every problem and exits 1.
"""

import argparse
import os
import re
import subprocess
import sys

# Packages whose files the binaries open by path rather than link, with why.
DATA_PACKAGES = {
    "tzdata": "course policies are in IANA time zones (/usr/share/zoneinfo)",
    "libmagic-mgc": "handin-inspect's libmagic reads its file-type database",
}


def logical_lines(text):
    """Dockerfile lines with backslash continuations joined, comments cut."""
    lines, current = [], ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#") and not current:
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        lines.append(current + raw)
        current = ""
    if current:
        lines.append(current)
    return lines


def read_arg(lines, name):
    for line in lines:
        match = re.match(r'\s*ARG\s+%s="([^"]*)"\s*$' % re.escape(name), line)
        if match:
            return match.group(1).split()
    return None


def dpkg_database():
    """Installed packages: {name: (essential, provides, depends)}."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f",
         "${db:Status-Abbrev}\t${Package}\t${Essential}\t${Provides}\t"
         "${Depends}, ${Pre-Depends}\n"],
        check=True, capture_output=True, text=True).stdout
    packages = {}
    for line in out.splitlines():
        status, name, essential, provides, depends = line.split("\t")
        if not status.startswith("ii"):
            continue
        packages[name] = (essential == "yes", names_of(provides), depends)
    return packages


def names_of(field):
    """'a (>= 1), b:any' -> ['a', 'b']"""
    return [re.split(r"[\s:(]", part.strip(), 1)[0]
            for part in field.split(",") if part.strip()]


def closure(roots, packages):
    """Packages reachable from roots by Depends/Pre-Depends, installed ones."""
    provided_by = {}
    for name, (_, provides, _) in packages.items():
        for virtual in provides:
            provided_by.setdefault(virtual, []).append(name)
    seen, todo = set(), [r for r in roots if r in packages]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for clause in packages[name][2].split(","):
            for alternative in names_of(clause.replace("|", ",")):
                for real in [alternative] + provided_by.get(alternative, []):
                    if real in packages and real not in seen:
                        todo.append(real)
    return seen


def file_owners():
    """{path: package} for every file dpkg installed, from its .list files
    (one read, instead of a `dpkg -S` per library)."""
    owners = {}
    info = "/var/lib/dpkg/info"
    for entry in os.listdir(info):
        if not entry.endswith(".list"):
            continue
        package = entry[:-len(".list")].split(":", 1)[0]
        with open(os.path.join(info, entry), encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                owners.setdefault(line.rstrip("\n"), package)
    return owners


def owner_of(path, owners):
    """The package that installed `path` (merged-/usr aware), or None."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/lib"):
            candidates.append("/usr" + p)
        elif p.startswith("/usr/lib"):
            candidates.append(p[len("/usr"):])
    for p in candidates:
        if p in owners:
            return owners[p]
    return None


def shared_libraries(binary):
    """(resolved paths, names ldd could not find) for one binary."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if out.returncode != 0:
        return [], ["ldd failed: " + (out.stderr or out.stdout).strip()]
    paths, missing = [], []
    for line in out.stdout.splitlines():
        if "=>" not in line:
            continue  # the vdso and the dynamic loader itself
        name, target = [s.strip() for s in line.split("=>", 1)]
        if target.startswith("not found"):
            missing.append(name)
        elif target.startswith("/"):
            paths.append(target.split()[0])
    return paths, missing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("--bin-dir", required=True)
    args = parser.parse_args()

    with open(args.dockerfile, encoding="utf-8") as f:
        text = f.read()
    lines = logical_lines(text)
    problems = []
    binaries = read_arg(lines, "HANDIN_BINARIES")
    runtime = read_arg(lines, "HANDIN_RUNTIME_PACKAGES")
    if not binaries:
        problems.append('no ARG HANDIN_BINARIES="..." in the Dockerfile')
    if not runtime:
        problems.append('no ARG HANDIN_RUNTIME_PACKAGES="..." in the '
                        'Dockerfile')
    if problems:
        return report(args.dockerfile, problems)

    stages = re.split(r"(?m)^FROM\s", text)
    build_stage, final_stage = stages[1] if len(stages) > 1 else "", stages[-1]
    if "scripts/lib/deps.sh" not in build_stage or \
            "handin_install_deps" not in build_stage:
        problems.append("the build stage does not install its packages with "
                        "scripts/lib/deps.sh's handin_install_deps")
    users = re.findall(r"(?m)^USER\s+(\S+)", final_stage)
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("the runtime stage does not switch to a non-root USER")
    if not re.search(r"(?m)^HEALTHCHECK\b.*handin-health",
                     "\n".join(logical_lines(final_stage))):
        problems.append("the runtime stage has no HEALTHCHECK with "
                        "handin-health")

    packages = dpkg_database()
    for name in runtime:
        if name not in packages:
            problems.append(
                "HANDIN_RUNTIME_PACKAGES names %s, which is not an installed "
                "package here: misspelt, or not what the -dev packages of "
                "scripts/lib/deps.sh pull in (dpkg -S on the library tells "
                "the real name)" % name)
    for name, why in DATA_PACKAGES.items():
        if name not in closure(runtime, packages):
            problems.append("HANDIN_RUNTIME_PACKAGES lacks %s: %s"
                            % (name, why))
    essential = [n for n, (e, _, _) in packages.items() if e]
    allowed = closure(runtime, packages) | closure(essential, packages)

    owners = file_owners()
    libraries_checked = 0
    for binary in binaries:
        path = os.path.join(args.bin_dir, binary)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            problems.append("the Dockerfile ships %s, but the build has no "
                            "executable %s" % (binary, path))
            continue
        paths, missing = shared_libraries(path)
        for name in missing:
            problems.append("%s: ldd cannot resolve %s" % (binary, name))
        for lib in paths:
            libraries_checked += 1
            owner = owner_of(lib, owners)
            if owner is None:
                problems.append("%s needs %s, which no Debian package "
                                "installed (built by hand?)" % (binary, lib))
            elif owner not in allowed:
                problems.append(
                    "%s needs %s from package %s, which the runtime stage "
                    "does not install: add %s to HANDIN_RUNTIME_PACKAGES"
                    % (binary, lib, owner, owner))
    if problems:
        return report(args.dockerfile, problems)
    print("%s: %d binaries, %d shared-library links, all from the %d runtime "
          "packages (or their dependencies)"
          % (args.dockerfile, len(binaries), libraries_checked, len(runtime)))
    return 0


def report(dockerfile, problems):
    for problem in problems:
        print("%s: %s" % (dockerfile, problem), file=sys.stderr)
    print("%s: %d problem(s)" % (dockerfile, len(problems)), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
