#!/usr/bin/env python3
"""smsim on a local 3-node KRaft cluster: end to end at replication factor 3 against Kafka's own
ProducerPerformance (acks=all) on the same cluster in the same run, plus the figures the sized plan
of docs/scale.md is built on. Issue 15; the lead folds this into scripts/bench.py.

Starts its own cluster (`smsim kafka start --brokers N`, free ports, temp dir), then measures:
  reference  ProducerPerformance, 200-byte records (our message record's size), acks=all, a topic
             with replication factor min(3, N) and min.insync.replicas 2, 4 partitions; after one
             unmeasured warm-up run. Also the brokers' CPU seconds during it.
  end2end    M messages through the default product (credit dispatch, tracker embedded) and one
             sender program of 4 zero-delay threads, no failures, no delivery reports: rate,
             latency p50/p99, CPU seconds of each process (gateway, sender, every broker).
  footprint  a campaign with delivery reports on, the tracker as a separate `smsim tracker` process,
             so each process's CPU stands alone: messages per CPU-second (above each process's
             idle CPU, measured for 5 s before) of the gateway, the tracker, the sender program
             and the brokers; records and bytes per message on each topic (log segment bytes on
             disk, one replica, divided by the messages).
Prints a table, writes results.json, and writes the sized plan for 10 million alerts in 60 s
(scale-plan.md) computed from these figures; --write-doc puts it in docs/scale-plan.md.
Benchmarks are not tests: nothing here fails on a figure; --smoke runs it small.
"""
import argparse, glob, json, math, os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench import cpu_seconds, free_port, http, peak_rss_mb  # noqa: E402  (shared helpers)

LIB = os.path.join(ROOT, "kafka", "lib", "*")


def port_block_free(first, count):
    import socket
    for port in range(first, first + count):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port_block(count):
    """Consecutive free ports below the ephemeral range (the cluster's layout: clients, then controllers)."""
    import random
    for _ in range(200):
        first = random.randint(20000, 32767 - count)
        if port_block_free(first, count):
            return first
    raise RuntimeError(f"no {count} consecutive free ports")


