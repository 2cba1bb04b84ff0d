"""A/B: the headline benchmark of two builds of pycolonies_fast, interleaved, in one run.

Each round runs ``bench/headline.py --runs 1`` of build A, then of build B (each build's own
checkout and Python, so each measures its own code), against the same dev server; the table gives
per variant the median cycles/s and client CPU per cycle of each build, and B/A. A change that
should not move speed (a refactor) shows B/A within the rounds' spread.

    eval "$(scripts/dev-server env)"
    git worktree add /tmp/before <rev> && python3 -m venv /tmp/before/.venv \\
        && /tmp/before/.venv/bin/pip install -e "/tmp/before[test,bench]"
    printf '#!/usr/bin/env bash\nexec %s/scripts/dev-server "$@"\n' "$PWD" > /tmp/before/scripts/dev-server
                      # one dev server for both builds: A's headline starts (or finds) B's
    .venv/bin/python bench/ab.py --a /tmp/before --b . --rounds 3 -- -n 500 --workers 1,4

Arguments after ``--`` go to both headline runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_headline(checkout: Path, args: list[str], out: Path) -> dict[str, Any]:
    """One ``bench/headline.py --runs 1`` of the build in ``checkout`` (its ``.venv``); its JSON."""
    python = checkout / ".venv" / "bin" / "python"
    command = [str(python), str(checkout / "bench" / "headline.py"), "--runs", "1", "--no-progress",
               "--json", str(out), *args]
    subprocess.run(command, cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=Path, required=True, help="checkout of build A (with its .venv)")
    parser.add_argument("--b", type=Path, required=True, help="checkout of build B (with its .venv)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("headline_args", nargs="*", help="arguments for bench/headline.py (after --)")
    args = parser.parse_args()
    samples: dict[str, dict[str, dict[str, list[float]]]] = {"A": {}, "B": {}}
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            for build, checkout in (("A", args.a), ("B", args.b)):
                print(f"round {round_number + 1}/{args.rounds}: build {build} ({checkout})", file=sys.stderr)
                result = run_headline(checkout.resolve(), args.headline_args, Path(folder) / f"{build}.json")
                for mode, data in result["modes"].items():
                    for variant, runs in data["runs"].items():
                        cell = samples[build].setdefault(f"{mode} {variant}", {"cycles": [], "cpu": []})
                        cell["cycles"] += [run["cycles_per_s"] for run in runs]
                        cell["cpu"] += [run["cpu_ms_per_cycle"] for run in runs]
    print(f"A = {args.a}, B = {args.b}; medians of {args.rounds} interleaved rounds; "
          f"headline args: {' '.join(args.headline_args) or '(defaults)'}")
    print()
    print("| variant | A cycles/s | B cycles/s | B/A | A CPU ms/cycle | B CPU ms/cycle | B/A |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for variant, a in samples["A"].items():
        b = samples["B"].get(variant)
        if b is None:
            continue
        a_cycles, b_cycles = statistics.median(a["cycles"]), statistics.median(b["cycles"])
        a_cpu, b_cpu = statistics.median(a["cpu"]), statistics.median(b["cpu"])
        print(f"| {variant} | {a_cycles:.1f} | {b_cycles:.1f} | {b_cycles / a_cycles:.2f} | "
              f"{a_cpu:.3f} | {b_cpu:.3f} | {b_cpu / a_cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
