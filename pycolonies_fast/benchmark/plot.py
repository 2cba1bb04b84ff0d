"""``--plot FILE.png``: cycles/s and client CPU per cycle of each variant, one row of two charts per mode.

matplotlib is optional (``pip install 'pycolonies-fast[plot]'``) and imported only here, when a
chart is asked for; ``check_available`` lets the command refuse ``--plot`` before measuring.
The figure is drawn on its own Agg canvas, so no pyplot state or display is involved.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

__all__ = ["PLOT_EXTRA", "PlotUnavailable", "check_available", "plot"]

PLOT_EXTRA = "pip install 'pycolonies-fast[plot]'"
REFERENCE_COLOUR, OURS_COLOUR = "#9a9a9a", "#2f6db5"


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed."""


def check_available() -> None:
    """Raise ``PlotUnavailable`` (naming the extra to install) when matplotlib is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        raise PlotUnavailable(f"--plot needs matplotlib: {PLOT_EXTRA}")


def plot(results: dict[str, Any], path: Path) -> None:
    """Draw the medians of every mode into a PNG at ``path``; the references in grey."""
    check_available()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    modes = results["modes"]
    if not modes:
        raise ValueError("no mode was measured: nothing to plot")
    rows = len(modes)
    tallest = max((len(mode["medians"]) for mode in modes.values()), default=1)
    figure = Figure(figsize=(11, 0.9 + rows * (0.45 * tallest + 0.9)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, 2, squeeze=False)
    metrics = (("cycles_per_s", "cycles/s (assign + close), higher is better", "{:.0f}"),
               ("cpu_ms_per_cycle", "client CPU per cycle, ms, lower is better", "{:.2f}"))
    for row, (mode, result) in zip(axes, modes.items(), strict=True):
        variants = list(result["medians"])
        colours = [REFERENCE_COLOUR if v == "upstream" or v.startswith("go-") else OURS_COLOUR for v in variants]
        for ax, (metric, title, fmt) in zip(row, metrics, strict=True):
            values = [result["medians"][v][metric] for v in variants]
            bars = ax.barh(variants, values, color=colours)
            ax.bar_label(bars, labels=[fmt.format(v) for v in values], padding=3, fontsize=8)
            ax.invert_yaxis()
            ax.set_title(f"{title}" + (f" — {mode}" if len(modes) > 1 else ""), fontsize=10)
            ax.set_xlim(0, max(values) * 1.18 if values and max(values) > 0 else 1)
            ax.tick_params(labelsize=9)
    cfg, machine = results["config"], results["machine"]
    load = machine.get("loadavg_at_start")
    setting = f"{machine['cpus']} CPUs" + (f", load average {load[0]:.1f} at start" if load else "")
    figure.suptitle(f"pycolonies-fast bench, {results['date']}: N = {cfg['processes']} per variant, median of "
                    f"{cfg['runs']} run{'s' if cfg['runs'] != 1 else ''}; {setting} (grey: references)", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
