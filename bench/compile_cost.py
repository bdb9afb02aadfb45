#!/usr/bin/env python3
"""CPU seconds (user + sys) to compile chosen translation units, under flag variants.

CI's time goes to compiling (config/setup.sh test), and a shared host's wall times say little:
this runs each compile command of a build tree's compile_commands.json one at a time, RUNS times
per variant, and prints each unit's median [min..max] CPU seconds, then the sum of medians and its
ratio to the first variant (the reference, measured in the same run). A variant is a string of
flags appended to the command (the last -O wins), "" being the command as configured.
Usage: bench/compile_cost.py BUILD_DIR [--runs N] [--variant FLAGS]... PATTERN...
  e.g. bench/compile_cost.py build-asan --variant= --variant=-O0 session.cpp settings.cpp
A PATTERN is a substring of the source path; no ccache (the compiler is run directly).
"""
import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile


def cpu_seconds(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def command_for(entry, extra, output):
    argv = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    if argv and os.path.basename(argv[0]) == "ccache":
        argv = argv[1:]
    out = argv.index("-o")
    argv[out + 1] = output
    return argv + shlex.split(extra)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("patterns", nargs="+")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--variant", action="append")
    a = ap.parse_args()
    variants = a.variant or [""]
    with open(os.path.join(a.build_dir, "compile_commands.json")) as f:
        entries = [e for e in json.load(f) if any(p in e["file"] for p in a.patterns)]
    if not entries:
        sys.exit("compile_cost: no unit matches")
    totals = {v: 0.0 for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        output = os.path.join(tmp, "unit.o")
        for e in entries:
            line = [os.path.relpath(e["file"], os.path.dirname(a.build_dir.rstrip("/")) or ".")]
            for v in variants:
                argv = command_for(e, v, output)
                runs = [cpu_seconds(argv, e["directory"]) for _ in range(a.runs)]
                med = statistics.median(runs)
                totals[v] += med
                line.append(f"[{v or 'as configured'}] {med:6.1f} s [{min(runs):.1f}..{max(runs):.1f}]")
            print("  ".join(line), flush=True)
    ref = totals[variants[0]]
    for v in variants:
        print(f"sum of medians [{v or 'as configured'}]: {totals[v]:.1f} s CPU, "
              f"{totals[v] / ref:.2f} of the reference")


if __name__ == "__main__":
    main()
