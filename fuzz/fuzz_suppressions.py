"""Coverage-guided fuzzing of the suppression-comment parser (atheris).

Contract: `parse(path, lines)` never raises and returns Suppressions whose span starts at the
comment's `#` on its line; on lines short enough for a backtracking regular expression to finish,
it finds exactly what the pattern it replaced (below) finds, so the rewrite changed no meaning.

    python fuzz/fuzz_suppressions.py -runs=1000000 -max_len=4096 /tmp/corpus/suppressions fuzz/seeds/suppressions
"""
import re
import sys

import atheris

with atheris.instrument_imports():
    from pcelint.core.comments import find_comment, parse

# The pattern main used before issue 12 (it backtracks on long runs of spaces: reference only).
OLD = re.compile(r"(?:^|(?<=\s))#\s*pcelint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*"
                 r"(?P<rules>[^\s#-][^#]*?)\s*(?:--\s*(?P<reason>.*?))?\s*$")
REFERENCE_MAX = 200  # characters of a line the old pattern is asked about


def TestOneInput(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    found = parse("f.yml", lines)
    for s in found:
        line = lines[s.span.line - 1]
        assert line[s.span.column - 1] == "#", (line, s)
        assert s.kind in ("disable", "disable-file")
        assert s.target in (0, s.span.line, s.span.line + 1)
    for line in lines:
        if len(line) > REFERENCE_MAX:
            continue
        old = OLD.search(line)
        new = find_comment(line)
        if old is None:
            assert new is None, (line, new)
            continue
        assert new is not None, line
        start, kind, rules, reason = new
        assert start == old.start() and kind == old.group("kind"), (line, new)
        assert [t.strip() for t in rules.split(",") if t.strip()] == \
            [t.strip() for t in old.group("rules").split(",") if t.strip()], (line, new)
        assert (reason or "").strip() == (old.group("reason") or "").strip(), (line, new)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
