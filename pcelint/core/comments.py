"""`# pcelint: disable=...` comments: parsed from a file's lines (PCE004 reads them, post-processing
applies them), and the subject of PCE005."""
from __future__ import annotations

from pcelint.core.findings import Span

# The grammar (a regular expression would backtrack: `x # pcelint: disable=A` followed by thousands
# of spaces and a `#` took minutes on one line): a `#` at the start of the line or after
# whitespace, then `pcelint`, `:`, `disable` or `disable-file`, `=` (whitespace allowed around
# each), then the rule tokens (first character not whitespace, `#` or `-`; no `#` in them), then
# optionally `--` and the reason (anything) up to the end of the line. The first `#` from the left
# that starts such a comment wins. `find_comment` scans each character a bounded number of times.
KINDS = ("disable-file", "disable")


def _skip_space(line: str, i: int) -> int:
    n = len(line)
    while i < n and line[i].isspace():
        i += 1
    return i


def _comment_at(line: str, i: int):
    """(kind, rules, reason or None) when a comment starts at the `#` at i; else (None, end) with
    end the index where the next candidate `#` may be (nothing before it can start a comment)."""
    j = _skip_space(line, i + 1)
    if not line.startswith("pcelint", j):
        return None, j
    j = _skip_space(line, j + 7)
    if not line.startswith(":", j):
        return None, j
    j = _skip_space(line, j + 1)
    kind = next((k for k in KINDS if line.startswith(k, j)), None)
    if kind is None:
        return None, j
    j = _skip_space(line, j + len(kind))
    if not line.startswith("=", j):
        return None, j
    j = _skip_space(line, j + 1)
    if j >= len(line) or line[j] in "#-":
        return None, j
    hash_at = line.find("#", j)
    end = len(line) if hash_at < 0 else hash_at
    dashes = line.find("--", j + 1, end)
    if dashes >= 0:  # the first `--` ends the tokens; the reason is the rest, '#' and all
        return (kind, line[j:dashes], line[dashes + 2:].strip()), None
    if hash_at >= 0:  # a '#' inside the tokens: not a comment from i
        return None, hash_at
    return (kind, line[j:], None), None


def find_comment(line: str):
    """(start index of the `#`, kind, rules text, reason or None) of the line's suppression
    comment, or None. Linear in the length of the line."""
    i = line.find("#")
    while i >= 0:
        if i == 0 or line[i - 1].isspace():
            found, resume = _comment_at(line, i)
            if found is not None:
                return (i, *found)
        else:
            resume = i + 1
        i = line.find("#", max(resume, i + 1))
    return None


class Suppression:
    __slots__ = ("path", "span", "kind", "tokens", "reason", "target", "text")
    path: str
    span: Span  # the comment
    kind: str  # "disable" or "disable-file"
    tokens: tuple  # rule codes, names or prefixes as written
    reason: str  # "" when missing
    target: int  # the line whose findings it suppresses (0: the whole file)
    text: str  # the comment, normalized (fingerprint input)

    def __init__(self, path: str, span: Span, kind: str, tokens: tuple, reason: str, target: int,
                 text: str):
        self.path = path
        self.span = span
        self.kind = kind
        self.tokens = tokens
        self.reason = reason
        self.target = target
        self.text = text

    def _fields(self) -> tuple:
        return (self.path, self.span, self.kind, self.tokens, self.reason, self.target, self.text)

    def __eq__(self, other):  # a key of Unused.items
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())


def parse(path: str, lines: list[str]) -> list[Suppression]:
    found = []
    for number, line in enumerate(lines, 1):
        if "pcelint" not in line:
            continue
        comment = find_comment(line)
        if comment is None:
            continue
        start, kind, rules, reason = comment
        tokens = tuple(t.strip() for t in rules.split(",") if t.strip())
        alone = not line[:start].strip()
        target = 0 if kind == "disable-file" else (number + 1 if alone else number)
        span = Span(number, start + 1, number, len(line.rstrip()) + 1)
        found.append(Suppression(path, span, kind, tokens, (reason or "").strip(),
                                 target, " ".join(line[start:].split())))
    return found


class Unused:
    """The subject of PCE005: each suppression comment of this run with its tokens that matched
    no finding of a rule that ran."""

    __slots__ = ("items",)
    items: dict  # Suppression -> [tokens]

    def __init__(self, items: dict):
        self.items = items
