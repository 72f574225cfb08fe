"""Config values the schema cannot judge: numbers must be finite (YAML's `.inf` and `.nan` are
floats a JSON Schema accepts), and extra names must be host names. Errors name the file, the line
and the key, and never quote the value (CLI.md)."""
from __future__ import annotations

import math

from pcelint.core.mask import dotted
from pcelint.typed import host_name_problem


def _numbers(value, path=()):
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _numbers(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _numbers(inner, (*path, index))


def check_values(config) -> None:
    for path, number in _numbers(config.data):
        if not math.isfinite(number):
            raise config.error(path, f"'{dotted(path)}' must be a finite number.")
    for index, entry in enumerate(config.data.get("pairs") or []):
        if not isinstance(entry, dict):
            continue
        for n, name in enumerate(entry.get("extra_names") or []):
            problem = host_name_problem(name)
            if problem is not None:
                path = ("pairs", index, "extra_names", n)
                raise config.error(path, f"'{dotted(path)}' is not a valid host name: {problem}; "
                                   "give a bare host name (no scheme, port, path or wildcard).")
