"""Argument types and choices shared by the subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

__all__ = ["LOG_LEVELS", "at_least", "check_key"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def at_least(minimum: float, kind: type[int] | type[float]) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` that is at least ``minimum``."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g}, not {text}")
        return value
    return parse


def check_key(variable: str, key: str) -> None:
    """Refuse a malformed private key, named by its variable (the message never shows the key)."""
    from pycolonies_fast.core.crypto import Crypto  # here: --help stays quick

    try:
        Crypto().id(key)
    except ValueError as exc:
        raise SystemExit(f"{variable}: {exc}") from None
