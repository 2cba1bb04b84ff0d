"""The import-time guards of the compiled core: the coincurve it borrows libsecp256k1 from has every
function it needs (core/_secp256k1.py), and the core was built as this package version
(core/crypto.py). Each failure is an ImportError of one line that names the fix.

Self-contained (no server, no conftest fixtures): runs against the source tree or an installed wheel.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest

import pycolonies_fast.core
from pycolonies_fast.core import _secp256k1, crypto

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def fake_coincurve_module(monkeypatch: pytest.MonkeyPatch, missing: set[str]) -> None:
    """Put a ``coincurve._libsecp256k1`` in sys.modules whose lib lacks the functions in ``missing``."""
    from coincurve._libsecp256k1 import ffi, lib

    class PartialLib:
        def __getattr__(self, name: str) -> object:
            if name in missing:
                raise AttributeError(name)
            return getattr(lib, name)

    class PartialFFI:
        def addressof(self, library: object, name: str) -> object:
            getattr(library, name)  # AttributeError for a missing one, as cffi raises
            return ffi.addressof(lib, name)

        def cast(self, cdecl: str, value: object) -> object:
            return ffi.cast(cdecl, value)

    module = types.ModuleType("coincurve._libsecp256k1")
    module.ffi = PartialFFI()  # type: ignore[attr-defined]
    module.lib = PartialLib()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coincurve._libsecp256k1", module)


def test_the_installed_coincurve_has_every_function():
    table = _secp256k1.load_function_table()
    assert len(table) == len(_secp256k1.FUNCTIONS) == crypto.lib.PFC_FN_COUNT
    assert all(address for address in table)


def test_missing_functions_are_all_named_in_one_line(monkeypatch):
    missing = {"secp256k1_ecdsa_recover", "secp256k1_ecdsa_sign_recoverable"}
    fake_coincurve_module(monkeypatch, missing)
    monkeypatch.setattr(_secp256k1, "coincurve_version", lambda: "23.0.0")
    with pytest.raises(ImportError) as failure:
        _secp256k1.load_function_table()
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith(f"pycolonies_fast needs coincurve{_secp256k1.COINCURVE_REQUIREMENT} (found 23.0.0: ")
    assert message.endswith(f"pip install 'coincurve{_secp256k1.COINCURVE_REQUIREMENT}'")
    for name in missing:
        assert name in message
    assert "secp256k1_ecdsa_verify" not in message  # only what is missing


def test_a_coincurve_without_its_private_module_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "coincurve._libsecp256k1", None)  # import raises ImportError
    monkeypatch.setattr(_secp256k1, "coincurve_version", lambda: "22.0.0")
    with pytest.raises(ImportError, match=r"^pycolonies_fast needs coincurve>=.*\(found 22\.0\.0: no coincurve\."
                                          r"_libsecp256k1.*\): pip install 'coincurve.*'$"):
        _secp256k1.load_function_table()


def test_no_coincurve_at_all(monkeypatch):
    monkeypatch.setitem(sys.modules, "coincurve._libsecp256k1", None)
    monkeypatch.setattr(_secp256k1, "coincurve_version", lambda: "not installed")
    with pytest.raises(ImportError, match=r"\(coincurve is not installed\): pip install 'coincurve>="):
        _secp256k1.load_function_table()


def test_coincurve_version_reads_the_installed_distribution():
    from importlib.metadata import version

    assert _secp256k1.coincurve_version() == version("coincurve")


def test_the_requirement_is_pyprojects_bound():
    if not PYPROJECT.is_file():
        pytest.skip("no pyproject.toml beside the tests")
    dependencies = re.search(r"^dependencies = \[(.*?)^\]", PYPROJECT.read_text(encoding="utf-8"), re.M | re.S)
    assert dependencies, "pyproject.toml has no dependencies list"
    assert f'"coincurve{_secp256k1.COINCURVE_REQUIREMENT}"' in dependencies.group(1)
    assert "<" in _secp256k1.COINCURVE_REQUIREMENT  # bounded above: the private module may change


def test_the_core_was_built_as_this_version():
    assert crypto.core_build_version() == pycolonies_fast.__version__


def test_a_core_of_another_version_is_refused(monkeypatch):
    monkeypatch.setattr(pycolonies_fast.core, "__version__", "99.0.0")
    with pytest.raises(ImportError) as failure:
        crypto._check_core_version()
    message = str(failure.value)
    assert "\n" not in message
    assert f"pycolonies_fast 99.0.0 found a compiled core (pycolonies_fast.core._crypto) built for " \
           f"{crypto.core_build_version()}: reinstall it" in message
    assert "pip install --force-reinstall --no-deps pycolonies-fast" in message


def test_importing_crypto_with_a_mismatched_core_fails(monkeypatch):
    """The check runs when core/crypto.py is imported: execute the module again under another name."""
    monkeypatch.setattr(pycolonies_fast.core, "__version__", "0.0.0.dev0")
    spec = importlib.util.spec_from_file_location("pycolonies_fast_core_crypto_again", crypto.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ImportError, match=r"pycolonies_fast 0\.0\.0\.dev0 found a compiled core .*: reinstall it"):
        spec.loader.exec_module(module)


def test_a_core_without_a_recorded_version_is_refused(monkeypatch):
    class OldLib:  # a core built before PFC_BUILD_VERSION existed
        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    monkeypatch.setattr(crypto, "lib", OldLib())
    assert crypto.core_build_version() == "an older version"
    with pytest.raises(ImportError, match="built for an older version: reinstall it"):
        crypto._check_core_version()
