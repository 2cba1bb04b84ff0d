"""How the executor runs one process: find the function, build its arguments, call it, shape the result.

A function receives ``process.input`` (set by a workflow's parents) if non-empty, else
``spec.args``, as positional arguments and ``spec.kwargs`` as keyword arguments; a function with a
``ctx`` parameter also receives a ``ProcessContext``. Its result becomes the process output: a
tuple or list as is, ``None`` as ``[]``, anything else as ``[result]``.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from pycolonies_fast.executor.failures import capped, describe
from pycolonies_fast.executor.pool import CpuPool, PastDeadline
from pycolonies_fast.models import Process

__all__ = [
    "read_assignment",
    "Function",
    "Outcome",
    "PastDeadline",
    "ProcessContext",
    "call_arguments",
    "call_function",
    "deadline_of",
    "failure_from",
    "to_output",
    "unknown_function",
]

log = logging.getLogger("pycolonies_fast.executor")


@dataclass(frozen=True)
class Function:
    """A function the executor provides: its Colonies name, the callable and how to call it."""

    name: str
    fn: Callable[..., Any]
    wants_ctx: bool = False
    cpu_bound: bool = False

    @classmethod
    def of(cls, name: str, fn: Callable[..., Any], cpu_bound: bool = False, *, async_runner: bool = False) -> Function:
        """Describe ``fn``; a ``ctx`` parameter means it wants a ``ProcessContext``. ``async def``
        functions need ``async_runner`` (AsyncExecutor); generator functions are refused: their
        result would never be a process output."""
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            raise ValueError(f"function '{name}' is a generator function: return a list (it becomes the output)")
        if inspect.iscoroutinefunction(fn) and not async_runner:
            raise ValueError(f"function '{name}' is async: run it with AsyncExecutor (Executor calls plain functions)")
        try:
            wants_ctx = "ctx" in inspect.signature(fn).parameters
        except (TypeError, ValueError):  # builtins without a signature
            wants_ctx = False
        if cpu_bound and wants_ctx:
            raise ValueError(f"function '{name}' runs in a process pool and cannot take a ctx parameter")
        if cpu_bound and inspect.iscoroutinefunction(fn):
            raise ValueError(f"function '{name}' runs in a process pool and must be a plain function, not async")
        return cls(name, fn, wants_ctx, cpu_bound)

    @cached_property
    def is_coroutine(self) -> bool:
        """Whether ``fn`` is an ``async def`` function (asked once: the async runner asks for every process)."""
        return inspect.iscoroutinefunction(self.fn)


@dataclass(frozen=True)
class Outcome:
    """What to report: close with ``output``, fail with ``errors``, or nothing (``abandoned``)."""

    ok: bool
    output: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    abandoned: bool = False

    @classmethod
    def failure(cls, *errors: str) -> Outcome:
        """A failure with ``errors``, each at most ``MAX_ERROR_CHARS`` long (executor/failures.py)."""
        return cls(False, errors=[capped(error) for error in errors])


class ProcessContext(Mapping[str, Any]):
    """Given to functions with a ``ctx`` parameter: the process, a log helper and the executor's identity.

    It is also the read-only mapping upstream's example executors passed as ``ctx``, with the keys
    ``process``, ``colonyname``, ``executorid`` and ``executor_prvkey`` (``ctx["process"]``,
    ``ctx.get(...)``, ``"process" in ctx``, ``dict(ctx)``, ``**ctx``). Its repr never shows the key.
    """

    KEYS = ("process", "colonyname", "executorid", "executor_prvkey")

    __slots__ = ("_prvkey", "client", "colonyname", "executorid", "executorname", "process")

    def __init__(
        self, process: Process, client: Any, colonyname: str, executorname: str, executorid: str, prvkey: str
    ) -> None:
        self.process = process
        self.client = client
        self.colonyname = colonyname
        self.executorname = executorname
        self.executorid = executorid
        self._prvkey = prvkey

    @property
    def prvkey(self) -> str:
        """The executor's private key, for further RPCs on this process (``add_child``, ``set_output``)."""
        return self._prvkey

    def log(self, message: str) -> None:
        """Append ``message`` to the process log on the server (``add_log``); failures are only logged here."""
        try:
            self.client.add_log(self.process.processid, message, self._prvkey)
        except Exception as exc:  # noqa: BLE001 - a lost log line must not fail the process
            log.warning("process %s: add_log failed: %s", self.process.processid, exc)

    def __getitem__(self, key: str) -> Any:
        if key not in self.KEYS:
            raise KeyError(key)
        return self._prvkey if key == "executor_prvkey" else getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)

    def __repr__(self) -> str:
        return f"ProcessContext(processid={self.process.processid!r}, executorname={self.executorname!r})"


