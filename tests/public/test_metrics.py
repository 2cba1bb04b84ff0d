"""The Prometheus exporter (pycolonies_fast/metrics.py) against the dev server: counters scraped over
HTTP equal RunStats on both runners, /healthz follows the run, registries never collide."""

from __future__ import annotations

import socket
import sys
import threading

import prometheus_client
import pytest
import urllib3
from prometheus_client.parser import text_string_to_metric_families

from pycolonies_fast.executor.core import SHUTDOWN_REASON
from pycolonies_fast.metrics import ExecutorMetrics, MetricsServer
from tests.support import tasks
from tests.support.events import stats_counts
from tests.support.executors import new_executor, submit
from tests.support.timing import eventually

http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=5, read=10), retries=False)


def scrape(server: MetricsServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    reply = http.request("GET", f"http://127.0.0.1:{server.port}/metrics")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(reply.data.decode()) for s in family.samples}


def total(samples: dict, name: str) -> float:
    """The sum of a metric's samples over all its labels."""
    return sum(value for (sample, _), value in samples.items() if sample == name)


def counters_as_stats(samples: dict) -> dict[str, int]:
    """The process counters under the names of the RunStats fields they count."""
    kinds = ("assigned", "closed", "failed", "lost", "unreported", "abandoned")
    counted = {kind: int(total(samples, f"colonies_executor_processes_{kind}_total")) for kind in kinds}
    counted["assign_errors"] = int(total(samples, "colonies_executor_assign_errors_total"))
    return counted


def healthz(server: MetricsServer, method: str = "GET") -> urllib3.BaseHTTPResponse:
    return http.request(method, f"http://127.0.0.1:{server.port}/healthz")


def test_scraped_counters_equal_run_stats(client, colony):
    executor = new_executor(client, colony, workers=2, functions={"double": tasks.double, "boom": tasks.boom})
    executor.register()
    with MetricsServer(ExecutorMetrics(executor), 0) as server:
        for i in range(5):
            submit(client, executor, "double", [i])
        submit(client, executor, "boom", [1])
        submit(client, executor, "submitters_choose_this_name", [])

        stats = executor.run(max_processes=7, max_seconds=30)
        samples = scrape(server)

    assert (stats.closed, stats.failed) == (5, 2)
    assert counters_as_stats(samples) == stats_counts(stats)
    of = (("executortype", executor.executortype), ("funcname", "double"))
    assert samples[("colonies_executor_processes_closed_total", of)] == 5
    assert samples[("colonies_executor_run_seconds_count", of)] == 5
    assert samples[("colonies_executor_report_seconds_count", of)] == 5
    assert samples[("colonies_executor_in_flight", of)] == 0
    unknown = (("executortype", executor.executortype), ("funcname", ""))  # no label value a submitter chose
    assert samples[("colonies_executor_processes_failed_total", unknown)] == 1
    assert not any("submitters_choose_this_name" in str(labels) for _, labels in samples)


def test_the_async_runner_is_counted_the_same(run, aclient, client, executor):
    from pycolonies_fast.aio.executor import AsyncExecutor
    from pycolonies_fast.funcspec import func_spec

    for i in range(4):
        client.submit_func_spec(func_spec("echo", [i], executor.colony, executor.type), executor.prvkey)

    async def echo(x):
        return x

    async def scenario():
        async with aclient() as c:
            runner = AsyncExecutor(c, executor.colony, executor.type, executorname=executor.name,
                                   prvkey=executor.prvkey, functions={"echo": echo}, concurrency=2)
            with MetricsServer(ExecutorMetrics(runner), 0) as server:
                stats = await runner.run(max_processes=4, max_seconds=30, handle_signals=False)
                return stats, scrape(server)

    stats, samples = run(scenario())
    assert stats.closed == 4 and counters_as_stats(samples) == stats_counts(stats)
    assert samples[("colonies_executor_processes_closed_total",
                    (("executortype", executor.type), ("funcname", "echo")))] == 4


def test_healthz_is_200_only_while_the_run_lives(client, colony):
    executor = new_executor(client, colony, functions={"slow": tasks.slow}, grace_period=5.0)
    executor.register()
    runner = threading.Thread(target=lambda: executor.run(max_seconds=30, handle_signals=False))
    with MetricsServer(ExecutorMetrics(executor), 0) as server:
        before = healthz(server)
        assert (before.status, before.data) == (503, b"the executor is not running\n")
        runner.start()
        try:
            assert eventually(lambda: healthz(server).status == 200, timeout=15)
            submit(client, executor, "slow", [2])
            busy = eventually(lambda: b"in flight" in healthz(server).data, timeout=15)
            assert busy and healthz(server).status == 200
            assert eventually(lambda: b"the last assign ended" in healthz(server).data, timeout=15)
            assert healthz(server, "HEAD").status == 200 and healthz(server, "POST").status == 405
            assert http.request("GET", f"http://127.0.0.1:{server.port}/other").status == 404
        finally:
            executor.stop()
            runner.join(30)
        assert healthz(server).status == 503
        assert executor.stats.closed == 1


def test_a_stale_runner_is_503(client, colony):
    """No assign ends within stale_after and nothing is in flight: dead (here at once: stale_after=-1)."""
    executor = new_executor(client, colony, functions={"square": tasks.square})
    executor.register()
    runner = threading.Thread(target=lambda: executor.run(max_seconds=30, handle_signals=False))
    with MetricsServer(ExecutorMetrics(executor, stale_after=-1), 0) as server:
        runner.start()
        try:
            assert eventually(lambda: executor.running, timeout=15)
            reply = healthz(server)
            assert reply.status == 503 and reply.data.startswith(b"no assign has ended for")
        finally:
            executor.stop()
            runner.join(30)


def test_a_process_failed_at_shutdown_leaves_the_in_flight_gauge(client, colony):
    executor = new_executor(client, colony, functions={"slow": tasks.slow}, grace_period=0.5)
    executor.register()
    metrics = ExecutorMetrics(executor)
    pid = submit(client, executor, "slow", [3])
    with MetricsServer(metrics, 0) as server:
        stats = executor.run(max_seconds=1)
        samples = scrape(server)
    assert stats.failed == 1 and counters_as_stats(samples) == stats_counts(stats)
    of = (("executortype", executor.executortype), ("funcname", "slow"))
    assert samples[("colonies_executor_in_flight", of)] == 0
    assert client.get_process(pid, executor._prvkey).errors == [SHUTDOWN_REASON]


def test_each_exporter_has_its_own_registry(client, colony):
    first, second = (new_executor(client, colony, functions={"square": tasks.square}) for _ in range(2))
    one, two = ExecutorMetrics(first), ExecutorMetrics(second)  # the same names twice: no collision
    assert one.registry is not two.registry
    assert prometheus_client.REGISTRY.get_sample_value("colonies_executor_in_flight") is None
    shared = prometheus_client.CollectorRegistry()
    ExecutorMetrics(first, registry=shared)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        ExecutorMetrics(second, registry=shared)  # one registry, one runner: Prometheus refuses a second


def test_a_port_in_use_is_an_oserror(client, colony):
    executor = new_executor(client, colony)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            MetricsServer(ExecutorMetrics(executor), taken.getsockname()[1])


def test_without_prometheus_client_the_extra_is_named(client, colony, monkeypatch):
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an import of a missing module sees
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'pycolonies-fast\[metrics\]'"):
        ExecutorMetrics(new_executor(client, colony))
