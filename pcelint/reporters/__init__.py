"""Reporters: pure functions from a finished RunResult (with the source lines it cites) to text."""
from __future__ import annotations

from importlib import import_module

from pcelint.reporters.common import counts, summary_line, visible

# format -> the module of this package whose render(result, settings) writes it; only the asked
# format's module is imported (SARIF's imports every rule's documentation).
RENDERERS = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github"}

__all__ = ["RENDERERS", "counts", "render", "summary_line", "visible"]


def render(fmt: str, result, settings, color: bool = False, show_skips: bool = False) -> str:
    module = import_module(f"{__name__}.{RENDERERS[fmt]}")
    if fmt == "text":
        return module.render(result, settings, color=color, show_skips=show_skips)
    return module.render(result, settings)
