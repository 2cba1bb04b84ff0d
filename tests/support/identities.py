"""Names and keys for the live tests: unique names, key holders, colonies and executors of their own.

The fixtures built on them (``keys``, ``colony``, ``executor``, ...) are in tests/conftest.py.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from pycolonies_fast.core.crypto import Crypto


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Identity(SimpleNamespace):
    """A named key holder whose repr never shows the private key (pytest prints fixtures)."""

    def __repr__(self) -> str:
        return f"Identity(name={getattr(self, 'name', '?')!r})"


def new_identity(prefix: str) -> Identity:
    """A fresh key: ``.name`` (unique), ``.prvkey`` and ``.id``."""
    prvkey = Crypto().prvkey()
    return Identity(name=unique(prefix), prvkey=prvkey, id=Crypto().id(prvkey))


def add_colony(client: Any, server_prvkey: str, prefix: str = "t") -> Identity:
    """Create a colony with a fresh key: ``.name``, ``.id`` and ``.prvkey`` (the colony key)."""
    info = new_identity(prefix)
    client.add_colony({"colonyid": info.id, "name": info.name}, server_prvkey)
    return info


def add_executor(client: Any, colony: Identity, approve: bool = True, executortype: str | None = None) -> Identity:
    """Register an executor of ``executortype`` (default: a fresh type) in ``colony``, approved unless
    ``approve=False``: ``.name``, ``.prvkey``, ``.id``, ``.type``, ``.colony`` (the colony's name)."""
    executor = new_identity("exec")
    executor.type = executortype or unique("type")
    executor.colony = colony.name
    client.add_executor(
        {"executorname": executor.name, "executorid": executor.id,
         "colonyname": colony.name, "executortype": executor.type},
        colony.prvkey,
    )
    if approve:
        client.approve_executor(colony.name, executor.name, colony.prvkey)
    return executor
