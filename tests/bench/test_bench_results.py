"""The bench's pure parts: medians and ranges, ratios against the better reference, target verdicts,
and the report's placeholders (scripts/benchkit/results.py, scripts/bench_report.py)."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import bench_report  # noqa: E402
from benchkit.results import Results, summary  # noqa: E402

TARGETS = [
    {"id": "e2e", "label": "e2e ≥ 0.35×", "row": "e2e", "figure": "ratio", "op": ">=", "threshold": 0.35},
    {"id": "p99", "label": "p99 < 20 ms", "row": "p99", "figure": "median", "op": "<", "threshold": 20.0, "unit": "ms"},
    {"id": "rss", "label": "RSS through 10M", "row": "rss", "figure": "median", "op": "<", "threshold": 300.0,
     "unit": "MB", "min_messages": 10_000_000, "missing": "run with --memory-messages 10000000"},
    {"id": "absent", "label": "never measured", "row": "nothing", "figure": "median", "op": "<", "threshold": 1},
]


def runs(*values):
    return [{"value": v} for v in values]


def sample():
    res = Results({"date": "2025-01-01T00:00:00+00:00", "commit": "abc", "branch": "bench", "dirty": False,
                   "machine": {"cores": 2, "memory_gib": 24}, "load_average_at_start": [0.1, 0, 0],
                   "load_average_at_end": [0.2, 0, 0], "repeat": 3, "command": "scripts/bench.py", "seconds": 60,
                   "sizes": {"messages": 1000, "naive": 250, "warm_up": 1000, "half_load_seconds": 20,
                             "makespan": 3500}})
    res.section("core", "Core", "a note")
    res.add_row("core", "reference_untuned", "untuned", "msg/s", runs(200, 260, 240))
    res.add_row("core", "reference_tuned", "tuned", "msg/s", runs(330, 300, 360))
    res.add_row("core", "e2e", "end to end", "msg/s", runs(100, 120, 90), vs="reference")
    res.add_row("core", "p99", "p99", "ms", runs(18.0, 25.0, 19.0), digits=1, runs_from="e2e")
    res.section("plugged", "A section the template does not know")
    res.add_row("plugged", "rss", "gateway RSS", "MB", runs(150, 160, 155), messages=1_000_000)
    return res


class Summaries(unittest.TestCase):
    def test_median_min_max_skip_missing_values(self):
        self.assertEqual(summary([3, 1, 2]), {"median": 2, "min": 1, "max": 3, "n": 3})
        self.assertEqual(summary([4, None, 2]), {"median": 3, "min": 2, "max": 4, "n": 2})
        self.assertEqual(summary([None])["median"], None)

    def test_a_row_that_reuses_another_rows_runs_does_not_store_them_twice(self):
        data = sample().finish(TARGETS)
        p99 = next(r for r in data["rows"] if r["id"] == "p99")
        self.assertIsNone(p99["runs"])
        self.assertEqual(p99["runs_from"], "e2e")
        self.assertEqual(p99["values"], [18.0, 25.0, 19.0])


class Ratios(unittest.TestCase):
    def test_the_ratio_is_taken_against_the_better_reference(self):
        data = sample().finish(TARGETS)
        e2e = next(r for r in data["rows"] if r["id"] == "e2e")
        self.assertEqual(e2e["ratio"]["of"], "reference_tuned")  # median 330 beats 240
        self.assertAlmostEqual(e2e["ratio"]["median"], 100 / 330)
        self.assertAlmostEqual(e2e["ratio"]["min"], 90 / 330)
        self.assertAlmostEqual(e2e["ratio"]["max"], 120 / 330)

    def test_the_untuned_reference_counts_when_it_is_the_better_one(self):
        res = sample()
        res.add_row("core", "reference_tuned", "tuned", "msg/s", runs(100, 110, 120))
        e2e = next(r for r in res.finish(TARGETS)["rows"] if r["id"] == "e2e")
        self.assertEqual(e2e["ratio"]["of"], "reference_untuned")


class Targets(unittest.TestCase):
    def verdicts(self, res=None):
        return {t["id"]: t for t in (res or sample()).finish(TARGETS)["targets"]}

    def test_met_and_missed_come_from_the_median_and_all_runs_from_the_range(self):
        t = self.verdicts()
        self.assertFalse(t["e2e"]["met"])  # 0.30 < 0.35
        self.assertTrue(t["p99"]["met"])  # median 19 < 20 ...
        self.assertFalse(t["p99"]["all_runs"])  # ... but one run had 25

    def test_a_target_without_its_figure_or_below_its_size_has_no_verdict(self):
        t = self.verdicts()
        self.assertIsNone(t["absent"]["met"])
        self.assertIsNone(t["rss"]["met"])  # measured through 1M only
        self.assertIn("1,000,000", t["rss"]["missing"])
        res = sample()
        res.add_row("plugged", "rss", "gateway RSS", "MB", runs(150, 160, 155), messages=10_000_000)
        self.assertTrue(self.verdicts(res)["rss"]["met"])


class Report(unittest.TestCase):
    def render(self, template):
        with tempfile.TemporaryDirectory() as svg_dir:
            return bench_report.markdown(sample().finish(TARGETS), template, svg_dir), os.listdir(svg_dir)

    def test_placeholders_are_filled_from_the_results(self):
        text, svgs = self.render("{{value:e2e}} / {{ratio:e2e}}\n{{rows:core}}\n{{targets}}\n{{chart:ratios}}")
        self.assertIn("100 msg/s / 0.30 (0.27–0.36)", text)
        self.assertIn("| end to end | 100 msg/s | 90–120 ⚠ spread > 15 % | 0.30 (0.27–0.36) of tuned reference |", text)
        self.assertIn("| p99 < 20 ms | 19.0 ms | 18.0 ms–25.0 ms | < 20.0 ms | met (by the median, not in every run) |",
                      text)
        self.assertIn("benchmarks-ratios.svg", svgs)

    def test_sections_the_template_does_not_place_land_under_other(self):
        text, _ = self.render("{{rows:core}}\n{{other}}")
        self.assertIn("### A section the template does not know", text)
        self.assertIn("gateway RSS", text)
        text, _ = self.render("{{rows:core}}\n{{rows:plugged}}\n{{other}}")
        self.assertNotIn("### A section the template does not know", text)

    def test_an_unknown_placeholder_is_an_error_not_silence(self):
        with self.assertRaises(KeyError):
            self.render("{{figure:e2e}}")

    def test_the_committed_template_renders(self):
        text, _ = self.render(bench_report.default_template())
        self.assertNotIn("{{", text)


if __name__ == "__main__":
    unittest.main()
