"""A whole run: the variants in order, interleaved runs with medians, against the real dev server."""

from __future__ import annotations

import importlib.util
import statistics

from pycolonies_fast.benchmark import BenchConfig, run_benchmark
from pycolonies_fast.benchmark.session import unavailable_variants


def test_the_variants_are_the_references_then_ours():
    config = BenchConfig(workers=(1, 4), async_concurrency=(8,), go=(1, 4), upstream=True)
    assert config.variants() == ["upstream", "go-1", "go-4", "ours", "runner-1", "runner-4", "async-8"]
    assert BenchConfig(workers=(2,), async_concurrency=()).variants() == ["ours", "runner-2"]


def test_without_aiohttp_the_async_runner_is_left_out_with_a_note(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "aiohttp" else real(name, *a))
    config, notes = unavailable_variants(BenchConfig(workers=(2,), async_concurrency=(8,)))
    assert config.variants() == ["ours", "runner-2"]
    assert notes == ["async runner not measured: it needs aiohttp (pip install 'pycolonies-fast[async]')"]


def test_a_run_measures_each_variant_runs_times_and_reports_medians(dev_server):
    seen: list[str] = []

    def server() -> dict[str, str]:
        seen.append("asked")
        return dev_server

    config = BenchConfig(processes=3, runs=3, workers=(2,), async_concurrency=(2,), progress=False)
    results = run_benchmark(config, {"here": server}, "test run")
    assert seen == ["asked"] and results["command"] == "test run" and results["server"] == "127.0.0.1:50080"
    mode = results["modes"]["here"]
    assert list(mode["runs"]) == ["ours", "runner-2", "async-2"]
    for variant, runs in mode["runs"].items():
        assert len(runs) == 3
        assert mode["medians"][variant]["cycles_per_s"] == statistics.median(r["cycles_per_s"] for r in runs)
    assert results["references"] == {"upstream": None, "go": None}
