"""Coverage-guided fuzzing of the YAML loader (atheris).

Contract: `load_yaml(bytes)` returns a `Loaded` and never raises. When it returns data, the data
is a dict and every recorded span is inside the text (line >= 1, column >= 1); when it does not,
there is at least one PCE001/PCE003 problem.

    python fuzz/fuzz_loader.py -runs=1000000 -max_len=4096 fuzz/corpus/loader
"""
import sys

import atheris

with atheris.instrument_imports():
    from pcelint.core.loader import LINE_BREAK, Loaded, load_yaml
    from pcelint.limits import Limits

LIMITS = Limits(max_bytes=64 * 1024, max_aliases=20, max_nodes=2000, max_depth=32)


def check_span(span, lines):
    """The start is a position in the text: a line (the text split at YAML line breaks, so a
    text ending in a line break has an empty last line) and a column from 1 to one past that
    line's last character; the end is not before the start."""
    assert span.line >= 1 and span.column >= 1, span
    assert span.line <= len(lines), (span, len(lines))
    assert span.column <= len(lines[span.line - 1]) + 1, span
    assert (span.end_line, span.end_column) >= (span.line, span.column), span


def TestOneInput(data: bytes) -> None:
    loaded = load_yaml(data, LIMITS)
    assert isinstance(loaded, Loaded)
    if loaded.data is None:
        assert loaded.problems, "no data and no problem"
        assert all(p.code in ("PCE001", "PCE002", "PCE003") for p in loaded.problems)
    else:
        assert isinstance(loaded.data, dict)
    text = loaded.text if loaded.text is not None else data.decode("utf-8", "replace")
    lines = LINE_BREAK.split(text)
    for problem in loaded.problems:
        check_span(problem.span, lines)
    for key_span, value_span in loaded.spans.values():
        if key_span is not None:
            check_span(key_span, lines)
        check_span(value_span, lines)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
