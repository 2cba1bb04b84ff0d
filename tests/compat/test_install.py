"""compat.install()/uninstall(), the top-level names of upstream's `pycolonies`, lazy imports, CFS."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

import pycolonies_fast
from pycolonies_fast import compat
from pycolonies_fast.errors import ColoniesConnectionError

# Contract §a.2: every name users import from upstream's `pycolonies` module.
PYCOLONIES_NAMES = [
    "Colonies", "colonies_client", "func_spec", "ColoniesError", "ColoniesConnectionError",
    "Process", "FuncSpec", "Workflow", "ProcessGraph", "Conditions", "Gpu", "S3Object",
    "Reference", "File", "Crypto",
]
CRYPTO_NAMES = [
    "Crypto", "genkey", "sign", "get_id", "pad32", "int_to_byte", "int_to_big_endian",
    "big_endian_to_int", "encode_raw_public_key", "private_key_to_public_key",
    "deterministic_generate_k", "ecdsa_raw_sign", "fast_multiply", "from_jacobian", "to_jacobian",
    "inv", "jacobian_double", "jacobian_add", "jacobian_multiply", "A", "N", "Gx", "Gy", "G", "P",
]
MODEL_NAMES = [
    "Gpu", "Conditions", "Fs", "FuncSpec", "Attribute", "Process", "Workflow", "Position",
    "ProcessNode", "ProcessEdge", "ProcessGraph", "S3Object", "Reference", "File",
    "datetime", "List", "Dict", "Optional", "BaseModel", "Field", "field_validator",  # incidental, but importable
]


def run_python(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter (the project venv); its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", PYCOLONIES_NAMES)
def test_every_upstream_pycolonies_name_is_on_the_package(name):
    assert getattr(pycolonies_fast, name) is not None
    assert name in pycolonies_fast.__all__ and name in dir(pycolonies_fast)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        pycolonies_fast.NoSuchName  # noqa: B018


def test_import_loads_neither_boto3_nor_websocket():
    out = run_python(
        """
        import sys
        import pycolonies_fast
        first = {m for m in ("boto3", "botocore", "websocket") if m in sys.modules}
        from pycolonies_fast import Colonies, func_spec, Workflow
        Colonies("localhost", 1)
        second = {m for m in ("boto3", "botocore", "websocket") if m in sys.modules}
        print(sorted(first), sorted(second))
        """
    )
    assert out.split() == ["[]", "[]"]


def test_the_async_client_without_aiohttp_names_the_extra():
    code = ("import sys; sys.modules['aiohttp'] = None\n"
            "try:\n    import pycolonies_fast.aio\n"
            "except ModuleNotFoundError as exc:\n    print(exc.name, '|', exc)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "aiohttp | pycolonies_fast.aio needs aiohttp: pip install 'pycolonies-fast[async]'"


def test_install_aliases_upstream_module_names(compat_names):
    assert sorted(compat_names) == ["cfs", "colonies_monad", "crypto", "model", "pycolonies"]
    assert importlib.import_module("pycolonies") is pycolonies_fast
    assert importlib.import_module("model").Process is importlib.import_module("pycolonies_fast.models").Process
    for names, module in ((CRYPTO_NAMES, "crypto"), (MODEL_NAMES, "model"), (["CFS"], "cfs"),
                          (["Function", "ColoniesMonad"], "colonies_monad")):
        loaded = importlib.import_module(module)
        assert all(hasattr(loaded, name) for name in names), module
    from crypto import Crypto  # noqa: I001 - the upstream spellings
    from model import Conditions, FuncSpec, Workflow
    from pycolonies import Colonies, Crypto as Crypto2, Workflow as Workflow2

    assert Crypto is Crypto2 and Workflow is Workflow2
    assert Colonies.__module__ == "pycolonies_fast.client"
    assert FuncSpec(conditions=Conditions(executortype="x")).conditions.executortype == "x"


def test_a_star_import_of_model_gives_upstreams_names(compat_names):
    namespace: dict[str, object] = {}
    exec("from model import *", namespace)  # noqa: S102 - the star import under test
    assert set(MODEL_NAMES) <= set(namespace)
    assert namespace["Process"] is pycolonies_fast.Process


def test_a_star_import_of_crypto_gives_upstreams_names(compat_names):
    namespace: dict[str, object] = {}
    exec("from crypto import *", namespace)  # noqa: S102 - the star import under test
    upstream_imports = {"ctypes", "os", "hashlib", "hmac", "Any", "Callable", "Tuple"}
    assert upstream_imports | {"Crypto", "genkey", "jacobian_add", "N", "G"} <= set(namespace)
    assert namespace["hashlib"].sha256(b"").hexdigest()[:8] == "e3b0c442"


def test_install_is_idempotent_and_uninstall_restores(compat_names):
    assert compat.install() == {}
    assert set(compat.installed()) == set(compat.ALIASES)
    assert sorted(compat.uninstall()) == sorted(compat.ALIASES)
    assert not any(name in sys.modules for name in compat.ALIASES)
    assert compat.uninstall() == []


def test_install_some_names_and_restore_a_shadowed_module():
    placeholder = type(sys)("crypto")
    sys.modules["crypto"] = placeholder
    try:
        assert list(compat.install("pycolonies", "model")) == ["pycolonies", "model"]
        assert sys.modules["crypto"] is placeholder
        assert list(compat.install("crypto")) == ["crypto"]
        assert sys.modules["crypto"] is importlib.import_module("pycolonies_fast.compat.crypto")
        compat.uninstall()
        assert sys.modules["crypto"] is placeholder and "model" not in sys.modules
    finally:
        sys.modules.pop("crypto", None)


def test_install_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown upstream module name"):
        compat.install("requests")


def test_run_script_as_a_module(tmp_path):
    script = tmp_path / "upstream_style.py"
    (tmp_path / "sibling.py").write_text("VALUE = 7\n")
    script.write_text(
        "import sys\nfrom crypto import Crypto\nfrom pycolonies import func_spec\nfrom sibling import VALUE\n"
        "print(__name__, sys.argv[1:], VALUE, len(Crypto().prvkey()), func_spec('f', [], 'c', 't').funcname)\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pycolonies_fast.compat", str(script), "a", "b"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["__main__", "['a',", "'b']", "7", "64", "f"]


def test_run_script_as_python_would_run_it(tmp_path):
    folder, elsewhere = tmp_path / "app", tmp_path / "cwd"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "config.json").write_text('{"ok": 1}')
    (elsewhere / "only_in_cwd.py").write_text("")
    (folder / "app.py").write_text(
        "import json, os\nfrom crypto import Crypto\nos.chdir('/')\n"
        "print(os.path.isabs(__file__), json.load(open(os.path.join(os.path.dirname(__file__), 'config.json'))))\n"
        "try:\n    import only_in_cwd\n    print('cwd on path')\nexcept ImportError:\n    print('cwd not on path')\n"
    )
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast.compat", "../app/app.py"],
                          cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["True {'ok': 1}", "cwd not on path"]


def test_run_a_module_or_code_like_python_m_and_c(tmp_path):
    (tmp_path / "upstream_tests.py").write_text(
        "import sys, unittest\nfrom crypto import Crypto\n"
        "class T(unittest.TestCase):\n    def test_key(self):\n        self.assertEqual(len(Crypto().prvkey()), 64)\n"
    )
    tests = subprocess.run([sys.executable, "-m", "pycolonies_fast.compat", "-m", "unittest", "upstream_tests", "-v"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert tests.returncode == 0 and "test_key" in tests.stderr and "OK" in tests.stderr, tests.stderr
    code = "import sys; from pycolonies import func_spec; print(sys.argv, func_spec('f', [], 'c', 't').funcname)"
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast.compat", "-c", code, "x"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['-c', 'x'] f"


CHILDREN_SCRIPT = """
import concurrent.futures, multiprocessing, subprocess, sys
from crypto import Crypto

