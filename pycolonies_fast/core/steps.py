"""The one step vocabulary: work is written once, as a generator of the I/O it needs (sans-IO).

A step generator yields an operation for each piece of I/O and is sent back its result; an
error of that I/O is raised inside the generator at its ``yield``, so the step decides what it
means. Steps compose with ``yield from``. The operations:

* ``Call(msg, prvkey)``: one signed RPC through the client's request path; the decoded reply.
* ``Blocking(fn, *args)``: blocking work that is not an RPC (files, S3); on an event loop it
  runs in a worker thread.
* ``Sleep(seconds)``: a pause (``time.sleep`` or ``asyncio.sleep``).
* ``Do(name, *args)``: a method of the I/O object the driver was given, ``io.<name>(*args)``,
  awaited on the asyncio side (the runners' own I/O: assign, run a function, report).

``run_steps`` and ``arun_steps`` drive any step generator, blocking or awaited, with a
``perform(op)`` of the caller's; ``drive``/``adrive`` are those drivers with the standard
``perform`` over an I/O object. ``@rpc`` turns a step method into a method of both clients::

    @rpc
    def get_process(self, processid: str, prvkey: str) -> Steps[Process]:
        reply = yield Call({"msgtype": "getprocessmsg", "processid": processid}, prvkey, idempotent=True)
        return Process(**reply)

On ``Colonies`` it is a plain method, driven by the blocking request path; on ``AsyncColonies``
a coroutine method, driven by the asyncio one.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import Awaitable, Callable, Generator
from types import MethodType
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

__all__ = [
    "AsyncSide", "Blocking", "BlockingSide", "Call", "Do", "Sleep", "Steps",
    "adrive", "arun_steps", "drive", "rpc", "run_steps",
]

P = ParamSpec("P")
R = TypeVar("R")


class Call:
    """One signed RPC: ``msg`` (with its ``msgtype``) signed with ``prvkey``; the reply is sent back.

    ``idempotent`` calls may be repeated (on another server too) when a connection fails
    mid-reply; ``read_timeout`` replaces the client's read timeout for this call. A plain
    slotted class: one is made per RPC.
    """

    __slots__ = ("idempotent", "msg", "prvkey", "read_timeout")

    def __init__(
        self, msg: dict[str, Any], prvkey: str, idempotent: bool = False, read_timeout: float | None = None
    ) -> None:
        self.msg = msg
        self.prvkey = prvkey
        self.idempotent = idempotent
        self.read_timeout = read_timeout

    def __repr__(self) -> str:  # never the key
        return f"Call(msg={self.msg!r}, idempotent={self.idempotent}, read_timeout={self.read_timeout})"


class Blocking:
    """Blocking work that is not an RPC (files, S3): ``fn(*args)``; its result is sent back."""

    __slots__ = ("args", "fn")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self.args = args

    def __repr__(self) -> str:
        return f"Blocking({getattr(self.fn, '__qualname__', self.fn)!r})"


class Sleep:
    """A pause of ``seconds``."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"Sleep({self.seconds!r})"


class Do:
    """A method of the driver's I/O object: ``io.<name>(*args)``. The repr never shows ``args`` (keys)."""

    __slots__ = ("args", "name")

    def __init__(self, name: str, *args: Any) -> None:
        self.name = name
        self.args = args

    def __repr__(self) -> str:
        return f"Do({self.name!r})"


Op = Call | Blocking | Sleep | Do
Steps = Generator[Any, Any, R]


def run_steps(steps: Generator[Any, Any, R], perform: Callable[[Any], Any]) -> R:
    """Run ``steps`` to its result: ``perform(op)`` for each op it yields; the result (or error) goes back."""
    try:
        op = next(steps)
        while True:
            try:
                result = perform(op)
            except Exception as exc:  # noqa: BLE001 - raised inside the steps, at their yield
                op = steps.throw(exc)
            else:
                op = steps.send(result)
    except StopIteration as stop:
        return stop.value
    finally:
        steps.close()  # ended by an error it did not catch: its finally blocks run now


