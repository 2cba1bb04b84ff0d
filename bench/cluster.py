"""Cluster benchmark: the runner's cycles/s on one server vs on a cluster of three, both assign modes.

It runs on scripts/dev-server's bench instance (DEVSERVER_INSTANCE=bench: its own PostgreSQL,
HTTP 50100 and, as a cluster, 50100-50102), never on the shared dev server nor on the fault
instance the tests break, and switches it between its single server (``start``) and the cluster
(``start-cluster``) for each variant.
Variants, each a fresh colony and executor (bench/headline.py's ``Bench``: its submit loop and
its runner loop), W worker threads in all:

  single      one Executor over the single server
  cluster     one Executor over ``Colonies.from_endpoints`` of the three members: its requests go
              to the first member while it answers (the others are its failover)
  spread      three Executors of W/3 workers, each with N/3 processes of its own and a client
              whose first endpoint is a different member, run at the same time

The cycle phase (assign + close of all N) is timed; cycles/s = N / its wall time. The ratios are
to ``single`` of the same mode and run; medians over interleaved runs. Assign modes: exclusive
(every assign goes through the cluster's leader) and distributed (COLONIES_EXCLUSIVE_ASSIGN=false).

Run: .venv/bin/python bench/cluster.py [--processes 300] [--runs 3] [--workers 6] [--update-results]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

os.environ["DEVSERVER_INSTANCE"] = "bench"  # for headline's dev_server: an instance no one else uses

from bench.headline import Bench, Progress, dev_server, noop, server_env, split_section  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.executor import Executor  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402

RESULTS_MD = REPO / "bench" / "RESULTS.md"
RESULTS_JSON = REPO / "bench" / "results" / "cluster.json"
SECTION = "## Cluster"
MODES = ("exclusive", "distributed")
VARIANTS = ("single", "cluster", "spread")
MEMBERS = 3

Endpoint = tuple[str, int]


def switch(variant: str, mode: str) -> dict[str, str]:
    """Run the bench instance as ``variant`` needs (single server or cluster) in ``mode``; its env."""
    if variant == "single":
        dev_server("stop-cluster")  # no-op without a cluster
        dev_server("start", mode)
    else:
        dev_server("start-cluster", mode)
    env = server_env()
    want = "true" if mode == "exclusive" else "false"
    if env["COLONIES_EXCLUSIVE_ASSIGN"] != want or (variant != "single") != ("COLONIES_CLUSTER_PORTS" in env):
        raise RuntimeError(f"the bench instance did not switch to {variant} in {mode} mode: {env}")
    return env


def groups(variant: str, env: dict[str, str], n: int, workers: int) -> list[tuple[list[Endpoint], int, int]]:
    """The runners of ``variant``: (their client's endpoints, worker threads, processes) each."""
    host = env["COLONIES_SERVER_HOST"]
    if variant == "single":
        return [([(host, int(env["COLONIES_SERVER_PORT"]))], workers, n)]
    members = [(host, int(port)) for port in env["COLONIES_CLUSTER_PORTS"].split(",")]
    if variant == "cluster":
        return [(members, workers, n)]
    shares = [n // MEMBERS + (k < n % MEMBERS) for k in range(MEMBERS)]
    return [(members[k:] + members[:k], max(1, workers // MEMBERS), shares[k]) for k in range(MEMBERS)]


def measure(variant: str, mode: str, n: int, workers: int, progress: Progress, label: str) -> tuple[float, bool]:
    """Submit, then time the assign + close of all N by ``variant``'s runners at once; (cycles/s, whether
    the first runner's first member was the leader: in exclusive mode a follower forwards each assign)."""
    env = switch(variant, mode)
    benches: list[Bench] = []
    clients: list[Colonies] = []
    runners: list[tuple[Bench, Executor]] = []
    try:
        for endpoints, runner_workers, share in groups(variant, env, n, workers):
            bench = Bench({**env, "COLONIES_SERVER_PORT": str(endpoints[0][1])}, share, False, progress)
            benches.append(bench)
            client = Colonies.from_endpoints(endpoints)
            clients.append(client)
            etype, name, key = bench.executor()
            bench._timed(f"{label}: submit", functools.partial(bench._submit, client, func_spec, etype, key))
            runners.append((bench, Executor(client, bench.colony, etype, executorname=name, prvkey=key,
                                            functions={"echo": noop}, workers=runner_workers,
                                            announce_functions=False)))
        for _, runner in runners:
            runner.register()
        errors: list[BaseException] = []

        def run(bench: Bench, runner: Executor) -> None:
            try:
                bench._run(runner)  # raises unless all its processes were closed within the bench's limit
            except BaseException as exc:  # noqa: BLE001 - raised below, once all runners have ended
                errors.append(exc)

        progress.show(f"{label}: assign+close")
        threads = [threading.Thread(target=run, args=pair) for pair in runners]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        progress.step()
        if errors:
            raise errors[0]
        leader = benches[0].client.get_cluster(env["COLONIES_SERVER_PRVKEY"])["leader"]["apiport"]
        return n / wall, int(leader) == benches[0].port
    finally:
        for client in clients:
            client.close_connections()
        for bench in benches:
            bench.close()


def run_all(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    """Every mode, run and variant, interleaved; raw cycles/s, medians and ratios to ``single``."""
    found = server_env() if _instance_running() else None
    results: dict[str, Any] = {}
    try:
        for mode in args.modes:
            runs: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
            leaders: dict[str, list[bool]] = {variant: [] for variant in VARIANTS}
            for run in range(args.runs):
                for variant in VARIANTS:
                    label = f"{mode} run {run + 1}/{args.runs} {variant}"
                    rate, leader = measure(variant, mode, args.processes, args.workers, progress, label)
                    runs[variant].append(rate)
                    leaders[variant].append(leader)
            ratios = [{v: runs[v][i] / runs["single"][i] for v in VARIANTS} for i in range(args.runs)]
            results[mode] = {
                "runs": runs,
                "leaders": leaders,
                "medians": {v: statistics.median(runs[v]) for v in VARIANTS},
                "ratios": {v: statistics.median(r[v] for r in ratios) for v in VARIANTS},
                "ratio_range": {v: (min(r[v] for r in ratios), max(r[v] for r in ratios)) for v in VARIANTS},
            }
    finally:
        dev_server("stop-cluster")
        if found is None:
            dev_server("stop")  # it was not running: leave it so
        else:
            dev_server("start", "exclusive" if found["COLONIES_EXCLUSIVE_ASSIGN"] == "true" else "distributed")
    return results


def _instance_running() -> bool:
    try:
        dev_server("status")
    except RuntimeError:
        return False
    return True


def table(results: dict[str, Any], workers: int) -> str:
    """Markdown table: per mode and variant, median cycles/s and the median ratio to ``single``."""
    share = max(1, workers // MEMBERS)
    what = {"single": f"1 runner × {workers} workers, one server",
            "cluster": f"1 runner × {workers} workers, `from_endpoints` of 3 members",
            "spread": f"3 runners × {share} workers, one per member"}
    lines = ["| mode | variant | runners | cycles/s | × single | × single, per run |", "|---|---|---|---:|---:|---:|"]
    for mode, result in results.items():
        for variant in VARIANTS:
            low, high = result["ratio_range"][variant]
            lines.append(f"| {mode} | {variant} | {what[variant]} | {result['medians'][variant]:.0f} | "
                         f"{result['ratios'][variant]:.2f}× | {low:.2f}–{high:.2f}× |")
    lines.append("")
    for mode, result in results.items():
        first = result["leaders"]["cluster"]
        lines.append(f"- {mode}: the `cluster` runner's first member was the leader in {sum(first)} of "
                     f"{len(first)} runs")
    return "\n".join(lines)


def update_results_md(text: str, command: str, args: argparse.Namespace, loadavg: float) -> None:
    """Write this run's table into the "Cluster" section of bench/RESULTS.md (other sections untouched)."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([
        SECTION, "", INTRO, "",
        f"`{command}` — {now}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average at "
        f"start {loadavg:.2f}; N = {args.processes}, medians of {args.runs} interleaved runs.", "",
        text, "",
    ])
    old = RESULTS_MD.read_text(encoding="utf-8")
    before, _, after = split_section(old, SECTION)
    RESULTS_MD.write_text(before + body + ("\n" + after if after else ""), encoding="utf-8")


INTRO = """The runner's cycles/s (assign + close of N processes, `Executor` with W worker threads) on the
bench instance of `scripts/dev-server` (`DEVSERVER_INSTANCE=bench`) as one server and as a cluster of three members
(`start-cluster`: one etcd cluster over the same PostgreSQL), in each assign mode; every
variant in one run, interleaved, the ratio to `single` of the same run. `cluster`: one runner over
`Colonies.from_endpoints` of the three members (its requests go to the first member; the others
are its failover); `spread`: three runners at once, one per member, each with a third of the
processes. All servers, PostgreSQL and the client share the machine's cores. A cluster adds work
to every cycle and removes none: each member sends each process event to the other members over
HTTP (the relay), etcd keeps its members in step, in exclusive mode a follower forwards each
assign to the leader over HTTP, and all members use the one database. On one machine it buys
availability (tests/reliability/test_cluster.py kills the leader mid-run), not throughput. Made by
`bench/cluster.py`; raw runs in `bench/results/cluster.json`."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=300, help="N processes per variant and run (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (default 3)")
    parser.add_argument("--workers", type=int, default=6, help="worker threads in all, per variant (default 6)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--update-results", action="store_true",
                        help="write the table into bench/RESULTS.md and the raw runs into bench/results/cluster.json")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    command = "python bench/cluster.py " + " ".join(argv if argv is not None else sys.argv[1:])
    steps = len(args.modes) * args.runs * (len(VARIANTS) + 2 * MEMBERS + 2)
    progress = Progress(steps, enabled=not args.no_progress)
    loadavg = os.getloadavg()[0]
    results = run_all(args, progress)
    progress.close()
    text = table(results, args.workers)
    print(text)
    if args.update_results:  # the raw runs beside the table they made
        RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_JSON.write_text(json.dumps({"command": command, "config": vars(args), "modes": results}, indent=2))
        update_results_md(text, command.strip(), args, loadavg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
