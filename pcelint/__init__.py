"""pcelint: static checks for Illumio PCE active/standby pairs."""

# The one place the version is written. pyproject.toml reads it from here, statically (its
# `[tool.setuptools.dynamic]`); `--version`, the reports and the result cache read the attribute
# (importlib.metadata would cost ~30 ms to import).
__version__ = "0.1.0"