def key_id(key):
    from model import FuncSpec  # noqa: F401 - imported in the child
    return Crypto().id(key)

if __name__ == "__main__":
    key = Crypto().prvkey()
    for method in ("spawn", "forkserver"):
        context = multiprocessing.get_context(method)
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            print(method, pool.submit(key_id, key).result(timeout=60) == Crypto().id(key))
    code = "import cfs, colonies_monad, pycolonies; print(pycolonies.__name__)"
    print("subprocess", subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip())
"""


def test_processes_a_script_starts_see_the_upstream_names_too(tmp_path):
    script = tmp_path / "children.py"
    script.write_text(CHILDREN_SCRIPT)
    done = subprocess.run([sys.executable, "-m", "pycolonies_fast.compat", str(script)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["spawn True", "forkserver True", "subprocess pycolonies_fast"]

def test_cfs_sync_through_the_upstream_name(compat_names, dev_server, client, colony, executor, tmp_path):
    from cfs import CFS

    (tmp_path / "hello.txt").write_text("hello cfs")
    host, port = dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])
    # insecure=True: plain HTTP, as the name says (upstream's CFS inverted the flag).
    CFS().sync(host, port, True, False, str(tmp_path), "/cfs", False, colony.name, executor.prvkey)
    files = client.get_files("/cfs", colony.name, executor.prvkey)
    assert [f["name"] for f in files] == ["hello.txt"]
    restored = tmp_path / "again"
    CFS().sync(host, port, True, False, str(restored), "/cfs", False, colony.name, executor.prvkey)
    assert (restored / "hello.txt").read_text() == "hello cfs"


def test_cfs_insecure_false_means_tls(compat_names, dev_server, colony, executor, tmp_path):
    from cfs import CFS

    host, port = dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])
    with pytest.raises(ColoniesConnectionError):  # HTTPS against the plain-HTTP dev server
        CFS().sync(host, port, False, True, str(tmp_path), "/cfs", False, colony.name, executor.prvkey)
