"""The model rules see: node files, PCEs, pairs and the pair options. Rules never do I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pcelint.core.findings import Location, Span

TYPE_CHECKING = False  # (the typing module is not imported for this)
if TYPE_CHECKING:
    from pcelint.core.loader import Loaded

MISSING = object()


@dataclass(eq=False)
class NodeFile:
    path: Path  # absolute
    rel: str  # report path
    loaded: Loaded
    role: str | None = None  # "active", "standby" or None for a lone file
    base: Loaded | None = None  # the file at --base REV (set by the git input), when known
    base_state: str = ""  # why base is None: "" (not asked), "new", "no-repo", ...
    file_digests: dict = field(default_factory=dict)  # node-file key -> sha256 of the file it names

    @property
    def data(self) -> dict | None:
        return self.loaded.data

    @property
    def lines(self) -> list[str]:
        from pcelint.core.loader import split_lines

        text = self.loaded.text
        return split_lines(text) if text is not None else []

    def get(self, *path, default=None):
        value = self.data
        for key in path:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                return default
        return value

    def written(self, *path) -> str | None:
        """The source text of a one-line scalar value as the file writes it (e.g. 'True', 'yes'),
        or None."""
        span = self.span(*path)
        lines = self.lines
        if span is None or span.line != span.end_line or not 0 < span.line <= len(lines):
            return None
        text = lines[span.line - 1][span.column - 1:span.end_column - 1]
        return text or None

    def has(self, *path) -> bool:
        return self.get(*path, default=MISSING) is not MISSING

    def span(self, *path, part: str = "value") -> Span | None:
        entry = self.loaded.spans.get(tuple(path))
        if entry is None:
            return None
        return entry[0] if part == "key" and entry[0] is not None else entry[1]

    def loc(self, *path, part: str = "value", message: str = "") -> Location:
        """Where to point for `path`: the value (or key); if absent, the nearest existing parent key;
        if the whole section is absent, line 1 column 1."""
        path = tuple(path)
        span = self.span(*path, part=part)
        if span is not None:
            return Location(self.rel, span, path, message)
        for cut in range(len(path) - 1, 0, -1):
            parent = self.span(*path[:cut], part="key")
            if parent is not None:
                return Location(self.rel, parent, path, message)
        return Location(self.rel, Span.at_start(), path, message)


@dataclass(eq=False)
class Pce:
    role: str  # "active" or "standby"
    files: list[NodeFile]

    @property
    def first(self) -> NodeFile:
        return self.files[0]


@dataclass
class Placed:
    """A value from the config or a flag, with where it was written (config line) when known."""

    value: object
    at: Location | None = None


@dataclass
class PairOptions:
    name: str | None = None
    certificate: str | None = None  # absolute path, from config or --cert
    private_key: str | None = None
    ca_bundle: str | None = None
    extra_names: list[Placed] = field(default_factory=list)
    traffic_disk_gb: dict = field(default_factory=dict)  # {"active": float, "standby": float}
    wal_rate_mb_per_hour: float | None = None
    max_lag_hours: float | None = None
    reserve_fraction: float = 0.1
    zone_files: list[str] = field(default_factory=list)  # absolute paths
    max_ttl: int | None = None
    zone_origin: str | None = None  # the config's dns.origin, for zone files without $ORIGIN
    # config paths not followed because they leave the linted tree: attribute or zone path -> why
    refused: dict = field(default_factory=dict)


@dataclass(eq=False)
class Pair:
    name: str
    active: Pce
    standby: Pce
    options: PairOptions
    folder: Path  # D: where certs/, tls/ are looked for
    evidence: dict = field(default_factory=dict)  # filled by inputs: "certs", "dns", ...

    @property
    def pces(self) -> tuple[Pce, Pce]:
        return (self.active, self.standby)

    @property
    def files(self) -> list[NodeFile]:
        return self.active.files + self.standby.files


@dataclass
class PairSpec:
    """A unit of work found by discovery: the node files of one pair, not yet loaded."""


    name: str
    active: list  # absolute Paths, in path order
    standby: list
    folder: Path
    options: PairOptions = field(default_factory=PairOptions)


@dataclass
class LoneSpec:
    """A unit of work found by discovery: a node file that belongs to no pair."""


    path: Path
