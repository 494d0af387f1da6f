#!/usr/bin/env python3
"""smsim benchmark: measures smsim against Kafka's own producer tool in the same run.

Starts its own broker (free ports, temp dir), then measures:
  reference  Kafka's ProducerPerformance (same jars), records of our message size, acks=all
  intake     POST /produce-messages of N messages (--dispatch eager, no senders): until all durable
  end2end    N messages through 4 senders with zero delay, no failures: until /monitor shows all
             finished; plus end-to-end latency p50/p99 at full load and at half load (paced campaign)
  makespan   3,500 messages over senders at 10, 20 and 40 ms (window 1): actual / ideal N/sum(rates),
             for credit dispatch and for the original even spread (eager)
  memory     peak RSS (VmHWM) of the gateway and of a sender program
Prints a table, writes JSON and an SVG chart. Benchmarks are not tests: nothing here fails on a
figure; --smoke runs everything small to show it works (CI).
"""
import argparse, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(port, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def cpu_seconds(pid):
    """User + system CPU time of a process so far (the figure that shows what limits throughput)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Bench:
    def __init__(self, smsim, state):
        self.smsim, self.state = smsim, state
        self.kafka_port, self.controller_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kafka_port}"
        self.procs = []
        self.run_no = 0

    def start_broker(self, broker_config=()):
        extra = [a for setting in broker_config for a in ("--broker-config", setting)]
        out = subprocess.run([self.smsim, "kafka", "start", "--port", str(self.kafka_port), "--controller-port",
                              str(self.controller_port), "--state-dir", self.state, "--heap", "1g"] + extra, check=True,
                             capture_output=True, text=True).stdout
        self.broker_pid = int(re.search(r"pid (\d+)", out).group(1))

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs = []

    def destroy(self):
        self.stop_all()
        subprocess.run([self.smsim, "kafka", "destroy", "--port", str(self.kafka_port), "--state-dir", self.state],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def spawn(self, name, args):
        self.run_no += 1
        log = open(os.path.join(self.state, f"{name}-{self.run_no}.log"), "w")
        p = subprocess.Popen([self.smsim] + args + ["--bootstrap-servers", self.bootstrap], stdout=log, stderr=log)
        self.procs.append(p)
        return p

    def topics(self):
        self.run_no += 1
        t = f"b{self.run_no}"
        return {"gateway": ["--topic-messages", f"{t}-messages", "--topic-status", f"{t}-status",
                            "--topic-campaigns", f"{t}-campaigns", "--topic-delivery-reports", f"{t}-reports",
                            "--topic-message-status", f"{t}-states", "--sender-group", f"{t}-senders"],
                "sender": ["--topic-messages", f"{t}-messages", "--topic-status", f"{t}-status",
                           "--topic-delivery-reports", f"{t}-reports", "--group", f"{t}-senders"]}

    def gateway(self, topics, extra=()):
        port = free_port()
        p = self.spawn("gateway", ["gateway", "--port", str(port), "--max-campaign-size", "100000000"] +
                       topics["gateway"] + list(extra))
        for _ in range(240):
            try:
                if http(port, "/healthz")["status"] == "ok":
                    return port, p
            except Exception:
                time.sleep(0.5)
        raise RuntimeError("gateway did not start")

    def wait_senders(self, port, n):
        """Until n senders are live and the group has settled: the messages topic has grown to n
        partitions and every member owns one (a rebalance during a measurement would be measured)."""
        deadline = time.time() + 120
        while time.time() < deadline:
            if http(port, "/monitor").get("live_senders", 0) >= n:
                group = http(port, "/api/kafka/overview")["sender_group"]
                owned = [len(m.get("partitions", [])) for m in group["members"]]
                if len(owned) >= n and all(owned) and sum(owned) >= n and len(group["lag"]) == sum(owned):
                    time.sleep(1.0)  # the senders' heartbeats catch up with the assignment
                    return
            time.sleep(0.25)
        raise RuntimeError("senders did not join, or their group did not settle")


def reference(b, records, size):
    lib = os.path.join(ROOT, "kafka", "lib", "*")
    # The broker does not auto-create topics; 4 partitions, like sms-messages with 4 senders.
    subprocess.run(["java", "-cp", lib, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", b.bootstrap, "--create",
                    "--if-not-exists", "--topic", "bench-reference", "--partitions", "4", "--replication-factor", "1"],
                   check=True, capture_output=True)
    out = subprocess.run(["java", "-Xmx1g", "-cp", lib, "org.apache.kafka.tools.ProducerPerformance",
                          "--topic", "bench-reference", "--num-records", str(records), "--record-size", str(size),
                          "--throughput", "-1", "--producer-props", f"bootstrap.servers={b.bootstrap}", "acks=all"],
                         capture_output=True, text=True, check=True).stdout
    last = [l for l in out.splitlines() if "records sent" in l][-1]
    return float(re.search(r"([\d.]+) records/sec", last).group(1))


def intake(b, n):
    t = b.topics()
    port, gw = b.gateway(t, ["--dispatch", "eager", "--tracker", "off"])

    def publish(count, poll_s):
        start = time.time()
        cid = http(port, "/produce-messages", {"num_messages": count})["campaign_id"]
        while http(port, f"/api/campaigns/{cid}")["published"] < count:
            time.sleep(poll_s)
        return time.time() - start

    publish(1, 0.01)  # warm-up: topic metadata, producer id
    took = publish(n, 0.05)
    b.stop_all()
    return n / took, took


def zero_delay_pipeline(b, gateway_args=()):
    """A gateway and one sender program of 4 zero-delay, never-failing threads, on fresh topics."""
    t = b.topics()
    port, gw = b.gateway(t, [a for a in gateway_args if a])
    sender = b.spawn("sender", ["sender", "-n", "4", "--mean", "0s", "--stddev", "0s", "--distribution", "constant",
                                "--no-delivery-reports"] + t["sender"])
    b.wait_senders(port, 4)
    b.cold_start_s = warm_up(port)
    return port, gw, sender


def warm_up(port):
    """One message through the fresh pipeline, so that the figures describe a running system and
    not its first seconds (topic metadata, new partitions, producer ids). Returns its time."""
    start = time.time()
    http(port, "/produce-messages", {"num_messages": 1})
    run_until_finished(port, 1, 0.01)
    return time.time() - start


def run_until_finished(port, total, poll_s=0.1):
    while True:
        m = http(port, "/monitor")
        if m["messages_sent"] + m["messages_failed"] >= total:
            return m
        time.sleep(poll_s)


def end_to_end(b, n):
    port, gw, sender = zero_delay_pipeline(b)
    cold_start = b.cold_start_s
    pids = {"broker": b.broker_pid, "gateway": gw.pid, "sender": sender.pid}
    cpu_before = {k: cpu_seconds(p) for k, p in pids.items()}
    start = time.time()
    http(port, "/produce-messages", {"num_messages": n})
    m = run_until_finished(port, n + 1)  # + the warm-up message
    took = time.time() - start
    cpu = {k: round((cpu_seconds(p) or 0) - (cpu_before[k] or 0), 1) for k, p in pids.items()}
    full = m["latency"]["end_to_end"]
    rate = n / took
    rss = {"gateway_mb": peak_rss_mb(gw.pid), "sender_mb": peak_rss_mb(sender.pid)}
    b.stop_all()
    # Half load on fresh topics (the percentiles are cumulative): a paced campaign at half the
    # measured rate, long enough to be steady.
    half_n = max(1000, int(rate * 0.5 * 10))
    port, gw, sender = zero_delay_pipeline(b)
    http(port, "/produce-messages", {"num_messages": half_n, "rate_per_second": rate * 0.5})
    half = run_until_finished(port, half_n + 1, 0.2)["latency"]["end_to_end"]
    b.stop_all()
    # The same without message-state tracking (--tracker off): what the tracker costs.
    port, gw, sender = zero_delay_pipeline(b, ["--tracker", "off"])
    start = time.time()
    http(port, "/produce-messages", {"num_messages": n})
    run_until_finished(port, n + 1)
    untracked = n / (time.time() - start)
    b.stop_all()
    return {"rate": rate, "took": took, "full": full, "half": half, "half_rate": rate * 0.5, "rss": rss, "cpu": cpu,
            "cold_start_s": cold_start, "untracked_rate": untracked}


def memory_run(b, n):
    """Peak RSS of the gateway and the sender program across one campaign of n messages."""
    port, gw, sender = zero_delay_pipeline(b)
    start = time.time()
    http(port, "/produce-messages", {"num_messages": n})
    run_until_finished(port, n + 1, 1.0)
    took = time.time() - start
    rss = {"messages": n, "gateway_mb": peak_rss_mb(gw.pid), "sender_mb": peak_rss_mb(sender.pid),
           "msgs_per_s": n / took}
    b.stop_all()
    return rss


def makespan(b, n, mode):
    t = b.topics()
    port, gw = b.gateway(t, ["--dispatch", mode])
    for name, mean in (("ten", "10ms"), ("twenty", "20ms"), ("forty", "40ms")):
        b.spawn("sender", ["sender", "--name", name, "-n", "1", "--mean", mean, "--stddev", "0s", "--distribution",
                           "constant", "--no-delivery-reports"] + t["sender"])
    b.wait_senders(port, 3)
    time.sleep(2)  # let the group settle on 3 partitions
    warm_up(port)
    start = time.time()
    http(port, "/produce-messages", {"num_messages": n})
    run_until_finished(port, n + 1, 0.02)
    took = time.time() - start
    ideal = n / (100 + 50 + 25)
    b.stop_all()
    return took, ideal


def svg_chart(rows, path):
    width, bar_h, gap, left = 640, 28, 14, 220
    height = len(rows) * (bar_h + gap) + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
             f'<text x="10" y="22" font-size="15" font-weight="bold">Throughput as a fraction of Kafka ProducerPerformance</text>']
    for i, (label, fraction, note) in enumerate(rows):
        y = 40 + i * (bar_h + gap)
        w = max(1, min(1.0, fraction) * (width - left - 80))
        parts.append(f'<text x="10" y="{y + 19}">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.0f}" height="{bar_h}" fill="#2f6fb3"/>')
        parts.append(f'<text x="{left + w + 6:.0f}" y="{y + 19}">{fraction * 100:.0f}% {note}</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="small sizes: shows that it works (CI)")
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"), help="folder for results.json, chart.svg")
    ap.add_argument("--smsim", default=os.path.join(ROOT, "build", "smsim"))
    ap.add_argument("--memory-messages", type=int, default=0,
                    help="also measure peak RSS across one campaign of this size (e.g. 10000000; takes minutes)")
    args = ap.parse_args()
    n = 20_000 if args.smoke else args.messages
    span_n = 700 if args.smoke else 3500
    os.makedirs(args.out, exist_ok=True)
    state = tempfile.mkdtemp(prefix="smsim-bench-")
    b = Bench(args.smsim, state)
    results = {"messages": n, "smoke": args.smoke, "cores": os.cpu_count()}
    try:
        b.start_broker()
        size = 200  # bytes: a JSON message record with 1..100 characters of text averages about this
        # Warm-up, not measured: the broker is a JVM whose code is compiled while it runs, and its
        # first minute is several times slower than its steady state. Both the reference and smsim
        # are measured on a warm broker.
        warm_n = n // 5 if args.smoke else 1_000_000
        reference(b, warm_n, size)
        port, _, _ = zero_delay_pipeline(b)
        http(port, "/produce-messages", {"num_messages": warm_n // 3})
        run_until_finished(port, warm_n // 3 + 1)
        b.stop_all()
        results["reference_msgs_per_s"] = ref = reference(b, n, size)
        results["intake_msgs_per_s"], results["intake_s"] = intake(b, n)
        e = end_to_end(b, n)
        results.update({"e2e_msgs_per_s": e["rate"], "e2e_s": e["took"], "e2e_full_load": e["full"],
                        "e2e_half_load": e["half"], "half_load_msgs_per_s": e["half_rate"], "rss": e["rss"],
                        "e2e_cpu_s": e["cpu"], "cold_start_s": e["cold_start_s"],
                        "e2e_untracked_msgs_per_s": e["untracked_rate"]})
        results["makespan_credit_s"], ideal = makespan(b, span_n, "credit")
        results["makespan_eager_s"], _ = makespan(b, span_n, "eager")
        results["makespan_ideal_s"] = ideal
        if args.memory_messages:
            results["memory_run"] = memory_run(b, args.memory_messages)
    finally:
        b.destroy()
        shutil.rmtree(state, ignore_errors=True)
    r = results
    ms = lambda v: "n/a" if v is None else f"{v * 1000:.1f} ms"
    lines = [
        f"smsim bench ({'smoke, ' if args.smoke else ''}{n:,} messages, {r['cores']} cores)",
        f"{'measure':<34} {'figure':>16} {'vs reference / ideal':>22}",
        f"{'reference (ProducerPerformance)':<34} {r['reference_msgs_per_s']:>12,.0f} /s {'1.00':>22}",
        f"{'intake (POST, eager, durable)':<34} {r['intake_msgs_per_s']:>12,.0f} /s {r['intake_msgs_per_s'] / ref:>22.2f}",
        f"{'end to end (4 senders, 0 ms)':<34} {r['e2e_msgs_per_s']:>12,.0f} /s {r['e2e_msgs_per_s'] / ref:>22.2f}",
        f"{'end to end, --tracker off':<34} {r['e2e_untracked_msgs_per_s']:>12,.0f} /s {r['e2e_untracked_msgs_per_s'] / ref:>22.2f}",
        f"{'e2e latency p50 / p99, full load':<34} {ms(r['e2e_full_load']['p50']):>9} / {ms(r['e2e_full_load']['p99'])}",
        f"{'e2e latency p50 / p99, half load':<34} {ms(r['e2e_half_load']['p50']):>9} / {ms(r['e2e_half_load']['p99'])}  (paced at {r['half_load_msgs_per_s']:,.0f}/s)",
        f"{'first message, fresh pipeline':<34} {r['cold_start_s']:>14.2f} s  (warm-up, not in the figures above)",
        f"{'makespan 10/20/40 ms, credit':<34} {r['makespan_credit_s']:>14.2f} s {r['makespan_credit_s'] / r['makespan_ideal_s']:>22.3f}",
        f"{'makespan 10/20/40 ms, eager':<34} {r['makespan_eager_s']:>14.2f} s {r['makespan_eager_s'] / r['makespan_ideal_s']:>22.3f}",
        f"{'e2e CPU s broker/gateway/sender':<34} {r['e2e_cpu_s']['broker']:>9} / {r['e2e_cpu_s']['gateway']} / {r['e2e_cpu_s']['sender']}  (wall {r['e2e_s']:.1f} s)",
        f"{'peak RSS gateway / sender':<34} {r['rss']['gateway_mb'] or 0:>11.0f} MB / {r['rss']['sender_mb'] or 0:.0f} MB",
    ]
    if "memory_run" in r:
        mr = r["memory_run"]
        lines.append(f"{'peak RSS over ' + format(mr['messages'], ',') + ' messages':<34} {mr['gateway_mb']:>11.0f} MB / "
                     f"{mr['sender_mb']:.0f} MB  ({mr['msgs_per_s']:,.0f} msg/s)")
    print("\n".join(lines))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    svg_chart([("intake", r["intake_msgs_per_s"] / ref, ""), ("end to end", r["e2e_msgs_per_s"] / ref, ""),
               ("end to end, --tracker off", r["e2e_untracked_msgs_per_s"] / ref, "")],
              os.path.join(args.out, "chart.svg"))
    print(f"results: {args.out}/results.json, chart: {args.out}/chart.svg")


if __name__ == "__main__":
    main()
