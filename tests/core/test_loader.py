"""The loader: positions, duplicate keys (PCE002), encoding and syntax (PCE001), limits (PCE003)."""
from __future__ import annotations

import pytest
from helpers.yamldata import typed

from pcelint.core.findings import Span
from pcelint.core.loader import load_yaml
from pcelint.limits import Limits


def problems(raw: bytes, limits=Limits()):
    return [(p.code, p.span.line, p.span.column) for p in load_yaml(raw, limits).problems]


def test_positions_block_flow_and_multiline():
    loaded = load_yaml(
        "pce_fqdn: pce.example.com\n"
        "traffic_datastore: {max_disk_usage_gb: 400, data_dir: /data}\n"
        "login_banner: 'first line\n"
        "  second line'\n"
        "cluster_public_ips:\n"
        "  cluster_fqdn:\n"
        "    - 10.0.0.1\n"
        "    - 10.0.0.2\n".encode())
    spans = loaded.spans
    assert spans[("pce_fqdn",)] == (Span(1, 1, 1, 9), Span(1, 11, 1, 26))
    assert spans[("traffic_datastore", "max_disk_usage_gb")] == (Span(2, 21, 2, 38), Span(2, 40, 2, 43))
    assert spans[("traffic_datastore",)][1] == Span(2, 20, 2, 61)  # the whole flow mapping
    assert spans[("login_banner",)][1] == Span(3, 15, 4, 15)  # a multi-line scalar
    assert loaded.data["login_banner"] == "first line second line"
    assert spans[("cluster_public_ips", "cluster_fqdn", 1)] == (None, Span(8, 7, 8, 15))


def test_columns_count_code_points_not_bytes():
    loaded = load_yaml("login_banner: 'Grüße'\nemail_display_name: x\n".encode())
    assert loaded.spans[("login_banner",)][1] == Span(1, 15, 1, 22)
    loaded = load_yaml("dåtå: 'é'\n".encode())
    assert loaded.spans[("dåtå",)][1] == Span(1, 7, 1, 10)


def test_bom_is_fine():
    loaded = load_yaml(b"\xef\xbb\xbfpce_fqdn: a.example.com\n")
    assert loaded.data == {"pce_fqdn": "a.example.com"} and loaded.problems == []


@pytest.mark.parametrize("raw, expected", [
    (b"a: 1\na: 2\n", [("PCE002", 2, 1)]),
    (b"s:\n  k: 1\n  j: 2\n  k: 3\n", [("PCE002", 4, 3)]),
    (b"s: {k: 1, k: 2}\n", [("PCE002", 1, 11)]),
    (b"a: 1\na: 2\na: 3\n", [("PCE002", 2, 1), ("PCE002", 3, 1)]),
])
def test_duplicate_keys(raw, expected):
    assert problems(raw) == expected


def test_duplicate_key_keeps_last_value_and_points_at_first():
    loaded = load_yaml(b"a: 1\nb: 0\na: 2\n")
    assert loaded.data == {"a": 2, "b": 0}
    assert loaded.problems[0].related == Span(1, 1, 1, 2)


@pytest.mark.parametrize("raw, expected", [
    (b"a: [1\n", [("PCE001", 2, 1)]),
    (b"a: 1\n---\nb: 2\n", [("PCE001", 2, 1)]),
    (b"- 1\n- 2\n", [("PCE001", 1, 1)]),
    (b"", [("PCE001", 1, 1)]),
    (b"# only a comment\n", [("PCE001", 1, 1)]),
    (b"just a string\n", [("PCE001", 1, 1)]),
    (b"a: b\n\tc: d\n", [("PCE001", 2, 1)]),
    (b"{[1]: 2}\n", [("PCE001", 1, 2)]),
    (b"a: *nothing\n", [("PCE001", 1, 4)]),
    (b"a: !!int abc\n", [("PCE001", 1, 4)]),
    (b"a: 1\x00\n", [("PCE001", 1, 5)]),
])
def test_syntax_problems(raw, expected):
    assert problems(raw) == expected


