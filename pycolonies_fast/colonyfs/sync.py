"""ColonyFS sync: a folder and a label kept alike in both directions, as steps (core/steps.py).

Subfolder ``dir/a/b`` maps to label ``<label>/a/b``; files are matched by name and compared by
SHA-256. Nothing is ever deleted on either side, and nothing is written outside the folder.
What a sync did is told in a ``SyncSummary``, filled in as it goes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.names import full_label, is_plain_name, label_parts, normalise_label
from pycolonies_fast.colonyfs.progress import Progress
from pycolonies_fast.colonyfs.transfers import get_file_labels_call, get_files_call, one_file, upload_file
from pycolonies_fast.core.steps import Blocking, Steps

__all__ = ["SyncSummary", "sync_steps"]

log = logging.getLogger("pycolonies_fast.files")


@dataclass
class SyncSummary:
    """What a sync did, file by file; ``sync`` fills it in as it goes, so after a sync that ended
    with an error it still holds what was done before.

    ``uploaded`` and ``downloaded`` are local paths; ``unchanged`` the local paths already alike on
    both sides; ``skipped`` the remote files (``label/name``) that could not be saved in the folder;
    ``deleted`` stays empty, since sync deletes nothing on either side.
    """

    uploaded: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        """One line of counts: ``2 uploaded, 1 downloaded, 0 deleted, 5 unchanged, 0 skipped``."""
        return (f"{len(self.uploaded)} uploaded, {len(self.downloaded)} downloaded, {len(self.deleted)} deleted, "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped")


def sync_steps(
    dir: str,
    label: str,
    keeplocal: bool,
    colonyname: str,
    prvkey: str,
    allow_unverified: bool = False,
    progress: Progress | None = None,
    summary: SyncSummary | None = None,
) -> Steps[None]:
    """Two-way sync of folder ``dir`` with label ``label`` (see ``Colonies.sync``).

    A remote entry that cannot be saved (a name or label that is no plain name, a folder reached
    through a symlink, a file where a folder is wanted or the other way round, a record stored at
    an untrusted S3 endpoint or without a checksum, bytes that do not match their checksum) is
    skipped with a warning and the rest is synced; a last warning lists what was skipped. Server
    and S3 failures still end the sync with their error. Each upload and download reports to
    ``progress`` under its local path; ``summary`` gets every file's outcome, and the counts are
    logged at INFO on the ``pycolonies_fast.files`` logger at the end.
    """
    done = SyncSummary() if summary is None else summary
    skipped_before = len(done.skipped)  # a summary passed in may hold an earlier sync's files
    root_label = normalise_label(label)
    local = yield Blocking(local_files, dir)
    remote = yield from remote_files(root_label, colonyname, prvkey)
    for sublabel, parts, files in sublabels(local, remote):
        folder = os.path.join(dir, *parts)
        for name in files:
            local_sum = local.get(sublabel, {}).get(name)
            remote_sum, remote_label = remote.get(sublabel, {}).get(name, (None, ""))
            path = os.path.join(folder, name)
            if local_sum == remote_sum:
                done.unchanged.append(path)
                continue
            if remote_sum is None or (local_sum is not None and keeplocal):
                yield from upload_file(colonyname, prvkey, path, full_label(root_label, sublabel), progress)
                done.uploaded.append(path)
                continue
            problem = yield Blocking(_prepare_download, dir, parts, name)
            if problem is None:
                record = yield from one_file(colonyname, prvkey, remote_label, None, name, True)
                try:
                    yield Blocking(storage.download_to_file, record, path, allow_unverified, progress)
                    done.downloaded.append(path)
                except (OSError, ValueError, storage.ChecksumMismatchError, storage.UntrustedRecordError) as exc:
                    problem = str(exc)
            if problem is not None:
                log.warning("sync skips %r of label %r: %s", name, remote_label, problem)
                done.skipped.append(f"{remote_label}/{name}")
    skipped = done.skipped[skipped_before:]
    if skipped:
        log.warning("sync of %s with %s skipped %d remote file(s): %s", dir, root_label, len(skipped),
                    ", ".join(skipped))
    log.info("sync of %s with %s: %s", dir, root_label, done)


def _prepare_download(root: str, parts: list[str], name: str) -> str | None:
    """Make the folder ``root/parts...`` for a download of ``name``; why it cannot be, or None.

    Nothing may be written outside ``root``: a symlinked folder on the way is refused (its target
    could be anywhere), and so is a folder where the file is to go.
    """
    folder = root
    for part in parts:
        folder = os.path.join(folder, part)
        if os.path.islink(folder):
            return f"the folder {folder} is a symlink: nothing is written through it"
    try:
        os.makedirs(folder, exist_ok=True)
    except (OSError, ValueError) as exc:  # a file where a folder is wanted; a name the system refuses
        return f"cannot make the folder {folder}: {exc}"
    path = os.path.join(folder, name)
    if os.path.isdir(path) or os.path.islink(path) and not os.path.isfile(path):
        return f"{path} is a folder (or a link to one), not a file"
    return None


def remote_files(root_label: str, colonyname: str, prvkey: str) -> Steps[dict[str, dict[str, tuple[str, str]]]]:
    """{sublabel: {name: (checksum, label)}} of the files at or under `root_label` on the server.

    Sublabels are keyed by the folder they map to (`a//b` and `a/b` both by `a/b`); where two
    labels map to one folder, a file under the label sync itself uploads to wins. Files and labels
    that cannot be saved inside the folder are left out, with a warning.
    """
    prefix = root_label.rstrip("/") + "/"
    # The server matches `name` with SQL LIKE, in which a backslash escapes: ask for what precedes it.
    query = root_label.split("\\", 1)[0]
    labels = (yield get_file_labels_call(colonyname, prvkey, query, False)) or []
    names = {entry["name"] for entry in labels if entry["name"] == root_label or entry["name"].startswith(prefix)}
    names.add(root_label)
    remote: dict[str, dict[str, tuple[str, str]]] = {}
    for each_label in sorted(names):
        parts = label_parts("" if each_label == root_label else each_label[len(prefix):])
        if parts is None:
            log.warning("sync skips label %r: it would leave the sync folder", each_label)
            continue
        sublabel = "/".join(parts)
        canonical = each_label == full_label(root_label, sublabel)
        folder = remote.setdefault(sublabel, {})
        for entry in (yield get_files_call(each_label, colonyname, prvkey)) or []:
            name = entry["name"]
            if not is_plain_name(name):
                log.warning("sync skips file %r under label %r: not a bare file name", name, each_label)
            elif canonical or name not in folder:
                folder[name] = (entry["checksum"], each_label)
    return remote


def local_files(dir: str) -> dict[str, dict[str, str]]:
    """{sublabel: {name: sha256}} of the regular files under `dir` (created if missing).

    Symlinked folders are not followed (a warning names them), and the part files of downloads
    that were killed before they finished are never uploaded.
    """
    os.makedirs(dir, exist_ok=True)
    local: dict[str, dict[str, str]] = {}
    for folder, subdirs, names in os.walk(dir):
        rel = os.path.relpath(folder, dir)
        sublabel = "" if rel == "." else rel.replace(os.sep, "/")
        for subdir in subdirs:
            if os.path.islink(os.path.join(folder, subdir)):
                log.warning("sync skips the symlinked folder %s", os.path.join(folder, subdir))
        for name in names:
            path = os.path.join(folder, name)
            if storage.is_part_file(name):
                continue
            if os.path.isfile(path):
                local.setdefault(sublabel, {})[name] = storage.sha256_file(path)
    return local


def sublabels(
    local: dict[str, dict[str, str]], remote: dict[str, dict[str, tuple[str, str]]]
) -> list[tuple[str, list[str], list[str]]]:
    """Every (sublabel, its folder components, sorted file names) present on either side.

    Sublabels that could escape the sync folder (`.`, `..`) are left out.
    """
    result = []
    for sublabel in sorted(set(local) | set(remote)):
        parts = label_parts(sublabel)
        if parts is None:
            continue
        names = set(local.get(sublabel, {})) | set(remote.get(sublabel, {}))
        result.append((sublabel, parts, sorted(names)))
    return result
