"""pcelint's own certificate name matcher, after RFC 9525 (PCE402, PCE409).

Only subjectAltName entries count, never the subject CN. A dNSName wildcard is the whole left-most
label, matches exactly one label, never the bare parent and never part of a label. Names compare
case-insensitively after converting non-ASCII names to A-labels; one trailing dot on the configured
name is ignored. An IP address is compared only with iPAddress entries.

`ssl.match_hostname` is gone from Python 3.12 and cryptography's verifier accepts `*.com`, so
neither is used.
"""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from pcelint.core.names import IPV4_CHARS

# What a host name's labels may hold (letters, digits, hyphen; underscore is tolerated, as in
# service names). Anything else ('?', '(', ':', NUL, a URL's '/') can match no host name.
_LABEL = re.compile(r"[a-z0-9_-]+", re.I)
_PATTERN_CHARS = re.compile(r"[a-z0-9_.*-]*", re.I)



def _ip(text):
    text = str(text).strip()
    if ":" not in text and not IPV4_CHARS.issuperset(text):
        return None  # neither IPv4 nor IPv6 (pcelint.core.names.is_ip): no parse attempts
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def reference_name(name) -> str | None:
    """The configured name in comparable form (A-labels, lower case, no trailing dot), or None
    when it cannot be a host name."""
    return _reference_name(str(name))


@lru_cache(maxsize=4096)
def _reference_name(name: str) -> str | None:
    text = name.strip()
    if text.endswith("."):
        text = text[:-1]
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    text = text.lower()
    if not text or not all(_LABEL.fullmatch(label) for label in text.split(".")):
        return None  # empty labels, wildcards, URLs, brackets, ports: not a host name
    return text


def san_problem(value) -> str | None:
    """Why a SAN dNSName can match nothing (PCE409), or None when it is usable."""
    if not isinstance(value, str) or value == "":
        return "it is empty"
    return _san_problem(value)


@lru_cache(maxsize=4096)
def _san_problem(value: str) -> str | None:
    # (each SAN entry is judged for every name a pair needs, and by PCE409)
    if not value.isascii():
        return "it has non-ASCII characters (a certificate must carry A-labels, 'xn--...')"
    if not _PATTERN_CHARS.fullmatch(value):
        return "it has characters no host name holds"
    if value.endswith("."):
        return "it ends with a dot"
    labels = value.split(".")
    if any(label == "" for label in labels):
        return "it has an empty label"
    if "*" in value:
        first, rest = labels[0], labels[1:]
        if any("*" in label for label in rest):
            return "its wildcard is not in the left-most label"
        if first != "*":
            return "it is a partial wildcard (the '*' must be the whole left-most label)"
        if len(rest) < 2:
            return "its wildcard has fewer than two labels after it"
    return None


def dns_matches(pattern: str, reference: str) -> bool:
    """Does one SAN dNSName cover one reference name (already from `reference_name`)?"""
    if san_problem(pattern) is not None:
        return False
    pattern = pattern.lower()
    if pattern.startswith("*."):
        head, _, parent = reference.partition(".")
        return bool(head) and bool(parent) and parent == pattern[2:]
    return pattern == reference


def covers(dns_names, ip_addresses, name) -> bool:
    """Do the SAN entries cover the configured `name` (a host name or an IP address)?"""
    address = _ip(name)
    if address is not None:
        return any(address == _ip(entry) for entry in ip_addresses)
    reference = reference_name(name)
    if reference is None:
        return False
    return any(dns_matches(pattern, reference) for pattern in dns_names)
