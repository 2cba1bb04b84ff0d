"""Client CPU per signed get_colony POST: the blocking ``Transport`` next to urllib3's ``urlopen``.

Prints one line ``transport=<µs> urlopen=<µs> ratio=<x>`` for the pycolonies_fast the interpreter
imports, so that two checkouts (before and after a change) can be measured interleaved, each with
its own venv, against the same dev server:

    eval "$(scripts/dev-server env)"
    for i in 1 2 3; do OLD/.venv/bin/python bench/transport_cpu.py; NEW/.venv/bin/python bench/transport_cpu.py; done
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from urllib3 import HTTPConnectionPool

from pycolonies_fast.client.transport import Transport
from pycolonies_fast.core.codec import build_request

CALLS = 2000


def cpu_per_call(fn: Callable[[], object], calls: int = CALLS) -> float:
    """Client CPU µs per call over ``calls`` calls (after 100 to warm up)."""
    for _ in range(100):
        fn()
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * 1e6


def main() -> None:
    host, port = os.environ["COLONIES_SERVER_HOST"], int(os.environ["COLONIES_SERVER_PORT"])
    body = build_request({"msgtype": "getcolonymsg", "colonyname": os.environ["COLONIES_COLONY_NAME"]},
                         os.environ["COLONIES_PRVKEY"])
    transport = Transport(host, port)
    pool = HTTPConnectionPool(host, port, maxsize=4)
    ours = cpu_per_call(lambda: transport.post(body))
    urlopen = cpu_per_call(lambda: pool.urlopen("POST", "/api", body=body, retries=False).data)
    print(f"transport={ours:.1f} urlopen={urlopen:.1f} ratio={ours / urlopen:.3f}")


if __name__ == "__main__":
    main()
