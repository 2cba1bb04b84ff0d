"""Live tests of the log methods: add_log, get_process_log and get_executor_log."""

from __future__ import annotations

import pytest

from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec


def running(client, executor):
    client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    return client.assign(executor.colony, 5, executor.prvkey)


def test_process_and_executor_logs(client, executor):
    process = running(client, executor)
    assert client.add_log(process.processid, "test_log_msg", executor.prvkey) == {}
    logs = client.get_process_log(executor.colony, process.processid, 100, -1, executor.prvkey)
    assert len(logs) == 1 and logs[0]["message"] == "test_log_msg"
    assert logs[0]["processid"] == process.processid and logs[0]["executorname"] == executor.name
    by_executor = client.get_executor_log(executor.colony, executor.name, 100, -1, executor.prvkey)
    assert len(by_executor) == 1 and by_executor[0]["message"] == "test_log_msg"


def test_since_filters_older_logs(client, executor):
    process = running(client, executor)
    client.add_log(process.processid, "one", executor.prvkey)
    first = client.get_process_log(executor.colony, process.processid, 100, -1, executor.prvkey)[0]
    client.add_log(process.processid, "two", executor.prvkey)
    newer = client.get_process_log(executor.colony, process.processid, 100, first["timestamp"], executor.prvkey)
    assert [entry["message"] for entry in newer] == ["two"]


def test_latest_gives_the_most_recent_lines(client, executor):
    """Not in upstream: ``latest=True`` asks for the last ``count`` lines instead of the first."""
    process = running(client, executor)
    for message in ("one", "two", "three"):
        client.add_log(process.processid, message, executor.prvkey)
    first = client.get_process_log(executor.colony, process.processid, 2, -1, executor.prvkey)
    last = client.get_process_log(executor.colony, process.processid, 2, -1, executor.prvkey, latest=True)
    assert [entry["message"] for entry in first] == ["one", "two"]
    assert sorted(entry["message"] for entry in last) == ["three", "two"]
    newest = client.get_executor_log(executor.colony, executor.name, 1, -1, executor.prvkey, latest=True)
    assert [entry["message"] for entry in newest] == ["three"]


def test_no_logs_is_none(client, executor):
    process = running(client, executor)
    assert client.get_process_log(executor.colony, process.processid, 100, -1, executor.prvkey) is None


def test_add_log_needs_a_running_process(client, executor):
    process = client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    with pytest.raises(ServerError) as info:
        client.add_log(process.processid, "x", executor.prvkey)
    assert info.value.status == 403


def test_count_limit(client, executor):
    with pytest.raises(ServerError, match="Count exceeds max log count"):
        client.get_executor_log(executor.colony, executor.name, 501, -1, executor.prvkey)
