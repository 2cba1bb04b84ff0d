"""One phase of the benchmark with upstream pycolonies, run as a script by upstream's own venv.

``python -I upstream_loop.py HOST PORT TLS COLONY TYPE PHASE N OUTPUT``, the executor's private key in
``$UPSTREAM_PRVKEY`` (not on the command line, where ps would show it). Prints one JSON object:
wall seconds, this process's CPU seconds and how many processes were done, like the Go reference.
This file imports nothing of pycolonies_fast: upstream's venv does not have it.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from typing import Any


def main(argv: list[str]) -> int:
    """Run the ``submit`` or ``cycles`` phase of N processes with upstream's sequential loop."""
    host, port, tls, colony, executor_type, phase, count, output = argv
    n, with_output = int(count), output == "true"
    key = os.environ["UPSTREAM_PRVKEY"]
    pycolonies: Any = importlib.import_module("pycolonies")
    client = pycolonies.Colonies(host, int(port), tls == "true")
    cpu, start = time.process_time(), time.perf_counter()
    done = 0
    for i in range(n):
        if phase == "submit":
            client.submit_func_spec(pycolonies.func_spec("echo", [i], colony, executor_type), key)
        else:
            process = client.assign(colony, 10, key)
            client.close(process.processid, (process.input or process.spec.args) if with_output else [], key)
        done += 1
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": wall, "cpu_seconds": cpu, "done": done}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
