"""The benchmark's results as a table and as JSON: measurements, and the references measured beside them.

No pass/fail lines: what a client reaches depends on the server and the machine, so the table
states the numbers and their ratios to the references of the same run (upstream pycolonies, the
server's own Go client), and says which references were not measured.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["parallelism", "ratios", "table", "write_json"]


def parallelism(variant: str) -> int | None:
    """How many assigns a variant keeps in flight (the sequential loops: 1); None for the Go client itself."""
    kind, _, count = variant.partition("-")
    if kind == "go":
        return None
    return int(count) if count else 1


def ratios(medians: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Each variant's medians over the references measured in the same run.

    ``*_vs_upstream``: over upstream pycolonies' sequential loop. ``cycles_per_s_vs_go``: over the
    Go client with as many goroutines as the variant keeps assigns in flight (``ours``: ``go-1``).
    """
    upstream = medians.get("upstream")
    result: dict[str, dict[str, float]] = {}
    for variant, numbers in medians.items():
        own: dict[str, float] = {}
        if upstream is not None:
            own["submits_per_s_vs_upstream"] = numbers["submits_per_s"] / upstream["submits_per_s"]
            own["cycles_per_s_vs_upstream"] = numbers["cycles_per_s"] / upstream["cycles_per_s"]
        width = parallelism(variant)
        go = medians.get(f"go-{width}") if width is not None and variant != "upstream" else None
        if go is not None:
            own["cycles_per_s_vs_go"] = numbers["cycles_per_s"] / go["cycles_per_s"]
        result[variant] = own
    return result


def table(results: dict[str, Any]) -> str:
    """A markdown table of the medians with the ratios to the references, and what was measured how."""
    modes = results["modes"]
    every = {name: ratios(result["medians"]) for name, result in modes.items()}
    with_upstream = any("upstream" in mode["medians"] for mode in modes.values())
    with_go = any(v.startswith("go-") for mode in modes.values() for v in mode["medians"])
    header = ["mode", "variant", "submits/s", "cycles/s", "client CPU/cycle"]
    if with_upstream:
        header += ["submits × upstream", "cycles × upstream"]
    if with_go:
        header += ["cycles × Go"]
    lines = ["| " + " | ".join(header) + " |", "|---|---|" + "---:|" * (len(header) - 2)]
    for mode, result in modes.items():
        for variant, m in result["medians"].items():
            r = every[mode][variant]
            cells = [mode, variant, f"{m['submits_per_s']:.0f}", f"{m['cycles_per_s']:.1f}",
                     f"{m['cpu_ms_per_cycle']:.2f} ms"]
            if with_upstream:
                cells += [_times(r.get("submits_per_s_vs_upstream")), _times(r.get("cycles_per_s_vs_upstream"))]
            if with_go:
                cells += [_times(r.get("cycles_per_s_vs_go"))]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", *_legend(results, with_upstream, with_go)])


def _times(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def _legend(results: dict[str, Any], with_upstream: bool, with_go: bool) -> list[str]:
    """What the table measured, against which references, and what it left out."""
    cfg, machine = results["config"], results["machine"]
    load = machine.get("loadavg_at_start")
    lines = [
        f"- measured: N = {cfg['processes']} processes per variant, median of {cfg['runs']} interleaved "
        f"run{'s' if cfg['runs'] != 1 else ''}, {'realistic' if cfg['realistic'] else 'minimal'} cycle; "
        f"server {results.get('server', '?')}; {machine['cpus']} CPUs"
        + (f", load average at start {load[0]:.2f}" if load else "") + f"; {results['date']}",
        "- cycles/s: assign + close per second; client CPU/cycle: the client process's CPU time over the "
        "assign+close phase / N (server and database excluded)",
    ]
    refs = results.get("references", {})
    if with_upstream:
        lines.append(f"- upstream: {refs.get('upstream')} in a venv of its own, its sequential loop")
    if with_go:
        lines.append(f"- go-W: the server's own Go client ({refs.get('go')}), W goroutines sharing one client; "
                     "× Go compares each variant with the Go client at as many goroutines as it keeps assigns "
                     "in flight (ours: go-1)")
    missing = ([] if with_upstream else ["upstream pycolonies (--with-upstream)"]) + (
        [] if with_go else ["the Go client (--go)"])
    if missing:
        lines.append(f"- not measured in this run: {', '.join(missing)}")
    lines += [f"- {note}" for note in results.get("notes", [])]
    return lines


def write_json(results: dict[str, Any], path: Path) -> None:
    """The whole run (raw runs, medians, ratios, configuration) as JSON at ``path``."""
    document = {**results, "ratios": {mode: ratios(r["medians"]) for mode, r in results["modes"].items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
