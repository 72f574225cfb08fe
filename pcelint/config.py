"""The config file (.pcelint.yml): found, loaded with positions, validated against its schema."""
from __future__ import annotations

from pathlib import Path

from pcelint.config_values import check_values
from pcelint.core.findings import Location
from pcelint.core.keys import CONFIG_NAMES
from pcelint.core.mask import dotted
from pcelint.errors import ConfigError
from pcelint.inputs.safeio import read_regular
from pcelint.limits import Limits


class Config:
    __slots__ = ("path", "data", "spans")
    path: Path | None
    data: dict
    spans: dict

    def __init__(self, path: Path | None = None, data: dict | None = None,
                 spans: dict | None = None):
        self.path = path
        self.data = {} if data is None else data
        self.spans = {} if spans is None else spans

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def line_of(self, *key_path) -> int:
        entry = self.spans.get(tuple(key_path))
        return entry[1].line if entry else 1

    def location(self, rel: str, *key_path) -> Location | None:
        entry = self.spans.get(tuple(key_path))
        return Location(rel, entry[1], tuple(key_path)) if entry else None

    def error(self, key_path, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.line_of(*key_path)}: {problem}")


def git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_config(start: Path) -> Path | None:
    stop = git_root(start)
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        if folder == stop:
            break
    return None


def load_config(path: Path | None, cache_dir: Path | None = None) -> Config:
    """The config file at `path`, loaded and validated; with `cache_dir` (the result cache), a
    content validated before is taken from there (no YAML or jsonschema import)."""
    if path is None:
        return Config()
    try:
        raw = read_regular(path, Limits.max_bytes)  # bounded, as every read (docs/limits.md)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}.") from None
    if len(raw) > Limits.max_bytes:
        raise ConfigError(f"{path}: the config file is larger than {Limits.max_bytes} bytes; "
                          "pcelint refuses it.")
    if cache_dir is not None:
        from pcelint.core.cache import read_config
        found = read_config(cache_dir, raw)
        if found is not None:
            return Config(path, *found)
    # PyYAML: imported only when there is a config file
    from pcelint.core.loader import load_yaml

    loaded = load_yaml(raw)
    config = Config(path, loaded.data or {}, loaded.spans)
    for problem in loaded.problems:
        if problem.message.startswith("The top level of the file"):
            if loaded.data is None and loaded.text is not None and not _has_content(loaded.text):
                return config  # empty, or only comments: every setting at its default
            raise ConfigError(f"{path}:{problem.span.line}: the config file's top level must be a "
                              "mapping of settings (such as 'select:' or 'pairs:').")
        raise ConfigError(f"{path}:{problem.span.line}: {problem.message}")
    if not raw.strip():
        return config
    _validate(config)
    check_values(config)
    if cache_dir is not None:
        from pcelint.core.cache import keep_config
        keep_config(cache_dir, raw, config.data, config.spans)
    return config


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "...")
               for line in text.splitlines())


def _validate(config: Config) -> None:
    import jsonschema  # only runs that have a config pay for it

    from pcelint.core.schema import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("pcelint-config.schema.json"))
    errors = sorted(validator.iter_errors(config.data), key=lambda e: list(map(str, e.path)))
    if errors:
        error = errors[0]
        path = tuple(error.path)
        if error.validator == "additionalProperties":
            known = sorted(error.schema.get("properties", {}))
            extra = sorted(set(error.instance) - set(known)) if isinstance(error.instance, dict) else []
            key = extra[0] if extra else "?"
            hint = f"; known keys: {', '.join(known)}" if known else ""
            raise config.error(path + (key,), f"unknown key '{key}'"
                               f"{' in ' + repr(dotted(path)) if path else ''}{hint}.")
        where = f"'{dotted(path)}'" if path else "the config"
        raise config.error(path, f"{where}: {_plain(error)}.")


def _plain(error) -> str:
    """The schema error in words that never quote the config's value (CLI.md)."""
    v, want = error.validator, error.validator_value
    if v == "required":
        return error.message.replace("is a required property", "is required")
    if v == "enum":
        return f"must be one of {', '.join(repr(e) for e in want)}"
    if v == "type":
        return f"must be of type '{want}'"
    if v in ("anyOf", "oneOf"):
        return "must be " + " or ".join(_describe(sub) for sub in want)
    if v == "minimum":
        return f"must be at least {want}"
    if v == "exclusiveMinimum":
        return f"must be greater than {want}"
    if v == "maximum":
        return f"must be at most {want}"
    if v == "exclusiveMaximum":
        return f"must be less than {want}"
    if v == "minLength":
        return "must not be empty"
    if v == "minItems":
        return f"must list at least {want} item{'' if want == 1 else 's'}"
    return f"is not valid here (schema keyword '{v}')"


def _describe(schema: dict) -> str:
    """A subschema in words: 'a number greater than 0', 'a mapping with keys ...'."""
    kind = schema.get("type")
    if kind == "number" or kind == "integer":
        text = "a number" if kind == "number" else "a whole number"
        if "exclusiveMinimum" in schema:
            text += f" greater than {schema['exclusiveMinimum']}"
        elif "minimum" in schema:
            text += f" of at least {schema['minimum']}"
        return text
    if kind == "object":
        keys = schema.get("required") or sorted(schema.get("properties", {}))
        return "a mapping with the keys " + " and ".join(f"'{k}'" for k in keys) if keys \
            else "a mapping"
    if kind == "array":
        return "a list"
    if kind == "string":
        return "a string"
    return "a valid value"
