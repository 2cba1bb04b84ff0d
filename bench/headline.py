"""Headline benchmark: submit N processes, then assign + close all N, upstream pycolonies vs ours.

Variants, each with a fresh executor type (so their processes never mix), in a colony of its own:
  upstream   pycolonies 1.0.25 from PyPI (pure-Python crypto, new connection per call): its
             submit loop, then ``assign`` -> ``close`` per process
  ours       pycolonies_fast's ``Colonies``, the same two sequential loops
  runner-W   pycolonies_fast.executor.Executor with W worker threads sharing one client
  go-W       with --go: the server's own Go client (bench/goclient), W goroutines sharing one
             client, as a reference for what a compiled SDK reaches on the same machine
The cycle is the minimal one, alike for all: no function announced with ``add_function``, each
process closed with an empty output. ``--realistic`` announces the function for every variant
(the server then updates function statistics on each close) and closes with output = args.
Reported per variant: submits/s, cycles/s (assign + close), client CPU per cycle
(``time.process_time`` of this whole process over the cycle phase / N) and ratios to upstream;
medians over the runs, which interleave the variants.

Run: bash scripts/run-bench [--short]   or   .venv/bin/python bench/headline.py --help
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import goref, upstream  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.core.crypto import Crypto  # noqa: E402
from pycolonies_fast.errors import TransportError  # noqa: E402
from pycolonies_fast.executor import Executor  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402

DEV_SERVER = REPO / "scripts" / "dev-server"
RESULTS_MD = REPO / "bench" / "RESULTS.md"
SECTION = "## Assign/close headline"
GOALS = [  # (variant, metric, ratio to upstream at least)
    ("ours", "cycles_per_s", 1.5), ("ours", "submits_per_s", 1.8), ("best runner", "cycles_per_s", 2.6),
]
CPU_GOAL_MS = 0.5  # client CPU per cycle of the sequential loop


def echo(*args: Any) -> tuple[Any, ...]:
    """The --realistic benchmark's function: returns its arguments, so the output equals the args."""
    return args


def noop(*args: Any) -> None:
    """The minimal benchmark's function: empty output."""


