"""The model rules see: node files, PCEs, pairs and the pair options. Rules never do I/O."""
from __future__ import annotations

from pathlib import Path

from pcelint.core.findings import Location, Span, slots_repr

TYPE_CHECKING = False  # (the typing module is not imported for this)
if TYPE_CHECKING:
    from pcelint.core.loader import Loaded

MISSING = object()


class NodeFile:
    __slots__ = ("path", "rel", "loaded", "role", "base", "base_state", "file_digests", "key_index")
    path: Path  # absolute
    rel: str  # report path
    loaded: Loaded
    role: str | None  # "active", "standby" or None for a lone file
    base: Loaded | None  # the file at --base REV (set by the git input), when known
    base_state: str  # why base is None: "" (not asked), "new", "no-repo", ...
    file_digests: dict  # node-file key -> sha256 of the file it names
    key_index: list | None  # all_keys(), once computed

    def __init__(self, path: Path, rel: str, loaded: Loaded, role: str | None = None,
                 base: Loaded | None = None, base_state: str = "", file_digests: dict | None = None):
        self.path = path
        self.rel = rel
        self.loaded = loaded
        self.role = role
        self.base = base
        self.base_state = base_state
        self.file_digests = {} if file_digests is None else file_digests
        self.key_index = None

    @property
    def data(self) -> dict | None:
        return self.loaded.data

    def all_keys(self) -> list:
        """Every (path of the mapping, key) in the data, depth first, in file order (merged keys
        and aliased mappings included): walked once per file, shared by the rules that look at
        every key (PCE102, PCE104)."""
        if self.key_index is None:
            self.key_index = key_walk(self.data)
        return self.key_index

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


def key_walk(data) -> list:
    """(path of the mapping, key) of every key in `data`, depth first, in file order."""
    found: list = []

    def visit(value, path):
        if isinstance(value, dict):
            for key, sub in value.items():
                found.append((path, key))
                if isinstance(sub, (dict, list)):
                    visit(sub, path + (key,))
        else:
            for index, sub in enumerate(value):
                if isinstance(sub, (dict, list)):
                    visit(sub, path + (index,))

    if isinstance(data, (dict, list)):
        visit(data, ())
    return found


class Pce:
    __slots__ = ("role", "files")
    role: str  # "active" or "standby"
    files: list[NodeFile]

    def __init__(self, role: str, files: list[NodeFile]):
        self.role = role
        self.files = files

    @property
    def first(self) -> NodeFile:
        return self.files[0]


class Placed:
    """A value from the config or a flag, with where it was written (config line) when known."""

    __slots__ = ("value", "at")
    value: object
    at: Location | None

    def __init__(self, value: object, at: Location | None = None):
        self.value = value
        self.at = at

    __repr__ = slots_repr  # in the repr of a PairSpec, which the result cache keys on


class PairOptions:
    __slots__ = ("name", "certificate", "private_key", "ca_bundle", "extra_names",
                 "traffic_disk_gb", "wal_rate_mb_per_hour", "max_lag_hours", "reserve_fraction",
                 "zone_files", "max_ttl", "zone_origin", "refused")
    name: str | None
    certificate: str | None  # absolute path, from config or --cert
    private_key: str | None
    ca_bundle: str | None
    extra_names: list[Placed]
    traffic_disk_gb: dict  # {"active": float, "standby": float}
    wal_rate_mb_per_hour: float | None
    max_lag_hours: float | None
    reserve_fraction: float
    zone_files: list[str]  # absolute paths
    max_ttl: int | None
    zone_origin: str | None  # the config's dns.origin, for zone files without $ORIGIN
    # config paths not followed because they leave the linted tree: attribute or zone path -> why
    refused: dict

    def __init__(self, name: str | None = None, certificate: str | None = None,
                 private_key: str | None = None, ca_bundle: str | None = None,
                 extra_names: list[Placed] | None = None, traffic_disk_gb: dict | None = None,
                 wal_rate_mb_per_hour: float | None = None, max_lag_hours: float | None = None,
                 reserve_fraction: float = 0.1, zone_files: list[str] | None = None,
                 max_ttl: int | None = None, zone_origin: str | None = None,
                 refused: dict | None = None):
        self.name = name
        self.certificate = certificate
        self.private_key = private_key
        self.ca_bundle = ca_bundle
        self.extra_names = [] if extra_names is None else extra_names
        self.traffic_disk_gb = {} if traffic_disk_gb is None else traffic_disk_gb
        self.wal_rate_mb_per_hour = wal_rate_mb_per_hour
        self.max_lag_hours = max_lag_hours
        self.reserve_fraction = reserve_fraction
        self.zone_files = [] if zone_files is None else zone_files
        self.max_ttl = max_ttl
        self.zone_origin = zone_origin
        self.refused = {} if refused is None else refused

    __repr__ = slots_repr  # in the repr of a PairSpec, which the result cache keys on


class Pair:
    __slots__ = ("name", "active", "standby", "options", "folder", "evidence")
    name: str
    active: Pce
    standby: Pce
    options: PairOptions
    folder: Path  # D: where certs/, tls/ are looked for
    evidence: dict  # filled by inputs: "certs", "dns", ...

    def __init__(self, name: str, active: Pce, standby: Pce, options: PairOptions, folder: Path,
                 evidence: dict | None = None):
        self.name = name
        self.active = active
        self.standby = standby
        self.options = options
        self.folder = folder
        self.evidence = {} if evidence is None else evidence

    @property
    def pces(self) -> tuple[Pce, Pce]:
        return (self.active, self.standby)

    @property
    def files(self) -> list[NodeFile]:
        return self.active.files + self.standby.files


class PairSpec:
    """A unit of work found by discovery: the node files of one pair, not yet loaded."""

    __slots__ = ("name", "active", "standby", "folder", "options")
    name: str
    active: list  # absolute Paths, in path order
    standby: list
    folder: Path
    options: PairOptions

    def __init__(self, name: str, active: list, standby: list, folder: Path,
                 options: PairOptions | None = None):
        self.name = name
        self.active = active
        self.standby = standby
        self.folder = folder
        self.options = PairOptions() if options is None else options

    __repr__ = slots_repr  # the result cache names a unit's entry by it


class LoneSpec:
    """A unit of work found by discovery: a node file that belongs to no pair."""

    __slots__ = ("path",)
    path: Path

    def __init__(self, path: Path):
        self.path = path

    __repr__ = slots_repr  # the result cache names a unit's entry by it
