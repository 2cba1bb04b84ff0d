"""``python -m pycolonies_fast``: the same command line as ``pycolonies-fast``."""

from .cli import main

raise SystemExit(main())
