"""Every limit pcelint enforces, with its default, in one place (overridable under `limits:`)."""
from __future__ import annotations


class Limits:
    # The class attributes are the defaults (`Limits.max_bytes` is read where no run is at hand).
    max_bytes: int = 1024 * 1024  # a node file larger than this is PCE003
    max_aliases: int = 100  # YAML aliases in one file (PCE003)
    max_nodes: int = 100_000  # YAML nodes after expanding aliases (PCE003)
    max_depth: int = 64  # YAML nesting (PCE003)
    max_san_entries: int = 1000  # subjectAltName entries read from one certificate
    max_chain_length: int = 10  # certificates read from one bundle
    max_files: int = 100_000  # files met in one folder walk or config glob (exit 2 beyond)
    max_walk_depth: int = 128  # folder levels below a PATH a walk descends (exit 2 beyond)
    max_zone_bytes: int = 32 * 1024 * 1024  # a zone file larger than this is not read (notification)
    max_zone_generate: int = 10_000  # records one zone file may create with $GENERATE (notification)

    NAMES = ("max_bytes", "max_aliases", "max_nodes", "max_depth", "max_san_entries",
             "max_chain_length", "max_files", "max_walk_depth", "max_zone_bytes",
             "max_zone_generate")

    def __init__(self, max_bytes: int = max_bytes, max_aliases: int = max_aliases,
                 max_nodes: int = max_nodes, max_depth: int = max_depth,
                 max_san_entries: int = max_san_entries, max_chain_length: int = max_chain_length,
                 max_files: int = max_files, max_walk_depth: int = max_walk_depth,
                 max_zone_bytes: int = max_zone_bytes, max_zone_generate: int = max_zone_generate):
        self.max_bytes = max_bytes
        self.max_aliases = max_aliases
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.max_san_entries = max_san_entries
        self.max_chain_length = max_chain_length
        self.max_files = max_files
        self.max_walk_depth = max_walk_depth
        self.max_zone_bytes = max_zone_bytes
        self.max_zone_generate = max_zone_generate

    def __repr__(self) -> str:  # the result cache keys on the settings' repr (core/cache.py)
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.NAMES)
        return f"Limits({values})"

    @classmethod
    def from_config(cls, values: dict | None, command_line: dict | None = None) -> "Limits":
        """The run's limits: `--limit NAME=N` values (trusted: they may raise a limit) over the
        defaults, then the config's `limits:` (the linted tree's: it may only lower a limit; a
        value above the limit it would replace is not used)."""
        return cls.resolve(values, command_line)[0]

    @classmethod
    def resolve(cls, values: dict | None, command_line: dict | None = None) -> tuple["Limits", list]:
        """(limits, notes): each note says which config value was not used, and why."""
        known = set(cls.NAMES)
        base = {name: getattr(cls, name) for name in cls.NAMES}
        base.update({k: v for k, v in (command_line or {}).items() if k in known})
        notes = []
        for key, value in (values or {}).items():
            if key not in known or not isinstance(value, int) or isinstance(value, bool):
                continue
            if value <= base[key]:
                base[key] = value
            else:
                notes.append(f"the config's 'limits.{key}' ({value}) is above {base[key]} and is not "
                             f"used: a config may only lower a limit; raise it with --limit "
                             f"{key}=N on the command line.")
        return cls(**base), notes


def parse_limit(text: str) -> tuple[str, int]:
    """`NAME=N` from `--limit`: a known limit and a whole number >= 0 (ValueError says why)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    known = list(Limits.NAMES)
    if not sep or name not in known:
        raise ValueError(f"'{text}' is not NAME=N with NAME one of: {', '.join(known)}")
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError(f"'{text}': '{value}' is not a whole number") from None
    if number < 0:
        raise ValueError(f"'{text}': the value must not be negative")
    return name, number
