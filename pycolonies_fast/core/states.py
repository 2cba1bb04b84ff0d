"""Process states, defined once: ``ProcessState`` is an ``IntEnum``, so it equals the ints upstream
users compare with (``process.state == 2``) and goes on the wire as a plain number."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["FINAL_STATES", "ProcessState"]


class ProcessState(IntEnum):
    """The state of a process on the server (its ``state`` field)."""

    WAITING = 0
    RUNNING = 1
    SUCCESSFUL = 2
    FAILED = 3
    CANCELLED = 4


#: The states a process never leaves.
FINAL_STATES = (ProcessState.SUCCESSFUL, ProcessState.FAILED, ProcessState.CANCELLED)
