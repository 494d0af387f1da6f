#!/usr/bin/env python3
"""SMPP benchmark rows: how fast `smsim smsc` answers, and what SMPP costs end to end.

  smsc alone   submit_sm/s through `smsim smsc` (zero latency, no failures, no receipts) driven by
               `smsim smpp-load` with 1 and with 8 sessions, window 100 each. Target: >= 100,000/s.
  end to end   N messages through the gateway, Kafka and 4 sender threads, until /monitor shows them
               all finished: with the simulated sender (zero delay, no failures, no delivery reports;
               window 1 as scripts/bench.py runs it, and window 100) and with SMPP senders (`--smsc`,
               transmitter binds, window 100) against `smsim smsc` (zero latency, no failures), in
               the same run on the same broker. Target: SMPP >= 50 % of the better simulated figure.

Starts its own broker and processes on free ports in a temp dir and stops them all. Prints a table
and writes JSON (--out). Benchmarks are not tests: nothing here fails on a figure; --smoke runs it
small to show it works. Figures on a busy machine are rough: take final ones on a quiet machine.

  python3 scripts/bench_smpp.py [--messages 200000] [--submits 1000000] [--out build/bench-smpp] [--smoke]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def wait_port(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


class Run:
    """Processes of one benchmark run, in a temp dir, stopped on exit."""

    def __init__(self, smsim, state):
        self.smsim, self.state = smsim, state
        self.procs = []
        self.n = 0
        self.kafka_port, self.controller_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kafka_port}"
        self.broker_pid = None

    def spawn(self, name, args, kafka=True):
        self.n += 1
        log = open(os.path.join(self.state, f"{name}-{self.n}.log"), "w")
        extra = ["--bootstrap-servers", self.bootstrap] if kafka else []
        p = subprocess.Popen([self.smsim] + args + extra, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def smsc(self):
        port = free_port()
        p = self.spawn("smsc", ["smsc", "--port", str(port), "--metrics-port", "-1", "--mean", "0s", "--window", "1000"],
                       kafka=False)
        wait_port(port, p)
        return port, p

    def start_broker(self):
        out = subprocess.run([self.smsim, "kafka", "start", "--port", str(self.kafka_port), "--controller-port",
                              str(self.controller_port), "--state-dir", self.state, "--heap", "1g"],
                             check=True, capture_output=True, text=True).stdout
        m = re.search(r"pid (\d+)", out)
        self.broker_pid = int(m.group(1)) if m else None

    def stop(self, procs=None):
        procs = self.procs if procs is None else procs
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        self.procs = [p for p in self.procs if p not in procs]

    def destroy(self):
        self.stop()
        subprocess.run([self.smsim, "kafka", "destroy", "--port", str(self.kafka_port), "--controller-port",
                        str(self.controller_port), "--state-dir", self.state],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def topics(self):
        self.n += 1
        t = f"s{self.n}"
        return ({"gateway": ["--topic-messages", f"{t}-messages", "--topic-status", f"{t}-status", "--topic-campaigns",
                             f"{t}-campaigns", "--topic-delivery-reports", f"{t}-reports", "--topic-message-status",
                             f"{t}-states", "--sender-group", f"{t}-senders"],
                 "sender": ["--topic-messages", f"{t}-messages", "--topic-status", f"{t}-status",
                            "--topic-delivery-reports", f"{t}-reports", "--group", f"{t}-senders"]})

    def gateway(self, topics):
        port = free_port()
        p = self.spawn("gateway", ["gateway", "--port", str(port), "--max-campaign-size", "100000000"] + topics["gateway"])
        for _ in range(240):
            try:
                if http(port, "/healthz")["status"] == "ok":
                    return port, p
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        raise RuntimeError("the gateway did not start")

    def wait_senders(self, port, n):
        """Until n senders are live and each owns a partition (a rebalance mid-run would be measured)."""
        deadline = time.time() + 120
        while time.time() < deadline:
            if http(port, "/monitor").get("live_senders", 0) >= n:
                group = http(port, "/api/kafka/overview")["sender_group"]
                owned = [len(m.get("partitions", [])) for m in group["members"]]
                if len(owned) >= n and all(owned) and len(group["lag"]) == sum(owned):
                    time.sleep(1.0)
                    return
            time.sleep(0.25)
        raise RuntimeError("the senders did not join, or their group did not settle")


def run_until_finished(port, total, poll_s=0.05):
    while True:
        m = http(port, "/monitor")
        if m["messages_sent"] + m["messages_failed"] >= total:
            return m
        time.sleep(poll_s)


def smsc_alone(run, sessions, submits):
    port, smsc = run.smsc()
    load = [run.smsim, "smpp-load", "--smsc", f"127.0.0.1:{port}", "--sessions", str(sessions), "--window", "100",
            "--json"]
    subprocess.run(load + ["-n", str(min(submits, 20000))], check=True, capture_output=True)  # warm-up
    cpu_before = cpu_seconds(smsc.pid)
    out = subprocess.run(load + ["-n", str(submits)], check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    result["smsc_cpu_s"] = round((cpu_seconds(smsc.pid) or 0) - (cpu_before or 0), 2)
    run.stop([smsc])
    return result


def end_to_end(run, n, smpp, window=1):
    """Messages per second through gateway + Kafka + 4 sender threads (simulated, or SMPP to smsim smsc)."""
    t = run.topics()
    port, gw = run.gateway(t)
    procs = [gw]
    args = ["sender", "-n", "4"] + t["sender"]
    if smpp:
        smsc_port, smsc = run.smsc()
        procs.append(smsc)
        args += ["--name", "smpp", "--smsc", f"127.0.0.1:{smsc_port}", "--bind", "transmitter", "--window", "100"]
    else:
        args += ["--name", "sim", "--mean", "0s", "--stddev", "0s", "--distribution", "constant",
                 "--no-delivery-reports", "--window", str(window)]
    sender = run.spawn("sender", args)
    procs.append(sender)
    run.wait_senders(port, 4)
    http(port, "/produce-messages", {"num_messages": 1})  # warm-up: topic metadata, producer ids, sessions
    run_until_finished(port, 1, 0.01)
    pids = {"broker": run.broker_pid, "gateway": gw.pid, "sender": sender.pid}
    if smpp:
        pids["smsc"] = smsc.pid
    cpu_before = {k: cpu_seconds(p) for k, p in pids.items() if p}
    start = time.time()
    http(port, "/produce-messages", {"num_messages": n})
    m = run_until_finished(port, n + 1)
    took = time.time() - start
    cpu = {k: round((cpu_seconds(pids[k]) or 0) - (v or 0), 1) for k, v in cpu_before.items()}
    run.stop(procs)
    return {"messages": n, "seconds": round(took, 3), "msgs_per_s": round(n / took), "failed": m["messages_failed"],
            "latency_p50_s": m["latency"]["end_to_end"]["p50"], "latency_p99_s": m["latency"]["end_to_end"]["p99"],
            "cpu_s": cpu}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smsim", default=os.path.join(ROOT, "build", "smsim"))
    parser.add_argument("--messages", type=int, default=200_000, help="campaign size of each end-to-end row")
    parser.add_argument("--submits", type=int, default=1_000_000, help="submit_sm of each smsc-alone row")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "bench-smpp"))
    parser.add_argument("--smoke", action="store_true", help="small sizes, to show it works (CI)")
    parser.add_argument("--skip-e2e", action="store_true", help="only the smsc-alone rows (no broker)")
    a = parser.parse_args()
    if a.smoke:
        a.messages, a.submits = 3000, 50_000
    os.makedirs(a.out, exist_ok=True)
    state = tempfile.mkdtemp(prefix="smsim-bench-smpp-")
    run = Run(a.smsim, state)
    results = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "cores": os.cpu_count(),
               "load_average_at_start": os.getloadavg()[0], "smoke": a.smoke}
    ok = False
    try:
        results["smsc_1_session"] = smsc_alone(run, 1, a.submits)
        results["smsc_8_sessions"] = smsc_alone(run, 8, a.submits)
        if not a.skip_e2e:
            run.start_broker()
            results["e2e_simulated"] = end_to_end(run, a.messages, smpp=False)
            results["e2e_simulated_window_100"] = end_to_end(run, a.messages, smpp=False, window=100)
            results["e2e_smpp"] = end_to_end(run, a.messages, smpp=True)
            best = max(results["e2e_simulated"]["msgs_per_s"], results["e2e_simulated_window_100"]["msgs_per_s"])
            results["e2e_smpp_vs_simulated"] = round(results["e2e_smpp"]["msgs_per_s"] / best, 2)
        ok = True
    finally:
        run.destroy()
        if ok:
            shutil.rmtree(state, ignore_errors=True)
        else:
            print(f"bench_smpp: failed; logs kept in {state}", file=sys.stderr)

    r = results
    lines = [f"SMPP benchmark ({'smoke, ' if a.smoke else ''}{r['cores']} cores, load {r['load_average_at_start']:.1f} "
             f"at start)",
             f"{'row':<44} {'figure':>16}   target",
             f"{'smsim smsc alone, 1 session, window 100':<44} {r['smsc_1_session']['submit_sm_per_second']:>10,.0f} "
             f"sm/s   >= 100,000/s",
             f"{'smsim smsc alone, 8 sessions, window 100':<44} {r['smsc_8_sessions']['submit_sm_per_second']:>10,.0f} "
             f"sm/s   >= 100,000/s"]
    if "e2e_smpp" in r:
        lines += [f"{'end to end, simulated senders (4, 0 ms)':<44} {r['e2e_simulated']['msgs_per_s']:>10,.0f} msg/s",
                  f"{'end to end, simulated, window 100':<44} "
                  f"{r['e2e_simulated_window_100']['msgs_per_s']:>10,.0f} msg/s",
                  f"{'end to end, SMPP senders (4, window 100)':<44} {r['e2e_smpp']['msgs_per_s']:>10,.0f} msg/s",
                  f"{'SMPP / better simulated, same run':<44} {r['e2e_smpp_vs_simulated']:>16.2f}   >= 0.50",
                  f"{'CPU s, simulated run':<44} {json.dumps(r['e2e_simulated']['cpu_s'])}",
                  f"{'CPU s, simulated run, window 100':<44} {json.dumps(r['e2e_simulated_window_100']['cpu_s'])}",
                  f"{'CPU s, SMPP run':<44} {json.dumps(r['e2e_smpp']['cpu_s'])}"]
    print("\n".join(lines))
    path = os.path.join(a.out, "bench-smpp.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print(f"written: {path}")


if __name__ == "__main__":
    main()
