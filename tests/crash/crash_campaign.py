#!/usr/bin/env python3
"""Crash campaign: kill -9 the real daemon under load and check that nothing acknowledged is lost.

Each cycle starts build/daemon/actorshop on a free loopback port and one database file (seeded in
the first cycle), replays the order-payment profile with actorshop-bench over HTTP, and runs
recording clients beside it: order + payment pairs, balance charges and coupon issues, each
2xx answer noted (order and payment ids, charge amounts and the balance they produced, coupon
holders). At a random moment (seeded RNG; the seed is printed and --seed replays the same
moments) the daemon gets SIGKILL. Then, with the daemon down, `actorshop check` must pass (integrity
and every invariant) and sqlite3 on the file must hold every acknowledged write; the next cycle
restarts on the same file. At the end a last daemon answers the API for every acknowledged order,
payment, charge and coupon, and is stopped with SIGTERM.

Exit 0 if no acknowledged operation was lost and every check passed; 1 otherwise.
"""
import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SEED_CUSTOMERS = range(1001, 3001)  # spec §2
SEED_PRODUCTS = range(5001, 5021)
SEED_COUPON = 4001


def log(msg):
    print(f"crash-campaign: {msg}", flush=True)


class Ledger:
    """Every operation a client saw acknowledged (a complete 2xx answer), by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orders = {}    # order id -> (customer id, total price)
        self.payments = {}  # payment id -> (order id, customer id, discounted price)
        self.charges = []   # (customer id, amount charged, balance after)
        self.coupons = set()  # (customer id, coupon id)

    def counts(self):
        with self.lock:
            return dict(orders=len(self.orders), payments=len(self.payments),
                        charges=len(self.charges), coupons=len(self.coupons))


class Client:
    """One keep-alive HTTP/1.1 connection; None instead of an answer when the daemon is gone."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, body=None):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            data = json.dumps(body) if body is not None else None
            headers = {"Content-Type": "application/json"} if body is not None else {}
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            return resp.status, json.loads(payload) if payload else None
        except (OSError, http.client.HTTPException, ValueError):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None, None


def order_payment_loop(port, ledger, stop, rng):
    """The order-payment iteration of spec §5 (two products, options S and M), then its payment."""
    c = Client(port)
    while not stop.is_set():
        customer = rng.choice(SEED_CUSTOMERS)
        p1, p2 = rng.sample(SEED_PRODUCTS, 2)
        # Options of product P are 6001 + (P - 5001) * 3 + {0: S, 1: M, 2: L} (storage/seed.cpp).
        items = [{"productId": p1, "productOptionId": 6001 + (p1 - 5001) * 3, "quantity": 1},
                 {"productId": p2, "productOptionId": 6002 + (p2 - 5001) * 3, "quantity": 1}]
        status, body = c.call("POST", "/orders", {"customerId": customer, "items": items})
        if status is None:
            time.sleep(0.01)
            continue
        if status != 201:
            continue
        with ledger.lock:
            ledger.orders[body["orderId"]] = (customer, body["totalPrice"])
        status, body = c.call("POST", "/payments", {"orderId": body["orderId"]})
        if status == 201:
            with ledger.lock:
                ledger.payments[body["paymentId"]] = (body["orderId"], body["customerId"],
                                                      body["discountedPrice"])


def charge_loop(port, ledger, stop, rng):
    c = Client(port)
    while not stop.is_set():
        customer = rng.choice(SEED_CUSTOMERS)
        amount = rng.randint(1, 100_000)
        status, body = c.call("PATCH", "/balances/charge", {"customerId": customer,
                                                            "amount": amount})
        if status is None:
            time.sleep(0.01)
        elif status == 200:
            with ledger.lock:
                ledger.charges.append((customer, amount, body["amount"]))


