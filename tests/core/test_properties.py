"""Property-based tests (Hypothesis): the loader never raises and places every problem inside the
file; the host-name validator and the SAN matcher obey their laws and agree with the
`service-identity` package (test-only) on DNS-ID matching."""
from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pcelint.core import names
from pcelint.core.loader import LINE_BREAK, Loaded, load_yaml
from pcelint.inputs.tls import san
from pcelint.limits import Limits

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL_LIMITS = Limits(max_bytes=64 * 1024, max_aliases=20, max_nodes=2000, max_depth=32)

# -- the loader -----------------------------------------------------------------------------------

TOKENS = list("abcxyz019 \t\n\r:-?[]{},#&*!|>'\"%@`.=<~\\") + [
    "\x00", "\x85", "\u2028", "\ufeff", "é", "!!int ", "!!python/object ", "<<: ", "---\n", "&a ",
    "*a", "\n  ", "- ", ": "]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=200).map("".join)


def _positions_inside(loaded: Loaded, raw: bytes) -> None:
    text = loaded.text if loaded.text is not None else raw.decode("utf-8", "replace")
    lines = LINE_BREAK.split(text)
    spans = [p.span for p in loaded.problems]
    spans += [s for pair in loaded.spans.values() for s in pair if s is not None]
    for span in spans:
        assert span.line >= 1 and span.column >= 1, span
        assert span.line <= len(lines), (span, len(lines))
        assert span.column <= len(lines[span.line - 1]) + 1, span
        assert (span.end_line, span.end_column) >= (span.line, span.column), span


def _contract(raw: bytes) -> None:
    loaded = load_yaml(raw, SMALL_LIMITS)
    assert isinstance(loaded, Loaded)
    if loaded.data is None:
        assert loaded.problems and {p.code for p in loaded.problems} <= {"PCE001", "PCE002", "PCE003"}
    else:
        assert isinstance(loaded.data, dict)
    _positions_inside(loaded, raw)


@FAST
@given(st.binary(max_size=512))
@example(b"a: =\n")  # fuzz finding: PyYAML resolves a bare '=' to '!!value', which had no constructor
@example(b"a: !!int\n")  # fuzz finding: an empty '!!int' raised IndexError
@example(b"a: !!timestamp\n")  # fuzz finding: AttributeError
@example(b"{{bumi\r\r\ro}\n}")  # fuzz finding: '\r' line ends put the error past the last line
@example(b"?")  # fuzz finding: an empty value at the end of the text
def test_loader_never_raises_on_bytes(raw):
    _contract(raw)


@FAST
@given(YAMLISH)
def test_loader_never_raises_on_yamlish_text(text):
    _contract(text.encode("utf-8"))


# -- host names ------------------------------------------------------------------------------------

LABEL = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?\Z").filter(lambda s: not s.startswith("xn--"))
LAST = st.from_regex(r"\A[a-z][a-z0-9]{0,5}\Z")  # a letter: never an IP address
HOST = st.builds(lambda labels, last: ".".join([*labels, last]), st.lists(LABEL, min_size=1, max_size=4), LAST)


def _mixed_case(name: str, flips) -> str:
    return "".join(c.upper() if flip else c for c, flip in zip(name, flips + [False] * len(name)))


@FAST
@given(HOST, st.lists(st.booleans(), max_size=60))
def test_fqdn_validator_ignores_case_and_one_trailing_dot(host, flips):
    assert names.fqdn_problem(host) is None
    assert names.fqdn_problem(_mixed_case(host, flips)) is None
    assert names.fqdn_problem(host + ".") is None
    assert names.fqdn_problem(host + "..") is not None
    assert names.same(host, _mixed_case(host, flips) + ".")


@FAST
@given(HOST, st.sampled_from(["*", "_", " ", "/", ":", "..", "é"]))
def test_fqdn_validator_rejects_bad_characters(host, bad):
    head, _, tail = host.partition(".")
    assert names.fqdn_problem(f"{head}{bad}.{tail}") is not None


@FAST
@given(HOST, st.lists(st.booleans(), max_size=60), st.lists(st.booleans(), max_size=60))
def test_san_matching_is_case_insensitive_and_ignores_one_trailing_dot(host, flips, flips2):
    assert san.covers([_mixed_case(host, flips)], [], _mixed_case(host, flips2))
    assert san.covers([host], [], host + ".")
    assert not san.covers([host + "."], [], host)  # a SAN ending in a dot matches nothing (PCE409)


