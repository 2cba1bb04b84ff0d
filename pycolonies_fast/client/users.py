"""User methods: people (not executors) who may submit and inspect work in a colony."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class UsersMixin(ClientBase):
    """Add, list and remove colony users (adding and removing need the colony key)."""

    def get_users(self, colonyname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """Users of a colony (any member may ask; the server key is not accepted)."""
        return self._rpc({"msgtype": "getusersmsg", "colonyname": colonyname}, prvkey, idempotent=True)

    def add_user(self, user: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Add a user dict (``colonyname``, ``userid``, ``name``, ``email``, ``phone``); colony key."""
        return self._rpc({"msgtype": "addusermsg", "user": user}, prvkey)

    def remove_user(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """Remove a user by name; colony key. Returns ``{}``."""
        return self._rpc({"msgtype": "removeusermsg", "colonyname": colonyname, "name": name}, prvkey)
