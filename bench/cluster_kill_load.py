#!/usr/bin/env python3
"""kill -9 of one node of three under load (issue 13 item 4), on loopback.

--profile issue-charge: client threads spread over the three nodes issue the seed coupon to 1,500
distinct customers (the coupon-peak shape: 1,000 coupons) and charge balances, each charge a
distinct amount so its history row is found exactly. The coupon's owner is SIGKILLed; issues
answered 503 (or cut) are asked again after the restart (a repeat answers COUPON_ALREADY_ISSUED if
the first one had committed).

--profile order-payment (spec 5): thread t is VU t+1 on node t % 3, looping: POST /orders for
customer 1001 + ((VU-1)*100 + ITER) % 2000 with (p1, option S, 1) and (p2, option M, 1) of two
random products, then POST /payments {orderId} through the same node. Orders live on their
customer's node and stock rows on theirs, so most orders span nodes. Run r SIGKILLs node r % 3
while orders and payments are in flight; while it is down, orders and payments that need only
live nodes must keep getting 2xx (counted) and those that need it 503 SHARD_UNAVAILABLE; payments
answered 503 (or cut) are asked again after the restart (409 ORDER_NOT_PAYABLE if the first
committed). After the restart every node's saga log must close (in-flight sagas resumed or
compensated: their count is printed). The load is bench/cluster_order_load.py, shared with the
netns partition test.

Both: once a survivor answers 503 SHARD_UNAVAILABLE for the victim's shards (the detection time,
measured from the signal and checked against the cluster file's connection_timeout_ms), the
victim is restarted on the same database and the load goes on; then the nodes stop and the
script checks `actorshop audit` over the three databases (placement, coupon, money and stock
conservation, steps) and every answer the clients got against the rows: nothing acknowledged
lost, nothing applied twice, nothing nobody asked for.

  bench/cluster_kill_load.py [--bin build/daemon/actorshop] [--profile order-payment]
                             [--runs 3] [--threads 12] [--seconds 60] [--timeout-ms 1000]
                             [--step-deadline-ms 2000]

Prints per run the requests, the outage (signal -> first 503, and restart -> served again) and
PASS/FAIL, then the detection time's median [min..max] over the runs; exits 1 if any run failed.
Bounded: each run stops its load after --seconds.
"""
import argparse, os, random, statistics, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_common import COUPON, SEED_COUPON, Cluster, Ledger, call, free_port  # noqa: E402
from cluster_order_load import OrderLoad, request  # noqa: E402


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
        return request(self.cluster, conn_box, node, method, path, body)

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


def start_cluster(binary, d, timeout_ms, step_deadline_ms=2000):
    cluster = Cluster(binary, d, ["127.0.0.1"] * 3, [free_port() for _ in range(3)],
                      [free_port() for _ in range(3)], timeout_ms=timeout_ms,
                      step_deadline_ms=step_deadline_ms)
    for i in range(3):
        cluster.start(i)
    cluster.wait_linked()
    return cluster


def detect(cluster, victim, end):
    """SIGKILLs `victim` and returns the seconds until a survivor answers 503 for its shards."""
    survivor, lost = (victim + 1) % 3, f"/balances/{cluster.customer_on(victim)}"
    killed = time.monotonic()
    cluster.kill(victim)  # SIGKILL
    while call(cluster.url(survivor, lost))[0] != 503:
        assert time.monotonic() < end + 30, "no 503 after the kill"
    return killed, time.monotonic() - killed