@FAST
@given(st.lists(LABEL, min_size=1, max_size=3), LAST, LABEL, st.lists(LABEL, min_size=1, max_size=2))
def test_wildcard_covers_exactly_one_label(parent_labels, last, one, more):
    parent = ".".join([*parent_labels, last])
    pattern = f"*.{parent}"
    assert san.covers([pattern], [], f"{one}.{parent}")
    assert not san.covers([pattern], [], parent)  # never the bare parent
    assert not san.covers([pattern], [], ".".join([*more, one, parent]))  # never two labels
    assert not san.covers([f"{one}*.{parent}"], [], f"{one}x.{parent}")  # never part of a label


@FAST
@given(st.one_of(
    HOST,  # an exact name
    st.builds(lambda p: "*." + p, HOST.filter(lambda h: h.count(".") >= 1)),  # a wildcard
), HOST, st.booleans(), st.booleans())
def test_san_matcher_agrees_with_service_identity(pattern, host, reuse, trailing_dot):
    from service_identity.hazmat import DNS_ID, DNSPattern

    if reuse:  # make matches likely: the host is the pattern, its wildcard made concrete
        host = pattern.replace("*", "www", 1)
    reference = host + ("." if trailing_dot else "")
    ours = san.covers([pattern], [], reference)
    theirs = DNS_ID(host).verify(DNSPattern.from_bytes(pattern.encode("ascii")))
    assert ours == theirs, (pattern, reference)


@FAST
@given(st.text(max_size=80))
def test_name_functions_never_raise(text):
    names.fqdn_problem(text)
    san.san_problem(text)
    san.reference_name(text)
    san.covers([text, "*." + text], [text], text)


# -- the loader's event loop: its inline way for plain strings in mappings ------------------------

MAPPINGISH = st.lists(st.sampled_from([
    "a: b\n", "a: 1\n", "k: v\n", "password: s3cret\n", "x:\n  password: p\n  y: z\n", "<<: {m: 1}\n",
    "<<: *a\n", "k: &a {p: q}\n", "k2: *a\n", "s: 'quoted'\n", "t: !!str 5\n", "l:\n  - a\n  - b: c\n",
    "? complex\n: value\n", "? [a, b]\n: value\n", "f: {a: b, c: d}\n", "n: ~\n", "d: 2024-01-01\n",
    "a: b # comment\n", "a: dup\n", "e:\n", "  i: j\n", "- x\n", "a: |\n  block\n", "secret_key:\n",
    "  - v\n", "b: yes\n", "c: .nan\n", ".nan: 1\n", "1: one\n", "1: again\n", "é: ü\n", "---\n",
]), max_size=25).map("".join)


def _loaded(raw: bytes, inline: bool, monkeypatch) -> tuple:
    from pcelint.core import loader

    monkeypatch.setattr(loader, "INLINE", inline)
    got = load_yaml(raw, SMALL_LIMITS)
    return (repr(got.data), list(got.spans.items()), [(p.code, p.message, p.span, p.key_path,
                                                      p.related) for p in got.problems],
            got.secrets, got.unsafe_from, got.text)


@FAST
@given(MAPPINGISH)
def test_inline_scalars_load_as_the_general_way_does(text):
    from _pytest.monkeypatch import MonkeyPatch

    patch = MonkeyPatch()
    try:
        raw = text.encode("utf-8")
        assert _loaded(raw, True, patch) == _loaded(raw, False, patch)
    finally:
        patch.undo()


def test_plain_strings_in_a_mapping_take_the_inline_way(monkeypatch):
    from pcelint.core import loader

    general = []
    real = loader._Builder._on_ScalarEvent
    monkeypatch.setattr(loader._Builder, "_on_ScalarEvent",
                        lambda self, event: general.append(event.value) or real(self, event))
    load_yaml(b"pce_fqdn: pce.example.com\nnode_type: core\nport: 8443\nt:\n  password: x\n")
    # a number, and plain scalars whose first letter may start a null or a boolean ('n', 't')
    assert general == ["node_type", "8443", "t"]
