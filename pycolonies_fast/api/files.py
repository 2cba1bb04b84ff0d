"""The ColonyFS methods of the clients: file records through the server, bytes in S3 (colonyfs/).

Fixes over upstream that break no working code: a `None` label is rejected before any upload;
AWS_S3_ENDPOINT may carry a scheme; unset AWS_S3_TLS/SKIPVERIFY mean false; downloading by fileid
alone works (the record's name is used); downloads are checksum-verified and written atomically;
deleting by name removes the S3 objects of every version (the server drops all of their records);
`sync` is pure Python (no native library).

New keyword-only options: `progress` on the transfers and `sync` (colonyfs/progress.py), and
`summary` on `sync` (a ``SyncSummary`` it fills in).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TypeVar

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.names import is_plain_name
from pycolonies_fast.colonyfs.progress import Progress
from pycolonies_fast.colonyfs.sync import SyncSummary, sync_steps
from pycolonies_fast.colonyfs.transfers import (
    delete_objects,
    get_file_call,
    get_file_labels_call,
    get_files_call,
    one_file,
    records,
    remove_file_call,
    upload,
    upload_file,
)
from pycolonies_fast.core.steps import Blocking, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, FileDataDict, FileDict, LabelDict

__all__ = ["FilesMixin"]

T = TypeVar("T")

BytesLike = bytes | bytearray | memoryview


def _required(value: T | None, name: str) -> T:
    """Upstream failed with a bare TypeError deep inside when these were None; say which one."""
    if value is None:
        raise TypeError(f"'{name}' is required")
    return value


def _check_one_of(fileid: str | None, filename: str | None, word: str) -> None:
    """Upstream's ValueError when both a fileid and a name are given (raised before any I/O)."""
    if fileid is not None and filename is not None:
        raise ValueError(
            f"Both 'fileid' and '{word}' cannot be set at the same time. Please provide only one."
        )


