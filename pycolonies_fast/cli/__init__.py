"""pycolonies-fast (also python -m pycolonies_fast): the command line.

    pycolonies-fast executor --module mypkg.tasks --type mytype --workers 4

One module per subcommand, each with ``HELP``, ``add_arguments(parser)`` and ``run(args)``;
``SUBCOMMANDS`` lists them. The server, colony and keys come from the environment variables
colonies_client() reads: COLONIES_SERVER_HOST, COLONIES_SERVER_PORT, COLONIES_SERVER_TLS (or
COLONIES_TLS), COLONIES_COLONY_NAME, COLONIES_COLONY_PRVKEY, COLONIES_EXECUTOR_NAME, COLONIES_PRVKEY.
Bad options, settings or keys, and a server that refuses or cannot be reached, end the command
with one line on stderr that says what to fix, and exit status 1 (2 for bad options).
"""

from __future__ import annotations

import argparse
from types import ModuleType

from pycolonies_fast.cli import bench, executor, fs
from pycolonies_fast.cli.executor import module_functions
from pycolonies_fast.core import __version__

__all__ = ["SUBCOMMANDS", "build_parser", "main", "module_functions"]

# name -> (module, one-line help); each module has HELP, add_arguments(parser) and run(args).
SUBCOMMANDS: dict[str, tuple[ModuleType, str]] = {
    "executor": (executor, "run an executor from a Python module"),
    "fs": (fs, "upload, download or sync ColonyFS files, with progress bars"),
    "bench": (bench, "measure this package against the server of the COLONIES_* environment"),
}


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``--version`` and one subparser per entry of ``SUBCOMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="pycolonies-fast", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{" + ",".join(SUBCOMMANDS) + "}")
    for name, (module, summary) in SUBCOMMANDS.items():
        sub = commands.add_parser(
            name, help=summary, description=module.HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``pycolonies-fast``; returns the exit status."""
    args = build_parser().parse_args(argv)
    module, _ = SUBCOMMANDS[args.command]
    status: int = module.run(args)
    return status
