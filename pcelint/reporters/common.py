"""What every report shows the same way: counts, the visible findings, the summary line."""
from __future__ import annotations

from pcelint.core.findings import LEVELS


def counts(result) -> dict:
    found = {level: 0 for level in LEVELS}
    for f in result.findings:
        if not f.suppressed:
            found[f.level] += 1
    found["suppressed"] = sum(1 for f in result.findings if f.suppressed)
    return found


def visible(result, settings, include_suppressed: bool | None = None) -> list:
    keep = settings.include_suppressed if include_suppressed is None else include_suppressed
    return [f for f in result.findings if keep or not f.suppressed]


def summary_line(result) -> str:
    c = counts(result)
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    text = (f"pcelint: {plural(c['error'], 'error')}, {plural(c['warning'], 'warning')}, "
            f"{plural(c['note'], 'note')} ({c['suppressed']} suppressed) in "
            f"{plural(result.pairs, 'pair')}, {plural(result.files, 'file')}")
    if result.baseline_gone:
        gone = result.baseline_gone
        text += (f"; {gone} baseline {'entry no longer occurs' if gone == 1 else 'entries no longer occur'}")
    if result.skipped:
        text += f"; {plural(len({s.code for s in result.skipped}), 'rule')} skipped"
    return text + "."
