"""``pycolonies-fast fs upload|download|sync`` against the real server and moto S3: a progress bar on
a terminal (the command runs on a pseudo-terminal), none with --quiet or when stderr is no terminal,
the results and sync's counts on stdout, and errors as one line on stderr."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
import uuid

import pytest

from pycolonies_fast.cli import main
from pycolonies_fast.cli.fs import ProgressBars
from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.storage import sha256_file

SIZE = 9 * 1024 * 1024 + 3  # over boto3's multipart threshold: parts on several threads feed one bar


@pytest.fixture
def fs_env(dev_server, executor):
    return {**os.environ, **dev_server, "COLONIES_COLONY_NAME": executor.colony, "COLONIES_PRVKEY": executor.prvkey}


@pytest.fixture
def label():
    return "/pytest-cli-fs/" + uuid.uuid4().hex[:12]


def on_a_terminal(args: list[str], env: dict[str, str], cwd, size: tuple[int, int] | None = (24, 100),
                  deadline: float = 120) -> tuple[int, str]:
    """Run ``python -m pycolonies_fast ARGS`` with stdin, stdout and stderr on a pseudo-terminal of
    ``size`` (rows, columns; None leaves it unsized, 0x0); its exit status and all it wrote there."""
    controller, terminal = pty.openpty()
    if size is not None:
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "pycolonies_fast", *args], stdin=terminal, stdout=terminal,
                             stderr=terminal, cwd=cwd, env=env, close_fds=True)
    os.close(terminal)
    output = b""
    end = time.monotonic() + deadline
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([controller], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every end of the terminal in the child is closed
                break
            if not chunk:
                break
            output += chunk
        status = child.wait(timeout=max(1.0, end - time.monotonic()))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(controller)
    return status, output.decode("utf-8", "replace")


def piped(args: list[str], env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pycolonies_fast", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def has_a_full_bar(output: str, name: str) -> bool:
    """tqdm's last frame of the file's bar: its name, 100% and a bar of █."""
    return any(frame.startswith(f"{name}: 100%|███") for frame in output.replace("\n", "\r").split("\r"))


def test_upload_and_download_show_a_bar_on_a_terminal(fs_env, label, tmp_path):
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(SIZE))
    status, output = on_a_terminal(["fs", "upload", str(src), "--label", label], fs_env, tmp_path)
    assert status == 0, output
    assert has_a_full_bar(output, "big.bin"), output
    assert f"uploaded {src} to {label}/big.bin (fileid " in output

    dst = tmp_path / "out"
    status, output = on_a_terminal(["fs", "download", "big.bin", "--label", label, "--dst", str(dst)], fs_env,
                                   tmp_path)
    assert status == 0, output
    assert has_a_full_bar(output, "big.bin"), output
    assert f"downloaded {label}/big.bin to {dst / 'big.bin'}" in output
    assert sha256_file(str(dst / "big.bin")) == sha256_file(str(src))


def test_a_terminal_that_says_it_has_no_size_still_shows_the_bar(fs_env, label, tmp_path):
    """An unsized pseudo-terminal (0x0, as under ``script``) makes tqdm hide its bar unless told a size."""
    src = tmp_path / "small.txt"
    src.write_bytes(b"hello")
    status, output = on_a_terminal(["fs", "upload", str(src), "--label", label], fs_env, tmp_path, size=None)
    assert status == 0, output
    assert has_a_full_bar(output, "small.txt"), output


def test_quiet_shows_no_bar_but_the_result(fs_env, label, tmp_path):
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(SIZE))
    status, output = on_a_terminal(["fs", "upload", "--quiet", str(src), "--label", label], fs_env, tmp_path)
    assert status == 0, output
    assert "%|" not in output and "big.bin:" not in output, output
    assert output.strip().startswith(f"uploaded {src} to {label}/big.bin (fileid "), output
    status, output = on_a_terminal(["fs", "download", "-q", "big.bin", "--label", label, "--dst",
                                    str(tmp_path / "out")], fs_env, tmp_path)
    assert status == 0 and output.strip() == f"downloaded {label}/big.bin to {tmp_path / 'out' / 'big.bin'}", output


def test_no_bar_when_stderr_is_not_a_terminal(fs_env, label, tmp_path):
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(SIZE))
    done = piped(["fs", "upload", str(src), "--label", label], fs_env, tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith(f"uploaded {src} to {label}/big.bin (fileid ")


def test_sync_shows_a_bar_per_file_and_prints_its_counts(fs_env, label, tmp_path):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "a.bin").write_bytes(os.urandom(SIZE))
    (work / "sub" / "b.txt").write_bytes(b"beta")
    status, output = on_a_terminal(["fs", "sync", str(work), "--label", label], fs_env, tmp_path)
    assert status == 0, output
    assert "a.bin:" in output and "b.txt:" in output and "%|" in output, output
    assert f"synced {work} with {label}: 2 uploaded, 0 downloaded, 0 deleted, 0 unchanged, 0 skipped" in output

    other = tmp_path / "other"
    done = piped(["fs", "sync", "--quiet", str(other), "--label", label], fs_env, tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == f"synced {other} with {label}: 0 uploaded, 2 downloaded, 0 deleted, 0 unchanged, 0 skipped\n"
    assert (other / "sub" / "b.txt").read_bytes() == b"beta"

    (other / "sub" / "b.txt").write_bytes(b"changed here")
    done = piped(["fs", "sync", "-q", "--keep-local", str(other), "--label", label], fs_env, tmp_path)
    assert done.stdout == f"synced {other} with {label}: 1 uploaded, 0 downloaded, 0 deleted, 1 unchanged, 0 skipped\n"


@pytest.mark.parametrize(
    ("args", "env_change", "message"),
    [
        (["fs", "upload", "/no/such/file.bin", "--label", "/x"], {},
         "cannot upload /no/such/file.bin to /x: [Errno 2] No such file or directory: '/no/such/file.bin'"),
        (["fs", "download", "missing.bin", "--label", "/pytest-cli-fs-nothing-here"], {},
         "cannot download missing.bin from /pytest-cli-fs-nothing-here: "),
        (["fs", "upload", "x", "--label", "/x"], {"COLONIES_PRVKEY": "not-a-key"},
         "COLONIES_PRVKEY: private key must be 64 hex characters"),
        (["fs", "upload", "x", "--label", "/x"], {"COLONIES_PRVKEY": None},
         "COLONIES_PRVKEY is not set: the fs command needs the key of an executor of the colony"),
    ],
)
def test_errors_are_one_line_on_stderr(fs_env, tmp_path, args, env_change, message):
    env = {**fs_env, **{name: value for name, value in env_change.items() if value is not None}}
    for name in (name for name, value in env_change.items() if value is None):
        env.pop(name)
    done = piped(args, env, tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and fs_env["COLONIES_PRVKEY"] not in done.stderr


def test_a_sync_that_fails_says_what_it_had_done(fs_env, client, executor, label, tmp_path):
    stored = client.upload_data(executor.colony, executor.prvkey, filename="b.txt", data=b"beta", label=label)
    location = storage.location_of(stored)
    storage.s3_client(location).delete_object(Bucket=location.bucket, Key=stored["ref"]["s3object"]["object"])
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_bytes(b"alpha")  # synced first (names in order), then b.txt's bytes are missing
    done = piped(["fs", "sync", str(work), "--label", label], fs_env, tmp_path)
    assert done.returncode == 1 and done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"cannot sync {work} with {label}: ") and "Not Found" in done.stderr
    assert done.stderr.endswith(
        "(done before the error: 1 uploaded, 0 downloaded, 0 deleted, 0 unchanged, 0 skipped)\n"), done.stderr
    assert sorted(os.listdir(work)) == ["a.txt"]


def test_a_bar_per_file_closed_when_the_file_is_complete(capsys):
    bars = ProgressBars(leave=True)
    for done, total, file in [(0, 300, "/a/one.bin"), (200, 300, "/a/one.bin"), (300, 300, "/a/one.bin"),
                              (0, None, "two.bin"), (50, None, "two.bin"), (50, 50, "two.bin")]:
        bars(done, total, file)
    bars.close()
    frames = capsys.readouterr().err.replace("\n", "\r").split("\r")
    assert [frame.split("|")[0] for frame in frames if frame.endswith("]") and "100%" in frame] == [
        "one.bin: 100%", "two.bin: 100%"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fs"], "the following arguments are required: {upload,download,sync}"),
        (["fs", "upload", "a.bin"], "the following arguments are required: --label"),
        (["fs", "download", "--label", "/x"], "the following arguments are required: NAME"),
        (["fs", "sync", "--label", "/x", "--dry-run", "d"], "unrecognized arguments: --dry-run"),
    ],
)
def test_bad_options_are_usage_errors(capsys, args, message):
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2 and message in capsys.readouterr().err
