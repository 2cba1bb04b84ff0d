"""``pycolonies-fast --version`` (and ``python -m pycolonies_fast --version``) print the package version."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pycolonies_fast
from pycolonies_fast.cli import main


def test_version_option_prints_the_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"pycolonies-fast {pycolonies_fast.__version__}\n"


def test_console_script_version(tmp_path):
    script = shutil.which("pycolonies-fast", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the pycolonies-fast console script is not installed beside this Python")
    done = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"pycolonies-fast {pycolonies_fast.__version__}\n"
