#!/usr/bin/env python3
"""Renders a bench run's results.json as docs/benchmarks.md and its SVG charts: every figure in the
report comes from the results file, the prose from a template.

  scripts/bench_report.py RESULTS.json [--template docs/benchmarks.template.md] [--svg-dir docs] > docs/benchmarks.md

Template placeholders:
  {{header}}         what kind of run this was: provisional / smoke / loaded machine / failed
  {{meta}}           commit, date, machine, load, sizes, command
  {{targets}}        the issue's targets, each met or missed with its figure
  {{rows:SECTION}}   the rows a section measured (a table); see benchkit/sections.py for the ids
  {{chart:ratios}}   bar chart of the ratios to the reference and to the naive pipeline
  {{chart:CURVE}}    a scaling curve (throughput_by_threads, throughput_by_length, gateway_cpu_by_size)
  {{value:ROW}}      one row's median with its unit; {{ratio:ROW}} its ratio
  {{warm_up}}        the warm-up figures
  {{other}}          rows and curves of sections the template does not place (new sections land here)
Standard library only: also runs under any python3.
"""
import argparse
import html
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TEMPLATE = os.path.join(ROOT, "docs", "benchmarks.template.md")


def default_template():
    with open(DEFAULT_TEMPLATE) as f:
        return f.read()


# --- numbers --------------------------------------------------------------------------------------
def num(v, digits=0):
    if v is None:
        return "n/a"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def figure(row):
    return f"{num(row['median'], row['digits'])} {row['unit']}".strip()


def spread(row):
    if row["n"] < 2:
        return "1 run"
    return f"{num(row['min'], row['digits'])}–{num(row['max'], row['digits'])}"


def ratio_text(row):
    r = row.get("ratio")
    if not r:
        return ""
    text = f"{r['median']:.2f}"
    if row["n"] > 1:
        text += f" ({r['min']:.2f}–{r['max']:.2f})"
    return text


def row_by_id(data, rid):
    return next((r for r in data["rows"] if r["id"] == rid), None)


def unstable(row):
    """A spread over 15 % of the median: the figure moved between runs more than a ratio can bear."""
    return row["n"] > 1 and row["median"] and (row["max"] - row["min"]) / abs(row["median"]) > 0.15


# --- markdown pieces ------------------------------------------------------------------------------
def header(data):
    m = data["meta"]
    lines = []
    cores = m["machine"].get("cores") or 1
    loads = [m.get("load_average_at_start", [0])[0], (m.get("load_average_at_end") or [0])[0]]
    if m.get("label"):
        lines.append(f"> **{m['label']}**")
    if m.get("smoke"):
        lines.append("> **Smoke run**: small sizes, one run per figure; the figures only show that the bench works.")
    if max(loads) > 0.5 * cores:
        lines.append(f"> **The machine was loaded** (1-minute load average {loads[0]:.1f} at the start and "
                     f"{loads[1]:.1f} at the end, on {cores} cores): the figures are not final.")
    if m.get("failed"):
        lines.append(f"> **The run failed**: {m['failed']}. Only what was measured before is shown.")
    return "\n>\n".join(lines)


