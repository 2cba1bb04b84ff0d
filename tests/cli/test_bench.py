"""``pycolonies-fast bench``: its options, its refusals before measuring, and a short run on the dev server."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from pycolonies_fast.cli import main

OPTIONS = ["--processes", "--runs", "--short", "--workers", "--async", "--no-async", "--with-upstream", "--go",
           "--realistic", "--json", "--plot", "--no-progress"]


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as done:
        main(["bench", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert all(option in out for option in OPTIONS), out
    assert "usage: pycolonies-fast bench" in out


def test_the_top_level_help_lists_bench(tmp_path):
    # From an empty folder: the package this Python has installed, not the checkout's source beside it.
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast", "--help"], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "bench" in done.stdout, done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "2,x"], "argument --workers: expected positive integers separated by commas"),
        (["--go", "0"], "argument --go: expected positive integers separated by commas"),
        (["--runs", "0"], "argument --runs: must be at least 1, not 0"),
    ],
)
def test_bad_options_are_usage_errors(capsys, args, message):
    with pytest.raises(SystemExit) as done:
        main(["bench", *args])
    assert done.value.code == 2 and message in capsys.readouterr().err


def test_missing_settings_are_named(monkeypatch):
    for name in ("COLONIES_SERVER_HOST", "COLONIES_SERVER_PRVKEY", "COLONIES_COLONY_PRVKEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLONIES_SERVER_PORT", "50080")
    monkeypatch.setenv("COLONIES_COLONY_NAME", "dev")
    with pytest.raises(SystemExit) as done:
        main(["bench", "-n", "1", "--no-progress"])
    assert str(done.value.code) == ("bench needs COLONIES_SERVER_HOST, COLONIES_COLONY_PRVKEY "
                                    "(or COLONIES_SERVER_PRVKEY for a colony of its own)")


def test_a_malformed_key_is_named_without_showing_it(monkeypatch):
    bad = "zz" + "0" * 62
    monkeypatch.setenv("COLONIES_SERVER_HOST", "127.0.0.1")
    monkeypatch.setenv("COLONIES_SERVER_PORT", "50080")
    monkeypatch.setenv("COLONIES_SERVER_PRVKEY", bad)
    with pytest.raises(SystemExit) as done:
        main(["bench", "-n", "1", "--no-progress"])
    assert str(done.value.code).startswith("COLONIES_SERVER_PRVKEY: ") and bad not in str(done.value.code)


def test_an_unreachable_server_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("COLONIES_SERVER_HOST", "127.0.0.1")
    monkeypatch.setenv("COLONIES_SERVER_PORT", "1")  # nothing listens on port 1
    monkeypatch.setenv("COLONIES_COLONY_NAME", "dev")
    monkeypatch.setenv("COLONIES_COLONY_PRVKEY", "ab" * 32)
    monkeypatch.delenv("COLONIES_SERVER_PRVKEY", raising=False)
    with pytest.raises(SystemExit) as done:
        main(["bench", "-n", "1", "--no-progress", "--json", str(tmp_path / "r.json")])
    assert str(done.value.code).startswith("bench against 127.0.0.1:1: ")
    assert not (tmp_path / "r.json").exists()


def test_a_short_run_prints_the_table_and_writes_json_and_png(dev_server, capsys, tmp_path):
    report, chart = tmp_path / "run.json", tmp_path / "run.png"
    status = main(["bench", "-n", "4", "--runs", "1", "--workers", "2", "--async", "2", "--no-progress",
                   "--json", str(report), "--plot", str(chart)])
    out = capsys.readouterr().out
    assert status == 0
    assert "| mode | variant | submits/s | cycles/s | client CPU/cycle |" in out
    for variant in ("ours", "runner-2", "async-2"):  # the mode column follows the dev server's assign mode
        assert re.search(rf"^\| (exclusive|distributed) \| {variant} \| \d+ \| [\d.]+ \| [\d.]+ ms \|$", out, re.M), out
    assert "not measured in this run: upstream pycolonies (--with-upstream), the Go client (--go)" in out
    assert json.loads(report.read_text())["config"]["processes"] == 4
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
