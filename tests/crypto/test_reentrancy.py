"""Signing and ids are re-entrant: a signal handler that signs while the main thread is inside the
same function gets its own result, and so does the main thread (no shared output buffer)."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from pycolonies_fast.core.crypto import id_of, sign, sign_bytes

KEY = "d6d3d4d2f1f0e2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
OTHER_KEY = "1" * 64
#: Interruptions the loop waits for: hundreds come in its 2 s natively, fewer under valgrind.
ENOUGH = 10


# SIGURG: its default action is to ignore it, so one still on its way after the handler is put
# back (a runner under valgrind delivers signals late) ends nothing.
@pytest.mark.skipif(not hasattr(signal, "SIGURG"), reason="needs POSIX signals")
def test_a_signal_handler_that_signs_never_swaps_results_with_the_code_it_interrupted():
    expected = sign("the main thread's message", KEY)
    expected_bytes = sign_bytes(b"the main thread's message", KEY)
    expected_id = id_of(KEY)
    handler_expected = sign("the handler's message", OTHER_KEY)
    handler_results: list[str] = []

    def handler(signum: int, frame: object) -> None:
        handler_results.append(sign("the handler's message", OTHER_KEY))
        id_of(OTHER_KEY)

    stop = threading.Event()

    def interrupt_often() -> None:
        while not stop.wait(0.0002):
            os.kill(os.getpid(), signal.SIGURG)

    previous = signal.signal(signal.SIGURG, handler)
    sender = threading.Thread(target=interrupt_often, daemon=True)
    sender.start()
    wrong = calls = 0
    try:
        end = time.monotonic() + 2.0
        while time.monotonic() < end or len(handler_results) < ENOUGH:
            wrong += sign("the main thread's message", KEY) != expected
            wrong += sign_bytes(b"the main thread's message", KEY) != expected_bytes
            wrong += id_of(KEY) != expected_id
            calls += 3
            time.sleep(0)  # lets the sender thread run: valgrind runs one thread at a time, switching at system calls
            if time.monotonic() > end + 60:
                break
    finally:
        stop.set()
        sender.join()
        signal.signal(signal.SIGURG, previous)
    assert len(handler_results) >= ENOUGH, "the handler did not interrupt the loop often enough to tell"
    assert wrong == 0, f"{wrong} of {calls} results were another call's"
    assert set(handler_results) == {handler_expected}
