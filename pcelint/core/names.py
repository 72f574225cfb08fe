"""DNS host names: validation (PCE103) and comparison (case-insensitive, one trailing dot)."""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def norm(name) -> str:
    """Comparable form: lower case, one trailing dot removed."""
    text = str(name).strip().lower()
    return text[:-1] if text.endswith(".") else text


def same(a, b) -> bool:
    return a is not None and b is not None and norm(a) == norm(b)


# An IPv4 address is ASCII digits and dots only; an IPv6 address has a ':'. A text that is neither
# is no address: answered without ipaddress's two parse attempts and their exceptions (a host name
# is asked about several times per pair).
IPV4_CHARS = frozenset("0123456789.")


def is_ip(text) -> bool:
    text = str(text)
    if ":" not in text and not IPV4_CHARS.issuperset(text):
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def fqdn_problem(name) -> str | None:
    """Why `name` is not a valid DNS host name, or None. One trailing dot and upper case are fine."""
    if not isinstance(name, str):
        return "it is not a string"
    return _fqdn_problem(name)


@lru_cache(maxsize=4096)
def _fqdn_problem(name: str) -> str | None:
    # (several rules ask about each name of a pair: PCE103, PCE301, PCE402, ...)
    if name == "":
        return "it is empty"
    if "://" in name:
        return "it has a URL scheme; give the bare host name"
    if name.split() != [name]:  # a whitespace character anywhere (str.isspace's definition)
        return "it contains whitespace"
    if "/" in name:
        return "it has a path; give the bare host name"
    if ":" in name:
        return "it has a port; give the bare host name (ports have their own keys)"
    if "*" in name:
        return "it has a wildcard; give one concrete host name"
    if not name.isascii():
        return "it has non-ASCII characters; write an internationalized name as A-labels ('xn--...')"
    if "_" in name:
        return "it has an underscore, which host names may not contain"
    body = name[:-1] if name.endswith(".") else name
    if len(body) > 253:
        return f"it is {len(body)} characters long; a name may have at most 253"
    for label in body.split("."):
        if label == "":
            return "it has an empty label ('..' or a leading dot)"
        if len(label) > 63:
            return f"the label '{label[:20]}...' is {len(label)} characters long; a label may have at most 63"
        if not _LABEL.match(label):
            return f"the label '{label}' has a character other than letters, digits and inner hyphens"
    return None
