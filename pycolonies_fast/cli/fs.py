"""``pycolonies-fast fs``: upload, download and sync ColonyFS files, with progress bars.

    pycolonies-fast fs upload data.bin --label /inputs
    pycolonies-fast fs download data.bin --label /inputs --dst ./here
    pycolonies-fast fs sync ./work --label /work --keep-local
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pycolonies_fast.cli.arguments import check_key, client_from_environment

__all__ = ["HELP", "ProgressBars", "add_arguments", "run"]

HELP = """\
Upload files to a ColonyFS label, download files from a label into a folder, or sync a folder with
a label both ways (sync never deletes; see Colonies.sync). The server and colony come from the
COLONIES_* variables, the executor key from COLONIES_PRVKEY, the S3 settings from AWS_S3_*.
When stderr is a terminal each transfer shows a progress bar there; --quiet turns the bars off.
The result (what was uploaded or downloaded; sync's counts: uploaded, downloaded, deleted,
unchanged, skipped) is printed on stdout, also with --quiet. Errors: one line on stderr, exit 1."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-subcommands of ``fs`` and their options."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bars (the result is still printed)")
    commands = parser.add_subparsers(dest="fs_command", required=True, metavar="{upload,download,sync}")
    upload = commands.add_parser("upload", parents=[common], help="upload files to a label",
                                 description="Upload local files to a label; each is stored under its base name.")
    upload.add_argument("files", nargs="+", metavar="FILE", help="local file to upload")
    upload.add_argument("--label", required=True, help="the ColonyFS label, e.g. /inputs")
    download = commands.add_parser("download", parents=[common], help="download files of a label into a folder",
                                   description="Download the latest version of files of a label into a folder; "
                                   "each is written atomically, after its SHA-256 checksum is verified.")
    download.add_argument("names", nargs="+", metavar="NAME", help="file name in the label")
    download.add_argument("--label", required=True, help="the ColonyFS label, e.g. /inputs")
    download.add_argument("--dst", default=".", help="folder to save into (created if needed; default: here)")
    sync = commands.add_parser("sync", parents=[common], help="sync a folder with a label, both ways",
                               description="Copy what one side lacks to the other, for the folder and its "
                               "subfolders (dir/a/b is label <label>/a/b); nothing is deleted on either side.")
    sync.add_argument("dir", metavar="DIR", help="local folder (created if missing)")
    sync.add_argument("--label", required=True, help="the ColonyFS label, e.g. /work")
    sync.add_argument("--keep-local", action="store_true",
                      help="a file that differs on both sides is uploaded as a new version "
                      "(default: the remote version overwrites the local file)")
    for sub in (download, sync):
        sub.add_argument("--allow-unverified", action="store_true",
                         help="also download files whose record has no SHA-256 checksum")


class ProgressBars:
    """A ColonyFS progress callback that draws a tqdm bar on stderr per file, one file at a time.

    Each bar closes when its file is complete; ``leave`` keeps finished bars on screen (sync
    moves through many files, so it shows only the current one).
    """

    def __init__(self, leave: bool) -> None:
        from tqdm import tqdm  # here: only a terminal that shows bars needs it

        self._tqdm = tqdm
        self._leave = leave
        self._bar: Any = None
        self._file: str | None = None

    def __call__(self, done: int, total: int | None, file: str) -> None:
        """Move the bar of ``file`` to ``done`` of ``total`` bytes (a new file starts a new bar)."""
        if file != self._file or self._bar is None:
            self.close()
            self._file = file
            self._bar = self._tqdm(
                total=total, desc=os.path.basename(file) or file, unit="B", unit_scale=True, unit_divisor=1024,
                leave=self._leave, file=sys.stderr, **_size_of_terminal(),
            )
        if total != self._bar.total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)
        if total is not None and done >= total:
            self.close()

    def close(self) -> None:
        """Close the current bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._file = None


def _size_of_terminal() -> dict[str, Any]:
    """tqdm's size options: follow the terminal's width, or 80x24 where it says it has no size (a
    pseudo-terminal nobody sized, as under ``script``), in which tqdm would hide the bar."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        size = os.terminal_size((0, 0))
    if size.columns > 0 and size.lines > 0:
        return {"dynamic_ncols": True}
    return {"ncols": 80, "nrows": 24}


