"""What rules report and what a run produces: spans, locations, problems, findings, skips."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

LEVELS = ("error", "warning", "note")
LEVEL_RANK = {"note": 1, "warning": 2, "error": 3, "never": 99}


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line and column in Unicode code points; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def at_start(cls) -> "Span":
        return cls(1, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Location:
    path: str  # report path: relative to the run's root, '/' separated
    span: Span
    key_path: tuple = ()
    message: str = ""  # used for related locations


@dataclass(slots=True)
class Problem:
    """What a rule yields; the engine stamps code, name and level on it."""

    message: str
    at: Location
    related: tuple[Location, ...] = ()
    level: str | None = None  # a per-problem level (e.g. PCE102 note, PCE404 soon_level)
    discriminator: str = ""  # extra fingerprint input when one key carries several problems


@dataclass(frozen=True, slots=True)
class Skip:
    """A rule could not be evaluated: its input is absent. Yield it or raise Skipped."""

    reason: str


class Skipped(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Finding:
    code: str
    name: str
    level: str
    message: str
    location: Location
    related: tuple[Location, ...] = ()
    pair: str | None = None
    role: str | None = None
    fingerprint: str = ""
    suppressed: bool = False
    suppression_reason: str | None = None

    def sort_key(self):
        s = self.location.span
        return (self.pair or "", self.location.path, s.line, s.column, self.code, self.message)


@dataclass(frozen=True, slots=True)
class SkipRecord:
    code: str
    pair: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Notification:
    level: str
    message: str
    code: str | None = None


def fingerprint(code: str, path: str, key_path: tuple, pair: str | None, extra: str = "") -> str:
    """Line-independent identity of a finding."""
    text = "\x1f".join([code, path, "/".join(map(str, key_path)), pair or "", extra])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[SkipRecord] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    pairs: int = 0
    files: int = 0
    sources: dict[str, list[str]] = field(default_factory=dict)  # report path -> lines
    baseline_gone: int = 0
    crashed: bool = False
    exit_code: int = 0
    rules: tuple = ()  # the enabled Rule objects, for SARIF metadata
    line_hashes: dict = field(default_factory=dict)  # (path, line) -> GitHub primaryLocationLineHash
    owners: object = None  # core.owners.Owners: the pair and role of a report path
