"""How to reach a Colonies server, without I/O: defaults, URL pieces, the proxy the environment
chooses and the CA bundle, shared by the blocking and the asyncio transports.

Proxies and CA bundles follow what upstream's requests read from the environment, so a user who
swaps the SDK keeps their proxy and certificate settings.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import ssl
import urllib.request

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_REPLY_SIZE",
    "DEFAULT_READ_TIMEOUT",
    "bracketed",
    "ca_bundle_from_environment",
    "ca_locations",
    "proxy_from_environment",
    "tls_context",
]

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
#: The largest reply (HTTP body, websocket message) a client takes from a server, in bytes.
DEFAULT_MAX_REPLY_SIZE = 256 * 1024 * 1024  # generous: payloads travel base64-encoded, a third larger


def bracketed(host: str) -> str:
    """An IPv6 literal in brackets, as URLs and Host headers want it (anything else as it is)."""
    return f"[{host}]" if isinstance(host, str) and ":" in host and not host.startswith("[") else host


def ca_locations(ca_bundle: str | None) -> tuple[str | None, str | None]:
    """``(cafile, capath)`` for a CA bundle given as a file or, as requests allows, a directory."""
    if ca_bundle is not None and os.path.isdir(ca_bundle):
        return None, ca_bundle
    return ca_bundle, None


def tls_context(ca_bundle: str | None, verify: bool) -> ssl.SSLContext:
    """A client TLS context with the client's settings: its CA bundle (file or folder); no checks at
    all with ``verify=False``. Both transports use it for an ``https://`` proxy, the asyncio one for
    the server too."""
    cafile, capath = ca_locations(ca_bundle)
    context = ssl.create_default_context(cafile=cafile, capath=capath)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def proxy_from_environment(scheme: str, host: str, port: int) -> str | None:
    """The proxy URL for ``scheme://host:port`` from the environment, as requests (upstream) chose it:
    ``<scheme>_proxy`` else ``all_proxy`` (either case), none for hosts that ``no_proxy`` lists by
    name, domain suffix or, for an IP address, network (``10.0.0.0/8``)."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or _in_no_proxy_network(host, proxies.get("no", "")):
        return None
    if urllib.request.proxy_bypass_environment(f"{host}:{port}", proxies):  # type: ignore[attr-defined]
        return None
    return proxy if "://" in proxy else "http://" + proxy


def _in_no_proxy_network(host: str, no_proxy: str) -> bool:
    """Whether ``host`` is an IP address inside one of the networks that ``no_proxy`` lists."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    for entry in no_proxy.replace(" ", "").split(","):
        if "/" in entry:
            with contextlib.suppress(ValueError):
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
    return False


def ca_bundle_from_environment() -> str | None:
    """The CA bundle requests (and so upstream pycolonies) takes from the environment; without one,
    certifi's bundle (requests' own) where the system has no CA store, else the system's store."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or _certifi_without_system_store()


@functools.cache
def _certifi_without_system_store() -> str | None:
    """certifi's CA bundle, if it is installed and OpenSSL has no CA file or folder to trust (a minimal
    image, python.org's macOS build): there requests (upstream) trusted certifi's CAs and we'd trust none."""
    paths = ssl.get_default_verify_paths()
    if (paths.cafile and os.path.isfile(paths.cafile)) or (paths.capath and os.path.isdir(paths.capath)
                                                           and os.listdir(paths.capath)):
        return None
    try:
        import certifi
    except ImportError:
        return None
    return str(certifi.where())
