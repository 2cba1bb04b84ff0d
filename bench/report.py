"""Turn a pytest-benchmark JSON file into a markdown table of medians and ratios per group.

Usage: python bench/report.py RESULTS.json [--baseline NAME_PART]
Ratios in each group are against the entry whose name contains "upstream" (or --baseline).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict


def format_time(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def table(results: dict, baseline: str) -> str:
    groups: dict[str, list[dict]] = defaultdict(list)
    for bench in results["benchmarks"]:
        groups[bench["group"] or bench["name"]].append(bench)
    lines = ["| group | benchmark | median | vs baseline | vs ours |", "|---|---|---|---|---|"]
    for group, benches in groups.items():
        base = next((b for b in benches if baseline in b["name"]), None)
        ours = next((b for b in benches if "ours" in b["name"]), None)
        for bench in sorted(benches, key=lambda b: b["stats"]["median"]):
            median = bench["stats"]["median"]
            vs_base = f"{median / base['stats']['median']:.3f}×" if base else "—"
            vs_ours = f"{median / ours['stats']['median']:.3f}×" if ours else "—"
            lines.append(f"| {group} | {bench['name']} | {format_time(median)} | {vs_base} | {vs_ours} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--baseline", default="upstream")
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as handle:
        results = json.load(handle)
    print(f"machine: {results['machine_info'].get('cpu', {}).get('brand_raw', '?')}, "
          f"python {results['machine_info'].get('python_version')}, {results['datetime']}")
    print(table(results, args.baseline))


if __name__ == "__main__":
    main()
