"""Key rotation (not in upstream pycolonies): give a server, colony, executor or user a new id.

The new id is ``Crypto().id(new_prvkey)``; the call is signed with the current key, and from then
on only the new key is accepted. Each reply echoes the request message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import ChangeColonyIdDict, ChangeExecutorIdDict, ChangeServerIdDict, ChangeUserIdDict

__all__ = ["KeysMixin"]


class KeysMixin(ClientCore):
    """Rotate the id (and so the private key) of the server, a colony, an executor or a user."""

    @rpc
    def change_server_id(self, serverid: str, prvkey: str) -> Steps[ChangeServerIdDict]:
        """Make ``serverid`` the server's id; signed with the current server key."""
        return (yield Call({"msgtype": "changeserveridmsg", "serverid": serverid}, prvkey))

    @rpc
    def change_colony_id(self, colonyname: str, colonyid: str, prvkey: str) -> Steps[ChangeColonyIdDict]:
        """Make ``colonyid`` the colony's id; signed with the current colony key."""
        msg = {"msgtype": "changecolonyidmsg", "colonyname": colonyname, "colonyid": colonyid}
        return (yield Call(msg, prvkey))

    @rpc
    def change_executor_id(self, colonyname: str, executorid: str, prvkey: str) -> Steps[ChangeExecutorIdDict]:
        """Make ``executorid`` the calling executor's id; signed with its current key."""
        msg = {"msgtype": "changeexecutoridmsg", "colonyname": colonyname, "executorid": executorid}
        return (yield Call(msg, prvkey))

    @rpc
    def change_user_id(self, colonyname: str, userid: str, prvkey: str) -> Steps[ChangeUserIdDict]:
        """Make ``userid`` the calling user's id; signed with the user's current key."""
        msg = {"msgtype": "changeuseridmsg", "colonyname": colonyname, "userid": userid}
        return (yield Call(msg, prvkey))
