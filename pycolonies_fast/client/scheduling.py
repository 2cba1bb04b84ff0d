"""Process control and queries upstream pycolonies lacks: cancel, pause/resume assignment,
filtered listing and process history.
"""

from __future__ import annotations

from typing import Any

from ..errors import ReplyError, ServerError
from ._base import ClientCore
from ._steps import Call, Steps, rpc

__all__ = ["SchedulingMixin"]


class SchedulingMixin(ClientCore):
    """Cancel work, pause a colony's assignments, and find processes by filter or by age."""

    @rpc
    def cancel_process(self, processid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Cancel a process (state 4); not for workflow members (cancel the graph). Returns ``{}``."""
        return (yield Call({"msgtype": "cancelprocessmsg", "processid": processid}, prvkey))

    @rpc
    def cancel_processgraph(self, processgraphid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Cancel a whole workflow and its unfinished processes. Returns ``{}``."""
        return (yield Call({"msgtype": "cancelprocessgraphmsg", "processgraphid": processgraphid}, prvkey))

    @rpc
    def pause_assignments(self, colonyname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Stop handing out processes in a colony (assign then fails); colony key. Returns ``{}``."""
        return (yield Call({"msgtype": "pauseassignmentsmsg", "colonyname": colonyname}, prvkey))

    @rpc
    def resume_assignments(self, colonyname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Hand out processes again after ``pause_assignments``; colony key. Returns ``{}``."""
        return (yield Call({"msgtype": "resumeassignmentsmsg", "colonyname": colonyname}, prvkey))

    @rpc
    def get_pause_status(self, colonyname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Whether assignment is paused: ``{"msgtype", "colonyname", "ispaused"}``."""
        return (yield Call({"msgtype": "getpausestatusmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def list_processes_by(
        self,
        colonyname: str,
        count: int,
        state: int,
        prvkey: str,
        executortype: str | None = None,
        label: str | None = None,
        initiator: str | None = None,
    ) -> Steps[list[dict[str, Any]] | None]:
        """``list_processes`` filtered on the server by executor type, spec label or initiating user.

        Give at most one filter: the server applies only one (type before initiator before label),
        so more raise ``ValueError``. ``initiator`` must name a user of the colony. ``None`` when
        nothing matches.
        """
        filters = {"executortype": executortype, "label": label, "initiator": initiator}
        given = {field: value for field, value in filters.items() if value is not None}
        if len(given) > 1:
            raise ValueError(f"list_processes_by: the server applies one filter only, got {sorted(given)}")
        msg = {"msgtype": "getprocessesmsg", "colonyname": colonyname, "count": count, "state": state, **given}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_process_history(
        self, colonyname: str, seconds: int, state: int, prvkey: str, executorid: str = ""
    ) -> Steps[list[dict[str, Any]] | None]:
        """Process dicts in ``state`` during the last ``seconds``, optionally of one executor.

        The server answers a non-member with an empty body; that becomes a ``ServerError`` (403).
        """
        msg = {
            "msgtype": "getprocesshistmsg", "colonyname": colonyname,
            "executorid": executorid, "seconds": seconds, "state": state,
        }
        try:
            return (yield Call(msg, prvkey, idempotent=True))
        except ReplyError as exc:
            raise ServerError(
                "Failed to get process history: no reply (the server sends none to non-members)", 403
            ) from exc
