"""All rules: the built-in registry plus third-party rules from the `pcelint.rules` entry points."""
from __future__ import annotations

from functools import lru_cache

from pcelint.rule import Rule

ENTRY_POINT_GROUP = "pcelint.rules"


@lru_cache(maxsize=1)
def all_rules() -> tuple:
    from pcelint.rules import BUILTIN

    return BUILTIN + _plugins(frozenset(r.code for r in BUILTIN))


def _plugins(taken: frozenset) -> tuple:
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        for r in (obj if isinstance(obj, (list, tuple)) else [obj]):
            if isinstance(r, Rule) and r.code not in taken:
                found.append(r)
                taken = taken | {r.code}
    return tuple(sorted(found, key=lambda r: r.code))


def find_rule(token: str) -> Rule | None:
    token = token.strip()
    for r in all_rules():
        if token.upper() == r.code or token == r.name:
            return r
    return None
