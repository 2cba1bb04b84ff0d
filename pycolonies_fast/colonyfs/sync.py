"""ColonyFS sync: a folder and a label kept alike in both directions, as steps (core/steps.py).

Subfolder ``dir/a/b`` maps to label ``<label>/a/b``; files are matched by name and compared by
SHA-256. Nothing is ever deleted on either side, and nothing is written outside the folder.
"""

from __future__ import annotations

import logging
import os

from pycolonies_fast.colonyfs import storage
from pycolonies_fast.colonyfs.names import full_label, is_plain_name, label_parts, normalise_label
from pycolonies_fast.colonyfs.transfers import get_file_labels_call, get_files_call, one_file, upload_file
from pycolonies_fast.core.steps import Blocking, Steps

__all__ = ["sync_steps"]

log = logging.getLogger("pycolonies_fast.files")


def sync_steps(dir: str, label: str, keeplocal: bool, colonyname: str, prvkey: str) -> Steps[None]:
    """Two-way sync of folder ``dir`` with label ``label`` (see ``Colonies.sync``)."""
    root_label = normalise_label(label)
    local = yield Blocking(local_files, dir)
    remote = yield from remote_files(root_label, colonyname, prvkey)
    for sublabel, parts, files in sublabels(local, remote):
        folder = os.path.join(dir, *parts)
        for name in files:
            local_sum = local.get(sublabel, {}).get(name)
            remote_sum, remote_label = remote.get(sublabel, {}).get(name, (None, ""))
            if local_sum == remote_sum:
                continue
            path = os.path.join(folder, name)
            if remote_sum is None or (local_sum is not None and keeplocal):
                yield from upload_file(colonyname, prvkey, path, full_label(root_label, sublabel))
            else:
                os.makedirs(folder, exist_ok=True)
                record = yield from one_file(colonyname, prvkey, remote_label, None, name, True)
                yield Blocking(storage.download_to_file, record, path)


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
    """{sublabel: {name: sha256}} of the regular files under `dir` (created if missing)."""
    os.makedirs(dir, exist_ok=True)
    local: dict[str, dict[str, str]] = {}
    for folder, _subdirs, names in os.walk(dir):
        rel = os.path.relpath(folder, dir)
        sublabel = "" if rel == "." else rel.replace(os.sep, "/")
        for name in names:
            path = os.path.join(folder, name)
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
