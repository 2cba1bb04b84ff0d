"""Log methods: executors write log lines for a process; anyone in the colony reads them."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class LogsMixin(ClientBase):
    """Add and read process and executor logs (timestamps are Unix nanoseconds)."""

    def add_log(self, processid: str, logmsg: str, prvkey: str) -> dict[str, Any]:
        """Append a log line to a RUNNING process (its assigned executor only). Returns ``{}``."""
        return self._rpc({"msgtype": "addlogmsg", "processid": processid, "message": logmsg}, prvkey)

    def get_process_log(self, colonyname: str, processid: str, count: int, since: int, prvkey: str) -> list[dict[str, Any]] | None:
        """Up to ``count`` (≤ 500) log lines of a process, newer than ``since`` ns if ``since > 0``.

        Like upstream it also sends an empty ``executorid``, which the server ignores.
        """
        msg = {
            "msgtype": "getlogsmsg", "colonyname": colonyname, "executorid": "",
            "processid": processid, "count": count, "since": since,
        }
        return self._rpc(msg, prvkey, idempotent=True)

    def get_executor_log(self, colonyname: str, executorname: str, count: int, since: int, prvkey: str) -> list[dict[str, Any]] | None:
        """Up to ``count`` (≤ 500) log lines written by an executor, newer than ``since`` ns if ``since > 0``."""
        msg = {
            "msgtype": "getlogsmsg", "colonyname": colonyname, "executorname": executorname,
            "processid": "", "count": count, "since": since,
        }
        return self._rpc(msg, prvkey, idempotent=True)
