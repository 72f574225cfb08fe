"""A least-recently-used table with a fixed bound, for the per-process caches of parsed inputs.

A worker lints thousands of units; a cache that kept every certificate it parsed would grow with
the fleet (4,000 pairs: ~75 MiB). What is shared between units (a CA bundle or intermediate that
many pairs use, a chain verdict) is used again soon and stays; the rest is dropped in order of age.
"""
from __future__ import annotations

from collections import OrderedDict

_MISSING = object()


class Bounded(OrderedDict):
    """At most `bound` entries; `get` and assignment make an entry the most recent, and the least
    recent one is dropped when a new one would exceed the bound."""

    def __init__(self, bound: int):
        super().__init__()
        self.bound = bound

    def get(self, key, default=None):
        value = super().get(key, _MISSING)
        if value is _MISSING:
            return default
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.bound:
            self.popitem(last=False)

    def __reduce__(self):  # pickled (a spawned worker's seed): a table of the same bound
        return (type(self), (self.bound,), None, None, iter(self.items()))


def table(cache: dict, name: str, bound: int) -> Bounded:
    """`cache[name]`, a Bounded table (created on first use)."""
    found = cache.get(name)
    if not isinstance(found, Bounded):
        found = cache[name] = Bounded(bound)
    return found
