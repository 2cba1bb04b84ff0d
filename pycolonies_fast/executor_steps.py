"""The runners' decisions are written once, as generators of the I/O they need (as client/_steps.py).

A step yields ``Do(name, *args)`` for each piece of I/O and receives its result; an error of
that I/O is raised inside the generator at its ``yield``, so the step decides what it means.
``drive`` runs such a generator with blocking I/O (``io.<name>(*args)``), as the threaded
runner does; ``adrive`` awaits the same I/O on an event loop, as the async runner does.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

from .client._steps import arun_steps, run_steps

__all__ = ["Do", "Steps", "adrive", "drive"]

R = TypeVar("R")


class Do:
    """One piece of I/O: ``io.<name>(*args)``; its result is sent back. The repr never shows ``args``."""

    __slots__ = ("args", "name")

    def __init__(self, name: str, *args: Any) -> None:
        self.name = name
        self.args = args

    def __repr__(self) -> str:
        return f"Do({self.name!r})"


Steps = Generator[Do, Any, R]


def _on(io: Any) -> Callable[[Do], Any]:
    return lambda do: getattr(io, do.name)(*do.args)


def drive(steps: Steps[R], io: Any) -> R:
    """Run ``steps`` to its result, doing each ``Do`` as a blocking call ``io.<name>(*args)``."""
    return run_steps(steps, _on(io))


async def adrive(steps: Steps[R], io: Any) -> R:
    """Run ``steps`` to its result, awaiting each ``Do`` as ``await io.<name>(*args)``."""
    return await arun_steps(steps, _on(io))
