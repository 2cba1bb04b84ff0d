"""ColonyFS: file metadata through the Colonies server, bytes in S3 (contract §d.9).

Fixes over upstream that break no working code: a `None` label is rejected before any upload;
AWS_S3_ENDPOINT may carry a scheme; unset AWS_S3_TLS/SKIPVERIFY mean false; downloading by fileid
alone works (the record's name is used); downloads are checksum-verified and written atomically;
deleting by name removes the S3 objects of every version (the server drops all of their records);
`sync` is pure Python (no native library).
"""

from __future__ import annotations

import logging
import os
from typing import Any, TypeVar

from .. import fs
from ..errors import ServerError
from ..models import File, Reference, S3Object
from ._base import ClientCore
from ._steps import Blocking, Call, Steps, rpc

__all__ = ["FilesMixin"]

T = TypeVar("T")

BytesLike = bytes | bytearray | memoryview

log = logging.getLogger("pycolonies_fast.files")


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


def _normalise_label(label: str) -> str:
    """The File model's label rule: exactly one leading `/`, no trailing `/`."""
    return "/" + label.strip("/")


def _is_plain_name(name: Any) -> bool:
    """True for a bare file name, one that cannot leave the folder it is saved in.

    Any colony member can register a record with any name (`../x`, `/etc/x`, `..`), so names
    that come from the server are checked before they become local paths.
    """
    return (isinstance(name, str) and name not in ("", ".", "..") and "\0" not in name
            and os.sep not in name and (os.altsep is None or os.altsep not in name))  # "/" is one of the two


class FilesMixin(ClientCore):
    """The nine ColonyFS methods of `Colonies`; S3 and local file work are `Blocking` steps."""

    @rpc
    def get_files(self, label: str, colonyname: str, prvkey: str) -> Steps[Any]:
        """Latest version of each file under `label`: raw list of `{name, checksum, size, s3filename}`."""
        return (yield _get_files_call(label, colonyname, prvkey))

    @rpc
    def get_file_labels(self, colonyname: str, prvkey: str, name: str = "", exact: bool = False) -> Steps[Any]:
        """Labels of the colony (all when `name` is empty): raw list of `{name, files}` (may be None)."""
        return (yield _get_file_labels_call(colonyname, prvkey, name, exact))

    @rpc
    def get_file(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
        latest: bool = True,
    ) -> Steps[Any]:
        """File records by `fileid`, or by `label` + `filename` (only the latest unless `latest=False`)."""
        _check_one_of(fileid, filename, "filename")
        return (yield _get_file_call(colonyname, prvkey, label, fileid, filename, latest))

    @rpc
    def upload_file(
        self, colonyname: str, prvkey: str, filepath: str | None = None, label: str | None = None
    ) -> Steps[Any]:
        """Upload a local file to S3 and register it under `label`; returns the stored File dict."""
        return (yield from _upload_file(colonyname, prvkey, _required(filepath, "filepath"), label))

    @rpc
    def upload_data(
        self,
        colonyname: str,
        prvkey: str,
        filename: str | None = None,
        data: BytesLike | str | None = None,
        label: str | None = None,
    ) -> Steps[Any]:
        """Upload bytes (a str is UTF-8 encoded) as file `basename(filename)` under `label`.

        Without `data`, the local file at path `filename` is uploaded, as upstream did.
        """
        if data is None:
            return (yield from _upload_file(colonyname, prvkey, _required(filename, "filename"), label))
        name = os.path.basename(_required(filename, "filename"))
        if not isinstance(data, (bytes, bytearray, memoryview, str)):
            raise TypeError(f"'data' must be bytes, bytearray, memoryview or str, not {type(data).__name__}")
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return (yield from _upload(colonyname, prvkey, label, name, len(payload), fs.sha256_bytes(payload), payload))

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
    ) -> Steps[str]:
        """Download a file into folder `dst` (created if needed); returns the local path.

        The file is saved under `filename`, or the record's name when fetched by fileid alone;
        a name that is not a bare file name (`..`, `a/b`) raises ValueError, as nothing may be
        written outside `dst`. Bytes are verified against the recorded SHA-256 and written atomically.
        """
        _check_one_of(fileid, filename, "filename")
        folder = os.path.abspath(_required(dst, "dst"))
        record = yield from _one_file(colonyname, prvkey, label, fileid, filename, latest)
        name = filename if filename is not None else os.path.basename(str(record["name"]))
        if not _is_plain_name(name):
            raise ValueError(f"file name {name!r} is not a bare file name: it cannot be saved in {folder}")
        os.makedirs(folder, exist_ok=True)
        return (yield Blocking(fs.download_to_file, record, os.path.join(folder, name)))

    @rpc
    def download_data(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
        latest: bool = True,
    ) -> Steps[bytes]:
        """Download a file's bytes (verified against the recorded SHA-256)."""
        _check_one_of(fileid, filename, "filename")
        record = yield from _one_file(colonyname, prvkey, label, fileid, filename, latest)
        return (yield Blocking(fs.download_bytes, record))

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
        records = yield from _records(colonyname, prvkey, label, fileid, filename, False)
        yield Blocking(_delete_objects, records)
        yield _remove_file_call(colonyname, prvkey, label, fileid, filename)

    @rpc
    def _Colonies__remove_file(
        self, label: str | None, fileid: str | None, name: str | None, colonyname: str, prvkey: str
    ) -> Steps[Any]:
        """Upstream's private helper: remove file records only (S3 objects stay); ``delete_file`` does both."""
        _check_one_of(fileid, name, "name")
        return (yield _remove_file_call(colonyname, prvkey, label, fileid, name))

    @rpc
    def sync(self, dir: str, label: str, keeplocal: bool, colonyname: str, prvkey: str) -> Steps[None]:
        """Two-way sync of folder `dir` with ColonyFS label `label` (recursively), in pure Python.

        Subfolder `dir/a/b` maps to label `<label>/a/b`; files are matched by name and compared by
        SHA-256. A file only on one side is copied to the other (upload, or atomic verified
        download). A file on both sides with different content is uploaded as a new version when
        `keeplocal` is true, else the remote version overwrites the local file. Nothing is ever
        deleted on either side. Remote files that cannot be saved inside `dir` (a name such as
        `../x`, a label with a `..` part) are skipped with a warning on the `pycolonies_fast.files`
        logger. Returns None; errors propagate (no "failed to sync" wrapping).
        """
        root_label = _normalise_label(label)
        local = yield Blocking(_local_files, dir)
        remote = yield from _remote_files(root_label, colonyname, prvkey)
        for sublabel, parts, files in _sublabels(local, remote):
            folder = os.path.join(dir, *parts)
            for name in files:
                local_sum = local.get(sublabel, {}).get(name)
                remote_sum, remote_label = remote.get(sublabel, {}).get(name, (None, ""))
                if local_sum == remote_sum:
                    continue
                path = os.path.join(folder, name)
                if remote_sum is None or (local_sum is not None and keeplocal):
                    yield from _upload_file(colonyname, prvkey, path, _full_label(root_label, sublabel))
                else:
                    os.makedirs(folder, exist_ok=True)
                    record = yield from _one_file(colonyname, prvkey, remote_label, None, name, True)
                    yield Blocking(fs.download_to_file, record, path)


