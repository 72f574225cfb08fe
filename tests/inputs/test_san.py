"""pcelint.inputs.tls.san: RFC 9525 name matching, table-driven."""
from __future__ import annotations

import ipaddress

import pytest

from pcelint.inputs.tls.san import covers, reference_name, san_problem

IP = ipaddress.ip_address

# (SAN dNSName entries, SAN iPAddress entries, configured name, covered?)
MATCHES = [
    # exact, case-insensitive, one trailing dot on the configured name ignored
    (["pce.example.com"], [], "pce.example.com", True),
    (["PCE.Example.COM"], [], "pce.example.com", True),
    (["pce.example.com"], [], "PCE.EXAMPLE.COM", True),
    (["pce.example.com"], [], "pce.example.com.", True),
    (["pce.example.com"], [], "pce.example.com..", False),
    (["pce.example.com"], [], "pce2.example.com", False),
    (["pce.example.com"], [], "example.com", False),
    # a wildcard is the whole left-most label and matches exactly one label
    (["*.example.com"], [], "pce.example.com", True),
    (["*.Example.Com"], [], "PCE.example.com.", True),
    (["*.example.com"], [], "a.b.example.com", False),
    (["*.example.com"], [], "example.com", False),  # never the bare parent
    (["*.example.com"], [], ".example.com", False),
    (["*.b.example.com"], [], "a.b.example.com", True),
    (["*.b.example.com"], [], "a.c.example.com", False),
    # partial wildcards and wildcards elsewhere match nothing
    (["f*o.example.com"], [], "foo.example.com", False),
    (["f*.example.com"], [], "foo.example.com", False),
    (["*o.example.com"], [], "foo.example.com", False),
    (["pce.*.com"], [], "pce.example.com", False),
    (["*.*.example.com"], [], "a.b.example.com", False),
    (["*.com"], [], "example.com", False),
    (["*"], [], "localhost", False),
    # SAN values that can match nothing
    (["pce.example.com."], [], "pce.example.com", False),
    (["pce..example.com"], [], "pce..example.com", False),
    (["bücher.example.com"], [], "bücher.example.com", False),
    ([""], [], "pce.example.com", False),
    # non-ASCII configured names are compared as A-labels
    (["xn--bcher-kva.example.com"], [], "bücher.example.com", True),
    (["xn--bcher-kva.example.com"], [], "BÜCHER.example.com", True),
    (["*.example.com"], [], "bücher.example.com", True),
    # the CN never counts: covers() is only ever given SAN entries; a dNSName that looks like an IP
    # does not cover an IP, an iPAddress entry does not cover a host name
    (["10.0.0.1"], [], "10.0.0.1", False),
    ([], [IP("10.0.0.1")], "10.0.0.1", True),
    ([], [IP("10.0.0.1")], "10.0.0.2", False),
    ([], [IP("2001:db8::1")], "2001:DB8:0::1", True),
    ([], [IP("10.0.0.1")], "pce.example.com", False),
    (["*.0.0.1"], [], "10.0.0.1", False),
    # nothing at all
    ([], [], "pce.example.com", False),
    (["a.example.com", "*.example.com"], [], "pce.example.com", True),
]


@pytest.mark.parametrize("dns, ips, name, expected", MATCHES)
def test_covers(dns, ips, name, expected):
    assert covers(dns, ips, name) is expected


PROBLEMS = [
    ("pce.example.com", None),
    ("*.example.com", None),
    ("*.b.example.com", None),
    ("xn--bcher-kva.example.com", None),
    ("f*o.example.com", "partial wildcard"),
    ("*pce.example.com", "partial wildcard"),
    ("pce*.example.com", "partial wildcard"),
    ("pce.*.example.com", "not in the left-most label"),
    ("*.*.example.com", "not in the left-most label"),
    ("*.com", "fewer than two labels"),
    ("*", "fewer than two labels"),
    ("pce.example.com.", "ends with a dot"),
    ("pce..example.com", "empty label"),
    (".example.com", "empty label"),
    ("bücher.example.com", "non-ASCII"),
    ("", "empty"),
]


@pytest.mark.parametrize("value, problem", PROBLEMS)
def test_san_problem(value, problem):
    found = san_problem(value)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize("name, expected", [
    ("PCE.Example.com.", "pce.example.com"),
    ("bücher.example.com", "xn--bcher-kva.example.com"),
    ("", None),
    (".", None),
    ("a..b", None),
    ("*.example.com", None),
])
def test_reference_name(name, expected):
    assert reference_name(name) == expected