def coupon_loop(port, ledger, stop, rng):
    c = Client(port)
    while not stop.is_set():
        customer = rng.choice(SEED_CUSTOMERS)
        status, body = c.call("POST", "/coupons/issue", {"couponId": SEED_COUPON,
                                                         "customerId": customer})
        if status is None:
            time.sleep(0.01)
        elif status == 201:
            with ledger.lock:
                ledger.coupons.add((body["customerId"], body["couponId"]))


class Daemon:
    def __init__(self, args, db, log_path):
        self.log = open(log_path, "ab")
        cmd = [args.daemon, "--db", db, "--port", "0", "--sync", args.sync, "--log-level", "warn"]
        if not os.path.exists(db):
            cmd.append("--seed")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()  # "actorshop listening on http://H:P db=..."
        if "listening on http://" not in line:
            raise RuntimeError(f"daemon did not start: {line!r} (log {log_path})")
        self.port = int(line.split("listening on http://")[1].split()[0].rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while Client(self.port).call("GET", "/health")[0] != 200:  # recovery has finished
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"daemon never became healthy (log {log_path})")
            time.sleep(0.05)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.log.close()
        return code


def lost_in_file(db, ledger):
    """Returns a description of every acknowledged write missing from the database file."""
    lost = []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with ledger.lock:
        orders = dict(con.execute("SELECT id, customer_id || ':' || total_price FROM orders"))
        for oid, (cust, total) in ledger.orders.items():
            if orders.get(oid) != f"{cust}:{total}":
                lost.append(f"order {oid} (customer {cust}, total {total}): {orders.get(oid)}")
        rows = con.execute("SELECT p.id, p.order_id, p.customer_id, p.discounted_price, o.status "
                           "FROM payment p JOIN orders o ON o.id = p.order_id")
        payments = {r[0]: r[1:] for r in rows}
        for pid, (oid, cust, price) in ledger.payments.items():
            if payments.get(pid) != (oid, cust, price, "PAID"):
                lost.append(f"payment {pid} of order {oid}: {payments.get(pid)}")
        history = set(con.execute("SELECT customer_id, change_amount, total_amount "
                                  "FROM balance_history WHERE change_type = 'CHARGE'"))
        for charge in ledger.charges:
            if charge not in history:
                lost.append(f"charge {charge[1]} to customer {charge[0]} (balance {charge[2]})")
        holders = set(con.execute("SELECT customer_id, coupon_id FROM customer_coupon"))
        lost += [f"coupon {c} of customer {k}" for k, c in ledger.coupons - holders]
    con.close()
    return lost


def lost_in_api(port, ledger):
    """Asks the daemon for every acknowledged order, payment (its order PAID), charge and coupon
    holder."""
    c, lost = Client(port), []
    with ledger.lock:
        paid = {oid for oid, _, _ in ledger.payments.values()}
        for oid, (cust, total) in ledger.orders.items():
            status, body = c.call("GET", f"/orders/{oid}")
            if status != 200 or body["customerId"] != cust or body["totalPrice"] != total or \
                    (oid in paid and body["status"] != "PAID"):
                lost.append(f"GET /orders/{oid}: {status} {body}")
        # Every charge is checked in the file; here each customer's last one, which a first page
        # of its history (newest first, however it is paged) holds.
        last = {k: (amount, after) for k, amount, after in ledger.charges}
        for cust, charge in sorted(last.items()):
            status, body = c.call("GET", f"/balances/{cust}/balance-histories")
            seen = {(h["changeAmount"], h["totalAmount"]) for h in body
                    if h["changeType"] == "CHARGE"} if status == 200 else set()
            if charge not in seen:
                lost.append(f"charge {charge[0]} of customer {cust}: {status}, not in its history")
        for cust, coupon in sorted(ledger.coupons):
            status, body = c.call("GET", f"/coupons/customer/{cust}")
            if status != 200 or coupon not in {x["couponId"] for x in body}:
                lost.append(f"coupon {coupon} of customer {cust}: {status}")
    return lost


