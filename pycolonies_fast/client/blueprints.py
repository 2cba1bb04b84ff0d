"""Blueprint methods: declarative resources (definitions + instances) reconciled by executors."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class BlueprintsMixin(ClientBase):
    """Blueprint definitions (kinds) and blueprints (instances), their status and history.

    The server names the colony ``namespace`` in some of these messages; the methods follow it.
    """

    def add_blueprint_definition(self, definition: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Add a blueprint definition (a kind); colony key."""
        return self._rpc({"msgtype": "addblueprintdefinitionmsg", "blueprintdefinition": definition}, prvkey)

    def get_blueprint_definition(self, colony_name: str, name: str, prvkey: str) -> dict[str, Any]:
        """One blueprint definition by name."""
        msg = {"msgtype": "getblueprintdefinitionmsg", "colonyname": colony_name, "name": name}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_blueprint_definitions(self, colony_name: str, prvkey: str) -> list[dict[str, Any]]:
        """All blueprint definitions of a colony (never None)."""
        return self._rpc({"msgtype": "getblueprintdefinitionsmsg", "colonyname": colony_name}, prvkey, idempotent=True)

    def remove_blueprint_definition(self, colony_name: str, name: str, prvkey: str) -> dict[str, Any]:
        """Remove a definition that no blueprint uses any more; colony key. Returns ``{}``."""
        msg = {"msgtype": "removeblueprintdefinitionmsg", "namespace": colony_name, "name": name}
        return self._rpc(msg, prvkey)

    def add_blueprint(self, blueprint: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Add a blueprint of an existing kind."""
        return self._rpc({"msgtype": "addblueprintmsg", "blueprint": blueprint}, prvkey)

    def get_blueprint(self, colony_name: str, name: str, prvkey: str) -> dict[str, Any]:
        """One blueprint by name."""
        msg = {"msgtype": "getblueprintmsg", "namespace": colony_name, "name": name}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_blueprints(self, colony_name: str, prvkey: str, kind: str | None = None, location: str | None = None) -> list[dict[str, Any]] | None:
        """Blueprints of a colony, optionally of one ``kind`` (the server applies ``location`` only with a kind)."""
        msg: dict[str, Any] = {"msgtype": "getblueprintsmsg", "namespace": colony_name}
        if kind:
            msg["kind"] = kind
        if location:
            msg["locationname"] = location
        return self._rpc(msg, prvkey, idempotent=True)

    def update_blueprint(self, blueprint: dict[str, Any], prvkey: str, force_generation: bool = False) -> dict[str, Any]:
        """Replace a blueprint (found by ``metadata.colonyname`` + ``metadata.name``); the updated dict."""
        msg = {"msgtype": "updateblueprintmsg", "blueprint": blueprint, "forcegeneration": force_generation}
        return self._rpc(msg, prvkey)

    def remove_blueprint(self, colony_name: str, name: str, prvkey: str) -> dict[str, Any]:
        """Remove a blueprint. Returns ``{}``."""
        return self._rpc({"msgtype": "removeblueprintmsg", "namespace": colony_name, "name": name}, prvkey)

    def update_blueprint_status(self, colony_name: str, name: str, status: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Set a blueprint's ``status`` object. Returns ``{}``."""
        msg = {"msgtype": "updateblueprintstatusmsg", "colonyname": colony_name, "blueprintname": name, "status": status}
        return self._rpc(msg, prvkey)

    def reconcile_blueprint(self, colony_name: str, name: str, prvkey: str, force: bool = False) -> dict[str, Any]:
        """Ask the kind's handler to reconcile now; the reconcile process as a raw dict (as upstream)."""
        msg = {"msgtype": "reconcileblueprintmsg", "namespace": colony_name, "name": name, "force": force}
        return self._rpc(msg, prvkey)

    def get_blueprint_history(self, blueprint_id: str, prvkey: str, limit: int | None = None) -> list[dict[str, Any]] | None:
        """The change history of a blueprint, optionally only the last ``limit`` entries."""
        msg: dict[str, Any] = {"msgtype": "getblueprinthistorymsg", "blueprintid": blueprint_id}
        if limit is not None:
            msg["limit"] = limit
        return self._rpc(msg, prvkey, idempotent=True)
