"""`pycolonies-fast bench` from a wheel installed outside any checkout, against the real dev server.

The source tree is copied to a temp dir (as an sdist unpacks), built into a wheel with pip, and
installed with the ``plot`` extra into a fresh venv; the command runs from another temp dir with
no PYTHONPATH, so nothing of this checkout is importable. The run adds both references: upstream
pycolonies (a venv in the cache folder) and the Go client (built from the Go source shipped in
the wheel), each installed once per machine. Needs PyPI or pip's cache, Go, and a few minutes the
first time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO, copy_sources


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the wheel built from this tree, and an environment without PYTHONPATH."""
    work = tmp_path_factory.mktemp("bench-installed")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    src = copy_sources(work / "src")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(src)], work, env)
    wheel = next((work / "dist").glob("*.whl"))
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work, env)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[plot]"], work, env)
    return venv, env


def test_the_installed_command_has_bench(installed, tmp_path):
    venv, env = installed
    done = run([str(venv / "bin" / "pycolonies-fast"), "bench", "--help"], tmp_path, env, timeout=60)
    for option in ("--with-upstream", "--go", "--plot", "--json", "--processes", "--workers", "--async"):
        assert option in done.stdout, done.stdout
    where = run([str(venv / "bin" / "python"), "-c", "import pycolonies_fast; print(pycolonies_fast.__file__)"],
                tmp_path, env, timeout=60).stdout.strip()
    site = run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
               tmp_path, env, timeout=60).stdout.strip()
    assert where.startswith(site) and not where.startswith(str(REPO)), where


def test_an_installed_run_prints_the_table_and_draws_the_chart(installed, dev_server, tmp_path):
    venv, env = installed
    chart = tmp_path / "bench.png"
    done = run([str(venv / "bin" / "pycolonies-fast"), "bench", "-n", "4", "--runs", "1", "--workers", "2",
                "--with-upstream", "--go", "1", "--plot", str(chart), "--no-progress"], tmp_path,
               {**env, **dev_server})
    out = done.stdout
    assert "submits × upstream | cycles × upstream | cycles × Go |" in out, out
    for variant in ("upstream", "go-1", "ours", "runner-2"):
        assert f" | {variant} | " in out, out
    # aiohttp is not installed without the async extra: the async runner is left out, and said so
    assert "async runner not measured: it needs aiohttp (pip install 'pycolonies-fast[async]')" in out
    assert "met:" not in out
    assert (tmp_path / "pycolonies-fast-bench.json").exists()
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
