#!/usr/bin/python3
"""smsim benchmark: smsim against Kafka's own producer and against a naive pipeline, in one run.

Starts its own broker (free ports, temp dir), warms it up, then runs the sections of
scripts/benchkit/sections.py, each figure --repeat times (median, min, max):

  setup        warm-up; smsim's mean sms-messages record size, measured on the topic
  core         reference: ProducerPerformance untuned and tuned like smsim's producers, records of
               smsim's mean size; intake (POST until durable); end to end with 4 senders (the
               default product, POST → last status counted); latency both ways; CPU-µs per message
               per process; peak RSS; the first message through a fresh pipeline
  tracker_off  end to end without message-state tracking (an extra)
  half_load    a paced campaign at half the end-to-end rate: accepted → counted p99
  naive        scripts/naive_pipeline.py against smsim, 2 and 4 sender threads
  makespan     senders at 10, 20 and 40 ms: credit and eager dispatch against the ideal
  memory       with --memory-messages M: peak RSS across one campaign of M messages
  curves       with --curves: throughput by sender threads and by message length; gateway CPU by
               campaign size
(--smoke runs all of them, memory and curves in miniature.)

Writes OUT/results.json (commit, machine, date, every raw run), then OUT/benchmarks.md and its
charts (scripts/bench_report.py), and prints a table. Benchmarks are not tests: nothing here fails
on a figure; --smoke runs everything small once to show that it works (CI). Runs under Debian's
/usr/bin/python3 (python3-confluent-kafka: the naive pipeline, topic admin, record sizes).
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchkit.harness import ROOT, Harness  # noqa: E402
from benchkit.results import Results  # noqa: E402
from benchkit.sections import SECTIONS, TARGETS, Context  # noqa: E402
import bench_report  # noqa: E402


def sizes(args):
    """Messages per kind of run. Full size: large enough that the JVM reference is in steady state
    and the ratios settle (200k runs swung by ±30 %); smoke: just enough to exercise everything."""
    n = args.messages or (20_000 if args.smoke else 1_000_000)
    return {
        "messages": n,
        "warm_up": args.warm_up_messages or (60_000 if args.smoke else 1_000_000),
        "naive": args.naive_messages or (10_000 if args.smoke else max(1000, n // 4)),
        "curve": args.curve_messages or (10_000 if args.smoke else max(1000, n // 4)),
        "curve_threads": [1] if args.smoke else [1, 2, 4, 8, 16],
        "curve_lengths": [400] if args.smoke else [10, 100, 400],
        "memory": args.memory_messages or (20_000 if args.smoke else 0),
        "half_load_seconds": 3 if args.smoke else 20,
        "makespan": 700 if args.smoke else 3500,
        "size_sample": 20_000 if args.smoke else 200_000,
    }


def git(*argv):
    try:
        return subprocess.run(["git", "-C", ROOT] + list(argv), capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine():
    info = {"cores": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True)
    info["java"] = (java.stderr.splitlines() or [""])[0]
    return info


def interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def incomplete(data, repeat):
    """What the smoke run (CI) checks: every row has all its runs with a figure, and every target has
    a verdict (or, for memory, says why not: the smoke campaign is small). None when complete."""
    problems = [f"row {r['id']} has {r['n']} of {repeat} figures" for r in data["rows"]
                if r["n"] != len(r["values"]) or (r["n"] != repeat and r["id"] not in ("record_size", "makespan_ideal"))]
    ran = {r["id"] for r in data["rows"]}
    problems += [f"target {t['id']} has no verdict" for t in data["targets"]
                 if t["met"] is None and t["row"] in ran and not t.get("missing")]
    problems += [f"target {t['id']}: its row {t['row']} was not measured" for t in data["targets"]
                 if t["row"] not in ran]
    return "; ".join(problems) or None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="everything small, once: shows that it works (CI)")
    ap.add_argument("--messages", type=int, default=0, help="messages per throughput run (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=0, help="runs per figure; reported as median, min, max (default 3)")
    ap.add_argument("--naive-messages", type=int, default=0, help="messages per naive-pipeline comparison run")
    ap.add_argument("--curve-messages", type=int, default=0, help="messages per point of the scaling curves")
    ap.add_argument("--warm-up-messages", type=int, default=0, help="records of the unmeasured warm-up runs")
    ap.add_argument("--memory-messages", type=int, default=0,
                    help="also measure peak RSS and CPU across one campaign of this size (e.g. 10000000; minutes)")
    ap.add_argument("--curves", action="store_true",
                    help="also the scaling curves: sender threads 1..16, message length 10/100/400, campaign size")
    ap.add_argument("--only", default="", help="comma-separated sections to run (setup always runs): " +
                    ", ".join(s.id for s in SECTIONS))
    ap.add_argument("--label", default="", help="a note on this run, shown at the top of the report")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"),
                    help="folder for results.json, benchmarks.md and the charts")
    ap.add_argument("--smsim", default=os.path.join(ROOT, "build", "smsim"))
    args = ap.parse_args()
    repeat = args.repeat or (1 if args.smoke else 3)
    only = {s for s in args.only.split(",") if s}
    unknown = only - {s.id for s in SECTIONS}
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if "half_load" in only and "core" not in only:
        ap.error("half_load paces at half the end-to-end rate measured by core: add core to --only")
    if repeat < 1:
        ap.error("--repeat must be at least 1")
    try:
        import confluent_kafka  # noqa: F401
    except ImportError:
        sys.exit("bench: needs Debian's python3-confluent-kafka: run it as /usr/bin/python3 scripts/bench.py")

    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "load_average_at_start": os.getloadavg(),
        "smoke": args.smoke,
        "repeat": repeat,
        "sizes": sizes(args),
        "label": args.label,
        "command": shlex.join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]),
    }
    res = Results(meta)
    state = tempfile.mkdtemp(prefix="smsim-bench-")
    h = Harness(args.smsim, state)
    ctx = Context(h=h, res=res, args=args, repeat=repeat, sizes=meta["sizes"])
    failure = None
    # SIGTERM (a CTest timeout, a kill) ends the run like Ctrl-C: through `finally`, which stops the
    # broker and every process this run started.
    signal.signal(signal.SIGTERM, interrupted)
    try:
        h.start_broker()
        for section in SECTIONS:
            if section.id != "setup" and only and section.id not in only:
                continue
            if section.enabled(args):
                ctx.log(f"section {section.id}")
                section.run(ctx)
    except BaseException as e:  # keep what was measured, say what failed, and still clean up
        failure = f"{type(e).__name__}: {e}"
        traceback.print_exc()
        print(f"bench: the logs of the processes are in {state} (kept)", file=sys.stderr)
    finally:
        h.destroy()
        if failure is None:
            shutil.rmtree(state, ignore_errors=True)
    meta["load_average_at_end"] = os.getloadavg()
    meta["seconds"] = round(time.time() - started)
    if failure:
        meta["failed"] = failure
    data = res.finish(TARGETS)
    if args.smoke and not only and not failure:
        failure = incomplete(data, repeat)
        if failure:
            print(f"bench: {failure}", file=sys.stderr)
            meta["failed"] = failure
    path = os.path.join(args.out, "results.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
    print(bench_report.text(data))
    with open(os.path.join(args.out, "benchmarks.md"), "w") as f:
        f.write(bench_report.markdown(data, bench_report.default_template(), args.out, "benchmarks-results.json"))
    print(f"results: {path}; report: {args.out}/benchmarks.md (docs: make bench-report RESULTS={path})")
    sys.exit(1 if failure else 0)


if __name__ == "__main__":
    main()
