"""Live tests of the function registry: add_function, get_functions_by_executor/_by_colony."""

from __future__ import annotations

import pytest

from pycolonies_fast.errors import ServerError


def test_add_function(client, executor):
    fn = client.add_function(executor.colony, executor.name, "myfunc", executor.prvkey)
    assert fn["funcname"] == "myfunc"
    assert fn["executorname"] == executor.name and fn["colonyname"] == executor.colony
    assert fn["functionid"]


def test_get_functions_by_executor_and_colony(client, new_executor):
    one, two = new_executor(), new_executor()
    client.add_function(one.colony, one.name, "f1", one.prvkey)
    client.add_function(two.colony, two.name, "f2", two.prvkey)
    mine = client.get_functions_by_executor(one.colony, one.name, one.prvkey)
    assert [f["funcname"] for f in mine] == ["f1"]
    everyone = client.get_functions_by_colony(one.colony, one.prvkey)
    assert {("f1", one.name), ("f2", two.name)} <= {(f["funcname"], f["executorname"]) for f in everyone}


def test_no_functions_is_none(client, executor):
    assert client.get_functions_by_executor(executor.colony, executor.name, executor.prvkey) is None


def test_add_function_for_another_executor_is_refused(client, new_executor):
    one, two = new_executor(), new_executor()
    with pytest.raises(ServerError) as info:
        client.add_function(one.colony, two.name, "f", one.prvkey)
    assert info.value.status == 403
