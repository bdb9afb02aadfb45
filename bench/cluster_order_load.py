"""The order-payment profile (spec section 5) over a cluster, shared by bench/cluster_kill_load.py
(a node killed) and tests/cluster/netns_partition.py (a node cut off): client threads creating
and paying orders across nodes, with every answer recorded in an OrderLedger and classed against
the outage: does the request need a node on the other side of it?"""
import http.client, json, random, threading, time

from cluster_common import CUSTOMER, STOCK, OrderLedger


def request(cluster, conn_box, node, method, path, body):
    """One request on a thread's connection; a transport failure is status 0 (uncertain: it may
    have been applied) and is never retried here (a retry could apply it twice); a refused
    connection (the node is down: nothing was sent) is status -1."""
    try:
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(cluster.hosts[node], cluster.http_ports[node],
                                                     timeout=10)
        conn_box[0].request(method, path, json.dumps(body), {"content-type": "application/json"})
        r = conn_box[0].getresponse()
        return r.status, r.read().decode()
    except ConnectionRefusedError as e:
        conn_box[0] = None
        return -1, str(e)
    except (OSError, http.client.HTTPException) as e:
        conn_box[0] = None
        return 0, str(e)


def refused(status, body):
    return status == 503 and "SHARD_UNAVAILABLE" in body


