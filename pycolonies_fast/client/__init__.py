"""The blocking client: ``Colonies``, composed of the API areas over the blocking I/O, and ``colonies_client()``."""

from __future__ import annotations

import os
import warnings

from pycolonies_fast.api import ApiAreas
from pycolonies_fast.client.base import ClientBase
from pycolonies_fast.client.websocket import WebsocketMixin

__all__ = ["Colonies", "colonies_client"]


class Colonies(ApiAreas, WebsocketMixin, ClientBase):
    """Client of a Colonies server: ``Colonies(host, port, tls=False, native_crypto=False)``.

    Drop-in for upstream pycolonies' ``Colonies``; every method signs its message with the
    private key passed to it. See ``ClientCore`` for the extra keyword-only options, and
    ``Colonies.from_endpoints([(host, port), ...])`` for several servers of one cluster (failover).

    Made of: the RPC methods of ``ApiAreas`` (api/, one module per area, shared with
    ``AsyncColonies``), the websocket methods ``wait``, ``subscribe_channel`` and
    ``subscribe_processes`` (client/websocket.py), and the blocking I/O of ``ClientBase`` (client/base.py).
    """


def colonies_client(native_crypto: bool = False) -> tuple[Colonies, str | None, str | None, str | None, str | None]:
    """A client from the environment: ``(client, colonyname, colony_prvkey, executorname, prvkey)``.

    Reads ``COLONIES_SERVER_HOST``/``_PORT``/``_TLS`` like upstream (TLS only if exactly ``"true"``);
    when ``COLONIES_SERVER_TLS`` is unset, ``COLONIES_TLS`` (what the server and CI set) is used.
    Any other value than ``"true"`` or ``"false"`` (case-sensitive, as upstream compares) still means
    no TLS, with a ``UserWarning`` naming the variable and its value: ``"True"`` or ``"1"`` is
    probably meant as true. A missing host or port raises ``TypeError`` as upstream did, but saying
    what is missing.
    """
    host = os.getenv("COLONIES_SERVER_HOST")
    port = os.getenv("COLONIES_SERVER_PORT")
    if port is None:  # checked in upstream's order: the port first
        raise TypeError("COLONIES_SERVER_PORT is not set: colonies_client() needs the server port")
    try:
        port_number = int(port)
    except ValueError:
        raise ValueError(f"COLONIES_SERVER_PORT must be a port number, not {port!r}") from None
    if host is None:
        raise TypeError("COLONIES_SERVER_HOST is not set: colonies_client() needs the server host")
    tls_variable = "COLONIES_SERVER_TLS" if "COLONIES_SERVER_TLS" in os.environ else "COLONIES_TLS"
    tls = os.getenv(tls_variable)
    if tls is not None and tls not in ("true", "false"):
        warnings.warn(
            f"{tls_variable}={tls!r} is neither 'true' nor 'false': treated as false (no TLS, plain http://)",
            UserWarning,
            stacklevel=2,
        )
    client = Colonies(host, port_number, tls == "true", native_crypto=native_crypto)
    return (
        client,
        os.getenv("COLONIES_COLONY_NAME"),
        os.getenv("COLONIES_COLONY_PRVKEY"),
        os.getenv("COLONIES_EXECUTOR_NAME"),
        os.getenv("COLONIES_PRVKEY"),
    )
