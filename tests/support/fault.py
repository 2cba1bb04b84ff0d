"""The fault instance of scripts/dev-server (``DEVSERVER_INSTANCE=fault``): a Colonies server of
the reliability tests' own, that they may break (its fixtures are in tests/reliability/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from pycolonies_fast.client import Colonies
from tests.support.paths import REPO

DEV_SERVER = REPO / "scripts" / "dev-server"
FAULT_DIR = REPO / ".devserver" / "fault"
START_TIMEOUT_S = 1800  # a cold start builds the server and installs PostgreSQL


class FaultServer:
    """The fault instance: its address, the server key, and ways to break and mend it."""

    def __init__(self) -> None:
        env = dict(line.removeprefix("export ").split("=", 1) for line in self.script("env").splitlines())
        self.host = env["COLONIES_SERVER_HOST"]
        self.port = int(env["COLONIES_SERVER_PORT"])
        self.server_prvkey = env["COLONIES_SERVER_PRVKEY"]

    def __repr__(self) -> str:
        return f"FaultServer({self.host}:{self.port})"

    @staticmethod
    def script(command: str, timeout: float = 120, **env: str) -> str:
        """Run ``scripts/dev-server <command>`` for the fault instance (``env``: more variables); its stdout."""
        done = subprocess.run(
            [str(DEV_SERVER), command], cwd=REPO, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL, env={**os.environ, **env, "DEVSERVER_INSTANCE": "fault"},
        )
        if done.returncode != 0:
            raise RuntimeError(f"dev-server {command} (fault) failed: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        """Start whatever is not running (idempotent)."""
        self.script("start", START_TIMEOUT_S)

    def kill_server(self) -> None:
        """SIGKILL the instance's Colonies server (no graceful shutdown) and wait until it is gone."""
        kill_server(FAULT_DIR / "colonies.pid", self.port)

    def restart_postgres(self) -> None:
        """Restart the instance's PostgreSQL (fast mode: the server's sessions are cut)."""
        self.script("restart-postgres")

    def client(self, **options: object) -> Colonies:
        return Colonies(self.host, self.port, **options)  # type: ignore[arg-type]


def kill_server(pidfile: Path, port: int) -> None:
    """SIGKILL the Colonies server of ``pidfile`` (checked to serve ``port``) and wait until it is gone."""
    pid = int(pidfile.read_text())
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    assert b"server start" in cmdline and b"--port %d " % port in cmdline, cmdline
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                break
        except OSError:
            break
        time.sleep(0.05)
