"""RPC round trips against the real dev server: ours vs upstream pycolonies 1.0.25, one run.

Three calls: ``get_colony`` (tiny reply), ``list_executors`` (a colony with 8 executors) and
``submit_func_spec`` (a write that returns a parsed Process). pytest-benchmark measures wall
time per call; client CPU per call (``time.process_time``: our process only, the server's
work is not in it) is measured over a separate loop and stored as ``extra_info``.

Group ``transport`` shows why transport.py frames replies itself: the same signed get_colony body
POSTed through urllib3's ``urlopen``, through ``conn.request``/``getresponse``, and through ours.

Run: .venv/bin/pytest bench/bench_rpc.py --benchmark-json=bench/results/rpc.json
then: .venv/bin/python bench/report.py bench/results/rpc.json
and:  .venv/bin/python bench/bench_rpc.py bench/results/rpc.json   (CPU table)
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from urllib3 import HTTPConnectionPool

from pycolonies_fast.client import Colonies
from pycolonies_fast.client.transport import Transport
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.funcspec import func_spec

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 200
CPU_CALLS = {"ours": 1000, "upstream": 150}


@pytest.fixture(scope="module")
def server() -> SimpleNamespace:
    """Start the dev server (idempotent) and return its address and well-known keys."""
    subprocess.run([str(REPO / "scripts" / "dev-server"), "start"], check=True, capture_output=True, timeout=1800)
    out = subprocess.run([str(REPO / "scripts" / "dev-server"), "env"], check=True, capture_output=True, text=True)
    env = dict(line[len("export "):].split("=", 1) for line in out.stdout.splitlines() if line.startswith("export "))
    return SimpleNamespace(host=env["COLONIES_SERVER_HOST"], port=int(env["COLONIES_SERVER_PORT"]),
                           server_key=env["COLONIES_SERVER_PRVKEY"])


@pytest.fixture(scope="module")
def setup(server):
    """A benchmark colony with 8 approved executors; processes go to a type nobody assigns."""
    client = Colonies(server.host, server.port)
    colony_key = Crypto().prvkey()
    colony = f"bench-{uuid.uuid4().hex[:8]}"
    client.add_colony({"colonyid": Crypto().id(colony_key), "name": colony}, server.server_key)
    keys = [Crypto().prvkey() for _ in range(8)]
    for i, key in enumerate(keys):
        name = f"bench-exec-{i}"
        client.add_executor({"executorname": name, "executorid": Crypto().id(key), "colonyname": colony,
                             "executortype": "bench"}, colony_key)
        client.approve_executor(colony, name, colony_key)
    yield SimpleNamespace(colony=colony, key=keys[0])
    client.remove_all_processes(colony, colony_key)
    client.del_colony(colony, server.server_key)
    client.close_connections()


@pytest.fixture(scope="module", params=["ours", "upstream"])
def side(request, server, setup) -> SimpleNamespace:
    """The client under test plus the matching func_spec (upstream needs its own models)."""
    if request.param == "ours":
        client, make_spec = Colonies(server.host, server.port), func_spec
    else:
        # pycolonies 1.0.25 from its own folder; imported here so script mode needs no package
        from . import upstream

        pycolonies = upstream.load("pycolonies")
        client, make_spec = pycolonies.Colonies(server.host, server.port), pycolonies.func_spec
    return SimpleNamespace(name=request.param, client=client, spec=make_spec("bench", ["x", 1], setup.colony, "bench"))


def cpu_per_call(fn: Callable[[], Any], calls: int) -> float:
    """Client CPU seconds per call, over ``calls`` calls."""
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def run(benchmark, side, fn: Callable[[], Any]) -> Any:
    result = benchmark.pedantic(fn, rounds=ROUNDS, iterations=1, warmup_rounds=10)
    benchmark.extra_info["side"] = side.name
    benchmark.extra_info["cpu_us_per_call"] = round(cpu_per_call(fn, CPU_CALLS[side.name]) * 1e6, 1)
    return result


@pytest.mark.benchmark(group="get_colony")
def test_get_colony(benchmark, side, setup):
    reply = run(benchmark, side, lambda: side.client.get_colony(setup.colony, setup.key))
    assert reply["name"] == setup.colony


@pytest.mark.benchmark(group="list_executors")
def test_list_executors(benchmark, side, setup):
    assert len(run(benchmark, side, lambda: side.client.list_executors(setup.colony, setup.key))) == 8


@pytest.mark.benchmark(group="submit_func_spec")
def test_submit_func_spec(benchmark, side, setup):
    assert run(benchmark, side, lambda: side.client.submit_func_spec(side.spec, setup.key)).state == 0


@pytest.fixture(scope="module")
def signed_get_colony(server, setup) -> bytes:
    from pycolonies_fast.core.codec import build_request

    return build_request({"msgtype": "getcolonymsg", "colonyname": setup.colony}, setup.key)


def post_ours(transport: Transport, body: bytes) -> bytes:
    return transport.post(body)[1]


def post_urlopen(pool: HTTPConnectionPool, body: bytes) -> bytes:
    return pool.urlopen("POST", "/api", body=body, retries=False).data


def post_conn_request(pool: HTTPConnectionPool, body: bytes) -> bytes:
    conn = pool._get_conn()
    conn.request("POST", "/api", body=body)
    data = conn.getresponse().data
    pool._put_conn(conn)
    return data


@pytest.mark.benchmark(group="transport")
@pytest.mark.parametrize("path", ["urllib3-urlopen", "urllib3-conn-request", "ours"])
def test_transport(benchmark, server, signed_get_colony, path):
    if path == "ours":
        fn = partial(post_ours, Transport(server.host, server.port), signed_get_colony)
    else:
        post = post_urlopen if path == "urllib3-urlopen" else post_conn_request
        fn = partial(post, HTTPConnectionPool(server.host, server.port, maxsize=16), signed_get_colony)
    assert b'"error":false' in benchmark.pedantic(fn, rounds=ROUNDS, iterations=1, warmup_rounds=10)
    benchmark.extra_info["side"] = path
    benchmark.extra_info["cpu_us_per_call"] = round(cpu_per_call(fn, CPU_CALLS["ours"]) * 1e6, 1)


def cpu_table(path: str) -> str:
    """Markdown table of wall medians and client CPU per call, ours vs upstream, per call."""
    import json

    with open(path, encoding="utf-8") as handle:
        benches = json.load(handle)["benchmarks"]
    rows = ["| call | wall ours | wall upstream | wall ratio | CPU ours | CPU upstream | CPU ratio |",
            "|---|---|---|---|---|---|---|"]
    for group in ("get_colony", "list_executors", "submit_func_spec"):
        by_side = {b["extra_info"]["side"]: b for b in benches if b["group"] == group}
        ours, up = by_side["ours"], by_side["upstream"]
        wall_o, wall_u = ours["stats"]["median"] * 1e6, up["stats"]["median"] * 1e6
        cpu_o, cpu_u = ours["extra_info"]["cpu_us_per_call"], up["extra_info"]["cpu_us_per_call"]
        rows.append(f"| {group} | {wall_o:.0f} µs | {wall_u:.0f} µs | {wall_o / wall_u:.3f}× | "
                    f"{cpu_o:.0f} µs | {cpu_u:.0f} µs | {cpu_o / cpu_u:.3f}× |")
    rows += ["", "| transport path (signed get_colony body) | wall | CPU |", "|---|---|---|"]
    for bench in benches:
        if bench["group"] == "transport":
            rows.append(f"| {bench['extra_info']['side']} | {bench['stats']['median'] * 1e6:.0f} µs | "
                        f"{bench['extra_info']['cpu_us_per_call']:.0f} µs |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(cpu_table(sys.argv[1]))