def meta_table(data):
    m, mach = data["meta"], data["meta"]["machine"]
    s = m["sizes"]
    rows = [
        ("commit", f"`{m.get('commit') or 'unknown'}` ({m.get('branch')}){', with uncommitted changes' if m.get('dirty') else ''}"),
        ("date", m["date"]),
        ("machine", f"{mach.get('cores')} cores ({mach.get('cpu') or 'unknown CPU'}), {mach.get('memory_gib')} GiB, "
                    f"Linux {mach.get('kernel')}, {mach.get('java')}; broker and all processes on this machine"),
        ("load average (1 min)", f"{m['load_average_at_start'][0]:.1f} at start, "
                                 f"{(m.get('load_average_at_end') or [0])[0]:.1f} at end"),
        ("runs per figure", f"{m['repeat']} (median, min–max)"),
        ("sizes", f"{s['messages']:,} messages per throughput run, {s['naive']:,} per naive comparison, "
                  f"{s['warm_up']:,} warm-up records, half load for {s['half_load_seconds']} s, "
                  f"{s['makespan']:,} messages per makespan run"),
        ("command", f"`{m['command']}`"),
        ("duration", f"{m.get('seconds', 0) / 60:.0f} min"),
    ]
    return "| | |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def targets_table(data):
    out = ["| target | figure (median) | runs min–max | threshold | verdict |", "| --- | --- | --- | --- | --- |"]
    for t in data["targets"]:
        unit = t.get("unit", "×")
        fmt = (lambda v: f"{v:.2f}×") if unit == "×" else (lambda v, u=unit: f"{v:,.1f} {u}")
        if t["met"] is None:
            shown = fmt(t["value"]) if t.get("value") is not None else "not measured"
            out.append(f"| {t['label']} | {shown} | | | not measured: {t.get('missing') or 'section not run'} |")
            continue
        verdict = "met" if t["met"] else "**missed**"
        if t["met"] and not t["all_runs"]:
            verdict += " (by the median, not in every run)"
        runs = "1 run" if (t.get("runs") or 0) < 2 else f"{fmt(t['min'])}–{fmt(t['max'])}"
        op = {">=": "≥", "<=": "≤", "<": "<"}[t["op"]]
        out.append(f"| {t['label']} | {fmt(t['value'])} | {runs} | {op} {fmt(t['threshold'])} | {verdict} |")
    return "\n".join(out)


