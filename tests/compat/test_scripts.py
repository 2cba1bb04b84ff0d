"""Acceptance: unchanged upstream-style scripts (tests/compat/scripts) run through compat's aliases.

Each script imports only upstream's module names (`pycolonies`, `crypto`, `model`,
`colonies_monad`) and reads the server from the environment like upstream's examples; it runs in
its own interpreter via `python -m pycolonies_fast.compat SCRIPT` against the dev server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"

EXPECTED = {
    "submit_and_execute.py": [
        "submitted state True", "assigned True echo", "output ['hello'] state True", "log echoing",
        "nothing to assign: No process available for assignment",
    ],
    "executor_loop.py": ["functions ['sum_nums']", "results [10, 11, 12]", "successful True"],
    "workflow.py": ["graph state 0 processes 2", "input [2, 3] output [6]"],
    "mapreduce.py": ["reduce input [1, 4, 9, 16] output [30]", "graph processes 6"],
    "monad.py": ["result 3"],
    "files.py": [
        "uploaded hello.txt True", "files ['data.bin', 'hello.txt']", "labels True",
        "downloaded True hello world", "data b'\\x00\\x01binary'", "after delete []",
    ],
    "channels.py": ["read [b'hello from the submitter']", "replies [b'one', b'two', b'three']"],
    "crons.py": ["cron True", "ran tick ['tock']"],
}


def test_every_script_has_expectations():
    assert sorted(EXPECTED) == sorted(path.name for path in SCRIPTS.glob("*.py"))


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_upstream_style_script(script, dev_server, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pycolonies_fast.compat", str(SCRIPTS / script)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path, env={**os.environ, **dev_server},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXPECTED[script], done.stderr
