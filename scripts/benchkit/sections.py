"""The bench's sections. A section is a function section(ctx) that measures something and adds rows
(ctx.res.add_row) and curve points (ctx.res.add_curve_point) to the results; SECTIONS lists them in
running order with the condition under which each runs. To add one (SMPP rows, a 3-broker cluster):
write the function, append it to SECTIONS, and give the report template a {{rows:<id>}} placeholder
(without one, the report lists its rows under "Other measurements").

Every figure is measured ctx.repeat times on fresh topics and reported as median, min and max.
Sections that compare two things (reference / smsim, naive / smsim) alternate them round by round,
so that a broker that is still getting faster does not favour whichever ran last.
"""
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable

from .harness import ROOT, ChildCpu, CpuMeter, mean_record_size, peak_rss_mb, producer_performance, run_measured

# smsim's own producers (src/gateway/dispatcher.cpp, src/kafka/producer.*): acks=all, idempotent,
# linger 1 ms (credit dispatch) / 5 ms (eager), batch.num.messages 10000 with librdkafka's batch.size
# of 1,000,000 bytes. The tuned reference takes the longer linger (more batching, more throughput).
UNTUNED_PROPS = {"acks": "all"}
TUNED_PROPS = {"acks": "all", "enable.idempotence": "true", "linger.ms": "5", "batch.size": "1000000"}
PARTITIONS = 4  # sms-messages with 4 senders; the reference and the intake use as many


def zero_delay(threads):
    """The default sender program at 0 ms: delivery reports on, failure rate 0."""
    return ["-n", str(threads), "--mean", "0s", "--stddev", "0s", "--failure-rate", "0"]


@dataclass
class Context:
    h: object              # harness.Harness
    res: object            # results.Results
    args: object           # the command line
    repeat: int
    sizes: dict            # messages per kind of run (see bench.py sizes())
    record_size: int = 0   # bytes: smsim's measured mean sms-messages record (key + value)

    def log(self, text):
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def per_message_us(cpu_s, n):
    return {k: v / n * 1e6 for k, v in cpu_s.items()}


def smsim_run(ctx, n, sender_programs, gateway_args=(), body=None, messages_partitions=None, poll_s=0.02,
              measure_size=False):
    """N messages through a fresh pipeline, timed from the POST to the gateway counting the last
    status (the campaign's messages_finished). Returns one run: rate, CPU per process, latency; with
    measure_size, also the campaign's mean record size on sms-messages."""
    with ctx.h.pipeline(gateway_args, sender_programs, messages_partitions) as p:
        first = p.first_message()
        meter = CpuMeter(p.pids()).start()
        start = time.time()
        cid = p.post(dict({"num_messages": n}, **(body or {})))
        pace = (body or {}).get("rate_per_second") or 0
        # Generous, but finite: a stuck pipeline must end the bench, not hang it (at least 500/s).
        p.wait_finished(cid, n, poll_s, timeout=120 + (2 * n / pace if pace else n / 500))
        took = time.time() - start
        cpu = meter.stop()
        monitor = p.monitor()
        run = {"value": n / took, "messages": n, "seconds": took, "cpu_s": cpu,
               "cpu_us_per_msg": per_message_us(cpu, n), "latency": monitor["latency"],
               "cpu_share": sum(cpu.values()) / took / os.cpu_count(),
               "rss_mb": {"gateway": peak_rss_mb(p.gateway.pid),
                          "senders": max((peak_rss_mb(s.pid) or 0 for s in p.senders), default=None)},
               "first_message_s": first, "campaign_id": cid, "topic": p.messages_topic}
        if measure_size:
            size, sampled = mean_record_size(ctx.h.bootstrap, p.messages_topic, cid + ":",
                                             min(n, ctx.sizes["size_sample"]))
            run["record_size"] = {"mean_bytes": size, "sampled": sampled}
    return run


def ms(v):
    return None if v is None else v * 1000


def latency_ms(kind, q):
    return lambda r: ms((r["latency"].get(kind) or {}).get(q))


