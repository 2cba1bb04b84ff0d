"""The Go reference client of the headline benchmark: build bench/goclient and run its phases.

The program uses the Colonies server's own Go client at the server's pinned version, so the table
can show, in the same run, what the project's reference SDK reaches on this machine. It is built
into .devserver/goclient (not committed) with the same Go toolchain and module proxy as the server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "bench" / "goclient"
BUILD = REPO / ".devserver" / "goclient"


def go_command() -> str:
    """The go binary scripts/dev-server uses: on PATH, else the official tarball's place."""
    found = shutil.which("go") or ("/usr/local/go/bin/go" if os.access("/usr/local/go/bin/go", os.X_OK) else None)
    if found is None:
        raise RuntimeError("the Go reference client needs Go, in PATH or /usr/local/go/bin")
    return found


def build() -> Path:
    """Build the reference client (a few seconds once the server's modules are cached); its path."""
    BUILD.mkdir(parents=True, exist_ok=True)
    for name in ("main.go", "go.mod"):
        shutil.copyfile(SOURCE / name, BUILD / name)
    go = go_command()
    for step in ([go, "mod", "tidy"], [go, "build", "-o", "goclient", "."]):
        done = subprocess.run(step, cwd=BUILD, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"building the Go reference client: {' '.join(step[1:])} failed:\n{done.stderr}")
    return BUILD / "goclient"


def run_phase(
    binary: Path, server: tuple[str, int, bool], colony: str, executor_type: str, prvkey: str,
    phase: str, n: int, workers: int = 1, with_output: bool = False, limit: float = 600,
) -> tuple[float, float]:
    """One phase ("submit" or "cycles") of N processes; (wall seconds, CPU seconds) as Go measured them."""
    host, port, tls = server
    command = [str(binary), "-host", host, "-port", str(port), f"-tls={str(tls).lower()}", "-colony", colony,
               "-type", executor_type, "-phase", phase, "-n", str(n), "-workers", str(workers),
               f"-output={str(with_output).lower()}"]
    env = dict(os.environ, GOCLIENT_PRVKEY=prvkey)  # not on the command line, where ps would show it
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=limit, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Go reference client, {phase} phase: {done.stderr.strip() or done.returncode}")
    result = json.loads(done.stdout)
    if result["done"] != n:
        raise RuntimeError(f"Go reference client, {phase} phase: {result['done']} of {n} done")
    return result["seconds"], result["cpu_seconds"]
