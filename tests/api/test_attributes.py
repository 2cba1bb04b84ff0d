"""Live tests of the attribute methods: add_attribute and get_attribute."""

from __future__ import annotations

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec


def running(client, executor):
    client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    return client.assign(executor.colony, 5, executor.prvkey)


def test_add_and_get_attribute(client, executor):
    process = running(client, executor)
    attr = client.add_attribute(process.processid, "py_test_key", "py_test_value", executor.prvkey)
    assert attr["key"] == "py_test_key" and attr["value"] == "py_test_value"
    assert attr["targetid"] == process.processid and attr["attributetype"] == 1
    got = client.get_attribute(attr["attributeid"], executor.prvkey)
    assert got["attributeid"] == attr["attributeid"]
    assert got.get("key") == "py_test_key" and got.get("value") == "py_test_value"
    attributes = client.get_process(process.processid, executor.prvkey).attributes
    assert [(a.key, a.value) for a in attributes] == [("py_test_key", "py_test_value")]


def test_add_attribute_needs_a_running_process(client, executor):
    process = client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    with pytest.raises(ServerError) as info:
        client.add_attribute(process.processid, "k", "v", executor.prvkey)
    assert info.value.status == 403


def test_get_unknown_attribute(client, executor):
    with pytest.raises(ServerError):
        client.get_attribute("0" * 64, executor.prvkey)


# ---- attributetype (new keyword; upstream always sent OUT) --------------------------------------------------------


@pytest.mark.parametrize(("attributetype", "name"), [(0, "IN"), (2, "ERR"), (3, "ENV")])
def test_add_attribute_of_another_type(client, executor, attributetype, name):
    process = running(client, executor)
    attr = client.add_attribute(process.processid, "k-" + name, "v", executor.prvkey, attributetype=attributetype)
    assert attr["attributetype"] == attributetype
    assert client.get_attribute(attr["attributeid"], executor.prvkey)["attributetype"] == attributetype


@pytest.mark.parametrize("attributetype", [-1, 4, True, 1.0, "1", None])
def test_an_unknown_attribute_type_is_refused_before_any_io(attributetype):
    client = Colonies("127.0.0.1", 1, retries=0)  # nothing listens there: any I/O would fail otherwise
    with pytest.raises(ValueError, match=r"attributetype must be 0 \(IN\), 1 \(OUT\), 2 \(ERR\) or 3 \(ENV\)"):
        client.add_attribute("0" * 64, "k", "v", Crypto().prvkey(), attributetype=attributetype)
