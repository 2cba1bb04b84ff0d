"""Blueprint methods: declarative resources (definitions + instances) reconciled by executors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import (
        BlueprintDefinitionDict,
        BlueprintDict,
        BlueprintHistoryDict,
        EmptyDict,
        ProcessDict,
    )


class BlueprintsMixin(ClientCore):
    """Blueprint definitions (kinds) and blueprints (instances), their status and history.

    The server names the colony ``namespace`` in some of these messages; the methods follow it.
    """

    @rpc
    def add_blueprint_definition(self, definition: dict[str, Any], prvkey: str) -> Steps[BlueprintDefinitionDict]:
        """Add a blueprint definition (a kind); colony key."""
        return (yield Call({"msgtype": "addblueprintdefinitionmsg", "blueprintdefinition": definition}, prvkey))

    @rpc
    def get_blueprint_definition(self, colony_name: str, name: str, prvkey: str) -> Steps[BlueprintDefinitionDict]:
        """One blueprint definition by name."""
        msg = {"msgtype": "getblueprintdefinitionmsg", "colonyname": colony_name, "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_blueprint_definitions(self, colony_name: str, prvkey: str) -> Steps[list[BlueprintDefinitionDict]]:
        """All blueprint definitions of a colony (never None)."""
        return (yield _definitions_call(colony_name, prvkey))

    @rpc
    def get_blueprint_definition_by_kind(
        self, colony_name: str, kind: str, prvkey: str
    ) -> Steps[BlueprintDefinitionDict | None]:
        """The definition whose ``spec.names.kind`` is ``kind``, or None (not in upstream; the Go
        client's ``GetBlueprintDefinitionByKind``, which also reads all definitions: the server has
        no lookup by kind)."""
        for definition in (yield _definitions_call(colony_name, prvkey)) or []:
            if ((definition.get("spec") or {}).get("names") or {}).get("kind") == kind:
                return definition
        return None

    @rpc
    def remove_blueprint_definition(self, colony_name: str, name: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a definition that no blueprint uses any more; colony key. Returns ``{}``."""
        msg = {"msgtype": "removeblueprintdefinitionmsg", "namespace": colony_name, "name": name}
        return (yield Call(msg, prvkey))

    @rpc
    def add_blueprint(self, blueprint: dict[str, Any], prvkey: str) -> Steps[BlueprintDict]:
        """Add a blueprint of an existing kind."""
        return (yield Call({"msgtype": "addblueprintmsg", "blueprint": blueprint}, prvkey))

    @rpc
    def get_blueprint(self, colony_name: str, name: str, prvkey: str) -> Steps[BlueprintDict]:
        """One blueprint by name."""
        msg = {"msgtype": "getblueprintmsg", "namespace": colony_name, "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_blueprints(
        self, colony_name: str, prvkey: str, kind: str | None = None, location: str | None = None
    ) -> Steps[list[BlueprintDict] | None]:
        """Blueprints of a colony, optionally of one ``kind`` (the server applies ``location`` only with a kind)."""
        msg: dict[str, Any] = {"msgtype": "getblueprintsmsg", "namespace": colony_name}
        if kind:
            msg["kind"] = kind
        if location:
            msg["locationname"] = location
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def update_blueprint(
        self, blueprint: dict[str, Any], prvkey: str, force_generation: bool = False
    ) -> Steps[BlueprintDict]:
        """Replace a blueprint (found by ``metadata.colonyname`` + ``metadata.name``); the updated dict."""
        msg = {"msgtype": "updateblueprintmsg", "blueprint": blueprint, "forcegeneration": force_generation}
        return (yield Call(msg, prvkey))

    @rpc
    def remove_blueprint(self, colony_name: str, name: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a blueprint. Returns ``{}``."""
        return (yield Call({"msgtype": "removeblueprintmsg", "namespace": colony_name, "name": name}, prvkey))

    @rpc
    def update_blueprint_status(
        self, colony_name: str, name: str, status: dict[str, Any], prvkey: str
    ) -> Steps[EmptyDict]:
        """Set a blueprint's ``status`` object. Returns ``{}``."""
        msg = {
            "msgtype": "updateblueprintstatusmsg",
            "colonyname": colony_name,
            "blueprintname": name,
            "status": status,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def reconcile_blueprint(
        self, colony_name: str, name: str, prvkey: str, force: bool = False
    ) -> Steps[ProcessDict]:
        """Ask the kind's handler to reconcile now; the reconcile process as a raw dict (as upstream)."""
        msg = {"msgtype": "reconcileblueprintmsg", "namespace": colony_name, "name": name, "force": force}
        return (yield Call(msg, prvkey))

    @rpc
    def get_blueprint_history(
        self, blueprint_id: str, prvkey: str, limit: int | None = None
    ) -> Steps[list[BlueprintHistoryDict] | None]:
        """The change history of a blueprint, optionally only the last ``limit`` entries."""
        msg: dict[str, Any] = {"msgtype": "getblueprinthistorymsg", "blueprintid": blueprint_id}
        if limit is not None:
            msg["limit"] = limit
        return (yield Call(msg, prvkey, idempotent=True))


def _definitions_call(colony_name: str, prvkey: str) -> Call:
    """``getblueprintdefinitionsmsg``: every definition of a colony."""
    return Call({"msgtype": "getblueprintdefinitionsmsg", "colonyname": colony_name}, prvkey, idempotent=True)
