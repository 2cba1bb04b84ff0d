"""User methods: people (not executors) who may submit and inspect work in a colony."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, UserDict


class UsersMixin(ClientCore):
    """Add, list and remove colony users (adding and removing need the colony key)."""

    @rpc
    def get_users(self, colonyname: str, prvkey: str) -> Steps[list[UserDict] | None]:
        """Users of a colony (any member may ask; the server key is not accepted)."""
        return (yield Call({"msgtype": "getusersmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def add_user(self, user: dict[str, Any], prvkey: str) -> Steps[UserDict]:
        """Add a user dict (``colonyname``, ``userid``, ``name``, ``email``, ``phone``); colony key."""
        return (yield Call({"msgtype": "addusermsg", "user": user}, prvkey))

    @rpc
    def remove_user(self, colonyname: str, name: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a user by name; colony key. Returns ``{}``."""
        return (yield Call({"msgtype": "removeusermsg", "colonyname": colonyname, "name": name}, prvkey))

    @rpc
    def get_user(self, colonyname: str, name: str, prvkey: str) -> Steps[UserDict]:
        """One user of a colony by name."""
        return (yield Call({"msgtype": "getusermsg", "colonyname": colonyname, "name": name}, prvkey, idempotent=True))

    @rpc
    def get_user_by_id(self, colonyname: str, userid: str, prvkey: str) -> Steps[UserDict]:
        """One user of a colony by id."""
        msg = {"msgtype": "getuserbyidmsg", "colonyname": colonyname, "userid": userid}
        return (yield Call(msg, prvkey, idempotent=True))
