"""``pycolonies-fast executor --metrics-port``: /metrics and /healthz of a real run, scraped while it runs."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import urllib3
from prometheus_client.parser import text_string_to_metric_families

from pycolonies_fast.funcspec import func_spec
from tests.support.identities import add_executor, unique
from tests.support.paths import REPO
from tests.support.timing import eventually

N = 20
http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=10), retries=False)


@pytest.fixture
def cli_env(dev_server, colony):
    # PYTHONPATH: the package and tests.support.tasks import from any working folder.
    return {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey,
            "PYTHONPATH": str(REPO)}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:  # a file, not a pipe: a long run cannot fill it and block
        return subprocess.Popen([sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
                                 *args], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=sink)


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice for port 0, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metrics_url(log: Path) -> str | None:
    """The URL the command logged it serves metrics on."""
    found = re.search(r"metrics on (http://\S+/metrics)", log.read_text())
    return found.group(1) if found else None


def counters(url: str, executortype: str) -> dict[str, int]:
    """The counters of /metrics for ``executortype``, under the names of the RunStats fields they count."""
    reply = http.request("GET", url)
    assert reply.status == 200
    totals: dict[str, int] = {}
    for family in text_string_to_metric_families(reply.data.decode()):
        for sample in family.samples:
            name = sample.name.removeprefix("colonies_executor_processes_").removeprefix("colonies_executor_")
            if sample.name.endswith("_total") and sample.labels.get("executortype") == executortype:
                totals[name.removesuffix("_total")] = totals.get(name.removesuffix("_total"), 0) + int(sample.value)
    return totals


def closed_and_assigned(url: str, executortype: str) -> tuple[int, int]:
    found = counters(url, executortype)
    return found.get("closed", 0), found.get("assigned", 0)


def test_metrics_count_a_real_run_and_healthz_answers(cli_env, client, colony, tmp_path):
    executortype, log, port = unique("metrics"), tmp_path / "executor.log", free_port()
    command = start(["--type", executortype, "--workers", "2", "--poll-timeout", "1", "--max-seconds", "120",
                     "--metrics-port", str(port)], cli_env, log)
    try:
        url = eventually(lambda: metrics_url(log), timeout=30)
        assert url == f"http://127.0.0.1:{port}/metrics", log.read_text()
        healthz = url.replace("/metrics", "/healthz")
        assert eventually(lambda: http.request("GET", healthz).status == 200, timeout=30), log.read_text()
        submitter = add_executor(client, colony)
        for i in range(N):
            client.submit_func_spec(func_spec("square", [i], colony.name, executortype), submitter.prvkey)
        during = closed_and_assigned(url, executortype)  # scraped while the run goes on
        assert 0 <= during[0] <= during[1] <= N
        assert eventually(lambda: closed_and_assigned(url, executortype) == (N, N), timeout=60), log.read_text()
        reply = http.request("GET", healthz)
        assert reply.status == 200, reply.data
        scraped = counters(url, executortype)
    finally:
        command.send_signal(signal.SIGTERM)
        command.wait(60)
    text = log.read_text()
    assert command.returncode == 0, text
    final = text[text.index("stopped: RunStats("):].splitlines()[0]
    stats = {field: int(value) for field, value in re.findall(r"(\w+)=(\d+)[,)]", final)}  # the counts, not elapsed
    assert (stats["assigned"], stats["closed"], stats["failed"]) == (N, N, 0)
    assert {field: scraped.get(field, 0) for field in stats} == stats  # every counter is what RunStats says


def test_a_taken_metrics_port_is_one_line(cli_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
                               "--type", "t", "--metrics-port", str(port)], cwd=REPO, env=cli_env,
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == f"--metrics-port {port}: cannot listen on 127.0.0.1: Address already in use"


def test_an_address_not_of_this_machine_is_one_line(cli_env):
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
                           "--type", "t", "--metrics-port", "0", "--metrics-host", "192.0.2.1"], cwd=REPO,
                          env=cli_env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == "--metrics-port 0: cannot listen on 192.0.2.1: Cannot assign requested address"


@pytest.mark.parametrize(("value", "message"), [("70000", "must be a port number up to 65535, not 70000"),
                                                 ("-1", "must be at least 0, not -1"), ("x", "expected a number")])
def test_bad_metrics_ports_are_usage_errors(cli_env, value, message):
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
                           "--type", "t", "--metrics-port", value], cwd=REPO, env=cli_env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and f"argument --metrics-port: {message}" in done.stderr, done.stderr


def test_the_metrics_server_is_closed_when_the_command_ends(cli_env, tmp_path):
    log = tmp_path / "executor.log"
    command = start(["--type", unique("short"), "--poll-timeout", "1", "--max-seconds", "2", "--metrics-port", "0"],
                    cli_env, log)
    assert command.wait(60) == 0, log.read_text()
    url = metrics_url(log)
    assert url is not None
    with pytest.raises(urllib3.exceptions.HTTPError):  # nothing listens there any more
        http.request("GET", url)
