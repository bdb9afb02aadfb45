#!/usr/bin/env python3
"""A network partition of one node of three, with network namespaces (ctest label `cluster`).

Each node runs in a namespace of its own with one veth, whose other end is on a bridge in a hub
namespace (where this script sends its requests from); nothing is added to the host's own
network. The script cuts node b's veth (`ip link set ... down`: no FIN, no RST, the packets just
vanish, as with a pulled cable), checks that a and c answer 503 SHARD_UNAVAILABLE for b's shards
within the connection timeout while serving their own, that b answers 503 for theirs, heals the
link, checks that everyone is served again, cuts it again and stops the nodes during that cut
(each must stop within the grace), then runs the all-nodes audit (`actorshop audit`) and the
check of every acknowledged charge and coupon against the databases.

--profile order-payment (issue 13 items 4 and 5): instead, client threads create and pay orders
across nodes (bench/cluster_order_load.py: thread t on node t % 3, sending from inside that
node's namespace, so b's clients still reach b during the cut) while b is cut for --hold-s at
least after every node saw it. Checked: every node (b too) answers 503 SHARD_UNAVAILABLE for the
other side's shards within the bound; nothing across the cut is served once it is in place, and
everything across it begun after the detection is refused with 503; everything within a side is
served; after the heal the nodes link again, the saga log rows open at the heal (compensations
waiting for the other side) close, every unanswered payment is answered when asked again and
requests across the old cut are served; then SIGTERM, the audit (its step invariants too: a step
applied on the far side whose answer the cut lost is compensated there once) and OrderLedger (every
acknowledged order and payment stored exactly once). It prints how many sagas had every step
applied yet compensated (the lost-answer case) and the tombstones.

  tests/cluster/netns_partition.py BIN [--timeout-ms 1000] [--runs N]
                                       [--profile issue-charge|order-payment] [--threads 9]
                                       [--hold-s 3]

Exit 0 passed, 1 failed, 77 skipped (no root or `ip netns` not permitted: the reason is printed).
Bounded: the whole run is aborted after --limit seconds; the namespaces and the daemons are
removed on every exit path (and stale ones of a killed run are removed at the next start).
"""
import argparse, ctypes, os, re, signal, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from cluster_common import COUPON, SEED_COUPON, Cluster, Ledger, call  # noqa: E402
from cluster_order_load import OrderLoad, refused  # noqa: E402

SKIP = 77
PREFIX = "asp"  # namespaces are asp<pid>-hub, asp<pid>-a ...
SUBNET = "10.77.0"
CLONE_NEWNET = 0x40000000


def ip(*args, check=True):
    r = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {r.stderr.strip()}")
    return r


def remove_namespace(ns):
    pids = ip("netns", "pids", ns, check=False).stdout.split()
    for pid in pids:
        if pid == str(os.getpid()):  # this script, which sends its requests from the hub
            continue
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    ip("netns", "del", ns, check=False)


def alive(pid):
    """Whether process `pid` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def remove_stale_namespaces():
    """Namespaces of an earlier run that was killed before it could clean up."""
    for line in ip("netns", "list", check=False).stdout.splitlines():
        m = re.match(rf"({PREFIX}(\d+)-\w+)", line)
        if m and not alive(m.group(2)):
            remove_namespace(m.group(1))


def can_use_netns():
    if os.geteuid() != 0:
        return "needs root (ip netns add)"
    probe = f"{PREFIX}{os.getpid()}-probe"
    r = ip("netns", "add", probe, check=False)
    if r.returncode != 0:
        return f"`ip netns add` is not permitted here: {r.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return None


class Namespaces:
    """A hub namespace with a bridge (10.77.0.254) and one namespace per node, each with one veth
    (10.77.0.1, .2, ...) whose peer vhN sits on the hub's bridge."""

    def __init__(self, count):
        self.hub = f"{PREFIX}{os.getpid()}-hub"
        self.nodes = [f"{PREFIX}{os.getpid()}-{chr(ord('a') + i)}" for i in range(count)]
        self.created = []

    def create(self):
        for ns in [self.hub] + self.nodes:
            ip("netns", "add", ns)
            self.created.append(ns)
            ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
        ip("-n", self.hub, "addr", "add", f"{SUBNET}.254/24", "dev", "br0")
        ip("-n", self.hub, "link", "set", "br0", "up")
        for i, ns in enumerate(self.nodes):
            ip("-n", self.hub, "link", "add", f"vh{i}", "type", "veth", "peer", "name", "eth0",
               "netns", ns)
            ip("-n", self.hub, "link", "set", f"vh{i}", "master", "br0", "up")
            ip("-n", ns, "addr", "add", f"{SUBNET}.{i + 1}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")

    def address(self, i):
        return f"{SUBNET}.{i + 1}"

    def cut(self, i, up=False):
        ip("-n", self.hub, "link", "set", f"vh{i}", "up" if up else "down")

    def enter_hub(self):
        """This process's requests go out from the hub (setns on the only thread)."""
        self.enter(self.hub)

    @staticmethod
    def enter(ns):
        """The calling thread's sockets from now on are in `ns` (a thread started later by it
        starts there too)."""
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")
        finally:
            os.close(fd)

    def remove(self):
        for ns in reversed(self.created):
            remove_namespace(ns)


