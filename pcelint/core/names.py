"""DNS host names: validation (PCE103) and comparison (case-insensitive, one trailing dot)."""
from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def norm(name) -> str:
    """Comparable form: lower case, one trailing dot removed."""
    text = str(name).strip().lower()
    return text[:-1] if text.endswith(".") else text


def same(a, b) -> bool:
    return a is not None and b is not None and norm(a) == norm(b)


def is_ip(text) -> bool:
    try:
        ipaddress.ip_address(str(text))
    except ValueError:
        return False
    return True


def fqdn_problem(name) -> str | None:
    """Why `name` is not a valid DNS host name, or None. One trailing dot and upper case are fine."""
    if not isinstance(name, str):
        return "it is not a string"
    if name == "":
        return "it is empty"
    if "://" in name:
        return "it has a URL scheme; give the bare host name"
    if any(c.isspace() for c in name):
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
