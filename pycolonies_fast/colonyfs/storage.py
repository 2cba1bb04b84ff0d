"""ColonyFS byte storage: S3 settings from the environment, cached boto3 clients, checksums, and
atomic, checksum-verified downloads. boto3 is imported only when an S3 call actually runs.

Environment (same names as upstream): AWS_S3_ENDPOINT (`host:port`, with or without an
`http://`/`https://` scheme), AWS_S3_ACCESSKEY, AWS_S3_SECRETKEY, AWS_S3_REGION, AWS_S3_BUCKET,
AWS_S3_TLS and AWS_S3_SKIPVERIFY (`true`/`1`/`yes`, any case; unset means false); and, new,
AWS_S3_ALLOWED_ENDPOINTS: more endpoints (comma-separated, same form) that file records may name.

A file record says where its bytes are (endpoint, TLS, bucket), and any colony member can write
one. So the credentials go only to the configured endpoint or one the allow-list names, a record
never turns TLS off that the settings turn on, and a record without a SHA-256 checksum is refused
unless the caller allows unverified downloads.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from pycolonies_fast.colonyfs.progress import Progress, TransferProgress, expected_size
from pycolonies_fast.errors import ColoniesError

__all__ = [
    "ChecksumMismatchError",
    "UntrustedRecordError",
    "S3Location",
    "upload_settings",
    "location_of",
    "s3_client",
    "ensure_bucket",
    "new_object_name",
    "sha256_file",
    "sha256_bytes",
    "download_to_file",
    "download_bytes",
    "checksum_matches",
    "check_verifiable",
    "is_part_file",
]

_CHUNK = 1 << 20
_TRUE_WORDS = ("true", "1", "yes")


class ChecksumMismatchError(ColoniesError):
    """Downloaded bytes do not match the SHA-256 checksum recorded for the file."""


class UntrustedRecordError(ColoniesError):
    """A file record names an S3 endpoint the settings do not trust, or carries no SHA-256 checksum
    to verify its bytes with (and the caller did not allow that): nothing was fetched."""


@dataclass(frozen=True)
class S3Location:
    """Everything needed to reach one bucket: endpoint, TLS, credentials and region."""

    host: str
    port: int
    tls: bool
    bucket: str
    accesskey: str | None
    secretkey: str | None
    region: str | None
    verify: bool

    @property
    def endpoint_url(self) -> str:
        """`http[s]://host[:port]` for boto3 (no port when the record has none, e.g. Go's sync)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}" + (f":{self.port}" if self.port > 0 else "")

    def __repr__(self) -> str:
        return f"S3Location(endpoint={self.endpoint_url!r}, bucket={self.bucket!r}, region={self.region!r})"


def _env_flag(name: str) -> bool:
    """True when the variable is `true`/`1`/`yes` (any case); unset or anything else is False."""
    return (os.environ.get(name) or "").strip().lower() in _TRUE_WORDS


def _split_endpoint(endpoint: str, tls: bool) -> tuple[str, int, bool]:
    """Parse `[scheme://]host[:port]` into (host, port, tls); an explicit scheme decides TLS."""
    text = endpoint.strip().rstrip("/")
    if "://" in text:
        scheme, text = text.split("://", 1)
        if scheme.lower() not in ("http", "https"):
            raise Exception("invalid endpoint")
        tls = scheme.lower() == "https"
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, ""
    if not host or "/" in host or (port and not port.isdigit()):
        raise Exception("invalid endpoint")
    return host, int(port) if port else (443 if tls else 80), tls


def upload_settings() -> S3Location:
    """Where uploads go, from the AWS_S3_* environment variables."""
    endpoint = os.environ.get("AWS_S3_ENDPOINT")
    if not endpoint:
        raise Exception("invalid endpoint")
    host, port, tls = _split_endpoint(endpoint, _env_flag("AWS_S3_TLS"))
    return S3Location(
        host=host,
        port=port,
        tls=tls,
        bucket=os.environ.get("AWS_S3_BUCKET") or "",
        accesskey=os.environ.get("AWS_S3_ACCESSKEY"),
        secretkey=os.environ.get("AWS_S3_SECRETKEY"),
        region=os.environ.get("AWS_S3_REGION") or os.environ.get("AWS_S3_REGION_KEY") or None,
        verify=not _env_flag("AWS_S3_SKIPVERIFY"),
    )


def _trusted_endpoints() -> dict[tuple[str, int], bool]:
    """``{(host, port): tls}`` of AWS_S3_ENDPOINT and the AWS_S3_ALLOWED_ENDPOINTS (TLS as each says,
    else AWS_S3_TLS)."""
    default_tls = _env_flag("AWS_S3_TLS")
    texts = [os.environ.get("AWS_S3_ENDPOINT") or "", *(os.environ.get("AWS_S3_ALLOWED_ENDPOINTS") or "").split(",")]
    trusted: dict[tuple[str, int], bool] = {}
    for text in filter(None, (text.strip() for text in texts)):
        host, port, tls = _split_endpoint(text, default_tls)
        trusted[(host.lower(), port)] = tls
    return trusted


def location_of(record: dict[str, Any]) -> S3Location:
    """Where a file record's bytes live, if the settings trust that endpoint; credentials come from
    the environment, as upstream. Raises ``UntrustedRecordError`` for any other endpoint.

    Records written by Go's sync store `server="host:port"` and `port=-1`; both forms work here.
    """
    s3 = record["ref"]["s3object"]
    tls = bool(s3.get("tls"))
    host, port = s3["server"], int(s3.get("port") or 0)
    if port <= 0 or "://" in host:
        host, port, tls = _split_endpoint(host, tls)
    trusted = _trusted_endpoints()
    key = (host.lower(), port)
    if key not in trusted:
        raise UntrustedRecordError(
            f"file {record.get('name')!r} (fileid {record.get('fileid')}) is stored at {host}:{port}, which is not "
            f"the configured S3 endpoint (AWS_S3_ENDPOINT) nor one of AWS_S3_ALLOWED_ENDPOINTS: the S3 credentials "
            f"are not sent there")
    return S3Location(
        host=host,
        port=port,
        tls=tls or trusted[key],  # a record never turns off the TLS the settings ask for
        bucket=s3["bucket"],
        accesskey=os.environ.get("AWS_S3_ACCESSKEY"),
        secretkey=os.environ.get("AWS_S3_SECRETKEY"),
        region=s3.get("region") or None,
        verify=not _env_flag("AWS_S3_SKIPVERIFY"),
    )


def check_verifiable(record: dict[str, Any], allow_unverified: bool) -> None:
    """Refuse a record whose bytes cannot be checked (no SHA-256 checksum), unless allowed."""
    algorithm = (record.get("checksumalg") or "SHA256").upper().replace("-", "")
    if not allow_unverified and (not record.get("checksum") or algorithm != "SHA256"):
        raise UntrustedRecordError(
            f"file {record.get('name')!r} (fileid {record.get('fileid')}) has no SHA-256 checksum to verify its "
            f"bytes with: pass allow_unverified=True to download it all the same")


_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def _forget_clients_of_parent() -> None:
    """In a forked child: the parent's clients share its pooled S3 sockets, and its lock may have
    been held by another thread at the fork; the child makes its own."""
    global _clients_lock
    _clients.clear()
    _clients_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_clients_of_parent)