def curl_in(ns, url):
    """A GET from inside `ns` (the partitioned side): (status, body)."""
    r = subprocess.run(["ip", "netns", "exec", ns, "curl", "-s", "-m", "10", "-w", "\n%{http_code}",
                        url], capture_output=True, text=True, timeout=30)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def wait_for(what, predicate, seconds):
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.02)


def charge(cluster, ledger, via, customer, amount):
    status, body = call(cluster.url(via, "/balances/charge"), "PATCH",
                        {"customerId": customer, "amount": amount})
    ledger.charges.append((customer, amount, status))
    return status, body


def issue(cluster, ledger, via, customer):
    status, body = call(cluster.url(via, "/coupons/issue"), "POST",
                        {"couponId": SEED_COUPON, "customerId": customer})
    ledger.issues.setdefault(customer, []).append((status, body))
    return status, body


def cut_until_relinking_fails(cluster, spaces, victim):
    """Cuts `victim` off and waits until every node's attempt to relink across the cut has given
    up (each down period logs "unreachable" once). A node stopped then must not wait for that
    connect: it once did, for minutes (CAF's middleman actor sat in a blocking connect())."""
    pairs = [(0, victim), (2, victim), (victim, 0)]
    vain = {(i, p): re.compile(rf"node '{cluster.names[p]}' at \S+ is unreachable")
            for i, p in pairs}
    before = {k: len(r.findall(log_of(cluster, k[0]))) for k, r in vain.items()}
    spaces.cut(victim)
    for (i, peer), r in vain.items():
        wait_for(f"node {cluster.names[i]} to try to relink to {cluster.names[peer]} in vain",
                 lambda: len(r.findall(log_of(cluster, i))) > before[(i, peer)], 30)


def log_of(cluster, i):
    with open(os.path.join(cluster.workdir, cluster.names[i] + ".log"), errors="replace") as f:
        return f.read()


def stop_and_audit(cluster, ledger, report):
    """SIGTERM to every node, then the all-nodes audit and the ledger's check; returns the
    problems. Every node must drain and stop within the grace (a hang is a failure: a node once
    hung here after a remote request had activated one of its customers)."""
    report["stop"] = cluster.stop_all(grace_s=10)
    problems = list(report["stop"])
    ok, report["audit"] = cluster.audit()
    if not ok:
        problems.append("actorshop audit failed:\n" + report["audit"])
    problems += ledger.check(cluster)
    report["ledger"] = ledger.summary()
    return problems


