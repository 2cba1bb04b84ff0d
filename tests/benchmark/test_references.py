"""The references' plumbing: their command lines, keys kept off them, and their failures named."""

from __future__ import annotations

import sys

import pytest

from pycolonies_fast.benchmark import references
from pycolonies_fast.benchmark.paths import cache_dir

SERVER = references.Server("127.0.0.1", 50080, False)
KEY = "ab" * 32


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_phase_reports_what_its_process_measured():
    code = "import json, os; print(json.dumps({'seconds': 2.0, 'cpu_seconds': 0.5, 'done': len(os.environ['K'])}))"
    assert references.run_phase(python(code), "K", "x" * 7, "submit", 7, 10, "test") == (2.0, 0.5)


def test_the_key_travels_in_the_environment_not_on_the_command_line():
    for command in (references.upstream_command(references.HERE / "python", SERVER, "c", "t", "submit", 5, False),
                    references.go_command(references.HERE / "goclient", SERVER, "c", "t", "cycles", 5, 4, True)):
        assert KEY not in " ".join(command)
    assert "-I" in references.upstream_command(references.HERE / "python", SERVER, "c", "t", "submit", 5, False)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import sys; print('boom', file=sys.stderr); sys.exit(3)", "test, cycles phase failed (exit 3): boom"),
        ("import json; print(json.dumps({'seconds': 1, 'cpu_seconds': 1, 'done': 2}))",
         "test, cycles phase: 2 of 5 done"),
        ("import time; time.sleep(30)", "test, cycles phase: not done after 1 s"),
    ],
)
def test_a_failing_phase_is_named(code, message):
    with pytest.raises(references.ReferenceUnavailable) as info:
        references.run_phase(python(code), "K", KEY, "cycles", 5, 1, "test")
    assert message in str(info.value) and KEY not in str(info.value)


def test_the_go_reference_is_the_module_the_server_pins():
    assert references.go_reference_name() == "github.com/colonyos/colonies v1.9.12 pkg/client"


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PYCOLONIES_FAST_CACHE", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own"
    monkeypatch.delenv("PYCOLONIES_FAST_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "pycolonies-fast"


def test_without_go_the_go_reference_says_what_to_install(monkeypatch):
    monkeypatch.setattr(references, "find_go", lambda: None)
    with pytest.raises(references.ReferenceUnavailable, match=r"--go needs Go 1.24 or newer on PATH"):
        references.build_go_client()


def test_a_failed_upstream_install_leaves_no_venv_behind(monkeypatch, tmp_path):
    monkeypatch.setenv("PYCOLONIES_FAST_CACHE", str(tmp_path))
    monkeypatch.setattr(references, "UPSTREAM_VERSION", "0.0.0.does-not-exist")
    with pytest.raises(references.ReferenceUnavailable, match="pip install pycolonies==0.0.0.does-not-exist failed"):
        references.install_upstream()
    assert list(tmp_path.iterdir()) == []
