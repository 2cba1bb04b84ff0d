"""Helpers of the executor tests (names and polling: tests/helpers.py; fixtures: tests/conftest.py)."""

from __future__ import annotations

import socket
from typing import Any

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.helpers import Forwarder, eventually, unique

__all__ = ["Forwarder", "eventually", "free_port", "new_executor", "submit"]


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
