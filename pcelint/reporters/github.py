"""GitHub Actions workflow commands: one ::error/::warning/::notice per finding."""
from __future__ import annotations

from pcelint.reporters.common import summary_line, visible

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, settings) -> str:
    out = []
    for f in visible(result, settings, include_suppressed=False):
        s = f.location.span
        props = (f"file={_prop(f.location.path)},line={s.line},col={s.column},"
                 f"endLine={s.end_line},endColumn={s.end_column},title={_prop(f.code + ' ' + f.name)}")
        message = f.message + "".join(f" Related: {r.path}:{r.span.line}." for r in f.related)
        out.append(f"::{_COMMAND[f.level]} {props}::{_data(message)}")
    for n in result.notifications:
        out.append(f"::warning title={_prop('pcelint')}::{_data(n.message)}")
    out.append(f"::notice title=pcelint::{_data(summary_line(result))}")
    return "\n".join(out) + "\n"
