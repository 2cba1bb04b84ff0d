"""ColonyFS records only: register, or forget, files whose bytes are already in S3 (no S3 I/O here).

The Go client's ``AddFile`` and ``RemoveFileByID``/``RemoveFileByName``: a program that put an
object into S3 itself registers it with ``add_file``; ``remove_file`` drops records and leaves the
objects (``delete_file`` in api/files.py removes both). Upstream had only the private
``_Colonies__remove_file``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.colonyfs.transfers import remove_file_call
from pycolonies_fast.core.steps import Call, Steps, rpc
from pycolonies_fast.models import File

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, FileDict

__all__ = ["FileRecordsMixin"]


class FileRecordsMixin(ClientCore):
    """``add_file`` and ``remove_file``: file records without their bytes."""

    @rpc
    def add_file(self, file: File | Mapping[str, Any], prvkey: str) -> Steps[FileDict]:
        """Register a file record whose object is already in S3 (not in upstream); the stored record.

        ``file`` is a ``File`` or a mapping of its fields, checked by the model before any I/O
        (pydantic's ``ValidationError``, a ValueError). Nothing is uploaded: ``ref.s3object`` must
        name an existing object, and a record of a name that exists under the label is a new version.
        """
        if not isinstance(file, (File, Mapping)):
            raise TypeError(f"'file' must be a File or a mapping of its fields, not {type(file).__name__}")
        record = file if isinstance(file, File) else File(**file)
        return (yield Call({"msgtype": "addfilemsg", "file": record.model_dump(by_alias=True, mode="json")}, prvkey))

    @rpc
    def remove_file(
        self,
        colonyname: str,
        prvkey: str,
        label: str | None = None,
        fileid: str | None = None,
        filename: str | None = None,
    ) -> Steps[EmptyDict]:
        """Remove file records, not their S3 objects (not in upstream): the record ``fileid``, or every
        version of ``filename`` under ``label``. Exactly one of ``fileid`` and ``filename`` is needed
        (ValueError before any I/O). Returns ``{}``.
        """
        if (fileid is None) == (filename is None):
            raise ValueError("remove_file needs either 'fileid' or 'filename' (with its 'label'), not both or neither")
        if filename is not None and label is None:
            raise ValueError("remove_file by 'filename' needs the file's 'label'")
        return (yield remove_file_call(colonyname, prvkey, label, fileid, filename))
