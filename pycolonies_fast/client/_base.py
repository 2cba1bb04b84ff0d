"""The client core: constructor, attributes, and the one signed-RPC path every method uses."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..codec import build_request, decode_reply
from ..transport import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, Transport

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["ClientBase"]


class ClientBase:
    """Holds the connection settings and sends signed messages to the server's ``/api``.

    Keyword-only options (all new; upstream had none): ``timeout`` is the read timeout in
    seconds (``None`` waits forever, as upstream did), ``connect_timeout`` the TCP/TLS connect
    timeout, ``ca_bundle`` a CA file for TLS, ``verify=False`` accepts any server certificate,
    ``retries`` how often a connection that could not be opened is tried again.
    """

    WAITING = 0
    RUNNING = 1
    SUCCESSFUL = 2
    FAILED = 3
    CANCELLED = 4

    def __init__(
        self,
        host: str,
        port: int,
        tls: bool = False,
        native_crypto: bool = False,
        *,
        timeout: float | None = DEFAULT_READ_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        ca_bundle: str | None = None,
        verify: bool = True,
        retries: int = 2,
        pool_size: int = 16,
    ) -> None:
        self.native_crypto = native_crypto
        self.tls = bool(tls)
        self.url = ("https://" if self.tls else "http://") + host + ":" + str(port) + "/api"
        self.host = host
        self.port = port
        # Read by the websocket side (pubsub) so that it connects like the HTTP side.
        self.verify = verify
        self.ca_bundle = ca_bundle
        self.connect_timeout = connect_timeout
        self._transport = Transport(
            host, port, self.tls,
            connect_timeout=connect_timeout, read_timeout=timeout,
            ca_bundle=ca_bundle, verify=verify, retries=retries, maxsize=pool_size,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    @property
    def timeout(self) -> float | None:
        """Default read timeout in seconds for every RPC (``None`` = no limit)."""
        return self._transport.read_timeout

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        self._transport.read_timeout = value

    def _rpc(
        self, msg: dict[str, Any], prvkey: str, *, read_timeout: float | None = None, idempotent: bool = False
    ) -> Any:
        """Sign ``msg`` with ``prvkey``, POST it, and return the decoded reply payload.

        ``read_timeout`` (seconds) replaces the default read timeout for this call only.
        ``idempotent`` lets the transport repeat the call if the connection drops mid-reply.
        """
        body = build_request(msg, prvkey)
        if read_timeout is None:
            status, reply = self._transport.post(body, idempotent=idempotent)
        else:
            status, reply = self._transport.post(body, read_timeout=read_timeout, idempotent=idempotent)
        return decode_reply(reply, status)

    def _Colonies__rpc(self, msg: dict[str, Any], prvkey: str) -> Any:
        """Upstream's private RPC helper name, kept because user code calls it for extra msgtypes."""
        return self._rpc(msg, prvkey)

    def close_connections(self) -> None:
        """Close the pooled keep-alive connections (``close()`` is taken: it closes a process)."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_connections()
