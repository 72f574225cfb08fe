"""What pcelint says about itself: its version and the JSON Schemas it ships.

The version is written in one place, `pyproject.toml`; the installed package's metadata carries it.
"""
from __future__ import annotations

import argparse
import sys
from functools import cache
from pathlib import Path

# `pcelint schema NAME` prints the file; both ship in the wheel as package data of pcelint.schemas.
SCHEMAS = {"runtime_env": "runtime_env.schema.json", "config": "pcelint-config.schema.json"}


@cache
def version() -> str:
    """The installed distribution's version; a source checkout that was never installed reads its
    pyproject.toml. importlib.metadata costs ~30 ms to import, more than linting a small pair, so it
    is imported here, when a report or `--version` needs the version, not at start-up."""
    from importlib import metadata

    try:
        return metadata.version("pcelint")
    except metadata.PackageNotFoundError:
        return _checkout_version(Path(__file__).resolve().parent.parent / "pyproject.toml")


def _checkout_version(pyproject: Path) -> str:
    import tomllib

    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "0+unknown"


def schema_dir() -> Path:
    """The shipped schemas: `pcelint/schemas/` in an installed package, the top-level `schemas/`
    (their one source, mapped into the package by pyproject.toml) in a plain checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "schemas"
    return installed if installed.is_dir() else package.parent / "schemas"


def schema_text(name: str) -> str:
    """The shipped schema `name` (a key of SCHEMAS), exactly as the file holds it."""
    return (schema_dir() / SCHEMAS[name]).read_text("utf-8")


class VersionAction(argparse.Action):
    """`--version`, with the version looked up only when the option is given."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show pcelint's version and exit"):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        sys.stdout.write(f"pcelint {version()}\n")
        parser.exit()
