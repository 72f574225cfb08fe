"""Source excerpts for reports, with secret values masked."""
from __future__ import annotations

import re

from pcelint.core.mask import SECRET_MARKERS

# A key (a run of [\w.-] holding a marker, optionally quoted) and its value. Linear: a key starts
# only where a run starts, a lazy lookahead finds the marker once per run, and the possessive
# quantifiers never give characters back (`[\w.-]*(?:marker)[\w.-]*` from every position of a
# run was quadratic in its length).
_SECRET_VALUE = re.compile(
    r"(?P<key>(?<![\w.-])[\"']?(?=[\w.-]*?(?:%s))[\w.-]++[\"']?\s*+:[ \t]*+)"
    r"(?P<value>[^,}\]#\n]*+)" % "|".join(SECRET_MARKERS), re.I)
_PEM_BODY = re.compile(r"^[A-Za-z0-9+/=]{16,}$")


EXCERPT_MAX = 300  # characters of a source line shown; the masking regex is quadratic in it


def masked(line: str) -> str:
    if len(line) > EXCERPT_MAX:  # a 1 MB one-line file made the masking run for minutes
        line = line[:EXCERPT_MAX] + "..."
    line = _SECRET_VALUE.sub(lambda m: m.group("key") + ("****" if m.group("value").strip() else ""),
                             line)
    return "****" if _PEM_BODY.match(line.strip()) else line


def source_line(result, path: str, line: int) -> str | None:
    lines = result.sources.get(path)
    if not lines or not 1 <= line <= len(lines):
        return None
    return masked(lines[line - 1])
