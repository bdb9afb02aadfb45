#!/usr/bin/env python3
"""Messages and bytes per request for every endpoint in cluster mode (issue 13 item 7).

Starts 3 nodes on loopback (12 shards, shard s on node s % 3, no BASP heartbeats so the links
carry only the requests' own traffic) and, for every endpoint and the placement cases that change
its traffic, sends --requests valid requests one at a time on one keep-alive connection to the
case's front node (after --warmup unmeasured ones). Per request, over the measured window:
  * BASP messages sent, summed over every node (actorshop_cluster_messages_total{direction="sent"});
  * bytes and TCP data segments on the inter-node links, both directions (ss -ti on the actor
    ports: bytes_sent + bytes_received, data_segs_out + data_segs_in, deltas);
  * remote calls, summed over every node (actorshop_cluster_calls_total{owner="remote"}): a
    forwarded request, a saga step or a gather part sent to another node;
  * the HTTP statuses seen.
and the prediction where it is simple: a remote call is a request and a reply (2 messages, 1
remote call); the front hop is one call when the owner is another node; an order adds a reserve
step per line whose stock row is on another node than the order's; a payment adds the coupon use
when the coupon is on another node and a sell per remote line; a gather (wallet, /products,
popular) asks each other node once; /products/{id} asks each other node owning one of its
options' stock rows once. A row whose measured messages or remote calls differ from the
prediction is flagged. An "idle" row measures a window with no request (the links' own chatter).

Messages and bytes do not depend on the host's speed, so the runs need no quiet host; the figures
of --runs runs are printed as median [min..max].

  bench/cluster_wire.py [--bin build/daemon/actorshop] [--runs 3] [--requests 50] [--warmup 2]
                        [--time-limit 900] [--keep]
"""
import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_cost import (COUPON, COUPON_KIND, CUSTOMER, REMOTE_CALLS, SENT,  # noqa: E402
                          client, cluster, owner)

N = 3
STOCK_KIND = 3
ADMIN_TOKEN = "wire-bench"
PRODUCTS = range(5001, 5021)
OPTIONS_PER_PRODUCT = 3  # options 6001.. in product order (storage/seed.hpp)


def option_owner(option):
    return owner(STOCK_KIND, option, N)


def product_of(option):
    return 5001 + (option - 6001) // OPTIONS_PER_PRODUCT


def options_of(product):
    first = 6001 + (product - 5001) * OPTIONS_PER_PRODUCT
    return list(range(first, first + OPTIONS_PER_PRODUCT))


class placement:
    """Seed entities by owning node: customers (a fresh one for every coupon holder, since a
    customer holds a coupon once; a small reused set for the rest) and stock options."""

    def __init__(self):
        custs = [[c for c in range(1001, 3001) if owner(CUSTOMER, c, N) == i] for i in range(N)]
        self.reused = [c[-40:] for c in custs]
        self.fresh = [iter(c[:-40]) for c in custs]
        self.options = [[o for o in range(6001, 6061) if option_owner(o) == i] for i in range(N)]
        self.coupon_node = owner(COUPON_KIND, COUPON, N)

    def customer(self, node, i):
        return self.reused[node][i % len(self.reused[node])]

    def new_customer(self, node):
        return next(self.fresh[node])

    def lines(self, order_node, remote_nodes):
        """Two order lines: one per entry of `remote_nodes` on that node (an offset from the
        order's node), the rest on the order's node."""
        picked = []
        for off in list(remote_nodes) + [0] * (2 - len(remote_nodes)):
            node = (order_node + off) % N
            picked.append(next(o for o in self.options[node] if o not in picked))
        return [{"productId": product_of(o), "productOptionId": o, "quantity": 1} for o in picked]


def front_for(owner_node, where):
    return owner_node if where == "local" else (owner_node + 1) % N


class case:
    """One row: `make(i)` gives request i as (method, path, body, wanted status); `prepare`
    (optional) sets up what the requests need, outside the measured window. `predicted`: BASP
    messages, every call alone; `batchable`: calls to one peer in flight together, which may
    leave as one batch each way (actors/cluster/outbox.hpp), so down to 2 messages fewer."""

    def __init__(self, endpoint, label, front, make, predicted, want, prepare=None,
                 batchable=False):
        self.endpoint, self.label, self.front, self.make = endpoint, label, front, make
        self.predicted, self.want, self.prepare = predicted, want, prepare
        self.lowest = predicted - 2 if batchable else predicted


