"""Which proxy the environment chooses for a server (core/connection.py), as upstream's requests chose:
HTTP_PROXY/HTTPS_PROXY/ALL_PROXY unless NO_PROXY lists the server (the clients through a proxy:
tests/client/test_proxies.py)."""

from __future__ import annotations

from pycolonies_fast.core.connection import proxy_from_environment


def test_which_proxy_the_environment_chooses(proxy_env):
    assert proxy_from_environment("http", "h", 1) is None
    proxy_env.setenv("ALL_PROXY", "all.example:3128")
    assert proxy_from_environment("https", "h", 1) == "http://all.example:3128"
    proxy_env.setenv("HTTP_PROXY", "http://web.example:8080")
    assert proxy_from_environment("http", "h", 1) == "http://web.example:8080"
    proxy_env.setenv("NO_PROXY", "h,.internal")
    assert proxy_from_environment("http", "h", 1) is None
    assert proxy_from_environment("http", "db.internal", 1) is None
    assert proxy_from_environment("http", "other", 1) == "http://web.example:8080"
    proxy_env.setenv("NO_PROXY", "10.0.0.0/8, fd00::/8")  # networks, as requests matched them
    assert proxy_from_environment("http", "10.1.2.3", 1) is None
    assert proxy_from_environment("http", "fd00::1", 1) is None
    assert proxy_from_environment("http", "11.0.0.1", 1) == "http://web.example:8080"
    assert proxy_from_environment("http", "db.internal", 1) == "http://web.example:8080"
