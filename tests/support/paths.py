"""Where things are: the repository, the spec's vectors as kept in tests (tests/crypto/data), and a
copy of the source tree as an sdist carries it.

tests/crypto reads the vectors by a path of its own (it runs alone against installed wheels);
its test_vectors.py checks them against ../shared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "crypto" / "data" / "vectors.json"

# What an sdist carries (MANIFEST.in and the package); built outputs are left behind.
SOURCES = ["pyproject.toml", "setup.py", "README.md", "LICENSE", "MANIFEST.in", "csrc", "pycolonies_fast"]
_BUILT = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "_crypto.c", "*.o")


def copy_sources(destination: Path) -> Path:
    """Copy the source tree into the new folder ``destination`` (as an sdist would unpack); returns it."""
    destination.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, destination / name, ignore=_BUILT)
        else:
            shutil.copy2(path, destination / name)
    return destination
