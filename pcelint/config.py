"""The config file (.pcelint.yml): found, loaded with positions, validated against its schema."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pcelint.core.findings import Location
from pcelint.core.keys import CONFIG_NAMES
from pcelint.core.loader import load_yaml
from pcelint.core.mask import dotted
from pcelint.core.schema import load_schema
from pcelint.errors import ConfigError


@dataclass
class Config:
    path: Path | None = None
    data: dict = field(default_factory=dict)
    spans: dict = field(default_factory=dict)

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


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}.") from None
    loaded = load_yaml(raw)
    config = Config(path, loaded.data or {}, loaded.spans)
    for problem in loaded.problems:
        raise ConfigError(f"{path}:{problem.span.line}: {problem.message}")
    if not raw.strip():
        return config
    _validate(config)
    return config


def _validate(config: Config) -> None:
    import jsonschema  # only runs that have a config pay for it


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
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        return f"must be one of {', '.join(repr(e) for e in error.validator_value)}"
    if error.validator == "type":
        return f"must be of type '{error.validator_value}'"
    return error.message
