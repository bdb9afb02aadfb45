#!/usr/bin/env python3
"""kill -9 of one node of three under load (issue 13 item 4), on loopback.

Client threads spread over the three nodes issue the seed coupon to 1,500 distinct customers
(the coupon-peak shape: 1,000 coupons) and charge balances, each charge a distinct amount so its
history row is found exactly. Mid-run the coupon's owner is SIGKILLed; once the survivors answer
503 SHARD_UNAVAILABLE for its shards it is restarted on the same database and the load goes on;
issues answered 503 (or cut) are asked again after the restart (a repeat answers
COUPON_ALREADY_ISSUED if the first one had committed). Then the nodes stop and the script checks:
`actorshop audit` over the three databases (placement, coupon, money and stock conservation), and
every answer the clients got against the rows: nothing acknowledged lost, nothing applied twice,
nothing nobody asked for, at most 1,000 holders.

  bench/cluster_kill_load.py [--bin build/daemon/actorshop] [--runs 1] [--threads 12]

Prints per run the requests, the outage (signal -> first 503, and restart -> served again) and
PASS/FAIL; exits 1 if any run failed. Bounded: each run stops its load after --seconds.
"""
import argparse, http.client, json, os, random, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_common import COUPON, SEED_COUPON, Cluster, Ledger, call, free_port  # noqa: E402


class Load:
    """Threads each with one keep-alive connection to one node (thread t on node t % 3)."""

    def __init__(self, cluster, threads, seed):
        self.cluster, self.ledger, self.lock = cluster, Ledger(), threading.Lock()
        self.pending = list(range(1001, 2501))  # coupon issuers, each asked until answered
        random.Random(seed).shuffle(self.pending)
        self.amounts = iter(range(1000, 10**9))
        self.stop, self.threads = threading.Event(), []
        self.ok = 0
        for t in range(threads):
            self.threads.append(threading.Thread(target=self.run, args=(t, seed + t), daemon=True))

    def request(self, conn_box, node, method, path, body):
        """One request on the thread's connection; a transport failure is status 0 (uncertain:
        it may have been applied) and is never retried here (a retry could apply it twice)."""
        try:
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection(self.cluster.hosts[node],
                                                          self.cluster.http_ports[node], timeout=10)
            conn_box[0].request(method, path, json.dumps(body), {"content-type": "application/json"})
            r = conn_box[0].getresponse()
            return r.status, r.read().decode()
        except (OSError, http.client.HTTPException) as e:
            conn_box[0] = None
            return 0, str(e)

    def run(self, t, seed):
        rng, node, conn = random.Random(seed), t % 3, [None]
        while not self.stop.is_set():
            with self.lock:
                customer = self.pending.pop() if self.pending and rng.random() < 0.5 else None
                amount = next(self.amounts)
            if customer is not None:
                status, body = self.request(conn, node, "POST", "/coupons/issue",
                                            {"couponId": SEED_COUPON, "customerId": customer})
                with self.lock:
                    self.ledger.issues.setdefault(customer, []).append((status, body))
                    if status not in (201, 409):  # unanswered: ask again later
                        self.pending.insert(0, customer)
            else:
                customer = rng.randrange(1001, 3001)
                status, body = self.request(conn, node, "PATCH", "/balances/charge",
                                            {"customerId": customer, "amount": amount})
                with self.lock:
                    self.ledger.charges.append((customer, amount, status))
            with self.lock:
                if status in (200, 201):
                    self.ok += 1
            if status == 503 or status == 0:
                time.sleep(0.01)  # a node is down: do not spin

    def wait_ok(self, count, seconds):
        end = time.monotonic() + seconds
        start = self.ok
        while self.ok - start < count and time.monotonic() < end:
            time.sleep(0.01)
        return self.ok - start >= count


def one_run(binary, threads, seed, seconds, timeout_ms):
    with tempfile.TemporaryDirectory() as d:
        cluster = Cluster(binary, d, ["127.0.0.1"] * 3, [free_port() for _ in range(3)],
                          [free_port() for _ in range(3)], timeout_ms=timeout_ms)
        try:
            for i in range(3):
                cluster.start(i)
            cluster.wait_linked()
            victim = cluster.owner(COUPON, SEED_COUPON)
            lost = f"/balances/{cluster.customer_on(victim)}"
            survivor = (victim + 1) % 3
            load = Load(cluster, threads, seed)
            for th in load.threads:
                th.start()
            end = time.monotonic() + seconds
            assert load.wait_ok(300, seconds), "the load never got going"
            killed = time.monotonic()
            cluster.kill(victim)  # SIGKILL
            while call(cluster.url(survivor, lost))[0] != 503:
                assert time.monotonic() < end + 30, "no 503 after the kill"
            detected = time.monotonic() - killed
            assert load.wait_ok(100, 30), "the survivors stopped serving"  # the rest is served
            cluster.start(victim)
            restarted = time.monotonic()
            cluster.wait_linked()
            back = time.monotonic() - restarted
            while time.monotonic() < end and load.pending:
                time.sleep(0.05)
            load.stop.set()
            for th in load.threads:
                th.join(timeout=30)
            stuck = cluster.stop_all(grace_s=10)
            ok, text = cluster.audit()
            problems = stuck + ([] if ok else ["actorshop audit failed:\n" + text]) + load.ledger.check(cluster)
            unanswered = len(load.pending)
            line = (f"{load.ledger.summary()}; {unanswered} issuers still unanswered at the end; "
                    f"kill -9 of node {cluster.names[victim]} (the coupon's owner) seen as 503 "
                    f"after {detected * 1000:.0f} ms, served again {back * 1000:.0f} ms after the "
                    f"restart; {text}")
            return problems, line
        finally:
            for i in range(3):
                if cluster.procs[i]:
                    cluster.procs[i].kill()
                    cluster.procs[i].wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/daemon/actorshop")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=60, help="bound of each run's load")
    ap.add_argument("--timeout-ms", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    failed = 0
    for r in range(a.runs):
        problems, line = one_run(a.bin, a.threads, a.seed + 100 * r, a.seconds, a.timeout_ms)
        print(f"run {r + 1}: {'PASS' if not problems else 'FAIL'}: {line}", flush=True)
        for p in problems[:50]:
            print("  " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
