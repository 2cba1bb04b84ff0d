"""Progress of ColonyFS transfers: the callback type, its error, and the tracker that feeds it.

A ``Progress`` callback is called as ``progress(done, total, file)``: bytes moved so far, the
file's size (None when it is not known), and which file (a local path, or for ``upload_data`` /
``download_data`` the file's name in ColonyFS). For each file ``done`` starts at 0, only grows, and
ends at the size once the bytes are all there. boto3's managed transfers report byte increments
from several threads, and negative ones when a retry starts a part over; ``TransferProgress``
turns that into those calls, one at a time.

A callback that raises stops the transfer: it ends with ``ProgressCallbackError`` (the callback's
exception as its ``__cause__``), an upload registers no record, and a download leaves the
destination as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pycolonies_fast.errors import ColoniesError

__all__ = ["Progress", "ProgressCallbackError", "TransferProgress", "expected_size"]

#: ``progress(done, total, file)``: bytes done, the size (None if unknown), the file.
Progress = Callable[[int, int | None, str], None]


class ProgressCallbackError(ColoniesError):
    """The progress callback raised, so the transfer was stopped; ``__cause__`` is its exception.

    Nothing is left half done: an upload registers no record, a download writes nothing.
    """


class TransferProgress:
    """One file's progress, fed by boto3's ``Callback`` (byte increments) and told to the callback.

    The callback sees each new high-water mark of the bytes moved (a retry that starts a part over
    is not shown as going back), under a lock: boto3 calls from its transfer threads, and the
    callback is never run by two of them at once. Its first failure stops every later call.
    """

    __slots__ = ("_lock", "_moved", "_reported", "failure", "file", "progress", "total")

    def __init__(self, progress: Progress, total: int | None, file: str) -> None:
        self.progress = progress
        self.total = total
        self.file = file
        self.failure: ProgressCallbackError | None = None
        self._lock = threading.Lock()
        self._moved = 0
        self._reported = -1

    @classmethod
    def started(cls, progress: Progress | None, total: int | None, file: str) -> TransferProgress | None:
        """A tracker of ``file`` that has reported ``done=0``; None when there is no callback."""
        if progress is None:
            return None
        tracker = cls(progress, total, file)
        tracker.start()
        return tracker

    def start(self) -> None:
        """Report ``done=0`` before any byte moves, so a zero-byte file is reported too."""
        with self._lock:
            self._report(0)

    def __call__(self, increment: int) -> None:
        """boto3's transfer callback: ``increment`` more bytes moved (negative: a retry rewound)."""
        with self._lock:
            self._moved += increment
            if self._moved > self._reported:
                self._report(self._moved)

    def finish(self, size: int) -> None:
        """The transfer is complete with ``size`` bytes: the last report says ``done == total == size``."""
        with self._lock:
            if self._reported < size or self.total != size:
                self.total = size
                self._report(max(size, self._reported))
        self.raise_failure()

    def raise_failure(self) -> None:
        """Raise the callback's failure, if it had one (also when boto3 swallowed or wrapped it)."""
        if self.failure is not None:
            raise self.failure

    def _report(self, done: int) -> None:
        """Call the callback with ``done`` (the lock is held); the first exception it raises is kept and
        raised from here, into the transfer, as ``ProgressCallbackError``."""
        if self.failure is not None:
            raise self.failure
        self._reported = done
        total = self.total if self.total is None or done <= self.total else None
        try:
            self.progress(done, total, self.file)
        except Exception as exc:  # noqa: BLE001 - any failure of the caller's callback stops the transfer
            self.failure = ProgressCallbackError(
                f"the progress callback raised {type(exc).__name__} for {self.file!r}: the transfer was stopped")
            raise self.failure from exc


def expected_size(record: dict[str, Any]) -> int | None:
    """The size a file record states, or None when it states none that can be a size."""
    size = record.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None
