"""The measurement of one variant: submit N processes, then assign + close all N.

Each measurement uses a fresh executor of a fresh type, so the processes of two variants never
mix. Variants (names as in the table):

- ``ours``: ``Colonies`` in two sequential loops (submit, then assign -> close per process)
- ``runner-W``: ``Executor`` with W worker threads sharing one client and one executor identity
- ``async-C``: ``AsyncColonies`` submitting in a loop, then ``AsyncExecutor`` with C assigns in flight
- ``upstream``: pycolonies 1.0.25's same two loops, in its own venv (``references``)
- ``go-W``: the server's own Go client, W goroutines sharing one client (``references``)

The cycle is the minimal one, alike for all: the function is not announced with ``add_function``
and each process is closed with an empty output; ``realistic`` announces it for every variant
(the server then updates function statistics on each close) and closes with output = args.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pycolonies_fast.benchmark import references
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec

__all__ = ["Bench", "Progress", "echo", "noop"]


def echo(*args: Any) -> tuple[Any, ...]:
    """The realistic cycle's function: returns its arguments, so the output equals the args."""
    return args


def noop(*args: Any) -> None:
    """The minimal cycle's function: empty output."""


class Progress:
    """A one-line progress bar on stderr (a plain line per step when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total, self.done, self.enabled = max(total, 1), 0, enabled
        self.tty = sys.stderr.isatty()

    def show(self, label: str, fraction: float = 0.0) -> None:
        """Show ``label`` with the share done so far (``fraction`` of the current step)."""
        if not self.enabled or (not self.tty and fraction):
            return
        share = min(1.0, (self.done + fraction) / self.total)
        bar = "#" * int(share * 30)
        end = "" if self.tty else "\n"
        sys.stderr.write(f"\r[{bar:<30}] {share * 100:3.0f}% {label:<60}{end}")
        sys.stderr.flush()

    def step(self) -> None:
        """One step (a phase of a variant) done."""
        self.done += 1

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled and self.tty:
            sys.stderr.write("\n")


class Bench:
    """One benchmark colony on one server, and the measurement of each variant in it.

    With ``COLONIES_SERVER_PRVKEY`` in ``env`` the benchmark makes a colony of its own and removes
    it at the end; otherwise it uses ``COLONIES_COLONY_NAME``/``COLONIES_COLONY_PRVKEY`` and removes
    the executors it registered there.
    """

    def __init__(self, env: Mapping[str, str], n: int, realistic: bool, progress: Progress,
                 go_binary: Path | None = None, upstream_python: Path | None = None) -> None:
        self.n, self.realistic, self.progress = n, realistic, progress
        self.go_binary, self.upstream_python = go_binary, upstream_python
        self.host, self.port = env["COLONIES_SERVER_HOST"], int(env["COLONIES_SERVER_PORT"])
        self.tls = env.get("COLONIES_SERVER_TLS", env.get("COLONIES_TLS")) == "true"
        self.client = Colonies(self.host, self.port, self.tls)
        self.server_key = env.get("COLONIES_SERVER_PRVKEY")
        self.executors: list[str] = []
        if self.server_key:
            self.colony_key = Crypto().prvkey()
            self.colony = f"bench-{uuid.uuid4().hex[:8]}"
            self.client.add_colony({"colonyid": Crypto().id(self.colony_key), "name": self.colony}, self.server_key)
        else:
            self.colony, self.colony_key = env["COLONIES_COLONY_NAME"], env["COLONIES_COLONY_PRVKEY"]
        self.limit = 60 + n * 0.2  # seconds per phase, so a stuck server cannot hang the run

    def close(self) -> None:
        """Remove what the benchmark added to the server; close the connections."""
        try:
            if self.server_key:
                self.client.del_colony(self.colony, self.server_key)
            else:
                for name in self.executors:
                    self.client.remove_executor(self.colony, name, self.colony_key)
        finally:
            self.client.close_connections()

    def executor(self) -> tuple[str, str, str]:
        """Register and approve a fresh executor of a fresh type; returns (type, name, prvkey)."""
        etype = f"hl-{uuid.uuid4().hex[:10]}"
        key = Crypto().prvkey()
        executor = {"executorname": etype, "executorid": Crypto().id(key),
                    "colonyname": self.colony, "executortype": etype}
        self.client.add_executor(executor, self.colony_key)
        self.executors.append(etype)
        self.client.approve_executor(self.colony, etype, self.colony_key)
        return etype, etype, key

    def measure(self, variant: str, label: str) -> dict[str, float]:
        """Submit N, then assign + close N with ``variant``; one run's numbers."""
        etype, name, key = self.executor()
        kind, _, count = variant.partition("-")
        announce = self.realistic and kind != "runner" and kind != "async"  # the runners announce their own
        if announce:
            self.client.add_function(self.colony, name, "echo", key)
        if kind in ("go", "upstream"):
            return self._measure_reference(kind, int(count or 1), etype, key, label)
        if kind == "async":
            return self._measure_async(int(count), etype, name, key, label)
        client = Colonies(self.host, self.port, self.tls)
        try:
            submit_s, submit_cpu = self._timed(
                f"{label}: submit", lambda tick: self._submit(client, func_spec, etype, key, tick))
            if kind == "runner":
                runner = Executor(client, self.colony, etype, executorname=name, prvkey=key,
                                  functions={"echo": echo if self.realistic else noop},
                                  workers=int(count), announce_functions=self.realistic)
                runner.register()
                cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: self._run(runner))
            else:
                cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: self._cycles(client, key, tick))
        finally:
            client.close_connections()
        return self._numbers(submit_s, submit_cpu, cycle_s, cycle_cpu)

    def _numbers(self, submit_s: float, submit_cpu: float, cycle_s: float, cycle_cpu: float) -> dict[str, float]:
        """One run's rates and CPU per process from the two phases' wall and CPU seconds."""
        return {
            "submits_per_s": self.n / submit_s, "cycles_per_s": self.n / cycle_s,
            "cpu_ms_per_submit": submit_cpu / self.n * 1e3, "cpu_ms_per_cycle": cycle_cpu / self.n * 1e3,
        }

    def _measure_reference(self, kind: str, workers: int, etype: str, key: str, label: str) -> dict[str, float]:
        """A reference's two phases, each a process of its own; wall and CPU as that process measured them."""
        server = references.Server(self.host, self.port, self.tls)
        numbers = []
        for phase, count in (("submit", 1), ("cycles", workers)):
            self.progress.show(f"{label}: {phase}")
            if kind == "go":
                if self.go_binary is None:
                    raise ValueError("go-W variants need Bench(go_binary=references.build_go_client())")
                command = references.go_command(self.go_binary, server, self.colony, etype, phase, self.n, count,
                                                self.realistic)
                variable, name = "GOCLIENT_PRVKEY", "the Go reference client"
            else:
                if self.upstream_python is None:
                    raise ValueError("the upstream variant needs Bench(upstream_python=references.install_upstream())")
                command = references.upstream_command(self.upstream_python, server, self.colony, etype, phase,
                                                      self.n, self.realistic)
                variable, name = "UPSTREAM_PRVKEY", f"upstream pycolonies {references.UPSTREAM_VERSION}"
            numbers.append(references.run_phase(command, variable, key, phase, self.n, self.limit, name))
            self.progress.step()
        (submit_s, submit_cpu), (cycle_s, cycle_cpu) = numbers
        return self._numbers(submit_s, submit_cpu, cycle_s, cycle_cpu)

    def _measure_async(self, concurrency: int, etype: str, name: str, key: str, label: str) -> dict[str, float]:
        """``AsyncColonies`` submits in a loop, then ``AsyncExecutor`` assigns and closes with C in flight."""
        import asyncio

        from pycolonies_fast.aio import AsyncColonies
        from pycolonies_fast.aio.executor import AsyncExecutor

        async def function(*args: Any) -> Any:
            return args if self.realistic else None

        async def submit(tick: Callable[[int], None]) -> None:
            async with AsyncColonies(self.host, self.port, self.tls) as client:
                for i in range(self.n):
                    tick(i)
                    await client.submit_func_spec(func_spec("echo", [i], self.colony, etype), key)

        async def cycles() -> float:
            async with AsyncColonies(self.host, self.port, self.tls) as client:
                runner = AsyncExecutor(client, self.colony, etype, executorname=name, prvkey=key,
                                       functions={"echo": function}, concurrency=concurrency,
                                       announce_functions=self.realistic)
                stats = await runner.run(max_processes=self.n, max_seconds=self.limit, handle_signals=False)
            if stats.closed != self.n:
                raise RuntimeError(f"async runner closed {stats.closed} of {self.n} processes: {stats}")
            return stats.elapsed

        submit_s, submit_cpu = self._timed(f"{label}: submit", lambda tick: asyncio.run(submit(tick)))
        cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", lambda tick: asyncio.run(cycles()))
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

    def _cycles(self, client: Colonies, key: str, tick: Callable[[int], None]) -> None:
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
