"""``pycolonies-fast bench``: the headline benchmark against the server of the COLONIES_* environment.

    pycolonies-fast bench --short --with-upstream --plot bench.png
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pycolonies_fast.cli.arguments import at_least, check_key

if TYPE_CHECKING:
    from pycolonies_fast.benchmark import BenchConfig

__all__ = ["HELP", "add_arguments", "config_from", "run", "worker_counts"]

HELP = """\
Measure this package against the server of the COLONIES_* environment: each variant submits N
processes, then assigns and closes all N. Variants: ours (Colonies, one sequential loop),
runner-W (the threaded Executor, W workers), async-C (AsyncExecutor, C assigns in flight; needs
the async extra). --with-upstream adds upstream pycolonies 1.0.25, installed once into a private
cache folder (~/.cache/pycolonies-fast, or $XDG_CACHE_HOME, or $PYCOLONIES_FAST_CACHE); --go adds
the server's own Go client, built there with Go. Prints a table of submits/s, cycles/s and client
CPU per cycle with the ratios to the references measured in the same run, writes the whole run
as JSON, and with --plot FILE.png draws the chart (needs the plot extra). With
COLONIES_SERVER_PRVKEY set, the run uses a colony of its own and removes it; otherwise it uses
COLONIES_COLONY_NAME / COLONIES_COLONY_PRVKEY and removes the executors it registered."""

SHORT = {"processes": 200, "runs": 1}
GO_DEFAULT = (1, 4)


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
    """The options of ``bench`` (bench/headline.py in a checkout adds its own to these)."""
    parser.add_argument("-n", "--processes", type=at_least(1, int), default=1000,
                        help="processes per variant and run (default 1000)")
    parser.add_argument("--runs", type=at_least(1, int), default=3,
                        help="interleaved runs per variant; medians are reported (default 3)")
    parser.add_argument("--short", action="store_true", help=f"a quick run: N={SHORT['processes']}, 1 run")
    parser.add_argument("--workers", type=worker_counts, default=[1, 2, 4, 8],
                        help="threaded runner worker counts, comma-separated (default 1,2,4,8)")
    parser.add_argument("--async", dest="async_concurrency", type=worker_counts, default=[8], metavar="C",
                        help="asyncio runner assigns in flight, comma-separated (default 8)")
    parser.add_argument("--no-async", action="store_true", help="leave out the asyncio runner")
    parser.add_argument("--with-upstream", action="store_true",
                        help="also measure upstream pycolonies 1.0.25 (installed once into the cache folder)")
    parser.add_argument("--go", type=worker_counts, nargs="?", const=list(GO_DEFAULT), default=[], metavar="W",
                        help="also measure the server's own Go client with W goroutines, comma-separated "
                             f"(default {','.join(map(str, GO_DEFAULT))}); needs Go 1.24+ on PATH")
    parser.add_argument("--realistic", action="store_true",
                        help="announce the function (add_function) and close with output = args")
    parser.add_argument("--json", type=Path, default=Path("pycolonies-fast-bench.json"),
                        help="where to write the whole run as JSON (default ./pycolonies-fast-bench.json)")
    parser.add_argument("--plot", type=Path, metavar="FILE.png",
                        help="draw cycles/s and client CPU per cycle per variant into this PNG (needs matplotlib)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def config_from(args: argparse.Namespace) -> BenchConfig:
    """The ``BenchConfig`` the options describe; refuses, before measuring, what cannot be done."""
    from pycolonies_fast.benchmark import BenchConfig, plot, references

    if args.plot is not None:
        try:
            plot.check_available()
        except plot.PlotUnavailable as exc:
            raise SystemExit(str(exc)) from None
    if args.go and references.find_go() is None:
        raise SystemExit(references.GO_MISSING)
    sizes = SHORT if args.short else {"processes": args.processes, "runs": args.runs}
    return BenchConfig(
        processes=sizes["processes"], runs=sizes["runs"], workers=tuple(args.workers),
        async_concurrency=() if args.no_async else tuple(args.async_concurrency), go=tuple(args.go),
        upstream=args.with_upstream, realistic=args.realistic, progress=not args.no_progress,
    )


def server_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The COLONIES_* settings the benchmark needs, checked; a missing one is named."""
    settings = {name: value for name, value in env.items() if name.startswith("COLONIES_")}
    missing = [name for name in ("COLONIES_SERVER_HOST", "COLONIES_SERVER_PORT") if not settings.get(name)]
    if not settings.get("COLONIES_SERVER_PRVKEY"):
        missing += [name for name in ("COLONIES_COLONY_NAME", "COLONIES_COLONY_PRVKEY") if not settings.get(name)]
    if missing:
        raise SystemExit(f"bench needs {', '.join(missing)} (or COLONIES_SERVER_PRVKEY for a colony of its own)")
    if not settings["COLONIES_SERVER_PORT"].isdigit():
        raise SystemExit(f"COLONIES_SERVER_PORT must be a port number, not {settings['COLONIES_SERVER_PORT']!r}")
    for name in ("COLONIES_SERVER_PRVKEY", "COLONIES_COLONY_PRVKEY"):
        if settings.get(name):
            check_key(name, settings[name])
    return settings


def run(args: argparse.Namespace) -> int:
    """Run the ``bench`` subcommand: measure, print the table, write the JSON (and the PNG); the exit status."""
    from pycolonies_fast.benchmark import run_benchmark
    from pycolonies_fast.errors import ColoniesConnectionError, ColoniesError

    config = config_from(args)
    settings = server_settings(os.environ)
    assign = settings.get("COLONIES_EXCLUSIVE_ASSIGN", "")  # set by scripts/dev-server env; a label only
    mode = {"true": "exclusive", "false": "distributed"}.get(assign, "server")
    command = "pycolonies-fast bench " + " ".join(sys.argv[2:] if sys.argv[1:2] == ["bench"] else [])
    try:
        results = run_benchmark(config, {mode: lambda: settings}, command.strip())
    except (ColoniesConnectionError, ColoniesError, RuntimeError) as exc:  # RuntimeError: a reference or a stall
        server = f"{settings['COLONIES_SERVER_HOST']}:{settings['COLONIES_SERVER_PORT']}"
        raise SystemExit(f"bench against {server}: {exc}") from None
    finish(results, args.json, args.plot)
    return 0


def finish(results: dict[str, Any], json_path: Path, plot_path: Path | None) -> str:
    """Print the table, write the JSON and the chart; the table (bench/headline.py records it too)."""
    from pycolonies_fast.benchmark import plot, report

    text = report.table(results)
    print(text)
    report.write_json(results, json_path)
    written = [f"JSON: {json_path}"]
    if plot_path is not None:
        plot.plot(results, plot_path)
        written.append(f"chart: {plot_path}")
    print("\n" + "; ".join(written))
    return text
