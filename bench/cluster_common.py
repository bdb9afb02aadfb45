"""Shared by the cluster scripts (bench/cluster_kill_load.py, tests/cluster/*.py): the placement
rule, a generated cluster file, the daemons as child processes, HTTP calls, the all-nodes audit
(`actorshop audit`) and the check of what the clients were told against the databases."""
import ctypes, json, os, shutil, signal, socket, sqlite3, subprocess, time, urllib.error
import urllib.request

M = (1 << 64) - 1
CUSTOMER, COUPON, STOCK, ORDER = 1, 2, 3, 4
SEED_COUPON = 4001
SEED_CUSTOMERS = range(1001, 3001)
SEED_STOCK = 100_000


def shard_of(kind, ident, shards):  # domain/placement.cpp: splitmix64((kind << 56) ^ id) % shards
    x = ((kind << 56) ^ ident) & M
    x = (x + 0x9E3779B97F4A7C15) & M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
    return (x ^ (x >> 31)) % shards


def free_port(_taken=set()):
    """A loopback port that is free now, from 20000-32000: below the kernel's ephemeral range
    (32768-60999), so another process's outgoing connection cannot take it before the daemon
    listens on it (a port handed out by bind(0) can). Never the same port twice per process."""
    import random
    while True:
        port = random.randint(20000, 32000)
        if port in _taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port


class Cluster:
    """N daemons, shard s on node s % N, one SQLite file each under `workdir`. `prefix(i)` is put
    before the daemon's command line (e.g. `ip netns exec NS`)."""

    def __init__(self, binary, workdir, hosts, http_ports, actor_ports, timeout_ms=1000,
                 shards=12, prefix=lambda i: [], step_deadline_ms=2000):
        self.binary, self.workdir, self.shards, self.prefix = binary, workdir, shards, prefix
        self.names = [chr(ord("a") + i) for i in range(len(hosts))]
        self.hosts, self.http_ports, self.actor_ports = hosts, http_ports, actor_ports
        self.timeout_ms, self.step_deadline_ms = timeout_ms, step_deadline_ms
        self.procs = [None] * len(hosts)
        self.cluster_file = os.path.join(workdir, "cluster.toml")
        with open(self.cluster_file, "w") as f:
            f.write(f"version = 1\nshards = {shards}\n"
                    f"heartbeat_interval_ms = {max(timeout_ms // 10, 10)}\n"
                    f"connection_timeout_ms = {timeout_ms}\n"
                    f"step_deadline_ms = {step_deadline_ms}\n")
            for i, n in enumerate(self.names):
                f.write(f'[[nodes]]\nname = "{n}"\nhost = "{hosts[i]}"\nhttp_port = {http_ports[i]}\n'
                        f"actor_port = {actor_ports[i]}\n")
            f.write("[assignments]\n" + "".join(
                f"{n} = {[s for s in range(shards) if s % len(hosts) == i]}\n"
                for i, n in enumerate(self.names)))

    def db(self, i):
        return os.path.join(self.workdir, self.names[i] + ".db")

    def owner(self, kind, ident):
        return shard_of(kind, ident, self.shards) % len(self.names)

    def customer_on(self, i, skip=0):
        return [c for c in SEED_CUSTOMERS if self.owner(CUSTOMER, c) == i][skip]

    def start(self, i):
        log = open(os.path.join(self.workdir, self.names[i] + ".log"), "ab")
        self.procs[i] = subprocess.Popen(
            self.prefix(i) + [self.binary, "--cluster-file", self.cluster_file, "--node",
                              self.names[i], "--port", str(self.http_ports[i]), "--listen",
                              self.hosts[i], "--db", self.db(i), "--seed", "--sync", "NORMAL"],
            stdout=log, stderr=log, preexec_fn=die_with_parent)

    def kill(self, i, sig=signal.SIGKILL, grace_s=30):
        """Signals node i and waits for it; a node that outlives `grace_s` is SIGKILLed (with its
        threads' stacks in its log when gdb is there) and reported with RuntimeError."""
        p, self.procs[i] = self.procs[i], None
        if not p or p.poll() is not None:
            return
        p.send_signal(sig)
        try:
            p.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            if shutil.which("gdb"):
                with open(os.path.join(self.workdir, self.names[i] + ".log"), "ab") as log:
                    subprocess.run(["gdb", "-p", str(p.pid), "-batch", "-ex",
                                    "thread apply all bt"], stdout=log, stderr=log, timeout=60)
            p.kill()
            p.wait()
            raise RuntimeError(f"node {self.names[i]} still ran {grace_s} s after signal {sig}")

    def stop_all(self, grace_s=30):
        """SIGTERM: each node finishes its writes and closes its database. Returns the nodes that
        did not stop within `grace_s` (SIGKILLed: their files are still whole, SQLite recovers)."""
        problems = []
        for i in range(len(self.names)):
            try:
                self.kill(i, signal.SIGTERM, grace_s)
            except RuntimeError as e:
                problems.append(str(e))
        return problems

    def kill_remaining(self):
        """SIGKILL every node still running (the end of a run that failed half way)."""
        for p in self.procs:
            if p:
                p.kill()
                p.wait()
        self.procs = [None] * len(self.procs)

    def url(self, i, path):
        return f"http://{self.hosts[i]}:{self.http_ports[i]}{path}"

    def wait_linked(self, deadline_s=30, via=None):
        """Until every running node (or those in `via`) answers for every node's customer."""
        end = time.monotonic() + deadline_s
        nodes = [i for i in range(len(self.names)) if self.procs[i]] if via is None else via
        for i in nodes:
            for j in range(len(self.names)):
                path = f"/balances/{self.customer_on(j)}"
                while call(self.url(i, path))[0] != 200:
                    if time.monotonic() > end:
                        raise RuntimeError(f"node {self.names[i]} never reached {self.names[j]}")
                    time.sleep(0.02)

    def open_sagas(self, i):
        """Saga log rows not closed in node i's database (read-only: the node may run)."""
        return len(self.open_saga_ids(i))

    def open_saga_ids(self, i):
        """The orders whose saga log row is not closed in node i's database."""
        with sqlite3.connect(f"file:{self.db(i)}?mode=ro", uri=True, timeout=10) as d:
            return {oid for (oid,) in d.execute(
                "SELECT order_id FROM saga_log WHERE phase <> 'done'")}

    def audit(self, stock_initial=SEED_STOCK):
        """`actorshop audit` over every node's file; returns (ok, output)."""
        r = subprocess.run([self.binary, "audit", "--cluster-file", self.cluster_file, "--db",
                            ",".join(self.db(i) for i in range(len(self.names))),
                            "--stock-initial", str(stock_initial)],
                           capture_output=True, text=True, timeout=120)
        return r.returncode == 0, (r.stdout + r.stderr).strip()


