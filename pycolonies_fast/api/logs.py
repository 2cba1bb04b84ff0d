"""Log methods: executors write log lines for a process; anyone in the colony reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, LogDict


class LogsMixin(ClientCore):
    """Add and read process and executor logs (timestamps are Unix nanoseconds)."""

    @rpc
    def add_log(self, processid: str, logmsg: str, prvkey: str) -> Steps[EmptyDict]:
        """Append a log line to a RUNNING process (its assigned executor only). Returns ``{}``."""
        return (yield Call({"msgtype": "addlogmsg", "processid": processid, "message": logmsg}, prvkey))

    @rpc
    def get_process_log(
        self, colonyname: str, processid: str, count: int, since: int, prvkey: str, *, latest: bool = False
    ) -> Steps[list[LogDict] | None]:
        """Up to ``count`` (≤ 500) log lines of a process, newer than ``since`` ns if ``since > 0``.

        ``latest=True`` (not in upstream) asks for the ``count`` most recent lines instead of the
        first ones; ``since`` is then ignored by the server. Like upstream it also sends an empty
        ``executorid``, which the server ignores.
        """
        msg = {
            "msgtype": "getlogsmsg", "colonyname": colonyname, "executorid": "",
            "processid": processid, "count": count, "since": since,
        }
        return (yield Call(_with_latest(msg, latest), prvkey, idempotent=True))

    @rpc
    def get_executor_log(
        self, colonyname: str, executorname: str, count: int, since: int, prvkey: str, *, latest: bool = False
    ) -> Steps[list[LogDict] | None]:
        """Up to ``count`` (≤ 500) log lines written by an executor, newer than ``since`` ns if ``since > 0``.

        ``latest=True`` (not in upstream): the ``count`` most recent lines instead.
        """
        msg = {
            "msgtype": "getlogsmsg", "colonyname": colonyname, "executorname": executorname,
            "processid": "", "count": count, "since": since,
        }
        return (yield Call(_with_latest(msg, latest), prvkey, idempotent=True))


    @rpc
    def search_logs(
        self, colonyname: str, text: str, days: int, count: int, prvkey: str
    ) -> Steps[list[LogDict] | None]:
        """Log lines of the last ``days`` (≤ 30) containing ``text``, at most ``count`` (≤ 100)."""
        msg = {"msgtype": "searchlogsmsg", "colonyname": colonyname, "text": text, "days": days, "count": count}
        return (yield Call(msg, prvkey, idempotent=True))


def _with_latest(msg: dict[str, Any], latest: bool) -> dict[str, Any]:
    """``msg`` plus ``"latest": true`` when asked for: without it the payload is upstream's, byte for byte."""
    if latest:
        msg["latest"] = True
    return msg
