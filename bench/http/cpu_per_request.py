#!/usr/bin/env python3
"""Instructions per request, by callgrind: a measure of the daemon's CPU cost that the host's load
does not move (perf counters are not available on every VM; callgrind counts the guest's
instructions exactly).

For each arm (metrics off, metrics on, token mode) a freshly seeded daemon runs under
`valgrind --tool=callgrind --instr-atstart=no`; once it serves, instrumentation is switched on, a
warm-up touches every path, then each phase sends a fixed number of requests, one at a time on
one keep-alive connection, between a `callgrind_control --zero` and a `--dump`. A phase's
instructions are the whole process's (io thread, actors, writer, SQLite, timers) over the phase,
divided by its requests. An idle phase (no requests) gives the background's instructions per
second, to show it is negligible next to the requests. With metrics on, the /metrics scrape
(Prometheus' Accept header) and the dashboard's /dashboard/data poll are phases of their own:
instructions per scrape and per poll, which cost once a second whatever the request rate.

  cpu_per_request.py BUILD_DIR [--runs 3] [--requests 300] [--scrapes 20] [--arms off,on,token]
                     [--peak-rate 20000] [--settle 1] [--pause 0.01] [--daemon BINARY]
                     [--out DIR]
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
WARMUP_CUSTOMERS = range(2901, 2921)  # never used by the measured phases


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mint(secret, customer, expires):
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
    payload = b64(f"{customer}.{expires}".encode())
    return (payload + b"." + b64(hmac.new(secret, payload, hashlib.sha256).digest())).decode()


class daemon:
    """A seeded actorshop under callgrind, with instrumentation switched on once it serves."""

    def __init__(self, binary, work, name, flags):
        self.port = free_port()
        self.out = os.path.join(work, name + ".callgrind")
        self.dumps = 0
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               "--callgrind-out-file=" + self.out, binary,
               "--db", os.path.join(work, name + ".db"), "--port", str(self.port), "--seed",
               "--log-level", "warn"] + flags
        self.err = open(os.path.join(work, name + ".err"), "w")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"{name}: daemon exited, see {self.err.name}")
                time.sleep(0.2)
        else:
            raise SystemExit(f"{name}: daemon did not start")
        self.control("--instr=on")

    def control(self, arg):
        subprocess.run(["callgrind_control", arg, str(self.proc.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def zero(self):
        self.control("--zero")

    def dump(self, settle_s):
        """Dumps (and zeroes) the counters; returns the instructions since the last zero. Waits
        `settle_s` first, so that work the phase set off on other threads (a WAL checkpoint after
        its commits, an outbox delivery) lands in this phase and not in the next one."""
        time.sleep(settle_s)
        self.control("--dump")
        self.dumps += 1
        path = f"{self.out}.{self.dumps}"
        with open(path) as f:
            for line in f:
                if line.startswith("summary:"):
                    return int(line.split()[1])
        raise SystemExit(f"no summary in {path}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=300)
        self.err.close()


class client:
    def __init__(self, port, tokens):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.tokens = tokens

    def call(self, method, path, body=None, customer=None, want=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body, separators=(",", ":"))
        if customer is not None and self.tokens:
            h["Authorization"] = "Bearer " + self.tokens[customer]
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        if want is not None and r.status != want:
            raise SystemExit(f"{method} {path} {body}: {r.status} {data[:200]!r}, wanted {want}")
        return data


def order_body(customer, i):
    p1, p2 = 5001 + i % 20, 5001 + (i * 7 + 3) % 20
    return {"customerId": customer,
            "items": [{"productId": p1, "productOptionId": 6001 + 3 * (p1 - 5001), "quantity": 1},
                      {"productId": p2, "productOptionId": 6002 + 3 * (p2 - 5001), "quantity": 1}]}


def warm_up(c):
    for customer in WARMUP_CUSTOMERS:
        c.call("POST", "/coupons/issue", {"couponId": 4001, "customerId": customer}, customer, 201)
        c.call("POST", "/coupons/issue", {"couponId": 4001, "customerId": customer}, customer, 409)
        order = json.loads(c.call("POST", "/orders", order_body(customer, customer), customer, 201))
        c.call("POST", "/payments", {"orderId": order["orderId"]}, customer, 201)
        c.call("GET", f"/balances/{customer}", customer=customer, want=200)
    for _ in range(3):
        c.call("GET", "/metrics", headers={"Accept": PROMETHEUS_ACCEPT}, want=200)
        c.call("GET", "/dashboard/data", want=200)


def measure_arm(binary, work, name, flags, tokens, n, scrapes, idle_s, settle_s, pause_s):
    """Returns {phase: instructions per request (or per second for idle)}."""
    d = daemon(binary, work, name, flags)
    try:
        c = client(d.port, tokens)
        warm_up(c)
        customers = [1001 + i for i in range(n)]
        result = {}

        def phase(label, count, fn):
            d.zero()
            for i in range(count):
                time.sleep(pause_s)
                fn(i)
            result[label] = d.dump(settle_s) / count

        phase("coupon issue 201", n, lambda i: c.call(
            "POST", "/coupons/issue", {"couponId": 4001, "customerId": customers[i]},
            customers[i], 201))
        phase("coupon issue 409", n, lambda i: c.call(
            "POST", "/coupons/issue", {"couponId": 4001, "customerId": customers[i]},
            customers[i], 409))
        orders = []
        phase("order", n, lambda i: orders.append(json.loads(c.call(
            "POST", "/orders", order_body(customers[i], i), customers[i], 201))["orderId"]))
        phase("payment", n, lambda i: c.call(
            "POST", "/payments", {"orderId": orders[i]}, customers[i], 201))
        phase("GET balance", n, lambda i: c.call(
            "GET", f"/balances/{customers[i]}", customer=customers[i], want=200))
        if scrapes:
            phase("/metrics scrape", scrapes, lambda i: c.call(
                "GET", "/metrics", headers={"Accept": PROMETHEUS_ACCEPT}, want=200))
            phase("/dashboard/data poll", scrapes, lambda i: c.call(
                "GET", "/dashboard/data", want=200))
        d.zero()
        t0 = time.monotonic()
        time.sleep(idle_s)
        result["idle, per second"] = d.dump(0) / (time.monotonic() - t0)
        return result
    finally:
        d.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--requests", type=int, default=300, help="per request kind (<= 880)")
    ap.add_argument("--scrapes", type=int, default=20)
    ap.add_argument("--idle", type=float, default=5.0, help="seconds of the idle phase")
    ap.add_argument("--arms", default="off,on,token")
    ap.add_argument("--peak-rate", type=float, default=20000.0,
                    help="coupon-peak req/s at which to state the per-second scrape cost")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to wait after a phase's last answer before its dump")
    ap.add_argument("--pause", type=float, default=0.01,
                    help="seconds between an answer and the next request: the daemon is back in "
                         "its read before the request comes, so every request takes the same path")
    ap.add_argument("--daemon", help="the actorshop binary (default BUILD/daemon/actorshop)")
    ap.add_argument("--out")
    a = ap.parse_args()
    work = a.out or tempfile.mkdtemp(prefix="actorshop-cpu-per-request.")
    os.makedirs(work, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    secret_file = os.path.join(work, "secret")
    with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(secret.decode())
    expires = int(time.time()) + 24 * 3600
    tokens = {c: mint(secret, c, expires) for c in range(1001, 3001)}
    arms = {
        "off": (["--metrics-enabled", "false"], None, False),
        "on": (["--metrics-enabled", "true"], None, True),
        "token": (["--metrics-enabled", "true", "--auth-mode", "token",
                   "--auth-secret-file", secret_file], tokens, False),
        "token-off": (["--metrics-enabled", "false", "--auth-mode", "token",
                       "--auth-secret-file", secret_file], tokens, False),
    }
    chosen = a.arms.split(",")
    results = {arm: [] for arm in chosen}  # arm -> [ {phase: value} per run ]
    for run in range(1, a.runs + 1):
        for arm in chosen:
            flags, toks, scrape = arms[arm]
            r = measure_arm(a.daemon or os.path.join(a.build, "daemon/actorshop"), work,
                            f"{arm}-{run}", flags, toks, a.requests, a.scrapes if scrape else 0,
                            a.idle, a.settle, a.pause)
            results[arm].append(r)
            print(f"run {run} {arm}: " + ", ".join(f"{k} {v:,.0f}" for k, v in r.items()),
                  flush=True)
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    report(results, a)
    print(f"raw outputs: {work}")


def spread(xs):
    m = statistics.median(xs)
    return f"{m:,.0f} [{min(xs):,.0f}..{max(xs):,.0f}]", m


def report(results, a):
    phases = []
    for runs in results.values():
        phases += [p for p in runs[0] if not p.startswith("idle") and p not in phases]
    arms = list(results)
    ref = "off" if "off" in arms else arms[0]
    print(f"\ninstructions per request, median [min..max] of {a.runs} runs, "
          f"{a.requests} requests per kind:")
    print("| request | " + " | ".join(arms) + " | " +
          " | ".join(f"{x}/{ref}" for x in arms if x != ref) + " |")
    print("|---" * (1 + 2 * len(arms) - 1) + "|")
    med = {}
    for p in phases + ["idle, per second"]:
        cells, ratios = [], []
        for arm in arms:
            xs = [r[p] for r in results[arm] if p in r]
            if xs:
                text, med[arm, p] = spread(xs)
                cells.append(text)
            else:
                cells.append("")
        for arm in arms:
            if arm == ref:
                continue
            ok = (arm, p) in med and (ref, p) in med and med[ref, p] > 0
            ratios.append(f"{med[arm, p] / med[ref, p]:.3f}" if ok and not p.startswith("idle")
                          else "")
        print(f"| {p} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    if "on" in arms and ("on", "/metrics scrape") in med:
        per_second = med["on", "/metrics scrape"] + med["on", "/dashboard/data poll"]
        print(f"\none scrape + one dashboard poll a second: {per_second:,.0f} instructions/s, "
              f"i.e. {per_second / a.peak_rate:,.1f} per request at coupon-peak's "
              f"{a.peak_rate:,.0f} req/s")
        if ref == "off" and ("off", "coupon issue 409") in med:
            off409 = med["off", "coupon issue 409"]
            on409 = med["on", "coupon issue 409"]
            print(f"coupon-peak's request (coupon issue 409): on {on409:,.0f} + scrapes "
                  f"{per_second / a.peak_rate:,.1f} vs off {off409:,.0f} -> ratio off/on "
                  f"{off409 / (on409 + per_second / a.peak_rate):.3f} "
                  f"(the requests a fixed CPU serves with metrics on, scraped and polled, "
                  f"relative to metrics off)")


if __name__ == "__main__":
    main()
