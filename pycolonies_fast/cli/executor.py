"""``pycolonies-fast executor``: run an executor whose functions come from a Python module.

    pycolonies-fast executor --module mypkg.tasks --type mytype --workers 4
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
import os
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pycolonies_fast.cli.arguments import LOG_LEVELS, at_least, check_key, client_from_environment

if TYPE_CHECKING:
    from pycolonies_fast.metrics import MetricsServer

__all__ = ["HELP", "add_arguments", "module_functions", "run"]

HELP = """\
Run an executor whose functions come from a Python module: every public function defined in the
module (or the mapping COLONIES_FUNCTIONS = {"name": callable} if the module has one), limited by
--function. By default a new executor is registered and approved with COLONIES_COLONY_PRVKEY
(name: --name or <type>-<random>); --existing uses the approved executor COLONIES_EXECUTOR_NAME /
COLONIES_PRVKEY instead. A function that declares a `ctx` parameter receives a ProcessContext
(ctx.process, ctx.log("text")). SIGINT/SIGTERM stop it gracefully: in-flight processes get --grace
seconds, then are failed; a second signal fails them at once. An executor this command registered
is removed from the colony when it stops (--keep-registered leaves it). --metrics-port serves
Prometheus metrics on /metrics and a liveness answer on /healthz (needs pycolonies-fast[metrics])."""


def module_functions(module: ModuleType, names: list[str] | None = None) -> dict[str, Callable[..., Any]]:
    """The functions a module exposes: its ``COLONIES_FUNCTIONS`` mapping, or its public functions."""
    exposed = getattr(module, "COLONIES_FUNCTIONS", None)
    if exposed is None:
        exposed = {
            name: fn for name, fn in vars(module).items()
            if inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == module.__name__
        }
    elif not isinstance(exposed, Mapping):
        raise SystemExit(f"{module.__name__}.COLONIES_FUNCTIONS must map names to functions, "
                         f"not be a {type(exposed).__name__}")
    functions = dict(exposed)
    bad_names = sorted(repr(name) for name in functions if not isinstance(name, str) or not name)
    if bad_names:
        raise SystemExit(f"{module.__name__}.COLONIES_FUNCTIONS: names must be non-empty strings: "
                         f"{', '.join(bad_names)}")
    not_callable = sorted(str(name) for name, fn in functions.items() if not callable(fn))
    if not_callable:
        raise SystemExit(f"{module.__name__}.COLONIES_FUNCTIONS: not callable: {', '.join(not_callable)}")
    if names:
        missing = sorted(set(names) - set(functions))
        if missing:
            raise SystemExit(f"module {module.__name__} has no function {', '.join(missing)}")
        functions = {name: functions[name] for name in names}
    if not functions:
        raise SystemExit(f"module {module.__name__} exposes no functions")
    return functions


def _resource(kind: str) -> Callable[[str], str]:
    """An argparse type: an ``available_cpu``/``available_memory`` value the server reads right."""
    def parse(text: str) -> str:
        from pycolonies_fast.executor.options import check_resources  # here: --help stays quick

        try:
            if kind == "cpu":
                check_resources(text, None)
            else:
                check_resources(None, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc).replace("available_", "")) from None
        return text
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``executor``."""
    parser.add_argument("--module", required=True, help="importable module path, e.g. mypkg.tasks")
    parser.add_argument("--function", action="append", metavar="NAME", help="expose only this function (repeatable)")
    parser.add_argument("--type", dest="executortype", help="executor type (required unless --existing)")
    parser.add_argument("--name", help="executor name when registering (default <type>-<random>); on a server "
                        "that allows re-registering, an executor of that name is replaced, and removed at the end")
    parser.add_argument("--existing", action="store_true",
                        help="use COLONIES_EXECUTOR_NAME/COLONIES_PRVKEY, do not register")
    parser.add_argument("--keep-registered", action="store_true",
                        help="do not remove the executor this command registered when it stops")
    parser.add_argument("--workers", type=at_least(1, int), default=1, help="concurrent worker threads (default 1)")
    parser.add_argument("--poll-timeout", type=at_least(1, int), default=2,
                        help="seconds each assign long-polls (default 2)")
    parser.add_argument("--grace", type=at_least(0, float), default=10.0,
                        help="seconds in-flight processes get at shutdown (default 10)")
    parser.add_argument("--cpu-bound", action="append", metavar="NAME", default=[],
                        help="run this function in a process pool (repeatable; module-level functions only)")
    parser.add_argument("--process-pool", type=at_least(0, int), default=0,
                        help="processes of the pool for --cpu-bound functions (default: CPUs)")
    parser.add_argument("--available-cpu", metavar="CPU", type=_resource("cpu"),
                        help="take only processes asking for at most this much CPU, in millicores, e.g. 4000m")
    parser.add_argument("--available-memory", metavar="MEM", type=_resource("memory"),
                        help="take only processes asking for at most this much memory, e.g. 8Gi")
    parser.add_argument("--max-processes", type=at_least(1, int), help="stop after taking this many processes")
    parser.add_argument("--max-seconds", type=at_least(0, float), help="stop after this many seconds")
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, default="INFO",
                        help="logging level (default INFO)")
    parser.add_argument("--metrics-port", type=_port, metavar="PORT",
                        help="serve Prometheus metrics on /metrics and liveness on /healthz (0: a free port)")
    parser.add_argument("--metrics-host", default="127.0.0.1", metavar="HOST",
                        help="address the metrics server listens on (default 127.0.0.1; 0.0.0.0: every interface)")


