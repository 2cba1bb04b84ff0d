"""The client core: settings and endpoints (shared by both clients), and the blocking request path.

``ClientCore`` holds what ``Colonies`` and ``AsyncColonies`` share: constructor, attributes and
the endpoints with their failover state. ``ClientBase`` adds the blocking side: ``_rpc``, the
one signed-RPC path, and ``_drive``, which runs a method's steps (client/_steps.py) with it.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..codec import build_request, decode_reply
from ..errors import TransportError
from ..failover import Failover
from ..transport import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, Transport
from ._steps import Blocking, Call, Steps, run_steps

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["ClientBase", "ClientCore", "Endpoint"]

R = TypeVar("R")
Endpoint = tuple[str, int]


class ClientCore:
    """Connection settings and endpoints: ``(host, port, tls=False, native_crypto=False, *, ...)``.

    Keyword-only options (all new; upstream had none): ``timeout`` is the read timeout in
    seconds (``None`` waits forever, as upstream did), ``connect_timeout`` the TCP/TLS connect
    timeout, ``ca_bundle`` a CA file (or directory) for TLS, by default ``REQUESTS_CA_BUNDLE`` or
    ``CURL_CA_BUNDLE`` as upstream's requests honours them, ``verify=False`` accepts any server certificate,
    ``retries`` how many more rounds over the endpoints a request gets when no connection can be
    opened, ``pool_size`` the connections kept per server, ``fallbacks`` more ``(host, port)``
    servers of the same cluster to fail over to (see failover.py; or use ``from_endpoints``).
    ``host``, ``port`` and ``url`` name the endpoint currently in use.
    """

    WAITING = 0
    RUNNING = 1
    SUCCESSFUL = 2
    FAILED = 3
    CANCELLED = 4

    _asynchronous: ClassVar[bool] = False

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
    ) -> None:
        if not isinstance(host, str):  # upstream built its URL as "http://" + host + ...
            raise TypeError(f'can only concatenate str (not "{type(host).__name__}") to str')
        self.native_crypto = native_crypto
        self.tls = bool(tls)
        self.endpoints: list[Endpoint] = [(host, port), *((h, p) for h, p in fallbacks)]
        # Read by the websocket side (pubsub) so that it connects like the HTTP side.
        self.verify = verify
        self._ca_bundle_given = ca_bundle
        self.ca_bundle = ca_bundle if ca_bundle is not None or not verify else _ca_bundle_from_environment()
        self.connect_timeout = connect_timeout
        self._read_timeout = timeout
        self._pool_size = pool_size
        self._failover = Failover(len(self.endpoints), retries)
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
            "pool_size": self._pool_size, "fallbacks": fallbacks,
        }
        return _new_client, (type(self), (host, port, self.tls, self.native_crypto), options)


def _new_client(cls: type[ClientCore], args: tuple[Any, ...], options: dict[str, Any]) -> ClientCore:
    """A client made again from pickled settings (see ``ClientCore.__reduce__``)."""
    return cls(*args, **options)


def _ca_bundle_from_environment() -> str | None:
    """The CA bundle requests (and so upstream pycolonies) takes from the environment; without one,
    certifi's bundle (requests' own) where the system has no CA store, else the system's store."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or _certifi_without_system_store()


@functools.cache
def _certifi_without_system_store() -> str | None:
    """certifi's CA bundle, if it is installed and OpenSSL has no CA file or folder to trust (a minimal
    image, python.org's macOS build): there requests (upstream) trusted certifi's CAs and we'd trust none."""
    paths = ssl.get_default_verify_paths()
    if (paths.cafile and os.path.isfile(paths.cafile)) or (paths.capath and os.path.isdir(paths.capath)
                                                           and os.listdir(paths.capath)):
        return None
    try:
        import certifi
    except ImportError:
        return None
    return str(certifi.where())


class ClientBase(ClientCore):
    """The blocking client core: one keep-alive connection pool per endpoint, thread-safe."""

    def _open(self) -> None:
        self._transports = [
            Transport(
                h, p, self.tls,
                connect_timeout=self.connect_timeout, read_timeout=self._read_timeout,
                ca_bundle=self.ca_bundle, verify=self.verify, retries=self._failover.retries,
                maxsize=self._pool_size, connect_retries=0,
            )
            for h, p in self.endpoints
        ]

    def _rpc(
        self, msg: dict[str, Any], prvkey: str, *, read_timeout: float | None = None, idempotent: bool = False
    ) -> Any:
        """Sign ``msg`` with ``prvkey``, POST it, and return the decoded reply payload.

        ``read_timeout`` (seconds) replaces the default read timeout for this call only.
        ``idempotent`` lets the call be repeated (here or on another endpoint) if the
        connection drops mid-reply.
        """
        body = build_request(msg, prvkey)
        if read_timeout is None:
            read_timeout = self._read_timeout
        current = self._failover.current
        try:  # the current endpoint first; failover is planned only once it failed
            status, reply = self._transports[current].post(body, read_timeout=read_timeout, idempotent=idempotent)
        except TransportError as exc:
            status, reply = self._post_elsewhere(body, read_timeout, idempotent, exc, current)
        return decode_reply(reply, status)

    def _post_elsewhere(
        self, body: bytes, read_timeout: float | None, idempotent: bool, error: TransportError, failed_at: int
    ) -> tuple[int, bytes]:
        """After ``error`` at endpoint ``failed_at``: the attempts failover allows, in its order."""
        attempts = self._failover.attempts(idempotent, failed_at)
        while True:
            delay = attempts.retry_delay(error)
            if delay is None:
                raise error
            time.sleep(delay)
            try:
                result = self._transports[attempts.endpoint].post(
                    body, read_timeout=read_timeout, idempotent=idempotent)
            except TransportError as exc:
                error = exc
                continue
            attempts.succeeded()
            return result

    def _drive(self, steps: Steps[R]) -> R:
        """Run a method's steps: each ``Call`` through ``_rpc``, each ``Blocking`` right here."""
        return run_steps(steps, self._perform)

    def _perform(self, op: Call | Blocking) -> Any:
        if isinstance(op, Call):
            hook = self._Colonies__rpc
            if getattr(hook, "__func__", None) is not ClientBase._Colonies__rpc:
                return hook(op.msg, op.prvkey)  # replaced by user code (a subclass, a test's mock), as upstream
            return self._rpc(op.msg, op.prvkey, read_timeout=op.read_timeout, idempotent=op.idempotent)
        return op.fn(*op.args)

    def _Colonies__rpc(self, msg: dict[str, Any], prvkey: str) -> Any:
        """Upstream's private RPC helper: user code calls it for extra msgtypes, and tests replace it
        to intercept calls; every method's RPC goes through a replacement, as upstream's did."""
        return self._rpc(msg, prvkey)

    def close_connections(self) -> None:
        """Close the pooled keep-alive connections (``close()`` is taken: it closes a process)."""
        for transport in self._transports:
            transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_connections()

