"""Waiting for something, and timing a call."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.1) -> T:
    """Call ``probe`` until it returns something truthy (or ``timeout`` passes); return the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def elapsed(fn: Callable[[], Any]) -> tuple[float, BaseException | None]:
    """Run ``fn``; return the seconds it took and what it raised (None if nothing)."""
    start = time.monotonic()
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        return time.monotonic() - start, exc
    return time.monotonic() - start, None
