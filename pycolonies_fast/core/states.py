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

    # As an int everywhere: Python 3.10's IntEnum would print "ProcessState.WAITING" (3.11 prints 0).
    __str__ = int.__repr__


#: The states a process never leaves.
FINAL_STATES = (ProcessState.SUCCESSFUL, ProcessState.FAILED, ProcessState.CANCELLED)