def run(args: argparse.Namespace) -> int:
    """Run ``fs upload|download|sync``; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    client, colonyname, _, _, prvkey = client_from_environment()
    if prvkey is None:
        raise SystemExit("COLONIES_PRVKEY is not set: the fs command needs the key of an executor of the colony")
    check_key("COLONIES_PRVKEY", prvkey)
    bars = None
    if not args.quiet and sys.stderr.isatty():
        try:
            bars = ProgressBars(leave=args.fs_command != "sync")
        except ImportError:
            raise SystemExit("the progress bars of the fs command need tqdm: pip install 'pycolonies-fast[fs]' "
                             "(or pass --quiet)") from None
    command = {"upload": _upload, "download": _download, "sync": _sync}[args.fs_command]
    with client:
        try:
            command(client, colonyname, prvkey, args, bars)
        except KeyboardInterrupt:
            raise SystemExit(f"fs {args.fs_command}: interrupted") from None
        finally:
            if bars is not None:
                bars.close()
    return 0


def _upload(client: Any, colonyname: str, prvkey: str, args: argparse.Namespace, bars: ProgressBars | None) -> None:
    """Upload each file; print where it went."""
    for path in args.files:
        with _one_line_errors(f"cannot upload {path} to {args.label}"):
            stored = client.upload_file(colonyname, prvkey, filepath=path, label=args.label, progress=bars)
        print(f"uploaded {path} to {stored['label']}/{stored['name']} (fileid {stored['fileid']})", flush=True)


def _download(client: Any, colonyname: str, prvkey: str, args: argparse.Namespace, bars: ProgressBars | None) -> None:
    """Download each name into --dst; print where it was saved."""
    for name in args.names:
        with _one_line_errors(f"cannot download {name} from {args.label}"):
            path = client.download_file(colonyname, prvkey, dst=args.dst, label=args.label, filename=name,
                                        allow_unverified=args.allow_unverified, progress=bars)
        print(f"downloaded {args.label.rstrip('/')}/{name} to {path}", flush=True)


def _sync(client: Any, colonyname: str, prvkey: str, args: argparse.Namespace, bars: ProgressBars | None) -> None:
    """Sync the folder with the label; print the counts (on an error, those of what was done)."""
    from pycolonies_fast.colonyfs.sync import SyncSummary

    summary = SyncSummary()
    try:
        with _one_line_errors(f"cannot sync {args.dir} with {args.label}"):
            client.sync(args.dir, args.label, args.keep_local, colonyname, prvkey,
                        allow_unverified=args.allow_unverified, progress=bars, summary=summary)
    except SystemExit as failed:
        raise SystemExit(f"{failed.code} (done before the error: {summary})") from None
    print(f"synced {args.dir} with {args.label}: {summary}", flush=True)


@contextmanager
def _one_line_errors(what: str) -> Iterator[None]:
    """Turn the failures a user can act on into ``SystemExit("<what>: <why>")``: one line, exit 1.

    Those are the SDK's errors, the file system's, bad names, a missing boto3, S3's errors, and
    upstream's bare ``Exception`` ("invalid file": no such file). Anything else is a bug and keeps
    its traceback.
    """
    try:
        yield
    except Exception as exc:
        if type(exc) is Exception or isinstance(exc, _user_errors()):
            raise SystemExit(f"{what}: {exc}") from None
        raise


def _user_errors() -> tuple[type[Exception], ...]:
    """The exception classes ``_one_line_errors`` reports in one line."""
    from pycolonies_fast.errors import ColoniesConnectionError, ColoniesError

    errors: tuple[type[Exception], ...] = (ColoniesError, ColoniesConnectionError, OSError, ValueError, ImportError)
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return errors
    return (*errors, BotoCoreError, ClientError)
