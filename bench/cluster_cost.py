#!/usr/bin/env python3
"""The scaling model's inputs (issue 13 item 7): what a request costs when its owner is the node
that received it (local) and when it is another node (remote), for 1, 2 and 3 nodes on loopback.

Every node runs with a generated cluster file (12 shards, shard s on node s % N). A phase sends a
fixed number of requests of one kind, one at a time on one keep-alive connection, to a front node:
  local  = the front node owns the entity (the coupon, the customer);
  remote = another node owns it (front + owner both work).
The cost of a phase is summed over EVERY node (front and owner), divided by its requests:
  * instructions, under valgrind's callgrind (--instr-atstart=no, zeroed and dumped around the
    phase on every node): independent of the host's load;
  * CPU seconds (utime + stime of every node from /proc/PID/stat), natively, same phases;
  * bytes and TCP data segments on the inter-node links (ss -ti: bytes_sent + bytes_received and
    data_segs_out + data_segs_in of every socket on an actor port, both directions, deltas);
  * BASP messages (actorshop_cluster_messages_total{direction="sent"} summed over the nodes: a
    lone call or reply is one, a batch of several is one too).
A "uniform" phase sends charges for customers spread over all shards to the nodes in turn (the
mix the model predicts: a fraction (N-1)/N of requests is remote), and a "load" phase does the same
with --concurrency connections for --load-seconds: commits per second per node (the writer's
commit count from /metrics) and per shard (/ the node's shards).

Prints medians [min..max] of --runs runs, the remote/local ratio (target <= 1.5) and the check of
the model: predicted uniform cost c(N) = c_local + (N-1)/N * (c_remote - c_local), with c_local and
c_remote from the same run, against the measured uniform cost.

With --concurrency C (default 1) the callgrind and proc phases keep C requests in flight per
front node (C keep-alive connections, each sending its next request when the last is answered):
the same request count, so instructions per request one at a time and under load compare. The
report adds BASP messages per remote request and calls per message (2 x remote calls / messages
sent: a call and its reply are one element each; above 1 when calls leave batched).
A kind's local and remote phases run in --phase-order: abba (default) runs local, remote, remote,
local and sums each side's two phases, so that a drift over the run (the coupon holder table
growing, a WAL checkpoint falling in one phase) weighs on both sides alike.

  bench/cluster_cost.py [--bin build/daemon/actorshop] [--runs 3] [--nodes 1,2,3]
                        [--requests 150] [--proc-requests 1000] [--modes callgrind,proc,load]
                        [--concurrency 1] [--kinds 'coupon issue,balance get']
                        [--phase-order abba|local-first|remote-first] [--load-concurrency 16]
"""
import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_common import die_with_parent, free_port  # noqa: E402  below the ephemeral range

M64 = (1 << 64) - 1
SHARDS = 12
COUPON = 4001
COUPON_WARMUP = 200  # holders issued before the phases (customers 2700..2899, never measured)
CUSTOMER, COUPON_KIND = 1, 2
KINDS = ["coupon issue", "balance charge", "balance get", "history get"]
NAMES = ["a", "b", "c", "d", "e"]


def shard_of(kind, ident, shards=SHARDS):  # domain/placement.cpp
    x = ((kind << 56) ^ ident) & M64
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return (x ^ (x >> 31)) % shards


def owner(kind, ident, n):
    return shard_of(kind, ident) % n


