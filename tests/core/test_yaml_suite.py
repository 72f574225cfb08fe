"""The official YAML test suite (402 inputs, pinned in tests/fixtures/yaml-test-suite, MIT licence)
through pcelint's loader, with PyYAML's safe loader (the same libyaml or pure-Python parser) as the
reference: never a crash, an error exactly where PyYAML errs (pcelint may refuse more, only for
its documented reasons), the same data wherever both load, and every position inside the text and
on the token it names."""
from __future__ import annotations

import json

import pytest
import yaml
from helpers.paths import FIXTURES
from helpers.yamldata import typed

from pcelint.core.loader import LINE_BREAK, Loader, load_yaml

SUITE = json.loads((FIXTURES / "yaml-test-suite" / "cases.json")
                   .read_text("utf-8"))
CASES = SUITE["cases"]
# pcelint refuses what PyYAML would build but a runtime_env file never holds (documented in
# docs/limits.md and RULES.md, PCE001/PCE003), and more than one document (PCE001).
REFUSED = ("is not a mapping", "top level of the file is", "builds tuples or sets",
           "more than one YAML document")


def _pyyaml(text: str):
    try:
        return "ok", yaml.load(text, Loader=Loader)  # noqa: S506 - the safe loader pcelint uses
    except yaml.YAMLError:
        return "error", None
    except (ValueError, TypeError, RecursionError):  # constructors on odd input
        return "error", None


def _typed(value):
    return typed(value, sort_maps=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_suite_case(case):
    entry = CASES[case]
    text = entry["in_yaml"]
    loaded = load_yaml(text.encode("utf-8"))  # must not raise
    status, theirs = _pyyaml(text)
    refused = [p for p in loaded.problems if p.code in ("PCE001", "PCE003")]
    if status == "error":
        assert loaded.data is None and refused, f"{case} ({entry['name']}): PyYAML refuses it"
    elif loaded.data is None:
        assert refused and any(words in p.message for p in refused for words in REFUSED), (
            case, entry["name"], [p.message for p in refused])
        assert not isinstance(theirs, dict) or any("builds tuples or sets" in p.message
                                                   for p in refused), case
    else:
        assert isinstance(theirs, dict)
        assert _typed(loaded.data) == _typed(theirs), f"{case} ({entry['name']})"
    _positions_inside(case, text, loaded)


def _positions_inside(case, text, loaded):
    lines = LINE_BREAK.split(text)
    end = (len(lines), len(lines[-1]) + 1)
    spans = [p.span for p in loaded.problems] + [p.related for p in loaded.problems if p.related]
    for path, (key_span, value_span) in loaded.spans.items():
        spans += [s for s in (key_span, value_span) if s is not None]
        key = path[-1] if path else None
        if key_span is not None and isinstance(key, str) and key and \
                key_span.line == key_span.end_line and key_span.end_column > key_span.column:
            first = lines[key_span.line - 1][key_span.column - 1:key_span.column]
            assert first in (key[:1], '"', "'", "!", "&", "*", "?", "\\"), (case, path, key_span)
    for span in spans:
        assert (1, 1) <= (span.line, span.column) <= (span.end_line, span.end_column) <= end, \
            (case, span, end)
        assert span.column <= len(lines[span.line - 1]) + 1, (case, span)


def test_suite_is_pinned_with_its_licence():
    folder = FIXTURES / "yaml-test-suite"
    assert len(CASES) == 402
    assert SUITE["commit"] == "6ad3d2c62885d82fc349026c136ef560838fdf3d"
    assert "MIT License" in (folder / "LICENSE").read_text()
