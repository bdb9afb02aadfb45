#!/usr/bin/env python3
"""Failure detection of the scale-out preview: three daemons on loopback, one of them killed
(SIGKILL) or frozen (SIGSTOP); measures the time from the signal to the first 503
SHARD_UNAVAILABLE a surviving node answers for the lost node's customer. Prints the median and
[min..max] of N runs per case, next to the configured connection timeout (the reference a frozen
peer is bounded by).

  bench/cluster_failover.py [--bin build/daemon/actorshop] [--runs 5] [--timeout-ms 1000]
"""
import argparse, json, os, signal, subprocess, tempfile, time, urllib.request, urllib.error
import statistics

from cluster_common import free_port, shard_of  # bench/: the placement function, a free port


def status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def start(binary, d, name, cluster, port):
    return subprocess.Popen([binary, "--cluster-file", cluster, "--node", name, "--port", str(port),
                             "--db", os.path.join(d, name + ".db"), "--seed", "--sync", "NORMAL"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def one_run(binary, sig, timeout_ms):
    with tempfile.TemporaryDirectory() as d:
        names = ["a", "b", "c"]
        http = [free_port() for _ in names]
        actor = [free_port() for _ in names]
        cluster = os.path.join(d, "cluster.toml")
        with open(cluster, "w") as f:
            f.write(f"version = 1\nshards = 12\nheartbeat_interval_ms = {max(timeout_ms // 10, 10)}\n"
                    f"connection_timeout_ms = {timeout_ms}\n")
            for i, n in enumerate(names):
                f.write(f'[[nodes]]\nname = "{n}"\nhost = "127.0.0.1"\nhttp_port = {http[i]}\n'
                        f"actor_port = {actor[i]}\n")
            f.write("[assignments]\n" + "".join(
                f"{n} = {[s for s in range(12) if s % 3 == i]}\n" for i, n in enumerate(names)))
        procs = [start(binary, d, n, cluster, http[i]) for i, n in enumerate(names)]
        try:
            victim = next(c for c in range(1001, 3001) if shard_of(1, c, 12) % 3 == 1)
            path = f"/balances/{victim}"
            deadline = time.monotonic() + 30
            while status(http[0], path) != 200:
                if time.monotonic() > deadline:
                    raise RuntimeError("cluster never linked")
                time.sleep(0.01)
            t0 = time.monotonic()
            procs[1].send_signal(sig)
            while status(http[0], path) != 503:
                pass
            return time.monotonic() - t0
        finally:
            for p in procs:
                p.kill()
                p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/daemon/actorshop")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout-ms", type=int, default=1000)
    a = ap.parse_args()
    ref = a.timeout_ms / 1000
    for label, sig in (("SIGKILL", signal.SIGKILL), ("SIGSTOP", signal.SIGSTOP)):
        xs = [one_run(a.bin, sig, a.timeout_ms) for _ in range(a.runs)]
        med = statistics.median(xs)
        print(f"{label}: detection median {med * 1000:.0f} ms [{min(xs) * 1000:.0f}..{max(xs) * 1000:.0f}] "
              f"over {a.runs} runs; connection_timeout {a.timeout_ms} ms; ratio {med / ref:.2f}")


if __name__ == "__main__":
    main()