def test_invalid_utf8_reports_the_byte_offset():
    loaded = load_yaml(b"pce_fqdn: ok\nlogin_banner: caf\xe9\n")
    [p] = loaded.problems
    assert (p.code, p.span.line, p.span.column) == ("PCE001", 2, 18)
    assert "byte offset 30" in p.message and "'0xe9'" in p.message


def test_utf16_is_named():
    [p] = load_yaml("pce_fqdn: a\n".encode("utf-16")).problems
    assert p.code == "PCE001" and "UTF-16" in p.message


def _bomb(levels: int) -> bytes:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("raw, limits, line, words", [
    (b"a: !!python/object/apply:os.system ['true']\n", Limits(), 1, "!!python/object/apply:os.system"),
    (b"a: !custom x\n", Limits(), 1, "'!custom'"),
    (b"a: !!python/name:os.system {}\n", Limits(), 1, "!!python/name:os.system"),
    (_bomb(9), Limits(), 5, "expands to more than 100000 nodes"),
    (b"a: &x [1]\n" + b"".join(b"b%d: *x\n" % i for i in range(101)), Limits(), 102,
     "more than 100 aliases"),
    (b"a: " + b"[" * 65 + b"]" * 65 + b"\n", Limits(), 1, "deeper than 64 levels"),
    (b"a: " + b"[" * 10000 + b"]" * 10000 + b"\n", Limits(), 1, "deeper than 64 levels"),
    ("".join("  " * i + f"k{i}:\n" for i in range(70)).encode() + b"  " * 70 + b"v\n",
     Limits(), 65, "deeper than 64 levels"),
    (b"a: &x\n  b: *x\n", Limits(), 2, "recursive alias"),
    (b"a: " + b"x" * 2000 + b"\n", Limits(max_bytes=1000), 1, "larger than 1000 bytes"),
    (b"a: [1, [2, [3]]]\n", Limits(max_depth=3), 1, "deeper than 3 levels"),
])
def test_unsafe_input_is_refused(raw, limits, line, words):
    loaded = load_yaml(raw, limits)
    assert loaded.data is None
    [p] = loaded.problems
    assert (p.code, p.span.line) == ("PCE003", line)
    assert words in p.message


def test_aliases_within_limits_are_expanded_and_merge_keys_work():
    loaded = load_yaml(b"base: &b {max_disk_usage_gb: 400}\ntraffic_datastore:\n  <<: *b\n"
                       b"  wal_keep_segments: 10\n")
    assert loaded.problems == []
    assert loaded.data["traffic_datastore"] == {"wal_keep_segments": 10, "max_disk_usage_gb": 400}


def test_yaml_11_values_as_the_pce_reads_them():
    data = load_yaml(b"a: yes\nb: off\nc: 010\nd: 0x1F\ne: 1_000\nf: ~\ng: '8443'\n").data
    assert data == {"a": True, "b": False, "c": 8, "d": 31, "e": 1000, "f": None, "g": "8443"}


# --- issue 14 / issue 12: PyYAML's safe loader as the reference; numbers and nesting bounded ----

@pytest.mark.parametrize("raw, expected", [
    # libyaml reports a UTF-8 byte offset; the span is in code points
    ("login_banner: \"日本語のバナー\"\nnode_type: x\x01y\n".encode(), [("PCE001", 2, 13)]),
    (b"a: <<\n", [("PCE001", 1, 4)]),  # PyYAML: no constructor for the merge tag as a value
    (b"a: [<<]\n", [("PCE001", 1, 5)]),
    (b"a: &x 1\nb: &x 2\nc: *x\n", [("PCE001", 2, 4)]),  # PyYAML: "found duplicate anchor"
    (b"a: !!map [1, 2]\n", [("PCE001", 1, 4)]),
    (b"a: !!seq {b: 1}\n", [("PCE001", 1, 4)]),
    (b"a: !!str [1]\n", [("PCE001", 1, 4)]),
    (b"a: !!map x\n", [("PCE001", 1, 4)]),
    (b"a: !!set {x, y}\n", [("PCE003", 1, 4)]),  # sets and pairs: never in a runtime_env file
    (b"a: !!omap [{b: 1}]\n", [("PCE003", 1, 4)]),
    (b"a: !!pairs [{b: 1}]\n", [("PCE003", 1, 4)]),
])
def test_refusals_match_pyyaml(raw, expected):
    assert problems(raw) == expected


