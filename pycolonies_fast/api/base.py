"""What both clients share, without I/O: settings, endpoints and their failover state.

``ClientCore`` is to ``Colonies`` and ``AsyncColonies`` what httpx's ``BaseClient`` is to its two
clients: the constructor, the attributes and the endpoints. Each client adds only its I/O
(client/base.py, aio/base.py); every API method is an ``@rpc`` step of an area module here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pycolonies_fast.core.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REPLY_SIZE,
    DEFAULT_READ_TIMEOUT,
    ca_bundle_from_environment,
)
from pycolonies_fast.core.failover import Failover
from pycolonies_fast.core.states import ProcessState

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["ClientCore", "Endpoint"]

Endpoint = tuple[str, int]


class ClientCore:
    """Connection settings and endpoints: ``(host, port, tls=False, native_crypto=False, *, ...)``.

    Keyword-only options (all new; upstream had none): ``timeout`` is the read timeout in
    seconds (``None`` waits forever, as upstream did), ``connect_timeout`` the TCP/TLS connect
    timeout, ``ca_bundle`` a CA file (or directory) for TLS, by default ``REQUESTS_CA_BUNDLE`` or
    ``CURL_CA_BUNDLE`` as upstream's requests honours them, ``verify=False`` accepts any server certificate,
    ``retries`` how many more rounds over the endpoints a request gets when no connection can be
    opened, ``pool_size`` the connections kept per server, ``fallbacks`` more ``(host, port)``
    servers of the same cluster to fail over to (see core/failover.py; or use ``from_endpoints``),
    ``max_reply_size`` the largest reply body or websocket message taken from a server (bytes,
    default 256 MiB; ``ReplyTooLargeError`` beyond it). ``host``, ``port`` and ``url`` name the
    endpoint currently in use.
    """

    WAITING = ProcessState.WAITING
    RUNNING = ProcessState.RUNNING
    SUCCESSFUL = ProcessState.SUCCESSFUL
    FAILED = ProcessState.FAILED
    CANCELLED = ProcessState.CANCELLED

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
        fallbacks: Sequence[Endpoint] = (),
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
    ) -> None:
        if not isinstance(host, str):  # upstream built its URL as "http://" + host + ...
            raise TypeError(f'can only concatenate str (not "{type(host).__name__}") to str')
        self.native_crypto = native_crypto
        self.tls = bool(tls)
        self.endpoints: list[Endpoint] = [(host, port), *((h, p) for h, p in fallbacks)]
        for endpoint_host, endpoint_port in self.endpoints:
            _refuse_control_characters(endpoint_host, "host")
            _refuse_control_characters(endpoint_port, "port")
        # Read by the websocket side (pubsub) so that it connects like the HTTP side.
        self.verify = verify
        self._ca_bundle_given = ca_bundle
        self.ca_bundle = ca_bundle if ca_bundle is not None or not verify else ca_bundle_from_environment()
        self.connect_timeout = connect_timeout
        self._read_timeout = timeout
        self._pool_size = pool_size
        #: The largest HTTP reply body or websocket message taken from a server (``ReplyTooLargeError``).
        self.max_reply_size = max_reply_size
        self._failover = Failover(len(self.endpoints), retries, endpoints=self.endpoints)
        self._open()

    def _open(self) -> None:
        """Set up the transport side (each client kind its own)."""

    @classmethod
    def from_endpoints(
        cls, endpoints: Sequence[Endpoint], tls: bool = False, native_crypto: bool = False, **options: Any
    ) -> Self:
        """A client of several servers of one cluster: ``from_endpoints([("h1", 50080), ("h2", 50080)])``."""
        if not endpoints:
            raise ValueError("from_endpoints needs at least one (host, port)")
        (host, port), *rest = endpoints
        return cls(host, port, tls, native_crypto, fallbacks=rest, **options)

    @property
    def host(self) -> str:
        return self.endpoints[self._failover.current][0]

    @property
    def port(self) -> int:
        return self.endpoints[self._failover.current][1]

    @property
    def url(self) -> str:
        return ("https://" if self.tls else "http://") + self.host + ":" + str(self.port) + "/api"

    @property
    def timeout(self) -> float | None:
        """Default read timeout in seconds for every RPC (``None`` = no limit)."""
        return self._read_timeout

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        self._read_timeout = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (a ``multiprocessing`` argument) or copied: a new client with the same settings and
        connections of its own, as upstream's client, which held nothing but its settings, could be."""
        (host, port), *fallbacks = self.endpoints
        options = {
            "timeout": self._read_timeout, "connect_timeout": self.connect_timeout,
            "ca_bundle": self._ca_bundle_given, "verify": self.verify, "retries": self._failover.retries,
            "pool_size": self._pool_size, "fallbacks": fallbacks, "max_reply_size": self.max_reply_size,
        }
        return _new_client, (type(self), (host, port, self.tls, self.native_crypto), options)


def _refuse_control_characters(value: object, what: str) -> None:
    """A host or port with a control character (CR, LF, NUL, ...) would end or add header lines of
    the HTTP request (through a proxy too): refused when the client is made. Other unusable values
    (an empty host, a port that is no number) fail each call, as upstream's did."""
    if isinstance(value, str) and any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(f"the server {what} {value!r} contains a control character")


def _new_client(cls: type[ClientCore], args: tuple[Any, ...], options: dict[str, Any]) -> ClientCore:
    """A client made again from pickled settings (see ``ClientCore.__reduce__``)."""
    return cls(*args, **options)
