"""ColonyFS transfers as steps (core/steps.py): file records through the Colonies server, bytes in S3.

An upload puts the bytes into a new S3 object, then registers its record (``addfilemsg``); a
refused record removes the object again, so no object is left that no record points at. A
download looks the record up and fetches, verifies and atomically writes the bytes
(colonyfs/storage.py). S3 and local file work are ``Blocking`` steps. A ``progress`` callback
(colonyfs/progress.py) follows the bytes going to S3.
"""

from __future__ import annotations

import io
import os
from typing import Any

from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.progress import Progress, TransferProgress
from pycolonies_fast.core.steps import Blocking, Call, Steps
from pycolonies_fast.errors import ServerError
from pycolonies_fast.models import File, Reference, S3Object

__all__ = [
    "delete_objects",
    "get_file_call",
    "get_file_labels_call",
    "get_files_call",
    "one_file",
    "records",
    "remove_file_call",
    "upload",
    "upload_file",
]


def get_files_call(label: str, colonyname: str, prvkey: str) -> Call:
    return Call({"msgtype": "getfilesmsg", "colonyname": colonyname, "label": label}, prvkey)


def get_file_labels_call(colonyname: str, prvkey: str, name: str, exact: bool) -> Call:
    return Call({"msgtype": "getfilelabelsmsg", "colonyname": colonyname, "name": name, "exact": exact}, prvkey)


def get_file_call(
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


def records(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, filename: str | None, latest: bool
) -> Steps[list[dict[str, Any]]]:
    """The records get_file returns (upstream's `Exception("invalid file")` when none)."""
    records = yield get_file_call(colonyname, prvkey, label, fileid, filename, latest)
    if not records:
        raise Exception("invalid file")
    return records


def one_file(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, filename: str | None, latest: bool
) -> Steps[dict[str, Any]]:
    """The first record get_file returns (upstream's `Exception("invalid file")` when none)."""
    return (yield from records(colonyname, prvkey, label, fileid, filename, latest))[0]


def remove_file_call(
    colonyname: str, prvkey: str, label: str | None, fileid: str | None, name: str | None
) -> Call:
    """``removefilemsg``: the record with ``fileid``, or every version of ``label``/``name``."""
    msg = {"msgtype": "removefilemsg", "colonyname": colonyname, "fileid": fileid, "label": label, "name": name}
    return Call(msg, prvkey)


def upload_file(
    colonyname: str, prvkey: str, filepath: str, label: str | None, progress: Progress | None = None
) -> Steps[Any]:
    """Upload a local file and register it (upload_file, and sync's uploads); `progress` names it by `filepath`."""
    size, checksum = yield Blocking(_size_and_checksum, filepath)
    return (yield from upload(colonyname, prvkey, label, os.path.basename(filepath), size, checksum, filepath,
                              progress))


def upload(
    colonyname: str,
    prvkey: str,
    label: str | None,
    name: str,
    size: int,
    checksum: str,
    source: str | bytes,
    progress: Progress | None = None,
) -> Steps[Any]:
    """Put `source` (a local file's path, or the bytes) into S3 as a new object, then add its record.

    `progress` follows the bytes to S3 (the file is the path, or `name` for bytes); a callback that
    raises stops the upload before any record is added (``ProgressCallbackError``).
    """
    location = storage.upload_settings()
    record, object_name = _new_file_record(colonyname, label, name, size, checksum, location)
    file = source if isinstance(source, str) else name
    tracker = None if progress is None else TransferProgress(progress, size, file)
    yield Blocking(_put_object, location, object_name, source, size, tracker)
    try:
        return (yield Call({"msgtype": "addfilemsg", "file": record}, prvkey))
    except ServerError:  # refused: no record will ever point at the object, so remove it
        try:
            yield Blocking(delete_object, location, object_name)
        except Exception:  # noqa: BLE001 - best effort: the refusal is what the caller needs to see
            pass
        raise


def _size_and_checksum(filepath: str) -> tuple[int, str]:
    return os.path.getsize(filepath), storage.sha256_file(filepath)


def _put_object(
    location: storage.S3Location, object_name: str, source: str | bytes, size: int, tracker: TransferProgress | None
) -> None:
    """Put the bytes into S3. A file goes through boto3's managed transfer (parallel parts for large
    ones), which reports progress; so do bytes when progress is followed, and otherwise take one
    PUT (no transfer threads for a small payload).

    A progress callback that fails has the object removed: boto3 gathers small increments and may
    report them only after S3 has stored the object, and no record will ever point at it.
    """
    if tracker is not None:
        tracker.start()
    client = storage.s3_client(location)
    storage.ensure_bucket(client, location.bucket)
    try:
        if isinstance(source, str):
            client.upload_file(source, location.bucket, object_name, Callback=tracker)
        elif tracker is None:
            client.put_object(Bucket=location.bucket, Key=object_name, Body=source)
        else:
            client.upload_fileobj(io.BytesIO(source), location.bucket, object_name, Callback=tracker)
        if tracker is not None:
            tracker.finish(size)
    except BaseException:
        if tracker is None or tracker.failure is None:
            raise
        try:
            delete_object(location, object_name)  # deleting an object that is not there is no error
        except Exception:  # noqa: BLE001 - best effort: the callback's failure is what the caller needs to see
            pass
        tracker.raise_failure()  # as it is, also if boto3 wrapped it
        raise


def delete_objects(records: list[dict[str, Any]]) -> None:
    for record in records:
        delete_object(storage.location_of(record), record["ref"]["s3object"]["object"])


def delete_object(location: storage.S3Location, object_name: str) -> None:
    storage.s3_client(location).delete_object(Bucket=location.bucket, Key=object_name)


def _new_file_record(
    colonyname: str, label: str | None, name: str, size: int, checksum: str, location: storage.S3Location
) -> tuple[dict[str, Any], str]:
    """The addfilemsg `file` dict for a new upload, built (and so validated) before any upload."""
    object_name = storage.new_object_name()
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
