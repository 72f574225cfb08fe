"""All rules: the built-in registry plus third-party rules from the `pcelint.rules` entry points."""
from __future__ import annotations

import os
import sys
from functools import lru_cache

from pcelint.core.rule import Rule
from pcelint.rules import BUILTIN

ENTRY_POINT_GROUP = "pcelint.rules"


@lru_cache(maxsize=1)
def all_rules() -> tuple:

    return BUILTIN + _plugins(frozenset(r.code for r in BUILTIN))


def _maybe_plugins() -> bool:
    """False only when no installed distribution on sys.path declares a `pcelint.rules` entry point.

    importlib.metadata costs ~20 ms to import and parses every distribution's metadata; this reads
    only the `entry_points.txt` files, as text. Anything it cannot look into says True."""
    marker = f"[{ENTRY_POINT_GROUP}]"
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as items:
                names = [i.name for i in items if i.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True  # a zip or egg on sys.path
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(entry or ".", name, "entry_points.txt"), encoding="utf-8",
                          errors="replace") as handle:
                    if marker in handle.read():
                        return True
            except FileNotFoundError:
                continue
            except OSError:
                return True
    return False


def _plugins(taken: frozenset) -> tuple:
    if not _maybe_plugins():
        return ()
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
