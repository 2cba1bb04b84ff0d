"""Headline benchmark in a checkout: `pycolonies-fast bench` (pycolonies_fast/benchmark) on the dev server.

The measurement, the variants, the references, the table, the JSON and the chart are the shipped
command's (`pycolonies-fast bench --help`). This wrapper adds what needs a source checkout:
  --modes           exclusive and/or distributed assign: restarts scripts/dev-server in each mode
                    (and back to the mode it found)
  --update-results  writes the table into bench/RESULTS.md's "Assign/close headline" section
  upstream          measured by default here (--no-upstream leaves it out)
  --json            defaults to bench/results/headline.json (--short: headline-short.json)
  --plot            defaults to the JSON's path with .png (not with --short)

Run: bash scripts/run-bench [--short]   or   .venv/bin/python bench/headline.py --help
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Bench, Progress, echo, noop and measure_mode are imported from here by the other benchmarks.
from pycolonies_fast.benchmark.measure import Bench, Progress, echo, noop  # noqa: E402
from pycolonies_fast.benchmark.session import BenchConfig, measure_mode, run_benchmark  # noqa: E402
from pycolonies_fast.cli import bench as bench_command  # noqa: E402
from pycolonies_fast.cli.bench import worker_counts  # noqa: E402

__all__ = ["Bench", "BenchConfig", "Progress", "dev_server", "echo", "main", "measure_mode", "noop", "server_env",
           "split_section", "worker_counts"]

DEV_SERVER = REPO / "scripts" / "dev-server"
RESULTS_MD = REPO / "bench" / "RESULTS.md"
SECTION = "## Assign/close headline"


def dev_server(command: str, mode: str | None = None) -> str:
    """Run scripts/dev-server; ``mode`` ("exclusive"/"distributed") restarts the server if needed."""
    env = dict(os.environ)
    if mode is not None:
        env["DEVSERVER_EXCLUSIVE_ASSIGN"] = "true" if mode == "exclusive" else "false"
    done = subprocess.run([str(DEV_SERVER), command], env=env, capture_output=True, text=True,
                          timeout=1800, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/dev-server {command} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def server_env() -> dict[str, str]:
    """The client environment of the dev server (``scripts/dev-server env``)."""
    lines = dev_server("env").splitlines()
    return dict(line[len("export "):].split("=", 1) for line in lines if line.startswith("export "))


INTRO = """Ours vs upstream pycolonies 1.0.25 on the same local dev server, in one run: each variant
submits N processes, then assigns and closes all N (`upstream` and `ours`: one sequential loop;
`runner-W`: `pycolonies_fast.executor.Executor` with W threads sharing one client and one executor
identity; `async-C`: `AsyncExecutor` with C assigns in flight; `go-W` with `--go`: the server's own
Go client). Client CPU = CPU time of the client process over the assign+close phase / N (for the
runners: all their threads). The server and PostgreSQL share the 2 cores with the client.
A sequential cycle takes ≈ 10 ms of server time, of which no client can save anything: ours adds
≈ 0.4 ms, upstream ≈ 5 ms (its pure-Python signing and a new connection per call). With several
workers the server is the limit: in exclusive mode every assign is serialised through the leader
(≈ 170–190 cycles/s here, with the load), in distributed mode the CPU of server + PostgreSQL. Other work on the
machine moves single runs by ±15 %, hence interleaved runs and medians. Made by `pycolonies-fast bench`
through `bench/headline.py` (`bash scripts/run-bench`, `--update-results`); raw runs in
`bench/results/headline*.json`."""


def split_section(markdown: str, heading: str) -> tuple[str, str, str]:
    """``(before, section, after)`` of the ``## `` section of ``markdown`` that starts with ``heading``.

    Without one, ``section`` and ``after`` are empty and ``before`` is the whole text ending in a
    blank line, ready for a new section. Each benchmark rewrites only its own section this way.
    """
    start = markdown.find(heading)
    if start < 0:
        return markdown.rstrip("\n") + "\n\n", "", ""
    end = markdown.find("\n## ", start + len(heading))
    if end < 0:
        return markdown[:start], markdown[start:], ""
    return markdown[:start], markdown[start:end + 1], markdown[end + 1:]


def update_results_md(results: dict[str, Any], text: str) -> None:
    """Write this run's table into its subsection of the headline section of bench/RESULTS.md.

    The minimal and the ``--realistic`` workloads have a subsection each; other sections of the
    file (written by other benchmarks) are left alone.
    """
    cfg = results["config"]
    heading = "### Realistic cycle (`--realistic`)" if cfg["realistic"] else "### Minimal cycle"
    load = results["machine"]["loadavg_at_start"]
    body = "\n".join([
        heading, "",
        f"`{results['command']}` — {results['date']}, {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}, load average at start {load[0]:.2f}; "
        f"N = {cfg['processes']}, medians of {cfg['runs']} interleaved runs.", "", text, "",
    ])
    old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    before, current, after = split_section(old, SECTION)
    chunks = current.split("\n### ")[1:]  # the existing subsections, without their "### "
    parts = {"### " + chunk.split("\n", 1)[0]: "### " + chunk.rstrip("\n") + "\n" for chunk in chunks}
    parts[heading] = body
    ordered = sorted(parts.items(), key=lambda item: "Realistic" in item[0])
    section = "\n".join([SECTION, "", INTRO, "", *(part for _, part in ordered)])
    RESULTS_MD.write_text(before + section + ("\n" + after if after else ""), encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`pycolonies-fast bench`'s options, and this checkout's own."""
    bench_command.add_arguments(parser)
    parser.set_defaults(with_upstream=True, json=None)
    parser.add_argument("--no-upstream", dest="with_upstream", action="store_false",
                        help="leave out upstream pycolonies (measured by default here)")
    parser.add_argument("--modes", default="exclusive",
                        help="server assign modes, e.g. exclusive,distributed (restarts the shared dev server)")
    parser.add_argument("--update-results", action="store_true",
                        help=f"replace the '{SECTION[3:]}' section of bench/RESULTS.md")
    parser.add_argument("--invocation", help=argparse.SUPPRESS)  # how the caller was invoked, for the record


def run(args: argparse.Namespace) -> int:
    """Run the benchmark in every mode asked for on the dev server; print the table; 0 on success."""
    config = bench_command.config_from(args)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"exclusive", "distributed"}:
        raise SystemExit("--modes takes exclusive and/or distributed")
    if args.json is None:
        args.json = REPO / "bench" / "results" / ("headline-short.json" if args.short else "headline.json")
    if args.plot is None and not args.short:  # the chart of the last full run, beside its JSON (README shows it)
        args.plot = args.json.with_suffix(".png")
    original_mode = "exclusive" if server_env().get("COLONIES_EXCLUSIVE_ASSIGN", "true") == "true" else "distributed"

    def in_mode(mode: str) -> Callable[[], Mapping[str, str]]:
        def start() -> Mapping[str, str]:
            dev_server("start", mode)  # a no-op when the server already runs in this mode
            return server_env()
        return start

    def recover() -> None:  # the shared dev server restarted under us: wait until it is back
        dev_server("start")

    command = (args.invocation or "").strip() or " ".join(["bench/headline.py", *sys.argv[1:]])
    try:
        results = run_benchmark(config, {mode: in_mode(mode) for mode in modes}, command, recover)
    finally:
        if modes[-1] != original_mode:
            dev_server("start", original_mode)
    text = bench_command.finish(results, args.json, args.plot)
    if args.update_results:
        update_results_md(results, text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
