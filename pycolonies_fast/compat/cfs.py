"""Upstream's ``cfs`` module: ``CFS().sync(...)`` on our pure-Python ``Colonies.sync``.

Upstream's ``CFS`` loaded the Go library ``libcfslib.so`` and passed ``insecure`` to it inverted
(``insecure=True`` connected with TLS). Here ``insecure=True`` means plain HTTP, as the name says,
and nothing native is loaded. ``compat.install()`` makes ``import cfs`` load this module.
"""

from __future__ import annotations

__all__ = ["CFS"]


class CFS:
    """Two-way folder sync with ColonyFS, with upstream's constructor and parameter order."""

    def sync(
        self,
        host: str,
        port: int,
        insecure: bool,
        skip_tls_verify: bool,
        dir: str,  # upstream's name, shadowing the builtin
        label: str,
        keeplocal: bool,
        colonyname: str,
        prvkey: str,
    ) -> None:
        """Sync folder ``dir`` with ``label`` on server ``host:port`` (HTTP if ``insecure``, else HTTPS).

        ``skip_tls_verify`` accepts any server certificate. Errors propagate as they are
        (upstream raised a bare ``Exception("failed to sync")``).
        """
        from pycolonies_fast.client import Colonies

        with Colonies(host, int(port), tls=not insecure, verify=not skip_tls_verify) as client:
            client.sync(dir, label, keeplocal, colonyname, prvkey)
