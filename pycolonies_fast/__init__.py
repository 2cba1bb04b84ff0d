"""pycolonies_fast: a drop-in, much faster replacement for pycolonies, the ColonyOS Colonies SDK.

``import pycolonies_fast as pycolonies`` gives every name users import from upstream's
``pycolonies`` module (``Colonies``, ``colonies_client``, ``func_spec``, the exceptions and the
models). Only ``Crypto`` and the exceptions load at import time; the client (pydantic, urllib3)
loads on first use, so importing the package stays cheap. For upstream's other top-level module
names (``crypto``, ``model``, ``cfs``) see ``pycolonies_fast.compat.install()``.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from pycolonies_fast.core import __version__
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, ColoniesError

# A library logs and leaves output to the application: without this, Python's last-resort
# handler would print our WARNINGs to stderr when the application configured no logging.
# Every module logs under "pycolonies_fast.*" (docs/logging.md lists the loggers).
logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from pycolonies_fast.aio import AsyncColonies as AsyncColonies  # lazy, and not in __all__ (optional aiohttp)
    from pycolonies_fast.client import Colonies, colonies_client
    from pycolonies_fast.funcspec import func_spec
    from pycolonies_fast.models import (
        Attribute,
        Conditions,
        File,
        Fs,
        FuncSpec,
        Gpu,
        Position,
        Process,
        ProcessEdge,
        ProcessGraph,
        ProcessNode,
        Reference,
        S3Object,
        Workflow,
    )
    from pycolonies_fast.monad import ColoniesMonad, Function

#: Name -> submodule that defines it, imported on first access (PEP 562 module __getattr__).
_LAZY = {
    "AsyncColonies": "aio",  # not in __all__: it needs the optional aiohttp
    "Colonies": "client",
    "colonies_client": "client",
    "func_spec": "funcspec",
    "Function": "monad",
    "ColoniesMonad": "monad",
    "Process": "models",
    "FuncSpec": "models",
    "Workflow": "models",
    "ProcessGraph": "models",
    "Conditions": "models",
    "Gpu": "models",
    "S3Object": "models",
    "Reference": "models",
    "File": "models",
    "Fs": "models",
    "Attribute": "models",
    "Position": "models",
    "ProcessNode": "models",
    "ProcessEdge": "models",
}

__all__ = [
    "Crypto",
    "ColoniesError",
    "ColoniesConnectionError",
    "__version__",
    "Colonies",
    "colonies_client",
    "func_spec",
    "Function",
    "ColoniesMonad",
    "Process",
    "FuncSpec",
    "Workflow",
    "ProcessGraph",
    "Conditions",
    "Gpu",
    "S3Object",
    "Reference",
    "File",
    "Fs",
    "Attribute",
    "Position",
    "ProcessNode",
    "ProcessEdge",
]


def __getattr__(name: str) -> Any:
    """Load a lazily exported name from its submodule, and keep it as a module attribute."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
