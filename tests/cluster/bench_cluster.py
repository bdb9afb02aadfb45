#!/usr/bin/env python3
"""actorshop-bench on a three-node cluster (ctest label `cluster`): coupon-peak, shortened, with
--target http://A,http://B,http://C and --db a.db,b.db,c.db. Checks that the run's own audit
passed over the three databases (exit 0, or 99 when only a latency threshold failed on a busy
host), that every node served coupon requests (10 VUs each, round-robin per VU), and that
`actorshop audit` with the cluster file (placement included) passes afterwards.

  tests/cluster/bench_cluster.py DAEMON BENCH
"""
import os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from cluster_common import Cluster, call, free_port  # noqa: E402

THRESHOLD_FAILED = 99


def issue_requests(cluster, i):
    """POST /coupons/issue answered by node i's HTTP front-end, from its /metrics."""
    _, text = call(cluster.url(i, "/metrics"))
    return sum(float(m) for m in re.findall(
        r'actorshop_http_requests_total\{[^}]*route="/coupons/issue"[^}]*\} (\S+)', text))


def main():
    daemon, bench = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        cluster = Cluster(daemon, d, ["127.0.0.1"] * 3, [free_port() for _ in range(3)],
                          [free_port() for _ in range(3)])
        problems = []
        try:
            for i in range(3):
                cluster.start(i)
            cluster.wait_linked()
            targets = ",".join(f"http://127.0.0.1:{p}" for p in cluster.http_ports)
            dbs = ",".join(cluster.db(i) for i in range(3))
            # 30 VUs (10 per node) for 1,500 issues: a bounded run whatever the host's speed.
            r = subprocess.run([bench, "--target", targets, "--db", dbs, "--profile", "coupon-peak",
                                "-u", "30", "-i", "1500", "--quiet", "--no-color"],
                               capture_output=True, text=True, timeout=240)
            out = r.stdout + r.stderr
            print(out[-3000:])
            if r.returncode not in (0, THRESHOLD_FAILED):
                problems.append(f"actorshop-bench exited {r.returncode} (98: its audit failed)")
            if "✓ invariants across the 3 nodes' databases" not in out:
                problems.append("the bench did not audit the three databases across nodes")
            if "✓ coupon 4001: 201 responses 1000 == newly issued 1000" not in out:
                problems.append("the bench did not see exactly 1,000 coupons issued")
            served = [issue_requests(cluster, i) for i in range(3)]
            print(f"POST /coupons/issue answered per node: {served}")
            # 10 VUs on each node; shared iterations go to whichever VU is free, so the shares
            # follow each node's speed (the coupon's owner answers fastest): only all > 0 holds.
            if min(served) == 0 or sum(served) != 1500:
                problems.append(f"the VUs were not spread over the nodes: {served}")
            problems += cluster.stop_all(grace_s=10)  # a node that does not stop on SIGTERM fails
            ok, text = cluster.audit()
            print(text)
            if not ok:
                problems.append("actorshop audit failed")
        finally:
            for p in cluster.procs:
                if p:
                    p.kill()
                    p.wait()
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
