"""Recording a runner's hook events (executor/hooks.py) and comparing them with its ``RunStats``."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from pycolonies_fast.executor.hooks import RunnerEvent

#: Each event kind and the RunStats field that counts the same thing.
STATS_OF_KIND = {"assigned": "assigned", "closed": "closed", "failed": "failed", "lost": "lost",
                 "unreported": "unreported", "abandoned": "abandoned", "assign_error": "assign_errors"}


class EventLog:
    """A hook that keeps every event it is given (from any worker thread)."""

    def __init__(self) -> None:
        self.events: list[RunnerEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: RunnerEvent) -> None:
        with self._lock:
            self.events.append(event)

    def of(self, kind: str) -> list[RunnerEvent]:
        with self._lock:
            return [event for event in self.events if event.kind == kind]

    def counts(self) -> dict[str, int]:
        """The number of events of each kind, under the name of its RunStats field."""
        with self._lock:
            tally = Counter(event.kind for event in self.events)
        return {field: tally[kind] for kind, field in STATS_OF_KIND.items()}


def stats_counts(stats: Any) -> dict[str, int]:
    """A ``RunStats``' counters, by field."""
    return {field: getattr(stats, field) for field in STATS_OF_KIND.values()}