def _get_files_call(label: str, colonyname: str, prvkey: str) -> Call:
    return Call({"msgtype": "getfilesmsg", "colonyname": colonyname, "label": label}, prvkey)


def _get_file_labels_call(colonyname: str, prvkey: str, name: str, exact: bool) -> Call:
    return Call({"msgtype": "getfilelabelsmsg", "colonyname": colonyname, "name": name, "exact": exact}, prvkey)


def _get_file_call(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, filename: str | None, latest: bool
) -> Call:
    msg = {
        "msgtype": "getfilemsg",
        "colonyname": colonyname,
        "fileid": fileid,
        "label": label,
        "name": filename,
        "latest": latest,
    }
    return Call(msg, prvkey)


def _records(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, filename: str | None, latest: bool
) -> Steps[list[dict[str, Any]]]:
    """The records get_file returns (upstream's `Exception("invalid file")` when none)."""
    records = yield _get_file_call(colonyname, prvkey, label, fileid, filename, latest)
    if not records:
        raise Exception("invalid file")
    return records


def _one_file(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, filename: str | None, latest: bool
) -> Steps[dict[str, Any]]:
    """The first record get_file returns (upstream's `Exception("invalid file")` when none)."""
    return (yield from _records(colonyname, prvkey, label, fileid, filename, latest))[0]


def _remove_file_call(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, name: str | None
) -> Call:
    """``removefilemsg``: the record with ``fileid``, or every version of ``label``/``name``."""
    msg = {"msgtype": "removefilemsg", "colonyname": colonyname, "fileid": fileid, "label": label, "name": name}
    return Call(msg, prvkey)


def _upload_file(colonyname: str, prvkey: str, filepath: str, label: str | None) -> Steps[Any]:
    """Upload a local file and register it (upload_file, and sync's uploads)."""
    size, checksum = yield Blocking(_size_and_checksum, filepath)
    return (yield from _upload(colonyname, prvkey, label, os.path.basename(filepath), size, checksum, filepath))


def _upload(
    colonyname: str, prvkey: str, label: str | None, name: str, size: int, checksum: str, source: str | bytes
) -> Steps[Any]:
    """Put `source` (a local file's path, or the bytes) into S3 as a new object, then add its record."""
    location = fs.upload_settings()
    record, object_name = _new_file_record(colonyname, label, name, size, checksum, location)
    yield Blocking(_put_object, location, object_name, source)
    try:
        return (yield Call({"msgtype": "addfilemsg", "file": record}, prvkey))
    except ServerError:  # refused: no record will ever point at the object, so remove it
        try:
            yield Blocking(_delete_object, location, object_name)
        except Exception:  # noqa: BLE001 - best effort: the refusal is what the caller needs to see
            pass
        raise


