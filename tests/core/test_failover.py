"""The failover policy of several endpoints for one client (core/failover.py), offline."""

from __future__ import annotations

from pycolonies_fast.core.failover import Failover
from pycolonies_fast.errors import (
    ConnectError,
    ConnectTimeoutError,
    RequestTimeoutError,
    TransportError,
)

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
