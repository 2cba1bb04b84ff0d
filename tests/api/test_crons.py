"""Live tests of the cron methods: add_cron, get_cron, get_crons, run_cron, del_cron."""

from __future__ import annotations

import json

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow
from tests.support.identities import unique
from tests.support.timing import eventually


def workflow(executor) -> Workflow:
    return Workflow(colonyname=executor.colony, functionspecs=[func_spec("tick", [], executor.colony, executor.type)])


def test_add_get_list_delete(client, own_colony, new_executor):
    executor = new_executor(in_colony=own_colony)
    name = unique("cron")
    cron = client.add_cron(name, "0 0 * * * *", False, workflow(executor), own_colony.name, executor.prvkey)
    assert cron["name"] == name and cron["cronexpression"] == "0 0 * * * *"
    assert cron["colonyname"] == own_colony.name
    assert json.loads(cron["workflowspec"])["functionspecs"][0]["funcname"] == "tick"
    assert client.get_cron(cron["cronid"], executor.prvkey)["name"] == name
    other = client.add_cron(unique("cron"), "0 0 * * * *", False, workflow(executor), own_colony.name, executor.prvkey)
    assert len(client.get_crons(own_colony.name, 100, executor.prvkey)) == 2
    assert client.del_cron(other["cronid"], executor.prvkey) == {}
    assert [c["cronid"] for c in client.get_crons(own_colony.name, 100, executor.prvkey)] == [cron["cronid"]]


def test_wait_flag_reaches_the_server(client, executor):
    # Fixed upstream typo: the field is waitforprevprocessgraph, so the flag is honoured.
    cron = client.add_cron(unique("cron"), "0 0 * * * *", True, workflow(executor), executor.colony, executor.prvkey)
    assert cron["waitforprevprocessgraph"] is True
    assert client.get_cron(cron["cronid"], executor.prvkey)["waitforprevprocessgraph"] is True


@pytest.mark.parametrize(("wait", "stored"), [(1, True), (0, False), (None, False)])
def test_a_wait_flag_that_is_not_a_bool_is_taken_for_its_truth(client, executor, wait, stored):
    """Upstream's misspelled field let any value through; the server refuses a non-bool flag."""
    cron = client.add_cron(unique("cron"), "0 0 * * * *", wait, workflow(executor), executor.colony, executor.prvkey)
    assert client.get_cron(cron["cronid"], executor.prvkey)["waitforprevprocessgraph"] is stored


def test_no_crons_is_an_empty_list(client, own_colony, new_executor):
    executor = new_executor(in_colony=own_colony)
    assert client.get_crons(own_colony.name, 100, executor.prvkey) == []


def test_run_cron_submits_the_workflow(client, executor):
    cron = client.add_cron(unique("cron"), "0 0 0 1 1 *", False, workflow(executor), executor.colony, executor.prvkey)
    ran = client.run_cron(cron["cronid"], executor.prvkey)
    assert ran["cronid"] == cron["cronid"]  # a cron dict, not a process (as upstream)
    process = eventually(lambda: _try_assign(client, executor))
    assert process is not None and process.spec.funcname == "tick"


def _try_assign(client, executor):
    try:
        return client.assign(executor.colony, 1, executor.prvkey)
    except ServerError:
        return None


def test_bad_cron_expression(client, executor):
    with pytest.raises(ServerError):
        client.add_cron(unique("cron"), "not a cron", False, workflow(executor), executor.colony, executor.prvkey)


def test_unknown_cron(client, executor):
    with pytest.raises(ServerError):
        client.get_cron("0" * 64, executor.prvkey)


# ---- interval crons (new keyword, as the Go client's Cron.Interval) ---------------------------------------------


def test_an_interval_cron_runs_its_workflow_every_interval(client, executor):
    cron = client.add_cron(unique("cron"), "", False, workflow(executor), executor.colony, executor.prvkey,
                           interval=1)
    assert cron["interval"] == 1
    assert client.get_cron(cron["cronid"], executor.prvkey)["interval"] == 1
    try:
        process = eventually(lambda: _try_assign(client, executor), timeout=15)
        assert process is not None and process.spec.funcname == "tick"  # submitted by the server, not by us
    finally:
        client.del_cron(cron["cronid"], executor.prvkey)


def test_without_interval_the_cron_expression_decides(client, executor):
    cron = client.add_cron(unique("cron"), "0 0 * * * *", False, workflow(executor), executor.colony, executor.prvkey)
    assert cron["interval"] == -1


@pytest.mark.parametrize("interval", [0, -1, 1.5, True, "5"])
def test_a_bad_interval_is_refused_before_any_io(interval):
    client = Colonies("127.0.0.1", 1, retries=0)  # nothing listens there: any I/O would fail otherwise
    with pytest.raises(ValueError, match="interval must be a whole number of seconds >= 1"):
        client.add_cron("c", "", False, Workflow(colonyname="c"), "c", Crypto().prvkey(), interval=interval)
