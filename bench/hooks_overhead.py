"""What runner hooks cost per process: the threaded ``Executor`` over an in-memory client (no network,
so the kernel's own work is all there is to measure), before hooks existed, after with no hook, and
after with one no-op hook; interleaved rounds in one run, medians and ratios to "before".

    git archive HEAD pycolonies_fast | tar -x -C /tmp/before   # the tree before (or any revision)
    cp pycolonies_fast/core/_crypto*.so /tmp/before/pycolonies_fast/core/  # the compiled core is not in git
    .venv/bin/python bench/hooks_overhead.py --before /tmp/before -n 20000 --rounds 5

Each measurement runs in a fresh interpreter whose ``pycolonies_fast`` comes from the tree measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KEY = "1" * 63 + "2"  # an executor key of the fake identity (nothing is signed: the client is fake)


def measure(n: int, hooked: bool) -> float:
    """CPU seconds per process of one ``Executor.run`` of ``n`` processes over an in-memory client
    (CPU time of the interpreter, all threads: wall time on a shared machine measures the neighbours)."""
    from pycolonies_fast.executor import Executor
    from tests.support.processes import process_reply

    class InMemoryClient:
        """assign_raw returns a new process each time; close and fail are accepted at once."""

        def __init__(self) -> None:
            self.count = 0
            self.template = process_reply(spec={**process_reply()["spec"], "funcname": "f", "args": [1]}, **{"in": []})

        def assign_raw(self, *args: object, **limits: object) -> dict[str, object]:
            self.count += 1
            return {**self.template, "processid": f"{self.count:064x}"}

        def close(self, *args: object) -> None:
            return None

        def fail(self, *args: object) -> None:
            return None

        def get_process_history(self, *args: object) -> list[object]:
            return []

    executor = Executor(InMemoryClient(), "colony", "bench", executorname="bench", prvkey=KEY,
                        functions={"f": lambda x: x}, announce_functions=False)
    if hooked:
        executor.add_hook(lambda event: None)
    cpu = time.process_time()
    stats = executor.run(max_processes=n, handle_signals=False)
    cpu = time.process_time() - cpu
    assert stats.closed == n, stats
    return cpu / n


def child(tree: Path, n: int, hooked: bool) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(REPO)])}
    done = subprocess.run([sys.executable, __file__, "--child", "-n", str(n), *(["--hooked"] if hooked else [])],
                          cwd=tree, env=env, capture_output=True, text=True, check=True, timeout=600)
    return float(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="a tree of pycolonies_fast before hooks (see above)")
    parser.add_argument("-n", type=int, default=20000, help="processes per measurement")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hooked", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(measure(args.n, args.hooked))
        return 0
    if args.before is None:
        parser.error("--before is required")
    variants = {"before": (args.before, False), "no hook": (REPO, False), "one no-op hook": (REPO, True)}
    results: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (tree, hooked) in variants.items():
            results[name].append(child(tree, args.n, hooked))
    base = statistics.median(results["before"])
    print(f"{'variant':<16} {'median CPU µs/process':>18} {'vs before':>10}   rounds (µs)")
    for name, values in results.items():
        median = statistics.median(values)
        rounds = " ".join(f"{value * 1e6:.1f}" for value in values)
        print(f"{name:<16} {median * 1e6:>18.2f} {median / base:>10.3f}   {rounds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
