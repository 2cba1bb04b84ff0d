"""Upstream pycolonies 1.0.25 from PyPI, side by side with ours in one process.

pycolonies installs top-level modules (``pycolonies``, ``crypto``, ``model``, ``cfs``), so it is
installed with ``pip --target`` into a folder of its own and imported from there, never over ours.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

UPSTREAM_VERSION = "1.0.25"
UPSTREAM_DIR = Path(__file__).resolve().parent.parent / ".bench-upstream"


def ensure_installed() -> Path:
    """Install upstream pycolonies into .bench-upstream once (without its deps: they are ours too)."""
    marker = UPSTREAM_DIR / f"pycolonies-{UPSTREAM_VERSION}.dist-info"
    if not marker.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(UPSTREAM_DIR),
             f"pycolonies=={UPSTREAM_VERSION}"],
            check=True,
        )
    return UPSTREAM_DIR


def load(module: str) -> ModuleType:
    """Import one of upstream's top-level modules (``pycolonies``, ``crypto``, ``model``)."""
    path = str(ensure_installed())
    if path not in sys.path:
        sys.path.append(path)  # appended: ours always wins on any name clash
    loaded = importlib.import_module(module)
    if not str(getattr(loaded, "__file__", "")).startswith(path):
        raise RuntimeError(f"'{module}' resolved to {loaded.__file__}, not upstream's copy in {path}")
    return loaded
