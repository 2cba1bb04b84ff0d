"""Workflow methods: submit process graphs, inspect and remove them, add children dynamically."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.api.processes import get_process_call
from pycolonies_fast.core.steps import Call, Steps, rpc
from pycolonies_fast.models import FuncSpec, ProcessGraph, Workflow

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, ProcessDict, ProcessGraphDict


def _get_processgraph_call(processgraphid: str, prvkey: str) -> Call:
    return Call({"msgtype": "getprocessgraphmsg", "processgraphid": processgraphid}, prvkey, idempotent=True)


class WorkflowsMixin(ClientCore):
    """Process graphs (workflows) and dynamic children."""

    @rpc
    def submit_workflow(self, workflow: Workflow, prvkey: str) -> Steps[ProcessGraph]:
        """Submit a workflow; the new process graph (``processids`` in spec order)."""
        msg = {"msgtype": "submitworkflowspecmsg", "spec": workflow.model_dump(by_alias=True)}
        return ProcessGraph(**(yield Call(msg, prvkey)))

    @rpc
    def get_processgraph(self, processgraphid: str, prvkey: str) -> Steps[ProcessGraph]:
        """One process graph by id."""
        return ProcessGraph(**(yield _get_processgraph_call(processgraphid, prvkey)))

    @rpc
    def get_processgraphs(
        self, colonyname: str, count: int, prvkey: str, state: int | None = None
    ) -> Steps[list[ProcessGraphDict] | None]:
        """Up to ``count`` graph dicts in ``state`` (0..4).

        As upstream, ``state=None`` omits the field and the server then returns WAITING graphs only.
        """
        msg: dict[str, Any] = {"msgtype": "getprocessgraphsmsg", "colonyname": colonyname, "count": count}
        if state is not None:
            msg["state"] = state
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def remove_processgraph(self, processgraphid: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a process graph that is not running. Returns ``{}``."""
        return (yield Call({"msgtype": "removeprocessgraphmsg", "processgraphid": processgraphid}, prvkey))

    @rpc
    def remove_all_processgraphs(self, colonyname: str, prvkey: str, state: int | None = None) -> Steps[EmptyDict]:
        """Remove graphs in ``state``; colony key. As upstream, ``None`` means WAITING only, -1 all. Returns ``{}``."""
        msg: dict[str, Any] = {"msgtype": "removeallprocessgraphsmsg", "colonyname": colonyname}
        if state is not None:
            msg["state"] = state
        return (yield Call(msg, prvkey))

    @rpc
    def get_processes_for_workflow(
        self, processgraphid: str, colonyname: str, prvkey: str, count: int = 100
    ) -> Steps[list[ProcessDict]]:
        """The process dicts of a workflow (at most ``count``), in the graph's order.

        Fixed: upstream sent a getprocesses message the server rejects. This reads the graph and
        fetches each of its processes; ``colonyname`` is kept for compatibility and not needed.
        """
        graph = yield _get_processgraph_call(processgraphid, prvkey)
        processes = []
        for processid in ((graph or {}).get("processids") or [])[: max(count, 0)]:
            processes.append((yield get_process_call(processid, prvkey)))
        return processes

    @rpc
    def add_child(
        self,
        processgraphid: str,
        parentprocessid: str,
        childprocessid: str,
        funcspec: FuncSpec,
        nodename: str,
        insert: bool,
        prvkey: str,
    ) -> Steps[ProcessDict]:
        """Add a process to a running workflow below ``parentprocessid``; the new process dict.

        As upstream, sets ``funcspec.nodename = nodename`` on the caller's object first.
        ``insert=True`` puts it between the parent and the parent's children.
        """
        funcspec.nodename = nodename
        msg = {
            "msgtype": "addchildmsg", "processgraphid": processgraphid, "parentprocessid": parentprocessid,
            "childprocessid": childprocessid, "insert": insert, "spec": funcspec.model_dump(),
        }
        return (yield Call(msg, prvkey))

    @rpc
    def cancel_processgraph(self, processgraphid: str, prvkey: str) -> Steps[EmptyDict]:
        """Cancel a whole workflow and its unfinished processes. Returns ``{}``."""
        return (yield Call({"msgtype": "cancelprocessgraphmsg", "processgraphid": processgraphid}, prvkey))
