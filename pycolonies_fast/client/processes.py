"""Process methods: submit, assign, inspect, close and remove single processes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import FuncSpec, Process
from ._base import ClientBase


class ProcessesMixin(ClientBase):
    """The process life cycle: submit -> assign -> set_output/close/fail, plus lookups."""

    def submit_func_spec(self, spec: FuncSpec, prvkey: str) -> Process:
        """Submit a function spec; the new WAITING process."""
        msg = {"msgtype": "submitfuncspecmsg", "spec": spec.model_dump(by_alias=True)}
        return Process(**self._rpc(msg, prvkey))

    def assign(self, colonyname: str, timeout: int, prvkey: str) -> Process:
        """Take the next process for the calling executor, long-polling up to ``timeout`` seconds.

        As upstream, nothing to assign raises ``ColoniesConnectionError`` (a ``ServerError`` with
        status 404) rather than returning None: code in the wild relies on it. The read timeout of
        this call is the server's long-poll time plus the client's normal read timeout.
        """
        msg = {"msgtype": "assignprocessmsg", "timeout": timeout, "colonyname": colonyname}
        read_timeout = None
        if isinstance(timeout, (int, float)) and timeout > 0 and self.timeout is not None:
            read_timeout = timeout + self.timeout
        return Process(**self._rpc(msg, prvkey, read_timeout=read_timeout))

    def list_processes(self, colonyname: str, count: int, state: int, prvkey: str) -> list[dict[str, Any]] | None:
        """Up to ``count`` (≤ 100) process dicts in ``state`` (0..4); ``None`` when there are none."""
        msg = {"msgtype": "getprocessesmsg", "colonyname": colonyname, "count": count, "state": state}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_process(self, processid: str, prvkey: str) -> Process:
        """One process by id."""
        return Process(**self._rpc({"msgtype": "getprocessmsg", "processid": processid}, prvkey, idempotent=True))

    def remove_process(self, processid: str, prvkey: str) -> dict[str, Any]:
        """Remove a process that is not running and not part of a workflow. Returns ``{}``."""
        return self._rpc({"msgtype": "removeprocessmsg", "processid": processid}, prvkey)

    def remove_all_processes(self, colonyname: str, prvkey: str, state: int = -1) -> dict[str, Any]:
        """Remove all processes in ``state`` (-1 = all; running ones cannot be removed); colony key."""
        msg = {"msgtype": "removeallprocessesmsg", "colonyname": colonyname, "state": state}
        return self._rpc(msg, prvkey)

    def close(self, processid: str, output: list[Any], prvkey: str) -> dict[str, Any]:
        """Close a process as SUCCESSFUL with ``output``; only its assigned executor may. Returns ``{}``."""
        return self._rpc({"msgtype": "closesuccessfulmsg", "processid": processid, "out": output}, prvkey)

    def fail(self, processid: str, errors: list[str], prvkey: str) -> dict[str, Any]:
        """Close a process as FAILED with ``errors``; only its assigned executor may. Returns ``{}``."""
        return self._rpc({"msgtype": "closefailedmsg", "processid": processid, "errors": errors}, prvkey)

    def set_output(self, processid: str, arr: list[Any], prvkey: str) -> dict[str, Any]:
        """Store output on a RUNNING process without closing it. Returns ``{}``."""
        return self._rpc({"msgtype": "setoutputmsg", "processid": processid, "out": arr}, prvkey)

    def wait(self, process: Process, timeout: int, prvkey: str) -> Process:
        """Block until ``process`` finishes and return it fresh from the server.

        Fixes upstream, which woke only on SUCCESS: this returns on SUCCESS, FAILED or CANCELLED
        (see ``pubsub.wait_for_process``). ``pubsub`` is imported here so that clients that never
        wait do not load the websocket library.
        """
        from ..pubsub import wait_for_process

        return wait_for_process(self, process, timeout, prvkey)

    def find_process(self, nodename: str, processids: Iterable[str], prvkey: str) -> Process | None:
        """The first process among ``processids`` whose ``spec.nodename`` is ``nodename``, else None.

        One ``get_process`` per id, in order, stopping at the first match (as upstream).
        """
        for processid in processids:
            process = self.get_process(processid, prvkey)
            if process.spec.nodename == nodename:
                return process
        return None