class Progress:
    """A one-line progress bar on stderr (a plain line per step when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total, self.done, self.enabled = total, 0, enabled
        self.tty = sys.stderr.isatty()

    def show(self, label: str, fraction: float = 0.0) -> None:
        if not self.enabled or (not self.tty and fraction):
            return
        share = min(1.0, (self.done + fraction) / self.total)
        bar = "#" * int(share * 30)
        end = "" if self.tty else "\n"
        sys.stderr.write(f"\r[{bar:<30}] {share * 100:3.0f}% {label:<60}{end}")
        sys.stderr.flush()

    def step(self) -> None:
        self.done += 1

    def close(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")


class Bench:
    """One benchmark colony on one server, and the measurement of each variant in it."""

    def __init__(self, env: dict[str, str], n: int, realistic: bool, progress: Progress,
                 go_binary: Path | None = None) -> None:
        self.n, self.realistic, self.progress, self.go_binary = n, realistic, progress, go_binary
        self.host, self.port = env["COLONIES_SERVER_HOST"], int(env["COLONIES_SERVER_PORT"])
        self.tls = env.get("COLONIES_SERVER_TLS", env.get("COLONIES_TLS")) == "true"
        self.client = Colonies(self.host, self.port, self.tls)
        self.server_key = env.get("COLONIES_SERVER_PRVKEY")
        if self.server_key:  # a colony of our own, removed at the end
            self.colony_key = Crypto().prvkey()
            self.colony = f"bench-{uuid.uuid4().hex[:8]}"
            self.client.add_colony({"colonyid": Crypto().id(self.colony_key), "name": self.colony}, self.server_key)
        else:
            self.colony, self.colony_key = env["COLONIES_COLONY_NAME"], env["COLONIES_COLONY_PRVKEY"]
        self.limit = 60 + n * 0.2  # seconds per phase, so a stuck server cannot hang the run

    def close(self) -> None:
        if self.server_key:
            self.client.del_colony(self.colony, self.server_key)
        self.client.close_connections()

    def executor(self) -> tuple[str, str, str]:
        """Register and approve a fresh executor of a fresh type; returns (type, name, prvkey)."""
        etype = f"hl-{uuid.uuid4().hex[:10]}"
        key = Crypto().prvkey()
        executor = {"executorname": etype, "executorid": Crypto().id(key),
                    "colonyname": self.colony, "executortype": etype}
        self.client.add_executor(executor, self.colony_key)
        self.client.approve_executor(self.colony, etype, self.colony_key)
        return etype, etype, key

    def measure(self, variant: str, label: str) -> dict[str, float]:
        """Submit N, then assign + close N with ``variant``; one run's numbers."""
        etype, name, key = self.executor()
        if variant.startswith("go-"):
            return self._measure_go(int(variant.split("-")[1]), etype, name, key, label)
        if variant == "upstream":
            pycolonies = upstream.load("pycolonies")
            client: Any = pycolonies.Colonies(self.host, self.port, self.tls)
            make_spec: Callable[..., Any] = pycolonies.func_spec
        else:
            client, make_spec = Colonies(self.host, self.port, self.tls), func_spec
        if self.realistic and not variant.startswith("runner"):
            self.client.add_function(self.colony, name, "echo", key)
        submit_s, submit_cpu = self._timed(
            f"{label}: submit", lambda tick: self._submit(client, make_spec, etype, key, tick))
        if variant.startswith("runner"):
            runner = Executor(client, self.colony, etype, executorname=name, prvkey=key,
                              functions={"echo": echo if self.realistic else noop},
                              workers=int(variant.split("-")[1]), announce_functions=self.realistic)
            runner.register()
            cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: self._run(runner))
        else:
            cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: self._cycles(client, key, tick))
        if hasattr(client, "close_connections"):
            client.close_connections()
        return self._numbers(submit_s, submit_cpu, cycle_s, cycle_cpu)

    def _numbers(self, submit_s: float, submit_cpu: float, cycle_s: float, cycle_cpu: float) -> dict[str, float]:
        """One run's rates and CPU per process from the two phases' wall and CPU seconds."""
        return {
            "submits_per_s": self.n / submit_s, "cycles_per_s": self.n / cycle_s,
            "cpu_ms_per_submit": submit_cpu / self.n * 1e3, "cpu_ms_per_cycle": cycle_cpu / self.n * 1e3,
        }

    def _measure_go(self, workers: int, etype: str, name: str, key: str, label: str) -> dict[str, float]:
        """The Go reference client's two phases; wall and CPU as the Go process measured them."""
        assert self.go_binary is not None, "go-W variants need Bench(go_binary=goref.build())"
        if self.realistic:
            self.client.add_function(self.colony, name, "echo", key)
        server = (self.host, self.port, self.tls)
        numbers = []
        for phase, count in (("submit", 1), ("cycles", workers)):
            self.progress.show(f"{label}: {phase}")
            numbers.append(goref.run_phase(self.go_binary, server, self.colony, etype, key, phase, self.n, count,
                                           with_output=self.realistic, limit=self.limit))
            self.progress.step()
        (submit_s, submit_cpu), (cycle_s, cycle_cpu) = numbers
        return self._numbers(submit_s, submit_cpu, cycle_s, cycle_cpu)

    def _timed(self, label: str, phase: Callable[[Callable[[int], None]], float | None]) -> tuple[float, float]:
        """Run one phase; (wall seconds, client CPU seconds). A phase may return its own wall time."""
        def tick(i: int) -> None:
            if i and i % 50 == 0:
                self.progress.show(f"{label} {i}/{self.n}", i / self.n)
                if time.perf_counter() - start > self.limit:
                    raise RuntimeError(f"{label}: not done after {self.limit:.0f} s")

        self.progress.show(label)
        cpu, start = time.process_time(), time.perf_counter()
        own = phase(tick)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.progress.step()
        return (own if own is not None else wall), cpu

    def _submit(
        self, client: Any, make_spec: Callable[..., Any], etype: str, key: str, tick: Callable[[int], None]
    ) -> None:
        for i in range(self.n):
            tick(i)
            client.submit_func_spec(make_spec("echo", [i], self.colony, etype), key)

    def _cycles(self, client: Any, key: str, tick: Callable[[int], None]) -> None:
        for i in range(self.n):
            tick(i)
            process = client.assign(self.colony, 10, key)
            output = (process.input or process.spec.args) if self.realistic else []
            client.close(process.processid, output, key)

    def _run(self, runner: Executor) -> float:
        stats = runner.run(max_processes=self.n, max_seconds=self.limit, handle_signals=False)
        if stats.closed != self.n:
            raise RuntimeError(f"runner closed {stats.closed} of {self.n} processes: {stats}")
        return stats.elapsed


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


