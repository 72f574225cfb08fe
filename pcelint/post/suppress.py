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


class _RuleIndex:
    """Which rules a suppression token names, in O(1) per token (a token is a code, a code prefix
    or a name; `matches` over every rule for every token of 25,000 comments was the slow part)."""

    def __init__(self, rules):
        self.by_name: dict = {}
        self.by_prefix: dict = {}
        for r in rules:
            self.by_name.setdefault(r.name, []).append(r)
            for end in range(1, len(r.code) + 1):
                self.by_prefix.setdefault(r.code[:end], []).append(r)

    def named(self, token: str) -> list:
        token = token.strip()
        if not token:
            return []
        found = self.by_prefix.get(token.upper(), []) + self.by_name.get(token, [])
        return list({r.code: r for r in found}.values())


_UNSET = object()


def apply_suppressions(result, settings) -> None:
    """Mark suppressed findings; PCE005 for each comment that matched nothing that ran.

    Linear in findings plus comments: comments are indexed by (path, target line), and each
    (path, target, code) is decided once, so 25,000 suppressed findings (each with its comment)
    no longer compare every finding with every comment of its file."""
    index = _RuleIndex(all_rules())
    comments = {path: parse(path, lines) for path, lines in result.sources.items()}
    by_target: dict = {}  # (path, target line, 0 for the whole file) -> [Suppression], file order
    for path, found in comments.items():
        for s in found:
            by_target.setdefault((path, s.target), []).append(s)
    used: set = set()  # (id of the suppression, token): a Suppression hashes all its tokens
    decided: dict = {}  # (path, target, code) -> the first comment (file order) that hits, or None
    for f in result.findings:
        path, line = f.location.path, f.location.span.line
        first = None
        for target in dict.fromkeys((0, line)):
            key = (path, target, f.code)
            hit = decided.get(key, _UNSET)
            if hit is _UNSET:
                hit = None
                for s in by_target.get((path, target), ()):
                    hits = [t for t in s.tokens if any(r.code == f.code for r in index.named(t))]
                    if hits:
                        used.update((id(s), t) for t in hits)
                        hit = hit or s
                decided[key] = hit
            if hit is not None and (first is None or hit.span.line < first.span.line):
                first = hit
        if first is not None and not f.suppressed:
            f.suppressed, f.suppression_reason = True, first.reason or None
    unused: dict = {}  # id of the suppression -> (suppression, [tokens])
    enabled = {r.code for r in result.rules}
    skipped = {k.code for k in result.skipped}
    for path, found in comments.items():
        off = ignored_codes(path, settings, all_rules()) if settings.per_file_ignores else set()
        for s in found:
            for token in s.tokens:
                if (id(s), token) in used:
                    continue
                named = index.named(token)
                # a suppression of a rule that was skipped or did not run here is not unused
                if any(r.code not in enabled or r.code in off or r.code in skipped for r in named):
                    continue
                unused.setdefault(id(s), (s, []))[1].append(token)
    post = [r for r in result.rules if r.scope == "post"]
    if not unused:  # PCE005 reports unused suppressions only: not run (its module not imported)
        post = [r for r in post if r.code != "PCE005"]
    run_scope(result, settings, post, Unused(dict(unused.values())))


__all__ = ["Suppression", "Unused", "apply_per_file_ignores", "apply_suppressions", "parse"]
