"""Live tests of the function registry: add_function, get_functions_by_executor/_by_colony."""

from __future__ import annotations

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from tests.support.identities import new_identity, unique

KEY = Crypto().prvkey()


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


# ---- description and args (new keywords, as the Go client's Function) ------------------------------------------

ARGS = [
    {"name": "a", "type": "int", "description": "the first term", "required": True},
    {"name": "mode", "type": "string", "enum": ["fast", "exact"]},
]


def test_add_function_with_description_and_args(client, executor):
    fn = client.add_function(executor.colony, executor.name, "described", executor.prvkey,
                             description="adds two numbers", args=ARGS)
    assert fn["description"] == "adds two numbers" and fn["args"] == ARGS
    [stored] = client.get_functions_by_executor(executor.colony, executor.name, executor.prvkey)
    assert stored["description"] == "adds two numbers" and stored["args"] == ARGS


def test_without_the_new_keywords_the_payload_is_upstreams(client, executor, monkeypatch):
    sent = []
    real = client._rpc

    def record(msg, prvkey):
        sent.append(msg)
        return real(msg, prvkey)

    monkeypatch.setattr(client, "_Colonies__rpc", record)
    fn = client.add_function(executor.colony, executor.name, "plain", executor.prvkey)
    assert sent == [{"msgtype": "addfunctionmsg",
                     "fun": {"executorname": executor.name, "colonyname": executor.colony, "funcname": "plain"}}]
    assert "description" not in fn and "args" not in fn


def test_the_location_of_a_function_is_its_executors(client, own_colony):
    """The server sets ``locationname`` from the executor (and overwrites one sent): no keyword for it."""
    client.add_location({"name": "lab", "colonyname": own_colony.name, "description": "", "long": 0.0, "lat": 0.0},
                        own_colony.prvkey)
    executor = new_identity("exec")
    client.add_executor({"executorname": executor.name, "executorid": executor.id, "colonyname": own_colony.name,
                         "executortype": unique("type"), "locationname": "lab"}, own_colony.prvkey)
    client.approve_executor(own_colony.name, executor.name, own_colony.prvkey)
    fn = client.add_function(own_colony.name, executor.name, "here", executor.prvkey)
    assert fn["locationname"] == "lab"
    msg = {"msgtype": "addfunctionmsg", "fun": {"executorname": executor.name, "colonyname": own_colony.name,
                                                "funcname": "elsewhere", "locationname": "mars"}}
    assert client._Colonies__rpc(msg, executor.prvkey)["locationname"] == "lab"


@pytest.mark.parametrize(("args", "error", "words"), [
    ("a,b", TypeError, "list of mappings"),
    ({"name": "a", "type": "int"}, TypeError, "list of mappings"),
    (["a"], TypeError, "args[0] must be a mapping"),
    ([{"name": "a"}], ValueError, "args[0] needs a 'type'"),
    ([{"name": "a", "type": "int", "default": 1}], ValueError, "unknown fields ['default']"),
    ([{"name": "a", "type": 3}], TypeError, "args[0]['type']"),
    ([{"name": "a", "type": "int", "required": "yes"}], TypeError, "args[0]['required']"),
    ([{"name": "a", "type": "str", "enum": ["x", 1]}], TypeError, "str values only"),
])
def test_bad_args_are_refused_before_any_io(args, error, words):
    client = Colonies("127.0.0.1", 1, retries=0)  # nothing listens there: any I/O would fail otherwise
    with pytest.raises(error) as info:
        client.add_function("c", "e", "f", KEY, args=args)
    assert words in str(info.value)
    with pytest.raises(TypeError, match="'description' must be a str"):
        client.add_function("c", "e", "f", KEY, description=b"bytes")
