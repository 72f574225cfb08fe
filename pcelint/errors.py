"""The errors that end a run with exit 2 and a one-line message (never a traceback)."""
from __future__ import annotations


class UsageError(Exception):
    """A command-line value, a PATH, or a file the command line names is wrong."""


class ConfigError(Exception):
    """The config file is invalid: the message names the file, the line and the problem."""


class BaselineError(Exception):
    """The baseline file is missing or is not a pcelint baseline."""