def measure_mode(mode: str, args: argparse.Namespace, variants: list[str], progress: Progress) -> dict[str, Any]:
    """All runs of all variants in one server mode; raw runs, medians and ratios to upstream."""
    dev_server("start", mode)  # a no-op when the server already runs in this mode
    bench = Bench(server_env(), args.processes, args.realistic, progress, args.go_binary)
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    try:
        for run in range(args.runs):
            for variant in variants:
                label = f"{mode} run {run + 1}/{args.runs} {variant}"
                try:
                    runs[variant].append(bench.measure(variant, label))
                except TransportError as exc:  # the shared dev server restarted: wait and retry once
                    progress.show(f"{label}: {exc}; retrying once")
                    dev_server("start")
                    runs[variant].append(bench.measure(variant, label))
    finally:
        bench.close()
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    base = medians["upstream"]
    ratios = {v: {k: m[k] / base[k] for k in ("submits_per_s", "cycles_per_s")} for v, m in medians.items()}
    return {"runs": runs, "medians": medians, "ratios": ratios}


def goals(result: dict[str, Any]) -> list[tuple[str, bool]]:
    """The issue's goals for one mode, each as (text, met)."""
    runners = [v for v in result["ratios"] if v.startswith("runner")]
    best = max(runners, key=lambda v: result["ratios"][v]["cycles_per_s"]) if runners else None
    checks = []
    for variant, metric, want in GOALS:
        name = best if variant == "best runner" else variant
        if name is None:
            continue
        got = result["ratios"][name][metric]
        checks.append((f"{name} {metric.replace('_per_s', '/s')} ≥ {want}× upstream: {got:.2f}×", got >= want))
    cpu = result["medians"]["ours"]["cpu_ms_per_cycle"]
    checks.append((f"ours client CPU per cycle ≤ {CPU_GOAL_MS} ms: {cpu:.3f} ms", cpu <= CPU_GOAL_MS))
    return checks


