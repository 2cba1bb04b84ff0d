"""Bad input: each row of docs/errors.md, pinned. Input errors the client can see raise before any I/O
(checked with a stub server that must receive nothing); the rest are the server's typed refusals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import pydantic
import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec
from tests.support.identities import Identity, unique
from tests.support.servers import RawServer

KEY = Crypto().prvkey()
PID = "ab" * 32
untyped_func_spec: Any = func_spec  # called with deliberately wrong types below
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def offline(call: Callable[[Colonies], Any], error: type[BaseException]) -> BaseException:
    """Run ``call`` on a client of a stub server; it must raise ``error`` and send nothing."""
    with RawServer([]) as stub, Colonies("127.0.0.1", stub.port, timeout=2, retries=0) as client:
        with pytest.raises(error) as info:
            call(client)
        assert stub.requests == [] and stub.connections == 0, "the bad input reached the network"
    return info.value


BAD_KEYS = [
    ("abc", ValueError, "private key must be 64 hex characters"),
    ("", ValueError, "private key must be 64 hex characters"),
    ("zz" * 32, ValueError, "private key must contain only hex characters"),
    ("ü" * 32, ValueError, "private key must"),
    ("00" * 32, ValueError, "private key is out of range"),
    (f"{N:064x}", ValueError, "private key is out of range"),
    ("ff" * 32, ValueError, "private key is out of range"),
    (None, TypeError, "private key must be a str of hex characters, not NoneType"),
    (12345, TypeError, "private key must be a str of hex characters, not int"),
    (bytes.fromhex(KEY), TypeError, "private key must be a str of hex characters, not bytes"),
]


@pytest.mark.parametrize(("key", "error", "text"), BAD_KEYS,
                         ids=["short", "empty", "non-hex", "non-ascii", "zero", "n", "above-n", "None", "int", "bytes"])
def test_malformed_private_keys_raise_before_any_io(key, error, text):
    exc = offline(lambda c: c.get_process(PID, key), error)
    assert text in str(exc)
    if isinstance(key, str) and key:
        assert key not in str(exc) and key not in repr(exc.args)


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda c: c.close(PID, [{1, 2}], KEY), TypeError, "Type is not JSON serializable: set"),
        (lambda c: c.close(PID, [object()], KEY), TypeError, "Type is not JSON serializable: object"),
        (lambda c: c.close(PID, [b"raw"], KEY), TypeError, "Type is not JSON serializable: bytes"),
        (lambda c: c.set_output(PID, [{(1, 2): "tuple key"}], KEY), TypeError, "Dict key must"),
        (lambda c: c.add_log(PID, 10**400, KEY), TypeError, "Integer exceeds 64-bit range"),  # beyond float64 too
        (lambda c: c.channel_append(PID, "ch", 1, 5, KEY), TypeError, "'int' object is not iterable"),
        (lambda c: c.channel_append(PID, "ch", 1, 5.5, KEY), TypeError, "'float' object is not iterable"),
        (lambda c: c.submit_func_spec({"funcname": "f"}, KEY), AttributeError, "model_dump"),
    ],
    ids=["set", "object", "bytes", "tuple-key", "huge-int", "channel-payload-int", "channel-payload-float",
         "spec-dict"],
)
def test_values_json_cannot_carry_raise_before_any_io(call, error, text):
    assert text in str(offline(call, error))


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: untyped_func_spec("f", [1.5], "c", "t"), "args.0"),
        (lambda: untyped_func_spec("f", [math.nan], "c", "t"), "args.0"),
        (lambda: untyped_func_spec("f", [math.inf], "c", "t"), "args.0"),
        (lambda: untyped_func_spec("f", "abc", "c", "t"), "args"),
        (lambda: untyped_func_spec("f", [{"a": 1}], "c", "t"), "args.0"),
        (lambda: untyped_func_spec("f", [], "c", "t", kwargs={"a": 1}), "kwargs.a"),
        (lambda: untyped_func_spec("f", [], "c", "t", kwargs={"a": math.nan}), "kwargs.a"),
        (lambda: untyped_func_spec("f", [], "c", "t", priority="high"), "priority"),
        (lambda: untyped_func_spec("f", [], "c", "t", maxexectime=1.5), "maxexectime"),
        (lambda: untyped_func_spec("f", [], 5, "t"), "colonyname"),
        (lambda: untyped_func_spec("f", [], "c", None), "executortype"),
    ],
    ids=["float-arg", "nan-arg", "inf-arg", "args-str", "dict-arg", "int-kwarg", "nan-kwarg", "priority-str",
         "maxexectime-float", "colonyname-int", "executortype-None"],
)
def test_func_spec_validates_as_upstream(make, field):
    """Arguments are ``str | int``, kwargs ``str | list[str]`` (contract §b.2): no float, NaN included, is sent."""
    with pytest.raises(pydantic.ValidationError) as info:
        make()
    assert field in str(info.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_in_outputs_raise_before_any_io(value):
    assert "NaN" in str(offline(lambda c: c.close(PID, [1.0, {"x": [value]}], KEY), ValueError))


# ---------------------------------------------------------------- refused by the server

@pytest.fixture(scope="module")
def live(fault_server) -> Iterator[tuple[Colonies, Identity]]:
    """A client of the fault instance and an approved executor of a colony of its own."""
    with fault_server.client(timeout=30) as client:
        colony_key = Crypto().prvkey()
        colony = unique("bad")
        client.add_colony({"colonyid": Crypto().id(colony_key), "name": colony}, fault_server.server_prvkey)
        prvkey = Crypto().prvkey()
        executor = Identity(name=unique("exec"), prvkey=prvkey, colony=colony, type=unique("type"))
        client.add_executor({"executorname": executor.name, "executorid": Crypto().id(prvkey),
                             "colonyname": colony, "executortype": executor.type}, colony_key)
        client.approve_executor(colony, executor.name, colony_key)
        yield client, executor
        client.del_colony(colony, fault_server.server_prvkey)


def refused(call: Callable[[], Any]) -> ServerError:
    with pytest.raises(ServerError) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    ("call", "status", "text"),
    [
        (lambda c, e: c.get_process("abc", e.prvkey), 404, "process not found"),
        (lambda c, e: c.get_process("", e.prvkey), 404, "process not found"),
        (lambda c, e: c.get_process(None, e.prvkey), 404, "process not found"),
        (lambda c, e: c.get_process(123, e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.get_process(PID, Crypto().prvkey()), 404, "process not found"),
        (lambda c, e: c.list_processes(5, 10, 0, e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.list_processes(e.colony, "10", 0, e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.list_processes(e.colony, 10, 9, e.prvkey), 400, "invalid msg.State"),
        (lambda c, e: c.assign(e.colony, "1", e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.add_log(PID, 5, e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.close(PID, "not a list", e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.add_colony("x", e.prvkey), 400, "invalid JSON"),
        (lambda c, e: c.add_colony({"name": "x"}, e.prvkey), 403, "Access denied, not server owner"),
    ],
    ids=["pid-short", "pid-empty", "pid-None", "pid-int", "unknown-key", "colonyname-int", "count-str", "state-9",
         "timeout-str", "log-int", "out-str", "colony-str", "not-server-key"],
)
def test_wrong_values_the_client_cannot_judge_are_typed_server_errors(live, call, status, text):
    client, executor = live
    error = refused(lambda: call(client, executor))
    assert text in str(error)
    assert error.status in (status, 403, 500)  # the status is the server's choice; the class is ours


@pytest.mark.parametrize("process", [None, PID], ids=["None", "id-string"])
def test_wait_needs_a_process_object(live, process):
    """As upstream: ``wait`` takes the Process; anything else is an AttributeError (once the websocket is open)."""
    client, executor = live
    with pytest.raises(AttributeError, match="has no attribute 'spec'"):
        client.wait(process, 1, executor.prvkey)


def test_huge_payloads_round_trip(live):
    """8 MB in a log line and in an output: no client limit, the server stores and returns them whole."""
    client, executor = live
    big = "x" * (8 * 1024 * 1024)
    process = client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    assigned = client.assign(executor.colony, 5, executor.prvkey)
    assert assigned.processid == process.processid
    client.add_log(process.processid, big, executor.prvkey)
    client.close(process.processid, [big], executor.prvkey)
    assert client.get_process(process.processid, executor.prvkey).output == [big]
    logs = client.get_process_log(executor.colony, process.processid, 10, -1, executor.prvkey)
    assert [entry["message"] for entry in logs] == [big]
