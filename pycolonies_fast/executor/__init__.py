"""The executor runners: assign processes, run Python functions, close or fail each one, lose none.

``Executor`` (executor/threaded.py) runs them on worker threads over a blocking ``Colonies``;
``AsyncExecutor`` (``pycolonies_fast.aio.executor``) on one event loop over an ``AsyncColonies``.
Both make every decision in ``RunnerCore`` (executor/core.py) as steps (core/steps.py), run
functions as executor/dispatch.py says (``cpu_bound`` ones in executor/pool.py), and report
through executor/report.py, and tell hooks what they did (executor/hooks.py); they differ only
in how they do the I/O. Neither imports a client class: a runner drives whichever client it is given.
"""

from __future__ import annotations

from pycolonies_fast.executor.hooks import RunnerEvent
from pycolonies_fast.executor.options import RunStats
from pycolonies_fast.executor.threaded import Executor

__all__ = ["Executor", "RunStats", "RunnerEvent"]
