#!/usr/bin/python3
"""The original exercise's programs against smsim: every cell of the compatibility matrix.

    {original producer shape, smsim gateway} x {original sender, smsim sender} x
    {original monitor contract, smsim monitor}

Four runs on one throw-away broker (free ports, temp dir), each with its own topics; each run
covers two cells, one per monitor:

  1. smsim gateway  + original senders   (gateway /monitor; the original page in chromium; smsim's page)
  2. smsim gateway  + smsim senders, one program with --legacy-status; status URLs followed at once
  3. original producer service + original senders, smsim gateway watching
  4. original producer service + smsim senders --legacy-status, smsim gateway watching

Every run: a campaign of COMPAT_MESSAGES (2000) messages; exact totals on every /monitor involved;
the original three fields with their original types; sent + failed never above the produced count
at any poll; no anomalies. Needs Debian's python3-confluent-kafka (run with /usr/bin/python3),
SMSIM_BINARY (default build/smsim) and, for the browser part, chromium and Node.js.
Prints PASS/FAIL lines and ends with "N passed, M failed"; exits non-zero on any failure.
"""
import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
SMSIM = os.environ.get("SMSIM_BINARY", os.path.join(REPO, "build", "smsim"))
CHROMIUM = os.environ.get("SMSIM_CHROMIUM", "/usr/bin/chromium")
MESSAGES = int(os.environ.get("COMPAT_MESSAGES", "2000"))
PYTHON = "/usr/bin/python3"

passed = 0
failed = 0
processes = []  # (name, Popen, log path)
work = tempfile.mkdtemp(prefix="smsim-compat.")
broker = {}


