"""``Function`` and ``ColoniesMonad``: build a linear workflow with ``>>`` and run it with ``unwrap()``.

Upstream shipped these only as example code (``examples/colonies_monad.py``); here they are part of
the package, and ``compat.install()`` makes ``import colonies_monad`` load this module. Usage::

    m = ColoniesMonad(colonies, colonyname, executor_prvkey)
    result = (m >> Function(gen_data, colonyname, "python") >> Function(process_data, ...)).unwrap()

Each bound step depends on the previous one, so its input is the previous step's output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pycolonies_fast.core.states import ProcessState
from pycolonies_fast.errors import ColoniesError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow

if TYPE_CHECKING:
    from pycolonies_fast.client import Colonies

__all__ = ["Function", "ColoniesMonad", "WorkflowStepFailed"]



class WorkflowStepFailed(ColoniesError):
    """The last step of an unwrapped workflow ended FAILED or CANCELLED instead of SUCCESSFUL."""


class Function:
    """One workflow step: a function name, or a Python function shipped as source code."""

    def __init__(
        self,
        func: str | Callable[..., Any],
        colonyname: str,
        executortype: str,
        priority: int = 0,
        maxexectime: int = 200,
        maxretries: int = 3,
        maxwaittime: int = -1,
    ) -> None:
        self.func_spec = func_spec(
            func=func,
            args=[],
            colonyname=colonyname,
            executortype=executortype,
            priority=priority,
            maxexectime=maxexectime,
            maxretries=maxretries,
            maxwaittime=maxwaittime,
        )
        self.name = func if isinstance(func, str) else func.__name__

    def __repr__(self) -> str:
        return f"Function({self.name!r})"


class ColoniesMonad:
    """A linear pipeline of ``Function`` steps, submitted as one workflow by ``unwrap()``."""

    def __init__(self, colonies: Colonies, colonyname: str, executor_prvkey: str) -> None:
        self.colonies = colonies
        self.colonyname = colonyname
        self.executor_prvkey = executor_prvkey
        self.wf = Workflow(colonyname=colonyname)
        self.prev_func: str | None = None

    def __repr__(self) -> str:
        steps = " >> ".join(spec.nodename for spec in self.wf.functionspecs)
        return f"ColoniesMonad({self.colonyname!r}: {steps or 'empty'})"

    def __rshift__(self, f: Function) -> ColoniesMonad:
        """Append ``f`` (a copy of its spec) as a step that depends on the previous step."""
        spec = f.func_spec.model_copy(deep=True)
        if self.prev_func is not None:
            spec.conditions.dependencies = [self.prev_func]
        self.wf.functionspecs.append(spec)
        self.prev_func = f.name
        return self

    def unwrap(self, timeout: int = 100) -> Any:
        """Submit the workflow, wait up to ``timeout`` s for the last step, return its first output.

        Returns ``""`` when the last step produced no output (as upstream). Raises
        ``WorkflowStepFailed`` if it failed or was cancelled (upstream blocked until its timeout).
        """
        if self.prev_func is None:
            raise ValueError("ColoniesMonad.unwrap(): no Function was bound with >>")
        graph = self.colonies.submit_workflow(self.wf, self.executor_prvkey)
        last = self.colonies.find_process(self.prev_func, graph.processids, self.executor_prvkey)
        if last is None:
            raise ColoniesError(f"step {self.prev_func!r} not found in process graph {graph.processgraphid}")
        process = self.colonies.wait(last, timeout, self.executor_prvkey)
        if process.state in (ProcessState.FAILED, ProcessState.CANCELLED):
            raise WorkflowStepFailed(f"step {self.prev_func!r} did not succeed: {process.errors}")
        return process.output[0] if process.output else ""
