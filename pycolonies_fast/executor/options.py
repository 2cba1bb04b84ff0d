"""The options of a runner and what a run reports: ``RunnerOptions``, ``RunStats`` and the resource checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from pycolonies_fast.executor.hooks import Hook

__all__ = ["RunStats", "RunnerOptions", "check_resources"]


class RunnerOptions(TypedDict, total=False):
    """The keyword options of both runners (see ``Executor`` for what each means)."""

    executorname: str | None
    prvkey: str | None
    colony_prvkey: str | None
    functions: Mapping[str, Callable[..., Any]] | None
    poll_timeout: int
    grace_period: float
    report_timeout: float
    process_pool: int
    announce_functions: bool
    available_cpu: str | None
    available_memory: str | None
    hooks: Iterable[Hook] | None


@dataclass
class RunStats:
    """What one ``run()`` did: processes by how they ended (one the ``Process`` model rejects counts
    as assigned and failed), failed assign calls (connection errors, replies that are not a
    process; not "nothing to assign") and ``elapsed``: seconds from the start until the last
    worker stopped (the shutdown's checks excluded)."""

    assigned: int = 0
    closed: int = 0
    failed: int = 0
    abandoned: int = 0
    lost: int = 0
    unreported: int = 0
    assign_errors: int = 0
    elapsed: float = 0.0


_CPU = re.compile(r"[0-9]+m")
_MEMORY = re.compile(r"[0-9]+(Ki|KiB|Mi|MiB|Gi|GiB|TiB|K|KB|Kb|M|MB|Mb|G|Gb|TB|Tb)")


def check_resources(available_cpu: str | None, available_memory: str | None) -> None:
    """Refuse what the server would misread: it takes a CPU value without ``m`` as 0 CPUs, and
    refuses every assign with a malformed value (the runner would retry them all run long)."""
    if available_cpu is not None and not _CPU.fullmatch(available_cpu):
        raise ValueError(f"available_cpu must be millicores such as '4000m', not {available_cpu!r}")
    if available_memory is not None and not _MEMORY.fullmatch(available_memory):
        raise ValueError(f"available_memory must be a whole number and a unit such as '8Gi' or '512Mi', "
                         f"not {available_memory!r}")
