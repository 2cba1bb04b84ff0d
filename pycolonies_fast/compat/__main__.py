"""``python -m pycolonies_fast.compat (SCRIPT.py | -m MODULE | -c CODE) [ARGS...]``: run unchanged
upstream code with upstream's module names aliased to ours (see ``pycolonies_fast.compat``)."""

from __future__ import annotations

import os
import sys

from pycolonies_fast import compat

_USAGE = "usage: python -m pycolonies_fast.compat (SCRIPT.py | -m MODULE | -c CODE) [ARGS...]"


def _main() -> int:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help") or (args[0] in ("-m", "-c") and len(args) < 2):
        print(_USAGE, file=sys.stderr)
        return 2
    # ``-m`` put the working directory first on sys.path; ``python script.py`` would not have it.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    if args[0] == "-m":
        compat.run_module(args[1], args[2:])
    elif args[0] == "-c":
        compat.run_code(args[1], args[2:])
    else:
        compat.run_script(args[0], args[1:])
    return 0


if __name__ == "__main__":
    sys.exit(_main())
