"""Test helpers. `cli.run_cli` runs the real command line in-process; `pairkit.lint_engine` runs the
engine on one pair without the command line; `tools` decides skip-or-fail for external tools."""