class OrderLoad:
    """Thread t is VU t+1 with one keep-alive connection to node t % 3 (`enter(t)` runs first on
    the thread: a network namespace to send from). Each loops: POST /orders for customer
    1001 + ((VU-1)*100 + ITER) % 2000 with (p1, option S, 1) and (p2, option M, 1) of two random
    products, then POST /payments through the same node.

    An outage is `split(sides)`: the sets of nodes that still reach each other (a node in none is
    down). From then until `heal()` a request is *across* when a node it needs (the one it was
    sent to, the customer's, i.e. the order's, and the two stock rows') is not on the side of the
    node it was sent to, else *within*; from `detected` on (the script's probe saw the outage),
    within requests must be served (2xx, or a 409 refusal) and across ones are counted by status
    (`wrong_across`: those begun after detection that got neither a 503 SHARD_UNAVAILABLE nor a
    refused connection, and any 2xx begun after `mark_cut()`). After `heal()` the requests that
    spanned the sides are counted in `after_heal`, and from `mark_served()` on they must be served
    (`after_heal_failed`). Payments without an answer are paid again once `retrying` is set."""

    def __init__(self, cluster, threads, seed, enter=lambda t: None):
        self.cluster, self.ledger, self.lock = cluster, OrderLedger(), threading.Lock()
        self.enter = enter
        self.stop, self.threads = threading.Event(), []
        self.ok = 0
        self.retry = []  # (order id, nodes, owner) of payments without an answer
        self.retrying = False
        self.sides = None  # the outage's sides while it lasts
        self.spanned = None  # the last outage's sides, to class requests after the heal
        self.began = None  # monotonic time of split()
        self.cut = None  # monotonic time the outage was in place (mark_cut())
        self.detected = None  # monotonic time the script saw the outage
        self.healed = None  # monotonic time of heal()
        self.within_ok = 0  # 2xx on within requests, from detection to the heal
        self.within_ok_via = {}  # the same by the node they were sent to
        self.within_failed = []  # within requests answered neither 2xx nor 409, idem
        self.across = {}  # status -> count, across requests during the outage
        self.refused_via = {}  # across requests refused with 503 after detection, by node
        self.wrong_across = []  # across requests begun after detection, not refused with 503
        self.after_heal = {}  # status -> count, requests begun after the heal that span the sides
        self.served_from = None  # monotonic time from which such requests must be served
        self.after_heal_failed = []  # those begun after it, answered neither 2xx nor 409
        self.first_refusal = None  # seconds from split() to the load's first SHARD_UNAVAILABLE
        self.refusal_ms = {"direct": [], "saga step": []}  # how long a 503 across took
        for t in range(threads):
            self.threads.append(threading.Thread(target=self.run, args=(t, seed + t), daemon=True))

    def start(self):
        for th in self.threads:
            th.start()

    def finish(self, seconds=30):
        self.stop.set()
        for th in self.threads:
            th.join(timeout=seconds)

    def split(self, sides):
        with self.lock:
            self.sides, self.spanned, self.began = [set(s) for s in sides], None, time.monotonic()
            self.cut = self.detected = None

    def mark_cut(self):
        """The outage is in place (split() comes before it): from now on no request across it
        can be served."""
        with self.lock:
            self.cut = time.monotonic()

    def mark_detected(self):
        with self.lock:
            self.detected = time.monotonic()

    def heal(self):
        with self.lock:
            self.spanned, self.sides, self.healed = self.sides, None, time.monotonic()

    def mark_served(self):
        """From now on every request that spans the healed sides must be served."""
        with self.lock:
            self.served_from = time.monotonic()

    @staticmethod
    def side_of(sides, via):
        return next((s for s in sides if via in s), set())

    def nodes_of(self, via, customer, options):
        c = self.cluster
        return {via, c.owner(CUSTOMER, customer)} | {c.owner(STOCK, o) for o in options}

    def note(self, via, nodes, owner, what, status, body, began):
        """Counts an answer against the outage, under the lock. A request is *direct* when its
        own entity (the customer, the order) is across: refused at once; else only a stock row
        a saga step goes to is: refused once the step gives up and its compensation is sent."""
        took = time.monotonic() - began
        if 200 <= status < 300:
            self.ok += 1
        if self.sides is None:
            if self.spanned and began >= self.healed and not nodes <= self.side_of(self.spanned,
                                                                                   via):
                self.after_heal[status] = self.after_heal.get(status, 0) + 1
                if (self.served_from is not None and began >= self.served_from
                        and not (200 <= status < 300 or status == 409)):
                    self.after_heal_failed.append(f"{what} via {self.cluster.names[via]}: "
                                                  f"{status} {body[:120]}")
            return
        side = self.side_of(self.sides, via)
        if not nodes <= side:
            self.across[status] = self.across.get(status, 0) + 1
            if refused(status, body):
                if self.first_refusal is None:
                    self.first_refusal = time.monotonic() - self.began
                if self.detected is not None:
                    self.refusal_ms["saga step" if owner in side else "direct"].append(took * 1000)
                    self.refused_via[via] = self.refused_via.get(via, 0) + 1
            elif (self.detected is not None and began >= self.detected and status != -1) or (
                    200 <= status < 300 and self.cut is not None and began >= self.cut):
                self.wrong_across.append(f"{what} via {self.cluster.names[via]}: {status} "
                                         f"{body[:120]}")
        elif self.detected is not None:
            if 200 <= status < 300:
                self.within_ok += 1
                self.within_ok_via[via] = self.within_ok_via.get(via, 0) + 1
            elif status != 409:
                self.within_failed.append(f"{what} via {self.cluster.names[via]}: {status} "
                                          f"{body[:120]}")

    def pay(self, conn, via, order_id, nodes, owner):
        began = time.monotonic()
        status, body = request(self.cluster, conn, via, "POST", "/payments", {"orderId": order_id})
        pid = json.loads(body).get("paymentId") if status == 201 else None
        with self.lock:
            self.ledger.payments.setdefault(order_id, []).append((status, pid))
            if status not in (201, 409):
                self.retry.append((order_id, nodes, owner))
            self.note(via, nodes, owner, f"payment of order {order_id}", status, body, began)
        return status

    def run(self, t, seed):
        self.enter(t)
        rng, via, conn, vu, it = random.Random(seed), t % 3, [None], t + 1, 0
        while not self.stop.is_set():
            with self.lock:
                again = self.retry.pop() if self.retrying and self.retry else None
            if again is not None:
                if self.pay(conn, via, *again) in (-1, 0, 503):
                    time.sleep(0.02)  # still no answer: do not spin
                continue
            customer = 1001 + ((vu - 1) * 100 + it) % 2000
            it += 1
            p1, p2 = rng.randint(5001, 5020), rng.randint(5001, 5020)
            s_of_p1, m_of_p2 = 6001 + 3 * (p1 - 5001), 6001 + 3 * (p2 - 5001) + 1
            nodes = self.nodes_of(via, customer, (s_of_p1, m_of_p2))
            items = [{"productId": p1, "productOptionId": s_of_p1, "quantity": 1},
                     {"productId": p2, "productOptionId": m_of_p2, "quantity": 1}]
            owner = self.cluster.owner(CUSTOMER, customer)  # the order's node too
            began = time.monotonic()
            status, body = request(self.cluster, conn, via, "POST", "/orders",
                                   {"customerId": customer, "items": items})
            oid = json.loads(body).get("orderId") if status == 201 else None
            with self.lock:
                if status != -1:  # a refused connection sent nothing
                    self.ledger.orders.append((customer, status, oid))
                self.note(via, nodes, owner, f"order of customer {customer}", status, body, began)
            if oid is not None:
                status = self.pay(conn, via, oid, nodes, owner)
            if status in (-1, 0, 503):
                time.sleep(0.02)  # a node is down: do not spin

    def wait(self, state, seconds):
        """Polls `state` (under the lock) every 10 ms for at most `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with self.lock:
                if state():
                    return True
            time.sleep(0.01)
        return False