class FilesMixin(ClientCore):
    """The nine ColonyFS methods of `Colonies`; S3 and local file work are `Blocking` steps."""

    @rpc
    def get_files(self, label: str, colonyname: str, prvkey: str) -> Steps[list[FileDataDict]]:
        """Latest version of each file under `label`: raw list of `{name, checksum, size, s3filename}`."""
        return (yield get_files_call(label, colonyname, prvkey))

    @rpc
    def get_file_labels(
        self, colonyname: str, prvkey: str, name: str = "", exact: bool = False
    ) -> Steps[list[LabelDict] | None]:
        """Labels of the colony (all when `name` is empty): raw list of `{name, files}` (may be None)."""
        return (yield get_file_labels_call(colonyname, prvkey, name, exact))

    @rpc
    def get_file(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
        latest: bool = True,
    ) -> Steps[list[FileDict]]:
        """File records by `fileid`, or by `label` + `filename` (only the latest unless `latest=False`)."""
        _check_one_of(fileid, filename, "filename")
        return (yield get_file_call(colonyname, prvkey, label, fileid, filename, latest))

    @rpc
    def upload_file(
        self,
        colonyname: str,
        prvkey: str,
        filepath: str | None = None,
        label: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> Steps[FileDict]:
        """Upload a local file to S3 and register it under `label`; returns the stored File dict.

        `progress(done, total, file)` follows the bytes going to S3, `file` being `filepath`; if it
        raises, the upload stops with ``ProgressCallbackError`` and no record is added.
        """
        return (yield from upload_file(colonyname, prvkey, _required(filepath, "filepath"), label, progress))

    @rpc
    def upload_data(
        self,
        colonyname: str,
        prvkey: str,
        filename: str | None = None,
        data: BytesLike | str | None = None,
        label: str | None = None,
        *,
        progress: Progress | None = None,
    ) -> Steps[FileDict]:
        """Upload bytes (a str is UTF-8 encoded) as file `basename(filename)` under `label`.

        Without `data`, the local file at path `filename` is uploaded, as upstream did.
        `progress` as for ``upload_file``, with `file` the name (or the path when there is no `data`).
        """
        if data is None:
            return (yield from upload_file(colonyname, prvkey, _required(filename, "filename"), label, progress))
        name = os.path.basename(_required(filename, "filename"))
        if not isinstance(data, (bytes, bytearray, memoryview, str)):
            raise TypeError(f"'data' must be bytes, bytearray, memoryview or str, not {type(data).__name__}")
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        checksum = storage.sha256_bytes(payload)
        return (yield from upload(colonyname, prvkey, label, name, len(payload), checksum, payload, progress))

    @rpc
    def download_file(
        self,
        colonyname: str,
        prvkey: str,
        dst: str | None = None,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
        latest: bool = True,
        *,
        allow_unverified: bool = False,
        progress: Progress | None = None,
    ) -> Steps[str]:
        """Download a file into folder `dst` (created if needed); returns the local path.

        The file is saved under `filename`, or the record's name when fetched by fileid alone;
        a name that is not a bare file name (`..`, `a/b`, `C:x`, `CON`) raises ValueError, as nothing
        may be written outside `dst`. Bytes are verified against the recorded SHA-256 and written
        atomically; a record without one raises ``UntrustedRecordError`` unless `allow_unverified`,
        and so does a record stored at an S3 endpoint the settings do not trust. `progress(done,
        total, file)` follows the bytes, `file` being the local path; if it raises, the download
        stops with ``ProgressCallbackError`` and nothing is written.
        """
        _check_one_of(fileid, filename, "filename")
        folder = os.path.abspath(_required(dst, "dst"))
        record = yield from one_file(colonyname, prvkey, label, fileid, filename, latest)
        name = filename if filename is not None else os.path.basename(str(record["name"]))
        if not is_plain_name(name):
            raise ValueError(f"file name {name!r} is not a bare file name: it cannot be saved in {folder}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        return (yield Blocking(storage.download_to_file, record, path, allow_unverified, progress))

    @rpc
    def download_data(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
        latest: bool = True,
        *,
        allow_unverified: bool = False,
        progress: Progress | None = None,
    ) -> Steps[bytes]:
        """Download a file's bytes, verified against the recorded SHA-256 (see ``download_file``);
        `progress` as there, with `file` the record's name."""
        _check_one_of(fileid, filename, "filename")
        record = yield from one_file(colonyname, prvkey, label, fileid, filename, latest)
        return (yield Blocking(storage.download_bytes, record, allow_unverified, progress))

    @rpc
    def delete_file(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
    ) -> Steps[None]:
        """Delete a file's S3 object(s) and its record(s): one version by fileid, all versions by name."""
        _check_one_of(fileid, filename, "name")
        found = yield from records(colonyname, prvkey, label, fileid, filename, False)
        yield Blocking(delete_objects, found)
        yield remove_file_call(colonyname, prvkey, label, fileid, filename)

    @rpc
    def _Colonies__remove_file(
        self, label: str | None, fileid: str | None, name: str | None, colonyname: str, prvkey: str
    ) -> Steps[EmptyDict]:
        """Upstream's private helper: remove file records only (S3 objects stay); ``delete_file`` does both.

        Returns ``{}``.
        """
        _check_one_of(fileid, name, "name")
        return (yield remove_file_call(colonyname, prvkey, label, fileid, name))

    @rpc
    def sync(
        self,
        dir: str,
        label: str,
        keeplocal: bool,
        colonyname: str,
        prvkey: str,
        *,
        allow_unverified: bool = False,
        progress: Progress | None = None,
        summary: SyncSummary | None = None,
    ) -> Steps[None]:
        """Two-way sync of folder `dir` with ColonyFS label `label` (recursively), in pure Python.

        Subfolder `dir/a/b` maps to label `<label>/a/b`; files are matched by name and compared by
        SHA-256. A file only on one side is copied to the other (upload, or atomic verified
        download). A file on both sides with different content is uploaded as a new version when
        `keeplocal` is true, else the remote version overwrites the local file. Nothing is ever
        deleted on either side. Remote files that cannot be saved inside `dir` (a name such as
        `../x`, a label with a `..` part, a Windows name such as `C:x` or `CON`, a folder reached
        through a symlink) are skipped with a warning on the `pycolonies_fast.files` logger, as are
        records stored at an S3 endpoint the settings do not trust, and records without a SHA-256
        checksum unless `allow_unverified`. Returns None, as upstream; errors propagate (no "failed
        to sync" wrapping). `progress(done, total, file)` follows each upload and download, `file`
        being the local path; a callback that raises ends the sync with ``ProgressCallbackError``.
        `summary`, a ``SyncSummary`` (colonyfs/sync.py), gets what was uploaded, downloaded, left
        unchanged and skipped, as it happens: after an error it holds what was done.
        """
        return (yield from sync_steps(dir, label, keeplocal, colonyname, prvkey, allow_unverified, progress, summary))