def table(results: dict[str, Any]) -> str:
    """Markdown table of the medians and ratios, with the goals checked below it."""
    lines = ["| mode | variant | submits/s | cycles/s | client CPU/cycle | submits × upstream | cycles × upstream |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for mode, result in results["modes"].items():
        for variant, m in result["medians"].items():
            r = result["ratios"][variant]
            lines.append(f"| {mode} | {variant} | {m['submits_per_s']:.0f} | {m['cycles_per_s']:.1f} | "
                         f"{m['cpu_ms_per_cycle']:.2f} ms | {r['submits_per_s']:.2f}× | {r['cycles_per_s']:.2f}× |")
    lines.append("")
    for mode, result in results["modes"].items():
        for text, met in goals(result):
            lines.append(f"- {mode}: {'met' if met else 'NOT met'}: {text}")
        for variant in (v for v in result["ratios"] if v.startswith("go-")):
            r = result["ratios"][variant]
            lines.append(f"- {mode}: reference, the server's Go client: {variant} cycles/s "
                         f"{r['cycles_per_s']:.2f}×, submits/s {r['submits_per_s']:.2f}× upstream")
    return "\n".join(lines)


INTRO = """Upstream pycolonies 1.0.25 vs ours on the same local dev server, in one run: each variant
submits N processes, then assigns and closes all N (`upstream` and `ours`: one sequential loop;
`runner-W`: `pycolonies_fast.executor.Executor` with W threads sharing one client and one executor
identity). Client CPU = `time.process_time` of the benchmark process over the assign+close phase / N
(for the runner: all its threads). The server and PostgreSQL share the 2 cores with the client.
A sequential cycle takes ≈ 10 ms of server time, of which no client can save anything: ours adds
≈ 0.4 ms, upstream ≈ 5.4 ms (its pure-Python signing and a new connection per call). With several
workers the server is the limit: in exclusive mode every assign is serialised through the leader
(≈ 170 cycles/s here), in distributed mode the CPU of server + PostgreSQL. Other work on the
machine moves single runs by ±15 %, hence interleaved runs and medians. Made by `bench/headline.py`
(`bash scripts/run-bench`, `--update-results`); raw runs in `bench/results/headline*.json`."""


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
    body = "\n".join([
        heading, "",
        f"`{results['command']}` — {results['date']}, {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}, load average at start {results['machine']['loadavg_at_start'][0]:.2f}; "
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


def worker_counts(text: str) -> list[int]:
    """``--workers``: positive integers separated by commas, e.g. ``1,2,4,8``."""
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, e.g. 1,2,4,8, not {text!r}")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options (shared by bench/headline.py, scripts/run-bench and `pycolonies-fast bench`)."""
    parser.add_argument("-n", "--processes", type=int, default=1000,
                        help="processes per variant and run (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant; medians are reported (default 3)")
    parser.add_argument("--workers", type=worker_counts, default=[1, 2, 4, 8],
                        help="runner worker counts, comma-separated (default 1,2,4,8)")
    parser.add_argument("--go", type=worker_counts, default=[], metavar="WORKERS",
                        help="also run the server's own Go client as a reference, with these goroutine "
                             "counts, e.g. 1,4 (builds bench/goclient with Go)")
    parser.add_argument("--modes", default="exclusive",
                        help="server assign modes, e.g. exclusive,distributed (restarts the shared dev server)")
    parser.add_argument("--short", action="store_true", help="quick CI run: N=200, 1 run")
    parser.add_argument("--realistic", action="store_true",
                        help="announce the function (add_function) and close with output = args")
    parser.add_argument("--json", type=Path, default=None,
                        help="JSON output path (default bench/results/headline.json, "
                             "with --short bench/results/headline-short.json)")
    parser.add_argument("--update-results", action="store_true",
                        help=f"replace the '{SECTION[3:]}' section of bench/RESULTS.md")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument("--invocation", help=argparse.SUPPRESS)  # how the caller was invoked, for the record


def run(args: argparse.Namespace) -> int:
    """Run the benchmark as configured by ``add_arguments``; print the table; 0 on success."""
    if args.short:
        args.processes, args.runs = 200, 1
    if args.json is None:
        args.json = REPO / "bench" / "results" / ("headline-short.json" if args.short else "headline.json")
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if set(args.modes) - {"exclusive", "distributed"} or args.processes < 1 or args.runs < 1:
        raise SystemExit("--modes takes exclusive and/or distributed; -n and --runs must be positive")
    variants = ["upstream", "ours"] + [f"runner-{w}" for w in args.workers] + [f"go-{w}" for w in args.go]
    upstream.ensure_installed()
    args.go_binary = goref.build() if args.go else None
    original_mode = "exclusive" if server_env().get("COLONIES_EXCLUSIVE_ASSIGN", "true") == "true" else "distributed"
    progress = Progress(len(args.modes) * args.runs * len(variants) * 2, not args.no_progress)
    results: dict[str, Any] = {
        "command": (args.invocation or "").strip() or " ".join(["bench/headline.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_at_start": os.getloadavg()},
        "config": {"processes": args.processes, "runs": args.runs, "variants": variants, "modes": args.modes,
                   "realistic": args.realistic},
        "modes": {},
    }
    try:
        for mode in args.modes:
            results["modes"][mode] = measure_mode(mode, args, variants, progress)
    finally:
        progress.close()
        if args.modes[-1] != original_mode:
            dev_server("start", original_mode)
    text = table(results)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.update_results:
        update_results_md(results, text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
