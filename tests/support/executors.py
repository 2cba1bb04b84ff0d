"""Executors for the tests: ``new_executor``/``submit`` for the runner tests, and ``PythonExecutor``,
a tiny python-convention executor (contract §h.2) for the monad tests."""

from __future__ import annotations

import base64
import threading
from typing import Any

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.support.identities import unique


def new_executor(client: Any, colony: Any, **options: Any) -> Executor:
    """An Executor of a fresh type that registers itself in ``colony`` (not yet registered)."""
    options.setdefault("grace_period", 2.0)
    options.setdefault("poll_timeout", 1)
    return Executor(client, colony.name, unique("type"), prvkey=Crypto().prvkey(),
                    colony_prvkey=colony.prvkey, **options)


def submit(client: Any, executor: Executor, funcname: str, args: list[Any], **spec: Any) -> str:
    """Submit one process for ``executor``'s type (signed with the executor's key); its id."""
    fs = func_spec(funcname, args, executor.colonyname, executor.executortype, **spec)
    return client.submit_func_spec(fs, executor._prvkey).processid


def run_python_function(process: Any, ctx: dict[str, Any]) -> list[Any]:
    """The python-executor convention (contract §h.2): exec ``env["code"]``, call the function with
    ``input`` (else ``args``) and ``ctx=``, and turn its result into an output list."""
    namespace: dict[str, Any] = {}
    exec(base64.b64decode(process.spec.env["code"]).decode(), namespace)
    function = namespace[process.spec.funcname]
    args = process.input or process.spec.args
    result = function(*args, ctx=ctx)
    if result is None:
        return []
    return list(result) if isinstance(result, tuple) else [result]


class PythonExecutor(threading.Thread):
    """A plain assign -> exec -> close loop in a thread, until ``stop()``; failures are ``fail``ed."""

    def __init__(self, client: Colonies, colonyname: str, prvkey: str) -> None:
        super().__init__(daemon=True)
        self.client, self.colonyname, self.prvkey = client, colonyname, prvkey
        self.ran: list[str] = []
        self._stop_event = threading.Event()

    def __repr__(self) -> str:
        return f"PythonExecutor(colony={self.colonyname!r})"

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                process = self.client.assign(self.colonyname, 1, self.prvkey)
            except ColoniesConnectionError:
                continue
            ctx = {"process": process, "colonyname": self.colonyname}
            try:
                output = run_python_function(process, ctx)
            except Exception as exc:  # the function's own failure: report it, keep serving
                self.client.fail(process.processid, [repr(exc)], self.prvkey)
            else:
                self.client.close(process.processid, output, self.prvkey)
            self.ran.append(process.spec.funcname)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)