def s3_client(location: S3Location) -> Any:
    """A boto3 S3 client for `location`, created once per endpoint/credentials (clients are thread-safe)."""
    key = (location.endpoint_url, location.accesskey, location.secretkey, location.region, location.verify)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            boto3 = _import_boto3()
            client = boto3.client(
                "s3",
                endpoint_url=location.endpoint_url,
                aws_access_key_id=location.accesskey,
                aws_secret_access_key=location.secretkey,
                region_name=location.region,
                use_ssl=location.tls,
                verify=location.verify,
            )
            _clients[key] = client
        return client


def _import_boto3() -> Any:
    """boto3, or an ImportError that says how to get it (it is an optional dependency)."""
    try:
        import boto3
    except ImportError as exc:
        raise ImportError("ColonyFS needs boto3: pip install 'pycolonies-fast[fs]'") from exc
    return boto3


def ensure_bucket(client: Any, bucket: str) -> None:
    """Create `bucket` if it does not exist (upstream's check-then-create, same error texts)."""
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise Exception(f"Error checking bucket: {exc}") from exc
        try:
            client.create_bucket(Bucket=bucket)
        except ClientError as create_exc:
            raise Exception(f"Error creating bucket: {create_exc}") from create_exc


def new_object_name() -> str:
    """A fresh random S3 object name: 64 hex characters, as upstream."""
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def sha256_file(path: str) -> str:
    """Hex SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of a bytes-like object."""
    return hashlib.sha256(data).hexdigest()


