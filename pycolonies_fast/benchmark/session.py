"""A whole benchmark run: which variants, in which server modes, how many interleaved runs.

``run_benchmark`` measures every variant ``runs`` times, interleaved (run 1 of every variant, then
run 2, ...), so slow drift of a shared machine touches all variants alike; it reports the medians.
The caller says how to reach the server in each mode (``modes``): the installed command uses the
server of the COLONIES_* environment as it is, a source checkout may restart its dev server.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pycolonies_fast.benchmark import references
from pycolonies_fast.benchmark.measure import Bench, Progress
from pycolonies_fast.errors import TransportError

__all__ = ["BenchConfig", "ServerAt", "measure_mode", "run_benchmark", "unavailable_variants"]

# A mode's label -> a function that makes the server ready in that mode and returns its COLONIES_* settings.
ServerAt = Mapping[str, Callable[[], Mapping[str, str]]]


@dataclass(frozen=True)
class BenchConfig:
    """What to measure: N processes per variant and run, the variants' parallelism, the references."""

    processes: int = 1000
    runs: int = 3
    workers: tuple[int, ...] = (1, 2, 4, 8)
    async_concurrency: tuple[int, ...] = (8,)
    go: tuple[int, ...] = ()
    upstream: bool = False
    realistic: bool = False
    progress: bool = True
    notes: tuple[str, ...] = field(default=())

    def variants(self) -> list[str]:
        """The variants in table order: the references first, then ours."""
        return ([*(["upstream"] if self.upstream else []), *(f"go-{w}" for w in self.go), "ours"]
                + [f"runner-{w}" for w in self.workers] + [f"async-{c}" for c in self.async_concurrency])


def unavailable_variants(config: BenchConfig) -> tuple[BenchConfig, list[str]]:
    """``config`` without the async variants when aiohttp is missing, and a note that says so."""
    if config.async_concurrency and importlib.util.find_spec("aiohttp") is None:
        note = "async runner not measured: it needs aiohttp (pip install 'pycolonies-fast[async]')"
        return replace(config, async_concurrency=()), [note]
    return config, []


def measure_mode(
    env: Mapping[str, str], config: BenchConfig, progress: Progress, label: str,
    go_binary: Path | None = None, upstream_python: Path | None = None,
    recover: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """All runs of all variants against one server; raw runs and their medians.

    ``recover``: called once when a measurement loses the server (a restart of a shared dev
    server), before that measurement is repeated; without it, the error ends the run.
    """
    variants = config.variants()
    bench = Bench(env, config.processes, config.realistic, progress, go_binary, upstream_python)
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    try:
        for run in range(config.runs):
            for variant in variants:
                step = f"{label} run {run + 1}/{config.runs} {variant}"
                try:
                    runs[variant].append(bench.measure(variant, step))
                except TransportError as exc:
                    if recover is None:
                        raise
                    progress.show(f"{step}: {exc}; retrying once")
                    recover()
                    runs[variant].append(bench.measure(variant, step))
    finally:
        bench.close()
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    return {"runs": runs, "medians": medians}


def run_benchmark(
    config: BenchConfig, modes: ServerAt, command: str, recover: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Install or build the references asked for, measure every mode; the results (JSON-ready).

    ``command`` is recorded as how the run was made, with the date, machine and configuration.
    """
    config, notes = unavailable_variants(config)
    upstream_python = references.install_upstream() if config.upstream else None
    go_binary = references.build_go_client() if config.go else None
    steps = len(modes) * config.runs * len(config.variants()) * 2
    progress = Progress(steps, config.progress)
    results: dict[str, Any] = {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None},
        "config": {"processes": config.processes, "runs": config.runs, "variants": config.variants(),
                   "modes": list(modes), "realistic": config.realistic},
        "references": {"upstream": f"pycolonies {references.UPSTREAM_VERSION}" if config.upstream else None,
                       "go": references.go_reference_name() if config.go else None},
        "notes": [*config.notes, *notes],
        "modes": {},
    }
    try:
        for label, server_env in modes.items():
            env = server_env()
            results.setdefault("server", f"{env.get('COLONIES_SERVER_HOST')}:{env.get('COLONIES_SERVER_PORT')}")
            results["modes"][label] = measure_mode(env, config, progress, label, go_binary, upstream_python, recover)
    finally:
        progress.close()
    return results
