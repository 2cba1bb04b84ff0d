"""RPC round trips against the real dev server: ours vs upstream pycolonies 1.0.25, one run.

Three calls: ``get_colony`` (tiny reply), ``list_executors`` (a colony with 8 executors) and
``submit_func_spec`` (a write that returns a parsed Process). pytest-benchmark measures wall
time per call; client CPU per call (``time.process_time``: our process only, the server's
work is not in it) is measured over a separate loop and stored as ``extra_info``.

Group ``transport`` shows why transport.py frames replies itself: the same signed get_colony body
POSTed through urllib3's ``urlopen``, through ``conn.request``/``getresponse``, and through ours
(llhttp through httptools, core/http.py), and through ours with h11 as the parser instead
(``ours-h11``, issue #19: the two established sans-IO parsers compared; h11 lives here only).
Group ``parser`` compares the two on the real server's get_colony reply alone, without the network.

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


def read_response_h11(
    recv: Callable[[int], bytes], timeout: float | None = None, settimeout: Any = None, max_body: int = 0
) -> tuple[int, bytes, bool]:
    """core/http.py's ``read_response`` with h11 as the parser (the success path only: a benchmark)."""
    import h11

    conn = h11.Connection(h11.CLIENT)  # h11 takes a reply without the request having gone through it
    status, body, keep_alive = 0, bytearray(), False
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(recv(65536))
        elif isinstance(event, h11.Response):
            status = event.status_code
            keep_alive = event.http_version == b"1.1" and not any(
                name == b"connection" and b"close" in value.lower() for name, value in event.headers)
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return status, bytes(body), keep_alive
        else:
            raise RuntimeError(f"unexpected {event!r}")


def post_urlopen(pool: HTTPConnectionPool, body: bytes) -> bytes:
    return pool.urlopen("POST", "/api", body=body, retries=False).data


def post_conn_request(pool: HTTPConnectionPool, body: bytes) -> bytes:
    conn = pool._get_conn()
    conn.request("POST", "/api", body=body)
    data = conn.getresponse().data
    pool._put_conn(conn)
    return data


@pytest.mark.benchmark(group="transport")
@pytest.mark.parametrize("path", ["urllib3-urlopen", "urllib3-conn-request", "ours", "ours-h11"])
def test_transport(benchmark, server, signed_get_colony, path, monkeypatch):
    if path.startswith("ours"):
        if path == "ours-h11":
            from pycolonies_fast.client import transport as transport_module

            monkeypatch.setattr(transport_module, "read_response", read_response_h11)
        fn = partial(post_ours, Transport(server.host, server.port), signed_get_colony)
    else:
        post = post_urlopen if path == "urllib3-urlopen" else post_conn_request
        fn = partial(post, HTTPConnectionPool(server.host, server.port, maxsize=16), signed_get_colony)
    assert b'"error":false' in benchmark.pedantic(fn, rounds=ROUNDS, iterations=1, warmup_rounds=10)
    benchmark.extra_info["side"] = path
    benchmark.extra_info["cpu_us_per_call"] = round(cpu_per_call(fn, CPU_CALLS["ours"]) * 1e6, 1)


@pytest.fixture(scope="module")
def get_colony_reply(server, signed_get_colony) -> bytes:
    """The server's whole reply (head and body) to a signed get_colony, as it came off the socket."""
    import socket

    request = Transport(server.host, server.port)._heads.post(signed_get_colony)
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + int(
                data.lower().split(b"content-length: ")[1].split(b"\r\n")[0]):
            data += sock.recv(65536)
    return data


@pytest.mark.benchmark(group="parser")
@pytest.mark.parametrize("parser", ["httptools", "h11"])
def test_parser(benchmark, get_colony_reply, parser):
    from pycolonies_fast.core.http import read_response

    read = read_response if parser == "httptools" else read_response_h11

    def parse() -> tuple[int, bytes, bool]:
        pieces = [get_colony_reply]
        return read(lambda size: pieces.pop() if pieces else b"")

    status, body, _ = benchmark.pedantic(parse, rounds=ROUNDS, iterations=50, warmup_rounds=10)
    assert status == 200 and b'"error":false' in body
    benchmark.extra_info["side"] = parser
    benchmark.extra_info["cpu_us_per_call"] = round(cpu_per_call(parse, 20000) * 1e6, 2)


def cpu_table(path: str) -> str:
    """Markdown table of wall medians and client CPU per call, ours vs upstream, per call."""
    import json

    with open(path, encoding="utf-8") as handle:
        benches = json.load(handle)["benchmarks"]
    rows = ["| call | wall ours | wall upstream | wall ratio | CPU ours | CPU upstream | CPU ratio |",
            "|---|---|---|---|---|---|---|"]
    for group in ("get_colony", "list_executors", "submit_func_spec"):
        by_side = {b["extra_info"]["side"]: b for b in benches if b["group"] == group}
        if not by_side:  # a run of some groups only (-k transport)
            continue
        ours, up = by_side["ours"], by_side["upstream"]
        wall_o, wall_u = ours["stats"]["median"] * 1e6, up["stats"]["median"] * 1e6
        cpu_o, cpu_u = ours["extra_info"]["cpu_us_per_call"], up["extra_info"]["cpu_us_per_call"]
        rows.append(f"| {group} | {wall_o:.0f} µs | {wall_u:.0f} µs | {wall_o / wall_u:.3f}× | "
                    f"{cpu_o:.0f} µs | {cpu_u:.0f} µs | {cpu_o / cpu_u:.3f}× |")
    for group, title in (("transport", "transport path (signed get_colony body)"),
                         ("parser", "reply parser (the server's get_colony reply, no network)")):
        timed = [bench for bench in benches if bench["group"] == group]
        if not timed:
            continue
        base = {"transport": "urllib3-urlopen", "parser": "httptools"}[group]
        base_cpu = next(b["extra_info"]["cpu_us_per_call"] for b in timed if b["extra_info"]["side"] == base)
        rows += ["", f"| {title} | wall | CPU | CPU ratio to {base} |", "|---|---|---|---|"]
        for bench in timed:
            cpu = bench["extra_info"]["cpu_us_per_call"]
            rows.append(f"| {bench['extra_info']['side']} | {bench['stats']['median'] * 1e6:.1f} µs | "
                        f"{cpu:.1f} µs | {cpu / base_cpu:.2f}× |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(cpu_table(sys.argv[1]))
