"""`--nameserver HOST[:PORT]` values: split and checked before any linting (no dnspython here).

A port that is not a number from 1 to 65535, an empty host, or brackets around something that is
not an IPv6 address is a usage error naming the argument; before, `127.0.0.1:99999` ended in
asyncio tracebacks and `127.0.0.1:abc` in an internal error.
"""
from __future__ import annotations

import ipaddress


def _port(text: str, spec: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or not 1 <= int(text) <= 65535:
        raise ValueError(f"'{spec}' has the port '{text[:20]}'; a port is a number from 1 to 65535")
    return int(text)


def split_server(spec: str) -> tuple[str, int]:
    """'HOST[:PORT]', '[v6]:PORT' or a bare IPv6 address -> (host, port); ValueError (a sentence
    without the final period) when it is none of these."""
    text = spec.strip()
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        if not closed or not _is_v6(host) or (rest and not rest.startswith(":")):
            raise ValueError(f"'{spec}' is not HOST[:PORT] or [IPV6]:PORT")
        return host, _port(rest[1:], spec) if rest else 53
    if text.count(":") > 1:  # a bare IPv6 address
        if not _is_v6(text):
            raise ValueError(f"'{spec}' is not HOST[:PORT]; write an IPv6 address with a port "
                             "as [IPV6]:PORT")
        return text, 53
    host, colon, port = text.partition(":")
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"'{spec}' names no host; write HOST[:PORT]")
    return host, _port(port, spec) if colon else 53


def _is_v6(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).version == 6
    except ValueError:
        return False
