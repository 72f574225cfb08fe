"""What pcelint says about itself: its version and the JSON Schemas it ships.

The version is written in one place, `pcelint/__init__.py` (`__version__`); pyproject.toml reads it
from there, so the installed package's metadata carries the same.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pcelint import __version__

# `pcelint schema NAME` prints the file; both ship in the wheel as package data of pcelint.schemas.
SCHEMAS = {"runtime_env": "runtime_env.schema.json", "config": "pcelint-config.schema.json"}


def version() -> str:
    """pcelint's version (`pcelint.__version__`): no metadata is read, in an installed package or a
    source checkout alike."""
    return __version__


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
