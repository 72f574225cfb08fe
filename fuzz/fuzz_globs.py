"""Coverage-guided fuzzing of the `per_file_ignores` glob matcher (atheris).

Contract: `Glob(pattern).match(path)` never raises (a pattern longer than `MAX_GLOB_CHARS` is a
ValueError, a config error) and, on inputs short enough for a backtracking regular expression to
finish, agrees with the translation to a regular expression it replaced (below, with `.` also
matching a line break, as a path character is a path character).

    python fuzz/fuzz_globs.py -runs=1000000 -max_len=4096 /tmp/corpus/globs fuzz/seeds/globs
"""
import re
import sys

import atheris

with atheris.instrument_imports():
    from pcelint.post.globmatch import MAX_GLOB_CHARS, Glob

REFERENCE_MAX = 24  # pattern and path lengths the backtracking reference is asked about
REFERENCE_STARS = 6  # and its stars: 23 stars made the reference itself backtrack for minutes


def reference(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.S)


def TestOneInput(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    pattern, _, path = text.partition("\0")
    try:
        glob = Glob(pattern)
    except ValueError:
        assert len(pattern) > MAX_GLOB_CHARS
        return
    got = glob.match(path)
    assert got in (True, False)
    if len(pattern) <= REFERENCE_MAX and len(path) <= REFERENCE_MAX and \
            pattern.count("*") <= REFERENCE_STARS:
        assert got == bool(reference(pattern).match(path)), (pattern, path, got)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