def say(text):
    print(f"compat: {text}", file=sys.stderr, flush=True)


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS: {name}{f' ({detail})' if detail else ''}", flush=True)
    else:
        failed += 1
        print(f"FAIL: {name}{f': {detail}' if detail else ''}", flush=True)
    return ok


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def die_with_parent():
    # Children get SIGTERM if this driver dies (even by SIGKILL): nothing is left behind.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def start(name, argv, cwd=REPO):
    log = os.path.join(work, f"{name}.log")
    p = subprocess.Popen(argv, cwd=cwd, stdout=open(log, "w"), stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    processes.append((name, p, log))
    return p


def stop(p, timeout=15):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def tail(name, lines=15):
    for n, _, log in processes:
        if n == name and os.path.exists(log):
            with open(log) as f:
                return "".join(f.readlines()[-lines:])
    return ""


def cleanup():
    for _, p, _ in reversed(processes):
        stop(p, timeout=5)
    if broker:
        subprocess.run([SMSIM, "kafka", "destroy", "--port", str(broker["port"]), "--controller-port",
                        str(broker["controller"]), "--state-dir", os.path.join(work, "state")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if failed:
        for name, _, log in processes:
            say(f"last lines of {name}.log:\n{tail(name, 8)}")
    shutil.rmtree(work, ignore_errors=True)


atexit.register(cleanup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def http(method, url, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text.decode(errors="replace")


def wait_for(what, fn, timeout=60, every=0.2):
    deadline = time.time() + timeout
    while True:
        try:
            value = fn()
            if value:
                return value
        except (OSError, ValueError):
            pass
        if time.time() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class Run:
    """One run: its topics, the gateway, and whatever producer and senders the cell needs."""

    def __init__(self, name, default_topics=False):
        """default_topics: the original's topic names (the first run, on a fresh broker); else suffixed."""
        self.name = name
        self.default_topics = default_topics
        self.topics = {k: v if default_topics else f"{v}-{name}" for k, v in {
            "messages": "sms-messages", "status": "sender-status-updates", "smsim_status": "smsim-status-updates",
            "campaigns": "sms-campaigns", "delivery_reports": "delivery-reports",
            "message_status": "message-status"}.items()}
        self.bootstrap = broker["bootstrap"]
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        # As the original did by hand: enough partitions for the senders before anyone subscribes.
        futures = admin.create_topics([NewTopic(self.topics["messages"], 4, 1), NewTopic(self.topics["status"], 6, 1),
                                       NewTopic(self.topics["smsim_status"], 6, 1)])
        for f in futures.values():
            f.result(30)
        self.gateway_port, self.service_port, self.page_port = free_ports(3)
        self.gateway = f"http://127.0.0.1:{self.gateway_port}"
        self.service = f"http://127.0.0.1:{self.service_port}"
        self.page_origin = f"http://localhost:{self.page_port}"

    def topic_flags(self, *names):
        flags = []
        for n in names:
            flags += [f"--topic-{n.replace('_', '-')}", self.topics[n]]
        return flags

    def start_gateway(self):
        start(f"{self.name}-gateway", [SMSIM, "gateway", "--port", str(self.gateway_port), "--bootstrap-servers",
                                       self.bootstrap, "--cors-origin", self.page_origin, "--refresh-interval", "1",
                                       *self.topic_flags("messages", "status", "smsim_status", "campaigns",
                                                         "delivery_reports", "message_status")])
        wait_for("the gateway", lambda: http("GET", f"{self.gateway}/healthz")[0] == 200, timeout=90)

    def start_service(self):
        start(f"{self.name}-service", [PYTHON, os.path.join(HERE, "original_producer_service.py"), "--port",
                                       str(self.service_port), "--bootstrap-servers", self.bootstrap, "--topic",
                                       self.topics["messages"], "--status-topic", self.topics["status"]], cwd=HERE)
        wait_for("the original producer service", lambda: http("GET", f"{self.service}/monitor")[0] == 200, timeout=30)

    def start_original_senders(self, n=2):
        # With the original's topic names the sender runs as the original did: no topic flags at all.
        topics = [] if self.default_topics else ["--topic", self.topics["messages"], "--status-topic", self.topics["status"]]
        return start(f"{self.name}-original-senders",
                     [PYTHON, os.path.join(HERE, "original_sender.py"), "--bootstrap-servers", self.bootstrap,
                      "--senders", str(n), *topics, "--id-prefix", f"py-{self.name}"])

    def start_smsim_sender(self, name, n, *extra):
        return start(f"{self.name}-{name}", [SMSIM, "sender", "--name", name, "--senders", str(n), "--mean", "2ms",
                                             "--stddev", "1ms", "--failure-rate", "0.1", "--no-delivery-reports",
                                             "--bootstrap-servers", self.bootstrap,
                                             *self.topic_flags("messages", "status", "smsim_status", "delivery_reports"),
                                             *extra])

    def monitor(self):
        status, body = http("GET", f"{self.gateway}/monitor")
        if status != 200:
            raise ValueError(f"gateway /monitor answered {status}")
        return body

    def follow(self, expected, produced_known, service=False, timeout=120):
        """Polls the monitors until `expected` messages finished; checks the invariant at every poll."""
        polls, worst = 0, None
        deadline = time.time() + timeout
        while True:
            m = self.monitor()
            polls += 1
            finished = m["messages_sent"] + m["messages_failed"]
            limit = min(m["messages_produced"], produced_known())
            if finished > limit and worst is None:
                worst = f"poll {polls}: sent+failed {finished} > produced {m['messages_produced']} (known {produced_known()})"
            s_finished = expected
            if service:
                status, sm = http("GET", f"{self.service}/monitor")
                if status != 200:
                    worst = worst or f"the original service's /monitor answered {status}: {sm}"
                    s_finished = -1
                else:
                    s_finished = sm["messages_sent"] + sm["messages_failed"]
                    if s_finished > produced_known() and worst is None:
                        worst = f"poll {polls}: original service sent+failed {s_finished} > produced {produced_known()}"
            if finished >= expected and s_finished >= expected:
                break
            if time.time() > deadline:
                break
            time.sleep(0.25)
        time.sleep(2.5)  # anything late shows now
        check(f"[{self.name}] sent + failed never exceeded the produced count ({polls} polls)", worst is None, worst or "")
        return self.monitor()

    def expect_original_contract(self, m, expected, where):
        fields = {k: m.get(k) for k in ("messages_sent", "messages_failed", "average_time_per_message")}
        types_ok = (type(fields["messages_sent"]) is int and type(fields["messages_failed"]) is int
                    and type(fields["average_time_per_message"]) is float)
        check(f"[{self.name}] {where}: the original three fields with their types", types_ok, json.dumps(fields))
        total = (fields["messages_sent"] or 0) + (fields["messages_failed"] or 0)
        check(f"[{self.name}] {where}: messages_sent + messages_failed == {expected} exactly", total == expected,
              f"{fields['messages_sent']} + {fields['messages_failed']} = {total}")
        check(f"[{self.name}] {where}: average_time_per_message is a positive time",
              isinstance(fields["average_time_per_message"], float) and 0 < fields["average_time_per_message"] < 1,
              str(fields["average_time_per_message"]))


def smsim_monitor_checks(run, m, expected):
    check(f"[{run.name}] gateway /monitor: no anomalies, nothing waiting", m["anomalies"] == 0 and m["legacy_waiting"] == 0,
          f"anomalies {m['anomalies']} ({m.get('anomaly')}), waiting {m['legacy_waiting']}")
    check(f"[{run.name}] gateway /monitor: produced == {expected}, none in flight",
          m["messages_produced"] == expected and m["messages_in_flight"] == 0,
          f"produced {m['messages_produced']}, in flight {m['messages_in_flight']}")


def legacy_sender_checks(run, m, expected, consumers):
    counters = [s for s in m["senders"] if s.get("kind") == "legacy_counters"]
    members = [s for s in m["senders"] if s.get("kind") == "legacy_consumer"]
    total = sum(s["messages_sent"] + s["messages_failed"] for s in counters)
    # Every sender that processed something has its row (the original producer's unkeyed records
    # may all land on one member's partitions).
    check(f"[{run.name}] smsim monitor: the legacy senders' own figures add up to {expected}",
          1 <= len(counters) <= 2 and total == expected and all(s["legacy"] for s in counters),
          f"{[(s['sender_id'], s['messages_sent'], s['messages_failed']) for s in counters]}")
    if consumers:
        check(f"[{run.name}] smsim monitor: the legacy group's members are listed as legacy senders",
              len(members) == 2 and all(s["legacy"] and s["settings"] is None and s["partitions"] for s in members),
              f"{[(s['sender_id'], s['partitions']) for s in members]}")


def ensure_playwright():
    e2e = os.path.join(REPO, "tests", "e2e")
    marker = os.path.join(e2e, "node_modules", ".package-lock.json")
    if not os.path.exists(marker) or os.path.getmtime(os.path.join(e2e, "package-lock.json")) > os.path.getmtime(marker):
        say("installing playwright-core (npm ci in tests/e2e)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=e2e, check=True,
                       stdout=sys.stderr)
        os.utime(marker)


def browser_checks(run, legacy_rows):
    """The original monitor page (its own origin) and smsim's page, in chromium."""
    if not check("chromium and node are installed", os.access(CHROMIUM, os.X_OK) and shutil.which("node"),
                 f"{CHROMIUM}, node {shutil.which('node')}"):
        return
    ensure_playwright()
    server = start(f"{run.name}-page", [PYTHON, "-m", "http.server", str(run.page_port), "--bind", "127.0.0.1",
                                        "--directory", os.path.join(HERE, "original-monitor")])
    wait_for("the page server", lambda: urllib.request.urlopen(f"{run.page_origin}/index.html", timeout=2).status == 200)
    env = dict(os.environ, COMPAT_GATEWAY=run.gateway, COMPAT_PAGE=f"{run.page_origin}/index.html?gateway={run.gateway}",
               COMPAT_LEGACY_ROWS=str(legacy_rows), E2E_CHROMIUM=CHROMIUM)
    result = subprocess.run(["node", os.path.join(HERE, "original_monitor.e2e.mjs")], env=env, capture_output=True,
                            text=True, timeout=180)
    for line in result.stdout.splitlines():
        if line.startswith(("PASS: ", "FAIL: ")):
            check(f"[{run.name}] browser: {line[6:].split(' (')[0].split(': ')[0]}", line.startswith("PASS"), line[6:])
    check(f"[{run.name}] browser test ran to the end", result.returncode == 0 or "failed" in result.stdout,
          result.stderr[-500:])
    stop(server)


# --- the four runs -------------------------------------------------------------------------------

def run_smsim_gateway_original_senders():
    run = Run("gw-pysend", default_topics=True)
    run.start_gateway()
    senders = run.start_original_senders(2)
    wait_for("the original senders as legacy senders in /monitor",
             lambda: len([s for s in run.monitor()["senders"] if s.get("kind") == "legacy_consumer"]) == 2, timeout=60)
    status, accepted = http("POST", f"{run.gateway}/produce-messages", {"num_messages": MESSAGES})
    check(f"[{run.name}] POST /produce-messages answers 202", status == 202, str(accepted)[:200])
    m = run.follow(MESSAGES, lambda: MESSAGES)
    run.expect_original_contract(m, MESSAGES, "gateway /monitor")
    smsim_monitor_checks(run, m, MESSAGES)
    legacy_sender_checks(run, m, MESSAGES, consumers=True)
    browser_checks(run, legacy_rows=2 + len([s for s in m["senders"] if s.get("kind") == "legacy_counters"]))
    check(f"[{run.name}] the original senders stop cleanly", stop(senders) == 0, tail(f"{run.name}-original-senders", 3))
    anomalies(run, m)


def anomalies(run, before):
    """A legacy record that no produced message accounts for: counted as anomalies, never added, logged once."""
    from confluent_kafka import Producer
    producer = Producer({"bootstrap.servers": run.bootstrap})
    # A sender nobody gave messages to claims 100, then 150 (e.g. the original re-processing after a restart).
    for success in (100, 150):
        producer.produce(run.topics["status"], key="rogue", value=json.dumps(
            {"sender_id": "rogue", "success_count": success, "failed_count": 0, "total_processing_time": 1.0}))
        producer.flush(10)
        time.sleep(0.5)
    m = wait_for("the anomalies after the 10 s grace", lambda: (lambda m: m if m["anomalies"] == 150 else None)(run.monitor()),
                 timeout=30)
    check(f"[{run.name}] finishes no produced message accounts for become anomalies, not sent",
          m["messages_sent"] == before["messages_sent"] and m["messages_failed"] == before["messages_failed"]
          and m["messages_produced"] == before["messages_produced"], f"anomalies {m['anomalies']}: {m['anomaly']}")
    with urllib.request.urlopen(f"{run.gateway}/metrics", timeout=10) as r:
        metrics = r.read().decode()
    check(f"[{run.name}] /metrics smsim_anomalies_total 150", "\nsmsim_anomalies_total 150\n" in metrics)
    def logged():
        with open(os.path.join(work, f"{run.name}-gateway.log")) as f:
            return [line for line in f if "not counted" in line]
    try:  # the status reader looks once a second
        wait_for("the anomaly in the gateway's log", logged, timeout=10)
    except TimeoutError:
        pass
    time.sleep(2)  # ...and must not say it again
    check(f"[{run.name}] the anomaly is logged once", len(logged()) == 1, "".join(logged())[-300:])


def run_smsim_gateway_smsim_senders():
    run = Run("gw-smsim")
    run.start_gateway()
    run.start_smsim_sender("plain", 2)
    run.start_smsim_sender("legacy", 1, "--legacy-status")
    wait_for("three live smsim senders", lambda: run.monitor()["live_senders"] >= 3, timeout=60)
    status, accepted = http("POST", f"{run.gateway}/produce-messages", {"num_messages": MESSAGES})
    check(f"[{run.name}] POST /produce-messages answers 202", status == 202, str(accepted)[:200])
    m = run.follow(MESSAGES, lambda: MESSAGES)
    run.expect_original_contract(m, MESSAGES, "gateway /monitor")
    smsim_monitor_checks(run, m, MESSAGES)
    by_sender = {s["sender_id"]: s for s in m["senders"]}
    legacy_ids = [i for i in by_sender if i.startswith("legacy-")]
    check(f"[{run.name}] the --legacy-status sender worked and is counted once, by id (its legacy record skipped)",
          len(legacy_ids) == 1 and by_sender[legacy_ids[0]]["messages_sent"] + by_sender[legacy_ids[0]]["messages_failed"] > 0
          and not by_sender[legacy_ids[0]]["legacy"] and m["duplicates_ignored"] == 0,
          json.dumps({i: [by_sender[i]["messages_sent"], by_sender[i]["messages_failed"]] for i in by_sender}))
    status_urls(run)


def status_urls(run, n=100):
    """Follows status_url immediately after each 202: never a 404."""
    states, not_found = {}, []
    for i in range(n):
        status, accepted = http("POST", f"{run.gateway}/api/messages", {"to": "+4915112345678", "text": f"alert {i}"})
        if status != 202:
            not_found.append(f"POST {i} answered {status}")
            continue
        status, body = http("GET", f"{run.gateway}{accepted['status_url']}")
        if status != 200:
            not_found.append(f"{accepted['status_url']}: {status}")
        else:
            states[body["state"]] = states.get(body["state"], 0) + 1
    check(f"[{run.name}] {n} messages: GET status_url right after the 202 never 404s", not not_found and
          set(states) <= {"ACCEPTED", "PENDING", "SENT", "FAILED"}, f"{states} {not_found[:3]}")
    campaign_states, bad = {}, []
    for i in range(20):
        status, accepted = http("POST", f"{run.gateway}/produce-messages", {"num_messages": 1})
        status, body = http("GET", f"{run.gateway}{accepted['status_url']}")
        if status != 200:
            bad.append(status)
        else:
            campaign_states[body["state"]] = campaign_states.get(body["state"], 0) + 1
    check(f"[{run.name}] 20 campaigns: GET status_url right after the 202 never 404s", not bad, f"{campaign_states} {bad[:3]}")
    check(f"[{run.name}] state ACCEPTED is seen right after a 202", "ACCEPTED" in states or "ACCEPTED" in campaign_states,
          f"messages {states}, campaigns {campaign_states}")
    status, body = http("GET", f"{run.gateway}/api/messages/nevercampaign:0")
    check(f"[{run.name}] an id never accepted answers 404", status == 404, f"{status} {body}")
    wait_for("the extra messages to finish", lambda: (lambda m: m["messages_sent"] + m["messages_failed"])(run.monitor())
             == MESSAGES + n + 20, timeout=60)
    status, body = http("GET", f"{run.gateway}{accepted['status_url']}")
    check(f"[{run.name}] a campaign's status_url ends FINISHED", status == 200 and body["state"] == "FINISHED", str(body)[:200])


def run_original_service(sender_kind):
    run = Run(f"svc-{sender_kind}")
    run.start_gateway()  # watching: the smsim monitor of this cell
    run.start_service()
    dead_before = run.monitor()["dead_letters"]
    if sender_kind == "pysend":
        senders = [run.start_original_senders(2)]
    else:
        senders = [run.start_smsim_sender("legacy", 2, "--legacy-status")]
    time.sleep(3)  # let the senders join their group (the original's senders read from the earliest offset anyway)
    status, body = http("POST", f"{run.service}/produce-messages", {"num_messages": MESSAGES}, timeout=60)
    check(f"[{run.name}] the original service produced {MESSAGES} messages", status == 200, str(body))
    m = run.follow(MESSAGES, lambda: MESSAGES, service=True)
    status, sm = http("GET", f"{run.service}/monitor")
    check(f"[{run.name}] the original service's /monitor answers 200", status == 200, str(sm)[:300])
    if status == 200:
        run.expect_original_contract(sm, MESSAGES, "original service /monitor")
    run.expect_original_contract(m, MESSAGES, "gateway /monitor")
    smsim_monitor_checks(run, m, MESSAGES)
    if sender_kind == "pysend":
        legacy_sender_checks(run, m, MESSAGES, consumers=True)
    else:
        check(f"[{run.name}] smsim senders read the original's records: none dead-lettered",
              m["dead_letters"] == dead_before, f"{m['dead_letters'] - dead_before} dead letters")
        check(f"[{run.name}] ids from topic/partition/offset: counted once", m["duplicates_ignored"] == 0,
              f"duplicates {m['duplicates_ignored']}")
        audit_status_topic(run)
    for p in senders:
        stop(p)
    restarted_gateway_counts_the_same(run, m)


def restarted_gateway_counts_the_same(run, before):
    """A restarted gateway replays the status topics: the same figures, legacy history squared again."""
    for name, p, _ in processes:
        if name == f"{run.name}-gateway" and p.poll() is None:
            stop(p)
    run.start_gateway()
    time.sleep(11)  # past the 10 s grace: whatever could not be squared would be an anomaly now
    m = run.monitor()
    same = all(m[k] == before[k] for k in ("messages_sent", "messages_failed", "messages_produced"))
    check(f"[{run.name}] a restarted gateway shows the same figures, no anomalies",
          same and m["anomalies"] == 0 and m["messages_in_flight"] == 0,
          f"sent {m['messages_sent']}, failed {m['messages_failed']}, produced {m['messages_produced']}, "
          f"anomalies {m['anomalies']} (before: {before['messages_sent']}, {before['messages_failed']}, "
          f"{before['messages_produced']})")


def audit_status_topic(run):
    """With --legacy-status, the status topic holds only records the original service can read."""
    consumer = Consumer({"bootstrap.servers": run.bootstrap, "group.id": f"compat-audit-{run.name}",
                         "enable.auto.commit": False})
    parts = consumer.list_topics(run.topics["status"], timeout=10).topics[run.topics["status"]].partitions
    ends = {}
    for p in parts:
        low, high = consumer.get_watermark_offsets(TopicPartition(run.topics["status"], p), timeout=10)
        if high > low:
            ends[p] = high
    consumer.assign([TopicPartition(run.topics["status"], p, 0) for p in ends])
    records, bad = 0, []
    deadline = time.time() + 30
    while ends and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        records += 1
        value = json.loads(msg.value())
        if set(value) != {"sender_id", "success_count", "failed_count", "total_processing_time"} or msg.key() is None:
            bad.append(value)
        if msg.offset() + 1 >= ends.get(msg.partition(), 0):
            ends.pop(msg.partition(), None)
    consumer.close()
    check(f"[{run.name}] the status topic holds only the original's cumulative records, keyed by sender_id",
          records > 0 and not bad and not ends, f"{records} records, {len(bad)} other: {bad[:2]}")


def main():
    if not check("smsim binary present", os.access(SMSIM, os.X_OK), SMSIM):
        return
    port, controller = free_ports(2)
    broker.update(port=port, controller=controller, bootstrap=f"127.0.0.1:{port}")
    say(f"broker on 127.0.0.1:{port} (work dir {work}); {MESSAGES} messages per run")
    r = subprocess.run([SMSIM, "kafka", "start", "--port", str(port), "--controller-port", str(controller),
                        "--state-dir", os.path.join(work, "state")], capture_output=True, text=True)
    if not check("the test broker starts", r.returncode == 0, r.stderr[-500:]):
        return
    for name, fn in [("smsim gateway x original senders", run_smsim_gateway_original_senders),
                     ("smsim gateway x smsim senders", run_smsim_gateway_smsim_senders),
                     ("original producer service x original senders", lambda: run_original_service("pysend")),
                     ("original producer service x smsim senders --legacy-status", lambda: run_original_service("smsim"))]:
        started = time.time()
        say(f"run: {name}")
        try:
            fn()
        except Exception as e:  # a run that cannot finish is a failure, and the next run still goes
            check(f"run '{name}' completed", False, f"{type(e).__name__}: {e}")
        for n, p, _ in processes:  # each run's processes end with it
            if p.poll() is None:
                stop(p)
        say(f"run done in {time.time() - started:.1f} s")


if __name__ == "__main__":
    t0 = time.time()
    try:
        main()
    finally:
        say(f"total {time.time() - t0:.1f} s")
        print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
