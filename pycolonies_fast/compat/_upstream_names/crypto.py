"""``import crypto`` in a process started under ``python -m pycolonies_fast.compat`` (see that module)."""

from pycolonies_fast.compat import alias_on_import

alias_on_import(__name__)