def _size_and_checksum(filepath: str) -> tuple[int, str]:
    return os.path.getsize(filepath), fs.sha256_file(filepath)


def _put_object(location: fs.S3Location, object_name: str, source: str | bytes) -> None:
    client = fs.s3_client(location)
    fs.ensure_bucket(client, location.bucket)
    if isinstance(source, bytes):
        client.put_object(Bucket=location.bucket, Key=object_name, Body=source)
    else:
        client.upload_file(source, location.bucket, object_name)


def _delete_objects(records: list[dict[str, Any]]) -> None:
    for record in records:
        _delete_object(fs.location_of(record), record["ref"]["s3object"]["object"])


def _delete_object(location: fs.S3Location, object_name: str) -> None:
    fs.s3_client(location).delete_object(Bucket=location.bucket, Key=object_name)


def _new_file_record(
    colonyname: str, label: str | None, name: str, size: int, checksum: str, location: fs.S3Location
) -> tuple[dict[str, Any], str]:
    """The addfilemsg `file` dict for a new upload, built (and so validated) before any upload."""
    object_name = fs.new_object_name()
    s3object = S3Object(
        server=location.host,
        port=location.port,
        tls=location.tls,
        accesskey="",
        secretkey="",
        region=location.region or "",
        encryptionkey="",
        encryptionalg="",
        object=object_name,
        bucket=location.bucket,
    )
    record = File(
        fileid="",
        colonyname=colonyname,
        label=label,  # type: ignore[arg-type]  # None on purpose: pydantic raises upstream's ValidationError
        name=name,
        size=size,
        sequencenr=1,
        checksum=checksum,
        checksumalg="SHA256",
        ref=Reference(protocol="s3", s3object=s3object),
    )
    return record.model_dump(by_alias=True), object_name


def _full_label(root_label: str, sublabel: str) -> str:
    """The label that sync uploads the files of folder `sublabel` (`a/b`) to."""
    return root_label if sublabel == "" else f"{root_label.rstrip('/')}/{sublabel}"


def _remote_files(root_label: str, colonyname: str, prvkey: str) -> Steps[dict[str, dict[str, tuple[str, str]]]]:
    """{sublabel: {name: (checksum, label)}} of the files at or under `root_label` on the server.

    Sublabels are keyed by the folder they map to (`a//b` and `a/b` both by `a/b`); where two
    labels map to one folder, a file under the label sync itself uploads to wins. Files and labels
    that cannot be saved inside the folder are left out, with a warning.
    """
    prefix = root_label.rstrip("/") + "/"
    # The server matches `name` with SQL LIKE, in which a backslash escapes: ask for what precedes it.
    query = root_label.split("\\", 1)[0]
    labels = (yield _get_file_labels_call(colonyname, prvkey, query, False)) or []
    names = {entry["name"] for entry in labels if entry["name"] == root_label or entry["name"].startswith(prefix)}
    names.add(root_label)
    remote: dict[str, dict[str, tuple[str, str]]] = {}
    for full_label in sorted(names):
        parts = _label_parts("" if full_label == root_label else full_label[len(prefix):])
        if parts is None:
            log.warning("sync skips label %r: it would leave the sync folder", full_label)
            continue
        sublabel = "/".join(parts)
        canonical = full_label == _full_label(root_label, sublabel)
        folder = remote.setdefault(sublabel, {})
        for entry in (yield _get_files_call(full_label, colonyname, prvkey)) or []:
            name = entry["name"]
            if not _is_plain_name(name):
                log.warning("sync skips file %r under label %r: not a bare file name", name, full_label)
            elif canonical or name not in folder:
                folder[name] = (entry["checksum"], full_label)
    return remote


def _label_parts(sublabel: str) -> list[str] | None:
    """Folder components of a sublabel, or None if it could escape the sync folder (`..`, `.`)."""
    parts = [part for part in sublabel.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    return parts


def _local_files(dir: str) -> dict[str, dict[str, str]]:
    """{sublabel: {name: sha256}} of the regular files under `dir` (created if missing)."""
    os.makedirs(dir, exist_ok=True)
    local: dict[str, dict[str, str]] = {}
    for folder, _subdirs, names in os.walk(dir):
        rel = os.path.relpath(folder, dir)
        sublabel = "" if rel == "." else rel.replace(os.sep, "/")
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                local.setdefault(sublabel, {})[name] = fs.sha256_file(path)
    return local


def _sublabels(
    local: dict[str, dict[str, str]], remote: dict[str, dict[str, tuple[str, str]]]
) -> list[tuple[str, list[str], list[str]]]:
    """Every (sublabel, its folder components, sorted file names) present on either side.

    Sublabels that could escape the sync folder (`.`, `..`) are left out.
    """
    result = []
    for sublabel in sorted(set(local) | set(remote)):
        parts = _label_parts(sublabel)
        if parts is None:
            continue
        names = set(local.get(sublabel, {})) | set(remote.get(sublabel, {}))
        result.append((sublabel, parts, sorted(names)))
    return result
