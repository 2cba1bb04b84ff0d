"""Shared data for the crypto tests: the spec's vectors, kept here as a data file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

VECTORS_PATH = Path(__file__).parent / "data" / "vectors.json"


@pytest.fixture(scope="session")
def vectors() -> dict:
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
