"""Signing and ids are re-entrant: a signal handler that signs while the main thread is inside the
same function gets its own result, and so does the main thread (no shared output buffer)."""

from __future__ import annotations

import signal
import time

import pytest

from pycolonies_fast.core.crypto import id_of, sign, sign_bytes

KEY = "d6d3d4d2f1f0e2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
OTHER_KEY = "1" * 64


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_a_signal_handler_that_signs_never_swaps_results_with_the_code_it_interrupted():
    expected = sign("the main thread's message", KEY)
    expected_bytes = sign_bytes(b"the main thread's message", KEY)
    expected_id = id_of(KEY)
    handler_expected = sign("the handler's message", OTHER_KEY)
    handler_results: list[str] = []

    def handler(signum: int, frame: object) -> None:
        handler_results.append(sign("the handler's message", OTHER_KEY))
        id_of(OTHER_KEY)

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)  # interrupts many of the calls below
    wrong = 0
    try:
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            wrong += sign("the main thread's message", KEY) != expected
            wrong += sign_bytes(b"the main thread's message", KEY) != expected_bytes
            wrong += id_of(KEY) != expected_id
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(handler_results) > 100, "the timer did not interrupt the loop often enough to tell"
    assert wrong == 0
    assert set(handler_results) == {handler_expected}
