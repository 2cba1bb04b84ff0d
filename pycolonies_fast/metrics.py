"""Prometheus metrics and a liveness answer for a runner (``pip install 'pycolonies-fast[metrics]'``).

    from pycolonies_fast.metrics import ExecutorMetrics, MetricsServer

    metrics = ExecutorMetrics(executor)  # an Executor or AsyncExecutor: it registers a hook on it
    with MetricsServer(metrics, 9100):   # http://127.0.0.1:9100/metrics and /healthz
        executor.run()

``ExecutorMetrics`` counts the runner's events (executor/hooks.py) on a ``CollectorRegistry`` of its
own, so two runners in one process never share a metric: over a run each process counter equals
the ``RunStats`` field of the same name. ``MetricsServer`` serves them, and ``/healthz``, from a
thread: prometheus_client's WSGI app on the standard library's WSGI server (wsgiref), which parses
the requests. prometheus_client is imported when an ``ExecutorMetrics`` is made, not before.

Liveness (``/healthz``): 200 while the runner is running and either a process is in flight or an
assign attempt ended (with a process, "nothing to do" or an error) within ``stale_after`` seconds;
503 otherwise, also before the run has started and after it ended. By default ``stale_after`` is
twice the longest an assign may take: its long poll plus the client's read timeout (60 s for a
client without one), so only a runner whose assigns stopped coming back is reported dead.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterable
from types import ModuleType, TracebackType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from pycolonies_fast.core.connection import DEFAULT_READ_TIMEOUT
from pycolonies_fast.executor.core import RunnerCore
from pycolonies_fast.executor.hooks import PROCESS_END_KINDS, RunnerEvent

__all__ = ["METRIC_PREFIX", "ExecutorMetrics", "MetricsServer"]

log = logging.getLogger("pycolonies_fast.metrics")

#: Every metric's name starts with it.
METRIC_PREFIX = "colonies_executor"
#: Seconds a function ran: from milliseconds to an hour.
RUN_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
#: Seconds a close/fail took, retries included: a round trip, up to a server that is restarting.
REPORT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 120.0)
#: Seconds a request to the metrics server may take to arrive, so an idle connection ends.
REQUEST_TIMEOUT_S = 10.0

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _prometheus() -> ModuleType:
    """prometheus_client, or a ModuleNotFoundError that names the extra that installs it."""
    try:
        import prometheus_client
    except ImportError as exc:
        raise ModuleNotFoundError("executor metrics need prometheus_client: pip install 'pycolonies-fast[metrics]'",
                                  name="prometheus_client") from exc
    return prometheus_client


class ExecutorMetrics:
    """The Prometheus metrics of one runner, fed by a hook it registers on it, and its liveness.

    Process counters ``colonies_executor_processes_<kind>_total`` for assigned, closed, failed,
    lost, unreported and abandoned, histograms ``colonies_executor_run_seconds`` and
    ``colonies_executor_report_seconds`` and the gauge ``colonies_executor_in_flight``, labelled by
    ``executortype`` and ``funcname``; ``colonies_executor_assign_errors_total`` by ``executortype``.
    A process whose function the runner does not have (or an orphan failed at exit) has
    ``funcname=""``: names submitters choose never become label values.
    """

    def __init__(self, runner: RunnerCore, *, registry: Any = None, stale_after: float | None = None) -> None:
        """``registry``: a ``prometheus_client.CollectorRegistry`` (default: a new one, ``self.registry``)."""
        prometheus = _prometheus()
        self.runner = runner
        self.registry = registry if registry is not None else prometheus.CollectorRegistry(auto_describe=True)
        if stale_after is None:
            read_timeout = getattr(runner.client, "timeout", None) or DEFAULT_READ_TIMEOUT
            stale_after = 2.0 * (runner.poll_timeout + read_timeout)
        self.stale_after = stale_after
        labels = ("executortype", "funcname")
        self._processes = {
            kind: prometheus.Counter(f"{METRIC_PREFIX}_processes_{kind}", f"Processes {kind} (RunStats.{kind})",
                                     labels, registry=self.registry)
            for kind in ("assigned", *PROCESS_END_KINDS)
        }
        self._assign_errors = prometheus.Counter(
            f"{METRIC_PREFIX}_assign_errors", "Assign calls that failed (RunStats.assign_errors)",
            ("executortype",), registry=self.registry)
        self._run_seconds = prometheus.Histogram(
            f"{METRIC_PREFIX}_run_seconds", "Seconds from a process's assignment to the end of its function",
            labels, buckets=RUN_BUCKETS, registry=self.registry)
        self._report_seconds = prometheus.Histogram(
            f"{METRIC_PREFIX}_report_seconds", "Seconds a process's close or fail took, retries included",
            labels, buckets=REPORT_BUCKETS, registry=self.registry)
        self._in_flight = prometheus.Gauge(
            f"{METRIC_PREFIX}_in_flight", "Processes assigned and not yet ended", labels, registry=self.registry)
        self._assigned_ids: set[str] = set()  # in flight by our count: only these leave the gauge
        self._metrics_app: WsgiApp = prometheus.make_wsgi_app(self.registry)
        runner.add_hook(self.observe)

    def __repr__(self) -> str:
        return f"ExecutorMetrics(runner={self.runner!r}, stale_after={self.stale_after:g})"

    def observe(self, event: RunnerEvent) -> None:
        """Count one event (the hook this object registers on its runner)."""
        executortype = event.executortype or ""
        if event.kind == "assign_error":
            self._assign_errors.labels(executortype).inc()
            return
        funcname = event.funcname if event.funcname in self.runner.functions else ""
        self._processes[event.kind].labels(executortype, funcname).inc()
        if event.processid is None:
            return
        if event.kind == "assigned":
            self._assigned_ids.add(event.processid)
            self._in_flight.labels(executortype, funcname).inc()
            return
        try:
            self._assigned_ids.remove(event.processid)
        except KeyError:  # never counted in flight (an orphan, or assigned before this hook)
            pass
        else:
            self._in_flight.labels(executortype, funcname).dec()
        if event.run_s is not None:
            self._run_seconds.labels(executortype, funcname).observe(event.run_s)
        if event.report_s is not None:
            self._report_seconds.labels(executortype, funcname).observe(event.report_s)

    def health(self) -> tuple[bool, str]:
        """Whether the runner is alive (the module docstring's rule), and why."""
        return self.runner.liveness(self.stale_after)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """``/metrics`` (prometheus_client's app: formats, compression) and ``/healthz``; 404 elsewhere."""
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return self._metrics_app(environ, start_response)
        if path != "/healthz":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"not found: the paths are /metrics and /healthz\n"]
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD")])
            return [b""]
        alive, reason = self.health()
        start_response("200 OK" if alive else "503 Service Unavailable",
                       [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [f"{reason}\n".encode()]


class _RequestHandler(WSGIRequestHandler):
    """wsgiref's handler; requests are logged at DEBUG (not on stderr), an idle connection times out."""

    timeout = REQUEST_TIMEOUT_S

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("metrics server: %s - %s", self.address_string(), format % args)


class MetricsServer:
    """Serves an ``ExecutorMetrics``'s ``/metrics`` and ``/healthz`` on ``host``:``port`` from a daemon
    thread until ``close()`` (or the end of ``with``). ``port`` 0 takes a free one (``self.port``).
    Binds 127.0.0.1 by default: pass ``host="0.0.0.0"`` (or ``"::"``) for other machines to scrape.
    An address that cannot be bound raises ``OSError`` here."""

    def __init__(self, metrics: ExecutorMetrics, port: int, host: str = "127.0.0.1") -> None:
        from prometheus_client.exposition import ThreadingWSGIServer  # thread per request, daemon threads

        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]

        class Server(ThreadingWSGIServer):
            address_family = family

            def handle_error(self, request: Any, client_address: Any) -> None:  # a client that went away
                log.debug("metrics server: request from %s failed", client_address, exc_info=True)

        self.metrics = metrics
        self.host = host
        self._server = make_server(host, port, metrics.wsgi_app, server_class=Server, handler_class=_RequestHandler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.5},
                                        name="colonies-metrics", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"MetricsServer(host={self.host!r}, port={self.port})"

    def close(self) -> None:
        """Stop serving and release the port (waits at most a few seconds for the serving thread)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5.0)

    def __enter__(self) -> MetricsServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
