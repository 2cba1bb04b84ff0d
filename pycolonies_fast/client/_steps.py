"""Each API method is written once, as a generator of the I/O it needs (sans-IO).

A method body yields ``Call(msg, prvkey)`` for each signed RPC and receives the decoded reply;
it yields ``Blocking(fn, *args)`` for other blocking work (local files, S3) and receives its
result; what it returns is the method's result::

    @rpc
    def get_process(self, processid: str, prvkey: str) -> Steps[Process]:
        reply = yield Call({"msgtype": "getprocessmsg", "processid": processid}, prvkey, idempotent=True)
        return Process(**reply)

``@rpc`` turns such a generator into a method of both clients: on ``Colonies`` a plain method
driven by the blocking ``_rpc``; on ``AsyncColonies`` a coroutine method driven by the async
``_rpc`` (``Blocking`` work then runs in a thread). Steps compose with ``yield from``. An error
of a step is raised inside the generator at its ``yield``, so a method may catch it.

``run_steps`` and ``arun_steps`` are the two drivers (blocking, awaited) of any such generator;
the executor runners drive their own steps with them too (executor_steps.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Generator
from types import MethodType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    from ..aio.base import AsyncClientBase
    from ._base import ClientBase

__all__ = ["Blocking", "Call", "Steps", "arun_steps", "rpc", "run_steps"]

P = ParamSpec("P")
R = TypeVar("R")


class Call:
    """One signed RPC: ``msg`` (with its ``msgtype``) signed with ``prvkey``; the reply is sent back.

    ``idempotent`` calls may be repeated (on another server too) when a connection fails
    mid-reply; ``read_timeout`` replaces the client's read timeout for this call. A plain
    slotted class: one is made per RPC, and a frozen dataclass costs several times more.
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


Steps = Generator["Call | Blocking", Any, R]


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


def _result_annotation(annotation: Any) -> Any:
    """``Steps[X]`` -> ``X``: what the driven method returns (annotations are strings here)."""
    if isinstance(annotation, str) and annotation.startswith("Steps[") and annotation.endswith("]"):
        return annotation[len("Steps["):-1]
    return annotation


class rpc(Generic[P, R]):  # noqa: N801 - used as a decorator, named like one
    """Decorator: a ``Steps`` generator method becomes a method of ``Colonies`` and ``AsyncColonies``.

    Both have the generator's exact signature and docstring (``inspect.signature`` shows them);
    ``rpc.steps`` is the generator function itself.
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
    def __get__(self, client: AsyncClientBase, owner: type) -> Callable[P, Awaitable[R]]: ...
    @overload
    def __get__(self, client: ClientBase, owner: type) -> Callable[P, R]: ...

    def __get__(self, client: Any, owner: Any = None) -> Any:
        if client is None:
            return self._async_method if getattr(owner, "_asynchronous", False) else self._method
        return MethodType(self._async_method if client._asynchronous else self._method, client)
