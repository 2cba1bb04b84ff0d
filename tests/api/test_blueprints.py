"""Live tests of the twelve blueprint methods (definitions, blueprints, status, reconcile, history)."""

from __future__ import annotations

import pytest

from pycolonies_fast.errors import ServerError

DEF_NAME = "widgets.example.com"


def definition(colonyname: str) -> dict:
    return {
        "kind": "BlueprintDefinition",
        "metadata": {"name": DEF_NAME, "colonyname": colonyname},
        "spec": {
            "group": "example.com", "version": "v1", "scope": "Namespaced",
            "names": {"kind": "Widget", "listKind": "WidgetList", "singular": "widget", "plural": "widgets",
                      "shortNames": ["wd"]},
            "handler": {"executorType": "widget-reconciler", "functionName": "reconcile"},
        },
    }


def blueprint(colonyname: str, name: str, size: int = 1) -> dict:
    return {"kind": "Widget", "metadata": {"name": name, "colonyname": colonyname}, "spec": {"size": size}}


@pytest.fixture
def kind(client, own_colony, new_executor):
    """A colony with the Widget definition and a member executor: (colony, executor)."""
    client.add_blueprint_definition(definition(own_colony.name), own_colony.prvkey)
    return own_colony, new_executor(in_colony=own_colony)


def test_definitions(client, own_colony):
    added = client.add_blueprint_definition(definition(own_colony.name), own_colony.prvkey)
    assert added["blueprintdefinitionid"] and added["spec"]["names"]["kind"] == "Widget"
    got = client.get_blueprint_definition(own_colony.name, DEF_NAME, own_colony.prvkey)
    assert got["blueprintdefinitionid"] == added["blueprintdefinitionid"]
    definitions = client.get_blueprint_definitions(own_colony.name, own_colony.prvkey)
    assert [d["metadata"]["name"] for d in definitions] == [DEF_NAME]
    assert client.remove_blueprint_definition(own_colony.name, DEF_NAME, own_colony.prvkey) == {}
    assert client.get_blueprint_definitions(own_colony.name, own_colony.prvkey) == []
    with pytest.raises(ServerError, match="Blueprint definition not found"):
        client.get_blueprint_definition(own_colony.name, DEF_NAME, own_colony.prvkey)


def test_blueprint_crud_and_kind_filter(client, kind):
    colony, executor = kind
    added = client.add_blueprint(blueprint(colony.name, "w1"), colony.prvkey)
    assert added["blueprintid"] and added["spec"] == {"size": 1}
    assert client.get_blueprint(colony.name, "w1", executor.prvkey)["blueprintid"] == added["blueprintid"]
    assert [b["metadata"]["name"] for b in client.get_blueprints(colony.name, executor.prvkey)] == ["w1"]
    assert len(client.get_blueprints(colony.name, executor.prvkey, kind="Widget")) == 1
    assert client.get_blueprints(colony.name, executor.prvkey, kind="Gadget") is None
    assert client.remove_blueprint(colony.name, "w1", colony.prvkey) == {}
    with pytest.raises(ServerError, match="Blueprint not found"):
        client.get_blueprint(colony.name, "w1", executor.prvkey)


def test_update_status_reconcile_history(client, kind):
    colony, executor = kind
    added = client.add_blueprint(blueprint(colony.name, "w2"), colony.prvkey)
    updated = client.update_blueprint(blueprint(colony.name, "w2", size=2), colony.prvkey)
    assert updated["spec"] == {"size": 2} and updated["metadata"]["generation"] >= 1
    forced = client.update_blueprint(blueprint(colony.name, "w2", size=2), colony.prvkey, force_generation=True)
    assert forced["metadata"]["generation"] > updated["metadata"]["generation"]
    assert client.update_blueprint_status(colony.name, "w2", {"ready": True}, executor.prvkey) == {}
    assert client.get_blueprint(colony.name, "w2", executor.prvkey)["status"] == {"ready": True}
    process = client.reconcile_blueprint(colony.name, "w2", executor.prvkey, force=True)
    assert isinstance(process, dict) and process["spec"]["funcname"] == "reconcile"
    assert process["spec"]["kwargs"]["force"] is True
    history = client.get_blueprint_history(added["blueprintid"], executor.prvkey)
    assert len(history) >= 2 and {h["changetype"] for h in history} >= {"update"}
    assert len(client.get_blueprint_history(added["blueprintid"], executor.prvkey, limit=1)) == 1


def test_blueprint_of_unknown_kind(client, own_colony):
    with pytest.raises(ServerError) as info:
        client.add_blueprint({"kind": "Nope", "metadata": {"name": "x", "colonyname": own_colony.name}, "spec": {}},
                             own_colony.prvkey)
    assert info.value.status == 400


def test_get_blueprint_definition_by_kind(client, own_colony):
    assert client.get_blueprint_definition_by_kind(own_colony.name, "Widget", own_colony.prvkey) is None
    added = client.add_blueprint_definition(definition(own_colony.name), own_colony.prvkey)
    other = definition(own_colony.name)
    other["metadata"]["name"] = "gadgets.example.com"
    other["spec"]["names"] = {"kind": "Gadget", "listKind": "GadgetList", "singular": "gadget", "plural": "gadgets"}
    client.add_blueprint_definition(other, own_colony.prvkey)
    found = client.get_blueprint_definition_by_kind(own_colony.name, "Widget", own_colony.prvkey)
    assert found["blueprintdefinitionid"] == added["blueprintdefinitionid"]
    assert client.get_blueprint_definition_by_kind(own_colony.name, "Gadget", own_colony.prvkey)["metadata"][
        "name"] == "gadgets.example.com"
    assert client.get_blueprint_definition_by_kind(own_colony.name, "widget", own_colony.prvkey) is None  # exact
