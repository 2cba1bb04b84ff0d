"""Async runner benchmark: AsyncExecutor with C assigns in flight vs the threaded Executor at W workers.

Same server, colony and workload as bench/headline.py's minimal cycle (its ``Bench`` does the
setup and the threaded variants): submit N processes of a fresh executor type, then assign +
close all N with each variant; the function returns nothing and is not announced. Variants:
``threaded-W`` (W = 1, 2, 4, 8 worker threads, ``noop``), ``async-C`` (C in flight, an
``async def`` function on the loop), ``async-C-uvloop`` (the same on uvloop's event loop, when
uvloop is installed: it is in the ``bench`` extra) and ``async-C-thread`` (a plain function, run
in a worker thread as the async runner does for sync functions). Reported: cycles/s and client CPU per
cycle (``time.process_time`` over the assign+close phase / N), medians over interleaved runs,
and the best async variant's ratios to the best threaded one.
Also measured, once: what signing in a thread pool instead of inline costs per call, and client
CPU per sequential RPC of each client.

Run: .venv/bin/python bench/bench_async.py [-n 1000] [--runs 3] [--update-results]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.headline import Bench, Progress, dev_server, server_env, split_section, worker_counts  # noqa: E402
from pycolonies_fast.aio import AsyncColonies  # noqa: E402
from pycolonies_fast.aio.executor import AsyncExecutor  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.core.codec import build_request  # noqa: E402
from pycolonies_fast.core.crypto import Crypto  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402

RESULTS_MD = REPO / "bench" / "RESULTS.md"
SECTION = "## Async runner"
NOTES = """Reading the numbers:

* Throughput is the server's: both runners keep it busy (assign is serialised through the
  leader in exclusive mode), so cycles/s move with the load of the shared 2-core machine more
  than with the runner; interleaved runs and medians keep the comparison fair.
* Client CPU per cycle is the client's own cost and is stable from run to run. Signing, JSON
  and the pydantic models are the same code in both clients, and both frame replies with the
  same llhttp parser (core/http.py); what remains between them is the event loop's own work per
  cycle (futures, task wake-ups, a loop pass per reply) against the threaded runner's thread
  hand-offs. A plain function costs the async runner a thread hop more (`async-C-thread`).
* uvloop (`async-C-uvloop`: `uvloop.run(main())` instead of `asyncio.run(main())`) takes some
  of the event loop's cost off; users of the async runner can choose it.
* History (2026-11-24, before the asyncio transport): on aiohttp the async runner paid about
  twice the threaded runner's CPU per cycle; `bench/async_http_paths.py` compares the shipped
  transport with that aiohttp path."""


async def async_noop(*args: Any) -> None:
    """The async variants' function: empty output, on the event loop."""


def thread_noop(*args: Any) -> None:
    """The async-C-thread variant's function: a plain function, so the runner calls it in a thread."""


class AsyncBench(Bench):
    """``Bench`` plus the async runner variants."""

    def measure_async(self, concurrency: int, flavour: str, label: str) -> dict[str, float]:
        """Submit N, then assign + close N with an AsyncExecutor; one run's numbers.

        ``flavour``: "" (an async function, asyncio's loop), "thread" (a plain function) or
        "uvloop" (an async function on uvloop's loop).
        """
        etype, name, key = self.executor()
        self._timed(f"{label}: submit", lambda tick: self._submit(self.client, func_spec, etype, key, tick))
        function = thread_noop if flavour == "thread" else async_noop
        loop_runner = _uvloop_run() if flavour == "uvloop" else asyncio.run

        async def run() -> float:
            async with AsyncColonies(self.host, self.port, self.tls) as client:
                runner = AsyncExecutor(client, self.colony, etype, executorname=name, prvkey=key,
                                       functions={"echo": function}, concurrency=concurrency,
                                       announce_functions=False)
                stats = await runner.run(max_processes=self.n, max_seconds=self.limit, handle_signals=False)
            if stats.closed != self.n:
                raise RuntimeError(f"async runner closed {stats.closed} of {self.n} processes: {stats}")
            return stats.elapsed

        cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: loop_runner(run()))
        return {"cycles_per_s": self.n / cycle_s, "cpu_ms_per_cycle": cycle_cpu / self.n * 1e3}


def _uvloop_run() -> Any:
    import uvloop

    return uvloop.run


def _has_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def signing_offload(calls: int = 2000) -> dict[str, float]:
    """Wall µs per signed envelope on an event loop: inline vs ``run_in_executor`` (a 1-thread pool)."""
    key = Crypto().prvkey()
    msg = {"msgtype": "assignprocessmsg", "timeout": 2, "colonyname": "bench"}

    async def measure() -> dict[str, float]:
        loop = asyncio.get_running_loop()
        pool = ThreadPoolExecutor(1)
        await loop.run_in_executor(pool, build_request, msg, key)
        start = time.perf_counter()
        for _ in range(calls):
            build_request(msg, key)
        inline = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(calls):
            await loop.run_in_executor(pool, build_request, msg, key)
        offloaded = time.perf_counter() - start
        pool.shutdown()
        return {"inline_us": inline / calls * 1e6, "thread_pool_us": offloaded / calls * 1e6}

    return asyncio.run(measure())


