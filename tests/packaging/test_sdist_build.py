"""Building from source without a C compiler fails with a message that names what to install.

The source tree is copied to a temp dir (as an sdist would unpack) and built with pip, build
isolation on, exactly as `pip install pycolonies-fast` builds an sdist; only the compiler is taken
away: once through $CC, once through a PATH with no compiler on it. Needs PyPI or pip's cache for
the build requirements (setuptools, cffi); a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import copy_sources

MESSAGE = "a C compiler (build-essential / Xcode command line tools / MSVC build tools)"


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("sdist") / "pycolonies_fast-src")


def build_wheel(src: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(src)],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_fails_naming_a_compiler(done: subprocess.CompletedProcess[str]) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, f"the build succeeded without a compiler:\n{output}"
    assert MESSAGE in output, f"the build failed without naming the missing compiler:\n{output}"


def test_missing_cc_names_what_to_install(source_tree: Path, tmp_path: Path) -> None:
    env = {**os.environ, "CC": str(tmp_path / "no-such-compiler")}
    assert_fails_naming_a_compiler(build_wheel(source_tree, tmp_path / "wheels", env))


@pytest.mark.skipif(sys.platform == "win32", reason="MSVC is found through the registry, not PATH")
def test_no_compiler_on_path_names_what_to_install(source_tree: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {name: value for name, value in os.environ.items() if name not in ("CC", "LDSHARED")}
    env["PATH"] = str(empty)
    assert_fails_naming_a_compiler(build_wheel(source_tree, tmp_path / "wheels", env))
