"""ColonyFS naming rules: which names and labels may become local paths.

Any colony member can register a file record with any name or label (``../x``, ``/etc/x``,
``..``, ``..\\..\\x``, ``C:x``), so what comes from the server is checked here before it becomes a
path on disk. The rules are the same on every platform: a name Windows would read as a path, a
drive, an alternate data stream or a device is refused on Linux too, so that a folder synced on
one machine means the same on another.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["full_label", "is_plain_name", "label_parts", "normalise_label"]

#: Device names Windows opens instead of a file, with any extension (``nul.txt``) and in any case.
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{digit}" for kind in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)


def normalise_label(label: str) -> str:
    """The File model's label rule: exactly one leading `/`, no trailing `/`."""
    return "/" + label.strip("/")


def is_plain_name(name: Any) -> bool:
    """True for a bare file name, one that cannot leave the folder it is saved in, on any platform.

    Refused: empty, `.` and `..`; any `/` or `\\` (a path); a `:` (a drive prefix such as `C:x`, or
    an alternate data stream such as `a:stream`); a NUL or another control character; a Windows
    device name (`CON`, `nul.txt`, `COM1`).
    """
    return (isinstance(name, str) and name not in ("", ".", "..")
            and not any(char in name for char in "/\\:") and os.sep not in name
            and (os.altsep is None or os.altsep not in name)
            and not any(ord(char) < 32 for char in name)
            and name.split(".", 1)[0].rstrip(" ").upper() not in _WINDOWS_DEVICES)


def label_parts(sublabel: str) -> list[str] | None:
    """Folder components of a sublabel, or None if one of them is no plain name (``is_plain_name``:
    `..`, `.`, `a\\b`, `C:`, `CON`, a NUL), so that the label could escape the sync folder or mean
    something else than a folder."""
    parts = [part for part in sublabel.split("/") if part]
    if not all(is_plain_name(part) for part in parts):
        return None
    return parts


def full_label(root_label: str, sublabel: str) -> str:
    """The label that sync uploads the files of folder `sublabel` (`a/b`) to."""
    return root_label if sublabel == "" else f"{root_label.rstrip('/')}/{sublabel}"
