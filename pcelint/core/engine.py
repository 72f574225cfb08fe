"""Runs rules over units (a pair or a lone node file) and stamps identity and level on findings."""
from __future__ import annotations

from pathlib import Path

from pcelint import inputs
from pcelint.core import mask
from pcelint.core.findings import (
    Finding,
    Location,
    Notification,
    Problem,
    Skip,
    Skipped,
    SkipRecord,
    Span,
    fingerprint,
)
from pcelint.core.model import LoneSpec, NodeFile, Pair, PairSpec, Pce
from pcelint.inputs import trace
from pcelint.inputs.safeio import read_regular


class UnitResult:
    __slots__ = ("findings", "skipped", "notifications", "sources", "unread", "files", "crashed")
    findings: list
    skipped: list
    notifications: list
    sources: dict  # report path -> lines, of the files sent back
    unread: dict  # report path -> path, of files whose lines were not
    files: list  # report paths linted
    crashed: bool

    def __init__(self, findings: list | None = None, skipped: list | None = None,
                 notifications: list | None = None, sources: dict | None = None,
                 unread: dict | None = None, files: list | None = None, crashed: bool = False):
        self.findings = [] if findings is None else findings
        self.skipped = [] if skipped is None else skipped
        self.notifications = [] if notifications is None else notifications
        self.sources = {} if sources is None else sources
        self.unread = {} if unread is None else unread
        self.files = [] if files is None else files
        self.crashed = crashed

    def _fields(self) -> tuple:
        return (self.findings, self.skipped, self.notifications, self.sources, self.unread,
                self.files, self.crashed)

    def __eq__(self, other):  # the result cache checks that a result survives JSON
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # mutable


class Ctx:
    """What a check receives besides its subject: its options and the run settings."""

    __slots__ = ("options", "settings")
    options: dict
    settings: object

    def __init__(self, options: dict, settings: object):
        self.options = options
        self.settings = settings


def matches(rule, token: str) -> bool:
    token = token.strip()
    return bool(token) and (token == rule.name or rule.code.startswith(token.upper()))


def enabled_rules(all_rules, settings) -> tuple:
    chosen = []
    for r in all_rules:
        if settings.select and not any(matches(r, t) for t in settings.select):
            continue
        if any(matches(r, t) for t in settings.ignore):
            continue
        chosen.append(r)
    return tuple(chosen)


def load_node_file(path: Path, settings, role=None) -> NodeFile:
    from pcelint.core.loader import (  # (PyYAML: not imported by a run that loads no file)
        Loaded,
        LoadProblem,
        load_yaml,
    )

    rel = settings.rel(path)
    try:
        raw = read_regular(path, settings.limits.max_bytes)
    except OSError as exc:
        trace.read(path, settings.limits.max_bytes, trace.error_state(exc))
        loaded = Loaded(None, problems=[LoadProblem(
            "PCE001", f"The file cannot be read: {exc.strerror or type(exc).__name__}; check that it "
            "exists and is readable.", Span.at_start())])
    else:
        if trace.ACTIVE is not None:
            trace.read(path, settings.limits.max_bytes, trace.data_state(raw))
        loaded = load_yaml(raw, settings.limits)
    return NodeFile(path, rel, loaded, role)


def build_pair(spec: PairSpec, settings) -> Pair:
    active = Pce("active", [load_node_file(p, settings, "active") for p in spec.active])
    standby = Pce("standby", [load_node_file(p, settings, "standby") for p in spec.standby])
    return Pair(spec.name, active, standby, spec.options, spec.folder)


class Runner:
    """Runs rules on subjects for one unit (or one run-level subject) and stamps what they yield."""

    def __init__(self, rules, settings, result: UnitResult, pair_name=None):
        self.rules = rules
        self.settings = settings
        self.result = result
        self.pair_name = pair_name
        self.skips = set()
        self.roles: dict = {}  # report path -> role, for findings of pce and pair rules
        self.owners = None  # report path -> (pair, role), for run-level findings (core.owners)

    def run(self, rule, subject, role=None):
        ctx = Ctx({**rule.options, **self.settings.rule_options.get(rule.code, {})}, self.settings)
        items = []  # a rule that crashes midway leaves no partial findings
        try:
            for item in rule.check(subject, ctx) or ():
                items.append(item)
        except Skipped as skipped:
            items.append(Skip(skipped.reason))
        except Exception as exc:  # a crashing rule must not take the run down
            self.crashed(rule, exc)
            return
        kept = len(self.result.findings)
        try:
            for item in items:
                if isinstance(item, Skip):
                    self.skip(rule, item.reason)
                else:
                    self.stamp(rule, item, role)
        except Exception as exc:  # e.g. a plugin rule that yields something other than a Problem
            del self.result.findings[kept:]
            self.crashed(rule, exc)

    def crashed(self, rule, exc):
        self.result.crashed = True
        self.result.notifications.append(Notification("error", _crash_message(rule, exc), rule.code))

    def skip(self, rule, reason):
        key = (rule.code, reason)
        if key not in self.skips:
            self.skips.add(key)
            self.result.skipped.append(SkipRecord(rule.code, self.pair_name, reason))

    def stamp(self, rule, problem: Problem, role):
        code = rule.code
        level = problem.level or self.settings.levels.get(code) or rule.level
        at = problem.at
        hidden = mask.key_path(at.key_path)
        if hidden != tuple(at.key_path):  # a key below a secret-named key may be the secret
            at = Location(at.path, at.span, hidden, at.message)
        pair, role = self.pair_name, self.roles.get(at.path, role)
        if pair is None and self.owners is not None:  # a run-level finding in a pair's file
            owner, owner_role = self.owners(at.path)
            if owner is not None:
                pair, role = owner, owner_role
        self.result.findings.append(Finding(
            code=code, name=rule.name, level=level,
            message=problem.message, location=at, related=tuple(problem.related),
            pair=pair, role=role,
            fingerprint=fingerprint(code, at.path, at.key_path, pair, problem.discriminator)))


