"""What a bench run produces (results.json): rows, curves and targets, each figure with every raw run.

  rows     one measured figure: its raw runs, median, min and max; optionally a ratio to another
           row ("vs"), taken as this row's median (and min, max) over the other row's median
  curves   series of points (x, raw runs, median, min, max): the scaling charts
  targets  the issue's targets: a figure (a row's median, or its ratio) against a threshold
  sections which section measured what, in order, with a title and a note; a section is a function
           in benchkit.sections that adds rows and curves here (see add_row, add_curve_point)

Every figure is kept raw (`runs`), so the report can be regenerated and checked from the file alone.
The reference rows are special: `vs: "reference"` means the better (higher median) of the untuned
and the tuned ProducerPerformance rows.
"""
import statistics

SCHEMA = 2
REFERENCE = "reference"  # the pseudo-row "better of the two references"
REFERENCE_ROWS = ("reference_untuned", "reference_tuned")


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


class Results:
    def __init__(self, meta):
        self.data = {"schema": SCHEMA, "meta": meta, "sections": [], "rows": [], "curves": [], "targets": []}

    # --- written by the sections --------------------------------------------------------------
    def section(self, sid, title, note=""):
        self.data["sections"].append({"id": sid, "title": title, "note": note})

    def add_row(self, section, rid, label, unit, runs, *, value=lambda r: r["value"], vs=None, how="",
                digits=0, runs_from=None, **extra):
        """runs: one dict per repetition, each with at least the figure (by default r["value"]).
        runs_from: the id of the row that already keeps these runs (then they are not stored twice).
        extra: further fields kept on the row (e.g. messages, for a target's minimum size)."""
        values = [value(r) for r in runs]
        row = {"id": rid, "section": section, "label": label, "unit": unit, "values": values,
               "runs": None if runs_from else runs, "runs_from": runs_from, "vs": vs, "how": how, "digits": digits}
        row.update(extra)
        row.update(summary(values))
        self.data["rows"] = [r for r in self.data["rows"] if r["id"] != rid] + [row]
        return row

    def add_curve_point(self, cid, section, title, x_label, y_label, series, x, runs, *, value=lambda r: r["value"],
                        unit=""):
        curve = self.curve(cid)
        if curve is None:
            curve = {"id": cid, "section": section, "title": title, "x_label": x_label, "y_label": y_label,
                     "unit": unit, "series": []}
            self.data["curves"].append(curve)
        line = next((s for s in curve["series"] if s["label"] == series), None)
        if line is None:
            line = {"label": series, "points": []}
            curve["series"].append(line)
        values = [value(r) for r in runs]
        point = {"x": x, "values": values, "runs": runs}
        point.update(summary(values))
        line["points"] = sorted([p for p in line["points"] if p["x"] != x] + [point], key=lambda p: p["x"])

    def note(self, key, value):
        self.data["meta"].setdefault("notes", {})[key] = value

    # --- read back ----------------------------------------------------------------------------
    def row(self, rid):
        return find_row(self.data, rid)

    def curve(self, cid):
        return next((c for c in self.data["curves"] if c["id"] == cid), None)

    def finish(self, targets):
        """Ratios and targets, from the rows as measured."""
        for row in self.data["rows"]:
            row["ratio"] = ratio(self.data, row)
        self.data["targets"] = [evaluate(self.data, t) for t in targets]
        return self.data


def find_row(data, rid):
    if rid == REFERENCE:
        candidates = [r for r in (find_row(data, i) for i in REFERENCE_ROWS) if r and r["median"]]
        return max(candidates, key=lambda r: r["median"]) if candidates else None
    return next((r for r in data["rows"] if r["id"] == rid), None)


def ratio(data, row):
    """This row over the row it is compared with: {median, min, max, of} or None."""
    if not row.get("vs") or row["median"] is None:
        return None
    other = find_row(data, row["vs"])
    if other is None or not other["median"]:
        return None
    base = other["median"]
    return {"median": row["median"] / base, "min": row["min"] / base, "max": row["max"] / base, "of": other["id"]}


def evaluate(data, target):
    """target: {id, label, row, figure: "median"|"ratio", op: ">="|"<=" |"<", threshold, unless}.
    met: True/False from the median; all_runs: whether every run (min..max) meets it too;
    None when the figure was not measured in this run (then `missing` says how to measure it)."""
    row = find_row(data, target["row"])
    out = dict(target)
    if row is None or row["median"] is None or (target["figure"] == "ratio" and not row.get("ratio")):
        out.update({"met": None, "value": None})
        return out
    if row.get("messages", 0) < target.get("min_messages", 0):
        out.update({"met": None, "value": row["median"],
                    "missing": f"measured through {row['messages']:,} messages only; {target.get('missing', '')}"})
        return out
    source = row["ratio"] if target["figure"] == "ratio" else row
    test = {">=": lambda v: v >= target["threshold"], "<=": lambda v: v <= target["threshold"],
            "<": lambda v: v < target["threshold"]}[target["op"]]
    out.update({"value": source["median"], "min": source["min"], "max": source["max"],
                "met": test(source["median"]), "all_runs": test(source["min"]) and test(source["max"]),
                "runs": row["n"]})
    return out
