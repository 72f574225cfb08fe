"""Source excerpts for reports. The lines in `RunResult.sources` are already masked by
pcelint.core.mask; here an excerpt is clipped, checked for key material once more and escaped."""
from __future__ import annotations

from pcelint.core.mask import excerpt_line
from pcelint.reporters.escape import escape

EXCERPT_MAX = 300  # characters of a source line shown


def masked(line: str) -> str:
    if len(line) > EXCERPT_MAX:  # a 1 MB one-line file
        line = line[:EXCERPT_MAX] + "..."
    return escape(excerpt_line(line.expandtabs(1)))


def source_line(result, path: str, line: int) -> str | None:
    lines = result.sources.get(path)
    if not lines or not 1 <= line <= len(lines):
        return None
    return masked(lines[line - 1])
