"""What rules report and what a run produces: spans, locations, problems, findings, skips.

These are plain classes with `__slots__`, not dataclasses: importing `dataclasses` (and `inspect`
behind it) and generating each class's methods cost more at start-up than linting a small pair.
Equality, hashing and `repr` are written out only where something relies on them.
"""
from __future__ import annotations

import hashlib

LEVELS = ("error", "warning", "note")
LEVEL_RANK = {"note": 1, "warning": 2, "error": 3, "never": 99}


def slots_repr(self) -> str:
    """`Name(field=value, ...)` over the class's `__slots__`, as a dataclass writes it: the result
    cache keys on the repr of a unit (core/cache.py), and tests look into reprs for secrets."""
    values = ", ".join(f"{n}={getattr(self, n)!r}" for n in type(self).__slots__)
    return f"{type(self).__qualname__}({values})"


class Span:
    """1-based line and column in Unicode code points; the end is exclusive."""

    __slots__ = ("line", "column", "end_line", "end_column")
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, line: int, column: int, end_line: int, end_column: int):
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.line, self.column, self.end_line, self.end_column) == \
            (other.line, other.column, other.end_line, other.end_column)

    def __hash__(self):
        return hash((self.line, self.column, self.end_line, self.end_column))

    __repr__ = slots_repr

    @classmethod
    def at_start(cls) -> "Span":
        return cls(1, 1, 1, 1)


class Location:
    __slots__ = ("path", "span", "key_path", "message")
    path: str  # report path: relative to the run's root, '/' separated
    span: Span
    key_path: tuple
    message: str  # used for related locations

    def __init__(self, path: str, span: Span, key_path: tuple = (), message: str = ""):
        self.path = path
        self.span = span
        self.key_path = key_path
        self.message = message

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.path, self.span, self.key_path, self.message) == \
            (other.path, other.span, other.key_path, other.message)

    def __hash__(self):
        return hash((self.path, self.span, self.key_path, self.message))

    __repr__ = slots_repr


class Problem:
    """What a rule yields; the engine stamps code, name and level on it."""

    __slots__ = ("message", "at", "related", "level", "discriminator")
    message: str
    at: Location
    related: tuple[Location, ...]
    level: str | None  # a per-problem level (e.g. PCE102 note, PCE404 soon_level)
    discriminator: str  # extra fingerprint input when one key carries several problems

    def __init__(self, message: str, at: Location, related: tuple[Location, ...] = (),
                 level: str | None = None, discriminator: str = ""):
        self.message = message
        self.at = at
        self.related = related
        self.level = level
        self.discriminator = discriminator


class Skip:
    """A rule could not be evaluated: its input is absent. Yield it or raise Skipped."""

    __slots__ = ("reason",)
    reason: str

    def __init__(self, reason: str):
        self.reason = reason


class Skipped(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Finding:
    __slots__ = ("code", "name", "level", "message", "location", "related", "pair", "role",
                 "fingerprint", "suppressed", "suppression_reason")
    code: str
    name: str
    level: str
    message: str
    location: Location
    related: tuple[Location, ...]
    pair: str | None
    role: str | None
    fingerprint: str
    suppressed: bool
    suppression_reason: str | None

    def __init__(self, code: str, name: str, level: str, message: str, location: Location,
                 related: tuple[Location, ...] = (), pair: str | None = None,
                 role: str | None = None, fingerprint: str = "", suppressed: bool = False,
                 suppression_reason: str | None = None):
        self.code = code
        self.name = name
        self.level = level
        self.message = message
        self.location = location
        self.related = related
        self.pair = pair
        self.role = role
        self.fingerprint = fingerprint
        self.suppressed = suppressed
        self.suppression_reason = suppression_reason

    def _fields(self) -> tuple:
        return (self.code, self.name, self.level, self.message, self.location, self.related,
                self.pair, self.role, self.fingerprint, self.suppressed, self.suppression_reason)

    def __eq__(self, other):  # the result cache checks that a result survives JSON
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # mutable
    __repr__ = slots_repr

    def sort_key(self):
        s = self.location.span
        return (self.pair or "", self.location.path, s.line, s.column, self.code, self.message)


class SkipRecord:
    __slots__ = ("code", "pair", "reason")
    code: str
    pair: str | None
    reason: str

    def __init__(self, code: str, pair: str | None, reason: str):
        self.code = code
        self.pair = pair
        self.reason = reason

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.code, self.pair, self.reason) == (other.code, other.pair, other.reason)

    def __hash__(self):
        return hash((self.code, self.pair, self.reason))

    __repr__ = slots_repr


class Notification:
    __slots__ = ("level", "message", "code")
    level: str
    message: str
    code: str | None

    def __init__(self, level: str, message: str, code: str | None = None):
        self.level = level
        self.message = message
        self.code = code

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.level, self.message, self.code) == (other.level, other.message, other.code)

    def __hash__(self):
        return hash((self.level, self.message, self.code))

    __repr__ = slots_repr


def fingerprint(code: str, path: str, key_path: tuple, pair: str | None, extra: str = "") -> str:
    """Line-independent identity of a finding."""
    text = "\x1f".join([code, path, "/".join(map(str, key_path)), pair or "", extra])
    # surrogateescape: a file name that is not UTF-8 still has a stable fingerprint
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


class RunResult:
    __slots__ = ("findings", "skipped", "notifications", "pairs", "files", "sources",
                 "baseline_gone", "crashed", "exit_code", "rules", "line_hashes", "owners")
    findings: list[Finding]
    skipped: list[SkipRecord]
    notifications: list[Notification]
    pairs: int
    files: int
    sources: dict[str, list[str]]  # report path -> lines
    baseline_gone: int
    crashed: bool
    exit_code: int
    rules: tuple  # the enabled Rule objects, for SARIF metadata
    line_hashes: dict  # (path, line) -> GitHub primaryLocationLineHash
    owners: object  # core.owners.Owners: the pair and role of a report path

    def __init__(self, findings: list[Finding] | None = None,
                 skipped: list[SkipRecord] | None = None,
                 notifications: list[Notification] | None = None, pairs: int = 0, files: int = 0,
                 sources: dict[str, list[str]] | None = None, baseline_gone: int = 0,
                 crashed: bool = False, exit_code: int = 0, rules: tuple = (),
                 line_hashes: dict | None = None, owners: object = None):
        self.findings = [] if findings is None else findings
        self.skipped = [] if skipped is None else skipped
        self.notifications = [] if notifications is None else notifications
        self.pairs = pairs
        self.files = files
        self.sources = {} if sources is None else sources
        self.baseline_gone = baseline_gone
        self.crashed = crashed
        self.exit_code = exit_code
        self.rules = rules
        self.line_hashes = {} if line_hashes is None else line_hashes
        self.owners = owners
