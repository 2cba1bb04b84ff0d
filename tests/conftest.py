"""Fixtures shared by the whole test suite.

`dev_server`: a running local Colonies server (scripts/dev-server), started once per
session and left running afterwards. Tests that need the server request this fixture
(directly or through other fixtures); they are marked `server` automatically, so
`pytest -m "not server"` runs only the offline tests.

Shared fakes and helpers are in tests/support (its asserts are rewritten as a test module's are).
"""

from __future__ import annotations

import asyncio
import shlex
import shutil
import ssl
import subprocess
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Process

pytest.register_assert_rewrite("tests.support")  # before tests.support is first imported

from tests.support.identities import Identity, add_colony, add_executor  # noqa: E402
from tests.support.paths import REPO  # noqa: E402
from tests.support.servers import Action, RawServer  # noqa: E402

if TYPE_CHECKING:
    from pycolonies_fast.aio import AsyncColonies  # needs aiohttp: imported by the fixture that uses it

T = TypeVar("T")
DEV_SERVER = REPO / "scripts" / "dev-server"

# A cold start installs PostgreSQL and builds the Go server: minutes on 2 cores.
START_TIMEOUT_S = 1800


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server: needs the local Colonies server (the dev_server fixture)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "dev_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)


def parse_env(text: str) -> dict[str, str]:
    """Parse the `export NAME=value` lines printed by `scripts/dev-server env`."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        if words[0] == "export":
            words = words[1:]
        for word in words:
            name, sep, value = word.partition("=")
            if not sep:
                raise ValueError(f"unexpected line from dev-server env: {line!r}")
            env[name] = value
    return env


def _dev_server(command: str, timeout: float) -> str:
    """Run `scripts/dev-server <command>`; fail the test loudly if it fails."""
    try:
        done = subprocess.run(
            [str(DEV_SERVER), command],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"scripts/dev-server {command} timed out after {timeout} s:\n{e.stderr}", pytrace=False)
    if done.returncode != 0:
        pytest.fail(
            f"scripts/dev-server {command} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}",
            pytrace=False,
        )
    return done.stdout


@pytest.fixture(scope="session")
def dev_server() -> Iterator[dict[str, str]]:
    """Start the local Colonies server (idempotent) and export its client environment.

    Returns the variables of `scripts/dev-server env` (COLONIES_*, AWS_S3_*), which are
    also set in os.environ for the rest of the session. The server is left running.
    """
    _dev_server("start", START_TIMEOUT_S)
    env = parse_env(_dev_server("env", 60))
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        yield env


# Fixtures of the live tests, built on tests/support/identities.py.
# Each directory may narrow them (tests/compat gives every test a colony of its own).


@pytest.fixture(scope="session")
def keys(dev_server: dict[str, str]) -> Identity:
    """The well-known keys of the dev server (server, colony ``dev``, executor ``dev-executor``)."""
    return Identity(
        name="well-known keys",
        server=dev_server["COLONIES_SERVER_PRVKEY"],
        colony=dev_server["COLONIES_COLONY_PRVKEY"],
        executor=dev_server["COLONIES_PRVKEY"],
    )


@pytest.fixture(scope="session")
def client(dev_server: dict[str, str]) -> Iterator[Colonies]:
    """One client for the whole session (it is thread-safe and keeps its connections)."""
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
        yield c


@pytest.fixture(scope="module")
def colony(client: Colonies, keys: Identity) -> Iterator[Identity]:
    """A colony of its own for one test module (removed afterwards): ``.name``, ``.prvkey``, ``.id``."""
    info = add_colony(client, keys.server)
    yield info
    client.del_colony(info.name, keys.server)


@pytest.fixture
def own_colony(client: Colonies, keys: Identity) -> Iterator[Identity]:
    """A colony of its own for one test (removed afterwards)."""
    info = add_colony(client, keys.server)
    yield info
    client.del_colony(info.name, keys.server)


@pytest.fixture
def new_executor(client: Colonies, colony: Identity) -> Callable[..., Identity]:
    """Factory: an executor of a fresh type in ``colony`` (or ``in_colony``), approved unless ``approve=False``."""

    def make(approve: bool = True, executortype: str | None = None, in_colony: Identity | None = None) -> Identity:
        return add_executor(client, in_colony or colony, approve, executortype)

    return make


@pytest.fixture
def executor(new_executor: Callable[..., Identity]) -> Identity:
    """An approved executor with a type of its own: ``.name``, ``.prvkey``, ``.id``, ``.type``, ``.colony``."""
    return new_executor()


@pytest.fixture
def channel_process(client: Colonies, executor: Identity) -> Iterator[Process]:
    """A RUNNING process with channel ``chat``, submitted and assigned by ``executor`` (closed afterwards)."""
    spec = func_spec("chat", [], executor.colony, executor.type)
    spec.channels = ["chat"]
    client.submit_func_spec(spec, executor.prvkey)
    process = client.assign(executor.colony, 5, executor.prvkey)
    yield process
    client.close(process.processid, [], executor.prvkey)


# Asyncio tests are plain functions that call ``run(coroutine)`` (``asyncio.run``): no plugin needed.


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, T]], T]:
    """``run(coro)``: run one coroutine to completion in a fresh event loop."""
    return asyncio.run


@pytest.fixture
def aclient(dev_server: dict[str, str]) -> Callable[..., AsyncColonies]:
    """Factory of ``AsyncColonies`` for the dev server (create it inside the test's coroutine)."""
    from pycolonies_fast.aio import AsyncColonies

    def make(**options: Any) -> AsyncColonies:
        return AsyncColonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]), **options)

    return make


@pytest.fixture
def scripted_server() -> Iterator[Callable[[list[Action]], RawServer]]:
    """``scripted_server(actions)``: a ``RawServer`` playing ``actions`` for every request, ``GET /health``
    included (the transports' tests script it too); all are closed after the test."""
    created: list[RawServer] = []

    def make(actions: list[Action]) -> RawServer:
        server = RawServer(actions, healthy=None)
        created.append(server)
        return server

    yield make
    for server in created:
        server.close()


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variables but those a test sets (either case)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: its PEM path, and a server context that presents it."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return str(cert), context
