"""The processes a benchmark runs: one broker, gateways and sender programs on fresh topics, Kafka's
ProducerPerformance, and what /proc says about them (CPU time, peak RSS).

Lifecycle: Harness() picks free ports and a temp state dir; start_broker() starts a broker there;
every pipeline() is a gateway (and senders) on topics of its own, stopped by stop_all(); destroy()
stops everything and removes the broker's files. Single-threaded: the bench drives it from main().
"""
import json
import os
import re
import resource
import signal
import socket
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KAFKA_LIB = os.path.join(ROOT, "kafka", "lib", "*")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(port, path, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def cpu_seconds(pid):
    """User + system CPU time of a live process so far; None once it is gone."""
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


class CpuMeter:
    """CPU seconds each named group of processes spent between start() and stop()."""

    def __init__(self, groups):
        self.groups = {name: list(pids) for name, pids in groups.items()}
        self.before = {}

    def start(self):
        self.before = {name: [cpu_seconds(p) for p in pids] for name, pids in self.groups.items()}
        return self

    def stop(self):
        used = {}
        for name, pids in self.groups.items():
            total = 0.0
            for pid, before in zip(pids, self.before[name]):
                after = cpu_seconds(pid)
                if before is None or after is None:
                    raise RuntimeError(f"process {pid} ({name}) ended during a measurement")
                total += after - before
            used[name] = total
        return used


def run_measured(cmd, timeout, **kwargs):
    """Runs a command to its end; returns (stdout, CPU seconds of it and its reaped children)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError(f"{cmd[0]} did not finish within {timeout} s")
    # communicate() has reaped it; the children's counters now hold its time (and its children's).
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exited with {p.returncode}: {err.strip()[-2000:]}")
    return out, err


class ChildCpu:
    """CPU of children reaped between start() and stop() (RUSAGE_CHILDREN deltas)."""

    def start(self):
        self.before = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def stop(self):
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - self.before.ru_utime) + (after.ru_stime - self.before.ru_stime)


class Harness:
    def __init__(self, smsim, state):
        self.smsim, self.state = smsim, state
        self.kafka_port, self.controller_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.kafka_port}"
        self.procs = []
        self.serial = 0
        self.broker_pid = None
        self._admin = None

    # --- the broker ---------------------------------------------------------------------------
    def start_broker(self, heap="1g"):
        out = subprocess.run([self.smsim, "kafka", "start", "--port", str(self.kafka_port), "--controller-port",
                              str(self.controller_port), "--state-dir", self.state, "--heap", heap], check=True,
                             capture_output=True, text=True).stdout
        self.broker_pid = int(re.search(r"pid (\d+)", out).group(1))

    def destroy(self):
        self.stop_all()
        self._admin = None
        subprocess.run([self.smsim, "kafka", "destroy", "--port", str(self.kafka_port), "--state-dir", self.state],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def admin(self):
        """One admin client for the whole run: futures fail if their client is destroyed first."""
        if self._admin is None:
            from confluent_kafka.admin import AdminClient  # Debian's python3-confluent-kafka
            self._admin = AdminClient({"bootstrap.servers": self.bootstrap})
        return self._admin

    def create_topic(self, name, partitions):
        from confluent_kafka.admin import NewTopic
        for _, future in self.admin().create_topics([NewTopic(name, num_partitions=partitions,
                                                              replication_factor=1)]).items():
            future.result(60)

    def delete_topics(self, prefix):
        """Deletes a finished measurement's topics, so a long bench does not fill the disk."""
        admin = self.admin()
        names = [t for t in admin.list_topics(timeout=30).topics if t.startswith(prefix)]
        if names:
            for _, future in admin.delete_topics(names, operation_timeout=30).items():
                try:
                    future.result(60)
                except Exception:  # already gone: nothing to free
                    pass

    # --- smsim processes ----------------------------------------------------------------------
    def next_name(self, stem):
        self.serial += 1
        return f"{stem}{self.serial}"

    def spawn(self, name, args):
        log = open(os.path.join(self.state, f"{self.next_name(name)}.log"), "w")
        p = subprocess.Popen([self.smsim] + args + ["--bootstrap-servers", self.bootstrap], stdout=log, stderr=log)
        self.procs.append(p)
        return p

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []

    def pipeline(self, gateway_args=(), sender_programs=(), messages_partitions=None):
        """A gateway (and sender programs) on topics of their own. sender_programs: a list of
        argument lists, one program each. messages_partitions: create sms-messages beforehand
        with this many partitions (otherwise the gateway grows it to the number of senders)."""
        return Pipeline(self, list(gateway_args), [list(a) for a in sender_programs], messages_partitions)


class Pipeline:
    """One measured setup. Use as a context manager: its processes stop and its topics go at exit."""

    def __init__(self, h, gateway_args, sender_programs, messages_partitions):
        self.h = h
        self.prefix = h.next_name("b") + "-"
        t = self.prefix
        gateway_topics = ["--topic-messages", f"{t}messages", "--topic-status", f"{t}status",
                          "--topic-campaigns", f"{t}campaigns", "--topic-delivery-reports", f"{t}reports",
                          "--topic-message-status", f"{t}states", "--sender-group", f"{t}senders"]
        self.sender_topics = ["--topic-messages", f"{t}messages", "--topic-status", f"{t}status",
                              "--topic-delivery-reports", f"{t}reports", "--group", f"{t}senders"]
        self.messages_topic = f"{t}messages"
        if messages_partitions:
            h.create_topic(self.messages_topic, messages_partitions)
        self.port = free_port()
        self.gateway = h.spawn("gateway", ["gateway", "--port", str(self.port), "--max-campaign-size", "100000000"] +
                               gateway_topics + gateway_args)
        self.wait_healthy()
        self.senders = [h.spawn("sender", ["sender"] + args + self.sender_topics) for args in sender_programs]
        self.threads = sum(sender_threads(args) for args in sender_programs)
        if self.threads:
            self.wait_senders(self.threads)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.h.stop_all()
        self.h.delete_topics(self.prefix)

    def wait_healthy(self):
        for _ in range(480):
            try:
                if http(self.port, "/healthz")["status"] == "ok":
                    return
            except Exception:
                pass
            if self.gateway.poll() is not None:
                raise RuntimeError(f"the gateway exited with {self.gateway.returncode} (logs in {self.h.state})")
            time.sleep(0.25)
        raise RuntimeError("the gateway did not become healthy within 120 s")

    def wait_senders(self, n):
        """Until n senders are live and their group has settled: the messages topic has n partitions
        and every member owns one (a rebalance during a measurement would be measured)."""
        deadline = time.time() + 180
        while time.time() < deadline:
            if http(self.port, "/monitor").get("live_senders", 0) >= n:
                group = http(self.port, "/api/kafka/overview")["sender_group"]
                owned = [len(m.get("partitions", [])) for m in group["members"]]
                if len(owned) >= n and all(owned) and sum(owned) >= n and len(group["lag"]) == sum(owned):
                    time.sleep(1.0)  # the senders' heartbeats catch up with the assignment
                    return
            time.sleep(0.25)
        raise RuntimeError(f"{n} senders did not join, or their group did not settle, within 180 s")

    def pids(self):
        return {"broker": [self.h.broker_pid], "gateway": [self.gateway.pid], "senders": [p.pid for p in self.senders]}

    def post(self, body):
        return http(self.port, "/produce-messages", body)["campaign_id"]

    def campaign(self, cid):
        return http(self.port, f"/api/campaigns/{cid}")

    def wait_finished(self, cid, total, poll_s=0.02, timeout=600):
        """Until the gateway has counted a status for every message of the campaign."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.campaign(cid)["messages_finished"] >= total:
                return
            time.sleep(poll_s)
        raise RuntimeError(f"campaign {cid} did not finish within {timeout} s")

    def wait_published(self, cid, total, poll_s=0.02, timeout=600):
        """Until the campaign's durable prefix (acknowledged by Kafka) covers every message."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.campaign(cid)["published"] >= total:
                return
            time.sleep(poll_s)
        raise RuntimeError(f"campaign {cid} was not published within {timeout} s")

    def first_message(self):
        """One message through the fresh pipeline, so that the figures describe a running system and
        not its first seconds (topic metadata, new partitions, producer ids). Returns its time."""
        start = time.time()
        cid = self.post({"num_messages": 1})
        self.wait_finished(cid, 1, 0.01)
        return time.time() - start

    def monitor(self):
        return http(self.port, "/monitor")


def sender_threads(args):
    for flag in ("-n", "--senders"):
        if flag in args:
            return int(args[args.index(flag) + 1])
    return 1


def producer_performance(h, topic, records, size, props, timeout=1800):
    """Kafka's own producer benchmark from the same jars: (records/s, CPU seconds of its JVM)."""
    cpu = ChildCpu().start()
    out, _ = run_measured(["java", "-Xms1g", "-Xmx1g", "-cp", KAFKA_LIB, "org.apache.kafka.tools.ProducerPerformance",
                           "--topic", topic, "--num-records", str(records), "--record-size", str(size),
                           "--throughput", "-1", "--producer-props", f"bootstrap.servers={h.bootstrap}"] +
                          [f"{k}={v}" for k, v in props.items()], timeout)
    last = [line for line in out.splitlines() if "records sent" in line][-1]
    return float(re.search(r"([\d.]+) records/sec", last).group(1)), cpu.stop()


def mean_record_size(bootstrap, topic, key_prefix, limit):
    """Mean key + value bytes of up to `limit` records of `topic` whose key starts with key_prefix
    (one campaign's messages), read back from the beginning."""
    from confluent_kafka import Consumer, TopicPartition  # Debian's python3-confluent-kafka
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-size-{time.time_ns()}",
                  "enable.auto.commit": False, "enable.partition.eof": True})
    try:
        parts = c.list_topics(topic, timeout=30).topics[topic].partitions
        c.assign([TopicPartition(topic, p, 0) for p in parts])  # offset 0: from the beginning
        pending, count, total = set(parts), 0, 0
        deadline = time.time() + 300
        while pending and count < limit and time.time() < deadline:
            for m in c.consume(1000, 1.0):
                if m.error():
                    if m.error().code() == -191:  # _PARTITION_EOF
                        pending.discard(m.partition())
                    continue
                key = m.key() or b""
                if key.startswith(key_prefix.encode()):
                    count += 1
                    total += len(key) + len(m.value() or b"")
        if count == 0:
            raise RuntimeError(f"no records of {key_prefix} found on {topic}")
        return total / count, count
    finally:
        c.close()