def hop(where):
    return 0 if where == "local" else 2


def coupon_body():
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    iso = lambda t: t.isoformat().replace("+00:00", "Z")
    return {"name": "wire bench", "discountType": "FIXED", "discountAmount": 100,
            "totalQuantity": 10, "startedAt": iso(now - datetime.timedelta(hours=1)),
            "expiredAt": iso(now + datetime.timedelta(days=1))}


def cases(pl, count):
    """Every endpoint and the placements that change its traffic."""
    out = []
    k = pl.coupon_node
    for where in ("local", "remote"):
        out.append(case("POST /coupons/issue", f"coupon {where}", front_for(k, where),
                        lambda i, n=None: ("POST", "/coupons/issue",
                                           {"couponId": COUPON,
                                            "customerId": pl.new_customer(i % N)}, 201),
                        hop(where), 201))
    for where in ("local", "remote"):
        f = front_for(0, where)
        out.append(case("PATCH /balances/charge", f"customer {where}", f,
                        lambda i: ("PATCH", "/balances/charge",
                                   {"customerId": pl.customer(0, i), "amount": 10}, 200),
                        hop(where), 200))
        out.append(case("GET /balances/{id}", f"customer {where}", f,
                        lambda i: ("GET", f"/balances/{pl.customer(0, i)}", None, 200),
                        hop(where), 200))
        out.append(case("GET /balances/{id}/balance-histories", f"customer {where}", f,
                        lambda i: ("GET", f"/balances/{pl.customer(0, i)}/balance-histories"
                                          "?limit=5", None, 200), hop(where), 200))
    order_ids = {}  # order node -> ids created by the POST /orders rows
    for where, remote_nodes, label in (
            ("local", [], "0 remote lines"), ("local", [1], "1 remote line"),
            ("local", [1, 1], "2 remote lines, same node"),
            ("local", [1, 2], "2 remote lines, two nodes"),
            ("remote", [], "0 remote lines"), ("remote", [1], "1 remote line"),
            ("remote", [1, 2], "2 remote lines, two nodes")):
        lines = pl.lines(0, remote_nodes)
        out.append(case("POST /orders", f"customer {where}, {label}", front_for(0, where),
                        lambda i, lines=lines: ("POST", "/orders", {
                            "customerId": pl.customer(0, i), "items": lines}, 201),
                        hop(where) + 2 * len(remote_nodes), 201,
                        batchable=remote_nodes == [1, 1]))
    for where in ("local", "remote"):
        out.append(case("GET /orders/{id}", f"order {where}", front_for(0, where),
                        lambda i: ("GET", f"/orders/{order_ids[0][i % len(order_ids[0])]}",
                                   None, 200), hop(where), 200,
                        prepare=lambda cl, need: order_ids.get(0) or order_ids.setdefault(
                            0, make_orders(cl, pl, 0, need, pl.lines(0, [1]))[0])))
    # Payments: the order lives on its customer's node c; the coupon on k.
    for where, coupon, remote_nodes in (
            ("local", None, []), ("local", None, [1]), ("local", None, [1, 1]),
            ("local", None, [1, 2]),
            ("local", "local", []), ("local", "remote", []), ("local", "remote", [1, 2]),
            ("remote", None, []), ("remote", "remote", [1, 2])):
        c = k if coupon == "local" else (k + 1) % N if coupon == "remote" else 0
        spots = {0: "0 remote lines", 1: "1 remote line"}.get(
            len(remote_nodes), "2 remote lines, " + (
                "same node" if len(set(remote_nodes)) == 1 else "two nodes"))
        label = f"order {where}, {'no coupon' if coupon is None else 'coupon ' + coupon}, {spots}"
        todo = {}

        def prepare(cl, need, c=c, coupon=coupon, remote_nodes=remote_nodes, todo=todo):
            todo["orders"] = make_orders(cl, pl, c, need, pl.lines(c, remote_nodes),
                                         with_coupon=coupon is not None)

        out.append(case("POST /payments", label, front_for(c, where),
                        lambda i, todo=todo, coupon=coupon: (
                            "POST", "/payments",
                            {"orderId": todo["orders"][0][i], **(
                                {"couponId": COUPON} if coupon else {})}, 201),
                        hop(where) + (2 if coupon == "remote" else 0) + 2 * len(remote_nodes),
                        201, prepare=prepare, batchable=remote_nodes == [1, 1]))
    out.append(case("GET /coupons/customer/{id}", "holds no coupon", 0,
                    lambda i: ("GET", f"/coupons/customer/{pl.customer(0, i)}", None, 200),
                    2 * (N - 1), 200))
    holders = []  # customers of node 0 issued the coupon (its holder rows live on node k)
    for where in ("local", "remote"):
        out.append(case("GET /coupons/customer/{id}", f"holds the coupon, coupon {where}",
                        front_for(k, where),
                        lambda i: ("GET", f"/coupons/customer/{holders[i]}", None, 200),
                        2 * (N - 1), 200,
                        prepare=lambda cl, need: holders or holders.extend(
                            issue_coupon(cl, pl, 0, need))))
    out.append(case("GET /products", "any front", 0, lambda i: ("GET", "/products", None, 200),
                    2 * (N - 1), 200))
    for remote_owners in range(N):
        found = next(((f, p) for f in range(N) for p in PRODUCTS if len(
            {option_owner(o) for o in options_of(p)} - {f}) == remote_owners), None)
        if found is None:  # the seed has no such product (all three options on one node)
            continue
        front, product = found
        out.append(case("GET /products/{id}", f"its options' stock on {remote_owners} other "
                        f"node{'' if remote_owners == 1 else 's'}",
                        front, lambda i, p=product: ("GET", f"/products/{p}", None, 200),
                        2 * remote_owners, 200))
    out.append(case("GET /products/popular", "any front", 0,
                    lambda i: ("GET", "/products/popular?days=3", None, 200), 2 * (N - 1), 200))
    out.append(case("POST /coupons", "created on the front", 0,
                    lambda i: ("POST", "/coupons", coupon_body(), 201), 0, 201))
    return out


