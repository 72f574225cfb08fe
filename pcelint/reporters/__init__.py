"""Reporters: pure functions from a finished RunResult (with the source lines it cites) to text."""
from __future__ import annotations

from pcelint.reporters import github, json_report, sarif, text
from pcelint.reporters.common import counts, summary_line, visible

RENDERERS = {"text": text.render, "json": json_report.render, "sarif": sarif.render,
             "github": github.render}

__all__ = ["RENDERERS", "counts", "render", "summary_line", "visible"]


def render(fmt: str, result, settings, color: bool = False, show_skips: bool = False) -> str:
    if fmt == "text":
        return text.render(result, settings, color=color, show_skips=show_skips)
    return RENDERERS[fmt](result, settings)
