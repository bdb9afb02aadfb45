#!/usr/bin/env python3
"""A network partition of one node of three, with network namespaces (ctest label `cluster`).

Each node runs in a namespace of its own with one veth, whose other end is on a bridge in a hub
namespace (where this script sends its requests from); nothing is added to the host's own
network. The script cuts node b's veth (`ip link set ... down`: no FIN, no RST, the packets just
vanish, as with a pulled cable), checks that a and c answer 503 SHARD_UNAVAILABLE for b's shards
within the connection timeout while serving their own, that b answers 503 for theirs, heals the
link, checks that everyone is served again, then stops the nodes and runs the all-nodes audit
(`actorshop audit`) and the check of every acknowledged charge and coupon against the databases.

  tests/cluster/netns_partition.py BIN [--timeout-ms 1000]

Exit 0 passed, 1 failed, 77 skipped (no root or `ip netns` not permitted: the reason is printed).
Bounded: the whole run is aborted after --limit seconds; the namespaces and the daemons are
removed on every exit path (and stale ones of a killed run are removed at the next start).
"""
import argparse, ctypes, os, re, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from cluster_common import COUPON, SEED_COUPON, Cluster, Ledger, call  # noqa: E402

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
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{self.hub}", os.O_RDONLY)
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

    # SIGTERM: every node must drain and stop within the grace (a hang is a failure: a node
    # once hung here after a remote request had activated one of its customers).
    report["stop"] = cluster.stop_all(grace_s=10)
    problems = list(report["stop"])
    ok, text = cluster.audit()
    report["audit"] = text
    if not ok:
        problems.append("actorshop audit failed:\n" + text)
    problems += ledger.check(cluster)
    report["ledger"] = ledger.summary()
    assert not problems, "\n".join(problems) + f"\n({report['ledger']}; audit: {text})"


def one_run(a):
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
            scenario(cluster, spaces, a.timeout_ms, report)
            print(f"PASS: partition of node b: detected by a and c after "
                  f"{report['detection_ms']} ms (connection_timeout {a.timeout_ms} ms), healed "
                  f"in {report['recovery_ms']} ms; {report['ledger']}; {report['audit']}",
                  flush=True)
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


def spread(xs):
    xs = sorted(xs)
    return f"median {xs[len(xs) // 2]} ms [{xs[0]}..{xs[-1]}]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--timeout-ms", type=int, default=1000)
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
    detections, recoveries = [], []
    for _ in range(a.runs):
        signal.alarm(a.limit)
        try:
            code, report = one_run(a)
        finally:
            signal.alarm(0)
        if code:
            return code
        detections += report["detection_ms"].values()
        recoveries.append(report["recovery_ms"])
    if a.runs > 1:
        print(f"{a.runs} runs: partition seen by the other two nodes after {spread(detections)} "
              f"(connection_timeout {a.timeout_ms} ms, ratio "
              f"{sorted(detections)[len(detections) // 2] / a.timeout_ms:.2f}); served again "
              f"after the heal {spread(recoveries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
