"""Where things are: the repository, and the spec's vectors as kept in tests (tests/crypto/data).

tests/crypto reads the vectors by a path of its own (it runs alone against installed wheels);
its test_vectors.py checks them against ../shared.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "crypto" / "data" / "vectors.json"
