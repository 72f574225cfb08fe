"""pcelint's RFC 9525 matcher (PCE402/PCE409) held against two peers' name-matching tables, pinned
as data in tests/fixtures/name-matching (rustls-webpki: ISC-style licence; Go: BSD-3-Clause; the
sources and commits are in cases.json). A peer's 'malformed' is PCE409 here (the SAN entry can
match nothing); Go has no such verdict and says 'no-match', which pcelint may refine to PCE409.
Where pcelint deliberately disagrees with Go, the case is listed below with the reason."""
from __future__ import annotations

import json

import pytest
from helpers.paths import FIXTURES

from pcelint.inputs.tls.san import covers, san_problem

FOLDER = FIXTURES / "name-matching"
TABLE = json.loads((FOLDER / "cases.json").read_text())

# (pattern, reference) -> (Go's verdict, pcelint's, why pcelint differs). RULES.md PCE409.
GO_DEVIATIONS = {
    ("www.example..com", "www.example..com"): "an empty label matches no host name",
    ("example.com.", "example.com."): "a SAN entry with a trailing dot is PCE409",
    ("*.com", "example.com"): "a wildcard needs two labels after it ('*.com' is PCE409)",
    ("*.com", "example.com."): "a wildcard needs two labels after it ('*.com' is PCE409)",
    ("foo:bar", "foo:bar"): "':' is no host-name character (a port is not a name)",
}


def verdict(pattern: str, reference: str) -> str:
    if san_problem(pattern) is not None:
        return "malformed"
    return "match" if covers([pattern], [], reference) else "no-match"


def _cases(source):
    return [pytest.param(c["pattern"], c["reference"], c["expected"], id=f"{source}-{i}")
            for i, c in enumerate(TABLE[source])]


@pytest.mark.parametrize("pattern, reference, expected", _cases("rustls-webpki"))
def test_rustls_webpki_table(pattern, reference, expected):
    assert verdict(pattern, reference) == expected


@pytest.mark.parametrize("pattern, reference, expected", _cases("go"))
def test_go_table(pattern, reference, expected):
    got = verdict(pattern, reference)
    if (pattern, reference) in GO_DEVIATIONS:
        assert (expected, got) == ("match", "malformed"), GO_DEVIATIONS[(pattern, reference)]
    elif expected == "no-match":
        assert got in ("no-match", "malformed")
    else:
        assert got == expected


def test_tables_are_pinned_with_their_licences():
    assert len(TABLE["rustls-webpki"]) == 110 and len(TABLE["go"]) == 38
    assert "Brian Smith" in (FOLDER / "LICENSE-rustls-webpki").read_text()
    assert "The Go Authors" in (FOLDER / "LICENSE-golang-go").read_text()
    assert set(TABLE["sources"]) == {"rustls-webpki", "go"}