class Cluster:
    def __init__(self, smsim, state, brokers, heap):
        self.smsim, self.state, self.brokers, self.heap = smsim, state, brokers, heap
        self.port = free_port_block(2 * brokers)
        self.bootstrap = ",".join(f"127.0.0.1:{self.port + i}" for i in range(brokers))
        self.root = os.path.join(state, f"kafka-{self.port}")

    def node_dir(self, node):
        return self.root if self.brokers == 1 else os.path.join(self.root, f"node-{node}")

    def start(self):
        subprocess.run([self.smsim, "kafka", "start", "--brokers", str(self.brokers), "--port", str(self.port),
                        "--state-dir", self.state, "--heap", self.heap, "--timeout", "180s"], check=True,
                       capture_output=True, text=True)
        self.pids = {}
        for node in range(1, self.brokers + 1):
            with open(os.path.join(self.node_dir(node), "broker.pid")) as f:
                self.pids[f"broker{node}"] = int(f.read())

    def cpu(self):
        return sum(cpu_seconds(p) or 0 for p in self.pids.values())

    def destroy(self):
        subprocess.run([self.smsim, "kafka", "destroy", "--port", str(self.port), "--state-dir", self.state],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def topic_bytes(self, topic):
        """Log segment bytes of one replica of every partition of `topic`."""
        total, copies = 0, 0
        for node in range(1, self.brokers + 1):
            for part in glob.glob(os.path.join(self.node_dir(node), "data", f"{glob.escape(topic)}-[0-9]*")):
                total += sum(os.path.getsize(f) for f in glob.glob(os.path.join(part, "*.log")))
            copies += 1
        replicas = min(3, self.brokers)
        return total / replicas


class Pipeline:
    """A gateway and its programs on fresh topics of one cluster."""

    def __init__(self, cluster, tag):
        self.cluster, self.procs = cluster, []
        self.topics = {k: f"{tag}-{k}" for k in ("messages", "status", "campaigns", "reports", "states")}
        self.group = f"{tag}-senders"

    def spawn(self, name, args):
        log = open(os.path.join(self.cluster.state, f"{name}-{len(self.procs)}.log"), "w")
        p = subprocess.Popen([self.cluster.smsim] + args + ["--bootstrap-servers", self.cluster.bootstrap],
                             stdout=log, stderr=log)
        self.procs.append(p)
        return p

    def gateway(self, extra=()):
        t = self.topics
        self.port = free_port()
        self.gw = self.spawn("gateway", ["gateway", "--port", str(self.port), "--max-campaign-size", "100000000",
                                         "--topic-messages", t["messages"], "--topic-status", t["status"],
                                         "--topic-campaigns", t["campaigns"], "--topic-delivery-reports", t["reports"],
                                         "--topic-message-status", t["states"], "--sender-group", self.group] +
                             list(extra))
        for _ in range(360):
            try:
                if http(self.port, "/healthz")["status"] == "ok":
                    return
            except Exception:
                time.sleep(0.5)
        raise RuntimeError("gateway did not start")

    def sender(self, threads, extra=()):
        t = self.topics
        return self.spawn("sender", ["sender", "-n", str(threads), "--mean", "0s", "--stddev", "0s", "--distribution",
                                     "constant", "--topic-messages", t["messages"], "--topic-status", t["status"],
                                     "--topic-delivery-reports", t["reports"], "--group", self.group] + list(extra))

    def tracker(self):
        t = self.topics
        return self.spawn("tracker", ["tracker", "--topic-status", t["status"], "--topic-delivery-reports",
                                      t["reports"], "--topic-message-status", t["states"], "--group",
                                      f"{self.group}-tracker"])

    def wait_senders(self, n):
        deadline = time.time() + 180
        while time.time() < deadline:
            if http(self.port, "/monitor").get("live_senders", 0) >= n:
                group = http(self.port, "/api/kafka/overview")["sender_group"]
                owned = [len(m.get("partitions", [])) for m in (group or {}).get("members", [])]
                if len(owned) >= n and all(owned):
                    time.sleep(1.0)
                    return
            time.sleep(0.25)
        raise RuntimeError("senders did not join")

    def run(self, n, poll_s=0.1):
        """Warm-up message, then a campaign of n; returns (seconds, final /monitor)."""
        http(self.port, "/produce-messages", {"num_messages": 1})
        self.until_finished(1, 0.02)
        start = time.time()
        http(self.port, "/produce-messages", {"num_messages": n})
        m = self.until_finished(n + 1, poll_s)
        return time.time() - start, m

    def until_finished(self, total, poll_s):
        while True:
            m = http(self.port, "/monitor")
            if m["messages_sent"] + m["messages_failed"] >= total:
                return m
            time.sleep(poll_s)

    def end_offsets(self):
        """Records per topic (sum of end offsets), from the gateway's Kafka overview."""
        return {t["name"]: sum(max(0, p["end_offset"]) for p in t["partitions"])
                for t in http(self.port, "/api/kafka/overview")["topics"]}

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs = []


def kafka_tool(main, *args, **kw):
    return subprocess.run(["java", "-Xmx1g", "-cp", LIB, main] + list(args), capture_output=True, text=True,
                          check=True, **kw).stdout


def reference(cluster, records):
    rf = str(min(3, cluster.brokers))
    kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", cluster.bootstrap, "--create",
               "--if-not-exists", "--topic", "bench-reference", "--partitions", "4", "--replication-factor", rf,
               "--config", f"min.insync.replicas={2 if int(rf) >= 3 else 1}")

    def perf(n):
        out = kafka_tool("org.apache.kafka.tools.ProducerPerformance", "--topic", "bench-reference", "--num-records",
                         str(n), "--record-size", "200", "--throughput", "-1", "--producer-props",
                         f"bootstrap.servers={cluster.bootstrap}", "acks=all")
        last = [l for l in out.splitlines() if "records sent" in l][-1]
        return float(re.search(r"([\d.]+) records/sec", last).group(1))

    perf(max(1000, records // 4))  # warm-up: a JVM broker is slow until it has run a while
    idle_from = cluster.cpu()
    time.sleep(5.0)
    idle_rate = (cluster.cpu() - idle_from) / 5.0  # subtracted, as in the footprint run
    cpu_before, started = cluster.cpu(), time.time()
    rate = perf(records)
    broker_cpu = max(0.01, cluster.cpu() - cpu_before - idle_rate * (time.time() - started))
    return {"records_per_s": rate, "record_bytes": 200, "records": records, "replication_factor": int(rf),
            "broker_cpu_s": round(broker_cpu, 1),
            "broker_bytes_per_cpu_s": records * 200 / broker_cpu if broker_cpu > 0 else None}


def end_to_end(cluster, n):
    p = Pipeline(cluster, f"e2e{int(time.time())}")
    try:
        p.gateway()
        sender = p.sender(4, ["--no-delivery-reports"])
        p.wait_senders(4)
        pids = dict(cluster.pids, gateway=p.gw.pid, sender=sender.pid)
        before = {k: cpu_seconds(v) or 0 for k, v in pids.items()}
        took, m = p.run(n)
        cpu = {k: round((cpu_seconds(v) or 0) - before[k], 1) for k, v in pids.items()}
        return {"messages": n, "seconds": round(took, 2), "rate": n / took, "latency_ms": {k: (round(v * 1000, 1) if isinstance(v, (int, float)) else v)
                                                               for k, v in m["latency"]["end_to_end"].items()},
                "cpu_s": cpu, "wall_s": round(took, 1)}
    finally:
        p.stop()


def footprint(cluster, n):
    p = Pipeline(cluster, f"fp{int(time.time())}")
    try:
        p.gateway(["--tracker", "off"])
        tracker = p.tracker()
        sender = p.sender(4, ["--report-delay", "50ms"])
        p.wait_senders(4)
        pids = dict(cluster.pids, gateway=p.gw.pid, sender=sender.pid, tracker=tracker.pid)
        # What each process spends doing nothing (heartbeats, the JVMs' housekeeping) is measured
        # first and subtracted, so that small runs and the waits below do not inflate the cost
        # per message.
        idle_from = {k: cpu_seconds(v) or 0 for k, v in pids.items()}
        time.sleep(5.0)
        idle_rate = {k: ((cpu_seconds(v) or 0) - idle_from[k]) / 5.0 for k, v in pids.items()}
        before = {k: cpu_seconds(v) or 0 for k, v in pids.items()}
        started = time.time()
        offsets_before = p.end_offsets()
        took, m = p.run(n)
        # The status topic also carries the senders' heartbeats (a few per second, forever): its
        # figures are taken as the campaign finishes. Delivery reports come ~50 ms later, then the
        # tracker's last states: those two are taken once they stop growing.
        at_finish = p.end_offsets()
        status_bytes = cluster.topic_bytes(p.topics["status"])
        settled = (p.topics["reports"], p.topics["states"])
        last, still = None, 0
        while still < 3:
            time.sleep(1.0)
            now = {k: v for k, v in p.end_offsets().items() if k in settled}
            still = still + 1 if now == last else 0
            last = now
        last = dict(at_finish, **last)
        elapsed = time.time() - started
        cpu = {k: round(max(0.01, (cpu_seconds(v) or 0) - before[k] - idle_rate[k] * elapsed), 2)
               for k, v in pids.items()}
        rss = {"gateway_mb": peak_rss_mb(p.gw.pid), "sender_mb": peak_rss_mb(sender.pid),
               "tracker_mb": peak_rss_mb(tracker.pid)}
        names = {"sms-messages": p.topics["messages"], "sender-status-updates": p.topics["status"],
                 "delivery-reports": p.topics["reports"], "message-status": p.topics["states"]}
        topics = {}
        for role, name in names.items():
            records = last.get(name, 0) - offsets_before.get(name, 0)
            size = status_bytes if name == p.topics["status"] else cluster.topic_bytes(name)
            topics[role] = {"records_per_message": round(records / (n + 1), 3),
                            "bytes_per_message": round(size / (n + 1), 1)}
        broker_cpu = sum(cpu[k] for k in cluster.pids)
        per_core = {k: round(n / cpu[k]) if cpu[k] > 0 else None for k in ("gateway", "tracker", "sender")}
        per_core["brokers"] = round(n / broker_cpu) if broker_cpu > 0 else None
        return {"messages": n, "seconds": round(took, 2), "cpu_s_above_idle": cpu,
                "idle_cpu_per_s": {k: round(v, 3) for k, v in idle_rate.items()}, "messages_per_cpu_s": per_core,
                "topics": topics, "rss": rss}
    finally:
        p.stop()


def plan(results, target, seconds, send_ms, window, host_cores, cores_per_broker, gateway_cores_usable):
    """The sized plan: every figure below is computed from `results` (this run) and the stated assumptions."""
    rate = target / seconds
    fp, ref = results["footprint"], results["reference"]
    per_core = fp["messages_per_cpu_s"]
    bytes_in = sum(t["bytes_per_message"] for t in fp["topics"].values())  # one replica
    rf = ref["replication_factor"]
    lines = [f"# Sized plan: {target:,} alerts in {seconds} s",
             "",
             f"Generated by `scripts/bench_cluster.py` on {results['when']} ({results['machine']}); "
             f"{results['brokers']} brokers, replication factor {rf}; `{results.get('command', 'scripts/bench_cluster.py')}`, "
             "raw figures in docs/scale-results.json. Do not edit: re-run the script (`--write-doc`) on the machine "
             "whose figures you want. Method and assumptions: docs/scale.md.",
             "",
             "## Measured here",
             "",
             "| figure | value |",
             "| --- | --- |",
             f"| ProducerPerformance, 200 B, acks=all, RF {rf} | {ref['records_per_s']:,.0f} records/s |",
             f"| broker work per CPU-second (reference) | {ref['broker_bytes_per_cpu_s'] / 1e6:,.1f} MB of records per CPU-s, all brokers together |",
             f"| smsim end to end, RF {rf} (4 zero-delay senders) | {results['end2end']['rate']:,.0f} msg/s "
             f"({results['end2end']['rate'] / ref['records_per_s']:.2f} of the reference) |",
             f"| e2e latency p50 / p99 | {results['end2end']['latency_ms'].get('p50', '?')} / "
             f"{results['end2end']['latency_ms'].get('p99', '?')} ms |"]
    for proc in ("gateway", "tracker", "sender", "brokers"):
        lines.append(f"| {proc}: messages per CPU-second (delivery reports on) | {per_core[proc]:,} |")
    for topic, t in fp["topics"].items():
        lines.append(f"| {topic}: records / bytes per message (one replica) | {t['records_per_message']} / "
                     f"{t['bytes_per_message']:,.0f} B |")
    lines.append(f"| all topics: bytes per message (one replica) | {bytes_in:,.0f} B |")

    write_mb = rate * bytes_in / 1e6
    # The reference's bytes per broker CPU-second already include replicating them (its topic has
    # the same replication factor), so they divide the leader bytes r·B.
    broker_cores_ref = rate * bytes_in / ref["broker_bytes_per_cpu_s"] if ref["broker_bytes_per_cpu_s"] else 0
    broker_cores_smsim = rate / per_core["brokers"] if per_core["brokers"] else 0
    cores_needed = max(broker_cores_ref, broker_cores_smsim) / 0.5  # 50 % headroom: leader moves, catch-up
    brokers = max(3, math.ceil(cores_needed / cores_per_broker))
    thread_rate = window / (send_ms / 1000.0)
    sender_threads = math.ceil(rate / thread_rate)
    sender_cores = rate / per_core["sender"] / 0.7
    threads_per_host = 256
    sender_hosts = max(2, math.ceil(sender_cores / host_cores), math.ceil(sender_threads / threads_per_host))
    gateway_cores = rate / per_core["gateway"] / 0.7
    # One gateway's work runs on a few hot threads (the dispatcher's publishing thread, the status
    # listener, their librdkafka threads), not on every core of its host.
    gateway_instances = max(1, math.ceil(gateway_cores / gateway_cores_usable))
    tracker_cores = rate / per_core["tracker"] / 0.7
    tracker_instances = math.ceil(tracker_cores)
    keyed_partitions = max(6, 2 * tracker_instances)
    lines += ["",
              "## The arithmetic",
              "",
              f"- Rate: {target:,} / {seconds} s = **{rate:,.0f} messages/s**.",
              f"- Into Kafka: {rate:,.0f}/s × {bytes_in:,.0f} B = {write_mb:,.1f} MB/s of records, "
              f"× {rf} replicas = {write_mb * rf:,.1f} MB/s written to disks and {write_mb * (rf - 1):,.1f} MB/s "
              "of replication traffic.",
              f"- Brokers: {write_mb:,.1f} MB/s ÷ {ref['broker_bytes_per_cpu_s'] / 1e6:,.1f} MB per broker CPU-s "
              f"(the reference at RF {rf}, replication included) = {broker_cores_ref:,.1f} cores; from smsim's own "
              f"run {rate:,.0f} ÷ {per_core['brokers']:,} = {broker_cores_smsim:,.1f} cores. The larger, at 50 % "
              f"utilisation: {cores_needed:,.1f} cores → **{brokers} brokers** of {cores_per_broker} cores "
              "(at least 3 for RF 3); each then writes "
              f"{write_mb * rf / brokers:,.0f} MB/s to its disks.",
              f"- Sender threads: a supplier answering in {send_ms} ms with {window} submits in flight gives "
              f"{thread_rate:,.0f} msg/s per thread → **{sender_threads} sender threads**, so sms-messages needs "
              f"**≥ {sender_threads} partitions** (one per sender consumer).",
              f"- Sender hosts: CPU {rate:,.0f} ÷ {per_core['sender']:,} per core at 70 % = {sender_cores:,.1f} cores; "
              f"at most {threads_per_host} threads per host → **{sender_hosts} sender hosts** of {host_cores} cores.",
              f"- Gateway: {rate:,.0f} ÷ {per_core['gateway']:,} per core at 70 % = {gateway_cores:,.1f} cores; one "
              f"instance uses about {gateway_cores_usable} (its hot threads) → **{gateway_instances} gateway "
              f"instance(s)**" + (" — more than one needs the partitioned gateways of docs/scale.md (planned)."
                                   if gateway_instances > 1 else "."),
              f"- Trackers (`smsim tracker`, built): {rate:,.0f} ÷ {per_core['tracker']:,} per core at 70 % = "
              f"{tracker_cores:,.1f} cores → **{tracker_instances} tracker instance(s)**; the keyed topics need "
              f"≥ {keyed_partitions} partitions (today fixed at 6: planned flag, docs/scale.md).",
              "",
              "| part | count |",
              "| --- | --- |",
              f"| brokers ({cores_per_broker} cores each) | {brokers} |",
              f"| sms-messages partitions | {sender_threads} |",
              f"| keyed topic partitions (status, delivery-reports, message-status) | {keyed_partitions} |",
              f"| gateway instances{' (partitioned: planned)' if gateway_instances > 1 else ''} | {gateway_instances} |",
              f"| tracker instances | {tracker_instances} |",
              f"| sender hosts ({host_cores} cores) | {sender_hosts} |",
              ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="small sizes: shows that it works")
    ap.add_argument("--brokers", type=int, default=3)
    ap.add_argument("--messages", type=int, default=300_000, help="end-to-end campaign size")
    ap.add_argument("--records", type=int, default=1_000_000, help="ProducerPerformance records")
    ap.add_argument("--footprint-messages", type=int, default=50_000)
    ap.add_argument("--heap", default="1g", help="JVM heap of each broker")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-cluster"))
    ap.add_argument("--smsim", default=os.path.join(ROOT, "build", "smsim"))
    ap.add_argument("--write-doc", action="store_true", help="also write docs/scale-plan.md")
    ap.add_argument("--plan-target", type=int, default=10_000_000)
    ap.add_argument("--plan-seconds", type=int, default=60)
    ap.add_argument("--plan-send-ms", type=float, default=20.0, help="supplier's submit_sm response time")
    ap.add_argument("--plan-window", type=int, default=10, help="submits in flight per sender thread")
    ap.add_argument("--plan-host-cores", type=int, default=8)
    ap.add_argument("--plan-broker-cores", type=int, default=8)
    ap.add_argument("--plan-gateway-cores", type=float, default=2.0,
                    help="cores one gateway process can use (its hot threads)")
    ap.add_argument("--plan-only", metavar="RESULTS_JSON",
                    help="no measuring: compute the plan from an earlier run's results.json")
    a = ap.parse_args()
    if a.plan_only:
        with open(a.plan_only) as f:
            results = json.load(f)
        doc = plan(results, a.plan_target, a.plan_seconds, a.plan_send_ms, a.plan_window, a.plan_host_cores,
                   a.plan_broker_cores, a.plan_gateway_cores)
        print(doc)
        if a.write_doc:
            with open(os.path.join(ROOT, "docs", "scale-plan.md"), "w") as f:
                f.write(doc)
        return
    if a.smoke:
        a.messages, a.records, a.footprint_messages = 5_000, 50_000, 2_000
    os.makedirs(a.out, exist_ok=True)
    state = tempfile.mkdtemp(prefix="smsim-bench-cluster-")
    cluster = Cluster(a.smsim, state, a.brokers, a.heap)
    results = {"when": time.strftime("%Y-%m-%d %H:%M"),
               "machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start",
               "brokers": a.brokers,
               "command": "python3 scripts/bench_cluster.py " + " ".join(sys.argv[1:])}
    try:
        print(f"starting {a.brokers} brokers at {cluster.bootstrap} ...", flush=True)
        cluster.start()
        results["reference"] = reference(cluster, a.records)
        print(f"reference: {results['reference']['records_per_s']:,.0f} records/s", flush=True)
        results["end2end"] = end_to_end(cluster, a.messages)
        print(f"end to end: {results['end2end']['rate']:,.0f} msg/s", flush=True)
        results["footprint"] = footprint(cluster, a.footprint_messages)
        print("footprint: done", flush=True)
    finally:
        cluster.destroy()
        shutil.rmtree(state, ignore_errors=True)
    ref, e2e = results["reference"], results["end2end"]
    print(f"\nsmsim on {a.brokers} brokers, RF {ref['replication_factor']} ({results['machine']})")
    print(f"{'reference (ProducerPerformance, acks=all)':44} {ref['records_per_s']:>12,.0f} /s  1.00")
    print(f"{'end to end (tracker on)':44} {e2e['rate']:>12,.0f} /s  {e2e['rate'] / ref['records_per_s']:.2f}")
    print(f"{'e2e latency p50 / p99 (ms)':44} {e2e['latency_ms'].get('p50')} / {e2e['latency_ms'].get('p99')}")
    print(f"{'e2e CPU s':44} {e2e['cpu_s']} in {e2e['wall_s']} s wall")
    for proc, v in results["footprint"]["messages_per_cpu_s"].items():
        print(f"{proc + ': messages per CPU-second':44} {v:>12,}")
    for topic, t in results["footprint"]["topics"].items():
        print(f"{topic + ': records, bytes per message':44} {t['records_per_message']:>6} {t['bytes_per_message']:>8,.0f} B")
    doc = plan(results, a.plan_target, a.plan_seconds, a.plan_send_ms, a.plan_window, a.plan_host_cores,
               a.plan_broker_cores, a.plan_gateway_cores)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    with open(os.path.join(a.out, "scale-plan.md"), "w") as f:
        f.write(doc)
    if a.write_doc:
        with open(os.path.join(ROOT, "docs", "scale-plan.md"), "w") as f:
            f.write(doc)
        with open(os.path.join(ROOT, "docs", "scale-results.json"), "w") as f:
            json.dump(results, f, indent=2)
    print(f"\nresults: {a.out}/results.json; plan: {a.out}/scale-plan.md" +
          (" and docs/scale-plan.md" if a.write_doc else ""))


if __name__ == "__main__":
    main()
