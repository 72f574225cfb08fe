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


def _texts():
    import random
    rng = random.Random(17)
    alphabet = "0123456789.:abcdefABCDEF%/ -_*\t\u0663\u00a0\u3000xn\u00e9"
    fixed = ["", "10.0.0.1", " 10.0.0.1", "10.0.0.1 ", "1.2.3", "1.2.3.4.5", "01.2.3.4", "::1",
             "fe80::1%eth0", "fe80::1%", "::ffff:10.0.0.1", "pce.example.com", "\u0661.2.3.4",
             "1.2.3.4/32", "256.1.1.1", "a b", " a", "a\u3000", "pce_x.example"]
    return fixed + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                    for _ in range(3000)]


def test_address_tests_answer_as_ipaddress_and_parse_no_host_name(monkeypatch):
    import ipaddress

    from pcelint.core import names
    from pcelint.inputs.tls import san

    def parses(text):
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            return None

    for text in _texts():
        assert names.is_ip(text) == (parses(text) is not None), repr(text)
        assert san._ip(text) == parses(text.strip()), repr(text)
    parsed = []
    monkeypatch.setattr(ipaddress, "ip_address", lambda text: parsed.append(text))
    assert not names.is_ip("pce-a.example.com") and san._ip(" pce.example.com") is None
    assert parsed == []


def test_name_checks_kept_per_name_answer_as_computed_afresh():
    from pcelint.core import names
    from pcelint.inputs.tls import san

    def whitespace(name):  # what fqdn_problem said before: any character for which isspace()
        return any(c.isspace() for c in name)

    for text in _texts():
        fresh = names._fqdn_problem.__wrapped__(text)
        assert names.fqdn_problem(text) == fresh, repr(text)
        if text and "://" not in text:
            assert (fresh == "it contains whitespace") == whitespace(text), repr(text)
        if text:
            assert san.san_problem(text) == san._san_problem.__wrapped__(text), repr(text)
        assert san.reference_name(text) == san._reference_name.__wrapped__(text), repr(text)
    assert names.fqdn_problem(["not", "a", "string"]) == "it is not a string"
    assert san.san_problem(None) == "it is empty" and san.reference_name(8443) == "8443"
