"""docs/compat.md stays true: every quirk of contract §i is listed, and every test it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "compat.md").read_text()
QUIRKS = [str(n) for n in range(1, 33)] + ["21b"]


def quirk_rows() -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| (\d+b?) \|.*$", DOC, re.MULTILINE)}


def test_every_quirk_has_a_row_with_a_decision_and_a_test():
    rows = quirk_rows()
    assert sorted(rows) == sorted(QUIRKS)
    for number, row in rows.items():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 4 and cells[2] and "::test_" in cells[3], number


def test_every_cited_test_exists():
    cited = set()
    # "tests/x/test_a.py::test_b" and, in the methods table, "test_a.py::test_b, ::test_c" (tests/compat).
    for path, first, more in re.findall(r"((?:tests/[\w/]+/)?test_\w+\.py)::(test_\w+)((?:, ::test_\w+)*)", DOC):
        folder = "" if path.startswith("tests/") else "tests/compat/"
        for name in [first, *re.findall(r"test_\w+", more)]:
            cited.add((folder + path, name))
    assert len(cited) > 40
    missing = [f"{path}::{name}" for path, name in sorted(cited)
               if f"def {name}(" not in (REPO / path).read_text()]
    assert missing == []
