"""A small validator for the JSON Schema keywords runtime_env.schema.json uses.

Full jsonschema costs ~165 ms to import, more than linting a pair; this covers exactly the keywords
the shipped schema uses (a test checks that, and that it agrees with jsonschema on the fixtures).
Errors are (key path, kind, detail) tuples: messages are written by the rule, which masks secrets.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache

from pcelint.about import schema_dir

KEYWORDS = {"$schema", "$id", "title", "description", "type", "required", "properties", "items",
            "enum", "const", "anyOf", "minimum", "maximum", "exclusiveMinimum", "pattern"}

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    # YAML 1.1 as PyYAML reads it: '8443.0' is a float, not an integer; '.nan'/'.inf' are no numbers.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and math.isfinite(v)),
}


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schema_dir() / name, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=None)
def _regex(pattern: str):
    return re.compile(pattern)


def is_type(value, names) -> bool:
    if isinstance(names, str):
        return _TYPES[names](value)
    for name in names:
        if _TYPES[name](value):
            return True
    return False


def validate(value, schema: dict, path: tuple = ()):
    """(path, keyword, schema) for every violation, depth first (an iterator)."""
    found: list = []
    _compiled(schema)(value, path, found)
    return iter(found)


_COMPILED: dict = {}  # id(schema) -> (schema, its check): the schema is held, so no id is reused


def _compiled(schema: dict):
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_COMPILED) >= 64:
            _COMPILED.clear()
        entry = _COMPILED[id(schema)] = (schema, _compile(schema))
    return entry[1]


def _compile(schema: dict):
    """A function appending to `found` exactly what `_check` appends, in the same order, with the
    schema's keywords looked up once (each node file is validated against the same schema)."""
    if "anyOf" in schema:
        subs = tuple(_compile(sub) for sub in schema["anyOf"])

        def any_of(value, path, found):
            for sub in subs:
                trial: list = []
                sub(value, path, trial)
                if not trial:
                    return
            found.append((path, "anyOf", schema))
        return any_of
    names = schema.get("type")
    if "type" not in schema:
        typed = None
    elif isinstance(names, str) and names in _TYPES:
        typed = _TYPES[names]
    else:
        def typed(value, names=names):
            return is_type(value, names)
    has_const, const = "const" in schema, schema.get("const")
    enum = schema["enum"] if "enum" in schema else None
    bounds = tuple((keyword, schema[keyword])
                   for keyword in ("minimum", "maximum", "exclusiveMinimum") if keyword in schema)
    pattern = schema["pattern"] if "pattern" in schema else None
    required = tuple(schema.get("required", ()))
    properties = tuple((key, _compile(sub)) for key, sub in schema.get("properties", {}).items())
    items = _compile(schema["items"]) if "items" in schema else None

    def check(value, path, found):
        if typed is not None and not typed(value):
            found.append((path, "type", schema))
            return
        if has_const and not _same(value, const):
            found.append((path, "const", schema))
        if enum is not None and not any(_same(value, e) for e in enum):
            found.append((path, "enum", schema))
            return
        if bounds and isinstance(value, (int, float)) and not isinstance(value, bool):
            for keyword, bound in bounds:
                if value < bound if keyword == "minimum" else \
                        value > bound if keyword == "maximum" else value <= bound:
                    found.append((path, keyword, schema))
        if pattern is not None and isinstance(value, str) and not _regex(pattern).search(value):
            found.append((path, "pattern", schema))
        if isinstance(value, dict):
            for key in required:
                if key not in value:
                    found.append((path + (key,), "required", schema))
            for key, sub in properties:
                if key in value:
                    sub(value[key], path + (key,), found)
        if items is not None and isinstance(value, list):
            for index, item in enumerate(value):
                items(item, path + (index,), found)
    return check


def _valid(value, schema: dict, path: tuple) -> bool:
    found: list = []
    _check(value, schema, path, found)
    return not found


def _check(value, schema: dict, path: tuple, found: list) -> None:
    """Appends to `found` what `validate` yields: one recursive walk, no generator per node (the
    reference `_compile` is tested against)."""
    if "anyOf" in schema:
        if not any(_valid(value, sub, path) for sub in schema["anyOf"]):
            found.append((path, "anyOf", schema))
        return
    if "type" in schema and not is_type(value, schema["type"]):
        found.append((path, "type", schema))
        return
    if "const" in schema and not _same(value, schema["const"]):
        found.append((path, "const", schema))
    if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
        found.append((path, "enum", schema))
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append((path, "minimum", schema))
        if "maximum" in schema and value > schema["maximum"]:
            found.append((path, "maximum", schema))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append((path, "exclusiveMinimum", schema))
    if isinstance(value, str) and "pattern" in schema and not _regex(schema["pattern"]).search(value):
        found.append((path, "pattern", schema))
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                found.append((path + (key,), "required", schema))
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _check(value[key], sub, path + (key,), found)
    if isinstance(value, list) and "items" in schema:
        items = schema["items"]
        for index, item in enumerate(value):
            _check(item, items, path + (index,), found)


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b or (_TYPES["number"](a) and _TYPES["number"](b) and a == b)


def subschema(schema: dict, path: tuple) -> dict | None:
    """The schema for a key path (keys only), or None where the schema says nothing."""
    for key in path:
        props = schema.get("properties")
        if not props or key not in props:
            return None
        schema = props[key]
    return schema