def test_non_specific_tag_resolves_like_an_untagged_scalar():
    data = load_yaml(b"front_end_https_port: ! 8443\nb: ! '8443'\nc: ! yes\nd: !!str 1\n").data
    assert data == {"front_end_https_port": 8443, "b": 8443, "c": True, "d": "1"}


@pytest.mark.parametrize("raw, span", [
    (b"a: 0x" + b"f" * 4000 + b"\n", Span(1, 4, 1, 4006)),  # int() fine, str() past 4,300 digits
    (b"a: " + b"9" * 101 + b"\n", Span(1, 4, 1, 105)),
    (b"x: " + b"1:" * 520_000 + b"1\n", Span(1, 4, 1, 1_040_005)),  # base 60: quadratic conversion
    (b"a: !!int " + b"1" * 200 + b"\n", Span(1, 4, 1, 210)),
    (b"a: 1." + b"5" * 200 + b"\n", Span(1, 4, 1, 206)),
])
def test_overlong_numbers_are_refused_before_conversion(raw, span):
    [p] = load_yaml(raw).problems
    assert (p.code, p.span) == ("PCE003", span)
    assert "more than the 100 pcelint reads" in p.message


def test_numbers_up_to_the_bound_load():
    assert load_yaml(b"a: " + b"9" * 100 + b"\nb: 1:30:00\n").data == {"a": int("9" * 100), "b": 5400}


@pytest.mark.parametrize("raw, limits, span", [
    # libyaml (PyYAML >= 6.0.3 wheels) gives up at ~1000 levels while looking ahead on one line
    (b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", Limits(), Span(1, 67, 1, 68)),
    (b"a: [ 'x[[[', \"\\\"{{\", # c\n  " + b"{a: " * 2000 + b"\n", Limits(), Span(2, 3 + 4 * 62, 2, 4 + 4 * 62)),
    (b"a: [\n" + b"[\n" * 1100, Limits(), Span(64, 1, 64, 2)),
    (b"a: " + b"[" * 1500 + b"]" * 1500 + b"\n", Limits(max_depth=1200), None),
])
def test_deep_nesting_is_pce003_at_the_first_deeper_opener(raw, limits, span):
    [p] = load_yaml(raw, limits).problems
    assert p.code == "PCE003"
    if span is not None:
        assert p.span == span
    else:  # a limit beyond the parser's own: PCE003 where the parser gave up, or at the limit
        assert "nest" in p.message


@pytest.mark.parametrize("raw", [b"? a", b"a:\n  ? b", b"a: 'x", b"a: [1,", b"a: 'x\n", b"a:\n  b:"])
def test_every_span_lies_inside_the_text(raw):
    loaded = load_yaml(raw)
    text = raw.decode()
    lines = text.split("\n")
    end = (len(lines), len(lines[-1]) + 1)
    spans = [p.span for p in loaded.problems] + [s for pair in loaded.spans.values() for s in pair if s]
    assert spans
    for span in spans:
        assert (span.line, span.column) <= (span.end_line, span.end_column) <= end, (raw, span)


# Plain scalars at the edges of YAML 1.1's implicit types (PyYAML's resolver): booleans, nulls,
# integers (0x, 0o, 0b, base 60, '_'), floats, timestamps, and strings that start like them.
TRICKY_SCALARS = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "true", "True",
    "TRUE", "false", "False", "FALSE", "y", "Y", "n", "N", "yES", "oN", "nope", "Yesterday",
    "offline", "online", "tRue", "~", "null", "Null", "NULL", "nulls", "~x", "tilde~", "0x1F",
    "0X1F", "0o17", "017", "0b1010", "1_000", "190:20:30", "1:60", "-0", "+12", "-0x1", ".5",
    "-.inf", "+.INF", ".NaN", ".nan", ".hidden", "1e3", "1.0e+3", "6.8523015e+5", "685_230.15",
    "190:20:30.15", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2002-1-1", "12h", "0day", "-x", "+x", "=x", "<x", "éclair", "漢字", "/etc/ssl/ca.pem",
    "pce.example.com", "10.0.0.1", "fe80::1", "c2VjcmV0", "Off-site", "NaN", "inf",
]


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_plain_scalars_resolve_as_pyyaml_resolves_them(scalar):
    import yaml

    from pcelint.core.loader import Loader
    for text in (f"k: {scalar}\n", f"{scalar}: v\n", f"k: [{scalar}]\n", f"k: '{scalar}'\n",
                 f"k: ! {scalar}\n", f"k: !!str {scalar}\n", f"k:\n  - {scalar}\n"):
        loaded = load_yaml(text.encode())
        theirs = yaml.load(text, Loader=Loader)  # noqa: S506 - the safe loader pcelint uses
        assert typed(loaded.data) == typed(theirs), text
        assert not loaded.problems, text


