"""Upstream's name-mangled helpers of ``Colonies``, for code that reached into them.

``_Colonies__rpc`` belongs to each client's base (blocking or asyncio) and ``_Colonies__remove_file``
to the files area; the helpers here work alike in both clients: the pure ones return values,
``__upload_file`` returns what ``upload_data`` returns (a coroutine on ``AsyncColonies``).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.colonyfs import storage

__all__ = ["UpstreamPrivateMixin"]

log = logging.getLogger(__name__)


class UpstreamPrivateMixin(ClientCore):
    """``_Colonies__generate_random_id``, ``__checksum_file``, ``__checksum_data``, ``__get_file_size``,
    ``__check_bucket`` and ``__upload_file``, with upstream's arguments and results."""

    def _Colonies__generate_random_id(self) -> str:
        """A fresh random id: 64 hex characters (upstream named S3 objects with it)."""
        return storage.new_object_name()

    def _Colonies__checksum_file(self, file_path: str) -> str:
        """Hex SHA-256 of a local file."""
        return storage.sha256_file(file_path)

    def _Colonies__checksum_data(self, file_data: bytes) -> str:
        """Hex SHA-256 of bytes."""
        return storage.sha256_bytes(file_data)

    def _Colonies__get_file_size(self, file_path: str) -> int | None:
        """The file's size; as upstream, an unreadable path gives None. Upstream printed the error to
        stdout; here it is a WARNING on this module's logger (a library leaves stdout to the program)."""
        try:
            return os.path.getsize(file_path)
        except OSError as exc:
            log.warning("Error getting file size: %s", exc)
            return None

    def _Colonies__check_bucket(self, s3_client: Any, bucket_name: str) -> None:
        """Create the S3 bucket if it does not exist."""
        storage.ensure_bucket(s3_client, bucket_name)

    def _Colonies__upload_file(
        self, filepath: str, label: str | None, colonyname: str, prvkey: str, file_bytes: bytes | None = None
    ) -> Any:
        """Upload the file at ``filepath``, or ``file_bytes`` named after it (``upload_data`` does both)."""
        return self.upload_data(  # type: ignore[attr-defined]
            colonyname, prvkey, filename=filepath, data=file_bytes, label=label)
