"""All rules: the built-in registry plus third-party rules from the `pcelint.rules` entry points.

A run whose result cache holds the rule catalog of this code (`core/cache.py`: every built-in
rule's metadata) adopts it (`adopt`): `all_rules()` then returns `RuleInfo` stand-ins, and a rule
module is imported only when its check function or its docs are asked for (a unit to lint, a
run-level rule, SARIF's rule help). A run whose every unit is a cache hit imports no rule module.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache

TYPE_CHECKING = False  # (the typing module is not imported for this)
if TYPE_CHECKING:
    from pcelint.core.rule import Rule

ENTRY_POINT_GROUP = "pcelint.rules"
# Rule metadata a stand-in carries (everything but the check function and its docstring).
FIELDS = ("code", "name", "level", "scope", "summary", "options", "needs", "paired_only",
          "on_unparsed", "tags", "option_schemas")

_adopted: tuple | None = None  # this run's stand-ins (adopt), else None: the rules themselves


def all_rules() -> tuple:
    return _adopted if _adopted is not None else _registered()


@lru_cache(maxsize=1)
def _registered() -> tuple:
    from pcelint.rules import BUILTIN

    return BUILTIN + _plugins(frozenset(r.code for r in BUILTIN))


def _forget() -> None:
    global _adopted
    _adopted = None
    _registered.cache_clear()


all_rules.cache_clear = _forget  # type: ignore[attr-defined]  # as when all_rules was an lru_cache


def adopt(catalog: tuple | None) -> bool:
    """Use `catalog` (RuleInfo stand-ins of every built-in rule, in registry order) as
    `all_rules()` for this run; None goes back to the rules themselves. Refused (False) when a
    plugin may add rules: only the built-in rules are in a catalog."""
    global _adopted
    _adopted = None
    if catalog is None or _plugins(frozenset(r.code for r in catalog)):
        return False
    _adopted = catalog
    return True


def adopted() -> bool:
    return _adopted is not None


def resolve(rules) -> tuple:
    """The rules themselves in place of stand-ins (their modules imported now, e.g. before a
    process pool forks, so the workers inherit them)."""
    return tuple(r.rule() if isinstance(r, RuleInfo) else r for r in rules)


def origin(r) -> tuple:
    """(module, qualified name) of a rule's check function, without importing a stand-in's."""
    if isinstance(r, RuleInfo):
        return r.module, r.qualname
    return r.check.__module__, r.check.__qualname__


def metadata(r) -> tuple:
    """What a catalog keeps of a rule: its FIELDS and its check's origin."""
    return (*(getattr(r, f) for f in FIELDS), *origin(r))


class RuleInfo:
    """A built-in rule's metadata from a catalog; anything else (`check`, `doc`, `section`, ...)
    comes from the rule itself, whose module is imported on that first use."""

    __slots__ = (*FIELDS, "module", "qualname", "_rule")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, (*values, None), strict=True):
            setattr(self, name, value)

    def __getattr__(self, name):
        if name.startswith("_"):  # (pickle and copy probe for __setstate__ and the like)
            raise AttributeError(name)
        return getattr(self.rule(), name)

    def rule(self):
        """The rule itself: imports its module only (not every rule family)."""
        if self._rule is None:
            import importlib

            found = getattr(importlib.import_module(self.module), self.qualname, None)
            if getattr(found, "code", None) != self.code:
                found = next(r for r in _registered() if r.code == self.code)
            self._rule = found
        return self._rule

    def __repr__(self):
        return f"RuleInfo({self.code})"


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

    from pcelint.core.rule import Rule

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
