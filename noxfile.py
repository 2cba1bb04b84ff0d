"""The version matrix: the one abi3 wheel, installed on every CPython 3.10-3.13 found, running the
offline test suite (``pytest -m "not server"``) against the installed copy.

    nox -s tests                # what scripts/run-matrix runs (.ci/run calls it)
    nox -s tests-3.12 -- -x     # one Python; arguments after -- go to pytest

``wheel`` builds the sdist and, from it, the wheel into .nox/dist, once per run (the ``tests-*``
sessions require it). Each ``tests-3.1x`` session installs that wheel with the ``test`` extra into a
fresh venv of its Python and runs pytest from an empty temp folder that holds only a link to
tests/, so the repository root (and the source tree's pycolonies_fast, with its in-place build) is
never on sys.path. A ``.pth`` guard in the venv makes every Python process of the session, test
subprocesses included, refuse a pycolonies_fast from anywhere but the venv's site-packages, and
the session fails unless pytest itself imported the package from there.

Interpreters: pyenv's ``~/.pyenv/versions/3.1x.*`` (the newest patch), else ``python3.1x`` on PATH.
A version found neither way is skipped with a printed note. Venvs are made by uv when it is
installed beside nox (scripts/run-matrix installs both), else by venv and pip.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2"
nox.options.default_venv_backend = "uv|venv"  # uv (from PyPI, scripts/run-matrix) installs in seconds
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True  # every interpreter listed below was found

REPO = Path(__file__).resolve().parent
DIST = REPO / ".nox" / "dist"
VERSIONS = ("3.10", "3.11", "3.12", "3.13")

# Tests that cannot check the installed wheel: a subprocess of theirs imports pycolonies_fast from
# the repository, which the guard below refuses. Named by test function (not path: tests/ is being
# reorganised), deselected with -k. What they cover runs in the full suite (scripts/run-tests).
SOURCE_TREE_TESTS = {
    "test_cli_help": "runs python -m pycolonies_fast with cwd=REPO, which puts the source tree first",
    "test_cli_needs_a_module": "the same, cwd=REPO",
    "test_bench_worker_counts_are_checked": "runs bench/headline.py, which puts the repository on sys.path",
    "test_the_installed_command_has_bench": "builds a wheel of its own from the source tree (the full suite runs it)",
}


def find_python(version: str) -> str | None:
    """The newest pyenv CPython ``version``.x, else ``python<version>`` on PATH, else None."""
    versions = Path.home() / ".pyenv" / "versions"
    patches = sorted(
        (int(match.group(1)), path)
        for path in versions.glob(f"{version}.*")
        if (match := re.fullmatch(re.escape(version) + r"\.(\d+)", path.name))
        and (path / "bin" / f"python{version}").is_file()
    )
    if patches:
        return str(patches[-1][1] / "bin" / f"python{version}")
    return shutil.which(f"python{version}")


FOUND = {version: path for version in VERSIONS if (path := find_python(version))}
for _version in VERSIONS:
    if _version not in FOUND:
        print(f"noxfile: no CPython {_version} (pyenv ~/.pyenv/versions/{_version}.*, or python{_version} on PATH): "
              f"tests-{_version} is skipped")

# nox looks interpreters up by name on PATH: a folder of links to the ones found goes first.
if FOUND:
    _links = REPO / ".nox" / "interpreters"
    _links.mkdir(parents=True, exist_ok=True)
    for _version, _path in FOUND.items():
        _link = _links / f"python{_version}"
        if _link.is_symlink() or _link.exists():
            _link.unlink()
        _link.symlink_to(_path)
    os.environ["PATH"] = f"{_links}{os.pathsep}{os.environ.get('PATH', '')}"

GUARD = '''\
"""Installed by noxfile.py: pycolonies_fast may be imported only from this site-packages."""
import os
import sys
from importlib.machinery import PathFinder

SITE = os.path.dirname(os.path.abspath(__file__))


class InstalledOnly:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "pycolonies_fast":
            return None
        spec = PathFinder.find_spec(name, path)
        origin = spec.origin if spec is not None else None
        if origin is None or not os.path.abspath(origin).startswith(SITE + os.sep):
            raise ImportError(f"noxfile guard: pycolonies_fast must come from the installed wheel in {SITE}, "
                              f"not from {origin}")
        return spec


sys.meta_path.insert(0, InstalledOnly())
'''

WHERE_PLUGIN = '''\
import os
import sys


def pytest_sessionfinish(session):
    module = sys.modules.get("pycolonies_fast")
    with open(os.environ["WHERE_FILE"], "w") as out:
        out.write(getattr(module, "__file__", None) or "not imported")
'''


OLDEST = min(FOUND, key=lambda version: tuple(map(int, version.split(".")))) if FOUND else None


@nox.session(python=OLDEST, download_python="never", default=False)
def wheel(session: nox.Session) -> None:
    """Build the sdist, then from it the one cp310-abi3 wheel, into .nox/dist (on the oldest CPython, as
    cibuildwheel does)."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.install("build>=1.2,<2")
    session.run("python", "-m", "build", "--outdir", str(DIST), str(REPO), silent=True)
    wheels = sorted(DIST.glob("*.whl"))
    if len(wheels) != 1 or "-cp310-abi3-" not in wheels[0].name:
        session.error(f"expected one cp310-abi3 wheel in {DIST}, found {[w.name for w in wheels]}")
    session.log(f"built {wheels[0].name}")


@nox.session(python=list(FOUND), requires=["wheel"], download_python="never")
def tests(session: nox.Session) -> None:
    """The offline suite against the installed wheel, on this session's CPython."""
    (built,) = DIST.glob("*-cp310-abi3-*.whl")
    # pip too: uv's venvs have none, and tests/packaging builds the sdist with `python -m pip`.
    session.install(f"{built}[test]", "pip")
    session.run("python", "-m", "pip", "check")  # the wheel's declared dependencies are all met, none conflict
    site = session.run("python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       silent=True).strip()
    Path(site, "_pycolonies_fast_wheel_guard.py").write_text(GUARD, encoding="utf-8")
    Path(site, "_pycolonies_fast_wheel_guard.pth").write_text("import _pycolonies_fast_wheel_guard\n", encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="nox-tests-") as temp:
        cwd = Path(temp)
        (cwd / "tests").symlink_to(REPO / "tests", target_is_directory=True)
        (cwd / "where_plugin.py").write_text(WHERE_PLUGIN, encoding="utf-8")
        where = cwd / "where.txt"
        deselect = ["-k", " and ".join(f"not {name}" for name in SOURCE_TREE_TESTS)]
        session.log(f"not run here (a subprocess of theirs imports the source tree): {len(SOURCE_TREE_TESTS)} tests")
        for name, why in SOURCE_TREE_TESTS.items():
            session.log(f"  {name}: {why}")
        session.chdir(cwd)
        # python -m puts the cwd (the link to tests/, the plugin) on sys.path; importlib mode adds nothing.
        session.run(
            "python", "-m", "pytest", "tests", "-m", "not server", "-c", str(REPO / "pyproject.toml"),
            f"--rootdir={cwd}", "--import-mode=importlib", "-p", "no:cacheprovider", "-p", "where_plugin",
            "-q", *deselect, *session.posargs,
            env={"WHERE_FILE": str(where)},
        )
        imported = where.read_text(encoding="utf-8")
        session.chdir(REPO)
    if not imported.startswith(site + os.sep):
        session.error(f"pytest imported pycolonies_fast from {imported}, not from the session's {site}")
    session.log(f"pycolonies_fast came from {imported}")
