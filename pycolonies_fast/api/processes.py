"""Process methods: submit, assign, inspect, close and remove single processes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc
from pycolonies_fast.errors import ReplyError, ServerError
from pycolonies_fast.models import FuncSpec, Process

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, ProcessDict

__all__ = ["ProcessesMixin", "get_process_call"]


def get_process_call(processid: str, prvkey: str) -> Call:
    """The RPC that fetches one process (raw dict reply); also used by other methods."""
    return Call({"msgtype": "getprocessmsg", "processid": processid}, prvkey, idempotent=True)


class ProcessesMixin(ClientCore):
    """The process life cycle: submit -> assign -> set_output/close/fail, plus lookups."""

    @rpc
    def submit_func_spec(self, spec: FuncSpec, prvkey: str) -> Steps[Process]:
        """Submit a function spec; the new WAITING process."""
        msg = {"msgtype": "submitfuncspecmsg", "spec": spec.model_dump(by_alias=True)}
        return Process(**(yield Call(msg, prvkey)))

    @rpc
    def assign(
        self, colonyname: str, timeout: int, prvkey: str, *,
        available_cpu: str | None = None, available_memory: str | None = None,
    ) -> Steps[Process]:
        """Take the next process for the calling executor, long-polling up to ``timeout`` seconds.

        As upstream, nothing to assign raises ``ColoniesConnectionError`` (a ``ServerError`` with
        status 404) rather than returning None: code in the wild relies on it. The read timeout of
        this call is the server's long-poll time plus the client's normal read timeout. A reply
        the ``Process`` model rejects raises ``ValidationError`` (as upstream) although the process is
        then assigned to the caller; ``assign_raw`` gives such a reply as it is.

        ``available_cpu`` (e.g. ``"4000m"``) and ``available_memory`` (e.g. ``"8Gi"``), not in
        upstream: only processes whose conditions ask for no more are assigned.
        """
        call = self._assign_call(colonyname, timeout, prvkey, available_cpu, available_memory)
        return Process(**(yield call))

    @rpc
    def assign_raw(
        self, colonyname: str, timeout: int, prvkey: str, *,
        available_cpu: str | None = None, available_memory: str | None = None,
    ) -> Steps[ProcessDict]:
        """``assign`` without the ``Process`` model: the server's reply (the process dict) as it is.

        Not in upstream. ``assign`` is ``Process(**assign_raw(...))``, the same request. For
        executors that must not lose a process the model rejects (kwargs with non-string
        values such as reconcile processes' ``force: true``, outputs holding dicts, ...): it is
        assigned to the caller either way, and the raw reply still tells its ``processid``.
        """
        return (yield self._assign_call(colonyname, timeout, prvkey, available_cpu, available_memory))

    def _assign_call(
        self, colonyname: str, timeout: int, prvkey: str,
        available_cpu: str | None = None, available_memory: str | None = None,
    ) -> Call:
        """The assign request; its read timeout is the long-poll time plus the client's own.

        The resource limits go on the wire only when given, so the default payload is upstream's.
        """
        msg: dict[str, Any] = {"msgtype": "assignprocessmsg", "timeout": timeout, "colonyname": colonyname}
        if available_cpu is not None:
            msg["availablecpu"] = available_cpu
        if available_memory is not None:
            msg["availablemem"] = available_memory
        read_timeout = None
        if isinstance(timeout, (int, float)) and timeout > 0 and self.timeout is not None:
            read_timeout = timeout + self.timeout
        return Call(msg, prvkey, read_timeout=read_timeout)

    @rpc
    def list_processes(
        self, colonyname: str, count: int, state: int, prvkey: str
    ) -> Steps[list[ProcessDict] | None]:
        """Up to ``count`` (≤ 100) process dicts in ``state`` (0..4); ``None`` when there are none."""
        msg = {"msgtype": "getprocessesmsg", "colonyname": colonyname, "count": count, "state": state}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_process(self, processid: str, prvkey: str) -> Steps[Process]:
        """One process by id."""
        return Process(**(yield get_process_call(processid, prvkey)))

    @rpc
    def remove_process(self, processid: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a process that is not running and not part of a workflow. Returns ``{}``."""
        return (yield Call({"msgtype": "removeprocessmsg", "processid": processid}, prvkey))

    @rpc
    def remove_all_processes(self, colonyname: str, prvkey: str, state: int = -1) -> Steps[EmptyDict]:
        """Remove all processes in ``state`` (-1 = all; running ones cannot be removed); colony key. Returns ``{}``."""
        msg = {"msgtype": "removeallprocessesmsg", "colonyname": colonyname, "state": state}
        return (yield Call(msg, prvkey))

    @rpc
    def close(self, processid: str, output: list[Any], prvkey: str) -> Steps[EmptyDict]:
        """Close a process as SUCCESSFUL with ``output``; only its assigned executor may. Returns ``{}``."""
        return (yield Call({"msgtype": "closesuccessfulmsg", "processid": processid, "out": output}, prvkey))

    @rpc
    def fail(self, processid: str, errors: list[str], prvkey: str) -> Steps[EmptyDict]:
        """Close a process as FAILED with ``errors``; only its assigned executor may. Returns ``{}``."""
        return (yield Call({"msgtype": "closefailedmsg", "processid": processid, "errors": errors}, prvkey))

    @rpc
    def set_output(self, processid: str, arr: list[Any], prvkey: str) -> Steps[EmptyDict]:
        """Store output on a RUNNING process without closing it. Returns ``{}``."""
        return (yield Call({"msgtype": "setoutputmsg", "processid": processid, "out": arr}, prvkey))

    @rpc
    def find_process(self, nodename: str, processids: Iterable[str], prvkey: str) -> Steps[Process | None]:
        """The first process among ``processids`` whose ``spec.nodename`` is ``nodename``, else None.

        One ``get_process`` per id, in order, stopping at the first match (as upstream).
        """
        for processid in processids:
            process = Process(**(yield get_process_call(processid, prvkey)))
            if process.spec.nodename == nodename:
                return process
        return None

    @rpc
    def cancel_process(self, processid: str, prvkey: str) -> Steps[EmptyDict]:
        """Cancel a process (state 4); not for workflow members (cancel the graph). Returns ``{}``."""
        return (yield Call({"msgtype": "cancelprocessmsg", "processid": processid}, prvkey))

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
    ) -> Steps[list[ProcessDict] | None]:
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
    ) -> Steps[list[ProcessDict] | None]:
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
