"""docs/errors.md stays true: every test it cites exists (a bare file name is in tests/reliability)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = (HERE.parents[1] / "docs" / "errors.md").read_text()


def test_every_cited_test_exists():
    cited = set(re.findall(r"((?:tests/\w+/)?test_\w+\.py)::(test_\w+)", DOC))
    assert len(cited) > 25
    where = {path: HERE.parents[1] / path if path.startswith("tests/") else HERE / path for path, _ in cited}
    missing = [f"{path}::{name}" for path, name in sorted(cited)
               if not where[path].exists() or f"def {name}(" not in where[path].read_text()]
    assert missing == []


def test_every_reliability_test_file_is_cited():
    files = {path.name for path in HERE.glob("test_*.py")} - {Path(__file__).name}
    assert {name for name in files if f"{name}::" not in DOC} == set()
