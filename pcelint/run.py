"""One lint run: units through the engine (serially or in a process pool), merged in order."""
from __future__ import annotations

import os

from pcelint.engine import PairSpec, UnitResult, _Runner, lint_unit
from pcelint.findings import LEVEL_RANK, RunResult

POOL_MIN_UNITS = 4  # below this a process pool costs more than it saves

_worker_state: dict = {}


def _init_worker(rule_codes, settings):
    from pcelint.registry import all_rules
    by_code = {r.code: r for r in all_rules()}
    _worker_state.update(rules=tuple(by_code[c] for c in rule_codes), settings=settings, cache={})


def _lint_in_worker(spec):
    return lint_unit(spec, _worker_state["rules"], _worker_state["settings"], _worker_state["cache"])


def lint_units(units, rules, settings) -> list:
    jobs = max(1, min(settings.jobs, len(units)))
    if jobs == 1 or len(units) < POOL_MIN_UNITS:
        cache: dict = {}
        return [lint_unit(spec, rules, settings, cache) for spec in units]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=([r.code for r in rules], settings)) as pool:
        return list(pool.map(_lint_in_worker, units, chunksize=max(1, len(units) // (jobs * 4))))


class Sources(dict):
    """Report path -> lines. Files whose lines a worker did not send are read when first asked for."""

    def __init__(self):
        super().__init__()
        self.unread: dict = {}  # report path -> path

    def get(self, key, default=None):
        if key not in self and key in self.unread:
            from pcelint.loader import decode
            try:
                with open(self.unread.pop(key), "rb") as handle:
                    text, _ = decode(handle.read())
            except OSError:
                text = None
            if text is not None:
                self[key] = text.splitlines()
        return super().get(key, default)

    def __missing__(self, key):
        lines = self.get(key)
        if lines is None:
            raise KeyError(key)
        return lines


def execute(units, rules, settings) -> RunResult:
    result = RunResult(rules=rules)
    result.sources = Sources()
    for spec, unit in zip(units, lint_units(units, rules, settings)):
        result.findings.extend(unit.findings)
        result.skipped.extend(unit.skipped)
        result.notifications.extend(unit.notifications)
        result.sources.update(unit.sources)
        result.sources.unread.update(unit.unread)
        result.crashed |= unit.crashed
        result.files += len(unit.files)
        result.pairs += isinstance(spec, PairSpec)
    run_level(result, rules, settings)
    for step in POSTPROCESS:
        step(result, settings)
    result.findings.sort(key=lambda f: f.sort_key())
    result.exit_code = exit_code(result, settings)
    return result


def exit_code(result: RunResult, settings) -> int:
    if result.crashed:
        return 2
    bar = LEVEL_RANK[settings.fail_on]
    failing = any(LEVEL_RANK[f.level] >= bar for f in result.findings if not f.suppressed)
    return 1 if failing else 0


def run_scope(result: RunResult, settings, rules, subject) -> None:
    """Run scope-"run" rules on one subject, stamped as the engine stamps unit findings."""
    if not rules:
        return
    unit = UnitResult()
    runner = _Runner(rules, settings, unit)
    for r in rules:
        runner.run(r, subject)
    result.findings.extend(unit.findings)
    result.skipped.extend(unit.skipped)
    result.notifications.extend(unit.notifications)
    result.crashed |= unit.crashed


def run_level(result: RunResult, rules, settings) -> None:
    """The repository-wide rules (PCE701): once per run, on what git tracks or has staged."""
    from pcelint.gitio import Repo, tracked_key_blocks

    chosen = [r for r in rules if r.scope == "run" and "suppressions" not in r.needs]
    if not chosen:
        return
    repo = tracked_key_blocks(settings.repo_root, settings) if settings.repo_root else Repo(None)
    for rel, lines in repo.key_lines.items():
        result.sources.setdefault(rel, lines)
    run_scope(result, settings, chosen, repo)


def add_line_hashes(result: RunResult, settings) -> None:
    """GitHub's primaryLocationLineHash for each finding's line, from the file as it is on disk."""
    from pcelint.linehash import line_hashes

    by_path: dict = {}
    for f in result.findings:
        path = f.location.path
        if path not in by_path:
            try:
                raw = (settings.root / path).read_bytes()
            except OSError:
                by_path[path] = {}
                continue
            by_path[path] = line_hashes(raw.decode("utf-8", errors="replace"))
        value = by_path[path].get(f.location.span.line)
        if value:
            result.line_hashes[(path, f.location.span.line)] = value


def _postprocess() -> list:
    from pcelint.baseline import apply_baseline
    from pcelint.suppress import apply_per_file_ignores, apply_suppressions

    return [apply_suppressions, apply_per_file_ignores, apply_baseline, add_line_hashes]


# Steps run on the merged result before exit codes: each is step(result, settings).
POSTPROCESS: list = _postprocess()