# --- warm-up --------------------------------------------------------------------------------------
def warm_up(ctx):
    """The broker is a JVM that compiles its hot code while it runs: its first minute is several
    times slower than its steady state. One unmeasured smsim campaign (which also gives smsim's
    record size) and one unmeasured run of each reference come first."""
    ctx.res.section("setup", "Setup and warm-up")
    w = ctx.sizes["warm_up"]
    ctx.log(f"warm-up: smsim, {w // 3:,} messages through 4 senders (record size measured on its topic)")
    run = smsim_run(ctx, w // 3, [zero_delay(4)], measure_size=True)
    ctx.record_size = round(run["record_size"]["mean_bytes"])
    ctx.res.add_row("setup", "record_size", "smsim sms-messages record, mean key + value", "B",
                    [{"value": run["record_size"]["mean_bytes"], "sampled": run["record_size"]["sampled"],
                      "campaign_messages": w // 3}], digits=1,
                    how="one default campaign (1..100 random characters) read back from its topic")
    warm = {"smsim_msgs_per_s": run["value"]}
    for name, props in (("untuned", UNTUNED_PROPS), ("tuned", TUNED_PROPS)):
        ctx.log(f"warm-up: reference {name}, {w:,} records of {ctx.record_size} B")
        warm[f"reference_{name}_msgs_per_s"], _ = reference_run(ctx, w, props, "warm")
    ctx.res.note("warm_up", dict(warm, messages=w))


def reference_run(ctx, records, props, tag):
    topic = ctx.h.next_name(f"ref-{tag}-")
    ctx.h.create_topic(topic, PARTITIONS)
    cpu = CpuMeter({"broker": [ctx.h.broker_pid]}).start()
    rate, client_cpu = producer_performance(ctx.h, topic, records, ctx.record_size, props)
    used = dict(cpu.stop(), producer=client_cpu)
    ctx.h.delete_topics(topic)
    return rate, {"value": rate, "messages": records, "cpu_s": used, "cpu_us_per_msg": per_message_us(used, records)}


# --- reference, intake and end to end, round by round ---------------------------------------------
def core(ctx):
    ctx.res.section("core", "Throughput against Kafka's own producer",
                    "Every ratio is over the better (higher median) of the two references.")
    n = ctx.sizes["messages"]
    runs = {"reference_untuned": [], "reference_tuned": [], "intake": [], "e2e_4": []}
    for i in range(ctx.repeat):
        ctx.log(f"round {i + 1}/{ctx.repeat}: reference untuned, tuned ({n:,} records of {ctx.record_size} B)")
        runs["reference_untuned"].append(reference_run(ctx, n, UNTUNED_PROPS, "untuned")[1])
        runs["reference_tuned"].append(reference_run(ctx, n, TUNED_PROPS, "tuned")[1])
        ctx.log(f"round {i + 1}/{ctx.repeat}: intake ({n:,} messages)")
        runs["intake"].append(intake_run(ctx, n))
        ctx.log(f"round {i + 1}/{ctx.repeat}: end to end, 4 senders ({n:,} messages)")
        runs["e2e_4"].append(smsim_run(ctx, n, [zero_delay(4)]))
    add = ctx.res.add_row
    add("core", "reference_untuned", "reference: ProducerPerformance, Kafka's defaults", "msg/s",
        runs["reference_untuned"], how=f"acks=all, {PARTITIONS} partitions, records of smsim's mean size")
    add("core", "reference_tuned", "reference: ProducerPerformance, tuned like smsim", "msg/s", runs["reference_tuned"],
        how="acks=all, idempotent, linger.ms=5, batch.size=1000000")
    add("core", "intake", "intake (POST until durable, no senders)", "msg/s", runs["intake"], vs="reference",
        how=f"--dispatch eager, tracker on, sms-messages of {PARTITIONS} partitions")
    add("core", "e2e_4", "end to end, 4 senders (the default product)", "msg/s", runs["e2e_4"], vs="reference",
        how="one sender program of 4 threads at 0 ms, delivery reports on, tracker on; POST → last status counted")
    e2e_details(ctx, "core", "e2e_4", runs["e2e_4"], "full load")
    gateway_cpu_point(ctx, n, runs["e2e_4"])


def intake_run(ctx, n):
    with ctx.h.pipeline(["--dispatch", "eager"], messages_partitions=PARTITIONS) as p:
        p.wait_published(p.post({"num_messages": 1}), 1, 0.01)  # topic metadata, producer id
        meter = CpuMeter({"broker": [ctx.h.broker_pid], "gateway": [p.gateway.pid]}).start()
        start = time.time()
        p.wait_published(p.post({"num_messages": n}), n, timeout=120 + n / 500)
        took = time.time() - start
        cpu = meter.stop()
    return {"value": n / took, "messages": n, "seconds": took, "cpu_s": cpu, "cpu_us_per_msg": per_message_us(cpu, n)}


def e2e_details(ctx, section, rid, runs, load):
    """The rows every end-to-end measurement has: latency both ways, CPU per message, memory."""
    add = ctx.res.add_row
    src = {"runs_from": rid}
    for kind, name in (("end_to_end", "publish → finish"), ("accepted_to_counted", "accepted → counted")):
        for q in ("p50", "p99"):
            add(section, f"{rid}_{kind}_{q}", f"{name} {q}, {load}", "ms", runs, value=latency_ms(kind, q), digits=1,
                **src)
    for proc in ("broker", "gateway", "senders"):
        add(section, f"{rid}_cpu_{proc}", f"CPU per message: {proc}", "µs", runs,
            value=lambda r, proc=proc: r["cpu_us_per_msg"][proc], digits=1, **src)
    add(section, f"{rid}_cpu_share", "CPU used, share of all cores", "%", runs, value=lambda r: r["cpu_share"] * 100,
        **src)
    add(section, f"{rid}_rss_gateway", "peak RSS, gateway", "MB", runs, value=lambda r: r["rss_mb"]["gateway"], **src)
    add(section, f"{rid}_rss_senders", "peak RSS, sender program", "MB", runs,
        value=lambda r: r["rss_mb"]["senders"], **src)
    add(section, f"{rid}_first_message", "first message through a fresh pipeline (not in the figures above)", "s",
        runs, value=lambda r: r["first_message_s"], digits=2, **src)


def tracker_off(ctx):
    ctx.res.section("tracker_off", "What message-state tracking costs")
    n = ctx.sizes["messages"]
    runs = []
    for i in range(ctx.repeat):
        ctx.log(f"tracker off {i + 1}/{ctx.repeat}: {n:,} messages, 4 senders")
        runs.append(smsim_run(ctx, n, [zero_delay(4)], ["--tracker", "off"]))
    ctx.res.add_row("tracker_off", "e2e_4_tracker_off", "end to end, 4 senders, --tracker off", "msg/s", runs,
                    vs="reference", how="as above, without message states (an extra; not the default product)")
    ctx.res.add_row("tracker_off", "e2e_4_tracker_off_cpu_gateway", "CPU per message: gateway, --tracker off", "µs",
                    runs, value=lambda r: r["cpu_us_per_msg"]["gateway"], digits=1, runs_from="e2e_4_tracker_off")


# --- latency at half load -------------------------------------------------------------------------
def half_load(ctx):
    full = ctx.res.row("e2e_4")
    rate = round(full["median"] * 0.5)
    ctx.res.section("half_load", f"Latency at half load",
                    f"A paced campaign (rate_per_second = half the measured end-to-end median) through the same "
                    f"pipeline as the end-to-end row.")
    n = max(1000, int(rate * ctx.sizes["half_load_seconds"]))
    runs = []
    for i in range(ctx.repeat):
        ctx.log(f"half load {i + 1}/{ctx.repeat}: {n:,} messages paced at {rate:,}/s")
        runs.append(dict(smsim_run(ctx, n, [zero_delay(4)], body={"rate_per_second": rate}, poll_s=0.2), pace=rate))
    ctx.res.add_row("half_load", "half_load", "paced campaign, achieved rate", "msg/s", runs,
                    how=f"paced at {rate:,}/s, {n:,} messages")
    e2e_details(ctx, "half_load", "half_load", runs, "half load")


# --- the naive pipeline ---------------------------------------------------------------------------
def naive(ctx):
    ctx.res.section("naive", "Against the naive pipeline (scripts/naive_pipeline.py)",
                    "The original exercise's shape: one sender program, threads at 0 ms, failure rate 0.")
    n = ctx.sizes["naive"]
    runs = {}
    for i in range(ctx.repeat):
        for threads in (2, 4):
            ctx.log(f"naive round {i + 1}/{ctx.repeat}: naive pipeline, {threads} senders, {n:,} messages")
            runs.setdefault(f"naive_{threads}", []).append(naive_run(ctx, n, threads))
            ctx.log(f"naive round {i + 1}/{ctx.repeat}: smsim, {threads} senders, {n:,} messages")
            runs.setdefault(f"smsim_{threads}", []).append(smsim_run(ctx, n, [zero_delay(threads)]))
    add = ctx.res.add_row
    for threads in (2, 4):
        shape = " (the original's shape)" if threads == 2 else ""
        add("naive", f"naive_{threads}", f"naive pipeline, {threads} sender threads{shape}", "msg/s",
            runs[f"naive_{threads}"], how="Python confluent-kafka; producer loop → senders → status counter")
        add("naive", f"smsim_{threads}", f"smsim, {threads} sender threads{shape}", "msg/s", runs[f"smsim_{threads}"],
            vs=f"naive_{threads}", how="the default product; POST → last status counted")
        add("naive", f"naive_{threads}_cpu", f"CPU per message: naive pipeline ({threads}), all its processes", "µs",
            runs[f"naive_{threads}"], value=lambda r: r["cpu_us_per_msg"]["naive"], digits=1,
            runs_from=f"naive_{threads}")
        add("naive", f"smsim_{threads}_cpu", f"CPU per message: smsim ({threads}), gateway + senders", "µs",
            runs[f"smsim_{threads}"], value=lambda r: r["cpu_us_per_msg"]["gateway"] + r["cpu_us_per_msg"]["senders"],
            digits=1, runs_from=f"smsim_{threads}")
        for side in ("naive", "smsim"):
            add("naive", f"{side}_{threads}_cpu_broker", f"CPU per message: the broker, under {side} ({threads})", "µs",
                runs[f"{side}_{threads}"], value=lambda r: r["cpu_us_per_msg"]["broker"], digits=1,
                runs_from=f"{side}_{threads}")


def naive_run(ctx, n, threads):
    meter = CpuMeter({"broker": [ctx.h.broker_pid]}).start()
    own = ChildCpu().start()
    out, _ = run_measured(["/usr/bin/python3", os.path.join(ROOT, "scripts", "naive_pipeline.py"),
                           "--bootstrap-servers", ctx.h.bootstrap, "--messages", str(n), "--senders", str(threads),
                           "--prefix", ctx.h.next_name("naive-")], timeout=3600)
    cpu = dict(meter.stop(), naive=own.stop())
    result = json.loads(out.strip().splitlines()[-1])
    ctx.h.delete_topics(result["prefix"])
    return {"value": result["msgs_per_s"], "messages": n, "seconds": result["seconds"], "cpu_s": cpu,
            "cpu_us_per_msg": per_message_us(cpu, n), "counted": result["counted"]}


# --- makespan -------------------------------------------------------------------------------------
MAKESPAN_SENDERS = (("ten", "10ms"), ("twenty", "20ms"), ("forty", "40ms"))


def makespan(ctx):
    ctx.res.section("makespan", "Makespan: three senders at 10, 20 and 40 ms",
                    "Ideal = N / (100 + 50 + 25 messages per second).")
    n = ctx.sizes["makespan"]
    ideal = n / (100 + 50 + 25)
    runs = {"credit": [], "eager": []}
    for i in range(ctx.repeat):
        for mode in runs:
            ctx.log(f"makespan {i + 1}/{ctx.repeat}: {mode}, {n:,} messages")
            programs = [["--name", name, "-n", "1", "--mean", mean, "--stddev", "0s", "--distribution", "constant",
                         "--failure-rate", "0"] for name, mean in MAKESPAN_SENDERS]
            run = smsim_run(ctx, n, programs, ["--dispatch", mode])
            runs[mode].append(dict(run, value=run["seconds"], rate=run["value"]))
    ctx.res.add_row("makespan", "makespan_ideal", "ideal", "s", [{"value": ideal}], digits=2)
    ctx.res.add_row("makespan", "makespan_credit", "credit dispatch (the default)", "s", runs["credit"],
                    vs="makespan_ideal", digits=2)
    ctx.res.add_row("makespan", "makespan_eager", "eager dispatch (the original's even spread)", "s", runs["eager"],
                    vs="makespan_ideal", digits=2)


# --- memory across a large campaign ---------------------------------------------------------------
def memory(ctx):
    m = ctx.sizes["memory"]
    ctx.res.section("memory", f"Memory across one campaign of {m:,} messages")
    runs = []
    for i in range(ctx.repeat):
        ctx.log(f"memory {i + 1}/{ctx.repeat}: {m:,} messages through 4 senders")
        runs.append(smsim_run(ctx, m, [zero_delay(4)], poll_s=1.0))
    add = ctx.res.add_row
    add("memory", "memory_rate", f"end to end, 4 senders, {m:,} messages", "msg/s", runs, vs="reference")
    add("memory", "memory_rss_gateway", f"peak RSS, gateway, through {m:,} messages", "MB", runs,
        value=lambda r: r["rss_mb"]["gateway"], runs_from="memory_rate", messages=m)
    add("memory", "memory_rss_senders", f"peak RSS, sender program, through {m:,} messages", "MB", runs,
        value=lambda r: r["rss_mb"]["senders"], runs_from="memory_rate")
    add("memory", "memory_cpu_gateway", "CPU per message: gateway", "µs", runs,
        value=lambda r: r["cpu_us_per_msg"]["gateway"], digits=1, runs_from="memory_rate")
    gateway_cpu_point(ctx, m, runs)


# --- scaling curves -------------------------------------------------------------------------------
def curves(ctx):
    ctx.res.section("curves", "Scaling curves")
    n = ctx.sizes["curve"]
    for threads in ctx.sizes["curve_threads"]:
        runs = []
        for i in range(ctx.repeat):
            ctx.log(f"curve, sender threads {threads} ({i + 1}/{ctx.repeat}): {n:,} messages")
            runs.append(smsim_run(ctx, n, [zero_delay(threads)]))
        ctx.res.add_curve_point("throughput_by_threads", "curves", "Throughput against sender threads",
                                "sender threads (one program, 0 ms)", "messages per second", "end to end", threads,
                                runs, unit="msg/s")
    for length in ctx.sizes["curve_lengths"]:
        runs = []
        for i in range(ctx.repeat):
            ctx.log(f"curve, message length {length} ({i + 1}/{ctx.repeat}): {n:,} messages")
            runs.append(smsim_run(ctx, n, [zero_delay(4)], body={"min_length": length, "max_length": length}))
        ctx.res.add_curve_point("throughput_by_length", "curves", "Throughput against message length",
                                "characters per message (GSM-7; over 160 multi-part)", "messages per second",
                                "end to end, 4 senders", length, runs, unit="msg/s")
    small = max(1000, ctx.sizes["messages"] // 10)
    runs = []
    for i in range(ctx.repeat):
        ctx.log(f"curve, campaign of {small:,} ({i + 1}/{ctx.repeat})")
        runs.append(smsim_run(ctx, small, [zero_delay(4)]))
    gateway_cpu_point(ctx, small, runs)


def gateway_cpu_point(ctx, messages, runs):
    """A point of "gateway CPU per message as the campaign grows", from end-to-end runs of 4 senders."""
    ctx.res.add_curve_point("gateway_cpu_by_size", "curves", "Gateway CPU per message as the campaign grows",
                            "messages in the campaign", "gateway CPU-µs per message", "4 senders, 0 ms", messages,
                            runs, value=lambda r: r["cpu_us_per_msg"]["gateway"], unit="µs")


@dataclass
class Section:
    id: str
    run: Callable
    enabled: Callable = lambda args: True


SECTIONS = [
    Section("setup", warm_up),
    Section("core", core),
    Section("tracker_off", tracker_off),
    Section("half_load", half_load),
    Section("naive", naive),
    Section("makespan", makespan),
    Section("memory", memory, lambda a: a.memory_messages > 0 or a.smoke),
    Section("curves", curves, lambda a: a.curves or a.smoke),
]

TARGETS = [
    {"id": "original_shape", "label": "the original's shape: smsim ≥ 3× the naive pipeline", "row": "smsim_2",
     "figure": "ratio", "op": ">=", "threshold": 3.0},
    {"id": "e2e_4", "label": "4 senders: end to end ≥ 0.35× the reference", "row": "e2e_4", "figure": "ratio",
     "op": ">=", "threshold": 0.35},
    {"id": "intake", "label": "intake ≥ 0.70× the reference", "row": "intake", "figure": "ratio", "op": ">=",
     "threshold": 0.70},
    {"id": "half_load_p99", "label": "accepted → counted p99 < 20 ms at half of the measured maximum rate",
     "row": "half_load_accepted_to_counted_p99", "figure": "median", "op": "<", "threshold": 20.0, "unit": "ms"},
    {"id": "makespan", "label": "makespan ≤ 1.05× ideal (credit dispatch)", "row": "makespan_credit",
     "figure": "ratio", "op": "<=", "threshold": 1.05},
    {"id": "memory", "label": "gateway RSS < 300 MB through 10M messages", "row": "memory_rss_gateway",
     "figure": "median", "op": "<", "threshold": 300.0, "unit": "MB", "min_messages": 10_000_000,
     "missing": "run with --memory-messages 10000000"},
]