def checksum_matches(record: dict[str, Any], actual: str) -> bool:
    """True unless the record carries a SHA-256 checksum that differs from `actual`
    (records without a checksum, or with another algorithm, cannot be checked and pass)."""
    expected = (record.get("checksum") or "").lower()
    algorithm = (record.get("checksumalg") or "SHA256").upper().replace("-", "")
    if not expected or algorithm != "SHA256":
        return True
    return expected == actual


def _mismatch(record: dict[str, Any], actual: str) -> ChecksumMismatchError:
    return ChecksumMismatchError(
        f"checksum mismatch for file {record.get('name')!r} (fileid {record.get('fileid')}): "
        f"expected SHA-256 {record.get('checksum')}, got {actual}"
    )


#: The name of a download's temp file: ``.<start of the name>.<8 hex digits>.part``.
_PART_FILE = re.compile(r"\..{0,32}\.[0-9a-f]{8}\.part", re.DOTALL)


def is_part_file(name: str) -> bool:
    """Whether ``name`` is that of a download's temp file (left behind when a download was killed)."""
    return _PART_FILE.fullmatch(name) is not None


def _create_part_file(folder: str, name: str) -> tuple[int, str]:
    """A new, empty temp file beside the destination, with the mode a plain ``open`` would give it
    (0666 less the process's umask at this moment). The name starts with the file's, cut so that a
    name at the 255-byte limit still fits."""
    while True:
        tmp = os.path.join(folder, f".{name[:32]}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue


def download_to_file(
    record: dict[str, Any], path: str, allow_unverified: bool = False, progress: Progress | None = None
) -> str:
    """Download the record's object into `path` atomically: a temp file in the same folder, checksum
    verified, then os.replace; on any failure the temp file is removed and `path` is untouched.

    boto3's managed transfer does the download, as upstream's ``download_file``: large objects come
    in parallel ranges, and a connection lost mid-object is retried. Its byte counts feed
    ``progress`` (colonyfs/progress.py), with `path` as the file; a callback that raises stops it.
    """
    check_verifiable(record, allow_unverified)
    location = location_of(record)
    client = s3_client(location)
    tracker = TransferProgress.started(progress, expected_size(record), path)
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = _create_part_file(folder, name)
    try:
        with os.fdopen(fd, "wb") as out:
            client.download_fileobj(location.bucket, record["ref"]["s3object"]["object"], out, Callback=tracker)
        actual = sha256_file(tmp)
        if not checksum_matches(record, actual):
            raise _mismatch(record, actual)
        if tracker is not None:
            tracker.finish(os.path.getsize(tmp))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if tracker is not None:
            tracker.raise_failure()  # boto3 raises the callback's failure as it is; this keeps it so if not
        raise
    return path


def download_bytes(record: dict[str, Any], allow_unverified: bool = False, progress: Progress | None = None) -> bytes:
    """The record's object as bytes, checksum verified: one GET, its body read in chunks that feed
    ``progress`` (with the record's name as the file)."""
    check_verifiable(record, allow_unverified)
    location = location_of(record)
    tracker = TransferProgress.started(progress, expected_size(record), str(record.get("name")))
    body = s3_client(location).get_object(Bucket=location.bucket, Key=record["ref"]["s3object"]["object"])["Body"]
    chunks = []
    try:
        for chunk in iter(lambda: body.read(_CHUNK), b""):
            chunks.append(chunk)
            if tracker is not None:
                tracker(len(chunk))
    finally:
        body.close()
    data = b"".join(chunks)  # one chunk is returned as it is, not copied
    actual = sha256_bytes(data)
    if not checksum_matches(record, actual):
        raise _mismatch(record, actual)
    if tracker is not None:
        tracker.finish(len(data))
    return data
