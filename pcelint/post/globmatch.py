"""`per_file_ignores` globs, matched in time linear in the path (no regular expression).

`**/` is any number of whole folders (also none), `**` anything, `*` anything inside one folder
name, `?` one character other than `/`; everything else is itself. A glob must match the whole
path. The old translation to a regular expression backtracked exponentially
(`***?*?*?*?*?*?*?*?*?X` against a long path never finished); this is a Thompson simulation of the
glob's automaton with the set of live states kept as the bits of an integer, so every character of
the path costs a handful of integer operations on a number of at most `MAX_GLOB_CHARS` bits.
"""
from __future__ import annotations

from functools import lru_cache

MAX_GLOB_CHARS = 1024  # a longer per_file_ignores glob is a config error (docs/limits.md)

# token kinds
_LIT, _ONE, _STAR, _ANY, _FORK = "lit", "one", "star", "any", "fork"
_FOLDERS = [(_FORK, ""), (_ANY, ""), (_LIT, "/")]  # `**/`: skip all three, or `**` then `/`


def _tokens(pattern: str) -> list:
    """[(kind, char)]; `**/` is a fork (reads nothing) whose branches are "nothing" and `**/`."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            if out[-3:] != _FOLDERS:  # `**/**/` is `**/`
                out += _FOLDERS
            i += 3
        elif pattern.startswith("**", i):
            out.append((_ANY, ""))
            i += 2
        elif pattern[i] == "*":
            out.append((_STAR, ""))
            i += 1
        elif pattern[i] == "?":
            out.append((_ONE, ""))
            i += 1
        else:
            out.append((_LIT, pattern[i]))
            i += 1
        # a run of stars is one star (`**` if any of them crosses folders): short epsilon chains
        if len(out) >= 2 and out[-1][0] in (_STAR, _ANY) and out[-2][0] in (_STAR, _ANY):
            kind = _ANY if _ANY in (out[-1][0], out[-2][0]) else _STAR
            out[-2:] = [(kind, "")]
    return out


class Glob:
    """A compiled glob: `Glob("pces/**/*.yml").match("pces/lab/active/core0.yml")`."""

    def __init__(self, pattern: str):
        if len(pattern) > MAX_GLOB_CHARS:
            raise ValueError(f"longer than {MAX_GLOB_CHARS} characters")
        self.pattern = pattern
        tokens = _tokens(pattern)
        self.accept = 1 << len(tokens)
        self.literal: dict = {}  # char -> bits of the states that read it
        self.one = self.star = self.any = self.fork = 0
        for i, (kind, char) in enumerate(tokens):
            bit = 1 << i
            if kind == _LIT:
                self.literal[char] = self.literal.get(char, 0) | bit
            elif kind == _ONE:
                self.one |= bit
            elif kind == _STAR:
                self.star |= bit
            elif kind == _ANY:
                self.any |= bit
            else:
                self.fork |= bit
        self.start = self._closure(1)

    def _closure(self, states: int) -> int:
        forward = self.star | self.any | self.fork  # states left without reading
        while True:
            grown = states | ((states & forward) << 1) | ((states & self.fork) << 3)
            if grown == states:
                return states
            states = grown

    def match(self, path: str) -> bool:
        states = self.start
        literal, one, star, any_ = self.literal, self.one, self.star, self.any
        for char in path:
            if not states:
                return False
            if char == "/":
                moved = (states & literal.get(char, 0)) << 1
                states = self._closure(moved | (states & any_))
            else:
                moved = (states & (literal.get(char, 0) | one)) << 1
                states = self._closure(moved | (states & (star | any_)))
        return bool(states & self.accept)


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    return Glob(pattern)
