"""The compiled core wipes private keys from its stack, also when built with optimisation (a plain
memset of a buffer never read again is removed by the compiler as a dead store)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CSRC = REPO / "csrc"


@pytest.mark.parametrize("optimisation", ["-O0", "-O2", "-O3"])
def test_no_key_bytes_are_left_on_the_stack(tmp_path, optimisation):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:  # e.g. a wheel tested on a machine without build tools
        pytest.skip("no C compiler (cc, gcc or clang) on PATH: this test compiles the core with a test harness")
    binary = tmp_path / "key_wipe"
    subprocess.run([compiler, optimisation, "-funroll-loops", f"-I{CSRC}", str(Path(__file__).with_name("key_wipe.c")),
                    str(CSRC / "colonies_crypto.c"), str(CSRC / "sha3.c"), "-o", str(binary)], check=True)
    lines = subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout.split("\n")
    assert lines[:2] == ["sign 0 0", "id 0 0"]  # status OK, no copy of the key found