def rpc_cpu(env: dict[str, str], calls: int = 500) -> dict[str, float]:
    """Client CPU µs per ``get_colony`` RPC, sequential: the blocking client vs AsyncColonies (aiohttp)."""
    host, port, key = env["COLONIES_SERVER_HOST"], int(env["COLONIES_SERVER_PORT"]), env["COLONIES_PRVKEY"]
    colony = env["COLONIES_COLONY_NAME"]
    with Colonies(host, port) as client:
        client.get_colony(colony, key)
        start = time.process_time()
        for _ in range(calls):
            client.get_colony(colony, key)
        blocking = time.process_time() - start

    async def measure() -> float:
        async with AsyncColonies(host, port) as aclient:
            await aclient.get_colony(colony, key)
            start = time.process_time()
            for _ in range(calls):
                await aclient.get_colony(colony, key)
            return time.process_time() - start

    return {"blocking_us": blocking / calls * 1e6, "async_us": asyncio.run(measure()) / calls * 1e6}


def measure(args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    """All runs of all variants, interleaved; raw runs and medians."""
    dev_server("start")
    env = server_env()
    bench = AsyncBench(env, args.processes, False, progress)
    variants = [f"threaded-{w}" for w in args.workers] + [f"async-{c}" for c in args.concurrency]
    if _has_uvloop():
        variants += [f"async-{c}-uvloop" for c in args.concurrency]
    variants += [f"async-{c}-thread" for c in args.concurrency]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    try:
        for run in range(args.runs):
            for variant in variants:
                label = f"run {run + 1}/{args.runs} {variant}"
                kind, count, *rest = variant.split("-")
                if kind == "threaded":
                    numbers = bench.measure(f"runner-{count}", label)
                    runs[variant].append({k: numbers[k] for k in ("cycles_per_s", "cpu_ms_per_cycle")})
                else:
                    runs[variant].append(bench.measure_async(int(count), "".join(rest), label))
    finally:
        bench.close()
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    mode = "exclusive" if env.get("COLONIES_EXCLUSIVE_ASSIGN", "true") == "true" else "distributed"
    return {"runs": runs, "medians": medians, "mode": mode, "rpc_cpu": rpc_cpu(env)}


def table(result: dict[str, Any]) -> str:
    """Markdown table of the medians, with the goal checked below it."""
    medians = result["medians"]
    best_threaded = max((v for v in medians if v.startswith("threaded")), key=lambda v: medians[v]["cycles_per_s"])
    best_async = max((v for v in medians if v.startswith("async")), key=lambda v: medians[v]["cycles_per_s"])
    top = medians[best_threaded]["cycles_per_s"]
    lines = ["| variant | cycles/s | × best threaded | client CPU/cycle |", "|---|---:|---:|---:|"]
    for variant, m in medians.items():
        lines.append(f"| {variant} | {m['cycles_per_s']:.1f} | {m['cycles_per_s'] / top:.2f}× | "
                     f"{m['cpu_ms_per_cycle']:.2f} ms |")
    a, t = medians[best_async], medians[best_threaded]
    ratio = a["cycles_per_s"] / t["cycles_per_s"]
    lines += ["",
              f"- {best_async} cycles/s ÷ {best_threaded}'s: {ratio:.2f}×",
              f"- {best_async} client CPU per cycle ÷ {best_threaded}'s: "
              f"{a['cpu_ms_per_cycle'] / t['cpu_ms_per_cycle']:.2f}× ({a['cpu_ms_per_cycle']:.2f} vs "
              f"{t['cpu_ms_per_cycle']:.2f} ms)"]
    sign, rpc = result["signing"], result["rpc_cpu"]
    lines += [f"- signing on the event loop: inline {sign['inline_us']:.1f} µs per envelope, through a thread pool "
              f"{sign['thread_pool_us']:.1f} µs (so signing stays inline)",
              f"- client CPU per sequential get_colony RPC: blocking client {rpc['blocking_us']:.0f} µs, "
              f"AsyncColonies {rpc['async_us']:.0f} µs"]
    return "\n".join(lines)


def update_results_md(result: dict[str, Any], text: str) -> None:
    """Replace (or append) this benchmark's section of bench/RESULTS.md, leaving the others alone."""
    section = "\n".join([
        SECTION, "",
        f"`{result['command']}` — {result['date']}, server in {result['mode']} assign mode, "
        "2 CPUs shared by server, PostgreSQL and client; "
        f"N = {result['config']['processes']} processes per variant, medians of {result['config']['runs']} "
        "interleaved runs, the minimal cycle of the headline benchmark (empty output, function not announced). "
        "Client CPU = `time.process_time` of the benchmark process over the assign+close phase / N. "
        "Raw runs: `bench/results/async.json`.", "", text, "", NOTES, "",
    ])
    old = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    before, _, after = split_section(old, SECTION)
    RESULTS_MD.write_text(before + section + after, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--processes", type=int, default=1000, help="processes per variant and run")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant; medians are reported")
    parser.add_argument("--workers", type=worker_counts, default=[1, 2, 4, 8], help="threaded runner worker counts")
    parser.add_argument("--concurrency", type=worker_counts, default=[8], help="async runner in-flight assign counts")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "async.json")
    parser.add_argument("--update-results", action="store_true", help=f"replace '{SECTION}' in bench/RESULTS.md")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    variant_count = len(args.workers) + (3 if _has_uvloop() else 2) * len(args.concurrency)
    progress = Progress(args.runs * variant_count * 2, not args.no_progress)
    try:
        result = measure(args, progress)
    finally:
        progress.close()
    result["signing"] = signing_offload()
    result.update(command="bench/bench_async.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                  date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                  config={"processes": args.processes, "runs": args.runs})
    text = table(result)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.update_results:
        update_results_md(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
