"""Process attribute methods: key/value pairs an executor attaches to a running process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import AttributeDict

#: The attribute types the server knows (its core.IN, OUT, ERR, ENV).
ATTRIBUTE_IN, ATTRIBUTE_OUT, ATTRIBUTE_ERR, ATTRIBUTE_ENV = 0, 1, 2, 3


class AttributesMixin(ClientCore):
    """Add and read process attributes."""

    @rpc
    def add_attribute(
        self, processid: str, key: str, value: str, prvkey: str, *, attributetype: int = ATTRIBUTE_OUT
    ) -> Steps[AttributeDict]:
        """Attach an attribute to a RUNNING process; only its assigned executor may do this.

        ``attributetype`` (new keyword): 0 IN, 1 OUT (the default, what upstream always sent), 2 ERR
        or 3 ENV; anything else raises ValueError before any I/O (the server would store it).
        """
        if type(attributetype) is not int or not ATTRIBUTE_IN <= attributetype <= ATTRIBUTE_ENV:
            raise ValueError(f"attributetype must be 0 (IN), 1 (OUT), 2 (ERR) or 3 (ENV), not {attributetype!r}")
        attribute = {"key": key, "value": value, "targetid": processid, "attributetype": attributetype}
        return (yield Call({"msgtype": "addattributemsg", "attribute": attribute}, prvkey))

    @rpc
    def get_attribute(self, attributeid: str, prvkey: str) -> Steps[AttributeDict]:
        """One attribute by id."""
        return (yield Call({"msgtype": "getattributemsg", "attributeid": attributeid}, prvkey, idempotent=True))
