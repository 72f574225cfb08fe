"""The text report: `path:line:col: CODE level: message`, the source line with a caret, related
locations, grouped by pair, then the summary and the skipped rules."""
from __future__ import annotations

from pcelint.reporters.common import summary_line, visible
from pcelint.reporters.excerpt import source_line

_COLORS = {"error": "31", "warning": "33", "note": "36", "bold": "1", "dim": "2"}


def render(result, settings, color: bool = False, show_skips: bool = False) -> str:
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
    run_level = {r.code for r in result.rules if r.scope in ("run", "post")}
    folders = {name: prefix for prefix, name in getattr(result.owners, "folders", ())}
    out.extend(skip_lines(result.skipped, show_skips, run_level, folders))
    return "\n".join(out) + "\n"


def skip_lines(skipped, show_all: bool = False, run_level=frozenset(), folders=None) -> list[str]:
    """Every skip (`--show-skips`), or one line per rule and reason with the number of pairs (and
    lone files) it was skipped for, in order of first appearance."""
    if show_all:
        return [f"  skipped {s.code}{f' ({s.pair})' if s.pair else ''}: {s.reason}" for s in skipped]
    groups: dict = {}
    for s in skipped:
        folder = (folders or {}).get(s.pair) or (f"{s.pair}/" if s.pair else None)
        groups.setdefault((s.code, _pair_relative(s.reason, folder)), []).append(s)
    lines = []
    for (code, reason), records in groups.items():
        pairs = [r.pair for r in records]
        if len({r.reason for r in records}) == 1:
            reason = records[0].reason
        else:  # the same reason in several pairs' folders
            reason += " (paths relative to each pair's folder)"
        named = [p for p in pairs if p is not None]
        lone = len(pairs) - len(named)
        counts = []
        if named:
            counts.append(f"{len(set(named))} pair{'' if len(set(named)) == 1 else 's'}")
        if lone:
            counts.append(f"{lone} lone file{'' if lone == 1 else 's'}")
        where = f" ({' and '.join(counts)})" if code not in run_level else ""
        lines.append(f"  skipped {code}{where}: {reason}")
    return lines


def _pair_relative(reason: str, folder) -> str:
    """The reason with the pair's folder ('pces/prod/') cut from the paths it quotes, so one reason
    given in many pairs is one line."""
    if not folder or folder in ("./", "/") or folder.startswith("/"):
        return reason
    return reason.replace(f"'{folder}", "'")