def unknown_function(funcname: str, executorname: str, known: Iterable[str]) -> Outcome:
    """The failure of a process whose function the executor does not provide."""
    provided = ", ".join(sorted(known)) or "none"
    return Outcome.failure(f"unknown function '{funcname}': executor {executorname} provides {provided}")


def deadline_of(process: Process) -> float | None:
    """The monotonic time the process's function must end by (its ``maxexectime``), or None."""
    maxexectime = process.spec.maxexectime
    return time.monotonic() + maxexectime if maxexectime and maxexectime > 0 else None


def call_arguments(
    function: Function, process: Process, ctx: ProcessContext | None
) -> tuple[list[Any], dict[str, Any]]:
    """``(args, kwargs)`` for ``function``: ``input`` if non-empty, else ``spec.args``; ``spec.kwargs``; ``ctx``."""
    args = list(process.input) if process.input else list(process.spec.args)
    kwargs: dict[str, Any] = dict(process.spec.kwargs or {})
    if function.wants_ctx:
        kwargs["ctx"] = ctx
    return args, kwargs


def failure_from(exc: BaseException) -> Outcome:
    """The failure for an error raised by user code: ``Type: message``, then the traceback.

    Safe for any exception, also one whose ``str()`` raises anything; each string is capped
    (executor/failures.py).
    """
    return Outcome.failure(*describe(exc))


def to_output(result: Any) -> list[Any]:
    """The process output for a function's result: tuple/list as a list, None as [], else [result]."""
    if result is None:
        return []
    if isinstance(result, (tuple, list)):
        return list(result)
    return [result]


def call_function(
    function: Function,
    process: Process,
    ctx: ProcessContext | None,
    deadline: float | None,
    pool: CpuPool | None = None,
) -> Outcome:
    """Run ``function`` for ``process``; ``deadline`` (monotonic) comes from the spec's maxexectime.

    Without a deadline the function runs in the calling thread. With one it runs in a helper
    thread (or the process pool) and is abandoned when the deadline passes.
    """
    args, kwargs = call_arguments(function, process, ctx)
    try:
        if function.cpu_bound and pool is not None:
            result = pool.call(function.fn, args, kwargs, _remaining(deadline))
        elif deadline is None:
            result = function.fn(*args, **kwargs)
        else:
            result = _call_before(deadline, function.fn, args, kwargs)
    except PastDeadline:
        return Outcome(False, abandoned=True)
    except KeyboardInterrupt as exc:
        if threading.current_thread() is threading.main_thread():
            raise  # Ctrl-C itself; elsewhere it is an error of the function (or its pool process)
        return failure_from(exc)
    except BaseException as exc:  # noqa: BLE001 - anything user code raises fails its process
        return failure_from(exc)
    return Outcome(True, output=to_output(result))


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _call_before(deadline: float, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Call ``fn`` in a daemon thread; raise ``PastDeadline`` if it is still running at ``deadline``."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting worker
            box["error"] = exc

    thread = threading.Thread(target=target, name="colonies-function", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if thread.is_alive():
        raise PastDeadline()
    if "error" in box:
        raise box["error"]
    return box["result"]


#: At most this many of the model's complaints go into the reason a process is failed with.
MAX_PARSE_PROBLEMS = 5


def read_assignment(reply: Any) -> tuple[str, Process | Outcome]:
    """An assign reply (``assign_raw``): its process id and the ``Process`` to run, or, when the
    model rejects the process, the failure to report at once (it is assigned to us).

    A reply without a process id raises, as ``Process(**reply)`` does: nothing can be failed.
    """
    try:
        process = Process(**reply)
    except ValidationError as exc:
        processid = reply.get("processid") if isinstance(reply, dict) else None
        if not isinstance(processid, str) or not processid:
            raise
        errors = exc.errors()
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                             for error in errors[:MAX_PARSE_PROBLEMS])
        if len(errors) > MAX_PARSE_PROBLEMS:
            problems += f"; and {len(errors) - MAX_PARSE_PROBLEMS} more"
        return processid, Outcome.failure(f"process could not be parsed: {problems}")
    return process.processid, process