async def arun_steps(steps: Generator[Any, Any, R], perform: Callable[[Any], Awaitable[Any]]) -> R:
    """``run_steps`` on an event loop: each ``perform(op)`` is awaited (a cancellation closes the steps)."""
    try:
        op = next(steps)
        while True:
            try:
                result = await perform(op)
            except Exception as exc:  # noqa: BLE001 - raised inside the steps, at their yield
                op = steps.throw(exc)
            else:
                op = steps.send(result)
    except StopIteration as stop:
        return stop.value
    finally:
        steps.close()


def drive(steps: Steps[R], io: Any) -> R:
    """Run ``steps`` with blocking I/O: ``Do`` on ``io``, ``Blocking`` here, ``Sleep`` as ``time.sleep``."""

    def perform(op: Any) -> Any:
        if type(op) is Do:
            return getattr(io, op.name)(*op.args)
        if type(op) is Sleep:
            return time.sleep(op.seconds)
        if type(op) is Blocking:
            return op.fn(*op.args)
        raise TypeError(f"drive() cannot perform {op!r}")

    return run_steps(steps, perform)


async def adrive(steps: Steps[R], io: Any) -> R:
    """Run ``steps`` on an event loop: ``Do`` awaited on ``io``, ``Blocking`` in a thread, ``Sleep`` awaited."""

    def perform(op: Any) -> Awaitable[Any]:  # the awaitable itself: no coroutine of its own around each op
        if type(op) is Do:
            return cast("Awaitable[Any]", getattr(io, op.name)(*op.args))
        if type(op) is Sleep:
            return asyncio.sleep(op.seconds)
        if type(op) is Blocking:
            return asyncio.to_thread(op.fn, *op.args)
        raise TypeError(f"adrive() cannot perform {op!r}")

    return await arun_steps(steps, perform)


class BlockingSide:
    """Marks a client whose ``@rpc`` methods are plain methods (``Colonies``)."""

    _asynchronous: ClassVar[bool] = False


class AsyncSide:
    """Marks a client whose ``@rpc`` methods are coroutine methods (``AsyncColonies``)."""

    _asynchronous: ClassVar[bool] = True


def _result_annotation(annotation: Any) -> Any:
    """``Steps[X]`` -> ``X``: what the driven method returns (annotations are strings here)."""
    if isinstance(annotation, str) and annotation.startswith("Steps[") and annotation.endswith("]"):
        return annotation[len("Steps["):-1]
    return annotation


class rpc(Generic[P, R]):  # noqa: N801 - used as a decorator, named like one
    """Decorator: a ``Steps`` generator method becomes a method of ``Colonies`` and ``AsyncColonies``.

    Both have the generator's exact signature and docstring (``inspect.signature`` shows them);
    ``rpc.steps`` is the generator function itself. A client runs the steps with its ``_drive``.
    """

    def __init__(self, steps: Callable[Concatenate[Any, P], Steps[R]]) -> None:
        self.steps = steps
        signature = inspect.signature(steps)
        signature = signature.replace(return_annotation=_result_annotation(signature.return_annotation))

        def method(client: Any, *args: Any, **kwargs: Any) -> Any:
            return client._drive(steps(client, *args, **kwargs))

        async def async_method(client: Any, *args: Any, **kwargs: Any) -> Any:
            return await client._drive(steps(client, *args, **kwargs))

        functools.update_wrapper(method, steps)
        functools.update_wrapper(async_method, steps)
        method.__signature__ = signature  # type: ignore[attr-defined]
        async_method.__signature__ = signature  # type: ignore[attr-defined]
        self._method = method
        self._async_method = async_method

    @overload
    def __get__(self, client: None, owner: type) -> Callable[Concatenate[Any, P], Any]: ...
    @overload
    def __get__(self, client: AsyncSide, owner: type) -> Callable[P, Awaitable[R]]: ...
    @overload
    def __get__(self, client: BlockingSide, owner: type) -> Callable[P, R]: ...

    def __get__(self, client: Any, owner: Any = None) -> Any:
        if client is None:
            return self._async_method if getattr(owner, "_asynchronous", False) else self._method
        return MethodType(self._async_method if client._asynchronous else self._method, client)