def rows_table(data, section):
    rows = [r for r in data["rows"] if r["section"] == section]
    sec = next((s for s in data["sections"] if s["id"] == section), None)
    if not rows:
        return "_Not measured in this run._"
    out = []
    if sec and sec.get("note"):
        out += [sec["note"], ""]
    out += ["| measure | median | min–max | ratio (min–max) | how |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        ratio = ratio_text(r)
        if ratio:
            ratio += f" of {label_of(data, r['ratio']['of'])}"
        flag = " ⚠ spread > 15 %" if unstable(r) else ""
        out.append(f"| {r['label']} | {figure(r)} | {spread(r)}{flag} | {ratio} | {r.get('how', '')} |")
    return "\n".join(out)


def label_of(data, rid):
    short = {"reference_untuned": "untuned reference", "reference_tuned": "tuned reference",
             "makespan_ideal": "ideal", "naive_2": "naive, 2 threads", "naive_4": "naive, 4 threads"}
    if rid in short:
        return short[rid]
    r = row_by_id(data, rid)
    return r["label"] if r else rid


def warm_up_text(data):
    w = data["meta"].get("notes", {}).get("warm_up")
    if not w:
        return "_No warm-up in this run._"
    return (f"Unmeasured warm-up in this run: smsim end to end {num(w['smsim_msgs_per_s'])} msg/s over "
            f"{w['messages'] // 3:,} messages, then ProducerPerformance untuned "
            f"{num(w.get('reference_untuned_msgs_per_s'))} and tuned {num(w.get('reference_tuned_msgs_per_s'))} "
            f"records/s over {w['messages']:,} records each.")


# --- charts ---------------------------------------------------------------------------------------
COLORS = ["#2f6fb3", "#d9822b", "#3c9a5f", "#b33c3c", "#7a57b3"]


def svg_ratio_bars(data, path):
    bars = []
    for r in data["rows"]:
        if r.get("ratio") and r["ratio"]["of"] in ("reference_untuned", "reference_tuned") or \
                (r.get("ratio") and r["ratio"]["of"].startswith("naive_")):
            bars.append((r["label"], r["ratio"], "naive" if r["ratio"]["of"].startswith("naive_") else "reference"))
    if not bars:
        return False
    width, left, bar_h, gap = 760, 330, 22, 12
    scale_max = max(1.0, max(b[1]["max"] for b in bars)) * 1.1
    plot_w = width - left - 90
    height = 56 + len(bars) * (bar_h + gap) + 24
    x = lambda v: left + v / scale_max * plot_w  # noqa: E731
    parts = [svg_open(width, height),
             '<text x="10" y="20" font-size="15" font-weight="bold">smsim as a multiple of the reference (blue) '
             'and of the naive pipeline (orange)</text>',
             '<text x="10" y="38" fill="#555">bars: the median of the runs; whiskers: their min–max</text>']
    for i, (label, r, kind) in enumerate(bars):
        y = 52 + i * (bar_h + gap)
        color = COLORS[0] if kind == "reference" else COLORS[1]
        parts.append(f'<text x="10" y="{y + 16}">{html.escape(label[:48])}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(1, x(r["median"]) - left):.0f}" height="{bar_h}" '
                     f'fill="{color}"/>')
        parts.append(f'<line x1="{x(r["min"]):.1f}" y1="{y + bar_h / 2}" x2="{x(r["max"]):.1f}" y2="{y + bar_h / 2}" '
                     f'stroke="#222" stroke-width="1.5"/>')
        parts.append(f'<text x="{x(max(r["max"], r["median"])) + 6:.0f}" y="{y + 16}">{r["median"]:.2f}×</text>')
    parts.append(f'<line x1="{x(1):.0f}" y1="46" x2="{x(1):.0f}" y2="{height - 22}" stroke="#444" '
                 f'stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x(1):.0f}" y="{height - 8}" fill="#444" text-anchor="middle">1×</text>')
    parts.append("</svg>")
    write(path, parts)
    return True


def svg_curve(curve, path):
    points = [p for s in curve["series"] for p in s["points"] if p["median"] is not None]
    if len(points) < 2:
        return False
    width, height, left, right, top, bottom = 660, 340, 80, 50, 40, 60
    xs = sorted({p["x"] for p in points})
    log_x = xs[0] > 0 and xs[-1] / xs[0] >= 10
    fx = (lambda v: math.log10(v)) if log_x else (lambda v: v)
    x0, x1 = fx(xs[0]), fx(xs[-1])
    y_max = nice_max(max(p["max"] for p in points))
    px = lambda v: left + (fx(v) - x0) / ((x1 - x0) or 1) * (width - left - right)  # noqa: E731
    py = lambda v: height - bottom - v / y_max * (height - top - bottom)  # noqa: E731
    parts = [svg_open(width, height),
             f'<text x="10" y="22" font-size="15" font-weight="bold">{html.escape(curve["title"])}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#444"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#444"/>']
    for i in range(5):
        v = y_max * i / 4
        parts.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{short_num(v)}</text>')
    for v in xs:
        parts.append(f'<text x="{px(v):.1f}" y="{height - bottom + 18}" text-anchor="middle">{short_num(v)}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 14}" text-anchor="middle">'
                 f'{html.escape(curve["x_label"])}</text>')
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2})">{html.escape(curve["y_label"])}</text>')
    for i, s in enumerate(curve["series"]):
        color = COLORS[i % len(COLORS)]
        pts = [p for p in s["points"] if p["median"] is not None]
        parts.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            color, " ".join(f"{px(p['x']):.1f},{py(p['median']):.1f}" for p in pts)))
        for p in pts:
            parts.append(f'<line x1="{px(p["x"]):.1f}" y1="{py(p["min"]):.1f}" x2="{px(p["x"]):.1f}" '
                         f'y2="{py(p["max"]):.1f}" stroke="{color}"/>')
            parts.append(f'<circle cx="{px(p["x"]):.1f}" cy="{py(p["median"]):.1f}" r="3.5" fill="{color}"/>')
            parts.append(f'<text x="{px(p["x"]) + 6:.1f}" y="{py(p["median"]) - 6:.1f}" font-size="11">'
                         f'{short_num(p["median"])}</text>')
        parts.append(f'<text x="{width - right - 4}" y="{top + 14 + 16 * i}" text-anchor="end" fill="{color}">'
                     f'{html.escape(s["label"])}</text>')
    parts.append("</svg>")
    write(path, parts)
    return True


def svg_open(width, height):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
            f'font-size="12"><rect width="{width}" height="{height}" fill="white"/>')


def nice_max(v):
    if v <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def short_num(v):
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    if v >= 1e3:
        return f"{v / 1e3:.3g}k"
    return f"{v:.3g}"


def write(path, parts):
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def curve_table(curve):
    out = [f"| {curve['x_label']} | series | {curve['y_label']}: median | min–max |", "| --- | --- | --- | --- |"]
    for s in curve["series"]:
        for p in s["points"]:
            rng = "1 run" if p["n"] < 2 else f"{num(p['min'])}–{num(p['max'])}"
            out.append(f"| {p['x']:,} | {s['label']} | {num(p['median'])} | {rng} |")
    return "\n".join(out)


