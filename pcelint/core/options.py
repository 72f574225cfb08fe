"""Rule options: each declared in `@rule(..., options={name: option(default, type, ...)})` with
its type next to its default, and every value a config file gives checked against it before any
linting (exit 2 naming the config line; before, `rules: {PCE404: {warn_days: {a: 1}}}` crashed
PCE404 mid-run).

A plain default (`options={"x": 3}`, as third-party rules may write) declares the type of the
default: boolean, integer, number, string, a list of strings, or a mapping.
"""
from __future__ import annotations

import math

_TYPE_WORDS = {"boolean": "true or false", "integer": "an integer", "number": "a number",
               "string": "a string", "array": "a list", "object": "a mapping"}


class Option:
    __slots__ = ("default", "schema")
    default: object
    schema: dict  # JSON Schema of a value

    def __init__(self, default: object, schema: dict | None = None):
        self.default = default
        self.schema = {} if schema is None else schema


def option(default, kind: str, *, minimum=None, maximum=None, enum=None, items=None) -> Option:
    """`option(30, "integer", minimum=0)`, `option("warning", "string", enum=[...])`,
    `option([], "array", items="string")`."""
    schema: dict = {"type": kind}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if enum is not None:
        schema["enum"] = list(enum)
    if items is not None:
        schema["items"] = {"type": items}
    return Option(default, schema)


def inferred(default) -> dict:
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, int):
        return {"type": "integer"}
    if isinstance(default, float):
        return {"type": "number"}
    if isinstance(default, str):
        return {"type": "string"}
    if isinstance(default, (list, tuple)):
        return {"type": "array", "items": {"type": "string"}}
    if isinstance(default, dict):
        return {"type": "object"}
    return {}


def split(options: dict | None) -> tuple[dict, dict]:
    """{name: Option or default} -> ({name: default}, {name: schema})."""
    defaults, schemas = {}, {}
    for name, value in (options or {}).items():
        if isinstance(value, Option):
            defaults[name], schemas[name] = value.default, dict(value.schema)
        else:
            defaults[name], schemas[name] = value, inferred(value)
    return defaults, schemas


def describe(schema: dict) -> str:
    """What a value must be, in words (never quoting the value given)."""
    if "enum" in schema:
        return "one of " + ", ".join(f"'{e}'" for e in schema["enum"])
    kind = schema.get("type")
    words = _TYPE_WORDS.get(kind, "a valid value")
    if kind == "array" and "items" in schema:
        words = f"a list of {schema['items'].get('type', 'value')}s"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        words += f" from {low} to {high}"
    elif low is not None:
        words += f" of at least {low}"
    elif high is not None:
        words += f" of at most {high}"
    return words


def plainly_valid(schema: dict, value) -> bool:
    """True only when jsonschema would surely accept `value` for a schema `option()` writes (a
    type, bounds, an enum, string items), without importing it: a Python int (not a bool) within
    the bounds, a finite number, a string in the enum, a list of strings. Anything else: False
    (jsonschema decides)."""
    if not set(schema) <= {"type", "minimum", "maximum", "enum", "items"}:
        return False
    kind, low, high = schema.get("type"), schema.get("minimum"), schema.get("maximum")
    if kind in ("integer", "number"):
        if "enum" in schema or "items" in schema or not all(
                bound is None or type(bound) in (int, float) for bound in (low, high)):
            return False
        if type(value) is not int and not (kind == "number" and type(value) is float
                                           and math.isfinite(value)):
            return False
        return (low is None or value >= low) and (high is None or value <= high)
    if low is not None or high is not None:
        return False
    if kind == "string" and "items" not in schema:
        return type(value) is str and (
            "enum" not in schema or any(type(e) is str and e == value for e in schema["enum"]))
    if "enum" in schema:
        return False
    if kind == "array":
        return schema.get("items", {"type": "string"}) == {"type": "string"} and \
            type(value) is list and all(type(v) is str for v in value)
    if "items" in schema:
        return False
    return (kind == "boolean" and type(value) is bool) or (kind == "object" and type(value) is dict)


def problem(schema: dict, value) -> str | None:
    """None when `value` fits `schema`, else what it must be."""
    if not schema or plainly_valid(schema, value):
        return None  # (a run whose rule options are plainly valid does not import jsonschema)
    import jsonschema

    if jsonschema.Draft202012Validator(schema).is_valid(value):
        return None
    return describe(schema)
