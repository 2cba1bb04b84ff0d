"""The failover policy of several endpoints for one client (core/failover.py), offline; and what it
logs, with a real client."""

from __future__ import annotations

import logging

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.failover import Failover
from pycolonies_fast.errors import (
    ConnectError,
    ConnectTimeoutError,
    RequestTimeoutError,
    TransportError,
)
from tests.support.servers import free_port

# ---- the policy ------------------------------------------------------------------------------------------------


def test_one_endpoint_retries_connect_failures_with_backoff():
    attempts = Failover(1, retries=2, backoff=0.1).attempts(idempotent=False, failed_at=0)
    error = ConnectError("refused")
    assert [attempts.retry_delay(error) for _ in range(3)] == [0.1, 0.2, None]


def test_connect_failures_move_on_at_once_then_back_off_per_round():
    failover = Failover(3, retries=1, backoff=0.5)
    attempts = failover.attempts(idempotent=False, failed_at=0)
    delays = []
    for _ in range(6):
        delays.append(attempts.retry_delay(ConnectTimeoutError("slow")))
        if delays[-1] is None:
            break
    assert delays == [0.0, 0.0, 0.5, 0.0, 0.0, None]


def test_success_makes_the_endpoint_current():
    failover = Failover(2)
    attempts = failover.attempts(idempotent=True, failed_at=0)
    assert attempts.retry_delay(ConnectError("refused")) == 0.0
    attempts.succeeded()
    assert failover.current == 1


def test_the_plan_starts_where_the_request_failed_not_at_the_current_endpoint():
    failover = Failover(2)
    failover.current = 1  # another thread failed over while this request was failing at endpoint 0
    attempts = failover.attempts(idempotent=False, failed_at=0)
    assert attempts.retry_delay(ConnectError("refused")) == 0.0 and attempts.endpoint == 1


def test_only_idempotent_calls_move_on_after_a_lost_reply():
    lost = TransportError("connection reset while reading the reply")
    assert Failover(2).attempts(idempotent=False, failed_at=0).retry_delay(lost) is None
    assert Failover(2).attempts(idempotent=True, failed_at=0).retry_delay(lost) == 0.0
    assert Failover(1).attempts(idempotent=True, failed_at=0).retry_delay(lost) is None  # the transport retried already
    assert Failover(2).attempts(idempotent=True, failed_at=0).retry_delay(RequestTimeoutError("slow")) is None


# ---- what it logs: a real client, a port where nothing listens, and the dev server ------------------------------


def test_a_failover_move_is_a_warning_and_the_request_that_got_through_an_info(dev_server, caplog):
    caplog.set_level(logging.DEBUG, logger="pycolonies_fast")
    host, port, dead = dev_server["COLONIES_SERVER_HOST"], dev_server["COLONIES_SERVER_PORT"], free_port()
    with Colonies.from_endpoints([("127.0.0.1", dead), (host, int(port))]) as client:
        assert client.version()["buildversion"] is not None
        assert client.host == host  # the endpoint that answered is the current one now
    moves = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "pycolonies_fast.core.failover"]
    assert [level for level, _ in moves] == ["WARNING", "INFO"]
    assert moves[0][1].startswith(f"request failed at 127.0.0.1:{dead} (ConnectError: ")
    assert moves[0][1].endswith(f"; failing over to {host}:{port}")
    assert moves[1][1] == f"request got through at {host}:{port} after a failure at 127.0.0.1:{dead}"
    [rpc] = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.client.base"]
    assert rpc.startswith(f"versionmsg to {host}:{port}: HTTP 200 in ")


def test_each_backoff_round_is_a_warning_with_its_delay(caplog):
    caplog.set_level(logging.DEBUG, logger="pycolonies_fast")
    dead = free_port()
    client = Colonies("127.0.0.1", dead, retries=2)
    with pytest.raises(ConnectError):
        client.version()
    rounds = [r for r in caplog.records if r.name == "pycolonies_fast.core.failover"]
    assert [r.levelname for r in rounds] == ["WARNING", "WARNING"]
    for record, delay in zip(rounds, ("0.10", "0.20"), strict=True):
        assert record.getMessage().endswith(f"this round: retrying at 127.0.0.1:{dead} in {delay} s")
    [failed] = [r.getMessage() for r in caplog.records if r.name == "pycolonies_fast.client.base"]
    assert failed.startswith(f"versionmsg to 127.0.0.1:{dead}: failed after ") and "(ConnectError: " in failed


def test_endpoints_are_named_host_port_in_logs_and_by_number_without_names():
    assert Failover(2, endpoints=[("::1", 50080), ("h", 1)]).label(0) == "[::1]:50080"
    assert Failover(2).label(1) == "endpoint #1"
