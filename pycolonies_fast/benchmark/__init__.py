"""The headline benchmark, shipped with the package: ``pycolonies-fast bench``.

Submit N processes, then assign and close all N, with our client's sequential loop, the threaded
runner and the asyncio runner, against the server of the COLONIES_* environment; optionally beside
upstream pycolonies 1.0.25 and the server's own Go client, each in a process of its own.

- ``measure``: one variant's measurement (``Bench``)
- ``session``: a whole run, interleaved, with medians (``BenchConfig``, ``run_benchmark``)
- ``references``: installing upstream into, and building the Go client in, a private cache folder
- ``report``: the table and the JSON; ``plot``: the PNG (matplotlib, optional)
"""

from __future__ import annotations

from pycolonies_fast.benchmark.session import BenchConfig, run_benchmark

__all__ = ["BenchConfig", "run_benchmark"]
