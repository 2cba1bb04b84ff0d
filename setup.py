"""Build hook for the compiled crypto core; all metadata lives in pyproject.toml."""

from setuptools import setup

setup(cffi_modules=["csrc/build_crypto.py:ffibuilder"])
