"""Which remote names and labels may become local paths: the same answer on every platform."""

from __future__ import annotations

import ntpath

import pytest

from pycolonies_fast.colonyfs.names import is_plain_name, label_parts

WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT9"}


def windows_reads_it_as_something_else(name: str) -> bool:
    """What Windows makes of a name, asked of ntpath (which runs on Linux too): a path, a drive, a
    stream, or a device."""
    drive, rest = ntpath.splitdrive(name)
    return (bool(drive) or ntpath.basename(rest) != rest or ":" in rest
            or name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_DEVICES)


@pytest.mark.parametrize("name", ["..\\..\\evil.txt", "a\\b", "C:evil.txt", "c:", "a:stream", "file.txt:$DATA",
                                  "CON", "con", "nul.txt", "Aux.log", "COM1", "lpt9.txt", "NUL .txt"])
def test_names_windows_reads_as_paths_drives_streams_or_devices_are_refused_everywhere(name):
    assert windows_reads_it_as_something_else(name)
    assert not is_plain_name(name)
    assert label_parts(f"ok/{name}") is None


@pytest.mark.parametrize("name", ["ok.txt", "console.txt", "CONSOLE", "com10", "my con.txt", "é.txt", ".hidden"])
def test_plain_names_are_taken(name):
    assert not windows_reads_it_as_something_else(name)
    assert is_plain_name(name)
    assert label_parts(f"ok/{name}") == ["ok", name]


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "/etc/passwd", "x\0y", "tab\there", 5, None])
def test_what_escapes_or_is_no_name_is_refused(name):
    assert not is_plain_name(name)
