#!/usr/bin/env python3
"""CPU seconds of process trees and of the whole host, from /proc, for bench/http/metrics_cost.sh.

  proc_cpu.py tree PID...   one line per PID: the CPU seconds (user + system) its whole process
                            tree has used so far: every live descendant's utime + stime, plus
                            cutime + cstime, which hold the children each one has already reaped
                            (Chromium's renderer, GPU and utility processes are children of its
                            zygote, not of the browser process).
  proc_cpu.py host          the host's busy CPU seconds so far (all cores, /proc/stat minus idle
                            and iowait), to show how much of the machine other work took.
  proc_cpu.py run FILE CMD...
                            runs CMD, writes its and its reaped children's CPU seconds (rusage)
                            to FILE, exits with CMD's status.
"""
import os
import resource
import subprocess
import sys

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # comm (field 2) may hold spaces and parentheses: split after its closing one.
    return text[text.rindex(")") + 2:].split()


def processes():
    """{pid: (ppid, cpu ticks incl. reaped children)} of every process readable now."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            f = stat_fields(name)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # exited while listing
        # After comm: state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based overall.
        out[int(name)] = (int(f[1]), sum(int(x) for x in f[11:15]))
    return out


def tree_seconds(root, procs):
    if root == 0:
        return 0.0  # "no such process" (pid 0 would be the whole machine: init's parent)
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in procs:
            total += procs[pid][1]
        todo.extend(children.get(pid, []))
    return total / TICK


def host_seconds():
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]  # idle + iowait
    return (sum(cpu[:8]) - idle) / TICK  # guest time is already inside user


def main(argv):
    if len(argv) >= 2 and argv[1] == "tree":
        procs = processes()
        for pid in argv[2:]:
            print(f"{tree_seconds(int(pid), procs):.2f}")
    elif len(argv) == 2 and argv[1] == "host":
        print(f"{host_seconds():.2f}")
    elif len(argv) >= 4 and argv[1] == "run":
        code = subprocess.call(argv[3:])
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(argv[2], "w") as f:
            f.write(f"{r.ru_utime + r.ru_stime:.2f}\n")
        return code
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
