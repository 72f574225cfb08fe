"""Rule options: each declared in `@rule(..., options={name: option(default, type, ...)})` with
its type next to its default, and every value a config file gives checked against it before any
linting (exit 2 naming the config line; before, `rules: {PCE404: {warn_days: {a: 1}}}` crashed
PCE404 mid-run).

A plain default (`options={"x": 3}`, as third-party rules may write) declares the type of the
default: boolean, integer, number, string, a list of strings, or a mapping.
"""
from __future__ import annotations

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


def problem(schema: dict, value) -> str | None:
    """None when `value` fits `schema`, else what it must be."""
    if not schema:
        return None
    import jsonschema  # a config with rule options already pays for it

    if jsonschema.Draft202012Validator(schema).is_valid(value):
        return None
    return describe(schema)