def issue_coupon(cl, pl, node, count):
    """Issues the coupon to `count` new customers of `node` (through the coupon's owner)."""
    holder = client(cl.http[pl.coupon_node])
    custs = [pl.new_customer(node) for _ in range(count)]
    for cust in custs:
        holder.call("POST", "/coupons/issue", {"couponId": COUPON, "customerId": cust}, 201)
    holder.conn.close()
    return custs


def make_orders(cl, pl, node, count, lines, with_coupon=False):
    """`count` orders of customers on `node`, created through that node; with_coupon: each for a
    new customer who is first issued the coupon. Returns (order ids, customers)."""
    front = client(cl.http[node])
    custs = (issue_coupon(cl, pl, node, count) if with_coupon else
             [pl.customer(node, i) for i in range(count)])
    ids = [json.loads(front.call("POST", "/orders", {"customerId": cust, "items": lines},
                                 201))["orderId"] for cust in custs]
    front.conn.close()
    return ids, custs


def counters(cl):
    link = cl.link_counters()
    return {"messages": cl.metrics(SENT)[0], "remote calls": cl.metrics(REMOTE_CALLS)[0],
            "bytes": link[0], "segments": link[1]}


def measure(cl, c, count, warmup, settle):
    if c.prepare:
        c.prepare(cl, count + warmup)
    conn = client(cl.http[c.front])
    reqs = [c.make(i) for i in range(count + warmup)]
    for m, path, body, _ in reqs[:warmup]:
        conn.call(m, path, body)
    time.sleep(settle)
    before = counters(cl)
    statuses = {}
    for m, path, body, _ in reqs[warmup:]:
        conn.call(m, path, body)
        statuses[conn.status] = statuses.get(conn.status, 0) + 1
    time.sleep(settle)  # a reply still on its way back (one at a time: none expected)
    after = counters(cl)
    conn.conn.close()
    r = {k: (after[k] - before[k]) / count for k in before}
    r["statuses"] = statuses
    return r


def idle(cl, seconds, count):
    """The links' traffic over a window with no request, per `count` requests' worth."""
    before = counters(cl)
    time.sleep(seconds)
    after = counters(cl)
    return {k: (after[k] - before[k]) / count for k in before} | {"statuses": {}}


