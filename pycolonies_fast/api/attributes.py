"""Process attribute methods: key/value pairs an executor attaches to a running process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import AttributeDict

_ATTRIBUTE_OUT = 1  # attribute types: 0 IN, 1 OUT, 2 ERR, 3 ENV


class AttributesMixin(ClientCore):
    """Add and read process attributes."""

    @rpc
    def add_attribute(self, processid: str, key: str, value: str, prvkey: str) -> Steps[AttributeDict]:
        """Attach an OUT attribute to a RUNNING process; only its assigned executor may do this."""
        attribute = {"key": key, "value": value, "targetid": processid, "attributetype": _ATTRIBUTE_OUT}
        return (yield Call({"msgtype": "addattributemsg", "attribute": attribute}, prvkey))

    @rpc
    def get_attribute(self, attributeid: str, prvkey: str) -> Steps[AttributeDict]:
        """One attribute by id."""
        return (yield Call({"msgtype": "getattributemsg", "attributeid": attributeid}, prvkey, idempotent=True))