def die_with_parent():
    """The daemons die with this script even if it is SIGKILLed (prctl PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def call(url, method="GET", body=None, timeout=10):
    """Returns (status, parsed JSON or text); status 0 when the transport failed."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return 0, str(e)


class Ledger:
    """What the clients were told: every charge (a unique amount, so its history row is found
    exactly) and every coupon issue, with the answer. 2xx is acknowledged; a 409 is a refusal;
    anything else (503, 504, 0) is uncertain: at most once, never twice."""

    def __init__(self):
        self.holders = None  # coupon holders found by check()
        self.charges = []  # (customer, amount, status)
        self.issues = {}  # customer -> list of (status, body)

    def check(self, cluster):
        """Returns a list of problems: an acknowledged effect missing, any effect twice, an effect
        nobody asked for, a coupon beyond its count."""
        problems = []
        dbs = [sqlite3.connect(f"file:{cluster.db(i)}?mode=ro", uri=True)
               for i in range(len(cluster.names))]
        rows = {}  # (customer, amount) -> count over all nodes
        for d in dbs:
            for c, a, n in d.execute("SELECT customer_id, change_amount, COUNT(*) FROM "
                                     "balance_history WHERE change_type = 'CHARGE' GROUP BY 1, 2"):
                rows[(c, a)] = rows.get((c, a), 0) + n
        asked = {}
        for c, a, status in self.charges:
            asked.setdefault((c, a), []).append(status)
        for (c, a), statuses in asked.items():
            n = rows.get((c, a), 0)
            if any(200 <= s < 300 for s in statuses) and n == 0:
                problems.append(f"charge {a} to customer {c} acknowledged but not in any database")
            if n > 1:
                problems.append(f"charge {a} to customer {c} applied {n} times")
        for key, n in rows.items():
            if key not in asked:
                problems.append(f"charge {key[1]} to customer {key[0]}: {n} rows nobody asked for")
        holders = {}
        for d in dbs:
            for (c,) in d.execute("SELECT customer_id FROM customer_coupon WHERE coupon_id = ?",
                                  (SEED_COUPON,)):
                holders[c] = holders.get(c, 0) + 1
        for c, answers in self.issues.items():
            got = any(s == 201 for s, _ in answers) or any(
                s == 409 and "COUPON_ALREADY_ISSUED" in b for s, b in answers)
            if got and c not in holders:
                problems.append(f"coupon issued to customer {c} (acknowledged) but not held")
        for c, n in holders.items():
            if n > 1:
                problems.append(f"customer {c} holds the coupon {n} times")
            if c not in self.issues:
                problems.append(f"customer {c} holds the coupon without asking")
        self.holders = len(holders)
        if len(holders) > 1000:
            problems.append(f"{len(holders)} holders of a 1,000-coupon issue")
        for d in dbs:
            d.close()
        return problems

    def summary(self):
        acked = sum(1 for _, _, s in self.charges if 200 <= s < 300)
        unsure = sum(1 for _, _, s in self.charges if not (200 <= s < 300 or s == 409))
        issued = sum(1 for a in self.issues.values() if any(s == 201 for s, _ in a))
        held = "" if self.holders is None else f", {self.holders} hold the coupon"
        return (f"{len(self.charges)} charges ({acked} acknowledged, {unsure} uncertain), "
                f"{len(self.issues)} issuers ({issued} got 201{held})")