def one_run(binary, work, run, count, warmup, settle):
    os.environ["ACTORSHOP_ADMIN_TOKEN"] = ADMIN_TOKEN  # POST /coupons needs the bearer token
    cl = cluster(binary, work, N, f"wire-{run}", callgrind=False, heartbeat_ms=0)
    try:
        client.headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        pl = placement()
        rows = {}
        started = time.monotonic()
        for c in cases(pl, count):
            rows[(c.endpoint, c.label)] = (c, measure(cl, c, count, warmup, settle))
        per_case = (time.monotonic() - started) / len(rows)
        rows[("idle (control)", f"no request for a row's duration, per {count} requests")] = (
            case("idle (control)", "", 0, None, 0, None), idle(cl, per_case, count))
        return rows
    finally:
        cl.stop()


def spread(xs, digits):
    m, lo, hi = statistics.median(xs), min(xs), max(xs)
    if lo == hi:
        return f"{m:,.{digits}f}"
    return f"{m:,.{digits}f} [{lo:,.{digits}f}..{hi:,.{digits}f}]"


def predicted(c):
    if c.want is None:
        return ""
    return str(c.predicted) if c.lowest == c.predicted else f"{c.lowest}..{c.predicted}"


def report(runs, count):
    print(f"\n3 nodes on loopback, {count} requests per row one at a time, per request, median "
          f"[min..max] of {len(runs)} runs (a single figure: the same in every run); messages "
          "and remote calls summed over the nodes, bytes and TCP data segments both directions "
          "of every inter-node link\n")
    print("| endpoint | case: the owner against the front; lines and coupon against the "
          "order's node | BASP messages | predicted | bytes | "
          "TCP segments | remote calls | status |")
    print("|---|---|---|---|---|---|---|---|")
    odd = []
    for key, (c, _) in runs[0].items():
        rs = [r[key][1] for r in runs]
        msgs = [r["messages"] for r in rs]
        calls = [r["remote calls"] for r in rs]
        statuses = {}
        for r in rs:
            for s, n in r["statuses"].items():
                statuses[s] = statuses.get(s, 0) + n
        seen = ", ".join(f"{s}" if len(statuses) == 1 else f"{s} x{n}"
                         for s, n in sorted(statuses.items()))
        flag = ""
        if c.want is not None and (not c.lowest <= statistics.median(msgs) <= c.predicted or
                                   statistics.median(calls) != c.predicted / 2):
            flag = " **!=**"
            odd.append(f"{c.endpoint}, {c.label}")
        elif c.want is not None and statistics.median(msgs) != c.predicted:
            flag = " (batched)"
        if c.want is not None and set(statuses) != {c.want}:
            flag += f" (wanted {c.want})"
            odd.append(f"{c.endpoint}, {c.label}: statuses {seen}")
        print(f"| {c.endpoint} | {c.label} | {spread(msgs, 2)}{flag} | "
              f"{predicted(c)} | {spread([r['bytes'] for r in rs], 1)}"
              f" | {spread([r['segments'] for r in rs], 2)} | {spread(calls, 2)} | {seen} |")
    print("\nrows outside the prediction (a range: calls to one peer at once may share a batch): "
          + ("; ".join(odd) if odd else "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/daemon/actorshop")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--requests", type=int, default=50, help="measured requests per row")
    ap.add_argument("--warmup", type=int, default=2, help="unmeasured requests before a row")
    ap.add_argument("--settle", type=float, default=0.2, help="seconds around a measured window")
    ap.add_argument("--time-limit", type=int, default=900, help="seconds; then stop and clean up")
    ap.add_argument("--keep", action="store_true", help="keep the nodes' files and logs")
    a = ap.parse_args()

    def stop(signum, _frame):
        raise SystemExit(f"stopped by signal {signum}: cleaning up")
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C, even started with &
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(a.time_limit)
    work = tempfile.mkdtemp(prefix="actorshop-cluster-wire.")
    try:
        runs = []
        for run in range(1, a.runs + 1):
            rows = one_run(a.bin, work, run, a.requests, a.warmup, a.settle)
            runs.append(rows)
            print(f"run {run}: " + json.dumps({f"{e} | {l}": r for (e, l), (_, r)
                                               in rows.items()}, default=str), flush=True)
        report(runs, a.requests)
    finally:
        signal.alarm(0)
        if a.keep:
            print(f"files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
