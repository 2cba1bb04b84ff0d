"""The CLI's answers to bad options, settings, keys and servers: one line on stderr, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pycolonies_fast import cli
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from tests.support.identities import add_executor, unique
from tests.support.paths import REPO

APPROVED, UNREGISTERED = 1, 3  # executor states (colonies pkg/core/executor.go)
EXECUTOR = ["executor", "--module", "tests.support.tasks", "--type", "cli-errors", "--max-seconds", "5"]


def run_cli(args: list[str], env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: the package and tests.support.tasks import from any working folder.
    env = {**env, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pycolonies_fast", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def cli_env(dev_server, colony):
    return {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "argument --workers: must be at least 1, not 0"),
        (["--poll-timeout", "x"], "argument --poll-timeout: expected a number, not 'x'"),
        (["--grace", "-5"], "argument --grace: must be at least 0, not -5"),
        (["--max-processes", "0"], "argument --max-processes: must be at least 1, not 0"),
        (["--log-level", "bogus"], "argument --log-level: invalid choice: 'BOGUS'"),
        (["--available-cpu", "4"], "argument --available-cpu: cpu must be millicores such as '4000m', not '4'"),
        (["--available-memory", "lots"], "argument --available-memory: memory must be a whole number and a unit"),
    ],
)
def test_bad_options_are_usage_errors(cli_env, args, message):
    done = run_cli([*EXECUTOR, *args], cli_env)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_bench_worker_counts_are_checked():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "headline.py"), "--workers", "2,x"], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "expected positive integers separated by commas" in done.stderr


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("tasks.py", "--module takes an importable module path such as mypkg.tasks, not 'tasks.py'"),
        (".tasks", "--module takes an importable module path"),
        ("no.such.module", "--module no.such.module: no such module"),
    ],
)
def test_bad_modules_are_named(cli_env, module, message):
    done = run_cli(["executor", "--module", module, "--type", "t"], cli_env)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("COLONIES_FUNCTIONS = {'a': 5, 'b': len}", "badmod.COLONIES_FUNCTIONS: not callable: a"),
        ("COLONIES_FUNCTIONS = ['ab']", "badmod.COLONIES_FUNCTIONS must map names to functions, not be a list"),
        ("COLONIES_FUNCTIONS = {5: len, '': len}", "badmod.COLONIES_FUNCTIONS: names must be non-empty strings: '', 5"),
        ("async def fetch():\n    return 1",
         "badmod: function 'fetch' is async: run it with AsyncExecutor (Executor calls plain functions)"),
        ("def count():\n    yield 1",
         "badmod: function 'count' is a generator function: return a list (it becomes the output)"),
    ],
)
def test_function_mappings_are_checked(cli_env, tmp_path, source, message):
    (tmp_path / "badmod.py").write_text(source + "\n")
    done = run_cli(["executor", "--module", "badmod", "--type", "t"], cli_env, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.strip() == message, done.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"COLONIES_SERVER_PORT": "abc"}, "COLONIES_SERVER_PORT must be a port number, not 'abc'"),
        ({"COLONIES_SERVER_HOST": None}, "COLONIES_SERVER_HOST is not set"),
        ({"COLONIES_COLONY_PRVKEY": "zz"}, "COLONIES_COLONY_PRVKEY: private key must be 64 hex characters"),
    ],
)
def test_bad_settings_are_named(cli_env, change, message):
    env = {**cli_env, **{k: v for k, v in change.items() if v is not None}}
    for name in (k for k, v in change.items() if v is None):
        env.pop(name, None)
    done = run_cli(EXECUTOR, env)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_server_that_is_down_or_refuses_is_one_line(cli_env):
    down = run_cli(EXECUTOR, {**cli_env, "COLONIES_SERVER_HOST": "127.0.0.1", "COLONIES_SERVER_PORT": "1"})
    stranger = Crypto().prvkey()  # a well-formed key that owns no colony
    refused = run_cli(EXECUTOR, {**cli_env, "COLONIES_COLONY_PRVKEY": stranger})
    for done in (down, refused):
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        *logged, last = done.stderr.splitlines()
        assert last.startswith("cannot set up executor cli-errors-"), done.stderr
        # Before it, only the log's records of the retries (docs/logging.md), never a second error text.
        assert all(" pycolonies_fast.core.failover: request failed at " in line for line in logged), done.stderr
    assert len(refused.stderr.splitlines()) == 1  # refused: nothing was retried
    assert "127.0.0.1:1" in down.stderr and "refused" in down.stderr.lower()
    assert "not colony owner" in refused.stderr.lower() and stranger not in refused.stderr


def test_the_executor_it_registered_is_removed_at_exit_unless_kept(cli_env, client, colony):
    removed, kept = unique("gone"), unique("kept")
    for name, extra in ((removed, []), (kept, ["--keep-registered"])):
        done = run_cli([*EXECUTOR[:-2], "--name", name, "--max-seconds", "1", "--poll-timeout", "1", *extra], cli_env)
        assert done.returncode == 0, done.stderr
    member = add_executor(client, colony)
    states = {e["executorname"]: e["state"] for e in client.list_executors(colony.name, member.prvkey) or []}
    assert (states[kept], states[removed]) == (APPROVED, UNREGISTERED)  # the server keeps removed ones, marked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--process-pool", "2"], "--process-pool sizes the pool of --cpu-bound functions"),
        (["--cpu-bound", "nope"], "--cpu-bound nope: not among the functions of tests.support.tasks"),
    ],
)
def test_process_pool_options_are_checked(cli_env, args, message):
    done = run_cli([*EXECUTOR, *args], cli_env)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_a_cpu_bound_function_it_cannot_pool_is_one_line(cli_env, tmp_path):
    (tmp_path / "ctxmod.py").write_text("def withctx(ctx):\n    return 1\n")
    done = run_cli(["executor", "--module", "ctxmod", "--type", "t", "--cpu-bound", "withctx"], cli_env, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == "ctxmod: function 'withctx' runs in a process pool and cannot take a ctx parameter"


def test_an_executor_whose_set_up_failed_is_removed_again(cli_env, client, colony, monkeypatch):
    """Added and approved, then announcing a function was refused: the command removes what it added."""
    name = unique("half")

    def refuse(*args):
        raise ServerError("Failed to add function, refused for the test", 400)

    monkeypatch.setattr(Colonies, "add_function", refuse)
    for variable, value in cli_env.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=f"cannot set up executor {name} .*refused for the test"):
        cli.main([*EXECUTOR, "--name", name])
    member = add_executor(client, colony)
    states = {e["executorname"]: e["state"] for e in client.list_executors(colony.name, member.prvkey) or []}
    assert states[name] == UNREGISTERED
