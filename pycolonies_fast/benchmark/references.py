"""The references measured beside ours: upstream pycolonies 1.0.25 and the server's own Go client.

Each runs in a process of its own, built once into the private cache folder (``paths.cache_dir``):

- upstream: a venv with ``pycolonies==1.0.25`` and its dependencies from PyPI, running
  ``upstream_loop.py``; upstream installs top-level modules (``pycolonies``, ``crypto``, ``model``)
  that must never meet ours in one interpreter.
- Go: ``goclient/main.go`` (shipped with this package) built with ``go build`` against the Colonies
  module at the server's pinned version, through the Go module proxy.

Both print one JSON object per phase (wall seconds, their own CPU seconds, processes done), so
the benchmark reads them alike (``run_phase``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from pycolonies_fast.benchmark.paths import cache_dir, venv_python

__all__ = [
    "GO_MISSING", "GO_SOURCE", "UPSTREAM_VERSION", "ReferenceUnavailable", "Server", "build_go_client", "find_go",
    "go_command", "go_reference_name", "install_upstream", "run_phase", "upstream_command",
]

UPSTREAM_VERSION = "1.0.25"
HERE = Path(__file__).resolve().parent
UPSTREAM_LOOP = HERE / "upstream_loop.py"
GO_SOURCE = HERE / "goclient"
GO_MISSING = "--go needs Go 1.24 or newer on PATH (https://go.dev/dl/); run without --go to leave it out"
INSTALL_TIMEOUT_S = 900  # a first install downloads from PyPI or the Go module proxy


class ReferenceUnavailable(RuntimeError):
    """A reference could not be installed, built or run; the message says what to do."""


@dataclass(frozen=True)
class Server:
    """Where a reference process connects."""

    host: str
    port: int
    tls: bool


def install_upstream() -> Path:
    """A venv with upstream pycolonies 1.0.25 in the cache folder, made once; its Python.

    Built beside its final place and renamed into it, so a failed or concurrent install never
    leaves a half-made venv that a later run would take for a good one.
    """
    venv = cache_dir() / f"upstream-{UPSTREAM_VERSION}"
    python = venv_python(venv)
    if python.exists():
        return python
    building = venv.with_name(f"{venv.name}.building-{uuid.uuid4().hex[:8]}")
    building.parent.mkdir(parents=True, exist_ok=True)
    try:
        _check_call([sys.executable, "-m", "venv", str(building)], "creating upstream's venv")
        _check_call([str(venv_python(building)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     f"pycolonies=={UPSTREAM_VERSION}"], f"pip install pycolonies=={UPSTREAM_VERSION}")
        try:
            building.rename(venv)
        except OSError:  # another run finished first: use its venv
            if not python.exists():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return python


def go_reference_name() -> str:
    """The Go client measured: the Colonies module and version that ``goclient/go.mod`` requires."""
    for line in (GO_SOURCE / "go.mod").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "require":
            return f"{words[1]} {words[2]} pkg/client"
    raise ReferenceUnavailable(f"{GO_SOURCE / 'go.mod'} requires no module")


def find_go() -> str | None:
    """The ``go`` command: on PATH, else the official tarball's place; None when there is none."""
    found = shutil.which("go")
    if found is None and os.access("/usr/local/go/bin/go", os.X_OK):
        found = "/usr/local/go/bin/go"
    return found


def build_go_client() -> Path:
    """Build the Go reference client into the cache folder (seconds once the modules are cached); its path."""
    go = find_go()
    if go is None:
        raise ReferenceUnavailable(GO_MISSING)
    build = cache_dir() / "goclient"
    build.mkdir(parents=True, exist_ok=True)
    for name in ("main.go", "go.mod"):
        shutil.copyfile(GO_SOURCE / name, build / name)
    _check_call([go, "mod", "tidy"], "building the Go reference client: go mod tidy", cwd=build)
    _check_call([go, "build", "-o", "goclient", "."], "building the Go reference client: go build", cwd=build)
    return build / "goclient"


def run_phase(
    command: list[str], prvkey_variable: str, prvkey: str, phase: str, n: int, limit: float, label: str,
) -> tuple[float, float]:
    """Run one reference phase; (wall seconds, CPU seconds) as that process measured them.

    The key goes through the environment, never the command line, where ps would show it.
    """
    env = dict(os.environ, **{prvkey_variable: prvkey})
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        raise ReferenceUnavailable(f"{label}, {phase} phase: not done after {limit:.0f} s") from None
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-3:]
        raise ReferenceUnavailable(f"{label}, {phase} phase failed (exit {done.returncode}): {' | '.join(last)}")
    result = json.loads(done.stdout)
    if result["done"] != n:
        raise ReferenceUnavailable(f"{label}, {phase} phase: {result['done']} of {n} done")
    return float(result["seconds"]), float(result["cpu_seconds"])


def upstream_command(python: Path, server: Server, colony: str, executor_type: str, phase: str, n: int,
                     with_output: bool) -> list[str]:
    """The command line of one upstream phase (``-I``: nothing but upstream's venv on sys.path)."""
    return [str(python), "-I", str(UPSTREAM_LOOP), server.host, str(server.port), str(server.tls).lower(),
            colony, executor_type, phase, str(n), str(with_output).lower()]


def go_command(binary: Path, server: Server, colony: str, executor_type: str, phase: str, n: int,
               workers: int, with_output: bool) -> list[str]:
    """The command line of one Go phase."""
    return [str(binary), "-host", server.host, "-port", str(server.port), f"-tls={str(server.tls).lower()}",
            "-colony", colony, "-type", executor_type, "-phase", phase, "-n", str(n), "-workers", str(workers),
            f"-output={str(with_output).lower()}"]


def _check_call(command: list[str], what: str, cwd: Path | None = None) -> None:
    """Run an install or build step; a failure becomes a ReferenceUnavailable with the tool's last lines."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        raise ReferenceUnavailable(f"{what}: not done after {INSTALL_TIMEOUT_S} s") from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])
        raise ReferenceUnavailable(f"{what} failed (exit {done.returncode}):\n{tail}")
