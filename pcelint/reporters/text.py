"""The text report: `path:line:col: CODE level: message`, the source line with a caret, related
locations, grouped by pair, then the summary and the skipped rules."""
from __future__ import annotations

from pcelint.reporters.common import summary_line, visible
from pcelint.reporters.excerpt import source_line

_COLORS = {"error": "31", "warning": "33", "note": "36", "bold": "1", "dim": "2"}


def render(result, settings, color: bool = False) -> str:
    paint = (lambda text, what: f"\x1b[{_COLORS[what]}m{text}\x1b[0m") if color else (lambda t, w: t)
    out = []
    current = object()
    for f in visible(result, settings, include_suppressed=False):
        if f.pair != current:
            current = f.pair
            out.append(paint(f"{f.pair}" if f.pair else "lone node files", "bold"))
        s = f.location.span
        out.append(f"{paint(f'{f.location.path}:{s.line}:{s.column}', 'bold')}: "
                   f"{f.code} {paint(f.level, f.level)}: {f.message}")
        text = source_line(result, f.location.path, s.line)
        if text is not None:
            width = max(1, (s.end_column - s.column) if s.end_line == s.line else 1)
            gutter = f"{s.line:>5} | "
            out.append(gutter + text.expandtabs(1))
            column = min(s.column, len(text) + 1)  # the excerpt of a very long line is cut
            out.append(" " * (len(gutter) - 2) + "| " + " " * (column - 1) +
                       paint("^" * min(width, max(1, len(text) - column + 1)), f.level))
        for r in f.related:
            rs = r.span
            out.append(f"      related: {r.path}:{rs.line}:{rs.column}: {r.message}".rstrip())
    for n in result.notifications:
        out.append(f"pcelint: {n.level}: {n.message}" + (f" [{n.code}]" if n.code else ""))
    out.append(summary_line(result))
    for s in result.skipped:
        where = f" ({s.pair})" if s.pair else ""
        out.append(f"  skipped {s.code}{where}: {s.reason}")
    return "\n".join(out) + "\n"
