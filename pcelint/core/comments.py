"""`# pcelint: disable=...` comments: parsed from a file's lines (PCE004 reads them, post-processing
applies them), and the subject of PCE005."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pcelint.core.findings import Span

_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*pcelint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*"
                      r"(?P<rules>[^\s#-][^#]*?)\s*(?:--\s*(?P<reason>.*?))?\s*$")


@dataclass(frozen=True)
class Suppression:
    path: str
    span: Span  # the comment
    kind: str  # "disable" or "disable-file"
    tokens: tuple  # rule codes, names or prefixes as written
    reason: str  # "" when missing
    target: int  # the line whose findings it suppresses (0: the whole file)
    text: str  # the comment, normalized (fingerprint input)


def parse(path: str, lines: list[str]) -> list[Suppression]:
    found = []
    for number, line in enumerate(lines, 1):
        if "pcelint" not in line:
            continue
        match = _COMMENT.search(line)
        if not match:
            continue
        tokens = tuple(t.strip() for t in match.group("rules").split(",") if t.strip())
        alone = not line[:match.start()].strip()
        kind = match.group("kind")
        target = 0 if kind == "disable-file" else (number + 1 if alone else number)
        span = Span(number, match.start() + 1, number, len(line.rstrip()) + 1)
        found.append(Suppression(path, span, kind, tokens, (match.group("reason") or "").strip(),
                                 target, " ".join(match.group(0).split())))
    return found


@dataclass
class Unused:
    """The subject of PCE005: each suppression comment of this run with its tokens that matched
    no finding of a rule that ran."""

    items: dict  # Suppression -> [tokens]
