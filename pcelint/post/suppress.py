"""Suppressions: `# pcelint: disable=...` comments and the config's `per_file_ignores`.

A comment at the end of a line suppresses findings anchored on that line; a comment alone on its
line suppresses findings on the next line; `disable-file` suppresses in the whole file. Applied to
the merged run result (post-processing), because PCE005 needs every finding of the run.
"""
from __future__ import annotations

from pcelint.core.comments import Suppression, Unused, parse
from pcelint.core.engine import matches, run_scope
from pcelint.core.registry import all_rules
from pcelint.post.globmatch import Glob, compile_glob


def glob_regex(pattern: str) -> Glob:
    """A `per_file_ignores` glob: `**` crosses folders, `*` and `?` stay inside one. Matched in
    linear time (`pcelint.post.globmatch`); `.match(path)` tells whether it covers the whole path."""
    return compile_glob(pattern)


def _config_relative(path: str, settings) -> str:
    folder = settings.config_path.parent if settings.config_path else settings.root
    try:
        return (settings.root / path).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path


def ignored_codes(path: str, settings, rules) -> set:
    """Codes that `per_file_ignores` turns off for one report path."""

    codes = set()
    for pattern, tokens in settings.per_file_ignores.items():
        if glob_regex(pattern).match(_config_relative(path, settings)) or \
                glob_regex(pattern).match(path):
            codes.update(r.code for r in rules for t in tokens if matches(r, t))
    return codes


def apply_per_file_ignores(result, settings) -> None:
    if not settings.per_file_ignores:
        return
    cache: dict = {}
    kept = []
    for f in result.findings:
        path = f.location.path
        if path not in cache:
            cache[path] = ignored_codes(path, settings, all_rules())
        if f.code not in cache[path]:
            kept.append(f)
    result.findings = kept


def apply_suppressions(result, settings) -> None:
    """Mark suppressed findings; PCE005 for each comment that matched nothing that ran."""
    by_code = {r.code: r for r in all_rules()}
    comments = {path: parse(path, lines) for path, lines in result.sources.items()}
    used: set = set()  # (suppression, token)
    for f in result.findings:
        rule = by_code.get(f.code)
        for s in comments.get(f.location.path, ()):
            if s.target not in (0, f.location.span.line):
                continue
            hits = [t for t in s.tokens if rule is not None and matches(rule, t)]
            if hits and not f.suppressed:
                f.suppressed, f.suppression_reason = True, s.reason or None
            used.update((s, t) for t in hits)
    unused: dict = {}
    enabled = {r.code for r in result.rules}
    skipped = {k.code for k in result.skipped}
    for path, found in comments.items():
        off = ignored_codes(path, settings, all_rules()) if settings.per_file_ignores else set()
        for s in found:
            for token in s.tokens:
                if (s, token) in used:
                    continue
                named = [r for r in all_rules() if matches(r, token)]
                # a suppression of a rule that was skipped or did not run here is not unused
                if any(r.code not in enabled or r.code in off or r.code in skipped for r in named):
                    continue
                unused.setdefault(s, []).append(token)
    run_scope(result, settings, [r for r in result.rules if r.scope == "post"], Unused(unused))


__all__ = ["Suppression", "Unused", "apply_per_file_ignores", "apply_suppressions", "parse"]
