"""Opt-in aliases so that code written for upstream pycolonies runs unchanged on pycolonies_fast.

Upstream installs flat top-level modules: ``pycolonies``, ``crypto``, ``model`` and ``cfs`` (and its
examples import ``colonies_monad``). ``install()`` puts ours into ``sys.modules`` under those names,
so ``from crypto import Crypto`` or ``from model import FuncSpec`` load pycolonies_fast. It is
opt-in because ``crypto`` is a generic name: while installed it shadows any other module so named.

Run an unchanged upstream script with the aliases in place::

    python -m pycolonies_fast.compat my_script.py [args...]
    python -m pycolonies_fast.compat -m unittest discover [args...]   (or -c CODE)

Processes the script starts get the names too, as they did when upstream installed them: a
folder of one-line modules named like upstream's (``_upstream_names/``) goes on ``sys.path``,
which ``multiprocessing``'s spawn and forkserver children inherit, and on ``PYTHONPATH``, which
other Python subprocesses read.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import threading
from types import ModuleType

__all__ = ["ALIASES", "alias_on_import", "install", "installed", "run_code", "run_module", "run_script", "uninstall"]

#: Upstream module name -> the pycolonies_fast module that stands in for it.
ALIASES = {
    "pycolonies": "pycolonies_fast",
    "crypto": "pycolonies_fast.compat.crypto",
    "model": "pycolonies_fast.compat.model",
    "cfs": "pycolonies_fast.compat.cfs",
    "colonies_monad": "pycolonies_fast.monad",
}

#: The folder of stand-in modules named like upstream's, for ``sys.path`` (see the module docstring).
UPSTREAM_NAMES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_upstream_names")

# Names we put into sys.modules -> what was there before (None: nothing), for uninstall().
_previous: dict[str, ModuleType | None] = {}
_lock = threading.Lock()


def install(*names: str) -> dict[str, ModuleType]:
    """Alias upstream's module names (all of ``ALIASES``, or just ``names``) to ours.

    Idempotent: returns only the aliases this call added (``{}`` when all were in place).
    A module already imported under such a name is remembered and restored by ``uninstall()``.
    """
    unknown = sorted(set(names) - set(ALIASES))
    if unknown:
        raise ValueError(f"unknown upstream module name(s) {unknown}; known: {sorted(ALIASES)}")
    added: dict[str, ModuleType] = {}
    with _lock:
        for name in names or ALIASES:
            module = importlib.import_module(ALIASES[name])
            if sys.modules.get(name) is module:
                continue
            _previous.setdefault(name, sys.modules.get(name))
            sys.modules[name] = module
            added[name] = module
    return added


def uninstall() -> list[str]:
    """Undo ``install()``: restore whatever those names meant before. Returns the names undone."""
    with _lock:
        undone = []
        for name, previous in _previous.items():
            if sys.modules.get(name) is not sys.modules.get(ALIASES[name]):
                continue  # someone replaced our alias since: leave theirs alone
            if previous is None:
                del sys.modules[name]
            else:
                sys.modules[name] = previous
            undone.append(name)
        _previous.clear()
    return undone


def installed() -> dict[str, ModuleType]:
    """The aliases currently in place: upstream name -> our module."""
    return {
        name: sys.modules[name]
        for name, target in ALIASES.items()
        if name in sys.modules and sys.modules[name] is sys.modules.get(target)
    }


def alias_on_import(name: str) -> None:
    """Called by a stand-in module of ``_upstream_names/`` as it is imported: replace it in
    ``sys.modules`` with our module for that upstream name (the import then returns ours)."""
    if name in ALIASES:
        sys.modules[name] = importlib.import_module(ALIASES[name])


def run_script(path: str, argv: list[str] | None = None) -> None:
    """Run an upstream-style script as ``__main__`` with every alias installed, also in the
    processes it starts.

    Like ``python script.py``: ``sys.argv`` is the script and ``argv``, ``__file__`` is its
    absolute path, and the script's folder comes first on ``sys.path`` (so its sibling modules import).
    """
    _prepare(os.path.dirname(os.path.abspath(path)))
    sys.argv = [path, *(argv or [])]
    runpy.run_path(os.path.abspath(path), run_name="__main__")


def run_module(module: str, argv: list[str] | None = None) -> None:
    """Like ``python -m module args...`` (say ``-m unittest``), with every alias installed."""
    _prepare(os.getcwd())
    sys.argv = [module, *(argv or [])]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def run_code(code: str, argv: list[str] | None = None) -> None:
    """Like ``python -c code args...``, with every alias installed."""
    _prepare(os.getcwd())
    sys.argv = ["-c", *(argv or [])]
    main = ModuleType("__main__")
    sys.modules["__main__"] = main
    exec(compile(code, "<string>", "exec"), main.__dict__)  # noqa: S102 - running the caller's own code, as python -c


def _prepare(first_on_path: str) -> None:
    """Install the aliases; put ``first_on_path`` and the stand-ins on ``sys.path`` and the stand-ins
    on ``PYTHONPATH`` (for the processes the code starts)."""
    install()
    sys.path[:0] = [first_on_path, UPSTREAM_NAMES_DIR]
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [UPSTREAM_NAMES_DIR, os.environ.get("PYTHONPATH")]))
