"""Functions that fail in hostile ways, and reports the server refuses: every process still ends
(FAILED with a reason) and the run goes on. Against the real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from pycolonies_fast.executor import Executor
from pycolonies_fast.executor.dispatch import Outcome, failure_from
from pycolonies_fast.executor.failures import MAX_ERROR_CHARS, SHORT_REPORT_CHARS
from pycolonies_fast.executor.report import Reporter
from tests.support.executors import new_executor, submit
from tests.support.identities import unique
from tests.support.timing import eventually

REPO = Path(__file__).resolve().parents[2]


class Unsayable(Exception):
    """An exception whose ``str()`` ends the interpreter, if nobody contains it."""

    def __str__(self) -> str:
        raise SystemExit("str() of this error exits")


def test_a_huge_error_message_is_capped_in_the_report():
    try:
        raise ValueError("x" * 40_000_000)
    except ValueError as exc:
        outcome = failure_from(exc)
    assert len(outcome.errors) == 2
    assert all(len(error) <= MAX_ERROR_CHARS for error in outcome.errors)
    assert outcome.errors[0].startswith("ValueError: xxx") and "characters cut" in outcome.errors[0]
    assert all(len(error) <= MAX_ERROR_CHARS for error in Outcome.failure("y" * 10_000_000).errors)


def test_an_error_whose_str_raises_systemexit_fails_its_process_and_the_run_goes_on(client, colony):
    executor = new_executor(client, colony)

    @executor.function
    def unsayable():
        raise Unsayable()

    @executor.function
    def fine(x):
        return x + 1

    executor.register()
    hostile = submit(client, executor, "unsayable", [])
    after = submit(client, executor, "fine", [1])
    stats = executor.run(max_processes=2, max_seconds=30, handle_signals=False)
    assert (stats.closed, stats.failed) == (1, 1)
    failed = client.get_process(hostile, executor._prvkey)
    assert failed.state == Colonies.FAILED and failed.errors[0] == "Unsayable: <its str() failed>"
    assert "Traceback" in failed.errors[1]
    assert client.get_process(after, executor._prvkey).output == [2]


class SizeLimited:
    """A client whose ``fail`` is refused when its errors are longer than ``limit`` characters, as a
    server or a proxy with a request size limit does; everything else goes to the real client."""

    def __init__(self, client: Colonies, limit: int) -> None:
        self.client, self.limit, self.refused = client, limit, 0

    def fail(self, processid, errors, prvkey):  # noqa: ANN001 - the client's signature
        if sum(len(error) for error in errors) > self.limit:
            self.refused += 1
            raise ServerError("request too large", 413)
        return self.client.fail(processid, errors, prvkey)

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.client, name)


def test_a_failure_report_refused_for_its_size_is_sent_again_at_once_in_short(client, colony):
    executor = new_executor(client, colony)
    executor.register()
    pid = submit(client, executor, "anything", [])
    assigned = client.assign(colony.name, 5, executor._prvkey)
    assert assigned.processid == pid
    limited = SizeLimited(client, limit=4 * SHORT_REPORT_CHARS)
    reporter = Reporter(limited, executor.executorid, executor._prvkey, timeout=60)
    try:
        raise ValueError("z" * 1_000_000)
    except ValueError as exc:
        outcome = failure_from(exc)
    start = time.monotonic()
    assert reporter.report(pid, outcome) == "failed"
    assert time.monotonic() - start < 2 and limited.refused == 1
    process = client.get_process(pid, executor._prvkey)
    assert process.state == Colonies.FAILED
    assert process.errors[0].startswith("ValueError: zzz") and "was refused: request too large" in process.errors[1]


def test_a_process_group_sigterm_leaves_cpu_bound_work_its_grace_period(client, colony, dev_server):
    etype, name = unique("type"), unique("cli")
    env = {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}
    key = Crypto().prvkey()  # a second executor of the same type, only to submit and look
    Executor(client, colony.name, etype, prvkey=key, colony_prvkey=colony.prvkey).register()
    submitter = SimpleNamespace(colonyname=colony.name, executortype=etype, _prvkey=key)
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
               "--type", etype, "--name", name, "--cpu-bound", "slow", "--process-pool", "1",
               "--grace", "20", "--poll-timeout", "1", "--max-seconds", "90"]
    # A session of its own: the signal goes to the CLI and to every process it started, as systemd's
    # KillMode=control-group and `kill -- -PGID` send it.
    child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        pid = submit(client, submitter, "slow", [4])
        running = eventually(lambda: client.get_process(pid, key).state == Colonies.RUNNING, timeout=30)
        assert running, "the slow process never ran"
        time.sleep(1.0)  # inside the function, in its pool process
        os.killpg(child.pid, signal.SIGTERM)
        output, _ = child.communicate(timeout=45)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            print(child.communicate()[0])
    assert child.returncode == 0, output
    process = client.get_process(pid, key)
    assert process.state == Colonies.SUCCESSFUL and process.output == ["slept"], (process.errors, output)
