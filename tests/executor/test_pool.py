"""The process pool of cpu_bound functions (executor_pool.CpuPool), with real pool processes."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from pycolonies_fast.executor.pool import CpuPool, PastDeadline, RemoteTraceback
from tests.support import tasks
from tests.support.timing import eventually


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def pid_in(path) -> int:
    eventually(lambda: path.exists() and path.read_text(), timeout=30)
    return int(path.read_text())


@pytest.fixture
def pool():
    pool = CpuPool(1)
    yield pool
    pool.shutdown()


def test_a_call_returns_the_result_or_raises_the_functions_error(pool):
    assert pool.call(tasks.square, [7], {}, None) == 49
    assert pool.call(tasks.whoami, [], {}, None) != os.getpid()
    with pytest.raises(ValueError, match="boom 3") as raised:
        pool.call(tasks.boom, [3], {}, None)
    assert isinstance(raised.value.__cause__, RemoteTraceback)  # the pool process's traceback, as text
    assert 'raise ValueError(f"boom {x}")' in str(raised.value.__cause__)


def test_a_dead_pool_process_fails_its_job_and_the_next_job_runs_on_a_fresh_pool(pool):
    first = pool.call(tasks.whoami, [], {}, None)
    with pytest.raises(BrokenProcessPool):
        pool.call(tasks.die, [], {}, None)
    assert pool.call(tasks.square, [4], {}, 10) == 16
    assert pool.call(tasks.whoami, [], {}, None) != first


def test_an_abandoned_job_has_its_process_killed_and_does_not_hold_up_the_next(pool, tmp_path):
    marker = tmp_path / "pid"
    with pytest.raises(PastDeadline):
        pool.call(tasks.sleep_telling_pid, [str(marker), 60], {}, 1.0)
    assert eventually(lambda: gone(pid_in(marker)), timeout=10)
    started = time.monotonic()
    assert pool.call(tasks.square, [5], {}, None) == 25
    assert time.monotonic() - started < 30  # the one pool process is not still sleeping


def test_a_retired_pool_keeps_running_the_jobs_still_waited_for(tmp_path):
    pool = CpuPool(2)
    try:
        waited, abandoned = tmp_path / "waited", tmp_path / "abandoned"
        results = []
        worker = threading.Thread(
            target=lambda: results.append(pool.call(tasks.sleep_telling_pid, [str(waited), 3], {}, None)))
        worker.start()
        pid_in(waited)
        with pytest.raises(PastDeadline):
            pool.call(tasks.sleep_telling_pid, [str(abandoned), 60], {}, 0.5)
        worker.join(30)
        assert results == [pid_in(waited)]  # finished in the retired pool
        assert eventually(lambda: gone(pid_in(abandoned)), timeout=10)  # killed once nothing waited
    finally:
        pool.shutdown()


def test_shutdown_kills_abandoned_jobs_and_refuses_new_ones(tmp_path):
    pool = CpuPool(2)
    marker = tmp_path / "pid"
    errors = []

    def wait_for_the_job():
        try:
            pool.call(tasks.sleep_telling_pid, [str(marker), 60], {}, None)
        except BrokenProcessPool as exc:
            errors.append(exc)

    worker = threading.Thread(target=wait_for_the_job, daemon=True)
    worker.start()
    pid = pid_in(marker)

    pool.shutdown()

    assert eventually(lambda: gone(pid), timeout=10)
    worker.join(10)
    assert not worker.is_alive() and len(errors) == 1  # its wait ended with the pool's end, it did not hang
    with pytest.raises(RuntimeError, match="shut down"):
        pool.call(tasks.square, [2], {}, None)


def test_a_job_waiting_for_a_process_is_not_held_up_by_an_abandoned_one(pool, tmp_path):
    marker, outcomes = tmp_path / "pid", []

    def abandon():
        try:
            pool.call(tasks.sleep_telling_pid, [str(marker), 60], {}, 2.0)
        except PastDeadline as exc:
            outcomes.append(exc)

    abandoned = threading.Thread(target=abandon)
    abandoned.start()
    pid = pid_in(marker)
    started = time.monotonic()
    assert pool.call(tasks.square, [7], {}, None) == 49  # waited for a free process, not inside the pool
    assert time.monotonic() - started < 30
    abandoned.join(10)
    assert len(outcomes) == 1 and eventually(lambda: gone(pid), timeout=10)


def test_pool_processes_ignore_ctrl_c(pool):
    assert pool.call(tasks.interrupt_self, [], {}, 10) == "survived"


def test_a_sigterm_to_a_pool_process_still_starting_leaves_its_job_running(pool):
    """A process-group SIGTERM can come before a new pool process reached its initializer."""
    results: list[object] = []
    caller = threading.Thread(target=lambda: results.append(pool.call(tasks.square, [7], {}, 60)))
    caller.start()
    signalled: set[int] = set()
    deadline = time.monotonic() + 30
    while caller.is_alive() and time.monotonic() < deadline:  # each process as soon as it exists
        current = pool._current
        for pid in (current.pool._processes or {}) if current is not None else ():
            if pid not in signalled:
                os.kill(pid, signal.SIGTERM)
                signalled.add(pid)
        time.sleep(0.001)
    caller.join(30)
    assert signalled and results == [49]


def test_errors_and_results_that_cannot_come_back_fail_only_their_own_job():
    pool = CpuPool(2)
    try:
        results = []
        beside = threading.Thread(target=lambda: results.append(pool.call(tasks.slow, [2], {}, None)))
        beside.start()
        time.sleep(0.5)
        with pytest.raises(RuntimeError, match="TwoArgError") as raised:
            pool.call(tasks.raise_two_arg_error, [], {}, None)
        assert "TwoArgError: 7: bad" in str(raised.value.__cause__)
        with pytest.raises(RuntimeError, match="cannot be read back from its pool process: this object cannot"):
            pool.call(tasks.unloadable_result, [], {}, None)
        beside.join(30)
        assert results == ["slept"]  # the job beside them was not failed with the pool
    finally:
        pool.shutdown()
