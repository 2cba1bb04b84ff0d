"""Benchmark results as ``pycolonies_fast.benchmark.run_benchmark`` returns them, for the report and plot tests."""

from __future__ import annotations

from typing import Any


def numbers(submits: float, cycles: float, cpu_ms: float) -> dict[str, float]:
    """One variant's medians (the keys ``Bench.measure`` returns)."""
    return {"submits_per_s": submits, "cycles_per_s": cycles, "cpu_ms_per_submit": cpu_ms / 2,
            "cpu_ms_per_cycle": cpu_ms}


def results(medians: dict[str, dict[str, float]], modes: tuple[str, ...] = ("exclusive",),
            notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """A whole run with these medians in every mode (each run equal to its median)."""
    go = any(variant.startswith("go-") for variant in medians)
    return {
        "command": "pycolonies-fast bench -n 10",
        "date": "2026-12-07 05:00 UTC",
        "machine": {"cpus": 2, "python": "3.11.7", "platform": "Linux", "loadavg_at_start": [1.5, 1.0, 0.5]},
        "config": {"processes": 10, "runs": 1, "variants": list(medians), "modes": list(modes), "realistic": False},
        "references": {"upstream": "pycolonies 1.0.25" if "upstream" in medians else None,
                       "go": "github.com/colonyos/colonies v1.9.12 pkg/client" if go else None},
        "notes": list(notes),
        "server": "127.0.0.1:50080",
        "modes": {mode: {"runs": {v: [m] for v, m in medians.items()}, "medians": medians} for mode in modes},
    }