class OrderLedger:
    """What the clients of the order-payment profile were told: every POST /orders (customer,
    answer, order id if 201) and every POST /payments by order id. 201 is acknowledged; 409 a
    refusal; anything else (503, 504, 0) uncertain: it may have been applied, once at most."""

    def __init__(self):
        self.orders = []  # (customer, status, order id or None)
        self.payments = {}  # order id -> list of (status, payment id or None)

    def check(self, cluster):
        """Returns a list of problems: an acknowledged order or payment missing, an order on two
        nodes or paid twice, a PAID order without its payment, orders nobody was told about
        beyond the uncertain answers."""
        problems, orders, paid = [], {}, {}
        for i in range(len(cluster.names)):
            with sqlite3.connect(f"file:{cluster.db(i)}?mode=ro", uri=True) as d:
                for oid, customer, status in d.execute(
                        "SELECT id, customer_id, status FROM orders"):
                    if oid in orders:
                        problems.append(f"order {oid} is on two nodes")
                    orders[oid] = (customer, status)
                for pid, oid in d.execute("SELECT id, order_id FROM payment"):
                    paid.setdefault(oid, []).append(pid)
        acked = {}
        for customer, status, oid in self.orders:
            if status == 201:
                acked[oid] = customer
                if oid not in orders:
                    problems.append(f"order {oid} acknowledged (201) but in no database")
                elif orders[oid][0] != customer:
                    problems.append(f"order {oid} belongs to {orders[oid][0]}, not {customer}")
        uncertain = sum(1 for _, s, _ in self.orders if s not in (201, 409))
        strays = [o for o in orders if o not in acked]
        if len(strays) > uncertain:
            problems.append(f"{len(strays)} orders nobody was told about, only {uncertain} "
                            "uncertain answers")
        for oid, answers in self.payments.items():
            for status, pid in answers:
                if status == 201 and pid not in paid.get(oid, []):
                    problems.append(f"payment {pid} of order {oid} acknowledged but not stored")
        for oid, pids in paid.items():
            if len(pids) > 1:
                problems.append(f"order {oid} paid {len(pids)} times: payments {pids}")
            if oid not in self.payments:
                problems.append(f"order {oid} paid without anyone paying it")
            if orders.get(oid, (0, ""))[1] != "PAID":
                problems.append(f"order {oid} has a payment but is {orders.get(oid)}")
        for oid, (_, status) in orders.items():
            if status == "PAID" and oid not in paid:
                problems.append(f"order {oid} is PAID without a payment row")
        self.stored = (len(orders), sum(1 for o in orders.values() if o[1] == "PAID"))
        return problems

    def summary(self):
        created = sum(1 for _, s, _ in self.orders if s == 201)
        paid = sum(1 for a in self.payments.values() if any(s == 201 for s, _ in a))
        unsure = sum(1 for a in self.payments.values() if not any(s in (201, 409) for s, _ in a))
        stored = getattr(self, "stored", None)
        tail = "" if stored is None else (
            f"; stored: {stored[0]} orders ({stored[0] - created} without a 201: applied, the "
            f"answer lost), {stored[1]} PAID")
        return (f"{len(self.orders)} orders ({created} got 201), {len(self.payments)} paid for "
                f"({paid} got 201, {unsure} never answered){tail}")