# --- the whole report -----------------------------------------------------------------------------
def markdown(data, template, svg_dir, results_link=None):
    placed_sections, placed_curves = set(), set()

    def chart(cid):
        if cid == "ratios":
            name = "benchmarks-ratios.svg"
            if not svg_ratio_bars(data, os.path.join(svg_dir, name)):
                return "_No ratios measured in this run._"
            return f"![ratios]({name})"
        curve = next((c for c in data["curves"] if c["id"] == cid), None)
        placed_curves.add(cid)
        if curve is None:
            return "_Not measured in this run (`--curves`)._"
        name = f"benchmarks-{cid.replace('_', '-')}.svg"
        drawn = svg_curve(curve, os.path.join(svg_dir, name))
        return (f"![{curve['title']}]({name})\n\n" if drawn else "") + curve_table(curve)

    def value(rid, kind):
        r = row_by_id(data, rid)
        if r is None or r["median"] is None:
            return "n/a"
        return (ratio_text(r) or "n/a") if kind == "ratio" else figure(r)

    def other():
        parts = []
        for s in data["sections"]:
            if s["id"] not in placed_sections and any(r["section"] == s["id"] for r in data["rows"]):
                parts += [f"### {s['title']}", "", rows_table(data, s["id"]), ""]
        for c in data["curves"]:
            if c["id"] not in placed_curves:
                parts += [f"### {c['title']}", "", chart(c["id"]), ""]
        return "\n".join(parts) if parts else "_Nothing else was measured._"

    def replace(match):
        key, _, arg = match.group(1).partition(":")
        if key == "rows":
            placed_sections.add(arg)
            return rows_table(data, arg)
        simple = {"header": lambda: header(data), "meta": lambda: meta_table(data),
                  "targets": lambda: targets_table(data), "warm_up": lambda: warm_up_text(data),
                  "chart": lambda: chart(arg), "value": lambda: value(arg, "value"),
                  "ratio": lambda: value(arg, "ratio"),
                  "results": lambda: f"[`{results_link}`]({results_link})" if results_link else "results.json"}
        if key not in simple:
            raise KeyError(f"unknown placeholder {{{{{match.group(1)}}}}}")
        return simple[key]()

    # {{other}} last: it lists what the rest of the template did not place.
    body = re.sub(r"\{\{(?!other\}\})([a-z_]+(?::[a-z0-9_]+)?)\}\}", replace, template)
    return body.replace("{{other}}", other())


def text(data):
    """The table bench.py prints at the end of a run."""
    lines = [f"smsim bench: {data['meta']['sizes']['messages']:,} messages, {data['meta']['repeat']} run(s) per figure"]
    section = None
    for r in data["rows"]:
        if r["section"] != section:
            section = r["section"]
            title = next((s["title"] for s in data["sections"] if s["id"] == section), section)
            lines.append(f"-- {title}")
        ratio = ratio_text(r)
        lines.append(f"  {r['label'][:62]:<62} {figure(r):>16}  [{spread(r)}]" + (f"  ×{ratio}" if ratio else ""))
    lines.append("-- targets")
    for t in data["targets"]:
        verdict = {None: "not measured", True: "met", False: "MISSED"}[t["met"]]
        shown = "" if t.get("value") is None else f"{t['value']:.3g}"
        lines.append(f"  {t['label'][:70]:<70} {shown:>8}  {verdict}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--template", default=DEFAULT_TEMPLATE)
    ap.add_argument("--svg-dir", default=os.path.join(ROOT, "docs"), help="where the charts go")
    ap.add_argument("--results-link", default="benchmarks-results.json", help="how the report links the raw figures")
    args = ap.parse_args()
    with open(args.results) as f:
        data = json.load(f)
    with open(args.template) as f:
        template = f.read()
    os.makedirs(args.svg_dir, exist_ok=True)
    sys.stdout.write(markdown(data, template, args.svg_dir, args.results_link))


if __name__ == "__main__":
    main()