def run_scope(result, settings, rules, subject) -> None:
    """Run scope-"run" or "post" rules on one subject, stamped as unit findings are."""
    if not rules:
        return
    unit = UnitResult()
    runner = Runner(rules, settings, unit)
    runner.owners = getattr(result, "owners", None)
    for r in rules:
        runner.run(r, subject)
    result.findings.extend(unit.findings)
    result.skipped.extend(unit.skipped)
    result.notifications.extend(unit.notifications)
    result.crashed |= unit.crashed


def _crash_message(rule, exc) -> str:
    # Only the exception type and where it was raised: an exception's text may quote input values.
    import traceback  # only when a rule crashed

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return (f"Rule {rule.code} ({rule.name}) crashed with {type(exc).__name__}{where}; its findings "
            "are missing from this report. Please report this as a pcelint bug.")


def _unparsed_reason(files) -> str | None:
    broken = [f.rel for f in files if f.data is None]
    if broken:
        return f"'{broken[0]}' could not be loaded (see its PCE001/PCE003 finding)"
    return None


def lint_unit(spec, rules, settings, cache=None) -> UnitResult:
    """Load one unit, prepare the inputs its rules need, run every rule; no output."""
    cache = {} if cache is None else cache
    result = UnitResult()
    if isinstance(spec, LoneSpec):
        node = load_node_file(spec.path, settings)
        files, unit, pair_name = [node], node, None
    else:
        unit = build_pair(spec, settings)
        files, pair_name = unit.files, unit.name
    result.files = [f.rel for f in files]
    runner = Runner(rules, settings, result, pair_name)
    runner.roles = {f.rel: f.role for f in files}
    needs = set().union(*(r.needs for r in rules)) if rules else set()
    if needs:
        result.notifications.extend(inputs.prepare(unit, needs, settings, cache))
    if pair_name is not None:  # once per unit: which PCE and pair rules cannot run, and why
        pce_reasons = [_unparsed_reason(pce.files) for pce in unit.pces]
        pair_reason = _unparsed_reason(unit.files)
    for r in rules:
        if r.scope == "file":
            if r.paired_only and pair_name is None:
                continue
            for node in files:
                if node.data is None and not r.on_unparsed:
                    runner.skip(r, _unparsed_reason([node]))
                    continue
                runner.run(r, node, node.role)
        elif pair_name is None or r.scope in ("run", "post"):
            continue
        elif r.scope == "pce":
            for pce, reason in zip(unit.pces, pce_reasons):
                if reason:
                    runner.skip(r, reason)
                else:
                    runner.run(r, pce, pce.role)
        elif r.scope == "pair":
            if pair_reason:
                runner.skip(r, pair_reason)
            else:
                runner.run(r, unit)
    secret_regions = {f.rel: mask.regions(f.loaded) for f in files if f.loaded.text is not None}
    anchor_secrets(result.findings, secret_regions)
    keep_sources(result, files, secret_regions)
    return result


def masked_file_lines(rel: str, text: str, limits) -> list[str]:
    """A cited file's lines as reports may show them (pcelint.core.mask), YAML loaded for its
    secrets' spans."""
    if not mask.is_yaml_name(rel):
        return mask.mask_text(text, yaml=False)
    from pcelint.core.loader import load_yaml

    return mask.mask_text(text, load_yaml(text.encode("utf-8", errors="surrogatepass"), limits))


def anchor_secrets(findings, secret_regions: dict) -> None:
    """Findings (and related locations) that point into a secret value point at its key."""
    def moved(loc):
        found = secret_regions.get(loc.path)
        if not found:
            return loc
        span = mask.anchor(loc.span, found)
        return loc if span is loc.span else Location(loc.path, span, loc.key_path, loc.message)

    for f in findings:
        f.location = moved(f.location)
        if f.related:
            f.related = tuple(moved(r) for r in f.related)


def keep_sources(result: UnitResult, files, secret_regions=None) -> None:
    """Send back the lines of the files a finding cites or that hold a `pcelint` comment; the
    others are re-read only if a report asks for them (a fleet is mostly clean files, and every
    line costs pickling out of a worker and memory in the parent)."""
    cited = {f.location.path for f in result.findings}
    cited.update(r.path for f in result.findings for r in f.related)
    for node in files:
        text = node.loaded.text
        if text is None:
            continue
        if node.rel in cited or "pcelint" in text:  # only masked lines ever leave the unit
            found = (secret_regions or {}).get(node.rel)
            result.sources[node.rel] = mask.masked_lines(
                mask.split_lines(text), mask.regions(node.loaded) if found is None else found)
        else:
            result.unread[node.rel] = str(node.path)