def scenario(cluster, spaces, timeout_ms, report):
    ledger, victim, others = Ledger(), 1, [0, 2]
    amount = iter(range(1000, 10**9))  # every charge a distinct amount
    lost_customer = cluster.customer_on(victim)
    lost = f"/balances/{lost_customer}"
    for i in range(3):  # before: the whole API through every node
        for j in range(3):
            assert charge(cluster, ledger, i, cluster.customer_on(j), next(amount))[0] == 200
        assert issue(cluster, ledger, i, cluster.customer_on(i, 5))[0] == 201

    spaces.cut(victim)
    cut_at = time.monotonic()
    detection = {}
    for via in others:
        def unavailable():
            status, body = call(cluster.url(via, lost))
            return status == 503 and "SHARD_UNAVAILABLE" in body
        wait_for(f"node {cluster.names[via]} to answer 503 for b's shards", unavailable, 30)
        detection[cluster.names[via]] = time.monotonic() - cut_at
    report["detection_ms"] = {k: round(v * 1000) for k, v in detection.items()}
    bound = 3 * timeout_ms / 1000 + 2  # generous: a loaded host delays heartbeats a little
    for name, secs in detection.items():
        assert secs <= bound, f"node {name} took {secs:.2f} s to see the partition (> {bound} s)"

    coupon_on_victim = cluster.owner(COUPON, SEED_COUPON) == victim
    for via in others:  # the rest is served, b's shards are refused
        status, body = charge(cluster, ledger, via, lost_customer, next(amount))
        assert status == 503 and "SHARD_UNAVAILABLE" in body, (status, body)
        for j in others:
            assert charge(cluster, ledger, via, cluster.customer_on(j, 1), next(amount))[0] == 200
        status, body = issue(cluster, ledger, via, cluster.customer_on(via, 6))
        assert status == (503 if coupon_on_victim else 201), (status, body)
    # b itself sees a and c gone: 503 for their shards, its own still served inside its namespace.
    b_ns = spaces.nodes[victim]
    wait_for("node b to answer 503 for a's shards", lambda: curl_in(
        b_ns, cluster.url(victim, f"/balances/{cluster.customer_on(0)}"))[0] == 503, 30)
    assert curl_in(b_ns, cluster.url(victim, lost))[0] == 200

    spaces.cut(victim, up=True)
    healed_at = time.monotonic()
    for via in others:
        wait_for(f"node {cluster.names[via]} to serve b's shards again",
                 lambda: call(cluster.url(via, lost))[0] == 200, 60)
    wait_for("node b to serve a's shards again", lambda: curl_in(
        b_ns, cluster.url(victim, f"/balances/{cluster.customer_on(0)}"))[0] == 200, 60)
    report["recovery_ms"] = round((time.monotonic() - healed_at) * 1000)
    for via in range(3):
        assert charge(cluster, ledger, via, lost_customer, next(amount))[0] == 200
        assert issue(cluster, ledger, via, cluster.customer_on(via, 7))[0] == 201

    cut_until_relinking_fails(cluster, spaces, victim)  # the nodes are stopped during this cut
    problems = stop_and_audit(cluster, ledger, report)
    assert not problems, "\n".join(problems + [f"({report['ledger']}; audit: {report['audit']})"])