def test_a_scalar_no_implicit_type_can_start_with_skips_the_resolver(monkeypatch):
    """PyYAML's resolver indexes its regexes by first character: a plain scalar whose first
    character has none (and every quoted scalar) is a string without asking it."""
    from yaml.resolver import Resolver

    from pcelint.core import loader
    asked = []
    real = Resolver.resolve
    monkeypatch.setattr(Resolver, "resolve", lambda self, kind, value, implicit:
                        asked.append(value) or real(self, kind, value, implicit))
    monkeypatch.setattr(loader, "_RESOLVED", {})
    data = load_yaml(b"pce_fqdn: pce.example.com\nlog_dir: /var/log\nn1: nothing\n"
                     b"q: '12'\nw: 400\nt: yes\nd: .5\ne:\nx: -x\n").data
    assert data == {"pce_fqdn": "pce.example.com", "log_dir": "/var/log", "n1": "nothing",
                    "q": "12", "w": 400, "t": True, "d": 0.5, "e": None, "x": "-x"}
    assert asked == ["n1", "nothing", "400", "t", "yes", ".5", "", "-x"]


def test_a_resolver_added_at_run_time_is_honoured(monkeypatch):
    """The first characters come from PyYAML's live table, not a copy made at import."""
    import re

    from yaml.resolver import Resolver

    from pcelint.core import loader
    table = {k: list(v) for k, v in Resolver.yaml_implicit_resolvers.items()}
    table["x"] = [("tag:yaml.org,2002:int", re.compile(r"^x[0-9]+$"))]
    monkeypatch.setattr(Resolver, "yaml_implicit_resolvers", table)
    monkeypatch.setattr(loader, "_RESOLVED", {})
    loaded = load_yaml(b"a: xylophone\nb: x12\n")
    assert [(p.code, p.span.line, p.span.column) for p in loaded.problems] == [("PCE001", 2, 4)]


def test_remembered_values_load_as_the_first_time():
    """Numbers, booleans and nulls are remembered by their text: a second load is the same, NaN
    keys included (PyYAML gives every '.nan' one shared object: a repeated key, PCE002)."""
    text = b"a: {.nan: 1, .nan: 2}\nb: 400\nc: [0x10, 1:30, yes, ~, -.inf, 2001-12-14]\n"
    first, again = load_yaml(text), load_yaml(text)
    assert typed(first.data) == typed(again.data)
    assert first.data["c"][:5] == [16, 90, True, None, float("-inf")]
    assert [(p.code, p.span.line, p.span.column) for p in first.problems] == \
        [(p.code, p.span.line, p.span.column) for p in again.problems] == [("PCE002", 1, 14)]
