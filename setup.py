"""Build hook for the compiled crypto core; all metadata lives in pyproject.toml.

Two things are added here: the wheel is tagged ``cp310-abi3`` (the core is built against the
limited API, csrc/build_crypto.py), so one wheel per platform serves CPython 3.10 and newer; and
a build without a C compiler stops with a message that says what to install, instead of a bare
"command 'gcc' failed: No such file or directory".
"""

import shutil
import sys
import sysconfig

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError, PlatformError

NEEDS_A_COMPILER = (
    "pycolonies_fast: building the compiled crypto core from source needs "
    "a C compiler (build-essential / Xcode command line tools / MSVC build tools). "
    "Install one, or install a prebuilt wheel: pip install --only-binary=:all: pycolonies-fast"
)


class build_ext_needing_a_compiler(build_ext):
    """build_ext that names the missing prerequisite when there is no C compiler."""

    def build_extensions(self) -> None:
        # Unix-style compilers: the first word of compiler_so is $CC (or sysconfig's CC).
        command = getattr(self.compiler, "compiler_so", None)
        if command and shutil.which(command[0]) is None:
            raise CompileError(f"{NEEDS_A_COMPILER}\n(no compiler at {command[0]!r})")
        try:
            super().build_extensions()
        except PlatformError as exc:  # MSVC: "Microsoft Visual C++ 14.0 or greater is required"
            raise CompileError(f"{NEEDS_A_COMPILER}\n({exc})") from exc
        except CompileError as exc:  # e.g. macOS's cc stub without the command line tools
            raise CompileError(f"{exc}\nIf no C compiler is installed: {NEEDS_A_COMPILER}") from exc


# The oldest CPython whose stable ABI the wheel targets: requires-python's floor.
LIMITED_API_FLOOR = "cp310"

# The same test as build_crypto.limited_api_available() (that file is cffi's to load, not ours to
# import): only a CPython with a stable ABI builds an abi3 module, so only there is the wheel
# tagged abi3. A free-threaded or debug CPython (or PyPy) gets a wheel of its own version.
LIMITED_API = (
    sys.implementation.name == "cpython"
    and not hasattr(sys, "gettotalrefcount")
    and not sysconfig.get_config_var("Py_GIL_DISABLED")
)

# cffi_modules wraps whatever build_ext class is registered here, so the check survives.
setup(
    cffi_modules=["csrc/build_crypto.py:ffibuilder"],
    cmdclass={"build_ext": build_ext_needing_a_compiler},
    options={"bdist_wheel": {"py_limited_api": LIMITED_API_FLOOR}} if LIMITED_API else {},
)
