"""Fixtures for the asyncio tests: those of tests/client (keys, a blocking client for setup, colonies
and executors of their own) plus ``run`` and ``aclient`` for writing a test body as a coroutine.

Tests are plain functions that call ``run(coroutine)`` (``asyncio.run``), so no asyncio plugin
is needed. The fixtures of tests/client/conftest.py are loaded from that file and re-exported.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pycolonies_fast.aio import AsyncColonies

CLIENT_TESTS = Path(__file__).resolve().parents[1] / "client"
if str(CLIENT_TESTS) not in sys.path:
    sys.path.insert(0, str(CLIENT_TESTS))  # client_helpers, rawserver, test_signatures


def _load_client_conftest() -> Any:
    spec = importlib.util.spec_from_file_location("tests_client_conftest", CLIENT_TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_client_conftest = _load_client_conftest()
Identity = _client_conftest.Identity
keys = _client_conftest.keys
client = _client_conftest.client
colony = _client_conftest.colony
own_colony = _client_conftest.own_colony
new_executor = _client_conftest.new_executor
executor = _client_conftest.executor

T = TypeVar("T")


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, T]], T]:
    """``run(coro)``: run one coroutine to completion in a fresh event loop."""
    return asyncio.run


@pytest.fixture
def aclient(dev_server: dict[str, str]) -> Callable[..., AsyncColonies]:
    """Factory of ``AsyncColonies`` for the dev server (create it inside the test's coroutine)."""

    def make(**options: Any) -> AsyncColonies:
        return AsyncColonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]), **options)

    return make
