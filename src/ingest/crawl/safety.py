"""Where the crawler may go: host and path scope, and which addresses it refuses.

`out_of_scope(url, source)` and `refused_address(host, allow_private)` each return a
one-line reason, or None when the URL may be requested. The fetcher asks both on every
request and on every redirect hop.
"""
from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from .sources import Source


def out_of_scope(url: str, source: Source) -> str | None:
    """Why `url` is outside the source's hosts and path prefixes, or None when inside."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) link: {parts.scheme or 'relative'}"
    host = (parts.hostname or "").lower()
    if host not in source.scope_hosts:
        return f"outside scope: host {host or '?'} is not one of {', '.join(sorted(source.scope_hosts))}"
    path = parts.path or "/"
    if not any(path.startswith(prefix) for prefix in source.path_prefixes):
        return f"outside scope: path {path} is not under {', '.join(source.path_prefixes)}"
    return None


def _addresses(host: str) -> list[ipaddress._BaseAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _private_kind(address: ipaddress._BaseAddress) -> str | None:
    for kind in ("loopback", "link_local", "private", "reserved", "multicast", "unspecified"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None


@lru_cache(maxsize=1024)
def refused_address(host: str, allow_private: bool) -> str | None:
    """Why `host` must not be contacted (unresolvable, or a private/loopback/link-local
    address when not allowed), or None."""
    try:
        addresses = _addresses(host)
    except (socket.gaierror, UnicodeError) as exc:
        return f"cannot resolve host {host}: {exc}"
    if allow_private:
        return None
    for address in addresses:
        kind = _private_kind(address)
        if kind:
            return f"refused: {host} resolves to {kind} address {address} (use --allow-private)"
    return None
