"""Where the benchmark keeps what it installs or builds: a private cache folder, never the checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_dir", "venv_python"]


def cache_dir() -> Path:
    """``$PYCOLONIES_FAST_CACHE``, else ``$XDG_CACHE_HOME/pycolonies-fast``, else ``~/.cache/pycolonies-fast``.

    The references (upstream pycolonies in a venv of its own, the Go client's binary) live here so
    an installed package can build them without a source checkout, and reuse them run after run.
    """
    explicit = os.environ.get("PYCOLONIES_FAST_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pycolonies-fast"


def venv_python(venv: Path) -> Path:
    """The interpreter of the venv at ``venv`` (``Scripts\\python.exe`` on Windows)."""
    if sys.platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"
