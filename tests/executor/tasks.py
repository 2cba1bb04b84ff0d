"""Functions for the executor tests, importable as ``tests.executor.tasks`` (also by the CLI subprocess)."""

from __future__ import annotations

import os
import time


def double(x, label="x"):
    return x * 2, label


def nothing():
    return None


def boom(x):
    raise ValueError(f"boom {x}")


def slow(seconds):
    time.sleep(seconds)
    return "slept"


def square(x):
    return x * x


def whoami():
    return os.getpid()


def _private():
    return "not exposed"
