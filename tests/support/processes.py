"""Processes as the server sends them: a sample reply for the model and runner tests, and raw RPCs
that skip the models' validation."""

from __future__ import annotations

from typing import Any

from pycolonies_fast.funcspec import func_spec

ZERO_TIME = "0001-01-01T00:00:00Z"


def process_reply(**overrides: Any) -> dict[str, Any]:
    """A Process JSON dict shaped like a real server reply (with a few extra server-only keys)."""
    reply = {
        "processid": "a" * 64,
        "initiatorid": "b" * 64,
        "initiatorname": "myexecutor",
        "assignedexecutorid": "c" * 64,
        "isassigned": True,
        "state": 1,
        "prioritytime": 1716000000000000000,
        "submissiontime": "2024-05-01T10:11:12.123456789Z",
        "starttime": "2024-05-01T10:11:13.5+02:00",
        "endtime": ZERO_TIME,
        "waitdeadline": ZERO_TIME,
        "execdeadline": ZERO_TIME,
        "retries": 0,
        "attributes": [
            {
                "attributeid": "d" * 64,
                "targetid": "a" * 64,
                "targetcolonyname": "dev",
                "targetprocessgraphid": "",
                "state": 0,
                "attributetype": 1,
                "key": "k",
                "value": "v",
            }
        ],
        "spec": {
            "nodename": "echo",
            "funcname": "echo",
            "args": ["a", 1],
            "kwargs": None,
            "priority": 1,
            "maxwaittime": -1,
            "maxexectime": -1,
            "maxretries": -1,
            "conditions": {
                "colonyname": "dev",
                "executornames": None,
                "executortype": "cli",
                "dependencies": [],
                "nodes": 0,
                "cpu": "",
                "processes": 0,
                "processespernode": 0,
                "mem": "",
                "storage": "",
                "gpu": {"name": "", "mem": "", "count": 0, "nodecount": 0},
                "walltime": 0,
                "locationname": "somewhere",
            },
            "label": "",
            "fs": {"mount": "", "snapshots": None, "dirs": None},
            "env": {},
            "channels": [],
        },
        "waitforparents": False,
        "parents": [],
        "children": [],
        "processgraphid": "",
        "in": ["x", 2, 1.5],
        "out": [],
        "errors": [],
        "retention": False,
    }
    reply.update(overrides)
    return reply


def submit_raw(client: Any, colonyname: str, executortype: str, prvkey: str, funcname: str, **fields: Any) -> str:
    """Submit a spec with ``fields`` set as they are, past the models' validation (e.g.
    ``kwargs={"force": True}``, which the ``Process`` model rejects, §e.3); the new process's id."""
    spec = func_spec(funcname, [], colonyname, executortype).model_dump(by_alias=True)
    spec.update(fields)
    return client._rpc({"msgtype": "submitfuncspecmsg", "spec": spec}, prvkey)["processid"]


def get_raw(client: Any, processid: str, prvkey: str) -> dict[str, Any]:
    """A process as the server sends it (``get_process`` without the ``Process`` model)."""
    return client._rpc({"msgtype": "getprocessmsg", "processid": processid}, prvkey)
