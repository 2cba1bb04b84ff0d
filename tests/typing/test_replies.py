"""The reply TypedDicts (pycolonies_fast/replies.py) against the methods that return them and the server.

Offline: every ``@rpc`` method says what it returns, none of it ``Any`` or ``dict[str, Any]``, and
every TypedDict is valid at run time. Live (``dev_server``): each method that returns a dict is called
in a colony of its own and its reply validated against its own return annotation, strictly: a key
the server sends that the TypedDict lacks, a required key it does not send, or a value of another
type fails. Also type-checked with ``mypy --strict`` (README.md here).
"""

from __future__ import annotations

import inspect
import sys
import typing
import uuid
from pathlib import Path
from typing import Any, get_args, get_origin

import typing_extensions
from pydantic import ConfigDict, TypeAdapter

from pycolonies_fast import Colonies, Crypto, func_spec, replies
from pycolonies_fast.api import ApiAreas
from pycolonies_fast.core.steps import rpc
from pycolonies_fast.models import Workflow

#: Every method the live scenario leaves out, and why.
NOT_CALLED_LIVE = {
    "change_server_id": "it would give the shared dev server a new key",
}


def rpc_methods() -> dict[str, rpc[Any, Any]]:
    """The ``@rpc`` methods of both clients, by name."""
    return {
        name: value for klass in ApiAreas.__mro__ for name, value in vars(klass).items() if isinstance(value, rpc)
    }


def returned(method: rpc[Any, Any]) -> Any:
    """``X`` of the method's ``-> Steps[X]`` (``Steps[X]`` is ``Generator[Any, Any, X]``)."""
    steps = method.steps
    # Evaluated in the method's module, plus the TypedDicts it imports for type checkers only.
    namespace = {**vars(replies), **vars(sys.modules[steps.__module__])}
    hint = eval(inspect.get_annotations(steps)["return"], namespace)
    return get_args(hint)[2]


def leaks_any(hint: Any) -> bool:
    """Whether ``hint`` is ``Any``, or ``dict[str, Any]`` at any depth of lists and unions."""
    if hint is Any:
        return True
    if get_origin(hint) is dict and get_args(hint) == (str, Any):
        return True
    return any(leaks_any(arg) for arg in get_args(hint))


def mentions_reply(hint: Any) -> bool:
    """Whether ``hint`` is, or holds, a TypedDict of pycolonies_fast.replies."""
    if getattr(hint, "__module__", None) == replies.__name__:
        return True
    return any(mentions_reply(arg) for arg in get_args(hint))


def test_no_method_returns_any() -> None:
    leaking = sorted(name for name, method in rpc_methods().items() if leaks_any(returned(method)))
    assert leaking == []


def test_every_reply_type_is_a_valid_typeddict() -> None:
    for name in replies.__all__:
        cls = getattr(replies, name)
        assert typing_extensions.is_typeddict(cls), name  # typing's misses typing_extensions' before 3.12
        TypeAdapter(cls)  # resolves its forward references and nested TypedDicts


STRICT = ConfigDict(extra="forbid", strict=True)


class Checked:
    """Validates replies against the return annotation of the method that gave them."""

    def __init__(self) -> None:
        self.methods = rpc_methods()
        self.names: set[str] = set()

    def __call__(self, name: str, reply: Any) -> Any:
        hint = returned(self.methods[name])
        # A tuple around it: pydantic takes a config only for a type that is not itself a TypedDict.
        adapter: TypeAdapter[Any] = TypeAdapter(typing.cast(Any, tuple)[hint], config=STRICT)
        adapter.validate_python((reply,))
        self.names.add(name)
        return reply


def test_replies_match_the_server(dev_server: dict[str, str], tmp_path: Path) -> None:
    checked = Checked()
    crypto = Crypto()
    server_key = dev_server["COLONIES_SERVER_PRVKEY"]
    colony, colony_key = f"typing-{uuid.uuid4().hex[:12]}", crypto.prvkey()
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as client:
        checked("add_colony", client.add_colony({"colonyid": crypto.id(colony_key), "name": colony}, server_key))
        try:
            run_scenario(client, checked, colony, colony_key, server_key, tmp_path)
        finally:
            checked("del_colony", client.del_colony(colony, server_key))
    expected = {name for name, method in checked.methods.items() if mentions_reply(returned(method))}
    assert sorted(expected - checked.names - set(NOT_CALLED_LIVE)) == []  # every such method was called


