"""Functions for the executor tests, importable as ``tests.support.tasks`` (also by the CLI subprocess)."""

from __future__ import annotations

import os
import signal
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


def not_a_number():
    return float("nan")


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text for this one")


def unprintable():
    raise Unprintable()


class Interrupted(BaseException):
    """Not an Exception: what a library might raise to unwind."""


def base_exception():
    raise Interrupted("unwound")


def die():
    """Kill the process running this function, as the OOM killer would."""
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_telling_pid(path, seconds):
    """Write this process's pid to ``path``, then sleep; returns the pid."""
    with open(path, "w") as file:
        file.write(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()


def interrupt_self():
    """Send SIGINT to this process (as Ctrl-C does to a whole process group), then carry on."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return "survived"


def interrupted():
    raise KeyboardInterrupt("from the function")


class TwoArgError(Exception):
    """Pickles, but cannot be unpickled: pickle calls TwoArgError(message)."""

    def __init__(self, code, detail):
        super().__init__(f"{code}: {detail}")


def raise_two_arg_error():
    raise TwoArgError(7, "bad")


def _refuse_to_load():
    raise ValueError("this object cannot be loaded")


class Unloadable:
    def __reduce__(self):
        return _refuse_to_load, ()


def unloadable_result():
    return Unloadable()


def times_out(host):
    """A function whose own network call timed out: an error like any other, not the runner's deadline."""
    raise TimeoutError(f"timed out talking to {host}")


def interrupt_main_then_finish():
    """Ctrl-C reaching the main thread while this function runs in a worker; it still finishes."""
    import _thread

    _thread.interrupt_main()
    time.sleep(0.5)
    return "finished"
