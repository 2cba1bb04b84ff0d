"""Upstream's signatures, transcribed from the contract tables (api-contract.md §b, §d), and
``params`` to read a callable's: the blocking and the asyncio client are both checked against them.

Parameter names in order, with defaults where upstream has them; ``REQUIRED`` marks a parameter
without default.
"""

from __future__ import annotations

import inspect

from pycolonies_fast.client import colonies_client
from pycolonies_fast.funcspec import func_spec

REQUIRED = inspect.Parameter.empty

# name -> [(parameter, default), ...] without self
METHODS: dict[str, list[tuple[str, object]]] = {
    # d.1 colonies
    "add_colony": [("colony", REQUIRED), ("prvkey", REQUIRED)],
    "del_colony": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "list_colonies": [("prvkey", REQUIRED)],
    "get_colony": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "stats": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    # d.2 executors
    "add_executor": [("executor", REQUIRED), ("prvkey", REQUIRED)],
    "list_executors": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "get_executor": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("prvkey", REQUIRED)],
    "approve_executor": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("prvkey", REQUIRED)],
    "reject_executor": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("prvkey", REQUIRED)],
    "remove_executor": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("prvkey", REQUIRED)],
    # d.3 processes
    "submit_func_spec": [("spec", REQUIRED), ("prvkey", REQUIRED)],
    "assign": [("colonyname", REQUIRED), ("timeout", REQUIRED), ("prvkey", REQUIRED)],
    "list_processes": [("colonyname", REQUIRED), ("count", REQUIRED), ("state", REQUIRED), ("prvkey", REQUIRED)],
    "get_process": [("processid", REQUIRED), ("prvkey", REQUIRED)],
    "remove_process": [("processid", REQUIRED), ("prvkey", REQUIRED)],
    "remove_all_processes": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("state", -1)],
    "close": [("processid", REQUIRED), ("output", REQUIRED), ("prvkey", REQUIRED)],
    "fail": [("processid", REQUIRED), ("errors", REQUIRED), ("prvkey", REQUIRED)],
    "set_output": [("processid", REQUIRED), ("arr", REQUIRED), ("prvkey", REQUIRED)],
    "wait": [("process", REQUIRED), ("timeout", REQUIRED), ("prvkey", REQUIRED)],
    "find_process": [("nodename", REQUIRED), ("processids", REQUIRED), ("prvkey", REQUIRED)],
    # d.4 workflows
    "submit_workflow": [("workflow", REQUIRED), ("prvkey", REQUIRED)],
    "get_processgraph": [("processgraphid", REQUIRED), ("prvkey", REQUIRED)],
    "get_processgraphs": [("colonyname", REQUIRED), ("count", REQUIRED), ("prvkey", REQUIRED), ("state", None)],
    "remove_processgraph": [("processgraphid", REQUIRED), ("prvkey", REQUIRED)],
    "remove_all_processgraphs": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("state", None)],
    "get_processes_for_workflow": [("processgraphid", REQUIRED), ("colonyname", REQUIRED), ("prvkey", REQUIRED),
                                   ("count", 100)],
    "add_child": [("processgraphid", REQUIRED), ("parentprocessid", REQUIRED), ("childprocessid", REQUIRED),
                  ("funcspec", REQUIRED), ("nodename", REQUIRED), ("insert", REQUIRED), ("prvkey", REQUIRED)],
    # d.5 functions
    "add_function": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("funcname", REQUIRED),
                     ("prvkey", REQUIRED)],
    "get_functions_by_executor": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("prvkey", REQUIRED)],
    "get_functions_by_colony": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    # d.6 attributes
    "add_attribute": [("processid", REQUIRED), ("key", REQUIRED), ("value", REQUIRED), ("prvkey", REQUIRED)],
    "get_attribute": [("attributeid", REQUIRED), ("prvkey", REQUIRED)],
    # d.7 logs
    "add_log": [("processid", REQUIRED), ("logmsg", REQUIRED), ("prvkey", REQUIRED)],
    "get_process_log": [("colonyname", REQUIRED), ("processid", REQUIRED), ("count", REQUIRED), ("since", REQUIRED),
                        ("prvkey", REQUIRED)],
    "get_executor_log": [("colonyname", REQUIRED), ("executorname", REQUIRED), ("count", REQUIRED), ("since", REQUIRED),
                         ("prvkey", REQUIRED)],
    # d.8 snapshots
    "create_snapshot": [("colonyname", REQUIRED), ("label", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "get_snapshots": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "get_snapshot_by_name": [("colonyname", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "get_snapshot_by_id": [("colonyname", REQUIRED), ("snapshotid", REQUIRED), ("prvkey", REQUIRED)],
    # d.9 files
    "get_files": [("label", REQUIRED), ("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "get_file_labels": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("name", ""), ("exact", False)],
    "get_file": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("label", None), ("fileid", None), ("filename", None),
                 ("latest", True)],
    "upload_file": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("filepath", None), ("label", None)],
    "upload_data": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("filename", None), ("data", None),
                    ("label", None)],
    "download_file": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("dst", None), ("label", None), ("fileid", None),
                      ("filename", None), ("latest", True)],
    "download_data": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("label", None), ("fileid", None),
                      ("filename", None), ("latest", True)],
    "delete_file": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("label", None), ("fileid", None),
                    ("filename", None)],
    "sync": [("dir", REQUIRED), ("label", REQUIRED), ("keeplocal", REQUIRED), ("colonyname", REQUIRED),
             ("prvkey", REQUIRED)],
    # d.10 crons
    "add_cron": [("cronname", REQUIRED), ("cronexpr", REQUIRED), ("wait", REQUIRED), ("workflow", REQUIRED),
                 ("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "get_cron": [("cronid", REQUIRED), ("prvkey", REQUIRED)],
    "get_crons": [("colonyname", REQUIRED), ("count", REQUIRED), ("prvkey", REQUIRED)],
    "del_cron": [("cronid", REQUIRED), ("prvkey", REQUIRED)],
    "run_cron": [("cronid", REQUIRED), ("prvkey", REQUIRED)],
    # d.11 generators
    "get_generators": [("colonyname", REQUIRED), ("prvkey", REQUIRED), ("count", 100)],
    "get_generator": [("generatorid", REQUIRED), ("prvkey", REQUIRED)],
    "add_generator": [("generator", REQUIRED), ("prvkey", REQUIRED)],
    "remove_generator": [("generatorid", REQUIRED), ("prvkey", REQUIRED)],
    # d.12 users
    "get_users": [("colonyname", REQUIRED), ("prvkey", REQUIRED)],
    "add_user": [("user", REQUIRED), ("prvkey", REQUIRED)],
    "remove_user": [("colonyname", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    # d.13 channels
    "channel_append": [("processid", REQUIRED), ("channel_name", REQUIRED), ("sequence", REQUIRED),
                       ("payload", REQUIRED),
                       ("prvkey", REQUIRED), ("in_reply_to", 0), ("payload_type", "")],
    "channel_read": [("processid", REQUIRED), ("channel_name", REQUIRED), ("after_seq", REQUIRED), ("limit", REQUIRED),
                     ("prvkey", REQUIRED)],
    "subscribe_channel": [("processid", REQUIRED), ("channel_name", REQUIRED), ("prvkey", REQUIRED), ("after_seq", 0),
                          ("timeout", 30), ("callback", None)],
    # d.14 blueprints
    "add_blueprint_definition": [("definition", REQUIRED), ("prvkey", REQUIRED)],
    "get_blueprint_definition": [("colony_name", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "get_blueprint_definitions": [("colony_name", REQUIRED), ("prvkey", REQUIRED)],
    "remove_blueprint_definition": [("colony_name", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "add_blueprint": [("blueprint", REQUIRED), ("prvkey", REQUIRED)],
    "get_blueprint": [("colony_name", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "get_blueprints": [("colony_name", REQUIRED), ("prvkey", REQUIRED), ("kind", None), ("location", None)],
    "update_blueprint": [("blueprint", REQUIRED), ("prvkey", REQUIRED), ("force_generation", False)],
    "remove_blueprint": [("colony_name", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED)],
    "update_blueprint_status": [("colony_name", REQUIRED), ("name", REQUIRED), ("status", REQUIRED),
                                ("prvkey", REQUIRED)],
    "reconcile_blueprint": [("colony_name", REQUIRED), ("name", REQUIRED), ("prvkey", REQUIRED), ("force", False)],
    "get_blueprint_history": [("blueprint_id", REQUIRED), ("prvkey", REQUIRED), ("limit", None)],
}

FUNCTIONS = {
    colonies_client: [("native_crypto", False)],
    func_spec: [("func", REQUIRED), ("args", REQUIRED), ("colonyname", REQUIRED), ("executortype", REQUIRED),
                ("executorname", None), ("priority", 1), ("maxexectime", -1), ("maxretries", -1), ("maxwaittime", -1),
                ("code", None), ("kwargs", None), ("fs", None)],
}


def params(fn, skip_self: bool) -> list[tuple[str, object]]:
    """Positional-or-keyword parameters as (name, default); keyword-only extras are left out."""
    found = list(inspect.signature(fn).parameters.values())
    if skip_self:
        assert found[0].name == "self"
        found = found[1:]
    for p in found:
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY), f"{fn.__name__}: unexpected {p.kind} {p.name}"
        if p.kind is p.KEYWORD_ONLY:
            assert p.default is not REQUIRED, f"{fn.__name__}: new keyword-only {p.name} needs a default"
    return [(p.name, p.default) for p in found if p.kind is p.POSITIONAL_OR_KEYWORD]