def probe_detection(cluster, spaces, sides, cut_at, seconds):
    """From inside each node's namespace, asks it for a customer of every node across the cut
    until each is refused with 503 SHARD_UNAVAILABLE; returns {node: ms from the cut to the last
    of its first refusals} (a node missing timed out)."""
    seen = {}

    def probe(i):
        spaces.enter(spaces.nodes[i])
        far = {f"/balances/{cluster.customer_on(j)}" for j in range(3)
               if j not in OrderLoad.side_of(sides, i)}
        end = time.monotonic() + seconds
        while far and time.monotonic() < end:
            far = {p for p in far if not refused(*call(cluster.url(i, p)))}
            if far:
                time.sleep(0.02)
        if not far:
            seen[cluster.names[i]] = round((time.monotonic() - cut_at) * 1000)

    threads = [threading.Thread(target=probe, args=(i,), daemon=True) for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(seconds + 15)
    return seen


UNDOES = {"release": "reserve", "unsell": "sell", "unuse": "use"}  # a step id's middle part


def lost_answers(cluster):
    """From every node's applied_step: sagas (an order's reservations, a payment attempt's coupon
    use and sales) whose every step applied at its owner and that compensated all the same: the
    saga did not hear every answer (lost in the cut, or given up when the link dropped: what the
    step ids are for; a payment's debit refused would count too, and this load has none), and
    tombstones (a compensation that arrived where its step never had)."""
    rows = {}
    for i in range(3):
        with sqlite3.connect(f"file:{cluster.db(i)}?mode=ro", uri=True) as d:
            rows.update({sid: (outcome, kind) for sid, outcome, kind in d.execute(
                "SELECT step_id, outcome, kind FROM applied_step")})
    undone = {}  # saga prefix (ORDER or ORDER.ATTEMPT) -> the step ids it compensated
    for sid in rows:
        prefix, what, *line = sid.split(":")
        if what in UNDOES:
            undone.setdefault(prefix, []).append(":".join([prefix, UNDOES[what], *line]))
    applied_all = sum(1 for steps in undone.values() if all(
        rows.get(s, (1, "aborted"))[0] == 0 and rows[s][1] != "aborted" for s in steps))
    tombstones = sum(1 for _, kind in rows.values() if kind == "aborted")
    return applied_all, tombstones


def order_outage(cluster, spaces, a, load, report):
    """The cut under load, checked until the heal; returns the cut's sides."""
    victim = 1
    sides = [{0, 2}, {victim}]
    assert load.wait(lambda: load.ok >= 100, 60), f"the load never got going ({load.ok} 2xx)"
    load.split(sides)
    spaces.cut(victim)
    cut_at = time.monotonic()
    load.mark_cut()
    report["detection_ms"] = probe_detection(cluster, spaces, sides, cut_at, 30)
    load.mark_detected()
    assert len(report["detection_ms"]) == 3, f"not every node saw the cut: {report['detection_ms']}"
    bound = 3 * a.timeout_ms + 2000  # generous: a loaded host delays heartbeats a little
    slow = {n: ms for n, ms in report["detection_ms"].items() if ms > bound}
    assert not slow, f"nodes saw the cut after more than {bound} ms: {slow}"
    # Both sides keep serving their own; b refuses what needs a or c, they what needs b. The cut
    # lasts --hold-s at least (by default beyond the step deadline, so that steps sent before it
    # was seen pass their deadline inside it).
    hold_until = time.monotonic() + a.hold_s
    enough = load.wait(lambda: load.within_ok_via.get(0, 0) + load.within_ok_via.get(2, 0) >= 20
                       and load.refused_via.get(victim, 0) >= 1
                       and load.refused_via.get(0, 0) + load.refused_via.get(2, 0) >= 1
                       and time.monotonic() >= hold_until, a.hold_s + 30)
    with load.lock:
        assert enough, (f"in {a.hold_s + 30} s of the cut: {load.within_ok_via} 2xx within a "
                        f"side by node, {load.refused_via} 503 across it by node")
        assert not load.within_failed, "served side failed:\n" + "\n".join(load.within_failed)
        assert not load.wrong_across, "not refused:\n" + "\n".join(load.wrong_across)
    report["open_at_heal"] = {i: cluster.open_saga_ids(i) for i in range(3)}
    return sides


def order_heal(cluster, spaces, load, report):
    """Heals the cut: links, then the sagas it left open, then everything served."""
    spaces.cut(1, up=True)
    load.heal()
    healed_at = time.monotonic()
    cluster.wait_linked(60)
    report["relinked_ms"] = round((time.monotonic() - healed_at) * 1000)
    opened = report["open_at_heal"]
    wait_for("the sagas the cut left open to close", lambda: not any(
        opened[i] & cluster.open_saga_ids(i) for i in range(3)), 60)
    report["closed_ms"] = round((time.monotonic() - healed_at) * 1000)
    load.mark_served()
    with load.lock:
        load.retrying = True
    served = load.wait(lambda: not load.retry and load.after_heal.get(201, 0) >= 20, 60)
    with load.lock:
        assert served, (f"after the heal: {len(load.retry)} payments unanswered, requests across "
                        f"the old cut answered {load.after_heal}")
        assert not load.after_heal_failed, "not served after the heal:\n" + "\n".join(
            load.after_heal_failed)


def order_scenario(cluster, spaces, a, seed, report):
    """The order-payment profile: thread t creates and pays orders through node t % 3 from inside
    its namespace; node b is cut off and healed under that load."""
    load = OrderLoad(cluster, a.threads, seed, enter=lambda t: spaces.enter(spaces.nodes[t % 3]))
    load.start()
    try:
        order_outage(cluster, spaces, a, load, report)
        order_heal(cluster, spaces, load, report)
    finally:
        load.finish()
    wait_for("every saga log row to close", lambda: not any(
        cluster.open_saga_ids(i) for i in range(3)), 30)
    problems = stop_and_audit(cluster, load.ledger, report)
    report["lost_answers"] = lost_answers(cluster)
    report["counts"] = {"within": load.within_ok_via, "across": dict(sorted(load.across.items())),
                        "after heal": dict(sorted(load.after_heal.items())),
                        "refusal": {k: spread(v) for k, v in load.refusal_ms.items()}}
    report["open_at_heal"] = {cluster.names[i]: len(s) for i, s in report["open_at_heal"].items()}
    assert not problems, "\n".join(problems + [f"({report['ledger']}; audit: {report['audit']})"])


def one_run(a, seed):
    """One partition run in fresh namespaces; returns (exit code, report)."""
    spaces = Namespaces(3)
    report, cluster = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        d = a.workdir or tmp
        os.makedirs(d, exist_ok=True)
        try:
            spaces.create()
            cluster = Cluster(a.binary, d, [spaces.address(i) for i in range(3)], [8080] * 3,
                              [9090] * 3, timeout_ms=a.timeout_ms,
                              prefix=lambda i: ["ip", "netns", "exec", spaces.nodes[i]])
            for i in range(3):
                cluster.start(i)
            spaces.enter_hub()
            cluster.wait_linked()
            if a.profile == "order-payment":
                order_scenario(cluster, spaces, a, seed, report)
                print(f"PASS: {order_line(cluster, a, report)}", flush=True)
            else:
                scenario(cluster, spaces, a.timeout_ms, report)
                print(f"PASS: partition of node b: detected by a and c after "
                      f"{report['detection_ms']} ms (connection_timeout {a.timeout_ms} ms), "
                      f"healed in {report['recovery_ms']} ms; {report['ledger']}; "
                      f"{report['audit']}", flush=True)
            return 0, report
        except (AssertionError, RuntimeError, TimeoutError) as e:
            print(f"FAIL: {e}", flush=True)
            for name in "abc":
                log = os.path.join(d, name + ".log")
                if os.path.exists(log):
                    print(f"--- node {name} log (last lines)")
                    print("".join(open(log, errors="replace").readlines()[-15:]))
            return 1, report
        finally:
            for p in cluster.procs if cluster else []:
                if p and p.poll() is None:
                    p.kill()
                    p.wait()
            spaces.remove()


def order_line(cluster, a, report):
    c = report["counts"]
    within = {cluster.names[i]: n for i, n in sorted(c["within"].items())}
    lost, tombstones = report["lost_answers"]
    return (f"partition of node b under the order-payment profile ({a.threads} threads): every "
            f"node saw the cut after {report['detection_ms']} ms (connection_timeout "
            f"{a.timeout_ms} ms); during it 2xx within a side by node {within}, requests across "
            f"it answered {c['across']} (a 503 took {c['refusal']}); after the heal linked in "
            f"{report['relinked_ms']} ms, the sagas left open {report['open_at_heal']} closed "
            f"{report['closed_ms']} ms after it, requests across the old cut answered "
            f"{c['after heal']}; {lost} sagas had every step applied and compensated all the "
            f"same (an answer lost), {tombstones} tombstones; {report['ledger']}; "
            f"{report['audit']}")


def spread(xs):
    """median [min..max] of `xs` (ms), or 'none'."""
    if not xs:
        return "none"
    xs = sorted(xs)
    return f"median {xs[len(xs) // 2]:.0f} ms [{xs[0]:.0f}..{xs[-1]:.0f}]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--timeout-ms", type=int, default=1000)
    ap.add_argument("--profile", choices=["issue-charge", "order-payment"],
                    default="issue-charge", help="the load during the cut")
    ap.add_argument("--threads", type=int, default=9, help="order-payment: client threads")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hold-s", type=float, default=3,
                    help="order-payment: the cut lasts this long at least after it was seen")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=150, help="abort after this many s per run")
    ap.add_argument("--workdir", help="keep the nodes' files and logs here (default: a temp dir)")
    a = ap.parse_args()
    reason = can_use_netns()
    if reason:
        print(f"SKIP: network namespaces unavailable: {reason}")
        return SKIP
    remove_stale_namespaces()

    def abort(signum, _frame):
        raise TimeoutError(f"aborted by signal {signum} (limit {a.limit} s per run)")
    signal.signal(signal.SIGALRM, abort)
    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGINT, abort)
    reports = []
    for r in range(a.runs):
        signal.alarm(a.limit)
        try:
            code, report = one_run(a, a.seed + 100 * r)
        finally:
            signal.alarm(0)
        if code:
            return code
        reports.append(report)
    if a.runs > 1:
        print(summary(a, reports))
    return 0


def summary(a, reports):
    """The figures over the runs: median [min..max]."""
    detections = [ms for r in reports for ms in r["detection_ms"].values()]
    seen_by = "every node" if a.profile == "order-payment" else "the other two nodes"
    line = (f"{a.runs} runs: partition seen by {seen_by} after {spread(detections)} "
            f"(connection_timeout {a.timeout_ms} ms, ratio "
            f"{sorted(detections)[len(detections) // 2] / a.timeout_ms:.2f})")
    if a.profile != "order-payment":
        return line + f"; served again after the heal {spread([r['recovery_ms'] for r in reports])}"
    return (line + f"; after the heal linked again {spread([r['relinked_ms'] for r in reports])}, "
            f"the sagas left open closed {spread([r['closed_ms'] for r in reports])}")


if __name__ == "__main__":
    sys.exit(main())