class cluster:
    """N daemons on loopback, natively or each under callgrind."""

    def __init__(self, binary, work, n, tag, callgrind, heartbeat_ms=1000):
        """heartbeat_ms = 0: no BASP heartbeats and no connection timeout (CAF's defaults), so the
        links carry only the requests' own messages."""
        self.n, self.work, self.callgrind = n, work, callgrind
        self.http = [free_port() for _ in range(n)]
        self.actor = [free_port() for _ in range(n)]
        path = os.path.join(work, f"{tag}.toml")
        # Long timeouts: under valgrind a node is ~50x slower and must not be dropped.
        with open(path, "w") as f:
            timeout = (60000 if callgrind else 10000) if heartbeat_ms else 0
            f.write(f"version = 1\nshards = {SHARDS}\nheartbeat_interval_ms = {heartbeat_ms}\n"
                    f"connection_timeout_ms = {timeout}\n")
            for i in range(n):
                f.write(f'[[nodes]]\nname = "{NAMES[i]}"\nhost = "127.0.0.1"\n'
                        f"http_port = {self.http[i]}\nactor_port = {self.actor[i]}\n")
            f.write("[assignments]\n" + "".join(
                f"{NAMES[i]} = {[s for s in range(SHARDS) if s % n == i]}\n" for i in range(n)))
        self.procs, self.outs, self.dumps, self.errs = [], [], [], []
        for i in range(n):
            cmd = [binary, "--cluster-file", path, "--node", NAMES[i], "--port", str(self.http[i]),
                   "--db", os.path.join(work, f"{tag}-{NAMES[i]}.db"), "--seed",
                   "--log-level", "info", "--metrics-enabled", "true"]
            out = os.path.join(work, f"{tag}-{NAMES[i]}.callgrind")
            if callgrind:
                cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                       "--callgrind-out-file=" + out] + cmd
            err = open(os.path.join(work, f"{tag}-{NAMES[i]}.err"), "w")
            self.procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                               preexec_fn=die_with_parent))
            self.outs.append(out)
            self.dumps.append(0)
            self.errs.append(err)
        self.wait_linked()
        if callgrind:
            for p in self.procs:
                self.control(p, "--instr=on")

    def wait_linked(self):
        deadline = time.monotonic() + 600
        for front in range(self.n):
            for to in range(self.n):
                cust = customer_on(to, self.n, 0)
                while status(self.http[front], f"/balances/{cust}") != 200:
                    for i, p in enumerate(self.procs):
                        if p.poll() is not None:
                            raise SystemExit(f"node {NAMES[i]} exited, see {self.errs[i].name}")
                    if time.monotonic() > deadline:
                        raise SystemExit("cluster never linked")
                    time.sleep(0.2)

    @staticmethod
    def control(p, arg):
        subprocess.run(["callgrind_control", arg, str(p.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def zero(self):
        for p in self.procs:
            self.control(p, "--zero")

    def dump(self):
        """Instructions of every node since its last zero."""
        got = []
        for i, p in enumerate(self.procs):
            self.control(p, "--dump")
            self.dumps[i] += 1
            with open(f"{self.outs[i]}.{self.dumps[i]}") as f:
                got.append(next(int(l.split()[1]) for l in f if l.startswith("summary:")))
        return got

    def cpu_seconds(self):
        tick = os.sysconf("SC_CLK_TCK")
        out = []
        for p in self.procs:
            with open(f"/proc/{p.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out.append((int(fields[11]) + int(fields[12])) / tick)  # utime, stime
        return out

    def link_counters(self):
        """(bytes, data segments) over every socket on an actor port, both directions."""
        filt = " or ".join(f"sport = :{p}" for p in self.actor)
        text = subprocess.run(["ss", "-tinH", "state", "established", f"( {filt} )"],
                              capture_output=True, text=True, check=True).stdout
        get = lambda key: sum(int(v) for v in re.findall(rf"\b{key}:(\d+)", text))
        return (get("bytes_sent") + get("bytes_received"),
                get("data_segs_out") + get("data_segs_in"))

    def metrics(self, name):
        """Sum over the nodes of a /metrics sample's value (first line starting with name)."""
        total = 0.0
        per_node = []
        for port in self.http:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            c.request("GET", "/metrics")
            text = c.getresponse().read().decode()
            c.close()
            v = next((float(l.split()[-1]) for l in text.splitlines() if l.startswith(name)), 0.0)
            per_node.append(v)
            total += v
        return total, per_node

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p, e in zip(self.procs, self.errs):
            try:  # a cluster daemon can hang in its shutdown when every node stops at once
                p.wait(timeout=60 if self.callgrind else 3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            e.close()


def status(port, path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", path)
        s = c.getresponse().status
        c.close()
        return s
    except OSError:
        return 0


def customer_on(node, n, skip, lo=1001):
    """The skip-th seed customer owned by `node` (of n) from `lo` up."""
    for c in range(lo, 3001):
        if owner(CUSTOMER, c, n) == node:
            if skip == 0:
                return c
            skip -= 1
    raise SystemExit("not enough seed customers")


class client:
    headers = {}  # sent with every request (e.g. an admin token)

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(self, method, path, body=None, want=None):
        h = dict(self.headers)
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body, separators=(",", ":"))
        try:
            self.conn.request(method, path, body=body, headers=h)
        except (BrokenPipeError, ConnectionResetError):
            # The node closed this keep-alive connection while it sat idle (a long callgrind
            # run outlasts server.idle_timeout): nothing was sent, so send it again.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        self.status = r.status
        if want is not None and r.status != want:
            raise SystemExit(f"{method} {path} {body}: {r.status} {data[:200]!r}, wanted {want}")
        return data


def request_of(kind, customer):
    if kind == "coupon issue":
        return "POST", "/coupons/issue", {"couponId": COUPON, "customerId": customer}, 201
    if kind == "balance charge":
        return "PATCH", "/balances/charge", {"customerId": customer, "amount": 10}, 200
    if kind == "balance get":
        return "GET", f"/balances/{customer}", None, 200
    return "GET", f"/balances/{customer}/balance-histories?limit=5", None, 200


PHASE_ORDERS = {"local-first": ["local", "remote"], "remote-first": ["remote", "local"],
                # ABBA: a drift over the run (a growing table, a WAL checkpoint) falls on both
                "abba": ["local", "remote", "remote", "local"]}


def phase_plan(n, count, kinds=KINDS, order="abba"):
    """[(label, kind, where, [(front, customer)])]: local and remote phases for each kind in
    `order` (a label seen twice is measured twice and summed), then uniform.
    A coupon phase needs a new customer per request (the coupon has 1,000, the warm-up takes 203,
    abba has four phases): at most 195."""
    coupon_owner = owner(COUPON_KIND, COUPON, n)
    issuers = iter(range(1001, 2901))
    plan = []
    for kind in kinds:
        for where in (["local"] if n == 1 else PHASE_ORDERS[order]):
            if kind == "coupon issue":
                front = coupon_owner if where == "local" else (coupon_owner + 1) % n
                reqs = [(front, next(issuers)) for _ in range(min(count, 195))]
            else:
                target = 0 if where == "local" else 1
                reqs = [(0, customer_on(target, n, i % 50)) for i in range(count)]
            plan.append((f"{kind} {where}", kind, where, reqs))
    # The model's mix: fronts in turn, customers spread over every shard.
    plan.append(("balance charge uniform", "balance charge", "uniform",
                 [(i % n, 1001 + (i * 7) % 1900) for i in range(count)]))
    return plan


SENT = 'actorshop_cluster_messages_total{direction="sent"}'
REMOTE_CALLS = 'actorshop_cluster_calls_total{owner="remote"}'


def send_all(cl, kind, reqs, concurrency, pause):
    """Sends `reqs` over `concurrency` keep-alive connections per front, each connection taking
    the next request as soon as its previous answer came (concurrency 1: one at a time, `pause`
    apart). The connections are opened (and used once) before the caller's measuring window."""
    todo = iter(reqs)
    lock = threading.Lock()
    conns = [[client(p) for p in cl.http] for _ in range(concurrency)]
    for row in conns:
        for c in row:
            c.call("GET", "/health", want=200)
    failures = []

    def worker(row):
        try:
            while True:
                with lock:
                    nxt = next(todo, None)
                if nxt is None:
                    return
                if concurrency == 1:
                    time.sleep(pause)
                front, cust = nxt
                m, path, body, want = request_of(kind, cust)
                row[front].call(m, path, body, want)
        except BaseException as e:  # SystemExit from a wrong status, too
            failures.append(e)

    def run():
        ts = [threading.Thread(target=worker, args=(row,)) for row in conns]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for row in conns:
            for c in row:
                c.conn.close()
        if failures:
            raise SystemExit(f"{kind}: {failures[0]}")
    return run


def run_phases(cl, plan, pause, settle, callgrind, concurrency=1):
    clients = [client(p) for p in cl.http]
    # Warm-up: every front, every owner, every kind (customers 2990.. are never measured).
    for front in range(cl.n):
        for to in range(cl.n):
            c = customer_on(to, cl.n, 0, lo=2950)
            for kind in KINDS[1:]:
                m, path, body, want = request_of(kind, c)
                clients[front].call(m, path, body, want)
        clients[front].call(*request_of("coupon issue", 2990 + front))
    # The coupon's holder table starts empty: its first ~150 inserts cost ~6k instructions less
    # each (fewer B-tree pages per commit) than every later one, so whichever phase came first
    # looked cheaper. Past that step here, before any phase measures.
    if any(kind == "coupon issue" for _, kind, _, _ in plan):
        holder = owner(COUPON_KIND, COUPON, cl.n)
        for cust in range(2700, 2700 + COUPON_WARMUP):
            clients[holder].call(*request_of("coupon issue", cust))
    for c in clients:
        c.conn.close()
    totals = {}  # label -> summed totals of its phases (ABBA measures a label twice)
    for label, kind, where, reqs in plan:
        send = send_all(cl, kind, reqs, concurrency, pause)
        before_cpu = cl.cpu_seconds()
        before_link = cl.link_counters()
        # The metrics scrape itself sends no wire message.
        before_msgs = cl.metrics(SENT)[0]
        before_calls = cl.metrics(REMOTE_CALLS)[0]
        if callgrind:
            cl.zero()
        send()
        time.sleep(settle)
        t = {"requests": len(reqs)}
        if callgrind:
            t["instructions by node"] = cl.dump()
        after_cpu = cl.cpu_seconds()
        after_link = cl.link_counters()
        t["cpu"] = sum(after_cpu) - sum(before_cpu)
        t["bytes"] = after_link[0] - before_link[0]
        t["segments"] = after_link[1] - before_link[1]
        t["messages"] = cl.metrics(SENT)[0] - before_msgs
        t["remote calls"] = cl.metrics(REMOTE_CALLS)[0] - before_calls
        if callgrind:  # each phase on its own too: a drift over the run shows here
            t["phases"] = [round(sum(t["instructions by node"]) / len(reqs))]
        acc = totals.setdefault(label, {})
        for k, v in t.items():
            if k not in acc:
                acc[k] = v
            elif k == "phases":
                acc[k] = acc[k] + v
            elif isinstance(v, list):
                acc[k] = [a + b for a, b in zip(acc[k], v)]
            else:
                acc[k] += v
    results = {}
    for label, t in totals.items():
        n = t["requests"]
        r = {}
        if callgrind:
            r["instructions"] = sum(t["instructions by node"]) / n
            r["instructions by node"] = [x / n for x in t["instructions by node"]]
            r["instructions by phase"] = t["phases"]
        r["cpu_us"] = t["cpu"] / n * 1e6
        r["bytes"] = t["bytes"] / n
        r["segments"] = t["segments"] / n
        r["messages"] = t["messages"] / n
        # A remote call is a request and a reply on the wire: calls per BASP message.
        r["calls per message"] = 2 * t["remote calls"] / t["messages"] if t["messages"] else 0
        results[label] = r
    return results


def load_phase(cl, seconds, concurrency):
    """Charges for customers over every shard, fronts in turn, `concurrency` connections:
    commits per second per node, requests per commit, CPU microseconds per request."""
    name = "actorshop_writer_commit_duration_seconds_count"
    c0, per0 = cl.metrics(name)
    cpu0 = cl.cpu_seconds()
    stop = time.monotonic() + seconds
    done = [0] * concurrency

    def worker(k):
        cust = [c for c in range(1001, 3001) if c % concurrency == k]
        cl_ = [client(p) for p in cl.http]
        i = 0
        while time.monotonic() < stop:
            c = cust[i % len(cust)]
            m, path, body, want = request_of("balance charge", c)
            cl_[i % cl.n].call(m, path, body, want)
            i += 1
        done[k] = i

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.monotonic() - t0
    c1, per1 = cl.metrics(name)
    cpu1 = cl.cpu_seconds()
    reqs = sum(done)
    shards_per_node = [len([s for s in range(SHARDS) if s % cl.n == i]) for i in range(cl.n)]
    commits = [(b - a) / elapsed for a, b in zip(per0, per1)]
    return {"req/s": reqs / elapsed,
            "commits/s per node": commits,
            "commits/s per shard": [c / s for c, s in zip(commits, shards_per_node)],
            "requests per commit": reqs / max(c1 - c0, 1),
            "cpu_us": (sum(cpu1) - sum(cpu0)) / reqs * 1e6}


def med(xs):
    return statistics.median(xs), min(xs), max(xs)


def fmt(xs, digits=0):
    m, lo, hi = med(xs)
    return f"{m:,.{digits}f} [{lo:,.{digits}f}..{hi:,.{digits}f}]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/daemon/actorshop")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nodes", default="1,2,3")
    ap.add_argument("--requests", type=int, default=150, help="per callgrind phase")
    ap.add_argument("--proc-requests", type=int, default=1000, help="per native phase")
    ap.add_argument("--modes", default="callgrind,proc,load")
    ap.add_argument("--load-seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=1,
                    help="connections in flight per front in the callgrind and proc phases")
    ap.add_argument("--load-concurrency", type=int, default=16, help="connections, load mode")
    ap.add_argument("--kinds", default=",".join(KINDS), help="request kinds to measure")
    ap.add_argument("--phase-order", choices=sorted(PHASE_ORDERS), default="abba",
                    help="order of a kind's local and remote phases (abba: both orders, summed)")
    ap.add_argument("--pause", type=float, default=0.005)
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--out")
    ap.add_argument("--from-log", help="print the report of the 'run ...' lines of an earlier "
                                       "run's output instead of measuring")
    a = ap.parse_args()
    if a.from_log:
        res = {}
        with open(a.from_log) as f:
            for line in f:
                m = re.match(r"run \d+ (\w+) N=(\d+): (.*)", line)
                if m:
                    res.setdefault((m[1], int(m[2])), []).append(json.loads(m[3]))
        sizes = sorted({n for _, n in res})
        a.runs = max(len(v) for v in res.values())
        return report(res, sizes, a)
    work = a.out or tempfile.mkdtemp(prefix="actorshop-cluster-cost.")
    os.makedirs(work, exist_ok=True)
    modes = a.modes.split(",")
    sizes = [int(x) for x in a.nodes.split(",")]
    res = {}  # (mode, n) -> [run results]
    for run in range(1, a.runs + 1):
        for n in sizes:
            for mode in modes:
                cg = mode == "callgrind"
                cl = cluster(a.bin, work, n, f"{mode}-{n}-{run}", cg)
                try:
                    if mode == "load":
                        r = load_phase(cl, a.load_seconds, a.load_concurrency)
                    else:
                        count = a.requests if cg else a.proc_requests
                        plan = phase_plan(n, count, a.kinds.split(","), a.phase_order)
                        r = run_phases(cl, plan, a.pause, a.settle if cg else 0.2, cg,
                                       a.concurrency)
                finally:
                    cl.stop()
                res.setdefault((mode, n), []).append(r)
                print(f"run {run} {mode} N={n}: {json.dumps(r)}", flush=True)
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({f"{m} {n}": v for (m, n), v in res.items()}, f, indent=1)
    report(res, sizes, a)
    print(f"raw outputs: {work}")


def report(res, sizes, a):
    for mode, key, unit, digits in (("callgrind", "instructions", "instructions", 0),
                                    ("proc", "cpu_us", "CPU us (/proc, busy-host)", 1)):
        for n in sizes:
            runs = res.get((mode, n))
            if not runs:
                continue
            print(f"\nN={n}: {unit} per request summed over every node, median [min..max] of "
                  f"{len(runs)} runs ({a.requests if mode == 'callgrind' else a.proc_requests} "
                  f"requests a phase, concurrency {a.concurrency}, phase order {a.phase_order})")
            print("| request | local | remote | remote/local | BASP messages per remote request"
                  " | calls per message |")
            print("|---|---|---|---|---|---|")
            for kind in [k for k in KINDS if k in a.kinds.split(",")]:
                loc = [r[f"{kind} local"][key] for r in runs]
                rem = [r[f"{kind} remote"][key] for r in runs] if n > 1 else None
                ratio = ([r[f"{kind} remote"][key] / r[f"{kind} local"][key] for r in runs]
                         if n > 1 else None)
                msgs = ([r[f"{kind} remote"]["messages"] for r in runs] if n > 1 else None)
                per = ([r[f"{kind} remote"].get("calls per message", 0) for r in runs]
                       if n > 1 else None)
                print(f"| {kind} | {fmt(loc, digits)} | {fmt(rem, digits) if rem else ''} | "
                      f"{fmt(ratio, 2) if ratio else ''} | {fmt(msgs, 2) if msgs else ''} | "
                      f"{fmt(per, 2) if per else ''} |")
            if "balance charge" not in a.kinds.split(","):
                continue
            # The model: uniform = local + (N-1)/N (remote - local), from the same run.
            meas = [r["balance charge uniform"][key] for r in runs]
            if n > 1:
                pred = [r["balance charge local"][key] + (n - 1) / n *
                        (r["balance charge remote"][key] - r["balance charge local"][key])
                        for r in runs]
            else:
                pred = [r["balance charge local"][key] for r in runs]
            print(f"| balance charge, uniform mix: measured | {fmt(meas, digits)} | predicted "
                  f"{fmt(pred, digits)} | measured/predicted "
                  f"{fmt([m / p for m, p in zip(meas, pred)], 3)} |")
    for n in sizes:
        runs = res.get(("proc", n))
        if not runs or n == 1:
            continue
        print(f"\nN={n}: inter-node link per request (both directions), median [min..max]")
        print("| request | where | bytes | TCP data segments | wire messages |")
        print("|---|---|---|---|---|")
        kinds = [k for k in KINDS if k in a.kinds.split(",")]
        for kind, where in [(k, w) for k in kinds for w in ("local", "remote")] + [
                ("balance charge", "uniform")]:
                rs = [r[f"{kind} {where}"] for r in runs]
                print(f"| {kind} | {where} | {fmt([r['bytes'] for r in rs], 1)} | "
                      f"{fmt([r['segments'] for r in rs], 2)} | "
                      f"{fmt([r['messages'] for r in rs], 2)} |")
    for n in sizes:
        runs = res.get(("load", n))
        if not runs:
            continue
        print(f"\nN={n}: load (uniform charges, {a.load_concurrency} connections, "
              f"{a.load_seconds:g} s, busy-host): req/s {fmt([r['req/s'] for r in runs])}, CPU us/request "
              f"{fmt([r['cpu_us'] for r in runs], 1)}, requests per commit "
              f"{fmt([r['requests per commit'] for r in runs], 2)}")
        for i in range(n):
            print(f"  node {NAMES[i]}: commits/s {fmt([r['commits/s per node'][i] for r in runs])}"
                  f", per shard {fmt([r['commits/s per shard'][i] for r in runs], 1)}")


if __name__ == "__main__":
    main()