def check(args, db):
    r = subprocess.run([args.daemon, "check", "--db", db], capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def run_cycle(args, db, workdir, ledger, rng, cycle):
    daemon = Daemon(args, db, os.path.join(workdir, "daemon.log"))
    stop = threading.Event()
    bench = subprocess.Popen(
        [args.bench, "--profile", "order-payment", "--target", f"http://127.0.0.1:{daemon.port}",
         "--time-scale", "0.02", "--no-audit", "--no-thresholds", "--quiet",
         "--seed", str(rng.randrange(2**32)), "--io-threads", "1"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "bench.log"), "ab"))
    loops = [order_payment_loop, order_payment_loop, charge_loop, coupon_loop]
    threads = [threading.Thread(target=f, args=(daemon.port, ledger, stop,
                                                random.Random(rng.randrange(2**32))))
               for f in loops]
    for t in threads:
        t.start()
    delay = rng.uniform(args.min_delay, args.max_delay)
    time.sleep(delay)  # the random moment of the kill: any point of the load will do
    daemon.kill9()
    stop.set()
    for t in threads:
        t.join()
    bench.send_signal(signal.SIGKILL)
    bench.wait()
    code, out = check(args, db)
    lost = lost_in_file(db, ledger)
    log(f"cycle {cycle}: killed after {delay:.2f} s; acknowledged so far {ledger.counts()}; "
        f"check exit {code}; lost {len(lost)}")
    if code != 0:
        log(f"  actorshop check: {out}")
    for item in lost[:20]:
        log(f"  lost: {item}")
    return code == 0 and not lost


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "../../build"))
    ap.add_argument("--daemon", help="actorshop binary (default BUILD/daemon/actorshop)")
    ap.add_argument("--bench", help="actorshop-bench (default BUILD/bench/harness/actorshop-bench)")
    ap.add_argument("--sync", default="FULL", choices=["FULL", "FULL_PIPELINED", "NORMAL"])
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None, help="RNG seed (default: from the clock)")
    ap.add_argument("--min-delay", type=float, default=1.0, help="seconds of load before a kill")
    ap.add_argument("--max-delay", type=float, default=5.0)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs)")
    args = ap.parse_args()
    args.daemon = args.daemon or os.path.join(args.build, "daemon/actorshop")
    args.bench = args.bench or os.path.join(args.build, "bench/harness/actorshop-bench")
    seed = args.seed if args.seed is not None else int(time.time_ns() % 2**32)
    rng = random.Random(seed)
    workdir = tempfile.mkdtemp(prefix="actorshop-crash-")
    db = os.path.join(workdir, "shop.db")
    log(f"seed {seed} (replay: --seed {seed}), sync {args.sync}, {args.cycles} cycles, in {workdir}")
    ledger, ok = Ledger(), True
    for cycle in range(1, args.cycles + 1):
        ok = run_cycle(args, db, workdir, ledger, rng, cycle) and ok
    daemon = Daemon(args, db, os.path.join(workdir, "daemon.log"))
    lost = lost_in_api(daemon.port, ledger)
    code = daemon.stop()
    check_code, out = check(args, db)
    for item in lost[:20]:
        log(f"  lost (API): {item}")
    ok = ok and not lost and code == 0 and check_code == 0
    totals = ledger.counts()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    in_file = con.execute("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM payment), "
                          "(SELECT count(*) FROM balance_history WHERE change_type = 'CHARGE'), "
                          "(SELECT count(*) FROM customer_coupon)").fetchone()
    con.close()
    log("in the file (recorded clients and actorshop-bench together): orders %d, payments %d, "
        "charges %d, coupon holders %d" % in_file)
    log(f"{'PASS' if ok else 'FAIL'}: sync {args.sync}, seed {seed}, {args.cycles} kill -9 cycles, "
        f"{sum(totals.values())} acknowledged operations {totals}, lost {len(lost)} via the API; "
        f"final drain exit {code}, check exit {check_code}: {out}")
    if ok and not args.keep:
        subprocess.run(["rm", "-rf", workdir])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
