"""ColonyFS naming rules: which names and labels may become local paths.

Any colony member can register a file record with any name or label (``../x``, ``/etc/x``,
``..``), so what comes from the server is checked here before it becomes a path on disk.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["full_label", "is_plain_name", "label_parts", "normalise_label"]


def normalise_label(label: str) -> str:
    """The File model's label rule: exactly one leading `/`, no trailing `/`."""
    return "/" + label.strip("/")


def is_plain_name(name: Any) -> bool:
    """True for a bare file name, one that cannot leave the folder it is saved in.

    Any colony member can register a record with any name (`../x`, `/etc/x`, `..`), so names
    that come from the server are checked before they become local paths.
    """
    return (isinstance(name, str) and name not in ("", ".", "..") and "\0" not in name
            and os.sep not in name and (os.altsep is None or os.altsep not in name))  # "/" is one of the two


def label_parts(sublabel: str) -> list[str] | None:
    """Folder components of a sublabel, or None if it could escape the sync folder (`..`, `.`)."""
    parts = [part for part in sublabel.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    return parts


def full_label(root_label: str, sublabel: str) -> str:
    """The label that sync uploads the files of folder `sublabel` (`a/b`) to."""
    return root_label if sublabel == "" else f"{root_label.rstrip('/')}/{sublabel}"