def order_run(binary, threads, seed, seconds, timeout_ms, victim, step_deadline_ms):
    with tempfile.TemporaryDirectory() as d:
        cluster = start_cluster(binary, d, timeout_ms, step_deadline_ms)
        try:
            load = OrderLoad(cluster, threads, seed)
            load.start()
            end = time.monotonic() + seconds
            assert load.wait(lambda: load.ok >= 300, seconds), "the load never got going"
            load.split([{i for i in range(3) if i != victim}])  # the victim is on no side
            killed, detected = detect(cluster, victim, end)
            load.mark_detected()
            in_flight_at_kill = cluster.open_sagas(victim)  # its sagas the restart must finish
            # The rest is served: orders and payments that need only the live nodes.
            served = load.wait(lambda: load.within_ok >= 20, 60)
            survivors_open = sum(cluster.open_sagas(i) for i in range(3) if i != victim)
            load.heal()  # the outage's counts end at the restart
            cluster.start(victim)
            restarted = time.monotonic()
            cluster.wait_linked()
            back = time.monotonic() - restarted
            with load.lock:
                load.retrying = True
            drained = load.wait(lambda: not load.retry, max(5.0, end - time.monotonic()))
            load.finish()
            closed = wait_for(lambda: all(cluster.open_sagas(i) == 0 for i in range(3)), 30)
            settled = time.monotonic() - restarted
            stuck = cluster.stop_all(grace_s=10)
            ok, text = cluster.audit()
            problems = stuck + ([] if ok else ["actorshop audit failed:\n" + text])
            problems += load.ledger.check(cluster)
            if detected * 1000 > timeout_ms:
                problems.append(f"503 after {detected * 1000:.0f} ms, beyond the configured "
                                f"detection time (connection_timeout_ms = {timeout_ms})")
            if not served:
                problems.append(f"only {load.within_ok} 2xx on live-only requests in 60 s of "
                                "outage")
            problems += [f"live-only request failed during the outage: {f}"
                         for f in load.within_failed]
            if not drained:
                problems.append(f"{len(load.retry)} payments still unanswered at the end")
            if not closed:
                problems.append("saga logs still open 30 s after the load stopped: "
                                f"{[cluster.open_sagas(i) for i in range(3)]}")
            refusal = ("none" if load.first_refusal is None
                       else f"{load.first_refusal * 1000:.0f} ms")
            waits = "; ".join(f"{k}: {spread(v)}" for k, v in load.refusal_ms.items())
            line = (f"{load.ledger.summary()}; kill -9 of node {cluster.names[victim]}: 503 "
                    f"SHARD_UNAVAILABLE after {detected * 1000:.0f} ms (probe; the load's first "
                    f"after {refusal}; connection_timeout_ms = {timeout_ms}, step_deadline_ms = "
                    f"{step_deadline_ms}); while down: "
                    f"{load.within_ok} 2xx on live-only requests, {len(load.within_failed)} "
                    f"failed, requests needing it answered {dict(sorted(load.across.items()))} "
                    f"(-1: "
                    f"connection refused), a 503 took ({waits}); "
                    f"sagas open: {in_flight_at_kill} on it at the kill, {survivors_open} on the "
                    f"survivors before the restart, all closed {settled * 1000:.0f} ms after it; "
                    f"served again {back * 1000:.0f} ms after the restart; {text}")
            return problems, line, detected
        finally:
            cluster.kill_remaining()


def spread(values):
    """median [min..max] of `values` (ms), or 'none'."""
    if not values:
        return "none"
    return f"median {statistics.median(values):.0f} ms [{min(values):.0f}..{max(values):.0f}]"


def wait_for(state, seconds):
    end = time.monotonic() + seconds
    while not state():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def one_run(binary, threads, seed, seconds, timeout_ms):
    with tempfile.TemporaryDirectory() as d:
        cluster = start_cluster(binary, d, timeout_ms)
        try:
            victim = cluster.owner(COUPON, SEED_COUPON)
            load = Load(cluster, threads, seed)
            for th in load.threads:
                th.start()
            end = time.monotonic() + seconds
            assert load.wait_ok(300, seconds), "the load never got going"
            killed, detected = detect(cluster, victim, end)
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
            return problems, line, detected
        finally:
            cluster.kill_remaining()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/daemon/actorshop")
    ap.add_argument("--profile", choices=["issue-charge", "order-payment"], default="issue-charge")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=60, help="bound of each run's load")
    ap.add_argument("--timeout-ms", type=int, default=1000,
                    help="the cluster file's connection_timeout_ms: the detection time")
    ap.add_argument("--step-deadline-ms", type=int, default=2000,
                    help="the cluster file's step_deadline_ms (order-payment profile)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    failed, detections = 0, []
    for r in range(a.runs):
        seed = a.seed + 100 * r
        if a.profile == "order-payment":
            problems, line, detected = order_run(a.bin, a.threads, seed, a.seconds, a.timeout_ms,
                                                 r % 3, a.step_deadline_ms)
        else:
            problems, line, detected = one_run(a.bin, a.threads, seed, a.seconds, a.timeout_ms)
        detections.append(detected * 1000)
        print(f"run {r + 1}: {'PASS' if not problems else 'FAIL'}: {line}", flush=True)
        for p in problems[:50]:
            print("  " + p)
        failed += bool(problems)
    print(f"{a.profile}: kill -9 -> 503 SHARD_UNAVAILABLE on a survivor: median "
          f"{statistics.median(detections):.0f} ms [{min(detections):.0f}..{max(detections):.0f}] "
          f"over {a.runs} runs (connection_timeout_ms = {a.timeout_ms}); {failed} runs failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
