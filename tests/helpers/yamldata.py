"""Loaded YAML data in a comparable form, for tests that hold pcelint's loader against PyYAML."""
from __future__ import annotations

import datetime
import math


def typed(value, sort_maps: bool = False):
    """A form that keeps types apart (True vs 1, 1 vs 1.0) and NaN equal to NaN; `sort_maps`
    compares mappings regardless of key order."""
    if isinstance(value, dict):
        items = [(typed(k, sort_maps), typed(v, sort_maps)) for k, v in value.items()]
        return ("map", sorted(items, key=repr) if sort_maps else items)
    if isinstance(value, list):
        return ("seq", [typed(v, sort_maps) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return (type(value).__name__, value.isoformat())
    return (type(value).__name__, value)
