"""Offline tests of the ``pycolonies-fast`` command (cli/executor.py): function discovery and the help."""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from pycolonies_fast.cli import module_functions
from tests.support import tasks
from tests.support.paths import REPO


def test_module_functions_are_its_public_functions():
    functions = module_functions(tasks)
    assert set(functions) == {"double", "nothing", "boom", "slow", "square", "whoami", "not_a_number", "unprintable",
                              "base_exception", "die", "sleep_telling_pid", "interrupt_self", "interrupted",
                              "raise_two_arg_error", "unloadable_result", "times_out",
                              "interrupt_main_then_finish"}  # not its classes, nor _private
    assert set(module_functions(tasks, ["square"])) == {"square"}
    with pytest.raises(SystemExit, match="no function missing"):
        module_functions(tasks, ["missing"])
    mapping = types.ModuleType("m")
    mapping.COLONIES_FUNCTIONS = {"sq": tasks.square}  # type: ignore[attr-defined]
    assert module_functions(mapping) == {"sq": tasks.square}


@pytest.mark.parametrize("args", [["--help"], ["executor", "--help"]])
def test_cli_help(args):
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    assert "usage: pycolonies-fast" in done.stdout
    expected = {"--help": "executor", "executor": "--module"}[args[0]]
    assert expected in done.stdout


def test_cli_needs_a_module():
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast", "executor"], capture_output=True, text=True,
                          timeout=60, cwd=REPO, check=False)
    assert done.returncode == 2 and "--module" in done.stderr


def test_console_script_help():
    script = shutil.which("pycolonies-fast", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the package is not installed with its console script (pip install -e .)")
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "executor" in done.stdout
