"""``python -m pycolonies_fast``: the same command line as ``pycolonies-fast``."""

from pycolonies_fast.cli import main

raise SystemExit(main())
