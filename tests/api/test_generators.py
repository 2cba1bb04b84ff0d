"""Live tests of the generator methods: add_generator, get_generator, get_generators, remove_generator."""

from __future__ import annotations

import json

import pytest

from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow
from tests.support.identities import unique


def generator(executor, name):
    wf = Workflow(colonyname=executor.colony, functionspecs=[func_spec("gen", [], executor.colony, executor.type)])
    return {
        "colonyname": executor.colony,
        "name": name,
        "workflowspec": json.dumps(wf.model_dump(by_alias=True)),
        "trigger": 10,
        "timeout": 60,
    }


def test_add_get_list_remove(client, own_colony, new_executor):
    executor = new_executor(in_colony=own_colony)
    name = unique("gen")
    added = client.add_generator(generator(executor, name), executor.prvkey)
    assert added["name"] == name and added["trigger"] == 10 and added["generatorid"]
    assert client.get_generator(added["generatorid"], executor.prvkey)["name"] == name
    listed = client.get_generators(own_colony.name, executor.prvkey)
    assert [g["generatorid"] for g in listed] == [added["generatorid"]]
    assert len(client.get_generators(own_colony.name, executor.prvkey, count=1)) == 1
    assert client.remove_generator(added["generatorid"], executor.prvkey) == {}
    assert client.get_generators(own_colony.name, executor.prvkey) is None


def test_unknown_generator(client, executor):
    with pytest.raises(ServerError):
        client.get_generator("0" * 64, executor.prvkey)
