"""What the subcommands share: argument types, the key check, and the client from the environment."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pycolonies_fast.client import Colonies

__all__ = ["LOG_LEVELS", "at_least", "check_key", "client_from_environment"]

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


def client_from_environment() -> tuple[Colonies, str, str | None, str | None, str | None]:
    """``colonies_client()``'s client, colony name and keys; a missing or malformed server setting, or
    no ``COLONIES_COLONY_NAME``, ends the command with one line naming it."""
    from pycolonies_fast.client import colonies_client  # here: --help stays quick

    try:
        client, colonyname, colony_prvkey, executorname, prvkey = colonies_client()
    except (TypeError, ValueError) as exc:
        raise SystemExit(str(exc)) from None
    if colonyname is None:
        raise SystemExit("COLONIES_COLONY_NAME is not set")
    return client, colonyname, colony_prvkey, executorname, prvkey
