"""The pieces of scripts/bench.py: harness (processes, /proc), results (figures, ratios, targets),
sections (what is measured). scripts/bench_report.py renders the results."""