def run_scenario(
    client: Colonies, checked: Checked, colony: str, colony_key: str, server_key: str, tmp_path: Path
) -> None:
    crypto = Crypto()
    key = crypto.prvkey()
    kind = f"type-{uuid.uuid4().hex[:8]}"
    executor = {"executorname": "ex", "executorid": crypto.id(key), "colonyname": colony, "executortype": kind}
    checked("add_executor", client.add_executor(executor, colony_key))
    checked("approve_executor", client.approve_executor(colony, "ex", colony_key))
    other = crypto.prvkey()
    client.add_executor({**executor, "executorname": "other", "executorid": crypto.id(other)}, colony_key)
    checked("reject_executor", client.reject_executor(colony, "other", colony_key))
    checked("remove_executor", client.remove_executor(colony, "other", colony_key))

    # colonies and the server
    checked("get_colony", client.get_colony(colony, key))
    checked("list_colonies", client.list_colonies(server_key))
    checked("stats", client.stats(colony, key))
    checked("pause_assignments", client.pause_assignments(colony, colony_key))
    checked("get_pause_status", client.get_pause_status(colony, key))
    checked("resume_assignments", client.resume_assignments(colony, colony_key))
    checked("version", client.version())
    checked("server_info", client.server_info())
    checked("get_statistics", client.get_statistics(server_key))
    checked("get_cluster", client.get_cluster(server_key))

    # executors, with capabilities and allocations filled in
    gpu = {"name": "g", "mem": "8Gi", "count": 1, "nodecount": 1}
    hardware = {"model": "m", "nodes": 1, "cpu": "4000m", "cores": 4, "mem": "8Gi", "storage": "1Ti", "gpu": gpu,
                "platform": "linux", "architecture": "amd64", "network": ["10.0.0.1"]}
    software = {"name": "python", "type": "runtime", "version": "3"}
    capabilities = {"hardware": [hardware], "software": [software]}
    checked("update_executor", client.update_executor(colony, "ex", capabilities, key))
    project = {"allocatedcpu": 1, "usedcpu": 0, "allocatedgpu": 0, "usedgpu": 0,
               "allocatedstorage": 0, "usedstorage": 0}
    checked("report_allocations", client.report_allocations(colony, "ex", {"projects": {"p": project}}, key))
    checked("get_executor", client.get_executor(colony, "ex", key))
    checked("get_executor_by_id", client.get_executor_by_id(colony, crypto.id(key), key))
    checked("list_executors", client.list_executors(colony, key))
    checked("add_executor_log", client.add_executor_log(colony, "ex", "started", key))
    checked("get_executor_log", client.get_executor_log(colony, "ex", 10, 0, key))

    # functions
    function = checked("add_function", client.add_function(colony, "ex", "echo", key))
    checked("get_functions_by_executor", client.get_functions_by_executor(colony, "ex", key))
    checked("get_functions_by_colony", client.get_functions_by_colony(colony, key))
    checked("remove_function", client.remove_function(function["functionid"], key))

    # processes
    spec = func_spec("echo", ["hi", 1], colony, kind, kwargs={"k": "v"})
    spec.channels = ["chat"]
    client.submit_func_spec(spec, key)
    checked("list_processes", client.list_processes(colony, 10, Colonies.WAITING, key))
    checked("list_processes_by", client.list_processes_by(colony, 10, Colonies.WAITING, key, executortype=kind))
    process = checked("assign_raw", client.assign_raw(colony, 5, key))
    pid = process["processid"]
    attribute = checked("add_attribute", client.add_attribute(pid, "k", "v", key))
    checked("get_attribute", client.get_attribute(attribute["attributeid"], key))
    checked("add_log", client.add_log(pid, "hello", key))
    checked("get_process_log", client.get_process_log(colony, pid, 10, 0, key))
    checked("search_logs", client.search_logs(colony, "hello", 1, 10, key))
    checked("channel_append", client.channel_append(pid, "chat", 1, b"hi", key))
    client.channel_append(pid, "chat", 2, b"", key, in_reply_to=1, payload_type="end")
    checked("channel_read", client.channel_read(pid, "chat", 0, 0, key))
    checked("set_output", client.set_output(pid, ["partial"], key))
    checked("close", client.close(pid, ["done"], key))
    checked("get_process_history", client.get_process_history(colony, 600, Colonies.SUCCESSFUL, key))
    checked("remove_process", client.remove_process(pid, key))
    client.submit_func_spec(func_spec("fails", [], colony, kind), key)
    checked("fail", client.fail(client.assign(colony, 5, key).processid, ["no"], key))
    waiting = client.submit_func_spec(func_spec("cancelled", [], colony, kind), key)
    checked("cancel_process", client.cancel_process(waiting.processid, key))
    checked("remove_all_processes", client.remove_all_processes(colony, colony_key))

    # workflows
    first, second = func_spec("first", [1], colony, kind), func_spec("second", [2], colony, kind)
    second.conditions.dependencies = ["first"]
    workflow = Workflow(colonyname=colony, functionspecs=[first, second])
    graph = client.submit_workflow(workflow, key)
    checked("get_processgraphs", client.get_processgraphs(colony, 10, key))
    checked("get_processes_for_workflow", client.get_processes_for_workflow(graph.processgraphid, colony, key))
    parent = client.assign(colony, 5, key)
    child_of = next(pid for pid in graph.processids if pid != parent.processid)
    child = func_spec("extra", [], colony, kind)
    checked("add_child", client.add_child(graph.processgraphid, parent.processid, child_of, child, "extra", False, key))
    checked("cancel_processgraph", client.cancel_processgraph(graph.processgraphid, key))
    checked("remove_processgraph", client.remove_processgraph(graph.processgraphid, key))
    client.submit_workflow(workflow, key)
    checked("remove_all_processgraphs", client.remove_all_processgraphs(colony, colony_key, state=-1))

    # crons and generators
    cron = checked("add_cron", client.add_cron("nightly", "0 0 0 * * *", True, workflow, colony, key))
    checked("get_cron", client.get_cron(cron["cronid"], key))
    checked("get_crons", client.get_crons(colony, 10, key))
    checked("run_cron", client.run_cron(cron["cronid"], key))
    checked("del_cron", client.del_cron(cron["cronid"], key))
    generator = {"colonyname": colony, "name": "gen", "workflowspec": workflow.model_dump_json(by_alias=True),
                 "trigger": 10, "timeout": -1}
    added = checked("add_generator", client.add_generator(generator, key))
    checked("pack_generator", client.pack_generator(added["generatorid"], "arg", key))
    checked("get_generator", client.get_generator(added["generatorid"], key))
    checked("resolve_generator", client.resolve_generator(colony, "gen", key))
    checked("get_generators", client.get_generators(colony, key))
    checked("remove_generator", client.remove_generator(added["generatorid"], key))

    # users, locations and keys
    user_key = crypto.prvkey()
    user = {"colonyname": colony, "userid": crypto.id(user_key), "name": "u", "email": "u@example.com", "phone": "1"}
    checked("add_user", client.add_user(user, colony_key))
    checked("get_user", client.get_user(colony, "u", key))
    checked("get_user_by_id", client.get_user_by_id(colony, crypto.id(user_key), key))
    checked("get_users", client.get_users(colony, key))
    checked("change_user_id", client.change_user_id(colony, crypto.id(crypto.prvkey()), user_key))
    checked("remove_user", client.remove_user(colony, "u", colony_key))
    location = {"name": "lab", "colonyname": colony, "description": "d", "long": 18.07, "lat": 59.33}
    checked("add_location", client.add_location(location, colony_key))
    checked("get_location", client.get_location(colony, "lab", key))
    checked("get_locations", client.get_locations(colony, key))
    checked("remove_location", client.remove_location(colony, "lab", colony_key))

    # ColonyFS
    path = tmp_path / "a.txt"
    path.write_text("a")
    checked("upload_file", client.upload_file(colony, key, filepath=str(path), label="/typing"))
    checked("upload_data", client.upload_data(colony, key, filename="b.txt", data=b"b", label="/typing"))
    checked("get_files", client.get_files("/typing", colony, key))
    checked("get_file_labels", client.get_file_labels(colony, key))
    record = checked("get_file", client.get_file(colony, key, label="/typing", filename="a.txt"))[0]
    # a second record of the same S3 object, added and removed alone (the object stays)
    copy = checked("add_file", client.add_file({**record, "fileid": "", "label": "/typing-records"}, key))
    checked("remove_file", client.remove_file(colony, key, fileid=copy["fileid"]))
    snapshot = checked("create_snapshot", client.create_snapshot(colony, "/typing", "s1", key))
    checked("get_snapshot_by_name", client.get_snapshot_by_name(colony, "s1", key))
    checked("get_snapshot_by_id", client.get_snapshot_by_id(colony, snapshot["snapshotid"], key))
    checked("get_snapshots", client.get_snapshots(colony, key))
    checked("remove_snapshot_by_id", client.remove_snapshot_by_id(colony, snapshot["snapshotid"], key))
    checked("create_snapshot", client.create_snapshot(colony, "/empty", "s2", key))  # no files: fileids null
    checked("remove_snapshot_by_name", client.remove_snapshot_by_name(colony, "s2", key))
    client.create_snapshot(colony, "/typing", "s3", key)
    checked("remove_all_snapshots", client.remove_all_snapshots(colony, key))
    client.delete_file(colony, key, label="/typing", filename="a.txt")
    checked("_Colonies__remove_file", client._Colonies__remove_file("/typing", None, "b.txt", colony, key))

    # blueprints
    definition = {
        "kind": "BlueprintDefinition",
        "metadata": {"name": "widgets.example.com", "colonyname": colony},
        "spec": {
            "group": "example.com", "version": "v1", "scope": "Namespaced",
            "names": {"kind": "Widget", "listKind": "WidgetList", "singular": "widget", "plural": "widgets"},
            "handler": {"executorType": kind, "functionName": "reconcile"},
        },
    }
    checked("add_blueprint_definition", client.add_blueprint_definition(definition, colony_key))
    checked("get_blueprint_definition", client.get_blueprint_definition(colony, "widgets.example.com", key))
    checked("get_blueprint_definitions", client.get_blueprint_definitions(colony, key))
    checked("get_blueprint_definition_by_kind", client.get_blueprint_definition_by_kind(colony, "Widget", key))
    blueprint = {"kind": "Widget", "metadata": {"name": "w", "colonyname": colony}, "spec": {"size": 1}}
    added_blueprint = checked("add_blueprint", client.add_blueprint(blueprint, colony_key))
    checked("update_blueprint", client.update_blueprint({**blueprint, "spec": {"size": 2}}, colony_key))
    checked("update_blueprint_status", client.update_blueprint_status(colony, "w", {"ready": True}, key))
    checked("get_blueprint", client.get_blueprint(colony, "w", key))
    checked("get_blueprints", client.get_blueprints(colony, key))
    checked("reconcile_blueprint", client.reconcile_blueprint(colony, "w", key, force=True))
    checked("get_blueprint_history", client.get_blueprint_history(added_blueprint["blueprintid"], key))
    checked("remove_blueprint", client.remove_blueprint(colony, "w", colony_key))
    removed = client.remove_blueprint_definition(colony, "widgets.example.com", colony_key)
    checked("remove_blueprint_definition", removed)

    # new keys for the executor and the colony (last: the old keys stop working)
    checked("change_executor_id", client.change_executor_id(colony, crypto.id(crypto.prvkey()), key))
    checked("change_colony_id", client.change_colony_id(colony, crypto.id(crypto.prvkey()), colony_key))