def run(args: argparse.Namespace) -> int:
    """Run the ``executor`` subcommand; returns the exit status."""
    from pycolonies_fast.errors import ColoniesConnectionError
    from pycolonies_fast.executor import Executor

    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("pycolonies_fast.executor")
    functions = module_functions(_import_module(args.module), args.function)
    if args.process_pool and not args.cpu_bound:
        raise SystemExit("--process-pool sizes the pool of --cpu-bound functions: name them with --cpu-bound NAME")
    unknown = sorted(set(args.cpu_bound) - set(functions))
    if unknown:
        raise SystemExit(f"--cpu-bound {', '.join(unknown)}: not among the functions of {args.module} "
                         f"({', '.join(sorted(functions))})")
    client, colonyname, colony_prvkey, executorname, prvkey = client_from_environment()
    if args.existing:
        if executorname is None or prvkey is None:
            raise SystemExit("--existing needs COLONIES_EXECUTOR_NAME and COLONIES_PRVKEY")
        check_key("COLONIES_PRVKEY", prvkey)
        identity: dict[str, Any] = {"executorname": executorname, "prvkey": prvkey}
    else:
        if colony_prvkey is None or args.executortype is None:
            raise SystemExit("registering an executor needs --type and COLONIES_COLONY_PRVKEY (or use --existing)")
        check_key("COLONIES_COLONY_PRVKEY", colony_prvkey)
        identity = {"executorname": args.name, "colony_prvkey": colony_prvkey}
    try:  # a function this runner cannot run (async, a generator, ctx in the pool): named in one line
        executor = Executor(
            client, colonyname, args.executortype, functions=functions, workers=args.workers,
            poll_timeout=args.poll_timeout, grace_period=args.grace, process_pool=args.process_pool,
            available_cpu=args.available_cpu, available_memory=args.available_memory, **identity,
        )
        for name in args.cpu_bound:
            executor.function(name, cpu_bound=True)(functions[name])
    except ValueError as exc:
        raise SystemExit(f"{args.module}: {exc}") from None
    metrics_server = None if args.metrics_port is None else _serve_metrics(executor, args.metrics_port,
                                                                           args.metrics_host)
    try:
        try:
            executor.register()
        except ColoniesConnectionError as exc:
            raise SystemExit(f"cannot set up executor {executor.executorname} on {client.url}: {exc}") from None
        log.info("%r running functions %s", executor, ", ".join(sorted(functions)))
        stats = executor.run(max_processes=args.max_processes, max_seconds=args.max_seconds)
        log.info("stopped: %s", stats)
    finally:  # also when the set-up failed after the executor was added
        if metrics_server is not None:
            metrics_server.close()
        remover_key = None if args.existing or args.keep_registered or not executor.added else colony_prvkey
        if remover_key is not None:
            try:
                client.remove_executor(colonyname, executor.executorname, remover_key)
                log.info("removed executor %s", executor.executorname)
            except ColoniesConnectionError as exc:
                log.warning("could not remove executor %s: %s", executor.executorname, exc)
    return 0


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    port = at_least(0, int)(text)
    if port > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number up to 65535, not {text}")
    return int(port)


def _serve_metrics(executor: Any, port: int, host: str) -> MetricsServer:
    """``--metrics-port``: the runner's metrics and liveness served from a thread (a ``MetricsServer``)."""
    from pycolonies_fast.metrics import ExecutorMetrics, MetricsServer  # here: only this option needs it

    try:
        server = MetricsServer(ExecutorMetrics(executor), port, host)
    except ModuleNotFoundError as exc:
        raise SystemExit(f"--metrics-port: {exc}") from None
    except OSError as exc:  # the port is taken, the address is not ours or not an address
        raise SystemExit(f"--metrics-port {port}: cannot listen on {host}: {exc.strerror or exc}") from None
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("pycolonies_fast.metrics").info(
        "metrics on http://%s:%d/metrics, liveness on /healthz", shown, server.port)
    return server


def _import_module(name: str) -> ModuleType:
    """``--module``: imported as ``python -m`` would find it (the current folder first)."""
    if name.startswith(".") or name.endswith(".py") or os.sep in name:
        raise SystemExit(f"--module takes an importable module path such as mypkg.tasks, not {name!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            raise SystemExit(f"--module {name}: no such module ({exc})") from None
        raise  # the module itself imports something missing: its traceback says where
